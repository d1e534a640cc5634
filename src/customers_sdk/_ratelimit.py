"""A client-side token bucket, shared by every thread and task using one client."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

__all__ = ["TokenBucket"]


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
            now = self._clock()
            refilled = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._tokens, self._updated = refilled, now
            wait = 0.0 if refilled >= 1.0 else (1.0 - refilled) / self.rate
            if wait > 0 and wait >= max_wait:
                return None
            self._tokens = refilled - 1.0
            return wait
