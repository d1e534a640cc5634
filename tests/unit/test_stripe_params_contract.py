"""The SDK's Stripe params against stripe-python's own generated params ``TypedDict``s.

For every param of every Customers operation, the SDK's ``TypedDict`` must declare it (nested
keys too) with a type that accepts what stripe-python's accepts, and for sample values derived
from stripe-python's types the SDK must send the same pairs as stripe-python's encoder. When
stripe-python is bumped, these tests name each param, key or enum value the SDK lacks.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

import pytest
import respx
from typing_extensions import TypedDict, is_typeddict

from conftest import Drive, form_of, mock_operations, only_request, query_of, unit_driver
from customers_sdk import InvalidParameterError
from customers_sdk._dialects import _stripe_params as sdk
from customers_sdk._dialects._stripe_form import encode_params

stripe = pytest.importorskip("stripe")
from stripe import _request_options  # noqa: E402
from stripe._encode import _api_encode  # noqa: E402
from stripe._request_options import RequestOptions  # noqa: E402
from stripe.params import (  # noqa: E402
    CustomerCreateParams,
    CustomerDeleteParams,
    CustomerListParams,
    CustomerModifyParams,
    CustomerRetrieveParams,
    CustomerSearchParams,
)

# stripe-python's name -> the SDK's params type for the same operation.
OPERATIONS: dict[str, tuple[type, type]] = {
    "create": (CustomerCreateParams, sdk.CustomerCreateParams),
    "modify": (CustomerModifyParams, sdk.CustomerUpdateParams),
    "list": (CustomerListParams, sdk.CustomerListParams),
    "retrieve": (CustomerRetrieveParams, sdk.CustomerRetrieveParams),
    "search": (CustomerSearchParams, sdk.CustomerSearchParams),
    "delete": (CustomerDeleteParams, sdk.CustomerDeleteParams),
}
# Per-request options (api_key, stripe_account, idempotency_key…) are not params.
REQUEST_OPTIONS = frozenset(RequestOptions.__annotations__)
# The options' annotations name types their module imports only for type checkers; they are
# evaluated (and then dropped) with every params type that inherits them.
OPTIONS_NAMESPACE = {**vars(_request_options), "StripeContext": stripe.StripeContext}


def hints(shape: type) -> dict[str, Any]:
    return {
        name: hint
        for name, hint in typing.get_type_hints(shape, localns=OPTIONS_NAMESPACE).items()
        if name not in REQUEST_OPTIONS
    }


def members(hint: Any) -> tuple[Any, ...]:
    """The alternatives of a union, literal values split into one-value literals."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return tuple(m for arg in typing.get_args(hint) for m in members(arg))
    if typing.get_origin(hint) is typing.Literal:
        return tuple(typing.Literal[value] for value in typing.get_args(hint))
    return (hint,)


def their_members(hint: Any) -> tuple[Any, ...]:
    """stripe-python's alternatives, without the ``str`` it adds to every enum.

    ``Literal['exempt', 'none', 'reverse'] | str`` keeps stripe-python's types valid when Stripe
    adds a value; the SDK's enums are closed, and this test names any value they lack.
    """
    found = members(hint)
    is_enum = any(typing.get_args(m)[0] for m in found if typing.get_origin(m) is typing.Literal)
    return tuple(m for m in found if not (is_enum and m is str))


def is_stripe_object(hint: Any) -> bool:
    kind = typing.get_origin(hint) or hint
    return isinstance(kind, type) and issubclass(kind, stripe.StripeObject)


def accepts(ours: Any, theirs: Any, path: str) -> list[str]:
    """What stripe-python accepts at ``path`` and the SDK's type does not, as messages."""
    problems: list[str] = []
    our_members = members(ours)
    for their in their_members(theirs):
        if is_stripe_object(their):
            continue  # stripe-python's own object types: a dict is what users pass
        origin = typing.get_origin(their)
        if origin is typing.Literal:
            (value,) = typing.get_args(their)
            if their not in our_members and type(value) not in our_members:
                problems.append(f"{path}: value {value!r} is not accepted")
        elif is_typeddict(their):
            found = [m for m in our_members if is_typeddict(m)]
            problems += (
                compare_shapes(found[0], their, path)
                if found
                else [f"{path}: takes no nested params"]
            )
        elif origin in (list, dict):
            found = [m for m in our_members if typing.get_origin(m) in (origin, Mapping)]
            if not found:
                problems.append(f"{path}: takes no {origin.__name__}")
            else:
                their_item, our_item = typing.get_args(their)[-1], typing.get_args(found[0])[-1]
                problems += accepts(our_item, their_item, f"{path}[]")
        elif their not in our_members:
            problems.append(f"{path}: {getattr(their, '__name__', their)} is not accepted")
    return problems


def required_keys(shape: type) -> frozenset[str]:
    keys: frozenset[str] = typing.cast(Any, shape).__required_keys__
    return keys


def compare_shapes(ours: type, theirs: type, path: str) -> list[str]:
    our_hints, their_hints = hints(ours), hints(theirs)
    problems: list[str] = []
    for name in sorted(our_hints.keys() | their_hints.keys()):
        where = f"{path}.{name}" if path else name
        if name not in our_hints:
            problems.append(f"{where}: missing")
        elif name not in their_hints:
            problems.append(f"{where}: not a stripe-python param")
        else:
            if name in required_keys(ours) and name not in required_keys(theirs):
                problems.append(f"{where}: required here, optional in stripe-python")
            problems += accepts(our_hints[name], their_hints[name], where)
    return problems


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_stripe_python_param_is_declared_with_a_compatible_type(operation: str) -> None:
    theirs, ours = OPERATIONS[operation]
    problems = compare_shapes(ours, theirs, "")
    assert not problems, "\n".join(problems)


def samples(hint: Any) -> Iterator[Any]:
    """One value per alternative of a stripe-python type, nested shapes filled in full."""
    for member in their_members(hint):
        origin = typing.get_origin(member)
        if origin is typing.Literal:
            yield typing.get_args(member)[0]
        elif is_typeddict(member):
            yield full_sample(member)
        elif origin is list:
            (item,) = typing.get_args(member)
            yield [*list(samples(item))[-1:], *list(samples(item))[-1:]]
        elif origin is dict:
            yield {"tier": "gold", "region": "emea"}
        elif member is bool:
            yield from (True, False)
        elif member is int:
            yield 42
        elif member is str:
            yield "sample text"


def full_sample(shape: type) -> dict[str, Any]:
    """Every key of ``shape`` with its richest sample (a nested shape or a list when allowed)."""
    return {name: list(samples(hint))[-1] for name, hint in hints(shape).items()}


def stripe_python_pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    # What goes over the wire, decoded: the same path stripe-python's requestor takes.
    return parse_qsl(urlencode(list(_api_encode(params))), keep_blank_values=True)


def cases() -> Iterator[Any]:
    for operation, (theirs, _) in OPERATIONS.items():
        yield pytest.param(operation, full_sample(theirs), id=f"{operation}-all")
        for name, hint in hints(theirs).items():
            for index, value in enumerate(samples(hint)):
                params = {name: value}
                # A required key goes with every sample, as stripe-python requires it too.
                params.update({key: full_sample(theirs)[key] for key in required_keys(theirs)})
                yield pytest.param(operation, params, id=f"{operation}-{name}-{index}")


@pytest.mark.parametrize(("operation", "params"), list(cases()))
def test_the_sdk_sends_the_pairs_stripe_python_sends(
    operation: str, params: dict[str, Any]
) -> None:
    _, ours = OPERATIONS[operation]
    assert list(encode_params(params, ours)) == stripe_python_pairs(params)


def test_samples_cover_nested_lists_enums_and_unsets() -> None:
    pairs = dict(encode_params(full_sample(CustomerCreateParams), sdk.CustomerCreateParams))
    assert pairs["tax_id_data[1][type]"] == "zw_tin"
    assert pairs["invoice_settings[custom_fields][0][name]"] == "sample text"
    assert pairs["shipping[address][line1]"] == "sample text"
    assert pairs["validate"] == "false"
    assert "" in list(samples(hints(CustomerModifyParams)["address"]))


class _Narrow(TypedDict, total=False):
    """An SDK shape that fell behind: a param missing, an enum short, a key of its own."""

    address: sdk.AddressParams
    tax_exempt: Literal["none"]
    colour: str


def test_a_shape_that_fell_behind_is_named_key_by_key() -> None:
    problems = compare_shapes(_Narrow, CustomerModifyParams, "")
    assert "email: missing" in problems
    assert "tax_exempt: value 'exempt' is not accepted" in problems
    assert "tax_exempt: value '' is not accepted" in problems
    assert "address: value '' is not accepted" in problems
    assert "colour: not a stripe-python param" in problems
    assert not [p for p in problems if p.startswith("address.")]


# -- the same through the client's methods, sync and async ---------------------------------------
# Values the client checks before sending that the generic samples do not satisfy (ids; list
# and search expand the paths of their customers): the same shapes with values it takes.
CLIENT_VALUES: dict[str, dict[str, Any]] = {
    "list": {
        "starting_after": "cus_after",
        "ending_before": "cus_before",
        "test_clock": "clock_1",
        "expand": ["data.subscriptions", "data.tax"],
    },
    "search": {"page": "page_token", "expand": ["total_count", "data.subscriptions"]},
}


def client_cases() -> Iterator[Any]:
    for case in cases():
        operation, params = case.values
        if operation == "delete":  # no params: test_stripe_params_typing's
            continue
        values = CLIENT_VALUES.get(operation, {})
        params = {name: values.get(name, value) for name, value in params.items()}
        if "starting_after" in params:  # the client takes one direction, as Stripe does
            params.pop("ending_before", None)
        yield pytest.param(operation, params, id=case.id)


@pytest.mark.parametrize(("operation", "params"), list(client_cases()))
def test_the_client_methods_send_the_pairs_stripe_python_sends(
    drive: Drive, mock_api: respx.MockRouter, operation: str, params: dict[str, Any]
) -> None:
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    given = dict(params)
    if operation == "create":
        driver.create(**given)
    elif operation == "modify":
        driver.update("cus_0001", **given)
    elif operation == "retrieve":
        driver.get("cus_0001", **given)
    elif operation == "list":
        driver.first_page(**given)
    else:
        driver.search(given.pop("query"), **given)
    request = only_request(route)
    expected = stripe_python_pairs(params)
    if request.method == "POST":  # a form, in the order given, as stripe-python sends it
        assert form_of(request) == expected
        assert request.url.query == b""
    else:  # a query: the order of its params means nothing to Stripe
        assert sorted(query_of(request)) == sorted(expected)


@pytest.mark.parametrize("operation", ["create", "update"])
def test_metadata_unsets_as_stripe_spells_it(
    drive: Drive, mock_api: respx.MockRouter, operation: str
) -> None:
    # None or "" for one key unsets it; "" or {} for the whole of it clears it (the SDK's
    # types take all four; stripe-python spells them "" only). metadata=None clears it on an
    # update; a create has nothing to clear, so there it is not given, as in stripe-python.
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    send = driver.create if operation == "create" else partial(driver.update, "cus_0001")
    for metadata in ({"tier": None, "team": "core"}, {"tier": ""}, "", {}, None):
        send(metadata=metadata)
    forms = [form_of(r) for r, _ in route.calls]
    assert forms == [
        [("metadata[tier]", ""), ("metadata[team]", "core")],
        [("metadata[tier]", "")],
        [("metadata", "")],
        [("metadata", "")],
        [("metadata", "")] if operation == "update" else [],
    ]


def test_a_none_is_not_given_where_nothing_can_be_unset(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    # stripe-python drops a None param; a retrieve or a create has nothing to unset, so the
    # SDK does the same there (an update's None unsets, the test above).
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    driver.get("cus_0001", expand=None)
    driver.create(email="ada@example.com", payment_method=None, balance=None, address=None)
    get, create = (request for request, _ in route.calls)
    assert query_of(get) == []
    assert form_of(create) == [("email", "ada@example.com")]


def test_the_cursor_apis_metadata_holds_strings_only(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_operations(mock_api, "cursor")
    with pytest.raises(InvalidParameterError) as error:
        unit_driver(drive, "cursor").update("c_0001", metadata={"tier": None})
    assert error.value.param == "metadata"
    assert not route.called
