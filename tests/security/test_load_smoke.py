"""The load harness (`benchmarks/load.py`) on a small scale, so CI keeps it working: 20 clients for
5 seconds over the same mix of pack routes as the full run, against `codexcontinue api` with all
four packs that the harness starts itself. The full run (200 clients, 3 x 60 s) is on demand; its
results are in docs/benchmarks.md, "Load"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HARNESS = Path(__file__).resolve().parents[2] / "benchmarks" / "load.py"


def test_twenty_clients_for_five_seconds_get_no_errors(tmp_path):
    results = tmp_path / "load.json"

    ran = subprocess.run(
        [sys.executable, str(HARNESS), "--clients", "20", "--seconds", "5", "--runs", "2", "--idle-seconds", "1",
         "--no-write", "--json", str(results)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip

    assert ran.returncode == 0, f"{ran.stdout[-3000:]}\n{ran.stderr[-3000:]}"
    report = json.loads(results.read_text())
    for run in [report["idle_before"], *report["runs"], report["idle_after"]]:
        assert run["errors"] == 0, run["error_samples"]
        assert run["requests"] > 0 and set(run["statuses"]) == {"200"}
    assert set(report["runs"][0]["routes"]) == {
        "legal about", "legal categories", "legal citations", "finance about", "health about", "developer about",
        "pack table",
    }  # fmt: skip
    assert "## Load" in ran.stdout and "| load 2 | 20 |" in ran.stdout
