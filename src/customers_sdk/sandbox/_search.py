"""Stripe's search query language for customers, compiled to a predicate.

Supported: `field:'value'` (exact), `field~'value'` (substring), `created>N` (also `>=`,
`<`, `<=`, `:`), `-clause` (negation), `metadata['key']:'value'`, values in single or double
quotes with backslash escapes, and clauses joined by ` AND ` or ` OR ` (never both, as
Stripe requires). String matching is case-insensitive, as in Stripe.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

from ._http import ApiError
from ._store import CustomerRecord, Predicate, SortKey

MAX_CLAUSES = 10
STRING_FIELDS: dict[str, Callable[[CustomerRecord], str | None]] = {
    "email": lambda record: record.email,
    "name": lambda record: record.name,
    "phone": lambda record: record.phone,
}
_CLAUSE = re.compile(
    r"""\s*(?P<negate>-)?
    (?P<field>metadata\[(?P<key>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")\]|[a-z_]+)
    \s*(?P<op>>=|<=|:|~|>|<)\s*
    (?P<value>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|-?[0-9]+)\s*""",
    re.VERBOSE,
)
_JOINER = re.compile(r"(AND|OR)\s+")
_COMPARISONS: dict[str, Callable[[int, int], bool]] = {
    ":": lambda left, right: left == right,
    ">": lambda left, right: left > right,
    ">=": lambda left, right: left >= right,
    "<": lambda left, right: left < right,
    "<=": lambda left, right: left <= right,
}


def compile_query(query: str) -> Predicate:
    """A predicate for a Stripe customer search query; 400 (`param: query`) if malformed.

    >>> from customers_sdk.sandbox._store import CustomerRecord
    >>> matches = compile_query("email~'acme.io' AND -name:'Ada'")
    >>> matches(CustomerRecord("cus_1", 1, 0, 0, email="bo@acme.io", name="Bo"))
    True
    """
    clauses: list[Predicate] = []
    joiners: set[str] = set()
    position = 0
    while True:
        match = _CLAUSE.match(query, position)
        if match is None:
            raise _query_error(f"Could not parse the query at position {position}: {query!r}")
        clauses.append(_clause(match))
        position = match.end()
        if position == len(query):
            break
        joiner = _JOINER.match(query, position)
        if joiner is None:
            raise _query_error(f"Expected AND or OR at position {position}: {query!r}")
        joiners.add(joiner.group(1))
        position = joiner.end()
    if len(joiners) > 1:
        raise _query_error("A query may join clauses with AND or with OR, but not both.")
    if len(clauses) > MAX_CLAUSES:
        raise _query_error(f"A query may have at most {MAX_CLAUSES} clauses.")
    if "OR" in joiners:
        return lambda record: any(clause(record) for clause in clauses)
    return lambda record: all(clause(record) for clause in clauses)


def _clause(match: re.Match[str]) -> Predicate:
    field, op, raw_value = match.group("field"), match.group("op"), match.group("value")
    predicate = _field_predicate(field, match.group("key"), op, raw_value)
    if match.group("negate"):
        return lambda record: not predicate(record)
    return predicate


def _field_predicate(field: str, quoted_key: str | None, op: str, raw_value: str) -> Predicate:
    if field == "created":
        if op not in _COMPARISONS:
            raise _query_error(f"Operator {op!r} does not apply to created.")
        bound = _integer(raw_value)
        compare = _COMPARISONS[op]
        return lambda record: compare(record.created_ms // 1000, bound)
    if quoted_key is not None:
        key = _unquote(quoted_key)
        return _string_predicate(lambda record: record.metadata.get(key), op, raw_value)
    if field in STRING_FIELDS:
        return _string_predicate(STRING_FIELDS[field], op, raw_value)
    raise _query_error(f"Field {field!r} is an unsupported search field for customers.")


def _string_predicate(
    read: Callable[[CustomerRecord], str | None], op: str, raw_value: str
) -> Predicate:
    if not raw_value.startswith(("'", '"')):
        raise _query_error(f"String values must be quoted: {raw_value}")
    wanted = _unquote(raw_value).casefold()
    if op == ":":
        return lambda record: (read(record) or "").casefold() == wanted
    if op == "~":
        if len(wanted) < 3:
            raise _query_error("Substring matching needs a value of at least 3 characters.")
        return lambda record: wanted in (read(record) or "").casefold()
    raise _query_error(f"Operator {op!r} applies only to created.")


def _integer(raw_value: str) -> int:
    text = _unquote(raw_value) if raw_value.startswith(("'", '"')) else raw_value
    try:
        return int(text)
    except ValueError:
        raise _query_error(f"created must be compared with an integer, got {raw_value}") from None


def _unquote(quoted: str) -> str:
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])


def _query_error(message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message, code="parameter_invalid", param="query")


def encode_page_token(position: SortKey) -> str:
    """An opaque `next_page` token naming the last customer returned.

    >>> decode_page_token(encode_page_token((1700000000000, "cus_A")))
    (1700000000000, 'cus_A')
    """
    created_ms, customer_id = position
    raw = f"{created_ms}:{customer_id}".encode()
    return "page_" + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_page_token(token: str) -> SortKey:
    """The position in a `next_page` token; 400 (`param: page`) when it is not one of ours."""
    try:
        if not token.startswith("page_"):
            raise ValueError(token)
        encoded = token[len("page_") :]
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("ascii")
        created_ms, _, customer_id = raw.partition(":")
        if not customer_id:
            raise ValueError(token)
        return int(created_ms), customer_id
    except ValueError:  # binascii.Error and UnicodeDecodeError included
        raise ApiError(
            400, "invalid_request_error", f"Invalid page token: {token!r}",
            code="parameter_invalid", param="page",
        ) from None  # fmt: skip
