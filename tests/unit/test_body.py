"""Bodies bigger than the client will buffer: a :class:`ResponseValidationError` with the
status and a short excerpt, for error and success statuses, in every dialect, sync and async.
The cap is counted while the body streams in, after decompression, and over it the rest of the
body is never read.
"""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from conftest import (
    API_KEY,
    DIALECTS,
    Drive,
    Driver,
    Waits,
    page_body,
    unit_driver,
    wire_customer,
)
from customers_sdk import (
    APITimeoutError,
    CustomersClient,
    InternalServerError,
    InvalidParameterError,
    ResponseValidationError,
)
from customers_sdk._body import DEFAULT_MAX_RESPONSE_BYTES
from customers_sdk.sandbox import DEFAULT_API_KEY, Sandbox, SandboxTransport


# -- the size cap ---------------------------------------------------------------------------
class Endless:
    """A body of ``chunks`` chunks of ``size`` bytes, counting how many were pulled;
    ``tick`` runs before each (to move a fake clock)."""

    def __init__(
        self,
        chunks: int = 10_000,
        size: int = 1024,
        head: bytes = b"",
        tick: Callable[[], None] = lambda: None,
    ) -> None:
        self.chunks = chunks
        self.chunk = b"x" * size
        self.head = head
        self.tick = tick
        self.pulled = 0

    def _next(self) -> bytes:
        self.tick()
        self.pulled += 1
        return self.head if self.pulled == 1 and self.head else self.chunk

    def __iter__(self) -> Iterator[bytes]:
        while self.pulled < self.chunks:
            yield self._next()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.chunks:
            yield self._next()

    def respond(self, drive: Drive, status: int = 200, **headers: str | bytes) -> Any:
        """A caller's ``http_client`` whose transport answers every request with this body."""
        raw = [
            (name.encode(), v if isinstance(v, bytes) else v.encode())
            for name, v in headers.items()
        ]

        def handler(request: httpx.Request) -> httpx.Response:
            sync = drive.client_class is CustomersClient
            content: Any = iter(self) if sync else self.__aiter__()
            return httpx.Response(status, headers=raw, content=content)

        return drive.http_client(transport=httpx.MockTransport(handler))


def capped(drive: Drive, dialect: str, http: Any, limit: int | None) -> Driver:
    return unit_driver(drive, dialect, http_client=http, max_response_bytes=limit)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("status", [200, 500])
def test_a_body_over_the_cap_stops_being_read(drive: Drive, dialect: str, status: int) -> None:
    body = Endless(head=b'{"data": [' + API_KEY.encode())
    http = body.respond(drive, status)

    with pytest.raises(ResponseValidationError) as caught:
        capped(drive, dialect, http, 10 * 1024).first_page()

    assert body.pulled == 11  # ten full chunks fit; the eleventh is one byte too many
    error = caught.value
    assert error.status_code == status
    assert "max_response_bytes=10240" in str(error)
    assert error.excerpt.startswith('{"data": [***xxx')
    assert API_KEY not in str(error)


def test_a_body_of_exactly_the_cap_is_read(drive: Drive) -> None:
    raw = httpx.Response(
        200, json=page_body("cursor", [wire_customer("cursor", 1)], has_more=False)
    )
    http = drive.http_client(transport=httpx.MockTransport(lambda request: raw))
    size = len(raw.content)

    page = capped(drive, "cursor", http, size).first_page()
    with pytest.raises(ResponseValidationError):
        capped(drive, "cursor", http, size - 1).first_page()

    assert page.ids == ["c_0001"]


def test_a_declared_length_over_the_cap_is_refused_before_reading(drive: Drive) -> None:
    body = Endless()
    http = body.respond(drive, 200, **{"Content-Length": str(10_000 * 1024)})

    with pytest.raises(ResponseValidationError) as caught:
        capped(drive, "stripe", http, 1024).get("cus_1")

    assert body.pulled == 0
    assert "Content-Length 10240000" in str(caught.value)


def test_a_body_the_transport_had_already_read_is_measured_too(drive: Drive) -> None:
    # httpx's MockTransport (and the sandbox's) hand over responses read in advance: nothing
    # streams through the counter, so the whole body is measured, whatever the header says.
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 100, headers={"Content-Length": "5"})

    http = drive.http_client(transport=httpx.MockTransport(handler))

    with pytest.raises(ResponseValidationError) as caught:
        capped(drive, "cursor", http, 50).get("c1")

    assert "over 50 bytes" in str(caught.value)
    assert caught.value.excerpt == "x" * 100


@pytest.mark.parametrize("length", [b"9" * 40, b"12abc", b"\xb2"])  # "\xb2": superscript two
def test_an_odd_content_length_leaves_the_count_to_decide(drive: Drive, length: bytes) -> None:
    body = Endless(chunks=3)
    http = body.respond(drive, 200, **{"Content-Length": length})

    with pytest.raises(ResponseValidationError) as caught:
        capped(drive, "stripe", http, 2048).get("cus_1")

    expected = "Content-Length 1000000000000000000" if length.isdigit() else "over 2048 bytes"
    assert expected in str(caught.value)


def test_the_cap_counts_decompressed_bytes(drive: Drive) -> None:
    # 64 KiB of gzip that inflates to 64 MiB; the compressed length says nothing.
    bomb = gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9)
    headers = {"Content-Encoding": "gzip", "Content-Length": str(len(bomb))}
    raw = httpx.Response(200, headers=headers, content=bomb)
    http = drive.http_client(transport=httpx.MockTransport(lambda request: raw))

    with pytest.raises(ResponseValidationError) as caught:
        capped(drive, "offset", http, 1024 * 1024).first_page()

    assert len(bomb) < 1024 * 1024
    assert "over 1048576 bytes" in str(caught.value)


@pytest.mark.parametrize("customers", [1, 300])  # 300: compressed, still over 4 KiB
def test_a_gzip_body_under_the_cap_reads_as_usual(drive: Drive, customers: int) -> None:
    items = [wire_customer("stripe", index) for index in range(customers)]
    zipped = gzip.compress(
        httpx.Response(200, json=page_body("stripe", items, has_more=False)).content
    )
    # One raw chunk, as it would come off the socket (not read in advance).
    body = Endless(chunks=1, head=zipped)
    http = body.respond(drive, 200, **{"Content-Encoding": "gzip", "Request-Id": "req_gz"})

    first = capped(drive, "stripe", http, 1024 * 1024).first_page()

    assert first.ids == [item["id"] for item in items]
    assert first.response_info.request_id == "req_gz"
    assert customers == 1 or len(zipped) > 4096


def test_no_cap_with_none(drive: Drive) -> None:
    body = Endless(chunks=40, size=1024 * 1024, head=b"<html>")
    http = body.respond(drive, 502)

    with pytest.raises(InternalServerError) as caught:
        capped(drive, "stripe", http, None).first_page()

    assert body.pulled == 40  # read whole: 40 MiB, over the default cap
    assert caught.value.body.startswith("<html>xxx")


def test_the_default_cap_is_32_mib(drive: Drive) -> None:
    body = Endless(chunks=40, size=1024 * 1024)
    http = body.respond(drive)
    client = drive.stripe(api_key=API_KEY, http_client=http, max_retries=0)

    with pytest.raises(ResponseValidationError):
        client.first_page()

    assert DEFAULT_MAX_RESPONSE_BYTES == 32 * 1024 * 1024
    assert body.pulled == 33


@pytest.mark.parametrize("value", [0, -1, True, 1.5, "1024"])
def test_a_bad_cap_is_refused_at_construction(drive: Drive, value: object) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        unit_driver(drive, "cursor", max_response_bytes=value)

    assert caught.value.param == "max_response_bytes"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_cap_holds_with_the_in_process_sandbox(drive: Drive, dialect: str) -> None:
    sandbox = Sandbox(customers=300)
    http = drive.http_client(transport=SandboxTransport(sandbox))
    url = "http://sandbox" + ("/rest" if dialect == "cursor" else "")
    options: dict[str, Any] = {"api_key": DEFAULT_API_KEY, "base_url": url, "max_retries": 0}

    small = drive.dialect(dialect, **options, http_client=http, max_response_bytes=4096)
    roomy = drive.dialect(dialect, **options, http_client=http, max_response_bytes=1 << 20)

    with pytest.raises(ResponseValidationError):
        small.first_page(limit=100)
    assert len(roomy.list_all(limit=100)) == 300


# -- the deadline -------------------------------------------------------------------------------
@pytest.mark.parametrize("limit", [DEFAULT_MAX_RESPONSE_BYTES, None], ids=["capped", "uncapped"])
@pytest.mark.parametrize("encoding", [None, "identity"])  # read whole, or decoded
def test_a_body_trickling_in_past_the_deadline_is_a_timeout(
    drive: Drive, waits: Waits, limit: int | None, encoding: str | None
) -> None:
    # Each read may wait as long as the read timeout (cut to the deadline when the attempt
    # started), and a byte now and then starts that wait again: only the deadline, looked at
    # per chunk, ends the call. Before, deadline=2 against a byte every 0.5 s took 39 s.
    def one_second_later() -> None:
        waits.now += 1.0

    body = Endless(chunks=100, size=1, tick=one_second_later)
    headers: dict[str, str | bytes] = {"Content-Encoding": encoding} if encoding else {}
    http = body.respond(drive, 200, **headers)
    driver = unit_driver(drive, "stripe", http_client=http, max_response_bytes=limit, max_retries=2)
    driver.client._settings = driver.client._settings.with_clock(waits.clock)
    with pytest.raises(APITimeoutError, match=r"deadline of 5\.000s exceeded after 1 attempt"):
        driver.get("cus_1", deadline=5)
    assert body.pulled == 5  # up to the chunk that came as the deadline passed; no retry
