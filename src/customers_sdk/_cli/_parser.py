"""The ``customers`` argument parser: every subcommand and its options."""

from __future__ import annotations

import argparse
import os

from .._version import __version__
from ._output import FORMATS

__all__ = ["SANDBOX_KEY", "build_parser"]

SANDBOX_KEY = "sk_test_sandbox"
_DIALECTS = ("stripe", "offset", "cursor")


def _add_connection(parser: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS) -> None:
    group = parser.add_argument_group("connection")
    group.add_argument(
        "--dialect",
        choices=_DIALECTS,
        default=os.environ.get("CUSTOMERS_DIALECT", "stripe"),
        help="wire dialect of the API (default: stripe, or $CUSTOMERS_DIALECT)",
    )
    group.add_argument(
        "--base-url", help="API base URL (default: Stripe's, or $CUSTOMERS_BASE_URL)"
    )
    group.add_argument("--api-key", help="API key; prefer $STRIPE_API_KEY / $CUSTOMERS_API_KEY")
    group.add_argument("--sandbox", action="store_true", help="use an embedded in-memory sandbox")
    group.add_argument(
        "--sandbox-customers",
        type=int,
        default=300,
        metavar="N",
        help="customers seeded into the --sandbox (default 300)",
    )
    output = parser.add_argument_group("output")
    output.add_argument("--format", choices=formats, default="table", help="output format")
    output.add_argument(
        "--columns",
        metavar="A,B,...",
        help="table and csv: the columns, e.g. id,email,metadata.tier (a dotted name reads "
        "inside an object; `extra` is every field the model does not declare, as JSON)",
    )


def _add_list_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, help="page size")
    parser.add_argument("--starting-after", help="cursor: start after this id")
    parser.add_argument("--ending-before", help="cursor: walk backward from this id")
    parser.add_argument("--email", help="stripe: exact email")
    for op in ("gt", "gte", "lt", "lte"):
        parser.add_argument(
            f"--created-{op}", type=int, metavar="EPOCH", help=f"stripe: created {op}"
        )
    parser.add_argument("--filters", metavar="JSON", help="cursor: a filters document")
    parser.add_argument("--offset", type=int, help="offset: customers to skip")
    parser.add_argument(
        "--include-subscriptions", action="store_true", help="offset: with subscriptions"
    )
    parser.add_argument("--concurrency", type=int, default=1, help="pages fetched at once (offset)")
    _add_quiet(parser)


def _add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress on stderr when walking pages"
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``customers`` argument parser (``--help`` on every subcommand)."""
    parser = argparse.ArgumentParser(
        prog="customers", description="A typed client for customer APIs."
    )
    parser.add_argument("--version", action="version", version=f"customers {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("demo", help="a tour of the SDK against an embedded sandbox (no setup)")
    serve = sub.add_parser("sandbox", help="serve the sandbox on 127.0.0.1 until interrupted")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8420, help="port (0 picks a free one)")
    serve.add_argument("--api-key", default=SANDBOX_KEY, help="the key the sandbox accepts")
    serve.add_argument("--customers", type=int, default=300, help="customers to seed")
    serve.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    serve.add_argument("--latency-ms", type=float, default=0.0, help="latency added per request")
    serve.add_argument("--fault-rate", type=float, default=0.0, help="share of requests that fail")
    serve.add_argument(
        "--wide", action="store_true", help="seed customers with every Stripe field filled"
    )
    listing = sub.add_parser("list", help="list customers (first page, or --all)")
    listing.add_argument("--all", action="store_true", help="walk every page")
    _add_list_filters(listing)
    export = sub.add_parser("export", help="walk every page to stdout or a file (resumable)")
    _add_list_filters(export)
    export.add_argument(
        "--output", metavar="PATH", help="write to PATH, with a checkpoint (default: stdout)"
    )
    export.add_argument(
        "--resume", action="store_true", help="continue the export to --output from its checkpoint"
    )
    search = sub.add_parser("search", help="search customers (stripe)")
    search.add_argument("query", help="Stripe search query, e.g. \"email:'ada@example.com'\"")
    search.add_argument("--limit", type=int, help="page size")
    search.add_argument("--all", action="store_true", help="walk every page")
    search.add_argument(
        "--page", metavar="TOKEN", help="resume at a next-page token an earlier search printed"
    )
    _add_quiet(search)
    for name in ("get", "delete"):
        one = sub.add_parser(name, help=f"{name} a customer by id")
        one.add_argument("customer_id")
    for name in ("create", "update"):
        write = sub.add_parser(name, help=f"{name} a customer")
        if name == "update":
            write.add_argument("customer_id")
            write.add_argument(
                "--unset",
                action="append",
                choices=("email", "name", "phone"),
                help="set a field to null (repeatable)",
            )
        write.add_argument("--email")
        write.add_argument("--name")
        write.add_argument("--phone")
        write.add_argument("--metadata", action="append", metavar="KEY=VALUE", help="repeatable")
    for name, command in sub.choices.items():
        if name not in ("demo", "sandbox"):
            _add_connection(command, (*FORMATS, "parquet") if name == "export" else FORMATS)
    return parser
