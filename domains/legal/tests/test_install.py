"""`pip install codexcontinue-legal` from locally built wheels into a fresh virtual environment works.

Slow (a few minutes: it builds both wheels with hatch and installs them with their dependencies,
from pip's cache when it has them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from codexcontinue.testing.plugin import free_port

REPO = Path(__file__).resolve().parents[3]
PACK = REPO / "domains" / "legal"

pytestmark = pytest.mark.slow
CONTRACT = (
    "SERVICES AGREEMENT\n\nThis Services Agreement is made between Northwind Analytics, Inc. (the "
    "\"Provider\") and Contoso Ltd. (the \"Client\"). The Provider shall perform the services described "
    "below and the Client shall pay the fees when due.\n\n12. Governing Law. This Agreement shall be "
    "governed by the laws of the State of Delaware.\n"
)


def run(*command: str | Path, **kwargs) -> str:  # noqa: ANN003 - subprocess.run arguments
    """Run a command; fail the test with its output when it fails."""
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def installed(tmp_path) -> dict[str, str | Path]:
    """A fresh virtual environment with the legal pack installed from local wheels."""
    hatch = shutil.which("hatch")
    if hatch is None:
        pytest.skip("hatch is not installed (pip install hatch)")
    wheels = tmp_path / "wheels"
    run(hatch, "build", "-t", "wheel", wheels, cwd=REPO)
    run(hatch, "build", "-t", "wheel", wheels, cwd=PACK)
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    run(
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--find-links",
        wheels,
        "codexcontinue-legal",
    )
    env = {**os.environ, "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data"), "CODEXCONTINUE_PACKS": "legal"}
    env.pop("CODEXCONTINUE_REDIS_URL", None)
    return {"bin": venv / "bin", "env": env, "cwd": tmp_path}


def test_the_installed_pack_is_listed_and_served(installed):
    bin_dir, env, cwd = installed["bin"], installed["env"], installed["cwd"]
    listed = json.loads(run(bin_dir / "codexcontinue", "packs", "list", "--json", env=env, cwd=cwd))
    legal = next(row for row in listed if row["name"] == "legal")
    assert (legal["state"], legal["version"], legal["api_range"]) == ("enabled", "0.1.0", ">=1,<2")

    api_port, ui_port = free_port(), free_port()
    server = subprocess.Popen(
        [bin_dir / "codexcontinue", "serve", "--api-port", str(api_port), "--ui-port", str(ui_port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd,
    )  # fmt: skip
    try:
        token = _admin_key(server)
        api = httpx.Client(
            base_url=f"http://127.0.0.1:{api_port}", headers={"Authorization": f"Bearer {token}"}
        )
        _wait_for(lambda: api.get("/healthz").status_code == 200)
        assert api.get("/api/v1/legal/about").json()["title"] == "Legal"
        found = api.post("/api/v1/legal/citations", json={"text": "See 42 U.S.C. § 1983."}).json()
        assert found["citations"][0]["kind"] == "statute"
        review = api.post("/api/v1/legal/contracts/review-text", json={"text": CONTRACT}).json()
        assert review["values"]["governing_law"]["value"] == "Delaware", review  # the shipped model is in the wheel
        status = next(p for p in api.get("/api/v1/packs").json() if p["name"] == "legal")
        assert status["state"] == "active"
        assert status["pages"] == ["legal-overview", "legal-contracts", "legal-citations", "legal-matters"]
        ui = httpx.Client(base_url=f"http://127.0.0.1:{ui_port}")
        _wait_for(lambda: ui.get("/_stcore/health").status_code == 200)
        assert ui.get("/legal-citations").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def _admin_key(server: subprocess.Popen) -> str:
    """The key `serve` prints on the line after 'Admin API key', inside its box."""
    deadline = time.monotonic() + 120
    seen = []
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line and server.poll() is not None:
            break
        seen.append(line)
        if any("Admin API key" in earlier for earlier in seen) and (key := re.search(r"cc_[A-Za-z0-9_-]+", line)):
            return key.group(0)
    pytest.fail("`codexcontinue serve` printed no admin key:\n" + "".join(seen))


def _wait_for(ready, timeout: float = 60) -> None:  # noqa: ANN001 - a callable returning bool
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail("the server did not become ready")
