"""Stripe's customer write params, server side: the form read into a tree, checked, merged.

The sandbox keeps its own table of Stripe's params rather than reading the client's types, so
a mistake on one side shows up against the other (and stripe-python drives both in tests).
Errors are worded as Stripe words them: `parameter_unknown`, `parameter_missing`,
`parameter_invalid_integer`, `parameter_invalid_empty` for a param that cannot be unset.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._http import ApiError

_NAME = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_INTEGER = re.compile(r"-?[0-9]{1,18}")


@dataclass(frozen=True)
class Param:
    """One param's kind: `text`, `int`, `bool`, `enum`, `shape` or `list`.

    `unsettable`: whether `""` unsets it (stored as None, or [] for a list).
    """

    kind: str
    unsettable: bool = False
    values: tuple[str, ...] = ()
    fields: Mapping[str, Param] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    item: Param | None = None


TEXT = Param("text", unsettable=True)
ID = Param("text")
INT = Param("int")
BOOL = Param("bool")


def _enum(*values: str, unsettable: bool = False) -> Param:
    return Param("enum", unsettable, values)


def _shape(unsettable: bool = False, required: Iterable[str] = (), **fields: Param) -> Param:
    return Param("shape", unsettable, fields=fields, required=frozenset(required))


ADDRESS = _shape(
    unsettable=True, city=TEXT, country=TEXT, line1=TEXT, line2=TEXT, postal_code=TEXT, state=TEXT
)
# Stripe's tax id types are two-letter country codes and a scheme (`gb_vat`, `eu_oss_vat`).
TAX_ID_TYPE = re.compile(r"[a-z]{2}_[a-z_]{2,8}")
_WRITE_PARAMS: dict[str, Param] = {
    "address": ADDRESS,
    "balance": INT,
    "business_name": TEXT,
    "cash_balance": _shape(
        settings=_shape(reconciliation_mode=_enum("automatic", "manual", "merchant_default"))
    ),
    "description": TEXT,
    "email": TEXT,
    "individual_name": TEXT,
    "invoice_prefix": ID,
    "invoice_settings": _shape(
        custom_fields=Param(
            "list", True, item=_shape(required=("name", "value"), name=ID, value=ID)
        ),
        default_payment_method=TEXT,
        footer=TEXT,
        rendering_options=_shape(
            unsettable=True,
            amount_tax_display=_enum("exclude_tax", "include_inclusive_tax", unsettable=True),
            template=TEXT,
        ),
    ),
    "name": TEXT,
    "next_invoice_sequence": INT,
    "phone": TEXT,
    "preferred_locales": Param("list", True, item=ID),
    "shipping": _shape(
        unsettable=True, required=("address", "name"), address=ADDRESS, name=ID, phone=TEXT
    ),
    "source": ID,
    # Stripe's create takes deferred and immediately; update adds auto.
    "tax": _shape(ip_address=TEXT, validate_location=_enum("auto", "deferred", "immediately")),
    "tax_exempt": _enum("exempt", "none", "reverse", unsettable=True),
    "validate": BOOL,
}
CREATE_PARAMS: Mapping[str, Param] = {
    **_WRITE_PARAMS,
    "payment_method": ID,
    "tax": _shape(ip_address=TEXT, validate_location=_enum("deferred", "immediately")),
    "tax_id_data": Param(
        "list", item=_shape(required=("type", "value"), type=Param("tax_id_type"), value=ID)
    ),
    "test_clock": ID,
}
UPDATE_PARAMS: Mapping[str, Param] = {**_WRITE_PARAMS, "default_source": ID}


def form_tree(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """`a[b][0]=v` pairs as nested dicts and lists; `[]` appends, as Rack reads it."""
    root: dict[str, Any] = {}
    for name, value in pairs:
        match = _NAME.fullmatch(name)
        if match is None:
            raise _invalid(f"Invalid parameter name: {name}", name)
        keys: list[str] = [match.group(1), *_SEGMENT.findall(match.group(2))]
        node = root
        for depth, key in enumerate(keys):
            if key == "":
                key = str(sum(1 for k in node if k.isdigit()))
            if depth == len(keys) - 1:
                if isinstance(node.get(key), dict):
                    raise _invalid(f"Invalid hash: {name} is also given as a value", name)
                node[key] = value
            else:
                child = node.setdefault(key, {})
                if not isinstance(child, dict):
                    raise _invalid(f"Invalid hash: {name} is also given as a value", name)
                node = child
    return {key: _lists(value) for key, value in root.items()}


def _lists(node: Any) -> Any:
    """Dicts whose keys are all indexes become lists, in index order."""
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_lists(node[key]) for key in sorted(node, key=int)]
    return {key: _lists(value) for key, value in node.items()}


def check_params(tree: Mapping[str, Any], params: Mapping[str, Param]) -> dict[str, Any]:
    """The params as Python values (`""` unsets: None), or a 400 naming the first bad one."""
    return {name: _value(value, _known(params, name, name), name) for name, value in tree.items()}


def _known(params: Mapping[str, Param], key: str, path: str) -> Param:
    param = params.get(key)
    if param is None:
        raise ApiError(
            400, "invalid_request_error", f"Received unknown parameter: {path}",
            code="parameter_unknown", param=path,
        )  # fmt: skip
    return param


def _value(raw: Any, param: Param, path: str) -> Any:
    if raw == "":
        if not param.unsettable:
            raise ApiError(
                400, "invalid_request_error",
                f"You passed an empty string for '{path}'. We assume empty values are an "
                f"attempt to unset a parameter; however '{path}' cannot be unset. You should "
                f"remove '{path}' from your request or supply a non-empty value.",
                code="parameter_invalid_empty", param=path,
            )  # fmt: skip
        return [] if param.kind == "list" else None
    if param.kind == "shape":
        if not isinstance(raw, dict):
            raise _invalid(f"Invalid object: {path} takes {path}[key]=value pairs", path)
        value = {}
        for key, item in raw.items():
            where = f"{path}[{key}]"
            value[key] = _value(item, _known(param.fields, key, where), where)
        for missing in sorted(param.required - value.keys()):
            raise ApiError(
                400, "invalid_request_error", f"Missing required param: {path}[{missing}].",
                code="parameter_missing", param=f"{path}[{missing}]",
            )  # fmt: skip
        return value
    if param.kind == "list":
        assert param.item is not None
        if not isinstance(raw, list):
            raise _invalid(f"Invalid array: {path} takes {path}[0], {path}[1]…", path)
        return [_value(item, param.item, f"{path}[{i}]") for i, item in enumerate(raw)]
    if not isinstance(raw, str):
        raise _invalid(f"Invalid {path}: a single value is expected, not a hash or an array", path)
    return _scalar(raw, param, path)


def _scalar(raw: str, param: Param, path: str) -> Any:
    if param.kind == "int":
        if not _INTEGER.fullmatch(raw):
            raise ApiError(
                400, "invalid_request_error", f"Invalid integer: {raw}",
                code="parameter_invalid_integer", param=path,
            )  # fmt: skip
        return int(raw)
    if param.kind == "bool":
        if raw not in ("true", "false"):
            raise _invalid(f"Invalid boolean: {raw}", path)
        return raw == "true"
    if param.kind == "enum" and raw not in param.values:
        *head, last = param.values
        listed = f"{head[0]} or {last}" if len(head) == 1 else f"{', '.join(head)}, or {last}"
        raise _invalid(f"Invalid {path}: must be one of {listed}", path)
    if param.kind == "tax_id_type" and not TAX_ID_TYPE.fullmatch(raw):
        raise _invalid(f"Invalid {path}: {raw!r} is not a tax ID type", path)
    return raw


def _invalid(message: str, param: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message, param=param)


def merge(current: Mapping[str, Any], edits: Mapping[str, Any]) -> dict[str, Any]:
    """`current` with `edits` applied: hashes merge key by key, anything else replaces."""
    merged = dict(current)
    for key, value in edits.items():
        before = merged.get(key)
        if isinstance(value, dict) and isinstance(before, dict):
            merged[key] = merge(before, value)
        else:
            merged[key] = value
    return merged
