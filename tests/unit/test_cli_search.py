"""``customers search``: ``--all`` shows the number of matches as the progress total, and
``--page`` resumes at the token a one-page search printed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import run_cli
from customers_sdk._cli import _main as cli_main
from customers_sdk._cli._progress import Progress, open_progress

SEARCH = ("search", "--sandbox", "--sandbox-customers", "40", "created>0", "--format", "jsonl")


def ids(out: str) -> list[str]:
    return [json.loads(line)["id"] for line in out.splitlines()]


@pytest.fixture
def totals(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The total each progress display of the run was opened with."""
    seen: list[int | None] = []

    def recording(verb: str, total: int | None, **options: Any) -> Progress:
        seen.append(total)
        return open_progress(verb, total, **options)

    monkeypatch.setattr(cli_main, "open_progress", recording)
    return seen


def test_search_all_gives_the_number_of_matches_to_the_progress_display(
    totals: list[int | None],
) -> None:
    status, out, err = run_cli(*SEARCH, "--limit", "7", "--all")
    assert status == 0
    assert totals == [40]
    assert len(ids(out)) == 40
    assert err.startswith("found 40 customers in ")


def test_quiet_search_all_does_not_ask_for_a_count(totals: list[int | None]) -> None:
    status, out, err = run_cli(*SEARCH, "--limit", "7", "--all", "-q")
    assert (status, err, totals) == (0, "", [None])
    assert len(ids(out)) == 40


def test_page_resumes_where_a_one_page_search_stopped(totals: list[int | None]) -> None:
    status, out, err = run_cli(*SEARCH, "--limit", "15")
    assert status == 0
    first = ids(out)
    prefix = "more results: add --page "
    assert err.startswith(prefix)
    assert err.count("\n") == 1
    token = err[len(prefix) :].strip()

    status, out, _ = run_cli(*SEARCH, "--limit", "10", "--page", token, "--all")
    assert status == 0
    assert totals == [None]  # a resumed walk's count of every match is not what is left
    rest = ids(out)
    _, everyone, _ = run_cli(*SEARCH, "--all", "-q")
    assert len(first) == 15
    assert first + rest == ids(everyone)  # every match exactly once


def test_last_page_and_quiet_print_no_token() -> None:
    assert run_cli(*SEARCH, "--limit", "100")[2] == ""
    assert run_cli(*SEARCH, "--limit", "5", "-q")[2] == ""


@pytest.mark.parametrize("token", ["", " page_x"])
def test_a_bad_page_token_is_a_usage_error(token: str) -> None:
    status, out, err = run_cli(*SEARCH, "--page", token)
    assert (status, out) == (2, "")
    assert err.startswith("customers: error: page must be")
