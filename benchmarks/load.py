"""Load run: many concurrent clients over a mix of pack routes, repeated, with the API's memory watched.

Run on demand (not a test):

    python benchmarks/load.py [--clients 200] [--seconds 60] [--runs 3] [--store redis|embedded]

It starts `codexcontinue api` (uvicorn, all four packs) as a subprocess on 127.0.0.1, on a
throwaway `redis-server` it also starts (`--store redis`, the default: Redis holds the keys,
rate-limit counters and audit stream, as in the compose stack) or on the embedded store
(`--store embedded`). It makes an admin key with `codexcontinue keys create`, then runs locust,
as a library, with `--clients` users that each send their next request as soon as the last one
is answered (no think time), for `--seconds`, `--runs` times against the same API process.
Before and after the runs a single client measures idle latency; before and after each run the
API process's resident memory (RSS) is read. The rate limit stays on but is set far above what
the run sends (CODEXCONTINUE_RATE_LIMIT), so its cost is measured and it never refuses.

The results replace the "Load" section of docs/benchmarks.md (other sections are kept), unless
`--no-write`; `--json PATH` also writes them as JSON. Any error (a non-2xx answer, a refused or
reset connection) makes the exit status 1. Traffic goes to 127.0.0.1 only.
"""

# ruff: noqa: E402 - gevent must patch the standard library before the other imports
from __future__ import annotations

from gevent import monkey

monkey.patch_all()  # before anything else opens a socket: locust runs on gevent

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar

import gevent
import locust
import psutil
from locust import FastHttpUser, constant, events
from locust.env import Environment

from harness import DOCS, replace_section

SECTION = "## Load"
CITING_TEXT = "As held in Marbury v. Madison, 5 U.S. 137 (1803), and under 42 U.S.C. § 1983, the claim stands."
RATE_LIMIT = "100000000/minute"  # on, so its cost is in the numbers, but never reached

# (weight, name, method, path, JSON body)
MIX = [
    (2, "legal about", "GET", "/api/v1/legal/about", None),
    (2, "legal categories", "GET", "/api/v1/legal/categories", None),
    (2, "legal citations", "POST", "/api/v1/legal/citations", {"text": CITING_TEXT, "annotate": False}),
    (1, "finance about", "GET", "/api/v1/finance/about", None),
    (1, "health about", "GET", "/api/v1/health/about", None),
    (1, "developer about", "GET", "/api/v1/developer/about", None),
    (1, "pack table", "GET", "/api/v1/packs", None),
]


def _request(name: str, method: str, path: str, body: object):
    def send(user: FastHttpUser) -> None:
        user.client.request(method, path, json=body, name=name)

    send.__name__ = name.replace(" ", "_")
    return send


class MixUser(FastHttpUser):
    """One client: the routes of MIX in proportion to their weights, back to back."""

    wait_time = constant(0)
    token = ""  # the admin key, set by main() before the users start
    tasks: ClassVar = {_request(name, method, path, body): weight for weight, name, method, path, body in MIX}

    def on_start(self) -> None:
        self.client.auth_header = f"Bearer {self.token}"


@dataclass
class Recorder:
    """Every answer locust reports: latency (ms), route name, status, error."""

    latencies: list[float] = field(default_factory=list)
    routes: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)

    def reset(self) -> None:
        self.latencies, self.routes, self.statuses, self.errors = [], Counter(), Counter(), Counter()

    def on_request(self, request_type, name, response_time, response_length, response=None, exception=None, **_):
        self.latencies.append(response_time)
        self.routes[name] += 1
        status = getattr(response, "status_code", 0) or 0
        self.statuses[status] += 1
        if exception is not None or not 200 <= status < 300:
            self.errors[f"{name}: {status or type(exception).__name__} {str(exception)[:120]}"] += 1


@dataclass
class RunResult:
    """One run's numbers."""

    clients: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    rss_before_mb: float
    rss_after_mb: float
    cpu_s: float
    statuses: dict
    routes: dict
    error_samples: dict


def percentile(values: list[float], pct: float) -> float:
    """The `pct` percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout} s")


class Stack:
    """redis-server (optional) and `codexcontinue api` with every pack, as subprocesses."""

    def __init__(self, folder: Path, store: str, log_level: str) -> None:
        self.folder, self.store = folder, store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []
        self.env = {name: value for name, value in os.environ.items() if not name.startswith("CODEXCONTINUE_")}
        self.env.update(
            CODEXCONTINUE_API_HOST="127.0.0.1",
            CODEXCONTINUE_API_PORT=str(self.port),
            CODEXCONTINUE_DATA_DIR=str(folder / "data"),
            CODEXCONTINUE_PACKS="developer,finance,health,legal",
            CODEXCONTINUE_OLLAMA_HOSTS=f"http://127.0.0.1:{free_port()}",  # the mix makes no LLM call
            CODEXCONTINUE_RATE_LIMIT=RATE_LIMIT,
            CODEXCONTINUE_LOG_LEVEL=log_level,
        )

    def __enter__(self) -> Stack:
        if self.store == "redis":
            redis_port = free_port()
            redis = subprocess.Popen(
                [shutil.which("redis-server") or "redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
            self.processes.append(redis)
            wait_for_port(redis_port, redis, 15, "redis-server")
            self.env["CODEXCONTINUE_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        log = (self.folder / "api.log").open("wb")
        self.api = subprocess.Popen(
            [sys.executable, "-m", "codexcontinue.cli", "api"],
            env=self.env,
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(self.api)
        try:
            wait_for_port(self.port, self.api, 180, "codexcontinue api")
        except RuntimeError as error:
            raise RuntimeError(f"{error}:\n{(self.folder / 'api.log').read_text(errors='replace')[-3000:]}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def admin_token(self) -> str:
        made = subprocess.run(
            [sys.executable, "-m", "codexcontinue.cli", "keys", "create", "--name", "load", "--scope", "admin"],
            env=self.env, cwd=self.folder, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return made.stdout.strip()

    def rss_mb(self) -> float:
        return psutil.Process(self.api.pid).memory_info().rss / 2**20

    def cpu_s(self) -> float:
        times = psutil.Process(self.api.pid).cpu_times()
        return times.user + times.system


def run_load(stack: Stack, clients: int, seconds: float) -> RunResult:
    """`clients` locust users for `seconds` (counted once all have started) against the stack."""
    recorder = Recorder()
    runner = Environment(user_classes=[MixUser], host=stack.url, events=events).create_local_runner()
    events.request.add_listener(recorder.on_request)
    listening = True
    try:
        runner.start(clients, spawn_rate=min(clients, 100))
        runner.spawning_greenlet.join()
        recorder.reset()  # measure from the moment every client is running
        rss_before, cpu_before = stack.rss_mb(), stack.cpu_s()
        started = time.monotonic()
        gevent.sleep(seconds)
        elapsed = time.monotonic() - started
        events.request.remove_listener(recorder.on_request)  # answers after this moment are not counted
        listening = False
        runner.quit()
    finally:
        if listening:
            events.request.remove_listener(recorder.on_request)
    gevent.sleep(1.0)  # let the server settle before reading its memory
    latencies = recorder.latencies
    return RunResult(
        clients=clients,
        seconds=round(elapsed, 1),
        requests=len(latencies),
        errors=sum(recorder.errors.values()),
        rps=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        p99_ms=percentile(latencies, 99),
        max_ms=max(latencies, default=float("nan")),
        rss_before_mb=rss_before,
        rss_after_mb=stack.rss_mb(),
        cpu_s=stack.cpu_s() - cpu_before,
        statuses=dict(recorder.statuses),
        routes=dict(recorder.routes),
        error_samples=dict(recorder.errors.most_common(5)),
    )


def section(
    options: argparse.Namespace,
    idle_before: RunResult,
    runs: list[RunResult],
    idle_after: RunResult,
    startup_rss: float,
) -> str:
    """The "Load" section of docs/benchmarks.md."""
    store = (
        "a local redis-server (keys, rate-limit counters, audit stream)"
        if options.store == "redis"
        else "the embedded store"
    )
    total_errors = sum(r.errors for r in runs) + idle_before.errors + idle_after.errors
    growth = [runs[i + 1].rss_after_mb - runs[i].rss_after_mb for i in range(len(runs) - 1)]
    mix = ", ".join(f"{name} (`{method} {path}`) x{weight}" for weight, name, method, path, _ in MIX)
    command = (
        f"python benchmarks/load.py --clients {options.clients} --seconds {options.seconds:g} --runs {options.runs} "
        f"--store {options.store} --log-level {options.log_level}"
    )
    setup = (
        f"`{command}`, {date.today().isoformat()}, Python {platform.python_version()} on {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} cores shared by the load generator (locust {locust.__version__}, "
        "FastHttpUser, one process) and the API (`codexcontinue api`: one uvicorn process, all four packs, on "
        f"{store}, log level {options.log_level}). Each client sends its next request as soon as the last is "
        "answered (no think time), so the API is saturated and latency is mostly queueing. The rate limit is on, "
        "set out of reach. Loopback only."
    )
    if options.log_level.upper() in ("DEBUG", "INFO"):
        setup += (
            " At this log level each request writes an access-log line, which the health pack's PHI log filter "
            "de-identifies; `--log-level WARNING` measures without it."
        )
    lines = [
        SECTION,
        "",
        setup,
        "",
        f"Mix, by weight: {mix}.",
        "",
        "| run | clients | seconds | requests | errors | RPS | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) "
        "| API CPU (s) | RSS before (MiB) | RSS after (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    labelled = [
        ("idle, before", idle_before),
        *((f"load {n}", r) for n, r in enumerate(runs, 1)),
        ("idle, after", idle_after),
    ]
    for label, result in labelled:
        lines.append(
            f"| {label} | {result.clients} | {result.seconds:g} | {result.requests} | {result.errors} "
            f"| {result.rps:.0f} | {result.p50_ms:.1f} | {result.p95_ms:.1f} | {result.p99_ms:.1f} "
            f"| {result.max_ms:.0f} | {result.cpu_s:.1f} | {result.rss_before_mb:.0f} | {result.rss_after_mb:.0f} |"
        )
    lines += [
        "",
        f"Errors (non-2xx answers or failed connections) over every run: **{total_errors}**. "
        f"API RSS after start-up: {startup_rss:.0f} MiB. " + memory_verdict(growth, options.growth_mb),
        "",
    ]
    return "\n".join(lines)


def memory_verdict(growth: list[float], limit_mb: float) -> str:
    """What the RSS after each run says about memory across runs."""
    if not growth:
        return "One run only: run at least two to see whether memory keeps growing."
    steps = ", ".join(f"{delta:+.1f} MiB" for delta in growth)
    if max(growth) <= limit_mb:
        return f"Change from one load run's end to the next: {steps}: no growth beyond {limit_mb:g} MiB across runs."
    return f"Change from one load run's end to the next: {steps}: **it keeps growing**, investigate."


def main() -> int:
    """Parse the options, run the load, print and record the results; 1 when any request failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (locust users)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each run once every client runs")
    parser.add_argument("--runs", type=int, default=3, help="runs against the same API process")
    parser.add_argument(
        "--store", choices=["redis", "embedded"], default="redis" if shutil.which("redis-server") else "embedded"
    )
    parser.add_argument(
        "--log-level", default="INFO", help="the API's CODEXCONTINUE_LOG_LEVEL (INFO, the default, logs every request)"
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=5, help="length of the one-client probes before and after"
    )
    parser.add_argument("--growth-mb", type=float, default=10, help="RSS growth between runs still called flat")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, Stack(Path(folder), options.store, options.log_level) as stack:
        MixUser.token = stack.admin_token()
        startup_rss = stack.rss_mb()
        idle_before = run_load(stack, 1, options.idle_seconds)
        runs = []
        for number in range(1, options.runs + 1):
            runs.append(run_load(stack, options.clients, options.seconds))
            print(f"run {number}: {json.dumps(asdict(runs[-1]))}", file=sys.stderr)
        idle_after = run_load(stack, 1, options.idle_seconds)
    text = section(options, idle_before, runs, idle_after, startup_rss)
    print(text)
    if options.json:
        results = {"store": options.store, "startup_rss_mb": startup_rss, "idle_before": asdict(idle_before),
                   "runs": [asdict(r) for r in runs], "idle_after": asdict(idle_after)}  # fmt: skip
        options.json.write_text(json.dumps(results, indent=2))
    if not options.no_write:
        replace_section(SECTION, text)
        print(f"written to {DOCS}", file=sys.stderr)
    errors = sum(r.errors for r in [idle_before, *runs, idle_after])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
