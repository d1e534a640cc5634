"""A response body read as it streams in, never past a cap.

Both clients send with ``stream=True`` and feed each decoded chunk (``iter_bytes()`` /
``aiter_bytes()``, after gzip, deflate, brotli or zstd) to a :class:`BodyBuffer`, so a server
that sends a huge chunked body or a small compressed bomb costs at most
``max_response_bytes`` of buffered body instead of all of it. (Plus one decoded network read:
httpx inflates each read whole, so a read of a gzip bomb can briefly take ~1,000 times its
size, some 64 MiB for a 64 KiB read; a body decoding to gigabytes never gets further.) Over the
cap, the shell closes the response: the connection is dropped, never returned to the pool
half-read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain

import httpx

from ._dialects._base import EXCERPT_CHARS, request_id_of
from ._errors import InvalidParameterError, ResponseValidationError

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "BodyBuffer", "check_max_response_bytes", "masking"]

DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""32 MiB: a hundred times the largest page the dialects serve with their biggest ``limit``."""

# Longer than any length a real body has: such a Content-Length is over every cap.
_LENGTH_DIGITS = 18


def check_max_response_bytes(value: object) -> int | None:
    """``max_response_bytes`` as given, if it is an int >= 1 or ``None`` (no cap)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError(
            f"max_response_bytes must be an int >= 1 or None, got {value!r}",
            param="max_response_bytes",
        )
    return value


@contextmanager
def masking(redact: Callable[[str], str]) -> Iterator[None]:
    """Mask the key in a :class:`ResponseValidationError` raised inside: its excerpt quotes
    the body, and a server that echoes the key must not make us print it."""
    try:
        yield
    except ResponseValidationError as exc:
        if redact(exc.message) != exc.message or redact(exc.excerpt) != exc.excerpt:
            exc.excerpt = redact(exc.excerpt)
            exc.message = redact(exc.message)
            exc.args = (exc.message,)
        raise


class BodyBuffer:
    """The decoded chunks of one streamed response, up to ``limit`` bytes in all.

    Example:
        >>> streamed = httpx.Response(200, stream=httpx.ByteStream(b'{"id": "c1"}'))
        >>> body = BodyBuffer(streamed, limit=1024, redact=str)
        >>> for chunk in streamed.iter_bytes():
        ...     body.add(chunk)
        >>> body.response().json()
        {'id': 'c1'}
    """

    __slots__ = ("_chunks", "_limit", "_redact", "_size", "_streamed")

    def __init__(
        self, streamed: httpx.Response, *, limit: int | None, redact: Callable[[str], str]
    ) -> None:
        self._streamed = streamed
        self._limit = limit
        self._redact = redact
        self._chunks: list[bytes] = []
        self._size = 0
        if limit is not None and "content-encoding" not in streamed.headers:
            # Refused before a byte is read. (An encoded body's length says little about
            # its decoded size, which is what the cap counts.)
            declared = _declared_length(streamed.headers)
            if declared is not None and declared > limit:
                raise self._too_large(f"Content-Length {declared}")

    def add(self, chunk: bytes) -> None:
        """Keep one decoded chunk; a :class:`ResponseValidationError` once over the cap."""
        self._size += len(chunk)
        if self._limit is not None and self._size > self._limit:
            raise self._too_large(f"over {self._limit} bytes", chunk)
        self._chunks.append(chunk)

    def response(self) -> httpx.Response:
        """The response with its whole body read, as ``send()`` without streaming returns it.

        The body is the decoded one, so the headers that describe the encoded body go.
        """
        streamed = self._streamed
        headers = streamed.headers
        if "content-encoding" in headers:
            headers = headers.copy()
            del headers["content-encoding"]
            headers.pop("content-length", None)
        response = httpx.Response(
            streamed.status_code,
            headers=headers,
            stream=httpx.ByteStream(b"".join(self._chunks)),
            request=streamed.request,
            extensions=streamed.extensions,
        )
        response.read()
        return response

    def _too_large(self, seen: str, last: bytes = b"") -> ResponseValidationError:
        head = b""
        for chunk in chain(self._chunks, (last,)):
            head += chunk[: EXCERPT_CHARS - len(head)]
            if len(head) >= EXCERPT_CHARS:
                break
        return ResponseValidationError(
            f"response body is larger than max_response_bytes={self._limit} ({seen})",
            status_code=self._streamed.status_code,
            excerpt=self._redact(head.decode("utf-8", "replace")),
            request_id=request_id_of(self._streamed),
        )


def _declared_length(headers: httpx.Headers) -> int | None:
    value = headers.get("content-length")
    if value is None or not (value.isascii() and value.isdigit()):
        return None  # absent or unreadable: the count while reading decides
    return int(value) if len(value) <= _LENGTH_DIGITS else 10**_LENGTH_DIGITS
