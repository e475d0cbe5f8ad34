"""Real processes for the security and reliability tests: a redis-server that a test stops and
starts again, the API as `codexcontinue api` under uvicorn, and `codexcontinue worker`.

Every process gets a clean environment: the caller's `CODEXCONTINUE_*` variables are dropped, the
working folder is a temporary one (no stray `.env`), and the settings a test needs are passed as
`CODEXCONTINUE_*` variables, exactly as an operator would set them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from codexcontinue.testing.plugin import free_port

START_TIMEOUT_S = 120  # four packs import in ~20 s on an idle 2-core machine; CI machines are busier
NO_RATE_LIMIT = "1000000/minute"  # the limiter still runs (and still needs Redis), but never refuses


def clean_environment(**settings: str) -> dict[str, str]:
    """The test process's environment without any CODEXCONTINUE_* variable, plus `settings`
    (`data_dir="/x"` becomes `CODEXCONTINUE_DATA_DIR=/x`)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CODEXCONTINUE_")}
    env.update({f"CODEXCONTINUE_{name.upper()}": str(value) for name, value in settings.items()})
    return env


def codexcontinue_command(*words: str) -> list[str]:
    """The `codexcontinue` CLI of this interpreter."""
    return [sys.executable, "-m", "codexcontinue.cli", *words]


class RedisServer:
    """A redis-server on loopback with persistence on (append-only file in `folder`).

    `stop()` sends SIGTERM, which makes Redis fsync the append-only file and exit the way
    `SHUTDOWN` does; `start()` again brings it back on the same port with the same data.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def start(self, timeout: float = 15) -> RedisServer:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--appendonly", "yes", "--dir", str(self.folder), "--save", "",
        ]  # fmt: skip
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not self.answers():
            assert self.process.poll() is None, f"redis-server exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"redis-server did not answer within {timeout} s"
            time.sleep(0.05)
        return self

    def answers(self) -> bool:
        """Whether it answers PING right now."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> int:
        """SIGTERM (a clean shutdown that flushes the append-only file); returns the exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=20)
        self.process = None
        return status

    def log(self) -> str:
        return (self.folder / "redis.log").read_text(errors="replace")[-3000:]

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Service:
    """One `codexcontinue <command>` process with its own port, log file and environment."""

    def __init__(self, command: list[str], env: dict[str, str], folder: Path, name: str, port: int) -> None:
        self.command, self.env, self.folder, self.name, self.port = command, env, folder, name, port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = folder / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready_status: int = 200, timeout: float = START_TIMEOUT_S) -> Service:
        """Start it and return once `GET /healthz` answers `ready_status`."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command, env=self.env, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == ready_status:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{self.name} did not become healthy within {timeout} s:\n{self.log()}")
            time.sleep(0.2)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


class Api(Service):
    """`codexcontinue api` (FastAPI under uvicorn) in a subprocess."""

    def __init__(self, folder: Path, **settings: str) -> None:
        port = free_port()
        settings = {"data_dir": str(folder / "data"), "rate_limit": NO_RATE_LIMIT, **settings, "api_port": str(port)}
        super().__init__(codexcontinue_command("api"), clean_environment(**settings), folder, "api", port)

    def create_key(self, *scopes: str, name: str = "t") -> dict[str, str]:
        """Auth headers of a new key made with `codexcontinue keys create` in the API's environment."""
        words = ["keys", "create", "--name", name]
        for scope in scopes or ("admin",):
            words += ["--scope", scope]
        created = subprocess.run(
            codexcontinue_command(*words),
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert created.returncode == 0, created.stderr
        return {"Authorization": f"Bearer {created.stdout.strip()}"}


class Worker(Service):
    """`codexcontinue worker` in a subprocess; healthy (200) once it takes jobs."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        port = free_port()
        command = codexcontinue_command("worker", "--host", "127.0.0.1", "--port", str(port))
        super().__init__(command, env, folder, "worker", port)


class Answer:
    """One request the traffic sent: what, when (monotonic seconds), and what came back."""

    def __init__(self, method: str, path: str, started: float) -> None:
        self.method, self.path, self.started = method, path, started
        self.ended = started
        self.status: int | None = None  # None: no HTTP answer at all (refused, reset, timed out)
        self.headers: dict[str, str] = {}
        self.body: object = None
        self.error = ""

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status or self.error} in {self.seconds:.2f} s: {self.body!r:.200}>"


class Traffic:
    """Clients sending `requests` round-robin to `url` in background threads until stopped.

    `requests` are `(method, path, json_body_or_None)`; every answer is kept in `answers`.
    """

    def __init__(
        self, url: str, headers: dict[str, str], requests: list[tuple[str, str, object]], clients: int = 4
    ) -> None:
        import threading

        self.url, self.headers, self.requests = url, headers, requests
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(clients)]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self, offset: int) -> None:
        with httpx.Client(base_url=self.url, headers=self.headers, timeout=15) as client:
            turn = offset
            while not self._stop.is_set():
                method, path, body = self.requests[turn % len(self.requests)]
                turn += 1
                answer = Answer(method, path, time.monotonic())
                try:
                    response = client.request(method, path, json=body)
                    answer.status, answer.headers = response.status_code, dict(response.headers)
                    try:
                        answer.body = response.json()
                    except ValueError:
                        answer.body = response.text
                except httpx.HTTPError as error:
                    answer.error = f"{type(error).__name__}: {error}"
                answer.ended = time.monotonic()
                self.answers.append(answer)
                time.sleep(0.01)

    def between(self, start: float, end: float) -> list[Answer]:
        """Answers to requests sent at or after `start` that ended by `end` (monotonic seconds)."""
        return [a for a in self.answers if a.started >= start and a.ended <= end]
