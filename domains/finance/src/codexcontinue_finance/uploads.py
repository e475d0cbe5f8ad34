"""Reading an uploaded file: refused with 413 past the configured size, decoded to text when it is text."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from fastapi import UploadFile

from codexcontinue import InputError

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def size_text(count: int) -> str:
    """A byte count the way the uploaders state it: '50 MB' (1 MB = 1,048,576 bytes), or bytes below 1 MB."""
    return f"{count / 1024 / 1024:.0f} MB" if count >= 1024 * 1024 else f"{count:,} bytes"


async def read_upload(file: UploadFile, max_bytes: int) -> bytes:
    """The bytes of `file`; `InputError` 413 when it is larger than `max_bytes`, 422 when it is empty."""
    content = b"" if file.size is not None and file.size > max_bytes else await file.read(max_bytes + 1)
    if len(content) > max_bytes or (file.size or 0) > max_bytes:
        raise InputError(
            f"'{file.filename}' is larger than the {size_text(max_bytes)} a finance upload may be. Export a shorter "
            "period (a few months at a time, for example) and upload each file; an administrator can raise the "
            "limit with CODEXCONTINUE_FINANCE__MAX_UPLOAD_BYTES.",
            status=413,
        )
    if not content:
        raise InputError(f"'{file.filename}' is empty; choose the exported file itself.")
    return content


def decode_export(data: bytes, filename: str | None, encoding: str | None = None) -> tuple[str, str]:
    """`data` as text, and the encoding it was read in: `encoding` when given; else the one its byte-order mark
    names (UTF-8, UTF-16, UTF-32); else UTF-8; else Windows-1252, as most Western banks export; else the
    encoding charset-normalizer finds (Cyrillic, Central European, ... exports)."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            raise InputError(f"'{filename}' cannot be read as {encoding}; name the file's encoding, e.g. cp1252.") from None
    for bom, name in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), f"{name.removesuffix('-sig').upper()} (with a byte-order mark)"
            except UnicodeDecodeError:
                raise InputError(f"'{filename}' starts with a {name} byte-order mark but is not {name} text.") from None
    head = data[:4096]
    if b"\x00" in head:
        for name, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
            if zeros.count(0) > 0.9 * len(zeros):
                try:
                    return data.decode(name), name.upper()
                except UnicodeDecodeError:
                    break
        raise InputError(
            f"'{filename}' is a binary file, not a text export; export the statement as CSV (or OFX) and upload that."
        )
    for name, label in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            return data.decode(name), label
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:200_000]).best()
    if best is not None:
        try:
            return data.decode(best.encoding), f"{best.encoding} (detected: check the text in the preview)"
        except (LookupError, UnicodeDecodeError):
            pass
    raise InputError(f"'{filename}' is not text in an encoding this pack can tell; re-export it as UTF-8 CSV.")


def decode_text(data: bytes, filename: str | None) -> str:
    """`data` as text (see `decode_export`)."""
    return decode_export(data, filename)[0]
