"""Request dependencies shared by core and pack routes: the store, the LLM runtime, the caller's key
and owner, the caller's owned store, scopes."""

from __future__ import annotations

from typing import Annotated, Any, Callable

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..keys import ApiKey, KeyRing
from .request_info import pack_of
from .quotas import CALLER
from ..ml.runtime import LLMRuntime
from ..owned_store import OwnedStore
from ..specs import PackSettings
from ..store import Store

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SCOPE_EXTENSION = "x-codexcontinue-scope"
READ_SCOPE = {SCOPE_EXTENSION: "read"}
"""Pass as `openapi_extra=READ_SCOPE` to a pack route that reads only (e.g. a POST that analyses
the body and stores nothing) so that '<pack>:read' is enough to call it."""

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer cc_<prefix>_<secret>")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key, as a header")


def get_store(request: Request) -> Store:
    """The process's store."""
    return request.app.state.store


def get_llm(request: Request) -> LLMRuntime:
    """The process's LLM runtime: `await llm.generate(model, prompt, pack=..., schema=...)`."""
    return request.app.state.llm_runtime


MISSING_KEY = (
    "Missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'. "
    "Create one with `codexcontinue keys create`."
)
INVALID_KEY = "Invalid, expired or revoked API key."


async def current_key(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    header: Annotated[str | None, Security(_header)],
) -> ApiKey:
    """The caller's API key; 401 when it is missing, unknown or revoked (429 when the caller's
    address sent too many such requests), 429 over the key's rate limit."""
    key = await authenticate(request, bearer.credentials if bearer else header)
    CALLER.set(key.prefix)
    await request.app.state.quotas.hit_request(key.prefix, pack_of(request.url.path) or "core")
    return key


async def authenticate(request: Request, token: str | None) -> ApiKey:
    """The key `token` is. Otherwise the failure counts against the caller's address
    (`CODEXCONTINUE_ANONYMOUS_RATE_LIMIT`: `QuotaExceeded` past it) and the answer is a 401."""
    keyring: KeyRing = request.app.state.keyring
    key = await keyring.verify(token) if token else None
    if key is None:
        await request.app.state.quotas.hit_anonymous(request.client.host if request.client else "unknown")
        raise HTTPException(401, INVALID_KEY if token else MISSING_KEY, headers={"WWW-Authenticate": "Bearer"})
    request.state.api_key = key
    return key


def sent_token(request: Request) -> str | None:
    """The key a request carries (`Authorization: Bearer` or `X-API-Key`), read outside a route."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("x-api-key")


StoreDep = Annotated[Store, Depends(get_store)]
ApiKeyDep = Annotated[ApiKey, Depends(current_key)]
LLMDep = Annotated[LLMRuntime, Depends(get_llm)]


def current_owner(key: ApiKeyDep) -> str:
    """The owner (person or team) the caller's key belongs to; every key of that owner shares its objects."""
    return key.owner


OwnerDep = Annotated[str, Depends(current_owner)]


def owned_store(request: Request, store: StoreDep, owner: OwnerDep) -> OwnedStore:
    """The calling owner's items of the pack whose route is called (`pack:<pack>:owner:<owner>:`)."""
    pack = getattr(request.state, "pack", None)
    if pack is None:
        raise RuntimeError("OwnedStoreDep serves the routes of a pack (under /api/v1/<pack>/) only.")
    return OwnedStore(store, pack, owner)


OwnedStoreDep = Annotated[OwnedStore, Depends(owned_store)]


def require_scope(scope: str) -> Callable[..., Any]:
    """A dependency that lets a request through only when its key grants `scope`."""

    async def check(key: ApiKeyDep) -> ApiKey:
        if not key.allows(scope):
            raise HTTPException(403, f"This API key lacks the '{scope}' scope.")
        return key

    return check


def required_action(request: Request) -> str:
    """'read' for GET/HEAD/OPTIONS and routes marked with `READ_SCOPE`, 'write' for the rest."""
    extra = getattr(request.scope.get("route"), "openapi_extra", None) or {}
    return "read" if request.method in READ_METHODS or extra.get(SCOPE_EXTENSION) == "read" else "write"


def pack_scope(pack: str) -> Callable[..., Any]:
    """A dependency for a pack's routes: '<pack>:read' for reads (see `required_action`), else write."""

    async def check(request: Request, key: ApiKeyDep) -> ApiKey:
        if pack not in request.app.state.registry.packs:
            status = request.app.state.registry.statuses.get(pack)
            raise HTTPException(
                503,
                f"Pack '{pack}' is quarantined: {status.error if status else 'it failed'}. "
                "Restart the process after fixing it; `codexcontinue packs doctor` says how.",
            )
        scope = f"{pack}:{required_action(request)}"
        if not key.allows(scope):
            raise HTTPException(403, f"This API key lacks the '{scope}' scope.")
        request.state.pack = pack  # which pack's namespace `owned_store` opens
        return key

    return check


def pack_settings(pack: str) -> Callable[[Request], PackSettings]:
    """A dependency returning the settings object of `pack` (None when it has none)."""

    def get(request: Request) -> PackSettings:
        return request.app.state.registry.packs[pack].settings

    return get
