"""A typed builder for the cursor dialect's ``filters`` document.

A filter is a condition ``{"field", "op", "value"}`` or an ``{"and": [...]}`` / ``{"or": [...]}``
group of filters, nested freely. Build one with :func:`where` and combine with ``&`` and ``|``;
a raw dict of the same shape is accepted wherever a filter is, and checked the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ._errors import InvalidParameterError
from ._inputs import check_text, shown

__all__ = [
    "MAX_FILTER_DEPTH",
    "Condition",
    "FieldRef",
    "Filter",
    "FilterGroup",
    "FilterLike",
    "FilterOp",
    "check_filter",
    "filters_json",
    "where",
]

FilterOp = Literal["eq", "neq", "contains", "gt", "gte", "lt", "lte", "in"]
"""The operators a :class:`Condition` may use; ``in`` takes a list of values."""
_OPS: frozenset[str] = frozenset(get_args(FilterOp))
MAX_FILTER_DEPTH = 32
"""How deep filters may nest (a condition is one level, each and/or group one more): deeper
documents are refused before they are sent, not left to fail in a recursion."""


class Filter:
    """Base of :class:`Condition` and :class:`FilterGroup`: combine with ``&`` and ``|``.

    Example:
        >>> f = where("email").contains("@example.com") & where("name").neq(None)
        >>> f.to_dict()["and"][0]
        {'field': 'email', 'op': 'contains', 'value': '@example.com'}
    """

    depth = 1
    """How many levels this filter nests (a condition is one)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON document the cursor dialect expects.

        Returns:
            A condition ``{"field", "op", "value"}`` or a group ``{"and" | "or": [...]}``.
        """
        raise NotImplementedError

    def __and__(self, other: Filter) -> FilterGroup:
        return FilterGroup("and", _flatten("and", self, other))

    def __or__(self, other: Filter) -> FilterGroup:
        return FilterGroup("or", _flatten("or", self, other))


def _flatten(kind: str, left: Filter, right: Filter) -> tuple[Filter, ...]:
    # (a & b) & c is one "and" of three: shorter query strings, same meaning.
    parts: list[Filter] = []
    for side in (left, right):
        if isinstance(side, FilterGroup) and side.kind == kind:
            parts.extend(side.filters)
        else:
            parts.append(side)
    return tuple(parts)


@dataclass(frozen=True, eq=True)
class Condition(Filter):
    """One comparison: ``field op value``.

    Attributes:
        field: The field compared (``"email"``, ``"metadata.tier"``).
        op: The operator.
        value: What the field is compared with (a list for ``in``).

    Raises:
        InvalidParameterError: The condition is malformed (an unknown ``op``, an empty field).

    Example:
        >>> Condition("email", "eq", "ada@example.com").to_dict()
        {'field': 'email', 'op': 'eq', 'value': 'ada@example.com'}
    """

    field: str
    op: FilterOp
    value: Any

    def __post_init__(self) -> None:
        check_filter({"field": self.field, "op": self.op, "value": self.value})

    def to_dict(self) -> dict[str, Any]:
        """The condition as the cursor API reads it.

        Returns:
            ``{"field", "op", "value"}``.
        """
        return {"field": self.field, "op": self.op, "value": self.value}


@dataclass(frozen=True, eq=True)
class FilterGroup(Filter):
    """All (``"and"``) or any (``"or"``) of several filters.

    Attributes:
        kind: ``"and"``: every filter must match; ``"or"``: at least one.
        filters: The filters combined, conditions or groups.

    Example:
        >>> g = FilterGroup("or", (where("email").eq("a@x.co"), where("email").eq("b@x.co")))
        >>> len(g.to_dict()["or"])
        2
    """

    kind: Literal["and", "or"]
    filters: tuple[Filter, ...]

    def __post_init__(self) -> None:
        # Checked as groups are built, so to_dict() never recurses deeper than the cap.
        depth = 1 + max((getattr(f, "depth", 1) for f in self.filters), default=0)
        if depth > MAX_FILTER_DEPTH:
            raise InvalidParameterError(
                f"filters nest deeper than {MAX_FILTER_DEPTH} levels", param="filters"
            )
        object.__setattr__(self, "depth", depth)

    def to_dict(self) -> dict[str, Any]:
        """The group as the cursor API reads it.

        Returns:
            ``{"and": [...]}`` or ``{"or": [...]}`` of the filters' documents.
        """
        # A group built by hand may hold raw documents: check_filter judges them after.
        return {self.kind: [f.to_dict() if isinstance(f, Filter) else f for f in self.filters]}


@dataclass(frozen=True)
class FieldRef:
    """A field to compare, as returned by :func:`where`; each method makes a :class:`Condition`.

    Attributes:
        name: The field's name (``"email"``, ``"metadata.tier"``).

    Example:
        >>> where("email").contains("@example.com")
        Condition(field='email', op='contains', value='@example.com')
    """

    name: str

    def eq(self, value: Any) -> Condition:
        """``field == value``.

        Args:
            value: What the field must equal (``None`` matches a null field).

        Returns:
            The condition ``{"field", "op": "eq", "value"}``.

        Example:
            >>> where("metadata.tier").eq("gold").to_dict()["op"]
            'eq'
        """
        return Condition(self.name, "eq", value)

    def neq(self, value: Any) -> Condition:
        """``field != value``.

        Args:
            value: What the field must not equal.

        Returns:
            The condition with op ``"neq"``.
        """
        return Condition(self.name, "neq", value)

    def contains(self, value: str) -> Condition:
        """``value`` is a substring of ``field``.

        Args:
            value: The substring to look for.

        Returns:
            The condition with op ``"contains"``.
        """
        return Condition(self.name, "contains", value)

    def gt(self, value: Any) -> Condition:
        """``field > value``.

        Args:
            value: The bound, excluded (epoch milliseconds for ``created_at``).

        Returns:
            The condition with op ``"gt"``.
        """
        return Condition(self.name, "gt", value)

    def gte(self, value: Any) -> Condition:
        """``field >= value``.

        Args:
            value: The bound, included (epoch milliseconds for ``created_at``).

        Returns:
            The condition with op ``"gte"``.
        """
        return Condition(self.name, "gte", value)

    def lt(self, value: Any) -> Condition:
        """``field < value``.

        Args:
            value: The bound, excluded.

        Returns:
            The condition with op ``"lt"``.
        """
        return Condition(self.name, "lt", value)

    def lte(self, value: Any) -> Condition:
        """``field <= value``.

        Args:
            value: The bound, included.

        Returns:
            The condition with op ``"lte"``.
        """
        return Condition(self.name, "lte", value)

    def in_(self, values: Sequence[Any]) -> Condition:
        """``field`` is one of ``values`` (``in`` is a Python keyword, hence the underscore).

        Args:
            values: The accepted values; sent as a list.

        Returns:
            The condition with op ``"in"``.

        Example:
            >>> where("email").in_(["a@x.co", "b@x.co"]).to_dict()["value"]
            ['a@x.co', 'b@x.co']
        """
        return Condition(self.name, "in", list(values))


def where(field: str) -> FieldRef:
    """Start a condition on ``field`` (``metadata.<key>`` reaches into metadata).

    Args:
        field: The field to compare: ``email``, ``name``, ``created_at``, ``live`` or
            ``metadata.<key>`` on the cursor API.

    Returns:
        A :class:`FieldRef`; call one of its methods (``eq``, ``in_``...) to get a condition.

    Raises:
        InvalidParameterError: ``field`` is not a non-empty string.

    Example:
        >>> where("created_at").gte(1_700_000_000_000).to_dict()["op"]
        'gte'
    """
    if not isinstance(field, str) or not field:
        raise InvalidParameterError("a filter field must be a non-empty string", param="filters")
    return FieldRef(field)


FilterLike = Filter | Mapping[str, Any]
"""What ``list(filters=...)`` accepts: a :class:`Filter`, or a raw dict of the same shape
(checked the same way before anything is sent)."""


def check_filter(document: Any, _path: str = "filters", _depth: int = 1) -> dict[str, Any]:
    """Validate a raw filter document, returning it as a plain dict.

    Raises :class:`InvalidParameterError` naming the first problem and where it is: a wrong
    shape, an unknown op, a value JSON cannot carry (NaN, infinity, an object), or nesting
    deeper than :data:`MAX_FILTER_DEPTH`.
    """
    if isinstance(document, Filter):
        # Re-check: a FilterGroup built by hand may be empty or have an unknown kind.
        document = document.to_dict()
    if not isinstance(document, Mapping):
        raise InvalidParameterError(f"{_path} must be a dict or a Filter", param="filters")
    if _depth > MAX_FILTER_DEPTH:
        raise InvalidParameterError(
            f"filters nest deeper than {MAX_FILTER_DEPTH} levels", param="filters"
        )
    keys = set(document)
    if keys in ({"and"}, {"or"}):
        (kind,) = keys
        members = document[kind]
        if not isinstance(members, Sequence) or isinstance(members, str) or not members:
            raise InvalidParameterError(f"{_path}.{kind} must be a non-empty list", param="filters")
        return {
            kind: [
                check_filter(m, f"{_path}.{kind}[{i}]", _depth + 1) for i, m in enumerate(members)
            ]
        }
    if keys != {"field", "op", "value"}:
        raise InvalidParameterError(
            f"{_path} must be a condition {{field, op, value}} or an and/or group, "
            f"got keys {sorted(map(str, keys))}",
            param="filters",
        )
    field, op, value = document["field"], document["op"], document["value"]
    if not isinstance(field, str) or not field:
        raise InvalidParameterError(f"{_path}.field must be a non-empty string", param="filters")
    check_text(field, "filters")
    if op not in _OPS:
        raise InvalidParameterError(
            f"{_path}.op {shown(op)} is not one of {sorted(_OPS)}", param="filters"
        )
    if op != "in":
        return {"field": field, "op": op, "value": _check_value(value, f"{_path}.value")}
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise InvalidParameterError(f"{_path}: op 'in' takes a list of values", param="filters")
    values = [_check_value(item, f"{_path}.value[{i}]") for i, item in enumerate(value)]
    return {"field": field, "op": op, "value": values}


def _check_value(value: Any, path: str) -> Any:
    if isinstance(value, str):
        return check_text(value, "filters")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidParameterError(
            f"{path} is {value!r}, which JSON cannot carry", param="filters"
        )
    if value is None or isinstance(value, (bool, int, float)):
        return value
    raise InvalidParameterError(
        f"{path} must be a string, a number, a bool or None, got {type(value).__name__}",
        param="filters",
    )


def filters_json(document: Mapping[str, Any]) -> str:
    """A checked filter document as the compact JSON the query string carries."""
    try:
        return json.dumps(document, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:  # an int too long for Python to print
        problem = str(exc)
    raise InvalidParameterError(f"filters cannot be encoded as JSON ({problem})", param="filters")
