"""Scenario 8 — bulk export: every customer to a file, in each format, from a fresh process.

Each sample is a subprocess (:mod:`benchmarks._exportprobe`) that runs ``export_customers``
over the Stripe dialect (pages of 100, a checkpoint fsynced after every page, every row group
for Parquet) and reports the customers written per second and its own peak RSS (``VmHWM``,
imports included). One untimed walk first has the sandbox build its customers. Target: the
peak stays under 250 MB for 200,000 customers in every format.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from customers_sdk import CustomersClient

from ._harness import API_KEY, Check, Measure, Section, run_probe, sandbox_server

__all__ = ["FORMATS", "MAX_PEAK_MB", "run"]

MAX_PEAK_MB = 250.0
FORMATS = ("csv", "jsonl", "json", "parquet")


def run(*, customers: int, runs: int, pin: bool = True) -> list[Section]:
    """Export ``customers`` customers ``runs`` times in each format."""
    section = Section(f"export: {customers:,} customers to a file, stripe dialect")
    rates: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
    peaks: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
    with sandbox_server(customers, pin=pin) as url, tempfile.TemporaryDirectory() as folder:
        # The sandbox builds its seeded customers when a request first reaches them: one
        # untimed walk first, or the first format would pay for that.
        with CustomersClient.stripe(api_key=API_KEY, base_url=url) as client:
            for _customer in client.list(limit=100):
                pass
        for _ in range(runs):
            for fmt in FORMATS:
                path = Path(folder) / f"customers.{fmt}"
                report = _probe(url, fmt, path)
                if report["exported"] != customers:
                    raise AssertionError(f"{fmt}: exported {report['exported']}, not {customers}")
                rates[fmt].append(customers / report["seconds"])
                peaks[fmt].append(report["peak_mb"])
                path.unlink()
    for fmt in FORMATS:
        section.measures.append(Measure(f"{fmt}: customers per second", rates[fmt], "/s"))
    for fmt in FORMATS:
        peak = Measure(f"{fmt}: peak RSS", peaks[fmt], "MB")
        section.measures.append(peak)
        section.checks.append(
            Check(f"{fmt}: peak RSS exporting {customers:,}", max(peak.samples), MAX_PEAK_MB,
                  unit=" MB")
        )  # fmt: skip
    section.notes.append("peak RSS is the whole process's: interpreter, imports (pyarrow too)")
    return [section]


def _probe(url: str, fmt: str, path: Path) -> dict[str, float]:
    return run_probe("_exportprobe", "--url", url, "--format", fmt, "--path", str(path))
