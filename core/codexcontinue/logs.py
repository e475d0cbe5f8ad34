"""Process logging to stderr, as text or JSON lines (`CODEXCONTINUE_LOG_JSON=true`).

At the default level (INFO) only CodexContinue's own loggers (`codexcontinue...`, and the packs'
`codexcontinue_<pack>...`) write INFO lines; every library (uvicorn's start-up and access lines,
presidio's per-request lines, httpx, ...) writes only warnings and errors. `CODEXCONTINUE_LOG_LEVEL=DEBUG`
lets everything through.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OWN_LOGGER_PREFIX = "codexcontinue"
LIBRARY_LEVEL = logging.WARNING


class LibraryNoiseFilter(logging.Filter):
    """Let through every record of our own loggers, and a library's only from `library_level` up."""

    def __init__(self, library_level: int) -> None:
        super().__init__()
        self.library_level = library_level

    def filter(self, record: logging.LogRecord) -> bool:
        """True for a record that should be written."""
        return record.name.startswith(OWN_LOGGER_PREFIX) or record.levelno >= self.library_level


def configure_logging(level: str = "INFO", json_lines: bool = False) -> None:
    """Send every logger (uvicorn's included) to stderr in one format, libraries' INFO lines left out."""
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    numeric = logging.getLevelNamesMapping().get(level.upper())
    if numeric is None:
        raise ValueError(f"CODEXCONTINUE_LOG_LEVEL={level!r} is not a level; use DEBUG, INFO, WARNING or ERROR")
    handler.addFilter(LibraryNoiseFilter(max(numeric, LIBRARY_LEVEL) if numeric > logging.DEBUG else numeric))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
