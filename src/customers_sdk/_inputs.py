"""Checks of what a caller hands the SDK that ends up on the wire: the key, the base URL,
header values, free text. Each failure is an :class:`InvalidParameterError` raised before
anything is sent, and no message ever quotes the key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

import httpx

from ._errors import InvalidParameterError

__all__ = [
    "MAX_PARAM_DEPTH",
    "MAX_SECONDS",
    "check_api_key",
    "check_base_url",
    "check_extra_headers",
    "check_header_value",
    "check_headers",
    "check_max_retries",
    "check_nesting",
    "check_seconds",
    "check_text",
    "merge_headers",
    "number_text",
    "shown",
]

# What h11 sends: visible ASCII, inner spaces and tabs (httpx encodes header values as ASCII).
_HEADER_VALUE = re.compile(r"(?:[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*)?")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_CHAR = re.compile(r"[\x20-\x7e\t]")
_KEY = re.compile(r"[\x21-\x7e]+")
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://([^/?#]*)")
_CHAR_NAMES = {
    "\n": "a line feed",
    "\r": "a carriage return",
    "\x00": "a NUL",
    "\t": "a tab",
    " ": "a space",
}


def _char_name(char: str) -> str:
    if char in _CHAR_NAMES:
        return _CHAR_NAMES[char]
    if ord(char) > 0x7E:
        return "a non-ASCII character"
    return f"a control character (U+{ord(char):04X})"


def _first_bad(value: str, allowed: re.Pattern[str]) -> str:
    """Where and what the first character ``allowed`` refuses is, without quoting ``value``."""
    for index, char in enumerate(value):
        if not allowed.fullmatch(char):
            return f"{_char_name(char)} at position {index} of {len(value)}"
    return f"leading or trailing whitespace (length {len(value)})"


def check_api_key(key: object, source: str) -> str:
    """The key as an HTTP header can carry it: visible ASCII only, no whitespace anywhere.

    ``source`` names where it came from (``"api_key"`` or the environment variable). The
    message says what is wrong and where, never the key itself.

    Example:
        >>> try:
        ...     check_api_key("sk_test_123\\n", "STRIPE_API_KEY")
        ... except InvalidParameterError as exc:
        ...     print(exc)
        STRIPE_API_KEY has a line feed at position 11 of 12; an API key is visible ASCII only \
(a trailing newline from a file or an environment variable?)
    """
    if not isinstance(key, str):
        raise InvalidParameterError(
            f"{source} must be a string, got {type(key).__name__}", param="api_key"
        )
    if not _KEY.fullmatch(key):
        raise InvalidParameterError(
            f"{source} has {_first_bad(key, _KEY)}; an API key is visible ASCII only "
            "(a trailing newline from a file or an environment variable?)",
            param="api_key",
        )
    return key


def check_header_value(
    value: object, param: str, *, required: bool = False, label: str | None = None
) -> str:
    """A string that can be an HTTP header's value: ASCII, no CR, LF or NUL, no whitespace at
    either end; non-empty when ``required``.

    Example:
        >>> check_header_value("2024-06-20", "stripe_version")
        '2024-06-20'
    """
    label = label or param
    if not isinstance(value, str):
        raise InvalidParameterError(
            f"{label} must be a string, got {type(value).__name__}", param=param
        )
    if required and not value:
        raise InvalidParameterError(f"{label} must not be empty", param=param)
    if not _HEADER_VALUE.fullmatch(value):
        raise InvalidParameterError(
            f"{label} has {_first_bad(value, _HEADER_CHAR)}; "
            "an HTTP header value is ASCII without line breaks or NUL",
            param=param,
        )
    return value


def check_headers(headers: Mapping[str, str] | None, param: str) -> dict[str, str]:
    """``headers`` as a dict, each name a valid token and each value a valid header value."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise InvalidParameterError(f"{param} must be a dict of str to str", param=param)
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise InvalidParameterError(
                f"{param} has an invalid header name {shown(name)}", param=param
            )
        check_header_value(value, param, label=f"{param}[{name!r}]")
    return dict(headers)


MAX_PARAM_DEPTH = 32
"""How deep a param's dicts and lists may nest: Stripe's deepest params nest four levels
(``invoice_settings[rendering_options][amount_tax_display]``); far deeper is a mistake, or a
cycle, that would otherwise exhaust the stack while being encoded."""


def check_nesting(value: object, param: str, limit: int = MAX_PARAM_DEPTH) -> None:
    """Refuse ``value`` when its dicts and lists nest deeper than ``limit`` (a cycle does).

    Iterative, so the check itself never recurses.

    Example:
        >>> check_nesting({"a": [{"b": 1}]}, "extra_body")
        >>> deep: dict[str, object] = {}
        >>> deep["self"] = deep
        >>> check_nesting(deep, "extra_body")
        Traceback (most recent call last):
        ...
        customers_sdk._errors.InvalidParameterError: extra_body nests deeper than 32 levels \
(or holds itself)
    """
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Iterable[object] = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            raise InvalidParameterError(
                f"{param} nests deeper than {limit} levels (or holds itself)", param=param
            )
        stack.extend((child, depth + 1) for child in children)


def check_max_retries(value: object) -> int:
    """``max_retries``: an int >= 0 (a bool is an int to Python, never a meant count)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidParameterError("max_retries must be an int >= 0", param="max_retries")
    return value


MAX_SECONDS = 1e9
"""The longest timeout or deadline taken (~31 years): a socket's timer holds at most ~292 years
in nanoseconds, and a longer wait (``inf`` included) failed there with an ``OverflowError``.
``None`` is the way to say "no timeout"."""


def check_seconds(value: object, *, zero: bool = True) -> float | None:
    """``value`` as seconds a socket can wait: a number (not a bool) from 0 (above 0 unless
    ``zero``) to :data:`MAX_SECONDS`; ``None`` if the value is not one, NaN and ``inf`` included.

    Example:
        >>> check_seconds(2), check_seconds(float("inf")), check_seconds(0, zero=False)
        (2.0, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        seconds = float(value)
    except OverflowError:  # an int past any float
        return None
    low_ok = seconds >= 0 if zero else seconds > 0  # NaN fails both
    return seconds if low_ok and seconds <= MAX_SECONDS else None


def check_extra_headers(
    headers: Mapping[str, str | None] | None,
) -> dict[str, str | None] | None:
    """A call's ``extra_headers``, checked; a ``None`` value drops a header the client sends.

    Example:
        >>> check_extra_headers({"X-Trace": "t1", "Stripe-Version": None})
        {'X-Trace': 't1', 'Stripe-Version': None}
    """
    if headers is None:
        return None
    if not isinstance(headers, Mapping):
        raise InvalidParameterError(
            "extra_headers must be a dict of str to str", param="extra_headers"
        )
    check_headers({k: "" if v is None else v for k, v in headers.items()}, "extra_headers")
    return dict(headers)


def merge_headers(base: Mapping[str, str], changes: Mapping[str, str | None]) -> dict[str, str]:
    """``base`` with ``changes`` over it, names compared case-insensitively (as HTTP does, so
    ``authorization`` replaces ``Authorization`` instead of being sent beside it); a ``None``
    value drops the header.

    Example:
        >>> merge_headers({"Accept": "text/html", "X-A": "1"}, {"accept": "*/*", "X-A": None})
        {'accept': '*/*'}
    """
    merged = dict(base)
    for name, value in changes.items():
        lowered = name.lower()
        for existing in [key for key in merged if key.lower() == lowered]:
            del merged[existing]
        if value is not None:
            merged[name] = value
    return merged


def check_text(value: str, param: str) -> str:
    """A string UTF-8 can encode: no lone surrogate (what a bad decode or a JSON ``\\ud800``
    leaves behind), which would fail while the request is being encoded.

    Example:
        >>> check_text("Ada", "name")
        'Ada'
    """
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            position = exc.start
        else:
            return value
        raise InvalidParameterError(
            f"{param} has a lone surrogate (U+{ord(value[position]):04X}) at position "
            f"{position}, which cannot be encoded",
            param=param,
        )
    return value


def number_text(value: int | float | Decimal, param: str, where: str | None = None) -> str:
    """``value`` as the text a query or form sends: a finite number whose ``str()`` Python can
    give (an int past 4300 digits has none: a bare ``ValueError``). ``where`` names the spot
    inside ``param`` (``metadata[n]``); ``nan`` and ``inf`` are no amount a server reads.

    Example:
        >>> number_text(2.5, "ratio")
        '2.5'
        >>> number_text(float("nan"), "extra_query", "extra_query['ratio']")
        Traceback (most recent call last):
        ...
        customers_sdk._errors.InvalidParameterError: extra_query['ratio'] must be a finite \
number of at most 4300 digits, got nan
    """
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:
            pass
    elif value.is_finite() if isinstance(value, Decimal) else math.isfinite(value):
        return str(value)
    raise InvalidParameterError(
        f"{where or param} must be a finite number of at most 4300 digits, got {shown(value)}",
        param=param,
    )


def shown(value: object, limit: int = 200) -> str:
    """``repr(value)`` for an error message, cut to ``limit`` characters (a message is read by
    a person, and a value can be megabytes); an int Python will not print (past 4300 digits, a
    bare ``ValueError``) by its size instead.

    Example:
        >>> shown("a"), shown(7), shown(-(10**5000)), shown("x" * 1000, limit=12)
        ("'a'", '7', 'an int of 16610 bits', "'xxxxxxxxxx… (1002 characters)")
    """
    try:
        text = repr(value)
    except ValueError:  # an int's, past 4300 digits (or a repr of the caller's own that fails)
        if_int = f"an int of {value.bit_length()} bits" if isinstance(value, int) else None
        return if_int or f"a {type(value).__name__} whose repr fails"
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text)} characters)"


def check_base_url(url: object, source: str) -> str:
    """An ``http(s)`` URL with a host, and nothing a path could not be appended to: no
    credentials (``https://api.stripe.com@evil.example`` is a request to evil.example), no
    query, no fragment. Returned without its trailing slash.

    Example:
        >>> check_base_url("https://api.example.com/", "base_url")
        'https://api.example.com'
    """
    if not isinstance(url, str):
        raise InvalidParameterError(
            f"{source} must be a string, got {type(url).__name__}", param="base_url"
        )
    authority = _AUTHORITY.match(url)
    # Checked before anything quotes the URL: its user info may be a password.
    if authority is not None and "@" in authority.group(1):
        raise InvalidParameterError(
            f"{source} must not carry credentials (user info before an '@'): the key is sent "
            "in a header, and whatever follows the '@' is the host",
            param="base_url",
        )
    if not url.startswith(("http://", "https://")):
        raise InvalidParameterError(
            f"{source} must start with http:// or https://, got {url!r}", param="base_url"
        )
    if "?" in url or "#" in url:
        raise InvalidParameterError(
            f"{source} must not have a query or a fragment (paths are appended to it), got {url!r}",
            param="base_url",
        )
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        problem = str(exc)
    else:
        problem = ""
        if not parsed.host:
            problem = "no host"
        elif any(char.isspace() for char in url):
            problem = "whitespace in it"
        elif parsed.port is not None and not 0 < parsed.port < 65536:
            problem = f"port {parsed.port} out of range"
        if not problem:
            return url.rstrip("/")
    raise InvalidParameterError(
        f"{source} is not a usable URL ({problem}): {url!r}", param="base_url"
    )
