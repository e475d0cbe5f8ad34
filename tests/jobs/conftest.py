"""Fixtures for the job tests: a test pack with tasks, installed like a pip-installed distribution."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from distributions import install_pack
from pydantic import SecretStr

from codexcontinue.keys import KeyRing
from codexcontinue.settings import CoreSettings
from codexcontinue.store import open_store

JOBS_PACK = "jobtest"
JOBS_PACK_SOURCE = '''
"""A pack whose tasks exercise the job system: progress, tokens, timeouts and failures."""
import asyncio

from codexcontinue import PackInfo, TaskSpec, hookimpl


async def count(context, steps: int = 5, delay: float = 0.05):
    """Count to `steps`, reporting progress after each one."""
    for step in range(1, steps + 1):
        await asyncio.sleep(delay)
        await context.progress(step / steps, f"step {step} of {steps}")
    return {"counted": steps, "try": context.try_number}


async def spell(context, word: str):
    """Emit the word letter by letter; the result is the word in capitals."""
    for letter in word:
        await context.emit(letter)
    return word.upper()


async def stall(context, seconds: float = 30.0):
    """Sleep far longer than its 0.5 s timeout."""
    await asyncio.sleep(seconds)


async def explode(context):
    """Fail."""
    raise ValueError("the reactor is on fire")


@hookimpl
def pack_info():
    return PackInfo(name="jobtest", title="Job test")


@hookimpl
def register_tasks(register):
    register(TaskSpec(name="count", function=count, timeout_s=60))
    register(TaskSpec(name="spell", function=spell))
    register(TaskSpec(name="stall", function=stall, timeout_s=0.5))
    register(TaskSpec(name="explode", function=explode))
'''


@pytest.fixture
def jobs_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path holding the `jobtest` pack (put it on PYTHONPATH for subprocesses)."""
    folder = tmp_path / "site"
    folder.mkdir()
    install_pack(folder, JOBS_PACK, plugin_source=JOBS_PACK_SOURCE)
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield folder
    for name in [m for m in sys.modules if m.startswith("cc_test_")]:
        del sys.modules[name]


@pytest.fixture
def embedded_settings(jobs_site: Path, codexcontinue_settings: CoreSettings) -> CoreSettings:
    """Embedded mode (no Redis) with only the `jobtest` pack enabled."""
    return codexcontinue_settings.model_copy(update={"packs": [JOBS_PACK]})


@pytest.fixture
def redis_settings(embedded_settings: CoreSettings, redis_url: str) -> CoreSettings:
    """The same, on the test Redis."""
    return embedded_settings.model_copy(update={"redis_url": SecretStr(redis_url)})


def key_headers(settings: CoreSettings, *scopes: str) -> dict[str, str]:
    """Auth headers of a new API key with `scopes`, created in the store the settings point at."""

    async def create() -> str:
        store = open_store(settings)
        try:
            token, _ = await KeyRing(store).create("jobs test", list(scopes))
        finally:
            await store.close()
        return token

    return {"Authorization": f"Bearer {asyncio.run(create())}"}


@pytest.fixture
def make_key() -> Callable[..., dict[str, str]]:
    """`make_key(settings, "jobtest:write")` -> auth headers (works in embedded and Redis mode)."""
    return key_headers
