"""What the fleet tests share with the fleet benchmark: Redis, and processes sharing a budget.

The tests need Redis itself, not a fake: its Lua, its clock, its failures. Without the
``redis-server`` binary they skip with the reason, except in CI (``CI=true``), where its absence
fails them: ``.ci/run`` installs it. The server (``benchmarks/_redis.py``) and the fleet of
worker processes (``benchmarks/_fleet_worker.py``) live with the benchmark, which runs them too.

Example::

    with RedisServer.start(redis_binary()) as server:
        ...
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

# benchmarks/ sits beside src/ and tests/, outside the installed package.
REPO_ROOT = str(Path(__file__).resolve().parents[1])
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from benchmarks._fleet_worker import Fleet, aggregate_rate  # noqa: E402
from benchmarks._redis import RedisServer  # noqa: E402

__all__ = ["REPO_ROOT", "Fleet", "RedisServer", "aggregate_rate", "redis_binary"]


def redis_binary() -> str:
    """The path of ``redis-server``; skips the test without it (fails it in CI)."""
    found = shutil.which("redis-server")
    if found is None:
        reason = "the fleet tests need redis-server (apt-get install redis-server)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must have it: .ci/run installs it")
        pytest.skip(reason)
    return found
