"""Rendering customers for the terminal: a table, JSON, JSON lines or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from .._models import Customer

__all__ = ["FORMATS", "TABLE_COLUMNS", "write_customers"]

FORMATS = ("table", "json", "jsonl", "csv")
TABLE_COLUMNS = ("id", "email", "name", "phone", "created_at")
_CSV_COLUMNS = (
    *TABLE_COLUMNS,
    "live",
    "first_name",
    "last_name",
    "has_active_subscription",
    "metadata",
)
_WIDTHS = {"id": 20, "email": 30, "name": 24, "phone": 16, "created_at": 20}


def _flat(customer: Customer, column: str) -> str:
    # A column another dialect's customers have (live, first_name...) is empty here.
    value: Any = getattr(customer, column, None)
    if value is None:
        return ""
    if column == "created_at":
        return str(value.strftime("%Y-%m-%d %H:%M:%S"))
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def write_customers(customers: Iterable[Customer], fmt: str, out: TextIO) -> int:
    """Write customers in ``fmt`` as they arrive (nothing is buffered but JSON's list); returns
    how many were written."""
    count = 0

    def counted() -> Iterator[Customer]:
        nonlocal count
        for customer in customers:
            count += 1
            yield customer

    if fmt == "table":
        header = "  ".join(c.upper().ljust(_WIDTHS[c]) for c in TABLE_COLUMNS)
        out.write(header.rstrip() + "\n")
        for customer in counted():
            cells = (_cut(_flat(customer, c), _WIDTHS[c]).ljust(_WIDTHS[c]) for c in TABLE_COLUMNS)
            out.write("  ".join(cells).rstrip() + "\n")
    elif fmt == "jsonl":
        for customer in counted():
            out.write(json.dumps(customer.to_dict(), sort_keys=True) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(_CSV_COLUMNS)
        for customer in counted():
            writer.writerow([_flat(customer, c) for c in _CSV_COLUMNS])
    else:
        out.write("[")
        for customer in counted():
            out.write(
                ("," if count > 1 else "") + "\n  " + json.dumps(customer.to_dict(), sort_keys=True)
            )
        out.write("\n]\n" if count else "]\n")
    return count
