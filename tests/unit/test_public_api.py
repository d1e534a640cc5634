"""The package surface: a complete, sorted ``__all__``, ``py.typed``, import-time dependencies."""

from __future__ import annotations

import importlib
import inspect
import json
import pickle
import subprocess
import sys
from importlib import resources
from types import ModuleType
from typing import Any

import pytest

import customers_sdk

# Optional extras and heavy packages that must never load with a bare `import customers_sdk`.
# (httpx and tenacity themselves import click/rich/tornado when those happen to be installed,
# so an allow-list of third-party modules would test the environment, not us.)
NOT_AT_IMPORT = {
    "pandas",
    "numpy",
    "pyarrow",
    "stripe",
    "aiohttp",
    "httpx_aiohttp",
    "nbclient",
    "nbformat",
    "IPython",
    "ipykernel",
    "anyio",
    "trio",
    "tqdm",
}
OWN_OPTIONAL = {
    "customers_sdk.sandbox",
    "customers_sdk._cli",
    "customers_sdk._export",
    "customers_sdk.nodes",
    "customers_sdk._aiohttp",
    "customers_sdk._aiohttp_client",
}


def test_all_is_sorted_and_unique() -> None:
    names = customers_sdk.__all__
    assert names == sorted(names)
    assert len(names) == len(set(names))


def test_every_name_in_all_is_importable() -> None:
    for name in customers_sdk.__all__:
        assert getattr(customers_sdk, name) is not None, name
    namespace: dict[str, object] = {}
    exec("from customers_sdk import *", namespace)
    assert set(customers_sdk.__all__) <= set(namespace)


def test_every_public_symbol_is_in_all() -> None:
    public = {
        name
        for name, value in vars(customers_sdk).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert public - set(customers_sdk.__all__) == set()


def test_public_classes_and_functions_have_docstrings() -> None:
    for name in customers_sdk.__all__:
        value = getattr(customers_sdk, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), name


def test_py_typed_is_shipped() -> None:
    assert resources.files("customers_sdk").joinpath("py.typed").is_file()


def test_not_given_is_a_falsy_singleton() -> None:
    assert customers_sdk.NotGiven() is customers_sdk.NOT_GIVEN
    assert not customers_sdk.NOT_GIVEN
    assert repr(customers_sdk.NOT_GIVEN) == "NOT_GIVEN"
    assert pickle.loads(pickle.dumps(customers_sdk.NOT_GIVEN)) is customers_sdk.NOT_GIVEN


def test_version_is_a_string() -> None:
    version = importlib.import_module("customers_sdk._version").__version__
    assert customers_sdk.__version__ == version
    assert version.count(".") >= 2


def test_import_loads_no_optional_extra() -> None:
    script = "import json, sys; import customers_sdk; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert {m.split(".")[0] for m in loaded} & NOT_AT_IMPORT == set()
    assert loaded & OWN_OPTIONAL == set()
    assert {"httpx", "pydantic", "tenacity"} <= loaded
    # The models load with the first response, not at import (see customers_sdk.__init__).
    assert {"customers_sdk._models", "pydantic.main"} & loaded == set()


_FIRST_USE = """
import sys, httpx, customers_sdk
assert "customers_sdk._models" not in sys.modules
body = {"data": [{"id": "cus_1", "created": 0}], "has_more": False}
transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
client = customers_sdk.CustomersClient.stripe(
    api_key="sk_test_x", http_client=httpx.Client(transport=transport)
)
(customer,) = client.list()
assert type(customer) is customers_sdk.StripeCustomer, type(customer)
assert isinstance(customer, customers_sdk.Customer)
assert "Customer" in dir(customers_sdk) and "to_dicts" in dir(customers_sdk)
try:
    customers_sdk.Nope
except AttributeError as exc:
    assert "Nope" in str(exc)
else:
    raise AssertionError("no AttributeError")
"""


def test_models_load_on_first_use() -> None:
    subprocess.run([sys.executable, "-c", _FIRST_USE], check=True)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="Nope"):
        customers_sdk.Nope  # noqa: B018
    assert set(customers_sdk.__all__) <= set(dir(customers_sdk))


def test_sync_and_async_clients_stay_in_step() -> None:
    """The shells are written by hand; this keeps each sync class and its async twin identical,
    and each dialect class to exactly its dialect's operations."""
    import inspect

    import customers_sdk as sdk

    def surface(cls: type) -> dict[str, list[tuple[str, Any, Any]]]:
        methods = {}
        for name, member in inspect.getmembers(cls, callable):
            if name.startswith("_") or name in {"close", "aclose"}:
                continue
            parameters = inspect.signature(member).parameters.values()
            methods[name] = [(p.name, p.kind, p.default) for p in parameters]
        return methods

    common = {"list", "with_options", "stripe", "offset", "cursor"}
    operations = {
        "": set(),
        "Stripe": {"get", "retrieve", "create", "update", "modify", "delete", "search"},
        "Offset": set(),
        "Cursor": {"get", "create", "update", "delete"},
    }
    for dialect, own in operations.items():
        sync_class = getattr(sdk, f"{dialect}CustomersClient")
        async_class = getattr(sdk, f"Async{dialect}CustomersClient")
        sync, asynchronous = surface(sync_class), surface(async_class)
        assert sync == asynchronous, dialect
        assert set(sync) == common | own, dialect
        for name in own - {"search"}:
            assert inspect.iscoroutinefunction(getattr(async_class, name)), (dialect, name)
            assert getattr(async_class, name).__doc__
        if dialect:
            assert issubclass(sync_class, sdk.CustomersClient)
            assert issubclass(async_class, sdk.AsyncCustomersClient)
