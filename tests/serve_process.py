"""`codexcontinue serve` as a person runs it, in a subprocess whose output the tests read line by line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from codexcontinue.testing.plugin import free_port

BOX_BOTTOM = "╰"


class ServeProcess:
    """`codexcontinue serve` on free ports with its own data folder; stdout and stderr in `lines`."""

    def __init__(self, tmp_path: Path, ollama_url: str | None = None, **env: str) -> None:
        self.api_port, self.ui_port = free_port(), free_port()
        self.api = f"http://127.0.0.1:{self.api_port}"
        self.ui = f"http://127.0.0.1:{self.ui_port}"
        environment = {
            **os.environ,
            "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data"),
            "CODEXCONTINUE_OLLAMA_HOSTS": ollama_url or f"http://127.0.0.1:{free_port()}",
            "PYTHONUNBUFFERED": "1",
            "COLUMNS": "120",
            **env,
        }
        command = [
            sys.executable, "-m", "codexcontinue.cli", "serve",
            "--api-port", str(self.api_port), "--ui-port", str(self.ui_port),
        ]  # fmt: skip
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            command, env=environment, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for_line(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        """The first output line matching `pattern`; AssertionError with the output when none comes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"serve never printed {pattern!r}; output:\n{''.join(self.lines)}")

    def admin_key(self) -> str:
        """The admin key printed in the box, once serve is up."""
        self.wait_for_line(BOX_BOTTOM)
        return self.wait_for_line(r"(cc_[A-Za-z0-9_-]+)").group(1)

    def stop(self) -> None:
        """Stop serve as Ctrl+C's sibling `kill` would, and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wait_for_http(url: str, timeout: float = 60, any_status: bool = False) -> httpx.Response:
    """The first answer under 500 (any answer with `any_status`) from `url`; AssertionError when none
    comes in time."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code < 500 or any_status:
                return response
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} did not answer within {timeout} s")
        time.sleep(0.25)
