"""Errors you can catch by type, and retries that are safe, shown with sandbox fault injection.

``sandbox.inject(kind)`` makes the next matching request fail: ``server_error`` (503),
``rate_limit`` (429 with ``Retry-After``), ``reset`` (no reply), ``truncated`` (half a body) or
``commit_then_drop`` (the write is applied, then the connection drops).

Run it: ``python examples/errors_and_retries.py`` (about a second: retries really wait).
"""

from __future__ import annotations

from typing import cast

import httpx

from customers_sdk import (
    APIConnectionError,
    AuthenticationError,
    CustomersClient,
    InternalServerError,
    InvalidParameterError,
    NotFoundError,
    ResponseInfo,
    StripeCustomersClient,
    UnsupportedOperationError,
)
from customers_sdk.sandbox import DEFAULT_API_KEY, FaultConfig, Sandbox, SandboxTransport

SANDBOX = "http://sandbox"


def main() -> None:
    # No random faults; an injected rate_limit fault asks for Retry-After: 0.05 s.
    sandbox = Sandbox(customers=20, faults=FaultConfig(rate=0.0, retry_after=0.05))
    with httpx.Client(transport=SandboxTransport(sandbox)) as http:
        client = CustomersClient.stripe(api_key=DEFAULT_API_KEY, base_url=SANDBOX, http_client=http)
        show_errors(sandbox, client, http)
        show_retries(sandbox, client)


def show_errors(sandbox: Sandbox, client: StripeCustomersClient, http: httpx.Client) -> None:
    try:
        client.get("cus_missing")
    except NotFoundError as exc:
        print(
            f"NotFoundError: status={exc.status_code} code={exc.code} request_id={exc.request_id}"
        )

    sent = len(sandbox.request_log)
    try:
        client.list(limit=1000)
    except InvalidParameterError as exc:
        unsent = len(sandbox.request_log) == sent
        print(f"InvalidParameterError: param={exc.param}, nothing sent: {unsent}")

    # A call the dialect does not have is a type error (`offset.get(...)` fails mypy). A
    # client chosen at run time is typed as the common CustomersClient, though, and a wrong
    # cast gets past the type checker: not past the client.
    configured: CustomersClient = CustomersClient.offset(
        api_key=DEFAULT_API_KEY, base_url=SANDBOX, http_client=http
    )
    try:
        cast(StripeCustomersClient, configured).get("42")
    except UnsupportedOperationError as exc:
        print(f"UnsupportedOperationError: {exc}")

    wrong = CustomersClient.stripe(
        api_key="sk_test_not_the_key", base_url=SANDBOX, http_client=http
    )
    try:
        wrong.list()
    except AuthenticationError as exc:
        leaked = "sk_test_not_the_key" in str(exc)
        print(f"AuthenticationError: status={exc.status_code}, key in message: {leaked}")


def show_retries(sandbox: Sandbox, client: StripeCustomersClient) -> None:
    first_id = client.list(limit=1).data[0].id

    sandbox.inject("server_error")
    customer = client.get(first_id)
    print(f"server_error: recovered after {retries_of(customer.response_info)} retry")

    sandbox.inject("rate_limit")
    page = client.list(limit=5)
    print(f"rate_limit: recovered after {retries_of(page.response_info)} retry")

    # The write is applied, then the reply is lost. The retry carries the same Idempotency-Key,
    # so the sandbox replays the first result instead of creating a second customer.
    before = sandbox.customer_count
    sandbox.inject("commit_then_drop", method="POST")
    ada = client.create(email="ada@example.com")
    keys = {r.headers.get("idempotency-key") for r in sandbox.request_log if r.method == "POST"}
    print(
        f"commit_then_drop: created {sandbox.customer_count - before} customer in "
        f"{retries_of(ada.response_info) + 1} attempts with {len(keys)} idempotency key"
    )

    # Without a key the SDK cannot know whether the write was applied, so it does not retry.
    before = sandbox.customer_count
    sandbox.inject("commit_then_drop", method="POST")
    try:
        client.create(email="grace@example.com", idempotency_key=None)
    except APIConnectionError as exc:
        created = sandbox.customer_count - before
        print(f"no idempotency key: {type(exc).__name__}, not retried, yet created {created}")

    sandbox.inject("server_error")
    try:
        client.get(first_id, max_retries=0)
    except InternalServerError as exc:
        print(f"max_retries=0: InternalServerError {exc.status_code}, request_id={exc.request_id}")

    # A deadline bounds attempts and waits together: no wait starts that would end past it.
    sandbox.inject("server_error", times=3)
    try:
        client.get(first_id, deadline=0.2)
    except InternalServerError as exc:
        print(f"deadline=0.2: InternalServerError after {exc.retries} retries")
    sandbox.clear_injected()


def retries_of(info: ResponseInfo | None) -> int:
    """How many retries the call that produced a result needed."""
    return info.retries if info is not None else 0


if __name__ == "__main__":
    main()
