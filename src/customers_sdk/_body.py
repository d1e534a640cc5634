"""A response body read as it streams in, never past a cap.

Both clients send with ``stream=True`` and count the body against ``max_response_bytes`` as it
arrives (:class:`BodyBuffer`): a body sent as is while httpx reads it, a compressed one chunk by
decoded chunk (``iter_bytes()`` / ``aiter_bytes()``, after gzip, deflate, brotli or zstd). So a
server that sends a huge chunked body or a small compressed bomb costs at most the cap, not the
whole body. (Plus one decoded network read: httpx inflates each read whole, so a read of a gzip
bomb can briefly take ~1,000 times its size, some 64 MiB for a 64 KiB read; a body decoding to
gigabytes never gets further.) Over the cap, the shell closes the response: the connection is
dropped, never returned to the pool half-read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from itertools import chain

import httpx

from ._dialects._base import EXCERPT_CHARS, request_id_of
from ._errors import InvalidParameterError, ResponseValidationError

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "BodyBuffer", "check_max_response_bytes", "masking"]

DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""32 MiB: a hundred times the largest page the dialects serve with their biggest ``limit``."""

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
    """The body of one streamed response, counted up to ``limit`` bytes as it is read.

    A body sent as is (no ``Content-Encoding``, most API responses) is counted by a wrapper
    around the response's stream while the shell calls ``read()`` (``read_whole``): httpx
    keeps the body, nothing is copied. A compressed one is fed by the shell, chunk by decoded
    chunk, to :meth:`add`, and :meth:`response` rebuilds the response around what was kept.

    Example:
        >>> streamed = httpx.Response(200, stream=httpx.ByteStream(b'{"id": "c1"}'))
        >>> body = BodyBuffer(streamed, limit=1024, redact=str)
        >>> body.read_whole
        True
        >>> _ = streamed.read()
        >>> body.response().json()
        {'id': 'c1'}
    """

    __slots__ = ("_chunks", "_limit", "_redact", "_size", "_streamed", "read_whole")

    def __init__(
        self, streamed: httpx.Response, *, limit: int | None, redact: Callable[[str], str]
    ) -> None:
        self._streamed = streamed
        self._limit = limit
        self._redact = redact
        self._chunks: list[bytes] = []
        self._size = 0
        encoded, declared = _framing(streamed.headers)
        self.read_whole = not encoded
        if limit is None or encoded:
            # No cap, or a compressed body, whose length says little about its decoded size.
            return
        if declared is not None and declared > limit:  # refused before a byte is read
            raise self._too_large(f"Content-Length {declared}")
        streamed.stream = _CountedStream(streamed.stream, self)

    def add(self, chunk: bytes) -> None:
        """Keep one decoded chunk; a :class:`ResponseValidationError` once over the cap."""
        self.count(chunk)
        self._chunks.append(chunk)

    def count(self, chunk: bytes) -> None:
        """Count one chunk (and keep the first bytes, for an excerpt); raise over the cap."""
        self._size += len(chunk)
        if self._limit is not None and self._size > self._limit:
            raise self._too_large(f"over {self._limit} bytes", chunk)
        if self.read_whole and len(self._chunks) < 2:
            self._chunks.append(chunk[:EXCERPT_CHARS])

    def response(self) -> httpx.Response:
        """The response with its whole body read, as ``send()`` without streaming returns it.

        A rebuilt one holds the decoded body, so the headers that describe the encoded body go.
        """
        streamed = self._streamed
        if self.read_whole:
            # A transport's response may come with its body already read (httpx's
            # MockTransport, the sandbox's): then nothing streamed through the counter.
            content = streamed.content
            if self._limit is not None and len(content) > self._limit:
                raise self._too_large(f"over {self._limit} bytes", content[:EXCERPT_CHARS])
            return streamed
        headers = streamed.headers.copy()
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


class _CountedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response's own stream, each chunk counted by its :class:`BodyBuffer` on the way."""

    def __init__(self, inner: httpx.SyncByteStream | httpx.AsyncByteStream, body: BodyBuffer):
        self._inner = inner
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._inner, httpx.SyncByteStream)  # a sync client's response
        for chunk in self._inner:
            self._body.count(chunk)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._inner, httpx.AsyncByteStream)  # an async client's response
        async for chunk in self._inner:
            self._body.count(chunk)
            yield chunk

    def close(self) -> None:
        assert isinstance(self._inner, httpx.SyncByteStream)
        self._inner.close()

    async def aclose(self) -> None:
        assert isinstance(self._inner, httpx.AsyncByteStream)
        await self._inner.aclose()


def _framing(headers: httpx.Headers) -> tuple[bool, int | None]:
    """Whether the body is encoded, and the length declared, in one pass over the headers
    (each ``httpx.Headers`` lookup scans and decodes them all: a few µs a response)."""
    encoded, declared = False, None
    for name, value in headers.raw:
        lowered = name.lower()
        if lowered == b"content-encoding":
            encoded = True
        elif lowered == b"content-length" and value.isdigit():
            # Longer than any real body's length: over every cap.
            declared = int(value) if len(value) <= _LENGTH_DIGITS else 10**_LENGTH_DIGITS
    return encoded, declared
