"""Every example in the docstrings runs and shows what it says: the package's, the benchmarks'
and the docs build's extensions.

The reference renders these examples, and an IDE shows them on hover: one that no longer runs
misleads a user where they look first. Examples marked ``# doctest: +SKIP`` need a real server,
or a client from the text around them; every other one runs here, module by module, in the
module's own namespace (as ``pytest --doctest-modules`` would, but inside the suite that
``.ci/run`` and the README's command run).
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import io
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

import customers_sdk

_REPO_ROOT = Path(__file__).resolve().parents[2]
if str(_REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(_REPO_ROOT))

import benchmarks  # noqa: E402

_DOCS_EXTENSIONS = _REPO_ROOT / "docs" / "_ext"


def _modules(package: ModuleType) -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
        if not info.name.endswith("__main__")  # importing it would run the command line
    )


MODULES = _modules(customers_sdk) + _modules(benchmarks)
EXTENSIONS = sorted(path.stem for path in _DOCS_EXTENSIONS.glob("*.py"))


def test_every_module_is_searched() -> None:
    assert "customers_sdk._pagination" in MODULES
    assert "customers_sdk.sandbox._app" in MODULES
    assert "benchmarks._harness" in MODULES
    assert "griffe_docstrings" in EXTENSIONS
    assert len(MODULES) > 80


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_a_module_s_docstrings_run(name: str) -> None:
    _run_examples(importlib.import_module(name), name)


@pytest.mark.parametrize("name", EXTENSIONS)
def test_the_examples_in_a_docs_extension_s_docstrings_run(name: str) -> None:
    # Loaded from its file, as mkdocs loads it: docs/_ext is not a package.
    spec = importlib.util.spec_from_file_location(name, _DOCS_EXTENSIONS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _run_examples(module, name)


def _run_examples(module: ModuleType, name: str) -> None:
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()
