"""Stripe's form encoding of params: ``a[b][c]=v``, indexed lists, ``true``/``false``.

The pairs are the ones stripe-python sends for the same params (``stripe._encode._api_encode``),
with the SDK's own rules on top: ``None`` is sent as ``""`` (Stripe's "unset") where
stripe-python drops it, a naive datetime is refused rather than read in the machine's time
zone, and a key holding ``[`` or ``]`` is refused because Stripe would read it as nesting.

Example:
    >>> from customers_sdk._dialects._stripe_params import CustomerUpdateParams
    >>> encode_params(
    ...     {"address": {"line1": "1 Main St"}, "preferred_locales": ["fr"], "validate": True},
    ...     CustomerUpdateParams,
    ... )
    (('address[line1]', '1 Main St'), ('preferred_locales[0]', 'fr'), ('validate', 'true'))
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from .._errors import InvalidParameterError
from .._inputs import check_nesting, number_text, shown
from .._request import Params
from ._typed_values import check_params, check_values

__all__ = ["check_params", "encode_params", "form_pairs"]


def encode_params(params: Mapping[str, object], shape: type) -> Params:
    """Check ``params`` against ``shape`` (keys and values), then encode them as
    :func:`form_pairs` does."""
    check_params(params, shape)
    check_values(params, shape)
    return form_pairs(params)


def form_pairs(params: Mapping[str, object]) -> Params:
    """The (key, value) pairs of Stripe's form encoding, in the order the params were given."""
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        _check_key(name, name if isinstance(name, str) else shown(name))
        check_nesting(value, name)  # _encode recurses: a cycle would exhaust the stack
        _encode(name, value, name, pairs)
    return tuple(pairs)


def _encode(key: str, value: object, param: str, pairs: list[tuple[str, str]]) -> None:
    # bool before int: a bool is an int to isinstance.
    if value is None:
        pairs.append((key, ""))
    elif isinstance(value, str):
        pairs.append((key, value))
    elif isinstance(value, bool):
        pairs.append((key, "true" if value else "false"))
    elif isinstance(value, int | float | Decimal):
        pairs.append((key, number_text(value, param, key)))
    elif isinstance(value, datetime):
        pairs.append((key, str(_epoch_seconds(value, key, param))))
    elif isinstance(value, Mapping):
        for subkey, subvalue in value.items():
            _check_key(subkey, param)
            _encode(f"{key}[{subkey}]", subvalue, param, pairs)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _encode(f"{key}[{index}]", item, param, pairs)
    else:
        raise InvalidParameterError(
            f"{key} cannot be sent as {type(value).__name__}: give a str, int, bool, "
            "datetime, mapping or list",
            param=param,
        )


def _check_key(key: object, param: str) -> None:
    if not isinstance(key, str) or not key or "[" in key or "]" in key:
        raise InvalidParameterError(
            f"{param} has the key {shown(key)}: keys must be non-empty strings, and cannot contain "
            "'[' or ']', which Stripe would read as nesting",
            param=param,
        )


def _epoch_seconds(value: datetime, key: str, param: str) -> int:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidParameterError(f"{key} must be an aware datetime", param=param)
    return int(value.timestamp())
