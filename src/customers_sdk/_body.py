"""A response body read as it streams in, never past a cap.

Both clients send with ``stream=True`` and count the body against ``max_response_bytes`` as it
arrives (:class:`BodyBuffer`): a body sent as is while httpx reads it, a compressed one chunk by
decoded chunk (``iter_bytes()`` / ``aiter_bytes()``, after gzip, deflate, brotli or zstd). So a
server that sends a huge chunked body or a small compressed bomb costs the cap, not the whole
body. (Plus one decoded piece: httpx inflates each piece of a compressed body it reads whole, so
the pieces are kept small, 4 KiB, which deflate turns into 4 MiB at most; a network read is up to
64 KiB.) Over the cap, the shell closes the response: the connection is dropped, never returned
to the pool half-read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain

import httpx

from ._dialects._base import EXCERPT_CHARS, request_id_of
from ._errors import CustomersError, InvalidParameterError, ResponseValidationError
from ._inputs import shown

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "BodyBuffer", "check_max_response_bytes", "masking"]

DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""32 MiB: a hundred times the largest page the dialects serve with their biggest ``limit``."""

_LENGTH_DIGITS = 18
# Compressed bodies reach httpx's decoder in pieces this big: deflate inflates at most ~1,032
# times, so one piece decodes to 4 MiB at most.
_RAW_PIECE = 4096


def check_max_response_bytes(value: object) -> int | None:
    """``max_response_bytes`` as given, if it is an int >= 1 or ``None`` (no cap)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError(
            f"max_response_bytes must be an int >= 1 or None, got {shown(value)}",
            param="max_response_bytes",
        )
    return value


@contextmanager
def masking(scrub: Callable[[BaseException], None]) -> Iterator[None]:
    """Mask the key in an SDK error raised inside (``scrub`` is ``Settings.scrub``): an
    unreadable body is quoted in the error, and a server that echoes the key must not make
    us print it."""
    try:
        yield
    except CustomersError as exc:
        scrub(exc)
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

    __slots__ = ("_chunks", "_limit", "_redact", "_size", "_streamed", "_time_left", "read_whole")

    def __init__(
        self,
        streamed: httpx.Response,
        *,
        limit: int | None,
        redact: Callable[[str], str],
        time_left: Callable[[], object] | None = None,
    ) -> None:
        self._streamed = streamed
        self._limit = limit
        self._redact = redact
        self._time_left = time_left  # raises once the call's deadline has passed
        self._chunks: list[bytes] = []
        self._size = 0
        encoded, declared = _framing(streamed.headers)
        self.read_whole = not encoded
        # A compressed body's length says little about its decoded size, which is what counts.
        if limit is not None and not encoded and declared is not None and declared > limit:
            raise self._too_large(f"Content-Length {declared}")  # before a byte is read
        if limit is not None or time_left is not None:
            streamed.stream = _WatchedStream(streamed.stream, self)

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

    def pieces(self, raw: bytes) -> Sequence[bytes]:
        """One raw chunk of the response as its stream passes it on: counted, when the body is
        sent as is; cut in small pieces, when compressed, since httpx inflates each piece it
        reads whole (a 64 KiB read of a gzip bomb would inflate to 64 MiB at once)."""
        if self._time_left is not None:
            self._time_left()
        if self.read_whole:
            self.count(raw)
            return (raw,)
        if len(raw) <= _RAW_PIECE:
            return (raw,)
        return [raw[start : start + _RAW_PIECE] for start in range(0, len(raw), _RAW_PIECE)]

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


class _WatchedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response's own stream, each raw chunk passed through :meth:`BodyBuffer.pieces`."""

    def __init__(self, inner: httpx.SyncByteStream | httpx.AsyncByteStream, body: BodyBuffer):
        self._inner = inner
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._inner, httpx.SyncByteStream)  # a sync client's response
        for raw in self._inner:
            yield from self._body.pieces(raw)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._inner, httpx.AsyncByteStream)  # an async client's response
        async for raw in self._inner:
            for piece in self._body.pieces(raw):
                yield piece

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
