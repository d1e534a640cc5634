"""The ``customers`` command: every subcommand against the embedded sandbox."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from argparse import Namespace

import httpx
import pytest

from customers_sdk._cli import build_parser, main
from customers_sdk._cli._serve import serve_forever


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_demo_runs_the_whole_tour() -> None:
    status, out, _ = run("demo")
    assert status == 0
    for marker in ("250 customers in 3 pages", "deleted=True", "NotFoundError", "Unsupported"):
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
    created = json.loads(out)[0]
    assert created["metadata"] == {"tier": "gold"}
    # Each --sandbox run starts a fresh sandbox, so the round trip uses a seeded id.
    status, out, _ = run("list", "--sandbox", "--limit", "1", "--format", "json")
    seeded = json.loads(out)[0]["id"]
    status, out, _ = run("get", "--sandbox", seeded, "--format", "jsonl")
    assert json.loads(out)["id"] == seeded
    status, out, _ = run("update", "--sandbox", seeded, "--name", "Grace", "--unset", "phone",
                         "--format", "json")  # fmt: skip
    updated = json.loads(out)[0]
    assert (updated["name"], updated["phone"]) == ("Grace", None)
    status, out, _ = run("delete", "--sandbox", seeded, "--format", "json")
    assert json.loads(out)[0]["deleted"] is True


def test_search_walks_pages() -> None:
    status, out, _ = run("search", "--sandbox", "metadata['tier']:'gold'", "--limit", "5", "--all",
                         "--format", "jsonl")  # fmt: skip
    assert status == 0
    assert len(out.splitlines()) > 5


def test_api_error_is_one_line_and_exit_1() -> None:
    status, out, err = run("get", "--sandbox", "cus_missing")
    assert status == 1
    assert out == ""
    assert err.startswith("error: NotFoundError:")
    assert err.count("\n") == 1


def test_bad_input_is_a_clear_error() -> None:
    status, _, err = run("list", "--sandbox", "--limit", "1000")
    assert status == 1
    assert "InvalidParameterError" in err
    status, _, err = run("create", "--sandbox", "--metadata", "novalue")
    assert status == 2
    assert "KEY=VALUE" in err
    status, _, err = run("list", "--sandbox", "--dialect", "cursor", "--filters", "{nope")
    assert status == 2


def test_missing_key_for_real_api_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    status, _, err = run("list")
    assert status == 1
    assert "STRIPE_API_KEY" in err


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
        line = next(line for line in out.getvalue().splitlines() if "cursor" in line)
        url = line.split()[-1]
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
