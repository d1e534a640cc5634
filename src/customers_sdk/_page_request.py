"""What an async client's ``list()`` and ``search()`` return: an awaitable first page that is
also an async iterable of every result."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import Any, Generic

from ._pagination import AsyncPage, ItemT, walk_items

__all__ = ["AsyncPageRequest"]


class AsyncPageRequest(Generic[ItemT]):
    """What ``AsyncCustomersClient.list()`` returns: await it for the first page, or
    ``async for`` over it directly to walk every result.

    Example:
        >>> page = await client.list(limit=50)  # doctest: +SKIP
        >>> async for customer in client.list(limit=50):  # no await needed  # doctest: +SKIP
        ...     print(customer.id)
    """

    def __init__(self, first: Callable[[], Awaitable[AsyncPage[ItemT]]]) -> None:
        self._first = first

    def __await__(self) -> Generator[Any, None, AsyncPage[ItemT]]:
        return self._first().__await__()

    def __aiter__(self) -> AsyncGenerator[ItemT, None]:
        return walk_items(self._first)
