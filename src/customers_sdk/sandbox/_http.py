"""Wire-level building blocks shared by every dialect: requests, replies, errors, parameters."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from pydantic_core import from_json

from ._faults import Fault

JSONObject = dict[str, Any]
_INTEGER = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class Request:
    """A request as the dialects see it: header names lower-cased, query parsed (last wins)."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    params: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(
        cls, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> Request:
        return cls(
            method=method.upper(),
            path=path,
            query=query,
            headers={name.lower(): value for name, value in headers.items()},
            body=body,
            params=dict(parse_qsl(query, keep_blank_values=True)),
        )

    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Reply:
    """What a dialect handler answers: a status and a JSON document."""

    status: int
    body: JSONObject
    headers: tuple[tuple[str, str], ...] = ()


class ApiError(Exception):
    """An error reply; each dialect renders it in its own error shape."""

    def __init__(
        self,
        status: int,
        type: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.type = type
        self.message = message
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.headers = headers


@dataclass(frozen=True)
class SandboxResponse:
    """The sandbox's answer to one request, plus how the connection misbehaves, if it does.

    `fault` names the fault applied to this request. For `reset` the request never reached
    the application (status is 0 and nothing would be sent); for `commit_then_drop` the
    response was produced and the write committed, but the connection drops before it is
    sent; for `truncated` only the first half of `body` is sent. `server_error` and
    `rate_limit` are ordinary, complete responses.

    >>> SandboxResponse(200, (("Content-Type", "application/json"),), b"{}").json()
    {}
    """

    status: int
    """The HTTP status (0 when a `reset` fault kept the request from the application)."""
    headers: tuple[tuple[str, str], ...]
    """The response headers, as `(name, value)` pairs."""
    body: bytes
    """The response body."""
    fault: Fault | None = None
    """The fault applied to this request, or None."""

    @property
    def drops_connection(self) -> bool:
        """True when the connection closes without a reply."""
        return self.fault in (Fault.RESET, Fault.COMMIT_THEN_DROP)

    @property
    def truncates_body(self) -> bool:
        """True when only half the body is sent before the connection closes."""
        return self.fault is Fault.TRUNCATED

    def json(self) -> Any:
        """The body, parsed as JSON.

        Returns:
            The parsed document.
        """
        return parse_json(self.body)


def parse_json(raw: bytes | str) -> Any:
    """A JSON document, nested at most 200 levels (pydantic-core's parser's fixed limit).

    A fixed limit, not the interpreter's recursion limit, which a notebook or a test runner
    may have raised: the same body gets the same answer everywhere. Deeper is a
    ``RecursionError`` (answered as a 400 "nested too deeply"); anything else not JSON is a
    ``ValueError``.

    Example:
        >>> parse_json(b'{"a": [1, 2]}')
        {'a': [1, 2]}
    """
    try:
        return from_json(raw)
    except ValueError as exc:
        if str(exc).startswith("recursion limit exceeded"):
            raise RecursionError(str(exc)) from None
        raise


def encode_json(document: JSONObject) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def presented_api_key(request: Request, *, allow_basic: bool) -> str | None:
    """The key from `Authorization: Bearer <key>` (or Basic with the key as user name)."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer" and credentials:
        return credentials
    if allow_basic and scheme.lower() == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except ValueError:
            return None
        return decoded.partition(":")[0] or None
    return None


def mask_api_key(key: str) -> str:
    """Enough of a key to recognise it in an error message, never the secret part.

    >>> mask_api_key("sk_test_abcdefghijklmnop")
    'sk_test_***nop'
    >>> mask_api_key("short")
    '***'
    """
    if len(key) < 12:
        return "***"
    prefix_end = key.rfind("_", 0, 8) + 1
    return f"{key[:prefix_end]}***{key[-3:]}"


def int_param(
    raw: str | None,
    *,
    name: str,
    default: int,
    minimum: int,
    maximum: int | None,
    error_code: str,
) -> int:
    """Parse an integer query parameter or raise a 400 naming it."""
    if raw is None:
        return default
    try:
        value = int(raw.strip()) if raw.strip().lstrip("-").isdigit() else int("x")
    except ValueError:
        raise ApiError(
            400,
            "invalid_request_error",
            f"Invalid integer: {raw!r} for {name}.",
            code=error_code,
            param=name,
        ) from None
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise ApiError(
            400, "invalid_request_error", f"{name} must be {bounds}, got {value}.",
            code=error_code, param=name,
        )  # fmt: skip
    return value


def bool_param(raw: str | None, *, name: str, default: bool, error_code: str) -> bool:
    """Parse `true`/`false`/`1`/`0` (any case) or raise a 400 naming the parameter."""
    if raw is None:
        return default
    normalized = raw.strip().lower()
    if normalized in ("true", "1"):
        return True
    if normalized in ("false", "0"):
        return False
    raise ApiError(
        400, "invalid_request_error", f"{name} must be true or false, got {raw!r}.",
        code=error_code, param=name,
    )  # fmt: skip


def reject_unknown_params(names: Iterable[str], allowed: frozenset[str], *, code: str) -> None:
    """400 for the first parameter a strict endpoint does not take."""
    for name in names:
        if name not in allowed:
            raise ApiError(
                400, "invalid_request_error", f"Received unknown parameter: {name}",
                code=code, param=name,
            )  # fmt: skip
