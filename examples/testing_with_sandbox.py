"""Testing your own code with the sandbox: in-process, served on loopback, and under faults.

Your application code takes a client; tests hand it one wired to a sandbox. The ``test_*``
functions below are plain pytest tests (no fixtures needed): copy them into your suite, or run
this file, which calls each one.

Run it: ``python examples/testing_with_sandbox.py``
"""

from __future__ import annotations

import httpx

from customers_sdk import CustomersClient, NotFoundError, RateLimitError, StripeCustomersClient
from customers_sdk.sandbox import DEFAULT_API_KEY, FaultConfig, Sandbox, SandboxTransport, serve


# -- the application code under test ----------------------------------------------------------
def gold_emails(client: CustomersClient) -> list[str]:
    """Every gold-tier customer's email, sorted."""
    return sorted(
        c.email for c in client.list(limit=100) if c.metadata.get("tier") == "gold" and c.email
    )


def email_of(client: StripeCustomersClient, customer_id: str) -> str | None:
    """A customer's email, or None when there is no such customer."""
    try:
        return client.get(customer_id).email
    except NotFoundError:
        return None


# -- the tests --------------------------------------------------------------------------------
def sandbox_client(sandbox: Sandbox) -> StripeCustomersClient:
    """A Stripe-dialect client answered by ``sandbox`` in this process: no socket, no key."""
    http = httpx.Client(transport=SandboxTransport(sandbox))
    return CustomersClient.stripe(
        api_key=DEFAULT_API_KEY, base_url="http://sandbox", http_client=http
    )


def test_in_process() -> None:
    sandbox = Sandbox(customers=0)  # start empty; create exactly the data the test needs
    client = sandbox_client(sandbox)
    ada = client.create(email="ada@example.com", metadata={"tier": "gold"})
    client.create(email="bob@example.com", metadata={"tier": "silver"})
    assert gold_emails(client) == ["ada@example.com"]
    assert email_of(client, ada.id) == "ada@example.com"
    assert email_of(client, "cus_missing") is None


def test_pages_are_fetched_once() -> None:
    sandbox = Sandbox(customers=250)  # seeded data: deterministic for a given seed
    gold_emails(sandbox_client(sandbox))
    pages = [r for r in sandbox.request_log if r.method == "GET"]
    assert len(pages) == 3  # 250 customers, 100 per page
    assert all("limit=100" in r.query for r in pages)


def test_over_loopback() -> None:
    with (
        serve(Sandbox(customers=0), port=0) as server,  # 127.0.0.1, a free port
        CustomersClient.stripe(api_key=DEFAULT_API_KEY, base_url=server.url) as client,
    ):
        client.create(email="grace@example.com", metadata={"tier": "gold"})
        assert gold_emails(client) == ["grace@example.com"]


def test_survives_faults() -> None:
    # retry_after=0: injected rate_limit faults send "Retry-After: 0", so that retry is instant.
    sandbox = Sandbox(customers=150, faults=FaultConfig(rate=0.0, retry_after=0))
    expected = gold_emails(sandbox_client(sandbox))
    sandbox.inject("rate_limit")
    sandbox.inject("reset", method="GET")  # a dropped connection, retried after a short backoff
    assert gold_emails(sandbox_client(sandbox)) == expected  # 2 retries: the default allows 2
    met = [r.fault.value for r in sandbox.request_log if r.fault is not None]
    assert met == ["rate_limit", "reset"]


def test_gives_up_after_max_retries() -> None:
    sandbox = Sandbox(customers=10, faults=FaultConfig(rate=0.0, retry_after=0))
    sandbox.inject("rate_limit", times=3)  # one more than the default max_retries=2
    raised: RateLimitError | None = None
    try:
        gold_emails(sandbox_client(sandbox))
    except RateLimitError as exc:  # in a pytest suite: `with pytest.raises(RateLimitError)`
        raised = exc
    assert raised is not None
    assert raised.retries == 2


def main() -> None:
    tests = (
        test_in_process,
        test_pages_are_fetched_once,
        test_over_loopback,
        test_survives_faults,
        test_gives_up_after_max_retries,
    )
    for test in tests:
        test()
        print(f"{test.__name__} passed")


if __name__ == "__main__":
    main()
