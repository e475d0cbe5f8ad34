"""In a real browser (Playwright with Debian's chromium): text a person typed into a matter is shown as
text; a Markdown image in a note makes the browser fetch nothing. Screenshots go to test-output/e2e/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from codexcontinue.api.app import create_app
from codexcontinue.testing.plugin import LiveBackend, create_key, free_port

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(os.environ.get("CODEXCONTINUE_TEST_OUTPUT", Path(__file__).resolve().parents[3] / "test-output"))


class RecordingServer:
    """An HTTP server on loopback that answers 404 and records every path asked of it."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        recorded = self.paths

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                recorded.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.port = free_port()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()


@pytest.fixture
def legal_stack(codexcontinue_settings, tmp_path):
    """The backend (legal pack only) on a free port, the Streamlit UI talking to it, and a legal key."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    app = create_app(codexcontinue_settings.model_copy(update={"packs": ["legal"]}))
    with LiveBackend(app) as backend:
        key = create_key(app, "legal:write", name="browser")
        ui_port = free_port()
        env = {
            **os.environ,
            "CODEXCONTINUE_API_URL": backend.url,
            "CODEXCONTINUE_PACKS": "legal",
            "CODEXCONTINUE_DATA_DIR": str(tmp_path / "ui-data"),
        }
        ui = subprocess.Popen(
            [sys.executable, "-m", "codexcontinue.cli", "ui", "--host", "127.0.0.1", "--port", str(ui_port)],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{ui_port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the UI did not start within 60 s"
                time.sleep(0.25)
            yield url, key
        finally:
            ui.terminate()
            ui.wait(timeout=20)


def test_a_markdown_image_in_a_matter_note_makes_the_browser_fetch_nothing(legal_stack):
    from playwright.sync_api import expect, sync_playwright

    ui, key = legal_stack
    bait = RecordingServer()
    image = f"http://127.0.0.1:{bait.port}/p.png"
    note = f"Called opposing counsel.\n\n![x]({image})"
    requested: list[str] = []
    shots = OUTPUT / "e2e"
    shots.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda request: requested.append(request.url))
            page.goto(ui)
            page.get_by_label("API key").fill(key)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text("Signed in with key")).to_be_visible(timeout=30_000)
            page.get_by_test_id("stSidebarNav").locator('a[href$="legal-matters"]').click()
            expect(page.get_by_role("heading", name="Matters")).to_be_visible(timeout=30_000)

            page.get_by_label("Title").first.fill("Acme v. Northwind")
            page.get_by_label("Client").first.fill("Acme Corp.")
            page.get_by_label("Opposing parties (one per line)").fill("Northwind Analytics, Inc.")
            page.get_by_role("button", name="Create matter").click()
            expect(page.get_by_role("heading", name="Acme v. Northwind")).to_be_visible(timeout=30_000)

            page.get_by_role("textbox", name="Note").fill(note)
            page.get_by_role("button", name="Add note").click()
            expect(page.get_by_text("Called opposing counsel.")).to_be_visible(timeout=30_000)
            page.wait_for_timeout(1500)  # time for any image the page would load
            page.screenshot(path=shots / "legal-matter-note-as-text.png", full_page=True)
            assert not [url for url in requested if url.startswith(image)], "the browser asked for the note's image"
            assert bait.paths == []
            expect(page.get_by_text(f"![x]({image})")).to_be_visible()  # the characters typed, as text
            browser.close()
    finally:
        bait.close()
