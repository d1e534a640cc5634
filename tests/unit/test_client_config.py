"""Client construction and lifetime: keys and base URLs (arguments and environment), option
checks, reprs without the key, and who closes which connection pool.

Every test runs against the sync and the async client (the ``drive`` fixture).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from conftest import API_KEY, BASE_URLS, COLLECTIONS, DIALECTS, Drive, page_body, wire_customer
from customers_sdk import CustomersClient, InvalidParameterError

ENV_NAMES = ("STRIPE_API_KEY", "CUSTOMERS_API_KEY", "CUSTOMERS_BASE_URL")
KEY_ENV = {"stripe": "STRIPE_API_KEY", "offset": "CUSTOMERS_API_KEY", "cursor": "CUSTOMERS_API_KEY"}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _base(dialect: str) -> dict[str, Any]:
    return {} if dialect == "stripe" else {"base_url": BASE_URLS[dialect]}


# -- the API key ----------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("api_key", [None, ""])
def test_missing_key_is_a_clear_error_at_construction(
    drive: Drive, dialect: str, api_key: str | None
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        drive.dialect(dialect, api_key=api_key, **_base(dialect))
    assert caught.value.param == "api_key"
    assert KEY_ENV[dialect] in str(caught.value)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_key_falls_back_to_the_environment(
    drive: Drive,
    mock_api: respx.MockRouter,
    clean_environment: pytest.MonkeyPatch,
    dialect: str,
) -> None:
    clean_environment.setenv(KEY_ENV[dialect], "sk_from_env")
    route = mock_api.get(COLLECTIONS[dialect]).respond(json=page_body(dialect, [], has_more=False))
    drive.dialect(dialect, **_base(dialect)).first_page()
    assert route.calls.last.request.headers["authorization"] == "Bearer sk_from_env"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_argument_beats_the_environment(
    drive: Drive,
    mock_api: respx.MockRouter,
    clean_environment: pytest.MonkeyPatch,
    dialect: str,
) -> None:
    clean_environment.setenv(KEY_ENV[dialect], "sk_from_env")
    route = mock_api.get(COLLECTIONS[dialect]).respond(json=page_body(dialect, [], has_more=False))
    drive.dialect(dialect, api_key=API_KEY, **_base(dialect)).first_page()
    assert route.calls.last.request.headers["authorization"] == f"Bearer {API_KEY}"


@pytest.mark.parametrize(
    ("dialect", "wrong_env"),
    [("stripe", "CUSTOMERS_API_KEY"), ("offset", "STRIPE_API_KEY"), ("cursor", "STRIPE_API_KEY")],
)
def test_each_dialect_reads_only_its_own_key_variable(
    drive: Drive, clean_environment: pytest.MonkeyPatch, dialect: str, wrong_env: str
) -> None:
    clean_environment.setenv(wrong_env, "sk_elsewhere")
    with pytest.raises(InvalidParameterError, match=KEY_ENV[dialect]):
        drive.dialect(dialect, **_base(dialect))


# -- the base URL ---------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", ["offset", "cursor"])
def test_missing_base_url_is_a_clear_error(drive: Drive, dialect: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        drive.dialect(dialect, api_key=API_KEY)
    assert caught.value.param == "base_url"
    assert "CUSTOMERS_BASE_URL" in str(caught.value)
    assert repr(dialect) in str(caught.value)


@pytest.mark.parametrize("dialect", ["offset", "cursor"])
def test_base_url_falls_back_to_the_environment(
    drive: Drive, clean_environment: pytest.MonkeyPatch, dialect: str
) -> None:
    clean_environment.setenv("CUSTOMERS_BASE_URL", "https://env.example.com/")
    client = drive.dialect(dialect, api_key=API_KEY).client
    assert client.base_url == "https://env.example.com"


def test_stripe_defaults_to_api_stripe_com(
    drive: Drive, clean_environment: pytest.MonkeyPatch
) -> None:
    # CUSTOMERS_BASE_URL names the offset/cursor backend, never Stripe's.
    clean_environment.setenv("CUSTOMERS_BASE_URL", "https://env.example.com")
    assert drive.stripe(api_key=API_KEY).client.base_url == "https://api.stripe.com"
    other = drive.stripe(api_key=API_KEY, base_url="http://127.0.0.1:8420/").client
    assert other.base_url == "http://127.0.0.1:8420"


@pytest.mark.parametrize("url", ["api.example.com", "ftp://api.example.com", "//x"])
def test_base_url_needs_a_http_scheme(drive: Drive, url: str) -> None:
    with pytest.raises(InvalidParameterError, match="http:// or https://") as caught:
        drive.cursor(api_key=API_KEY, base_url=url)
    assert caught.value.param == "base_url"


# -- other options --------------------------------------------------------------------------
@pytest.mark.parametrize("value", [-1, True, "2", 1.5, None])
def test_bad_max_retries(drive: Drive, value: Any) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        drive.stripe(api_key=API_KEY, max_retries=value)
    assert caught.value.param == "max_retries"


# 10**5000 is past any float (an OverflowError at the first request); at 1e-300 a second
# request would wait 1e300 s, which no timer holds (an OverflowError while waiting).
@pytest.mark.parametrize(
    "value",
    [0, -5, "5", True, float("nan"), 10**5000, 1e-300],
    ids=["0", "-5", "'5'", "True", "nan", "10**5000", "1e-300"],
)
def test_bad_max_requests_per_second(drive: Drive, value: Any) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        drive.stripe(api_key=API_KEY, max_requests_per_second=value)
    assert caught.value.param == "max_requests_per_second"
    assert isinstance(caught.value, ValueError)


def test_options_are_applied(drive: Drive, mock_api: respx.MockRouter) -> None:
    route = mock_api.get(COLLECTIONS["cursor"]).respond(
        json=page_body("cursor", [], has_more=False)
    )
    client = drive.cursor(
        api_key=API_KEY,
        base_url=BASE_URLS["cursor"] + "/",
        timeout=7.5,
        max_requests_per_second=1000,
        default_headers={"X-Tenant": "acme"},
    )
    assert client.client.dialect == "cursor"
    assert client.client.base_url == BASE_URLS["cursor"]
    client.first_page()
    client.first_page(timeout=httpx.Timeout(1.0, connect=0.5))
    first, second = (call.request for call in route.calls)
    assert first.headers["x-tenant"] == "acme"
    assert first.extensions["timeout"] == httpx.Timeout(7.5).as_dict()
    assert second.extensions["timeout"] == httpx.Timeout(1.0, connect=0.5).as_dict()


# -- the key never shows --------------------------------------------------------------------
@pytest.mark.parametrize("dialect", DIALECTS)
def test_repr_never_shows_the_key(drive: Drive, dialect: str) -> None:
    client = drive.dialect(dialect, api_key=API_KEY, **_base(dialect)).client
    expected_url = BASE_URLS[dialect]
    assert repr(client) == (
        f"{type(client).__name__}(dialect={dialect!r}, base_url={expected_url!r})"
    )
    for text in (repr(client), str(client), repr(client._settings), str(vars(client)["_settings"])):
        assert API_KEY not in text


# -- lifetime ---------------------------------------------------------------------------------
def test_with_closes_a_client_we_made(drive: Drive, mock_api: respx.MockRouter) -> None:
    mock_api.get(f"{COLLECTIONS['stripe']}/cus_1").respond(json=wire_customer("stripe", 1))
    driver = drive.stripe(api_key=API_KEY)
    with driver.session() as entered:
        assert entered is driver.client
        assert driver.get("cus_1").id == "cus_0001"
        assert driver.client._http.is_closed is False
    assert driver.client._http.is_closed is True


def test_close_closes_a_client_we_made(drive: Drive) -> None:
    driver = drive.cursor(api_key=API_KEY, base_url=BASE_URLS["cursor"])
    driver.close()
    assert driver.client._http.is_closed is True


def test_caller_owned_http_client_is_used_and_never_closed(drive: Drive) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=wire_customer("cursor", 1))

    transport = httpx.MockTransport(handler)
    http: httpx.Client | httpx.AsyncClient = (
        httpx.Client(transport=transport)
        if drive.mode == "sync"
        else httpx.AsyncClient(transport=transport)
    )
    driver = drive.cursor(api_key=API_KEY, base_url=BASE_URLS["cursor"], http_client=http)
    with driver.session():
        driver.get("c_1")
    driver.close()
    assert http.is_closed is False
    assert [r.url.path for r in seen] == ["/v1/customers/c_1"]
    assert seen[0].headers["authorization"] == f"Bearer {API_KEY}"
    if isinstance(http, httpx.Client):
        http.close()
    else:
        drive.run(http.aclose)
    assert http.is_closed is True


@pytest.mark.parametrize(
    "timeout",
    [
        "5",
        -1,
        float("nan"),
        True,
        float("inf"),
        10**400,
        httpx.Timeout(float("nan")),
        httpx.Timeout(1.0, connect=-1.0),
        httpx.Timeout(1.0, write=float("inf")),
    ],
    ids=repr,
)
def test_bad_timeout_is_an_invalid_parameter(timeout: object) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        CustomersClient.stripe(api_key="sk_test_x", timeout=timeout)  # type: ignore[arg-type]
    assert caught.value.param == "timeout"


def test_none_timeout_means_no_timeout() -> None:
    client = CustomersClient.stripe(api_key="sk_test_x", timeout=None)
    assert client._settings.timeout == httpx.Timeout(None)
