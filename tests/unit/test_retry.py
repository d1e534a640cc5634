"""The retry policy on its own: Retry-After parsing, Should-Retry headers, waits, stops."""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import Any

import anyio
import httpx
import pytest
import tenacity

from customers_sdk import (
    APIConnectionError,
    CustomersError,
    InternalServerError,
    RetryPolicy,
    _retry,
)
from customers_sdk._retry import parse_retry_after, should_retry_header

NOW = 1_700_000_000.0


def headers(**values: str) -> httpx.Headers:
    return httpx.Headers({name.replace("_", "-"): value for name, value in values.items()})


@pytest.mark.parametrize(
    ("given", "seconds"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": " 1.5 "}, 1.5),
        ({"Retry-After": "-4"}, 0.0),
        ({"retry-after-ms": "20"}, 0.02),
        ({"retry-after-ms": "2500", "Retry-After": "1"}, 2.5),
        ({"retry-after-ms": "soon", "Retry-After": "7"}, 7.0),
        ({"Retry-After": formatdate(NOW + 42, usegmt=True)}, 42.0),
        ({"Retry-After": formatdate(NOW - 42, usegmt=True)}, 0.0),
        ({"Retry-After": formatdate(NOW + 5, usegmt=True).replace("GMT", "-0000")}, 5.0),
        ({"Retry-After": formatdate(NOW + 60, localtime=True)}, 60.0),
    ],
    ids=[
        "seconds",
        "fraction",
        "negative",
        "ms",
        "ms-wins",
        "bad-ms-falls-back",
        "http-date",
        "date-in-the-past",
        "date-without-zone",
        "date-with-offset",
    ],
)
def test_parse_retry_after(given: dict[str, str], seconds: float) -> None:
    assert parse_retry_after(httpx.Headers(given), now=NOW) == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["soon", "", "inf", "nan", "Mon, 99 Foo 20xx"])
def test_an_unreadable_retry_after_is_ignored(value: str) -> None:
    assert parse_retry_after(headers(retry_after=value), now=NOW) is None
    assert parse_retry_after(headers(retry_after_ms=value), now=NOW) is None


def test_no_retry_after_is_none() -> None:
    assert parse_retry_after(httpx.Headers()) is None


def test_an_http_date_is_measured_from_the_wall_clock_by_default() -> None:
    wait = parse_retry_after(headers(retry_after=formatdate(time.time() + 100, usegmt=True)))

    assert wait is not None
    assert 98 < wait <= 100


@pytest.mark.parametrize(
    ("given", "verdict"),
    [
        ({"Stripe-Should-Retry": "true"}, True),
        ({"Stripe-Should-Retry": "false"}, False),
        ({"X-Should-Retry": "True"}, True),
        ({"X-Should-Retry": " false "}, False),
        ({"X-Should-Retry": "maybe"}, False),
        ({}, None),
    ],
)
def test_should_retry_header(given: dict[str, str], verdict: bool | None) -> None:
    assert should_retry_header(httpx.Headers(given)) is verdict


def test_accepts_retry_after_up_to_the_cap() -> None:
    policy = RetryPolicy(max_retry_after=60.0)

    assert policy.accepts_retry_after(None)
    assert policy.accepts_retry_after(60.0)
    assert not policy.accepts_retry_after(60.001)


def retryable(retry_after: float | None = None) -> InternalServerError:
    error = InternalServerError("down", status_code=503, retry_after=retry_after)
    error.should_retry = True
    return error


def run_policy(
    errors: list[Exception],
    *,
    policy: RetryPolicy | None = None,
    max_retries: int = 2,
    deadline_at: float | None = None,
    clock: list[float] | None = None,
) -> tuple[int, list[float], BaseException | None]:
    """Drive tenacity with the policy; return (attempts, waits, what was raised)."""
    now = clock if clock is not None else [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    kwargs = (policy or RetryPolicy()).tenacity_kwargs(
        max_retries=max_retries, deadline_at=deadline_at, clock=lambda: now[0], sleep=sleep
    )
    attempts = 0
    try:
        for attempt in tenacity.Retrying(**kwargs):
            with attempt:
                attempts += 1
                if errors:
                    raise errors.pop(0)
    except Exception as exc:
        return attempts, waits, exc
    return attempts, waits, None


def test_retries_until_success() -> None:
    attempts, waits, raised = run_policy([retryable(), retryable()])

    assert (attempts, raised, len(waits)) == (3, None, 2)


def test_gives_up_after_max_retries_with_the_last_error_itself() -> None:
    last = retryable()

    attempts, _, raised = run_policy([retryable(), retryable(), last, retryable()])

    assert (attempts, raised) == (3, last)


def test_errors_not_marked_retryable_are_raised_at_once() -> None:
    final = InternalServerError("no", status_code=503)
    final.should_retry = False
    plain = ValueError("a bug, not a transient failure")

    assert run_policy([final])[0::2] == (1, final)
    assert run_policy([plain])[0::2] == (1, plain)


def test_transport_errors_marked_retryable_are_retried() -> None:
    error = APIConnectionError("reset")
    error.should_retry = True

    assert run_policy([error])[0] == 2


def test_retry_after_replaces_the_backoff() -> None:
    _, waits, _ = run_policy([retryable(3.0), retryable(0.0)])

    assert waits == [3.0, 0.0]


def test_backoff_doubles_with_equal_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(initial_wait=1.0, max_wait=4.0)

    _, waits, _ = run_policy([retryable() for _ in range(6)], policy=policy, max_retries=6)

    steps = [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]
    assert len(waits) == 6
    for wait, step in zip(waits, steps, strict=False):
        assert step / 2 <= wait <= step


def test_the_deadline_stops_before_a_wait_that_would_pass_it() -> None:
    attempts, waits, raised = run_policy(
        [retryable(2.0) for _ in range(10)], max_retries=10, deadline_at=5.0
    )

    # t=0 try, wait 2, t=2 try, wait 2, t=4 try: a third wait would end at 6 > 5.
    assert (attempts, waits) == (3, [2.0, 2.0])
    assert isinstance(raised, InternalServerError)


def test_the_deadline_stops_when_the_wait_ends_exactly_on_it() -> None:
    attempts, waits, _ = run_policy(
        [retryable(1.0) for _ in range(5)], max_retries=5, deadline_at=2.0
    )

    assert (attempts, waits) == (2, [1.0])


def test_sleep_waits_only_for_positive_durations(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)

    _retry.sleep(0.0)
    _retry.sleep(-1.0)
    _retry.sleep(0.01)

    assert slept == [0.01]


@pytest.mark.anyio
async def test_async_sleep_waits_only_for_positive_durations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(anyio, "sleep", record)

    await _retry.async_sleep(0.0)
    await _retry.async_sleep(0.02)

    assert slept == [0.02]


def test_is_retryable_only_for_our_own_marked_errors() -> None:
    marked: Any = CustomersError("x")
    marked.should_retry = True

    assert _retry.is_retryable(marked)
    assert not _retry.is_retryable(CustomersError("x"))
    assert not _retry.is_retryable(RuntimeError("x"))
