"""Shared pieces of the benchmarks: servers as subprocesses, wrk, medians, machine facts, the docs file."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "benchmarks.md"
SUPERSEDED = {"Targets", "LLM response cache"}  # titles run_all writes, or whose content it now holds


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median(values: list[float]) -> float:
    """The median of `values`."""
    return statistics.median(values)


def machine() -> str:
    """CPU count, memory, Python and the main libraries' versions, as one line."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    libraries = ", ".join(f"{name} {version(name)}" for name in ("fastapi", "uvicorn", "pydantic", "redis", "arq"))
    return (
        f"{platform.machine()} Linux, {os.cpu_count()} cores, {memory:.0f} GiB; Python {platform.python_version()}; "
        f"{libraries}"
    )


@dataclass
class Target:
    """One target of the benchmark issue: met or not, and what limits it when not."""

    name: str
    goal: str
    measured: str
    met: bool
    limit: str = ""


@dataclass
class Section:
    """A benchmark's contribution to docs/benchmarks.md."""

    title: str
    body: str
    targets: list[Target] = field(default_factory=list)


class Server:
    """A command serving HTTP on a port, started and stopped as a subprocess."""

    def __init__(self, command: list[str], port: int, env: dict[str, str] | None = None, ready_path: str = "/healthz") -> None:
        self.command, self.port, self.ready_path = command, port, ready_path
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.command} exited: {self.process.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        raise RuntimeError(f"{self.command} did not listen on {self.port} within 60 s")

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()

    @property
    def rss_mib(self) -> float:
        """Resident memory of the server process."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


@dataclass
class LoadResult:
    """What wrk measured."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str], body: dict | None = None) -> LoadResult:
    """Load `url` with wrk (1 thread: the other core serves) and return throughput and latencies."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (Debian's package)")
    script = REPO / "benchmarks" / ".wrk-request.lua"
    lines = [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    if body is not None:
        lines += ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"', f"wrk.body = {json.dumps(json.dumps(body))}"]
    lines += [
        "done = function(summary, latency, requests)",
        '  io.write(string.format("RESULT %d %d %d %f %f\\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.duration, latency:percentile(50), latency:percentile(99)))',
        "end",
    ]
    script.write_text("\n".join(lines) + "\n")
    try:
        output = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        script.unlink(missing_ok=True)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", output)
    assert match, output
    requests, errors, duration_us, p50_us, p99_us = match.groups()
    return LoadResult(int(requests) / (int(duration_us) / 1e6), float(p50_us) / 1000, float(p99_us) / 1000, int(errors))


def uvicorn_command(target: str, port: int) -> list[str]:
    """The same uvicorn settings for every server under test."""
    return [
        sys.executable, "-m", "uvicorn", target, "--factory", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--loop", "uvloop", "--http", "httptools", "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


def write_docs(sections: list[Section], started: float) -> None:
    """Rewrite docs/benchmarks.md with every section and the targets table."""
    targets = [t for s in sections for t in s.targets]
    lines = [
        "# Benchmarks",
        "",
        "Written by `python benchmarks/run_all.py` (about 10 minutes on this machine); every figure is a",
        "median over repeated runs, and every ratio compares runs made in the same invocation.",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}",
        f"- Machine: {machine()}",
        "",
        "## Targets",
        "",
        "| target | goal | measured | met | what limits it |",
        "| --- | --- | --- | --- | --- |",
        *[f"| {t.name} | {t.goal} | {t.measured} | {'met' if t.met else 'not met'} | {t.limit} |" for t in targets],
        "",
    ]
    for section in sections:
        lines += [f"## {section.title}", "", section.body.strip(), ""]
    lines += _other_sections({s.title for s in sections} | SUPERSEDED)
    DOCS.write_text("\n".join(lines))


def replace_section(heading: str, text: str, report: Path = DOCS) -> None:
    """Put `text` (which starts with `heading`) into `report` in place of the old section of that
    heading, up to the next `## `, or at the end; other sections stay as they are."""
    current = report.read_text() if report.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(current):
        current = pattern.sub(lambda _: text.rstrip("\n") + "\n\n", current, count=1)
    else:
        current = current.rstrip("\n") + "\n\n" + text
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(current.rstrip("\n") + "\n")


def _other_sections(ours: set[str]) -> list[str]:
    """Sections that other scripts wrote (load, fuzzing), kept as they are."""
    if not DOCS.exists():
        return []
    kept: list[str] = []
    for chunk in re.split(r"^## ", DOCS.read_text(), flags=re.MULTILINE)[1:]:
        title = chunk.split("\n", 1)[0].strip()
        if title not in ours:
            kept += [f"## {chunk.rstrip()}", ""]
    return kept
