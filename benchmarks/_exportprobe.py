"""The export scenario's subprocess: export every customer of the server to a file in one
format, then print the count, the time taken and the process's peak RSS as JSON. A fresh
interpreter per measurement, so its peak is the export's alone.

Usage: ``python -m benchmarks._exportprobe --url URL --format parquet --path out.parquet``
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence

from customers_sdk import CustomersClient, export_customers

from ._memprobe import API_KEY, peak_rss_mb

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--dialect", choices=("stripe", "offset"), default="stripe")
    parser.add_argument("--format", choices=("csv", "jsonl", "json", "parquet"), required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--row-group-size", type=int, default=20_000)
    args = parser.parse_args(argv)
    factory = CustomersClient.stripe if args.dialect == "stripe" else CustomersClient.offset
    with factory(api_key=API_KEY, base_url=args.url) as client:
        started = time.perf_counter()
        count = export_customers(
            client, args.path, format=args.format, row_group_size=args.row_group_size
        )
        seconds = time.perf_counter() - started
    print(json.dumps({"exported": count, "seconds": seconds, "peak_mb": peak_rss_mb()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
