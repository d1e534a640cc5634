"""The columns of a tabular export (CSV and Parquet share them, in this order).

The portable :class:`~customers_sdk.Customer` fields come first, typed; what a dialect sends
beyond them (Stripe's ``currency``, ``address``…) is kept as one JSON object in ``extra``, so
no field is ever lost and the columns do not depend on the data.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._models import Customer

__all__ = ["COLUMNS", "JSON_COLUMNS", "TIMESTAMP_COLUMNS", "row", "to_json"]

TEXT_COLUMNS = ("id", "email", "name", "phone")
TIMESTAMP_COLUMNS = ("created_at", "updated_at")
NAME_COLUMNS = ("first_name", "last_name", "stripe_customer_id")
FLAG_COLUMNS = ("live", "has_active_subscription", "deleted")
JSON_COLUMNS = ("subscriptions", "extra")
COLUMNS = (
    *TEXT_COLUMNS,
    *TIMESTAMP_COLUMNS,
    "live",
    *NAME_COLUMNS,
    "has_active_subscription",
    "deleted",
    "metadata",
    *JSON_COLUMNS,
)


def to_json(value: Any) -> str:
    # Compact and key-sorted: the same customer always gives the same bytes.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def row(customer: Customer) -> tuple[Any, ...]:
    """One customer's values in :data:`COLUMNS` order: datetimes, bools and a metadata dict
    as they are; subscriptions and extra fields as JSON text (``None`` when absent)."""
    subscriptions = customer.subscriptions
    # A dialect's own fields beyond these columns (Stripe's currency, address...) and the
    # extras; a column another dialect's customer has (live, first_name...) is empty.
    extra = customer._beyond(COLUMNS)
    return (
        customer.id,
        customer.email,
        customer.name,
        customer.phone,
        customer.created_at,
        customer.updated_at,
        getattr(customer, "live", None),
        getattr(customer, "first_name", None),
        getattr(customer, "last_name", None),
        getattr(customer, "stripe_customer_id", None),
        customer.has_active_subscription,
        customer.deleted,
        customer.metadata,
        None
        if subscriptions is None
        else to_json([s.model_dump(mode="json") for s in subscriptions]),
        to_json(extra) if extra else None,
    )


def text_cell(value: Any) -> str:
    """A value as CSV text: ISO 8601 UTC with ``Z``, ``true``/``false``, JSON for a mapping,
    the empty string for a missing value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return to_json(value)
    return str(value)
