"""Processes of a fleet sharing a rate-limit budget, for the fleet benchmark and tests.

:class:`Fleet` starts one ``python -m benchmarks._fleet_worker PLAN`` per plan and releases them
together. ``PLAN`` is a JSON object: ``rate`` and ``requests``; ``url`` and ``key`` (the Redis
budget; without ``url`` each process keeps a budget of its own); ``base_url`` (a real server,
the sandbox's key) or else an ``httpx.MockTransport`` in the process answering ``statuses``
(the first answers' statuses, 200 after them; a 429 carries ``Retry-After: retry_after``);
``mode`` ("sync" or "async"); ``redis_backoff`` (seconds before Redis is tried again after a
failure). A worker builds its client, prints ``ready``, waits for a line on stdin, makes its
requests (``list(limit=1)``) one after another, and prints one JSON line: when it was
released and when each request was sent (``time.time()``), the errors the calls raised, and
how many times its limiter warned that Redis failed and said that it answers again.

Example::

    fleet = Fleet([{"url": redis_url, "key": "k", "rate": 20, "requests": 8}] * 4)
    fleet.go()
    results = fleet.results()
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from typing import Any

import anyio
import httpx

from customers_sdk import AsyncCustomersClient, CustomersClient, CustomersError, _fleet

from ._harness import API_KEY, subprocess_env

__all__ = ["Fleet", "aggregate_rate"]


class Fleet:
    """Worker processes started together, each ready (imported, client built, models loaded)
    before any starts sending, so a measured window holds requests only."""

    def __init__(self, plans: list[dict[str, Any]]) -> None:
        env = subprocess_env()
        env.pop("CUSTOMERS_RATE_LIMIT_URL", None)  # a plan without a url means no Redis
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "benchmarks._fleet_worker", json.dumps(plan)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            for plan in plans
        ]
        for process in self.processes:
            assert process.stdout is not None
            ready = process.stdout.readline().strip()
            if ready != "ready":
                self.kill()
                raise RuntimeError(f"a fleet worker did not start: {ready!r}")

    def go(self, index: int | None = None) -> None:
        """Release every worker (or the one at ``index``)."""
        chosen = self.processes if index is None else [self.processes[index]]
        for process in chosen:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()

    def result(self, index: int) -> dict[str, Any]:
        out, _ = self.processes[index].communicate(timeout=120)
        if self.processes[index].returncode != 0:
            raise RuntimeError(f"fleet worker {index} failed: {out!r}")
        parsed: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        return parsed

    def results(self) -> list[dict[str, Any]]:
        return [self.result(index) for index in range(len(self.processes))]

    def kill(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.kill()


def aggregate_rate(results: list[dict[str, Any]]) -> float:
    """Requests per second of the whole fleet, from its first request to its last."""
    sent: list[float] = sorted(t for result in results for t in result["sent"])
    return (len(sent) - 1) / (sent[-1] - sent[0])


_PAGE = {
    "object": "list",
    "url": "/v1/customers",
    "has_more": False,
    "data": [{"id": "cus_1", "object": "customer", "created": 1}],
}


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.failed = 0
        self.back = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno == logging.WARNING and message.startswith("rate limit:"):
            self.failed += 1
        elif message.endswith("answers again"):
            self.back += 1


def _work(plan: dict[str, Any]) -> dict[str, Any]:
    _fleet.RETRY_REDIS_AFTER = plan.get("redis_backoff", _fleet.RETRY_REDIS_AFTER)
    counter = _Counter()
    logger = logging.getLogger("customers_sdk")
    logger.addHandler(counter)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    sent: list[float] = []
    statuses: list[int] = list(plan.get("statuses", []))

    def answer(request: httpx.Request) -> httpx.Response:
        if statuses and statuses.pop(0) == 429:
            headers = {"Retry-After": str(plan.get("retry_after", 1))}
            return httpx.Response(429, headers=headers, json={"error": {"type": "rate_limit"}})
        return httpx.Response(200, json=_PAGE)

    def stamp(request: httpx.Request) -> None:
        sent.append(time.time())

    async def astamp(request: httpx.Request) -> None:
        stamp(request)

    base_url = plan.get("base_url")
    transport = None if base_url else httpx.MockTransport(answer)
    options: dict[str, Any] = {
        "api_key": API_KEY,
        "base_url": base_url,
        "max_retries": 0,
        "max_requests_per_second": plan["rate"],
        "rate_limit_url": plan.get("url"),
        "rate_limit_key": plan.get("key"),
    }
    # One customer parsed outside the budget: the first response loads the models (a second
    # or so on a busy machine), which would otherwise stall the measured window.
    warm_up = httpx.MockTransport(lambda _: httpx.Response(200, json=_PAGE))
    with CustomersClient.stripe(api_key=API_KEY, http_client=httpx.Client(transport=warm_up)) as c:
        c.list(limit=1)
    errors: list[str] = []
    requests = int(plan["requests"])
    released: list[float] = []  # when the go line came
    if plan.get("mode", "sync") == "sync":
        http = httpx.Client(transport=transport, event_hooks={"request": [stamp]})
        client = CustomersClient.stripe(http_client=http, **options)
        print("ready", flush=True)
        sys.stdin.readline()
        released.append(time.time())
        for _ in range(requests):
            try:
                client.list(limit=1)
            except CustomersError as exc:
                errors.append(type(exc).__name__)
        http.close()
    else:

        async def run() -> None:
            http = httpx.AsyncClient(transport=transport, event_hooks={"request": [astamp]})
            client = AsyncCustomersClient.stripe(http_client=http, **options)
            print("ready", flush=True)
            await anyio.to_thread.run_sync(sys.stdin.readline)
            released.append(time.time())
            for _ in range(requests):
                try:
                    await client.list(limit=1)
                except CustomersError as exc:
                    errors.append(type(exc).__name__)
            await http.aclose()

        anyio.run(run)
    return {
        "released": released[0],
        "sent": sent,
        "errors": errors,
        "failed": counter.failed,
        "back": counter.back,
    }


if __name__ == "__main__":
    print(json.dumps(_work(json.loads(sys.argv[1]))), flush=True)
