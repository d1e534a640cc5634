"""The retry policy, written once for the sync and async clients and built on tenacity.

What is retried: connection failures, timeouts, protocol errors, and 408/409/429/500/502/503/504.
A ``Stripe-Should-Retry`` or ``X-Should-Retry`` header overrides that either way. ``Retry-After``
(seconds or an HTTP date) and ``retry-after-ms`` are honoured up to a cap; a longer wait is not
waited out but raised, so the caller decides. Otherwise waits are exponential with equal jitter:
retry *n* waits between ``initial_wait * 2**(n-1) / 2`` and ``initial_wait * 2**(n-1)``, capped at
``max_wait`` (defaults: 0.25-0.5 s, 0.5-1 s, 1-2 s, ... never more than 8 s).

Whether an error may be retried at all (a write without an idempotency key may not) is decided
per attempt by :class:`customers_sdk._call.Call`, which sets ``should_retry`` on the error.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import tenacity

from ._errors import CustomersError, InvalidParameterError

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
        # Imported here: anyio comes with httpx, but only async callers need it loaded.
        import anyio

        await anyio.sleep(seconds)


def parse_retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, from ``retry-after-ms`` or ``Retry-After``.

    ``Retry-After`` may be seconds or an HTTP date (compared with ``now``, epoch seconds,
    default the wall clock). A value in the past is 0; an unreadable one is ignored (``None``).

    Example:
        >>> parse_retry_after(httpx.Headers({"Retry-After": "2"}))
        2.0
        >>> parse_retry_after(httpx.Headers({"retry-after-ms": "250", "Retry-After": "9"}))
        0.25
    """
    millis = _seconds(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _seconds(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" in an HTTP date means UTC, not local time
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    # "inf" would never end and "nan" compares false with everything: treat both as unreadable.
    return max(0.0, seconds) if math.isfinite(seconds) else None


def should_retry_header(headers: httpx.Headers) -> bool | None:
    """The server's own verdict, if it gave one (``Stripe-Should-Retry`` or ``X-Should-Retry``).

    Example:
        >>> should_retry_header(httpx.Headers({"Stripe-Should-Retry": "false"}))
        False
        >>> should_retry_header(httpx.Headers()) is None
        True
    """
    value: str | None = headers.get("stripe-should-retry") or headers.get("x-should-retry")
    if value is None:
        return None
    return value.strip().lower() == "true"


def is_retryable(exc: BaseException) -> bool:
    """Only our own errors, and only those the call marked as safe to repeat, are retried."""
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
    """How long to wait between retries, and the longest ``Retry-After`` to honour.

    Retry *n* waits between half and all of ``initial_wait * 2**(n-1)`` seconds, capped at
    ``max_wait``; a ``Retry-After`` longer than ``max_retry_after`` is raised, not waited out.
    How *many* retries is ``max_retries=`` (per client or per call). Pass a policy to a factory
    as ``retry_policy=``.

    Example:
        >>> from customers_sdk import CustomersClient, RetryPolicy
        >>> patient = RetryPolicy(initial_wait=1.0, max_wait=30.0, max_retry_after=120.0)
        >>> client = CustomersClient.stripe(api_key="sk_test_x", retry_policy=patient)
    """

    initial_wait: float = 0.5
    """Seconds: the first retry waits between half of this and all of it; each retry doubles it."""
    max_wait: float = 8.0
    """Seconds: no backoff wait is longer than this."""
    max_retry_after: float = 60.0
    """Seconds: a server's ``Retry-After`` up to this is waited out; a longer one is raised."""

    def __post_init__(self) -> None:
        for name in ("initial_wait", "max_wait", "max_retry_after"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise InvalidParameterError(f"{name} must be seconds >= 0", param=name)

    def tenacity_kwargs(
        self,
        *,
        max_retries: int,
        deadline_at: float | None,
        clock: Callable[[], float],
        sleep: Callable[[float], Any],
    ) -> dict[str, Any]:
        """Arguments for ``tenacity.Retrying``: one policy, driven by ``Call.attempts()`` for both
        clients."""
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
        """False when the server asks for a longer wait than we honour (then: raise at once)."""
        return retry_after is None or retry_after <= self.max_retry_after


class _StopBeforeDeadline(tenacity.stop.stop_base):
    """Stop when the next wait would end past the call's deadline: no attempt is doomed."""

    def __init__(self, deadline_at: float, clock: Callable[[], float]) -> None:
        self.deadline_at = deadline_at
        self.clock = clock

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        # tenacity >= 8.4 computes the wait before asking us, so the wait counts too.
        upcoming = getattr(retry_state, "upcoming_sleep", None) or 0.0
        return self.clock() + upcoming >= self.deadline_at
