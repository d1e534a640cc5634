"""Stripe customers as Stripe renders them, and what `expand` adds to them."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._http import ApiError, JSONObject
from ._seed import subscriptions_of
from ._store import CustomerRecord, Subscription, make_id

_DELINQUENT_STATUSES = frozenset({"past_due", "unpaid"})
_ADDRESS_KEYS = ("city", "country", "line1", "line2", "postal_code", "state")


def render_customer(record: CustomerRecord, expand: frozenset[str] = frozenset()) -> JSONObject:
    """A customer exactly as Stripe v1 returns one (fields as in Stripe's OpenAPI fixture,
    plus `business_name` and `individual_name`), with the `expand`ed fields filled in."""
    if record.deleted:
        return {"id": record.id, "object": "customer", "deleted": True}
    subscriptions = subscriptions_of(record)
    plans = [s.plan for s in subscriptions if s.plan is not None]
    customer: JSONObject = {
        "id": record.id,
        "object": "customer",
        "address": None,
        "balance": 0,
        "business_name": None,
        "created": record.created_ms // 1000,
        "currency": plans[0].currency if plans else None,
        "default_source": None,
        "delinquent": any(s.status in _DELINQUENT_STATUSES for s in subscriptions),
        "description": record.description,
        "discount": None,
        "email": record.email,
        "individual_name": None,
        "invoice_prefix": f"{zlib.crc32(record.id.encode()):08X}",
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": dict(record.metadata),
        "name": record.name,
        "next_invoice_sequence": 1,
        "phone": record.phone,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }
    if record.stripe:
        _render_stored(customer, record.stripe)
    for path in expand:
        _EXPANSIONS[path](customer, record, subscriptions)
    return customer


def _render_stored(customer: JSONObject, stored: Mapping[str, Any]) -> None:
    for name in ("balance", "business_name", "individual_name", "next_invoice_sequence"):
        if name in stored:
            customer[name] = stored[name]
    for name in ("invoice_prefix", "preferred_locales", "test_clock", "default_source", "discount"):
        if stored.get(name) is not None:
            customer[name] = stored[name]
    if stored.get("tax_exempt"):
        customer["tax_exempt"] = stored["tax_exempt"]
    if stored.get("address") is not None:
        customer["address"] = _address(stored["address"])
    shipping = stored.get("shipping")
    if shipping is not None:
        customer["shipping"] = {
            "address": _address(shipping["address"]),
            "carrier": None,
            "name": shipping["name"],
            "phone": shipping.get("phone"),
            "tracking_number": None,
        }
    invoice_settings = customer["invoice_settings"]
    for name, value in stored.get("invoice_settings", {}).items():
        if name == "rendering_options" and value is not None:
            value = {"amount_tax_display": None, "template": None, **value}
        invoice_settings[name] = value or None  # an unset list renders as null


def _address(stored: Mapping[str, str | None]) -> JSONObject:
    return {key: stored.get(key) for key in _ADDRESS_KEYS}


def _list_object(data: list[JSONObject], url: str) -> JSONObject:
    return {"object": "list", "data": data, "has_more": False, "total_count": len(data), "url": url}


def _expand_subscriptions(
    customer: JSONObject, record: CustomerRecord, subscriptions: Iterable[Subscription]
) -> None:
    data = [_subscription(s, record.id) for s in subscriptions]
    customer["subscriptions"] = _list_object(data, f"/v1/customers/{record.id}/subscriptions")


def _subscription(sub: Subscription, customer_id: str) -> JSONObject:
    items: list[JSONObject] = []
    if sub.plan is not None:
        plan = sub.plan
        items.append(
            {
                "id": "si_" + sub.id[4:18],
                "object": "subscription_item",
                "created": sub.current_period_start,
                # Since API version 2025-03-31 the billing period lives on the items.
                "current_period_end": sub.current_period_end,
                "current_period_start": sub.current_period_start,
                "metadata": {},
                "price": {
                    "id": plan.stripe_price_id,
                    "object": "price",
                    "active": True,
                    "currency": plan.currency,
                    "livemode": False,
                    "nickname": plan.name,
                    "product": _product_id(plan.stripe_price_id),
                    "recurring": {"interval": plan.interval, "interval_count": 1},
                    "type": "recurring",
                    "unit_amount": plan.amount,
                },
                "quantity": 1,
                "subscription": sub.id,
            }
        )
    return {
        "id": sub.id,
        "object": "subscription",
        "cancel_at_period_end": False,
        "created": sub.current_period_start,
        "currency": sub.plan.currency if sub.plan else "usd",
        "customer": customer_id,
        "items": {
            "object": "list",
            "data": items,
            "has_more": False,
            "total_count": len(items),
            "url": f"/v1/subscription_items?subscription={sub.id}",
        },
        "livemode": False,
        "metadata": {},
        "status": sub.status,
    }


def _product_id(price_id: str) -> str:
    # Stripe's price always names its product; the seed's plans have none of their own, so
    # each price gets one derived from its id: the same on every page and every run.
    return make_id("prod_", hashlib.sha256(price_id.encode()).digest()[:14])


def _expand_tax(customer: JSONObject, record: CustomerRecord, _: object) -> None:
    stored = record.stripe or {}
    address = customer["address"] or {}
    country = address.get("country")
    customer["tax"] = {
        "automatic_tax": "supported" if country else "unrecognized_location",
        "ip_address": (stored.get("tax") or {}).get("ip_address"),
        "location": (
            {"country": country, "source": "billing_address", "state": address.get("state")}
            if country
            else None
        ),
        "provider": "stripe",
    }


def _expand_tax_ids(customer: JSONObject, record: CustomerRecord, _: object) -> None:
    data = [
        {
            "id": make_id("txi_", hashlib.sha256(f"{record.id}:{index}".encode()).digest()[:14]),
            "object": "tax_id",
            "country": tax_id["type"][:2].upper(),
            "created": customer["created"],
            "customer": record.id,
            "livemode": False,
            "type": tax_id["type"],
            "value": tax_id["value"],
            "verification": {"status": "pending", "verified_address": None, "verified_name": None},
        }
        for index, tax_id in enumerate((record.stripe or {}).get("tax_id_data", []))
    ]
    customer["tax_ids"] = _list_object(data, f"/v1/customers/{record.id}/tax_ids")


def _expand_cash_balance(customer: JSONObject, record: CustomerRecord, _: object) -> None:
    settings = ((record.stripe or {}).get("cash_balance") or {}).get("settings") or {}
    mode = settings.get("reconciliation_mode", "merchant_default")
    customer["cash_balance"] = {
        "object": "cash_balance",
        "available": None,
        "customer": record.id,
        "livemode": False,
        "settings": {
            "reconciliation_mode": "automatic" if mode == "merchant_default" else mode,
            "using_merchant_default": mode == "merchant_default",
        },
    }


def _expand_sources(customer: JSONObject, record: CustomerRecord, _: object) -> None:
    customer["sources"] = _list_object([], f"/v1/customers/{record.id}/sources")


def _expand_invoice_credit_balance(customer: JSONObject, *_: object) -> None:
    customer["invoice_credit_balance"] = {}


def _expand_id(*path: str, object_name: str) -> Callable[..., None]:
    """Ids the sandbox keeps no object for expand to a stub naming the id and its type."""

    def expand(customer: JSONObject, *_: object) -> None:
        *parents, name = path
        node = customer
        for parent in parents:
            node = node[parent]
        if node[name] is not None:
            node[name] = {"id": node[name], "object": object_name}

    return expand


_EXPANSIONS: dict[str, Callable[[JSONObject, CustomerRecord, Any], None]] = {
    "cash_balance": _expand_cash_balance,
    "default_source": _expand_id("default_source", object_name="source"),
    "invoice_credit_balance": _expand_invoice_credit_balance,
    "invoice_settings.default_payment_method": _expand_id(
        "invoice_settings", "default_payment_method", object_name="payment_method"
    ),
    "sources": _expand_sources,
    "subscriptions": _expand_subscriptions,
    "tax": _expand_tax,
    "tax_ids": _expand_tax_ids,
    "test_clock": _expand_id("test_clock", object_name="test_helpers.test_clock"),
}
EXPANDABLE = frozenset(_EXPANSIONS)


def expand_paths(
    values: Iterable[str], *, prefix: str = "", extra: Iterable[str] = ()
) -> frozenset[str]:
    """The customer fields to expand, from `expand[]` values (`data.`-prefixed on pages).

    `extra` are the values the page itself takes (`total_count` on search); a 400 names any
    other value, as Stripe answers "This property cannot be expanded".
    """
    paths: set[str] = set()
    allowed_extra = frozenset(extra)
    for value in values:
        if value in allowed_extra:
            continue
        path = value[len(prefix) :] if value.startswith(prefix) else None
        if path not in EXPANDABLE:
            raise ApiError(
                400, "invalid_request_error", f"This property cannot be expanded ({value}).",
                param="expand",
            )  # fmt: skip
        paths.add(path)
    return frozenset(paths)
