"""Framework overhead: the same handlers in a bare FastAPI app and as a pack route through the platform.

Both servers run under the same uvicorn settings and are loaded by the same wrk; the platform
path adds API-key auth, the rate limit, the audit trail, pack dispatch and metrics.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import REPO, LoadResult, Section, Server, Target, free_port, median, uvicorn_command, wrk

CITING_TEXT = (
    "In Miranda v. Arizona, 384 U.S. 436, 444 (1966), the Court held that warnings are required. "
    "See also Dickerson v. United States, 530 U.S. 428, 432 (2000); id. at 435. Congress enacted "
    "18 U.S.C. § 3501 in response. Cf. Oregon v. Elstad, 470 U.S. 298 (1985)."
)
ENDPOINTS = {"legal citations (POST)": ("/api/v1/bench/citations", {"text": CITING_TEXT}),
             "finance metrics (GET)": ("/api/v1/bench/metrics", None)}  # fmt: skip
PLUGINS = REPO / "benchmarks" / "plugins"


def platform_env(data_dir: Path) -> dict[str, str]:
    """The platform as deployed: every pack enabled, the benchmark pack audited, a generous rate limit."""
    return {
        "CODEXCONTINUE_PLUGINS_DIR": str(PLUGINS),
        "CODEXCONTINUE_DATA_DIR": str(data_dir),
        "CODEXCONTINUE_AUDIT_PACKS": "bench",
        "CODEXCONTINUE_RATE_LIMIT": "10000000/minute",
        "CODEXCONTINUE_LOG_LEVEL": "WARNING",
        "CODEXCONTINUE_OLLAMA_HOSTS": f"http://127.0.0.1:{free_port()}",
    }


def run(seconds: int = 10, repeats: int = 3, connections: int = 16) -> Section:
    """Measure both servers on both endpoints, alternating, and report medians and ratios."""
    data_dir = Path(tempfile.mkdtemp(prefix="cc-bench-"))
    env = platform_env(data_dir)
    token = subprocess.run(
        [sys.executable, "-m", "codexcontinue.cli", "keys", "create", "--name", "bench", "--scope", "bench:write"],
        env={**os.environ, **env}, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    bare_port, platform_port = free_port(), free_port()
    bare = Server(uvicorn_command("bare_app:create_bare_app", bare_port), bare_port, {"PYTHONPATH": str(REPO / "benchmarks")})
    platform = Server(uvicorn_command("codexcontinue.api.app:create_app", platform_port), platform_port, env)
    rows, targets = [], []
    with bare, platform:
        for label, (path, body) in ENDPOINTS.items():
            results: dict[str, list[LoadResult]] = {"bare": [], "platform": []}
            for name, port, headers in (("bare", bare_port, {}), ("platform", platform_port, {"X-API-Key": token})):
                wrk(f"http://127.0.0.1:{port}{path}", 2, connections, headers, body)  # warm up
            for _ in range(repeats):
                for name, port, headers in (("bare", bare_port, {}), ("platform", platform_port, {"X-API-Key": token})):
                    results[name].append(wrk(f"http://127.0.0.1:{port}{path}", seconds, connections, headers, body))
            single = {name: [] for name in results}  # one connection: latency without queueing
            for _ in range(repeats):
                for name, port, headers in (("bare", bare_port, {}), ("platform", platform_port, {"X-API-Key": token})):
                    single[name].append(wrk(f"http://127.0.0.1:{port}{path}", max(3, seconds // 2), 1, headers, body).p50_ms)
            errors = sum(r.errors for rs in results.values() for r in rs)
            b_rps, p_rps = median([r.requests_per_s for r in results["bare"]]), median([r.requests_per_s for r in results["platform"]])
            b_p50, p_p50 = median([r.p50_ms for r in results["bare"]]), median([r.p50_ms for r in results["platform"]])
            b_p99, p_p99 = median([r.p99_ms for r in results["bare"]]), median([r.p99_ms for r in results["platform"]])
            ratio = p_rps / b_rps
            one_bare, one_platform = median(single["bare"]), median(single["platform"])
            added = one_platform - one_bare
            rows.append(f"| {label} | {b_rps:,.0f} | {p_rps:,.0f} | {ratio:.0%} | {b_p50:.2f} | {p_p50:.2f} | {b_p99:.2f} | {p_p99:.2f} | {one_bare:.2f} | {one_platform:.2f} | {added:+.2f} | {errors} |")
            profile = "" if ratio >= 0.85 and added < 1 else profile_platform(env, token, path, body)
            targets += [
                Target(f"throughput kept, {label}", "≥ 85% of bare FastAPI", f"{ratio:.0%}", ratio >= 0.85, profile),
                Target(f"p50 added, {label}", "< 1 ms", f"{added:+.2f} ms", added < 1, profile if added >= 1 else ""),
            ]
    body = "\n".join([
        f"`wrk -t1 -c{connections}` for {seconds} s, {repeats} alternating runs per server after a warm-up; both "
        "servers under `uvicorn --workers 1 --loop uvloop --http httptools`, on the same machine as wrk. "
        "The platform runs every pack, the embedded store, auth, the rate limit, auditing of the "
        "benchmark pack and Prometheus metrics.",
        "",
        f"Throughput and the first latencies at {connections} connections (so p50 includes queueing: about "
        "connections ÷ throughput); the added p50 is measured at one connection, where no request waits for another.",
        "",
        f"| handler | bare req/s | platform req/s | kept | bare p50 ms | platform p50 ms | bare p99 ms | platform p99 ms | bare p50 ms, 1 conn | platform p50 ms, 1 conn | added p50 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ])  # fmt: skip
    return Section("Framework overhead", body, targets)


def profile_platform(env: dict[str, str], token: str, path: str, body: dict | None) -> str:
    """Where the platform's time goes on `path`: cProfile of the app called directly (no client)."""
    import asyncio

    from asgi_driver import added_time, per_request_ms, profile

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        from bare_app import create_bare_app

        from codexcontinue.api.app import create_app

        app, bare = create_app(), create_bare_app()
        method, headers = ("GET" if body is None else "POST"), {"X-API-Key": token}
        cost = asyncio.run(per_request_ms(app, method, path, headers, body, 300))
        bare_cost = asyncio.run(per_request_ms(bare, method, path, {}, body, 300))
        top = added_time(profile(app, method, path, headers, body), profile(bare, method, path, {}, body))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return f"in-process {cost:.2f} ms per request against {bare_cost:.2f} ms bare; own time the platform adds per request (cProfile, platform minus bare): {top}"


if __name__ == "__main__":
    print(run(seconds=5, repeats=1).body)
