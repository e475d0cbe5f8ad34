"""Turning an uploaded contract (plain text, .docx or text-based PDF) into text, within limits.

Decompression is bounded before anything is unpacked: a .docx is a zip, and each member's size and
its unpacked-to-packed ratio are read from the zip's directory and checked first (zipfile never
unpacks more than a member's declared size, so the check holds even when a header lies); PDF
streams are decoded under pypdf's output limits, set here. Whatever a parser raises on a damaged
file becomes an `InputError` that names the file: 413 when a limit is reached, 415 for a kind of
file the review does not read, 422 for a file that cannot be read.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from codexcontinue import InputError
from codexcontinue.cpu_work import WorkCancelled, checkpoint

ACCEPTED_TYPES = ".txt, .docx, .pdf"
PLAIN_TEXT_SUFFIXES = {".txt", ".text", ".md"}
RATIO_FLOOR_BYTES = 1024 * 1024
"""The ratio check applies to members that unpack past this many bytes (small XML files compress well)."""


@dataclass(frozen=True)
class DocumentLimits:
    """How much an upload may unpack to, and how much text it may give."""

    max_unpacked_bytes: int = 64 * 1024 * 1024
    max_ratio: float = 200.0
    max_stream_bytes: int = 16 * 1024 * 1024
    max_pages: int = 2000
    max_text_characters: int = 2 * 1024 * 1024


def document_text(filename: str, content: bytes, limits: DocumentLimits) -> str:
    """The text of an uploaded document: PDF and .docx told by their content, plain text by its name
    (.txt, .text, .md, or no extension) once it is seen to be text."""
    if content.startswith(b"%PDF-"):
        text = _pdf_text(filename, content, limits)
    elif content.startswith(b"PK\x03\x04"):
        text = _docx_text(filename, content, limits)
    else:
        suffix = PurePath(filename).suffix.lower()
        if suffix and suffix not in PLAIN_TEXT_SUFFIXES:
            raise InputError(f"'{filename}' is not a supported file type; upload one of: {ACCEPTED_TYPES}.", 415)
        text = plain_text(filename, content)
    if len(text) > limits.max_text_characters:
        raise InputError(
            f"'{filename}' holds {len(text):,} characters of text, more than the {limits.max_text_characters:,} "
            "a review reads; split the document and review its parts.",
            413,
        )
    return text


def plain_text(filename: str, content: bytes) -> str:
    """Bytes sent as a text file, decoded (UTF-8, else Windows-1252); `InputError` (415) when they are not
    text at all (NUL bytes, or mostly control characters: an image, an archive, random bytes)."""
    sample = content[:65536]
    if b"\x00" in sample or _control_share(sample) > 0.02:
        raise InputError(
            f"'{filename}' is binary data, not text (it has control bytes that text does not have); send the "
            f"contract as {ACCEPTED_TYPES} (a PDF with a text layer).",
            415,
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"'{filename}' is not text in UTF-8 or Windows-1252; save it as UTF-8 text, or send it as .docx or PDF.", 415
    )


def _control_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return control / len(sample)


def _docx_text(filename: str, content: bytes, limits: DocumentLimits) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            _check_members(filename, members, limits)
            is_word = any(member.filename == "word/document.xml" for member in members)
    except zipfile.BadZipFile as error:
        raise InputError(f"'{filename}' could not be read as a .docx document ({error}); save it again.") from None
    if not is_word:
        raise InputError(
            f"'{filename}' is a ZIP file but not a Word .docx document; upload one of: {ACCEPTED_TYPES}.", 415
        )
    try:
        document = docx.Document(io.BytesIO(content))
        paragraphs = []
        for number, paragraph in enumerate(document.paragraphs):
            if number % 2000 == 0:
                checkpoint()
            paragraphs.append(paragraph.text)
        for table in document.tables:
            checkpoint()
            for row in table.rows:
                paragraphs.append("  ".join(cell.text for cell in row.cells))
    except (WorkCancelled, InputError):
        raise
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise InputError(f"'{filename}' could not be read as a .docx document ({error}); save it again.") from None
    except Exception as error:  # noqa: BLE001 - lxml and python-docx raise many kinds; each means a damaged file
        raise InputError(
            f"'{filename}' could not be read as a .docx document ({type(error).__name__}); save it again from Word, "
            "or send it as PDF or text."
        ) from None
    return "\n\n".join(paragraphs)


def _check_members(filename: str, members: list[zipfile.ZipInfo], limits: DocumentLimits) -> None:
    """Refuse (413) a .docx whose members unpack past the limits, from the sizes its directory declares."""
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise InputError(f"'{filename}' is encrypted; save it without a password and upload it again.")
        total += member.file_size
        if total > limits.max_unpacked_bytes:
            raise InputError(
                f"'{filename}' unpacks to more than {limits.max_unpacked_bytes / 1_048_576:.0f} MiB; a contract's "
                ".docx is far smaller. Remove embedded media, or send the contract as PDF or text.",
                413,
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
            raise InputError(
                f"'{filename}' looks like a compression bomb: '{member.filename}' unpacks to {ratio:.0f} times its "
                f"packed size (the limit is {limits.max_ratio:.0f}); save the document again from Word.",
                413,
            )


def _pdf_text(filename: str, content: bytes, limits: DocumentLimits) -> str:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    stream_limit = limits.max_stream_bytes
    bounds = {
        "zlib_maximum_output_length": stream_limit,
        "lzw_maximum_output_length": stream_limit,
        "run_length_maximum_output_length": stream_limit,
        "array_based_stream_maximum_output_length": stream_limit,
        "maximum_declared_stream_length": stream_limit,
    }
    pages: list[str] = []
    try:
        with apply_configuration(**bounds):
            reader = PdfReader(io.BytesIO(content))
            if reader.is_encrypted:
                raise InputError(f"'{filename}' is an encrypted PDF; upload an unlocked copy.")
            if len(reader.pages) > limits.max_pages:
                raise InputError(
                    f"'{filename}' has {len(reader.pages):,} pages, more than the {limits.max_pages:,} a review reads; "
                    "split it and review the contract's part.",
                    413,
                )
            characters = 0
            for page in reader.pages:
                checkpoint()
                contents = page.get_contents()
                if contents is not None:
                    contents.get_data()  # decoded here so a limit raises (extract_text would swallow it)
                text = page.extract_text() or ""
                characters += len(text)
                if characters > limits.max_text_characters:
                    raise InputError(
                        f"'{filename}' holds more than the {limits.max_text_characters:,} characters of text a review "
                        "reads; split the document and review its parts.",
                        413,
                    )
                pages.append(text)
    except (WorkCancelled, InputError):
        raise
    except LimitReachedError:
        raise InputError(
            f"'{filename}' has a compressed stream that unpacks past {stream_limit / 1_048_576:.0f} MiB; a contract's "
            "PDF never needs that. Print it to PDF again, or send the text.",
            413,
        ) from None
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on damaged files; each means unreadable
        raise InputError(
            f"'{filename}' could not be read as a PDF ({type(error).__name__}); save it again, or send the text."
        ) from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise InputError(
            f"'{filename}' has no text layer (it looks like a scanned image); run OCR on it "
            "first, or upload the text as .txt or .docx."
        )
    return text
