"""The ``customers`` command: every subcommand against the embedded sandbox."""

from __future__ import annotations

import csv
import io
import json
import signal
import threading
import time
from argparse import Namespace
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from conftest import run_cli as run
from customers_sdk._cli import _main as cli_main
from customers_sdk._cli import build_parser, main
from customers_sdk._cli._serve import serve_forever


def test_demo_runs_the_whole_tour() -> None:
    status, out, _ = run("demo")
    assert status == 0
    for marker in (
        "250 customers in 3 pages",
        "deleted=True",
        "NotFoundError",
        "CardError: code=card_declined",
    ):
        assert marker in out


@pytest.mark.parametrize("dialect", ["stripe", "offset", "cursor"])
def test_list_first_page_as_json(dialect: str) -> None:
    status, out, _ = run(
        "list", "--sandbox", "--dialect", dialect, "--limit", "7", "--format", "json"
    )
    assert status == 0
    rows = json.loads(out)
    assert len(rows) == 7
    assert all(row["id"] for row in rows)


def test_list_all_as_table_walks_every_page() -> None:
    status, out, _ = run("list", "--sandbox", "--sandbox-customers", "30", "--limit", "7", "--all")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("ID")
    assert len(lines) == 1 + 30


def test_export_csv_reports_progress_on_stderr() -> None:
    status, out, err = run(
        "export", "--sandbox", "--dialect", "offset", "--sandbox-customers", "250",
        "--limit", "100", "--concurrency", "3", "--format", "csv",
    )  # fmt: skip
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 250
    assert len({row["id"] for row in rows}) == 250
    assert "exported 250 customers" in err


def test_export_jsonl_with_cursor_filters() -> None:
    document = json.dumps({"field": "metadata.tier", "op": "eq", "value": "gold"})
    status, out, _ = run("export", "--sandbox", "--dialect", "cursor", "--filters", document,
                         "--format", "jsonl")  # fmt: skip
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows
    assert all(row["metadata"]["tier"] == "gold" for row in rows)


def test_create_get_update_delete_round_trip() -> None:
    status, out, _ = run(
        "create", "--sandbox", "--email", "ada@example.com", "--name", "Ada",
        "--metadata", "tier=gold", "--format", "json",
    )  # fmt: skip
    assert status == 0
    created = json.loads(out)
    assert created["metadata"] == {"tier": "gold"}
    # Each --sandbox run starts a fresh sandbox, so the round trip uses a seeded id.
    status, out, _ = run("list", "--sandbox", "--limit", "1", "--format", "json")
    seeded = json.loads(out)[0]["id"]
    status, out, _ = run("get", "--sandbox", seeded, "--format", "jsonl")
    assert json.loads(out)["id"] == seeded
    status, out, _ = run("update", "--sandbox", seeded, "--name", "Grace", "--unset", "phone",
                         "--format", "json")  # fmt: skip
    updated = json.loads(out)
    assert (updated["name"], updated["phone"]) == ("Grace", None)
    status, out, _ = run("delete", "--sandbox", seeded, "--format", "json")
    assert json.loads(out)["deleted"] is True


def test_search_walks_pages() -> None:
    status, out, _ = run("search", "--sandbox", "metadata['tier']:'gold'", "--limit", "5", "--all",
                         "--format", "jsonl")  # fmt: skip
    assert status == 0
    assert len(out.splitlines()) > 5


def test_api_error_is_one_line_and_exit_1() -> None:
    status, out, err = run("get", "--sandbox", "cus_missing")
    assert status == 1
    assert out == ""
    assert err.startswith(
        "error: NotFoundError: 404: No such customer: 'cus_missing' type=invalid_request_error "
        "code=resource_missing param=id request_id=req_"
    )
    assert err.count("\n") == 1


def test_bad_input_is_a_clear_error() -> None:
    status, _, err = run("list", "--sandbox", "--limit", "1000")
    assert status == 2
    assert err == (
        "customers: error: limit must be between 1 and 100 for the 'stripe' dialect, got 1000\n"
    )
    status, _, err = run("create", "--sandbox", "--metadata", "novalue")
    assert status == 2
    assert "KEY=VALUE" in err
    status, _, err = run("list", "--sandbox", "--dialect", "cursor", "--filters", "{nope")
    assert status == 2


def test_missing_key_for_real_api_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    status, _, err = run("list")
    assert status == 2
    assert err == "customers: error: no API key: pass --api-key or set STRIPE_API_KEY\n"


def test_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    for command in (
        "demo",
        "sandbox",
        "list",
        "get",
        "create",
        "update",
        "delete",
        "search",
        "export",
    ):
        with pytest.raises(SystemExit) as exited:
            parser.parse_args([command, "--help"])
        assert exited.value.code == 0
        assert "usage: customers" in capsys.readouterr().out


def test_sandbox_command_serves_on_loopback() -> None:
    args = Namespace(host="127.0.0.1", port=0, api_key="sk_test_cli", customers=12, seed=1,
                     latency_ms=0.0, fault_rate=0.0, wide=False)  # fmt: skip
    out, stop = io.StringIO(), threading.Event()
    thread = threading.Thread(target=serve_forever, args=(args, out, stop))
    thread.start()
    try:
        for _ in range(200):  # the banner appears once the socket is bound
            if "cursor" in out.getvalue():
                break
            time.sleep(0.01)
        lines = out.getvalue().splitlines()
        root = lines[1].split()[1].removesuffix("/v1/customers")
        # Scripts (the benchmarks' harness) read these three lines: their shape stays.
        assert lines[1:4] == [
            f"  stripe  {root}/v1/customers",
            f"  offset  {root}/api/public/customers",
            f"  cursor  {root}/rest/v1/customers",
        ]
        assert lines[4].endswith(f", {root}/rest for cursor")
        url = f"{root}/rest/v1/customers"
        response = httpx.get(url, headers={"Authorization": "Bearer sk_test_cli"})
        assert response.status_code == 200
        assert len(response.json()["data"]) == 12
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "customers_sdk", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "usage: customers" in done.stdout


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, as stdout or stderr on a screen would."""

    def isatty(self) -> bool:
        return True


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from customers_sdk._version import __version__

    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"customers {__version__}\n"


@pytest.mark.parametrize("command", ["get", "delete"])
def test_one_customer_as_json_is_an_object(command: str) -> None:
    _, out, _ = run("list", "--sandbox", "--limit", "1", "--format", "jsonl")
    seeded = json.loads(out)["id"]
    status, out, _ = run(command, "--sandbox", seeded, "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert isinstance(document, dict)
    assert document["id"] == seeded


def test_csv_timestamps_and_extras_match_json() -> None:
    _, listed, _ = run("list", "--sandbox", "--limit", "3", "--format", "json")
    _, table, _ = run("list", "--sandbox", "--limit", "3", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(table)))
    for wire, row in zip(json.loads(listed), rows, strict=True):
        # Stripe's JSON has `created` in epoch seconds; the CSV's created_at is its ISO form.
        created = datetime.fromtimestamp(wire["created"], timezone.utc)
        assert row["created_at"] == created.isoformat().replace("+00:00", "Z")
        assert json.loads(row["metadata"]) == wire["metadata"]
        assert row["deleted"] == "false"
        # Fields the model does not declare (Stripe's address, balance...) as one JSON object.
        extra = json.loads(row["extra"])
        assert extra["balance"] == wire["balance"]
        assert extra["object"] == "customer"


def test_csv_columns_pick_fields_and_dotted_names() -> None:
    status, out, _ = run(
        "list", "--sandbox", "--limit", "4", "--format", "csv",
        "--columns", "id, metadata.tier,balance,nope",
    )  # fmt: skip
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "metadata.tier", "balance", "nope"]
    assert len(rows) == 5
    tiers = {row[1] for row in rows[1:]}
    assert tiers <= {"gold", "silver", "bronze", ""}
    assert tiers - {""}
    assert all(row[2] == "0" and row[3] == "" for row in rows[1:])


def test_columns_is_a_usage_error_with_json_or_empty() -> None:
    status, _, err = run("list", "--sandbox", "--format", "json", "--columns", "id")
    assert (status, err) == (2, "customers: error: --columns applies to --format table and csv\n")
    status, _, err = run("list", "--sandbox", "--columns", " , ")
    assert (status, err) == (2, "customers: error: --columns needs at least one column name\n")


def test_offset_names_come_from_first_and_last_names() -> None:
    status, out, _ = run(
        "list", "--sandbox", "--dialect", "offset", "--limit", "20", "--format", "csv",
        "--columns", "name,first_name,last_name",
    )  # fmt: skip
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))[1:]
    named = [row for row in rows if row[1] or row[2]]
    assert named
    for name, first, last in named:
        assert name == f"{first} {last}".strip()


def test_table_keeps_every_character_in_a_pipe() -> None:
    customers = ("list", "--sandbox", "--limit", "50", "--columns", "id,email,extra")
    status, out, _ = run(*customers)
    assert status == 0
    assert "…" not in out
    assert any(len(line) > 200 for line in out.splitlines())  # `extra` is a long JSON object


def test_table_fits_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "70")
    out = _Terminal()
    status = main(["list", "--sandbox", "--limit", "50"], out=out, err=io.StringIO())
    assert status == 0
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 70 for line in lines)
    assert lines[0].split() == ["ID", "EMAIL", "NAME", "PHONE", "CREATED_AT"]
    assert any("…" in line for line in lines)


def test_operation_the_dialect_lacks_is_a_usage_error() -> None:
    status, _, err = run("get", "--sandbox", "--dialect", "offset", "1")
    assert status == 2
    assert err.startswith("customers: error: ")
    assert err.count("\n") == 1


def test_missing_base_url_names_the_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUSTOMERS_BASE_URL", raising=False)
    status, _, err = run("list", "--dialect", "cursor", "--api-key", "k")
    assert (status, err) == (
        2,
        "customers: error: the cursor dialect needs --base-url or CUSTOMERS_BASE_URL\n",
    )


def test_errors_are_one_line_with_the_request_id() -> None:
    from customers_sdk import ResponseValidationError
    from customers_sdk._cli._main import _one_line

    problem = ResponseValidationError("a page\nthat is not one", request_id="req_1")
    line = _one_line(problem)
    assert "\n" not in line
    assert line.startswith("a page that is not one")
    assert line.endswith(" request_id=req_1")


def test_a_closed_pipe_ends_quietly_with_exit_0() -> None:
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (`head`) has gone
    err = io.StringIO()
    with os.fdopen(write_end, "w") as out:
        status = main(["export", "--sandbox", "--format", "csv"], out=out, err=err)
        assert status == 0
        out.write("still writable: /dev/null now\n")
    assert err.getvalue() == ""


def test_ctrl_c_stops_with_130_and_a_line_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from customers_sdk import StripeCustomer  # the sandbox's default dialect reads these

    real = StripeCustomer.to_dict
    calls = 0

    def interrupted(customer: StripeCustomer) -> dict[str, object]:
        nonlocal calls
        calls += 1
        if calls == 42:
            raise KeyboardInterrupt
        return real(customer)

    monkeypatch.setattr(StripeCustomer, "to_dict", interrupted)
    status, _, err = run("export", "--sandbox", "--format", "jsonl")
    assert status == 130
    lines = err.splitlines()
    assert lines[-1] == "interrupted"
    assert lines[-2].startswith("exported 42 customers in ")
    assert lines[-2].endswith(", then stopped")


def test_quiet_walks_show_no_progress() -> None:
    status, out, err = run("list", "--sandbox", "--all", "--quiet", "--format", "jsonl")
    assert (status, err) == (0, "")
    assert len(out.splitlines()) == 300
    status, _, err = run("search", "--sandbox", "metadata['tier']:'gold'", "--all", "-q")
    assert (status, err) == (0, "")


def test_a_closed_pipe_on_a_stream_without_a_file_is_quiet_too() -> None:
    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    err = io.StringIO()
    status = main(["list", "--sandbox", "--limit", "2"], out=Closed(), err=err)
    assert (status, err.getvalue()) == (0, "")


def test_a_terminal_too_narrow_for_the_floors_cuts_every_cell() -> None:
    from customers_sdk import Customer
    from customers_sdk._cli._output import write_customers

    out = io.StringIO()
    customer = Customer(id="cus_0123456789", email="someone.long@example.com")
    write_customers([customer], "table", out, columns=["id", "email"], width=10)
    assert out.getvalue().splitlines()[1] == "cus_0…  someo…"


def test_list_options_reach_the_dialect() -> None:
    status, out, _ = run("list", "--sandbox", "--created-gte", "0", "--limit", "2", "--format",
                         "jsonl")  # fmt: skip
    assert (status, len(out.splitlines())) == (0, 2)
    status, out, _ = run("list", "--sandbox", "--dialect", "offset", "--include-subscriptions",
                         "--limit", "5", "--format", "json")  # fmt: skip
    assert status == 0
    assert any(row["subscriptions"] for row in json.loads(out))


def test_help_into_a_closed_pipe_ends_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w") as closed:
        monkeypatch.setattr("sys.stdout", closed)
        with pytest.raises(SystemExit) as exited:
            main(["--version"])
        assert exited.value.code == 0
        closed.write("the interpreter's last flush finds /dev/null\n")
        closed.flush()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_to_a_file_resumes_from_its_checkpoint(tmp_path: Path, fmt: str) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / f"customers.{fmt}"
    argv = ("export", "--sandbox", "--sandbox-customers", "120", "--limit", "50")
    status, out, err = run(*argv, "--output", str(path))  # the format from the suffix
    assert (status, out) == (0, "")
    assert "exported 120 customers in " in err
    if fmt == "csv":
        with open(path, newline="", encoding="utf-8") as file:
            ids = [row["id"] for row in csv.DictReader(file)]
    else:
        ids = pq.read_table(path).column("id").to_pylist()
    assert len(set(ids)) == 120
    # A checkpoint from another export: --resume refuses it, in the CLI's words.
    path.with_name(path.name + ".checkpoint.json").write_text(
        json.dumps({"version": 1, "format": "jsonl", "dialect": "stripe", "base_url": "x",
                    "params": "", "next_query": None, "position": 0, "count": 0})
    )  # fmt: skip
    status, _, err = run(*argv, "--output", str(path), "--format", fmt, "--resume")
    assert status == 2  # a usage error: the options do not match the checkpoint
    assert "cannot resume" in err


@pytest.mark.parametrize("flag", ["--resume", "--format=parquet"])
def test_export_to_stdout_refuses_what_needs_a_file(flag: str) -> None:
    status, out, err = run("export", "--sandbox", flag)
    assert (status, out) == (2, "")
    assert "needs --output PATH" in err


def _wrapped_interrupt(args: Namespace, out: object, err: object) -> int:
    """What pydantic-core does when Ctrl-C lands inside a serializer it called: its own error."""
    try:
        signal.raise_signal(signal.SIGINT)
    except KeyboardInterrupt:
        raise RuntimeError("Error calling function `to_dict`: KeyboardInterrupt") from None
    return 0


def test_ctrl_c_wrapped_by_a_library_still_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_main, "_run", _wrapped_interrupt)
    status, out, err = run("list", "--sandbox")
    assert (status, out, err) == (130, "", "interrupted\n")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


def test_an_error_with_no_ctrl_c_behind_it_is_not_an_interrupt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(args: Namespace, out: object, err: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli_main, "_run", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        run("list", "--sandbox")


def test_main_runs_in_a_worker_thread_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # Signal handlers belong to the main thread; elsewhere main() leaves SIGINT alone.
    monkeypatch.setattr(cli_main, "_run", lambda args, out, err: 0)
    results: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: results.append(run("list", "--sandbox")))
    worker.start()
    worker.join(10)
    assert results == [(0, "", "")]
