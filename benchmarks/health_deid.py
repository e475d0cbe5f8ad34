"""The health pack's de-identifier: MB/s in-process and through POST /api/v1/health/deidentify/batch.

    hatch run python benchmarks/health_deid.py

Notes: the development half of the PhysioNet deid corpus (../shared/data/deid-dev, real ICU nursing
notes) when it is there, otherwise the synthetic corpus of the pack's tests. In-process: detection and
replacement (`deidentify`, redact mode), the best of 3 passes, timed by the clock and by this
process's CPU time (one core's speed, whatever else the machine runs). Through the route: a real
`codexcontinue api` process on loopback, the notes sent in batches of 100 one after another; MB/s by
the clock and per CPU second of the server process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

import httpx
import psutil
from harness import REPO, Section, Server, Target, free_port

DEVELOPMENT = REPO.parent / "shared" / "data" / "deid-dev"
SYNTHETIC = REPO / "domains" / "health" / "tests" / "data" / "deid_corpus.jsonl"
BATCH = 100
PASSES = 3
TARGET_MB_S = 1.0


def notes() -> tuple[str, list[str]]:
    """The notes to measure on, and what they are."""
    from codexcontinue_health.annotated_corpus import read_corpus

    if (DEVELOPMENT / "id.text").is_file():
        return "the development half of the PhysioNet deid corpus (1,090 ICU nursing notes)", [n.text for n in read_corpus(DEVELOPMENT)]
    return "the pack's synthetic test corpus (400 notes; ../shared is absent)", [n.text for n in read_corpus(SYNTHETIC)]


def in_process(texts: list[str]) -> tuple[float, float]:
    """(MB/s by the clock, MB/s of CPU time), the best of `PASSES` passes."""
    from codexcontinue_health.deidentify import Mode, deidentify

    size = sum(map(len, texts)) / 1e6
    deidentify("Warm up: Dr. Smith on 3/4.", Mode.REDACT, key=b"bench", remember=False)
    wall, cpu = [], []
    for _ in range(PASSES):
        started, cpu_started = time.perf_counter(), time.process_time()
        for text in texts:
            deidentify(text, Mode.REDACT, key=b"bench", remember=False)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return size / min(wall), size / min(cpu)


def through_batch_route(texts: list[str]) -> tuple[float, float]:
    """(MB/s by the clock, MB/s per CPU second of the server) through the batch route."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            "CODEXCONTINUE_DATA_DIR": folder, "CODEXCONTINUE_PACKS": "health", "CODEXCONTINUE_RATE_LIMIT": "100000/minute",
            "CODEXCONTINUE_LOG_LEVEL": "warning",
        }  # fmt: skip
        made = subprocess.run(
            [sys.executable, "-m", "codexcontinue.cli", "keys", "create", "--name", "bench", "--scope", "health:write"],
            env={**os.environ, **env}, capture_output=True, text=True, check=True,
        )  # fmt: skip
        token = made.stdout.strip()
        command = [sys.executable, "-m", "codexcontinue.cli", "api", "--host", "127.0.0.1", "--port", str(port)]
        with Server(command, port, env) as server, httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            headers = {"Authorization": f"Bearer {token}"}
            batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
            body = lambda batch: {"notes": [{"id": i, "text": t} for i, t in enumerate(batch)]}  # noqa: E731
            client.post("/api/v1/health/deidentify/batch", json=body(batches[0][:1]), headers=headers).raise_for_status()
            process = psutil.Process(server.process.pid)
            cpu_before = sum(process.cpu_times()[:2])
            started = time.perf_counter()
            for batch in batches:
                client.post("/api/v1/health/deidentify/batch", json=body(batch), headers=headers).raise_for_status()
            elapsed = time.perf_counter() - started
            cpu = sum(process.cpu_times()[:2]) - cpu_before
    size = sum(map(len, texts)) / 1e6
    return size / elapsed, size / cpu


def run() -> Section:
    """Both measurements, as a section of docs/benchmarks.md."""
    what, texts = notes()
    wall, cpu = in_process(texts)
    route_wall, route_cpu = through_batch_route(texts)
    size = sum(map(len, texts)) / 1e6
    body = (
        f"De-identification (detection and replacement, redact mode) of {what}, {size:.2f} MB. "
        f"In-process, best of {PASSES} passes: **{wall:.2f} MB/s** by the clock, **{cpu:.2f} MB/s** of CPU time (one core). "
        f"Through `POST /api/v1/health/deidentify/batch` ({BATCH} notes a request, one request at a time, a real "
        f"`codexcontinue api` process on loopback): **{route_wall:.2f} MB/s** by the clock, {route_cpu:.2f} MB per "
        "CPU second of the server (JSON parsing, auth, audit and the answer included)."
    )
    targets = [Target("de-identification on one core, in-process", f">= {TARGET_MB_S} MB/s", f"{cpu:.2f} MB/s", cpu >= TARGET_MB_S)]
    return Section("Health: de-identification throughput", body, targets)


if __name__ == "__main__":
    section = run()
    print(section.body)
    for target in section.targets:
        print(f"{target.name}: {target.measured} (target {target.goal}) {'met' if target.met else 'NOT met'}")
