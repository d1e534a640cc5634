"""The workflow-node adapters (seeds 000 and 001), sync and async, against respx.

Every test runs once per adapter flavour (``list_customers`` / ``alist_customers`` and
``get_one_customer`` / ``aget_one_customer``) through the :class:`Nodes` helper.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import httpx
import pytest
import respx
from anyio.from_thread import BlockingPortal, start_blocking_portal

from customers_sdk import (
    AsyncCustomersClient,
    AsyncStripeCustomersClient,
    CustomersClient,
    StripeCustomersClient,
    _retry,
)
from customers_sdk import nodes as nodes_module
from customers_sdk.nodes import (
    aget_one_customer,
    alist_customers,
    get_one_customer,
    list_customers,
)

STRIPE = "https://api.stripe.com/v1/customers"
ENV_KEY = "sk_test_from_environment_5b1e0c"
CONTEXT_KEY = "sk_test_from_context_9a7f21"
ERROR_KEYS = {"message", "type", "status_code", "request_id"}

# The "Configuration Example" JSON blocks of seeds 000 and 001, verbatim (null -> None).
SEED_000 = {
    "inputs": {"email": "customer@example.com", "limit": 20, "starting_after": "cus_12345"},
    "config": {"email": None, "limit": 10, "starting_after": None, "ending_before": None},
}
SEED_001 = {
    "inputs": {"customerId": "cus_Jh3d8yZi678c2"},
    "config": {"customerId": "cus_Jh3d8yZi678c2"},
    "context": {},
}

Node = Callable[..., dict[str, Any]]
MODES = ("sync", "async")
API_KEY = "sk_test_nodes_unit_0c1d2e"


def stripe_wire(index: int, **fields: Any) -> dict[str, Any]:
    """Customer number ``index`` as Stripe sends it (``fields`` override or add keys)."""
    return {
        "id": f"cus_{index:04d}",
        "object": "customer",
        "created": 1_700_000_000 + index,
        "email": f"user{index}@example.com",
        "name": f"User {index}",
        "phone": None,
        "metadata": {"n": str(index)},
        "livemode": False,
        **fields,
    }


def stripe_page(items: list[dict[str, Any]], *, has_more: bool) -> dict[str, Any]:
    return {"object": "list", "url": "/v1/customers", "data": items, "has_more": has_more}


class Nodes:
    """The sync adapters, or the async ones run on one event loop for the whole test."""

    def __init__(self, mode: str, portal: BlockingPortal | None) -> None:
        self.mode = mode
        self._portal = portal

    @property
    def client_class(self) -> type[StripeCustomersClient] | type[AsyncStripeCustomersClient]:
        return StripeCustomersClient if self._portal is None else AsyncStripeCustomersClient

    @property
    def other_client_class(
        self,
    ) -> type[StripeCustomersClient] | type[AsyncStripeCustomersClient]:
        return AsyncStripeCustomersClient if self._portal is None else StripeCustomersClient

    def _run(
        self, sync: Node, run_async: Callable[..., Awaitable[dict[str, Any]]], *args: Any
    ) -> Any:
        if self._portal is None:
            return sync(*args)
        return self._portal.call(run_async, *args)

    def list(self, inputs: Any, config: Any, context: Any = None) -> dict[str, Any]:
        result = self._run(list_customers, alist_customers, inputs, config, context)
        assert isinstance(result, dict)
        return result

    def get(self, inputs: Any, config: Any, context: Any = None) -> dict[str, Any]:
        result = self._run(get_one_customer, aget_one_customer, inputs, config, context)
        assert isinstance(result, dict)
        return result

    def client(self, **options: Any) -> CustomersClient | AsyncCustomersClient:
        return self.client_class.stripe(**{"api_key": API_KEY, "max_retries": 0, **options})

    def close(self, client: CustomersClient | AsyncCustomersClient) -> None:
        if isinstance(client, CustomersClient):
            client.close()
        else:
            assert self._portal is not None
            self._portal.call(client.aclose)


@pytest.fixture(params=MODES)
def nodes(request: pytest.FixtureRequest) -> Iterator[Nodes]:
    portal_cm: AbstractContextManager[BlockingPortal | None] = (
        start_blocking_portal("asyncio") if request.param == "async" else nullcontext()
    )
    with portal_cm as portal:
        yield Nodes(request.param, portal)


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIPE_API_KEY", ENV_KEY)
    monkeypatch.delenv("CUSTOMERS_LOG", raising=False)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []

    async def record_async(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(_retry, "sleep", recorded.append)
    monkeypatch.setattr(_retry, "async_sleep", record_async)
    return recorded


@pytest.fixture
def closes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every client close (``close`` / ``aclose``), then closes for real."""
    recorded: list[str] = []
    sync_close, async_close = CustomersClient.close, AsyncCustomersClient.aclose

    def close(self: CustomersClient) -> None:
        recorded.append("close")
        sync_close(self)

    async def aclose(self: AsyncCustomersClient) -> None:
        recorded.append("aclose")
        await async_close(self)

    monkeypatch.setattr(CustomersClient, "close", close)
    monkeypatch.setattr(AsyncCustomersClient, "aclose", aclose)
    return recorded


def list_route(
    mock_api: respx.MockRouter, count: int = 3, *, has_more: bool = False
) -> respx.Route:
    items = [stripe_wire(index) for index in range(count)]
    return mock_api.get(STRIPE).respond(json=stripe_page(items, has_more=has_more))


def get_route(mock_api: respx.MockRouter, customer_id: str) -> respx.Route:
    body = stripe_wire(7, id=customer_id)
    return mock_api.get(f"{STRIPE}/{customer_id}").respond(json=body)


def params_of(route: respx.Route) -> dict[str, str]:
    return dict(route.calls.last.request.url.params)


def error_of(result: dict[str, Any]) -> dict[str, Any]:
    """The structured error, after checking its shape and that it is safe to ship as JSON."""
    assert set(result) == {"error"}
    error = result["error"]
    assert isinstance(error, dict)
    assert set(error) == ERROR_KEYS
    encoded = json.dumps(result)
    for key in (ENV_KEY, CONTEXT_KEY, API_KEY):
        assert key not in encoded
    return error


# -- the seeds' configuration examples, as written ----------------------------------------------
def test_seed_000_configuration_example(nodes: Nodes, mock_api: respx.MockRouter) -> None:
    route = list_route(mock_api, 2)

    result = nodes.list(SEED_000["inputs"], SEED_000["config"])

    assert params_of(route) == {
        "email": "customer@example.com",
        "limit": "20",
        "starting_after": "cus_12345",
    }
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {ENV_KEY}"
    assert [c["id"] for c in result["output1"]] == [stripe_wire(i)["id"] for i in range(2)]
    assert json.loads(json.dumps(result)) == result


def test_seed_001_configuration_example(nodes: Nodes, mock_api: respx.MockRouter) -> None:
    route = get_route(mock_api, "cus_Jh3d8yZi678c2")

    result = nodes.get(SEED_001["inputs"], SEED_001["config"], SEED_001["context"])

    assert route.call_count == 1
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {ENV_KEY}"
    assert result["output1"]["id"] == "cus_Jh3d8yZi678c2"
    assert result["output1"]["email"] == "user7@example.com"
    assert json.loads(json.dumps(result)) == result


# -- list: parameter resolution -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("inputs", "config", "expected"),
    [
        pytest.param({}, {}, {"limit": "10"}, id="defaults"),
        pytest.param(None, None, {"limit": "10"}, id="no-dicts-at-all"),
        pytest.param(
            {},
            {"email": "cfg@example.com", "limit": 5, "ending_before": "cus_9"},
            {"email": "cfg@example.com", "limit": "5", "ending_before": "cus_9"},
            id="config-fallback",
        ),
        pytest.param(
            {"email": "in@example.com", "limit": 3},
            {"email": "cfg@example.com", "limit": 5},
            {"email": "in@example.com", "limit": "3"},
            id="inputs-win",
        ),
        pytest.param(
            {"email": None, "limit": None, "starting_after": ""},
            {"email": "cfg@example.com", "starting_after": "cus_5"},
            {"email": "cfg@example.com", "limit": "10", "starting_after": "cus_5"},
            id="none-and-empty-fall-through",
        ),
        pytest.param({"limit": "25"}, {}, {"limit": "25"}, id="numeric-string-limit"),
        pytest.param({"limit": 30.0}, {}, {"limit": "30"}, id="whole-float-limit"),
        pytest.param({"unknown": "x"}, {"other": 1}, {"limit": "10"}, id="unknown-keys-ignored"),
    ],
)
def test_list_resolves_inputs_then_config_then_default(
    nodes: Nodes,
    mock_api: respx.MockRouter,
    inputs: Any,
    config: Any,
    expected: dict[str, str],
) -> None:
    route = list_route(mock_api)

    result = nodes.list(inputs, config, {"stripe_api_key": CONTEXT_KEY})

    assert "output1" in result, result
    assert params_of(route) == expected


def test_list_fetches_only_the_requested_page(nodes: Nodes, mock_api: respx.MockRouter) -> None:
    route = list_route(mock_api, 4, has_more=True)

    result = nodes.list({"limit": 4}, {}, {"stripe_api_key": CONTEXT_KEY})

    assert route.call_count == 1
    assert [c["id"] for c in result["output1"]] == [f"cus_{i:04d}" for i in range(4)]


def test_list_output_is_customer_dicts(nodes: Nodes, mock_api: respx.MockRouter) -> None:
    extra = {"balance": 0, "address": {"city": None}}
    items = [stripe_wire(1, **extra)]
    mock_api.get(STRIPE).respond(json=stripe_page(items, has_more=False))

    result = nodes.list({}, {}, {"stripe_api_key": CONTEXT_KEY})

    [customer] = result["output1"]
    assert customer == items[0]  # Stripe's JSON, as the wire sent it (StripeCustomer.to_dict)
    assert customer["created"] == 1_700_000_001
    assert json.loads(json.dumps(result)) == result


# -- get: parameter resolution ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("inputs", "config"),
    [
        pytest.param({"customerId": "cus_A"}, {"customerId": "cus_B"}, id="inputs-win"),
        pytest.param({"customer_id": "cus_A"}, {}, id="snake-case-alias"),
        pytest.param({"customerId": None}, {"customerId": "cus_A"}, id="none-falls-through"),
        pytest.param({"customerId": ""}, {"customer_id": "cus_A"}, id="empty-falls-through"),
        pytest.param(None, {"customerId": "cus_A"}, id="config-only"),
        pytest.param({"customer_id": "cus_A"}, {"customerId": "cus_B"}, id="alias-in-inputs-wins"),
    ],
)
def test_get_resolves_customer_id(
    nodes: Nodes, mock_api: respx.MockRouter, inputs: Any, config: Any
) -> None:
    route = get_route(mock_api, "cus_A")

    result = nodes.get(inputs, config, {"stripe_api_key": CONTEXT_KEY})

    assert route.call_count == 1
    assert result["output1"]["id"] == "cus_A"


@pytest.mark.parametrize(
    ("inputs", "config"),
    [
        pytest.param({}, {}, id="empty"),
        pytest.param(None, None, id="none"),
        pytest.param({"customerId": None}, {"customerId": None}, id="nulls"),
        pytest.param({"customerId": ""}, {"customer_id": ""}, id="empty-strings"),
    ],
)
def test_missing_customer_id_is_a_structured_error(
    nodes: Nodes,
    mock_api: respx.MockRouter,
    monkeypatch: pytest.MonkeyPatch,
    inputs: Any,
    config: Any,
) -> None:
    monkeypatch.delenv("STRIPE_API_KEY")  # the id is checked before any client is needed
    route = mock_api.route()

    result = nodes.get(inputs, config, {})

    assert error_of(result) == {
        "message": "Customer ID is required",
        "type": "InvalidParameterError",
        "status_code": None,
        "request_id": None,
    }
    assert not route.called


def test_deleted_customer_is_returned_not_an_error(
    nodes: Nodes, mock_api: respx.MockRouter
) -> None:
    mock_api.get(f"{STRIPE}/cus_gone").respond(
        json={"id": "cus_gone", "object": "customer", "deleted": True}
    )

    result = nodes.get({"customerId": "cus_gone"}, {}, {"stripe_api_key": CONTEXT_KEY})

    assert result["output1"]["deleted"] is True


# -- where the client comes from ----------------------------------------------------------------
def test_context_client_is_reused_and_left_open(
    nodes: Nodes, mock_api: respx.MockRouter, closes: list[str]
) -> None:
    list_route(mock_api)
    get_route(mock_api, "cus_A")
    client = nodes.client()

    first = nodes.list({}, {}, {"client": client, "stripe_api_key": "ignored"})
    second = nodes.get({"customerId": "cus_A"}, {}, {"client": client})

    assert "output1" in first
    assert "output1" in second
    assert closes == []
    auth = {call.request.headers["Authorization"] for call in mock_api.calls}
    assert auth == {f"Bearer {API_KEY}"}
    nodes.close(client)


def test_client_built_from_context_key_and_base_url(
    nodes: Nodes, mock_api: respx.MockRouter, closes: list[str]
) -> None:
    route = mock_api.get("https://stripe.internal.test/v1/customers").respond(
        json=stripe_page([], has_more=False)
    )

    result = nodes.list(
        {}, {}, {"stripe_api_key": CONTEXT_KEY, "base_url": "https://stripe.internal.test"}
    )

    assert result == {"output1": []}
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {CONTEXT_KEY}"
    assert closes == ["close" if nodes.mode == "sync" else "aclose"]


@pytest.mark.parametrize("outcome", ["ok", "not-found"])
def test_built_client_is_closed_after_the_run(
    nodes: Nodes, mock_api: respx.MockRouter, closes: list[str], outcome: str
) -> None:
    route = mock_api.get(f"{STRIPE}/cus_A")
    if outcome == "ok":
        route.respond(json=stripe_wire(1, id="cus_A"))
    else:
        route.respond(404, json={"error": {"type": "invalid_request_error", "message": "nope"}})

    nodes.get({"customerId": "cus_A"}, {})

    assert route.call_count == 1
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {ENV_KEY}"
    assert closes == ["close" if nodes.mode == "sync" else "aclose"]


def test_no_key_anywhere_is_a_structured_error(
    nodes: Nodes, mock_api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STRIPE_API_KEY")
    route = mock_api.route()

    error = error_of(nodes.list({}, {}, {}))

    assert error["type"] == "InvalidParameterError"
    assert "STRIPE_API_KEY" in error["message"]
    assert error["status_code"] is None
    assert not route.called


def test_wrong_kind_of_context_client_is_a_structured_error(
    nodes: Nodes, mock_api: respx.MockRouter
) -> None:
    route = mock_api.route()
    wrong = nodes.other_client_class.stripe(api_key=API_KEY)

    for result in (
        nodes.list({}, {}, {"client": wrong}),
        nodes.get({"customerId": "cus_A"}, {}, {"client": wrong}),
    ):
        error = error_of(result)
        assert error["type"] == "InvalidParameterError"
        assert nodes.client_class.__name__ in error["message"]
        assert type(wrong).__name__ in error["message"]
    assert not route.called


@pytest.mark.parametrize(
    ("inputs", "config", "context", "named"),
    [
        pytest.param({}, {}, {"client": "not a client"}, "client", id="client-not-a-client"),
        pytest.param({}, {}, {"stripe_api_key": 42}, "stripe_api_key", id="key-not-a-string"),
        pytest.param({}, {}, {"base_url": ["x"]}, "base_url", id="base-url-not-a-string"),
        pytest.param({}, {}, {"base_url": "ftp://x"}, "base_url", id="base-url-scheme"),
        pytest.param({}, {}, ["not", "a", "dict"], "context", id="context-not-a-dict"),
        pytest.param("inputs", {}, {}, "inputs", id="inputs-not-a-dict"),
        pytest.param({}, 7, {}, "config", id="config-not-a-dict"),
    ],
)
def test_bad_context_or_sources_are_structured_errors(
    nodes: Nodes,
    mock_api: respx.MockRouter,
    inputs: Any,
    config: Any,
    context: Any,
    named: str,
) -> None:
    route = mock_api.route()

    get_inputs = {"customerId": "cus_A", **inputs} if isinstance(inputs, dict) else inputs

    for result in (nodes.list(inputs, config, context), nodes.get(get_inputs, config, context)):
        error = error_of(result)
        assert error["type"] == "InvalidParameterError"
        assert named in error["message"]
    assert not route.called


# -- bad parameters -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("inputs", "named"),
    [
        pytest.param({"limit": "abc"}, "limit", id="limit-abc"),
        pytest.param({"limit": 0}, "limit", id="limit-zero"),
        pytest.param({"limit": "0"}, "limit", id="limit-zero-string"),
        pytest.param({"limit": 101}, "limit", id="limit-too-big"),
        pytest.param({"limit": -5}, "limit", id="limit-negative"),
        pytest.param({"limit": 2.5}, "limit", id="limit-fraction"),
        pytest.param({"limit": True}, "limit", id="limit-bool"),
        pytest.param({"limit": [10]}, "limit", id="limit-list"),
        # Past 4300 digits Python will not print an int nor read one: a bare ValueError before.
        pytest.param({"limit": 10**5000}, "limit", id="limit-huge"),
        pytest.param({"limit": "9" * 5000}, "limit", id="limit-huge-string"),
        pytest.param({"limit": [10**5000]}, "limit", id="limit-list-of-huge"),
        pytest.param({"email": 12}, "email", id="email-not-a-string"),
        pytest.param(
            {"starting_after": "cus_1", "ending_before": "cus_2"},
            "starting_after",
            id="both-cursors",
        ),
    ],
)
def test_bad_list_parameters_are_structured_errors(
    nodes: Nodes, mock_api: respx.MockRouter, inputs: dict[str, Any], named: str
) -> None:
    route = mock_api.route()

    error = error_of(nodes.list(inputs, {"limit": 10}, {"stripe_api_key": CONTEXT_KEY}))

    assert error["type"] == "InvalidParameterError"
    assert named in error["message"]
    assert error["status_code"] is None
    assert not route.called


@pytest.mark.parametrize("customer_id", [" cus_A", 123, {"id": "cus_A"}])
def test_bad_customer_id_is_a_structured_error(
    nodes: Nodes, mock_api: respx.MockRouter, customer_id: Any
) -> None:
    route = mock_api.route()

    error = error_of(nodes.get({"customerId": customer_id}, {}, {"stripe_api_key": CONTEXT_KEY}))

    assert error["type"] == "InvalidParameterError"
    assert "customer_id" in error["message"]
    assert not route.called


# -- API and transport errors -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
    ],
)
def test_api_errors_are_structured(
    nodes: Nodes, mock_api: respx.MockRouter, status: int, error_type: str
) -> None:
    body = {"error": {"type": "invalid_request_error", "message": f"server says {status}"}}
    mock_api.get(f"{STRIPE}/cus_A").respond(status, json=body, headers={"Request-Id": "req_g"})
    mock_api.get(STRIPE).respond(status, json=body, headers={"Request-Id": "req_l"})
    context = {"stripe_api_key": CONTEXT_KEY}

    got = error_of(nodes.get({"customerId": "cus_A"}, {}, context))
    listed = error_of(nodes.list({}, {}, context))

    assert got == {
        "message": f"server says {status}",
        "type": error_type,
        "status_code": status,
        "request_id": "req_g",
    }
    assert listed == {**got, "request_id": "req_l"}


def test_server_errors_are_retried_then_structured(
    nodes: Nodes, mock_api: respx.MockRouter, waits: list[float]
) -> None:
    route = mock_api.get(STRIPE).respond(
        500, json={"error": {"type": "api_error", "message": "boom"}}
    )

    error = error_of(nodes.list({}, {}, {"stripe_api_key": CONTEXT_KEY}))

    assert error["type"] == "InternalServerError"
    assert error["status_code"] == 500
    assert route.call_count == 3  # the built client's default: two retries
    assert len([w for w in waits if w > 0]) == 2


def test_transport_errors_are_structured(
    nodes: Nodes, mock_api: respx.MockRouter, waits: list[float]
) -> None:
    route = mock_api.get(f"{STRIPE}/cus_A").mock(side_effect=httpx.ConnectError("refused"))

    error = error_of(nodes.get({"customerId": "cus_A"}, {}, {"stripe_api_key": CONTEXT_KEY}))

    assert error["type"] == "APIConnectionError"
    assert error["status_code"] is None
    assert error["request_id"] is None
    assert route.call_count == 3
    assert waits


def test_timeouts_are_structured(nodes: Nodes, mock_api: respx.MockRouter) -> None:
    mock_api.get(STRIPE).mock(side_effect=httpx.ReadTimeout("slow"))
    client = nodes.client()

    error = error_of(nodes.list({}, {}, {"client": client}))

    assert error["type"] == "APITimeoutError"
    nodes.close(client)


def test_malformed_responses_are_structured(nodes: Nodes, mock_api: respx.MockRouter) -> None:
    mock_api.get(STRIPE).respond(200, text="<html>proxy</html>", headers={"Request-Id": "req_html"})

    error = error_of(nodes.list({}, {}, {"stripe_api_key": CONTEXT_KEY}))

    assert error["type"] == "ResponseValidationError"
    assert error["status_code"] == 200
    assert error["request_id"] == "req_html"
    assert "<html>" in error["message"]


def test_unexpected_exceptions_are_structured_with_the_key_redacted(
    nodes: Nodes, mock_api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"bug while using {CONTEXT_KEY} and {ENV_KEY}")

    monkeypatch.setattr(nodes.client_class, "list", explode)
    monkeypatch.setattr(nodes.client_class, "get", explode)
    route = mock_api.route()

    for result in (
        nodes.list({}, {}, {"stripe_api_key": CONTEXT_KEY}),
        nodes.get({"customerId": "cus_A"}, {}, {"stripe_api_key": CONTEXT_KEY}),
    ):
        error = error_of(result)
        assert error["type"] == "RuntimeError"
        assert error["message"] == "bug while using *** and ***"
    assert not route.called


def test_public_names() -> None:
    assert nodes_module.__all__ == sorted(nodes_module.__all__)
    for name in nodes_module.__all__:
        assert getattr(nodes_module, name).__doc__
