"""The sandbox's `stripe` dialect (Stripe v1 customers), through the in-process transport."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import sandbox_client
from customers_sdk.sandbox import Sandbox, SandboxTransport

API_KEY = "sk_test_sandbox"
# The keys of the `customer` object in Stripe's OpenAPI fixtures, plus the two names the
# fixture predates and stripe-python 16's `Customer` has.
STRIPE_CUSTOMER_FIELDS = {
    "id", "object", "address", "balance", "created", "currency", "default_source", "delinquent",
    "description", "discount", "email", "invoice_prefix", "invoice_settings", "livemode",
    "metadata", "name", "next_invoice_sequence", "phone", "preferred_locales", "shipping",
    "tax_exempt", "test_clock", "business_name", "individual_name",
}  # fmt: skip


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(customers=45, restricted_api_key="rk_test_restricted")


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with sandbox_client(sandbox) as client:
        yield client


def ids(page: dict[str, Any]) -> list[str]:
    return [customer["id"] for customer in page["data"]]


def all_ids(http: httpx.Client) -> list[str]:
    return ids(http.get("/v1/customers", params={"limit": 100}).json())


def error_of(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body


def test_list_has_stripe_shape_and_defaults(http: httpx.Client) -> None:
    response = http.get("/v1/customers")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["request-id"].startswith("req_")
    page = response.json()
    assert page["object"] == "list"
    assert page["url"] == "/v1/customers"
    assert page["has_more"] is True
    assert len(page["data"]) == 10
    created = [customer["created"] for customer in page["data"]]
    assert created == sorted(created, reverse=True)


def test_customer_has_every_field_of_the_stripe_fixture(http: httpx.Client) -> None:
    customer = http.get("/v1/customers", params={"limit": 1}).json()["data"][0]
    assert set(customer) == STRIPE_CUSTOMER_FIELDS
    assert customer["object"] == "customer"
    assert customer["livemode"] is False
    assert isinstance(customer["created"], int)
    assert customer["created"] < 10**11  # epoch seconds, not milliseconds


def test_wide_customers_fill_every_field_of_the_fixture() -> None:
    # The benchmark's wide mode: every nested object there to be read, the same keys as ever.
    with sandbox_client(Sandbox(customers=30, wide=True)) as http:
        customers = http.get("/v1/customers", params={"limit": 30}).json()["data"]
    for customer in customers:
        assert set(customer) == STRIPE_CUSTOMER_FIELDS
        nullable = {"name", "email", "phone", "currency"}  # as the narrow seed leaves them
        assert not [key for key, value in customer.items() if value is None and key not in nullable]
        assert customer["address"]["line1"] == customer["shipping"]["address"]["line1"]
        assert len(customer["invoice_settings"]["custom_fields"]) == 2
        assert customer["discount"]["source"]["type"] == "coupon"
    assert len({c["address"]["city"] for c in customers}) > 1


def test_request_ids_are_unique(http: httpx.Client) -> None:
    request_ids = {http.get("/v1/customers").headers["request-id"] for _ in range(5)}
    assert len(request_ids) == 5


@pytest.mark.parametrize(
    ("headers", "message_part"),
    [
        ({}, "You did not provide an API key"),
        ({"Authorization": "Bearer sk_test_wrong_key_abc"}, "sk_test_***abc"),
        ({"Authorization": "Token sk_test_sandbox"}, "You did not provide an API key"),
    ],
)
def test_missing_or_wrong_key_is_401_without_echoing_the_key(
    sandbox: Sandbox, headers: dict[str, str], message_part: str
) -> None:
    with httpx.Client(transport=SandboxTransport(sandbox), base_url="http://sandbox") as client:
        response = client.get("/v1/customers", headers=headers)
    assert response.status_code == 401
    error = error_of(response)
    assert error["type"] == "invalid_request_error"
    assert message_part in error["message"]
    assert "sk_test_wrong_key_abc" not in response.text


def test_basic_auth_with_the_key_as_user_name_is_accepted(sandbox: Sandbox) -> None:
    with httpx.Client(transport=SandboxTransport(sandbox), base_url="http://sandbox") as client:
        assert client.get("/v1/customers", auth=(API_KEY, "")).status_code == 200
        garbled = {"Authorization": "Basic !!not-base64!!"}
        assert client.get("/v1/customers", headers=garbled).status_code == 401
        empty_user = base64.b64encode(b":secret").decode()
        assert (
            client.get(
                "/v1/customers", headers={"Authorization": f"Basic {empty_user}"}
            ).status_code
            == 401
        )


def test_restricted_key_authenticates_but_is_forbidden(http: httpx.Client) -> None:
    response = http.get("/v1/customers", headers={"Authorization": "Bearer rk_test_restricted"})
    assert response.status_code == 403
    assert "rk_test_***ted" in error_of(response)["message"]
    assert "rk_test_restricted" not in response.text


@pytest.mark.parametrize("limit", ["0", "101", "abc", "1.5", "", "-1"])
def test_bad_limit_is_400_naming_the_param(http: httpx.Client, limit: str) -> None:
    response = http.get("/v1/customers", params={"limit": limit})
    assert response.status_code == 400
    assert error_of(response)["param"] == "limit"


def test_limit_bounds_are_accepted(http: httpx.Client) -> None:
    assert len(http.get("/v1/customers", params={"limit": 1}).json()["data"]) == 1
    page = http.get("/v1/customers", params={"limit": 100}).json()
    assert len(page["data"]) == 45
    assert page["has_more"] is False


def test_both_cursors_is_400(http: httpx.Client) -> None:
    first = all_ids(http)[0]
    params = {"starting_after": first, "ending_before": first}
    response = http.get("/v1/customers", params=params)
    assert response.status_code == 400
    assert "only specify one" in error_of(response)["message"]


@pytest.mark.parametrize("param", ["starting_after", "ending_before"])
def test_unknown_cursor_id_is_400_resource_missing(http: httpx.Client, param: str) -> None:
    response = http.get("/v1/customers", params={param: "cus_nope"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "resource_missing"
    assert error_of(response)["param"] == param


def test_walking_forward_then_backward_visits_everyone_once(http: httpx.Client) -> None:
    expected = all_ids(http)
    forward: list[str] = []
    params: dict[str, Any] = {"limit": 7}
    while True:
        page = http.get("/v1/customers", params=params).json()
        forward += ids(page)
        if not page["has_more"]:
            break
        params["starting_after"] = page["data"][-1]["id"]
    assert forward == expected

    backward: list[str] = []
    params = {"limit": 7, "ending_before": expected[-1]}
    while True:
        page = http.get("/v1/customers", params=params).json()
        backward = ids(page) + backward
        if not page["has_more"]:
            break
        params["ending_before"] = page["data"][0]["id"]
    assert backward == expected[:-1]


def test_ending_before_returns_the_page_just_before(http: httpx.Client) -> None:
    expected = all_ids(http)
    page = http.get("/v1/customers", params={"limit": 3, "ending_before": expected[10]}).json()
    assert ids(page) == expected[7:10]
    assert page["has_more"] is True
    page = http.get("/v1/customers", params={"limit": 3, "ending_before": expected[2]}).json()
    assert ids(page) == expected[0:2]
    assert page["has_more"] is False


def test_email_filter_is_exact_and_case_sensitive(http: httpx.Client) -> None:
    customers = http.get("/v1/customers", params={"limit": 100}).json()["data"]
    email = next(c["email"] for c in customers if c["email"])
    page = http.get("/v1/customers", params={"email": email}).json()
    assert [c["email"] for c in page["data"]] == [email]
    assert http.get("/v1/customers", params={"email": email.upper()}).json()["data"] == []
    domain = email.split("@")[1]
    assert http.get("/v1/customers", params={"email": domain}).json()["data"] == []


def test_created_filters(http: httpx.Client) -> None:
    customers = http.get("/v1/customers", params={"limit": 100}).json()["data"]
    pivot = customers[20]["created"]

    def matching(**bounds: int) -> set[str]:
        params = {"limit": 100, **{f"created[{op}]": value for op, value in bounds.items()}}
        return set(ids(http.get("/v1/customers", params=params).json()))

    assert matching(gte=pivot) == {c["id"] for c in customers if c["created"] >= pivot}
    assert matching(gt=pivot) == {c["id"] for c in customers if c["created"] > pivot}
    assert matching(lt=pivot) == {c["id"] for c in customers if c["created"] < pivot}
    assert matching(lte=pivot, gt=pivot - 10**7) == {
        c["id"] for c in customers if pivot - 10**7 < c["created"] <= pivot
    }
    exact = http.get("/v1/customers", params={"created": pivot}).json()
    assert customers[20]["id"] in ids(exact)
    response = http.get("/v1/customers", params={"created[gte]": "soon"})
    assert response.status_code == 400
    assert error_of(response)["param"] == "created[gte]"


def test_created_ranges_are_pages_of_the_whole_list_found_by_bisection(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    # A range is a run of the newest-first list, paged like it, whichever bounds give it
    # (the store finds them by bisection, where it used to test each newer customer).
    customers = http.get("/v1/customers", params={"limit": 100}).json()["data"]
    top, bottom = customers[5]["created"], customers[30]["created"]
    ranges: list[dict[str, int]] = [
        {"created[gte]": bottom, "created[lt]": top},
        {"created[gt]": bottom, "created[lte]": top, "created[lt]": top + 10**9},
        {"created[gt]": bottom - 10**9, "created": bottom},
        {"created[lte]": top},
    ]
    for bounds in ranges:
        exact = bounds.get("created")
        low = max(bounds.get("created[gte]", 0), bounds.get("created[gt]", -1) + 1)
        high = min(bounds.get("created[lt]", 2**40), bounds.get("created[lte]", 2**40) + 1)
        if exact is not None:
            low, high = max(low, exact), min(high, exact + 1)
        expected = [c["id"] for c in customers if low <= c["created"] < high]
        walked: list[str] = []
        after: dict[str, str] = {}
        for _ in range(50):
            page = http.get("/v1/customers", params={"limit": 3, **bounds, **after}).json()
            walked += ids(page)
            if not page["has_more"]:
                break
            after = {"starting_after": walked[-1]}
        assert walked == expected


@pytest.mark.parametrize("param", ["colour", "created[between]", "offset"])
def test_unknown_list_param_is_400(http: httpx.Client, param: str) -> None:
    response = http.get("/v1/customers", params={param: "1"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "parameter_unknown"
    assert error_of(response)["param"] == param


def test_expand_params_are_tolerated(http: httpx.Client) -> None:
    response = http.get("/v1/customers", params={"expand[]": "data.default_source"})
    assert response.status_code == 200


def test_retrieve_and_missing_customer(http: httpx.Client) -> None:
    customer_id = all_ids(http)[3]
    assert http.get(f"/v1/customers/{customer_id}").json()["id"] == customer_id
    response = http.get("/v1/customers/cus_missing")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "resource_missing",
            "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
            "message": "No such customer: 'cus_missing'",
            "param": "id",
            "type": "invalid_request_error",
        }
    }


def test_create_with_metadata_then_update_and_unset(http: httpx.Client, sandbox: Sandbox) -> None:
    before = sandbox.customer_count
    created = http.post(
        "/v1/customers",
        data={
            "email": "ada@example.com",
            "name": "Ada Lovelace",
            "phone": "+441234",
            "description": "first",
            "metadata[tier]": "gold",
            "metadata[team]": "core",
        },
    ).json()
    assert created["email"] == "ada@example.com"
    assert created["metadata"] == {"tier": "gold", "team": "core"}
    assert created["description"] == "first"
    assert sandbox.customer_count == before + 1
    assert all_ids(http)[0] == created["id"]

    path = f"/v1/customers/{created['id']}"
    updated = http.post(path, data={"name": "", "metadata[tier]": "", "phone": "+1"}).json()
    assert updated["name"] is None
    assert updated["phone"] == "+1"
    assert updated["email"] == "ada@example.com"
    assert updated["metadata"] == {"team": "core"}
    cleared = http.post(path, data={"metadata": ""}).json()
    assert cleared["metadata"] == {}
    assert http.get(path).json() == cleared


def test_metadata_edits_apply_in_order(http: httpx.Client) -> None:
    body = "metadata=&metadata[a]=1&metadata[b]=2&metadata[a]="
    created = http.post(
        "/v1/customers",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ).json()
    assert created["metadata"] == {"b": "2"}


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({f"k{i}": "v" for i in range(51)}, "Metadata can have up to 50 keys, but you've set 51."),
        ({"k" * 41: "v"}, f"Invalid key: {'k' * 41} must be a string under 40 characters"),
        ({"k": "v" * 501}, f"Invalid val: {'v' * 501} must be a string under 500 characters"),
    ],
)
def test_metadata_over_stripes_limits_is_400_and_nothing_is_written(
    http: httpx.Client, sandbox: Sandbox, metadata: dict[str, str], message: str
) -> None:
    # Stripe's limits: 50 keys, keys of up to 40 characters, values of up to 500.
    form = {f"metadata[{key}]": value for key, value in metadata.items()}
    before = sandbox.customer_count
    error = error_of(http.post("/v1/customers", data={"name": "Ada", **form}))
    assert (error["message"], error["param"]) == (message, "metadata")
    assert sandbox.customer_count == before
    customer = http.post("/v1/customers", data={"name": "Ada"}).json()
    path = f"/v1/customers/{customer['id']}"
    assert error_of(http.post(path, data={"name": "Grace", **form}))["message"] == message
    assert http.get(path).json() == customer


def test_metadata_at_stripes_limits_is_stored(http: httpx.Client) -> None:
    full = {f"metadata[{i:0>40}]": "v" * 500 for i in range(50)}
    customer = http.post("/v1/customers", data=full).json()
    assert len(customer["metadata"]) == 50
    path = f"/v1/customers/{customer['id']}"
    # The limit is on what the customer ends up with: a new key replacing one removed fits.
    swapped = {f"metadata[{0:0>40}]": "", "metadata[new]": "v"}
    assert len(http.post(path, data=swapped).json()["metadata"]) == 50
    error = error_of(http.post(path, data={"metadata[one_more]": "v"}))
    assert error["message"] == "Metadata can have up to 50 keys, but you've set 51."


def test_create_with_no_body_makes_an_empty_customer(http: httpx.Client) -> None:
    created = http.post("/v1/customers").json()
    assert created["email"] is None
    assert created["name"] is None
    assert created["metadata"] == {}


@pytest.mark.parametrize(
    ("data", "param"),
    [({"colour": "red"}, "colour"), ({"metadata": "x"}, "metadata")],
)
def test_bad_write_params_are_400(http: httpx.Client, data: dict[str, str], param: str) -> None:
    response = http.post("/v1/customers", data=data)
    assert response.status_code == 400
    assert error_of(response)["param"] == param


def test_writes_must_be_form_encoded_utf8(http: httpx.Client) -> None:
    assert http.post("/v1/customers", json={"name": "Ada"}).status_code == 400
    response = http.post(
        "/v1/customers",
        content=b"name=\xff",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400


def test_delete_then_lists_skip_and_retrieve_reports_deleted(http: httpx.Client) -> None:
    victim = all_ids(http)[2]
    deleted = http.delete(f"/v1/customers/{victim}").json()
    assert deleted == {"id": victim, "object": "customer", "deleted": True}
    assert victim not in all_ids(http)
    assert http.get(f"/v1/customers/{victim}").json() == deleted
    assert http.delete(f"/v1/customers/{victim}").status_code == 404
    assert http.post(f"/v1/customers/{victim}", data={"name": "x"}).status_code == 404


def test_a_cursor_naming_a_deleted_customer_still_pages(http: httpx.Client) -> None:
    expected = all_ids(http)
    http.delete(f"/v1/customers/{expected[4]}")
    page = http.get("/v1/customers", params={"limit": 2, "starting_after": expected[4]}).json()
    assert ids(page) == expected[5:7]


def test_idempotency_key_replays_the_first_reply(http: httpx.Client, sandbox: Sandbox) -> None:
    headers = {"Idempotency-Key": "key-1"}
    first = http.post("/v1/customers", data={"name": "Once"}, headers=headers)
    count = sandbox.customer_count
    replay = http.post("/v1/customers", data={"name": "Once"}, headers=headers)
    assert replay.status_code == first.status_code
    assert replay.content == first.content
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.headers["original-request"] == first.headers["request-id"]
    assert "idempotent-replayed" not in first.headers
    assert sandbox.customer_count == count

    conflict = http.post("/v1/customers", data={"name": "Twice"}, headers=headers)
    assert conflict.status_code == 400
    assert error_of(conflict)["type"] == "idempotency_error"
    assert "key-1" in error_of(conflict)["message"]
    assert sandbox.customer_count == count


def test_idempotency_keys_are_scoped_per_path(http: httpx.Client) -> None:
    headers = {"Idempotency-Key": "key-2"}
    created = http.post("/v1/customers", data={"name": "A"}, headers=headers).json()
    path = f"/v1/customers/{created['id']}"
    assert http.post(path, data={"name": "A"}, headers=headers).status_code == 400


def test_failed_writes_are_not_remembered(http: httpx.Client) -> None:
    headers = {"Idempotency-Key": "key-3"}
    assert http.post("/v1/customers/cus_nope", data={}, headers=headers).status_code == 404
    assert http.post("/v1/customers/cus_nope", data={}, headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v2/customers"), ("GET", "/"), ("PUT", "/v1/customers"), ("GET", "/v1/customers/")],
)
def test_unknown_urls_are_404_unrecognized(http: httpx.Client, method: str, path: str) -> None:
    response = http.request(method, path)
    assert response.status_code == 404
    assert error_of(response)["message"].startswith(f"Unrecognized request URL ({method}: ")


def test_customers_are_shared_with_the_other_dialects(http: httpx.Client) -> None:
    created = http.post("/v1/customers", data={"email": "shared@example.com"}).json()
    cursor = http.get(f"/rest/v1/customers/{created['id']}").json()
    assert cursor["email"] == "shared@example.com"
    offset = http.get("/api/public/customers", params={"limit": 1}).json()["data"][0]
    assert offset["stripeCustomerId"] == created["id"]
    assert offset["id"] == "46"
