"""Exports: every format read back, resumed after a failure (partial tail cut, parts dropped),
refused with other settings, with concurrency, and cancelled (async) with a valid checkpoint."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import anyio
import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from customers_sdk import (
    AsyncCustomersClient,
    CreatedRangeParams,
    CustomersClient,
    InvalidParameterError,
    StripeCustomer,
    aexport_customers,
    export_customers,
)
from customers_sdk._export._parquet import parquet_schema
from customers_sdk.sandbox import Sandbox, SandboxTransport
from sdk_driver import Drive, Driver

KEY = "sk_test_sandbox"
BASES = {"stripe": "http://sandbox", "offset": "http://sandbox", "cursor": "http://sandbox/rest"}
FORMATS = ("csv", "jsonl", "json", "parquet")


class Stop(Exception):
    """Raised by a progress callback: the export dies after a checkpoint."""


def sandbox_driver(drive: Drive, dialect: str, sandbox: Sandbox) -> Driver:
    http = drive.http_client(transport=SandboxTransport(sandbox))
    return drive.dialect(dialect, api_key=KEY, base_url=BASES[dialect], http_client=http)


def export(drive: Drive, driver: Driver, path: Path, **options: Any) -> int:
    client = driver.client
    if isinstance(client, CustomersClient):
        return export_customers(client, path, **options)
    assert isinstance(client, AsyncCustomersClient)
    return drive.run(lambda: aexport_customers(client, path, **options))


def stop_after(pages: int) -> Any:
    calls = 0

    def progress(count: int) -> None:
        nonlocal calls
        calls += 1
        if calls == pages:
            raise Stop(count)

    return progress


def ids_in(path: Path, fmt: str) -> list[str]:
    if fmt == "csv":
        with open(path, newline="", encoding="utf-8") as file:
            return [row["id"] for row in csv.DictReader(file)]
    if fmt == "jsonl":
        return [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines()]
    if fmt == "json":
        return [item["id"] for item in json.loads(path.read_text("utf-8"))]
    ids: list[str] = pq.read_table(path).column("id").to_pylist()
    return ids


def checkpoint_of(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.with_name(path.name + ".checkpoint.json").read_text())
    return data


# Sync only: the async shell runs the same job, and the resume tests below drive it on every
# dialect.
@pytest.mark.parametrize("drive", ["sync"], indirect=True)
@pytest.mark.parametrize("dialect", ["stripe", "offset", "cursor"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_in_walk_order(
    drive: Drive, tmp_path: Path, dialect: str, fmt: str
) -> None:
    driver = sandbox_driver(drive, dialect, Sandbox(customers=120))
    expected = [c.id for c in driver.list_all(limit=50)]
    path = tmp_path / f"out.{fmt}"
    seen: list[int] = []
    count = export(drive, driver, path, format=fmt, limit=50, progress=seen.append)
    assert count == 120
    assert seen == [50, 100, 120]
    assert ids_in(path, fmt) == expected
    assert not path.with_name(path.name + ".checkpoint.json").exists()
    assert not path.with_name(path.name + ".parts").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_export_is_a_valid_empty_file(drive: Drive, tmp_path: Path, fmt: str) -> None:
    driver = sandbox_driver(drive, "cursor", Sandbox(customers=0))
    path = tmp_path / f"out.{fmt}"
    assert export(drive, driver, path, format=fmt) == 0
    assert ids_in(path, fmt) == []


def test_parquet_columns_are_typed(tmp_path: Path) -> None:
    sandbox = Sandbox(customers=30)
    http = httpx.Client(transport=SandboxTransport(sandbox))
    with CustomersClient.offset(api_key=KEY, base_url=BASES["offset"], http_client=http) as client:
        customers = list(client.list(limit=100, include_subscriptions=True))
        path = tmp_path / "out.parquet"
        export_customers(client, path, format="parquet", include_subscriptions=True)
    table = pq.read_table(path)
    assert table.schema == parquet_schema()
    assert table.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("metadata").type == pa.map_(pa.string(), pa.string())
    rows = table.to_pylist()
    for customer, row in zip(customers, rows, strict=True):
        assert row["created_at"] == customer.created_at
        assert row["has_active_subscription"] is customer.has_active_subscription
        assert dict(row["metadata"]) == customer.metadata
        subscriptions = json.loads(row["subscriptions"])
        assert [s["id"] for s in subscriptions] == [s.id for s in customer.subscriptions or []]
    assert any(row["subscriptions"] != "[]" for row in rows)


def test_extra_fields_are_kept_as_json_in_csv(tmp_path: Path) -> None:
    http = httpx.Client(transport=SandboxTransport(Sandbox(customers=3)))
    with CustomersClient.stripe(api_key=KEY, base_url=BASES["stripe"], http_client=http) as client:
        first = client.list(limit=1).data[0]
        path = tmp_path / "out.csv"
        export_customers(client, path)
    with open(path, newline="", encoding="utf-8") as file:
        row = next(csv.DictReader(file))
    assert row["id"] == first.id
    assert isinstance(first, StripeCustomer)  # Stripe's currency is one of its fields
    assert json.loads(row["extra"])["currency"] == first.currency
    assert row["deleted"] == "false"
    assert row["created_at"].endswith("Z")


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_resume_cuts_a_partial_tail_and_writes_every_customer_once(
    drive: Drive, tmp_path: Path, fmt: str
) -> None:
    driver = sandbox_driver(drive, "stripe", Sandbox(customers=100))
    expected = [c.id for c in driver.list_all(limit=20)]
    path = tmp_path / f"out.{fmt}"
    with pytest.raises(Stop):
        export(drive, driver, path, format=fmt, limit=20, progress=stop_after(2))
    checkpoint = checkpoint_of(path)
    assert checkpoint["count"] == 40
    assert checkpoint["next_query"]["starting_after"] == expected[39]
    assert checkpoint["position"] <= path.stat().st_size
    with open(path, "ab") as file:  # half a page the crash left behind
        file.write(b'cus_half,"unterminated\n{"id": "cus_half"')
    assert export(drive, driver, path, format=fmt, limit=20, resume=True) == 100
    assert ids_in(path, fmt) == expected


def test_parquet_resume_drops_parts_beyond_the_checkpoint(drive: Drive, tmp_path: Path) -> None:
    driver = sandbox_driver(drive, "cursor", Sandbox(customers=100))
    expected = [c.id for c in driver.list_all(limit=20)]
    path = tmp_path / "out.parquet"
    options: dict[str, Any] = {"format": "parquet", "limit": 20, "row_group_size": 40}
    with pytest.raises(Stop):  # after 3 pages: 2 in one part, the third only buffered
        export(drive, driver, path, progress=stop_after(3), **options)
    assert checkpoint_of(path)["count"] == 40
    assert checkpoint_of(path)["position"] == 1
    parts = path.with_name(path.name + ".parts")
    (parts / "000001.parquet").write_bytes(b"PAR1 a part renamed after the checkpoint")
    (parts / "000002.tmp").write_bytes(b"PAR1 half a part")
    assert export(drive, driver, path, resume=True, **options) == 100
    assert ids_in(path, "parquet") == expected
    assert pq.ParquetFile(path).metadata.num_row_groups == 3  # 40 + 40 + 20
    assert not parts.exists()


def test_a_walk_over_before_the_crash_is_only_finished_on_resume(
    drive: Drive, tmp_path: Path
) -> None:
    sandbox = Sandbox(customers=10)
    driver = sandbox_driver(drive, "offset", sandbox)
    path = tmp_path / "out.json"
    with pytest.raises(Stop):
        export(drive, driver, path, format="json", progress=stop_after(1))
    # The only page was written and checkpointed with nothing after it.
    assert checkpoint_of(path)["next_query"] is None
    requests = len(sandbox.request_log)
    assert export(drive, driver, path, format="json", resume=True) == 10
    assert len(sandbox.request_log) == requests
    assert len(ids_in(path, "json")) == 10


def test_offset_export_with_concurrency_resumes_in_order(drive: Drive, tmp_path: Path) -> None:
    driver = sandbox_driver(drive, "offset", Sandbox(customers=230))
    expected = [c.id for c in driver.list_all(limit=20)]
    path = tmp_path / "out.jsonl"
    options: dict[str, Any] = {"format": "jsonl", "limit": 20, "concurrency": 4}
    with pytest.raises(Stop):
        export(drive, driver, path, progress=stop_after(5), **options)
    assert checkpoint_of(path)["next_query"]["offset"] == 100
    assert export(drive, driver, path, resume=True, **options) == 230
    assert ids_in(path, "jsonl") == expected


def test_a_sliced_stripe_export_resumes_from_its_last_whole_page(
    drive: Drive, tmp_path: Path
) -> None:
    # Concurrent Stripe walks fetch created slices, but each page they yield resumes the
    # whole walk: the checkpoint's query is the caller's, from after the last customer written.
    sandbox = Sandbox(customers=400)
    driver = sandbox_driver(drive, "stripe", sandbox)
    expected = [c.id for c in driver.list_all(limit=20)]
    path = tmp_path / "out.jsonl"
    options: dict[str, Any] = {"format": "jsonl", "limit": 20, "concurrency": 4}
    with pytest.raises(Stop):
        export(drive, driver, path, progress=stop_after(5), **options)
    checkpoint = checkpoint_of(path)
    assert checkpoint["next_query"]["starting_after"] == expected[checkpoint["count"] - 1]
    assert "created" not in checkpoint["next_query"] or not checkpoint["next_query"]["created"]
    assert any("created" in r.query for r in sandbox.request_log)  # it was sliced
    assert export(drive, driver, path, resume=True, **options) == 400
    assert ids_in(path, "jsonl") == expected


def test_a_backward_walk_is_exported_in_walk_order(tmp_path: Path) -> None:
    http = httpx.Client(transport=SandboxTransport(Sandbox(customers=50)))
    with CustomersClient.stripe(api_key=KEY, base_url=BASES["stripe"], http_client=http) as client:
        last = list(client.list(limit=100))[-1].id
        expected = [c.id for c in client.list(limit=7, ending_before=last)]
        path = tmp_path / "out.csv"
        assert export_customers(client, path, limit=7, ending_before=last) == 49
    assert ids_in(path, "csv") == expected


def test_a_created_filter_with_datetimes_survives_the_checkpoint(tmp_path: Path) -> None:
    http = httpx.Client(transport=SandboxTransport(Sandbox(customers=60)))
    with CustomersClient.stripe(api_key=KEY, base_url=BASES["stripe"], http_client=http) as client:
        since: CreatedRangeParams = {"gte": datetime(2000, 1, 1, tzinfo=timezone.utc)}
        expected = [c.id for c in client.list(limit=25, created=since)]
        path = tmp_path / "out.csv"
        with pytest.raises(Stop):
            export_customers(client, path, limit=25, created=since, progress=stop_after(1))
        assert export_customers(client, path, limit=25, created=since, resume=True) == 60
    assert ids_in(path, "csv") == expected


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"format": "jsonl"}, "format"),
        ({"limit": 10}, "list params"),
        ({"dialect": "cursor"}, "dialect"),
    ],
)
def test_resume_refuses_other_settings(tmp_path: Path, change: dict[str, Any], named: str) -> None:
    sandbox = Sandbox(customers=30)
    path = tmp_path / "out.csv"

    def client(dialect: str) -> CustomersClient:
        http = httpx.Client(transport=SandboxTransport(sandbox))
        factory = getattr(CustomersClient, dialect)
        built: CustomersClient = factory(api_key=KEY, base_url=BASES[dialect], http_client=http)
        return built

    with pytest.raises(Stop):
        export_customers(client("stripe"), path, limit=5, progress=stop_after(1))
    before = path.read_bytes()
    options: dict[str, Any] = {"format": "csv", "limit": 5}
    options.update(change)
    with pytest.raises(InvalidParameterError, match=f"other {named}") as raised:
        export_customers(client(options.pop("dialect", "stripe")), path, resume=True, **options)
    assert raised.value.param == "resume"
    assert path.read_bytes() == before  # refused before anything was touched


def test_resume_without_a_checkpoint_starts_afresh(tmp_path: Path) -> None:
    http = httpx.Client(transport=SandboxTransport(Sandbox(customers=12)))
    with CustomersClient.cursor(api_key=KEY, base_url=BASES["cursor"], http_client=http) as client:
        path = tmp_path / "out.jsonl"
        path.write_text("left over from something else\n")
        assert export_customers(client, path, format="jsonl", resume=True) == 12
        assert len(ids_in(path, "jsonl")) == 12
        # And without resume=True a checkpoint is ignored: the export starts over.
        with pytest.raises(Stop):
            export_customers(client, path, format="jsonl", limit=5, progress=stop_after(1))
        assert export_customers(client, path, format="jsonl", limit=5) == 12
        assert len(ids_in(path, "jsonl")) == 12


def test_bad_arguments_and_checkpoints_are_refused(tmp_path: Path) -> None:
    http = httpx.Client(transport=SandboxTransport(Sandbox(customers=5)))
    with CustomersClient.cursor(api_key=KEY, base_url=BASES["cursor"], http_client=http) as client:
        path = tmp_path / "out.csv"
        with pytest.raises(InvalidParameterError, match="format must be one of"):
            export_customers(client, path, format="xml")  # type: ignore[arg-type]
        with pytest.raises(InvalidParameterError, match="row_group_size"):
            export_customers(client, path, format="parquet", row_group_size=0)
        with pytest.raises(InvalidParameterError, match="limit must be between"):
            export_customers(client, path, limit=5000)
        assert not path.exists()
        checkpoint = path.with_name(path.name + ".checkpoint.json")
        checkpoint.write_text("{not json")
        with pytest.raises(InvalidParameterError, match="not a checkpoint"):
            export_customers(client, path, resume=True)
        checkpoint.write_text(json.dumps({"version": 99}))
        with pytest.raises(InvalidParameterError, match="version 99"):
            export_customers(client, path, resume=True)
        with pytest.raises(Stop):
            export_customers(client, path, limit=2, progress=stop_after(1))
        path.write_bytes(b"id\n")
        with pytest.raises(InvalidParameterError, match="shorter than its checkpoint"):
            export_customers(client, path, limit=2, resume=True)
        path.unlink()
        with pytest.raises(InvalidParameterError, match="is gone"):
            export_customers(client, path, limit=2, resume=True)
        parquet = tmp_path / "out.parquet"
        options: dict[str, Any] = {"format": "parquet", "limit": 2, "row_group_size": 2}
        with pytest.raises(Stop):
            export_customers(client, parquet, progress=stop_after(1), **options)
        (parquet.with_name(parquet.name + ".parts") / "000000.parquet").unlink()
        with pytest.raises(InvalidParameterError, match=r"parts of .* are gone"):
            export_customers(client, parquet, resume=True, **options)


def test_parquet_without_pyarrow_says_which_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    http = httpx.Client(transport=SandboxTransport(Sandbox(customers=1)))
    client = CustomersClient.cursor(api_key=KEY, base_url=BASES["cursor"], http_client=http)
    with client, pytest.raises(ImportError, match=r"customers-sdk\[parquet\]"):
        export_customers(client, tmp_path / "out.parquet", format="parquet")


class HeldTransport(httpx.AsyncBaseTransport):
    """Answers ``free`` requests from the sandbox, then holds every later one until cancelled."""

    def __init__(self, sandbox: Sandbox, free: int) -> None:
        self.inner = SandboxTransport(sandbox)
        self.free = free
        self.held = anyio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.free > 0:
            self.free -= 1
            return await self.inner.handle_async_request(request)
        self.held.set()
        await anyio.sleep_forever()
        raise AssertionError("unreachable")  # pragma: no cover


@pytest.mark.anyio
@pytest.mark.parametrize("fmt", ["json", "parquet"])
async def test_a_cancelled_export_leaves_a_checkpoint_to_resume_from(
    tmp_path: Path, fmt: str
) -> None:
    sandbox = Sandbox(customers=100)
    path = tmp_path / f"out.{fmt}"
    held = HeldTransport(sandbox, free=3)
    options: dict[str, Any] = {"format": fmt, "limit": 10, "row_group_size": 10}
    async with (
        httpx.AsyncClient(transport=held) as http,
        AsyncCustomersClient.cursor(
            api_key=KEY, base_url=BASES["cursor"], http_client=http
        ) as client,
        anyio.create_task_group() as group,
    ):
        group.start_soon(lambda: aexport_customers(client, path, **options))
        await held.held.wait()
        group.cancel_scope.cancel()
    assert checkpoint_of(path)["count"] == 30
    if fmt == "json":
        assert len(json.loads(path.read_text())) == 30  # valid JSON at every checkpoint
    http = httpx.AsyncClient(transport=SandboxTransport(sandbox))
    async with AsyncCustomersClient.cursor(
        api_key=KEY, base_url=BASES["cursor"], http_client=http
    ) as client:
        expected = [c.id async for c in client.list(limit=10)]
        assert await aexport_customers(client, path, resume=True, **options) == 100
    await http.aclose()
    assert ids_in(path, fmt) == expected
