"""Nothing in ``src`` reaches into a dependency's private parts.

A private attribute or module of httpx, httpcore or anyio can change in any release, and the
SDK would break silently (or, worse, keep working differently). The scan is on the syntax tree:

- no import of a private module of a dependency (``httpx._transports``, ``httpcore._sync``);
- no ``obj._name`` (nor ``getattr(obj, "_name")``, ``setattr``, ``hasattr``) whose ``_name``
  the SDK does not define itself: the SDK's own private names are fine, anything else can only
  be someone else's. A private name httpx's or httpcore's clients, transports, pools and
  connections hold is flagged even if the SDK happens to define it too: the syntax tree does
  not know whose object ``obj`` is, and those names are the ones worth reaching for.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import anyio
import httpcore
import httpx
import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "customers_sdk"
OWN_PACKAGE = "customers_sdk"
_ATTRIBUTE_FUNCTIONS = {"getattr", "setattr", "hasattr", "delattr"}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _own_private_names(trees: list[ast.Module]) -> set[str]:
    """Every private name the SDK defines: functions, classes, module or class variables,
    parameters, and attributes it assigns (``self._x = ...``)."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if _is_own_object(node.value):
                    names.add(node.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.Call) and _attribute_call(node) == "setattr":
                literal = _literal_attribute(node)
                if literal is not None and _is_own_object(node.args[0]):
                    names.add(literal)
        names.update(_slots(tree))
    return {name for name in names if _is_private(name)}


@cache
def _dependency_private_names() -> frozenset[str]:
    """Private names of httpx's, httpcore's and anyio's classes, and of the attributes their
    clients, transports, pools and connections set on themselves."""
    names: set[str] = set()
    for module in (httpx, httpcore, anyio):
        for value in vars(module).values():
            if isinstance(value, type):
                names.update(dir(value))
    origin = httpcore.Origin(b"http", b"127.0.0.1", 80)
    with httpx.Client() as client, httpx.HTTPTransport() as transport:
        objects: list[object] = [
            client,
            httpx.AsyncClient(),
            transport,
            httpx.AsyncHTTPTransport(),
            httpcore.ConnectionPool(),
            httpcore.AsyncConnectionPool(),
            httpcore.HTTPConnection(origin),
            httpcore.AsyncHTTPConnection(origin),
        ]
        for each in objects:
            names.update(vars(each))
    return frozenset(name for name in names if _is_private(name))


def _slots(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__slots__" for t in node.targets
        ):
            for element in ast.walk(node.value):
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    found.add(element.value)
    return found


def _is_own_object(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in {"self", "cls"}


def _attribute_call(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name) and node.func.id in _ATTRIBUTE_FUNCTIONS:
        return node.func.id
    return None


def _literal_attribute(node: ast.Call) -> str | None:
    if len(node.args) >= 2:
        name = node.args[1]
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            return name.value
    return None


def _private_module(module: str) -> bool:
    parts = module.split(".")
    return parts[0] != OWN_PACKAGE and any(_is_private(part) for part in parts)


def violations(sources: dict[str, str]) -> list[str]:
    """``file:line: what`` for every private access to something the SDK does not own."""
    trees = {name: ast.parse(text, filename=name) for name, text in sources.items()}
    own = _own_private_names(list(trees.values()))
    theirs = _dependency_private_names()

    def mine(attribute: str, target: ast.expr) -> bool:
        # A name both define is the SDK's only on `self` / `cls`.
        if not _is_private(attribute):
            return True
        return attribute in own and (_is_own_object(target) or attribute not in theirs)

    found: list[str] = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            what: str | None = None
            if isinstance(node, ast.Import):
                private = [a.name for a in node.names if _private_module(a.name)]
                what = f"import {', '.join(private)}" if private else None
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if _private_module(node.module):
                    what = f"from {node.module} import ..."
            elif isinstance(node, ast.Attribute) and _is_private(node.attr):
                what = None if mine(node.attr, node.value) else f".{node.attr}"
            elif isinstance(node, ast.Call) and _attribute_call(node):
                literal = _literal_attribute(node)
                if literal is not None and not mine(literal, node.args[0]):
                    what = f"{_attribute_call(node)}(..., {literal!r})"
            if what is not None:
                found.append(f"{name}:{getattr(node, 'lineno', 0)}: {what}")
    return found


def test_the_names_worth_reaching_for_are_known() -> None:
    assert {"_transport", "_pool", "_cookies", "_network_backend"} <= _dependency_private_names()


def test_src_touches_no_private_part_of_a_dependency() -> None:
    sources = {str(p.relative_to(SRC.parent)): p.read_text() for p in sorted(SRC.rglob("*.py"))}
    assert len(sources) > 20  # the scan really reads the package
    assert violations(sources) == []


@pytest.mark.parametrize(
    "code",
    [
        "import httpx\nc = httpx.AsyncClient()\npool = c._transport._pool\n",
        # The SDK defining `_transport` itself must not hide a client's `_transport`.
        "class A:\n    def __init__(self, c):\n        self._transport = c._transport\n",
        "def f(client):\n    jar = getattr(client, '_cookies', None)\n",
        "def f(client, jar):\n    setattr(client, '_cookies', jar)\n",
        "from httpcore._synchronization import AsyncLock\n",
        "import httpx._transports.default\n",
        "from httpx._config import create_ssl_context\n",
    ],
)
def test_the_scan_finds_what_the_removed_asyncio_backend_did(code: str) -> None:
    # The shapes of the code this scan was written to keep out (_own_http's cookie-jar swap,
    # _asyncio_pool's pool and lock swaps).
    assert violations({"sample.py": code}) != []


def test_the_scan_leaves_the_sdks_own_private_names_alone() -> None:
    code = (
        "from customers_sdk._call import Call\n"
        "from ._errors import APIError\n"
        "class A:\n"
        "    __slots__ = ('_b',)\n"
        "    def __init__(self):\n"
        "        self._a = 1\n"
        "        setattr(self, '_c', 2)\n"
        "    def _f(self):\n"
        "        return self._a, self._b, getattr(self, '_c'), self.__class__, self._f\n"
    )
    assert violations({"own.py": code}) == []
