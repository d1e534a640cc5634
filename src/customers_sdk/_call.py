"""One logical call and all its attempts, with no I/O: the sync and async clients drive it.

A :class:`Call` builds each attempt's ``httpx.Request`` (same idempotency key every time),
turns each response or transport failure into a result or a typed error that says whether it
may be retried, logs every attempt, and keeps the call within its deadline.
"""

from __future__ import annotations

import platform
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from . import _retry
from ._dialects import Dialect, read_error
from ._errors import APIConnectionError, APITimeoutError
from ._logging import logger
from ._models import ResponseInfo
from ._ratelimit import TokenBucket
from ._request import RequestSpec
from ._types import NotGiven, RequestOptions, Timeout
from ._version import __version__

__all__ = ["Call", "Settings", "to_timeout"]

HTTPClient = httpx.Client | httpx.AsyncClient
_USER_AGENT = (
    f"customers-sdk/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"
)
# Errors where the request surely never reached the server: safe to repeat even for a write.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def to_timeout(timeout: Timeout) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


@dataclass(frozen=True)
class Settings:
    """A client's fixed configuration, shared by all its calls. Never shows the key."""

    dialect: Dialect
    api_key: str = field(repr=False)
    base_url: str
    timeout: httpx.Timeout
    max_retries: int
    headers: Mapping[str, str] = field(repr=False)
    limiter: TokenBucket | None = None
    policy: _retry.RetryPolicy = field(default_factory=_retry.RetryPolicy)
    clock: Callable[[], float] = time.monotonic

    @staticmethod
    def base_headers(api_key: str, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": _USER_AGENT,
        }
        headers.update(extra or {})
        return headers


class Call:
    """The state of one logical call across its attempts."""

    def __init__(self, settings: Settings, spec: RequestSpec, options: RequestOptions) -> None:
        self.settings = settings
        self.spec = spec
        self.max_retries = _given(options.max_retries, settings.max_retries)
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.timeout = (
            settings.timeout
            if isinstance(options.timeout, NotGiven)
            else to_timeout(options.timeout)
        )
        self.started = settings.clock()
        deadline = _given(options.deadline, None)
        self.deadline_at = None if deadline is None else self.started + deadline
        self.idempotency_key: str | None = None
        if spec.is_write:
            # One key per logical call, reused by every retry: the server applies the write once.
            key = options.idempotency_key
            self.idempotency_key = (
                f"customers-sdk-{uuid.uuid4()}" if isinstance(key, NotGiven) else key
            )
        self.attempt = 0
        self._attempt_started = self.started

    # -- driving -------------------------------------------------------------------------------
    def retrying_kwargs(self, sleep: Callable[[float], Any]) -> dict[str, Any]:
        """Arguments for ``tenacity.Retrying`` (sync) or ``AsyncRetrying`` (async)."""
        return self.settings.policy.tenacity_kwargs(
            max_retries=self.max_retries,
            deadline_at=self.deadline_at,
            clock=self.settings.clock,
            sleep=sleep,
        )

    def slot_wait(self) -> float:
        """Seconds to wait for the client-side rate limiter before this attempt."""
        limiter = self.settings.limiter
        wait = 0.0 if limiter is None else limiter.reserve()
        if self.deadline_at is not None and self.settings.clock() + wait >= self.deadline_at:
            raise self._deadline_error()
        return wait

    def build(self, http: HTTPClient) -> httpx.Request:
        """The next attempt's request."""
        self.attempt += 1
        now = self.settings.clock()
        self._attempt_started = now
        timeout = self.timeout
        if self.deadline_at is not None:
            remaining = self.deadline_at - now
            if remaining <= 0:
                raise self._deadline_error()
            timeout = _shrink(timeout, remaining)
        spec = self.spec
        headers = dict(self.settings.headers)
        content: bytes | None = None
        if self.idempotency_key is not None:
            headers["Idempotency-Key"] = self.idempotency_key
        if spec.form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            content = urlencode(spec.form).encode()
        return http.build_request(
            spec.method,
            self.settings.base_url + spec.path,
            params=spec.params or None,
            content=content,
            json=spec.json,
            headers=headers,
            timeout=timeout,
        )

    def check(self, response: httpx.Response) -> None:
        """Log the attempt; raise the typed error for a non-2xx status."""
        self._log(response.status_code, response.headers.get("request-id"))
        if response.is_success:
            return
        error = read_error(response)
        error.message = self.redact(error.message)
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
        raise error

    def failed(self, exc: httpx.RequestError) -> APIConnectionError:
        """The typed error for a transport failure (connection, timeout, protocol)."""
        self._log(None, None, failure=type(exc).__name__)
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        error = cls(self.redact(f"{type(exc).__name__}: {exc}"), retries=self.attempt - 1)
        safe = not self.spec.is_write or self.idempotency_key is not None
        error.should_retry = safe or isinstance(exc, _NOT_SENT)
        return error

    def info(self, response: httpx.Response) -> ResponseInfo:
        """What a caller may learn about the call that produced a result."""
        return ResponseInfo(
            status_code=response.status_code,
            request_id=response.headers.get("request-id") or response.headers.get("x-request-id"),
            retries=self.attempt - 1,
            elapsed_ms=(self.settings.clock() - self.started) * 1000,
        )

    def redact(self, text: str) -> str:
        key = self.settings.api_key
        return text.replace(key, "***") if key and key in text else text

    # -- internals -------------------------------------------------------------------------------
    def _deadline_error(self) -> APITimeoutError:
        error = APITimeoutError(
            f"deadline of {self.deadline_at - self.started:.3f}s exceeded"  # type: ignore[operator]
            f" after {self.attempt} attempt(s)",
            retries=max(0, self.attempt - 1),
        )
        error.should_retry = False
        return error

    def _log(self, status: int | None, request_id: str | None, failure: str = "") -> None:
        if not logger.isEnabledFor(20):  # INFO; checked first to keep the hot path cheap
            return
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
        if logger.isEnabledFor(10) and self.spec.params:
            logger.debug("params: %s", self.redact(urlencode(self.spec.params)))


def _given(value: Any, default: Any) -> Any:
    return default if isinstance(value, NotGiven) else value


def _shrink(timeout: httpx.Timeout, remaining: float) -> httpx.Timeout:
    def cap(value: float | None) -> float:
        return remaining if value is None else min(value, remaining)

    return httpx.Timeout(
        connect=cap(timeout.connect),
        read=cap(timeout.read),
        write=cap(timeout.write),
        pool=cap(timeout.pool),
    )
