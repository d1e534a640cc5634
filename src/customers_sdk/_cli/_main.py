"""The ``customers`` command: the demo, the sandbox server, and every client operation."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

import httpx

from .._client import CustomersClient
from .._cursor_client import CursorCustomersClient
from .._dialects import CursorDialect, Dialect, OffsetDialect, StripeDialect
from .._errors import CustomersError, InvalidParameterError, UnsupportedOperationError
from .._stripe_client import StripeCustomersClient
from .._types import NOT_GIVEN, NotGiven
from ._output import parse_columns, write_customer, write_customers
from ._parser import SANDBOX_KEY, build_parser
from ._progress import isatty, open_progress

if TYPE_CHECKING:
    from .._models import Customer
    from .._pagination import Page

__all__ = ["build_parser", "main"]

_DIALECTS: dict[str, type[Dialect]] = {
    dialect.name: dialect for dialect in (StripeDialect, OffsetDialect, CursorDialect)
}


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
        client: CustomersClient = factory(api_key=SANDBOX_KEY, base_url=base, http_client=http)
        return client
    # Said in the CLI's words: the SDK's own messages name Python arguments.
    dialect = _DIALECTS[args.dialect]
    if not (args.api_key or os.environ.get(dialect.api_key_env)):
        raise argparse.ArgumentTypeError(f"no API key: pass --api-key or set {dialect.api_key_env}")
    if dialect.default_base_url is None and not (
        args.base_url or os.environ.get("CUSTOMERS_BASE_URL")
    ):
        raise argparse.ArgumentTypeError(
            f"the {dialect.name} dialect needs --base-url or CUSTOMERS_BASE_URL"
        )
    return factory(base_url=args.base_url or None, api_key=args.api_key or None)  # type: ignore[no-any-return]


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


def _walk(client: CustomersClient, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    """``list``, ``export`` and ``search``: one page, or every page with progress on stderr."""
    if args.command == "search":
        if not isinstance(client, StripeCustomersClient):
            raise UnsupportedOperationError("search", client.dialect)
        # Counting costs Stripe a little: asked only for a display that shows it, and not on a
        # resumed walk, where the count of every match is not the count still to come.
        counted = args.all and not args.quiet and args.page is None
        page: Page[Customer] = client.search(
            args.query,
            limit=args.limit if args.limit else NOT_GIVEN,
            page=NOT_GIVEN if args.page is None else args.page,
            expand=["total_count"] if counted else NOT_GIVEN,
        )
        verb = "found"
    else:
        page = client.list(**_list_params(args))
        verb = "exported" if args.command == "export" else "listed"
    if args.command != "export" and not args.all:
        write_customers(page.data, args.format, out, columns=args.columns, width=args.width)
        if page.next_page_token is not None and not args.quiet:
            err.write(f"more results: add --page {page.next_page_token}\n")
        return
    pagination = page.pagination
    total = pagination.total - pagination.offset if pagination is not None else page.total_count
    with open_progress(verb, total, err=err, out=out, quiet=args.quiet) as progress:
        customers = progress.track(page)
        write_customers(customers, args.format, out, columns=args.columns, width=args.width)


def _one(client: CustomersClient, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``get``, ``delete``, ``create`` and ``update``: one customer."""
    if not isinstance(client, StripeCustomersClient | CursorCustomersClient):
        raise UnsupportedOperationError(args.command, client.dialect)
    if args.command == "get":
        customer = client.get(args.customer_id)
        if customer.deleted:
            # As for a 404 (nothing on stdout, exit 1): the id names no live customer.
            info = customer.response_info
            request_id = f" request_id={info.request_id}" if info and info.request_id else ""
            err.write(f"error: customer {customer.id} is deleted{request_id}\n")
            return 1
    elif args.command == "delete":
        customer = client.delete(args.customer_id)
    else:
        fields: dict[str, Any] = {
            name: getattr(args, name)
            for name in ("email", "name", "phone")
            if getattr(args, name) is not None
        }
        for name in getattr(args, "unset", None) or ():
            fields[name] = None
        metadata = _metadata(args.metadata)
        if not isinstance(metadata, NotGiven):
            fields["metadata"] = metadata
        if args.command == "create":
            customer = client.create(**fields)
        else:
            customer = client.update(args.customer_id, **fields)
    write_customer(customer, args.format, out, columns=args.columns, width=args.width)
    return 0


def _export_to_file(
    client: CustomersClient, args: argparse.Namespace, out: TextIO, err: TextIO
) -> int:
    """``export --output PATH``: a resumable export (see ``export_customers``)."""
    from .._export import FORMATS as FILE_FORMATS
    from .._export import export_customers

    if not args.output:
        flag = "--resume" if args.resume else "--format parquet"
        raise argparse.ArgumentTypeError(f"{flag} needs --output PATH")
    fmt = args.format
    if fmt == "table":  # not given: the file's suffix says, else CSV
        suffix = os.path.splitext(args.output)[1].lstrip(".")
        fmt = suffix if suffix in FILE_FORMATS else "csv"
    with open_progress("exported", None, err=err, out=out, quiet=args.quiet) as progress:
        export_customers(
            client,
            args.output,
            format=fmt,
            resume=args.resume,
            progress=progress.reach,
            **_list_params(args),
        )
    return 0


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "demo":
        from ._demo import run_demo

        return run_demo(out)
    if args.command == "sandbox":
        from ._serve import serve_forever

        return serve_forever(args, out)
    if args.columns is not None:
        if args.format not in ("table", "csv"):
            raise argparse.ArgumentTypeError("--columns applies to --format table and csv")
        try:
            args.columns = parse_columns(args.columns)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc
    # Fit a terminal's width; a pipe or a file gets every character.
    args.width = shutil.get_terminal_size().columns if isatty(out) else None
    with _client(args) as client:
        if args.command == "export" and (args.output or args.resume or args.format == "parquet"):
            return _export_to_file(client, args, out, err)
        if args.command in ("list", "export", "search"):
            _walk(client, args, out, err)
            return 0
        return _one(client, args, out, err)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).splitlines())
    request_id = getattr(exc, "request_id", None)
    if request_id and request_id not in text:
        text += f" request_id={request_id}"
    return text


def _detach(out: TextIO) -> None:
    """Point ``out``'s file descriptor at /dev/null, so that the interpreter's last flush of
    what is still buffered does not raise ``BrokenPipeError`` again on the way out."""
    try:
        fd = out.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a StringIO in tests)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _flush_quietly(out: TextIO) -> None:
    try:
        out.flush()
    except BrokenPipeError:
        _detach(out)


@contextmanager
def _noting_interrupts() -> Iterator[list[bool]]:
    """Ctrl-C raises ``KeyboardInterrupt`` as always, and is also remembered in the list."""
    seen: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield seen  # signal handlers belong to the main thread
        return
    previous = signal.getsignal(signal.SIGINT)

    def note(signum: int, frame: FrameType | None) -> None:
        seen.append(True)
        if previous is signal.SIG_IGN:
            return
        if callable(previous):
            previous(signum, frame)
        else:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, note)
    try:
        yield seen
    finally:
        signal.signal(signal.SIGINT, previous)


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the ``customers`` command; returns the exit status: 0 ok (also when the reader of a
    pipe stops early, as with ``| head``), 1 an API or transport error, 2 a usage error
    (options the dialect rejects too), 130 interrupted.

    Example:
        >>> main(["get", "cus_missing", "--sandbox"])  # doctest: +SKIP
        error: NotFoundError: 404: No such customer: 'cus_missing' ...
        1
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit:
        # --help or --version was printed (to sys.stdout, by argparse): `| head -1` too ends
        # quietly, rather than with the interpreter's own complaint at exit.
        _flush_quietly(sys.stdout)
        raise
    with _noting_interrupts() as interrupted:
        try:
            return _finish(args, out, err)
        except Exception:
            if not interrupted:
                raise
            # Ctrl-C inside one of pydantic-core's calls into Python (a serializer) comes out
            # wrapped in pydantic's own error: still an interrupt.
            err.write("interrupted\n")
            return 130


def _finish(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        status = _run(args, out, err)
        # Flushed once, here: a reader that has gone away shows up now, not at interpreter exit.
        out.flush()
    except BrokenPipeError:
        _detach(out)
        return 0
    except (argparse.ArgumentTypeError, InvalidParameterError, UnsupportedOperationError) as exc:
        err.write(f"customers: error: {_one_line(exc)}\n")
        return 2
    except CustomersError as exc:
        err.write(f"error: {type(exc).__name__}: {_one_line(exc)}\n")
        return 1
    except KeyboardInterrupt:
        # Any progress display has ended its line by now.
        err.write("interrupted\n")
        return 130
    return status
