"""A logging filter that removes PHI from every log record before a handler writes it.

`install()` puts one `PhiLogFilter` on every handler that exists when the pack starts (the root
logger's, uvicorn's, any other logger's); `uninstall()` takes it off again. The message is formatted
with its arguments and de-identified (`[NAME]`, `[DATE]`, ...; words of PHI this process
de-identified recently become `[PHI]` even without context, see phi_memory.py). When it holds PHI, each argument
is de-identified in place (formatters such as uvicorn's access log need the arguments), and if
PHI is still left the redacted message replaces message and arguments. An exception's traceback
and a stack are de-identified the same way.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import unquote

from .deidentify import redact
from .phi_memory import RECENT_PHI

_inside = threading.local()


class PhiLogFilter(logging.Filter):
    """Rewrites each record with its PHI redacted; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact `record` in place and let it through."""
        if getattr(record, "_phi_redacted", False) or getattr(_inside, "active", False):
            return True  # already done, or logged by the de-identifier itself (no note text in those)
        path = _access_path(record)
        if path is not None:
            if not path.startswith("/api/v1/health"):
                # Another pack's method, path and status: no note text to find, and detection costs
                # about 2 ms a line, which would slow every request of the platform.
                return True
            # uvicorn logs the query encoded: "%20555-..." would hide a phone number
            record.args = (*record.args[:2], unquote(path), *record.args[3:])
        _inside.active = True
        try:
            self._redact(record)
        finally:
            _inside.active = False
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        redacted = _clean(message)
        if redacted != message:
            if isinstance(record.msg, str):
                record.msg = _clean(record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(_redacted_argument(a) for a in record.args)
            elif isinstance(record.args, dict):
                record.args = {k: _redacted_argument(v) for k, v in record.args.items()}
            try:
                still = _clean(record.getMessage()) != record.getMessage()
            except (TypeError, ValueError):
                still = True
            if still:
                record.msg, record.args = redacted, None
        if record.exc_info:
            record.exc_text = _clean(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = _clean(record.exc_text)
        if record.stack_info:
            record.stack_info = _clean(record.stack_info)
        record._phi_redacted = True


def _access_path(record: logging.LogRecord) -> str | None:
    """The path (with its query) of uvicorn's access-log line, or None for any other record."""
    if record.name != "uvicorn.access" or not isinstance(record.args, tuple) or len(record.args) < 3:
        return None
    return str(record.args[2])


def _clean(text: str) -> str:
    """Redacted by the detector, then by the memory of recent PHI."""
    return RECENT_PHI.mask(redact(text))


def _redacted_argument(value: object) -> object:
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return _clean(str(value))


def _every_handler() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    handlers: list[logging.Handler] = []
    for logger in loggers:
        handlers.extend(h for h in logger.handlers if h not in handlers)
    return handlers


def install(log_filter: PhiLogFilter) -> int:
    """Put `log_filter` on every handler there is now; returns how many got it."""
    redact("warm up")  # build the detector now, so its own start-up log lines come before the filter
    handlers = _every_handler()
    for handler in handlers:
        handler.addFilter(log_filter)
    return len(handlers)


def uninstall(log_filter: PhiLogFilter) -> None:
    """Take `log_filter` off every handler."""
    for handler in _every_handler():
        handler.removeFilter(log_filter)
