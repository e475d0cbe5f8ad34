"""Jobs: no-op jobs per second through the queue on a real Redis, with one and with two workers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import REPO, Section, free_port, median
from llm_cache import redis_server

from codexcontinue.ml.jobs import JobState, TaskCatalog
from codexcontinue.ml.jobs_redis import ArqJobQueue
from codexcontinue.packs.registry import PackRegistry
from codexcontinue.settings import load_core_settings
from codexcontinue.store import RedisStore

NOOP_PACK = '''
"""A pack with one task that does nothing: the queue's own cost."""
PLUGIN_API = ">=1,<2"
from codexcontinue import PackInfo, TaskSpec, hookimpl


async def noop(context):
    return None


@hookimpl
def pack_info():
    return PackInfo(name="noop", title="No-op")


@hookimpl
def register_tasks(register):
    register(TaskSpec(name="noop", function=noop))
'''


async def throughput(settings, jobs: int) -> float:
    """Submit `jobs` no-op jobs at once and return jobs per second until the last completes."""
    store = RedisStore(settings.redis_url.get_secret_value())
    queue = ArqJobQueue(store, TaskCatalog.from_registry(PackRegistry(settings).load()))
    await queue.start()
    try:
        started = time.perf_counter()
        ids = await asyncio.gather(*(queue.submit("noop.noop", {}, "bench") for _ in range(jobs)))
        pending = set(ids)
        while pending:
            views = await asyncio.gather(*(queue.get(job_id, "bench") for job_id in pending))
            pending = {v.id for v in views if v is None or v.state not in (JobState.COMPLETE, JobState.FAILED)}
            await asyncio.sleep(0.05)
        return jobs / (time.perf_counter() - started)
    finally:
        await queue.close()
        await store.close()


def run(jobs: int = 1000, repeats: int = 3) -> Section:
    """Jobs per second with 1 and 2 worker processes (median of `repeats` batches)."""
    plugins = Path(tempfile.mkdtemp(prefix="cc-noop-"))
    (plugins / "noop.py").write_text(NOOP_PACK)
    rows = []
    with redis_server() as url:
        env = {**os.environ, "CODEXCONTINUE_REDIS_URL": url, "CODEXCONTINUE_PLUGINS_DIR": str(plugins),
               "CODEXCONTINUE_PACKS": "noop", "CODEXCONTINUE_LOG_LEVEL": "WARNING",
               "CODEXCONTINUE_OLLAMA_HOSTS": f"http://127.0.0.1:{free_port()}"}  # fmt: skip
        settings = load_core_settings(redis_url=url, plugins_dir=plugins, packs=["noop"])
        rates = {}
        for count in (1, 2):
            workers = [
                subprocess.Popen(
                    [sys.executable, "-m", "codexcontinue.cli", "worker", "--port", str(free_port())],
                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                for _ in range(count)
            ]
            try:
                time.sleep(4)  # start-up: load packs, first model attempt
                asyncio.run(throughput(settings, 50))  # warm up
                rates[count] = median([asyncio.run(throughput(settings, jobs)) for _ in range(repeats)])
            finally:
                for worker in workers:
                    worker.terminate()
                for worker in workers:
                    worker.wait(timeout=20)
            rows.append(f"| {count} | {rates[count]:,.0f} |")
    body = "\n".join([
        f"{jobs} no-op jobs submitted at once through `ArqJobQueue` on a local redis-server, timed until the last "
        f"completed (median of {repeats} batches); workers are `codexcontinue worker` processes on this 2-core machine, "
        "which the submitting process and Redis share.",
        "",
        "| workers | jobs per second |",
        "| ---: | ---: |",
        *rows,
        "",
        f"Two workers give {rates[2] / rates[1]:.2f}x one worker's rate.",
    ])  # fmt: skip
    return Section("Jobs", body)


if __name__ == "__main__":
    print(run(jobs=300, repeats=1).body)
