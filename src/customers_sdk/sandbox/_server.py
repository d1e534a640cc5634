"""`SandboxServer` / `serve`: the sandbox over real HTTP on loopback, faults at socket level."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from ._app import BUG_MESSAGE, Sandbox
from ._framing import ClientLeft, FramingError, content_length, read_body
from ._http import SandboxResponse

logger = logging.getLogger("customers_sdk.sandbox")


DEFAULT_MAX_BODY_BYTES = 1 << 20
# Above httpx's 5 s keep-alive expiry: a client's pool retires an idle connection before the
# server hangs up on it, so a reused connection is never one the server is just closing.
DEFAULT_IDLE_TIMEOUT = 10.0
DEFAULT_MAX_CONNECTIONS = 1024
# socketserver's default of 5 resets connections under the load users test with.
_LISTEN_BACKLOG = 1024


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive between requests; benchmarks depend on that.
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; with Nagle's algorithm the body would wait
    # for the client's delayed ACK, adding ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # A socket timeout makes every read and write give up after `idle_timeout`, so an
        # idle or stalled client frees its thread instead of holding it for ever.
        self.connection.settimeout(self.server.idle_timeout)
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def handle_expect_100(self) -> bool:
        # Refuse an oversized or ambiguous body before the client starts sending it.
        try:
            content_length(self.headers, self.server.max_body_bytes)
        except FramingError as error:
            self._refuse(error.status, error.code, error.message)
            return False
        return super().handle_expect_100()

    def _dispatch(self) -> None:
        try:
            response = self._answer()
        except FramingError as error:
            self._refuse(error.status, error.code, error.message)
            return
        except TimeoutError:
            self._refuse(408, "request_timeout", "The request body did not arrive in time.")
            return
        except (ClientLeft, ConnectionError):
            self.close_connection = True
            return
        except Exception:
            logger.exception("sandbox server bug answering %s %s", self.command, self.path)
            self._refuse(500, "internal_error", BUG_MESSAGE)
            return
        if response.drops_connection:
            self.close_connection = True
            return
        self._send(response)

    def _answer(self) -> SandboxResponse:
        body = read_body(self.rfile, self.headers, self.server.max_body_bytes)
        sandbox = self.server.sandbox
        if sandbox.latency:
            self.server.sleep(sandbox.latency)
        path, _, query = self.path.partition("?")
        return sandbox.handle(self.command, path, query, dict(self.headers.items()), body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def _send(self, response: SandboxResponse, *, closing: bool = False) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if closing:
            self.send_header("Connection", "close")
        self.end_headers()
        if response.truncates_body:
            # The headers promised the whole body; send half and hang up.
            self.wfile.write(response.body[: len(response.body) // 2])
            self.close_connection = True
        else:
            self.wfile.write(response.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a malformed request line, too many headers, an
        unknown method) in the dialect's JSON error shape instead of an HTML page."""
        status = HTTPStatus(code)
        # An unparsable request line leaves the version at HTTP/0.9, which has no status
        # line or headers; a client speaking anything else could not read the refusal.
        self.request_version = self.protocol_version
        self._refuse(code, status.phrase.lower().replace(" ", "_"), message or status.phrase)

    def _refuse(self, status: int, code: str, message: str) -> None:
        """Answer an error and close: the rest of the request cannot be trusted or read."""
        kind = "api_error" if status >= 500 else "invalid_request_error"
        path = (getattr(self, "path", None) or "/").partition("?")[0]
        response = self.server.sandbox.error_response(path, status, kind, message, code=code)
        self._send(response, closing=True)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = _LISTEN_BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        sandbox: Sandbox,
        sleep: Callable[[float], object],
        *,
        max_body_bytes: int,
        idle_timeout: float,
        max_connections: int,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.sandbox = sandbox
        self.sleep = sleep
        self.max_body_bytes = max_body_bytes
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        # One slot per handler thread: a flood of connections costs 503s, not threads.
        self._slots = threading.BoundedSemaphore(max_connections)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._turn_away(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread started, so none will give the slot back
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _turn_away(self, connection: socket.socket) -> None:
        """A 503 sent without reading the request (so in no dialect's own shape, though in
        the `{"error": {"type", "code", "message"}}` keys every dialect reads), then close."""
        response = self.sandbox.error_response(
            "/", 503, "api_error",
            f"The sandbox is serving its maximum of {self.max_connections} connections; "
            "retry shortly.",
            code="too_many_connections",
        )  # fmt: skip
        fields = [*response.headers, ("Retry-After", "1"), ("Connection", "close")]
        head = "HTTP/1.1 503 Service Unavailable\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in fields) + "\r\n"
        with contextlib.suppress(OSError):  # the client may be gone already
            connection.sendall(head.encode("latin-1") + response.body)
        self.shutdown_request(connection)

    def handle_error(self, request: object, client_address: object) -> None:
        # socketserver prints a traceback to stderr for every error; a client that hangs up
        # or stalls is routine under load, not worth one.
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            logger.debug("%s left: %r", client_address, error)
        else:
            logger.exception("error serving %s", client_address)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """Hang up on idle keep-alive clients, whose handler threads would otherwise linger."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # the peer may have closed it already
                connection.shutdown(socket.SHUT_RDWR)


class SandboxServer:
    """A `Sandbox` served over HTTP/1.1 on a local socket (bound at construction).

    `start()` serves from a background thread; `serve_forever()` serves in the calling
    thread (what `customers sandbox` does). Faults happen on the real socket: `reset` and
    `commit_then_drop` close it without a reply, `truncated` sends half the body.
    `sleep` is how request threads wait out the sandbox's latency.

    Hardened for load tests: a listen backlog of 1,024; a request body over
    `max_body_bytes` (1 MiB) gets a JSON 413 before it is read (or as soon as a chunked
    body passes it); ambiguous or malformed framing (two `Content-Length`s, one beside
    `Transfer-Encoding`, a bad chunk size) gets a JSON 400; each of these closes the
    connection. A connection silent for `idle_timeout` seconds (10) is closed, a body
    that stops arriving gets a 408. Errors are in the JSON shape of the path's dialect.
    Each connection has a thread; beyond `max_connections` (1,024) at once, a new one gets
    a 503 with `Retry-After: 1` and is closed.

    Args:
        sandbox: The sandbox to serve.
        host: The address to bind: keep a loopback one.
        port: The port; 0 picks a free one (read it back from `port` or `url`).
        sleep: How request threads wait out the sandbox's latency.
        max_body_bytes: Bigger request bodies get a 413.
        idle_timeout: Seconds of silence before a connection is closed.
        max_connections: Connections served at once; more get a 503.

    Raises:
        ValueError: A limit is out of range.
        OSError: The address cannot be bound.

    Attributes:
        sandbox: The sandbox answering the requests.
        host: The address the socket is bound to (`127.0.0.1` unless set).
        port: The port the socket is bound to (the one the system chose for `port=0`).

    >>> with SandboxServer(Sandbox(customers=1)).start() as server:
    ...     server.cursor_base_url == server.url + "/rest"
    True
    """

    def __init__(
        self,
        sandbox: Sandbox,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        sleep: Callable[[float], object] = time.sleep,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        if max_body_bytes < 0:
            raise ValueError(f"max_body_bytes must be >= 0, got {max_body_bytes}")
        if not idle_timeout > 0:
            raise ValueError(f"idle_timeout must be > 0 seconds, got {idle_timeout}")
        if max_connections < 1:
            raise ValueError(f"max_connections must be >= 1, got {max_connections}")
        self.sandbox = sandbox
        self._httpd = _HTTPServer(
            (host, port),
            sandbox,
            sleep,
            max_body_bytes=max_body_bytes,
            idle_timeout=idle_timeout,
            max_connections=max_connections,
        )
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None
        # socketserver's shutdown() waits forever unless a serve loop is running or starting.
        self._serving = False

    @property
    def url(self) -> str:
        """`http://host:port`, the root every dialect lives under."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def stripe_base_url(self) -> str:
        """The `base_url` for `CustomersClient.stripe()`: the root (`/v1/customers`)."""
        return self.url

    @property
    def offset_base_url(self) -> str:
        """The `base_url` for `CustomersClient.offset()`: the root (`/api/public/customers`)."""
        return self.url

    @property
    def cursor_base_url(self) -> str:
        """The cursor dialect lives under `/rest` (`/rest/v1/customers`)."""
        return self.url + "/rest"

    def start(self) -> SandboxServer:
        """Serve from a daemon thread.

        Returns:
            The server itself, so `with server.start():` reads well.
        """
        if self._thread is None:
            self._serving = True
            self._thread = threading.Thread(
                target=self._serve, name=f"customers-sandbox-{self.port}", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until `close` is called from another one or Ctrl-C."""
        self._serving = True
        self._serve()

    def _serve(self) -> None:
        try:
            self._httpd.serve_forever(poll_interval=0.05)
        finally:
            self._serving = False

    def close(self) -> None:
        """Stop serving, hang up on open connections and release the port."""
        if self._serving:
            self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._httpd.close_connections()
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def serve(
    sandbox: Sandbox | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    sleep: Callable[[float], object] = time.sleep,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
) -> SandboxServer:
    """Serve `sandbox` (a default one if None) on `host:port` from a background thread.

    Args:
        sandbox: The sandbox to serve; None for a fresh default one.
        host: The address to bind: keep a loopback one.
        port: The port; 0 picks a free one (read it back from `server.url`).
        sleep: How request threads wait out the sandbox's latency.
        max_body_bytes: Bigger request bodies get a 413.
        idle_timeout: Seconds of silence before a connection is closed.
        max_connections: Connections served at once; more get a 503.

    Returns:
        The started server; use it as a context manager, or call `close()`.

    >>> with serve(Sandbox(customers=10)) as server:
    ...     server.url.startswith("http://127.0.0.1:")
    True
    """
    chosen = sandbox if sandbox is not None else Sandbox()
    server = SandboxServer(
        chosen,
        host,
        port,
        sleep=sleep,
        max_body_bytes=max_body_bytes,
        idle_timeout=idle_timeout,
        max_connections=max_connections,
    )
    return server.start()
