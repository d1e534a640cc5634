"""Pure descriptions of what to send: a request spec and the list/search queries behind pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from ._dialects._stripe_params import CreatedRangeParams
from ._errors import InvalidParameterError
from ._inputs import check_text, shown

__all__ = [
    "MAX_ID_LENGTH",
    "ListQuery",
    "Query",
    "RequestSpec",
    "SearchQuery",
    "check_expand",
    "check_id",
    "check_search_expand",
    "check_search_page",
    "id_segment",
]

Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """One HTTP request, as data: the transport turns it into an ``httpx.Request``."""

    method: str
    path: str
    params: Params = ()
    form: Params | None = None
    json: Any = None

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


CreatedFilter = int | datetime | CreatedRangeParams | Mapping[str, int | datetime]
"""What Stripe's ``list(created=...)`` takes: one creation time, or bounds keyed ``gt``,
``gte``, ``lt``, ``lte`` (``{"gte": 1_700_000_000}``). A time is epoch seconds or an aware
``datetime``."""


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The validated parameters of a ``list()`` call; the next page is a copy with a new cursor.

    ``None`` means "not given": the server's default applies. ``filters`` is already checked.

    Attributes:
        limit: The page size asked for.
        starting_after: Fetch the items after this id (forward cursor).
        ending_before: Fetch the items before this id (backward cursor).
        email: Stripe's exact-email filter.
        created: Stripe's creation-time filter.
        filters: The cursor API's filter document, as a plain dict.
        offset: The offset API's number of customers to skip.
        include_subscriptions: Whether the offset API includes subscriptions.
        expand: Stripe's paths to expand on every page (``data.subscriptions``...).
        test_clock: Stripe's test clock whose customers to list.
    """

    limit: int | None = None
    starting_after: str | None = None
    ending_before: str | None = None
    email: str | None = None
    created: CreatedFilter | None = None
    filters: Mapping[str, Any] | None = field(default=None, hash=False)
    offset: int | None = None
    include_subscriptions: bool | None = None
    expand: tuple[str, ...] = ()
    test_clock: str | None = None

    @property
    def backward(self) -> bool:
        """True when the walk goes backward: the list started with ``ending_before``."""
        return self.ending_before is not None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """The parameters of a ``search()`` call; ``page`` is the server's opaque next-page token.

    Attributes:
        query: The search query, in Stripe's search syntax.
        limit: The page size asked for.
        page: The previous response's ``next_page`` token (None: the first page).
        expand: The paths to expand on every page (``total_count``, ``data.subscriptions``...).
    """

    query: str
    limit: int | None = None
    page: str | None = None
    expand: tuple[str, ...] = ()


Query = ListQuery | SearchQuery
"""The frozen parameters of one page's request: a :class:`ListQuery` or a :class:`SearchQuery`."""


MAX_ID_LENGTH = 255
"""The longest id (or cursor) the SDK sends: Stripe's ids are at most 255 characters, and a
longer one is a mistake (a whole document pasted as an id) that would only fail later."""


def check_id(value: object, param: str = "customer_id") -> str:
    """An id must be a non-empty string without surrounding whitespace, at most
    :data:`MAX_ID_LENGTH` characters, that UTF-8 can encode."""
    if not isinstance(value, str):
        raise InvalidParameterError(
            f"{param} must be a string, got {type(value).__name__}", param=param
        )
    if len(value) > MAX_ID_LENGTH:
        raise InvalidParameterError(
            f"{param} is {len(value)} characters long; ids are at most {MAX_ID_LENGTH}",
            param=param,
        )
    if not value or value.strip() != value:
        raise InvalidParameterError(
            f"{param} must be a non-empty string without surrounding spaces, got {value!r}",
            param=param,
        )
    return check_text(value, param)


def id_segment(customer_id: str) -> str:
    """Percent-encode an id as one path segment.

    Slashes, ``?`` and ``#`` are encoded, and so are dots, so ``..`` can never be read as a
    dot-segment that climbs to another endpoint.
    """
    return quote(check_id(customer_id), safe="").replace(".", "%2E")


def check_search_page(value: object) -> str:
    """A search's ``page`` is a previous page's ``next_page_token``: a non-empty string.

    Opaque and not an id (no length cap), but whitespace around it is a copy-paste slip.
    """
    if not isinstance(value, str) or not value or value.strip() != value:
        raise InvalidParameterError(
            "page must be a previous search page's next_page_token (a non-empty string), "
            f"got {shown(value)}",
            param="page",
        )
    return check_text(value, "page")


def check_expand(value: object, prefix: str = "", *, also: str | None = None) -> tuple[str, ...]:
    """Stripe's ``expand``: a list of non-empty paths, each under ``prefix`` (a list or a
    search expands the paths of its customers, under ``data.``) or equal to ``also``.

    ``"subscriptions"`` on a list is refused here, naming ``"data.subscriptions"``, rather
    than by a 400 later.
    """
    if not isinstance(value, list | tuple):
        raise InvalidParameterError(
            f"expand must be a list of paths, got {type(value).__name__}", param="expand"
        )
    for item in value:
        if not isinstance(item, str) or not item or item.strip() != item:
            raise InvalidParameterError(
                f"expand takes non-empty path strings, got {shown(item)}", param="expand"
            )
        if not item.startswith(prefix) and item != also:
            takes = f"{also!r} or paths" if also else "paths"
            raise InvalidParameterError(
                f"this call expands {takes} under {prefix!r} (e.g. {prefix + item!r}), "
                f"got {item!r}",
                param="expand",
            )
        check_text(item, "expand")
    return tuple(value)


def check_search_expand(value: object) -> tuple[str, ...]:
    """A search's ``expand``: ``"total_count"`` and paths under ``"data."``."""
    return check_expand(value, "data.", also="total_count")
