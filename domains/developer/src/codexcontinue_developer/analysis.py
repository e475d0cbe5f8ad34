"""Code analysis of a source tree: radon's metrics, bandit's and ruff's findings, a summary of the worst offenders.

radon and bandit parse the code, so they run in a child process (`isolation.run_isolated`); ruff
is a process of its own. Both run at the same time and both are killed when the request ends.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass

from pydantic import BaseModel, Field

from codexcontinue import InputError
from codexcontinue.cpu_work import run_cpu_bound

from .isolation import run_isolated
from .lint import LintFailed, LintFinding, lint
from .metrics import CodeBlock, FileMetrics, measure
from .security import SecurityFinding, scan
from .settings import DeveloperSettings
from .source_tree import SourceTree

RANKS = "ABCDEF"
SEVERITIES = ("HIGH", "MEDIUM", "LOW")


class FileFindings(BaseModel):
    """How many security and lint findings one file has."""

    path: str
    security: int
    lint: int


class Summary(BaseModel):
    """Totals, averages, and the worst offenders of an analysis."""

    files: int
    files_not_parsed: int
    functions: int = Field(description="Functions and methods.")
    classes: int
    sloc: int = Field(description="Source lines of code, blank lines and comments left out.")
    average_complexity: float | None = Field(
        description="Mean cyclomatic complexity of all blocks, as `radon cc -a`."
    )
    average_mi: float | None = Field(description="Mean maintainability index of the files that parsed.")
    complexity_ranks: dict[str, int] = Field(description="Functions and methods per complexity rank, A to F.")
    security_by_severity: dict[str, int]
    lint_by_code: dict[str, int] = Field(description="Lint findings per rule, most frequent first.")
    most_complex: list[CodeBlock] = Field(description="The functions and methods of highest complexity.")
    least_maintainable: list[FileMetrics] = Field(description="The files of lowest maintainability index.")
    most_findings: list[FileFindings] = Field(description="The files with the most security and lint findings.")


class AnalysisReport(BaseModel):
    """Everything the analysis found in one upload, folder or snippet."""

    source: str
    files: list[FileMetrics]
    blocks: list[CodeBlock]
    security: list[SecurityFinding]
    lint: list[LintFinding]
    summary: Summary
    ignored_files: list[str] = Field(
        description="Files in the upload that are not Python sources, so not analysed."
    )
    links: list[str] = Field(description="Links in the archive ('path -> target'); never followed.")
    notes: list[str] = Field(description="What could not be done in full, and why.")


@dataclass
class Inspection:
    """What parsing the files finds: radon's metrics and blocks, bandit's findings and the files it skipped."""

    files: list[FileMetrics]
    blocks: list[CodeBlock]
    security: list[SecurityFinding]
    skipped: dict[str, str]


def inspect_files(tree: SourceTree, files: list[str]) -> Inspection:
    """radon's metrics and bandit's findings of `files`; the code is parsed (so run this in a child
    process, through `run_isolated`) and never run."""
    metrics: list[FileMetrics] = []
    blocks: list[CodeBlock] = []
    for path in files:
        try:
            text = tree.read(path)
        except InputError as error:  # not UTF-8: reported with the file, the others are analysed
            metrics.append(FileMetrics(path=path, error=error.message))
            continue
        file_metrics, file_blocks = measure(path, text)
        metrics.append(file_metrics)
        blocks.extend(file_blocks)
    security, skipped = scan(tree.root, files)
    return Inspection(metrics, blocks, security, skipped)


async def analyse(tree: SourceTree, settings: DeveloperSettings, only: list[str] | None = None) -> AnalysisReport:
    """Analyse the tree's Python files (or `only` those of them); the code is read, never run."""
    files = only if only is not None else tree.files
    tasks = [
        asyncio.ensure_future(run_isolated(
            inspect_files, tree, files,
            memory_bytes=settings.max_analysis_memory_bytes, processes=settings.max_analysis_processes,
        )),
        asyncio.ensure_future(_lint_or_note(tree, files, settings)),
    ]  # fmt: skip
    try:
        inspection, (findings, lint_notes) = await asyncio.gather(*tasks)
    finally:  # one failed, or the request was cancelled: the other's process is killed before returning
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
    return await run_cpu_bound(_report, tree, inspection, findings, lint_notes, settings.worst_offenders)


async def _lint_or_note(
    tree: SourceTree, files: list[str], settings: DeveloperSettings
) -> tuple[list[LintFinding], list[str]]:
    try:
        return await lint(tree.root, files, settings.lint_rules, settings.lint_timeout_s), []
    except LintFailed as error:
        return [], [f"No lint findings: {error}"]


def _report(
    tree: SourceTree, inspection: Inspection, findings: list[LintFinding], lint_notes: list[str], worst: int
) -> AnalysisReport:
    skipped = [f"bandit skipped '{path}': {reason}." for path, reason in sorted(inspection.skipped.items())]
    return AnalysisReport(
        source=tree.label,
        files=inspection.files,
        blocks=inspection.blocks,
        security=inspection.security,
        lint=findings,
        summary=summarise(inspection.files, inspection.blocks, inspection.security, findings, worst),
        ignored_files=tree.ignored,
        links=tree.links,
        notes=[*tree.notes, *skipped, *lint_notes],
    )


def summarise(
    files: list[FileMetrics],
    blocks: list[CodeBlock],
    security: list[SecurityFinding],
    findings: list[LintFinding],
    worst: int,
) -> Summary:
    """Totals and the `worst` most complex functions, least maintainable files and files with most findings."""
    callables = [block for block in blocks if block.kind != "class"]
    parsed = [file for file in files if file.mi is not None]
    indexes = [file.mi for file in parsed if file.mi is not None]
    ranks = Counter(block.rank for block in callables)
    per_file_security = Counter(finding.path for finding in security)
    per_file_lint = Counter(finding.path for finding in findings)
    with_findings = [
        FileFindings(path=path, security=per_file_security[path], lint=per_file_lint[path])
        for path in sorted(set(per_file_security) | set(per_file_lint))
    ]
    return Summary(
        files=len(files),
        files_not_parsed=sum(1 for file in files if file.error),
        functions=len(callables),
        classes=len(blocks) - len(callables),
        sloc=sum(file.sloc for file in files),
        average_complexity=sum(b.complexity for b in blocks) / len(blocks) if blocks else None,
        average_mi=sum(indexes) / len(indexes) if indexes else None,
        complexity_ranks={rank: ranks[rank] for rank in RANKS},
        security_by_severity={
            severity: sum(1 for f in security if f.severity == severity) for severity in SEVERITIES
        },
        lint_by_code=dict(Counter(finding.code for finding in findings).most_common()),
        most_complex=sorted(callables, key=lambda b: (-b.complexity, b.path, b.lineno))[:worst],
        least_maintainable=sorted(parsed, key=lambda file: (file.mi or 0, file.path))[:worst],
        most_findings=sorted(with_findings, key=lambda f: (-(f.security + f.lint), f.path))[:worst],
    )
