"""Client-side rate limiters: the budget every thread and task of a client waits its turn in.

A :class:`Limiter` books send slots and says how long to wait for them; the caller sleeps (the
sync client with ``time.sleep``, the async one with ``anyio.sleep``). :class:`TokenBucket` keeps
the budget in this process; ``customers_sdk._fleet.FleetLimiter`` keeps it in Redis, shared by a
whole fleet of processes.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["Limiter", "TokenBucket"]


class Limiter(Protocol):
    """What the clients ask of a rate limiter (the async methods may do I/O off the loop)."""

    rate: float

    def reserve_within(self, max_wait: float) -> float | None:
        """Book a slot only if it comes in less than ``max_wait`` seconds; say how long to wait."""
        ...

    async def areserve_within(self, max_wait: float) -> float | None:
        """:meth:`reserve_within` for the async client."""
        ...

    def pause(self, seconds: float) -> None:
        """Hold every slot of the budget back for ``seconds`` (the server's ``Retry-After``)."""
        ...

    async def apause(self, seconds: float) -> None:
        """:meth:`pause` for the async client."""
        ...

    def with_clock(self, clock: Callable[[], float]) -> Limiter:
        """A fresh limiter with the same budget, timed by ``clock`` (tests use a fake one)."""
        ...


class TokenBucket:
    """Hands out send slots at ``rate`` per second, with at most ``burst`` at once.

    :meth:`reserve` books the next slot and says how long to wait for it; callers sleep that
    long themselves (``time.sleep`` or ``anyio.sleep``), so one bucket serves sync and async.
    Booking under a lock, with the token count allowed to go negative, keeps many threads in a
    fair queue instead of a thundering herd that all wake at once.

    Example:
        >>> now = [0.0]
        >>> bucket = TokenBucket(rate=2, clock=lambda: now[0])
        >>> [bucket.reserve() for _ in range(3)]
        [0.0, 0.5, 1.0]
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0")
        if burst < 1:
            raise ValueError("burst must be >= 1")
        self.rate = float(rate)
        self.burst = float(burst)
        self._clock = clock
        self._tokens = self.burst
        self._updated = clock()
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take one slot; return the seconds to wait before using it (0.0 when free now)."""
        wait = self.reserve_within(math.inf)
        assert wait is not None
        return wait

    def reserve_within(self, max_wait: float) -> float | None:
        """Take one slot only if it comes in less than ``max_wait`` seconds; else ``None``.

        A refused slot is not booked, so a call that gives up (its deadline is nearer than
        its slot) does not push back everyone queued after it.

        Example:
            >>> bucket = TokenBucket(rate=1, clock=lambda: 0.0)
            >>> bucket.reserve_within(0.5), bucket.reserve_within(0.5), bucket.reserve()
            (0.0, None, 1.0)
        """
        with self._lock:
            refilled = self._refill()
            wait = 0.0 if refilled >= 1.0 else (1.0 - refilled) / self.rate
            if wait > 0 and wait >= max_wait:
                return None
            self._tokens = refilled - 1.0
            return wait

    async def areserve_within(self, max_wait: float) -> float | None:
        """:meth:`reserve_within` for the async client: booking here does no I/O."""
        return self.reserve_within(max_wait)

    def pause(self, seconds: float) -> None:
        """Push the next free slot at least ``seconds`` away, and every later one behind it.

        A pause is a debt of ``seconds * rate`` tokens, so callers queue behind it in turn
        and then go at the usual rate, not all at once.

        Example:
            >>> bucket = TokenBucket(rate=2, clock=lambda: 0.0)
            >>> bucket.pause(1.0)
            >>> bucket.reserve(), bucket.reserve()
            (1.0, 1.5)
        """
        with self._lock:
            self._tokens = min(self._refill(), 1.0 - seconds * self.rate)

    async def apause(self, seconds: float) -> None:
        """:meth:`pause` for the async client."""
        self.pause(seconds)

    def _refill(self) -> float:
        # Called under the lock: the tokens earned since the last booking, up to the burst.
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        return self._tokens

    def with_clock(self, clock: Callable[[], float]) -> TokenBucket:
        """A fresh, full bucket with the same rate and burst, timed by ``clock``."""
        return TokenBucket(self.rate, burst=self.burst, clock=clock)
