"""The objects nested in a Stripe customer, typed as stripe-python 16 types them.

Fields keep Stripe's names and Stripe's raw values (epoch seconds stay ``int``), so that
``StripeCustomer.to_dict()`` gives the wire's JSON back. An enum is a ``str``: a value Stripe
adds later is kept as is, never an error; the known values are listed in each docstring.
Fields that ``expand`` can fill are ``str | Model``: the id, or the object once expanded.

Each object keeps the wire's dict and reads it through typed attributes (see
``_stripe_shapes``): a pydantic model per nested object made a walk of wide customers over a
third slower. As in stripe-python, the values are not checked against their types.
``StripeList`` stays a pydantic model: it only comes with ``expand``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Generic, TypeVar, overload

from pydantic import Field

from ._models import _Model
from ._stripe_shapes import Expandable, Object, Objects, Shape, Value

__all__ = [
    "Address",
    "CashBalance",
    "CashBalanceSettings",
    "Discount",
    "DiscountSource",
    "ExpandableObject",
    "InvoiceCustomField",
    "InvoiceRenderingOptions",
    "InvoiceSettings",
    "Shipping",
    "StripeList",
    "StripeObject",
    "TestClock",
]

ItemT = TypeVar("ItemT")


class StripeObject(Shape):
    """An expanded Stripe object the SDK does not model field by field (a card, a payment
    method, a coupon...): its ``id`` and ``object``, every other field kept (see ``extra``).

    Example:
        >>> pm = StripeObject(id="pm_1", object="payment_method", type="card")
        >>> pm.id, pm.extra["type"]
        ('pm_1', 'card')
    """

    id = Value[str | None]()
    """The object's id."""
    object = Value[str | None]()
    """The object's type (``card``, ``payment_method``...)."""


# The id first: what Stripe sends unless asked to expand, and a str fails a model at once.
ExpandableObject = Annotated[str | StripeObject | None, Field(union_mode="left_to_right")]
"""A field ``expand`` can fill: the object's id, or the object once expanded."""


class StripeList(_Model, Sequence[ItemT], Generic[ItemT]):
    """Stripe's list object (``subscriptions``, ``tax_ids``, ``sources`` of a customer): the
    items in ``data`` plus ``has_more``, ``total_count`` and ``url``.

    It is also a sequence of its items, so code written for a plain list (``for s in
    c.subscriptions``, ``len(...)``, ``[0]``) works on it unchanged.

    Example:
        >>> subs = StripeList[StripeObject](data=[{"id": "sub_1"}], has_more=False)
        >>> len(subs), subs[0].id, [s.id for s in subs], subs.has_more
        (1, 'sub_1', ['sub_1'], False)
    """

    object: str | None = None
    """Always ``list``."""
    data: list[ItemT] = Field(default_factory=list)
    """The items of this page of the list."""
    has_more: bool | None = None
    """True when the list holds more items than ``data``."""
    total_count: int | None = None
    """How many items the list holds in all, when Stripe says."""
    url: str | None = None
    """The list's own URL, to page through the rest of it."""

    def __iter__(self) -> Iterator[ItemT]:  # type: ignore[override]
        # A sequence of its items, as stripe-python's ListObject; not pydantic's field pairs.
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    @overload
    def __getitem__(self, index: int) -> ItemT: ...
    @overload
    def __getitem__(self, index: slice) -> list[ItemT]: ...
    def __getitem__(self, index: int | slice) -> ItemT | list[ItemT]:
        return self.data[index]

    def __bool__(self) -> bool:
        return bool(self.data)


class Address(Shape):
    """A postal address (the customer's billing address, a shipping address).

    Example:
        >>> Address(line1="1 Main St", city="Springfield", country="US").line1
        '1 Main St'
    """

    city = Value[str | None]()
    """City, district, suburb, town or village."""
    country = Value[str | None]()
    """Two-letter country code (ISO 3166-1 alpha-2)."""
    line1 = Value[str | None]()
    """Street address, P.O. box or company name."""
    line2 = Value[str | None]()
    """Apartment, suite, unit or building."""
    postal_code = Value[str | None]()
    """ZIP or postal code."""
    state = Value[str | None]()
    """State, county, province or region."""


class Shipping(Shape):
    """Where and to whom a customer's goods are shipped.

    Example:
        >>> Shipping(name="Ada", address={"city": "London"}).address.city
        'London'
    """

    address = Object(Address)
    """Where the goods go (an :class:`Address`)."""
    carrier = Value[str | None]()
    """The delivery service (``UPS``, ``FedEx``...)."""
    name = Value[str | None]()
    """The recipient's name."""
    phone = Value[str | None]()
    """The recipient's phone number."""
    tracking_number = Value[str | None]()
    """The carrier's tracking number, when shipped."""


class InvoiceCustomField(Shape):
    """A name/value pair shown on the customer's invoices.

    Example:
        >>> InvoiceCustomField(name="PO", value="42").value
        '42'
    """

    name = Value[str | None]()
    """The field's label on the invoice."""
    value = Value[str | None]()
    """The field's value on the invoice."""


class InvoiceRenderingOptions(Shape):
    """How invoices are rendered: ``amount_tax_display`` (``exclude_tax``,
    ``include_inclusive_tax``...) and the invoice ``template`` id.

    Example:
        >>> InvoiceRenderingOptions(amount_tax_display="exclude_tax").template is None
        True
    """

    amount_tax_display = Value[str | None]()
    """How line amounts show tax: ``exclude_tax`` or ``include_inclusive_tax``."""
    template = Value[str | None]()
    """The id of the invoice rendering template, if any."""


class InvoiceSettings(Shape):
    """The customer's invoice defaults; ``default_payment_method`` is an id, or the
    payment method when expanded (``expand=["invoice_settings.default_payment_method"]``).

    Example:
        >>> settings = InvoiceSettings(custom_fields=[{"name": "PO", "value": "42"}])
        >>> settings.custom_fields[0].name
        'PO'
    """

    custom_fields = Objects(InvoiceCustomField)
    """Name/value pairs shown on every invoice (:class:`InvoiceCustomField`)."""
    default_payment_method = Expandable(StripeObject)
    """The payment method invoices charge: its id, or the object when expanded."""
    footer = Value[str | None]()
    """The default footer of the customer's invoices."""
    rendering_options = Object(InvoiceRenderingOptions)
    """How the customer's invoices are rendered."""


class DiscountSource(Shape):
    """What a discount comes from: ``type`` ``coupon`` and the coupon (id, or expanded).

    Example:
        >>> DiscountSource(coupon="SAVE10", type="coupon").coupon
        'SAVE10'
    """

    coupon = Expandable(StripeObject)
    """The coupon applied: its id, or the coupon when expanded."""
    type = Value[str | None]()
    """The kind of source (``coupon``)."""


class Discount(Shape):
    """A discount applied to the customer; ``start`` and ``end`` are epoch seconds.

    Example:
        >>> Discount(id="di_1", start=1700000000, source={"type": "coupon"}).source.type
        'coupon'
    """

    id = Value[str | None]()
    """The discount's id (``di_...``)."""
    object = Value[str | None]()
    """Always ``discount``."""
    checkout_session = Value[str | None]()
    """The Checkout Session that applied the discount, if any."""
    customer = Expandable(StripeObject)
    """The customer's id, or the customer when expanded."""
    customer_account = Value[str | None]()
    """The account the discount belongs to, for Accounts v2 customers."""
    deleted = Value[bool | None]()
    """True on a deleted discount."""
    end = Value[int | None]()
    """When the discount ends (epoch seconds); None for a forever discount."""
    invoice = Value[str | None]()
    """The invoice the discount applies to, if any."""
    invoice_item = Value[str | None]()
    """The invoice item the discount applies to, if any."""
    promotion_code = Expandable(StripeObject)
    """The promotion code applied: its id, or the object when expanded."""
    source = Object(DiscountSource)
    """What the discount comes from (a :class:`DiscountSource`)."""
    start = Value[int | None]()
    """When the discount was applied (epoch seconds)."""
    subscription = Value[str | None]()
    """The subscription the discount applies to, if any."""
    subscription_item = Value[str | None]()
    """The subscription item the discount applies to, if any."""


class CashBalanceSettings(Shape):
    """How a cash balance is reconciled: ``reconciliation_mode`` ``automatic`` or ``manual``.

    Example:
        >>> CashBalanceSettings(reconciliation_mode="manual").reconciliation_mode
        'manual'
    """

    reconciliation_mode = Value[str | None]()
    """``automatic`` or ``manual`` reconciliation of incoming funds."""
    using_merchant_default = Value[bool | None]()
    """True when the mode is the account's default."""


class CashBalance(Shape):
    """The customer's cash balance (``expand=["cash_balance"]``): ``available`` maps a
    currency to an amount in its smallest unit.

    Example:
        >>> CashBalance(available={"eur": 500}, customer="cus_1").available["eur"]
        500
    """

    object = Value[str | None]()
    """Always ``cash_balance``."""
    available = Value[dict[str, int] | None]()
    """Currency code to amount available, in the currency's smallest unit."""
    customer = Value[str | None]()
    """The id of the customer the balance belongs to."""
    customer_account = Value[str | None]()
    """The account the balance belongs to, for Accounts v2 customers."""
    livemode = Value[bool | None]()
    """True in live mode, False in test mode."""
    settings = Object(CashBalanceSettings)
    """How the balance is reconciled (:class:`CashBalanceSettings`)."""


class TestClock(Shape):
    """The test clock a test-mode customer belongs to (``expand=["test_clock"]``); times
    are epoch seconds, ``status`` ``advancing``, ``internal_failure`` or ``ready``.

    Example:
        >>> TestClock(id="clock_1", frozen_time=1700000000, status="ready").status
        'ready'
    """

    __test__ = False  # not a pytest test class, whatever its name says

    id = Value[str | None]()
    """The test clock's id (``clock_...``)."""
    object = Value[str | None]()
    """Always ``test_helpers.test_clock``."""
    created = Value[int | None]()
    """When the clock was created (epoch seconds)."""
    deleted = Value[bool | None]()
    """True on a deleted test clock."""
    deletes_after = Value[int | None]()
    """When Stripe deletes the clock (epoch seconds)."""
    frozen_time = Value[int | None]()
    """The clock's current time (epoch seconds)."""
    livemode = Value[bool | None]()
    """Always False: test clocks exist in test mode only."""
    name = Value[str | None]()
    """The clock's display name."""
    status = Value[str | None]()
    """``advancing``, ``internal_failure`` or ``ready``."""
    status_details = Value[dict[str, Any] | None]()
    """Details of the status, e.g. the target time while advancing."""
