"""A sliding-window request limit, so tests can prove a client's own limiter avoids 429s."""

from __future__ import annotations

import collections
from collections.abc import Callable


class SlidingWindowLimiter:
    """Admit at most `per_second` requests in any one-second window.

    A fractional rate keeps the same average with a whole-number budget: 2.5/s admits 2
    requests per 0.8 s. Only admitted requests count toward the window.

    >>> now = [0.0]
    >>> limiter = SlidingWindowLimiter(2, clock=lambda: now[0])
    >>> limiter.admit(), limiter.admit(), limiter.admit()
    (None, None, 1.0)
    >>> now[0] = 1.0
    >>> limiter.admit() is None
    True
    """

    def __init__(self, per_second: float, *, clock: Callable[[], float]) -> None:
        if per_second <= 0:
            raise ValueError(f"rate_limit_per_second must be > 0, got {per_second}")
        self.per_second = per_second
        self._budget = max(1, int(per_second))
        self._window = self._budget / per_second
        self._clock = clock
        self._admitted: collections.deque[float] = collections.deque()

    def admit(self) -> float | None:
        """None when the request may proceed, else the seconds until one would be admitted."""
        now = self._clock()
        while self._admitted and self._admitted[0] <= now - self._window:
            self._admitted.popleft()
        if len(self._admitted) >= self._budget:
            return self._admitted[0] + self._window - now
        self._admitted.append(now)
        return None
