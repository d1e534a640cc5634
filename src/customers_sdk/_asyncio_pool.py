"""httpcore's connection pool without the trips through the event loop it adds per request.

httpcore guards each connection's state with an ``anyio.Lock``, and an uncontended
``anyio.Lock`` still yields to the event loop once, inside a shielded cancel scope, every time
it is taken: three times a request (the connection's request lock, then its HTTP/1.1 state lock
when the request starts and when its response is closed). The pool also opens a shielded cancel
scope twice a request to close a list of connections that is nearly always empty. That was
about a sixth of the client CPU of a sequential request with a small body, measured on
loopback.

anyio added ``Lock(fast_acquire=True)`` for httpcore (agronholm/anyio#761), which skips the
yield when nobody holds the lock; httpcore merged it and reverted it for reasons of process
(encode/httpcore#953, #1002). Each connection serves one request at a time, so its locks are
all but never contended: :class:`AsyncioPool` gives the connections it creates fast-acquire
locks, under asyncio only, and skips closing nothing. It is installed only in the pool of the
``httpx.AsyncClient`` the SDK builds itself (:func:`use_asyncio`), with the network backend of
``_asyncio_net``.
"""

from __future__ import annotations

from typing import Any

import anyio
import httpcore
import httpx

from ._asyncio_net import AsyncioBackend, _asyncio_loop

__all__ = ["AsyncioPool", "use_asyncio"]

# The lock class httpcore 1.x builds its connections with; a future httpcore that moves it
# keeps its own locks (an empty tuple matches nothing).
_HTTPCORE_LOCKS: tuple[type, ...] = ()
try:
    from httpcore._synchronization import AsyncLock

    _HTTPCORE_LOCKS = (AsyncLock,)
except ImportError:  # pragma: no cover - httpcore 1.0 has it
    pass


def use_asyncio(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Give ``client``'s own pool an :class:`AsyncioBackend` and make it an
    :class:`AsyncioPool`; return ``client``.

    Only a plain pool is touched (proxy pools keep httpx's own); if httpx ever stores its pool
    differently, the client is returned unchanged, never broken.

    Example:
        >>> import httpx
        >>> pool = use_asyncio(httpx.AsyncClient())._transport._pool
        >>> type(pool).__name__, type(pool._network_backend).__name__
        ('AsyncioPool', 'AsyncioBackend')
    """
    pool: Any = getattr(client._transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if type(pool) is httpcore.AsyncConnectionPool and backend is not None:
        pool._network_backend = AsyncioBackend(backend)
        # The same pool, configured by httpx as usual; only the two methods below differ.
        pool.__class__ = AsyncioPool
    return client


class AsyncioPool(httpcore.AsyncConnectionPool):
    """httpcore's pool, whose connections take their locks without a detour on asyncio.

    Example:
        >>> pool = AsyncioPool(network_backend=AsyncioBackend())
    """

    def create_connection(self, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        connection = super().create_connection(origin)
        if type(connection) is httpcore.AsyncHTTPConnection and _asyncio_loop() is not None:
            connection.__class__ = _Connection
            _take_fast(connection, "_request_lock")
        return connection

    async def _close_connections(self, closing: list[httpcore.AsyncConnectionInterface]) -> None:
        if closing:  # httpcore shields the empty list from cancellation too
            await super()._close_connections(closing)


class _Connection(httpcore.AsyncHTTPConnection):
    # httpcore creates the HTTP/1.1 connection on the first request and stores it in
    # `_connection`; catching the store hands its state lock the fast path before anything
    # uses it. Reads, dozens a request, stay plain attribute lookups. (HTTP/2 connections,
    # never negotiated by the SDK's own client, keep their locks.)
    def __setattr__(self, name: str, value: Any) -> None:
        if name == "_connection" and isinstance(value, httpcore.AsyncHTTP11Connection):
            _take_fast(value, "_state_lock")
        super().__setattr__(name, value)


def _take_fast(owner: object, name: str) -> None:
    """Replace httpcore's lock ``owner.<name>`` by a fast-acquire ``anyio.Lock``, if there is
    such a lock (httpcore 1.x) and such an option (anyio >= 4.5)."""
    if not isinstance(getattr(owner, name, None), _HTTPCORE_LOCKS):
        return
    try:
        lock = anyio.Lock(fast_acquire=True)
    except TypeError:  # anyio < 4.5: httpcore's lock stays
        return
    setattr(owner, name, lock)
