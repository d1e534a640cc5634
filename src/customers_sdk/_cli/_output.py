"""Rendering customers for the terminal: a table, JSON, JSON lines or CSV.

JSON is :meth:`Customer.to_dict` (a Stripe customer's is Stripe's JSON). CSV and the table read
the portable fields under their names, timestamps as in JSON (ISO 8601 in UTC, ``...Z``), and
put what a customer has beyond them (a dialect's own fields, extras) in ``extra``: a CSV file
loses nothing.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from .._models import Customer

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "TABLE_COLUMNS",
    "parse_columns",
    "write_customer",
    "write_customers",
]

FORMATS = ("table", "json", "jsonl", "csv")
TABLE_COLUMNS = ("id", "email", "name", "phone", "created_at")
_DECLARED = tuple(Customer.model_fields)
# Every declared field, then whatever else the server sent as one JSON object: a CSV export
# loses nothing, and its header is known before the first row.
CSV_COLUMNS = (*_DECLARED, "extra")
_WIDTHS = {"id": 20, "email": 30, "name": 24, "phone": 16, "created_at": 20}
_OTHER_WIDTH = 16
_MIN_WIDTH = 6


def parse_columns(spec: str) -> tuple[str, ...]:
    """``"id,email,metadata.tier"`` -> the column names; a dotted name reads inside an object.

    Example:
        >>> parse_columns("id, email ,metadata.tier")
        ('id', 'email', 'metadata.tier')
    """
    columns = tuple(name.strip() for name in spec.split(",") if name.strip())
    if not columns:
        raise ValueError("--columns needs at least one column name")
    return columns


def _lookup(wire: dict[str, Any], column: str) -> Any:
    if column == "extra":
        return {key: value for key, value in wire.items() if key not in _DECLARED} or None
    value: Any = wire
    for key in column.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _cell(wire: dict[str, Any], column: str) -> str:
    value = _lookup(wire, column)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    # Numbers, booleans, objects and lists as JSON: `true`, not Python's `True`.
    return json.dumps(value, sort_keys=True)


def _cut(text: str, width: int, terminal: int | None) -> str:
    # A pipe or a file gets every character: only a terminal's row is cut to fit.
    if terminal is None or len(text) <= width:
        return text
    return text[: width - 1] + "…"


def _fit(columns: Sequence[str], width: int | None) -> list[int]:
    """Column widths: each column's natural width, the widest shrunk until the row fits
    ``width`` (the terminal's); no limit (``None``) in a pipe."""
    widths = [max(_WIDTHS.get(c, _OTHER_WIDTH), len(c)) for c in columns]
    if width is None:
        return widths
    room = width - 2 * (len(columns) - 1)
    floors = [min(w, max(_MIN_WIDTH, len(c))) for c, w in zip(columns, widths, strict=True)]
    excess = sum(widths) - room
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


def _flat(customer: Customer) -> dict[str, Any]:
    # What columns read: the portable fields under their names (an offset customer's composed
    # name, ISO timestamps), then the dialect's own fields and the extras the server sent.
    portable = customer.model_dump(mode="json", include=set(_DECLARED))
    return {**portable, **customer._beyond(_DECLARED)}


def _counted(
    customers: Iterable[Customer], counter: list[int], *, flat: bool
) -> Iterator[dict[str, Any]]:
    for customer in customers:
        counter[0] += 1
        # JSON is the dialect's own (Stripe's keys for a StripeCustomer): see to_dict.
        yield _flat(customer) if flat else customer.to_dict()


def write_customers(
    customers: Iterable[Customer],
    fmt: str,
    out: TextIO,
    *,
    columns: Sequence[str] | None = None,
    width: int | None = None,
) -> int:
    """Write customers in ``fmt`` as they arrive (nothing is buffered but JSON's list); returns
    how many were written.

    ``columns`` picks the table's or the CSV's columns; ``width`` is the terminal's, which the
    table fits (cells are cut with ``…``); without it (a pipe, a file) nothing is cut.

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> write_customers([Customer(id="cus_1", created_at=0)], "csv", out, columns=["id",
        ...     "created_at"])
        1
        >>> out.getvalue()
        'id,created_at\\ncus_1,1970-01-01T00:00:00Z\\n'
    """
    counter = [0]
    rows = _counted(customers, counter, flat=fmt in ("table", "csv"))
    if fmt == "table":
        names = tuple(columns or TABLE_COLUMNS)
        layout = list(zip(names, _fit(names, width), strict=True))
        out.write("  ".join(n.upper().ljust(w) for n, w in layout).rstrip() + "\n")
        for wire in rows:
            cells = (_cut(_cell(wire, n), w, width).ljust(w) for n, w in layout)
            out.write("  ".join(cells).rstrip() + "\n")
    elif fmt == "csv":
        names = tuple(columns or CSV_COLUMNS)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        for wire in rows:
            writer.writerow([_cell(wire, n) for n in names])
    elif fmt == "jsonl":
        for wire in rows:
            out.write(json.dumps(wire, sort_keys=True) + "\n")
    else:
        out.write("[")
        for wire in rows:
            out.write(("," if counter[0] > 1 else "") + "\n  " + json.dumps(wire, sort_keys=True))
        out.write("\n]\n" if counter[0] else "]\n")
    return counter[0]


def write_customer(
    customer: Customer,
    fmt: str,
    out: TextIO,
    *,
    columns: Sequence[str] | None = None,
    width: int | None = None,
) -> None:
    """Write one customer: JSON is an object (not a one-element list); other formats are the
    list formats with one row.

    Example:
        >>> import io, json
        >>> out = io.StringIO()
        >>> write_customer(Customer(id="cus_1"), "json", out)
        >>> json.loads(out.getvalue())["id"]
        'cus_1'
    """
    if fmt == "json":
        out.write(json.dumps(customer.to_dict(), sort_keys=True, indent=2) + "\n")
    else:
        write_customers([customer], fmt, out, columns=columns, width=width)
