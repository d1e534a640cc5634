"""The fault-safe transport (issue #3), end to end through both clients against respx.

Every test runs once with :class:`CustomersClient` and once with :class:`AsyncCustomersClient`
(the ``drive`` fixture). Waits never happen: ``customers_sdk._retry.sleep`` / ``async_sleep`` are
patched to record what was asked for (and to move a fake clock, for deadlines and the limiter).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from typing import Any

import anyio
import httpx
import pytest
import respx

from conftest import API_KEY, COLLECTIONS, Drive, Driver, Waits, page_body, wire_customer
from customers_sdk import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncStripeCustomersClient,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    StripeCustomersClient,
    UnprocessableEntityError,
)

CUSTOMER_URL = COLLECTIONS["stripe"] + "/cus_0001"


def stripe(drive: Drive, **options: Any) -> Driver:
    """A Stripe client with the SDK's own defaults (two retries) unless ``options`` say else."""
    return drive.stripe(api_key=API_KEY, **options)


def on_clock(driver: Driver, waits: Waits) -> Driver:
    """Time the client's deadlines and limiter by the fake clock."""
    driver.client._settings = driver.client._settings.with_clock(waits.clock)
    return driver


def ok(request_id: str = "req_ok") -> httpx.Response:
    return httpx.Response(200, json=wire_customer("stripe", 1), headers={"Request-Id": request_id})


def status(code: int, **headers: str) -> httpx.Response:
    body = {"error": {"type": "api_error", "message": f"status {code}"}}
    return httpx.Response(code, json=body, headers=headers)


# -- what is retried ---------------------------------------------------------------------------
def test_429_then_200_is_retried_once(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(side_effect=[status(429), ok("req_2")])

    customer = stripe(drive).get("cus_0001")

    assert route.call_count == 2
    assert customer.response_info is not None
    assert (customer.response_info.retries, customer.response_info.request_id) == (1, "req_2")
    assert len(waits.seconds) == 1
    assert 0.25 <= waits.seconds[0] <= 0.5


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "2"}, 2.0),
        ({"Retry-After": "0.75"}, 0.75),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),
    ],
)
def test_retry_after_is_the_wait(
    drive: Drive,
    mock_api: respx.MockRouter,
    waits: Waits,
    headers: dict[str, str],
    expected: float,
) -> None:
    mock_api.get(CUSTOMER_URL).mock(side_effect=[status(503, **headers), ok()])

    stripe(drive).get("cus_0001")

    assert waits.seconds == [expected]


def test_retry_after_as_an_http_date(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    when = formatdate(time.time() + 30, usegmt=True)  # whole seconds: 29-30 s from now
    mock_api.get(CUSTOMER_URL).mock(side_effect=[status(429, **{"Retry-After": when}), ok()])

    stripe(drive).get("cus_0001")

    assert len(waits.seconds) == 1
    assert 28 < waits.seconds[0] <= 30


@pytest.mark.parametrize("header", [{"Retry-After": "120"}, {"retry-after-ms": "61000"}])
def test_retry_after_above_the_cap_raises_at_once(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, header: dict[str, str]
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(return_value=status(429, **header))

    with pytest.raises(RateLimitError) as caught:
        stripe(drive, max_retries=5).get("cus_0001")

    assert caught.value.retry_after == pytest.approx(
        float(next(iter(header.values()))) / (1000 if "retry-after-ms" in header else 1)
    )
    assert (route.call_count, caught.value.retries, waits.seconds) == (1, 0, [])


@pytest.mark.parametrize(
    "failures",
    [
        [httpx.RemoteProtocolError, httpx.ReadError],
        [httpx.ReadError, httpx.ConnectError],
        [httpx.RemoteProtocolError, httpx.RemoteProtocolError],
    ],
    ids=["reset-then-read-error", "read-error-then-refused", "truncated-twice"],
)
def test_connection_failures_are_retried(
    drive: Drive,
    mock_api: respx.MockRouter,
    waits: Waits,
    failures: list[type[httpx.TransportError]],
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(side_effect=[*failures, ok()])

    customer = stripe(drive).get("cus_0001")

    assert route.call_count == 3
    assert customer.response_info is not None
    assert customer.response_info.retries == 2
    assert len(waits.seconds) == 2


def test_timeouts_are_retried_then_raised_with_the_cause(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(
        side_effect=[httpx.ConnectTimeout, httpx.ReadTimeout, httpx.ReadTimeout]
    )

    with pytest.raises(APITimeoutError) as caught:
        stripe(drive).get("cus_0001")

    assert route.call_count == 3
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert (caught.value.retries, caught.value.request_id) == (2, None)


def test_connection_error_after_the_last_retry_chains_the_cause(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    mock_api.get(CUSTOMER_URL).mock(side_effect=httpx.ConnectError)

    with pytest.raises(APIConnectionError) as caught:
        stripe(drive, max_retries=1).get("cus_0001")

    assert type(caught.value) is APIConnectionError
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert caught.value.retries == 1


@pytest.mark.parametrize("header", ["Stripe-Should-Retry", "X-Should-Retry"])
def test_should_retry_false_stops_a_retryable_status(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, header: str
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(return_value=status(503, **{header: "false"}))

    with pytest.raises(InternalServerError):
        stripe(drive).get("cus_0001")

    assert (route.call_count, waits.seconds) == (1, [])


@pytest.mark.parametrize("header", ["Stripe-Should-Retry", "X-Should-Retry"])
def test_should_retry_true_forces_a_retry_of_a_400(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, header: str
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(side_effect=[status(400, **{header: "true"}), ok()])

    stripe(drive).get("cus_0001")

    assert route.call_count == 2


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (422, UnprocessableEntityError),
    ],
)
def test_client_errors_are_not_retried(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, code: int, error: type[APIError]
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(return_value=status(code, **{"Request-Id": "req_x"}))

    with pytest.raises(error) as caught:
        stripe(drive, max_retries=5).get("cus_0001")

    assert route.call_count == 1
    assert (caught.value.status_code, caught.value.retries, caught.value.request_id) == (
        code,
        0,
        "req_x",
    )


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (408, APIError),
        (409, ConflictError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
    ],
)
def test_transient_statuses_are_retried_twice_by_default(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, code: int, error: type[APIError]
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(
        side_effect=[status(code, **{"Request-Id": f"req_{n}"}) for n in range(3)]
    )

    with pytest.raises(error) as caught:
        stripe(drive).get("cus_0001")

    assert route.call_count == 3
    assert (caught.value.retries, caught.value.request_id) == (2, "req_2")
    assert len(waits.seconds) == 2


@pytest.mark.parametrize(
    ("client_retries", "call_retries", "attempts"),
    [(None, None, 3), (4, None, 5), (None, 1, 2), (4, 0, 1), (0, None, 1), (0, 3, 4)],
)
def test_max_retries_per_client_and_per_call(
    drive: Drive,
    mock_api: respx.MockRouter,
    waits: Waits,
    client_retries: int | None,
    call_retries: int | None,
    attempts: int,
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(return_value=status(502))
    client_options = {} if client_retries is None else {"max_retries": client_retries}
    call_options = {} if call_retries is None else {"max_retries": call_retries}

    with pytest.raises(InternalServerError) as caught:
        stripe(drive, **client_options).get("cus_0001", **call_options)

    assert (route.call_count, caught.value.retries) == (attempts, attempts - 1)


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_a_bad_per_call_max_retries_is_rejected_before_sending(
    drive: Drive, mock_api: respx.MockRouter, bad: Any
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(return_value=ok())

    with pytest.raises(InvalidParameterError) as caught:
        stripe(drive).get("cus_0001", max_retries=bad)

    assert (caught.value.param, route.call_count) == ("max_retries", 0)


def test_backoff_grows_with_jitter_within_bounds(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    mock_api.get(CUSTOMER_URL).mock(return_value=status(503))
    client = stripe(drive, max_retries=7)
    runs = []
    for _ in range(3):
        waits.seconds.clear()
        with pytest.raises(InternalServerError):
            client.get("cus_0001")
        runs.append(list(waits.seconds))

    for run in runs:
        assert len(run) == 7
        for retry, wait in enumerate(run, start=1):
            step = min(8.0, 0.5 * 2 ** (retry - 1))
            assert min(step / 2, 4.0) <= wait <= step  # equal jitter: half fixed, half random
        assert run[:5] == sorted(run[:5])  # below the cap every wait is at least the last
        assert all(0.25 <= wait <= 8.0 for wait in run)
    assert len({tuple(run) for run in runs}) == 3  # jitter: no two runs wait alike


# -- idempotency -------------------------------------------------------------------------------
WRITES = [
    ("stripe", "create"),
    ("stripe", "update"),
    ("stripe", "delete"),
    ("cursor", "create"),
    ("cursor", "update"),
    ("cursor", "delete"),
]


def write_route(mock_api: respx.MockRouter, dialect: str, operation: str) -> respx.Route:
    collection = COLLECTIONS[dialect]
    one = collection + ("/cus_0001" if dialect == "stripe" else "/c_0001")
    method, url = {
        ("stripe", "create"): ("POST", collection),
        ("stripe", "update"): ("POST", one),
        ("stripe", "delete"): ("DELETE", one),
        ("cursor", "create"): ("POST", collection),
        ("cursor", "update"): ("PATCH", one),
        ("cursor", "delete"): ("DELETE", one),
    }[dialect, operation]
    return mock_api.route(method=method, url=url)


def write(driver: Driver, operation: str, **options: Any) -> Any:
    if operation == "create":
        return driver.create(email="ada@example.com", **options)
    customer_id = "cus_0001" if driver.client.dialect == "stripe" else "c_0001"
    if operation == "update":
        return driver.update(customer_id, name="Ada", **options)
    return driver.delete(customer_id, **options)


def writer(drive: Drive, dialect: str, **options: Any) -> Driver:
    base_url = {"stripe": "https://api.stripe.com", "cursor": "https://cursor.test"}[dialect]
    return drive.dialect(dialect, api_key=API_KEY, base_url=base_url, **options)


def created(dialect: str) -> httpx.Response:
    return httpx.Response(200, json=wire_customer(dialect, 1))


def keys(route: respx.Route) -> list[str | None]:
    return [call.request.headers.get("Idempotency-Key") for call in route.calls]


@pytest.mark.parametrize(("dialect", "operation"), WRITES)
def test_a_write_keeps_one_idempotency_key_across_retries(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, dialect: str, operation: str
) -> None:
    route = write_route(mock_api, dialect, operation)
    route.side_effect = [status(503), httpx.ReadError, created(dialect), created(dialect)]
    client = writer(drive, dialect)

    write(client, operation)
    write(client, operation)

    first, second = keys(route)[:3], keys(route)[3:]
    assert len(set(first)) == 1
    assert first[0] is not None
    assert len(first[0]) >= 32
    assert len(second) == 1
    assert second[0] not in first


@pytest.mark.parametrize(("dialect", "operation"), WRITES)
def test_the_callers_idempotency_key_is_sent_on_every_attempt(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, dialect: str, operation: str
) -> None:
    route = write_route(mock_api, dialect, operation)
    route.side_effect = [httpx.RemoteProtocolError, created(dialect)]

    write(writer(drive, dialect), operation, idempotency_key="order-42-create")

    assert keys(route) == ["order-42-create", "order-42-create"]


@pytest.mark.parametrize(
    "failure",
    [httpx.RemoteProtocolError, httpx.ReadError, httpx.ReadTimeout, status(503), status(500)],
    ids=["reset", "read-error", "read-timeout", "503", "500"],
)
@pytest.mark.parametrize(("dialect", "operation"), [("stripe", "create"), ("cursor", "update")])
def test_a_write_without_a_key_is_not_repeated_once_it_may_have_landed(
    drive: Drive,
    mock_api: respx.MockRouter,
    waits: Waits,
    dialect: str,
    operation: str,
    failure: Any,
) -> None:
    route = write_route(mock_api, dialect, operation)
    route.side_effect = [failure, created(dialect)]

    with pytest.raises((APIConnectionError, InternalServerError)) as caught:
        write(writer(drive, dialect), operation, idempotency_key=None)

    error = caught.value
    assert isinstance(error, (APIConnectionError, InternalServerError))
    assert (route.call_count, keys(route), error.retries) == (1, [None], 0)


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError,
        httpx.ConnectTimeout,
        status(429),
        status(503, **{"X-Should-Retry": "true"}),
    ],
    ids=["refused", "connect-timeout", "429", "server-says-retry"],
)
def test_a_write_without_a_key_is_retried_when_it_surely_did_not_land(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, failure: Any
) -> None:
    route = write_route(mock_api, "cursor", "create")
    route.side_effect = [failure, created("cursor")]

    customer = write(writer(drive, "cursor"), "create", idempotency_key=None)

    assert (route.call_count, keys(route)) == (2, [None, None])
    assert customer.response_info.retries == 1


def test_reads_carry_no_idempotency_key(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(side_effect=[status(500), ok()])

    stripe(drive).get("cus_0001")

    assert keys(route) == [None, None]


# -- timeouts and the deadline ------------------------------------------------------------------
def timeout_of(call: Any) -> dict[str, float | None]:
    timeout: dict[str, float | None] = call.request.extensions["timeout"]
    return timeout


def test_default_per_client_and_per_call_timeouts_reach_the_request(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(return_value=ok())

    stripe(drive).get("cus_0001")
    stripe(drive, timeout=12.0).get("cus_0001")
    stripe(drive, timeout=12.0).get("cus_0001", timeout=3.5)
    stripe(drive).get("cus_0001", timeout=httpx.Timeout(7.0, connect=1.0))

    connect_read = [(t["connect"], t["read"]) for t in map(timeout_of, route.calls)]
    assert connect_read == [(5.0, 60.0), (12.0, 12.0), (3.5, 3.5), (1.0, 7.0)]


def test_the_deadline_bounds_attempts_and_waits(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    def slow_503(request: httpx.Request) -> httpx.Response:
        waits.now += 0.5  # each attempt takes half a second of the fake clock
        return status(503, **{"Retry-After": "2"})

    route = mock_api.get(CUSTOMER_URL).mock(side_effect=slow_503)
    client = on_clock(stripe(drive, max_retries=10), waits)
    started = waits.now

    with pytest.raises(InternalServerError) as caught:
        client.get("cus_0001", deadline=6.0)

    # t=0 try, 0.5 wait 2, 2.5 try, 3 wait 2, 5 try, 5.5: another 2 s wait would pass t=6.
    assert (route.call_count, caught.value.retries, waits.seconds) == (3, 2, [2.0, 2.0])
    assert waits.now - started <= 6.0
    reads = [timeout_of(call)["read"] for call in route.calls]
    assert reads == pytest.approx([6.0, 3.5, 1.0])  # each attempt gets only the time left


def test_a_deadline_no_attempt_fits_in_raises_a_timeout(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(
        side_effect=[ok(), status(503, **{"Retry-After": "0"}), ok()]
    )
    client = on_clock(stripe(drive, max_requests_per_second=1.0), waits)
    client.get("cus_0001")  # takes the limiter's one token; the next is 1 s away

    with pytest.raises(APITimeoutError, match="deadline") as fresh:
        client.get("cus_0001", deadline=0.5)
    waits.now += 1.0
    with pytest.raises(APITimeoutError, match="deadline") as after_a_failure:
        client.get("cus_0001", deadline=0.5)

    assert (fresh.value.retries, fresh.value.__cause__) == (0, None)
    assert isinstance(after_a_failure.value.__cause__, InternalServerError)
    assert route.call_count == 2
    assert waits.seconds == []


@pytest.mark.parametrize("bad", [0, -1.0, "5"])
def test_a_bad_deadline_is_rejected_before_sending(
    drive: Drive, mock_api: respx.MockRouter, bad: Any
) -> None:
    route = mock_api.get(CUSTOMER_URL).mock(return_value=ok())

    with pytest.raises(InvalidParameterError) as caught:
        stripe(drive).get("cus_0001", deadline=bad)

    assert (caught.value.param, route.call_count) == ("deadline", 0)


# -- the client-side rate limit ------------------------------------------------------------------
def test_the_limiter_spaces_sequential_calls(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    sent_at: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent_at.append(waits.now)
        return ok()

    mock_api.get(CUSTOMER_URL).mock(side_effect=answer)
    client = on_clock(stripe(drive, max_requests_per_second=4.0), waits)

    for _ in range(6):
        client.get("cus_0001")

    assert [t - sent_at[0] for t in sent_at] == pytest.approx([0, 0.25, 0.5, 0.75, 1.0, 1.25])


def test_the_limiter_also_paces_retries(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    mock_api.get(CUSTOMER_URL).mock(side_effect=[status(503, **{"Retry-After": "0"}), ok()])
    client = on_clock(stripe(drive, max_requests_per_second=2.0), waits)

    client.get("cus_0001")

    assert waits.seconds == [0.5]  # Retry-After 0, but the second slot is half a second away


def test_one_limiter_is_shared_by_all_threads_or_tasks(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    waits.advance = False  # everyone books at the same instant: each must get its own slot
    mock_api.get(CUSTOMER_URL).mock(return_value=ok())
    client = on_clock(stripe(drive, max_requests_per_second=10.0), waits).client
    callers = 12

    if isinstance(client, StripeCustomersClient):
        sync_client = client
        with ThreadPoolExecutor(callers) as pool:
            list(pool.map(lambda _: sync_client.get("cus_0001"), range(callers)))
    else:
        assert isinstance(client, AsyncStripeCustomersClient)
        async_client = client

        async def many() -> None:
            async with anyio.create_task_group() as group:
                for _ in range(callers):
                    group.start_soon(async_client.get, "cus_0001")

        drive.run(many)

    assert sorted(waits.seconds) == pytest.approx([n / 10 for n in range(1, callers)])


# -- what a caller learns -------------------------------------------------------------------------
def test_pages_report_request_id_and_retries(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    body = page_body("stripe", [wire_customer("stripe", 1)], has_more=False)
    mock_api.get(COLLECTIONS["stripe"]).mock(
        side_effect=[
            httpx.ReadError,
            status(502),
            httpx.Response(200, json=body, headers={"Request-Id": "req_page"}),
        ]
    )

    page = stripe(drive).first_page(limit=1)

    assert page.response_info is not None
    assert (page.response_info.request_id, page.response_info.retries) == ("req_page", 2)
    assert page.response_info.status_code == 200


def test_results_without_retries_say_zero(drive: Drive, mock_api: respx.MockRouter) -> None:
    mock_api.get(CUSTOMER_URL).mock(
        return_value=httpx.Response(
            200, json=wire_customer("stripe", 1), headers={"X-Request-Id": "req_x"}
        )
    )

    info = stripe(drive).get("cus_0001").response_info

    assert info is not None
    assert (info.retries, info.request_id) == (0, "req_x")
    assert info.elapsed_ms >= 0
