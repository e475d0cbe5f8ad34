"""Complexity and size of Python source with radon: cyclomatic complexity, maintainability index, raw counts.

The numbers are radon's own, computed as `radon cc`, `radon mi` and `radon raw` compute them with
their default options (assertions count, closures fold into their function, multi-line strings
count as comments for the maintainability index). The code is parsed, never imported.
"""

from __future__ import annotations

from tokenize import TokenError
from typing import Literal

from pydantic import BaseModel, Field
from radon.complexity import cc_rank, cc_visit
from radon.metrics import mi_rank, mi_visit
from radon.raw import analyze
from radon.visitors import Class, Function

from codexcontinue import InputError

from .definitions import parser_gave_up

BlockKind = Literal["function", "method", "class"]


class CodeBlock(BaseModel):
    """A function, method or class with its cyclomatic complexity."""

    path: str
    name: str = Field(description="Qualified within the file: 'function', 'Class' or 'Class.method'.")
    kind: BlockKind
    lineno: int
    endline: int
    complexity: int
    rank: str = Field(description="radon's rank, A (simple) to F (very complex).")


class FileMetrics(BaseModel):
    """One file's raw counts, maintainability index and complexity; `error` when it could not be parsed."""

    path: str
    loc: int = 0
    lloc: int = 0
    sloc: int = 0
    comments: int = 0
    multi: int = 0
    blank: int = 0
    single_comments: int = 0
    mi: float | None = Field(default=None, description="Maintainability index, 0 to 100 (higher is better).")
    mi_rank: str | None = Field(default=None, description="A (20-100), B (10-20) or C (0-10).")
    blocks: int = 0
    average_complexity: float | None = None
    max_complexity: int | None = None
    error: str | None = None


def measure(path: str, code: str) -> tuple[FileMetrics, list[CodeBlock]]:
    """Radon's metrics of one file's `code`; a file that does not parse gets `error` and no blocks.

    Code that Python's parser gives up on (`MemoryError`, `RecursionError`: very deep nesting, or
    `a a a ...` thousands of times) raises `InputError` naming the file: it cannot be measured at all.
    """
    metrics = FileMetrics(path=path)
    try:
        blocks = [_block(path, block) for block in cc_visit(code)]  # parses first: the clearest syntax errors
        raw = analyze(code)
        mi = mi_visit(code, multi=True)
    except SyntaxError as error:
        metrics.error = f"syntax error at line {error.lineno}: {error.msg}"
        return metrics, []
    except (TokenError, ValueError) as error:  # an unterminated string; NUL bytes in the source
        metrics.error = f"not valid Python source: {error}"
        return metrics, []
    except (MemoryError, RecursionError):
        raise InputError(parser_gave_up(path)) from None
    metrics = FileMetrics(path=path, **raw._asdict(), mi=mi, mi_rank=mi_rank(mi), blocks=len(blocks))
    if blocks:
        metrics.average_complexity = sum(b.complexity for b in blocks) / len(blocks)
        metrics.max_complexity = max(b.complexity for b in blocks)
    return metrics, blocks


def _block(path: str, block: Function | Class) -> CodeBlock:
    if isinstance(block, Function):
        kind: BlockKind = "method" if block.is_method else "function"
    else:
        kind = "class"
    return CodeBlock(
        path=path,
        name=block.fullname,
        kind=kind,
        lineno=block.lineno,
        endline=block.endline,
        complexity=block.complexity,
        rank=cc_rank(block.complexity),
    )
