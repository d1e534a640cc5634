"""Scenario 7 — a fleet's budget: four processes sharing one rate limit through Redis.

Four processes (two sync clients, two async), each with ``max_requests_per_second=budget``,
list customers from the sandbox served on loopback as fast as their limiter lets them: first
with budgets of their own (what a fleet got before ``rate_limit_url``: four times the budget),
then sharing one budget in a ``redis-server`` started for the run. The figure is the aggregate
rate, from the fleet's first request to its last, against the budget. Target: within 5% of it
on either side. Every process is started and ready (imported, client built, models loaded)
before any sends, so start-up is outside the window.
"""

from __future__ import annotations

import shutil
import uuid
from typing import Any

from ._fleet_worker import Fleet, aggregate_rate
from ._harness import Check, Measure, Section, sandbox_server
from ._redis import RedisServer

__all__ = ["TOLERANCE", "run"]

TOLERANCE = 0.05


def run(
    *, budget: float, processes: int = 4, requests: int, runs: int, pin: bool = True
) -> list[Section]:
    """``runs`` rounds of ``processes`` processes sending ``requests`` each, sharing a budget
    of ``budget`` per second in Redis; one round with a budget per process, for comparison."""
    section = Section(
        f"fleet: {processes} processes x {requests} requests, "
        f"max_requests_per_second={budget:g} each"
    )
    binary = shutil.which("redis-server")
    if binary is None:
        section.notes.append("skipped: redis-server is not installed (apt-get install it)")
        return [section]
    modes = [("sync", "async")[index % 2] for index in range(processes)]
    with sandbox_server(10, pin=pin) as url, RedisServer.start(binary) as redis:
        plan = {"base_url": url, "rate": budget, "requests": requests}
        alone = _round([{**plan, "mode": mode} for mode in modes])
        shared = []
        for _ in range(runs):
            key = f"benchmark-{uuid.uuid4()}"
            shared_plan = {**plan, "url": redis.url, "key": key}
            shared.append(_round([{**shared_plan, "mode": mode} for mode in modes]))
    section.measures.append(Measure("a budget per process (no Redis)", [alone], unit="/s"))
    section.measures.append(Measure("one budget in Redis", shared, unit="/s"))
    ratio = Measure("", shared).median / budget
    section.checks.append(Check("fleet rate / budget", ratio, 1 + TOLERANCE))
    section.checks.append(Check("fleet rate / budget", ratio, 1 - TOLERANCE, at_most=False))
    section.notes.append(
        f"budget {budget:g}/s; without Redis the {processes} processes reached "
        f"{alone / budget:.2f}x it"
    )
    return [section]


def _round(plans: list[dict[str, Any]]) -> float:
    with Fleet(plans) as fleet:
        fleet.go()
        results = fleet.results()
    failures = [error for result in results for error in result["errors"]]
    if failures:
        raise RuntimeError(f"the fleet's calls failed: {failures}")
    return aggregate_rate(results)
