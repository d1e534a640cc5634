"""Every script in ``examples/`` runs with no API key, against the sandbox, and prints what it
promises.

The scripts run in subprocesses (``sys.executable -W error``), all started at once: each spends
most of its time importing or waiting out a retry backoff. The environment has no API key and
points every proxy at a closed loopback port, so a script that reached beyond the in-process
sandbox or 127.0.0.1 would fail rather than quietly use the network.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(path.name for path in EXAMPLES.glob("*.py"))
TIMEOUT_SECONDS = 60
_UNSET = (
    "STRIPE_API_KEY",
    "CUSTOMERS_API_KEY",
    "CUSTOMERS_BASE_URL",
    "CUSTOMERS_DIALECT",
    "CUSTOMERS_SDK_LOG",
)
_CLOSED_PORT_PROXY = "http://127.0.0.1:9"

ID = r"cus_\w+"
REQUEST_ID = r"req_\w+"

# What each script prints, as one regular expression over its whole stdout: `(?P<n>...)` and
# `(?P=n)` tie numbers that must agree (a walk finds as many customers as the sandbox holds).
EXPECTED: dict[str, str] = {
    "async_walk.py": (
        r"first page: (?P<size>\d+) customers, has_more=True\n"
        r"async for walked (?P<n>\d+) customers\n"
        r"gathered 8 customers concurrently, in order: True\n"
        rf"NotFoundError 404 \(request id {REQUEST_ID}\)\n"
        r"offset with concurrency=4 walked (?P=n) customers\n"
    ),
    "errors_and_retries.py": (
        rf"NotFoundError: status=404 code=resource_missing request_id={REQUEST_ID}\n"
        r"InvalidParameterError: param=limit, nothing sent: True\n"
        r"UnsupportedOperationError: the 'offset' dialect does not support get\(\)\n"
        r"AuthenticationError: status=401, key in message: False\n"
        r"server_error: recovered after 1 retry\n"
        r"rate_limit: recovered after 1 retry\n"
        r"commit_then_drop: created 1 customer in 2 attempts with 1 idempotency key\n"
        r"no idempotency key: APIConnectionError, not retried, yet created 1\n"
        rf"max_retries=0: InternalServerError 503, request_id={REQUEST_ID}\n"
        r"deadline=0\.2: InternalServerError after 0 retries\n"
    ),
    "filters.py": (
        r"sandbox served at http://127\.0\.0\.1:\d+\n"
        r"cursor: (?P<gold_acme>\d+) gold customers at acme\.io\n"
        r"cursor: \d+ gold, silver or Ada\n"
        r"cursor: \d+ created since 2023-11-14 \(raw dict filter\)\n"
        r"cursor: rejected before sending: filters\.op 'like' is not one of .*\n"
        r"stripe: \d+ created since 2024-01-01\n"
        r"(stripe: email='[^']+' -> True\n)?"
        r"stripe search: (?P=gold_acme) gold customers at acme\.io\n"
    ),
    "pagination.py": (
        r"stripe pages of 25: \[(25, )+\d+\]\n"
        r"next_page: 50, then \d+, then None\n"
        r"backward from #60: 60 customers, nearest first: True\n"
        r"offset: total=(?P<n>\d+), walked (?P=n) with concurrency=4, same order: True\n"
        r"cursor: walked (?P=n) with prefetch, same as stripe: True\n"
    ),
    "quickstart.py": (
        r"sandbox holds (?P<n>\d+) customers\n"
        r"first page: 10 customers, has_more=True\n"
        r"walked (?P=n) customers, newest first\n"
        rf"got {ID} created \d{{4}}-\d{{2}}-\d{{2}} \(request id {REQUEST_ID}\)\n"
        rf"created {ID}: name='Ada King' metadata=\{{'tier': 'gold'\}}\n"
        r"deleted: True\n"
    ),
    "testing_with_sandbox.py": (
        r"test_in_process passed\n"
        r"test_pages_are_fetched_once passed\n"
        r"test_over_loopback passed\n"
        r"test_survives_faults passed\n"
        r"test_gives_up_after_max_retries passed\n"
    ),
    "workflow_nodes.py": (
        r"listCustomers: 5 customers, JSON-ready: True\n"
        r"next run: 5 more, no overlap: True\n"
        r"getOneCustomer: True\n"
        r"error result: NotFoundError 404 \"No such customer: 'cus_missing'\"\n"
        r"no id: 'Customer ID is required' \(InvalidParameterError\)\n"
        r"async getOneCustomer: True\n"
    ),
}


@dataclass(frozen=True)
class Run:
    """How one example script ended."""

    returncode: int
    stdout: str
    stderr: str


def _environment() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in _UNSET}
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env[proxy] = _CLOSED_PORT_PROXY
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Every example, run to completion from an empty working directory."""
    cwd = tmp_path_factory.mktemp("examples")
    env = _environment()
    started = {
        name: subprocess.Popen(
            [sys.executable, "-W", "error", str(EXAMPLES / name)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=cwd,
            env=env,
        )
        for name in SCRIPTS
    }
    results: dict[str, Run] = {}
    try:
        for name, process in started.items():
            stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
            results[name] = Run(process.returncode, stdout, stderr)
        yield results
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()
                process.communicate()


def test_every_example_has_expected_output() -> None:
    assert SCRIPTS, f"no examples found in {EXAMPLES}"
    assert sorted(EXPECTED) == SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs_and_prints_what_it_promises(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    assert run.returncode == 0, f"{name} exited {run.returncode}:\n{run.stderr}"
    assert run.stderr == "", f"{name} wrote to stderr:\n{run.stderr}"
    assert re.fullmatch(EXPECTED[name], run.stdout), f"{name} printed:\n{run.stdout}"
