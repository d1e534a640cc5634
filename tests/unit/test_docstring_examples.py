"""Every example in the package's docstrings runs and shows what it says.

The reference renders these examples, and an IDE shows them on hover: one that no longer runs
misleads a user where they look first. Examples marked ``# doctest: +SKIP`` need a real server,
or a client from the text around them; every other one runs here, module by module, in the
module's own namespace (as ``pytest --doctest-modules`` would, but inside the suite that
``.ci/run`` and the README's command run).
"""

from __future__ import annotations

import doctest
import importlib
import io
import pkgutil

import pytest

import customers_sdk

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(customers_sdk.__path__, "customers_sdk.")
    if not info.name.endswith("__main__")  # importing it would run the command line
)


def test_every_module_is_searched() -> None:
    assert "customers_sdk._pagination" in MODULES
    assert "customers_sdk.sandbox._app" in MODULES
    assert len(MODULES) > 60


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_a_module_s_docstrings_run(name: str) -> None:
    module = importlib.import_module(name)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()
