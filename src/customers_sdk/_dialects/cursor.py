"""The JSON customers API with cursors and filters (seed 003): ms timestamps, PATCH semantics."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx

from .._filters import check_filter
from .._request import ListQuery, Query, RequestSpec, id_segment
from .._types import WireFormat
from ._base import CustomerFields, Dialect, PageContent, check_fields, read_body

if TYPE_CHECKING:
    from .._dialect_models import CursorCustomer

__all__ = ["CursorDialect"]


class CursorDialect(Dialect):
    """``/v1/customers`` speaking JSON, under a configurable collection path."""

    name = "cursor"
    operations = frozenset({"list", "get", "create", "update", "delete"})
    list_params = frozenset({"limit", "starting_after", "ending_before", "filters"})
    max_limit = 1000
    wire = WireFormat(timestamp_unit="milliseconds")

    def __init__(self, collection_path: str = "/v1/customers") -> None:
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
            params.append(("filters", json.dumps(query.filters, separators=(",", ":"))))
        return RequestSpec("GET", self.collection_path, tuple(params))

    def read_page(self, response: httpx.Response, query: Query) -> PageContent[CursorCustomer]:
        from ._envelopes import ListEnvelope

        body = read_body(response, ListEnvelope, self.wire)
        return PageContent(body.data, body.has_more)

    def read_customer(self, response: httpx.Response) -> CursorCustomer:
        from .._dialect_models import CursorCustomer  # on first use: see _envelopes

        return read_body(response, CursorCustomer, self.wire)

    def _item(self, customer_id: str) -> str:
        return f"{self.collection_path}/{id_segment(customer_id)}"

    def build_get(self, customer_id: str) -> RequestSpec:
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
