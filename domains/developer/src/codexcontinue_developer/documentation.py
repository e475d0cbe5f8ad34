"""The documentation of a source tree: its API reference, docstring coverage and where drafted docstrings go.

Reading the API parses the code (griffe), so `document` runs in a child process
(`isolation.run_isolated`); the model drafts the docstrings afterwards, in the API process.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from .api_reference import api_reference
from .docstring_coverage import DocstringCoverage, docstring_coverage
from .docstring_drafts import DRAFTED_KINDS, DocstringDrafts, DraftSite, NotDrafted, draft_sites
from .package_api import SkippedFile, read_api
from .source_tree import SourceTree


class DocsReport(BaseModel):
    """The API reference, the docstring coverage, what was left out, and the drafts when asked for."""

    source: str
    markdown: str = Field(description="The API reference in Markdown.")
    coverage: DocstringCoverage
    skipped: list[SkippedFile]
    drafts: DocstringDrafts | None = Field(default=None, description="Drafted docstrings; never applied.")


@dataclass
class Documentation:
    """The report without drafts, and what drafting them needs: where each goes and the files' text."""

    report: DocsReport
    sites: list[DraftSite]
    not_drafted: list[NotDrafted]
    sources: dict[str, str]


def document(tree: SourceTree, draft_limit: int | None) -> Documentation:
    """The API reference and coverage of `tree`; with `draft_limit`, also where up to that many drafts go.

    The code is parsed, never imported: run this in a child process, through `run_isolated`.
    """
    api = read_api(tree)
    coverage = docstring_coverage(api)
    report = DocsReport(
        source=tree.label, markdown=api_reference(tree.label, api), coverage=coverage, skipped=api.skipped
    )
    if draft_limit is None:
        return Documentation(report, [], [], {})
    files = {item.file for item in coverage.undocumented if item.kind in DRAFTED_KINDS}
    sources = {file: tree.read(file) for file in sorted(files)}
    sites, not_drafted = draft_sites(sources, coverage.undocumented, draft_limit)
    needed = {site.item.file for site in sites}
    return Documentation(report, sites, not_drafted, {file: text for file, text in sources.items() if file in needed})
