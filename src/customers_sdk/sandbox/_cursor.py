"""Dialect `cursor`: JSON customers with cursors and `filters`, under /rest."""

from __future__ import annotations

import json
from typing import Any

from ._dialect import REST_ERRORS, Context, Dialect, rest_error_body
from ._filters import compile_filters
from ._http import ApiError, JSONObject, Reply, int_param, parse_json, reject_unknown_params
from ._listing import cursor_positions
from ._store import CustomerRecord

PREFIX = "/rest/v1/customers"
TEXT_FIELDS = ("name", "email", "phone")
BODY_FIELDS = frozenset({*TEXT_FIELDS, "metadata"})
LIST_PARAMS = frozenset({"limit", "starting_after", "ending_before", "filters"})


def render_customer(record: CustomerRecord) -> JSONObject:
    """A customer in the cursor API's shape (`created_at` in epoch milliseconds)."""
    customer: JSONObject = {
        "object": "customer",
        "id": record.id,
        "live": False,
        "created_at": record.created_ms,
        "email": record.email,
        "metadata": dict(record.metadata),
        "name": record.name,
        "phone": record.phone,
    }
    if record.deleted:
        customer["deleted"] = True
    return customer


def list_customers(context: Context) -> Reply:
    params = context.request.params
    reject_unknown_params(params, LIST_PARAMS, code="unknown_parameter")
    limit = int_param(
        params.get("limit"), name="limit", default=50, minimum=1, maximum=1000,
        error_code="invalid_limit",
    )  # fmt: skip
    after, before = cursor_positions(context.store, params, missing_code="resource_missing")
    predicate = compile_filters(params["filters"]) if "filters" in params else None
    window = context.store.window(limit=limit, after=after, before=before, predicate=predicate)
    return Reply(
        200,
        {
            "object": "list",
            "data": [render_customer(record) for record in window.records],
            "has_more": window.has_more,
        },
    )


def create_customer(context: Context) -> Reply:
    changes = _customer_changes(context)
    record = context.store.create(
        email=changes.get("email"),
        name=changes.get("name"),
        phone=changes.get("phone"),
        metadata=_merge_metadata({}, changes.get("metadata")),
        now_ms=context.now_ms,
    )
    return Reply(200, render_customer(record))


def retrieve_customer(context: Context) -> Reply:
    return Reply(200, render_customer(_live_customer(context)))


def update_customer(context: Context) -> Reply:
    """Absent keys keep their value, null sets a field to null (metadata: clears it), and
    metadata merges key by key (a null value removes that key), as Stripe's metadata does."""
    record = _live_customer(context)
    changes = _customer_changes(context)
    for name in TEXT_FIELDS:
        if name in changes:
            setattr(record, name, changes[name])
    if "metadata" in changes:
        record.metadata = _merge_metadata(record.metadata, changes["metadata"])
    record.updated_ms = context.now_ms
    return Reply(200, render_customer(record))


def delete_customer(context: Context) -> Reply:
    record = _live_customer(context)
    context.store.delete(record, context.now_ms)
    return Reply(200, render_customer(record))


def _live_customer(context: Context) -> CustomerRecord:
    record = context.store.get_live(context.customer_id)
    if record is None:
        raise ApiError(
            404, "not_found", f"No customer with id {context.customer_id!r}.",
            code="resource_missing", param="id",
        )  # fmt: skip
    return record


def _merge_metadata(
    current: dict[str, str], changes: dict[str, str | None] | None
) -> dict[str, str]:
    if changes is None:
        return {}
    merged = dict(current)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _customer_changes(context: Context) -> dict[str, Any]:
    """The JSON body's fields, type-checked: 400 if unreadable or unknown, 422 if mistyped."""
    body = _json_object(context)
    reject_unknown_params(body, BODY_FIELDS, code="unknown_parameter")
    for name in TEXT_FIELDS:
        if name in body and not isinstance(body[name], (str, type(None))):
            raise _invalid_type(name, "a string or null", body[name])
    metadata = body.get("metadata")
    if metadata is not None and not (
        isinstance(metadata, dict)
        and all(isinstance(value, (str, type(None))) for value in metadata.values())
    ):
        raise _invalid_type("metadata", "an object of strings, or null", metadata)
    return body


def _json_object(context: Context) -> dict[str, Any]:
    request = context.request
    if not request.body.strip():
        return {}
    if request.media_type() not in ("", "application/json"):
        raise ApiError(
            400, "invalid_request_error",
            f"Unsupported Content-Type {request.media_type()!r}; send application/json.",
            code="unsupported_content_type",
        )  # fmt: skip
    try:
        document = parse_json(request.body)
    except ValueError:
        raise ApiError(
            400, "invalid_request_error", "The request body is not valid JSON.",
            code="invalid_json",
        ) from None  # fmt: skip
    if not isinstance(document, dict):
        raise _invalid_type("body", "a JSON object", document)
    return document


def _invalid_type(name: str, expected: str, value: object) -> ApiError:
    return ApiError(
        422, "validation_error", f"{name} must be {expected}, got {json.dumps(value)}.",
        code="invalid_type", param=name,
    )  # fmt: skip


CURSOR = Dialect(
    name="cursor",
    namespace="/rest",
    prefix=PREFIX,
    collection={"GET": list_customers, "POST": create_customer},
    item={"GET": retrieve_customer, "PATCH": update_customer, "DELETE": delete_customer},
    named={},
    errors=REST_ERRORS,
    render_error=rest_error_body,
    idempotent_methods=frozenset({"POST", "PATCH", "DELETE"}),
    allow_basic_auth=False,
)
"""The JSON customers API under /rest/v1/customers."""
