"""``customers_sdk.DefaultAioHttpClient``, importable with or without the ``aiohttp`` extra.

``import customers_sdk`` never loads this module (the package's ``__getattr__`` does, on first
use of the name), and without the extra the name still imports: the class raises, naming the
extra, when it is instantiated.
"""

from __future__ import annotations

import typing
from typing import Any

import httpx

__all__ = ["DefaultAioHttpClient"]

EXTRA_MISSING = 'DefaultAioHttpClient needs the aiohttp extra: pip install "customers-sdk[aiohttp]"'


def client_class() -> type[httpx.AsyncClient]:
    """The real class when httpx-aiohttp is installed, else a stand-in that says what to
    install when it is instantiated.

    Example:
        >>> issubclass(client_class(), httpx.AsyncClient)
        True
    """
    try:
        from ._aiohttp_client import DefaultAioHttpClient as Real
    except ImportError as missing:
        reason = missing

        class DefaultAioHttpClient(httpx.AsyncClient):
            """Stands in for the aiohttp client when the ``aiohttp`` extra is missing."""

            def __init__(self, **options: Any) -> None:
                raise ImportError(EXTRA_MISSING, name="httpx_aiohttp") from reason

        return DefaultAioHttpClient
    return Real


if typing.TYPE_CHECKING:
    from ._aiohttp_client import DefaultAioHttpClient
else:
    DefaultAioHttpClient = client_class()
