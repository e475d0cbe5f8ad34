"""A logging filter that removes PHI from every log record before a handler writes it.

`install()` puts one `PhiLogFilter` on every handler that exists when the pack starts (the root
logger's, uvicorn's, any other logger's); `uninstall()` takes it off again. The message is formatted
with its arguments and de-identified by the same detector as /deidentify (`[NAME]`, `[DATE]`, ...;
words of PHI this process de-identified recently become `[PHI]` even without context, see
phi_memory.py). When it holds PHI, each argument is de-identified in place (formatters such as
uvicorn's access log need the arguments), and if PHI is still left the redacted message replaces
message and arguments. An exception's traceback and a stack are de-identified the same way.

Bounded work: a health access-log line keeps its path (decoded with `unquote_plus`, so '+' is a
space, and cut at `MAX_PATH` characters) but its query string is replaced wholesale by the names of
its parameters; any other message longer than `MAX_MESSAGE` characters is cut there before it is
read. The detector is linear in its input, so a hostile request line costs milliseconds, never the
event loop. The server's own addresses (loopback and unspecified: 127.0.0.1, 0.0.0.0, ::1,
localhost) are no PHI and stay as they are ('Uvicorn running on http://127.0.0.1:8000').
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
from urllib.parse import parse_qsl, unquote_plus

from .deidentify import Mode, deidentify
from .phi_categories import PhiCategory
from .phi_memory import RECENT_PHI

_inside = threading.local()
MAX_PATH = 2_000
MAX_MESSAGE = 10_000
MAX_PARAMETERS = 20
SERVER_HOST = re.compile(
    r"^(?:[a-z]+://)?(?:(?P<v4>\d{1,3}(?:\.\d{1,3}){3})|\[?(?P<v6>[0-9a-f:]{2,39})\]?|(?P<name>localhost))(?::\d{1,5})?(?:/.*)?$",
    re.IGNORECASE,
)


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
            record.args = (*record.args[:2], _access_target(path), *record.args[3:])
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


def _access_target(path: str) -> str:
    """A health route's path as the log may show it: decoded ('+' and '%20' are spaces, so a phone
    number cannot hide), cut at `MAX_PATH`, and its query string replaced by its parameters' names."""
    target, _, query = path.partition("?")
    target = unquote_plus(target[:MAX_PATH]) + ("…" if len(target) > MAX_PATH else "")
    if not query:
        return target
    names = [name for name, _ in parse_qsl(query[:MAX_PATH], keep_blank_values=True)][:MAX_PARAMETERS]
    return target + "?" + "&".join(f"{unquote_plus(name)[:40]}=[REDACTED]" for name in names) if names else target + "?[REDACTED]"


def _clean(text: str) -> str:
    """Redacted by the detector (the server's own addresses left alone), then by the memory of recent PHI."""
    if len(text) > MAX_MESSAGE:
        text = f"{text[:MAX_MESSAGE]}… [{len(text) - MAX_MESSAGE} more characters not logged]"
    result = deidentify(text, Mode.REDACT, key=b"log", remember=False)
    kept = [s for s in result.spans if not _server_address(s.category, text[s.start : s.end])]
    if len(kept) == len(result.spans):
        return RECENT_PHI.mask(result.text)
    pieces, position = [], 0
    for span in kept:
        pieces += [text[position : span.start], f"[{span.category.value}]"]
        position = span.end
    pieces.append(text[position:])
    return RECENT_PHI.mask("".join(pieces))


def _server_address(category: PhiCategory, value: str) -> bool:
    """A loopback or unspecified address (the server's own, not a person's)."""
    if category not in (PhiCategory.IP_ADDRESS, PhiCategory.URL):
        return False
    found = SERVER_HOST.match(value)
    if found is None:
        return False
    if found.group("name"):
        return True
    host = found.group("v4") or found.group("v6")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


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
    _clean("warm up")  # read the word lists now, not during the first request
    handlers = _every_handler()
    for handler in handlers:
        handler.addFilter(log_filter)
    return len(handlers)


def uninstall(log_filter: PhiLogFilter) -> None:
    """Take `log_filter` off every handler."""
    for handler in _every_handler():
        handler.removeFilter(log_filter)
