"""Run the benchmarks: ``python -m benchmarks [--quick] [--only NAME ...] [--json FILE]``.

Nine scenarios (see ``docs/benchmarks.md``): list throughput, per-call overhead, concurrency,
memory, import time, model parsing, the walk of wide Stripe customers, a fleet of processes
sharing one rate limit in Redis, and bulk export to a file in each format.
Each prints its measures (median and spread over several runs) and its ratios with PASS or
MISS against the target. ``--quick`` runs smaller
walks and fewer runs: a fast check, not figures to publish.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import concurrency, export, fleet, imports, memory, overhead, parsing, throughput, wide
from ._harness import Section, cpu_split, cpu_times, pinned_client, steal_share

__all__ = ["PLANS", "SCENARIOS", "Plan", "main", "run_scenario"]


@dataclass(frozen=True)
class Plan:
    """Sizes and run counts of every scenario for one mode (full, quick, or the test's smoke)."""

    walk_customers: int
    walk_runs: int
    get_calls: int
    get_runs: int
    concurrency_customers: int
    concurrency_latency_ms: float
    concurrency_runs: int
    memory_small: int
    memory_large: int
    memory_runs: int
    import_runs: int
    parse_pages: int
    parse_runs: int
    wide_customers: int
    fleet_budget: float
    fleet_processes: int
    fleet_requests: int
    fleet_runs: int
    export_customers: int
    export_runs: int


PLANS = {
    "full": Plan(
        walk_customers=20_000, walk_runs=5, get_calls=2_000, get_runs=4,
        concurrency_customers=10_000, concurrency_latency_ms=20.0, concurrency_runs=5,
        memory_small=20_000, memory_large=200_000, memory_runs=2,
        import_runs=15, parse_pages=50, parse_runs=10, wide_customers=10_000,
        fleet_budget=40.0, fleet_processes=4, fleet_requests=60, fleet_runs=3,
        export_customers=200_000, export_runs=1,
    ),
    "quick": Plan(
        walk_customers=5_000, walk_runs=3, get_calls=500, get_runs=3,
        concurrency_customers=2_000, concurrency_latency_ms=20.0, concurrency_runs=2,
        memory_small=5_000, memory_large=50_000, memory_runs=1,
        import_runs=5, parse_pages=20, parse_runs=3, wide_customers=3_000,
        fleet_budget=40.0, fleet_processes=4, fleet_requests=20, fleet_runs=1,
        export_customers=20_000, export_runs=1,
    ),
    # Toy sizes for tests/unit/test_benchmarks_smoke.py: exercises the code, measures nothing.
    "smoke": Plan(
        walk_customers=250, walk_runs=1, get_calls=10, get_runs=1,
        concurrency_customers=250, concurrency_latency_ms=1.0, concurrency_runs=1,
        memory_small=1_100, memory_large=1_300, memory_runs=1,
        import_runs=1, parse_pages=1, parse_runs=1, wide_customers=250,
        fleet_budget=40.0, fleet_processes=2, fleet_requests=3, fleet_runs=1,
        export_customers=150, export_runs=1,
    ),
}  # fmt: skip

Scenario = Callable[[Plan, bool], list[Section]]
SCENARIOS: dict[str, Scenario] = {
    "throughput": lambda plan, pin: throughput.run(
        customers=plan.walk_customers, runs=plan.walk_runs, pin=pin
    ),
    "overhead": lambda plan, pin: overhead.run(
        calls=plan.get_calls, runs=plan.get_runs, pin=pin
    ),
    "concurrency": lambda plan, pin: concurrency.run(
        customers=plan.concurrency_customers, latency_ms=plan.concurrency_latency_ms,
        runs=plan.concurrency_runs, pin=pin,
    ),
    "memory": lambda plan, pin: memory.run(
        small=plan.memory_small, large=plan.memory_large, runs=plan.memory_runs, pin=pin
    ),
    "imports": lambda plan, pin: imports.run(runs=plan.import_runs),
    "parsing": lambda plan, pin: parsing.run(pages=plan.parse_pages, runs=plan.parse_runs),
    "wide": lambda plan, pin: wide.run(
        customers=plan.wide_customers, runs=plan.walk_runs, pin=pin
    ),
    "fleet": lambda plan, pin: fleet.run(
        budget=plan.fleet_budget, processes=plan.fleet_processes,
        requests=plan.fleet_requests, runs=plan.fleet_runs, pin=pin,
    ),
    "export": lambda plan, pin: export.run(
        customers=plan.export_customers, runs=plan.export_runs, pin=pin
    ),
}  # fmt: skip
"""Every scenario by name, in the order a full run takes them."""


def run_scenario(name: str, plan: Plan, *, pin: bool = True) -> list[Section]:
    """Run one scenario with ``plan``'s sizes; the harness process is pinned off the server's
    CPU while it runs (when ``pin`` and the platform allows).

    Example:
        >>> sections = run_scenario("parsing", PLANS["smoke"])  # doctest: +SKIP
        >>> print(sections[0].render())  # doctest: +SKIP
    """
    with pinned_client(pin):
        return SCENARIOS[name](plan, pin)


def environment() -> dict[str, str]:
    """What the figures depend on: the machine, Python, and the libraries' versions."""
    versions = {}
    for package in ("customers-sdk", "httpx", "pydantic", "pydantic-core", "tenacity", "stripe"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
        **versions,
    }


def markdown_table(sections: Sequence[Section]) -> str:
    """Every check as a row of a Markdown table (what ``docs/benchmarks.md`` shows)."""
    rows = ["| scenario | check | figure | target | result |", "|---|---|---|---|---|"]
    for section in sections:
        scenario = section.title.split(":")[0]
        for check in section.checks:
            sign = "<=" if check.at_most else ">="
            rows.append(
                f"| {scenario} | {check.name} | {check.value:.2f}{check.unit} | "
                f"{sign} {check.target:g}{check.unit} | {'PASS' if check.passed else 'MISS'} |"
            )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns 1 with ``--strict`` when a target was missed, else 0."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller walks, fewer runs")
    parser.add_argument(
        "--plan", choices=sorted(PLANS), help="sizes by name (--quick is --plan quick)"
    )
    parser.add_argument("--only", nargs="+", choices=sorted(SCENARIOS), help="these scenarios")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--markdown", action="store_true", help="end with a Markdown table")
    parser.add_argument("--no-pin", action="store_true", help="do not pin server and client CPUs")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any target is missed")
    args = parser.parse_args(argv)
    plan_name = args.plan or ("quick" if args.quick else "full")
    plan = PLANS[plan_name]
    pin = not args.no_pin
    info = environment()
    split = cpu_split() if pin else None
    info["pinning"] = "off" if split is None else f"server on CPU {split[0]}, client on {split[1]}"
    print(f"customers-sdk benchmarks ({plan_name})")
    for key, value in info.items():
        print(f"  {key}: {value}")
    sections: list[Section] = []
    started = time.perf_counter()
    for name in args.only or list(SCENARIOS):
        scenario_started, ticks_before = time.perf_counter(), cpu_times()
        scenario_sections = run_scenario(name, plan, pin=pin)
        steal = steal_share(ticks_before, cpu_times())
        for section in scenario_sections:
            if steal is not None:
                section.notes.append(
                    f"host steal during this scenario: {steal:.0%} of the CPUs' time "
                    "(the hypervisor held the vCPUs back; wall times grow with it)"
                )
            elif ticks_before is not None:  # Linux, but the scenario was under a clock tick
                section.notes.append("host steal during this scenario: too short to measure")
            print()
            print(section.render(), flush=True)
            sections.append(section)
        print(f"  ({name}: {time.perf_counter() - scenario_started:.0f} s)", flush=True)
    checks = [check for section in sections for check in section.checks]
    missed = [check for check in checks if not check.passed]
    elapsed = time.perf_counter() - started
    if checks:
        print(f"\n{len(checks) - len(missed)} of {len(checks)} targets met in {elapsed:.0f} s")
    else:
        print(f"\nno targets checked ({elapsed:.0f} s)")
    for check in missed:
        print(f"  {check.describe()}")
    if args.markdown:
        print()
        print(markdown_table(sections))
    if args.json is not None:
        document = {
            "plan": plan_name,
            "environment": info,
            "sections": [s.as_dict() for s in sections],
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
