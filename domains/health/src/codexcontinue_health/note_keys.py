"""The pack's secret: pseudonyms, date offsets and the encryption of queued notes derive from it.

`CODEXCONTINUE_HEALTH__PSEUDONYM_KEY` when set (the same in the API and every worker); otherwise a
random key per process, so pseudonyms change on restart and a corpus job can run only in the process
that accepted it (embedded mode, or `serve`'s in-process worker).
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet

from .settings import HealthSettings

PROCESS_KEY = secrets.token_bytes(32)


def pack_key(settings: HealthSettings | None) -> bytes:
    """The secret of pseudonyms and date offsets."""
    if settings is not None and settings.pseudonym_key is not None:
        return settings.pseudonym_key.get_secret_value().encode()
    return PROCESS_KEY


def note_cipher(settings: HealthSettings | None) -> Fernet:
    """Authenticated encryption for notes waiting in the store for a job (never stored in clear)."""
    digest = hashlib.sha256(pack_key(settings) + b"\x00codexcontinue-health-queued-notes").digest()
    return Fernet(base64.urlsafe_b64encode(digest))
