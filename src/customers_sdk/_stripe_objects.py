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
    "CustomerTax",
    "Discount",
    "DiscountSource",
    "ExpandableObject",
    "InvoiceCustomField",
    "InvoiceRenderingOptions",
    "InvoiceSettings",
    "Shipping",
    "StripeList",
    "StripeObject",
    "TaxId",
    "TaxIdOwner",
    "TaxIdVerification",
    "TaxLocation",
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
    object = Value[str | None]()


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
    data: list[ItemT] = Field(default_factory=list)
    has_more: bool | None = None
    total_count: int | None = None
    url: str | None = None

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
    country = Value[str | None]()
    line1 = Value[str | None]()
    line2 = Value[str | None]()
    postal_code = Value[str | None]()
    state = Value[str | None]()


class Shipping(Shape):
    """Where and to whom a customer's goods are shipped.

    Example:
        >>> Shipping(name="Ada", address={"city": "London"}).address.city
        'London'
    """

    address = Object(Address)
    carrier = Value[str | None]()
    name = Value[str | None]()
    phone = Value[str | None]()
    tracking_number = Value[str | None]()


class InvoiceCustomField(Shape):
    """A name/value pair shown on the customer's invoices.

    Example:
        >>> InvoiceCustomField(name="PO", value="42").value
        '42'
    """

    name = Value[str | None]()
    value = Value[str | None]()


class InvoiceRenderingOptions(Shape):
    """How invoices are rendered: ``amount_tax_display`` (``exclude_tax``,
    ``include_inclusive_tax``...) and the invoice ``template`` id.

    Example:
        >>> InvoiceRenderingOptions(amount_tax_display="exclude_tax").template is None
        True
    """

    amount_tax_display = Value[str | None]()
    template = Value[str | None]()


class InvoiceSettings(Shape):
    """The customer's invoice defaults; ``default_payment_method`` is an id, or the
    payment method when expanded (``expand=["invoice_settings.default_payment_method"]``).

    Example:
        >>> settings = InvoiceSettings(custom_fields=[{"name": "PO", "value": "42"}])
        >>> settings.custom_fields[0].name
        'PO'
    """

    custom_fields = Objects(InvoiceCustomField)
    default_payment_method = Expandable(StripeObject)
    footer = Value[str | None]()
    rendering_options = Object(InvoiceRenderingOptions)


class TaxLocation(Shape):
    """Where Stripe Tax places the customer; ``source`` is ``billing_address``,
    ``ip_address``, ``payment_method`` or ``shipping_destination``.

    Example:
        >>> TaxLocation(country="DE", source="billing_address").country
        'DE'
    """

    country = Value[str | None]()
    source = Value[str | None]()
    state = Value[str | None]()


class CustomerTax(Shape):
    """The customer's tax details (``expand=["tax"]``); ``automatic_tax`` is ``supported``,
    ``not_collecting``, ``failed`` or ``unrecognized_location``.

    Example:
        >>> CustomerTax(automatic_tax="supported", location={"country": "FR"}).location.country
        'FR'
    """

    automatic_tax = Value[str | None]()
    ip_address = Value[str | None]()
    location = Object(TaxLocation)
    provider = Value[str | None]()


class DiscountSource(Shape):
    """What a discount comes from: ``type`` ``coupon`` and the coupon (id, or expanded).

    Example:
        >>> DiscountSource(coupon="SAVE10", type="coupon").coupon
        'SAVE10'
    """

    coupon = Expandable(StripeObject)
    type = Value[str | None]()


class Discount(Shape):
    """A discount applied to the customer; ``start`` and ``end`` are epoch seconds.

    Example:
        >>> Discount(id="di_1", start=1700000000, source={"type": "coupon"}).source.type
        'coupon'
    """

    id = Value[str | None]()
    object = Value[str | None]()
    checkout_session = Value[str | None]()
    customer = Expandable(StripeObject)
    customer_account = Value[str | None]()
    deleted = Value[bool | None]()
    end = Value[int | None]()
    invoice = Value[str | None]()
    invoice_item = Value[str | None]()
    promotion_code = Expandable(StripeObject)
    source = Object(DiscountSource)
    start = Value[int | None]()
    subscription = Value[str | None]()
    subscription_item = Value[str | None]()


class CashBalanceSettings(Shape):
    """How a cash balance is reconciled: ``reconciliation_mode`` ``automatic`` or ``manual``.

    Example:
        >>> CashBalanceSettings(reconciliation_mode="manual").reconciliation_mode
        'manual'
    """

    reconciliation_mode = Value[str | None]()
    using_merchant_default = Value[bool | None]()


class CashBalance(Shape):
    """The customer's cash balance (``expand=["cash_balance"]``): ``available`` maps a
    currency to an amount in its smallest unit.

    Example:
        >>> CashBalance(available={"eur": 500}, customer="cus_1").available["eur"]
        500
    """

    object = Value[str | None]()
    available = Value[dict[str, int] | None]()
    customer = Value[str | None]()
    customer_account = Value[str | None]()
    livemode = Value[bool | None]()
    settings = Object(CashBalanceSettings)


class TaxIdOwner(Shape):
    """Who a tax id belongs to: ``type`` ``account``, ``application``, ``customer`` or
    ``self``, and that object (id, or expanded).

    Example:
        >>> TaxIdOwner(type="customer", customer="cus_1").customer
        'cus_1'
    """

    account = Expandable(StripeObject)
    application = Expandable(StripeObject)
    customer = Expandable(StripeObject)
    customer_account = Value[str | None]()
    type = Value[str | None]()


class TaxIdVerification(Shape):
    """A tax id's verification: ``status`` ``pending``, ``verified``, ``unverified`` or
    ``unavailable``.

    Example:
        >>> TaxIdVerification(status="verified").status
        'verified'
    """

    status = Value[str | None]()
    verified_address = Value[str | None]()
    verified_name = Value[str | None]()


class TaxId(Shape):
    """One of the customer's tax ids (``expand=["tax_ids"]``); ``type`` is e.g. ``eu_vat``.

    Example:
        >>> TaxId(id="txi_1", type="eu_vat", value="DE123456789").value
        'DE123456789'
    """

    id = Value[str | None]()
    object = Value[str | None]()
    country = Value[str | None]()
    created = Value[int | None]()
    customer = Expandable(StripeObject)
    customer_account = Value[str | None]()
    deleted = Value[bool | None]()
    livemode = Value[bool | None]()
    owner = Object(TaxIdOwner)
    type = Value[str | None]()
    value = Value[str | None]()
    verification = Object(TaxIdVerification)


class TestClock(Shape):
    """The test clock a test-mode customer belongs to (``expand=["test_clock"]``); times
    are epoch seconds, ``status`` ``advancing``, ``internal_failure`` or ``ready``.

    Example:
        >>> TestClock(id="clock_1", frozen_time=1700000000, status="ready").status
        'ready'
    """

    __test__ = False  # not a pytest test class, whatever its name says

    id = Value[str | None]()
    object = Value[str | None]()
    created = Value[int | None]()
    deleted = Value[bool | None]()
    deletes_after = Value[int | None]()
    frozen_time = Value[int | None]()
    livemode = Value[bool | None]()
    name = Value[str | None]()
    status = Value[str | None]()
    status_details = Value[dict[str, Any] | None]()
