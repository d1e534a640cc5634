"""Request body framing for the loopback server: strict, capped, and never read whole first.

A request whose framing is ambiguous (two `Content-Length`s, or one beside
`Transfer-Encoding`) is refused rather than guessed at: a proxy in front of the server could
guess differently and smuggle a second request through.
"""

from __future__ import annotations

import re
from email.message import Message
from io import BufferedIOBase

_DIGITS = re.compile(rb"[0-9]+")
# Sixteen hex digits is already 2**64; anything longer is garbage, not a big chunk.
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
# Chunk-size lines (with extensions) and trailer lines are short; a longer line is an attack.
_MAX_LINE = 8192
_MAX_TRAILERS = 100


class FramingError(Exception):
    """The request cannot be read as sent: answer `status` and close the connection."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class ClientLeft(Exception):
    """The peer closed the connection before sending the whole body."""


def _bad(message: str) -> FramingError:
    return FramingError(400, "invalid_request_framing", message)


def _too_large(limit: int) -> FramingError:
    return FramingError(413, "request_too_large", f"The request body is larger than {limit} bytes.")


def content_length(headers: Message, limit: int) -> int | None:
    """The body's announced length (0 when none), or None for a chunked body.

    Raises `FramingError` for ambiguous or malformed framing, and for a length over `limit`
    before a byte of the body is read.
    """
    lengths = headers.get_all("Content-Length") or []
    encodings = headers.get_all("Transfer-Encoding") or []
    if lengths and encodings:
        raise _bad("Content-Length and Transfer-Encoding must not both be sent.")
    if len(lengths) > 1:
        raise _bad("Content-Length must be sent once.")
    if encodings:
        if len(encodings) > 1 or encodings[0].strip().lower() != "chunked":
            raise _bad("The only Transfer-Encoding accepted is a single 'chunked'.")
        return None
    if not lengths:
        return 0
    raw = lengths[0].strip().encode("latin-1")
    if not _DIGITS.fullmatch(raw):
        raise _bad("Content-Length must be a decimal number.")
    # Compare digit counts first: int() refuses strings of over 4,300 digits.
    significant = raw.lstrip(b"0") or b"0"
    if len(significant) > len(str(limit)) or int(significant) > limit:
        raise _too_large(limit)
    return int(significant)


def read_body(stream: BufferedIOBase, headers: Message, limit: int) -> bytes:
    """The request body, at most `limit` bytes, refused as soon as it is known to be more."""
    length = content_length(headers, limit)
    if length is None:
        return _read_chunked(stream, limit)
    return _read_exactly(stream, length)


def _read_exactly(stream: BufferedIOBase, size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise ClientLeft
    return data


def _read_line(stream: BufferedIOBase) -> bytes:
    """One line without its CRLF (a bare LF is tolerated, as RFC 9112 allows)."""
    line = stream.readline(_MAX_LINE + 1)
    if not line.endswith(b"\n"):
        if len(line) > _MAX_LINE:
            raise _bad("A chunk-size or trailer line is too long.")
        raise ClientLeft
    return line[:-1].removesuffix(b"\r")


def _read_chunked(stream: BufferedIOBase, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        size_field = _read_line(stream).split(b";", 1)[0].strip(b" \t")
        if not _CHUNK_SIZE.fullmatch(size_field):
            raise _bad(f"Invalid chunk size {size_field[:20]!r}.")
        size = int(size_field, 16)
        if size == 0:
            _skip_trailers(stream)
            return b"".join(chunks)
        total += size
        if total > limit:
            raise _too_large(limit)
        chunks.append(_read_exactly(stream, size))
        if _read_line(stream):
            raise _bad("Chunk data must be followed by CRLF.")


def _skip_trailers(stream: BufferedIOBase) -> None:
    for _ in range(_MAX_TRAILERS):
        if not _read_line(stream):
            return
    raise _bad("Too many trailer fields.")
