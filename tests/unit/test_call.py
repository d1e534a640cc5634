"""One logical call across its attempts, without I/O: requests built, responses judged."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import httpx
import pytest

from customers_sdk import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidParameterError,
    RateLimitError,
    UnprocessableEntityError,
)
from customers_sdk._call import Call
from customers_sdk._dialects import CursorDialect, StripeDialect
from customers_sdk._ratelimit import TokenBucket
from customers_sdk._request import RequestSpec
from customers_sdk._settings import Settings
from customers_sdk._types import RequestOptions

KEY = "sk_test_call_51HxYzSecretValue"
GET = RequestSpec("GET", "/v1/customers/cus_1", params=(("expand[]", "subscriptions"),))
POST = RequestSpec("POST", "/v1/customers", form=(("email", "a@b.co"), ("metadata[k]", "v")))
PATCH = RequestSpec("PATCH", "/v1/customers/c_1", json={"name": None})


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(clock: Clock) -> Settings:
    return Settings(
        dialect=StripeDialect(),
        api_key=KEY,
        base_url="https://api.test",
        timeout=httpx.Timeout(30.0, connect=5.0),
        max_retries=2,
        headers=Settings.base_headers(KEY, {"Stripe-Version": "2024-06-20"}),
        clock=clock,
    )


@pytest.fixture
def http() -> httpx.Client:
    return httpx.Client()


def response(code: int, **headers: str) -> httpx.Response:
    body = {"error": {"type": "api_error", "message": f"status {code}"}}
    return httpx.Response(code, json=body, headers=headers)


# The class each status must raise, written out rather than asked of the SDK.
KIND_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    500: InternalServerError,
    503: InternalServerError,
}


def raised_by(call: Call, reply: httpx.Response) -> Any:
    """What ``call.check(reply)`` raised: exactly the class of the reply's status."""
    kind = KIND_BY_STATUS[reply.status_code]
    with pytest.raises(kind) as caught:
        call.check(reply)
    assert type(caught.value) is kind
    return caught.value


# -- building requests -----------------------------------------------------------------------
def test_a_read_is_built_with_auth_and_params_and_no_key(
    settings: Settings, http: httpx.Client
) -> None:
    request = Call(settings, GET, RequestOptions()).build(http)

    assert str(request.url) == "https://api.test/v1/customers/cus_1?expand%5B%5D=subscriptions"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Stripe-Version"] == "2024-06-20"
    assert request.headers["User-Agent"].startswith("customers-sdk/")
    assert "Idempotency-Key" not in request.headers


def test_a_form_write_keeps_one_generated_key_for_every_attempt(
    settings: Settings, http: httpx.Client
) -> None:
    call = Call(settings, POST, RequestOptions())
    attempts = [call.build(http) for _ in range(3)]
    other = Call(settings, POST, RequestOptions()).build(http)

    keys = {request.headers["Idempotency-Key"] for request in attempts}
    assert len(keys) == 1
    assert keys.pop().startswith("customers-sdk-")
    assert other.headers["Idempotency-Key"] != attempts[0].headers["Idempotency-Key"]
    assert attempts[2].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert attempts[2].content == b"email=a%40b.co&metadata%5Bk%5D=v"
    assert call.attempt == 3


@pytest.mark.parametrize(("given", "sent"), [("mine-1", "mine-1"), (None, None)])
def test_the_callers_key_or_none(
    settings: Settings, http: httpx.Client, given: str | None, sent: str | None
) -> None:
    options = RequestOptions(idempotency_key=given)

    request = Call(settings, PATCH, options).build(http)

    assert request.headers.get("Idempotency-Key") == sent
    assert json.loads(request.content) == {"name": None}  # null clears, for PATCH


def test_per_call_timeout_and_the_deadline_shrink_the_timeouts(
    settings: Settings, http: httpx.Client, clock: Clock
) -> None:
    plain = Call(settings, GET, RequestOptions()).build(http)
    per_call = Call(settings, GET, RequestOptions(timeout=2.0)).build(http)
    call = Call(settings, GET, RequestOptions(deadline=10.0))
    clock.now += 7.5
    late = call.build(http)

    assert plain.extensions["timeout"] == {
        "connect": 5.0,
        "read": 30.0,
        "write": 30.0,
        "pool": 30.0,
    }
    assert set(per_call.extensions["timeout"].values()) == {2.0}
    assert late.extensions["timeout"] == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}


def test_no_timeout_becomes_the_time_left(settings: Settings, http: httpx.Client) -> None:
    request = Call(settings, GET, RequestOptions(timeout=None, deadline=4.0)).build(http)

    assert set(request.extensions["timeout"].values()) == {4.0}


def test_building_past_the_deadline_raises_a_timeout(
    settings: Settings, http: httpx.Client, clock: Clock
) -> None:
    call = Call(settings, GET, RequestOptions(deadline=1.0))
    call.build(http)
    call.failed(httpx.ReadTimeout("slow"))
    clock.now += 1.0

    with pytest.raises(APITimeoutError, match=r"deadline of 1\.000s exceeded after 1") as caught:
        call.build(http)
    with pytest.raises(APITimeoutError):
        call.slot_wait()

    assert caught.value.should_retry is False
    assert isinstance(caught.value.__cause__, APITimeoutError)


@pytest.mark.parametrize(
    ("options", "param"),
    [
        (RequestOptions(max_retries=-1), "max_retries"),
        (RequestOptions(max_retries=2.0), "max_retries"),  # type: ignore[arg-type]
        (RequestOptions(max_retries=False), "max_retries"),
        (RequestOptions(deadline=0), "deadline"),
        (RequestOptions(deadline=float("nan")), "deadline"),
        (RequestOptions(deadline=True), "deadline"),
    ],
)
def test_bad_options_are_invalid_parameters(
    settings: Settings, options: RequestOptions, param: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        Call(settings, GET, options)

    assert caught.value.param == param


# -- judging responses -------------------------------------------------------------------------
def test_a_success_passes(settings: Settings, http: httpx.Client) -> None:
    call = Call(settings, GET, RequestOptions())
    call.build(http)

    call.check(httpx.Response(204))

    assert call.attempt == 1


@pytest.mark.parametrize(
    ("spec", "key", "code", "headers", "retry"),
    [
        (GET, None, 503, {}, True),
        (GET, None, 400, {}, False),
        (GET, None, 400, {"X-Should-Retry": "true"}, True),
        (GET, None, 500, {"Stripe-Should-Retry": "false"}, False),
        (GET, None, 429, {"Retry-After": "60"}, True),
        (GET, None, 429, {"Retry-After": "61"}, False),
        (POST, "k", 503, {}, True),
        (POST, "k", 409, {}, True),
        (POST, None, 503, {}, False),
        (POST, None, 409, {}, False),
        (POST, None, 429, {}, True),
        (POST, None, 503, {"Stripe-Should-Retry": "true"}, True),
        (PATCH, None, 422, {}, False),
    ],
)
def test_whether_an_error_status_may_be_retried(
    settings: Settings,
    http: httpx.Client,
    spec: RequestSpec,
    key: str | None,
    code: int,
    headers: dict[str, str],
    retry: bool,
) -> None:
    call = Call(settings, spec, RequestOptions(idempotency_key=key))
    call.build(http)
    call.build(http)

    error = raised_by(call, response(code, **headers))

    assert (error.status_code, error.should_retry, error.retries) == (code, retry, 1)


def test_retry_after_is_kept_on_the_error(settings: Settings, http: httpx.Client) -> None:
    call = Call(settings, GET, RequestOptions())
    call.build(http)

    error = raised_by(call, response(429, **{"retry-after-ms": "1250", "Request-Id": "req_9"}))

    assert isinstance(error, RateLimitError)
    assert (error.retry_after, error.request_id) == (1.25, "req_9")


def test_a_key_echoed_by_the_server_is_masked(settings: Settings, http: httpx.Client) -> None:
    call = Call(settings, GET, RequestOptions())
    call.build(http)
    echo = {"error": {"type": "invalid_request_error", "message": f"Invalid API Key: {KEY}"}}

    error = raised_by(call, httpx.Response(401, json=echo))

    assert isinstance(error, AuthenticationError)
    assert error.message == "Invalid API Key: ***"
    for text in (str(error), repr(error), *map(str, error.args)):
        assert KEY not in text


@pytest.mark.parametrize(
    ("spec", "key", "failure", "kind", "retry"),
    [
        (GET, None, httpx.ReadError("reset"), APIConnectionError, True),
        (GET, None, httpx.ReadTimeout("slow"), APITimeoutError, True),
        (GET, None, httpx.RemoteProtocolError("cut"), APIConnectionError, True),
        (POST, "k", httpx.RemoteProtocolError("cut"), APIConnectionError, True),
        (POST, None, httpx.RemoteProtocolError("cut"), APIConnectionError, False),
        (POST, None, httpx.ReadTimeout("slow"), APITimeoutError, False),
        (POST, None, httpx.WriteError("half sent"), APIConnectionError, False),
        (POST, None, httpx.ConnectError("refused"), APIConnectionError, True),
        (POST, None, httpx.ConnectTimeout("slow"), APITimeoutError, True),
        (POST, None, httpx.PoolTimeout("busy"), APITimeoutError, True),
    ],
)
def test_transport_failures(
    settings: Settings,
    http: httpx.Client,
    spec: RequestSpec,
    key: str | None,
    failure: httpx.RequestError,
    kind: type[APIConnectionError],
    retry: bool,
) -> None:
    call = Call(settings, spec, RequestOptions(idempotency_key=key))
    call.build(http)

    error = call.failed(failure)

    assert type(error) is kind
    assert (error.should_retry, error.retries, error.request_id) == (retry, 0, None)
    assert type(failure).__name__ in str(error)


def test_info_reports_request_id_retries_and_elapsed(
    settings: Settings, http: httpx.Client, clock: Clock
) -> None:
    call = Call(settings, GET, RequestOptions())
    for _ in range(3):
        call.build(http)
    clock.now += 0.25

    info = call.info(httpx.Response(200, headers={"X-Request-Id": "req_x"}))

    assert (info.status_code, info.request_id, info.retries) == (200, "req_x", 2)
    assert info.elapsed_ms == pytest.approx(250.0)


def test_retrying_kwargs_drive_tenacity_with_a_retry_log(settings: Settings) -> None:
    kwargs = Call(settings, GET, RequestOptions()).retrying_kwargs(lambda _: None)

    assert kwargs["reraise"] is True
    assert callable(kwargs["before_sleep"])


# -- settings ------------------------------------------------------------------------------------
def test_settings_never_show_the_key(settings: Settings) -> None:
    assert KEY not in repr(settings)
    assert KEY not in str(settings)


def test_with_clock_retimes_the_limiter_keeping_its_rate(settings: Settings) -> None:
    limited = dataclasses.replace(settings, limiter=TokenBucket(4.0, burst=2.0))
    frozen = Clock()

    timed = limited.with_clock(frozen)

    assert timed.clock is frozen
    assert isinstance(timed.limiter, TokenBucket)
    assert (timed.limiter.rate, timed.limiter.burst) == (4.0, 2.0)
    assert [timed.limiter.reserve() for _ in range(3)] == [0.0, 0.0, 0.25]
    assert settings.with_clock(frozen).limiter is None


def test_a_cursor_delete_is_a_write(settings: Settings, http: httpx.Client) -> None:
    cursor = dataclasses.replace(settings, dialect=CursorDialect())
    spec = cursor.dialect.build_delete("c_1")

    request = Call(cursor, spec, RequestOptions()).build(http)

    assert request.method == "DELETE"
    assert request.headers["Idempotency-Key"]


@pytest.mark.parametrize(
    "params",
    [
        (("query", 'email:"a+b@c.co" AND name~"Zoë & co"'), ("limit", "10")),
        (("created[gte]", "1700000000"), ("expand[]", "subscriptions")),
        (("filter", "a=b;c/d?e#f"), ("empty", ""), ("space", " x ")),
        (("starting_after", "cus_QUA7xxaMWjchcv"),),
    ],
)
@pytest.mark.parametrize("client_params", [{}, {"client": "1"}])
def test_the_query_is_encoded_as_httpx_encodes_params(
    settings: Settings, params: tuple[tuple[str, str], ...], client_params: dict[str, str]
) -> None:
    # A user's client may carry params of its own: they are merged, as httpx merges them.
    http = httpx.Client(params=client_params)
    spec = RequestSpec("GET", "/v1/customers", params=params)
    request = Call(settings, spec, RequestOptions()).build(http)
    expected = http.build_request("GET", "https://api.test/v1/customers", params=params)
    assert request.url == expected.url
    assert list(request.url.params.multi_items()) == [*client_params.items(), *params]
