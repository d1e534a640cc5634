"""Cursor pagination and predicate plumbing shared by the Stripe and cursor dialects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._http import ApiError
from ._store import Predicate, SortKey, Store, sort_key


def cursor_positions(
    store: Store, params: Mapping[str, str], *, missing_code: str
) -> tuple[SortKey | None, SortKey | None]:
    """The (after, before) positions named by `starting_after` / `ending_before`.

    A deleted customer still marks its old position, so a walk survives deletions; an id
    that never existed is a 400 naming the parameter.
    """
    after_id = params.get("starting_after")
    before_id = params.get("ending_before")
    if after_id is not None and before_id is not None:
        raise ApiError(
            400, "invalid_request_error",
            "You may only specify one of these parameters: ending_before, starting_after.",
            code="parameter_conflict", param="ending_before",
        )  # fmt: skip
    if after_id is not None:
        return _position(store, after_id, "starting_after", missing_code), None
    if before_id is not None:
        return None, _position(store, before_id, "ending_before", missing_code)
    return None, None


def _position(store: Store, customer_id: str, param: str, missing_code: str) -> SortKey:
    record = store.get(customer_id)
    if record is None:
        raise ApiError(
            400, "invalid_request_error", f"No such customer: '{customer_id}'",
            code=missing_code, param=param,
        )  # fmt: skip
    return sort_key(record)


def all_of(predicates: Sequence[Predicate]) -> Predicate | None:
    """One predicate requiring all of them; None (match everything) when there are none."""
    if not predicates:
        return None
    if len(predicates) == 1:
        return predicates[0]
    return lambda record: all(predicate(record) for predicate in predicates)
