"""What makes a dialect: its paths, handlers, error shapes and house rules, held as data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from urllib.parse import unquote

from ._http import ApiError, JSONObject, Reply, Request
from ._store import Store


class Condition(Enum):
    """Failures every dialect has, each dialect wording them its own way."""

    MISSING_KEY = "missing_key"
    INVALID_KEY = "invalid_key"
    FORBIDDEN = "forbidden"
    UNKNOWN_PATH = "unknown_path"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"


@dataclass(frozen=True)
class ErrorTemplate:
    """How a dialect words a Condition; `message` is a str.format template."""

    status: int
    type: str
    code: str | None
    message: str


@dataclass(frozen=True)
class Context:
    """Everything a handler may use: the request, the store, the time, the path's id."""

    request: Request
    store: Store
    now_ms: int
    customer_id: str = ""


Handler = Callable[[Context], Reply]
Routes = Mapping[str, Handler]
"""HTTP method -> handler for one path."""


@dataclass(frozen=True)
class Dialect:
    """One wire dialect: where it lives, what it answers, how it words errors.

    Paths below `prefix`: the collection itself, a few named sub-resources (Stripe's
    `search`) and `/{id}` items. `namespace` is the path root whose unknown paths are still
    answered in this dialect's error shape.
    """

    name: str
    namespace: str
    prefix: str
    collection: Routes
    item: Routes
    named: Mapping[str, Routes]
    errors: Mapping[Condition, ErrorTemplate]
    render_error: Callable[[ApiError], JSONObject]
    idempotent_methods: frozenset[str]
    allow_basic_auth: bool

    def owns(self, raw_path: str) -> bool:
        """Whether errors for this path are worded in this dialect."""
        namespace = self.namespace
        return not namespace or raw_path == namespace or raw_path.startswith(namespace + "/")

    def error(self, condition: Condition, **details: object) -> ApiError:
        template = self.errors[condition]
        return ApiError(
            template.status, template.type, template.message.format(**details), code=template.code
        )

    def resolve(self, method: str, raw_path: str) -> tuple[Handler, str]:
        """The handler for a path and the customer id in it ("" for collection paths).

        The id segment is percent-decoded exactly once and must be a single segment, so
        `../x` or an encoded slash can only ever name a customer that does not exist.
        """
        routes, customer_id = self._routes_for(raw_path)
        if routes is None:
            raise self.error(Condition.UNKNOWN_PATH, method=method, path=raw_path)
        handler = routes.get(method)
        if handler is None:
            error = self.error(Condition.METHOD_NOT_ALLOWED, method=method, path=raw_path)
            if error.status == 405:
                error.headers = (("Allow", ", ".join(sorted(routes))),)
            raise error
        return handler, customer_id

    def _routes_for(self, raw_path: str) -> tuple[Routes | None, str]:
        if raw_path == self.prefix:
            return self.collection, ""
        if not raw_path.startswith(self.prefix + "/"):
            return None, ""
        segment = raw_path[len(self.prefix) + 1 :]
        if not segment or "/" in segment:
            return None, ""
        if segment in self.named:
            return self.named[segment], ""
        return (self.item or None), unquote(segment)


def rest_error_body(error: ApiError) -> JSONObject:
    """The `{"error": {"type", "code", "message"}}` shape of the offset and cursor dialects."""
    return {
        "error": {
            "type": error.type,
            "code": error.code or error.type,
            "message": error.message,
        }
    }


REST_ERRORS: Mapping[Condition, ErrorTemplate] = {
    Condition.MISSING_KEY: ErrorTemplate(
        401, "authentication_error", "missing_api_key",
        "Missing API key: send it as 'Authorization: Bearer <key>'.",
    ),
    Condition.INVALID_KEY: ErrorTemplate(
        401, "authentication_error", "invalid_api_key", "Invalid API key provided: {key}",
    ),
    Condition.FORBIDDEN: ErrorTemplate(
        403, "permission_error", "forbidden",
        "The API key {key} is not allowed to access this resource.",
    ),
    Condition.UNKNOWN_PATH: ErrorTemplate(
        404, "not_found", "route_not_found", "No route for {method} {path}.",
    ),
    Condition.METHOD_NOT_ALLOWED: ErrorTemplate(
        405, "invalid_request_error", "method_not_allowed",
        "Method {method} is not allowed on {path}.",
    ),
    Condition.RATE_LIMITED: ErrorTemplate(
        429, "rate_limit_error", "rate_limited",
        "Too many requests; retry after {retry_after} seconds.",
    ),
    Condition.UNAVAILABLE: ErrorTemplate(
        503, "api_error", "service_unavailable",
        "The service is temporarily unavailable; please retry.",
    ),
    Condition.IDEMPOTENCY_KEY_REUSED: ErrorTemplate(
        409, "conflict", "idempotency_key_reused",
        "Idempotency-Key {idempotency_key!r} was already used for a different request.",
    ),
}  # fmt: skip
"""Error wording shared by the two non-Stripe dialects."""
