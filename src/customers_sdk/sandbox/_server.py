"""`SandboxServer` / `serve`: the sandbox over real HTTP on loopback, faults at socket level."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from ._app import Sandbox

logger = logging.getLogger("customers_sdk.sandbox")


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive between requests; benchmarks depend on that.
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; with Nagle's algorithm the body would wait
    # for the client's delayed ACK, adding ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def _dispatch(self) -> None:
        body = self._read_body()
        if body is None:
            self.send_error(400, "Unreadable request body")
            return
        sandbox = self.server.sandbox
        if sandbox.latency:
            self.server.sleep(sandbox.latency)
        path, _, query = self.path.partition("?")
        response = sandbox.handle(self.command, path, query, dict(self.headers.items()), body)
        if response.drops_connection:
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if response.truncates_body:
            # The headers promised the whole body; send half and hang up.
            self.wfile.write(response.body[: len(response.body) // 2])
            self.close_connection = True
        else:
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length_header = self.headers.get("Content-Length", "0")
        if not length_header.isdigit():
            return None
        return self.rfile.read(int(length_header))

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        while True:
            size_line = self.rfile.readline().split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                return None
            if size == 0:
                while self.rfile.readline().strip():  # trailers end with a blank line
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], sandbox: Sandbox, sleep: Callable[[float], object]
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.sandbox = sandbox
        self.sleep = sleep
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

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
    ) -> None:
        self.sandbox = sandbox
        self._httpd = _HTTPServer((host, port), sandbox, sleep)
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
        return self.url

    @property
    def offset_base_url(self) -> str:
        return self.url

    @property
    def cursor_base_url(self) -> str:
        """The cursor dialect lives under `/rest` (`/rest/v1/customers`)."""
        return self.url + "/rest"

    def start(self) -> SandboxServer:
        """Serve from a daemon thread; returns self so `with server.start():` reads well."""
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
) -> SandboxServer:
    """Serve `sandbox` (a default one if None) on `host:port` from a background thread.

    Port 0 picks a free port; read it back from `server.url`.

    >>> with serve(Sandbox(customers=10)) as server:
    ...     server.url.startswith("http://127.0.0.1:")
    True
    """
    chosen = sandbox if sandbox is not None else Sandbox()
    return SandboxServer(chosen, host, port, sleep=sleep).start()
