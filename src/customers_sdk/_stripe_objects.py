"""The objects nested in a Stripe customer, typed as stripe-python 16 types them.

Fields keep Stripe's names and Stripe's raw values (epoch seconds stay ``int``), so that
``StripeCustomer.to_dict()`` gives the wire's JSON back. An enum is a ``str``: a value Stripe
adds later is kept as is, never an error; the known values are listed in each docstring.
Fields that ``expand`` can fill are ``str | Model``: the id, or the object once expanded.

These models have no validators and no timestamps to convert, so pydantic-core builds them
without calling back into Python (what keeps a walk of wide customers fast, measured in
``docs/benchmarks.md``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Generic, TypeVar, overload

from pydantic import Field

from ._models import _Model

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


class StripeObject(_Model):
    """An expanded Stripe object the SDK does not model field by field (a card, a payment
    method, a coupon...): its ``id`` and ``object``, every other field kept (see ``extra``).

    Example:
        >>> pm = StripeObject(id="pm_1", object="payment_method", type="card")
        >>> pm.id, pm.extra["type"]
        ('pm_1', 'card')
    """

    id: str | None = None
    object: str | None = None


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


class Address(_Model):
    """A postal address (the customer's billing address, a shipping address).

    Example:
        >>> Address(line1="1 Main St", city="Springfield", country="US").line1
        '1 Main St'
    """

    city: str | None = None
    country: str | None = None
    line1: str | None = None
    line2: str | None = None
    postal_code: str | None = None
    state: str | None = None


class Shipping(_Model):
    """Where and to whom a customer's goods are shipped.

    Example:
        >>> Shipping(name="Ada", address={"city": "London"}).address.city
        'London'
    """

    address: Address | None = None
    carrier: str | None = None
    name: str | None = None
    phone: str | None = None
    tracking_number: str | None = None


class InvoiceCustomField(_Model):
    """A name/value pair shown on the customer's invoices.

    Example:
        >>> InvoiceCustomField(name="PO", value="42").value
        '42'
    """

    name: str | None = None
    value: str | None = None


class InvoiceRenderingOptions(_Model):
    """How invoices are rendered: ``amount_tax_display`` (``exclude_tax``,
    ``include_inclusive_tax``...) and the invoice ``template`` id.

    Example:
        >>> InvoiceRenderingOptions(amount_tax_display="exclude_tax").template is None
        True
    """

    amount_tax_display: str | None = None
    template: str | None = None


class InvoiceSettings(_Model):
    """The customer's invoice defaults; ``default_payment_method`` is an id, or the
    payment method when expanded (``expand=["invoice_settings.default_payment_method"]``).

    Example:
        >>> settings = InvoiceSettings(custom_fields=[{"name": "PO", "value": "42"}])
        >>> settings.custom_fields[0].name
        'PO'
    """

    custom_fields: list[InvoiceCustomField] | None = None
    default_payment_method: ExpandableObject = None
    footer: str | None = None
    rendering_options: InvoiceRenderingOptions | None = None


class TaxLocation(_Model):
    """Where Stripe Tax places the customer; ``source`` is ``billing_address``,
    ``ip_address``, ``payment_method`` or ``shipping_destination``.

    Example:
        >>> TaxLocation(country="DE", source="billing_address").country
        'DE'
    """

    country: str | None = None
    source: str | None = None
    state: str | None = None


class CustomerTax(_Model):
    """The customer's tax details (``expand=["tax"]``); ``automatic_tax`` is ``supported``,
    ``not_collecting``, ``failed`` or ``unrecognized_location``.

    Example:
        >>> CustomerTax(automatic_tax="supported", location={"country": "FR"}).location.country
        'FR'
    """

    automatic_tax: str | None = None
    ip_address: str | None = None
    location: TaxLocation | None = None
    provider: str | None = None


class DiscountSource(_Model):
    """What a discount comes from: ``type`` ``coupon`` and the coupon (id, or expanded).

    Example:
        >>> DiscountSource(coupon="SAVE10", type="coupon").coupon
        'SAVE10'
    """

    coupon: ExpandableObject = None
    type: str | None = None


class Discount(_Model):
    """A discount applied to the customer; ``start`` and ``end`` are epoch seconds.

    Example:
        >>> Discount(id="di_1", start=1700000000, source={"type": "coupon"}).source.type
        'coupon'
    """

    id: str | None = None
    object: str | None = None
    checkout_session: str | None = None
    customer: ExpandableObject = None
    customer_account: str | None = None
    deleted: bool | None = None
    end: int | None = None
    invoice: str | None = None
    invoice_item: str | None = None
    promotion_code: ExpandableObject = None
    source: DiscountSource | None = None
    start: int | None = None
    subscription: str | None = None
    subscription_item: str | None = None


class CashBalanceSettings(_Model):
    """How a cash balance is reconciled: ``reconciliation_mode`` ``automatic`` or ``manual``.

    Example:
        >>> CashBalanceSettings(reconciliation_mode="manual").reconciliation_mode
        'manual'
    """

    reconciliation_mode: str | None = None
    using_merchant_default: bool | None = None


class CashBalance(_Model):
    """The customer's cash balance (``expand=["cash_balance"]``): ``available`` maps a
    currency to an amount in its smallest unit.

    Example:
        >>> CashBalance(available={"eur": 500}, customer="cus_1").available["eur"]
        500
    """

    object: str | None = None
    available: dict[str, int] | None = None
    customer: str | None = None
    customer_account: str | None = None
    livemode: bool | None = None
    settings: CashBalanceSettings | None = None


class TaxIdOwner(_Model):
    """Who a tax id belongs to: ``type`` ``account``, ``application``, ``customer`` or
    ``self``, and that object (id, or expanded).

    Example:
        >>> TaxIdOwner(type="customer", customer="cus_1").customer
        'cus_1'
    """

    account: ExpandableObject = None
    application: ExpandableObject = None
    customer: ExpandableObject = None
    customer_account: str | None = None
    type: str | None = None


class TaxIdVerification(_Model):
    """A tax id's verification: ``status`` ``pending``, ``verified``, ``unverified`` or
    ``unavailable``.

    Example:
        >>> TaxIdVerification(status="verified").status
        'verified'
    """

    status: str | None = None
    verified_address: str | None = None
    verified_name: str | None = None


class TaxId(_Model):
    """One of the customer's tax ids (``expand=["tax_ids"]``); ``type`` is e.g. ``eu_vat``.

    Example:
        >>> TaxId(id="txi_1", type="eu_vat", value="DE123456789").value
        'DE123456789'
    """

    id: str | None = None
    object: str | None = None
    country: str | None = None
    created: int | None = None
    customer: ExpandableObject = None
    customer_account: str | None = None
    deleted: bool | None = None
    livemode: bool | None = None
    owner: TaxIdOwner | None = None
    type: str | None = None
    value: str | None = None
    verification: TaxIdVerification | None = None


class TestClock(_Model):
    """The test clock a test-mode customer belongs to (``expand=["test_clock"]``); times
    are epoch seconds, ``status`` ``advancing``, ``internal_failure`` or ``ready``.

    Example:
        >>> TestClock(id="clock_1", frozen_time=1700000000, status="ready").status
        'ready'
    """

    __test__ = False  # not a pytest test class, whatever its name says

    id: str | None = None
    object: str | None = None
    created: int | None = None
    deleted: bool | None = None
    deletes_after: int | None = None
    frozen_time: int | None = None
    livemode: bool | None = None
    name: str | None = None
    status: str | None = None
    status_details: dict[str, Any] | None = None
