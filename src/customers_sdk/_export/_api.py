"""``export_customers`` and ``aexport_customers``: thin shells that fetch pages and hand each
to one :class:`~customers_sdk._export._job.ExportJob`, which does all the writing."""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Any

from typing_extensions import TypedDict, Unpack

from .._filters import FilterLike
from .._request import CreatedFilter
from .._types import NOT_GIVEN, RequestOptions
from ._job import ExportFormat, ExportJob, Progress

if TYPE_CHECKING:
    from .._async_client import AsyncCustomersClient
    from .._base_client import BaseClient
    from .._client import CustomersClient

__all__ = ["ExportParams", "aexport_customers", "export_customers"]


class ExportParams(TypedDict, total=False):
    """The ``list()`` params an export takes (each dialect takes its own, as ``list()``)."""

    limit: int
    """Page size; defaults to the dialect's largest page."""
    starting_after: str
    """Stripe and cursor: start after this customer id."""
    ending_before: str
    """Stripe and cursor: walk backward from this customer id."""
    email: str
    """Stripe: only customers with exactly this email."""
    created: CreatedFilter
    """Stripe: epoch seconds, or a range such as ``{"gte": 1_700_000_000}``."""
    filters: FilterLike
    """Cursor: a filter built with ``where()``, or the raw document."""
    offset: int
    """Offset: customers to skip first."""
    include_subscriptions: bool
    """Offset: read each customer's subscriptions too."""


_PARAMS = tuple(ExportParams.__annotations__)


def _job(
    client: BaseClient[Any, Any, Any, Any],
    path: str | os.PathLike[str],
    fmt: ExportFormat,
    resume: bool,
    concurrency: int,
    progress: Progress | None,
    row_group_size: int,
    params: ExportParams,
) -> ExportJob:
    given: dict[str, Any] = {name: params.get(name, NOT_GIVEN) for name in _PARAMS}
    if "limit" not in params:  # the largest pages the dialect allows: fewest round trips
        given["limit"] = client._settings.dialect.max_limit
    query = client._list_query(given, concurrency)
    return ExportJob(
        path,
        fmt=fmt,
        dialect=client.dialect,
        base_url=client.base_url,
        query=query,
        resume=resume,
        progress=progress,
        row_group_size=row_group_size,
    )


def export_customers(
    client: CustomersClient,
    path: str | os.PathLike[str],
    *,
    format: ExportFormat = "csv",
    resume: bool = False,
    concurrency: int = 1,
    progress: Progress | None = None,
    row_group_size: int = 20_000,
    **params: Unpack[ExportParams],
) -> int:
    """Write every customer the list params select to ``path``; returns how many there are.

    Memory stays flat whatever the count: pages are written as they arrive. After each page
    (each row group for Parquet) the output is fsynced and a checkpoint,
    ``PATH.checkpoint.json``, records the next page's query. If the process dies, call again
    with ``resume=True``: the output is cut back to the checkpoint and the walk goes on from
    there, so the finished file holds every customer exactly once. Resuming with another
    format, dialect, base URL or other list params raises :class:`InvalidParameterError`;
    ``resume=True`` without a checkpoint starts afresh. The checkpoint is removed once the
    export is complete.

    ``format`` is ``csv``, ``jsonl``, ``json`` or ``parquet`` (the ``parquet`` extra; one row
    group per ``row_group_size`` rows). ``limit`` defaults to the dialect's largest page.
    ``concurrency`` is ``list()``'s. ``progress`` is called after every page with the count
    written so far. See the "Exporting everything" guide for the columns and the Parquet schema.

    Args:
        client: The client whose customers are exported.
        path: The output file; its checkpoint is ``PATH.checkpoint.json`` beside it.
        format: ``csv``, ``jsonl``, ``json`` or ``parquet``.
        resume: Continue from the checkpoint, if there is one.
        concurrency: Pages fetched at once, as ``list(concurrency=...)``.
        progress: Called with the number of customers written so far, after every page.
        row_group_size: Parquet only: rows per row group.
        **params: The ``list()`` params of the dialect (see :class:`ExportParams`).

    Returns:
        The number of customers in the finished output.

    Raises:
        InvalidParameterError: Bad params, or a checkpoint from another export.
        CustomersError: What the walk raises (an API or transport error); the checkpoint
            stays, so the export can be resumed.

    Example:
        >>> from customers_sdk import export_customers
        >>> export_customers(client, "customers.parquet", format="parquet")  # doctest: +SKIP
        200000
        >>> export_customers(client, "gold.csv", resume=True, email="a@b.co")  # doctest: +SKIP
        1
    """
    job = _job(client, path, format, resume, concurrency, progress, row_group_size, params)
    with contextlib.closing(job):
        if job.start_query is not None:
            first = client._fetch_page(job.start_query, RequestOptions(), concurrency)
            for page in first.iter_pages():
                job.write(page)
        return job.finish()


async def aexport_customers(
    client: AsyncCustomersClient,
    path: str | os.PathLike[str],
    *,
    format: ExportFormat = "csv",
    resume: bool = False,
    concurrency: int = 1,
    progress: Progress | None = None,
    row_group_size: int = 20_000,
    **params: Unpack[ExportParams],
) -> int:
    """:func:`export_customers` for the async client. Pages are written (and fsynced) in a
    worker thread, so the event loop is not held up by the disk (``progress`` is called from
    that thread too); a cancelled export keeps a valid checkpoint.

    Args:
        client: The async client whose customers are exported.
        path: The output file; its checkpoint is ``PATH.checkpoint.json`` beside it.
        format: ``csv``, ``jsonl``, ``json`` or ``parquet``.
        resume: Continue from the checkpoint, if there is one.
        concurrency: Pages fetched at once, as ``list(concurrency=...)``.
        progress: Called with the number of customers written so far, after every page.
        row_group_size: Parquet only: rows per row group.
        **params: The ``list()`` params of the dialect (see :class:`ExportParams`).

    Returns:
        The number of customers in the finished output.

    Raises:
        InvalidParameterError: Bad params, or a checkpoint from another export.
        CustomersError: What the walk raises; the checkpoint stays, for a resume.

    Example:
        >>> from customers_sdk import aexport_customers
        >>> await aexport_customers(client, "customers.jsonl", format="jsonl")  # doctest: +SKIP
        200000
    """
    import anyio.to_thread  # comes with httpx; loaded only by async callers

    job = _job(client, path, format, resume, concurrency, progress, row_group_size, params)
    with contextlib.closing(job):
        if job.start_query is not None:
            first = await client._fetch_page(job.start_query, RequestOptions(), concurrency)
            async with contextlib.aclosing(first.iter_pages()) as pages:
                async for page in pages:
                    await anyio.to_thread.run_sync(job.write, page)
        return job.finish()
