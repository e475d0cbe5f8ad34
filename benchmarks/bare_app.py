"""A bare FastAPI app with the overhead benchmark's router: what a user would otherwise write."""

from __future__ import annotations

import sys
from pathlib import Path

from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).parent / "plugins"))
from bench import router  # noqa: E402


def create_bare_app() -> FastAPI:
    """The router under the same path as the platform serves it, and nothing else."""
    app = FastAPI()
    app.include_router(router, prefix="/api/v1/bench")
    return app
