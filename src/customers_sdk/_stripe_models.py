"""``StripeCustomer``: every field of Stripe's customer object, typed, under Stripe's names.

It adds Stripe's fields to the portable :class:`Customer` and reads the same wire key twice
where the two meet: ``created`` (Stripe's epoch seconds) and ``created_at`` (an aware UTC
datetime), ``livemode`` and ``live``. ``subscriptions`` is Stripe's list object
(:class:`StripeList`, with ``has_more``, ``total_count`` and ``url``); being a sequence of its
subscriptions, it is also the portable list that ``Customer`` code loops over, and
``has_active_subscription`` is derived from it. ``to_dict()`` gives Stripe's JSON back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, get_args

from pydantic import Field, ValidationInfo, field_validator

from ._models import Customer, Subscription, _aliases
from ._stripe_objects import (
    Address,
    CashBalance,
    Discount,
    ExpandableObject,
    InvoiceSettings,
    Shipping,
    StripeList,
    StripeObject,
    TestClock,
)
from ._stripe_shapes import AsDict, Nested, Shape
from ._stripe_tax import CustomerTax, TaxId

__all__ = ["StripeCustomer"]

# Portable names read from a Stripe key that another field keeps under Stripe's name (or that
# Stripe does not send): left out of to_dict(), which gives back Stripe's JSON.
_PORTABLE_ONLY = frozenset({"created_at", "live", "updated_at", "has_active_subscription"})

# Made at module level, where pydantic files each under its name ("StripeList[Subscription]")
# in StripeList's module, which is where pickle looks a class up: made first in a class body,
# an expanded list failed to pickle. The annotations below get these same classes back.
_EXPANDED_LISTS = (StripeList[StripeObject], StripeList[Subscription], StripeList[TaxId])


class StripeCustomer(Customer):
    """A customer of Stripe's ``/v1/customers``: the portable :class:`Customer` plus every
    field of Stripe's customer object, typed, with nested objects (:class:`Address`,
    :class:`Shipping`, :class:`InvoiceSettings`, :class:`CustomerTax`, :class:`Discount`,
    :class:`CashBalance`...: the wire's dicts behind typed attributes, see ``_stripe_shapes``).
    Fields that ``expand`` fills are ``str | Model``: the id, or the object once expanded.
    Enums are plain strings, so a value Stripe adds later is kept. The customer holds its
    nested objects as dicts, made objects when read (see ``AsDict``): ``c.address`` is a new
    :class:`Address` on each read, over the same dict.

    ``subscriptions`` (only sent when expanded) is Stripe's :class:`StripeList` of
    :class:`Subscription`: ``has_more`` and ``total_count`` on it, and a sequence of the
    subscriptions for portable code. ``to_dict()`` returns Stripe's keys and values (the
    JSON read, with ``created`` in epoch seconds).

    Example:
        >>> c = StripeCustomer.model_validate(
        ...     {"id": "cus_1", "created": 0, "livemode": False, "address": {"line1": "1 Main"}}
        ... )
        >>> c.created, c.created_at.isoformat(), c.livemode, c.live, c.address.line1
        (0, '1970-01-01T00:00:00+00:00', False, False, '1 Main')
        >>> sorted(c.to_dict().items())  # Stripe's keys; no created_at or live
        [('address', {'line1': '1 Main'}), ('created', 0), ('id', 'cus_1'), ('livemode', False)]
    """

    object: str | None = None
    """Always ``customer``."""
    address: Annotated[Address | None, AsDict] = None
    """The customer's billing address."""
    balance: int | None = None
    """Credit (negative) or debt (positive) added to the next invoice, in the smallest currency
    unit."""
    business_name: str | None = None
    """The customer's business name."""
    cash_balance: Annotated[CashBalance | None, AsDict] = None
    """The customer's cash balance (``expand=["cash_balance"]``)."""
    created: int | None = None
    """When the customer was created, in epoch seconds as Stripe sends it (see ``created_at``)."""
    currency: str | None = None
    """The currency the customer is billed in (lowercase ISO code)."""
    customer_account: str | None = None
    """The account behind the customer, for Accounts v2 customers."""
    default_source: ExpandableObject = None
    """The default payment source: its id, or the source when expanded."""
    delinquent: bool | None = None
    """True when the latest invoice's payment failed or is overdue."""
    description: str | None = None
    """An arbitrary description of the customer."""
    discount: Annotated[Discount | None, AsDict] = None
    """The discount applied to the customer, if any."""
    individual_name: str | None = None
    """The customer's name as an individual."""
    invoice_credit_balance: dict[str, int] | None = None
    """Currency code to invoice credit balance, in the smallest unit."""
    invoice_prefix: str | None = None
    """The prefix of the customer's invoice numbers."""
    invoice_settings: Annotated[InvoiceSettings | None, AsDict] = None
    """The customer's invoice defaults."""
    livemode: bool | None = None
    """True in live mode, False in test mode, as Stripe sends it."""
    live: bool | None = _aliases("live", "livemode")
    """The same as ``livemode``, under the name other dialects use."""
    next_invoice_sequence: int | None = None
    """The number the customer's next invoice gets."""
    preferred_locales: list[str] | None = None
    """The customer's preferred languages, most preferred first."""
    shipping: Annotated[Shipping | None, AsDict] = None
    """Where and to whom the customer's goods are shipped."""
    sources: StripeList[StripeObject] | None = None
    """The customer's payment sources (``expand=["sources"]``)."""
    subscriptions: StripeList[Subscription] | None = None
    """The customer's subscriptions (``expand=["subscriptions"]``), Stripe's list object; a
    sequence of them."""
    tax: Annotated[CustomerTax | None, AsDict] = None
    """The customer's tax details (``expand=["tax"]``)."""
    tax_exempt: str | None = None
    """``none``, ``exempt`` or ``reverse`` (a value Stripe adds later is kept)."""
    tax_ids: StripeList[TaxId] | None = None
    """The customer's tax ids (``expand=["tax_ids"]``)."""
    test_clock: Annotated[str | TestClock | None, Field(union_mode="left_to_right")] = None
    """The test clock of a test-mode customer: its id, or the clock when expanded."""

    @field_validator("subscriptions", mode="before")
    @classmethod
    def _wire_subscriptions(cls, value: Any, info: ValidationInfo) -> Any:
        # Replaces Customer's hook: the list object is kept, its items read as Subscription.
        # A bare list (as some proxies and old fixtures send) becomes the list's data.
        if isinstance(value, list):
            value = {"data": value}
        if isinstance(value, Mapping) and isinstance(value.get("data"), list):
            from ._dialects.stripe import _normalize_subscription as normalize

            try:
                return {**value, "data": [normalize(s) for s in value["data"]]}
            except (TypeError, AttributeError, LookupError) as exc:
                raise ValueError(f"unexpected shape ({type(exc).__name__}: {exc})") from exc
        return value

    def to_dict(self) -> dict[str, Any]:
        """Stripe's JSON for this customer: the keys the wire sent (extras included), under
        Stripe's names, ``created`` in epoch seconds.

        Returns:
            The customer as Stripe's JSON object (a dict of JSON values).

        Example:
            >>> StripeCustomer(id="cus_1", created=0, tax_exempt="none").to_dict()
            {'id': 'cus_1', 'created': 0, 'tax_exempt': 'none'}
        """
        return self.model_dump(mode="json", exclude_unset=True, exclude=set(_PORTABLE_ONLY))


for _name, _field in StripeCustomer.model_fields.items():
    # After the class is built (pydantic would take a class attribute for the field's
    # default): each field held as a dict is read as its shape.
    if AsDict in _field.metadata:
        _shape = next(t for t in get_args(_field.annotation) if issubclass(t, Shape))
        setattr(StripeCustomer, _name, Nested(_name, _shape))
