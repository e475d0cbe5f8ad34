"""API keys: created once and shown once, stored as a hash, checked in constant time.

A key reads `cc_<prefix>_<secret>`. The prefix is public (it names the key in listings and
logs); the secret never leaves the `create` call. Scopes: `<pack>:read`, `<pack>:write`
(which implies read) and `admin` (everything).

Every key belongs to an owner, a person or a team named when the key is made (`--owner alice`);
keys of one owner share what it creates. A key made without an owner, and every key stored before
owners existed, is its own owner: its prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import asdict, dataclass

from .store import Store

KEY_PATTERN = re.compile(r"^cc_([0-9a-f]{12})_([A-Za-z0-9_-]{32,})$")
RECORD_PREFIX = "apikey:"
SCOPE_PATTERN = re.compile(r"^(admin|[a-z][a-z0-9-]*:(read|write))$")
OWNER_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
PREFIX_PATTERN = re.compile(r"^[0-9a-f]{12}$")


class KeyRequestError(ValueError):
    """A key request that cannot be honoured (bad scope, unknown prefix)."""


@dataclass
class ApiKey:
    """A stored key, without its secret."""

    prefix: str
    name: str
    scopes: list[str]
    created_at: float
    revoked: bool = False
    expires_at: float | None = None
    owner: str = ""

    def __post_init__(self) -> None:
        if not self.owner:  # made without one, or stored before keys had owners
            self.owner = self.prefix

    @property
    def usable(self) -> bool:
        """Neither revoked nor expired."""
        return not self.revoked and (self.expires_at is None or time.time() < self.expires_at)

    def allows(self, scope: str) -> bool:
        """Whether this key grants `scope` ('admin' grants all; '<pack>:write' grants read)."""
        if not self.usable:
            return False
        if "admin" in self.scopes or scope in self.scopes:
            return True
        pack, _, action = scope.partition(":")
        return action == "read" and f"{pack}:write" in self.scopes


def checked_owner(owner: str) -> str:
    """`owner` when it is a usable owner name, else `KeyRequestError` saying what one may hold."""
    if not OWNER_PATTERN.match(owner):
        raise KeyRequestError(
            f"Owner {owner!r} must be 1 to 64 lowercase letters, digits, '.', '_', '@' or '-', starting "
            "with a letter or digit (e.g. 'alice' or 'team-litigation')."
        )
    return owner


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class KeyRing:
    """Create, list, revoke and verify API keys kept in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def create(
        self, name: str, scopes: list[str], expires_in: float | None = None, owner: str | None = None
    ) -> tuple[str, ApiKey]:
        """Make a key for `owner` (the key itself when None), expiring after `expires_in` seconds
        when given; returns the full token (shown once, never stored) and its record."""
        if not name.isprintable():
            raise KeyRequestError(
                f"Key name {name!r} holds a control character (a newline, a tab, ...); give a name on one line."
            )
        bad = [s for s in scopes if not SCOPE_PATTERN.match(s)]
        if bad or not scopes:
            raise KeyRequestError(
                f"Invalid scope(s) {bad or scopes}: use 'admin', '<pack>:read' or '<pack>:write'"
            )
        if owner is not None:
            await self._check_owner(owner)
        prefix = secrets.token_hex(6)
        token = f"cc_{prefix}_{secrets.token_urlsafe(32)}"
        if expires_in is not None and expires_in <= 0:
            raise KeyRequestError(f"A key must expire in the future; got expires_in={expires_in}")
        now = time.time()
        key = ApiKey(
            prefix=prefix,
            name=name,
            scopes=sorted(set(scopes)),
            created_at=now,
            expires_at=now + expires_in if expires_in else None,
            owner=owner or prefix,
        )
        await self.store.set_json(RECORD_PREFIX + prefix, {**asdict(key), "hash": _digest(token)})
        return token, key

    async def _check_owner(self, owner: str) -> None:
        """Refuse an owner name that is malformed, or that looks like a key prefix but names no key."""
        checked_owner(owner)
        if PREFIX_PATTERN.match(owner) and await self.store.get(RECORD_PREFIX + owner) is None:
            raise KeyRequestError(
                f"Owner {owner!r} looks like a key prefix but no key has it: name a person or a team, or give "
                "the prefix of an existing key to share that key's objects (see `codexcontinue keys list`)."
            )

    async def verify(self, token: str) -> ApiKey | None:
        """The key that `token` is, or None when it is malformed, unknown, wrong, revoked or expired."""
        match = KEY_PATTERN.match(token or "")
        if not match:
            return None
        record = await self.store.get_json(RECORD_PREFIX + match.group(1))
        if record is None:
            return None
        if not hmac.compare_digest(record.pop("hash"), _digest(token)):
            return None
        key = ApiKey(**record)
        return key if key.usable else None

    async def list(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        keys = []
        for record_key in await self.store.keys(RECORD_PREFIX):
            record = await self.store.get_json(record_key)
            if record:
                record.pop("hash", None)
                keys.append(ApiKey(**record))
        return sorted(keys, key=lambda k: k.created_at)

    async def revoke(self, prefix: str) -> ApiKey:
        """Revoke the key with this prefix; it stops working at once."""
        record = await self.store.get_json(RECORD_PREFIX + prefix)
        if record is None:
            raise KeyRequestError(f"No API key with prefix {prefix!r}; see `codexcontinue keys list`")
        record["revoked"] = True
        await self.store.set_json(RECORD_PREFIX + prefix, record)
        record.pop("hash")
        return ApiKey(**record)
