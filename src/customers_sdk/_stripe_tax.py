"""The tax objects of a Stripe customer: its tax details and tax ids (see ``_stripe_objects``
for how nested objects are typed)."""

from __future__ import annotations

from ._stripe_objects import StripeObject
from ._stripe_shapes import Expandable, Object, Shape, Value

__all__ = ["CustomerTax", "TaxId", "TaxIdOwner", "TaxIdVerification", "TaxLocation"]


class TaxLocation(Shape):
    """Where Stripe Tax places the customer; ``source`` is ``billing_address``,
    ``ip_address``, ``payment_method`` or ``shipping_destination``.

    Example:
        >>> TaxLocation(country="DE", source="billing_address").country
        'DE'
    """

    country = Value[str | None]()
    """Two-letter country code of the customer's tax location."""
    source = Value[str | None]()
    """What the location was derived from (``billing_address``, ``ip_address``...)."""
    state = Value[str | None]()
    """State, county, province or region, where the country has them."""


class CustomerTax(Shape):
    """The customer's tax details (``expand=["tax"]``); ``automatic_tax`` is ``supported``,
    ``not_collecting``, ``failed`` or ``unrecognized_location``.

    Example:
        >>> CustomerTax(automatic_tax="supported", location={"country": "FR"}).location.country
        'FR'
    """

    automatic_tax = Value[str | None]()
    """Whether Stripe Tax can compute tax for the customer (``supported``...)."""
    ip_address = Value[str | None]()
    """The customer's IP address used to place them, if any."""
    location = Object(TaxLocation)
    """Where Stripe Tax places the customer (a :class:`TaxLocation`)."""
    provider = Value[str | None]()
    """Who computes the customer's tax (``stripe``, or an integration)."""


class TaxIdOwner(Shape):
    """Who a tax id belongs to: ``type`` ``account``, ``application``, ``customer`` or
    ``self``, and that object (id, or expanded).

    Example:
        >>> TaxIdOwner(type="customer", customer="cus_1").customer
        'cus_1'
    """

    account = Expandable(StripeObject)
    """The owning account: its id, or the account when expanded."""
    application = Expandable(StripeObject)
    """The owning application: its id, or the application when expanded."""
    customer = Expandable(StripeObject)
    """The owning customer: its id, or the customer when expanded."""
    customer_account = Value[str | None]()
    """The owning account, for Accounts v2 customers."""
    type = Value[str | None]()
    """Who owns the tax id: ``account``, ``application``, ``customer`` or ``self``."""


class TaxIdVerification(Shape):
    """A tax id's verification: ``status`` ``pending``, ``verified``, ``unverified`` or
    ``unavailable``.

    Example:
        >>> TaxIdVerification(status="verified").status
        'verified'
    """

    status = Value[str | None]()
    """``pending``, ``verified``, ``unverified`` or ``unavailable``."""
    verified_address = Value[str | None]()
    """The address the tax authority has on file, when verified."""
    verified_name = Value[str | None]()
    """The name the tax authority has on file, when verified."""


class TaxId(Shape):
    """One of the customer's tax ids (``expand=["tax_ids"]``); ``type`` is e.g. ``eu_vat``.

    Example:
        >>> TaxId(id="txi_1", type="eu_vat", value="DE123456789").value
        'DE123456789'
    """

    id = Value[str | None]()
    """The tax id's id (``txi_...``)."""
    object = Value[str | None]()
    """Always ``tax_id``."""
    country = Value[str | None]()
    """Two-letter code of the country that issued the tax id."""
    created = Value[int | None]()
    """When the tax id was added (epoch seconds)."""
    customer = Expandable(StripeObject)
    """The customer's id, or the customer when expanded."""
    customer_account = Value[str | None]()
    """The account it belongs to, for Accounts v2 customers."""
    deleted = Value[bool | None]()
    """True on a deleted tax id."""
    livemode = Value[bool | None]()
    """True in live mode, False in test mode."""
    owner = Object(TaxIdOwner)
    """Who the tax id belongs to (:class:`TaxIdOwner`)."""
    type = Value[str | None]()
    """The kind of tax id (``eu_vat``, ``us_ein``...)."""
    value = Value[str | None]()
    """The tax id itself, as entered."""
    verification = Object(TaxIdVerification)
    """The tax authority's verification (:class:`TaxIdVerification`)."""
