"""`Sandbox`: the stateful core every shell (in-process transport, loopback server) calls."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import NamedTuple

from ._cursor import CURSOR
from ._dialect import Condition, Context, Dialect
from ._faults import WRITE_METHODS, Fault, FaultConfig, FaultPlan, seconds_header
from ._http import (
    ApiError,
    Reply,
    Request,
    SandboxResponse,
    encode_json,
    mask_api_key,
    presented_api_key,
)
from ._idempotency import IdempotencyCache, IdempotencyKeyReused
from ._offset import OFFSET
from ._ratelimit import SlidingWindowLimiter
from ._seed import SeedCustomers
from ._store import Store, make_id
from ._stripe import STRIPE

DEFAULT_API_KEY = "sk_test_sandbox"
"""The key a `Sandbox` accepts unless it is given another one."""
_TOO_DEEP = "The request is nested too deeply."
BUG_MESSAGE = "The sandbox failed to answer this request (a bug in the sandbox; see its log)."
logger = logging.getLogger("customers_sdk.sandbox")
# Most specific namespace first; Stripe's empty namespace catches every other path.
DIALECTS: tuple[Dialect, ...] = (CURSOR, OFFSET, STRIPE)


class LoggedRequest(NamedTuple):
    """One request as the sandbox received it: header names lower-cased, Authorization left
    out (tests may print the log), and the fault it met, if any.

    >>> sandbox = Sandbox(customers=0)
    >>> _ = sandbox.handle("GET", "/v1/customers", "limit=1", {"X-Trace": "t1"}, b"")
    >>> method, path, query, headers, fault = sandbox.request_log[0]
    >>> method, path, query, headers, fault
    ('GET', '/v1/customers', 'limit=1', {'x-trace': 't1'}, None)
    """

    method: str
    """The HTTP method, e.g. `GET`."""
    path: str
    """The path, e.g. `/v1/customers`."""
    query: str
    """The raw query string, without the `?`."""
    headers: dict[str, str]
    """The request's headers, names lower-cased, `Authorization` left out."""
    fault: Fault | None
    """The fault this request met, or None."""


class Sandbox:
    """An in-memory, stateful server for the stripe, offset and cursor dialects.

    All dialects share one store of customers: one created through `/v1/customers` is
    listed by `/rest/v1/customers` too. Serve it in-process with `SandboxTransport` or over
    loopback with `serve`.

    `faults`, `latency` and `rate_limit_per_second` can be changed later too.

    Args:
        api_key: The only key accepted.
        customers: How many customers the store starts with.
        seed: The seeded customers derive from it: the same seed, the same customers.
        faults: Random faults to inject (see `FaultConfig`); `inject` scripts exact ones.
        latency: Seconds every request waits before it is answered.
        restricted_api_key: A key that authenticates but is refused (403) everywhere.
        rate_limit_per_second: Requests beyond this rate within a sliding one-second
            window of `clock` get a 429; None for no limit.
        clock: The monotonic clock of the rate limit.
        wall_clock: Stamps the customers created through the API.
        wide: Seeded customers carry every Stripe field, nested objects filled (address,
            shipping, invoice settings, discount...): pages as heavy as real Stripe's.

    Raises:
        ValueError: `customers` or `latency` is negative.

    Attributes:
        api_key: The only key accepted (`sk_test_sandbox` unless set).
        restricted_api_key: A key that authenticates but gets 403 everywhere, or None.
        seed: Where the seeded customers come from: the same seed, the same customers.
        request_log: Every request received, oldest first (see `LoggedRequest`).

    >>> sandbox = Sandbox(customers=5)
    >>> response = sandbox.handle(
    ...     "GET", "/v1/customers", "limit=2", {"Authorization": "Bearer sk_test_sandbox"}, b""
    ... )
    >>> response.status, len(response.json()["data"])
    (200, 2)
    """

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        customers: int = 300,
        seed: int = 0,
        faults: FaultConfig | None = None,
        latency: float = 0.0,
        restricted_api_key: str | None = None,
        *,
        rate_limit_per_second: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        wide: bool = False,
    ) -> None:
        if customers < 0:
            raise ValueError(f"customers must be >= 0, got {customers}")
        self.api_key = api_key
        self.restricted_api_key = restricted_api_key
        self.seed = seed
        self.latency = latency
        self.request_log: list[LoggedRequest] = []
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._store = Store(SeedCustomers(customers, seed, wide=wide))
        self._fault_plan = FaultPlan(faults)
        self._idempotency = IdempotencyCache()
        self._limiter: SlidingWindowLimiter | None = None
        self.rate_limit_per_second = rate_limit_per_second

    @property
    def latency(self) -> float:
        """Seconds every request waits before it is answered (the shells do the waiting)."""
        return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"latency must be >= 0, got {seconds}")
        self._latency = seconds

    @property
    def faults(self) -> FaultConfig | None:
        """Random faults; setting a config restarts its random stream from its seed."""
        return self._fault_plan.config

    @faults.setter
    def faults(self, config: FaultConfig | None) -> None:
        with self._lock:
            self._fault_plan.configure(config)

    @property
    def rate_limit_per_second(self) -> float | None:
        """Requests admitted per second before answering 429; None for no limit."""
        return self._limiter.per_second if self._limiter else None

    @rate_limit_per_second.setter
    def rate_limit_per_second(self, per_second: float | None) -> None:
        limiter = (
            None if per_second is None else SlidingWindowLimiter(per_second, clock=self._clock)
        )
        with self._lock:
            self._limiter = limiter

    @property
    def customer_count(self) -> int:
        """How many customers exist (deleted ones excluded)."""
        with self._lock:
            return len(self._store)

    def inject(
        self,
        kind: Fault | str,
        times: int = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """Make the next `times` matching requests fail with `kind`, ahead of random faults.

        Args:
            kind: The fault (a `Fault` or its name, e.g. `"server_error"`).
            times: How many matching requests fail.
            method: Only requests with this method match (None: any).
            path_contains: Only requests whose path contains this match (None: any).

        >>> sandbox = Sandbox(customers=0)
        >>> sandbox.inject("server_error", method="POST", path_contains="/rest/")
        """
        with self._lock:
            self._fault_plan.inject(kind, times, method, path_contains)

    def clear_injected(self) -> None:
        """Forget scripted faults not yet used."""
        with self._lock:
            self._fault_plan.clear_scripted()

    def reset_log(self) -> None:
        """Empty `request_log`."""
        with self._lock:
            self.request_log.clear()

    def handle(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> SandboxResponse:
        """Answer one request. Latency is left to the caller, which knows whether it may
        block or must await.

        Args:
            method: The HTTP method.
            path: The path as sent on the wire (still percent-encoded).
            query: The query string as sent, without the `?`.
            headers: The request headers (any case).
            body: The raw body.

        Returns:
            The response, and the fault it carries if one was injected.
        """
        request = Request.parse(method, path, query, headers, body)
        dialect = next(d for d in DIALECTS if d.owns(request.path))
        request_id = make_id("req_", os.urandom(14))
        with self._lock:
            fault = self._fault_plan.pick(request.method, request.path)
            self.request_log.append(
                LoggedRequest(
                    request.method,
                    path,
                    query,
                    {k: v for k, v in request.headers.items() if k != "authorization"},
                    fault,
                )
            )
            dropped_unheard = fault is Fault.RESET or (
                fault is Fault.COMMIT_THEN_DROP and request.method not in WRITE_METHODS
            )
            if dropped_unheard:
                return SandboxResponse(0, (), b"", fault)
            try:
                reply = self._respond(dialect, request, fault, request_id)
            except ApiError as error:
                reply = _render(dialect, error)
            except RecursionError:
                # Only input nests deep enough for this: a JSON body or bracketed form keys.
                reply = _render(dialect, ApiError(400, "invalid_request_error", _TOO_DEEP))
            except Exception:
                logger.exception("sandbox bug answering %s %s", request.method, path)
                reply = _render(
                    dialect, ApiError(500, "api_error", BUG_MESSAGE, code="internal_error")
                )
        return _encode(reply, request_id, fault)

    def error_response(
        self, path: str, status: int, type: str, message: str, *, code: str | None = None
    ) -> SandboxResponse:
        """An error answered before the request reaches a dialect (the server's framing
        checks), worded in the error shape of the dialect `path` belongs to; not logged.

        Args:
            path: The request's path: it picks the dialect, hence the error's shape.
            status: The HTTP status.
            type: The error's `type`.
            message: The error's `message`.
            code: The error's `code`, if any.

        Returns:
            The error response.

        >>> response = Sandbox(customers=0).error_response(
        ...     "/rest/v1/customers", 413, "invalid_request_error", "Too large.", code="too_large"
        ... )
        >>> response.status, response.json()["error"]["code"]
        (413, 'too_large')
        """
        dialect = next(d for d in DIALECTS if d.owns(path))
        reply = _render(dialect, ApiError(status, type, message, code=code))
        return _encode(reply, make_id("req_", os.urandom(14)), None)

    def _respond(
        self, dialect: Dialect, request: Request, fault: Fault | None, request_id: str
    ) -> Reply:
        if fault is Fault.SERVER_ERROR:
            raise dialect.error(Condition.UNAVAILABLE)
        if fault is Fault.RATE_LIMIT:
            raise self._rate_limited(dialect, self._fault_plan.retry_after)
        wait = self._limiter.admit() if self._limiter else None
        if wait is not None:
            raise self._rate_limited(dialect, wait)
        handler, customer_id = dialect.resolve(request.method, request.path)
        api_key = self._authenticate(dialect, request)
        idempotency_key = (
            request.headers.get("idempotency-key")
            if request.method in dialect.idempotent_methods
            else None
        )
        scope = (dialect.name, api_key, idempotency_key or "")
        if idempotency_key:
            try:
                replayed = self._idempotency.replay(scope, request)
            except IdempotencyKeyReused:
                raise dialect.error(
                    Condition.IDEMPOTENCY_KEY_REUSED, idempotency_key=idempotency_key
                ) from None
            if replayed is not None:
                return replayed
        now_ms = int(self._wall_clock() * 1000)
        reply = handler(Context(request, self._store, now_ms, customer_id))
        if idempotency_key and 200 <= reply.status < 300:
            # Remembered before any fault can drop the connection: the retry replays it.
            self._idempotency.remember(scope, request, reply, request_id)
        return reply

    def _authenticate(self, dialect: Dialect, request: Request) -> str:
        key = presented_api_key(request, allow_basic=dialect.allow_basic_auth)
        if key is None:
            raise dialect.error(Condition.MISSING_KEY)
        if key == self.restricted_api_key:
            raise dialect.error(Condition.FORBIDDEN, key=mask_api_key(key))
        if key != self.api_key:
            raise dialect.error(Condition.INVALID_KEY, key=mask_api_key(key))
        return key

    @staticmethod
    def _rate_limited(dialect: Dialect, retry_after: float) -> ApiError:
        error = dialect.error(Condition.RATE_LIMITED, retry_after=seconds_header(retry_after))
        error.headers = (("Retry-After", seconds_header(retry_after)),)
        return error


def _render(dialect: Dialect, error: ApiError) -> Reply:
    return Reply(error.status, dialect.render_error(error), error.headers)


def _encode(reply: Reply, request_id: str, fault: Fault | None) -> SandboxResponse:
    encoded = encode_json(reply.body)
    response_headers = (
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(encoded))),
        ("Request-Id", request_id),
        *reply.headers,
    )
    return SandboxResponse(reply.status, response_headers, encoded, fault)
