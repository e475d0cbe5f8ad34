"""Start-up and discovery: `packs list` and building the API app with 4, 50 and 200 installed packs."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import REPO, Section, Target, median

sys.path.insert(0, str(REPO / "tests"))
from distributions import install_pack  # noqa: E402 - the tests' builder of installed distributions

BUILT_IN = 4
# The first build includes importing every pack (the built-in ones' libraries dominate it, with
# noise of a few hundred ms); the next ones, in the same process, are the platform's own work
# (median of 7).
BUILD_APP = (
    "import time; t = time.perf_counter(); "
    "from codexcontinue.api.app import create_app; create_app(); "
    "cold = time.perf_counter() - t; warm = []\n"
    "for _ in range(7): t = time.perf_counter(); create_app(); warm.append(time.perf_counter() - t)\n"
    "print(cold, sorted(warm)[3])"
)


def site_with(extra: int) -> Path:
    """A folder of `extra` generated packs, each with a route and a model."""
    site = Path(tempfile.mkdtemp(prefix="cc-packs-"))
    for i in range(extra):
        install_pack(site, f"gen{i:03d}")
    return site


def timed(command: list[str], env: dict[str, str], repeats: int) -> float:
    """Median wall-clock seconds of `command` as a fresh process."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return median(times)


def run(counts: tuple[int, ...] = (4, 50, 200), repeats: int = 5) -> Section:
    """Time listing and app building at each pack count; fit the app-build cost per pack."""
    rows, builds, lists = [], {}, {}
    for total in counts:
        site = site_with(total - BUILT_IN)
        env = {**os.environ, "PYTHONPATH": str(site), "CODEXCONTINUE_DATA_DIR": str(site / "data"),
               "CODEXCONTINUE_LOG_LEVEL": "ERROR"}  # fmt: skip
        lists[total] = timed([sys.executable, "-m", "codexcontinue.cli", "packs", "list", "--json"], env, repeats)
        cold_times, warm_times = [], []
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", BUILD_APP], env=env, check=True, capture_output=True, text=True)
            cold, warm = out.stdout.strip().splitlines()[-1].split()
            cold_times.append(float(cold))
            warm_times.append(float(warm))
        builds[total] = median(warm_times)
        rows.append(f"| {total} | {lists[total] * 1000:.0f} | {median(cold_times) * 1000:.0f} | {builds[total] * 1000:.0f} |")
    low, high = min(counts), max(counts)
    per_pack = (builds[high] - builds[low]) / (high - low)
    mid = sorted(counts)[1]
    predicted = builds[low] + per_pack * (mid - low)
    linear = abs(builds[mid] - predicted) <= 0.15 * builds[mid]
    list_ms = lists[high] * 1000
    startup = timed([sys.executable, "-c", "import codexcontinue.cli"], os.environ.copy(), repeats) * 1000
    targets = [
        Target("`packs list` at 200 packs", "< 300 ms", f"{list_ms:.0f} ms", list_ms < 300,
               "" if list_ms < 300 else f"process start and imports take {startup:.0f} ms of it (`python -X importtime`: "
               "typer/rich, pydantic and pydantic-settings); the 200 packs' metadata adds "
               f"{list_ms - lists[low] * 1000:.0f} ms"),
        Target("app build cost", "linear in packs", f"{per_pack * 1000:.2f} ms per pack; {mid} packs predicted "
               f"{predicted * 1000:.0f} ms, measured {builds[mid] * 1000:.0f} ms", linear),
    ]  # fmt: skip
    body = "\n".join([
        f"Generated packs (one route, one model each) installed as distributions beside the {BUILT_IN} built-in ones; "
        f"`packs list` timed as a fresh process (median of {repeats}). `create_app()` is timed eight times in each of 3 fresh "
        "processes: the first build imports every pack, and the built-in packs' libraries dominate it; "
        "the builds after it (median of 7) are the platform's own work (discovery, hooks, routers), on which linearity is judged. "
        f"A bare `import codexcontinue.cli` takes {startup:.0f} ms.",
        "",
        "| installed packs | `packs list --json` ms | first `create_app()` ms (with imports) | `create_app()` again ms |",
        "| ---: | ---: | ---: | ---: |",
        *rows,
    ])  # fmt: skip
    return Section("Start-up and discovery", body, targets)


if __name__ == "__main__":
    print(run(repeats=2).body)
