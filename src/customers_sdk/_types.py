"""Small shared types: the ``NOT_GIVEN`` sentinel, request options, what a response carries
besides its result, and what a dialect tells the models (no pydantic here: see ``__init__``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeVar

import httpx
from typing_extensions import TypedDict

__all__ = [
    "NOT_GIVEN",
    "CommonListParams",
    "NotGiven",
    "RequestOptions",
    "ResponseInfo",
    "Timeout",
    "WireFormat",
    "is_given",
]

_T = TypeVar("_T")


class NotGiven:
    """The type of :data:`NOT_GIVEN`: an argument the caller did not pass.

    ``None`` is a real value for this SDK (``update(id, phone=None)`` clears the phone), so
    "leave as is" needs a marker of its own.

    Example:
        >>> from customers_sdk import NOT_GIVEN
        >>> bool(NOT_GIVEN)
        False
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # One instance, so identity checks (`is NOT_GIVEN`) are reliable.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
"""The default of optional arguments: "not passed", so the server's default applies (unlike
``None``, which clears a field on ``update``)."""

Timeout = float | httpx.Timeout | None
"""A timeout in seconds (applies to connect, read, write and pool), an ``httpx.Timeout``, or
``None`` for no timeout."""


def is_given(value: _T | NotGiven) -> bool:
    """True when *value* is anything but :data:`NOT_GIVEN` (``None`` counts as given)."""
    return not isinstance(value, NotGiven)


class CommonListParams(TypedDict, total=False):
    """What ``list()`` takes on every dialect (each dialect's client takes more).

    Example:
        >>> from customers_sdk import CommonListParams
        >>> params: CommonListParams = {"limit": 100}
    """

    limit: int
    """Customers per page (Stripe and offset: 1 to 100; cursor: 1 to 1000); default: the
    server's."""


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Per-call overrides of the client's defaults; ``NOT_GIVEN`` means "use the client's".

    ``extra_headers`` are sent over the client's headers, ``extra_query`` beside the query the
    call builds, ``extra_body`` beside its body (on Stripe's GET and DELETE, in the query, where
    Stripe reads every param of those methods): for what the SDK does not know yet.
    """

    timeout: Timeout | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN
    deadline: float | NotGiven | None = NOT_GIVEN
    idempotency_key: str | NotGiven | None = NOT_GIVEN
    extra_headers: Mapping[str, str | None] | None = None
    extra_query: Mapping[str, object] | None = None
    extra_body: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True)
class ResponseInfo:
    """What the transport knows about the HTTP exchange that produced a result.

    Example:
        >>> customer = client.get("cus_123")  # doctest: +SKIP
        >>> customer.response_info.request_id, customer.response_info.retries  # doctest: +SKIP
        ('req_abc', 0)
        >>> customer.response_info.headers["stripe-version"]  # doctest: +SKIP
        '2024-06-20'
    """

    status_code: int
    """The HTTP status of the response."""
    request_id: str | None
    """The server's request id (``Request-Id`` or ``X-Request-Id``), if it sent one."""
    retries: int
    """How many retries the SDK made before this response (0: the first attempt answered)."""
    elapsed_ms: float
    """Time from the first attempt to this response, retries and waits included, in ms."""
    headers: httpx.Headers = field(default_factory=httpx.Headers, compare=False, repr=False)
    """The response's headers (``Request-Id``, ``Stripe-Version``, rate-limit headers...), with
    the API key masked should the server echo it; empty on an info built by hand. Left out of
    comparisons and of the repr."""


@dataclass(frozen=True, slots=True)
class WireFormat:
    """What a dialect tells the models about its wire, as the validation context of a response.

    Without a context (a model built by hand) numeric timestamps are epoch seconds.
    """

    timestamp_unit: Literal["seconds", "milliseconds"] = "seconds"
    """What a numeric timestamp counts since the epoch; never guessed from its size."""
    subscriptions: Callable[[Any], Any] | None = None
    """Turns the wire's ``subscriptions`` value into a list of subscription dicts."""
    camel_case: bool = False
    """Field names are camelCase (``createdAt``); models try those names first."""
    repeats_values: bool = False
    """Objects repeat many string values verbatim (Stripe's ``object``, ``currency``,
    ``tax_exempt``...): pydantic-core's string cache then builds each once. Where values are
    mostly distinct (ids, emails, timestamps), caching them costs more than it saves, so only
    keys are cached."""

    @property
    def timestamp_divisor(self) -> int:
        """A numeric timestamp divided by this is epoch seconds."""
        return 1000 if self.timestamp_unit == "milliseconds" else 1
