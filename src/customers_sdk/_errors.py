"""The exception tree. Everything the SDK raises derives from :class:`CustomersError`.

::

    CustomersError
    ├── InvalidParameterError (also a ValueError)   bad arguments, raised before any request
    ├── UnsupportedOperationError                   the dialect has no such call
    ├── APIConnectionError                          no usable HTTP response
    │   └── APITimeoutError
    ├── ResponseValidationError                     a response that is not what the dialect promises
    └── APIError                                    the server answered with an error status
        ├── BadRequestError            400
        ├── AuthenticationError        401
        ├── CardError                  402 (Stripe's card_error, with decline_code)
        ├── PermissionDeniedError      403
        ├── NotFoundError              404
        ├── ConflictError              409
        ├── UnprocessableEntityError   422
        ├── RateLimitError             429
        └── InternalServerError        >= 500
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CardError",
    "ConflictError",
    "CustomersError",
    "InternalServerError",
    "InvalidParameterError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "UnprocessableEntityError",
    "UnsupportedOperationError",
    "error_class_for_status",
    "error_field",
]


class CustomersError(Exception):
    """Base class of every error raised by customers-sdk.

    Attributes:
        message: What went wrong, in words (``str(exc)`` may add details such as the status).

    Example:
        >>> from customers_sdk import CustomersError, NotFoundError
        >>> issubclass(NotFoundError, CustomersError)
        True
    """

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class InvalidParameterError(CustomersError, ValueError):
    """An argument is wrong; raised before anything is sent.

    Attributes:
        param: The name of the offending parameter (``"limit"``), or None.

    Example:
        >>> from customers_sdk import CustomersClient, InvalidParameterError
        >>> client = CustomersClient.stripe(api_key="sk_test_x")
        >>> try:
        ...     client.list(limit=1000)
        ... except InvalidParameterError as exc:
        ...     print(exc.param)
        limit
    """

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class UnsupportedOperationError(CustomersError, AttributeError):
    """The client's dialect has no such operation (e.g. ``search`` on the offset dialect).

    A type checker already refuses the call (the dialect's class has no such method); at run
    time it is this error, an ``AttributeError`` too, so ``hasattr(client, "get")`` is False.

    Attributes:
        operation: The operation called (``"get"``).
        dialect: The client's dialect (``"offset"``).

    Example:
        >>> from customers_sdk import CustomersClient, UnsupportedOperationError
        >>> client = CustomersClient.offset(base_url="https://app.example.com", api_key="k")
        >>> try:
        ...     client.get("123")  # mypy: "OffsetCustomersClient" has no attribute "get"
        ... except UnsupportedOperationError as exc:
        ...     print(exc.operation, exc.dialect)
        get offset
    """

    def __init__(self, operation: str, dialect: str) -> None:
        super().__init__(f"the {dialect!r} dialect does not support {operation}()")
        self.operation = operation
        self.dialect = dialect


class APIConnectionError(CustomersError):
    """No usable HTTP response: connection refused or reset, DNS, TLS, a truncated body.

    Attributes:
        retries: How many retries were made before giving up.
        request_id: Always None (no response came back); there so every error reads the same.
        should_retry: Whether another attempt could succeed and do no harm (set by the SDK).

    Example:
        >>> from customers_sdk import APIConnectionError, APITimeoutError
        >>> issubclass(APITimeoutError, APIConnectionError)
        True
    """

    def __init__(self, message: str = "Connection error.", *, retries: int = 0) -> None:
        super().__init__(message)
        self.retries = retries
        self.request_id: str | None = None
        # Set by the transport: whether another attempt could succeed and do no harm.
        self.should_retry = False


class APITimeoutError(APIConnectionError):
    """The request (or the call's ``deadline``) timed out.

    Example:
        >>> str(APITimeoutError())
        'Request timed out.'
    """

    def __init__(self, message: str = "Request timed out.", *, retries: int = 0) -> None:
        super().__init__(message, retries=retries)


class ResponseValidationError(CustomersError):
    """The server's response is not what the dialect promises.

    HTML from a proxy, truncated JSON, a missing field: never a bare ``KeyError`` or
    ``JSONDecodeError``.

    Attributes:
        status_code: The HTTP status of the response, or None when there was none.
        excerpt: The first few hundred characters of the body.
        problem: What is wrong with the body (the message without the status and excerpt).
        request_id: The server's request id, when it sent one.

    Example:
        >>> err = ResponseValidationError("not JSON", status_code=200, excerpt="<html>")
        >>> err.status_code, err.excerpt
        (200, '<html>')
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        excerpt: str = "",
        request_id: str | None = None,
    ) -> None:
        super().__init__(self.detail(message, status_code, excerpt))
        self.problem = message
        self.status_code = status_code
        self.excerpt = excerpt
        self.request_id = request_id

    @staticmethod
    def detail(problem: str, status_code: int | None, excerpt: str) -> str:
        """The message: the problem, the status and the excerpt (quoted).

        Args:
            problem: What is wrong with the body.
            status_code: The response's HTTP status, if any.
            excerpt: The start of the body.

        Returns:
            ``"<problem> (status <status_code>, body starts '<excerpt>')"``.
        """
        return f"{problem} (status {status_code}, body starts {excerpt!r})"


class APIError(CustomersError):
    """The server answered with an error status.

    The details come from the error body (``{"error": {"type", "code", "message", "param",
    "doc_url", ...}}``, Stripe's shape and the cursor dialect's) and the response's headers.
    Each text detail is a string only when the server sent a string there, else None: a missing
    ``code`` is None, never the ``type`` in its place.

    Attributes:
        status_code: The HTTP status (``404``).
        type: The error body's ``type`` (``"invalid_request_error"``), or None.
        code: The error body's ``code`` (``"resource_missing"``), or None when it sent none.
        param: The parameter the server blamed (``"email"``), if it named one.
        doc_url: The page documenting ``code``, when the server linked one.
        request_id: The server's request id (Stripe's ``Request-Id`` header), if it sent one.
        headers: The response's headers (an ``httpx.Headers``; empty for an error built by
            hand), with the API key masked should the server echo it.
        body: The parsed error body (usually a dict), or None.
        retry_after: The wait the server asked for, in seconds (``Retry-After``), if any.
        should_retry: Whether the SDK judged the error worth retrying (None: not judged).
        retries: How many retries the SDK made before giving up.

    Example:
        >>> from customers_sdk import APIError, NotFoundError
        >>> err = NotFoundError("No such customer: 'cus_x'", status_code=404, request_id="req_1")
        >>> isinstance(err, APIError), err.status_code, err.request_id, err.code
        (True, 404, 'req_1', None)
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        doc_url: str | None = None,
        headers: httpx.Headers | None = None,
        body: Any = None,
        retry_after: float | None = None,
        should_retry: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.type = type
        self.code = code
        self.param = param
        self.doc_url = doc_url
        self.headers = httpx.Headers() if headers is None else headers
        self.body = body
        self.retry_after = retry_after
        # Set by the transport: whether another attempt could succeed, and how many were made.
        self.should_retry = should_retry
        self.retries = 0

    def _details(self) -> list[tuple[str, str | None]]:
        """The details ``str()`` and ``repr()`` show, in order: ``(name, value)`` pairs."""
        return [
            ("type", self.type),
            ("code", self.code),
            ("param", self.param),
            ("request_id", self.request_id),
        ]

    def __str__(self) -> str:
        parts = [f"{self.status_code}: {self.message}"]
        parts.extend(f"{name}={value}" for name, value in self._details() if value)
        return " ".join(parts)

    def __repr__(self) -> str:
        shown = "".join(f", {name}={value!r}" for name, value in self._details())
        return (
            f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r}"
            f"{shown})"
        )


class BadRequestError(APIError):
    """HTTP 400: the server rejected the request's parameters."""


class AuthenticationError(APIError):
    """HTTP 401: the API key is missing, wrong or revoked."""


class CardError(APIError):
    """HTTP 402: Stripe declined a card (its ``card_error``), e.g. ``source="tok_chargeDeclined"``.

    As in stripe-python, every 402 is a ``CardError``, whatever the body's ``type``: Stripe
    answers 402 only for a request that was valid but failed, and a body without
    ``"type": "card_error"`` still gets this class, with ``decline_code`` None. ``code`` says
    what failed (``"card_declined"``, ``"expired_card"``...), ``decline_code`` why the issuer
    declined, and ``message`` is fit to show the customer.

    Attributes:
        decline_code: The issuer's reason (``"generic_decline"``, ``"insufficient_funds"``...),
            read from the error body, or None when it has none.

    Example:
        >>> from customers_sdk import CardError
        >>> body = {"error": {"type": "card_error", "code": "card_declined",
        ...                   "decline_code": "generic_decline"}}
        >>> err = CardError("Your card was declined.", status_code=402, code="card_declined",
        ...                 body=body)
        >>> err.code, err.decline_code
        ('card_declined', 'generic_decline')
    """

    @property
    def decline_code(self) -> str | None:
        """Stripe's ``decline_code``: why the issuer declined the card, or None."""
        return error_field(self.body, "decline_code")

    def _details(self) -> list[tuple[str, str | None]]:
        details = super()._details()
        details.insert(2, ("decline_code", self.decline_code))
        return details


class PermissionDeniedError(APIError):
    """HTTP 403: the key is valid but may not do this."""


class NotFoundError(APIError):
    """HTTP 404: no such customer (or endpoint)."""


class ConflictError(APIError):
    """HTTP 409: the request conflicts with another one (retried: it is usually transient)."""


class UnprocessableEntityError(APIError):
    """HTTP 422: the body was well-formed but semantically wrong."""


class RateLimitError(APIError):
    """HTTP 429: too many requests. ``retry_after`` says how long the server asked to wait."""


class InternalServerError(APIError):
    """HTTP 5xx: the server failed."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: CardError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class_for_status(status_code: int) -> type[APIError]:
    """The :class:`APIError` subclass for an HTTP status code."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIError)


def error_field(body: Any, name: str) -> str | None:
    """``body["error"][name]`` when the body has that shape and it is a string, else None.

    Example:
        >>> error_field({"error": {"code": "resource_missing", "param": 7}}, "code")
        'resource_missing'
        >>> error_field({"error": {"code": "resource_missing", "param": 7}}, "param") is None
        True
    """
    error = body.get("error") if isinstance(body, dict) else None
    value = error.get(name) if isinstance(error, dict) else None
    return value if isinstance(value, str) else None
