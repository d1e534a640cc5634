"""Brent's cycle check over the queries of a walk, in constant memory.

``Dialect.follow`` sees one page and refuses a next query that would not move the walk on (the
same cursor again). A server can still send a walk round a longer loop (A, B, A, ...): each
page carries a :data:`Lap`, and :func:`after_lap` compares the next query with the one the lap
holds, moving that one later at steps 1, 2, 4, 8... so any loop is found within twice its
length, whatever the walk's length.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from ._errors import ResponseValidationError
from ._request import Query
from ._types import ResponseInfo

__all__ = ["Lap", "after_lap", "first_lap"]

Lap = tuple[Query | None, int, int]
"""(The query compared against, the steps before it moves to a later one, the steps taken)."""


class _Walked(Protocol):
    _next_query: Query | None
    _lap: Lap
    response_info: ResponseInfo | None


PageT = TypeVar("PageT", bound=_Walked)


def first_lap(query: Query) -> Lap:
    """The lap of a walk's first page, fetched with ``query``.

    Example:
        >>> from customers_sdk._request import ListQuery
        >>> first_lap(ListQuery(limit=2))[1:]  # compared against that query, from step 0
        (1, 0)
    """
    return (query, 1, 0)


def after_lap(lap: Lap, page: PageT) -> PageT:
    """``page``, read after the page whose lap is ``lap``, given the lap it takes on; a
    :class:`ResponseValidationError` if its next query is the one the lap compares against."""
    seen, power, steps = lap
    if page._next_query is not None and page._next_query == seen:
        info = page.response_info
        assert info is not None  # every page read from a response has it
        raise ResponseValidationError(
            "the next page would be asked for with an earlier page's cursor: the walk "
            "would not advance",
            status_code=info.status_code,
            request_id=info.request_id,
        )
    steps += 1
    page._lap = (page._next_query, power * 2, 0) if steps == power else (seen, power, steps)
    return page
