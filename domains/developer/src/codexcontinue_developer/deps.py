"""What the route modules share: the pack's settings, strict request bodies, reading an upload within the limit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, UploadFile
from pydantic import BaseModel, ConfigDict

from codexcontinue import InputError, pack_settings

from .settings import DeveloperSettings
from .source_tree import too_large

SettingsDep = Annotated[DeveloperSettings, Depends(pack_settings("developer"))]
CHUNK = 1024 * 1024


class StrictBody(BaseModel):
    """A request body that refuses fields it does not know, so nothing sent is ignored in silence."""

    model_config = ConfigDict(extra="forbid")


async def read_upload(file: UploadFile, settings: DeveloperSettings) -> bytes:
    """The bytes of `file`; `InputError` 413 as soon as it passes the upload limit."""
    parts: list[bytes] = []
    size = 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > settings.max_upload_bytes:
            raise InputError(too_large(f"'{file.filename}'", settings), status=413)
        parts.append(chunk)
    return b"".join(parts)
