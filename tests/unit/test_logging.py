"""Logging: one line per attempt, ``CUSTOMERS_SDK_LOG`` to switch it on, and never a secret."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from conftest import API_KEY, COLLECTIONS, Drive, Driver, wire_customer
from customers_sdk import APIConnectionError, AuthenticationError, CustomersError, _logging, _retry

CUSTOMER_URL = COLLECTIONS["stripe"] + "/cus_0001"
SECRETS = (API_KEY, f"Bearer {API_KEY}")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A fake clock that waits move, so elapsed times are exact and nothing sleeps."""
    fake = Clock()

    def sleep(seconds: float) -> None:
        fake.now += seconds

    async def async_sleep(seconds: float) -> None:
        fake.now += seconds

    monkeypatch.setattr(_retry, "sleep", sleep)
    monkeypatch.setattr(_retry, "async_sleep", async_sleep)
    return fake


def client(drive: Drive, clock: Clock, **options: Any) -> Driver:
    driver = drive.stripe(api_key=API_KEY, **options)
    driver.client._settings = driver.client._settings.with_clock(clock)
    return driver


def taking(clock: Clock, seconds: float, reply: httpx.Response | type[Exception]) -> Any:
    """A respx side effect: the server takes ``seconds`` of the fake clock, then answers."""

    def answer(request: httpx.Request) -> httpx.Response:
        clock.now += seconds
        if isinstance(reply, httpx.Response):
            return reply
        raise reply("connection reset by peer")

    return answer


def sdk_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "customers_sdk"]


def test_every_attempt_logs_method_path_status_attempt_elapsed_and_request_id(
    drive: Drive, mock_api: respx.MockRouter, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="customers_sdk")
    busy = httpx.Response(503, json={}, headers={"Request-Id": "req_a", "Retry-After": "1"})
    fine = httpx.Response(200, json=wire_customer("stripe", 1), headers={"Request-Id": "req_b"})
    mock_api.get(CUSTOMER_URL).mock(
        side_effect=[
            taking(clock, 0.25, httpx.ReadError),
            taking(clock, 0.125, busy),
            taking(clock, 0.5, fine),
        ]
    )

    client(drive, clock).get("cus_0001")

    attempts = [line for line in sdk_lines(caplog) if "attempt=" in line and "->" in line]
    assert attempts == [
        "GET /v1/customers/cus_0001 -> ReadError attempt=1 elapsed_ms=250.0 request_id=None",
        "GET /v1/customers/cus_0001 -> 503 attempt=2 elapsed_ms=125.0 request_id=req_a",
        "GET /v1/customers/cus_0001 -> 200 attempt=3 elapsed_ms=500.0 request_id=req_b",
    ]
    retries = [line for line in sdk_lines(caplog) if "retrying" in line]
    assert len(retries) == 2
    assert retries[1] == (
        "GET /v1/customers/cus_0001 retrying in 1.00s after attempt=2 (InternalServerError)"
    )
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name == "customers_sdk")


def test_debug_adds_params_and_the_idempotency_key(
    drive: Drive, mock_api: respx.MockRouter, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="customers_sdk")
    mock_api.post(COLLECTIONS["stripe"]).mock(
        return_value=httpx.Response(200, json=wire_customer("stripe", 1))
    )
    mock_api.get(COLLECTIONS["stripe"]).mock(
        return_value=httpx.Response(200, json={"object": "list", "data": [], "has_more": False})
    )
    driver = client(drive, clock)

    driver.create(email="ada@example.com", idempotency_key="order-7")
    driver.first_page(limit=3, email="ada@example.com")

    lines = sdk_lines(caplog)
    assert "idempotency_key: order-7" in lines
    assert "params: limit=3&email=ada%40example.com" in lines


def test_info_logging_is_quiet_below_info(
    drive: Drive, mock_api: respx.MockRouter, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="customers_sdk")
    mock_api.get(CUSTOMER_URL).mock(
        side_effect=[httpx.Response(500), httpx.Response(200, json=wire_customer("stripe", 1))]
    )

    customer = client(drive, clock).get("cus_0001")

    assert customer.response_info is not None
    assert customer.response_info.retries == 1
    assert sdk_lines(caplog) == []


def test_no_secret_in_any_log_line_error_or_repr(
    drive: Drive, mock_api: respx.MockRouter, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx's and httpcore's
    echo = {"error": {"type": "invalid_request_error", "message": f"Invalid API Key: {API_KEY}"}}
    mock_api.get(CUSTOMER_URL).mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json=wire_customer("stripe", 1)),
            httpx.Response(401, json=echo, headers={"Request-Id": "req_401"}),
            httpx.RemoteProtocolError,
            httpx.ConnectError,
            httpx.ReadTimeout,
        ]
    )
    mock_api.post(COLLECTIONS["stripe"]).mock(
        side_effect=[httpx.ReadError, httpx.Response(200, json=wire_customer("stripe", 2))]
    )
    mock_api.get(COLLECTIONS["stripe"]).mock(
        return_value=httpx.Response(200, json={"object": "list", "data": [], "has_more": False})
    )
    driver = client(drive, clock)
    texts: list[str] = [repr(driver.client), repr(driver.client._settings)]

    texts.append(repr(driver.get("cus_0001")))
    texts.append(repr(driver.create(email="ada@example.com")))
    texts.append(repr(driver.first_page(limit=2).page))
    with pytest.raises(AuthenticationError) as rejected:
        driver.get("cus_0001")
    with pytest.raises(APIConnectionError) as failed:
        driver.get("cus_0001")
    for caught in (rejected, failed):
        error: CustomersError = caught.value
        texts += [str(error), repr(error), *map(str, error.args), str(error.__cause__)]

    assert "Invalid API Key: ***" in str(rejected.value)
    assert failed.value.retries == 2
    logged = [caplog.text, *(r.getMessage() for r in caplog.records)]
    assert any("GET /v1/customers/cus_0001 -> 401" in line for line in logged)
    for text in texts + logged:
        for secret in SECRETS:
            assert secret not in text


# -- CUSTOMERS_SDK_LOG ---------------------------------------------------------------------------
@pytest.fixture
def fresh_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[logging.Logger]:
    """The ``customers_sdk`` logger as a new process sees it; restored afterwards."""
    logger = logging.getLogger("customers_sdk")
    saved = (logger.level, list(logger.handlers), logger.propagate)
    monkeypatch.setattr(_logging, "_configured", False)
    monkeypatch.delenv("CUSTOMERS_SDK_LOG", raising=False)
    logger.setLevel(logging.NOTSET)
    try:
        yield logger
    finally:
        logger.handlers, logger.propagate = saved[1], saved[2]
        logger.setLevel(saved[0])  # setLevel, not assignment: it also clears the level cache


@pytest.mark.parametrize(
    ("value", "level"),
    [("debug", logging.DEBUG), ("INFO", logging.INFO), (" info ", logging.INFO)],
)
def test_the_environment_switches_logging_on(
    fresh_logging: logging.Logger, monkeypatch: pytest.MonkeyPatch, value: str, level: int
) -> None:
    monkeypatch.setenv("CUSTOMERS_SDK_LOG", value)

    _logging.setup_from_env()

    assert fresh_logging.level == level


@pytest.mark.parametrize("value", [None, "", "verbose", "warning"])
def test_without_a_known_value_logging_stays_off(
    fresh_logging: logging.Logger, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is not None:
        monkeypatch.setenv("CUSTOMERS_SDK_LOG", value)

    _logging.setup_from_env()

    assert fresh_logging.level == logging.NOTSET
    assert fresh_logging.handlers == []


def test_the_environment_is_read_once(
    fresh_logging: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUSTOMERS_SDK_LOG", "info")
    _logging.setup_from_env()
    monkeypatch.setenv("CUSTOMERS_SDK_LOG", "debug")

    _logging.setup_from_env()

    assert fresh_logging.level == logging.INFO


def test_a_host_with_its_own_handlers_gets_no_second_one(
    fresh_logging: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUSTOMERS_SDK_LOG", "debug")
    assert fresh_logging.hasHandlers()  # pytest's own capture handler sits on the root logger

    _logging.setup_from_env()

    assert fresh_logging.handlers == []


def test_a_bare_process_gets_a_stderr_handler_that_shows_no_secret(
    fresh_logging: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    drive: Drive,
    mock_api: respx.MockRouter,
    clock: Clock,
) -> None:
    fresh_logging.propagate = False  # nothing above us handles records: as in a bare script
    monkeypatch.setenv("CUSTOMERS_SDK_LOG", "debug")
    mock_api.get(CUSTOMER_URL).mock(
        return_value=httpx.Response(
            200, json=wire_customer("stripe", 1), headers={"Request-Id": "req_env"}
        )
    )

    client(drive, clock).get("cus_0001")  # building a client reads the environment

    err = capsys.readouterr().err
    assert len(fresh_logging.handlers) == 1
    assert "customers_sdk INFO] GET /v1/customers/cus_0001 -> 200 attempt=1" in err
    assert "request_id=req_env" in err
    for secret in SECRETS:
        assert secret not in err
