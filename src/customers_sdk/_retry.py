"""The retry policy, written once for the sync and async clients and built on tenacity.

What is retried: connection failures, timeouts, protocol errors, and 408/409/429/5xx. A
``Stripe-Should-Retry`` or ``X-Should-Retry`` header overrides that either way. ``Retry-After``
(seconds or an HTTP date) and ``retry-after-ms`` are honoured up to a cap; a longer wait is not
waited out but raised, so the caller decides. Waits are exponential with equal jitter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import anyio
import httpx
import tenacity

from ._errors import CustomersError

__all__ = [
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "async_sleep",
    "parse_retry_after",
    "should_retry_header",
    "sleep",
]

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


def sleep(seconds: float) -> None:
    """Every wait of the sync client goes through here, so tests can patch it to zero."""
    if seconds > 0:
        time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    """Every wait of the async client goes through here (anyio: asyncio and trio alike)."""
    if seconds > 0:
        await anyio.sleep(seconds)


def parse_retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, from ``retry-after-ms`` or ``Retry-After``."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def should_retry_header(headers: httpx.Headers) -> bool | None:
    """The server's own verdict, if it gave one."""
    value: str | None = headers.get("stripe-should-retry") or headers.get("x-should-retry")
    if value is None:
        return None
    return value.strip().lower() == "true"


def is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, CustomersError) and bool(getattr(exc, "should_retry", False))


class _WaitRetryAfterOrBackoff(tenacity.wait.wait_base):
    """The server's ``Retry-After`` when it sent one, else exponential backoff with jitter."""

    def __init__(self, backoff: tenacity.wait.wait_base) -> None:
        self.backoff = backoff

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        retry_after = getattr(exc, "retry_after", None)
        if isinstance(retry_after, (int, float)):
            return float(retry_after)
        return float(self.backoff(retry_state))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many retries, how long to wait between them, and the longest ``Retry-After`` to honour.

    Example:
        >>> RetryPolicy(max_retries=3).max_retries
        3
    """

    max_retries: int = 2
    initial_wait: float = 0.5
    max_wait: float = 8.0
    max_retry_after: float = 60.0

    def tenacity_kwargs(
        self,
        *,
        max_retries: int,
        deadline_at: float | None,
        clock: Callable[[], float],
        sleep: Callable[[float], Any],
    ) -> dict[str, Any]:
        """Arguments for ``tenacity.Retrying`` / ``AsyncRetrying``: one policy, two drivers."""
        # Equal jitter: half the exponential step is fixed, half random, so retries neither
        # stampede together nor collapse to zero wait.
        half = self.initial_wait / 2
        backoff = tenacity.wait_exponential(multiplier=half, max=self.max_wait / 2) + (
            tenacity.wait_random_exponential(multiplier=half, max=self.max_wait / 2)
        )
        stop: tenacity.stop.stop_base = tenacity.stop_after_attempt(max_retries + 1)
        if deadline_at is not None:
            stop = stop | _StopBeforeDeadline(deadline_at, clock)
        return {
            "stop": stop,
            "wait": _WaitRetryAfterOrBackoff(backoff),
            "retry": tenacity.retry_if_exception(is_retryable),
            "reraise": True,
            "sleep": sleep,
        }

    def accepts_retry_after(self, retry_after: float | None) -> bool:
        return retry_after is None or retry_after <= self.max_retry_after


class _StopBeforeDeadline(tenacity.stop.stop_base):
    """Stop when the next wait would end past the call's deadline: no attempt is doomed."""

    def __init__(self, deadline_at: float, clock: Callable[[], float]) -> None:
        self.deadline_at = deadline_at
        self.clock = clock

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return self.clock() + (retry_state.upcoming_sleep or 0.0) >= self.deadline_at
