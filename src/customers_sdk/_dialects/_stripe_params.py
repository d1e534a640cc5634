"""Stripe Customers params, one ``TypedDict`` per operation, under Stripe's own names.

Nested shapes (address, shipping, invoice settings, tax…) are defined once and shared by
create and update. Beyond Stripe's types, ``None`` clears a field: the encoder sends it as
Stripe's empty string, so ``{"description": None}`` and ``{"description": ""}`` are the same
request. ``tests/unit/test_stripe_params_contract.py`` checks these shapes against
stripe-python's generated params, so a Stripe release that adds a param names it there.

Example:
    >>> from customers_sdk._dialects._stripe_params import CustomerCreateParams
    >>> params: CustomerCreateParams = {"email": "ada@example.com", "tax_exempt": "none"}
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from typing_extensions import Required, TypedDict

__all__ = [
    "AddressParams",
    "CashBalanceParams",
    "CashBalanceSettingsParams",
    "CreateTaxParams",
    "CreatedRangeParams",
    "CustomerCreateParams",
    "CustomerDeleteParams",
    "CustomerListParams",
    "CustomerRetrieveParams",
    "CustomerSearchParams",
    "CustomerUpdateParams",
    "InvoiceCustomFieldParams",
    "InvoiceRenderingOptionsParams",
    "InvoiceSettingsParams",
    "ShippingParams",
    "TaxIdDataParams",
    "TaxIdType",
    "TaxParams",
]

# Deliberately no `from __future__ import annotations`: typing's TypedDict can only tell
# `Required` keys apart when the annotations are evaluated objects, not strings.

TaxExempt = Literal["exempt", "none", "reverse"]
AmountTaxDisplay = Literal["exclude_tax", "include_inclusive_tax"]
ReconciliationMode = Literal["automatic", "manual", "merchant_default"]
# Stripe's create takes `deferred` and `immediately`; update adds `auto`.
ValidateLocationOnCreate = Literal["deferred", "immediately"]
ValidateLocation = Literal["auto", "deferred", "immediately"]
TaxIdType = Literal[
    "ad_nrt", "ae_trn", "al_tin", "am_tin", "ao_tin", "ar_cuit", "au_abn", "au_acn", "au_arn",
    "au_wpn", "aw_tin", "az_tin", "ba_tin", "bb_tin", "bd_bin", "bf_ifu", "bg_uic", "bh_vat",
    "bj_ifu", "bo_tin", "br_cnpj", "br_cpf", "bs_tin", "bw_vat", "by_tin", "ca_bn", "ca_gst_hst",
    "ca_pst_bc", "ca_pst_mb", "ca_pst_sk", "ca_qst", "cd_nif", "ch_uid", "ch_vat", "ci_vat",
    "cl_tin", "cm_niu", "cn_tin", "co_nit", "cr_tin", "cv_nif", "cz_dic", "de_stn", "do_rcn",
    "ec_ruc", "eg_tin", "es_cif", "et_tin", "eu_oss_vat", "eu_vat", "fo_vat", "fr_siren",
    "fr_siret", "fr_spi", "gb_vat", "ge_vat", "gh_tin", "gi_tin", "gn_nif", "hk_br", "hr_oib",
    "hu_tin", "ic_nif", "id_npwp", "il_vat", "in_gst", "is_kt", "is_vat", "it_cf", "jp_cn",
    "jp_rn", "jp_trn", "ke_pin", "kg_tin", "kh_tin", "kr_brn", "kz_bin", "la_tin", "li_uid",
    "li_vat", "lk_vat", "ma_vat", "md_cf", "md_vat", "me_pib", "mk_vat", "mr_nif", "mu_vat",
    "mx_rfc", "my_frp", "my_itn", "my_sst", "mz_nuit", "ng_tin", "no_vat", "no_voec", "np_pan",
    "nz_bn", "nz_gst", "om_vat", "pe_ruc", "ph_tin", "pl_nip", "pt_nif", "py_ruc", "ro_tin",
    "rs_pib", "ru_inn", "ru_kpp", "sa_vat", "sg_gst", "sg_uen", "si_tin", "sm_coe", "sn_ninea",
    "sr_fin", "sv_nit", "th_vat", "tj_tin", "tr_tin", "tt_bir", "tt_vat", "tw_vat", "tz_vat",
    "ua_vat", "ug_tin", "us_ein", "uy_ruc", "uz_tin", "uz_vat", "ve_rif", "vn_tin", "za_vat",
    "zm_tin", "zw_tin",
]  # fmt: skip
"""The kinds of tax id Stripe knows (``TaxIdDataParams.type``), e.g. ``"eu_vat"``, ``"gb_vat"``,
``"us_ein"``."""
Epoch = int | datetime
"""Epoch seconds, or an aware datetime (sent as epoch seconds)."""


class AddressParams(TypedDict, total=False):
    """A postal address (the customer's, or the shipping one)."""

    city: str | None
    """City, district, suburb, town or village."""
    country: str | None
    """Two-letter country code (ISO 3166-1 alpha-2)."""
    line1: str | None
    """Address line 1: street, PO box or company name."""
    line2: str | None
    """Address line 2: apartment, suite, unit or building."""
    postal_code: str | None
    """ZIP or postal code."""
    state: str | None
    """State, county, province or region."""


class ShippingParams(TypedDict, total=False):
    """Where to ship: Stripe requires the address and the recipient's name."""

    address: Required[AddressParams]
    """The shipping address."""
    name: Required[str]
    """The recipient's name."""
    phone: str | None
    """The recipient's phone number."""


class InvoiceCustomFieldParams(TypedDict):
    """One custom field printed on invoices (Stripe takes up to four)."""

    name: str
    """The field's name (up to 40 characters)."""
    value: str
    """The field's value (up to 140 characters)."""


class InvoiceRenderingOptionsParams(TypedDict, total=False):
    """How the customer's invoices are rendered."""

    amount_tax_display: AmountTaxDisplay | Literal[""] | None
    """How amounts are shown with respect to tax: ``"exclude_tax"`` or
    ``"include_inclusive_tax"``; ``""`` or ``None`` unsets it."""
    template: str | None
    """The id of the invoice rendering template to use."""


class InvoiceSettingsParams(TypedDict, total=False):
    """The customer's default invoice settings."""

    custom_fields: list[InvoiceCustomFieldParams] | Literal[""] | None
    """Up to four fields printed on invoices; ``""`` or ``None`` removes them."""
    default_payment_method: str | None
    """The payment method invoices and subscriptions charge by default."""
    footer: str | None
    """The default footer of the customer's invoices."""
    rendering_options: InvoiceRenderingOptionsParams | Literal[""] | None
    """How invoices are rendered; ``""`` or ``None`` unsets them."""


class CreateTaxParams(TypedDict, total=False):
    """What Stripe needs to compute a new customer's tax (``create``'s ``tax``)."""

    ip_address: str | None
    """An IPv4 or IPv6 address to infer the customer's location from."""
    validate_location: ValidateLocationOnCreate
    """When to check the customer's tax location: ``"deferred"`` or ``"immediately"``."""


class TaxParams(TypedDict, total=False):
    """What Stripe needs to compute the customer's tax (``update``'s ``tax``)."""

    ip_address: str | None
    """An IPv4 or IPv6 address to infer the customer's location from."""
    validate_location: ValidateLocation
    """When to check the customer's tax location: ``"deferred"``, ``"immediately"`` or
    ``"auto"`` (only where the customer pays tax)."""


class TaxIdDataParams(TypedDict):
    """A tax id to attach when the customer is created."""

    type: TaxIdType
    """The kind of tax id, e.g. ``"eu_vat"`` (:data:`TaxIdType`)."""
    value: str
    """The tax id itself, e.g. ``"DE123456789"``."""


class CashBalanceSettingsParams(TypedDict, total=False):
    """How a cash balance is reconciled."""

    reconciliation_mode: ReconciliationMode
    """How funds are applied: ``"automatic"``, ``"manual"`` or ``"merchant_default"``."""


class CashBalanceParams(TypedDict, total=False):
    """Settings of the customer's cash balance."""

    settings: CashBalanceSettingsParams
    """How the cash balance is reconciled."""


class CreatedRangeParams(TypedDict, total=False):
    """Bounds on ``created``: any of ``gt``, ``gte``, ``lt``, ``lte``."""

    gt: Epoch
    """Created after this instant (epoch seconds or an aware datetime)."""
    gte: Epoch
    """Created at or after this instant."""
    lt: Epoch
    """Created before this instant."""
    lte: Epoch
    """Created at or before this instant."""


class _CustomerWriteParams(TypedDict, total=False):
    """What create and update both take."""

    address: AddressParams | Literal[""] | None
    """The customer's address; ``""`` or ``None`` unsets it."""
    balance: int
    """The customer's balance in the currency's smallest unit (cents), applied to their next
    invoices; negative: a credit."""
    business_name: str | None
    """The customer's business name."""
    cash_balance: CashBalanceParams
    """Settings of the customer's cash balance."""
    description: str | None
    """Free text, shown with the customer in the Dashboard."""
    email: str | None
    """The customer's email address."""
    expand: list[str]
    """Fields of the response to expand, e.g. ``["subscriptions", "tax"]``."""
    individual_name: str | None
    """The customer's full name, for an individual."""
    invoice_prefix: str
    """The prefix of the customer's invoice numbers: 3 to 12 uppercase letters or digits."""
    invoice_settings: InvoiceSettingsParams
    """The customer's default invoice settings."""
    metadata: Mapping[str, str | None] | Literal[""] | None
    """Your key-value pairs (Stripe keeps the keys not given); ``None`` or ``""`` as a value
    unsets that key, ``None`` or ``""`` for the whole mapping unsets them all."""
    name: str | None
    """The customer's full name or business name."""
    next_invoice_sequence: int
    """The number of the customer's next invoice."""
    phone: str | None
    """The customer's phone number."""
    preferred_locales: list[str] | Literal[""] | None
    """The customer's preferred languages, most preferred first, e.g. ``["fr-CA", "en"]``;
    ``""`` or ``None`` clears them (Stripe's empty string, which stripe-python's types omit)."""
    shipping: ShippingParams | Literal[""] | None
    """Where to ship to the customer; ``""`` or ``None`` unsets it."""
    source: str
    """A token or source id to attach as the default payment source (legacy sources)."""
    tax_exempt: TaxExempt | Literal[""] | None
    """``"none"``, ``"exempt"`` or ``"reverse"``; ``""`` or ``None`` unsets it."""
    validate: bool
    """Whether to check that ``source`` can be charged (legacy sources)."""


class CustomerCreateParams(_CustomerWriteParams, total=False):
    """``POST /v1/customers``.

    Example:
        >>> params: CustomerCreateParams = {
        ...     "name": "Ada Lovelace",
        ...     "address": {"line1": "12 St James's Square", "country": "GB"},
        ...     "tax_id_data": [{"type": "gb_vat", "value": "GB123456789"}],
        ... }
    """

    payment_method: str
    """The id of a payment method to attach to the customer."""
    tax: CreateTaxParams
    """Tax details: the IP address to locate the customer by, when to check the location."""
    tax_id_data: list[TaxIdDataParams]
    """Tax ids to attach to the new customer."""
    test_clock: str
    """The id of a test clock to attach the customer to."""


class CustomerUpdateParams(_CustomerWriteParams, total=False):
    """``POST /v1/customers/{id}``; ``None`` or ``""`` unsets a field.

    Example:
        >>> params: CustomerUpdateParams = {"description": None, "metadata": {"tier": ""}}
    """

    default_source: str
    """The id of the customer's source to make the default (legacy sources)."""
    tax: TaxParams
    """Tax details: the IP address to locate the customer by, when to check the location."""


class CustomerRetrieveParams(TypedDict, total=False):
    """``GET /v1/customers/{id}``.

    Example:
        >>> params: CustomerRetrieveParams = {"expand": ["subscriptions", "tax"]}
    """

    expand: list[str]
    """Fields to expand, e.g. ``["subscriptions", "tax"]``."""


class CustomerListParams(TypedDict, total=False):
    """``GET /v1/customers``.

    Example:
        >>> params: CustomerListParams = {"limit": 100, "created": {"gte": 1700000000}}
    """

    created: CreatedRangeParams | Epoch
    """Only customers created then: an instant (epoch seconds or an aware datetime) or bounds
    (:class:`CreatedRangeParams`)."""
    email: str
    """Only customers with exactly this email (case-sensitive)."""
    ending_before: str
    """A customer id: the page before it; the walk goes backward."""
    expand: list[str]
    """Paths to expand in every page, under ``data.``, e.g. ``["data.subscriptions"]``."""
    limit: int
    """Customers per page, 1 to 100; default: 10."""
    starting_after: str
    """A customer id: the page after it."""
    test_clock: str
    """Only the customers of this test clock."""


class CustomerSearchParams(TypedDict, total=False):
    """``GET /v1/customers/search``.

    Example:
        >>> params: CustomerSearchParams = {"query": "email~'acme.io'", "expand": ["total_count"]}
    """

    query: Required[str]
    """The query, in Stripe's search syntax, e.g. ``email~'example.com'``."""
    expand: list[str]
    """``"total_count"`` and paths under ``data.``, e.g. ``"data.subscriptions"``."""
    limit: int
    """Results per page, 1 to 100; default: 10."""
    page: str
    """A previous page's ``next_page_token``: the search resumes there."""


class CustomerDeleteParams(TypedDict, total=False):
    """``DELETE /v1/customers/{id}`` takes no params: a deleted customer has nothing to expand.

    Kept so every operation has its params type, as in stripe-python.
    """
