"""Walks against servers that lie: a walk that stops advancing is an error, never a hang, and a
lying ``total`` costs no more than the concurrency window.

Every fake here fails the test after a few dozen requests, so a walk that would loop for ever
fails fast instead of hanging the suite.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx
from test_pages import FakeList

from conftest import COLLECTIONS, Drive, unit_driver
from customers_sdk._request import ListQuery

CURSOR_DIALECTS = ("stripe", "cursor")
ANY_DRIVE = ["sync", "async", "trio"]
SEARCH = f"{COLLECTIONS['stripe']}/search"


# -- a lying total ---------------------------------------------------------------------------
@pytest.fixture
def queries_made(monkeypatch: pytest.MonkeyPatch) -> list[ListQuery]:
    """Every list query made from now on, however it is made; the 51st fails the test at
    once, so a plan materialised up to a huge ``total`` fails fast instead of eating memory."""
    made: list[ListQuery] = []
    init = ListQuery.__init__

    def counted(query: ListQuery, *args: Any, **kwargs: Any) -> None:
        init(query, *args, **kwargs)
        made.append(query)
        assert len(made) <= 50, "list queries are being made up to the reported total"

    monkeypatch.setattr(ListQuery, "__init__", counted)
    return made


@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
def test_a_huge_total_is_planned_only_a_window_ahead(
    drive: Drive, mock_api: respx.MockRouter, queries_made: list[ListQuery]
) -> None:
    fake = FakeList("offset", 7, reported_total=10**9)
    mock_api.get(COLLECTIONS["offset"]).mock(side_effect=fake)

    pages = unit_driver(drive, "offset").pages(limit=3, concurrency=3)

    assert [p.ids for p in pages] == [fake.ids[0:3], fake.ids[3:6], fake.ids[6:7]]
    offsets = [int(o or 0) for o in fake.sent("offset")]
    assert len(offsets) == len(set(offsets))
    assert {0, 3, 6} <= set(offsets)
    # The call's query, one next query per page but the last, and the plan: a window of
    # twice the concurrency and one more queued as each of the first two planned pages came in.
    assert len(queries_made) <= 1 + 2 + (2 * 3 + 2)
    assert len(offsets) <= 1 + (2 * 3 + 2)


@pytest.mark.parametrize("drive", ["sync"], indirect=True)
def test_an_over_reported_total_adds_no_pages_nor_requests_past_the_window(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    # Real threads: the short last page (hasMore false) ends the walk, and what was still
    # queued is cancelled; only requests that were already in the window can have gone out.
    fake = FakeList("offset", 7, reported_total=60)
    mock_api.get(COLLECTIONS["offset"]).mock(side_effect=fake)

    pages = unit_driver(drive, "offset").pages(limit=3, concurrency=2)
    sent_by_the_walk = len(fake.requests)

    assert [p.ids for p in pages] == [fake.ids[0:3], fake.ids[3:6], fake.ids[6:7]]
    offsets = [int(o or 0) for o in fake.sent("offset")]
    assert len(offsets) == len(set(offsets)) == sent_by_the_walk
    # The first page, the window of four (3, 6, 9, 12) and one queued as each of pages 3 and
    # 6 came in (15, 18); nothing after the walk ended.
    assert {0, 3, 6} <= set(offsets) <= {0, 3, 6, 9, 12, 15, 18}
