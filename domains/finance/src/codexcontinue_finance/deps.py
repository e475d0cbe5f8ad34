"""Request dependencies of the finance routes: the pack's settings, the upload limit, and the caller's own data."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from codexcontinue import OwnerDep, StoreDep, pack_settings

from .owner_data import OwnerData
from .settings import FinanceSettings

#: Room a multipart body needs beyond the file itself (boundaries, part headers, the other form fields).
MULTIPART_ROOM = 64 * 1024
MEGABYTE = 1024 * 1024

SettingsDep = Annotated[FinanceSettings, Depends(pack_settings("finance"))]


def upload_limit(request: Request, settings: SettingsDep) -> int:
    """The largest file a finance upload accepts: the pack's setting, or less when the core's body limit
    (CODEXCONTINUE_MAX_BODY_BYTES, less room for the form around the file) is lower; in whole megabytes from 1 MB
    up, as the pages' uploaders can only state whole megabytes."""
    limit = max(1, min(settings.max_upload_bytes, request.app.state.settings.max_body_bytes - MULTIPART_ROOM))
    return limit - limit % MEGABYTE if limit >= MEGABYTE else limit


UploadLimitDep = Annotated[int, Depends(upload_limit)]


def owner_data(store: StoreDep, owner: OwnerDep) -> OwnerData:
    """The data of the calling key's owner (shared by every key of that owner)."""
    return OwnerData(store, owner)


OwnerDataDep = Annotated[OwnerData, Depends(owner_data)]
