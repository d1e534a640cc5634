"""Masking the API key: the one rule every error, log line and chained cause goes through.

Servers echo keys back (in an error's message, ``code``, ``param``, body, a response header),
and a transport error may quote a header. :func:`redact_text` masks the key in a text;
:func:`redact_headers` in response headers; :func:`scrub` masks it in everything an error
carries (its body and headers included) and in every SDK error chained to it, and puts a
:class:`RedactedCause` in place of any other exception in the chain whose text shows the key.
``Settings.redact``, ``Settings.redact_headers`` and ``Settings.scrub`` (``_settings``) apply
them with the client's key.

A key of :data:`WHOLE_TOKEN_BELOW` characters or more is masked wherever it appears, and so is
its start at the very end of a text (an excerpt cut short). A shorter one (``api_key="k"`` in a
test) is masked only where it stands as a whole token: masking every ``k`` in a message would
destroy the message and hide nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from itertools import chain
from typing import Any

import httpx

from ._errors import CustomersError, ResponseValidationError

__all__ = [
    "MASK",
    "WHOLE_TOKEN_BELOW",
    "RedactedCause",
    "redact_headers",
    "redact_text",
    "scrub",
]

MASK = "***"
WHOLE_TOKEN_BELOW = 12
_WORD = "A-Za-z0-9_"
_SHORTEST_CUT = 6
# Chains are short; a cycle or a pathological one must not stall an error on its way out.
_MAX_CHAIN = 64

Redact = Callable[[str], str]


@functools.lru_cache(maxsize=16)
def _forms(key: str) -> tuple[str, ...]:
    # The key as written, and as a repr or a JSON string escapes it: a key with a quote or a
    # backslash, quoted in a body excerpt or in a header's repr, must be masked as well.
    escaped = key.replace("\\", "\\\\")
    forms = {key, escaped.replace("'", "\\'"), escaped.replace('"', '\\"')}
    return tuple(sorted(forms, key=len, reverse=True))


@functools.lru_cache(maxsize=16)
def _pattern(key: str) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(form) for form in _forms(key))
    if len(key) >= WHOLE_TOKEN_BELOW:
        return re.compile(alternatives)
    word = re.compile(f"[{_WORD}]")
    before = f"(?<![{_WORD}])" if word.match(key[0]) else ""
    after = f"(?![{_WORD}])" if word.match(key[-1]) else ""
    return re.compile(f"{before}(?:{alternatives}){after}")


def redact_text(text: str, key: str) -> str:
    """``text`` with every occurrence of ``key`` replaced by ``***``.

    Example:
        >>> redact_text("Invalid API Key: sk_live_0123456789", "sk_live_0123456789")
        'Invalid API Key: ***'
        >>> redact_text("keep looking, k", "k")  # a short key: whole tokens only
        'keep looking, ***'
    """
    if not key:
        return text
    forms = _forms(key)
    if len(key) < WHOLE_TOKEN_BELOW:
        return _pattern(key).sub(MASK, text) if any(f in text for f in forms) else text
    # Whole or cut short, an occurrence starts like the key: most texts are passed through
    # after this one scan (request ids are checked on every response).
    if not any(form[:_SHORTEST_CUT] in text for form in forms):
        return text
    text = _pattern(key).sub(MASK, text)
    # A body excerpt is cut at a fixed length, maybe in the middle of an echoed key.
    for form in forms:
        for length in range(min(len(form), len(text) + 1) - 1, _SHORTEST_CUT - 1, -1):
            if text.endswith(form[:length]):
                return text[:-length] + MASK
    return text


def redact_headers(headers: httpx.Headers, redact: Redact) -> httpx.Headers:
    """``headers`` itself when no name or value shows the key, else a copy with it masked.

    Every response's headers pass here (``response_info.headers``), so the common case is one
    scan of all of them joined: a copy is made only when the key could be there.

    Example:
        >>> echoed = httpx.Headers({"X-Echo": "Bearer sk_live_0123456789", "Server": "nginx"})
        >>> masked = redact_headers(echoed, lambda text: text.replace("sk_live_0123456789", "***"))
        >>> masked["x-echo"], masked["server"]
        ('Bearer ***', 'nginx')
    """
    # latin-1 maps each byte to one character, so a key (ASCII) shows in the text as it does
    # in the bytes, whatever encoding the headers use; the newlines keep each one a token.
    joined = b"\n".join(chain.from_iterable(headers.raw)).decode("latin-1")
    if redact(joined) == joined:
        return headers
    # From `raw`: names as sent (multi_items() lower-cases them, and the key with them).
    encoding = headers.encoding
    masked = [
        (redact(name.decode(encoding)), redact(value.decode(encoding)))
        for name, value in headers.raw
    ]
    return httpx.Headers(masked, encoding=encoding)


class RedactedCause(Exception):
    """Stands in an error's chain for an exception whose text showed the API key.

    It carries the original's type name, its text with the key masked, its traceback and its
    own causes (checked the same way); the original is no longer reachable from the error.

    Example:
        >>> cause = RedactedCause("httpx.ConnectError", "proxy refused Bearer ***")
        >>> str(cause)
        'httpx.ConnectError: proxy refused Bearer ***'
    """

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(f"{kind}: {text}")
        self.kind = kind
        """The original exception's type, e.g. ``"httpx.ConnectError"``."""


def _texts(exc: BaseException) -> list[str]:
    texts = []
    for render in (str, repr):
        try:
            texts.append(render(exc))
        except Exception:  # a broken __str__ must not hide the error being raised
            texts.append("")
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list):
        texts.extend(note for note in notes if isinstance(note, str))
    return texts


def _stand_in(exc: BaseException, redact: Redact) -> BaseException:
    if not any(redact(text) != text for text in _texts(exc)):
        return exc
    kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
    text = _texts(exc)[0]
    replacement = RedactedCause(kind, redact(text)).with_traceback(exc.__traceback__)
    replacement.__cause__ = exc.__cause__
    replacement.__context__ = exc.__context__
    replacement.__suppress_context__ = exc.__suppress_context__
    return replacement


def _redact_in_place(root: Any, redact: Redact) -> Any:
    """``root`` with every string in it masked; lists and dicts are changed in place, without
    recursion (an error body may be as deep as the JSON parser allowed); tuples are copied."""
    if isinstance(root, str):
        return redact(root)
    if isinstance(root, tuple):  # immutable, and rare (an error's args): rebuilt
        return tuple(_redact_in_place(list(root), redact))
    if isinstance(root, httpx.Headers):  # an APIError's: copied only when the key is there
        return redact_headers(root, redact)
    pending = [root] if isinstance(root, (list, dict)) else []
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            if any(isinstance(k, str) and redact(k) != k for k in node):
                items = [(redact(k) if isinstance(k, str) else k, v) for k, v in node.items()]
                node.clear()
                node.update(items)
            entries: list[tuple[Any, Any]] = list(node.items())
        else:
            entries = list(enumerate(node))
        for slot, value in entries:
            if isinstance(value, str):
                masked = redact(value)
                if masked != value:
                    node[slot] = masked
            elif isinstance(value, (list, dict)):
                pending.append(value)
            elif isinstance(value, tuple):
                node[slot] = _redact_in_place(value, redact)
    return root


def _scrub_fields(error: CustomersError, redact: Redact) -> None:
    for name, value in list(vars(error).items()):
        masked = _redact_in_place(value, redact)
        if masked is not value:
            setattr(error, name, masked)
    if isinstance(error, ResponseValidationError):
        # Its message quotes the excerpt: rebuilt from the masked one, not masked as quoted
        # (a quote escapes the key's escapes once more).
        error.message = error.detail(error.problem, error.status_code, error.excerpt)
        error.args = (error.message,)
    else:
        error.args = _redact_in_place(error.args, redact)


def scrub(error: BaseException, redact: Redact) -> None:
    """Mask the key in ``error`` and in its chain (``__cause__`` and ``__context__``).

    SDK errors are masked in place (every text attribute, the ``body``, ``args``); any other
    exception whose text shows the key is replaced in the chain by a :class:`RedactedCause`.

    Example:
        >>> from customers_sdk import APIConnectionError
        >>> error = APIConnectionError("refused")
        >>> error.__cause__ = OSError("proxy said: Bearer sk_live_0123456789")
        >>> scrub(error, lambda text: text.replace("sk_live_0123456789", "***"))
        >>> str(error.__cause__)
        'builtins.OSError: proxy said: Bearer ***'
    """
    # By id, with the original kept alive: a freed one's id could be reused by a stand-in.
    replaced: dict[int, tuple[BaseException, BaseException]] = {}
    pending = [error]
    seen: set[int] = set()
    while pending and len(seen) < _MAX_CHAIN:
        exc = pending.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        if isinstance(exc, CustomersError):
            _scrub_fields(exc, redact)
        for link in ("__cause__", "__context__"):
            linked: BaseException | None = getattr(exc, link)
            if linked is None:
                continue
            if not isinstance(linked, CustomersError):
                if id(linked) not in replaced:
                    replaced[id(linked)] = (linked, _stand_in(linked, redact))
                stand_in = replaced[id(linked)][1]
                if stand_in is not linked:
                    setattr(exc, link, stand_in)
                    linked = stand_in
            pending.append(linked)
