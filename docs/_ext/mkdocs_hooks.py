"""MkDocs hooks: publish ``examples/`` with the site and check the API reference is complete.

- ``examples/*.py`` and ``examples/*.ipynb`` (outside ``docs/``) become files of the site, so a
  page can link to ``examples/quickstart.py`` and ``--strict`` fails when the file is missing.
- Every name in the ``__all__`` of ``customers_sdk``, ``customers_sdk.sandbox`` and
  ``customers_sdk.nodes`` must have a ``::: module.name`` entry under ``docs/reference/``;
  a missing one is a warning, which ``mkdocs build --strict`` turns into a failure.
"""

from __future__ import annotations

import importlib
import logging
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.plugins.customers_sdk")

PUBLIC_MODULES = ("customers_sdk", "customers_sdk.sandbox", "customers_sdk.nodes")
EXAMPLE_SUFFIXES = (".py", ".ipynb")
_DIRECTIVE = re.compile(r"^:::\s+([\w.]+)\s*$", re.MULTILINE)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    examples = Path(config.config_file_path).parent / "examples"
    for path in sorted(examples.glob("*")):
        if path.suffix in EXAMPLE_SUFFIXES and path.is_file():
            files.append(File.generated(config, f"examples/{path.name}", abs_src_path=str(path)))
    return files


def documented_names(reference_dir: Path) -> set[str]:
    """Identifiers with a ``::: identifier`` entry in the reference pages."""
    found: set[str] = set()
    for page in reference_dir.glob("**/*.md"):
        found.update(_DIRECTIVE.findall(page.read_text(encoding="utf-8")))
    return found


def public_names() -> set[str]:
    """``module.name`` for every name a public module exports."""
    names: set[str] = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        names.update(f"{module_name}.{name}" for name in module.__all__)
    return names


def on_pre_build(config: MkDocsConfig) -> None:
    documented = documented_names(Path(config.docs_dir) / "reference")
    for name in sorted(public_names() - documented):
        log.warning("API reference: %s is public but has no '::: %s' entry", name, name)
