"""End to end: `codexcontinue serve` as a person runs it, driven in headless Chromium.

It starts the real command, reads the admin key it prints, checks /readyz, signs in through the
UI, sees every pack in the navigation, opens a pack page that calls the backend, and saves
screenshots under test-output/e2e/ (or $CODEXCONTINUE_TEST_OUTPUT). Stopping `serve` or `ui` leaves
no process behind.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest

from codexcontinue.testing.plugin import free_port

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(os.environ.get("CODEXCONTINUE_TEST_OUTPUT", Path(__file__).resolve().parents[2] / "test-output"))
PACK_TITLES = ["Developer", "Finance", "Health", "Legal"]


class ServeProcess:
    """`codexcontinue serve` in a subprocess, with its output collected line by line."""

    def __init__(self, tmp_path: Path) -> None:
        self.api_port, self.ui_port = free_port(), free_port()
        env = {
            **os.environ,
            "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data"),
            "CODEXCONTINUE_OLLAMA_HOSTS": f"http://127.0.0.1:{free_port()}",
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            sys.executable, "-m", "codexcontinue.cli", "serve",
            "--api-port", str(self.api_port), "--ui-port", str(self.ui_port),
        ]  # fmt: skip
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for_line(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"serve never printed {pattern!r}; output:\n{''.join(self.lines)}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wait_for_http(url: str, timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code < 500:
                return response
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} did not answer within {timeout} s")
        time.sleep(0.25)


@pytest.fixture
def serve(tmp_path):
    process = ServeProcess(tmp_path)
    yield process
    process.stop()


def test_serve_signs_in_and_shows_every_pack(serve):
    from playwright.sync_api import expect, sync_playwright

    key = serve.wait_for_line(r"Admin API key \(shown once, sign in with it\): (cc_\S+)").group(1)
    api = f"http://127.0.0.1:{serve.api_port}"
    ui = f"http://127.0.0.1:{serve.ui_port}"

    ready = wait_for_http(f"{api}/readyz").json()
    assert ready["status"] == "degraded"
    assert ready["checks"]["llm"]["ok"] is False and "start Ollama" in ready["checks"]["llm"]["detail"]
    assert ready["checks"]["store"]["ok"] is True
    assert {name: check["state"] for name, check in ready["checks"]["packs"].items()} == {
        name: "active" for name in ("developer", "finance", "health", "legal")
    }
    assert wait_for_http(f"{ui}/_stcore/health").text == "ok"

    shots = OUTPUT / "e2e"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(ui)
        expect(page.get_by_text("Sign in with your API key")).to_be_visible(timeout=30_000)
        page.screenshot(path=shots / "1-signed-out.png")

        page.get_by_label("API key").fill(key)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Signed in with key")).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stDataFrame")).to_be_visible()
        navigation = page.get_by_test_id("stSidebarNav")
        for title in PACK_TITLES:
            expect(navigation.get_by_text(title, exact=True)).to_be_visible()
        page.screenshot(path=shots / "2-home-signed-in.png")

        navigation.locator('a[href$="legal-overview"]').click()
        expect(page.get_by_role("heading", name="Legal 0.1.0")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Citations, contract review and matters")).to_be_visible()
        page.screenshot(path=shots / "3-legal-overview.png")
        browser.close()


def test_stopping_serve_stops_its_ui(serve):
    serve.wait_for_line(r"CodexContinue UI:")
    wait_for_http(f"http://127.0.0.1:{serve.ui_port}/_stcore/health")
    children = psutil.Process(serve.process.pid).children(recursive=True)
    assert any("streamlit" in " ".join(child.cmdline()) for child in children), children

    serve.process.terminate()

    assert serve.process.wait(timeout=30) == 0
    _, alive = psutil.wait_procs(children, timeout=15)
    assert alive == [], f"still running after serve stopped: {[child.cmdline() for child in alive]}"


def test_the_ui_command_becomes_streamlit_so_a_stop_signal_leaves_nothing_behind(tmp_path):
    port = free_port()
    ui = subprocess.Popen(
        [sys.executable, "-m", "codexcontinue.cli", "ui", "--port", str(port)],
        env={**os.environ, "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data")}, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert wait_for_http(f"http://127.0.0.1:{port}/_stcore/health").text == "ok"
        assert "streamlit" in psutil.Process(ui.pid).cmdline()
        assert psutil.Process(ui.pid).children(recursive=True) == []
        ui.terminate()
        assert ui.wait(timeout=30) == 0
    finally:
        ui.kill()
