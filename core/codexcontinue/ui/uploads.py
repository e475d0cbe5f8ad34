"""File uploaders that state the limit the server applies to the page's route, in the same words.

The API refuses bodies over `CODEXCONTINUE_MAX_BODY_BYTES`; a pack may keep a stricter limit for its
uploads in its settings (`max_upload_bytes`, or `max_body_bytes` for a limit on every body). A page
passes its pack's name and gets an uploader that says, and enforces, the smaller of the two:

    upload = file_uploader("Contract (.txt, .docx or .pdf)", pack="legal", type=["txt", "docx", "pdf"])
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from .session import pack_registry, ui_settings

MIB = 1024 * 1024
PACK_LIMIT_FIELDS = ("max_upload_bytes", "max_body_bytes")


def upload_limit(pack: str | None = None, limit_field: str | None = None) -> int:
    """The largest upload, in bytes, the server accepts on `pack`'s routes (the core's limit without one).

    `limit_field` names the pack setting of one route's own limit (e.g. a corpus upload's).
    """
    limit = ui_settings().max_body_bytes
    loaded = pack_registry().packs.get(pack) if pack else None
    settings = loaded.settings if loaded else None
    for field in (limit_field,) if limit_field else PACK_LIMIT_FIELDS:
        value = getattr(settings, field, None)
        if isinstance(value, int) and value > 0:
            limit = min(limit, value)
            break
    return limit


def size_text(size: int) -> str:
    """A byte count as people write it: '1 MB', '200 KB', '10 MB' (MB meaning MiB, as Streamlit's uploader)."""
    if size >= MIB:
        return f"{size / MIB:.3g} MB"
    return f"{max(1, round(size / 1024))} KB"


def file_uploader(label: str, pack: str | None = None, limit_field: str | None = None, **kwargs: Any) -> Any:
    """`st.file_uploader` limited to, and saying, what the server accepts for `pack`'s uploads."""
    limit = upload_limit(pack, limit_field)
    kwargs.setdefault("help", f"Up to {size_text(limit)} per file: the server refuses larger ones.")
    return st.file_uploader(label, max_upload_size=max(1, limit // MIB), **kwargs)
