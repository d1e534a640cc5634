"""What every dialect shares: argument checks, JSON reading, error bodies, customer parsing.

A dialect is data (its name, operations, params, limit range, paths) plus pure functions from
queries to :class:`RequestSpec` and from ``httpx.Response`` to models. No I/O happens here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

import httpx
from pydantic import ValidationError
from pydantic_core import from_json

from .._errors import (
    APIError,
    InvalidParameterError,
    ResponseValidationError,
    UnsupportedOperationError,
    error_class_for_status,
    error_field,
)
from .._inputs import check_nesting, check_text, number_text, shown
from .._request import ListQuery, Params, Query, RequestSpec, SearchQuery, check_id
from .._types import WireFormat

if TYPE_CHECKING:
    from .._models import Customer, Pagination

__all__ = ["CustomerFields", "Dialect", "PageContent", "read_body", "replacing", "without_none"]

CustomerFields = Mapping[str, Any]
"""The fields of a create/update call that the caller gave (``None`` = set to null)."""

EXCERPT_CHARS = 200
# How pydantic-core's parser says a body is nested past its limit.
_TOO_DEEP = "recursion limit exceeded"


CustomerT_co = TypeVar("CustomerT_co", bound="Customer", covariant=True)


@dataclass(frozen=True, slots=True)
class PageContent(Generic[CustomerT_co]):
    """What a dialect reads out of one list or search response: customers of its own type
    (``PageContent[StripeCustomer]`` from the Stripe dialect)."""

    items: list[CustomerT_co]
    has_more: bool
    pagination: Pagination | None = None
    next_page_token: str | None = None
    total_count: int | None = None


def excerpt(response: httpx.Response) -> str:
    return response.content[:EXCERPT_CHARS].decode("utf-8", "replace")


def without_none(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` less those given as ``None``: where ``None`` cannot mean "unset" (a read, a
    create), it means "not given", as stripe-python's encoder has it.

    Example:
        >>> without_none({"limit": None, "email": "ada@example.com"})
        {'email': 'ada@example.com'}
    """
    return {key: value for key, value in params.items() if value is not None}


def invalid_response(response: httpx.Response, problem: str) -> ResponseValidationError:
    return ResponseValidationError(
        problem,
        status_code=response.status_code,
        excerpt=excerpt(response),
        request_id=request_id_of(response),
    )


def request_id_of(response: httpx.Response) -> str | None:
    headers = response.headers
    found: str | None = headers.get("request-id") or headers.get("x-request-id")
    return found


EnvelopeT = TypeVar("EnvelopeT")


def read_body(response: httpx.Response, shape: type[EnvelopeT], wire: WireFormat) -> EnvelopeT:
    """The JSON body validated as ``shape`` in one pass, by its validator for ``wire``; any
    mismatch is a :class:`ResponseValidationError` that names the first wrong field."""
    from ._envelopes import wire_validator  # on first use, as the models are

    try:
        # cast: mypy does not see a class as Hashable, which functools.cache asks for.
        body: EnvelopeT = wire_validator(cast(Any, shape), wire).validate_json(
            response.content, context=wire
        )
    except ValidationError as exc:
        problem = _describe(exc)
    else:
        return body
    # Raised out of the `except`, so pydantic's error is neither the cause nor the context:
    # its text quotes the offending input, which may be anything, an echoed key included.
    raise invalid_response(response, problem)


def _describe(exc: ValidationError) -> str:
    # include_input=False: the offending value could be anything, a secret included.
    errors = exc.errors(include_url=False, include_input=False)
    error = errors[0]
    if error["type"] == "json_invalid":
        return f"response body is not valid JSON ({error['msg']})"
    location = ".".join(str(part) for part in error["loc"])
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    if not location:
        return f"expected a JSON object: {error['msg']}{more}"
    return f"unexpected response body at {location}: {error['msg']}{more}"


def read_error(response: httpx.Response) -> APIError:
    """Map an error response of any dialect to the typed :class:`APIError` for its status,
    with the details of its body and its headers (as they are: the caller masks the key)."""
    try:
        # pydantic-core's parser, as for every other body: its nesting limit turns a hostile
        # 100,000-deep body into an error, where json.loads would exhaust the stack.
        body: Any = from_json(response.content)
    except ValueError as exc:
        if _TOO_DEEP in str(exc):
            raise invalid_response(response, f"response body is not valid JSON ({exc})") from exc
        body = excerpt(response)
    message: object = None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            message = error.get("message")
        elif isinstance(error, str):
            message = body.get("message") or error
        else:
            message = body.get("message")
    if not isinstance(message, str) or not message:
        message = response.reason_phrase or f"HTTP {response.status_code}"
    cls = error_class_for_status(response.status_code)
    return cls(
        message,
        status_code=response.status_code,
        request_id=request_id_of(response),
        type=error_field(body, "type"),
        code=error_field(body, "code"),
        param=error_field(body, "param"),
        doc_url=error_field(body, "doc_url"),
        headers=response.headers,
        body=body,
    )


class Dialect:
    """Base of the three dialects. Subclasses fill in the class data and the builders."""

    name: ClassVar[str]
    operations: ClassVar[frozenset[str]]
    list_params: ClassVar[frozenset[str]]
    max_limit: ClassVar[int]
    api_key_env: ClassVar[str] = "CUSTOMERS_API_KEY"
    default_base_url: ClassVar[str | None] = None
    wire: ClassVar[WireFormat] = WireFormat()
    slices_by_created: ClassVar[bool] = False
    """Whether a concurrent list walk can be cut into ``created`` slices (Stripe's)."""

    def require(self, operation: str) -> None:
        """Raise :class:`UnsupportedOperationError` unless this dialect has ``operation``."""
        if operation not in self.operations:
            raise UnsupportedOperationError(operation, self.name)

    # -- list -------------------------------------------------------------------------------
    def list_query(self, given: Mapping[str, Any]) -> ListQuery:
        """Check the caller's ``list()`` arguments (only those given) and freeze them. A
        param given as ``None`` is not given, as stripe-python's encoder drops it: a loop
        that starts with ``cursor = None`` ports as it is."""
        for param in given:
            if param not in self.list_params:
                raise InvalidParameterError(
                    f"the {self.name!r} dialect does not take {param!r}; it takes "
                    f"{', '.join(sorted(self.list_params))}",
                    param=param,
                )
        given = without_none(given)
        if "limit" in given:
            self.check_limit(given["limit"])
        for cursor in ("starting_after", "ending_before"):
            if cursor in given:
                _check_cursor(given[cursor], cursor)
        if "starting_after" in given and "ending_before" in given:
            raise InvalidParameterError(
                "pass starting_after or ending_before, not both", param="ending_before"
            )
        if "email" in given:
            if not isinstance(given["email"], str):
                raise InvalidParameterError("email must be a string", param="email")
            check_text(given["email"], "email")
        return ListQuery(**self.check_list_extras(dict(given)))

    def check_list_extras(self, given: dict[str, Any]) -> dict[str, Any]:
        """Dialect-specific checks and conversions of list params (hook)."""
        return given

    def check_limit(self, limit: object) -> int:
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise InvalidParameterError(
                f"limit must be an int, got {type(limit).__name__}", param="limit"
            )
        if not 1 <= limit <= self.max_limit:
            raise InvalidParameterError(
                f"limit must be between 1 and {self.max_limit} for the {self.name!r} dialect, "
                f"got {shown(limit)}",
                param="limit",
            )
        return limit

    def build_list(self, query: ListQuery) -> RequestSpec:
        raise NotImplementedError

    def read_page(self, response: httpx.Response, query: Query) -> PageContent[Customer]:
        raise NotImplementedError

    def next_query(self, query: Query, content: PageContent[Customer]) -> Query | None:
        """The query for the page after ``content``, or ``None`` when it was the last one.

        Cursor paging by default: forward from the last id, backward from the first.
        """
        if not content.has_more or not content.items or not isinstance(query, ListQuery):
            return None
        if query.backward:
            return replace(query, ending_before=content.items[0].id)
        return replace(query, starting_after=content.items[-1].id)

    def previous_query(self, query: Query, content: PageContent[Customer]) -> Query | None:
        """The query for the page before ``content`` (stripe-python's ``previous_page``), or
        ``None`` where there is none to ask for: an empty page, a search.

        Cursor paging by default: the items just before the first one (``ending_before``),
        with the same filters; the page after a list's top one asks for customers created
        since.
        """
        if not content.items or not isinstance(query, ListQuery):
            return None
        return replace(query, starting_after=None, ending_before=content.items[0].id)

    def follow(
        self, query: Query, content: PageContent[Customer], response: httpx.Response
    ) -> Query | None:
        """:meth:`next_query`, checked: a page that says more follow must move the walk on.

        Every walk (sync, async, concurrent, backward) gets its next query here, so a server
        that repeats a cursor or a token, or claims more after an empty page, is a
        :class:`ResponseValidationError` at once rather than an endless loop.
        """
        following = self.next_query(query, content)
        if content.has_more and (problem := self.stall(query, content, following)):
            raise invalid_response(response, f"{problem}: the walk would not advance")
        return following

    def stall(
        self, query: Query, content: PageContent[Customer], following: Query | None
    ) -> str | None:
        """Why the page after ``content`` would not advance the walk (``None``: it would)."""
        if not content.items:
            return "the page is empty but has_more is true"
        if following == query:
            return "the next page would be asked for with this page's own cursor or token"
        return None

    # -- what the SDK does not know yet: extra_query / extra_body ------------------------------
    def with_extras(
        self,
        spec: RequestSpec,
        query: Mapping[str, object] | None,
        body: Mapping[str, object] | None,
    ) -> RequestSpec:
        """``spec`` with a call's ``extra_query`` in its query and ``extra_body`` in its body,
        checked as the dialect's own params are; a param the call sends already is replaced."""
        if query is not None:
            extra = self.query_pairs(_mapping(query, "extra_query"), "extra_query")
            spec = replace(spec, params=replacing(spec.params, extra))
        if body is not None:
            spec = self.add_body(spec, _mapping(body, "extra_body"))
        return spec

    def query_pairs(self, values: Mapping[str, object], param: str) -> Params:
        """Flat query pairs: a JSON API's query holds scalars (booleans as ``true``/``false``)."""
        pairs = []
        for key, value in values.items():
            if not isinstance(key, str) or not key:
                raise InvalidParameterError(f"{param} keys must be non-empty strings", param=param)
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, int | float):
                value = number_text(value, param, f"{param}[{key!r}]")
            if not isinstance(value, str):
                raise InvalidParameterError(
                    f"{param}[{key!r}] must be a str, int, float or bool, "
                    f"got {type(value).__name__}",
                    param=param,
                )
            pairs.append((check_text(key, param), check_text(value, param)))
        return tuple(pairs)

    def add_body(self, spec: RequestSpec, body: Mapping[str, object]) -> RequestSpec:
        """A JSON body with ``body``'s keys added (over the call's own)."""
        if spec.json is None:
            raise InvalidParameterError(
                f"a {spec.method} request of the {self.name!r} dialect has no body: "
                "pass extra_query instead of extra_body",
                param="extra_body",
            )
        check_nesting(body, "extra_body")  # json.dumps recurses: a cycle exhausts the stack
        merged = {**spec.json, **body}
        try:  # what httpx would fail on later, refused before sending
            json.dumps(merged, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                f"extra_body cannot be sent as JSON: {exc}", param="extra_body"
            ) from None
        return replace(spec, json=merged)

    # -- single objects -----------------------------------------------------------------------
    def build_get(self, customer_id: str, params: CustomerFields | None = None) -> RequestSpec:
        """``params``: the operation's own query params (Stripe's ``expand``)."""
        raise NotImplementedError

    def build_create(self, fields: CustomerFields) -> RequestSpec:
        raise NotImplementedError

    def build_update(self, customer_id: str, fields: CustomerFields) -> RequestSpec:
        raise NotImplementedError

    def build_delete(self, customer_id: str) -> RequestSpec:
        raise NotImplementedError

    def build_search(self, query: SearchQuery) -> RequestSpec:
        raise NotImplementedError

    def customer_model(self) -> type[Customer]:
        """This dialect's subclass of :class:`Customer` (its module loads on this first call)."""
        raise NotImplementedError

    def read_customer(self, response: httpx.Response) -> Customer:
        """The customer in the body, as this dialect's subclass of :class:`Customer`."""
        raise NotImplementedError


def replacing(pairs: Params, extra: Params) -> Params:
    """``pairs`` with ``extra`` after them, in place of any pair of the same param: a key
    ``a[b]`` belongs to param ``a``, as Stripe reads it. The caller's extras win, as a dict
    update would (a JSON body is merged that way too)."""
    names = {key.split("[", 1)[0] for key, _ in extra}
    return tuple(pair for pair in pairs if pair[0].split("[", 1)[0] not in names) + extra


def _mapping(value: object, param: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            f"{param} must be a dict, got {type(value).__name__}", param=param
        )
    return value


def _check_cursor(value: object, param: str) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidParameterError(f"{param} must be a non-empty customer id", param=param)
    check_id(value, param)


def check_fields(fields: CustomerFields) -> None:
    """Types of create/update fields: strings or ``None``, metadata a ``dict[str, str]``;
    every text one UTF-8 can encode."""
    for name in ("email", "name", "phone"):
        if name in fields and fields[name] is not None:
            if not isinstance(fields[name], str):
                raise InvalidParameterError(
                    f"{name} must be a string or None, got {type(fields[name]).__name__}",
                    param=name,
                )
            check_text(fields[name], name)
    metadata = fields.get("metadata")
    if metadata is None:
        return
    if not isinstance(metadata, Mapping):
        raise InvalidParameterError("metadata must be a dict of str to str", param="metadata")
    for key, value in metadata.items():
        if not isinstance(key, str) or not key or not isinstance(value, str):
            raise InvalidParameterError(
                "metadata must map non-empty str keys to str values, "
                f"got {shown(key)}: {shown(value)}",
                param="metadata",
            )
        check_text(key, "metadata")
        check_text(value, "metadata")
