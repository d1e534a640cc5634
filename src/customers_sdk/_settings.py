"""A client's fixed configuration, shared by all its calls: :class:`Settings` (the dialect, the
key, the base URL, the default timeout and retries, the headers, the rate limiter, the clock)
and :func:`to_timeout`, which checks a ``timeout=`` argument. No I/O."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import httpx

from . import _retry
from ._body import DEFAULT_MAX_RESPONSE_BYTES
from ._dialects import Dialect
from ._errors import InvalidParameterError
from ._inputs import MAX_SECONDS, check_headers, check_seconds
from ._ratelimit import Limiter
from ._redact import redact_headers, redact_text, scrub
from ._types import Timeout
from ._version import __version__

__all__ = ["Settings", "to_timeout"]

_USER_AGENT = (
    f"customers-sdk/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"
)


def to_timeout(timeout: Timeout) -> httpx.Timeout:
    """A float, ``None`` or ``httpx.Timeout`` as an ``httpx.Timeout``; anything else (a string,
    a negative, NaN or infinite number, more than :data:`MAX_SECONDS`, in any part of an
    ``httpx.Timeout`` too) is an :class:`InvalidParameterError` before anything is sent."""
    if timeout is None:
        return httpx.Timeout(None)
    if isinstance(timeout, httpx.Timeout):
        parts = timeout.as_dict()
        bad = [name for name, part in parts.items() if part is not None and not _seconds(part)]
        if not bad:
            return timeout
        shown = f"{bad[0]}={parts[bad[0]]!r} in {timeout!r}"
    elif not _seconds(timeout):
        shown = repr(timeout)
    else:
        return httpx.Timeout(timeout)
    raise InvalidParameterError(
        f"timeout must be seconds from 0 to {MAX_SECONDS:g} (None: no timeout) or an "
        f"httpx.Timeout of those, got {shown}",
        param="timeout",
    )


def _seconds(value: object) -> bool:
    return check_seconds(value) is not None


@dataclass(frozen=True)
class Settings:
    """A client's fixed configuration, shared by all its calls. Never shows the key.

    ``clock`` (monotonic seconds) times deadlines, logs and the rate limiter; tests swap it with
    :meth:`with_clock`.

    Example:
        >>> from customers_sdk._dialects import StripeDialect
        >>> settings = Settings(StripeDialect(), "sk_test_x", "https://api.stripe.com",
        ...                     httpx.Timeout(5.0), 2, {})
        >>> "sk_test_x" in repr(settings)
        False
    """

    dialect: Dialect
    api_key: str = field(repr=False)
    base_url: str
    timeout: httpx.Timeout
    max_retries: int
    headers: Mapping[str, str] = field(repr=False)
    limiter: Limiter | None = None
    policy: _retry.RetryPolicy = field(default_factory=_retry.RetryPolicy)
    clock: Callable[[], float] = time.monotonic
    max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES

    @staticmethod
    def base_headers(api_key: str, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {
            **Settings.auth_header(api_key),
            "Accept": "application/json",
            "User-Agent": _USER_AGENT,
        }
        headers.update(check_headers(extra, "default_headers"))
        return headers

    @staticmethod
    def auth_header(api_key: str) -> dict[str, str]:
        """How every dialect sends the key (a client's, or a ``with_options`` copy's)."""
        return {"Authorization": f"Bearer {api_key}"}

    def redact(self, text: str) -> str:
        """``text`` with the API key masked: the one place every error and log line goes
        through before it can show something a server sent back (rules in ``_redact``)."""
        return redact_text(text, self.api_key)

    def redact_headers(self, headers: httpx.Headers) -> httpx.Headers:
        """``headers`` with the API key masked in every name and value (the same object when
        the key is not there)."""
        return redact_headers(headers, self.redact)

    def scrub(self, error: BaseException) -> None:
        """Mask the key in ``error``, its body and its chain of causes, in place."""
        scrub(error, self.redact)

    def with_clock(self, clock: Callable[[], float]) -> Settings:
        """A copy timed by ``clock``, its rate limiter (a fresh one, same budget) included.

        Example:
            >>> now = [0.0]
            >>> client._settings = client._settings.with_clock(lambda: now[0])  # doctest: +SKIP
        """
        limiter = None if self.limiter is None else self.limiter.with_clock(clock)
        return replace(self, clock=clock, limiter=limiter)
