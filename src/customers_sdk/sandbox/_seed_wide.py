"""Seeded customers as wide as Stripe's real ones: every field of the customer object filled.

The default seed leaves Stripe's optional fields null, which keeps pages small; a benchmark of
typed models needs the other extreme, where every nested object (address, shipping, invoice
settings, discount...) is there to be read. Values are derived from the customer's number and
its 64-bit draw, so they cost no extra random draws and stay deterministic.
"""

from __future__ import annotations

from typing import Any

_CITIES = (
    ("San Francisco", "US", "CA", "94107"),
    ("Berlin", "DE", None, "10115"),
    ("Paris", "FR", None, "75002"),
    ("Toronto", "CA", "ON", "M5V 2T6"),
)
_LOCALES = (["en"], ["en", "fr"], ["de"], ["fr", "en-GB"])


def wide_stripe_fields(number: int, bits: int, name: str | None) -> dict[str, Any]:
    """What a customer created with most of Stripe's params holds, as the store keeps it.

    >>> wide = wide_stripe_fields(7, 0, "Ada Lovelace")
    >>> wide["address"]["city"], wide["shipping"]["name"]
    ('San Francisco', 'Ada Lovelace')
    """
    city, country, state, postal_code = _CITIES[bits % len(_CITIES)]
    address = {
        "city": city,
        "country": country,
        "line1": f"{number} Market Street",
        "line2": f"Suite {bits % 900 + 100}",
        "postal_code": postal_code,
        "state": state,
    }
    suffix = f"{bits:016X}"[:14]
    return {
        "address": address,
        "balance": -((bits >> 3) % 5000),
        "business_name": f"{name or 'Customer'} Ltd",
        "default_source": f"card_{suffix}",
        "discount": {
            "id": f"di_{suffix}",
            "object": "discount",
            "checkout_session": None,
            "customer": None,
            "customer_account": None,
            "end": None,
            "invoice": None,
            "invoice_item": None,
            "promotion_code": f"promo_{suffix}",
            "source": {"coupon": f"SAVE{bits % 50}", "type": "coupon"},
            "start": 1_700_000_000 + number,
            "subscription": None,
            "subscription_item": None,
        },
        "individual_name": name or f"Customer {number}",
        "invoice_prefix": f"W{number:07X}",
        "invoice_settings": {
            "custom_fields": [
                {"name": "PO number", "value": f"PO-{number}"},
                {"name": "VAT", "value": f"{country}{bits % 10**9:09d}"},
            ],
            "default_payment_method": f"pm_{suffix}",
            "footer": "Thank you for your business.",
            "rendering_options": {"amount_tax_display": "exclude_tax", "template": None},
        },
        "next_invoice_sequence": 1 + bits % 40,
        "preferred_locales": _LOCALES[(bits >> 2) % len(_LOCALES)],
        "shipping": {"address": dict(address), "name": name or "Receiving", "phone": None},
        "tax_exempt": "none",
        "test_clock": f"clock_{suffix}",
    }
