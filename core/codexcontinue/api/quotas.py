"""Rate limits and LLM token quotas per API key (and per pack), kept by the `limits` library.

Requests: `CODEXCONTINUE_RATE_LIMIT` (e.g. "600/minute") per key and pack; requests without a
valid key: `CODEXCONTINUE_ANONYMOUS_RATE_LIMIT` per client address. LLM tokens:
`CODEXCONTINUE_LLM_TOKENS_PER_DAY` per key, spent by every upstream LLM call made for that key.
Counters live in Redis when it is configured (shared by every replica), in memory otherwise.
When the counter store fails the limits fail open, with a warning: a broken Redis must not turn
into a refusal of every request.
"""

from __future__ import annotations

import logging
import math
import time
from contextvars import ContextVar

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError

from ..settings import CoreSettings

log = logging.getLogger("codexcontinue.quotas")

CALLER: ContextVar[str | None] = ContextVar("codexcontinue_caller", default=None)
"""The prefix of the API key the current request or job acts for (set by the auth dependency)."""


class QuotaExceeded(Exception):
    """A limit is used up; `retry_after` is the seconds until it frees up."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _storage(settings: CoreSettings) -> Storage:
    if settings.redis_url is None:
        return MemoryStorage()
    url = settings.redis_url.get_secret_value()
    return RedisStorage(
        f"async+{url}", implementation="redispy", wrap_exceptions=True, key_prefix="codexcontinue:limits"
    )


class Quotas:
    """The request rate limit and the daily LLM token quota of every key."""

    def __init__(self, settings: CoreSettings) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(_storage(settings))
        self.requests: RateLimitItem | None = parse(settings.rate_limit) if settings.rate_limit else None
        anonymous = settings.anonymous_rate_limit
        self.anonymous: RateLimitItem | None = parse(anonymous) if anonymous else None
        per_day = settings.llm_tokens_per_day
        self.tokens: RateLimitItem | None = parse(f"{per_day}/day") if per_day else None

    async def hit_request(self, key: str, pack: str) -> None:
        """Count one request of `key` to `pack`; raise `QuotaExceeded` when over the rate limit."""
        if self.requests is None:
            return
        if not await self._guarded(self._limiter.hit(self.requests, "requests", key, pack)):
            raise QuotaExceeded(
                f"Rate limit of {self.requests} for this key on '{pack}' reached; retry later "
                f"(CODEXCONTINUE_RATE_LIMIT sets it).",
                await self._retry_after(self.requests, "requests", key, pack),
            )

    async def hit_anonymous(self, address: str) -> None:
        """Count one request without a valid key from `address`; raise `QuotaExceeded` when over the limit."""
        if self.anonymous is None:
            return
        if not await self._guarded(self._limiter.hit(self.anonymous, "anonymous", address)):
            raise QuotaExceeded(
                f"Too many requests without a valid API key from this address (the limit is {self.anonymous}, "
                "CODEXCONTINUE_ANONYMOUS_RATE_LIMIT); retry later with a valid key.",
                await self._retry_after(self.anonymous, "anonymous", address),
            )

    async def check_tokens(self) -> None:
        """Raise `QuotaExceeded` when the calling key has no LLM tokens left today."""
        key = CALLER.get()
        if self.tokens is None or key is None:
            return
        if not await self._guarded(self._limiter.test(self.tokens, "tokens", key)):
            raise QuotaExceeded(
                f"This key used its {self.tokens.amount} LLM tokens for today "
                f"(CODEXCONTINUE_LLM_TOKENS_PER_DAY sets it).",
                await self._retry_after(self.tokens, "tokens", key),
            )

    async def spend_tokens(self, count: int) -> None:
        """Charge `count` LLM tokens to the calling key (at most what is left: a call that
        overspends still uses the quota up, so the next one is refused)."""
        key = CALLER.get()
        if self.tokens is None or key is None or count <= 0:
            return
        try:
            left = (await self._limiter.get_window_stats(self.tokens, "tokens", key)).remaining
        except StorageError:
            return
        if left > 0:
            await self._guarded(self._limiter.hit(self.tokens, "tokens", key, cost=min(count, left)))

    async def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        try:
            stats = await self._limiter.get_window_stats(item, *identifiers)
        except StorageError:
            return 1
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def _guarded(self, check: object) -> bool:
        try:
            return bool(await check)  # type: ignore[misc]
        except StorageError as error:
            log.warning("rate-limit store unavailable, not limiting: %s", type(error.storage_error).__name__)
            return True
