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
# Stripe's create takes `deferred` and `immediately`; update adds `auto`. One shape for both.
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
Epoch = int | datetime
"""Epoch seconds, or an aware datetime (sent as epoch seconds)."""


class AddressParams(TypedDict, total=False):
    """A postal address (the customer's, or the shipping one)."""

    city: str | None
    country: str | None
    line1: str | None
    line2: str | None
    postal_code: str | None
    state: str | None


class ShippingParams(TypedDict, total=False):
    """Where to ship: Stripe requires the address and the recipient's name."""

    address: Required[AddressParams]
    name: Required[str]
    phone: str | None


class InvoiceCustomFieldParams(TypedDict):
    """One custom field printed on invoices (Stripe takes up to four)."""

    name: str
    value: str


class InvoiceRenderingOptionsParams(TypedDict, total=False):
    amount_tax_display: AmountTaxDisplay | Literal[""] | None
    template: str | None


class InvoiceSettingsParams(TypedDict, total=False):
    custom_fields: list[InvoiceCustomFieldParams] | Literal[""] | None
    default_payment_method: str | None
    footer: str | None
    rendering_options: InvoiceRenderingOptionsParams | Literal[""] | None


class TaxParams(TypedDict, total=False):
    ip_address: str | None
    validate_location: ValidateLocation


class TaxIdDataParams(TypedDict):
    """A tax id to attach when the customer is created."""

    type: TaxIdType
    value: str


class CashBalanceSettingsParams(TypedDict, total=False):
    reconciliation_mode: ReconciliationMode


class CashBalanceParams(TypedDict, total=False):
    settings: CashBalanceSettingsParams


class CreatedRangeParams(TypedDict, total=False):
    """Bounds on ``created``: any of ``gt``, ``gte``, ``lt``, ``lte``."""

    gt: Epoch
    gte: Epoch
    lt: Epoch
    lte: Epoch


class _CustomerWriteParams(TypedDict, total=False):
    """What create and update both take."""

    address: AddressParams | Literal[""] | None
    balance: int
    business_name: str | None
    cash_balance: CashBalanceParams
    description: str | None
    email: str | None
    expand: list[str]
    individual_name: str | None
    invoice_prefix: str
    invoice_settings: InvoiceSettingsParams
    # A value of None (or "") unsets that key; None or "" for the whole mapping unsets them all.
    metadata: Mapping[str, str | None] | Literal[""] | None
    name: str | None
    next_invoice_sequence: int
    phone: str | None
    preferred_locales: list[str]
    shipping: ShippingParams | Literal[""] | None
    source: str
    tax: TaxParams
    tax_exempt: TaxExempt | Literal[""] | None
    validate: bool


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
    tax_id_data: list[TaxIdDataParams]
    test_clock: str


class CustomerUpdateParams(_CustomerWriteParams, total=False):
    """``POST /v1/customers/{id}``; ``None`` or ``""`` unsets a field.

    Example:
        >>> params: CustomerUpdateParams = {"description": None, "metadata": {"tier": None}}
    """

    default_source: str


class CustomerRetrieveParams(TypedDict, total=False):
    """``GET /v1/customers/{id}``.

    Example:
        >>> params: CustomerRetrieveParams = {"expand": ["subscriptions", "tax"]}
    """

    expand: list[str]


class CustomerListParams(TypedDict, total=False):
    """``GET /v1/customers``.

    Example:
        >>> params: CustomerListParams = {"limit": 100, "created": {"gte": 1700000000}}
    """

    created: CreatedRangeParams | Epoch
    email: str
    ending_before: str
    expand: list[str]
    limit: int
    starting_after: str
    test_clock: str


class CustomerSearchParams(TypedDict, total=False):
    """``GET /v1/customers/search``.

    Example:
        >>> params: CustomerSearchParams = {"query": "email~'acme.io'", "expand": ["total_count"]}
    """

    query: Required[str]
    expand: list[str]
    limit: int
    page: str


class CustomerDeleteParams(TypedDict, total=False):
    """``DELETE /v1/customers/{id}`` takes no params: a deleted customer has nothing to expand.

    Kept so every operation has its params type, as in stripe-python.
    """
