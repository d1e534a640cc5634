"""An export killed with SIGKILL mid-walk resumes to a file with every customer exactly once.

The export runs in a subprocess against the sandbox served on 127.0.0.1 and prints its count
after every page (after the checkpoint is durable). Once it is past a few pages the sandbox
starts holding requests, so the process is certainly mid-walk when it is killed; the resume
runs here, against the same server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from customers_sdk import CustomersClient, ExportFormat, export_customers
from customers_sdk.sandbox import Sandbox, SandboxServer

pytestmark = pytest.mark.integration

KEY = "sk_test_sandbox"
CUSTOMERS = 600
PAGE = 50

CHILD = """
import sys
from customers_sdk import CustomersClient, export_customers

url, dialect, path, fmt = sys.argv[1:]
client = getattr(CustomersClient, dialect)(api_key="sk_test_sandbox", base_url=url)
export_customers(
    client, path, format=fmt, limit=50, row_group_size=50, concurrency=2,
    progress=lambda count: print(count, flush=True),
)
"""


class Gate:
    """The sandbox's latency: none while open; closed, a request waits until released."""

    def __init__(self) -> None:
        self.released = threading.Event()

    def sleep(self, seconds: float) -> None:
        self.released.wait(seconds)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    gate = Gate()  # released at the end, so no request thread outlives the test
    served = SandboxServer(Sandbox(customers=CUSTOMERS, seed=3), sleep=gate.sleep).start()
    try:
        yield served
    finally:
        gate.released.set()
        served.close()


@pytest.mark.parametrize(("dialect", "fmt"), [("stripe", "csv"), ("offset", "parquet")])
def test_kill_9_then_resume_holds_every_customer_once_in_order(
    server: SandboxServer, tmp_path: Path, dialect: str, fmt: ExportFormat
) -> None:
    path = tmp_path / f"customers.{fmt}"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, server.url, dialect, str(path), fmt],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:  # bounded: the child ends by itself at EOF
            if int(line) >= 4 * PAGE:
                server.sandbox.latency = 60.0  # every request from now on is held
                break
        checkpoint = json.loads(path.with_name(path.name + ".checkpoint.json").read_text())
        assert PAGE <= checkpoint["count"] < CUSTOMERS
        assert child.poll() is None, "the export ended before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:  # pragma: no cover - only when an assertion failed above
            child.kill()
            child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    server.sandbox.latency = 0.0
    with getattr(CustomersClient, dialect)(api_key=KEY, base_url=server.url) as client:
        expected = [c.id for c in client.list(limit=100)]
        resumed = export_customers(
            client, path, format=fmt, resume=True, limit=PAGE, row_group_size=PAGE, concurrency=2
        )
        assert resumed == CUSTOMERS
    if fmt == "csv":
        ids = [line.split(",", 1)[0] for line in path.read_text("utf-8").splitlines()[1:]]
    else:
        ids = pq.read_table(path).column("id").to_pylist()
    assert ids == expected
    assert len(set(ids)) == CUSTOMERS
