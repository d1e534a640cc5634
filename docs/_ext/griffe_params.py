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
- gives a method of an async client (``Async<X>CustomersClient``) the ``Args:`` and ``Raises:``
  sections of its sync twin's (``<X>CustomersClient``) method of the same name when its own
  docstring has none;
- documents a method alias in a class body (``retrieve = get``) as a method: the target's
  signature, and the alias's docstring before the target's;
- lists the keys of the typed dict of a ``**params: Unpack[SomeParams]`` parameter under
  ``Other parameters:`` (each with its type and its docstring, if it has one), so the reference
  says what the method takes rather than only the typed dict's name.
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
    "concurrency": "Pages fetched at a time while walking; the customers still come in order "
    "(see the pagination guide).",
    "extra_headers": "Headers for this call only, over the client's; a ``None`` value drops a "
    "header the client would send.",
    "extra_query": "Query params for this call only, beside the ones the call builds: for a "
    "param the SDK does not know yet. Encoded as the dialect encodes its own.",
    "extra_body": "Body params for this call only, beside the ones the call builds (Stripe's "
    "GET and DELETE: in the query, where Stripe reads them). Encoded as the dialect encodes "
    "its own.",
    "stripe_account": "Sent as ``Stripe-Account`` for this call: the connected account to act "
    "for; ``None``: none, whatever the client's.",
    "stripe_version": "Sent as ``Stripe-Version`` for this call; ``None``: none (the account's "
    "default version); default: the client's (:data:`STRIPE_API_VERSION` unless changed).",
}
"""Descriptions of the parameters several public functions share."""

CALL_RAISES = {
    "InvalidParameterError": "An argument is wrong; nothing was sent.",
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
_ASYNC_PREFIX = "Async"
_UNPACK = re.compile(r"^(?:typing_extensions\.|typing\.)?Unpack\[(.+)\]$")


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


def _one_line(text: str) -> str:
    return " ".join(text.split())


def typed_dict_keys(function: griffe.Function) -> dict[str, str]:
    """``{key: "(type): description"}`` of the typed dict a ``**params: Unpack[...]`` takes,
    its bases' keys included; empty when the function has no such parameter."""
    for parameter in function.parameters:
        if parameter.kind is not griffe.ParameterKind.var_keyword:
            continue
        match = _UNPACK.match(str(parameter.annotation or ""))
        annotation = parameter.annotation
        if match is None or not isinstance(annotation, griffe.ExprSubscript):
            continue
        target = _resolve(annotation.slice)
        if not isinstance(target, griffe.Class):
            continue
        keys: dict[str, str] = {}
        for cls in [target, *target.mro()]:
            for name, member in cls.members.items():
                if name in keys or not isinstance(member, griffe.Attribute):
                    continue
                kind = _one_line(str(member.annotation)) if member.annotation else "Any"
                doc = _one_line(member.docstring.value) if member.docstring else ""
                keys[name] = f"({kind}): {doc or f'See :class:`{target.name}`.'}"
        return dict(sorted(keys.items()))
    return {}


def _resolve(expr: object) -> object:
    """The object a name in an annotation stands for, or ``None``."""
    if isinstance(expr, griffe.ExprName):
        try:
            return expr.resolved
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None
    return None


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
    keys = typed_dict_keys(function)
    if keys and "Other parameters" not in own:
        body = _section(sections, "Other parameters")
        body.extend(f"    {name} {text}" for name, text in keys.items())
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
        _methods_from_aliases(pkg)
        for function in _functions(pkg):
            complete(function, _sync_twin(pkg, function), pkg.docstring)


def _methods_from_aliases(obj: griffe.Object) -> None:
    """Document ``retrieve = get`` in a class body as the method it is: the target's signature,
    the attribute's own docstring, then the target's (so its Args, Returns and Raises)."""
    for member in list(obj.members.values()):
        if member.is_alias:
            continue
        if isinstance(member, griffe.Class):
            _alias_methods(member)
        if isinstance(member, (griffe.Module, griffe.Class)):
            _methods_from_aliases(member)


def _alias_methods(cls: griffe.Class) -> None:
    for name, member in list(cls.members.items()):
        if not isinstance(member, griffe.Attribute) or name.startswith("_"):
            continue
        target = cls.members.get(str(member.value)) if member.value is not None else None
        if not isinstance(target, griffe.Function) or target.docstring is None:
            continue
        method = griffe.Function(
            name,
            lineno=member.lineno,
            endlineno=member.endlineno,
            parameters=target.parameters,
            returns=target.returns,
            parent=cls,
        )
        own = member.docstring.value if member.docstring is not None else ""
        method.docstring = griffe.Docstring(
            f"{own}\n\n{target.docstring.value}".strip(),
            parent=method,
            parser=target.docstring.parser,
            parser_options=target.docstring.parser_options,
        )
        cls.set_member(name, method)


def _sync_twin(pkg: griffe.Module, function: griffe.Function) -> griffe.Function | None:
    """The sync client's method of the same name, for a method of ``Async<X>CustomersClient``
    (found under the name the package exports the sync class as, ``<X>CustomersClient``)."""
    parent = function.parent
    if not isinstance(parent, griffe.Class) or not parent.name.startswith(_ASYNC_PREFIX):
        return None
    exported = pkg.members.get(parent.name[len(_ASYNC_PREFIX) :])
    if exported is None:
        return None
    sync_class = exported.final_target if exported.is_alias else exported
    if not isinstance(sync_class, griffe.Class):
        return None
    candidate = sync_class.all_members.get(function.name)
    if candidate is not None and candidate.is_alias:
        candidate = candidate.final_target
    return candidate if isinstance(candidate, griffe.Function) else None
