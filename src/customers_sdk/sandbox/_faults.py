"""Fault injection: which requests misbehave, and how, decided deterministically."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Fault(str, Enum):
    """How a request misbehaves.

    >>> Fault("reset") is Fault.RESET
    True
    """

    SERVER_ERROR = "server_error"
    """503 with the dialect's error body; nothing is executed."""
    RATE_LIMIT = "rate_limit"
    """429 with `Retry-After` and the dialect's error body; nothing is executed."""
    RESET = "reset"
    """The connection closes with no reply; nothing is executed."""
    TRUNCATED = "truncated"
    """The request is executed (a write is committed); the reply's headers announce the full
    body but only half of it is sent before the connection closes."""
    COMMIT_THEN_DROP = "commit_then_drop"
    """A write is committed, then the connection closes with no reply (a read: like reset)."""


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class FaultConfig:
    """Random faults: each eligible request fails with probability `rate`.

    The choice comes from a `random.Random(seed)`, so a given sequence of requests always
    meets the same faults. `methods` limits eligibility (e.g. `{"GET"}`); `retry_after` is
    the `Retry-After` a `rate_limit` fault announces, in seconds.

    >>> config = FaultConfig(rate=0.5, kinds=("reset", "server_error"), seed=7)
    >>> config.kinds
    (<Fault.RESET: 'reset'>, <Fault.SERVER_ERROR: 'server_error'>)
    """

    rate: float = 0.3
    """The probability, 0 to 1, that an eligible request fails."""
    kinds: tuple[Fault, ...] = tuple(Fault)
    """The faults to choose from, equally likely."""
    seed: int = 0
    """Seeds the random choice: the same requests meet the same faults."""
    retry_after: float = 1.0
    """The `Retry-After` a `rate_limit` fault announces, in seconds."""
    methods: frozenset[str] | None = None
    """Only requests with these methods are eligible (None: all of them)."""

    def __init__(
        self,
        rate: float = 0.3,
        kinds: Iterable[Fault | str] = tuple(Fault),
        seed: int = 0,
        retry_after: float = 1.0,
        methods: Iterable[str] | None = None,
    ) -> None:
        normalized_kinds = tuple(Fault(kind) for kind in kinds)
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, got {rate}")
        if not normalized_kinds:
            raise ValueError("kinds must name at least one fault")
        if retry_after < 0:
            raise ValueError(f"retry_after must be >= 0, got {retry_after}")
        object.__setattr__(self, "rate", rate)
        object.__setattr__(self, "kinds", normalized_kinds)
        object.__setattr__(self, "seed", seed)
        object.__setattr__(self, "retry_after", retry_after)
        object.__setattr__(
            self, "methods", None if methods is None else frozenset(m.upper() for m in methods)
        )


@dataclass
class _ScriptedFault:
    kind: Fault
    remaining: int
    method: str | None
    path_contains: str | None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path_contains is None or self.path_contains in path
        )


class FaultPlan:
    """Scripted faults first (in the order queued), then random ones from the config.

    Not thread-safe on its own: the sandbox consults it under its lock.

    >>> plan = FaultPlan(None)
    >>> plan.inject("reset", times=1, method=None, path_contains="/rest/")
    >>> plan.pick("GET", "/v1/customers"), plan.pick("GET", "/rest/v1/customers")
    (None, <Fault.RESET: 'reset'>)
    """

    def __init__(self, config: FaultConfig | None) -> None:
        self._scripted: list[_ScriptedFault] = []
        self.configure(config)

    def configure(self, config: FaultConfig | None) -> None:
        """Replace the random faults; the random stream restarts from the config's seed."""
        self.config = config
        self._random = random.Random(config.seed if config else 0)

    def inject(
        self, kind: Fault | str, times: int, method: str | None, path_contains: str | None
    ) -> None:
        if times < 1:
            raise ValueError(f"times must be >= 1, got {times}")
        self._scripted.append(
            _ScriptedFault(Fault(kind), times, method.upper() if method else None, path_contains)
        )

    def clear_scripted(self) -> None:
        self._scripted.clear()

    def pick(self, method: str, path: str) -> Fault | None:
        for scripted in self._scripted:
            if scripted.matches(method, path):
                scripted.remaining -= 1
                if not scripted.remaining:
                    self._scripted.remove(scripted)
                return scripted.kind
        config = self.config
        if config is None or (config.methods is not None and method not in config.methods):
            return None
        if self._random.random() >= config.rate:
            return None
        return self._random.choice(config.kinds)

    @property
    def retry_after(self) -> float:
        return self.config.retry_after if self.config else 1.0


def seconds_header(seconds: float) -> str:
    """A `Retry-After` value: whole seconds when whole, else rounded up to milliseconds.

    >>> seconds_header(1.0), seconds_header(0.25), seconds_header(0.1234)
    ('1', '0.25', '0.124')
    """
    milliseconds = math.ceil(round(seconds * 1000, 6))
    whole, fraction = divmod(milliseconds, 1000)
    return str(whole) if not fraction else f"{whole}.{fraction:03d}".rstrip("0")
