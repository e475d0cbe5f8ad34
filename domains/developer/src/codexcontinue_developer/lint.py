"""Lint findings in Python source with ruff's bundled binary (JSON output), isolated from any config it finds.

ruff runs with `--isolated`, so configuration files in the upload are not read, and with the rule
selection from the pack's settings. It reads the files; nothing is imported or run.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

from pydantic import BaseModel, Field
from ruff.__main__ import find_ruff_bin

from codexcontinue.cpu_work import checkpoint, run_cpu_bound

from .isolation import BACKGROUND_NICENESS

LOWER_PRIORITY = ["nice", "-n", str(BACKGROUND_NICENESS)] if shutil.which("nice") else []


class LintFinding(BaseModel):
    """One ruff diagnostic."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str = Field(description="ruff's rule code, e.g. F401; 'invalid-syntax' for code that does not parse.")
    message: str
    url: str | None = None
    fixable: bool = Field(description="ruff can fix it automatically.")


class LintFailed(RuntimeError):
    """ruff did not finish (timeout) or failed; the message says why."""


async def lint(root: Path, files: list[str], rules: list[str], timeout_s: float) -> list[LintFinding]:
    """ruff's findings in `files` (relative to `root`) for the rule codes or prefixes in `rules`.

    ruff runs as a child process of its own, at a lower CPU priority than the API (`nice`, where
    there is one), killed when the timeout passes or the awaiting task is cancelled (the request's
    time limit), so it never outlives its request.
    """
    process = await asyncio.create_subprocess_exec(
        *LOWER_PRIORITY, find_ruff_bin(), "check", "--isolated", "--no-cache", "--exit-zero",
        "--output-format=json-lines", f"--select={','.join(rules)}", "--", *files,
        cwd=root, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout_s)
    except TimeoutError:
        raise LintFailed(
            f"ruff did not finish within {timeout_s:.0f} s; raise CODEXCONTINUE_DEVELOPER__LINT_TIMEOUT_S."
        ) from None
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode != 0:
        first_line = (stderr.decode(errors="replace").strip().splitlines() or ["no message"])[0]
        raise LintFailed(f"ruff failed: {first_line}")
    return await run_cpu_bound(_findings, root, stdout)


def _findings(root: Path, output: bytes) -> list[LintFinding]:
    """ruff's JSON lines read one at a time, so a long report never holds the GIL for long."""
    findings = []
    for number, line in enumerate(output.splitlines()):
        if number % 1000 == 0:
            checkpoint()
        if line.strip():
            findings.append(_finding(root, json.loads(line)))
    findings.sort(key=lambda finding: (finding.path, finding.line, finding.column, finding.code))
    return findings


def _finding(root: Path, item: dict) -> LintFinding:
    location, end = item["location"], item.get("end_location") or item["location"]
    return LintFinding(
        path=Path(item["filename"]).resolve().relative_to(root.resolve()).as_posix(),
        line=location["row"],
        column=location["column"],
        end_line=end["row"],
        end_column=end["column"],
        code=item.get("code") or "invalid-syntax",  # older ruff gave syntax errors no code
        message=item["message"],
        url=item.get("url"),
        fixable=item.get("fix") is not None,
    )
