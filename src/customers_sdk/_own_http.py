"""The httpx clients the SDK builds for itself, when the caller passes no ``http_client``.

They are httpx's own clients, unmodified, with the SDK's timeouts and connection limits and no
redirects followed (an API that redirects a write is misconfigured, not to be obeyed).
Everything else is httpx's default: environment proxies, certificates, cookies, HTTP/1.1.
The SDK touches no private part of httpx or httpcore (``tests/unit/test_no_private_access.py``
checks), so an httpx upgrade cannot silently change what these clients do.

A client passed in with ``http_client=`` is never changed.
"""

from __future__ import annotations

from typing import TypeVar

import httpx

__all__ = ["DEFAULT_LIMITS", "new_http_client"]

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
"""httpx's defaults, written out so that both transports (httpx's and aiohttp's) get the same."""


def new_http_client(kind: type[HttpT], timeout: httpx.Timeout) -> HttpT:
    """An ``httpx.Client`` or ``httpx.AsyncClient`` as the SDK builds it for itself.

    Example:
        >>> client = new_http_client(httpx.Client, httpx.Timeout(5.0))
        >>> type(client) is httpx.Client, client.follow_redirects
        (True, False)
    """
    return kind(timeout=timeout, limits=DEFAULT_LIMITS, follow_redirects=False)
