"""One process of a fleet sharing a rate-limit budget in Redis, run by the fleet tests.

``python tests/fleet_worker.py PLAN`` (``PLAN`` a JSON object: ``url``, ``key``, ``rate``,
``requests``, and optionally ``mode`` ("sync" or "async"), ``statuses`` (the first answers'
statuses, 200 after them), ``retry_after``, ``redis_backoff``) builds a client whose server is an
``httpx.MockTransport`` in this process, prints ``ready``, waits for a line on stdin, makes its
requests one after another, and prints one JSON line: when each request reached the "server"
(``time.time()``), the errors the calls raised, and how many times the limiter warned that
Redis failed and said that it answers again.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

import anyio
import httpx

from customers_sdk import AsyncCustomersClient, CustomersClient, CustomersError, _fleet


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


def main(plan: dict[str, Any]) -> dict[str, Any]:
    _fleet.RETRY_REDIS_AFTER = plan.get("redis_backoff", _fleet.RETRY_REDIS_AFTER)
    counter = _Counter()
    logger = logging.getLogger("customers_sdk")
    logger.addHandler(counter)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    sent: list[float] = []
    statuses: list[int] = list(plan.get("statuses", []))

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(time.time())
        if statuses and statuses.pop(0) == 429:
            headers = {"Retry-After": str(plan.get("retry_after", 1))}
            return httpx.Response(429, headers=headers, json={"error": {"type": "rate_limit"}})
        return httpx.Response(200, json={"id": "cus_1", "object": "customer", "created": 1})

    options: dict[str, Any] = {
        "api_key": "sk_test_fleet",
        "max_retries": 0,
        "max_requests_per_second": plan["rate"],
        "rate_limit_url": plan["url"],
        "rate_limit_key": plan["key"],
    }
    transport = httpx.MockTransport(answer)
    # Build and parse a customer once, outside the budget: the first response loads the models
    # (a second or so on a busy machine), which would otherwise stall the measured window.
    warm_up = httpx.MockTransport(lambda _: httpx.Response(200, json={"id": "cus_0"}))
    with CustomersClient.stripe(
        api_key="sk_test_fleet", http_client=httpx.Client(transport=warm_up)
    ) as unbudgeted:
        unbudgeted.get("cus_0")
    errors: list[str] = []
    requests = int(plan["requests"])
    if plan.get("mode", "sync") == "sync":
        client = CustomersClient.stripe(http_client=httpx.Client(transport=transport), **options)
        print("ready", flush=True)
        sys.stdin.readline()
        for _ in range(requests):
            try:
                client.get("cus_1")
            except CustomersError as exc:
                errors.append(type(exc).__name__)
    else:

        async def run() -> None:
            http = httpx.AsyncClient(transport=transport)
            client = AsyncCustomersClient.stripe(http_client=http, **options)
            print("ready", flush=True)
            await anyio.to_thread.run_sync(sys.stdin.readline)
            for _ in range(requests):
                try:
                    await client.get("cus_1")
                except CustomersError as exc:
                    errors.append(type(exc).__name__)
            await http.aclose()

        anyio.run(run)
    return {"sent": sent, "errors": errors, "failed": counter.failed, "back": counter.back}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))), flush=True)
