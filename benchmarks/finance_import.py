"""Benchmark of the finance pack's large-input path: import and summarise 1,000,000 bank transactions.

Run on demand (not a test):

    python benchmarks/finance_import.py [--rows 1000000]

It writes a Chase-style checking export (`Details,Posting Date,Description,Amount,Type,Balance,
Check or Slip #`, MM/DD/YYYY dates, signed amounts, the trailing empty field Chase adds) with about
3,000 merchants over three years, then, in a fresh Python process, builds the backend (embedded
store), uploads the file to `POST /api/v1/finance/transactions/imports` and asks for the monthly
summary and the anomalies over HTTP (FastAPI's TestClient). It reports the wall time of each step
and the peak resident memory of that process, and replaces the "Import and summarise" section of
domains/finance/docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np

REPORT = Path(__file__).resolve().parents[1] / "domains" / "finance" / "docs" / "benchmarks.md"
SECTION = "## Import and summarise"
HEADER = "# Finance pack benchmarks\n\nMeasured on demand with the scripts in `benchmarks/`; each rewrites its own section.\n"

#: The measured process: build the app, import, summarise; print timings and peak RSS as JSON.
CHILD = r"""
import json, resource, sys, time, asyncio
from pathlib import Path
started = time.perf_counter()
from fastapi.testclient import TestClient
from codexcontinue.api.app import create_app
from codexcontinue.settings import load_core_settings
data_dir, csv_path = Path(sys.argv[1]), Path(sys.argv[2])
app = create_app(load_core_settings(data_dir=data_dir, ollama_hosts=["http://127.0.0.1:9"], packs=["finance"]))
times = {}
with TestClient(app) as client:
    token, _ = client.portal.call(app.state.keyring.create, "bench", ["finance:write"])
    client.headers["Authorization"] = f"Bearer {token}"
    times["start-up"] = time.perf_counter() - started
    t = time.perf_counter()
    with csv_path.open("rb") as file:
        response = client.post("/api/v1/finance/transactions/imports", files={"file": ("chase.csv", file)})
    if response.status_code != 201:
        sys.exit(f"the import answered {response.status_code}: {response.text}")
    record = response.json()
    times["import"] = time.perf_counter() - t
    t = time.perf_counter()
    months = client.get("/api/v1/finance/transactions/summary").json()
    times["monthly summary"] = time.perf_counter() - t
    t = time.perf_counter()
    flagged = client.get("/api/v1/finance/transactions/anomalies").json()
    times["anomalies"] = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"times": times, "peak_rss": peak, "added": record["added"], "months": len(months),
                  "flagged": flagged["counts"]}))
"""


def write_export(path: Path, rows: int) -> None:
    """A Chase-style checking export of `rows` transactions (newest first, as Chase writes them)."""
    rng = np.random.default_rng(18)
    brands = [
        "STARBUCKS STORE",
        "WHOLEFDS MKT",
        "SHELL OIL",
        "UBER *TRIP",
        "AMAZON.COM*",
        "CHIPOTLE",
        "TARGET",
        "CVS/PHARMACY #",
        "NETFLIX.COM",
        "TRADER JOE'S #",
        "WALGREENS #",
        "DELTA AIR",
        "HOME DEPOT #",
    ]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    merchants = np.array(
        [
            f"{brands[i % len(brands)]} {letters[i // 26 % 26]}{letters[i % 26]}{letters[i // 676]} {1000 + i} CITY {i % 50:02d}"
            for i in range(3000)
        ]
    )
    typical = rng.lognormal(3.0, 1.0, len(merchants)).round(2)
    picks = rng.integers(0, len(merchants), rows)
    amounts = -(typical[picks] * rng.lognormal(0, 0.25, rows)).round(2)
    salary = rng.random(rows) < 0.02
    amounts[salary] = 3250.00
    days = np.sort(rng.integers(0, 3 * 365, rows))[::-1]
    dates = (np.datetime64("2021-01-01") + days).astype("datetime64[D]").astype(object)
    descriptions = np.where(salary, "PAYROLL ACME CORP PPD ID: 9876543210", merchants[picks])
    with path.open("w", newline="") as out:
        out.write("Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\r\n")
        for day, description, amount in zip(dates, descriptions, amounts):
            kind = ("CREDIT", "ACH_CREDIT") if amount > 0 else ("DEBIT", "DEBIT_CARD")
            out.write(f'{kind[0]},{day:%m/%d/%Y},"{description}",{amount:.2f},{kind[1]},,,\r\n')


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def write_report(result: dict, rows: int, size: int) -> str:
    total = sum(v for k, v in result["times"].items() if k != "start-up")
    lines = [
        SECTION,
        "",
        (
            f"`python benchmarks/finance_import.py --rows {rows}`, {date.today()}, Python "
            f"{platform.python_version()} on {platform.system()} {platform.machine()}, {os.cpu_count()} cores "
            f"({cpu_model()}), embedded store. A {size / 1024 / 1024:.0f} MiB Chase-style export of {rows:,} "
            "transactions is uploaded over HTTP (TestClient), then the monthly summary and the anomalies are requested."
        ),
        "",
        "| step | seconds |",
        "| --- | ---: |",
        *[f"| {step} | {seconds:.2f} |" for step, seconds in result["times"].items()],
        f"| **import + summary + anomalies** | **{total:.2f}** |",
        "",
        f"Peak resident memory of the process: **{result['peak_rss'] / 1024**3:.2f} GiB**. "
        f"Rows added: {result['added']:,}; months summarised: {result['months']}; flagged: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(result["flagged"].items()))
        + ". Limits: 30 s and 2 GiB on a 2-core machine.",
        "",
    ]
    section = "\n".join(lines)
    text = REPORT.read_text() if REPORT.exists() else HEADER
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text)
    return section


def measure(rows: int) -> tuple[dict, int]:
    """Write an export of `rows` transactions, import and summarise it in a fresh process; return
    that process's timings and peak memory, and the export's size in bytes."""
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "chase.csv"
        write_export(export, rows)
        size = export.stat().st_size
        limits = {
            "CODEXCONTINUE_FINANCE__MAX_UPLOAD_BYTES": str(size + 1),
            "CODEXCONTINUE_MAX_BODY_BYTES": str(size + 65536),
        }
        env = {**os.environ, **limits}
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(Path(folder) / "data"), str(export)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            sys.exit(f"the measured process failed:\n{child.stderr[-3000:]}")
        return json.loads(child.stdout.strip().splitlines()[-1]), size


def main() -> None:
    """Parse the options, run the benchmark, print and record the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    result, size = measure(rows)
    print(write_report(result, rows, size))


if __name__ == "__main__":
    main()
