"""customers-sdk: a typed client for customer APIs (Stripe v1, offset and cursor dialects).

Example:
    >>> from customers_sdk import CustomersClient
    >>> client = CustomersClient.stripe(api_key="sk_test_...")  # doctest: +SKIP
    >>> for customer in client.list(limit=100):  # doctest: +SKIP
    ...     print(customer.email)
"""

import typing

from ._async_client import AsyncCustomersClient
from ._client import CustomersClient
from ._cursor_async_client import AsyncCursorCustomersClient
from ._cursor_client import CursorCustomersClient
from ._dialects._stripe_params import (
    AddressParams,
    CashBalanceParams,
    CashBalanceSettingsParams,
    CreatedRangeParams,
    CreateTaxParams,
    CustomerCreateParams,
    CustomerDeleteParams,
    CustomerListParams,
    CustomerRetrieveParams,
    CustomerSearchParams,
    CustomerUpdateParams,
    InvoiceCustomFieldParams,
    InvoiceRenderingOptionsParams,
    InvoiceSettingsParams,
    ShippingParams,
    TaxIdDataParams,
    TaxIdType,
    TaxParams,
)
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CardError,
    ConflictError,
    CustomersError,
    InternalServerError,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    UnprocessableEntityError,
    UnsupportedOperationError,
)
from ._factories import STRIPE_API_VERSION
from ._filters import Condition, FieldRef, Filter, FilterGroup, FilterLike, FilterOp, where
from ._offset_client import AsyncOffsetCustomersClient, OffsetCustomersClient
from ._page_request import AsyncPageRequest
from ._pagination import AsyncPage, Page
from ._redact import RedactedCause
from ._retry import RetryPolicy
from ._stripe_async_client import AsyncStripeCustomersClient
from ._stripe_client import StripeCustomersClient
from ._types import NOT_GIVEN, CommonListParams, NotGiven, ResponseInfo
from ._version import __version__

if typing.TYPE_CHECKING:
    from ._aiohttp import DefaultAioHttpClient
    from ._dataframe import to_dataframe, to_dicts
    from ._dialect_models import CursorCustomer, OffsetCustomer
    from ._export import ExportFormat, ExportParams, aexport_customers, export_customers
    from ._models import Customer, Pagination, Plan, Subscription, SubscriptionStatus
    from ._stripe_models import StripeCustomer
    from ._stripe_objects import (
        Address,
        CashBalance,
        CashBalanceSettings,
        Discount,
        DiscountSource,
        InvoiceCustomField,
        InvoiceRenderingOptions,
        InvoiceSettings,
        Shipping,
        StripeList,
        StripeObject,
        TestClock,
    )
    from ._stripe_tax import CustomerTax, TaxId, TaxIdOwner, TaxIdVerification, TaxLocation

# The models (and with them pydantic's model machinery, about a third of this package's import
# time) load when first used: the first response parsed, or the first of these names looked up.
_LAZY = {
    "Customer": "_models",
    "Pagination": "_models",
    "Plan": "_models",
    "Subscription": "_models",
    "SubscriptionStatus": "_models",
    "ExportFormat": "_export",
    "ExportParams": "_export",
    "aexport_customers": "_export",
    "export_customers": "_export",
    "Address": "_stripe_objects",
    "CashBalance": "_stripe_objects",
    "CashBalanceSettings": "_stripe_objects",
    "CursorCustomer": "_dialect_models",
    "CustomerTax": "_stripe_tax",
    "Discount": "_stripe_objects",
    "DiscountSource": "_stripe_objects",
    "InvoiceCustomField": "_stripe_objects",
    "InvoiceRenderingOptions": "_stripe_objects",
    "InvoiceSettings": "_stripe_objects",
    "OffsetCustomer": "_dialect_models",
    "Shipping": "_stripe_objects",
    "StripeCustomer": "_stripe_models",
    "StripeList": "_stripe_objects",
    "StripeObject": "_stripe_objects",
    "TaxId": "_stripe_tax",
    "TaxIdOwner": "_stripe_tax",
    "TaxIdVerification": "_stripe_tax",
    "TaxLocation": "_stripe_tax",
    "TestClock": "_stripe_objects",
    "to_dataframe": "_dataframe",
    "to_dicts": "_dataframe",
    # Loads aiohttp (when the extra is installed): never at `import customers_sdk`.
    "DefaultAioHttpClient": "_aiohttp",
}


def __getattr__(name: str) -> typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "Address",
    "AddressParams",
    "AsyncCursorCustomersClient",
    "AsyncCustomersClient",
    "AsyncOffsetCustomersClient",
    "AsyncPage",
    "AsyncPageRequest",
    "AsyncStripeCustomersClient",
    "AuthenticationError",
    "BadRequestError",
    "CardError",
    "CashBalance",
    "CashBalanceParams",
    "CashBalanceSettings",
    "CashBalanceSettingsParams",
    "CommonListParams",
    "Condition",
    "ConflictError",
    "CreateTaxParams",
    "CreatedRangeParams",
    "CursorCustomer",
    "CursorCustomersClient",
    "Customer",
    "CustomerCreateParams",
    "CustomerDeleteParams",
    "CustomerListParams",
    "CustomerRetrieveParams",
    "CustomerSearchParams",
    "CustomerTax",
    "CustomerUpdateParams",
    "CustomersClient",
    "CustomersError",
    "DefaultAioHttpClient",
    "Discount",
    "DiscountSource",
    "ExportFormat",
    "ExportParams",
    "FieldRef",
    "Filter",
    "FilterGroup",
    "FilterLike",
    "FilterOp",
    "InternalServerError",
    "InvalidParameterError",
    "InvoiceCustomField",
    "InvoiceCustomFieldParams",
    "InvoiceRenderingOptions",
    "InvoiceRenderingOptionsParams",
    "InvoiceSettings",
    "InvoiceSettingsParams",
    "NOT_GIVEN",
    "NotFoundError",
    "NotGiven",
    "OffsetCustomer",
    "OffsetCustomersClient",
    "Page",
    "Pagination",
    "PermissionDeniedError",
    "Plan",
    "RateLimitError",
    "RedactedCause",
    "ResponseInfo",
    "ResponseValidationError",
    "RetryPolicy",
    "STRIPE_API_VERSION",
    "Shipping",
    "ShippingParams",
    "StripeCustomer",
    "StripeCustomersClient",
    "StripeList",
    "StripeObject",
    "Subscription",
    "SubscriptionStatus",
    "TaxId",
    "TaxIdDataParams",
    "TaxIdOwner",
    "TaxIdType",
    "TaxIdVerification",
    "TaxLocation",
    "TaxParams",
    "TestClock",
    "UnprocessableEntityError",
    "UnsupportedOperationError",
    "__version__",
    "aexport_customers",
    "export_customers",
    "to_dataframe",
    "to_dicts",
    "where",
]
