"""The sandbox's `cursor` dialect (seed 003) under /rest/v1/customers (filters: own file)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import sandbox_client
from customers_sdk.sandbox import Sandbox, SandboxTransport

PATH = "/rest/v1/customers"
CUSTOMER_FIELDS = {"object", "id", "live", "created_at", "email", "metadata", "name", "phone"}


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(customers=80, restricted_api_key="rk_test_limited_key")


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with sandbox_client(sandbox) as client:
        yield client


def ids(page: dict[str, Any]) -> list[str]:
    return [customer["id"] for customer in page["data"]]


def all_ids(http: httpx.Client) -> list[str]:
    return ids(http.get(PATH, params={"limit": 1000}).json())


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"type", "code", "message"}
    return error


def test_list_shape_and_defaults(http: httpx.Client) -> None:
    page = http.get(PATH).json()
    assert set(page) == {"object", "data", "has_more"}
    assert page["object"] == "list"
    assert page["has_more"] is True
    assert len(page["data"]) == 50
    for customer in page["data"]:
        assert set(customer) == CUSTOMER_FIELDS
        assert customer["object"] == "customer"
        assert customer["live"] is False
        assert customer["created_at"] > 10**12  # epoch milliseconds
    created = [c["created_at"] for c in page["data"]]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize("limit", ["0", "1001", "many"])
def test_bad_limit_is_400(http: httpx.Client, limit: str) -> None:
    response = http.get(PATH, params={"limit": limit})
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_limit"


def test_large_limits_are_allowed(http: httpx.Client) -> None:
    page = http.get(PATH, params={"limit": 1000}).json()
    assert len(page["data"]) == 80
    assert page["has_more"] is False


def test_walks_in_both_directions_visit_everyone_once(http: httpx.Client) -> None:
    expected = all_ids(http)
    forward: list[str] = []
    params: dict[str, Any] = {"limit": 9}
    while True:
        page = http.get(PATH, params=params).json()
        forward += ids(page)
        if not page["has_more"]:
            break
        params["starting_after"] = page["data"][-1]["id"]
    assert forward == expected

    backward: list[str] = []
    params = {"limit": 9, "ending_before": expected[-1]}
    while True:
        page = http.get(PATH, params=params).json()
        backward = ids(page) + backward
        if not page["has_more"]:
            break
        params["ending_before"] = page["data"][0]["id"]
    assert backward == expected[:-1]


def test_cursor_errors(http: httpx.Client) -> None:
    first = all_ids(http)[0]
    both = http.get(PATH, params={"starting_after": first, "ending_before": first})
    assert both.status_code == 400
    assert error_of(both)["code"] == "parameter_conflict"
    unknown = http.get(PATH, params={"starting_after": "cus_unknown"})
    assert unknown.status_code == 400
    assert error_of(unknown)["code"] == "resource_missing"
    extra = http.get(PATH, params={"offset": "3"})
    assert extra.status_code == 400
    assert error_of(extra)["code"] == "unknown_parameter"


def test_create_get_patch_delete(http: httpx.Client, sandbox: Sandbox) -> None:
    count = sandbox.customer_count
    created = http.post(
        PATH, json={"name": "Grace Hopper", "email": "grace@navy.mil", "metadata": {"rank": "rear"}}
    ).json()
    assert set(created) == CUSTOMER_FIELDS
    assert created["phone"] is None
    assert created["metadata"] == {"rank": "rear"}
    assert sandbox.customer_count == count + 1
    item = f"{PATH}/{created['id']}"
    assert http.get(item).json() == created

    patched = http.patch(item, json={"phone": "+1555", "email": None}).json()
    assert patched["phone"] == "+1555"
    assert patched["email"] is None
    assert patched["name"] == "Grace Hopper"  # absent keys keep their value
    merged = http.patch(item, json={"metadata": {"ship": "USS", "rank": None}}).json()
    assert merged["metadata"] == {"ship": "USS"}
    cleared = http.patch(item, json={"metadata": None}).json()
    assert cleared["metadata"] == {}
    untouched = http.patch(item, json={}).json()
    assert untouched == cleared

    deleted = http.delete(item).json()
    assert deleted == {**cleared, "deleted": True}
    assert sandbox.customer_count == count
    for response in (http.get(item), http.patch(item, json={}), http.delete(item)):
        assert response.status_code == 404
        assert error_of(response)["type"] == "not_found"
    assert created["id"] not in all_ids(http)


def test_create_accepts_nulls_and_an_empty_body(http: httpx.Client) -> None:
    nulls = http.post(PATH, json={"name": None, "email": None, "phone": None, "metadata": None})
    assert nulls.status_code == 200
    assert nulls.json()["metadata"] == {}
    empty = http.post(PATH)
    assert empty.status_code == 200
    assert empty.json()["name"] is None
    null_values = http.post(PATH, json={"metadata": {"a": "1", "b": None}}).json()
    assert null_values["metadata"] == {"a": "1"}


@pytest.mark.parametrize(
    "body",
    [
        {"email": 5},
        {"name": ["Ada"]},
        {"phone": True},
        {"metadata": "tier=gold"},
        {"metadata": {"tier": 1}},
        ["not", "an", "object"],
    ],
)
def test_wrong_types_are_422(http: httpx.Client, body: object) -> None:
    response = http.post(PATH, json=body)
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid_type"


@pytest.mark.parametrize(
    ("content", "content_type", "code"),
    [
        (b"{not json", "application/json", "invalid_json"),
        (b'{"colour": "red"}', "application/json", "unknown_parameter"),
        (b"name=Ada", "application/x-www-form-urlencoded", "unsupported_content_type"),
    ],
)
def test_unreadable_bodies_are_400(
    http: httpx.Client, content: bytes, content_type: str, code: str
) -> None:
    response = http.post(PATH, content=content, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert error_of(response)["code"] == code


def test_path_ids_are_percent_decoded_exactly_once(http: httpx.Client) -> None:
    customer_id = all_ids(http)[0]
    encoded = "cus%5F" + customer_id[4:]
    assert http.get(f"{PATH}/{encoded}").json()["id"] == customer_id
    double_encoded = "cus%255F" + customer_id[4:]
    assert http.get(f"{PATH}/{double_encoded}").status_code == 404
    traversal = http.get(f"{PATH}/..%2F..%2Fapi%2Fpublic%2Fcustomers")
    assert traversal.status_code == 404
    assert "../../api/public/customers" in error_of(traversal)["message"]


@pytest.mark.parametrize("path", [f"{PATH}/a/b", f"{PATH}/", "/rest/v2/customers", "/rest"])
def test_unknown_paths_are_404(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "route_not_found"


def test_wrong_method_is_405_with_allow(http: httpx.Client) -> None:
    item = f"{PATH}/{all_ids(http)[0]}"
    response = http.put(item, json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, PATCH"
    assert http.delete(PATH).headers["allow"] == "GET, POST"


@pytest.mark.parametrize(
    ("authorization", "status", "code"),
    [
        (None, 401, "missing_api_key"),
        ("Bearer sk_test_other_key", 401, "invalid_api_key"),
        ("Basic c2tfdGVzdF9zYW5kYm94Og==", 401, "missing_api_key"),
        ("Bearer rk_test_limited_key", 403, "forbidden"),
    ],
)
def test_auth_errors(sandbox: Sandbox, authorization: str | None, status: int, code: str) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    with httpx.Client(transport=SandboxTransport(sandbox), base_url="http://sandbox") as client:
        response = client.get(PATH, headers=headers)
    assert response.status_code == status
    assert error_of(response)["code"] == code
    assert "sk_test_other_key" not in response.text


def test_idempotent_writes_replay_and_conflicts_are_409(
    http: httpx.Client, sandbox: Sandbox
) -> None:
    headers = {"Idempotency-Key": "create-1"}
    first = http.post(PATH, json={"name": "Once"}, headers=headers)
    count = sandbox.customer_count
    replay = http.post(PATH, json={"name": "Once"}, headers=headers)
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    assert sandbox.customer_count == count
    conflict = http.post(PATH, json={"name": "Other"}, headers=headers)
    assert conflict.status_code == 409
    assert error_of(conflict)["code"] == "idempotency_key_reused"

    item = f"{PATH}/{first.json()['id']}"
    deleted = http.delete(item, headers={"Idempotency-Key": "delete-1"})
    again = http.delete(item, headers={"Idempotency-Key": "delete-1"})
    assert again.status_code == 200
    assert again.json() == deleted.json()


def test_the_same_idempotency_key_is_independent_per_dialect(http: httpx.Client) -> None:
    headers = {"Idempotency-Key": "shared-key"}
    cursor = http.post(PATH, json={"name": "Cursor"}, headers=headers).json()
    stripe = http.post("/v1/customers", data={"name": "Stripe"}, headers=headers).json()
    assert cursor["id"] != stripe["id"]
