"""Benchmarks of customers-sdk against raw httpx and stripe-python: ``python -m benchmarks``.

Not part of the installed package and not run by the test suite (a smoke test runs every
scenario at toy size so the scripts cannot rot). See ``docs/benchmarks.md``.
"""
