"""``delete()`` always answers ``deleted=True``, and a delete whose first attempt may have landed
is not reported as a failure when the retry finds the customer gone (Stripe does not replay a
DELETE by idempotency key)."""

from __future__ import annotations

import httpx
import pytest
import respx

from conftest import Drive, Waits
from customers_sdk import InvalidParameterError, NotFoundError, RetryPolicy, StripeCustomer
from customers_sdk.sandbox import Sandbox, SandboxTransport

KEY = "sk_test_sandbox"


@pytest.fixture(autouse=True)
def no_waits(waits: Waits) -> Waits:
    return waits


@pytest.mark.parametrize("fault", ["commit_then_drop", "truncated"])
def test_stripe_delete_whose_reply_was_lost_still_reports_deleted(drive: Drive, fault: str) -> None:
    sandbox = Sandbox(customers=5)
    client = drive.stripe(
        api_key=KEY,
        base_url="http://sandbox",
        http_client=drive.http_client(transport=SandboxTransport(sandbox)),
    )
    victim = client.first_page().data[0].id
    sandbox.inject(fault, method="DELETE")
    deleted = client.delete(victim)
    assert deleted.id == victim
    assert deleted.deleted is True
    assert type(deleted) is StripeCustomer  # the dialect's own, as a delete that was answered
    assert deleted.response_info is not None
    assert deleted.response_info.retries == 1
    assert victim not in {c.id for c in client.list_all()}


def test_a_plain_404_on_delete_is_still_not_found(drive: Drive) -> None:
    sandbox = Sandbox(customers=2)
    client = drive.stripe(
        api_key=KEY,
        base_url="http://sandbox",
        http_client=drive.http_client(transport=SandboxTransport(sandbox)),
    )
    with pytest.raises(NotFoundError):
        client.delete("cus_never_existed")


def test_cursor_delete_sets_deleted_even_when_the_body_omits_it(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    body = {"object": "customer", "id": "cus_1", "live": False, "created_at": 0, "metadata": {}}
    mock_api.delete("https://api.example.com/v1/customers/cus_1").respond(json=body)
    client = drive.cursor(api_key="k", base_url="https://api.example.com")
    assert client.delete("cus_1").deleted is True


def test_retry_policy_shapes_the_waits(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    route = mock_api.get("https://api.stripe.com/v1/customers/cus_1")
    ok = httpx.Response(200, json={"id": "cus_1"})
    route.side_effect = [httpx.Response(503), httpx.Response(503), ok]
    policy = RetryPolicy(initial_wait=2.0, max_wait=3.0)
    client = drive.stripe(api_key="sk_test_x", retry_policy=policy)
    assert client.get("cus_1").id == "cus_1"
    assert len(waits.seconds) == 2
    assert 1.0 <= waits.seconds[0] <= 2.0
    assert 1.5 <= waits.seconds[1] <= 3.0


@pytest.mark.parametrize("field", ["initial_wait", "max_wait", "max_retry_after"])
def test_retry_policy_rejects_nonsense(field: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        RetryPolicy(**{field: -1.0})
    assert caught.value.param == field


def _not_found() -> httpx.Response:
    return httpx.Response(404, json={"error": {"type": "invalid_request_error", "message": "gone"}})


def test_a_delete_that_never_reached_the_server_then_404_is_not_found(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    # A refused connection proves the first attempt did nothing: the 404 is the customer's.
    route = mock_api.delete("https://api.stripe.com/v1/customers/cus_1")
    route.side_effect = [httpx.ConnectError("refused"), _not_found()]
    client = drive.stripe(api_key="sk_test_x")

    with pytest.raises(NotFoundError) as caught:
        client.delete("cus_1")

    assert route.call_count == 2
    assert caught.value.retries == 1


@pytest.mark.parametrize(
    ("status", "deleted"),
    [(499, False), (500, True), (502, True)],
)
def test_only_a_5xx_before_the_404_may_have_deleted(
    drive: Drive, mock_api: respx.MockRouter, status: int, deleted: bool
) -> None:
    # A 5xx may come after the delete was applied; a 4xx (retried here only because the
    # server says so) is a refusal, after which a 404 means the customer never existed.
    route = mock_api.delete("https://api.stripe.com/v1/customers/cus_1")
    first = httpx.Response(status, headers={"Stripe-Should-Retry": "true"})
    route.side_effect = [first, _not_found()]
    client = drive.stripe(api_key="sk_test_x")

    if deleted:
        customer = client.delete("cus_1")
        assert (customer.id, customer.deleted) == ("cus_1", True)
    else:
        with pytest.raises(NotFoundError):
            client.delete("cus_1")
    assert route.call_count == 2
