"""The benchmark harness (``benchmarks/``) runs every scenario at toy size, so it cannot rot.

Nothing here looks at a timing: the figures at toy size mean nothing. The scenarios talk to a
sandbox server on 127.0.0.1 in a subprocess, as the real runs do.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

# benchmarks/ sits beside src/ and tests/, outside the installed package.
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from benchmarks._harness import (  # noqa: E402
    Check,
    Measure,
    cpu_split,
    cpu_times,
    paired_ratio,
    pinned_client,
    steal_share,
)
from benchmarks.run import PLANS, SCENARIOS, main, markdown_table, run_scenario  # noqa: E402

from fleet_support import redis_binary  # noqa: E402

SMOKE = PLANS["smoke"]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_scenario_runs_at_toy_size(name: str) -> None:
    if name == "fleet":
        redis_binary()  # skips without redis-server (fails in CI)
    sections = run_scenario(name, SMOKE, pin=False)
    assert sections
    for section in sections:
        assert section.measures, section.title
        for measure in section.measures:
            assert measure.samples
            assert all(math.isfinite(value) for value in measure.samples)
        for check in section.checks:
            assert math.isfinite(check.value), check.name
        rendered = section.render()
        assert rendered.startswith(f"== {section.title}")
        assert all(check.describe() in rendered for check in section.checks)


def test_the_command_line_writes_json_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "figures.json"
    argv = ["--plan", "smoke", "--only", "parsing", "--json", str(report)]
    assert main([*argv, "--markdown", "--no-pin"]) == 0
    document = json.loads(report.read_text())
    assert document["plan"] == "smoke"
    titles = [section["title"] for section in document["sections"]]
    assert [title.split(":")[0] for title in titles] == [
        "model parsing, stripe dialect",
        "model parsing, offset dialect",
    ]
    printed = capsys.readouterr().out
    assert "| scenario | check | figure | target | result |" in printed
    assert "no targets checked" in printed  # parsing has none: it only reports rates
    if cpu_times() is not None:  # Linux: how much the hypervisor took is part of the record
        assert all(
            any(note.startswith("host steal during this scenario") for note in section["notes"])
            for section in document["sections"]
        )


def test_checks_compare_in_the_stated_direction() -> None:
    assert Check("at most", 1.1, 1.25).passed
    assert not Check("at most", 1.3, 1.25).passed
    assert Check("at least", 6.0, 5.0, at_most=False).passed
    assert not Check("at least", 4.0, 5.0, at_most=False).passed
    assert "MISS" in Check("at most", 2.0, 1.25).describe()


def test_ratios_pair_runs_and_spread_is_relative() -> None:
    slow = Measure("slow", [2.0, 4.0, 30.0])
    fast = Measure("fast", [1.0, 2.0, 3.0])
    # Per-run ratios 2, 2 and 10: a burst in one run does not move the median.
    assert paired_ratio(slow, fast) == 2.0
    assert fast.median == 2.0
    assert fast.spread == pytest.approx(1.0)
    table = markdown_table([])
    assert table.splitlines()[0].startswith("| scenario")


def test_the_cpu_split_is_the_same_inside_pinned_client() -> None:
    # Every scenario starts its server inside pinned_client: read from the pinned process's
    # affinity, the split put the server on the client's CPU, leaving the other one idle.
    outside = cpu_split()
    with pinned_client():
        assert cpu_split() == outside
    assert cpu_split() == outside


def test_steal_is_a_share_of_the_ticks_between_two_readings() -> None:
    assert steal_share((10, 1000), (30, 1200)) == pytest.approx(0.1)
    assert steal_share(None, (30, 1200)) is None
    assert steal_share((10, 1000), (10, 1000)) is None  # no time passed: nothing to say
    reading = cpu_times()
    if reading is not None:
        stolen, total = reading
        assert 0 <= stolen <= total
