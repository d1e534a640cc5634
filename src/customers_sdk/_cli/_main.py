"""The ``customers`` command: the demo, the sandbox server, and every client operation."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

import httpx

from .._client import CustomersClient
from .._errors import CustomersError
from .._models import Customer
from .._types import NOT_GIVEN, NotGiven
from ._output import FORMATS, write_customers

__all__ = ["build_parser", "main"]

_DIALECTS = ("stripe", "offset", "cursor")
_SANDBOX_KEY = "sk_test_sandbox"


def _metadata(pairs: Sequence[str] | None) -> dict[str, str] | NotGiven:
    if not pairs:
        return NOT_GIVEN
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise argparse.ArgumentTypeError(f"--metadata takes KEY=VALUE, got {pair!r}")
        result[key] = value
    return result


def _client(args: argparse.Namespace) -> CustomersClient:
    """The client the flags ask for: a real API (key from the environment), or --sandbox."""
    factory = getattr(CustomersClient, args.dialect)
    if args.sandbox:
        from ..sandbox import Sandbox, SandboxTransport

        transport = SandboxTransport(Sandbox(customers=args.sandbox_customers))
        base = "http://sandbox/rest" if args.dialect == "cursor" else "http://sandbox"
        http = httpx.Client(transport=transport)
        client: CustomersClient = factory(api_key=_SANDBOX_KEY, base_url=base, http_client=http)
        return client
    return factory(base_url=args.base_url or None, api_key=args.api_key or None)  # type: ignore[no-any-return]


def _progress(customers: Iterator[Customer], err: TextIO) -> Iterator[Customer]:
    # Progress goes to stderr, so stdout stays a clean export.
    count = 0
    for count, customer in enumerate(customers, start=1):
        if count % 100 == 0:
            err.write(f"\rexported {count} customers")
            err.flush()
        yield customer
    err.write(f"\rexported {count} customers\n")


def _list_params(args: argparse.Namespace) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name in ("limit", "starting_after", "ending_before", "email", "offset"):
        value = getattr(args, name, None)
        if value is not None:
            params[name] = value
    created = {op: getattr(args, f"created_{op}") for op in ("gt", "gte", "lt", "lte")}
    created = {op: value for op, value in created.items() if value is not None}
    if created:
        params["created"] = created
    if getattr(args, "filters", None):
        try:
            params["filters"] = json.loads(args.filters)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"--filters is not valid JSON: {exc}") from exc
    if getattr(args, "include_subscriptions", False):
        params["include_subscriptions"] = True
    if getattr(args, "concurrency", 1) != 1:
        params["concurrency"] = args.concurrency
    return params


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    command = args.command
    if command == "demo":
        from ._demo import run_demo

        return run_demo(out)
    if command == "sandbox":
        from ._serve import serve_forever

        return serve_forever(args, out)
    with _client(args) as client:
        if command in ("list", "export"):
            page = client.list(**_list_params(args))
            customers: Iterator[Customer] = (
                iter(page) if (command == "export" or args.all) else iter(page.data)
            )
            if command == "export":
                customers = _progress(customers, err)
            write_customers(customers, args.format, out)
        elif command == "search":
            page = client.search(args.query, limit=args.limit if args.limit else NOT_GIVEN)
            write_customers(iter(page) if args.all else iter(page.data), args.format, out)
        elif command == "get":
            write_customers([client.get(args.customer_id)], args.format, out)
        elif command == "delete":
            write_customers([client.delete(args.customer_id)], args.format, out)
        else:
            fields: dict[str, Any] = {
                name: getattr(args, name)
                for name in ("email", "name", "phone")
                if getattr(args, name) is not None
            }
            for name in getattr(args, "unset", None) or ():
                fields[name] = None
            metadata = _metadata(args.metadata)
            if command == "create":
                customer = client.create(metadata=metadata, **fields)
            else:
                customer = client.update(args.customer_id, metadata=metadata, **fields)
            write_customers([customer], args.format, out)
    return 0


def _add_connection(parser: argparse.ArgumentParser) -> None:
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
    group.add_argument("--format", choices=FORMATS, default="table", help="output format")


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


def build_parser() -> argparse.ArgumentParser:
    """The ``customers`` argument parser (``--help`` on every subcommand)."""
    parser = argparse.ArgumentParser(
        prog="customers", description="A typed client for customer APIs."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("demo", help="a tour of the SDK against an embedded sandbox (no setup)")
    serve = sub.add_parser("sandbox", help="serve the sandbox on 127.0.0.1 until interrupted")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8420, help="port (0 picks a free one)")
    serve.add_argument("--api-key", default=_SANDBOX_KEY, help="the key the sandbox accepts")
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
    export = sub.add_parser("export", help="walk every page to stdout, progress on stderr")
    _add_list_filters(export)
    search = sub.add_parser("search", help="search customers (stripe)")
    search.add_argument("query", help="Stripe search query, e.g. \"email:'ada@example.com'\"")
    search.add_argument("--limit", type=int, help="page size")
    search.add_argument("--all", action="store_true", help="walk every page")
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
            _add_connection(command)
    return parser


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the ``customers`` command; returns the exit status (0 ok, 1 API error, 2 usage).

    Example:
        >>> main(["get", "cus_missing", "--sandbox"])  # doctest: +SKIP
        error: NotFoundError: 404: No such customer: 'cus_missing' ...
        1
    """
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args, out, err)
    except argparse.ArgumentTypeError as exc:
        err.write(f"customers: error: {exc}\n")
        return 2
    except CustomersError as exc:
        err.write(f"error: {type(exc).__name__}: {exc}\n")
        return 1
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return 130
