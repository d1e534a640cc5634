"""An export as a state machine without network I/O: the sync and async shells fetch pages
and hand each one to :meth:`ExportJob.write`; the job writes it, and checkpoints.

Order of a durable step: the page's bytes are written, the output is flushed and fsynced, and
only then is the checkpoint replaced (atomically) with the query of the *next* page and the
output's length. A crash between the two leaves an old checkpoint and a longer file: the
resume cuts the file back, and fetches again the pages after the checkpoint.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from .._errors import InvalidParameterError
from .._inputs import shown
from .._request import ListQuery, Query
from ._checkpoint import Checkpoint, checkpoint_path, fingerprint, query_from_json, query_to_json
from ._parquet import ParquetSink
from ._text import TextSink

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .._models import Customer
    from .._pagination import AsyncPage, Page

__all__ = ["FORMATS", "ExportFormat", "ExportJob", "Progress"]

ExportFormat = Literal["csv", "jsonl", "json", "parquet"]
"""The formats an export writes: ``parquet`` needs the ``parquet`` extra (pyarrow)."""
FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl", "json", "parquet")
Progress = Callable[[int], object]
"""Called after every page written, with the number of customers in the output so far."""


class Sink(Protocol):
    def write_page(self, customers: Sequence[Customer]) -> bool: ...
    def sync(self) -> int: ...
    def finish(self) -> None: ...
    def close(self) -> None: ...


class ExportJob:
    """One export to ``path``: fresh, or resumed from its checkpoint.

    ``start_query`` is the page to fetch first, or ``None`` when the walk was already over
    (a resume that only has to finish the file).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        fmt: str,
        dialect: str,
        base_url: str,
        query: ListQuery,
        resume: bool,
        progress: Progress | None,
        row_group_size: int,
    ) -> None:
        if fmt not in FORMATS:
            raise InvalidParameterError(
                f"format must be one of {', '.join(FORMATS)}, got {shown(fmt)}", param="format"
            )
        size: object = row_group_size
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise InvalidParameterError(
                "row_group_size must be an int >= 1", param="row_group_size"
            )
        self.path = Path(path)
        self._checkpoint_path = checkpoint_path(self.path)
        self._progress = progress
        self._expected = Checkpoint(
            format=fmt,
            dialect=dialect,
            base_url=base_url,
            params=fingerprint(query),
            next_query=query_to_json(query),
            position=0,
            count=0,
        )
        found = Checkpoint.load(self._checkpoint_path) if resume else None
        if found is not None:
            found.refuse_mismatch(self._expected, self._checkpoint_path)
            if not self.path.exists() and fmt != "parquet":
                raise InvalidParameterError(
                    f"cannot resume: {self.path} is gone but its checkpoint is there; start "
                    "over (resume=False)",
                    param="resume",
                )
        start = found or self._expected
        self.count = start.count
        self.start_query: ListQuery | None = (
            None if start.next_query is None else query_from_json(start.next_query)
        )
        position = found.position if found is not None else None
        self._sink: Sink = (
            ParquetSink(self.path, position, row_group_size)
            if fmt == "parquet"
            else TextSink(self.path, fmt, position, self.count)
        )
        self._pending: Query | None = self.start_query
        self._save(self.start_query)

    def _save(self, next_query: Query | None) -> None:
        assert next_query is None or isinstance(next_query, ListQuery)  # exports only list
        replace(
            self._expected,
            next_query=None if next_query is None else query_to_json(next_query),
            position=self._sink.sync(),
            count=self.count,
        ).save(self._checkpoint_path)

    def write(self, page: Page[Customer] | AsyncPage[Customer]) -> None:
        """Write one page (in walk order); checkpoint if the format has a whole unit on disk."""
        customers = page._in_walk_order()
        durable = self._sink.write_page(customers)
        self.count += len(customers)
        self._pending = page.next_page_query
        if durable:
            self._save(self._pending)
        if self._progress is not None:
            self._progress(self.count)

    def finish(self) -> int:
        """Close the output once the walk is over; drop the checkpoint; return the count."""
        if self._pending is not None:
            raise RuntimeError("finish() before the last page was written")  # pragma: no cover
        self._save(None)
        self._sink.finish()
        self._checkpoint_path.unlink()
        return self.count

    def close(self) -> None:
        """Close the output. After an error the checkpoint stays as the last durable step
        left it, to resume from."""
        self._sink.close()
