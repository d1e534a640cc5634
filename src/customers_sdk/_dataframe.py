"""Customers as plain dicts or a pandas DataFrame, for notebooks and exports.

pandas is an optional extra (``pip install "customers-sdk[pandas]"``), imported only when
:func:`to_dataframe` is called; :func:`to_dicts` needs nothing beyond the SDK.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import Enum
from typing import TYPE_CHECKING, Any

from ._models import Customer, Plan, Subscription

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PANDAS_MISSING", "to_dataframe", "to_dicts"]

PANDAS_MISSING = (
    'to_dataframe() needs pandas, an optional extra: pip install "customers-sdk[pandas]"'
)

_CUSTOMER_COLUMNS = tuple(Customer.model_fields)
_FLAT_CUSTOMER_COLUMNS = tuple(name for name in _CUSTOMER_COLUMNS if name != "subscriptions")
_SUBSCRIPTION_COLUMNS = tuple(
    f"subscription_{name}" for name in Subscription.model_fields if name != "plan"
) + tuple(f"plan_{name}" for name in Plan.model_fields)
_DATETIME_COLUMNS = (
    "created_at",
    "updated_at",
    "subscription_current_period_start",
    "subscription_current_period_end",
)
_TEXT_COLUMNS = (
    "id",
    "email",
    "name",
    "phone",
    "first_name",
    "last_name",
    "stripe_customer_id",
    "subscription_id",
    "subscription_status",
    "plan_stripe_price_id",
    "plan_name",
    "plan_currency",
    "plan_interval",
)
# Nullable dtypes, so that a missing value never turns a flag into object, an amount into float
# or a text column into float (an all-empty column), and the frame's dtypes do not depend on
# which values this particular batch happened to have.
_DTYPES: dict[str, Any] = {
    **dict.fromkeys(_TEXT_COLUMNS, "string"),
    **dict.fromkeys(_DATETIME_COLUMNS, "datetime64[us, UTC]"),
    "live": "boolean",
    "has_active_subscription": "boolean",
    "deleted": "bool",
    "plan_amount": "Int64",
}


def _customers(customers: object, caller: str) -> Iterator[Customer]:
    if isinstance(customers, Customer):
        # A model is itself iterable (over its fields); one customer means a list of one.
        yield customers
        return
    if not isinstance(customers, Iterable):
        if hasattr(customers, "__aiter__"):
            raise TypeError(
                f"{caller}() takes a sync iterable; collect async results first, e.g. "
                f"{caller}([c async for c in client.list()])"
            )
        raise TypeError(f"{caller}() takes an iterable of Customer, got {type(customers).__name__}")
    for item in customers:
        if not isinstance(item, Customer):
            raise TypeError(f"{caller}() takes Customer objects, got {type(item).__name__}")
        yield item


def to_dicts(customers: Customer | Iterable[Customer]) -> list[dict[str, Any]]:
    """Customers (one, or any iterable of them) as JSON-serialisable dicts (ISO 8601
    timestamps, extra fields kept); needs no extras.

    Iterating a page walks every page, so ``to_dicts(page)`` exports all customers;
    ``page.to_dicts()`` exports just that page.

    Args:
        customers: A customer, or any iterable of them (a page walks every page).

    Returns:
        One dict per customer, as :meth:`Customer.to_dict` makes it.

    Raises:
        TypeError: ``customers`` is not a customer or a sync iterable of them.

    Example:
        >>> import json
        >>> from customers_sdk import Customer, to_dicts
        >>> rows = to_dicts([Customer(id="cus_1", created_at=0)])
        >>> rows[0]["created_at"]
        '1970-01-01T00:00:00Z'
        >>> json.dumps(rows)[:22]
        '[{"id": "cus_1", "emai'
    """
    return [customer.to_dict() for customer in _customers(customers, "to_dicts")]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _customer_row(customer: Customer, *, nested: bool) -> dict[str, Any]:
    row = {
        name: _plain(value)
        for name, value in customer.model_dump(exclude={"subscriptions"}).items()
    }
    if nested:
        subscriptions = customer.subscriptions
        row["subscriptions"] = (
            None if subscriptions is None else [s.model_dump(mode="json") for s in subscriptions]
        )
    return row


def _subscription_row(subscription: Subscription) -> dict[str, Any]:
    row = {
        f"subscription_{name}": _plain(value)
        for name, value in subscription.model_dump(exclude={"plan"}).items()
    }
    if subscription.plan is not None:
        row.update(
            (f"plan_{name}", _plain(value))
            for name, value in subscription.plan.model_dump().items()
        )
    return row


def _rows(customers: Iterator[Customer], *, flatten: bool) -> Iterator[dict[str, Any]]:
    for customer in customers:
        row = _customer_row(customer, nested=not flatten)
        if not flatten or not customer.subscriptions:
            yield row
            continue
        for subscription in customer.subscriptions:
            yield {**row, **_subscription_row(subscription)}


def to_dataframe(
    customers: Customer | Iterable[Customer], *, flatten_subscriptions: bool = False
) -> pd.DataFrame:
    """Customers (one, or any iterable of them) as a pandas DataFrame, one row per customer.

    Columns are the :class:`Customer` fields in order, then any extra fields the server sent.
    Dtypes do not depend on the data: timestamps ``datetime64[us, UTC]``, text ``string``,
    flags ``boolean`` (missing is ``<NA>``). With ``flatten_subscriptions=True`` there is one
    row per subscription instead: the customer's columns (``id`` is the customer's) followed
    by ``subscription_id``, ``subscription_status``, ``subscription_current_period_start``,
    ``subscription_current_period_end``, ``plan_stripe_price_id``, ``plan_name``,
    ``plan_amount`` (``Int64``), ``plan_currency`` and ``plan_interval`` (extra fields of a
    subscription or plan get the same prefix); a customer without subscriptions keeps one row
    with those empty.

    Iterating a page walks every page, so ``to_dataframe(client.list(limit=100))`` loads all
    customers; ``page.to_dataframe()`` loads just that page. Needs the ``pandas`` extra.

    Args:
        customers: A customer, or any iterable of them (a page walks every page).
        flatten_subscriptions: One row per subscription instead of one per customer.

    Returns:
        The DataFrame.

    Raises:
        ImportError: pandas is not installed (``pip install ".[pandas]"``).
        TypeError: ``customers`` is not a customer or a sync iterable of them.

    Example:
        >>> from customers_sdk import to_dataframe
        >>> frame = to_dataframe(client.list(limit=100))  # doctest: +SKIP
        >>> frame[["id", "email", "created_at"]].head()  # doctest: +SKIP
        >>> subs = to_dataframe(  # doctest: +SKIP
        ...     client.list(include_subscriptions=True), flatten_subscriptions=True
        ... )
        >>> subs.groupby("plan_name")["plan_amount"].sum()  # doctest: +SKIP
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(PANDAS_MISSING) from exc
    flat = bool(flatten_subscriptions)
    rows = list(_rows(_customers(customers, "to_dataframe"), flatten=flat))
    columns = list(_FLAT_CUSTOMER_COLUMNS + _SUBSCRIPTION_COLUMNS if flat else _CUSTOMER_COLUMNS)
    known = set(columns)
    for row in rows:
        for name in row:
            if name not in known:
                known.add(name)
                columns.append(name)
    frame: pd.DataFrame = pd.DataFrame(rows, columns=columns)
    for name in _DATETIME_COLUMNS:
        if name in frame.columns:
            frame[name] = pd.to_datetime(frame[name], utc=True)
    for name, dtype in _DTYPES.items():
        if name in frame.columns:
            frame[name] = frame[name].astype(dtype)
    return frame
