"""Compact HTML for notebooks: a page of customers as a table."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from ._models import Customer, Pagination

__all__ = ["page_html"]

_COLUMNS = ("id", "email", "name", "phone", "created_at", "has_active_subscription")
_MAX_ROWS = 20


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return escape(value.isoformat(timespec="seconds"))
    return escape(str(value))


def page_html(items: Sequence[Any], has_more: bool, pagination: Pagination | None) -> str:
    rows = []
    for item in items[:_MAX_ROWS]:
        if isinstance(item, Customer):
            rows.append("".join(f"<td>{_cell(getattr(item, c))}</td>" for c in _COLUMNS))
    header = "".join(f"<th>{c}</th>" for c in _COLUMNS)
    more = f"<p>{len(items) - _MAX_ROWS} more on this page</p>" if len(items) > _MAX_ROWS else ""
    where = f"offset {pagination.offset} of {pagination.total}, " if pagination is not None else ""
    caption = f"{len(items)} customers ({where}has_more={has_more})"
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{header}</tr></thead>"
        f"<tbody>{body}</tbody></table>{more}"
    )
