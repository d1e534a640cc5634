"""The ``customers`` command as a shell runs it: its own process, against the sandbox served on
127.0.0.1, writing into a real pipe that ``head`` closes early, and drawing its progress on a
pseudo-terminal. Each test starts one or two processes (~0.4 s each): keep them few."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator

import pytest

from customers_sdk import CustomersClient
from customers_sdk._cli import main
from customers_sdk.sandbox import Sandbox, SandboxServer, serve

# No `integration` mark: the sockets are the child processes', which conftest's check of this
# process's connections cannot see (as in test_examples.py).

KEY = "sk_test_sandbox"
CUSTOMERS = 1000


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with serve(Sandbox(customers=CUSTOMERS, seed=3), port=0) as running:
        yield running


def command(server: SandboxServer, dialect: str, *args: str) -> list[str]:
    base = server.cursor_base_url if dialect == "cursor" else server.url
    connection = ("--dialect", dialect, "--base-url", base, "--api-key", KEY)
    return [sys.executable, "-m", "customers_sdk", *args, *connection]


@pytest.mark.parametrize(
    ("dialect", "args"),
    [
        ("stripe", ("export", "--format", "csv", "--limit", "100")),
        ("offset", ("list", "--all", "--limit", "100")),
        ("stripe", ("search", "metadata['tier']:'gold'", "--all", "--format", "jsonl")),
    ],
)
def test_a_pipe_closed_by_head_ends_quietly(
    server: SandboxServer, dialect: str, args: tuple[str, ...]
) -> None:
    producer = subprocess.Popen(
        command(server, dialect, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert producer.stdout is not None
    head = subprocess.Popen(["head", "-2"], stdin=producer.stdout, stdout=subprocess.PIPE)
    producer.stdout.close()  # `head` holds the only read end: when it exits, the pipe breaks
    taken, _ = head.communicate(timeout=60)
    _, err = producer.communicate(timeout=60)
    assert len(taken.splitlines()) == 2
    assert (producer.returncode, err) == (0, b"")


def _on_terminal(
    argv: list[str], *, interrupt_on: re.Pattern[bytes] | None = None
) -> tuple[int, bytes, bytes]:
    """Run ``argv`` with stderr on a 100x24 pseudo-terminal and stdout into a pipe; send
    SIGINT once ``interrupt_on`` has been drawn. Returns (status, screen, stdout)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    stdout = io.BytesIO()
    screen, deadline = b"", time.monotonic() + 60
    with subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave
    ) as process:
        os.close(slave)
        rows = process.stdout
        assert rows is not None
        reader = threading.Thread(target=lambda: stdout.write(rows.read()))
        reader.start()
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.1)
                if ready:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:  # EIO: the process has gone and all it drew is read
                        break
                    if not chunk:
                        break
                    screen += chunk
                    if interrupt_on is not None and interrupt_on.search(screen):
                        process.send_signal(signal.SIGINT)
                        interrupt_on = None
                elif process.poll() is not None:
                    break
        finally:
            os.close(master)
            status = process.wait(timeout=60)
            reader.join(60)
    return status, screen, stdout.getvalue()


def test_export_draws_a_bar_with_total_rate_and_eta_on_a_terminal(server: SandboxServer) -> None:
    argv = command(server, "offset", "export", "--format", "csv", "--limit", "100",
                   "--concurrency", "2")  # fmt: skip
    status, screen, rows = _on_terminal(argv)
    assert status == 0
    assert len(rows.splitlines()) == 1 + CUSTOMERS
    assert b"exported: 100%|" in screen
    assert f"| {CUSTOMERS}/{CUSTOMERS} [".encode() in screen
    assert b"<00:00, " in screen  # the ETA
    assert b" customers/s]" in screen
    assert screen.endswith(b"]\r\n")


def test_search_all_draws_a_bar_out_of_the_number_of_matches(server: SandboxServer) -> None:
    # The total is Stripe's total_count, which the command asks for: percentage and ETA too.
    argv = command(server, "stripe", "search", "created>0", "--all", "--format", "jsonl")
    status, screen, rows = _on_terminal(argv)
    assert status == 0
    assert len(rows.splitlines()) == CUSTOMERS
    assert b"found: 100%|" in screen
    assert f"| {CUSTOMERS}/{CUSTOMERS} [".encode() in screen


def test_ctrl_c_exits_130_with_its_message_on_a_line_of_its_own(server: SandboxServer) -> None:
    # One customer a page: the walk is still going when the bar first appears.
    argv = command(server, "stripe", "export", "--format", "csv", "--limit", "1")
    status, screen, _ = _on_terminal(argv, interrupt_on=re.compile(rb"exported: [1-9]"))
    assert status == 130
    assert screen.endswith(b" customers/s]\r\ninterrupted\r\n")
    assert b"Traceback" not in screen


def test_get_of_a_deleted_customer_says_so_and_exits_1() -> None:
    # Stripe answers a deleted customer's id with a tombstone, `{"id", "deleted": true}`.
    with serve(Sandbox(customers=3), port=0) as small:
        base = small.url
        with CustomersClient.stripe(api_key=KEY, base_url=base) as client:
            gone = client.list(limit=1).data[0].id
            client.delete(gone)
        out, err = io.StringIO(), io.StringIO()
        argv = ["get", gone, "--format", "json", "--base-url", base, "--api-key", KEY]
        status = main(argv, out=out, err=err)
    assert (status, out.getvalue()) == (1, "")
    assert err.getvalue().startswith(f"error: customer {gone} is deleted request_id=")
    assert err.getvalue().count("\n") == 1
