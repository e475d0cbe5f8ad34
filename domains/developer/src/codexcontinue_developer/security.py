"""Security findings in Python source with bandit, used as a library with its default tests and filters.

bandit reads the files and walks their syntax trees; nothing is imported or run. Its defaults are
those of `bandit -f json <files>`: every test, every severity and confidence, `# nosec` honoured.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel, Field


class _UnusedSarifFormatter(logging.Filter):
    """bandit registers a SARIF report formatter that needs the optional `sarif_om` package. This
    pack never writes SARIF, so stevedore's ERROR about not loading it (on every start) is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop only that one message."""
        return not record.getMessage().startswith("Could not load 'sarif'")


logging.getLogger("stevedore.extension").addFilter(_UnusedSarifFormatter())

# After the filter: importing bandit loads its formatters.
from bandit.core import docs_utils
from bandit.core.config import BanditConfig
from bandit.core.manager import BanditManager


class SecurityFinding(BaseModel):
    """One bandit issue: where it is, what it is, and how sure and how bad."""

    path: str
    line: int
    line_range: list[int]
    column: int
    test_id: str = Field(description="bandit's test, e.g. B602.")
    test_name: str
    severity: str = Field(description="LOW, MEDIUM or HIGH.")
    confidence: str = Field(description="LOW, MEDIUM or HIGH.")
    cwe: int | None = Field(description="The CWE the issue belongs to, when bandit names one.")
    message: str
    more_info: str


def scan(root: Path, files: list[str]) -> tuple[list[SecurityFinding], dict[str, str]]:
    """bandit's findings in `files` (relative to `root`), and the files it skipped with the reason."""
    manager = BanditManager(BanditConfig(), "file", quiet=True)
    manager.discover_files([str(root / name) for name in files])
    manager.run_tests()
    findings = [
        SecurityFinding(
            path=_relative(root, issue.fname),
            line=issue.lineno,
            line_range=list(issue.linerange),
            column=issue.col_offset,
            test_id=issue.test_id,
            test_name=issue.test,
            severity=issue.severity,
            confidence=issue.confidence,
            cwe=issue.cwe.id or None,
            message=issue.text,
            more_info=docs_utils.get_url(issue.test_id),
        )
        for issue in manager.get_issue_list()
    ]
    findings.sort(key=lambda finding: (finding.path, finding.line, finding.test_id))
    skipped = {_relative(root, name): reason for name, reason in manager.get_skipped()}
    return findings, skipped


def _relative(root: Path, name: str) -> str:
    return Path(name).resolve().relative_to(root.resolve()).as_posix()
