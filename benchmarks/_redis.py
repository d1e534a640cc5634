"""A real ``redis-server`` on a free loopback port, for the fleet benchmark and tests.

Example::

    with RedisServer.start("/usr/bin/redis-server") as server:  # stopped after the block
        ...  # server.url is "redis://127.0.0.1:<port>/0"
        server.kill()  # Redis dies mid-run
        server.restart()  # and comes back on the same port
"""

from __future__ import annotations

import socket
import subprocess
import time

import redis

__all__ = ["RedisServer"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """One ``redis-server`` process: no persistence, loopback only."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary = binary
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    @classmethod
    def start(cls, binary: str) -> RedisServer:
        server = cls(binary, _free_port())
        server.restart()
        return server

    def restart(self) -> None:
        """Start the server (again, on the same port) and wait until it answers."""
        options = f"--port {self.port} --bind 127.0.0.1 --appendonly no --daemonize no"
        self._process = subprocess.Popen(
            [self.binary, *options.split(), "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1.0)
        try:
            for _ in range(500):  # bounded: 5 s at most
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.01)
        finally:
            client.close()
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def kill(self) -> None:
        """Kill the server at once, as a crash would (SIGKILL: no goodbye to clients)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=5)
            self._process = None

    def stop(self) -> None:
        self.kill()

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
