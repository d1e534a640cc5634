"""customers-sdk: a typed client for customer APIs (Stripe v1, offset and cursor dialects).

Example:
    >>> from customers_sdk import CustomersClient
    >>> client = CustomersClient.stripe(api_key="sk_test_...")  # doctest: +SKIP
    >>> for customer in client.list(limit=100):  # doctest: +SKIP
    ...     print(customer.email)
"""

from ._async_client import AsyncCustomersClient
from ._client import CustomersClient
from ._dataframe import to_dataframe, to_dicts
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
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
from ._filters import Condition, Filter, FilterGroup, FilterLike, FilterOp, where
from ._models import Customer, Pagination, Plan, ResponseInfo, Subscription, SubscriptionStatus
from ._pagination import AsyncPage, AsyncPageRequest, Page
from ._retry import RetryPolicy
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncCustomersClient",
    "AsyncPage",
    "AsyncPageRequest",
    "AuthenticationError",
    "BadRequestError",
    "Condition",
    "ConflictError",
    "Customer",
    "CustomersClient",
    "CustomersError",
    "Filter",
    "FilterGroup",
    "FilterLike",
    "FilterOp",
    "InternalServerError",
    "InvalidParameterError",
    "NOT_GIVEN",
    "NotFoundError",
    "NotGiven",
    "Page",
    "Pagination",
    "PermissionDeniedError",
    "Plan",
    "RateLimitError",
    "ResponseInfo",
    "ResponseValidationError",
    "RetryPolicy",
    "Subscription",
    "SubscriptionStatus",
    "UnprocessableEntityError",
    "UnsupportedOperationError",
    "__version__",
    "to_dataframe",
    "to_dicts",
    "where",
]
