"""Benchmark of the LLM response cache: cache-hit vs upstream latency, and single-flight under a burst.

Run on demand (not a test):

    python benchmarks/llm_cache.py [--latency 0.05] [--calls 40] [--burst 50]

It serves a model from the Ollama test server with `--latency` seconds of delay per request, times
`--calls` distinct prompts going upstream and then the same prompts answered from the cache, on the
embedded store and on a real `redis-server` (when one is installed), then sends `--burst` identical
calls at once and counts the upstream calls. The results replace the "LLM response cache" section of
docs/benchmarks.md; other sections are kept.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from codexcontinue.ml.ollama_backend import OllamaBackend
from codexcontinue.ml.runtime import LLMRuntime
from codexcontinue.store import LocalStore, RedisStore, Store
from codexcontinue.testing.ollama_server import OllamaTestServer

from harness import DOCS, replace_section

MODEL = "llama3.2:1b"
SECTION = "## LLM response cache"


async def time_calls(runtime: LLMRuntime, prompts: list[str]) -> list[float]:
    """Seconds each call took, one after the other."""
    seconds = []
    for prompt in prompts:
        started = time.perf_counter()
        await runtime.generate(MODEL, prompt)
        seconds.append(time.perf_counter() - started)
    return seconds


async def measure_store(server: OllamaTestServer, store: Store, calls: int) -> dict[str, float]:
    """Median and p95 latency of upstream calls and of cache hits, in milliseconds."""
    runtime = LLMRuntime(OllamaBackend(server.url), store)
    await runtime.generate(MODEL, "warm up")  # connections and the model digest
    prompts = [f"Question {i}: what is a tide?" for i in range(calls)]
    upstream = await time_calls(runtime, prompts)
    before = server.request_count("/api/chat")
    hits = await time_calls(runtime, prompts)
    if server.request_count("/api/chat") != before:
        raise RuntimeError("cache hits reached the server; the cache is not working")
    await runtime.backend.aclose()
    return {
        "upstream_p50": 1000 * statistics.median(upstream),
        "upstream_p95": 1000 * percentile(upstream, 95),
        "hit_p50": 1000 * statistics.median(hits),
        "hit_p95": 1000 * percentile(hits, 95),
    }


async def measure_round_trip(server: OllamaTestServer) -> float:
    """Median milliseconds of a bare request (`/api/version`) to the test server with no added latency."""
    latency, server.latency = server.latency, 0.0
    async with OllamaBackend(server.url) as backend:
        await backend.ping()
        seconds = []
        for _ in range(10):
            started = time.perf_counter()
            await backend.ping()
            seconds.append(time.perf_counter() - started)
    server.latency = latency
    return 1000 * statistics.median(seconds)


async def measure_burst(server: OllamaTestServer, store: Store, burst: int) -> tuple[int, float]:
    """Upstream calls made by `burst` identical concurrent calls, and the burst's wall time in ms."""
    runtime = LLMRuntime(OllamaBackend(server.url), store)
    await runtime.generate(MODEL, "warm up")
    before = server.request_count("/api/chat")
    started = time.perf_counter()
    await asyncio.gather(*(runtime.generate(MODEL, "Everyone asks this at once") for _ in range(burst)))
    wall = 1000 * (time.perf_counter() - started)
    await runtime.backend.aclose()
    return server.request_count("/api/chat") - before, wall


def percentile(values: list[float], pct: float) -> float:
    """The `pct` percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


@contextmanager
def redis_server() -> Iterator[str | None]:
    """The URL of a throwaway `redis-server` on a free port, or None when none is installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def run(latency: float, calls: int, burst: int) -> str:
    """Run every measurement and return the report section as Markdown."""
    rows = []
    with OllamaTestServer(models=[MODEL]) as server, tempfile.TemporaryDirectory() as folder, redis_server() as url:
        round_trip = await measure_round_trip(server)
        server.latency = latency
        stores: list[tuple[str, Store]] = [("embedded (diskcache)", LocalStore(Path(folder) / "store"))]
        if url:
            stores.append(("redis", RedisStore(url)))
        for name, store in stores:
            result = await measure_store(server, store, calls)
            rows.append(
                f"| {name} | {result['upstream_p50']:.1f} | {result['upstream_p95']:.1f} | {result['hit_p50']:.2f} "
                f"| {result['hit_p95']:.2f} | {result['upstream_p50'] / result['hit_p50']:.0f}x |"
            )
        burst_store = stores[-1][1]
        upstream_calls, burst_ms = await measure_burst(server, burst_store, burst)
        for _, store in stores:
            await store.close()
    return "\n".join(
        [
            SECTION,
            "",
            f"`python benchmarks/llm_cache.py --latency {latency:g} --calls {calls} --burst {burst}`, "
            f"{date.today().isoformat()}, Python {platform.python_version()} on {platform.system()} "
            f"{platform.machine()}. The Ollama test server stands in for a model and answers every request "
            f"after {latency * 1000:g} ms; a bare request to it takes {round_trip:.0f} ms over a kept-alive "
            "connection. An upstream call is both; a cache hit is one store read.",
            "",
            "| store | upstream p50 (ms) | upstream p95 (ms) | cache hit p50 (ms) | cache hit p95 (ms) "
            "| speed-up (p50) |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            f"Single-flight: {burst} identical concurrent calls on the {stores[-1][0]} store made "
            f"**{upstream_calls}** upstream call(s) and all finished in {burst_ms:.0f} ms.",
            "",
        ]
    )


def main() -> None:
    """Parse the options, run the benchmark, print and record the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the test server waits per request")
    parser.add_argument("--calls", type=int, default=40, help="distinct prompts timed upstream and from the cache")
    parser.add_argument("--burst", type=int, default=50, help="identical concurrent calls for the single-flight check")
    options = parser.parse_args()
    section = asyncio.run(run(options.latency, options.calls, options.burst))
    print(section)
    replace_section(SECTION, section)
    print(f"written to {DOCS}", file=sys.stderr)


if __name__ == "__main__":
    main()
