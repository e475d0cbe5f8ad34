"""Docstrings drafted by the 'developer-reviewer' model for undocumented functions, offered as a unified diff.

Nothing is applied: the diff is returned for a person to read and apply (`git apply`, `patch -p1`).
A draft goes right above the function's first statement, indented like it.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from pydantic import BaseModel, Field

from codexcontinue.cpu_work import run_cpu_bound
from codexcontinue.ml.runtime import LLMRuntime

from .definitions import Definition, definitions_by_line, first_line
from .docstring_coverage import Undocumented
from .reviewer_model import REVIEWER_MODEL

DRAFTED_KINDS = frozenset({"function", "method", "property"})
MAX_SOURCE_LINES = 200


class DocstringDraft(BaseModel):
    """What the model is asked to answer (its structured-output schema)."""

    docstring: str = Field(description="The docstring's text, without quotes or indentation.")


class DraftedDocstring(BaseModel):
    """A drafted docstring and where it goes."""

    path: str
    file: str
    line: int = Field(description="The file's line the docstring is inserted before.")
    docstring: str


class NotDrafted(BaseModel):
    """An undocumented function left without a draft, and why."""

    path: str
    reason: str


class DocstringDrafts(BaseModel):
    """The drafts as one unified diff (paths a/<file> and b/<file>), each draft, and what was not drafted."""

    diff: str
    drafted: list[DraftedDocstring]
    not_drafted: list[NotDrafted]
    model: str


@dataclass(frozen=True)
class DraftSite:
    """Where a drafted docstring goes: the object, the lines the model is shown, the line and indent it is
    inserted at."""

    item: Undocumented
    source: list[str]
    line: int
    indent: str


def draft_sites(
    sources: Mapping[str, str], undocumented: list[Undocumented], limit: int
) -> tuple[list[DraftSite], list[NotDrafted]]:
    """Where each of up to `limit` drafts goes, and the undocumented functions left without one, with why.

    `sources` maps each file named in `undocumented` to its text. Each file is parsed once (so run
    this in a child process, through `run_isolated`).
    """
    sites: list[DraftSite] = []
    not_drafted: list[NotDrafted] = []
    parsed: dict[str, tuple[dict[int, Definition], list[str]]] = {}
    for item in (item for item in undocumented if item.kind in DRAFTED_KINDS):
        if len(sites) >= limit:
            not_drafted.append(NotDrafted(path=item.path, reason=(
                f"over the limit of {limit} drafts per request; raise CODEXCONTINUE_DEVELOPER__MAX_DOCSTRING_DRAFTS"
            )))  # fmt: skip
            continue
        if item.file not in parsed:
            code = sources[item.file]
            parsed[item.file] = definitions_by_line(code), code.splitlines()
        definitions, lines = parsed[item.file]
        node = definitions.get(item.lineno or 0)
        problem = _why_not(lines, node)
        if node is None or problem:
            not_drafted.append(NotDrafted(path=item.path, reason=problem or "its definition was not found"))
            continue
        body = _body_start(node)
        source = lines[first_line(node) - 1 : node.end_lineno][:MAX_SOURCE_LINES]
        sites.append(DraftSite(item, source, body, lines[body - 1][: node.body[0].col_offset]))
    return sites, not_drafted


async def draft_docstrings(
    llm: LLMRuntime, sites: list[DraftSite], not_drafted: list[NotDrafted], sources: Mapping[str, str]
) -> DocstringDrafts:
    """Ask the model for a docstring at each of `sites` (from `draft_sites`); the drafts as one diff."""
    drafted: list[DraftedDocstring] = []
    insertions: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
    for site in sites:
        result = await llm.generate(REVIEWER_MODEL, _prompt(site), pack="developer", schema=DocstringDraft)
        text = _clean(cast(DocstringDraft, result.data).docstring)
        insertions[site.item.file].append((site.line, _quoted(text, site.indent)))
        drafted.append(DraftedDocstring(path=site.item.path, file=site.item.file, line=site.line, docstring=text))
    diff = await run_cpu_bound(_diff, sources, insertions)
    return DocstringDrafts(diff=diff, drafted=drafted, not_drafted=not_drafted, model=REVIEWER_MODEL)


def _diff(sources: Mapping[str, str], insertions: dict[str, list[tuple[int, list[str]]]]) -> str:
    return "".join(_file_diff(file, sources[file], places) for file, places in sorted(insertions.items()))


def _why_not(lines: list[str], node: Definition | None) -> str | None:
    if node is None:
        return None
    line = lines[_body_start(node) - 1]
    if line[: node.body[0].col_offset].strip():
        return "its body starts on the line of its `def`; move the body to a line of its own first"
    return None


def _body_start(node: Definition) -> int:
    first = node.body[0]
    return first_line(first) if isinstance(first, Definition) else first.lineno


def _prompt(site: DraftSite) -> str:
    return "\n".join(
        [
            f"Write the docstring of the Python {site.item.kind} `{site.item.path}`:",
            "",
            *site.source,
            "",
            (
                "First line: one sentence saying what it does or returns, ending with a period. Then, when they "
                "help, a blank line and short notes on the arguments, the return value and the errors it raises. "
                "Describe only what the code does. "
                'Answer with JSON: {"docstring": "the text, without quotes or indentation"}.'
            ),
        ]
    )


def _clean(text: str) -> str:
    """The model's text made safe inside triple quotes."""
    cleaned = text.strip().strip('"').strip().replace('"""', '\\"\\"\\"')
    return cleaned.rstrip("\\").strip() or "TODO: describe this function."


def _quoted(text: str, indent: str) -> list[str]:
    lines = text.splitlines()
    if len(lines) == 1:
        return [f'{indent}"""{text}"""\n']
    return [f'{indent}"""{lines[0]}\n', *(f"{indent}{line}\n" if line.strip() else "\n" for line in lines[1:]),
            f'{indent}"""\n']  # fmt: skip


def _file_diff(file: str, code: str, places: list[tuple[int, list[str]]]) -> str:
    original = code.splitlines(keepends=True)
    if original and not original[-1].endswith("\n"):
        original[-1] += "\n"
    changed = list(original)
    for line, docstring in sorted(places, reverse=True):
        changed[line - 1 : line - 1] = docstring
    return "".join(difflib.unified_diff(original, changed, fromfile=f"a/{file}", tofile=f"b/{file}"))
