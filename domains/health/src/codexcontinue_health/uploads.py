"""Reading an uploaded note: plain text only, and a clear refusal for everything else.

Images are refused on purpose: a photograph may be a full-face image (HIPAA identifier Q), which
text de-identification cannot remove.
"""

from __future__ import annotations

from pathlib import PurePath

ACCEPTED_TYPES = {"text/plain": ".txt", "text/markdown": ".md"}
ACCEPTED_SUFFIXES = {".txt", ".md", ".text"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".webp", ".dcm"}


class UploadRefused(Exception):
    """An upload that is not read: `status` (415 or 422) and a message that says what is accepted."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def note_text(filename: str | None, content_type: str | None, data: bytes) -> str:
    """The text of an uploaded note, or `UploadRefused` saying why and what would be accepted."""
    suffix = PurePath(filename or "").suffix.lower()
    media = (content_type or "").split(";")[0].strip().lower()
    accepted = ", ".join(sorted(ACCEPTED_TYPES)) + " (" + ", ".join(sorted(ACCEPTED_SUFFIXES)) + ")"
    if media.startswith("image/") or suffix in IMAGE_SUFFIXES:
        raise UploadRefused(
            415,
            "Images are not accepted: a photograph may be a full-face image (HIPAA identifier Q) that text "
            f"de-identification cannot remove. Upload the note as text: {accepted}.",
        )
    if media not in ACCEPTED_TYPES and suffix not in ACCEPTED_SUFFIXES:
        raise UploadRefused(415, f"Unsupported upload type '{media or suffix or 'unknown'}'. Accepted: {accepted}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(422, "The file is not UTF-8 text; save it as UTF-8 and upload it again.") from None
    if not text.strip():
        raise UploadRefused(422, "The file is empty: upload a note with some text.")
    return text
