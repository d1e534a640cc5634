"""When one call may make its next attempt: its deadline and the client's rate-limit budget.

:class:`Pacing` is the part of a :class:`~customers_sdk._call.Call` that keeps time, with no
I/O: the seconds to wait for a rate-limit slot (``slot_wait``, ``aslot_wait``), the pause of
the whole budget a 429 with ``Retry-After`` asks for (``pause_budget``, ``apause_budget``; the
whole fleet's, for a fleet limiter), each attempt's timeouts cut to the time the deadline
leaves, and the ``APITimeoutError`` raised when no time is left to start an attempt.
"""

from __future__ import annotations

import math

import httpx

from . import _retry
from ._errors import APITimeoutError, CustomersError, InvalidParameterError
from ._inputs import MAX_SECONDS, check_seconds
from ._settings import Settings

__all__ = ["Pacing"]


class Pacing:
    """The deadline and rate-limit waits of one call; :class:`~customers_sdk._call.Call` is one.

    Example:
        >>> pacing = Pacing(settings, deadline=5.0)  # doctest: +SKIP
        >>> _retry.sleep(pacing.slot_wait())  # doctest: +SKIP
    """

    def __init__(self, settings: Settings, deadline: float | None) -> None:
        self.settings = settings
        self.started = settings.clock()
        seconds = None if deadline is None else check_seconds(deadline, zero=False)
        if deadline is not None and seconds is None:
            raise InvalidParameterError(
                f"deadline must be a number of seconds > 0 and at most {MAX_SECONDS:g}",
                param="deadline",
            )
        self.deadline_at = None if seconds is None else self.started + seconds
        self.attempt = 0
        self._last_error: CustomersError | None = None

    def slot_wait(self) -> float:
        """Seconds to wait for the client-side rate limiter before this attempt."""
        left = self.time_left()
        limiter = self.settings.limiter
        return 0.0 if limiter is None else self._slot(limiter.reserve_within(left))

    async def aslot_wait(self) -> float:
        """:meth:`slot_wait` for the async client (a fleet limiter books off the loop)."""
        left = self.time_left()
        limiter = self.settings.limiter
        return 0.0 if limiter is None else self._slot(await limiter.areserve_within(left))

    def time_left(self) -> float:
        """Seconds the deadline leaves (``inf`` without one); its :class:`APITimeoutError` once
        none is left. Asked before each attempt, and for each chunk of a body as it arrives."""
        left = math.inf if self.deadline_at is None else self.deadline_at - self.settings.clock()
        if left <= 0:
            raise self._deadline_error()
        return left

    def _slot(self, wait: float | None) -> float:
        if wait is None:  # the slot comes too late; not booked, so nobody queues behind it
            raise self._deadline_error()
        return wait

    def pause_budget(self, response: httpx.Response) -> None:
        """On a 429 with ``Retry-After``, hold back the whole rate-limit budget (every process
        sharing it, for a fleet limiter) that long, up to the retry policy's cap. The shells
        call it before ``Call.check``: the budget waits from the moment the server said so."""
        if self.settings.limiter is not None and (pause := self._pause_for(response)):
            self.settings.limiter.pause(pause)

    async def apause_budget(self, response: httpx.Response) -> None:
        """:meth:`pause_budget` for the async client."""
        if self.settings.limiter is not None and (pause := self._pause_for(response)):
            await self.settings.limiter.apause(pause)

    def _pause_for(self, response: httpx.Response) -> float:
        retry_after = (
            _retry.parse_retry_after(response.headers) if response.status_code == 429 else None
        )
        return min(retry_after or 0.0, self.settings.policy.max_retry_after)

    def _within_deadline(self, timeout: httpx.Timeout, now: float) -> httpx.Timeout:
        """``timeout`` cut to the time the deadline leaves at ``now``; raises if none is left."""
        if self.deadline_at is None:
            return timeout
        remaining = self.deadline_at - now
        if remaining <= 0:
            raise self._deadline_error()
        return _shrink(timeout, remaining)

    def _deadline_error(self) -> APITimeoutError:
        error = APITimeoutError(
            f"deadline of {self.deadline_at - self.started:.3f}s exceeded"  # type: ignore[operator]
            f" after {self.attempt} attempt(s)",
            retries=max(0, self.attempt - 1),
        )
        error.should_retry = False
        # The failure that used up the time is the interesting part; keep it reachable.
        error.__cause__ = self._last_error
        return error


def _shrink(timeout: httpx.Timeout, remaining: float) -> httpx.Timeout:
    def cap(value: float | None) -> float:
        return remaining if value is None else min(value, remaining)

    return httpx.Timeout(
        connect=cap(timeout.connect),
        read=cap(timeout.read),
        write=cap(timeout.write),
        pool=cap(timeout.pool),
    )
