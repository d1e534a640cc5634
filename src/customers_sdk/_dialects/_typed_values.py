"""Stripe params checked against their ``TypedDict`` before anything is encoded.

A type checker catches a wrong value in typed code; this is for the code it does not see
(untyped callers, values from a config file or a form): the same mistakes are an
:class:`InvalidParameterError` naming the param and the path in it (``address[line1]``),
instead of a 400 from Stripe after a round trip. Keys a shape does not declare are refused at
every depth, a required key left out too.

What Stripe would take that the types do not say is let through: a ``Literal`` of strings
accepts any string (an enum value Stripe added after this release; ``Literal[""]``, Stripe's
"unset", only the empty string), and ``Any`` anything.

Example:
    >>> from customers_sdk._dialects._stripe_params import CustomerCreateParams
    >>> check_values({"balance": "100"}, CustomerCreateParams)
    Traceback (most recent call last):
    ...
    customers_sdk._errors.InvalidParameterError: balance must be int, got str
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

from typing_extensions import is_typeddict

from .._errors import InvalidParameterError
from .._inputs import shown

__all__ = ["check_params", "check_values"]


@cache
def _shape(shape: type) -> tuple[dict[str, Any], frozenset[str]]:
    """(annotation by key, required keys) of a params ``TypedDict``; computed once per shape."""
    required: frozenset[str] = getattr(shape, "__required_keys__", frozenset())
    return typing.get_type_hints(shape), required


def check_params(params: Mapping[str, object], shape: type) -> None:
    """Refuse a key ``shape`` does not declare, or a required one left out.

    Type checkers already catch both; this is for callers without one.
    """
    _check_keys(params, shape, None, None)


def check_values(params: Mapping[str, object], shape: type) -> None:
    """Refuse a value of ``params`` that ``shape``'s annotation for its key does not allow.

    Top-level keys are :func:`check_params`'s; nested ones are refused here.
    """
    hints, _ = _shape(shape)
    for name, value in params.items():
        if name in hints:
            _check(value, hints[name], name, name)


def _check(value: object, hint: Any, where: str, param: str) -> None:
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        arms = [arm for arm in get_args(hint) if _fits(value, arm)]
        if not arms:
            _refuse(value, hint, where, param)
        _check(value, arms[0], where, param)
    elif is_typeddict(hint):
        _check_typed_dict(value, hint, where, param)
    elif origin is list:
        if not isinstance(value, list | tuple):
            _refuse(value, hint, where, param)
        (item,) = get_args(hint)
        for index, each in enumerate(value):
            _check(each, item, f"{where}[{index}]", param)
    elif origin is dict or origin is Mapping:
        if not isinstance(value, Mapping):
            _refuse(value, hint, where, param)
        _, item = get_args(hint)
        for key, each in value.items():
            _check(each, item, f"{where}[{key}]", param)
    elif not _fits(value, hint):
        _refuse(value, hint, where, param)


def _check_typed_dict(value: object, shape: type, where: str, param: str) -> None:
    if not isinstance(value, Mapping):
        _refuse(value, shape, where, param)
    _check_keys(value, shape, where, param)
    hints, _ = _shape(shape)
    for key, each in value.items():
        _check(each, hints[key], f"{where}[{key}]", param)


def _check_keys(
    value: Mapping[str, object], shape: type, where: str | None, param: str | None
) -> None:
    """Unknown and missing keys of ``value`` for ``shape``: the params themselves
    (``where`` None, each key a param) or a nested dict at ``where`` inside ``param``."""
    hints, required = _shape(shape)
    for key in value:
        if key not in hints:
            if where is None:
                raise InvalidParameterError(
                    f"unknown parameter {shown(key)}; {shape.__name__} takes {sorted(hints)}",
                    param=key,
                )
            raise InvalidParameterError(
                f"{where} has no key {shown(key)}; it takes {sorted(hints)}", param=param
            )
    for key in sorted(required - value.keys()):
        if where is None:
            raise InvalidParameterError(f"missing required parameter {key!r}", param=key)
        raise InvalidParameterError(f"{where} needs the key {key!r}", param=param)


def _fits(value: object, hint: Any) -> bool:
    """Whether ``value`` is of ``hint``'s kind, not looking inside containers."""
    origin = get_origin(hint)
    if hint is Any:
        return True
    if hint is type(None):
        return value is None
    if origin is Literal:
        choices = get_args(hint)
        if choices != ("",) and all(isinstance(choice, str) for choice in choices):
            return isinstance(value, str)  # an enum value Stripe added later is let through
        return value in choices  # Literal[""], Stripe's "unset", is that string only
    if origin is Union or origin is types.UnionType:
        return any(_fits(value, arm) for arm in get_args(hint))
    if is_typeddict(hint) or origin is dict or origin is Mapping:
        return isinstance(value, Mapping)
    if origin is list:
        return isinstance(value, list | tuple)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True  # an annotation this checker does not know: the encoder decides


def _refuse(value: object, hint: Any, where: str, param: str) -> typing.NoReturn:
    raise InvalidParameterError(
        f"{where} must be {_describe(hint)}, got {type(value).__name__}", param=param
    )


def _describe(hint: Any) -> str:
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        return " or ".join(dict.fromkeys(_describe(arm) for arm in get_args(hint)))
    if origin is Literal:
        choices = get_args(hint)
        if choices != ("",) and all(isinstance(choice, str) for choice in choices):
            return "str"
        return " or ".join(repr(choice) for choice in choices)
    if is_typeddict(hint) or origin is dict or origin is Mapping:
        return "a dict"
    if origin is list:
        return "a list"
    if hint is type(None):
        return "None"
    if hint is datetime:
        return "an aware datetime"
    return getattr(hint, "__name__", repr(hint))
