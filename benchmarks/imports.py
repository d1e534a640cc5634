"""Scenario 5 — import time: ``import customers_sdk`` against importing its three dependencies.

Every sample is a fresh interpreter that times only its ``import`` statement (interpreter
start-up is excluded), the contenders interleaved; bytecode caches are written, as after
``pip install``. ``import pydantic`` alone is lazy (it does not load ``BaseModel``), so a
third line imports ``BaseModel`` too, to show what any library that defines pydantic models
pays at import. The models themselves load on first use (the first response, or the first
look-up of ``customers_sdk.Customer``); a fourth line shows that cost, so the deferral is
visible, not hidden. Target: within 1.3x of ``import httpx, pydantic, tenacity``, compared on the
CPU time of the import (wall time is shown too): an import is pure CPU once the files are
cached, and CPU time is what other load on the machine disturbs least.
"""

from __future__ import annotations

import subprocess
import sys

from ._harness import Check, Measure, Section, paired_ratio, subprocess_env

__all__ = ["TARGET", "run"]

TARGET = 1.3
OURS = "import customers_sdk"
DEPENDENCIES = "import httpx, pydantic, tenacity"
WITH_BASE_MODEL = "... and from pydantic import BaseModel"
WITH_MODELS = "import customers_sdk; customers_sdk.Customer"
STATEMENTS = {
    OURS: "import customers_sdk",
    WITH_MODELS: "import customers_sdk; customers_sdk.Customer",
    DEPENDENCIES: "import httpx, pydantic, tenacity",
    WITH_BASE_MODEL: "import httpx, pydantic, tenacity; from pydantic import BaseModel",
}
_PROGRAM = (
    "import time; wall, cpu = time.perf_counter(), time.process_time(); {statement}; "
    "print(time.perf_counter() - wall, time.process_time() - cpu)"
)


def run(*, runs: int) -> list[Section]:
    """``runs`` fresh interpreters per statement (one untimed round first, to warm the
    file-system cache and write the bytecode files)."""
    section = Section(f"import time: fresh interpreter per sample, {runs} samples each")
    wall: dict[str, list[float]] = {label: [] for label in STATEMENTS}
    cpu: dict[str, list[float]] = {label: [] for label in STATEMENTS}
    for round_number in range(runs + 1):
        for label, statement in STATEMENTS.items():
            wall_seconds, cpu_seconds = _time_import(statement)
            if round_number:
                wall[label].append(wall_seconds)
                cpu[label].append(cpu_seconds)
    measures = {label: Measure(label, wall[label], cpu_samples=cpu[label]) for label in wall}
    section.measures.extend(measures.values())
    cpu_measures = {label: Measure(label, cpu[label]) for label in cpu}
    ours = cpu_measures[OURS]
    ratio = paired_ratio(ours, cpu_measures[DEPENDENCIES])
    section.checks.append(
        Check("customers_sdk / (httpx + pydantic + tenacity), CPU", ratio, TARGET)
    )
    section.notes.append(
        "customers_sdk / (httpx + tenacity + pydantic.BaseModel), CPU: "
        f"{paired_ratio(ours, cpu_measures[WITH_BASE_MODEL]):.2f}x; wall-clock medians: "
        f"{measures[OURS].median / measures[DEPENDENCIES].median:.2f}x and "
        f"{measures[OURS].median / measures[WITH_BASE_MODEL].median:.2f}x"
    )
    section.notes.append(
        "the models load on first use: import plus `customers_sdk.Customer` is "
        f"{paired_ratio(cpu_measures[WITH_MODELS], cpu_measures[DEPENDENCIES]):.2f}x the "
        "dependencies (CPU), paid once by the first response parsed"
    )
    return [section]


def _time_import(statement: str) -> tuple[float, float]:
    # subprocess_env() lets the interpreter write bytecode caches, as pip does on install:
    # otherwise every sample of a source checkout would time the compiler, not the import.
    completed = subprocess.run(
        [sys.executable, "-c", _PROGRAM.format(statement=statement)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        check=True,
    )
    wall, cpu = completed.stdout.split()
    return float(wall), float(cpu)
