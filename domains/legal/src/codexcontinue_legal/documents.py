"""Turning an uploaded contract (plain text, .docx or text-based PDF) into text."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

ACCEPTED_TYPES = ".txt, .docx, .pdf"
PLAIN_TEXT_SUFFIXES = {".txt", ".text", ".md"}


class DocumentError(Exception):
    """An upload that cannot be read; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def document_text(filename: str, content: bytes) -> str:
    """The text of an uploaded document: PDF and .docx told by their content, plain text by its name
    (.txt, .text, .md, or no extension and no binary bytes)."""
    if content.startswith(b"%PDF-"):
        return _pdf_text(filename, content)
    if content.startswith(b"PK\x03\x04"):
        return _docx_text(filename, content)
    suffix = PurePath(filename).suffix.lower()
    if suffix in PLAIN_TEXT_SUFFIXES or (not suffix and not _looks_binary(content)):
        return _plain_text(content)
    raise DocumentError(415, f"'{filename}' is not a supported file type; upload one of: {ACCEPTED_TYPES}.")


def _looks_binary(content: bytes) -> bool:
    return b"\x00" in content[:4096]


def _plain_text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _docx_text(filename: str, content: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            is_word = "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        is_word = False
    if not is_word:
        raise DocumentError(
            415, f"'{filename}' is a ZIP file but not a Word .docx document; upload one of: {ACCEPTED_TYPES}."
        )
    try:
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise DocumentError(422, f"'{filename}' could not be read as a .docx document: {error}.") from None
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("  ".join(cell.text for cell in row.cells))
    return "\n\n".join(paragraphs)


def _pdf_text(filename: str, content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise DocumentError(422, f"'{filename}' is an encrypted PDF; upload an unlocked copy.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as error:
        raise DocumentError(422, f"'{filename}' could not be read as a PDF: {error}.") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise DocumentError(
            422,
            f"'{filename}' has no text layer (it looks like a scanned image); run OCR on it "
            "first, or upload the text as .txt or .docx.",
        )
    return text
