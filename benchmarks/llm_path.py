"""LLM path: cache hits against upstream calls, single-flight, and the runtime's own cost per call."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import ollama
from harness import Section, Target
from llm_cache import MODEL, run as cache_report

from codexcontinue.ml.ollama_backend import OllamaBackend
from codexcontinue.ml.runtime import LLMRuntime
from codexcontinue.store import LocalStore
from codexcontinue.testing.ollama_server import OllamaTestServer

MESSAGES = [{"role": "user", "content": "Name three rivers."}]


async def runtime_overhead_ms(calls: int = 300) -> tuple[float, float]:
    """Median ms per call: the official client alone, then through LLMRuntime (cache off), same server."""
    with OllamaTestServer(models=[MODEL]) as server, tempfile.TemporaryDirectory() as folder:
        client = ollama.AsyncClient(host=server.url)
        runtime = LLMRuntime(OllamaBackend(server.url), LocalStore(Path(folder)))
        direct, through = [], []
        for _ in range(20):  # warm both paths
            await client.chat(MODEL, messages=MESSAGES)
            await runtime.generate(MODEL, messages=MESSAGES, cache=False)
        for _ in range(calls):  # interleaved, so drift hits both alike
            started = time.perf_counter()
            await client.chat(MODEL, messages=MESSAGES)
            direct.append(time.perf_counter() - started)
            started = time.perf_counter()
            await runtime.generate(MODEL, messages=MESSAGES, cache=False)
            through.append(time.perf_counter() - started)
        return statistics.median(direct) * 1000, statistics.median(through) * 1000


def run() -> Section:
    """The cache report (both stores), the single-flight count and the runtime overhead."""
    report = asyncio.run(cache_report(latency=0.05, calls=40, burst=50))
    body = report.split("\n", 2)[2]  # drop the script's own heading
    shared = int(body.split("made **")[1].split("**")[0])
    direct, through = asyncio.run(runtime_overhead_ms())
    overhead = through - direct
    body += (
        f"\nRuntime overhead: the official `ollama` client calling the test server (no latency) took "
        f"{direct:.2f} ms per chat at the median; the same call through `LLMRuntime.generate` (hooks, "
        f"metrics, digest lookup skipped with `cache=False`) took {through:.2f} ms: **{overhead:+.2f} ms**.\n"
    )
    targets = [
        Target("single-flight", "50 identical concurrent calls, 1 upstream", f"{shared} upstream call(s)", shared == 1),
        Target("runtime overhead over the ollama client", "< 2 ms per call", f"{overhead:+.2f} ms", overhead < 2),
    ]
    return Section("LLM path", body, targets)


if __name__ == "__main__":
    print(run().body)
