"""Parquet exports, through the ``parquet`` extra (pyarrow).

A Parquet file is written footer last, so a file cut short by a crash cannot be read, let
alone appended to. The export therefore writes each row group twice: into the output, through
one ``ParquetWriter`` on ``PATH.tmp``, and as a *part*, a complete Parquet file of that one
row group in ``PATH.parts/``, made durable (temporary name, fsync, rename) before the
checkpoint counts it. After a crash ``PATH.tmp`` is useless, but the parts are not: a resume
deletes any part beyond the checkpoint's count, copies the others into a new ``PATH.tmp`` and
goes on from there. At the end ``PATH.tmp`` is closed, fsynced and renamed to ``PATH`` (so
``PATH`` is never half a file), and the parts are removed. Nothing is read back unless the
export was resumed, and memory stays at about one row group, however many customers.

Schema (one row per customer, in walk order):

| column | type |
|---|---|
| ``id`` | ``string`` (not null) |
| ``email``, ``name``, ``phone`` | ``string`` |
| ``created_at``, ``updated_at`` | ``timestamp[us, tz=UTC]`` |
| ``live`` | ``bool`` |
| ``first_name``, ``last_name``, ``stripe_customer_id`` | ``string`` |
| ``has_active_subscription`` | ``bool`` |
| ``deleted`` | ``bool`` (not null) |
| ``metadata`` | ``map<string, string>`` (not null; empty when none) |
| ``subscriptions`` | ``string``: a JSON array, null when not fetched |
| ``extra`` | ``string``: a JSON object of the fields beyond these, null when none |
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import InvalidParameterError
from ._checkpoint import fsync_folder
from ._columns import COLUMNS, row

if TYPE_CHECKING:
    import pyarrow as pa

    from .._models import Customer

__all__ = ["PARQUET_MISSING", "ParquetSink", "parquet_schema"]

PARQUET_MISSING = (
    'format="parquet" needs pyarrow, an optional extra: pip install "customers-sdk[parquet]"'
)


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise ImportError(PARQUET_MISSING) from exc
    return pyarrow


def parquet_schema() -> pa.Schema:
    """The schema of every Parquet export (see this module's docstring)."""
    pa = _pyarrow()
    text, stamp, flag = pa.string(), pa.timestamp("us", tz="UTC"), pa.bool_()
    types = {
        "created_at": stamp,
        "updated_at": stamp,
        "live": flag,
        "has_active_subscription": flag,
        "deleted": flag,
        "metadata": pa.map_(pa.string(), pa.string()),
    }
    required = {"id", "deleted", "metadata"}
    return pa.schema(
        [pa.field(name, types.get(name, text), nullable=name not in required) for name in COLUMNS]
    )


class ParquetSink:
    """Buffers pages as Arrow record batches; a part is written once ``row_group_size`` rows
    are buffered. ``position`` is how many parts the checkpoint counts (``None``: fresh)."""

    format = "parquet"

    def __init__(self, path: Path, position: int | None, row_group_size: int) -> None:
        self._pa = _pyarrow()
        self._schema = parquet_schema()
        self._path = path
        self._parts = path.with_name(path.name + ".parts")
        self._temporary = path.with_name(path.name + ".tmp")
        self._row_group_size = row_group_size
        if position is None:
            shutil.rmtree(self._parts, ignore_errors=True)
        self._parts.mkdir(exist_ok=True)
        self._written = position or 0
        if any(not self._part(index).exists() for index in range(self._written)):
            raise InvalidParameterError(
                f"cannot resume: parts of {path} that its checkpoint counts are gone from "
                f"{self._parts}; start over (resume=False)",
                param="resume",
            )
        for stale in self._parts.iterdir():
            # A part renamed after the last checkpoint, or one a crash left half-written.
            if not stale.name.endswith(".parquet") or int(stale.stem) >= self._written:
                stale.unlink()
        self._writer = self._pa.parquet.ParquetWriter(self._temporary, self._schema)
        for index in range(self._written):  # resumed: the output starts as the parts it kept
            part = self._pa.parquet.ParquetFile(self._part(index))
            for group in range(part.num_row_groups):
                self._writer.write_table(part.read_row_group(group))
            part.close()
        self._batches: list[Any] = []
        self._rows = 0

    def _part(self, index: int) -> Path:
        return self._parts / f"{index:06d}.parquet"

    def write_page(self, customers: Sequence[Customer]) -> bool:
        """Buffer a page; True when a row group was written, so a checkpoint may be taken."""
        if customers:
            columns = zip(*(row(c) for c in customers), strict=True)
            arrays = {name: list(values) for name, values in zip(COLUMNS, columns, strict=True)}
            arrays["metadata"] = [list(m.items()) for m in arrays["metadata"]]
            self._batches.append(self._pa.RecordBatch.from_pydict(arrays, schema=self._schema))
            self._rows += len(customers)
        if self._rows < self._row_group_size:
            return False
        self._flush()
        return True

    def _flush(self) -> None:
        if not self._batches:
            return
        table = self._pa.Table.from_batches(self._batches, schema=self._schema)
        self._batches, self._rows = [], 0
        self._writer.write_table(table, row_group_size=table.num_rows)
        final = self._part(self._written)
        temporary = final.with_suffix(".tmp")
        self._pa.parquet.write_table(table, temporary, row_group_size=table.num_rows)
        _fsync_file(temporary)
        os.replace(temporary, final)
        fsync_folder(self._parts)
        self._written += 1

    def sync(self) -> int:
        self._flush()
        return self._written

    def finish(self) -> None:
        """Close the output and move it into place; then drop the parts."""
        self._flush()
        self._writer.close()
        _fsync_file(self._temporary)
        os.replace(self._temporary, self._path)
        fsync_folder(self._path.parent)
        shutil.rmtree(self._parts)

    def close(self) -> None:
        self._batches = []
        self._writer.close()
        self._temporary.unlink(missing_ok=True)  # a resume rebuilds it from the parts


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as written:
        os.fsync(written.fileno())
