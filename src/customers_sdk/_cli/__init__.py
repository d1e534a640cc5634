"""The ``customers`` command line (console script ``customers``, or ``python -m customers_sdk``)."""

from ._main import build_parser, main

__all__ = ["build_parser", "main"]
