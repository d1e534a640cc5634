"""Scenario 4 — memory: walking many customers (and dropping each) keeps the peak flat.

Each measurement is a fresh subprocess (:mod:`benchmarks._memprobe`) that walks the first
1,000 customers, takes its resident set size as the baseline, walks on to ``count`` and
reports the peak RSS minus that baseline. Targets: growth under 30 MB at the large count,
and the same (within 10 MB) at the small and the large count — a leak grows with the walk.
"""

from __future__ import annotations

from ._harness import Check, Measure, Section, run_probe, sandbox_server

__all__ = ["FLAT_MB", "MAX_GROWTH_MB", "run"]

MAX_GROWTH_MB = 30.0
FLAT_MB = 10.0
# (label, probe arguments): the sync Stripe walk and the async offset walk with concurrency.
PROBES = (
    ("SDK sync, stripe", ("--dialect", "stripe", "--mode", "sync")),
    ("SDK async, offset, concurrency=8", ("--dialect", "offset", "--mode", "async",
                                          "--concurrency", "8")),
)  # fmt: skip


def run(*, small: int, large: int, runs: int, pin: bool = True) -> list[Section]:
    """Growth of the peak RSS over ``small`` and ``large`` walks, ``runs`` times each."""
    section = Section(f"memory: peak RSS growth walking {small:,} vs {large:,} customers")
    with sandbox_server(large, pin=pin) as url:
        for label, arguments in PROBES:
            growth: dict[int, list[float]] = {small: [], large: []}
            for _ in range(runs):
                for count in (small, large):
                    report = _probe(url, count, arguments)
                    if report["walked"] != count:
                        raise AssertionError(f"{label} walked {report['walked']}, not {count}")
                    growth[count].append(report["growth_mb"])
            small_growth = Measure(f"{label}: {small:,}", growth[small], "MB")
            large_growth = Measure(f"{label}: {large:,}", growth[large], "MB")
            section.measures += [small_growth, large_growth]
            section.checks.append(
                Check(f"{label}: growth at {large:,}", large_growth.median, MAX_GROWTH_MB,
                      unit=" MB")
            )  # fmt: skip
            difference = abs(large_growth.median - small_growth.median)
            section.checks.append(
                Check(f"{label}: |growth {large:,} - growth {small:,}|", difference, FLAT_MB,
                      unit=" MB")
            )  # fmt: skip
    section.notes.append("RSS after the first 1,000 customers is the baseline of each run")
    return [section]


def _probe(url: str, count: int, arguments: tuple[str, ...]) -> dict[str, float]:
    return run_probe("_memprobe", "--url", url, "--count", str(count), *arguments)
