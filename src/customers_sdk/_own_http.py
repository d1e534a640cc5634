"""The httpx clients the SDK builds for itself, when the caller passes no ``http_client``.

They are httpx's own clients with httpx's defaults (environment proxies and certificates
included), minus costs an API client pays on every response for nothing:

- Cookies: httpx hands every response to ``http.cookiejar``, which builds a urllib request
  view of it to look for ``Set-Cookie``; an API's responses almost never have one (~35 µs a
  response here, a few percent of a ``get``). :class:`_ResponseCookies` looks at the headers
  first; a response that does set cookies is stored exactly as httpx would store it.
- On asyncio, anyio's detours in httpcore's sockets and locks (``_asyncio_net``,
  ``_asyncio_pool``).

A client passed in with ``http_client=`` is never changed.
"""

from __future__ import annotations

from typing import TypeVar

import httpx

__all__ = ["new_http_client"]

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


class _ResponseCookies(httpx.Cookies):
    """httpx's cookie jar, which skips responses that set no cookie."""

    def extract_cookies(self, response: httpx.Response) -> None:
        # Set-Cookie2 is ignored by http.cookiejar's default policy; httpx uses that policy.
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


def new_http_client(kind: type[HttpT], timeout: httpx.Timeout) -> HttpT:
    """An ``httpx.Client`` or ``httpx.AsyncClient`` as the SDK builds it for itself.

    Example:
        >>> client = new_http_client(httpx.Client, httpx.Timeout(5.0))
        >>> client.follow_redirects, type(client.cookies).__name__
        (False, '_ResponseCookies')
    """
    client = kind(timeout=timeout, follow_redirects=False)
    # httpx's `cookies` setter copies into a plain jar, so the private attribute is the only
    # way in; if httpx ever stores its jar differently, the client keeps its own.
    jar = getattr(client, "_cookies", None)
    if type(jar) is httpx.Cookies:
        client._cookies = _ResponseCookies(jar.jar)
    if isinstance(client, httpx.AsyncClient):
        # Imported here: httpcore (and with it anyio) loads with the first async client, not
        # with `import customers_sdk`.
        from ._asyncio_pool import use_asyncio

        use_asyncio(client)
    return client
