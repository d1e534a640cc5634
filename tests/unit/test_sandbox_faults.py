"""Fault injection, latency, the rate-limit knob and the request log (sync transport)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest

from conftest import Drive, sandbox_client
from customers_sdk import APITimeoutError
from customers_sdk.sandbox import DEFAULT_API_KEY, Fault, FaultConfig, Sandbox, SandboxTransport


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(customers=20)


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with sandbox_client(sandbox) as client:
        yield client


def test_fault_config_normalises_and_validates() -> None:
    config = FaultConfig(rate=1, kinds=["reset", Fault.TRUNCATED], methods=["post"])
    assert config.kinds == (Fault.RESET, Fault.TRUNCATED)
    assert config.methods == frozenset({"POST"})
    assert FaultConfig().kinds == tuple(Fault)
    assert FaultConfig() == FaultConfig()
    with pytest.raises(ValueError, match="rate"):
        FaultConfig(rate=1.5)
    with pytest.raises(ValueError, match="kinds"):
        FaultConfig(kinds=())
    with pytest.raises(ValueError, match="retry_after"):
        FaultConfig(retry_after=-1)
    with pytest.raises(ValueError, match="explode"):
        FaultConfig(kinds=["explode"])


@pytest.mark.parametrize(
    ("path", "error_type"),
    [
        ("/v1/customers", "api_error"),
        ("/rest/v1/customers", "api_error"),
        ("/api/public/customers", "api_error"),
    ],
)
def test_server_error_is_503_in_the_dialect_shape(
    http: httpx.Client, sandbox: Sandbox, path: str, error_type: str
) -> None:
    sandbox.inject("server_error")
    response = http.get(path)
    assert response.status_code == 503
    assert response.json()["error"]["type"] == error_type
    assert http.get(path).status_code == 200  # only the next request


def test_server_error_on_a_write_executes_nothing(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject(Fault.SERVER_ERROR, method="POST")
    count = sandbox.customer_count
    assert http.post("/rest/v1/customers", json={"name": "x"}).status_code == 503
    assert sandbox.customer_count == count


def test_rate_limit_fault_is_429_with_retry_after(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject("rate_limit")
    response = http.get("/v1/customers")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.json()["error"]["code"] == "rate_limit"
    sandbox.faults = FaultConfig(rate=1.0, kinds=["rate_limit"], retry_after=0.25)
    response = http.get("/rest/v1/customers")
    assert response.headers["retry-after"] == "0.25"
    assert response.json()["error"]["code"] == "rate_limited"


def test_reset_raises_and_executes_nothing(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject("reset")
    count = sandbox.customer_count
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        http.post("/v1/customers", data={"name": "lost"})
    assert sandbox.customer_count == count


def test_truncated_sends_half_the_body_then_fails(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject("truncated")
    with http.stream("GET", "/v1/customers") as response:
        assert response.status_code == 200
        expected = int(response.headers["content-length"])
        chunks = response.iter_raw()
        received = next(chunks)
        with pytest.raises(httpx.RemoteProtocolError, match="without sending complete message"):
            next(chunks)
    assert len(received) == expected // 2
    sandbox.inject("truncated")
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/v1/customers")


def test_truncated_write_is_committed(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject("truncated", method="POST")
    count = sandbox.customer_count
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/rest/v1/customers", json={"name": "half"})
    assert sandbox.customer_count == count + 1


def test_commit_then_drop_commits_and_the_keyed_retry_replays(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    sandbox.inject("commit_then_drop", method="POST")
    count = sandbox.customer_count
    headers = {"Idempotency-Key": "retry-me"}
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/v1/customers", data={"email": "once@example.com"}, headers=headers)
    assert sandbox.customer_count == count + 1
    retry = http.post("/v1/customers", data={"email": "once@example.com"}, headers=headers)
    assert retry.status_code == 200
    assert retry.headers["idempotent-replayed"] == "true"
    assert sandbox.customer_count == count + 1
    listed = http.get("/v1/customers", params={"email": "once@example.com"}).json()["data"]
    assert [c["id"] for c in listed] == [retry.json()["id"]]


def test_commit_then_drop_on_a_read_is_a_reset(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject("commit_then_drop")
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/v1/customers")
    assert sandbox.request_log[-1].fault is Fault.COMMIT_THEN_DROP


def test_injected_faults_match_method_and_path_and_count_down(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    sandbox.inject("server_error", times=2, method="get", path_contains="/api/")
    assert http.get("/v1/customers").status_code == 200
    assert http.post("/api/public/customers").status_code == 405
    assert http.get("/api/public/customers").status_code == 503
    assert http.get("/api/public/customers").status_code == 503
    assert http.get("/api/public/customers").status_code == 200
    with pytest.raises(ValueError, match="times"):
        sandbox.inject("reset", times=0)


def test_injected_faults_go_first_and_can_be_cleared(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(rate=1.0, kinds=["rate_limit"])
    sandbox.inject("server_error")
    assert http.get("/v1/customers").status_code == 503
    assert http.get("/v1/customers").status_code == 429
    sandbox.faults = None
    sandbox.inject("server_error")
    sandbox.clear_injected()
    assert http.get("/v1/customers").status_code == 200


def fault_sequence(sandbox: Sandbox, http: httpx.Client, requests: int) -> list[Fault | None]:
    sandbox.reset_log()
    for _ in range(requests):
        with contextlib.suppress(httpx.RemoteProtocolError):
            http.get("/rest/v1/customers", params={"limit": 1})
    return [entry.fault for entry in sandbox.request_log]


def test_random_faults_are_deterministic_per_seed(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(rate=0.5, seed=42)
    first = fault_sequence(sandbox, http, 40)
    sandbox.faults = FaultConfig(rate=0.5, seed=42)
    assert fault_sequence(sandbox, http, 40) == first
    assert None in first
    assert len({fault for fault in first if fault}) >= 3
    sandbox.faults = FaultConfig(rate=0.5, seed=43)
    assert fault_sequence(sandbox, http, 40) != first


def test_fault_rate_extremes_and_method_scope(http: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.faults = FaultConfig(rate=0.0)
    assert fault_sequence(sandbox, http, 10) == [None] * 10
    sandbox.faults = FaultConfig(rate=1.0, kinds=["server_error"])
    assert fault_sequence(sandbox, http, 5) == [Fault.SERVER_ERROR] * 5
    sandbox.faults = FaultConfig(rate=1.0, kinds=["server_error"], methods={"POST"})
    assert fault_sequence(sandbox, http, 5) == [None] * 5


def test_faults_apply_before_authentication(sandbox: Sandbox) -> None:
    sandbox.inject("server_error")
    with httpx.Client(transport=SandboxTransport(sandbox), base_url="http://sandbox") as client:
        assert client.get("/v1/customers").status_code == 503


def test_request_log_leaves_out_the_authorization_header(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    http.get("/rest/v1/customers", params={"limit": 2}, headers={"X-Trace": "t1"})
    method, path, query, headers, fault = sandbox.request_log[-1]
    assert (method, path, query, fault) == ("GET", "/rest/v1/customers", "limit=2", None)
    assert headers["x-trace"] == "t1"
    assert all(name.lower() != "authorization" for name in headers)
    sandbox.reset_log()
    assert sandbox.request_log == []


def test_latency_waits_in_the_sync_transport(sandbox: Sandbox) -> None:
    waits: list[float] = []
    with sandbox_client(sandbox, sleep=waits.append) as client:
        client.get("/v1/customers")
        sandbox.latency = 0.2
        client.get("/v1/customers")
        client.get("/v1/customers")
    assert waits == [0.2, 0.2]
    with pytest.raises(ValueError, match="latency"):
        sandbox.latency = -1


def test_a_latency_over_the_read_timeout_times_out_after_the_timeout(sandbox: Sandbox) -> None:
    waits: list[float] = []
    sandbox.latency = 0.2
    with sandbox_client(sandbox, sleep=waits.append) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.post("/rest/v1/customers", json={"name": "late"}, timeout=0.02)
        assert client.get("/v1/customers", timeout=httpx.Timeout(1, read=0.2)).status_code == 200
        assert client.get("/v1/customers", timeout=None).status_code == 200
    assert waits == [0.02, 0.2, 0.2]
    assert sandbox.customer_count == 21  # the server went on with the write all the same


def test_the_sdk_sees_a_sandbox_timeout_as_an_api_timeout(drive: Drive) -> None:
    waits: list[float] = []

    async def async_wait(seconds: float) -> None:
        waits.append(seconds)

    sandbox = Sandbox(customers=3, latency=0.2)
    transport = SandboxTransport(sandbox, sleep=waits.append, async_sleep=async_wait)
    client = drive.stripe(
        api_key=DEFAULT_API_KEY,
        base_url="http://sandbox",
        http_client=drive.http_client(transport=transport),
        timeout=0.02,
        max_retries=0,
    )
    with pytest.raises(APITimeoutError):
        client.first_page()
    assert len(client.first_page(timeout=0.5).data) == 3
    assert waits == [0.02, 0.2]


def test_latency_can_be_set_at_construction() -> None:
    sandbox = Sandbox(customers=1, latency=0.5)
    waits: list[float] = []
    with sandbox_client(sandbox, sleep=waits.append) as client:
        client.get("/v1/customers")
    assert waits == [0.5]


def test_rate_limit_knob_uses_a_sliding_one_second_window() -> None:
    clock = FakeClock()
    sandbox = Sandbox(customers=5, rate_limit_per_second=3, clock=clock)
    assert sandbox.rate_limit_per_second == 3
    with sandbox_client(sandbox) as client:
        statuses = []
        for _ in range(3):
            statuses.append(client.get("/v1/customers").status_code)
            clock.now += 0.25
        limited = client.get("/v1/customers")
        assert statuses == [200, 200, 200]
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "0.25"
        clock.now += 0.25
        assert client.get("/rest/v1/customers").status_code == 200
        assert client.get("/rest/v1/customers").status_code == 429
        sandbox.rate_limit_per_second = None
        assert client.get("/v1/customers").status_code == 200
    with pytest.raises(ValueError, match="rate_limit_per_second"):
        sandbox.rate_limit_per_second = 0


def test_fractional_rate_limits_keep_the_average() -> None:
    clock = FakeClock()
    sandbox = Sandbox(customers=1, rate_limit_per_second=0.5, clock=clock)
    with sandbox_client(sandbox) as client:
        assert client.get("/v1/customers").status_code == 200
        clock.now += 1.5
        limited = client.get("/v1/customers")
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "0.5"
        clock.now += 0.5
        assert client.get("/v1/customers").status_code == 200


def test_sandbox_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="customers"):
        Sandbox(customers=-1)
    sandbox = Sandbox(customers=0, api_key="my_key", faults=FaultConfig(rate=0.1))
    assert sandbox.faults == FaultConfig(rate=0.1)
    assert sandbox.customer_count == 0
    assert sandbox.rate_limit_per_second is None
