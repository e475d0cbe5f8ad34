"""API-key routes: the caller's own key for everyone; creating, listing and revoking for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from ..audit import record_resources
from ..keys import ApiKey, KeyRequestError
from .deps import ApiKeyDep, current_key, require_scope

key_router = APIRouter(prefix="/keys", tags=["keys"], dependencies=[Depends(current_key)])
Admin = Annotated[ApiKey, Depends(require_scope("admin"))]


class KeyView(BaseModel):
    """A key's public part: never its secret."""

    prefix: str
    name: str
    owner: str
    scopes: list[str]
    created_at: float
    expires_at: float | None
    revoked: bool


class NewKey(BaseModel):
    """What a new key is for."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1, description="'admin', '<pack>:read' or '<pack>:write'")
    expires_in_days: float | None = Field(default=None, gt=0, le=3650)
    owner: str | None = Field(
        default=None,
        description="The person or team the key belongs to (lowercase letters, digits, '.', '_', '@', '-'); "
        "keys of one owner share its objects. Left out: the key is its own owner.",
    )


class CreatedKey(BaseModel):
    """The new key's token, shown this once, and its public part."""

    token: str
    key: KeyView


def _view(key: ApiKey) -> KeyView:
    return KeyView(**{field: getattr(key, field) for field in KeyView.model_fields})


@key_router.get("/me")
async def whoami(key: ApiKeyDep) -> KeyView:
    """The calling key's public part."""
    return _view(key)


@key_router.post("", status_code=201)
async def create_key(body: NewKey, request: Request, _: Admin) -> CreatedKey:
    """Create a key (admin); its token is in this answer only."""
    expires_in = body.expires_in_days * 86400 if body.expires_in_days else None
    try:
        token, key = await request.app.state.keyring.create(body.name, body.scopes, expires_in, body.owner)
    except KeyRequestError as error:
        raise HTTPException(422, str(error)) from None
    record_resources(request, key.prefix)
    return CreatedKey(token=token, key=_view(key))


@key_router.get("")
async def list_keys(request: Request, _: Admin) -> list[KeyView]:
    """Every key's public part (admin)."""
    return [_view(key) for key in await request.app.state.keyring.list()]


@key_router.delete("/{prefix}")
async def revoke_key(prefix: str, request: Request, _: Admin) -> KeyView:
    """Revoke a key (admin); it stops working at once, in every replica."""
    try:
        key = await request.app.state.keyring.revoke(prefix)
    except KeyRequestError as error:
        raise HTTPException(404, str(error)) from None
    record_resources(request, prefix)
    return _view(key)
