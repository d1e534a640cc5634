"""Dialect `stripe`: Stripe API v1 customers, form-encoded writes, Stripe's error shapes."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import parse_qsl

from ._dialect import Condition, Context, Dialect, ErrorTemplate
from ._http import ApiError, JSONObject, Reply, int_param, reject_unknown_params
from ._listing import all_of, cursor_positions
from ._search import compile_query, decode_page_token, encode_page_token
from ._seed import subscriptions_of
from ._store import CustomerRecord, Predicate, sort_key

PREFIX = "/v1/customers"
TEXT_FIELDS = ("email", "name", "phone", "description")
_METADATA_KEY = re.compile(r"metadata\[(.+)\]")
_EXPAND = re.compile(r"expand\[\d*\]")
_CREATED_BOUNDS: dict[str, Callable[[int, int], bool]] = {
    "created": lambda created, bound: created == bound,
    "created[gt]": lambda created, bound: created > bound,
    "created[gte]": lambda created, bound: created >= bound,
    "created[lt]": lambda created, bound: created < bound,
    "created[lte]": lambda created, bound: created <= bound,
}
LIST_PARAMS = frozenset({"limit", "starting_after", "ending_before", "email", *_CREATED_BOUNDS})
SEARCH_PARAMS = frozenset({"query", "limit", "page"})
_DELINQUENT_STATUSES = frozenset({"past_due", "unpaid"})


def render_customer(record: CustomerRecord) -> JSONObject:
    """A customer exactly as Stripe v1 returns one (fields as in Stripe's OpenAPI fixture)."""
    if record.deleted:
        return {"id": record.id, "object": "customer", "deleted": True}
    subscriptions = subscriptions_of(record)
    plans = [s.plan for s in subscriptions if s.plan is not None]
    return {
        "id": record.id,
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": record.created_ms // 1000,
        "currency": plans[0].currency if plans else None,
        "default_source": None,
        "delinquent": any(s.status in _DELINQUENT_STATUSES for s in subscriptions),
        "description": record.description,
        "discount": None,
        "email": record.email,
        "invoice_prefix": f"{zlib.crc32(record.id.encode()):08X}",
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": dict(record.metadata),
        "name": record.name,
        "next_invoice_sequence": 1,
        "phone": record.phone,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }


def _list_page(records: list[CustomerRecord], has_more: bool, url: str) -> JSONObject:
    return {
        "object": "list",
        "data": [render_customer(record) for record in records],
        "has_more": has_more,
        "url": url,
    }


def list_customers(context: Context) -> Reply:
    params = context.request.params
    _reject_unknown(params, LIST_PARAMS)
    limit = _limit(params)
    after, before = cursor_positions(context.store, params, missing_code="resource_missing")
    predicates: list[Predicate] = []
    if "email" in params:
        email = params["email"]
        predicates.append(lambda record: record.email == email)
    for name, compare in _CREATED_BOUNDS.items():
        if name in params:
            predicates.append(_created_predicate(compare, _integer(params[name], name)))
    window = context.store.window(
        limit=limit, after=after, before=before, predicate=all_of(predicates)
    )
    return Reply(200, _list_page(window.records, window.has_more, PREFIX))


def _created_predicate(compare: Callable[[int, int], bool], bound: int) -> Predicate:
    return lambda record: compare(record.created_ms // 1000, bound)


def search_customers(context: Context) -> Reply:
    params = context.request.params
    _reject_unknown(params, SEARCH_PARAMS)
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
    return Reply(
        200,
        {
            "object": "search_result",
            "data": [render_customer(record) for record in window.records],
            "has_more": window.has_more,
            "next_page": next_page,
            "url": f"{PREFIX}/search",
        },
    )


def create_customer(context: Context) -> Reply:
    fields, metadata_edits = _parse_edits(context)
    metadata = _apply_metadata({}, metadata_edits)
    record = context.store.create(
        email=fields.get("email"),
        name=fields.get("name"),
        phone=fields.get("phone"),
        description=fields.get("description"),
        metadata=metadata,
        now_ms=context.now_ms,
    )
    return Reply(200, render_customer(record))


def retrieve_customer(context: Context) -> Reply:
    record = context.store.get(context.customer_id)
    if record is None:
        raise _no_such_customer(context.customer_id)
    return Reply(200, render_customer(record))


def update_customer(context: Context) -> Reply:
    record = _live_customer(context)
    fields, metadata_edits = _parse_edits(context)
    for name, value in fields.items():
        setattr(record, name, value)
    record.metadata = _apply_metadata(record.metadata, metadata_edits)
    record.updated_ms = context.now_ms
    return Reply(200, render_customer(record))


def delete_customer(context: Context) -> Reply:
    record = _live_customer(context)
    context.store.delete(record, context.now_ms)
    return Reply(200, render_customer(record))


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


MetadataEdit = tuple[str | None, str | None]
"""(key, value): value None deletes the key; key None clears all metadata."""


def _parse_edits(context: Context) -> tuple[dict[str, str | None], list[MetadataEdit]]:
    """Form fields to set (an empty string unsets) and metadata edits, in request order."""
    fields: dict[str, str | None] = {}
    metadata_edits: list[MetadataEdit] = []
    for name, value in _form(context):
        key_match = _METADATA_KEY.fullmatch(name)
        if name in TEXT_FIELDS:
            fields[name] = value or None
        elif key_match:
            metadata_edits.append((key_match.group(1), value or None))
        elif name == "metadata" and not value:
            metadata_edits.append((None, None))
        elif name == "metadata":
            raise ApiError(
                400, "invalid_request_error",
                "Invalid object: metadata takes metadata[key]=value pairs or '' to clear.",
                code="parameter_invalid_empty", param="metadata",
            )  # fmt: skip
        elif not _EXPAND.fullmatch(name):
            _reject_unknown([name], frozenset())
    return fields, metadata_edits


def _apply_metadata(current: dict[str, str], edits: list[MetadataEdit]) -> dict[str, str]:
    metadata = dict(current)
    for key, value in edits:
        if key is None:
            metadata.clear()
        elif value is None:
            metadata.pop(key, None)
        else:
            metadata[key] = value
    return metadata


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


def stripe_error_body(error: ApiError) -> JSONObject:
    """Stripe's `{"error": {...}}`: `code` and `param` only when they apply."""
    body: JSONObject = {"type": error.type, "message": error.message}
    if error.code:
        body["code"] = error.code
    if error.param:
        body["param"] = error.param
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
