"""The JSON customers API with cursors and filters: ms timestamps, PATCH semantics."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import httpx

from .._errors import InvalidParameterError
from .._filters import check_filter, filters_json
from .._inputs import check_text, shown
from .._request import ListQuery, Query, RequestSpec, id_segment
from .._types import WireFormat
from ._base import (
    CustomerFields,
    Dialect,
    PageContent,
    check_fields,
    invalid_response,
    read_body,
)

if TYPE_CHECKING:
    from .._dialect_models import CursorCustomer

__all__ = ["CursorDialect"]

# Epoch seconds read as milliseconds land before this (1e11 ms): no cursor customer was
# created in 1970-1973, every Stripe customer's `created` (seconds) reads as such a date.
_SECONDS_READ_AS_MS = datetime.fromtimestamp(1e8, timezone.utc)


def _in_seconds(created_at: datetime | None) -> bool:
    return created_at is not None and created_at < _SECONDS_READ_AS_MS


class CursorDialect(Dialect):
    """``/v1/customers`` speaking JSON, under a configurable collection path."""

    name = "cursor"
    operations = frozenset({"list", "get", "create", "update", "delete"})
    list_params = frozenset({"limit", "starting_after", "ending_before", "filters"})
    max_limit = 1000
    wire = WireFormat(timestamp_unit="milliseconds")

    def __init__(self, collection_path: str = "/v1/customers") -> None:
        if (
            not isinstance(collection_path, str)
            or not check_text(collection_path, "collection_path").isprintable()
            or any(char in collection_path for char in "?# ")
        ):
            raise InvalidParameterError(
                f"collection_path must be a URL path without a query, a fragment or spaces, "
                f"got {shown(collection_path)}",
                param="collection_path",
            )
        if not collection_path.startswith("/"):
            collection_path = "/" + collection_path
        self.collection_path = collection_path.rstrip("/")

    def check_list_extras(self, given: dict[str, Any]) -> dict[str, Any]:
        if "filters" in given:
            given["filters"] = check_filter(given["filters"])
        return given

    def build_list(self, query: ListQuery) -> RequestSpec:
        params: list[tuple[str, str]] = []
        if query.limit is not None:
            params.append(("limit", str(query.limit)))
        for name in ("starting_after", "ending_before"):
            value = getattr(query, name)
            if value is not None:
                params.append((name, value))
        if query.filters is not None:
            params.append(("filters", filters_json(query.filters)))
        return RequestSpec("GET", self.collection_path, tuple(params))

    def read_page(self, response: httpx.Response, query: Query) -> PageContent[CursorCustomer]:
        from ._envelopes import CursorEnvelope

        body = read_body(response, CursorEnvelope, self.wire)
        if isinstance(body.url, str) and any(_in_seconds(c.created_at) for c in body.data):
            # A Stripe list (it names its `url`; its `created` is in seconds) read as this
            # dialect's would put every customer in 1970: refuse it.
            raise invalid_response(
                response,
                f"this looks like a Stripe list (url {body.url[:100]!r}, timestamps in seconds), "
                "not the cursor dialect's: point base_url and collection_path at the cursor API "
                f"(collection_path is {self.collection_path!r}; the sandbox serves the cursor "
                "API under /rest: base_url='http://HOST:PORT/rest'), or read this one with "
                "CustomersClient.stripe()",
            )
        return PageContent(body.data, body.has_more)

    def customer_model(self) -> type[CursorCustomer]:
        from .._dialect_models import CursorCustomer  # on first use: see _envelopes

        return CursorCustomer

    def read_customer(self, response: httpx.Response) -> CursorCustomer:
        return read_body(response, self.customer_model(), self.wire)

    def _item(self, customer_id: str) -> str:
        return f"{self.collection_path}/{id_segment(customer_id)}"

    def build_get(self, customer_id: str, params: CustomerFields | None = None) -> RequestSpec:
        return RequestSpec("GET", self._item(customer_id))

    def build_create(self, fields: CustomerFields) -> RequestSpec:
        check_fields(fields)
        return RequestSpec("POST", self.collection_path, json=dict(fields))

    def build_update(self, customer_id: str, fields: CustomerFields) -> RequestSpec:
        # PATCH: an absent key keeps the value, a null sets it to null; fields holds only
        # what the caller gave, so the distinction survives as is.
        check_fields(fields)
        return RequestSpec("PATCH", self._item(customer_id), json=dict(fields))

    def build_delete(self, customer_id: str) -> RequestSpec:
        return RequestSpec("DELETE", self._item(customer_id))
