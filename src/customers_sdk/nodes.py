"""Workflow-node adapters: the ``listCustomers`` and ``getOneCustomer`` workflow nodes.

A node gets plain dicts: ``inputs`` (wired from upstream nodes), ``config`` (the node's
settings) and ``context`` (the host's: a shared client, or the key to build one). It returns a
plain dict: ``{"output1": ...}`` on success, ``{"error": {"message", "type", "status_code",
"request_id"}}`` on failure. Adapters never raise: a bad parameter, an API error and a dropped
connection all come back as that structured, JSON-serialisable error.

Each parameter is taken from ``inputs``, else ``config``, else its default; ``None``, a missing
key and an empty string all fall through to the next source.

Where the client comes from, first match wins:

1. ``context["client"]``: a :class:`~customers_sdk.StripeCustomersClient` for the sync
   adapters, an :class:`~customers_sdk.AsyncStripeCustomersClient` for the async ones (what
   ``CustomersClient.stripe()`` and ``AsyncCustomersClient.stripe()`` return). It is reused,
   not closed.
2. ``context["stripe_api_key"]`` (and optionally ``context["base_url"]``): a Stripe client is
   built for the run and closed after it.
3. The environment (``STRIPE_API_KEY``), likewise built and closed.

Example:
    >>> from customers_sdk.nodes import get_one_customer
    >>> result = get_one_customer({"customerId": None}, {}, {"stripe_api_key": "sk_test_x"})
    >>> result["error"]["message"], result["error"]["type"]
    ('Customer ID is required', 'InvalidParameterError')
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, TypeVar

from ._dialects._stripe_params import CustomerListParams
from ._errors import InvalidParameterError
from ._inputs import shown
from ._redact import redact_text
from ._stripe_async_client import AsyncStripeCustomersClient
from ._stripe_client import StripeCustomersClient
from ._types import NOT_GIVEN, NotGiven

__all__ = [
    "NodeError",
    "aget_one_customer",
    "alist_customers",
    "get_one_customer",
    "list_customers",
]

DEFAULT_LIMIT = 10
_WHOLE_NUMBER = re.compile(r"\s*[0-9]+\s*")
_KEY_ENV = "STRIPE_API_KEY"
ClientT = TypeVar("ClientT", StripeCustomersClient, AsyncStripeCustomersClient)


class NodeError(TypedDict):
    """The body of a node's ``{"error": ...}`` result.

    ``type`` is the exception class name (``"NotFoundError"``, ``"InvalidParameterError"``,
    ``"APIConnectionError"``, ...); ``status_code`` and ``request_id`` are ``None`` when no
    HTTP response was involved.

    Example:
        >>> error: NodeError = {"message": "Customer ID is required",
        ...     "type": "InvalidParameterError", "status_code": None, "request_id": None}
    """

    message: str
    """What went wrong, in words (never the API key)."""
    type: str
    """The exception's class name, e.g. ``"NotFoundError"``."""
    status_code: int | None
    """The HTTP status, or None when no response was involved."""
    request_id: str | None
    """The server's request id, or None."""


@dataclass(frozen=True, slots=True)
class _ListArgs:
    limit: int
    email: str | NotGiven = NOT_GIVEN
    starting_after: str | NotGiven = NOT_GIVEN
    ending_before: str | NotGiven = NOT_GIVEN

    def params(self) -> CustomerListParams:
        params: CustomerListParams = {"limit": self.limit}
        if not isinstance(self.email, NotGiven):
            params["email"] = self.email
        if not isinstance(self.starting_after, NotGiven):
            params["starting_after"] = self.starting_after
        if not isinstance(self.ending_before, NotGiven):
            params["ending_before"] = self.ending_before
        return params


def _is_unset(value: object) -> bool:
    return value is None or value == ""


def _mapping(value: object, name: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            f"{name} must be a dict, got {type(value).__name__}", param=name
        )
    return value


def _resolve(names: tuple[str, ...], inputs: Mapping[str, Any], config: Mapping[str, Any]) -> Any:
    """The first set value: every name in ``inputs``, then every name in ``config``."""
    for source in (inputs, config):
        for name in names:
            value = source.get(name)
            if not _is_unset(value):
                return value
    return NOT_GIVEN


def _as_limit(value: object) -> int:
    # Hosts often hand over form values as strings or JSON numbers as floats: accept "20" and
    # 20.0, leave the range check (1..100) to the client.
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        digits = len(value.strip())
        if digits > 4300:  # int() refuses to read it (a bare ValueError); far out of range
            raise InvalidParameterError(
                f"limit must be between 1 and 100, got a number of {digits} digits",
                param="limit",
            )
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidParameterError(f"limit must be a whole number, got {shown(value)}", param="limit")


def _list_args(inputs: object, config: object) -> _ListArgs:
    sources = _mapping(inputs, "inputs"), _mapping(config, "config")
    limit = _resolve(("limit",), *sources)
    return _ListArgs(
        limit=DEFAULT_LIMIT if isinstance(limit, NotGiven) else _as_limit(limit),
        email=_resolve(("email",), *sources),
        starting_after=_resolve(("starting_after",), *sources),
        ending_before=_resolve(("ending_before",), *sources),
    )


def _customer_id(inputs: object, config: object) -> Any:
    found = _resolve(
        ("customerId", "customer_id"), _mapping(inputs, "inputs"), _mapping(config, "config")
    )
    if isinstance(found, NotGiven):
        raise InvalidParameterError("Customer ID is required", param="customerId")
    return found


def _client(kind: type[ClientT], context: object) -> tuple[ClientT, bool]:
    """The client to use and whether this run owns it (and so must close it)."""
    settings = _mapping(context, "context")
    given = settings.get("client")
    if given is not None:
        if not isinstance(given, kind):
            raise InvalidParameterError(
                f"context['client'] must be a {kind.__name__} for this adapter, got "
                f"{type(given).__name__}",
                param="client",
            )
        return given, False
    api_key, base_url = settings.get("stripe_api_key"), settings.get("base_url")
    for name, value in (("stripe_api_key", api_key), ("base_url", base_url)):
        if value is not None and not isinstance(value, str):
            raise InvalidParameterError(
                f"context[{name!r}] must be a string, got {type(value).__name__}", param=name
            )
    return kind.stripe(api_key=api_key or None, base_url=base_url or None), True


def _failure(exc: Exception, context: object) -> dict[str, Any]:
    message = getattr(exc, "message", None)
    if not isinstance(message, str) or not message:
        message = str(exc) or type(exc).__name__
    # The SDK's own errors never carry the key; this guards what a third-party error might.
    secrets = [os.environ.get(_KEY_ENV)]
    if isinstance(context, Mapping):
        secrets.append(context.get("stripe_api_key"))
    for secret in secrets:
        if isinstance(secret, str):
            message = redact_text(message, secret)
    status_code = getattr(exc, "status_code", None)
    request_id = getattr(exc, "request_id", None)
    error: NodeError = {
        "message": message,
        "type": type(exc).__name__,
        "status_code": status_code if isinstance(status_code, int) else None,
        "request_id": request_id if isinstance(request_id, str) else None,
    }
    return {"error": error}


def list_customers(
    inputs: Mapping[str, Any] | None,
    config: Mapping[str, Any] | None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``listCustomers`` node: one page of Stripe customers (``limit`` defaults to 10).

    Parameters ``email``, ``limit``, ``starting_after`` and ``ending_before`` come from
    ``inputs``, else ``config``. One request is made: pass the last id of the output as the
    next run's ``starting_after`` to page on.

    Args:
        inputs: The values wired from upstream nodes.
        config: The node's settings; a key missing from ``inputs`` is looked up here.
        context: ``{"client": ...}`` to use that client (it stays open), else
            ``{"stripe_api_key": ..., "base_url": ...}`` to build one, else the environment.

    Returns:
        ``{"output1": [customer dicts]}``, or ``{"error": NodeError}``: never an exception.

    Example:
        >>> from customers_sdk.nodes import list_customers
        >>> result = list_customers(  # doctest: +SKIP
        ...     {"email": "customer@example.com", "limit": 20},
        ...     {"limit": 10},
        ...     {"stripe_api_key": "sk_test_..."},
        ... )
        >>> [c["id"] for c in result["output1"]]  # doctest: +SKIP
        ['cus_12346']
    """
    try:
        args = _list_args(inputs, config)
        client, owned = _client(StripeCustomersClient, context)
        try:
            page = client.list(**args.params())
        finally:
            if owned:
                client.close()
        return {"output1": [customer.to_dict() for customer in page.data]}
    except Exception as exc:
        return _failure(exc, context)


def get_one_customer(
    inputs: Mapping[str, Any] | None,
    config: Mapping[str, Any] | None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``getOneCustomer`` node: one customer by ``customerId`` (or ``customer_id``).

    A missing id is the error ``"Customer ID is required"`` (type ``InvalidParameterError``),
    returned before any client is built.

    Args:
        inputs: Where ``customerId`` is looked up first.
        config: Where ``customerId`` is looked up when ``inputs`` has none.
        context: The client to use, or how to build one: as for :func:`list_customers`.

    Returns:
        ``{"output1": customer dict}``, or ``{"error": NodeError}``: never an exception.

    Example:
        >>> from customers_sdk.nodes import get_one_customer
        >>> result = get_one_customer(  # doctest: +SKIP
        ...     {"customerId": "cus_Jh3d8yZi678c2"}, {}, {"client": client}
        ... )
        >>> result["output1"]["email"]  # doctest: +SKIP
        'jenny.rosen@example.com'
    """
    try:
        customer_id = _customer_id(inputs, config)
        client, owned = _client(StripeCustomersClient, context)
        try:
            customer = client.get(customer_id)
        finally:
            if owned:
                client.close()
        return {"output1": customer.to_dict()}
    except Exception as exc:
        return _failure(exc, context)


async def alist_customers(
    inputs: Mapping[str, Any] | None,
    config: Mapping[str, Any] | None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Async :func:`list_customers`: ``context["client"]`` must be async.

    Args:
        inputs: As for :func:`list_customers`.
        config: As for :func:`list_customers`.
        context: As for :func:`list_customers`, with an ``AsyncStripeCustomersClient``.

    Returns:
        As :func:`list_customers`.

    Example:
        >>> from customers_sdk.nodes import alist_customers
        >>> result = await alist_customers({"limit": 5}, {}, {"client": client})  # doctest: +SKIP
    """
    try:
        args = _list_args(inputs, config)
        client, owned = _client(AsyncStripeCustomersClient, context)
        try:
            page = await client.list(**args.params())
        finally:
            if owned:
                await client.aclose()
        return {"output1": [customer.to_dict() for customer in page.data]}
    except Exception as exc:
        return _failure(exc, context)


async def aget_one_customer(
    inputs: Mapping[str, Any] | None,
    config: Mapping[str, Any] | None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Async :func:`get_one_customer`: ``context["client"]`` must be async.

    Args:
        inputs: As for :func:`get_one_customer`.
        config: As for :func:`get_one_customer`.
        context: As for :func:`get_one_customer`, with an ``AsyncStripeCustomersClient``.

    Returns:
        As :func:`get_one_customer`.

    Example:
        >>> from customers_sdk.nodes import aget_one_customer
        >>> result = await aget_one_customer({"customerId": "cus_1"}, {}, {})  # doctest: +SKIP
    """
    try:
        customer_id = _customer_id(inputs, config)
        client, owned = _client(AsyncStripeCustomersClient, context)
        try:
            customer = await client.get(customer_id)
        finally:
            if owned:
                await client.aclose()
        return {"output1": customer.to_dict()}
    except Exception as exc:
        return _failure(exc, context)
