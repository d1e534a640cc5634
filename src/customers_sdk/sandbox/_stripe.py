"""Dialect `stripe`: Stripe API v1 customers, form-encoded writes, Stripe's error shapes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from ._dialect import Condition, Context, Dialect, ErrorTemplate
from ._http import ApiError, JSONObject, Reply, int_param, reject_unknown_params
from ._listing import all_of, cursor_positions
from ._search import compile_query, decode_page_token, encode_page_token
from ._store import CustomerRecord, Predicate, sort_key
from ._stripe_metadata import MetadataEdit, apply_metadata
from ._stripe_params import CREATE_PARAMS, UPDATE_PARAMS, Param, check_params, form_tree, merge
from ._stripe_render import expand_paths, render_customer

PREFIX = "/v1/customers"
# Kept on the record itself, since every dialect renders them; the rest go in `record.stripe`.
TEXT_FIELDS = ("email", "name", "phone", "description")
# Accepted as Stripe does, with nothing to show for them in the sandbox.
_WITHOUT_EFFECT = ("validate", "payment_method")
_METADATA_KEY = re.compile(r"metadata\[(.+)\]")
_EXPAND = re.compile(r"expand\[\d*\]")
_CREATED_BOUNDS: dict[str, Callable[[int, int], bool]] = {
    "created": lambda created, bound: created == bound,
    "created[gt]": lambda created, bound: created > bound,
    "created[gte]": lambda created, bound: created >= bound,
    "created[lt]": lambda created, bound: created < bound,
    "created[lte]": lambda created, bound: created <= bound,
}
LIST_PARAMS = frozenset(
    {"limit", "starting_after", "ending_before", "email", "test_clock", *_CREATED_BOUNDS}
)
SEARCH_PARAMS = frozenset({"query", "limit", "page"})


def _list_page(
    records: list[CustomerRecord], has_more: bool, url: str, expand: frozenset[str]
) -> JSONObject:
    return {
        "object": "list",
        "data": [render_customer(record, expand) for record in records],
        "has_more": has_more,
        "url": url,
    }


def list_customers(context: Context) -> Reply:
    params = context.request.params
    _reject_unknown(params, LIST_PARAMS)
    expand = expand_paths(_expand_values(context.request.query), prefix="data.")
    limit = _limit(params)
    after, before = cursor_positions(context.store, params, missing_code="resource_missing")
    predicates: list[Predicate] = []
    if "email" in params:
        email = params["email"]
        predicates.append(lambda record: record.email == email)
    if "test_clock" in params:
        clock = params["test_clock"]
        predicates.append(lambda record: (record.stripe or {}).get("test_clock") == clock)
    low: int | None = None
    high: int | None = None
    for name, compare in _CREATED_BOUNDS.items():
        if name in params:
            bound = _integer(params[name], name)
            predicates.append(_created_predicate(compare, bound))
            lowest, highest = _created_seconds(name, bound)
            if lowest is not None:
                low = lowest if low is None else max(low, lowest)
            if highest is not None:
                high = highest if high is None else min(high, highest)
    window = context.store.window(
        limit=limit,
        after=after,
        before=before,
        predicate=all_of(predicates),
        created_ms=(None if low is None else low * 1000, None if high is None else high * 1000),
    )
    return Reply(200, _list_page(window.records, window.has_more, PREFIX, expand))


def _created_seconds(name: str, bound: int) -> tuple[int | None, int | None]:
    """The seconds [lo, hi) a `created` bound lets through (None: open on that side)."""
    lowest = {"created": bound, "created[gt]": bound + 1, "created[gte]": bound}.get(name)
    highest = {"created": bound + 1, "created[lt]": bound, "created[lte]": bound + 1}.get(name)
    return lowest, highest


def _created_predicate(compare: Callable[[int, int], bool], bound: int) -> Predicate:
    return lambda record: compare(record.created_ms // 1000, bound)


def search_customers(context: Context) -> Reply:
    params = context.request.params
    _reject_unknown(params, SEARCH_PARAMS)
    expand_values = _expand_values(context.request.query)
    expand = expand_paths(expand_values, prefix="data.", extra=("total_count",))
    if not params.get("query"):
        raise ApiError(
            400, "invalid_request_error", "Missing required param: query.",
            code="parameter_missing", param="query",
        )  # fmt: skip
    predicate = compile_query(params["query"])
    limit = _limit(params)
    after = decode_page_token(params["page"]) if params.get("page") else None
    window = context.store.window(limit=limit, after=after, predicate=predicate)
    next_page = (
        encode_page_token(sort_key(window.records[-1])) if window.has_more and window.records
        else None
    )  # fmt: skip
    body = {
        "object": "search_result",
        "data": [render_customer(record, expand) for record in window.records],
        "has_more": window.has_more,
        "next_page": next_page,
        "url": f"{PREFIX}/search",
    }
    if "total_count" in expand_values:
        body["total_count"] = context.store.count(predicate)
    return Reply(200, body)


def create_customer(context: Context) -> Reply:
    edits = _parse_edits(context, CREATE_PARAMS)
    _check_card(edits)
    record = context.store.create(
        email=edits.fields.get("email"),
        name=edits.fields.get("name"),
        phone=edits.fields.get("phone"),
        description=edits.fields.get("description"),
        metadata=apply_metadata({}, edits.metadata),
        now_ms=context.now_ms,
        stripe=edits.stripe or None,
    )
    return Reply(200, render_customer(record, edits.expand))


def retrieve_customer(context: Context) -> Reply:
    expand = expand_paths(_expand_values(context.request.query))
    record = context.store.get(context.customer_id)
    if record is None:
        raise _no_such_customer(context.customer_id)
    return Reply(200, render_customer(record, expand))


def update_customer(context: Context) -> Reply:
    record = _live_customer(context)
    edits = _parse_edits(context, UPDATE_PARAMS)
    _check_card(edits)
    metadata = apply_metadata(record.metadata, edits.metadata)  # may refuse: before any change
    for name, value in edits.fields.items():
        setattr(record, name, value)
    record.metadata = metadata
    if edits.stripe:
        record.stripe = merge(record.stripe or {}, edits.stripe)
    record.updated_ms = context.now_ms
    return Reply(200, render_customer(record, edits.expand))


def delete_customer(context: Context) -> Reply:
    record = _live_customer(context)
    context.store.delete(record, context.now_ms)
    return Reply(200, render_customer(record))


# Stripe's test tokens whose card is declined when it is attached to a customer, and why
# (https://stripe.com/docs/testing#declined-payments): the decline code and the message.
_DECLINED = "Your card was declined."
DECLINING_TOKENS = {
    "tok_chargeDeclined": ("generic_decline", _DECLINED),
    "tok_chargeDeclinedInsufficientFunds": (
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "tok_chargeDeclinedLostCard": ("lost_card", _DECLINED),
    "tok_chargeDeclinedStolenCard": ("stolen_card", _DECLINED),
}


def _check_card(edits: _Edits) -> None:
    """A 402 ``card_error``, as Stripe's test mode answers, when the write attaches (with
    ``source=``) a card that one of its test tokens declines; nothing is stored."""
    declined = DECLINING_TOKENS.get(edits.source or "")
    if declined is None:
        return
    decline_code, message = declined
    # Stripe sends `param` empty here: the card, not a parameter, is at fault.
    raise ApiError(
        402, "card_error", message, code="card_declined", decline_code=decline_code, param=""
    )


def _live_customer(context: Context) -> CustomerRecord:
    record = context.store.get_live(context.customer_id)
    if record is None:
        raise _no_such_customer(context.customer_id)
    return record


def _no_such_customer(customer_id: str) -> ApiError:
    return ApiError(
        404, "invalid_request_error", f"No such customer: '{customer_id}'",
        code="resource_missing", param="id",
    )  # fmt: skip


class _Edits:
    """A write's params: record fields, Stripe-only params, metadata edits, fields to expand."""

    def __init__(self) -> None:
        self.fields: dict[str, str | None] = {}
        self.stripe: dict[str, Any] = {}
        self.metadata: list[MetadataEdit] = []
        self.expand: frozenset[str] = frozenset()
        self.source: str | None = None  # a card token to attach, as `source=` gives it


def _parse_edits(context: Context, known: Mapping[str, Param]) -> _Edits:
    """The form's edits; metadata edits keep request order (`metadata=` then keys)."""
    edits = _Edits()
    expand: list[str] = []
    others: list[tuple[str, str]] = []
    for name, value in _form(context):
        key_match = _METADATA_KEY.fullmatch(name)
        if key_match:
            edits.metadata.append((key_match.group(1), value or None))
        elif name == "metadata" and not value:
            edits.metadata.append((None, None))
        elif name == "metadata":
            raise ApiError(
                400, "invalid_request_error",
                "Invalid object: metadata takes metadata[key]=value pairs or '' to clear.",
                code="parameter_invalid_empty", param="metadata",
            )  # fmt: skip
        elif _EXPAND.fullmatch(name):
            expand.append(value)
        else:
            others.append((name, value))
    edits.expand = expand_paths(expand)
    for name, value in check_params(form_tree(others), known).items():
        if name in TEXT_FIELDS:
            edits.fields[name] = value
        elif name == "source":
            edits.source = edits.stripe["default_source"] = value
        elif name not in _WITHOUT_EFFECT:
            edits.stripe[name] = value
    return edits


def _expand_values(query: str) -> list[str]:
    # Request.params keeps the last value of a name; `expand[]` may be given many times.
    return [value for name, value in parse_qsl(query) if _EXPAND.fullmatch(name)]


def _form(context: Context) -> list[tuple[str, str]]:
    request = context.request
    if request.body and request.media_type() not in ("", "application/x-www-form-urlencoded"):
        raise ApiError(
            400, "invalid_request_error",
            f"Invalid request: unsupported Content-Type {request.media_type()}. "
            "Send application/x-www-form-urlencoded.",
        )  # fmt: skip
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_request_error", "The request body is not UTF-8.") from None
    return parse_qsl(text, keep_blank_values=True)


def _reject_unknown(names: Iterable[str], allowed: frozenset[str]) -> None:
    reject_unknown_params(
        [name for name in names if not _EXPAND.fullmatch(name)], allowed, code="parameter_unknown"
    )


def _limit(params: Mapping[str, str]) -> int:
    return int_param(
        params.get("limit"), name="limit", default=10, minimum=1, maximum=100,
        error_code="parameter_invalid_integer",
    )  # fmt: skip


def _integer(raw: str, name: str) -> int:
    return int_param(
        raw, name=name, default=0, minimum=-(2**63), maximum=None,
        error_code="parameter_invalid_integer",
    )  # fmt: skip


# The codes Stripe documents at https://stripe.com/docs/error-codes that the sandbox answers
# with; its own (`parameter_conflict`, `internal_error`...) have no page to link to.
DOCUMENTED_CODES = frozenset({
    "card_declined", "parameter_invalid_empty", "parameter_invalid_integer", "parameter_missing",
    "parameter_unknown", "rate_limit", "resource_missing",
})  # fmt: skip


def doc_url(code: str) -> str:
    """Where Stripe documents an error code: ``card_declined`` -> ``.../card-declined``."""
    return f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"


def stripe_error_body(error: ApiError) -> JSONObject:
    """Stripe's `{"error": {...}}`, keys in Stripe's (alphabetical) order: `code`, with its
    `doc_url`, `decline_code` and `param` only when they apply."""
    body: JSONObject = {}
    if error.code:
        body["code"] = error.code
    if error.decline_code:
        body["decline_code"] = error.decline_code
    if error.code in DOCUMENTED_CODES:
        body["doc_url"] = doc_url(error.code)
    body["message"] = error.message
    if error.param is not None:
        body["param"] = error.param
    body["type"] = error.type
    return {"error": body}


_UNRECOGNIZED_URL = (
    "Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we "
    "can help at https://support.stripe.com/."
)
STRIPE_ERRORS = {
    Condition.MISSING_KEY: ErrorTemplate(
        401, "invalid_request_error", None,
        "You did not provide an API key. You need to provide your API key in the "
        "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
        "YOUR_SECRET_KEY').",
    ),
    Condition.INVALID_KEY: ErrorTemplate(
        401, "invalid_request_error", None, "Invalid API Key provided: {key}",
    ),
    Condition.FORBIDDEN: ErrorTemplate(
        403, "invalid_request_error", None,
        "The provided key '{key}' does not have the required permissions for this endpoint.",
    ),
    Condition.UNKNOWN_PATH: ErrorTemplate(404, "invalid_request_error", None, _UNRECOGNIZED_URL),
    # Stripe answers a wrong method on a known path as an unrecognized URL.
    Condition.METHOD_NOT_ALLOWED: ErrorTemplate(
        404, "invalid_request_error", None, _UNRECOGNIZED_URL,
    ),
    Condition.RATE_LIMITED: ErrorTemplate(
        429, "invalid_request_error", "rate_limit",
        "Request rate limit exceeded. Learn more about rate limits here "
        "https://stripe.com/docs/rate-limits.",
    ),
    Condition.UNAVAILABLE: ErrorTemplate(
        503, "api_error", None,
        "An unknown error occurred while processing this request; please retry.",
    ),
    Condition.IDEMPOTENCY_KEY_REUSED: ErrorTemplate(
        400, "idempotency_error", None,
        "Keys for idempotent requests can only be used with the same parameters they were "
        "first used with. Try using a key other than '{idempotency_key}' if you meant to "
        "execute a different request.",
    ),
}  # fmt: skip

STRIPE = Dialect(
    name="stripe",
    namespace="",
    prefix=PREFIX,
    collection={"GET": list_customers, "POST": create_customer},
    item={"GET": retrieve_customer, "POST": update_customer, "DELETE": delete_customer},
    named={"search": {"GET": search_customers}},
    errors=STRIPE_ERRORS,
    render_error=stripe_error_body,
    idempotent_methods=frozenset({"POST"}),
    allow_basic_auth=True,
)
"""Stripe v1 customers under /v1/customers."""
