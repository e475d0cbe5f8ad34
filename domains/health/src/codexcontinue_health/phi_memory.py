"""The words of recently de-identified PHI, kept as salted hashes, so the log filter knows them without context.

A log line such as "failed for Adaeze Okafor" has no cue a rule could use; but if this process just
de-identified a note with that name, the words are remembered here (as HMACs with a per-process
random salt, never as text, for at most `ttl` seconds and `size` words) and the log filter masks them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

from .word_lists import word_lists

WORD = re.compile(r"[^\W_]{3,}")


class PhiMemory:
    """A bounded, expiring set of salted hashes of PHI words."""

    def __init__(self, size: int = 50_000, ttl: float = 3600.0) -> None:
        self.size = size
        self.ttl = ttl
        self._salt = secrets.token_bytes(32)
        self._seen: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, values: Iterable[str]) -> None:
        """Remember every word (3+ letters or digits) of `values` that is not an everyday word."""
        until = time.monotonic() + self.ttl
        common = word_lists().english
        with self._lock:
            for value in values:
                for word in WORD.findall(value):
                    if word.lower() in common:
                        continue
                    digest = self._digest(word)
                    self._seen[digest] = until
                    self._seen.move_to_end(digest)
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)

    def mask(self, text: str, label: str = "[PHI]") -> str:
        """`text` with every remembered word replaced by `label`."""
        if not self._seen:
            return text
        now = time.monotonic()

        def known(match: re.Match[str]) -> str:
            until = self._seen.get(self._digest(match.group()))
            return label if until is not None and until > now else match.group()

        with self._lock:
            return WORD.sub(known, text)

    def _digest(self, word: str) -> bytes:
        return hmac.new(self._salt, word.lower().encode(), hashlib.sha256).digest()[:16]


RECENT_PHI = PhiMemory()
"""The process's memory, filled by `deidentify()` and read by the PHI log filter."""
