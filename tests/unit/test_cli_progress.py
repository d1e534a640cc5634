"""Progress displays of ``customers export`` / ``list --all``, driven by a fake clock."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator

import pytest

from conftest import Waits
from customers_sdk import Customer
from customers_sdk._cli._progress import open_progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_every_five_seconds_with_total_and_eta() -> None:
    clock, err = Waits(now=100.0), io.StringIO()
    customers = [Customer(id=f"cus_{i}") for i in range(1000)]

    def arriving() -> Iterator[Customer]:
        for customer in customers:
            clock.now += 0.01  # 100 customers a second
            yield customer

    with open_progress(
        "exported", 1000, err=err, out=io.StringIO(), quiet=False, clock=clock.clock
    ) as progress:
        assert sum(1 for _ in progress.track(arriving())) == 1000
    lines = err.getvalue().splitlines()
    assert "\r" not in err.getvalue()
    assert len(lines) == 2 + 1  # at 5 s and 10 s (the 1000th arrives at 10 s), then the end
    assert lines[0] == "exported 500 of 1000 customers (50%), 100/s, 5.0 s elapsed, about 5 s left"
    assert lines[-1] == "exported 1000 customers in 10.0 s (100/s)"


def test_plain_lines_without_a_total() -> None:
    clock, err = Waits(now=100.0), io.StringIO()

    def arriving() -> Iterator[Customer]:
        for i in range(600):
            clock.now += 0.01
            yield Customer(id=f"cus_{i}")

    with open_progress(
        "listed", None, err=err, out=io.StringIO(), quiet=False, clock=clock.clock
    ) as p:
        list(p.track(arriving()))
    assert err.getvalue().splitlines()[0] == "listed 500 customers, 100/s, 5.0 s elapsed"


def test_stdout_on_the_same_terminal_gets_only_the_closing_line() -> None:
    clock, err = Waits(now=100.0), _Terminal()
    with open_progress("listed", 10, err=err, out=_Terminal(), quiet=False, clock=clock.clock) as p:
        for _ in p.track([Customer(id="cus_1")] * 10):
            clock.now += 100
    assert err.getvalue() == "listed 10 customers in 1000.0 s (0/s)\n"


def test_quiet_shows_nothing() -> None:
    err = _Terminal()
    with open_progress("exported", 3, err=err, out=io.StringIO(), quiet=True) as p:
        assert len(list(p.track([Customer(id="cus_1")] * 3))) == 3
    assert err.getvalue() == ""


def test_a_terminal_gets_tqdm_bar_with_total_rate_and_eta() -> None:
    err = _Terminal()
    with open_progress("exported", 3, err=err, out=io.StringIO(), quiet=False) as p:
        assert len(list(p.track([Customer(id="cus_1")] * 3))) == 3
    text = err.getvalue()
    assert text.startswith("\rexported:   0%|")
    assert "| 3/3 [" in text
    assert " customers/s]" in text
    assert text.endswith("\n")  # the next message starts a line of its own


def test_a_closed_pipe_wipes_the_bar() -> None:
    err = _Terminal()

    def walk_into_a_closed_pipe() -> None:
        with open_progress("exported", None, err=err, out=io.StringIO(), quiet=False) as p:
            for _ in p.track([Customer(id="cus_1")] * 3):
                raise BrokenPipeError

    with pytest.raises(BrokenPipeError):
        walk_into_a_closed_pipe()
    drawn = err.getvalue()
    assert drawn.startswith("\rexported: 0 customers [")
    # The bar was drawn over with blanks and the cursor sent back: no line is left behind.
    assert drawn.endswith("\r")
    assert drawn.rsplit("\r", 2)[-2].strip() == ""


def test_a_terminal_without_tqdm_gets_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if the `cli` extra were not installed
    err = _Terminal()
    with open_progress("exported", 2, err=err, out=io.StringIO(), quiet=False) as p:
        list(p.track([Customer(id="cus_1")] * 2))
    assert err.getvalue().startswith("exported 2 customers in ")
    assert "\r" not in err.getvalue()


def test_ctrl_c_while_the_bar_opens_still_ends_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import tqdm

    def drawn_then_interrupted(*args: object, file: io.StringIO, **kwargs: object) -> None:
        file.write("\rexported: 0 customers [00:00, ? customers/s]")
        raise KeyboardInterrupt

    monkeypatch.setattr(tqdm, "tqdm", drawn_then_interrupted)
    err = _Terminal()
    with pytest.raises(KeyboardInterrupt):
        open_progress("exported", None, err=err, out=io.StringIO(), quiet=False)
    assert err.getvalue().endswith("customers/s]\n")
