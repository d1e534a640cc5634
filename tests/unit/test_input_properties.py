"""Properties of everything a caller hands the SDK, for every dialect (hypothesis).

Whatever the input (ids, emails, names, metadata keys and values, filters, list params, API
keys), the outcome is either a typed SDK error raised before anything is sent, or a request
that decodes back to exactly what was given. Never an untyped exception, and never a trace of
the key in an error, its chain or a log line, even when the server echoes it back. Inputs the
contract accepts must be sent. Bounded: a fixed, small number of examples each, derandomized
so every run checks the same cases.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import API_KEY, BASE_URLS, error_texts
from customers_sdk import (
    AsyncCustomersClient,
    CustomersClient,
    CustomersError,
    InvalidParameterError,
)
from customers_sdk._dialects._stripe_params import CustomerCreateParams
from customers_sdk._filters import MAX_FILTER_DEPTH
from customers_sdk._request import MAX_ID_LENGTH
from sdk_driver import EventLoopThread

BOUNDED = settings(
    max_examples=60,
    deadline=2000,  # milliseconds; generous for a shared, loaded machine
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Any code point, lone surrogates included (hypothesis leaves those out by default), and texts
# around the characters that break encodings, which random code points seldom hit.
any_char = st.characters(exclude_categories=[])
breakers = st.sampled_from(
    ["\ud800", "\udfff", "\x00", "\n", "[", "]", "%", "&", "=", "+", "é", "\u2028", "/", "."]
)
any_text = st.one_of(
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=6), breakers, st.text(max_size=6)),
    st.text(any_char, max_size=24),
    st.text(max_size=300),
)
ascii_text = st.text(st.characters(max_codepoint=0x7F), max_size=24)
# A realistic key (its distinctive core must never show) with, maybe, something wrong with it.
key_cores = st.from_regex(r"[A-Za-z0-9]{20}", fullmatch=True)
key_junk = st.text(any_char, max_size=3) | st.text(st.sampled_from("\n\r\x00 \t'\"\\é"), max_size=2)


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- the capture: what reached the wire ---------------------------------------------------------
class Wire:
    """A MockTransport that records requests and answers with ``respond``."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.respond: Callable[[httpx.Request], httpx.Response] = self.customer

    @staticmethod
    def customer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "c_1", "object": "customer"})

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)

    def take(self) -> httpx.Request | None:
        """The one request sent since the last take, or ``None``."""
        sent, self.requests = self.requests, []
        assert len(sent) <= 1
        return sent[0] if sent else None


@pytest.fixture(scope="module")
def wire() -> Iterator[tuple[Wire, httpx.Client]]:
    recorder = Wire()
    with httpx.Client(transport=httpx.MockTransport(recorder.handle)) as http:
        yield recorder, http


def _client(dialect: str, http: httpx.Client, **options: Any) -> Any:
    """Any dialect's client, as ``Any``: the properties send arbitrary, often ill-typed values
    (what a caller without a type checker can do), which is what they test."""
    options.setdefault("api_key", API_KEY)
    if dialect != "stripe":
        options.setdefault("base_url", BASE_URLS[dialect])
    return getattr(CustomersClient, dialect)(http_client=http, max_retries=0, **options)


def outcome(action: Callable[[], object]) -> CustomersError | None:
    """The SDK error ``action`` raised, or ``None``; any other exception fails the test."""
    try:
        action()
    except CustomersError as error:
        return error
    return None


def sent_if_valid(
    recorder: Wire, action: Callable[[], object], valid: bool
) -> httpx.Request | None:
    """Run ``action``: refused with an ``InvalidParameterError`` and nothing sent when the
    input is not ``valid``, else sent once without an error. What was sent, if anything."""
    error = outcome(action)
    request = recorder.take()
    if not valid:
        assert isinstance(error, InvalidParameterError)
        assert request is None
        return None
    assert error is None
    assert request is not None
    return request


def _segment(request: httpx.Request, collection: str) -> str:
    path = request.url.raw_path.decode("ascii")
    assert path.startswith(f"{collection}/")
    segment = path[len(collection) + 1 :]
    assert "/" not in segment
    assert "?" not in segment
    return unquote(segment, errors="strict")


# -- ids ----------------------------------------------------------------------------------------
ids = any_text | st.text(min_size=250, max_size=260) | st.sampled_from(["..", ".", "a/b", "%2F"])


@pytest.mark.parametrize("dialect", ["stripe", "cursor"])
@BOUNDED
@given(customer_id=ids, operation=st.sampled_from(["get", "delete"]))
def test_an_id_is_refused_or_sent_as_one_path_segment(
    wire: tuple[Wire, httpx.Client], dialect: str, customer_id: str, operation: str
) -> None:
    recorder, http = wire
    valid = (
        0 < len(customer_id) <= MAX_ID_LENGTH
        and customer_id.strip() == customer_id
        and encodable(customer_id)
    )
    action = getattr(_client(dialect, http), operation)
    request = sent_if_valid(recorder, lambda: action(customer_id), valid)
    if request is not None:
        assert _segment(request, "/v1/customers") == customer_id


# -- writes: emails, names, phones, metadata ------------------------------------------------------
optional_text = st.none() | any_text
metadata = st.none() | st.dictionaries(
    any_text | st.sampled_from(["a][b", "plan[x]", "k=v&w", ""]), any_text, max_size=4
)


fields_strategy = st.fixed_dictionaries(
    {},
    optional={"email": optional_text, "name": optional_text, "metadata": metadata},
)


def _write(client: Any, fields: dict[str, Any], update: bool) -> Callable[[], object]:
    if update:
        return lambda: client.update("c_1", **fields)
    return lambda: client.create(**fields)


def _texts_of(fields: dict[str, Any]) -> list[str]:
    texts = [value for value in fields.values() if isinstance(value, str)]
    for key, value in (fields.get("metadata") or {}).items():
        texts += [key, value]
    return texts


@BOUNDED
@given(fields=fields_strategy, update=st.booleans())
def test_a_stripe_write_is_refused_or_form_encoded_exactly(
    wire: tuple[Wire, httpx.Client], fields: dict[str, Any], update: bool
) -> None:
    recorder, http = wire
    keys = list((fields.get("metadata") or {}).keys())
    valid = all(map(encodable, _texts_of(fields))) and all(
        key and "[" not in key and "]" not in key for key in keys
    )
    request = sent_if_valid(recorder, _write(_client("stripe", http), fields, update), valid)
    if request is None:
        return
    if not update:  # a create has nothing to unset: None is "not given" there
        fields = {name: value for name, value in fields.items() if value is not None}
    expected: list[tuple[str, str]] = [
        (name, fields[name] or "") for name in ("email", "name") if name in fields
    ]
    if "metadata" in fields:
        given_metadata = fields["metadata"] or {}
        expected += [(f"metadata[{k}]", v) for k, v in given_metadata.items()] or [("metadata", "")]
    form = parse_qsl(request.content.decode("ascii"), keep_blank_values=True, errors="strict")
    assert sorted(form) == sorted(expected)


@BOUNDED
@given(fields=fields_strategy, update=st.booleans())
def test_a_cursor_write_is_refused_or_sent_as_the_same_json(
    wire: tuple[Wire, httpx.Client], fields: dict[str, Any], update: bool
) -> None:
    recorder, http = wire
    keys = list((fields.get("metadata") or {}).keys())
    valid = all(map(encodable, _texts_of(fields))) and all(keys)
    request = sent_if_valid(recorder, _write(_client("cursor", http), fields, update), valid)
    if request is not None:
        assert json.loads(request.content) == fields


# -- list params: email, search, offset, limit -------------------------------------------------
@BOUNDED
@given(email=any_text, query=any_text)
def test_stripe_list_email_and_search_query_round_trip(
    wire: tuple[Wire, httpx.Client], email: str, query: str
) -> None:
    recorder, http = wire
    recorder.respond = lambda request: httpx.Response(200, json={"data": [], "has_more": False})
    client = _client("stripe", http)
    try:
        request = sent_if_valid(recorder, lambda: client.list(email=email), encodable(email))
        if request is not None:
            assert request.url.params["email"] == email
        valid = encodable(query) and bool(query.strip())
        request = sent_if_valid(recorder, lambda: client.search(query), valid)
        if request is not None:
            assert request.url.params["query"] == query
    finally:
        recorder.respond = recorder.customer


junk = st.none() | st.booleans() | st.integers() | st.floats() | ascii_text


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@BOUNDED
@given(offset=junk, limit=junk, include=junk)
def test_offset_list_params_are_refused_or_sent_as_given(
    wire: tuple[Wire, httpx.Client], offset: Any, limit: Any, include: Any
) -> None:
    recorder, http = wire
    pagination = {"total": 0, "limit": 1, "offset": 0, "hasMore": False}
    recorder.respond = lambda request: httpx.Response(
        200, json={"data": [], "pagination": pagination}
    )
    valid = (
        (offset is None or (_is_int(offset) and offset >= 0))
        and (limit is None or (_is_int(limit) and 1 <= limit <= 100))
        and (include is None or isinstance(include, bool))
    )
    client = _client("offset", http)
    try:
        request = sent_if_valid(
            recorder,
            lambda: client.list(offset=offset, limit=limit, include_subscriptions=include),
            valid,
        )
    finally:
        recorder.respond = recorder.customer
    if request is None:
        return
    params = request.url.params  # None is "not given": the dialect's default is sent
    assert params.get("offset") == (None if offset is None else str(offset))
    assert params.get("limit") == (None if limit is None else str(limit))
    flag = None if include is None else "true" if include else "false"
    assert params.get("include_subscriptions") == flag


# -- filters (cursor) -----------------------------------------------------------------------------
ops = st.sampled_from(["eq", "neq", "contains", "gt", "gte", "lt", "lte"])
scalars = st.none() | st.booleans() | st.integers() | st.floats() | any_text
condition = st.one_of(
    st.fixed_dictionaries({"field": any_text, "op": ops, "value": scalars}),
    st.fixed_dictionaries(
        {"field": any_text, "op": st.just("in"), "value": st.lists(scalars, max_size=3)}
    ),
)
filters = st.recursive(
    condition,
    lambda children: st.dictionaries(
        st.sampled_from(["and", "or"]),
        st.lists(children, min_size=1, max_size=3),
        min_size=1,
        max_size=1,
    ),
    max_leaves=6,
) | st.dictionaries(ascii_text, scalars, max_size=3)


def _filters_valid(document: Any, depth: int = 1) -> bool:
    if depth > MAX_FILTER_DEPTH or not isinstance(document, dict):
        return False
    if set(document) in ({"and"}, {"or"}):
        members = next(iter(document.values()))
        return (
            isinstance(members, list)
            and bool(members)
            and all(_filters_valid(m, depth + 1) for m in members)
        )
    if set(document) != {"field", "op", "value"} or not document["field"]:
        return False
    values = document["value"] if document["op"] == "in" else [document["value"]]
    return encodable(document["field"]) and all(
        value == value
        and value not in (float("inf"), float("-inf"))
        and (not isinstance(value, str) or encodable(value))
        for value in values
    )


def _nest(document: dict[str, Any], depth: int) -> dict[str, Any]:
    for level in range(depth - 1):
        document = {("and", "or")[level % 2]: [document]}
    return document


@BOUNDED
@given(document=filters, depth=st.integers(1, MAX_FILTER_DEPTH + 8))
def test_filters_are_refused_or_sent_as_the_same_json(
    wire: tuple[Wire, httpx.Client], document: dict[str, Any], depth: int
) -> None:
    recorder, http = wire
    recorder.respond = lambda request: httpx.Response(200, json={"data": [], "has_more": False})
    document = _nest(document, depth)
    client = _client("cursor", http)
    try:
        request = sent_if_valid(
            recorder, lambda: client.list(filters=document), _filters_valid(document)
        )
    finally:
        recorder.respond = recorder.customer
    if request is not None:
        assert json.loads(request.url.params["filters"]) == document


# -- Stripe's typed params and every dialect's extras -------------------------------------------
# Every kind of value the encoders and the TypedDict check meet, and those that broke them: an
# int past 4300 digits (str() raises), NaN and infinities, lone surrogates, bytes, sets, keys
# that are not text or hold brackets.
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.just(2**63),
    st.builds(lambda sign: sign * 10**5000, st.sampled_from([1, -1])),  # not in a repr
    st.floats(),
    st.decimals(),
    st.text(any_char, max_size=6),
    st.binary(max_size=3),
)
_keys = st.one_of(st.text(any_char, max_size=4), st.sampled_from(["a[b]", ""]), st.integers())
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner),
        st.dictionaries(_keys, inner, max_size=3),
        st.frozensets(st.integers(), max_size=2),
    ),
    max_leaves=8,
)
_create_params = sorted(
    CustomerCreateParams.__required_keys__ | CustomerCreateParams.__optional_keys__
)


@BOUNDED
@given(
    dialect=st.sampled_from(["stripe", "cursor", "offset"]),
    where=st.sampled_from(["params", "extra_query", "extra_body"]),
    name=st.sampled_from(_create_params),
    value=_values,
)
def test_any_param_or_extra_is_refused_typed_or_sent(
    wire: tuple[Wire, httpx.Client], dialect: str, where: str, name: str, value: object
) -> None:
    recorder, http = wire
    client = _client(dialect, http)
    given = {name: value} if where == "params" else {where: {name: value}}
    if dialect == "offset":  # its one operation; its params are list()'s
        given = {"offset": value} if where == "params" else given
        page = {"data": [], "pagination": {"total": 0, "limit": 50, "offset": 0, "hasMore": False}}
        recorder.respond = lambda request: httpx.Response(200, json=page)
        try:
            error = outcome(lambda: client.list(**given))
        finally:
            recorder.respond = recorder.customer
    elif dialect == "cursor" and where == "params":
        error = outcome(lambda: client.create(metadata={name: value}))
    else:
        error = outcome(lambda: client.create(**given))
    request = recorder.take()
    assert error is None or isinstance(error, InvalidParameterError)
    assert (request is None) == (error is not None)


# -- the API key --------------------------------------------------------------------------------
def _fragments(core: str) -> list[str]:
    return [core[start : start + 8] for start in range(len(core) - 7)]


def _assert_no_trace(core: str, error: BaseException, logged: list[str]) -> None:
    for text in [*logged, *error_texts(error)]:
        for fragment in _fragments(core):
            assert fragment not in text


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logged() -> Iterator[list[str]]:
    handler = _Records()
    loggers = [logging.getLogger(name) for name in ("customers_sdk", "httpx", "httpcore")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def _echo(key: str) -> Callable[[httpx.Request], httpx.Response]:
    """A server that echoes the key in every field of its error, and as a body that breaks."""

    def respond(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(200, text=f'{{"id": {json.dumps(key)}, "deleted": [')
        error = {"type": "invalid_request_error", "code": key, "param": key, "message": key}
        return httpx.Response(401, json={"error": error}, headers={"Request-Id": key})

    return respond


@BOUNDED
@given(
    core=key_cores,
    junk=key_junk,
    at=st.integers(0, 28),
    dialect=st.sampled_from(["stripe", "cursor"]),
)
def test_a_key_is_refused_untold_or_sent_and_never_shown(
    wire: tuple[Wire, httpx.Client],
    logged: list[str],
    core: str,
    junk: str,
    at: int,
    dialect: str,
) -> None:
    recorder, http = wire
    key = "sk_live_" + core
    key = key[:at] + junk + key[at:]
    logged.clear()
    error = outcome(lambda: _client(dialect, http, api_key=key))
    if error is not None:
        assert isinstance(error, InvalidParameterError)
        assert error.param == "api_key"
        assert not all(0x21 <= ord(char) <= 0x7E for char in key)
        _assert_no_trace(core, error, logged)
        assert recorder.take() is None
        return
    assert all(0x21 <= ord(char) <= 0x7E for char in key)
    client = _client(dialect, http, api_key=key)
    recorder.respond = _echo(key)
    try:
        for call in (lambda: client.get("c_1"), lambda: client.delete("c_1")):
            failure = outcome(call)
            assert failure is not None
            _assert_no_trace(core, failure, logged)
            request = recorder.take()
            assert request is not None
            assert request.headers["authorization"] == f"Bearer {key}"
    finally:
        recorder.respond = recorder.customer


AsyncWire = tuple[Wire, httpx.AsyncClient, EventLoopThread]


@pytest.fixture(scope="module")
def async_wire(_asyncio_loop: EventLoopThread) -> Iterator[AsyncWire]:
    recorder = Wire()

    async def make() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(recorder.handle))

    http = _asyncio_loop.run(make)
    yield recorder, http, _asyncio_loop
    _asyncio_loop.run(http.aclose)


@settings(BOUNDED, max_examples=25)
@given(core=key_cores, quote=st.sampled_from(["", "'", '"', "\\", "'\"\\"]))
def test_an_echoed_key_never_shows_through_the_async_client(
    async_wire: AsyncWire, core: str, quote: str
) -> None:
    recorder, http, loop = async_wire
    key = f"sk_live_{quote}{core}"
    client = AsyncCustomersClient.cursor(
        base_url=BASE_URLS["cursor"], api_key=key, http_client=http, max_retries=0
    )
    recorder.respond = _echo(key)
    try:
        for call in (lambda: client.get("c_1"), lambda: client.delete("c_1")):
            with pytest.raises(CustomersError) as caught:
                loop.run(call)
            _assert_no_trace(core, caught.value, [])
            assert recorder.take() is not None
    finally:
        recorder.respond = recorder.customer
