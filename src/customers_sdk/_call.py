"""One logical call and all its attempts, with no I/O: the sync and async clients drive it.

A :class:`Call` builds each attempt's ``httpx.Request`` (same idempotency key every time),
turns each response or transport failure into a result or a typed error that says whether it
may be retried, logs every attempt, and keeps the call within its deadline. The time-keeping
(the deadline, rate-limit slots, a 429's pause of the budget) is its base class
:class:`~customers_sdk._pacing.Pacing`; the client's configuration it reads is
:class:`~customers_sdk._settings.Settings`.

What a caller can count on:

- **Writes** (POST/PATCH/DELETE) carry one ``Idempotency-Key`` per logical call, reused on every
  retry, so the server applies the write once. ``idempotency_key="..."`` supplies your own;
  ``idempotency_key=None`` sends none, and then a write is retried only when it surely never
  reached the server (connection refused, connect timeout), on a 429, or when the server says
  ``Should-Retry: true``.
- **Deadline**: ``deadline=`` (seconds) bounds all attempts *and* waits of one call (each page of
  an auto-paginated walk is its own call). No wait is started that would end past it, each
  attempt's timeouts are shrunk to the time left, and the error raised is the last attempt's
  own (e.g. ``InternalServerError``, ``APITimeoutError``), or ``APITimeoutError`` naming the
  deadline when no time was left to start an attempt.
- **What happened**: every result carries ``response_info`` (``request_id``, ``retries``,
  ``status_code``, ``elapsed_ms``, ``headers``); a page has it too. Every error raised after the
  call carries ``retries`` and ``request_id`` (``None`` when no response came back), with the
  underlying ``httpx`` exception as ``__cause__`` for transport failures.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import httpx
import tenacity

from . import _retry
from ._body import BodyBuffer, masking
from ._dialects import read_error
from ._dialects._base import request_id_of
from ._errors import APIConnectionError, APITimeoutError, CustomersError, InvalidParameterError
from ._inputs import check_extra_headers, check_header_value, check_max_retries, merge_headers
from ._logging import logger
from ._pacing import Pacing
from ._request import RequestSpec
from ._settings import Settings, to_timeout
from ._types import NotGiven, RequestOptions, ResponseInfo

__all__ = ["Call"]

HTTPClient = httpx.Client | httpx.AsyncClient
# Errors where the request surely never reached the server: safe to repeat even for a write.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _never_sent(exc: httpx.RequestError) -> bool:
    """Whether ``exc`` proves the request never left: httpx's connect errors, except the ones
    httpx-aiohttp makes of any aiohttp connection error, a hang-up after the request went out
    included. Only aiohttp's own connect errors are trusted there."""
    if not isinstance(exc, _NOT_SENT):
        return False
    # Loaded whenever the cause is one of its errors; never imported here.
    aiohttp = sys.modules.get("aiohttp")
    cause = exc.__cause__
    if aiohttp is None or not isinstance(cause, aiohttp.ClientError):
        return True
    return isinstance(cause, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError))


class Call(Pacing):
    """The state of one logical call across its attempts; a shell drives it like this
    (the async shell is the same with ``await`` on the sleeps and the send).

    Example:
        >>> call = Call(settings, spec, options)  # doctest: +SKIP
        >>> for wait, attempt in call.attempts():  # doctest: +SKIP
        ...     _retry.sleep(wait)
        ...     with attempt:
        ...         _retry.sleep(call.slot_wait())
        ...         try:
        ...             # sent with stream=True, the body fed to call.receive(); see _client
        ...             response = receive(http, call.build(http))
        ...         except httpx.RequestError as exc:
        ...             raise call.failed(exc) from exc
        ...         call.check(response)
        >>> info = call.info(response)  # doctest: +SKIP
    """

    def __init__(self, settings: Settings, spec: RequestSpec, options: RequestOptions) -> None:
        if options.extra_query is not None or options.extra_body is not None:
            spec = settings.dialect.with_extras(spec, options.extra_query, options.extra_body)
        self.spec = spec
        self.extra_headers = check_extra_headers(options.extra_headers)
        self.max_retries = check_max_retries(_given(options.max_retries, settings.max_retries))
        self.timeout = (
            settings.timeout
            if isinstance(options.timeout, NotGiven)
            else to_timeout(options.timeout)
        )
        super().__init__(settings, _given(options.deadline, None))
        self.idempotency_key: str | None = None
        if spec.is_write:
            # One key per logical call, reused by every retry: the server applies the write once.
            key = options.idempotency_key
            for name, value in (self.extra_headers or {}).items():
                if name.lower() == "idempotency-key":
                    # The key the caller sends is the call's key; dropping it (None) makes the
                    # write one without a key, retried only when it surely was not applied.
                    key = value
            if isinstance(key, NotGiven):
                key = f"customers-sdk-{uuid.uuid4()}"
            elif key is not None:
                key = check_header_value(key, "idempotency_key", required=True)
            self.idempotency_key = key
        self._attempt_started = self.started
        # True once an attempt of a write failed in a way that may have applied it.
        self._maybe_applied = False

    # -- driving -------------------------------------------------------------------------------
    def attempts(self) -> Iterator[tuple[float, AbstractContextManager[None]]]:
        """Each attempt of this call, with the seconds to wait before making it.

        tenacity decides whether to retry and how long to wait; the shell does the waiting
        (``time.sleep`` or ``await anyio.sleep``), so sync and async run the same driver. The
        first attempt runs without it: most calls succeed at once, and a ``Retrying`` costs
        ~20 µs a call (measured). When that attempt fails in a way worth retrying, tenacity
        takes over with the failure as its own first attempt, so its stop, wait and logging
        see exactly what happened.
        """
        first = _FirstAttempt(self.settings.scrub)
        yield 0.0, first
        failure = first.failure
        if failure is None:
            return
        waits: list[float] = []
        try:
            for attempt in tenacity.Retrying(**self.retrying_kwargs(waits.append)):
                if failure is None:
                    yield (float(waits.pop()) if waits else 0.0), attempt
                    continue
                with attempt:  # the attempt that already failed, replayed for tenacity to judge
                    replayed, failure = failure, None
                    raise replayed
        except CustomersError as error:
            # Only once the shell has raised it (`from` the transport's exception) is an
            # error's chain complete: mask the key in all of it on its way out.
            self.settings.scrub(error)
            raise

    def retrying_kwargs(self, sleep: Callable[[float], Any]) -> dict[str, Any]:
        """Arguments for ``tenacity.Retrying``, waits handed to ``sleep``."""
        kwargs = self.settings.policy.tenacity_kwargs(
            max_retries=self.max_retries,
            deadline_at=self.deadline_at,
            clock=self.settings.clock,
            sleep=sleep,
        )
        kwargs["before_sleep"] = self._log_retry
        return kwargs

    def build(self, http: HTTPClient) -> httpx.Request:
        """The next attempt's request (its timeouts cut to the time the deadline leaves)."""
        try:
            return self._build(http)
        except (UnicodeEncodeError, httpx.InvalidURL) as exc:
            # The dialects check what they know; this catches what slips past them (a text
            # UTF-8 cannot encode, a URL over httpx's length limit) before anything is sent.
            problem = f"{type(exc).__name__}: {exc}"
        raise InvalidParameterError(f"the request cannot be encoded ({problem})")

    def _build(self, http: HTTPClient) -> httpx.Request:
        now = self.settings.clock()
        timeout = self._within_deadline(self.timeout, now)
        self.attempt += 1
        self._attempt_started = now
        spec = self.spec
        headers = dict(self.settings.headers)
        content: bytes | None = None
        if self.idempotency_key is not None:
            headers["Idempotency-Key"] = self.idempotency_key
        if spec.form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            content = urlencode(spec.form).encode()
        if self.extra_headers:  # last: the caller's word wins
            headers = merge_headers(headers, self.extra_headers)
        url = self.settings.base_url + spec.path
        params = spec.params or None
        if params and not http.params:
            # The query encoded as httpx encodes `params=`, in one URL parse instead of three
            # (~35 µs a request, measured). Not when the client has params of its own: httpx
            # would then replace the URL's query with them instead of merging.
            url, params = f"{url}?{urlencode(params)}", None
        return http.build_request(
            spec.method,
            httpx.URL(url),
            params=params,
            content=content,
            json=spec.json,
            headers=headers,
            timeout=timeout,
        )

    def receive(self, streamed: httpx.Response) -> BodyBuffer:
        """Where the shell puts the body of a response sent with ``stream=True``."""
        limit = self.settings.max_response_bytes
        # A server sending a byte now and then keeps each read within its timeout: only the
        # deadline, looked at as each chunk arrives, bounds how long the body takes.
        time_left = None if self.deadline_at is None else self.time_left
        return BodyBuffer(streamed, limit=limit, redact=self.redact, time_left=time_left)

    def check(self, response: httpx.Response) -> None:
        """Log the attempt; raise the typed error for a non-2xx status."""
        self._log(response.status_code, response)
        if response.is_success:
            return
        if response.status_code == 404 and self.spec.method == "DELETE" and self._maybe_applied:
            # Stripe does not replay a DELETE by idempotency key: when an earlier attempt of this
            # call may have deleted the customer, "not found" now means the delete happened.
            logger.info(
                "%s %s -> 404 after an uncertain attempt: deleted", "DELETE", self.spec.path
            )
            return
        with masking(self.settings.scrub):  # a body too deep to read is quoted in the error
            error = read_error(response)
        self.settings.scrub(error)
        error.retry_after = _retry.parse_retry_after(response.headers)
        verdict = _retry.should_retry_header(response.headers)
        retryable = (
            verdict if verdict is not None else response.status_code in _retry.RETRYABLE_STATUSES
        )
        # A write without an idempotency key may have been applied: repeat it only when the
        # server says it was not (429) or says retrying is safe.
        safe = not self.spec.is_write or self.idempotency_key is not None
        safe = safe or response.status_code == 429 or verdict is True
        error.should_retry = (
            retryable and safe and self.settings.policy.accepts_retry_after(error.retry_after)
        )
        error.retries = self.attempt - 1
        self._last_error = error
        self._maybe_applied = self._maybe_applied or (
            self.spec.is_write and response.status_code >= 500
        )
        raise error

    def failed(self, exc: httpx.RequestError) -> APIConnectionError:
        """The typed error for a transport failure (connection, timeout, protocol)."""
        self._log(None, None, failure=type(exc).__name__)
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        error = cls(self.redact(f"{type(exc).__name__}: {exc}"), retries=self.attempt - 1)
        # Without a key, a write that may have reached the server must not be sent again;
        # a request httpx refused to write would be refused again.
        safe = not self.spec.is_write or self.idempotency_key is not None
        never_sent = _never_sent(exc)
        error.should_retry = (safe or never_sent) and not isinstance(exc, httpx.LocalProtocolError)
        self._last_error = error
        self._maybe_applied = self._maybe_applied or (self.spec.is_write and not never_sent)
        return error

    def info(self, response: httpx.Response) -> ResponseInfo:
        """What a caller may learn about the call that produced a result."""
        request_id = request_id_of(response)
        return ResponseInfo(
            status_code=response.status_code,
            # A header the server chose: it may echo the key, and a ResponseInfo is printed.
            request_id=None if request_id is None else self.redact(request_id),
            retries=self.attempt - 1,
            elapsed_ms=(self.settings.clock() - self.started) * 1000,
            headers=self.settings.redact_headers(response.headers),
        )

    def redact(self, text: str) -> str:
        """``text`` with the API key masked (servers do echo keys back in error messages)."""
        return self.settings.redact(text)

    # -- internals -------------------------------------------------------------------------------
    def _log_retry(self, retry_state: tenacity.RetryCallState) -> None:
        if not logger.isEnabledFor(20):
            return
        outcome = retry_state.outcome
        reason = outcome.exception() if outcome is not None else None
        logger.info(
            "%s %s retrying in %.2fs after attempt=%d (%s)",
            self.spec.method,
            self.spec.path,
            getattr(retry_state.next_action, "sleep", 0.0),
            self.attempt,
            type(reason).__name__,
        )

    def _log(self, status: int | None, response: httpx.Response | None, failure: str = "") -> None:
        if not logger.isEnabledFor(20):  # INFO; checked first to keep the hot path cheap
            return
        # Looked up only here: each httpx header lookup scans and decodes every header.
        request_id = None if response is None else request_id_of(response)
        if request_id is not None:
            request_id = self.redact(request_id)  # a header the server chose: it may echo the key
        elapsed = (self.settings.clock() - self._attempt_started) * 1000
        logger.info(
            "%s %s -> %s attempt=%d elapsed_ms=%.1f request_id=%s",
            self.spec.method,
            self.spec.path,
            status if status is not None else failure,
            self.attempt,
            elapsed,
            request_id,
        )
        if logger.isEnabledFor(10):
            if self.spec.params:
                logger.debug("params: %s", self.redact(urlencode(self.spec.params)))
            if self.idempotency_key is not None:
                logger.debug("idempotency_key: %s", self.idempotency_key)


class _FirstAttempt(AbstractContextManager[None]):
    """Keeps a retryable failure of the first attempt for tenacity; anything else propagates,
    as tenacity would re-raise it, with the key masked in its chain (see ``attempts``)."""

    failure: BaseException | None = None

    def __init__(self, scrub: Callable[[BaseException], None]) -> None:
        self._scrub = scrub

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if exc is None:
            return False
        if not _retry.is_retryable(exc):
            if isinstance(exc, CustomersError):
                self._scrub(exc)
            return False
        self.failure = exc
        return True


def _given(value: Any, default: Any) -> Any:
    return default if isinstance(value, NotGiven) else value
