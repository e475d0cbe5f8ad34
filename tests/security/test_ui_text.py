"""User text shown through `codexcontinue.ui.text.literal` is text in a real browser: a Markdown image
in it fetches nothing, and a person reads the characters that were typed.

Streamlit renders a small page twice in headless Chromium: once with the hostile text given to
`st.markdown` as it is (the control: the browser fetches the image from a local tracker), once
through `literal()` in every Markdown element the pages use (nothing is fetched).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from codexcontinue.testing.plugin import free_port

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGE = """
import streamlit as st
from codexcontinue.ui.text import literal

hostile = {hostile!r}
if {escaped}:
    st.header(literal(hostile))
    st.markdown(literal(hostile))
    st.caption(literal(hostile))
    st.error(literal(hostile))
    st.warning(literal(hostile))
else:
    st.markdown(hostile)
st.text("rendered")
"""


class Tracker(BaseHTTPRequestHandler):
    """Counts every request: an image that is fetched shows up here."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        Tracker.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def tracker() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Tracker)
    Tracker.hits = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def render(tmp_path: Path, hostile: str, escaped: bool) -> tuple[str, list[str]]:
    """Serve the page with Streamlit, open it in Chromium; the page's text and every URL it asked for."""
    from playwright.sync_api import sync_playwright

    script = tmp_path / f"page_{escaped}.py"
    script.write_text(PAGE.format(hostile=hostile, escaped=escaped))
    port = free_port()
    streamlit = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port), "--server.headless",
         "true", "--browser.gatherUsageStats", "false"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "streamlit did not start"
            time.sleep(0.2)
        requested: list[str] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu",
                                                "--disable-background-networking"],
            )  # fmt: skip
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_text("rendered").wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # time for an image to be asked for
            text = page.inner_text("body")
            browser.close()
        return text, requested
    finally:
        streamlit.terminate()
        streamlit.wait(timeout=20)


def test_a_markdown_image_in_user_text_fetches_nothing_and_reads_as_typed(tmp_path, tracker):
    hostile = f"Note.\n\n![x]({tracker}/pixel.png) **not bold** <img src={tracker}/html.png> :red[alarm] $x^2$"

    _, control_requests = render(tmp_path, hostile, escaped=False)
    assert Tracker.hits == ["/pixel.png"]  # the control: rendered as Markdown, the image is fetched
    assert any(url.startswith(tracker) for url in control_requests)

    Tracker.hits = []
    text, requests = render(tmp_path, hostile, escaped=True)
    assert Tracker.hits == [] and not [url for url in requests if url.startswith(tracker)]
    assert f"![x]({tracker}/pixel.png) **not bold** <img src={tracker}/html.png> :red[alarm] $x^2$" in text
