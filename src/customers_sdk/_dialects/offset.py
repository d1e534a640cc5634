"""The offset-paginated public customers API: camelCase objects, ``pagination``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import httpx

from .._errors import InvalidParameterError
from .._inputs import shown
from .._request import ListQuery, Query, RequestSpec
from .._types import WireFormat
from ._base import Dialect, PageContent, read_body

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .._dialect_models import OffsetCustomer
    from .._models import Customer

__all__ = ["OffsetDialect", "snake_case"]

_COLLECTION = "/api/public/customers"
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])([A-Z])")


@lru_cache(maxsize=512)
def snake_case(name: str) -> str:
    """``stripeCustomerId`` -> ``stripe_customer_id``; snake_case names pass through."""
    return _CAMEL_HUMP.sub(r"_\1", name).lower()


def _snake_extras(customers: Iterable[Customer]) -> None:
    # Declared fields are aliases (see _models); this renames, in place, only what no model
    # declares: the unknown fields of customers, subscriptions and plans. One pass a page,
    # which finds nothing to do on most pages, costs far less than a validator on every model.
    for customer in customers:
        _snake_extra(customer)
        for subscription in customer.subscriptions or ():
            _snake_extra(subscription)
            if subscription.plan is not None:
                _snake_extra(subscription.plan)


def _snake_extra(model: BaseModel) -> None:
    if model.__pydantic_extra__:
        model.__pydantic_extra__ = _snake_keys(model.__pydantic_extra__)


def _snake_keys(raw: Any) -> Any:
    if isinstance(raw, dict):
        return {snake_case(key): _snake_keys(value) for key, value in raw.items()}
    if isinstance(raw, list):
        return [_snake_keys(value) for value in raw]
    return raw


class OffsetDialect(Dialect):
    """``GET /api/public/customers`` with ``limit``/``offset``; list is its only operation."""

    name = "offset"
    operations = frozenset({"list"})
    list_params = frozenset({"limit", "offset", "include_subscriptions"})
    max_limit = 100
    wire = WireFormat(camel_case=True)  # timestamps: ISO 8601

    def check_list_extras(self, given: dict[str, Any]) -> dict[str, Any]:
        offset = given.get("offset", 0)
        if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset < 2**63:
            raise InvalidParameterError(
                f"offset must be a 64-bit int >= 0, got {shown(offset)}", param="offset"
            )
        flag = given.get("include_subscriptions", False)
        if not isinstance(flag, bool):
            raise InvalidParameterError(
                "include_subscriptions must be a bool", param="include_subscriptions"
            )
        return given

    def build_list(self, query: ListQuery) -> RequestSpec:
        params: list[tuple[str, str]] = []
        if query.limit is not None:
            params.append(("limit", str(query.limit)))
        if query.offset is not None:
            params.append(("offset", str(query.offset)))
        if query.include_subscriptions is not None:
            params.append(
                ("include_subscriptions", "true" if query.include_subscriptions else "false")
            )
        return RequestSpec("GET", _COLLECTION, tuple(params))

    def read_page(self, response: httpx.Response, query: Query) -> PageContent[OffsetCustomer]:
        from ._envelopes import OffsetEnvelope

        body = read_body(response, OffsetEnvelope, self.wire)
        _snake_extras(body.data)
        return PageContent(body.data, body.pagination.has_more, body.pagination)

    def customer_model(self) -> type[OffsetCustomer]:
        from .._dialect_models import OffsetCustomer  # on first use: see _envelopes

        return OffsetCustomer

    def read_customer(self, response: httpx.Response) -> OffsetCustomer:
        return read_body(response, self.customer_model(), self.wire)

    def next_query(self, query: Query, content: PageContent[Customer]) -> Query | None:
        if not content.has_more or not content.items or not isinstance(query, ListQuery):
            return None
        assert content.pagination is not None  # read_page always sets it for this dialect
        return offset_query(query, content.pagination.offset + len(content.items))

    def previous_query(self, query: Query, content: PageContent[Customer]) -> Query | None:
        if not isinstance(query, ListQuery) or content.pagination is None:
            return None
        start = content.pagination.offset
        if start <= 0:
            return None
        return offset_query(query, max(0, start - (query.limit or content.pagination.limit)))

    def stall(
        self, query: Query, content: PageContent[Customer], following: Query | None
    ) -> str | None:
        sent = query.offset if isinstance(query, ListQuery) else None
        if isinstance(following, ListQuery) and (following.offset or 0) <= (sent or 0):
            return f"the next offset {following.offset} is not past this page's {sent or 0}"
        return super().stall(query, content, following)


def offset_query(query: ListQuery, offset: int) -> ListQuery:
    """``query`` moved to ``offset``; the page size stays what the caller asked for."""
    return replace(query, offset=offset)
