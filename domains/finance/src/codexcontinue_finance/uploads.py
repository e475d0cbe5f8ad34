"""Reading an uploaded file: refused with 413 past the configured size, decoded to text when it is text."""

from __future__ import annotations

from fastapi import UploadFile

from codexcontinue import InputError


async def read_upload(file: UploadFile, max_bytes: int) -> bytes:
    """The bytes of `file`; `InputError` 413 when it is larger than `max_bytes`, 422 when it is empty."""
    content = b"" if file.size is not None and file.size > max_bytes else await file.read(max_bytes + 1)
    if len(content) > max_bytes or (file.size or 0) > max_bytes:
        raise InputError(
            f"'{file.filename}' is larger than the {_size(max_bytes)} this server accepts; split it into "
            f"smaller files or raise CODEXCONTINUE_FINANCE__MAX_UPLOAD_BYTES.",
            status=413,
        )
    if not content:
        raise InputError(f"'{file.filename}' is empty; choose the exported file itself.")
    return content


def decode_text(data: bytes, filename: str | None) -> str:
    """`data` as text: UTF-8 (with or without a BOM), else Windows-1252 as many UK and US banks export."""
    if b"\x00" in data[:4096]:
        raise InputError(
            f"'{filename}' is a binary file, not a text export; export the statement as CSV (or OFX) and upload that."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(f"'{filename}' is neither UTF-8 nor Windows-1252 text; re-export it as UTF-8 CSV.") from None


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MiB" if count >= 1024 * 1024 else f"{count} bytes"
