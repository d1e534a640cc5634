"""How results look in a REPL and a notebook: compact model reprs, a page as an HTML table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from enum import Enum
from html import escape
from typing import Any

from pydantic import BaseModel

from ._models import Customer, Pagination

__all__ = ["model_repr_args", "page_html"]


class _Verbatim(str):
    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def model_repr_args(model: BaseModel) -> Iterator[tuple[str | None, Any]]:
    """The fields worth showing in a model's repr.

    Fields still at their default (``None``, empty metadata, ``deleted=False``) are left out,
    datetimes are ISO 8601 and enums their value, so what remains still reads as valid input.
    Extra fields (a Stripe customer brings some twenty) are counted, not listed.
    """
    for name, field in type(model).model_fields.items():
        if not field.repr:
            continue
        # getattr with a default: a repr may be asked for a half-built model (in an error).
        value = getattr(model, name, None)
        if value == field.get_default(call_default_factory=True):
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Enum):
            value = value.value
        yield name, value
    extra = len(getattr(model, "__pydantic_extra__", None) or {})
    if extra:
        yield None, _Verbatim(f"+{extra} extra field{'s' if extra > 1 else ''} (see .extra)")


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
