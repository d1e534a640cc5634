"""What every scenario shares: the sandbox server process, timing, statistics and the report.

The server is ``python -m customers_sdk sandbox`` in a subprocess of its own, so the client
under test never shares an interpreter (or a GIL) with it. Every contender of a scenario talks
to the same server, so a slow server slows them all alike; ratios stay fair.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

__all__ = [
    "API_KEY",
    "REPO_ROOT",
    "AsyncLoop",
    "Check",
    "Measure",
    "Section",
    "Walk",
    "cpu_split",
    "paired_ratio",
    "pinned_client",
    "run_probe",
    "sandbox_server",
    "subprocess_env",
    "time_interleaved",
]

T = TypeVar("T")
API_KEY = "sk_test_sandbox"
REPO_ROOT = Path(__file__).resolve().parents[1]
_BANNER_URL = re.compile(r"^\s+stripe\s+(http://\S+)/v1/customers\s*$")
Walk = Callable[[], list[str]]
"""One timed unit of work; it returns the ids it saw so contenders can be compared."""


@dataclass(frozen=True)
class Measure:
    """Samples of one contender (seconds, megabytes, ...), summarised by median and spread."""

    label: str
    samples: list[float]
    unit: str = "s"
    cpu_samples: list[float] = field(default_factory=list)
    """This process's CPU seconds per sample (when timed): the client's own work, which
    neither the server nor other load on the machine inflates much."""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """(max - min) / median: how far apart the runs were, as a fraction."""
        if len(self.samples) < 2 or self.median == 0:
            return 0.0
        return (max(self.samples) - min(self.samples)) / abs(self.median)

    def describe(self) -> str:
        value = _format(self.median, self.unit)
        runs = len(self.samples)
        low, high = _format(min(self.samples), self.unit), _format(max(self.samples), self.unit)
        line = f"{value:>12}  (min {low}, max {high}, spread {self.spread:5.1%}, n={runs})"
        if self.cpu_samples:
            line += f"  CPU {_format(statistics.median(self.cpu_samples), self.unit)}"
        return line


@dataclass(frozen=True)
class Check:
    """A figure against its target: ``value <= target`` (``at_most``) or ``value >= target``.

    Example:
        >>> Check("SDK / raw", 1.1, 1.25).describe()
        'PASS  SDK / raw: 1.10x (target <= 1.25x)'
    """

    name: str
    value: float
    target: float
    at_most: bool = True
    unit: str = "x"

    @property
    def passed(self) -> bool:
        return self.value <= self.target if self.at_most else self.value >= self.target

    def describe(self) -> str:
        sign = "<=" if self.at_most else ">="
        verdict = "PASS" if self.passed else "MISS"
        figure, target = f"{self.value:.2f}{self.unit}", f"{self.target:g}{self.unit}"
        return f"{verdict}  {self.name}: {figure} (target {sign} {target})"


@dataclass
class Section:
    """One scenario's measures, checks and notes, as printed and as written to JSON."""

    title: str
    measures: list[Measure] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        width = max((len(m.label) for m in self.measures), default=0)
        lines = [f"== {self.title}"]
        lines += [f"  {m.label:<{width}}  {m.describe()}" for m in self.measures]
        lines += [f"  {check.describe()}" for check in self.checks]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "measures": [
                {
                    "label": m.label,
                    "unit": m.unit,
                    "median": m.median,
                    "spread": m.spread,
                    "samples": m.samples,
                    "cpu_samples": m.cpu_samples,
                }
                for m in self.measures
            ],
            "checks": [
                {
                    "name": c.name,
                    "value": c.value,
                    "unit": c.unit,
                    "target": c.target,
                    "at_most": c.at_most,
                    "passed": c.passed,
                }
                for c in self.checks
            ],
            "notes": self.notes,
        }


def paired_ratio(numerator: Measure, denominator: Measure) -> float:
    """The median of the per-run ratios: each run's two figures were taken back to back, so
    a burst of load elsewhere on the machine inflates both and cancels out of the ratio.

    Example:
        >>> paired_ratio(Measure("a", [2.0, 3.0, 9.0]), Measure("b", [1.0, 2.0, 3.0]))
        2.0
    """
    return statistics.median(
        a / b for a, b in zip(numerator.samples, denominator.samples, strict=True)
    )


def _format(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.2f} s"
    if unit == "/s":
        return f"{value:,.0f}/s"
    return f"{value:.2f} {unit}"


def time_interleaved(
    contenders: Mapping[str, Walk], runs: int, *, warmup: int = 1
) -> tuple[dict[str, Measure], dict[str, list[str]]]:
    """Time every contender ``runs`` times, round-robin, after ``warmup`` untimed rounds.

    Round-robin spreads any drift of the machine (thermal, other load) over all contenders
    instead of penalising whichever ran last. Returns the measures and each contender's
    result from its first round, for the caller to compare.
    """
    results: dict[str, list[str]] = {}
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    cpu: dict[str, list[float]] = {name: [] for name in contenders}
    for round_number in range(warmup + runs):
        for name, walk in contenders.items():
            gc.collect()
            cpu_started, started = time.process_time(), time.perf_counter()
            ids = walk()
            elapsed = time.perf_counter() - started
            cpu_elapsed = time.process_time() - cpu_started
            results.setdefault(name, ids)
            if round_number >= warmup:
                samples[name].append(elapsed)
                cpu[name].append(cpu_elapsed)
    measures = {name: Measure(name, samples[name], cpu_samples=cpu[name]) for name in contenders}
    return measures, results


class AsyncLoop:
    """One event loop kept across timed runs, so async clients keep their pooled connections.

    Example:
        >>> loop = AsyncLoop()
        >>> async def answer() -> int:
        ...     return 42
        >>> loop.run(answer)
        42
        >>> loop.close()
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        async def body() -> T:
            return await make()

        return self._loop.run_until_complete(body())

    def close(self) -> None:
        self._loop.close()


def _cpus_at_start() -> frozenset[int] | None:
    getter = getattr(os, "sched_getaffinity", None)
    return None if getter is None else frozenset(getter(0))


# The CPUs this process could run on when the harness was imported. pinned_client narrows the
# process's own affinity, and a split read from that would start the server on the client's
# CPU (every scenario starts its server inside pinned_client).
_CPUS_AT_START = _cpus_at_start()


def cpu_split() -> tuple[set[int], set[int]] | None:
    """(server CPUs, client CPUs) when the machine has two or more and Linux lets us pin.

    Pinning keeps the server and the client from migrating onto the same core mid-run,
    which is most of the run-to-run noise on a two-core machine. The same split inside
    :func:`pinned_client` as outside it.
    """
    if _CPUS_AT_START is None or len(_CPUS_AT_START) < 2:
        return None
    cpus = sorted(_CPUS_AT_START)
    return {cpus[-1]}, set(cpus[:-1])


def cpu_times() -> tuple[int, int] | None:
    """(ticks stolen by the hypervisor, all ticks) of the machine so far, from ``/proc/stat``.

    On a shared VM the host can hold a vCPU back for a while; the guest's processes then
    neither run nor count CPU time, and wall times grow. Steal over a scenario says how much.
    ``None`` where ``/proc/stat`` has no steal column (not Linux).
    """
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    if fields[:1] != ["cpu"] or len(fields) < 9:
        return None
    ticks = [int(value) for value in fields[1:]]
    return ticks[7], sum(ticks[:8])  # guest time is already counted in user time


def steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of the machine's CPU time the hypervisor took between two :func:`cpu_times`."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def subprocess_env() -> dict[str, str]:
    """The environment of every subprocess: ``benchmarks`` importable, no SDK logging, and
    bytecode caches written (as after ``pip install``), so start-up does not recompile."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO_ROOT), env.get("PYTHONPATH"))))
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("CUSTOMERS_SDK_LOG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_probe(module: str, *arguments: str) -> dict[str, float]:
    """Run ``python -m benchmarks.<module> ARGUMENTS`` in a fresh interpreter; return the JSON
    report it prints."""
    completed = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *arguments],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=REPO_ROOT,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{module} failed:\n{completed.stderr}")
    report: dict[str, float] = json.loads(completed.stdout)
    return report


@contextmanager
def sandbox_server(
    customers: int, *, latency_ms: float = 0.0, pin: bool = True, wide: bool = False
) -> Iterator[str]:
    """Start ``customers sandbox`` in a subprocess; yield its base URL (stripe and offset).

    The cursor dialect's base URL is this one plus ``/rest``. With ``wide``, customers carry
    every Stripe field, nested objects filled (``customers sandbox --wide``).
    """
    command = [
        sys.executable, "-m", "customers_sdk", "sandbox", "--port", "0",
        "--customers", str(customers), "--latency-ms", str(latency_ms),
    ]  # fmt: skip
    if wide:
        command.append("--wide")
    split = cpu_split() if pin else None
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=subprocess_env()
    )
    try:
        if split is not None:
            os.sched_setaffinity(process.pid, split[0])
        url = _read_banner(process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _read_banner(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    seen: list[str] = []
    for line in process.stdout:
        seen.append(line)
        match = _BANNER_URL.match(line)
        if match:
            return match.group(1)
    error = process.stderr.read() if process.stderr is not None else ""
    raise RuntimeError(f"the sandbox did not start:\n{''.join(seen)}{error}")


@contextmanager
def pinned_client(pin: bool = True) -> Iterator[None]:
    """Run the calling process on the CPUs the server was not given, then restore."""
    split = cpu_split() if pin else None
    if split is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, split[1])
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)
