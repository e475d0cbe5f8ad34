"""Key-value store: Redis when a URL is set, else an embedded store in the data folder.

The embedded store is diskcache (SQLite files), so separate processes on one machine (the CLI
creating an API key, the server checking it) see the same data and it survives restarts.
"""

from __future__ import annotations

import asyncio
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any

import diskcache
import redis.asyncio as redis_asyncio
from redis.exceptions import RedisError

from .settings import CoreSettings


class StoreUnavailable(Exception):
    """The store cannot be reached; the message says which and how to fix it."""


class Store(ABC):
    """The small interface every part of the platform uses for shared state."""

    kind: str

    @abstractmethod
    async def get(self, key: str) -> bytes | None:
        """The value at `key`, or None."""

    @abstractmethod
    async def set(self, key: str, value: bytes | str, ttl: float | None = None) -> None:
        """Store `value` at `key`, expiring after `ttl` seconds when given."""

    @abstractmethod
    async def delete(self, key: str) -> bool:
        """Remove `key`; True when it existed."""

    @abstractmethod
    async def incr(self, key: str, amount: int = 1) -> int:
        """Atomically add `amount` to the integer at `key` (0 when absent) and return the result."""

    @abstractmethod
    async def keys(self, prefix: str) -> list[str]:
        """Every key that starts with `prefix`, sorted."""

    @abstractmethod
    async def ping(self) -> None:
        """Return when the store answers; raise `StoreUnavailable` otherwise."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections and files."""

    async def get_json(self, key: str) -> Any:
        """The JSON document at `key`, or None."""
        raw = await self.get(key)
        return None if raw is None else json.loads(raw)

    async def set_json(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store `value` as JSON at `key`."""
        await self.set(key, _dumps(value), ttl)

    @abstractmethod
    async def update(self, key: str, change: Callable[[bytes | None], bytes | str], ttl: float | None = None) -> None:
        """Replace the value at `key` (None when absent) with `change(value)`, atomically.

        No concurrent write is lost: when another writer changed the key meanwhile, `change` runs
        again on the newer value, and what its last run returned is written. When `change` raises,
        nothing is written and the error propagates. `change` must not await.
        """

    async def update_json(self, key: str, change: Callable[[Any], Any], ttl: float | None = None) -> Any:
        """`update` for a JSON document (None when absent); returns the document written."""
        written: Any = None

        def change_document(raw: bytes | None) -> str:
            nonlocal written
            written = change(None if raw is None else json.loads(raw))
            return _dumps(written)

        await self.update(key, change_document, ttl)
        return written


class RedisStore(Store):
    """The store on Redis (redis-py's asyncio client)."""

    kind = "redis"

    def __init__(self, url: str) -> None:
        self._client = redis_asyncio.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        self._where = _redacted_url(url)

    @property
    def client(self) -> redis_asyncio.Redis:
        """The underlying redis-py client, for features beyond this interface (streams, queues)."""
        return self._client

    async def run(self, command: Any) -> Any:
        """Await a redis-py command, turning a connection failure into `StoreUnavailable`."""
        try:
            return await command
        except (RedisError, OSError) as error:
            raise StoreUnavailable(
                f"Redis at {self._where} is not answering ({type(error).__name__}); start it or "
                f"fix CODEXCONTINUE_REDIS_URL"
            ) from None

    async def get(self, key: str) -> bytes | None:
        return await self.run(self._client.get(key))

    async def set(self, key: str, value: bytes | str, ttl: float | None = None) -> None:
        await self.run(self._client.set(key, value, px=int(ttl * 1000) if ttl else None))

    async def delete(self, key: str) -> bool:
        return bool(await self.run(self._client.delete(key)))

    async def incr(self, key: str, amount: int = 1) -> int:
        return int(await self.run(self._client.incrby(key, amount)))

    async def keys(self, prefix: str) -> list[str]:
        async def scan() -> list[str]:
            pattern = _glob_escape(prefix) + "*"
            return sorted([k.decode() async for k in self._client.scan_iter(match=pattern, count=500)])

        return await self.run(scan())

    async def update(self, key: str, change: Callable[[bytes | None], bytes | str], ttl: float | None = None) -> None:
        async def attempt(pipe: Any) -> None:  # redis-py runs it again when the WATCHed key changed
            value = change(await pipe.get(key))
            pipe.multi()
            pipe.set(key, value, px=int(ttl * 1000) if ttl else None)

        await self.run(self._client.transaction(attempt, key))

    async def ping(self) -> None:
        await self.run(self._client.ping())

    async def close(self) -> None:
        await self._client.aclose()


class LocalStore(Store):
    """The embedded store: diskcache in a folder, safe across processes on one machine.

    Reads run inline (a SQLite read takes microseconds, less than a hop to a thread); writes,
    which may wait on another process's lock, run in a worker thread.
    """

    kind = "local"

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._cache = diskcache.Cache(str(folder))
        self.folder = folder

    async def get(self, key: str) -> bytes | None:
        value = self._cache.get(key)
        if isinstance(value, int):  # counters written by incr()
            return str(value).encode()
        return value

    async def set(self, key: str, value: bytes | str, ttl: float | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        await asyncio.to_thread(self._cache.set, key, data, expire=ttl)

    async def delete(self, key: str) -> bool:
        return await asyncio.to_thread(self._cache.delete, key)

    async def incr(self, key: str, amount: int = 1) -> int:
        return await asyncio.to_thread(self._cache.incr, key, amount, 0)

    async def keys(self, prefix: str) -> list[str]:
        def scan() -> list[str]:
            return sorted(k for k in self._cache.iterkeys() if isinstance(k, str) and k.startswith(prefix))

        return await asyncio.to_thread(scan)

    async def update(self, key: str, change: Callable[[bytes | None], bytes | str], ttl: float | None = None) -> None:
        def apply() -> None:
            with self._cache.transact():  # an SQLite write transaction: other writers wait for it
                value = change(self._cache.get(key))
                self._cache.set(key, value.encode() if isinstance(value, str) else value, expire=ttl)

        await asyncio.to_thread(apply)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._cache.close()


def open_store(settings: CoreSettings) -> Store:
    """The store the settings ask for: Redis when `redis_url` is set, the local store otherwise."""
    if settings.redis_url is not None:
        return RedisStore(settings.redis_url.get_secret_value())
    return LocalStore(settings.data_dir / "store")


def _dumps(document: Any) -> str:
    return json.dumps(document, separators=(",", ":"))


def _glob_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)


def _redacted_url(url: str) -> str:
    """The URL with any password replaced, safe to show in messages."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rpartition('@')[2]}"
