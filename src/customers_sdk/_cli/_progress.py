"""Progress of a walk, on stderr so stdout stays a clean export.

On a terminal: a live bar (count, rate, elapsed; total, percentage and ETA when the dialect
knows the total) drawn by tqdm from the ``cli`` extra. In a log, or without tqdm: a plain line
every few seconds, never a ``\\r``. With ``--quiet``: nothing. Whatever the display, it ends its
line when the walk stops, so an ``interrupted`` message starts on a line of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import TextIO

from .._models import Customer

__all__ = ["Progress", "isatty", "open_progress"]

_INTERVAL = 5.0


class Progress:
    """Counts the customers that pass through :meth:`track`; shows nothing (``--quiet``)."""

    def __init__(self) -> None:
        self.count = 0

    def track(self, customers: Iterable[Customer]) -> Iterator[Customer]:
        for customer in customers:
            self.count += 1
            self.advance()
            yield customer

    def reach(self, done: int) -> None:
        """Count up to ``done`` customers at once (an export reports whole pages)."""
        if done > self.count:
            step, self.count = done - self.count, done
            self.advance(step)

    def advance(self, step: int = 1) -> None:
        """Called as customers pass: ``step`` more."""

    def close(self, stopped_by: BaseException | None) -> None:
        """End the display; ``stopped_by`` is what ended the walk early (Ctrl-C, an error, the
        reader of stdout going away), ``None`` when it finished."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(exc)


class _Lines(Progress):
    """A line every ``interval`` seconds (never, if ``None``), and one at the end."""

    def __init__(
        self,
        verb: str,
        total: int | None,
        err: TextIO,
        *,
        interval: float | None,
        clock: Callable[[], float],
    ) -> None:
        super().__init__()
        self._verb, self._total, self._err, self._clock = verb, total, err, clock
        self._interval = interval
        self._start = clock()
        self._due = self._start + (interval if interval is not None else float("inf"))

    def advance(self, step: int = 1) -> None:
        if self._interval is not None and self._clock() >= self._due:
            self._due = self._clock() + self._interval
            self._err.write(self._line() + "\n")
            self._err.flush()

    def _line(self) -> str:
        elapsed = max(self._clock() - self._start, 1e-9)
        rate = self.count / elapsed
        text = f"{self._verb} {self.count}"
        if self._total:
            text += f" of {self._total} customers ({100 * self.count // self._total}%)"
        else:
            text += " customers"
        text += f", {rate:.0f}/s, {elapsed:.1f} s elapsed"
        if self._total and rate > 0 and self.count < self._total:
            text += f", about {(self._total - self.count) / rate:.0f} s left"
        return text

    def close(self, stopped_by: BaseException | None) -> None:
        if isinstance(stopped_by, BrokenPipeError):
            return  # `| head` has what it wanted: stay as quiet as grep would
        elapsed = max(self._clock() - self._start, 1e-9)
        stop = "" if stopped_by is None else ", then stopped"
        self._err.write(
            f"{self._verb} {self.count} customers in {elapsed:.1f} s "
            f"({self.count / elapsed:.0f}/s){stop}\n"
        )
        self._err.flush()


class _Bar(Progress):
    """tqdm's bar; it redraws at most five times a second whatever the rate."""

    def __init__(self, verb: str, total: int | None, err: TextIO) -> None:
        from tqdm import tqdm

        super().__init__()
        try:
            self._bar = tqdm(
                total=total,
                desc=verb,
                unit=" customers",
                file=err,
                dynamic_ncols=True,
                mininterval=0.2,
                leave=True,
            )
        except KeyboardInterrupt:
            # Ctrl-C right after the bar was first drawn, before there is a bar to close.
            err.write("\n")
            raise

    def advance(self, step: int = 1) -> None:
        self._bar.update(step)

    def close(self, stopped_by: BaseException | None) -> None:
        # A reader gone from the pipe wiped the bar; otherwise the last state stays on screen.
        # tqdm ends its line when it closes, so a message after Ctrl-C starts a line of its own.
        self._bar.leave = not isinstance(stopped_by, BrokenPipeError)
        self._bar.close()


def isatty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def open_progress(
    verb: str,
    total: int | None,
    *,
    err: TextIO,
    out: TextIO,
    quiet: bool,
    clock: Callable[[], float] = time.monotonic,
) -> Progress:
    """The display that suits where stderr and stdout go.

    A live bar only when stderr is a terminal and stdout is not: when both are the same
    screen, the rows themselves show the progress and a bar would be drawn over them, so only
    the closing line is written.

    Example:
        >>> import io
        >>> err = io.StringIO()
        >>> with open_progress("exported", 3, err=err, out=io.StringIO(), quiet=False) as p:
        ...     rows = list(p.track([]))
        >>> err.getvalue().startswith("exported 0 customers in ")
        True
    """
    if quiet:
        return Progress()
    if not isatty(err):
        return _Lines(verb, total, err, interval=_INTERVAL, clock=clock)
    if isatty(out):
        return _Lines(verb, total, err, interval=None, clock=clock)
    try:
        return _Bar(verb, total, err)
    except ImportError:
        return _Lines(verb, total, err, interval=_INTERVAL, clock=clock)
