"""One rate-limit budget for a fleet of processes, kept in Redis (the ``redis`` extra).

Every booking is one atomic Lua script: GCRA (the generic cell rate algorithm, a token bucket
stored as one "theoretical arrival time") books the next slot and returns the wait, timed by
Redis's own clock so hosts whose clocks disagree still share one schedule. A 429's
``Retry-After`` is stored beside it as a "not before" that every booking respects.

When Redis fails (down, unreachable, refusing), the limiter books on a local
:class:`~customers_sdk._ratelimit.TokenBucket` at the same rate, logs one warning, and tries
Redis again after a short backoff, never on every request. A failing store is never an error
for the caller.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ._errors import InvalidParameterError
from ._logging import logger
from ._ratelimit import Limiter, TokenBucket

__all__ = [
    "RATE_LIMIT_URL_ENV",
    "REDIS_MISSING",
    "FleetLimiter",
    "choose_limiter",
    "default_key",
    "shared_limiter",
]

RATE_LIMIT_URL_ENV = "CUSTOMERS_RATE_LIMIT_URL"

REDIS_MISSING = (
    'rate_limit_url needs redis-py, an optional extra: pip install "customers-sdk[redis]"'
)
# Short enough that a dead Redis costs a call a fraction of a second, once per backoff.
SOCKET_TIMEOUT = 0.25
RETRY_REDIS_AFTER = 1.0
_PREFIX = "customers-sdk:rate:"

# KEYS[1]: the budget's hash {tat, nb}, in Redis-clock microseconds.
# ARGV: interval (us between slots), max_wait (us; < 0: no limit), pause (us; > 0: pause only).
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HMGET', KEYS[1], 'tat', 'nb')
local tat = tonumber(state[1]) or now
local nb = tonumber(state[2]) or 0
local interval = tonumber(ARGV[1])
local pause = tonumber(ARGV[3])
if pause > 0 then
  nb = math.max(nb, now + pause)
  redis.call('HSET', KEYS[1], 'nb', string.format('%.0f', nb))
  redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(tat, nb) - now) / 1000) + 1000)
  return 0
end
local slot = math.max(tat, now, nb)
local wait = slot - now
local max_wait = tonumber(ARGV[2])
if wait > 0 and max_wait >= 0 and wait >= max_wait then
  return -1
end
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', slot + interval))
redis.call('PEXPIRE', KEYS[1], math.ceil((slot + interval - now) / 1000) + 1000)
return math.floor(wait)
"""


def choose_limiter(
    rate: float | None,
    *,
    url: str | None,
    key: str | None,
    base_url: str,
    api_key: str,
) -> Limiter | None:
    """A client's rate limiter: none, a budget in this process, or a fleet's budget in Redis.

    ``CUSTOMERS_RATE_LIMIT_URL`` stands in for ``url`` only when a rate is set: a fleet-wide
    setting does not pace clients built without one.

    Example:
        >>> limiter = choose_limiter(10, url=None, key=None, base_url="https://x.test", api_key="k")
        >>> type(limiter).__name__, limiter.rate
        ('TokenBucket', 10.0)
    """
    if rate is None:
        if url is not None or key is not None:
            raise InvalidParameterError(
                "rate_limit_url and rate_limit_key need max_requests_per_second, the budget's rate",
                param="max_requests_per_second",
            )
        return None
    if key is not None and (not isinstance(key, str) or not key):
        raise InvalidParameterError(
            "rate_limit_key must be a non-empty string", param="rate_limit_key"
        )
    if url is None:
        url = os.environ.get(RATE_LIMIT_URL_ENV) or None
    if url is None:
        if key is not None:
            raise InvalidParameterError(
                f"rate_limit_key needs rate_limit_url (or {RATE_LIMIT_URL_ENV})",
                param="rate_limit_key",
            )
        return TokenBucket(rate)
    if not isinstance(url, str):
        raise InvalidParameterError("rate_limit_url must be a string", param="rate_limit_url")
    return shared_limiter(url, key or default_key(base_url, api_key), float(rate))


def default_key(base_url: str, api_key: str) -> str:
    """The budget a client joins unless given ``rate_limit_key``: one per server and API key.

    The key is fingerprinted (a SHA-256 prefix), never stored in Redis as it is.

    Example:
        >>> default_key("https://api.stripe.com", "sk_test_x")
        'https://api.stripe.com:6a6bd0975b4b4eec'
    """
    fingerprint = hashlib.sha256(api_key.encode()).hexdigest()[:16]
    return f"{base_url}:{fingerprint}"


class FleetLimiter:
    """Send slots at ``rate`` per second for every process booking under ``key`` in Redis.

    Example:
        >>> limiter = FleetLimiter("redis://127.0.0.1:6379/0", "acct_1", rate=20)  # doctest: +SKIP
        >>> limiter.reserve_within(5.0)  # doctest: +SKIP
        0.0
    """

    def __init__(
        self,
        url: str,
        key: str,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        redis = _import_redis()
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        try:
            self._redis = redis.Redis.from_url(
                url,
                socket_timeout=SOCKET_TIMEOUT,
                socket_connect_timeout=SOCKET_TIMEOUT,
                # redis-py's own retries would stall a call for seconds on a dead Redis; the
                # local budget is the fallback instead.
                retry=Retry(NoBackoff(), 0),
            )
        except ValueError as exc:
            raise InvalidParameterError(
                f"rate_limit_url must be a redis://, rediss:// or unix:// URL: {exc}",
                param="rate_limit_url",
            ) from None
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self._script = self._redis.register_script(_SCRIPT)
        self._url = url
        self.key = _PREFIX + key
        self.rate = float(rate)
        self._interval_us = 1e6 / self.rate
        self._clock = clock
        self._local = TokenBucket(rate, clock=clock)
        self._lock = threading.Lock()
        self._down_until: float | None = None  # on the local budget until then
        # Where Redis is, for the log: never the URL itself, which may hold a password.
        parts = urlsplit(url)
        self._where = f"{parts.hostname or parts.path}:{parts.port or ''}".rstrip(":")

    def reserve_within(self, max_wait: float) -> float | None:
        """Book a slot in Redis if it comes in less than ``max_wait`` seconds (the local
        budget's while Redis is failing); ``None`` when it comes too late (not booked)."""
        if not self._redis_due():
            return self._local.reserve_within(max_wait)
        limit = -1 if math.isinf(max_wait) else max(max_wait, 0.0) * 1e6
        waited = self._run(self._interval_us, limit, 0)
        if waited is None:
            return self._local.reserve_within(max_wait)
        return None if waited < 0 else waited / 1e6

    async def areserve_within(self, max_wait: float) -> float | None:
        """:meth:`reserve_within` off the event loop: a worker thread runs the round trip, so
        this works under asyncio and trio alike and a slow Redis never blocks the loop."""
        if not self._redis_due():
            return self._local.reserve_within(max_wait)
        import anyio  # comes with httpx; only async callers need it loaded

        return await anyio.to_thread.run_sync(self.reserve_within, max_wait)

    def pause(self, seconds: float) -> None:
        """Hold back every slot of the fleet for ``seconds`` (this process's local budget too,
        so it keeps the pause if Redis fails meanwhile)."""
        self._local.pause(seconds)
        if self._redis_due():
            self._run(self._interval_us, -1, max(seconds, 0.0) * 1e6)

    async def apause(self, seconds: float) -> None:
        """:meth:`pause` off the event loop."""
        import anyio

        await anyio.to_thread.run_sync(self.pause, seconds)

    def with_clock(self, clock: Callable[[], float]) -> FleetLimiter:
        """The same budget in Redis; the local fallback timed by ``clock``."""
        return FleetLimiter(self._url, self.key.removeprefix(_PREFIX), self.rate, clock=clock)

    def close(self) -> None:
        """Close the connections to Redis."""
        self._redis.close()

    def _redis_due(self) -> bool:
        down_until = self._down_until
        return down_until is None or self._clock() >= down_until

    def _run(self, *args: float) -> int | None:
        try:
            result: Any = self._script(keys=[self.key], args=list(args))
        except self._errors as exc:
            self._failed(exc)
            return None
        if self._down_until is not None:
            with self._lock:
                if self._down_until is not None:
                    self._down_until = None
                    logger.info("rate limit: Redis at %s answers again", self._where)
        return int(result)

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            first = self._down_until is None
            self._down_until = self._clock() + RETRY_REDIS_AFTER
        if first:
            logger.warning(
                "rate limit: Redis at %s failed (%s: %s); using a local budget of %g/s "
                "until it answers again",
                self._where,
                type(exc).__name__,
                exc,
                self.rate,
            )


_shared: dict[tuple[str, str, float], FleetLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(url: str, key: str, rate: float) -> FleetLimiter:
    """One limiter per URL, key and rate in a process: the clients of one budget share its
    connections, and its local fallback budget too while Redis is down."""
    with _shared_lock:
        limiter = _shared.get((url, key, rate))
        if limiter is None:
            limiter = _shared[url, key, rate] = FleetLimiter(url, key, rate)
        return limiter


def _import_redis() -> Any:
    try:
        import redis
    except ImportError as exc:
        raise ImportError(REDIS_MISSING) from exc
    return redis
