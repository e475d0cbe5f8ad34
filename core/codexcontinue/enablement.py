"""Pack enablement announced through Redis: how compose profiles choose the enabled packs.

Each compose profile adds a `pack-<name>` service running `codexcontinue packs announce <name>`,
which keeps a short-lived key alive in Redis while it runs. Services started with
`CODEXCONTINUE_PACKS=announced` read the announced set once at start, so the backend, the UI and
the worker agree on it; when the stack goes down the keys expire and nothing stale remains.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .settings import CoreSettings, SettingsError

if TYPE_CHECKING:
    import redis

ANNOUNCED = "announced"
KEY_PREFIX = "codexcontinue:announced-pack:"


def _client(settings: CoreSettings) -> redis.Redis:
    if settings.redis_url is None:
        raise SettingsError(
            "CODEXCONTINUE_PACKS=announced needs CODEXCONTINUE_REDIS_URL: packs are announced in Redis"
        )
    import redis  # here, not at the top: `packs list` must not pay redis-py's ~90 ms import

    return redis.Redis.from_url(settings.redis_url.get_secret_value(), socket_connect_timeout=5)


def announced_packs(settings: CoreSettings) -> list[str]:
    """The names of the packs announced in Redis right now, sorted."""
    client = _client(settings)
    try:
        return sorted(key.decode()[len(KEY_PREFIX) :] for key in client.scan_iter(f"{KEY_PREFIX}*"))
    finally:
        client.close()


def resolve_enabled(settings: CoreSettings) -> CoreSettings:
    """The settings with `packs=["announced"]` replaced by the announced set; others unchanged."""
    if settings.packs != [ANNOUNCED]:
        return settings
    return settings.model_copy(update={"packs": announced_packs(settings)})


def announce(settings: CoreSettings, names: list[str], ttl: float = 30.0, rounds: int | None = None) -> None:
    """Keep `names` announced, refreshing every `ttl / 3` seconds; `rounds` limits it (tests)."""
    client = _client(settings)
    done = 0
    try:
        while rounds is None or done < rounds:
            for name in names:
                client.set(KEY_PREFIX + name, "1", px=int(ttl * 1000))
            done += 1
            if rounds is None or done < rounds:
                time.sleep(ttl / 3)
    finally:
        client.close()
