"""CSV, JSON lines and JSON exports: one file, appended to page by page.

Every checkpoint records the file's length after a whole page; resuming truncates the file to
that length, which cuts any partial page a crash left behind, and appends from there.

A JSON export is one array. Its closing ``]`` is written after every page (so the file is valid
JSON at every checkpoint) but is *not* counted in the checkpoint's length: the next page, or a
resume, starts writing over it, and the closer is written again after that page.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .._errors import InvalidParameterError
from ._columns import COLUMNS, row, text_cell

if TYPE_CHECKING:
    from .._models import Customer

__all__ = ["TextSink"]


class TextSink:
    """Appends pages to ``path`` in ``fmt`` (``csv``, ``jsonl`` or ``json``).

    ``position`` is ``None`` for a fresh export, else the length to cut the file back to;
    ``count`` is how many customers the kept part holds (JSON needs it for its commas).
    """

    def __init__(self, path: Path, fmt: str, position: int | None, count: int) -> None:
        self.format = fmt
        self._count = count
        if position is None:
            self._file: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed by close()
            self._file.write(self._header())
        else:
            if path.stat().st_size < position:
                raise InvalidParameterError(
                    f"cannot resume: {path} is shorter than its checkpoint says; it was changed "
                    "since, so start over (resume=False)",
                    param="resume",
                )
            self._file = open(path, "r+b")  # noqa: SIM115 - closed by close()
            self._file.truncate(position)
            self._file.seek(position)
        self._position = self._file.tell()

    def _header(self) -> bytes:
        if self.format == "csv":
            return self._csv([COLUMNS])
        return b"[" if self.format == "json" else b""

    def _closer(self) -> bytes:
        if self.format != "json":
            return b""
        return b"\n]\n" if self._count else b"]\n"

    @staticmethod
    def _csv(rows: Sequence[Sequence[object]]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue().encode()

    def _encode(self, customers: Sequence[Customer]) -> bytes:
        if self.format == "csv":
            return self._csv([[text_cell(value) for value in row(c)] for c in customers])
        lines = [json.dumps(c.to_dict(), sort_keys=True) for c in customers]
        if self.format == "jsonl":
            return "".join(line + "\n" for line in lines).encode()
        first = "\n  " if self._count == 0 else ",\n  "
        return (first + ",\n  ".join(lines)).encode()

    def write_page(self, customers: Sequence[Customer]) -> bool:
        """Append a page; a text export can take a checkpoint after every page (True)."""
        if customers:
            self._file.seek(self._position)
            self._file.write(self._encode(customers))
            self._count += len(customers)
            self._position = self._file.tell()
        return True

    def sync(self) -> int:
        """Make everything written durable; returns the length a checkpoint may record."""
        closer = self._closer()
        if closer:
            self._file.seek(self._position)
            self._file.write(closer)
            self._file.truncate()
        self._file.flush()
        os.fsync(self._file.fileno())
        return self._position

    def finish(self) -> None:
        self.sync()
        self.close()

    def close(self) -> None:
        self._file.close()
