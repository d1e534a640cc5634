"""A Griffe extension that writes the parameters every client method shares once, for the docs.

Every factory takes the same client options (``api_key``, ``timeout``, ``http_client``...) and
every operation the same call options (``timeout``, ``max_retries``, ``deadline``,
``idempotency_key``) and raises the same errors; the async client's methods take what the sync
ones take. Written into each docstring, that would be the same lines a dozen times, drifting
apart. So a docstring in the source documents only what is its own, and for the API reference
(the source is untouched) this extension:

- adds to the ``Args:`` section (made if missing) every parameter in :data:`SHARED_ARGS` that
  the function takes and does not document;
- adds the errors in :data:`CALL_RAISES` to the ``Raises:`` section of every method that makes
  a request (it takes ``deadline``), after those the docstring names, and those in
  :data:`FACTORY_RAISES` to every client factory's (it takes ``api_key``);
- gives a method of ``AsyncCustomersClient`` the ``Args:`` and ``Raises:`` sections of the
  ``CustomersClient`` method of the same name when its own docstring has none.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

SHARED_ARGS = {
    "api_key": "The API key; default: the ``STRIPE_API_KEY`` (Stripe) or ``CUSTOMERS_API_KEY``"
    " environment variable. Refused at once if missing or malformed.",
    "base_url": "The API's root URL, without credentials, query or fragment; default: "
    "``CUSTOMERS_BASE_URL`` (Stripe: ``https://api.stripe.com``).",
    "timeout": "Seconds (or an ``httpx.Timeout``) each attempt may take; ``None``: no limit. "
    "On a call, overrides the client's for that call.",
    "max_retries": "How many times a failed attempt is retried (0: never). On a call, "
    "overrides the client's for that call.",
    "max_requests_per_second": "Paces this client's requests, retries included; ``None``: "
    "no pacing.",
    "http_client": "Your own ``httpx.Client`` (``httpx.AsyncClient`` for the async client): "
    "proxies, mTLS, an in-process transport. You close it; the client does not.",
    "default_headers": "Headers sent with every request.",
    "retry_policy": "How long to wait between retries (:class:`RetryPolicy`).",
    "deadline": "Seconds the whole call may take, every attempt and wait included; ``None``: "
    "no deadline.",
    "idempotency_key": "Sent as ``Idempotency-Key`` and reused by every retry, so the write "
    "happens once; default: a new key per call; ``None``: no key (then a write is retried "
    "only when it surely never reached the server).",
}
"""Descriptions of the parameters several public functions share."""

CALL_RAISES = {
    "InvalidParameterError": "An argument is wrong; nothing was sent.",
    "UnsupportedOperationError": "The client's dialect has no such operation.",
    "APIError": "The server answered with an error status (a subclass per status, such as "
    ":class:`NotFoundError`).",
    "APIConnectionError": "No usable response after the retries (:class:`APITimeoutError` for "
    "a timeout or the deadline).",
    "ResponseValidationError": "The response is not what the dialect promises.",
}
"""The errors any request-making method may raise."""

FACTORY_RAISES = {
    "InvalidParameterError": "No API key (argument or environment), a malformed key or base "
    "URL, or an option out of range.",
}
"""The errors a client factory (a function that takes ``api_key``) may raise."""

_SECTION = re.compile(r"^(\w[\w ]*):\s*$")
_ITEM = re.compile(r"^    (\w+)(?: \(.*\))?:")
_TWINS = (
    "customers_sdk._async_client.AsyncCustomersClient",
    "customers_sdk._client.CustomersClient",
)


def split_sections(text: str) -> list[tuple[str, list[str]]]:
    """A Google docstring as ``(title, lines)`` pairs; the text before any section is ``""``.

    Example:
        >>> split_sections("Do it.\\n\\nArgs:\\n    x: The x.")
        [('', ['Do it.', '']), ('Args', ['    x: The x.'])]
    """
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines():
        match = _SECTION.match(line)
        if match:
            sections.append((match.group(1), []))
        else:
            sections[-1][1].append(line)
    return sections


def join_sections(sections: list[tuple[str, list[str]]]) -> str:
    lines: list[str] = []
    for title, body in sections:
        if title:
            if lines and lines[-1].strip():
                lines.append("")
            lines.append(f"{title}:")
        lines.extend(body)
    return "\n".join(lines).strip() + "\n"


def _section(sections: list[tuple[str, list[str]]], title: str) -> list[str]:
    """The body of the section ``title``, added before ``Example:`` if it is missing."""
    for name, body in sections:
        if name == title:
            return body
    body: list[str] = []
    at = next((i for i, (name, _) in enumerate(sections) if name.startswith("Example")), None)
    sections.insert(len(sections) if at is None else at, (title, body))
    return body


def _add_items(body: list[str], items: dict[str, str]) -> None:
    while body and not body[-1].strip():
        body.pop()
    documented = {match.group(1) for line in body if (match := _ITEM.match(line))}
    body.extend(f"    {name}: {text}" for name, text in items.items() if name not in documented)


def complete(
    function: griffe.Function, twin: griffe.Function | None, like: griffe.Docstring
) -> None:
    """Complete one function's docstring as the module doc says (``like``: a docstring whose
    parser settings a new one takes)."""
    text = function.docstring.value if function.docstring else ""
    sections = split_sections(text)
    own = {name for name, _ in sections}
    if twin is not None and twin.docstring is not None:
        for title, body in split_sections(twin.docstring.value):
            if title in ("Args", "Raises") and title not in own:
                _section(sections, title).extend(body)
    names = [p.name for p in function.parameters if p.name not in ("self", "cls")]
    shared = {name: SHARED_ARGS[name] for name in names if name in SHARED_ARGS}
    if shared:
        _add_items(_section(sections, "Args"), shared)
    if "deadline" in names:
        _add_items(_section(sections, "Raises"), CALL_RAISES)
    if "api_key" in names:
        _add_items(_section(sections, "Raises"), FACTORY_RAISES)
    new_text = join_sections(sections)
    if new_text.strip() == text.strip():
        return
    if function.docstring is None:
        function.docstring = griffe.Docstring(
            new_text, parent=function, parser=like.parser, parser_options=like.parser_options
        )
    else:
        function.docstring.value = new_text


def _functions(obj: griffe.Object) -> list[griffe.Function]:
    found: list[griffe.Function] = []
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, griffe.Function):
            if not member.name.startswith("_"):
                found.append(member)
        elif isinstance(member, (griffe.Module, griffe.Class)):
            found.extend(_functions(member))
    return found


class SharedParameters(griffe.Extension):
    """Complete the docstrings of the ``customers_sdk`` package (see module doc)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        if pkg.path != "customers_sdk" or pkg.docstring is None:
            return
        async_path, sync_path = _TWINS
        for function in _functions(pkg):
            twin = None
            if function.parent is not None and function.parent.path == async_path:
                candidate = pkg.modules_collection[sync_path].members.get(function.name)
                twin = candidate if isinstance(candidate, griffe.Function) else None
            complete(function, twin, pkg.docstring)
