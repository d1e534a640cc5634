"""The list responses of the dialects, each validated in one pass from the body's bytes.

Dialects import this module (and with it the models and pydantic's model machinery) when they
read their first response, not at ``import customers_sdk``: a script, a CLI call or a cold
start that never parses a customer does not pay for it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool

from .._models import Customer, Pagination

__all__ = ["ListEnvelope", "OffsetEnvelope", "StripeEnvelope"]


class ListEnvelope(BaseModel):
    """A cursor-paged list: ``data`` and ``has_more``; other keys are ignored."""

    # Built on first use, like the models (see _models).
    model_config = ConfigDict(defer_build=True)

    data: list[Customer]
    has_more: StrictBool


class StripeEnvelope(ListEnvelope):
    """Stripe's list, and its search result with ``next_page``."""

    # Any type here: read_page checks it, and only where a search needs it.
    next_page: Any = None


class OffsetEnvelope(BaseModel):
    """The offset dialect's list: ``data`` and the ``pagination`` block."""

    model_config = ConfigDict(defer_build=True)

    data: list[Customer]
    pagination: Pagination
