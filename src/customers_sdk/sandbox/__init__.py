"""An in-memory, stateful reference server for the stripe, offset and cursor dialects.

It is the server side of the wire format, written independently of the client so that it
catches client bugs. Use it in-process through an httpx transport, or over loopback:

>>> import httpx
>>> from customers_sdk.sandbox import Sandbox, SandboxTransport
>>> sandbox = Sandbox(customers=20)
>>> with httpx.Client(transport=SandboxTransport(sandbox), base_url="http://sandbox") as http:
...     page = http.get(
...         "/rest/v1/customers", params={"limit": 5},
...         headers={"Authorization": "Bearer sk_test_sandbox"},
...     ).json()
>>> len(page["data"]), page["has_more"]
(5, True)

Paths: Stripe v1 under `/v1/customers`, the offset API under
`/api/public/customers`, the cursor API under `/rest/v1/customers`.
"""

from ._app import DEFAULT_API_KEY, LoggedRequest, Sandbox
from ._faults import Fault, FaultConfig
from ._http import SandboxResponse
from ._server import SandboxServer, serve
from ._transport import SandboxTransport

__all__ = [
    "DEFAULT_API_KEY",
    "Fault",
    "FaultConfig",
    "LoggedRequest",
    "Sandbox",
    "SandboxResponse",
    "SandboxServer",
    "SandboxTransport",
    "serve",
]
