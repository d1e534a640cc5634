"""Stripe API v1: form-encoded writes, ``created[gte]`` filters, cursor pages, search pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from .._errors import InvalidParameterError
from .._request import (
    ListQuery,
    Params,
    Query,
    RequestSpec,
    SearchQuery,
    check_expand,
    check_id,
    id_segment,
)
from .._types import WireFormat
from ._base import (
    CustomerFields,
    Dialect,
    PageContent,
    check_fields,
    invalid_response,
    read_body,
    replacing,
    without_none,
)
from ._stripe_form import encode_params, form_pairs
from ._stripe_params import CustomerCreateParams, CustomerRetrieveParams, CustomerUpdateParams

if TYPE_CHECKING:
    from .._models import Customer
    from .._stripe_models import StripeCustomer

__all__ = ["StripeDialect"]

_COLLECTION = "/v1/customers"
_RANGE_OPS = frozenset({"gt", "gte", "lt", "lte"})


def _epoch(value: object, param: str) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InvalidParameterError(f"{param} must be an aware datetime", param="created")
        return int(value.timestamp())
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**63:
        raise InvalidParameterError(
            f"{param} must be epoch seconds (a 64-bit int) or an aware datetime", param="created"
        )
    return value


def _created_params(created: object) -> Params:
    if isinstance(created, Mapping):
        if not created or not set(created) <= _RANGE_OPS:
            raise InvalidParameterError(
                f"created takes the keys {sorted(_RANGE_OPS)}, got {sorted(created)}",
                param="created",
            )
        return tuple(
            (f"created[{op}]", str(_epoch(v, f"created[{op}]"))) for op, v in created.items()
        )
    return (("created", str(_epoch(created, "created"))),)


def _form_fields(fields: CustomerFields, shape: type) -> Params:
    # The one Stripe form encoder: None unsets a field (`name=`), and brackets in a metadata
    # key are refused. An empty mapping sends nothing there, but `metadata={}` here means
    # "clear it", as `metadata=""` does, which Stripe spells `metadata=`; a None value unsets
    # one key, as "" does (`metadata[key]=`). Normalized before the checks, which take str.
    metadata = fields.get("metadata")
    if isinstance(metadata, Mapping) and metadata:
        cleared = {key: "" if value is None else value for key, value in metadata.items()}
        fields = {**fields, "metadata": cleared}
    elif "metadata" in fields and (metadata == "" or isinstance(metadata, Mapping)):
        fields = {**fields, "metadata": None}
    check_fields(fields)
    if "expand" in fields:
        check_expand(fields["expand"])
    return encode_params(fields, shape)


def _normalize_plan(item: Mapping[str, Any]) -> dict[str, Any] | None:
    price = item.get("price")
    plan = item.get("plan")
    source = price if isinstance(price, Mapping) else plan
    if not isinstance(source, Mapping):
        return None
    recurring = source.get("recurring")
    if not isinstance(recurring, Mapping):
        recurring = source  # a legacy plan holds interval and interval_count itself
    amount = source.get("unit_amount", source.get("amount"))
    product = source.get("product")
    return {
        "stripe_price_id": source.get("id"),
        "name": source.get("nickname"),
        "amount": amount,
        "currency": source.get("currency"),
        "interval": recurring.get("interval") or source.get("interval"),
        "interval_count": recurring.get("interval_count"),
        "product": product.get("id") if isinstance(product, Mapping) else product,
    }


def _normalize_subscription(raw: Mapping[str, Any]) -> dict[str, Any]:
    # Newer Stripe API versions keep the period and the price on the subscription's items.
    sub = dict(raw)
    items = raw.get("items")
    first = items["data"][0] if isinstance(items, Mapping) and items.get("data") else None
    if isinstance(first, Mapping):
        for key in ("current_period_start", "current_period_end"):
            sub.setdefault(key, first.get(key))
    # A top-level (legacy) plan wins, but is mapped like one on an item.
    if isinstance(sub.get("plan"), Mapping):
        sub["plan"] = _normalize_plan({"plan": sub["plan"]})
    elif isinstance(first, Mapping):
        sub["plan"] = _normalize_plan(first)
    return sub


def _subscriptions(value: Any) -> Any:
    if isinstance(value, Mapping):  # an expanded list object
        value = value.get("data")
    if isinstance(value, list):
        return [_normalize_subscription(s) for s in value]
    return value


class StripeDialect(Dialect):
    """Stripe's ``/v1/customers``."""

    name = "stripe"
    operations = frozenset({"list", "get", "create", "update", "delete", "search"})
    list_params = frozenset(
        {"limit", "starting_after", "ending_before", "email", "created", "expand", "test_clock"}
    )
    max_limit = 100
    api_key_env = "STRIPE_API_KEY"
    default_base_url = "https://api.stripe.com"
    # Timestamps: epoch seconds.
    wire = WireFormat(subscriptions=_subscriptions, repeats_values=True)
    slices_by_created = True  # see _stripe_slices

    def check_list_extras(self, given: dict[str, Any]) -> dict[str, Any]:
        if "created" in given:
            _created_params(given["created"])  # validate now, encode when building
        if "expand" in given:
            given["expand"] = check_expand(given["expand"], "data.")
        if "test_clock" in given:
            given["test_clock"] = check_id(given["test_clock"], "test_clock")
        return given

    def build_list(self, query: ListQuery) -> RequestSpec:
        params: list[tuple[str, str]] = []
        if query.limit is not None:
            params.append(("limit", str(query.limit)))
        for name in ("starting_after", "ending_before", "email"):
            value = getattr(query, name)
            if value is not None:
                params.append((name, value))
        if query.created is not None:
            params.extend(_created_params(query.created))
        if query.test_clock is not None:
            params.append(("test_clock", query.test_clock))
        params.extend((f"expand[{i}]", path) for i, path in enumerate(query.expand))
        return RequestSpec("GET", _COLLECTION, tuple(params))

    def build_search(self, query: SearchQuery) -> RequestSpec:
        params: dict[str, object] = {"query": query.query}
        if query.limit is not None:
            params["limit"] = query.limit
        if query.page is not None:
            params["page"] = query.page
        if query.expand:
            params["expand"] = list(query.expand)
        return RequestSpec("GET", f"{_COLLECTION}/search", form_pairs(params))

    def read_page(self, response: httpx.Response, query: Query) -> PageContent[StripeCustomer]:
        from ._envelopes import StripeEnvelope

        body = read_body(response, StripeEnvelope, self.wire)
        token = body.next_page
        if isinstance(query, SearchQuery) and body.has_more and not isinstance(token, str):
            raise invalid_response(response, "search result has more pages but no next_page")
        return PageContent(
            body.data,
            body.has_more,
            next_page_token=token if isinstance(token, str) else None,
            total_count=body.total_count,
        )

    def next_query(self, query: Query, content: PageContent[Customer]) -> Query | None:
        if isinstance(query, SearchQuery):
            if not content.has_more or not content.items or content.next_page_token is None:
                return None
            return replace(query, page=content.next_page_token)
        return super().next_query(query, content)

    def customer_model(self) -> type[StripeCustomer]:
        from .._stripe_models import StripeCustomer  # on first use: see _envelopes

        return StripeCustomer

    def read_customer(self, response: httpx.Response) -> StripeCustomer:
        return read_body(response, self.customer_model(), self.wire)

    def build_get(self, customer_id: str, params: CustomerFields | None = None) -> RequestSpec:
        pairs: Params = ()
        params = without_none(params or {})
        if params:
            if "expand" in params:
                check_expand(params["expand"])
            pairs = encode_params(params, CustomerRetrieveParams)
        return RequestSpec("GET", f"{_COLLECTION}/{id_segment(customer_id)}", pairs)

    def build_create(self, fields: CustomerFields) -> RequestSpec:
        # A new customer has nothing to unset: None is "not given" here (update unsets).
        form = _form_fields(without_none(fields), CustomerCreateParams)
        return RequestSpec("POST", _COLLECTION, form=form)

    def build_update(self, customer_id: str, fields: CustomerFields) -> RequestSpec:
        form = _form_fields(fields, CustomerUpdateParams)
        return RequestSpec("POST", f"{_COLLECTION}/{id_segment(customer_id)}", form=form)

    # Stripe reads the params of a GET or DELETE from the query, of a POST from the form.
    def query_pairs(self, values: Mapping[str, object], param: str) -> Params:
        try:
            return form_pairs(values)
        except InvalidParameterError as exc:  # named after the key: the caller passed `param`
            raise InvalidParameterError(f"{param}: {exc}", param=param) from None

    def add_body(self, spec: RequestSpec, body: Mapping[str, object]) -> RequestSpec:
        pairs = self.query_pairs(body, "extra_body")
        if spec.form is not None:
            return replace(spec, form=replacing(spec.form, pairs))
        return replace(spec, params=replacing(spec.params, pairs))

    def build_delete(self, customer_id: str) -> RequestSpec:
        return RequestSpec("DELETE", f"{_COLLECTION}/{id_segment(customer_id)}")
