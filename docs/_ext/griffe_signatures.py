"""A Griffe extension that keeps library internals out of the API reference's attributes.

An attribute's signature is rendered from the source, so without this a reader would see how a
value is computed instead of what it is: ``message: str = message`` (set in ``__init__``),
``data: list[ItemT] = content.items``, ``created_at = _aliases(...)`` (a pydantic field made by
a private helper), ``Annotated[dict[str, str], _NullAsEmpty]`` (validation metadata). For every
attribute of the ``customers_sdk`` package this extension (for the docs only, the source is
untouched):

- drops ``Annotated[...]`` metadata and keeps the type;
- keeps a default only when it is a literal or a public name (``None``, ``0``, ``NOT_GIVEN``);
  a pydantic or dataclass field's default is read from the class itself, so
  ``Field(default_factory=dict)`` shows as ``{}``; a value set in ``__init__`` is not shown;
- gives an attribute set in ``__init__`` from a parameter that parameter's annotation, and one
  set from ``param.name`` the annotation of ``name`` on the parameter's class;
- labels a field with a default (both a class and an instance attribute to Python) as an
  instance attribute only, which is how its reader meets it;
- gives an attribute without a docstring the description its class's docstring gives it in an
  ``Attributes:`` section, so what ``help()`` shows is in the reference too.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
from typing import Any

import griffe

_PUBLIC_NAMES = frozenset({"NOT_GIVEN", "DEFAULT_API_KEY"})


def _is_literal(text: str) -> bool:
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


class _DropAnnotated(ast.NodeTransformer):
    changed = False

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        name = node.value.attr if isinstance(node.value, ast.Attribute) else None
        if isinstance(node.value, ast.Name):
            name = node.value.id
        if name == "Annotated" and isinstance(node.slice, ast.Tuple) and node.slice.elts:
            self.changed = True
            return node.slice.elts[0]
        return node


def without_annotated(annotation: str | griffe.Expr, parent: griffe.Object) -> Any:
    """The annotation with every ``Annotated[T, ...]`` replaced by ``T``.

    Example:
        >>> module = griffe.Module("m")
        >>> str(without_annotated("Annotated[dict[str, str], _X] | None", module))
        'dict[str, str] | None'
    """
    tree = ast.parse(str(annotation), mode="eval")
    transformer = _DropAnnotated()
    tree = transformer.visit(tree)
    if not transformer.changed:
        return annotation
    scope = parent if isinstance(parent, (griffe.Module, griffe.Class)) else parent.module
    return griffe.get_expression(tree.body, parent=scope)


def _runtime_default(attr: griffe.Attribute) -> str | None:
    """The repr of a pydantic or dataclass field's default when it is a literal, else None."""
    cls = attr.parent
    if not isinstance(cls, griffe.Class):
        return None
    try:
        runtime = getattr(importlib.import_module(cls.module.path), cls.name)
    except (ImportError, AttributeError):
        return None
    factory: Any = None
    default: Any = dataclasses.MISSING
    fields = getattr(runtime, "model_fields", None)
    if isinstance(fields, dict) and attr.name in fields:
        info = fields[attr.name]
        factory = info.default_factory
        default = dataclasses.MISSING if info.is_required() else info.default
    elif dataclasses.is_dataclass(runtime):
        for field in dataclasses.fields(runtime):
            if field.name == attr.name:
                factory, default = field.default_factory, field.default
    if factory not in (None, dataclasses.MISSING):
        default = factory()
    if default is dataclasses.MISSING:
        return None
    text = repr(default)
    return text if _is_literal(text) else None


def _init_of(attr: griffe.Attribute) -> griffe.Function | None:
    """The ``__init__`` that sets ``attr`` from an expression, if that is where it is set."""
    value = attr.value
    if isinstance(value, griffe.ExprAttribute):
        value = value.first
    scope = getattr(value, "parent", None)
    if isinstance(scope, griffe.Function) and scope.name == "__init__":
        return scope
    return None


def _annotation_from_init(attr: griffe.Attribute, init: griffe.Function) -> Any:
    """``self.x = param`` takes ``param``'s annotation; ``self.x = param.y`` that of ``y``."""
    value = attr.value
    if isinstance(value, griffe.ExprName) and value.name in init.parameters:
        return init.parameters[value.name].annotation
    if isinstance(value, griffe.ExprAttribute) and len(value.values) == 2:
        first, second = value.values
        if not isinstance(first, griffe.ExprName) or first.name not in init.parameters:
            return None
        owner = init.parameters[first.name].annotation
        if not isinstance(owner, griffe.ExprName):
            return None
        try:
            cls = attr.modules_collection[owner.canonical_path]
            member = cls.all_members[str(second)]
        except (KeyError, AttributeError, ValueError):
            return None
        return getattr(member, "annotation", None)
    return None


def _documented_attributes(cls: griffe.Class) -> dict[str, str]:
    """Attribute descriptions from the ``Attributes:`` section of a class's docstring."""
    if cls.docstring is None:
        return {}
    found: dict[str, str] = {}
    for section in cls.docstring.parse("google"):
        if section.kind is griffe.DocstringSectionKind.attributes:
            found.update((item.name, item.description) for item in section.value)
    return found


def clean_attribute(attr: griffe.Attribute) -> None:
    """Rewrite one attribute's annotation, value and docstring as the module doc says."""
    init = _init_of(attr)
    if attr.annotation is None and init is not None:
        attr.annotation = _annotation_from_init(attr, init)
    if attr.annotation is not None:
        attr.annotation = without_annotated(attr.annotation, attr.parent or attr)
    if attr.annotation is None and attr.value is not None and _is_literal(str(attr.value)):
        attr.annotation = type(ast.literal_eval(str(attr.value))).__name__
    set_in_init = isinstance(attr.parent, griffe.Class) and "class-attribute" not in attr.labels
    if init is not None or set_in_init:
        attr.value = None
    elif attr.value is not None:
        text = str(attr.value)
        if not (_is_literal(text) or text in _PUBLIC_NAMES):
            attr.value = _runtime_default(attr)
    if {"class-attribute", "instance-attribute"} <= attr.labels:
        # A dataclass or pydantic field with a default: to its reader, an instance attribute.
        attr.labels.discard("class-attribute")
    if attr.docstring is None and isinstance(attr.parent, griffe.Class):
        description = _documented_attributes(attr.parent).get(attr.name)
        if description:
            attr.docstring = griffe.Docstring(description, parent=attr)


def _attributes(obj: griffe.Object) -> list[griffe.Attribute]:
    found: list[griffe.Attribute] = []
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, griffe.Attribute):
            found.append(member)
        elif isinstance(member, (griffe.Module, griffe.Class)):
            found.extend(_attributes(member))
    return found


class PublicSignatures(griffe.Extension):
    """Clean the attributes of the ``customers_sdk`` package (see module doc)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        if pkg.path != "customers_sdk":
            return
        for attr in _attributes(pkg):
            clean_attribute(attr)
