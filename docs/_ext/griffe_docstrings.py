"""A Griffe extension that lets our reStructuredText-flavoured docstrings render as Markdown.

The source keeps docstrings that read well in ``help()`` and an IDE hover: doctest examples
under ``Example:`` and Sphinx roles such as ``:class:`Page```. mkdocstrings renders Markdown,
where ``>>>`` starts a block quote and a role is literal text. Before mkdocstrings parses a
docstring, this extension rewrites (for the docs only, the source is untouched):

- every run of doctest lines (``>>>``, ``...`` and their output) into a fenced ``pycon`` block,
  with ``# doctest:`` flags removed;
- every Sphinx role into a cross-reference when its target is a documented public name
  (``customers_sdk.X``, ``customers_sdk.sandbox.X``, ``customers_sdk.nodes.X`` or a member of
  one of those classes), else into inline code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import griffe

PUBLIC_MODULES = ("customers_sdk", "customers_sdk.sandbox", "customers_sdk.nodes")
_ROLE = re.compile(r":(class|meth|func|attr|data|mod|exc|obj):`~?\.?([\w.]+)`")
_DOCTEST_FLAG = re.compile(r"\s*#\s*doctest:[^#]*$")
_PROMPT = re.compile(r"^(\s*)>>>")


def fence_doctests(text: str) -> str:
    """Wrap each run of doctest lines in a fenced ``pycon`` block.

    Example:
        >>> fence_doctests("Intro.\\n\\n>>> 1 + 1  # doctest: +SKIP\\n2").splitlines()
        ['Intro.', '', '```pycon', '>>> 1 + 1', '2', '```']
    """
    out: list[str] = []
    indent: str | None = None
    for line in text.splitlines():
        prompt = _PROMPT.match(line)
        if indent is None and prompt:
            indent = prompt.group(1)
            out.append(f"{indent}```pycon")
        elif indent is not None and not line.strip():
            out.append(f"{indent}```")
            indent = None
        out.append(_DOCTEST_FLAG.sub("", line) if indent is not None else line)
    if indent is not None:
        out.append(f"{indent}```")
    return "\n".join(out)


def _public_identifiers(package: griffe.Module) -> set[str]:
    """Every identifier the API reference renders: exported names and their public members."""
    found: set[str] = set()
    for path in PUBLIC_MODULES:
        module = package if path == package.path else package.members.get(path.split(".")[-1])
        if not isinstance(module, griffe.Module) or module.exports is None:
            continue
        for export in module.exports:
            name = str(export)
            identifier = f"{path}.{name}"
            found.add(identifier)
            member = module.get_member(name) if name in module.members else None
            if member is not None and member.is_class:
                found.update(
                    f"{identifier}.{child}" for child in member.all_members if child[0] != "_"
                )
    return found


def _scopes(obj: griffe.Object) -> Iterator[str]:
    """Where a bare name in ``obj``'s docstring may live, nearest first."""
    public_module = "customers_sdk"
    for path in PUBLIC_MODULES[1:]:
        if obj.path == path or obj.path.startswith(path + "."):
            public_module = path
    owner = obj if obj.is_class else obj.parent
    if isinstance(owner, griffe.Class):
        yield f"{public_module}.{owner.name}"
    yield public_module


def resolve_roles(text: str, obj: griffe.Object, documented: set[str]) -> str:
    """Turn Sphinx roles into Markdown: a cross-reference when the target is documented."""

    def replace(match: re.Match[str]) -> str:
        role, target = match.groups()
        # A method or attribute keeps its class in the label: `StripeCustomersClient.list`,
        # not a bare `list` beside two other `list`s.
        parts = 2 if role in ("meth", "attr") else 1
        label = ".".join(target.split(".")[-parts:])
        candidates = [target] if target.startswith("customers_sdk.") else []
        candidates += [f"{scope}.{target}" for scope in _scopes(obj)]
        for identifier in candidates:
            if identifier in documented:
                return f"[`{label}`][{identifier}]"
        return f"`{label}`"

    return _ROLE.sub(replace, text)


def _walk(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            yield from _walk(member)


class MarkdownDocstrings(griffe.Extension):
    """Rewrite docstrings of the ``customers_sdk`` package for mkdocstrings (see module doc)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        if pkg.path != "customers_sdk":
            return
        documented = _public_identifiers(pkg)
        for obj in _walk(pkg):
            docstring = obj.docstring
            if docstring is not None:
                docstring.value = resolve_roles(fence_doctests(docstring.value), obj, documented)
