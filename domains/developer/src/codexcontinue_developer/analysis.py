"""Code analysis of a source tree: radon's metrics, bandit's and ruff's findings, a summary of the worst offenders."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from codexcontinue import InputError

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


def analyse(tree: SourceTree, settings: DeveloperSettings, only: list[str] | None = None) -> AnalysisReport:
    """Analyse the tree's Python files (or `only` those of them); the code is read, never run."""
    files = only if only is not None else tree.files
    metrics: list[FileMetrics] = []
    blocks: list[CodeBlock] = []
    for path in files:
        try:
            file_metrics, file_blocks = measure(path, tree.read(path))
        except InputError as error:
            file_metrics, file_blocks = FileMetrics(path=path, error=error.message), []
        metrics.append(file_metrics)
        blocks.extend(file_blocks)
    security, skipped = scan(tree.root, files)
    notes = list(tree.notes) + [f"bandit skipped '{path}': {reason}." for path, reason in sorted(skipped.items())]
    try:
        findings = lint(tree.root, files, settings.lint_rules, settings.lint_timeout_s)
    except LintFailed as error:
        findings = []
        notes.append(f"No lint findings: {error}")
    return AnalysisReport(
        source=tree.label,
        files=metrics,
        blocks=blocks,
        security=security,
        lint=findings,
        summary=summarise(metrics, blocks, security, findings, settings.worst_offenders),
        ignored_files=tree.ignored,
        links=tree.links,
        notes=notes,
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
