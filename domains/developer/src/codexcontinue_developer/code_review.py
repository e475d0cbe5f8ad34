"""Explanation and review comments on one function by the 'developer-reviewer' model, with its analysis as context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from pydantic import BaseModel, Field

from codexcontinue.ml.runtime import LLMRuntime

from codexcontinue import InputError

from .analysis import AnalysisReport
from .definitions import definition_at, first_line
from .lint import LintFinding
from .metrics import CodeBlock
from .reviewer_model import REVIEWER_MODEL
from .security import SecurityFinding
from .source_tree import SourceTree

MAX_SOURCE_LINES = 400


class ReviewComment(BaseModel):
    """One review remark, on a line of the file or on the whole function."""

    line: int | None = Field(default=None, description="The file's line the comment is about; null for the whole.")
    severity: Literal["note", "suggestion", "warning"]
    comment: str


class ReviewReply(BaseModel):
    """What the model is asked to answer (its structured-output schema)."""

    explanation: str = Field(description="What the function does, in a few sentences.")
    comments: list[ReviewComment]


class FunctionReview(BaseModel):
    """The model's explanation and comments, with the analysis results it was given."""

    path: str
    function: str
    kind: str
    lineno: int
    endline: int
    complexity: int
    rank: str
    explanation: str
    comments: list[ReviewComment]
    security: list[SecurityFinding] = Field(
        description="bandit's findings inside the function, given to the model."
    )
    lint: list[LintFinding] = Field(description="ruff's findings inside the function, given to the model.")
    model: str
    cached: bool


@dataclass(frozen=True)
class ReviewTarget:
    """The function to review: its analysed block, its first and last line (decorators included), those lines."""

    block: CodeBlock
    start: int
    end: int
    lines: list[str]


def find_block(blocks: list[CodeBlock], path: str, function: str) -> CodeBlock:
    """The analysed function, method or class called `function` in `path`; else `InputError` listing the names."""
    in_file = [block for block in blocks if block.path == path]
    for block in in_file:
        if block.name == function:
            return block
    names = ", ".join(block.name for block in in_file[:20]) or "none (the file defines no functions)"
    raise InputError(f"'{path}' has no function, method or class named '{function}'; its names: {names}.")


def review_target(tree: SourceTree, path: str, function: str, blocks: list[CodeBlock]) -> ReviewTarget:
    """`function` of `path` among the analysed `blocks`, with its lines (parses the file: run it in a child
    process, through `run_isolated`)."""
    block = find_block(blocks, path, function)
    code = tree.read(path)
    node = definition_at(code, block.lineno)
    start, end = (first_line(node), node.end_lineno or block.endline) if node else (block.lineno, block.endline)
    return ReviewTarget(block, start, end, code.splitlines()[start - 1 : end])


async def review_function(llm: LLMRuntime, report: AnalysisReport, target: ReviewTarget) -> FunctionReview:
    """Ask 'developer-reviewer' to explain the `target` function and comment on it, given `report` (of its file)."""
    block, start, end = target.block, target.start, target.end
    security = [f for f in report.security if f.path == block.path and start <= f.line <= end]
    lint = [f for f in report.lint if f.path == block.path and start <= f.line <= end]
    prompt = _prompt(target, report, security, lint)
    result = await llm.generate(REVIEWER_MODEL, prompt, pack="developer", schema=ReviewReply)
    reply = cast(ReviewReply, result.data)
    return FunctionReview(
        path=block.path, function=block.name, kind=block.kind, lineno=start, endline=end,
        complexity=block.complexity, rank=block.rank, explanation=reply.explanation, comments=reply.comments,
        security=security, lint=lint, model=result.model, cached=result.cached,
    )  # fmt: skip


def _prompt(
    target: ReviewTarget, report: AnalysisReport, security: list[SecurityFinding], lint: list[LintFinding]
) -> str:
    block, start, end = target.block, target.start, target.end
    file_metrics = next(file for file in report.files if file.path == block.path)
    shown = target.lines[:MAX_SOURCE_LINES]
    numbered = "\n".join(f"{start + index:5d} | {line}" for index, line in enumerate(shown))
    if len(target.lines) > len(shown):
        numbered += f"\n      | ... ({len(target.lines) - len(shown)} more lines not shown)"
    findings = [
        f"- line {f.line}: bandit {f.test_id} ({f.test_name}), severity {f.severity}, confidence {f.confidence}: "
        f"{f.message}"
        for f in security
    ] + [f"- line {f.line}: ruff {f.code}: {f.message}" for f in lint]
    return "\n".join(
        [
            f"Explain what the {block.kind} `{block.name}` in `{block.path}` does, then review it.",
            "",
            "Analysis results:",
            f"- cyclomatic complexity {block.complexity} (radon rank {block.rank}; A is simple, F very complex)",
            f"- the file's maintainability index: {_index(file_metrics.mi)} (rank {file_metrics.mi_rank or '?'})",
            *(findings or ["- no security or lint findings in this code"]),
            "",
            f"Code (lines {start}-{end} of the file, numbered):",
            numbered,
            "",
            (
                'Answer with JSON: {"explanation": "what it does", "comments": [{"line": <file line or null>, '
                '"severity": "note" | "suggestion" | "warning", "comment": "what to change and why"}]}. '
                "Address each finding above, and suggest how to lower the complexity when its rank is C or worse."
            ),
        ]
    )


def _index(mi: float | None) -> str:
    return "not available" if mi is None else f"{mi:.1f} of 100"
