"""``customers sandbox``: serve the reference sandbox over HTTP until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import threading
from typing import TextIO

__all__ = ["serve_forever"]


def serve_forever(
    args: argparse.Namespace, out: TextIO, stop: threading.Event | None = None
) -> int:
    """Serve all three dialects and print their base URLs; ``stop`` ends it (tests), as does
    Ctrl-C."""
    from ..sandbox import FaultConfig, Sandbox, serve

    faults = FaultConfig(rate=args.fault_rate) if args.fault_rate > 0 else None
    sandbox = Sandbox(
        api_key=args.api_key,
        customers=args.customers,
        seed=args.seed,
        latency=args.latency_ms / 1000,
        faults=faults,
        wide=args.wide,
    )
    with serve(sandbox, host=args.host, port=args.port) as server:
        # The three URL lines keep their shape: scripts (the benchmarks) read them.
        out.write(
            f"customers sandbox serving {args.customers} customers (api key {args.api_key})\n"
            f"  stripe  {server.stripe_base_url}/v1/customers\n"
            f"  offset  {server.offset_base_url}/api/public/customers\n"
            f"  cursor  {server.cursor_base_url}/v1/customers\n"
            f"base_url: {server.url} for stripe and offset, {server.cursor_base_url} for cursor\n"
            f"(the cursor dialect lives under /rest: {server.url}/v1/customers is Stripe's)\n"
            f"e.g. CustomersClient.cursor(base_url={server.cursor_base_url!r}, "
            f"api_key={args.api_key!r})\n"
            "Ctrl-C to stop.\n"
        )
        out.flush()
        with contextlib.suppress(KeyboardInterrupt):
            (stop or threading.Event()).wait()
    return 0
