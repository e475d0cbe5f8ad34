"""`serve` as a newcomer meets it: busy ports refused before anything starts, and the UI address and the
admin key printed last, in a box, once the API and the UI both answer, with no library chatter after."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import httpx
import pytest
from serve_process import BOX_BOTTOM, ServeProcess

from codexcontinue.testing.plugin import free_port


def listening_socket() -> socket.socket:
    """Another program's server, holding a port."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder


def run_cli(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("HATCH_ENV_ACTIVE", None)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "codexcontinue.cli", *args], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=10)  # fmt: skip
    return result, time.monotonic() - started


@pytest.mark.parametrize("busy", ["api", "ui"])
def test_serve_on_a_busy_port_exits_at_once_naming_the_port_and_the_option(tmp_path, busy):
    with listening_socket() as holder:
        taken = holder.getsockname()[1]
        ports = {"api": free_port(), "ui": free_port(), busy: taken}
        result, seconds = run_cli(tmp_path, "serve", "--api-port", str(ports["api"]), "--ui-port", str(ports["ui"]))
    assert result.returncode != 0 and seconds < 10
    message = " ".join(result.stderr.split())
    assert f"Port {taken} on 127.0.0.1, where the {busy.upper()} would listen, is already in use" in message
    assert f"`codexcontinue serve --{busy}-port {taken + 1}`" in message
    assert not (tmp_path / "data").exists()  # nothing started: not even the first admin key was made


@pytest.mark.parametrize("command", ["api", "ui"])
def test_api_and_ui_alone_refuse_a_busy_port_the_same_way(tmp_path, command):
    with listening_socket() as holder:
        taken = holder.getsockname()[1]
        result, seconds = run_cli(tmp_path, command, "--port", str(taken))
    assert result.returncode != 0 and seconds < 10
    assert f"`codexcontinue {command} --port {taken + 1}`" in " ".join(result.stderr.split())


def test_serve_refuses_one_port_for_both(tmp_path):
    port = str(free_port())
    result, _ = run_cli(tmp_path, "serve", "--api-port", port, "--ui-port", port)
    assert result.returncode != 0 and "cannot share port" in result.stderr


@pytest.mark.slow  # a whole serve: about 15 s on a quiet machine
def test_serve_prints_the_ui_address_and_the_key_last_in_a_box_once_both_answer(tmp_path):
    serve = ServeProcess(tmp_path)
    try:
        serve.wait_for_line(BOX_BOTTOM)
        # The box waits for both: right when it shows, both answer at once.
        assert httpx.get(f"{serve.api}/healthz").status_code == 200
        assert httpx.get(f"{serve.ui}/_stcore/health").text == "ok"
        output = "".join(serve.lines)
        box = output[output.index("╭") :]
        assert "CodexContinue is running" in box and f"Open the UI:  {serve.ui}" in box
        assert f"{serve.api}/docs" in box and "Stop with Ctrl+C." in box
        key = re.search(r"(cc_[A-Za-z0-9_-]+)", box).group(1)
        assert "Admin API key (shown once, sign in with it)" in box
        printed = len(serve.lines)

        # A health request used to print 6-9 INFO lines from presidio, and uvicorn an access line.
        headers = {"Authorization": f"Bearer {key}"}
        deidentified = httpx.post(f"{serve.api}/api/v1/health/deidentify", headers=headers, timeout=30,
                                  json={"text": "Seen by Dr. Smith on 3/4/2021.", "mode": "redact"})  # fmt: skip
        assert deidentified.status_code == 200
        httpx.get(serve.ui, timeout=10)
        time.sleep(1)
        assert serve.lines[printed:] == [], "printed after the box: " + "".join(serve.lines[printed:])
        assert not [line for line in serve.lines if " INFO " in line], output  # no library's INFO lines
    finally:
        serve.stop()
