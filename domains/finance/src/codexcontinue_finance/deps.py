"""Request dependencies of the finance routes: the pack's settings and the caller's own data."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from codexcontinue import ApiKeyDep, StoreDep, pack_settings

from .owner_data import OwnerData
from .settings import FinanceSettings

SettingsDep = Annotated[FinanceSettings, Depends(pack_settings("finance"))]


def owner_data(store: StoreDep, key: ApiKeyDep) -> OwnerData:
    """The data of the calling API key (owner = the key's prefix)."""
    return OwnerData(store, key.prefix)


OwnerDataDep = Annotated[OwnerData, Depends(owner_data)]
