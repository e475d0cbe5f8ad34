"""Run every benchmark on loopback and write docs/benchmarks.md: `python benchmarks/run_all.py`.

About ten minutes on a 2-core machine. Needs redis-server and wrk (Debian's packages) and the dev
environment of the README (`hatch run python benchmarks/run_all.py`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import discovery  # noqa: E402
import hot_paths  # noqa: E402
import jobs_throughput  # noqa: E402
import llm_path  # noqa: E402
import overhead  # noqa: E402
from harness import DOCS, write_docs  # noqa: E402


def main() -> None:
    """Run each benchmark in turn, reporting progress, then write the document."""
    started = time.time()
    sections = []
    for name, module in (
        ("framework overhead", overhead),
        ("start-up and discovery", discovery),
        ("LLM path", llm_path),
        ("jobs", jobs_throughput),
        ("packs' hot paths", hot_paths),
    ):
        print(f"[{time.time() - started:5.0f} s] {name} ...", flush=True)
        sections.append(module.run())
    write_docs(sections, started)
    print(f"[{time.time() - started:5.0f} s] wrote {DOCS}")


if __name__ == "__main__":
    main()
