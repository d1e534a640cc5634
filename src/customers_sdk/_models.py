"""Pydantic v2 models: one ``Customer`` for every dialect, plus ``Subscription``, ``Plan`` and
``Pagination``. Anything else the server sends is kept as an extra attribute, never dropped and
never an error.

Responses are validated straight from their JSON bytes (pydantic-core parses and validates in
one pass, several times faster than ``json.loads`` and a Python pass over every key). So the
top-level wire names of each dialect are field aliases here, and what an alias cannot say (the
unit of a numeric timestamp, Stripe's nested subscription shapes) comes from the reading
dialect's :class:`WireFormat`, passed as the validation context. Responses go through a copy
of these schemas compiled for the dialect (``_dialects/_envelopes.wire_validator``), in which
pydantic-core reads a customer's numeric timestamps itself; Python is called per value only
where pydantic-core cannot do the work.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timezone
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

from ._types import ResponseInfo, WireFormat

__all__ = [
    "ACTIVE_STATUSES",
    "Customer",
    "Pagination",
    "Plan",
    "Subscription",
    "SubscriptionStatus",
]


def _wire(info: ValidationInfo) -> WireFormat | None:
    context = info.context
    return context if isinstance(context, WireFormat) else None


def _from_epoch(value: Any, info: ValidationInfo) -> datetime:
    # Epoch seconds, or ms when the reading dialect says so; never guessed from the size.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("not an epoch timestamp")
    wire = _wire(info)
    divisor = 1 if wire is None else wire.timestamp_divisor
    try:
        return datetime.fromtimestamp(value / divisor, timezone.utc)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"timestamp {value} is out of range") from exc


def _not_epoch(value: Any) -> Any:
    # A number the epoch branch rejected must not get a second, guessed reading from pydantic.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("epoch timestamp out of range")
    return value


def _as_utc(value: datetime) -> datetime:
    # Servers that send ISO 8601 without an offset mean UTC; never hand out a naive datetime.
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


class _UTC:
    """A datetime read as aware UTC, from ISO 8601 (any offset, or none: UTC) or epoch numbers.

    Three branches, the first that accepts wins. ISO 8601 in UTC, most timestamps on the wire,
    is read by pydantic-core alone (no Python call: a third of a page's parsing time,
    measured). A number takes one Python call: epoch seconds, or milliseconds when the reading
    dialect says so (:class:`WireFormat`); a dialect's compiled copy of the schema replaces
    that call with pydantic-core's own reading, in the dialect's unit. Other offsets and naive
    times are parsed by pydantic and converted in Python. UTC comes back as pydantic's own
    ``TzInfo(0)`` or as ``timezone.utc``, depending on the branch: equal, and both
    ``utcoffset() == 0``, but compare them with ``==``, not ``is``.
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        in_utc = core_schema.datetime_schema(strict=True, tz_constraint=0)
        epoch = core_schema.with_info_plain_validator_function(_from_epoch)
        converted = core_schema.no_info_before_validator_function(
            _not_epoch, core_schema.no_info_after_validator_function(_as_utc, handler(source))
        )
        return core_schema.union_schema(
            [in_utc, epoch, converted],
            mode="left_to_right",
            custom_error_type="utc_datetime",
            custom_error_message="Input should be an ISO 8601 datetime or an epoch timestamp "
            "in range",
        )


class _NullAsEmpty:
    """A mapping field that reads JSON ``null`` as empty (the common case stays in Rust)."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        empty = core_schema.no_info_after_validator_function(
            lambda _: {}, core_schema.none_schema()
        )
        return core_schema.union_schema([handler(source), empty], mode="left_to_right")


def _aliases(*names: str) -> Any:
    # The field's own name first: models built by hand use it, and the first match wins.
    return Field(default=None, validation_alias=AliasChoices(*names))


UTCDateTime = Annotated[datetime, _UTC]
"""A ``datetime``, always timezone-aware in UTC, whatever the wire sent.

ISO 8601 with any offset is converted to UTC, and without one is read as UTC; a number is epoch
seconds, or milliseconds where the dialect sends them (never guessed from its size). The
``tzinfo`` is UTC but not always the object ``timezone.utc``: compare with ``==``, not ``is``.
"""


class _Model(BaseModel):
    # Schemas are built on first use, not at import: `import customers_sdk` stays cheap (as in
    # the Stainless-generated SDKs); the first page parsed pays ~20 ms once instead.
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, defer_build=True)

    # A plain slot, not a pydantic PrivateAttr: a private attribute makes pydantic call back
    # into Python for every object it builds (a fifth of a page's parsing time, measured).
    __slots__ = ("_response_info",)
    if TYPE_CHECKING:
        _response_info: ResponseInfo | None

    @property
    def response_info(self) -> ResponseInfo | None:
        """Request id, status and retries of the call that returned this object, if it was
        returned directly by a client call (objects inside a page: see the page's)."""
        return getattr(self, "_response_info", None)

    @property
    def extra(self) -> dict[str, Any]:
        """Fields the server sent that the model does not declare."""
        return dict(self.__pydantic_extra__ or {})

    def _beyond(self, names: Collection[str]) -> dict[str, Any]:
        # What a table of `names` would lose: the other fields the wire set (a dialect's
        # own, under their Python names) and the extras, as JSON values.
        return self.model_dump(mode="json", exclude=set(names), exclude_unset=True)

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        from ._display import model_repr_args

        return model_repr_args(self)


class SubscriptionStatus(str, Enum):
    """Known subscription statuses. A status the SDK does not know stays a plain ``str``.

    Example:
        >>> SubscriptionStatus("trialing") == "trialing"
        True
    """

    ACTIVE = "active"
    """Paid up and running."""
    TRIALING = "trialing"
    """In a free trial; counts as active."""
    PAST_DUE = "past_due"
    """A payment failed; the provider is retrying it."""
    CANCELED = "canceled"
    """Ended; it will not renew."""
    UNPAID = "unpaid"
    """Payment retries are exhausted; the subscription is kept but not served."""
    INCOMPLETE = "incomplete"
    """The first payment has not succeeded yet."""
    INCOMPLETE_EXPIRED = "incomplete_expired"
    """The first payment never succeeded and the window to pay closed."""
    PAUSED = "paused"
    """Paused (e.g. a trial ended without a payment method)."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


ACTIVE_STATUSES = frozenset({SubscriptionStatus.ACTIVE.value, SubscriptionStatus.TRIALING.value})


class Plan(_Model):
    """A subscription's plan (the offset API's plan object; Stripe's price/plan map onto it:
    ``interval_count`` and ``product`` (its id) come from Stripe's).

    Example:
        >>> Plan(stripe_price_id="price_1", name="Pro", amount=4999, currency="usd").amount
        4999
    """

    stripe_price_id: str | None = _aliases("stripe_price_id", "stripePriceId")
    """The Stripe price behind the plan (``price_...``), when the server says."""
    name: str | None = None
    """The plan's display name, e.g. ``"Pro"``."""
    amount: int | None = None
    """The price per interval in the currency's smallest unit (cents for ``usd``)."""
    currency: str | None = None
    """Three-letter ISO currency code, lowercase (``"usd"``)."""
    interval: str | None = None
    """How often the plan bills: ``"month"``, ``"year"``..."""
    interval_count: int | None = _aliases("interval_count", "intervalCount")
    """How many ``interval`` units between bills (``3`` with ``"month"``: quarterly)."""
    product: str | None = None
    """The id of the product the plan sells (Stripe's ``prod_...``), when the server says."""


class Subscription(_Model):
    """A customer's subscription.

    Example:
        >>> sub = Subscription(id="sub_1", status="active")
        >>> sub.status is SubscriptionStatus.ACTIVE, sub.is_active
        (True, True)
        >>> Subscription(id="sub_2", status="on_hold").status  # unknown values are kept
        'on_hold'
    """

    id: str
    """The subscription's id (``sub_...`` on Stripe)."""
    status: Annotated[SubscriptionStatus | str, Field(union_mode="left_to_right")] | None = None
    """A :class:`SubscriptionStatus`, or the server's string when the SDK does not know it."""
    current_period_start: UTCDateTime | None = _aliases(
        "current_period_start", "currentPeriodStart"
    )
    """When the current billing period started (aware UTC)."""
    current_period_end: UTCDateTime | None = _aliases("current_period_end", "currentPeriodEnd")
    """When the current billing period ends (aware UTC)."""
    plan: Plan | None = None
    """What the subscription is to, when the server includes it."""

    @property
    def is_active(self) -> bool:
        """True for ``active`` and ``trialing``, the statuses that count as a live subscription."""
        return self.status in ACTIVE_STATUSES


if TYPE_CHECKING:
    # A sequence to type checkers: Stripe's customers hold a list object (StripeList) there.
    # A list to pydantic, which validates a Sequence through a Python call per value.
    _Subscriptions = Sequence[Subscription]
else:
    _Subscriptions = list[Subscription]


class Customer(_Model):
    """A customer: the fields every dialect has. Each dialect returns its subclass
    (:class:`StripeCustomer`, :class:`OffsetCustomer`, :class:`CursorCustomer`) with its own
    fields too; code written against ``Customer`` works with any of them.

    Timestamps are aware UTC datetimes; ``metadata`` is always a dict; fields that a dialect does
    not have are ``None``. Extra fields the server sent are kept (see :attr:`extra`).

    Example:
        >>> c = Customer(id="cus_1", email="ada@example.com", created_at=0)
        >>> c.created_at.isoformat(), c.metadata, c.deleted
        ('1970-01-01T00:00:00+00:00', {}, False)
    """

    # Aliases are the wire names: offset's camelCase, Stripe's `created`.
    id: Annotated[str, Strict()]
    """The customer's id (``cus_...`` on Stripe); what ``get``, ``update`` and ``delete`` take."""
    email: str | None = None
    """The customer's email address."""
    name: str | None = None
    """Full name; on the offset API, ``first_name`` and ``last_name`` joined when it sends none."""
    phone: str | None = None
    """The customer's phone number, as the server stores it."""
    metadata: Annotated[dict[str, str], _NullAsEmpty] = Field(default_factory=dict)
    """Your own key-value pairs; always a dict (``{}`` when the server has none or sends null)."""
    created_at: UTCDateTime | None = _aliases("created_at", "createdAt", "created")
    """When the customer was created (aware UTC); Stripe's ``created``, the offset API's
    ``createdAt``."""
    updated_at: UTCDateTime | None = _aliases("updated_at", "updatedAt")
    """When the customer last changed (aware UTC), on APIs that say; Stripe does not."""
    subscriptions: _Subscriptions | None = None
    """The customer's subscriptions, when the response includes them (the offset API with
    ``include_subscriptions=True``; Stripe when they are expanded); None otherwise."""
    has_active_subscription: bool | None = _aliases(
        "has_active_subscription", "hasActiveSubscription"
    )
    """True if any subscription is active or trialing: sent by the offset API, derived from
    ``subscriptions`` elsewhere; None when neither is known."""
    deleted: bool = False
    """True on the object ``delete()`` returns (and on a deleted Stripe customer)."""

    @field_validator("subscriptions", mode="before")
    @classmethod
    def _wire_subscriptions(cls, value: Any, info: ValidationInfo) -> Any:
        wire = _wire(info)
        if wire is None or wire.subscriptions is None:
            return value
        try:
            return wire.subscriptions(value)
        except (TypeError, AttributeError, LookupError) as exc:
            # Only ValueError becomes a validation error; an odd shape is one too.
            raise ValueError(f"unexpected shape ({type(exc).__name__}: {exc})") from exc

    @model_validator(mode="after")
    def _derive_active(self) -> Customer:
        # Being a validator of the whole model also has pydantic-core compile this model
        # afresh inside each dialect's page schema (see _dialects/_envelopes.wire_validator)
        # instead of reusing its generic validator: that is what lets a page read its
        # timestamps in the dialect's own unit without a Python call.
        self._derive()
        return self

    def _derive(self) -> None:
        # The offset API sends the flag; elsewhere it is derived when subscriptions are known.
        # A subclass derives its own fields here too: one Python call per object, not two.
        if self.has_active_subscription is None and self.subscriptions is not None:
            # Straight into __dict__: not a field the caller set (model_fields_set).
            self.__dict__["has_active_subscription"] = any(s.is_active for s in self.subscriptions)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (datetimes as ISO 8601 strings), extras included.

        Returns:
            The customer's fields under their Python names, then any extra fields.

        Example:
            >>> Customer(id="cus_1", created_at=0).to_dict()["created_at"]
            '1970-01-01T00:00:00Z'
        """
        return self.model_dump(mode="json")


class Pagination(_Model):
    """The offset dialect's pagination block.

    Example:
        >>> Pagination(total=150, limit=10, offset=0, has_more=True).has_more
        True
    """

    total: int
    """How many customers the list holds in all, at the time of this page."""
    limit: int
    """The page size the server applied."""
    offset: int
    """How many customers come before this page."""
    has_more: bool = Field(validation_alias=AliasChoices("has_more", "hasMore"))
    """True when customers follow this page (the wire's ``hasMore``)."""
