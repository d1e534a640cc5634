"""The loopback server's limits and framing rules, checked without a socket."""

from __future__ import annotations

import io
from email.message import Message

import pytest

from customers_sdk.sandbox import Sandbox, SandboxServer
from customers_sdk.sandbox._framing import FramingError, read_body


def headers(*fields: tuple[str, str]) -> Message:
    message = Message()
    for name, value in fields:
        message[name] = value
    return message


@pytest.mark.parametrize(
    "bad", [{"max_body_bytes": -1}, {"idle_timeout": 0}, {"max_connections": 0}]
)
def test_limits_are_checked(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        SandboxServer(Sandbox(customers=0), **bad)  # type: ignore[arg-type]


def test_leading_zeros_are_not_a_bigger_length() -> None:
    stream = io.BytesIO(b"{}next request")
    framing = headers(("Content-Length", "0" * 5000 + "2"))
    assert read_body(stream, framing, limit=2) == b"{}"
    assert read_body(io.BytesIO(b""), headers(), limit=0) == b""


def test_chunk_extensions_and_bare_line_feeds_are_read() -> None:
    stream = io.BytesIO(b"2;name=value\n{}\n0\r\n\r\n")
    assert read_body(stream, headers(("Transfer-Encoding", "Chunked")), limit=2) == b"{}"
    with pytest.raises(FramingError) as refused:
        read_body(io.BytesIO(b"3\r\n{}"), headers(("Transfer-Encoding", "chunked")), limit=2)
    assert (refused.value.status, refused.value.code) == (413, "request_too_large")
