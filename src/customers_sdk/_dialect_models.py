"""The customers of the offset and cursor dialects: the portable fields plus their own, so
that no dialect's results carry (or print) another dialect's empty fields."""

from __future__ import annotations

from ._models import Customer, _aliases

__all__ = ["CursorCustomer", "OffsetCustomer"]


class OffsetCustomer(Customer):
    """A customer of the offset-paginated API: the portable :class:`Customer` plus
    ``first_name``, ``last_name`` and ``stripe_customer_id``. When the wire has no ``name``,
    ``name`` is the first and last names joined (either alone when the other is missing).

    Example:
        >>> c = OffsetCustomer(id="1", first_name="Ada", last_name="Lovelace")
        >>> c.name, c.first_name
        ('Ada Lovelace', 'Ada')
    """

    first_name: str | None = _aliases("first_name", "firstName")
    """Given name."""
    last_name: str | None = _aliases("last_name", "lastName")
    """Family name."""
    stripe_customer_id: str | None = _aliases("stripe_customer_id", "stripeCustomerId")
    """The matching Stripe customer's id, where the API links one."""

    def _derive(self) -> None:
        super()._derive()
        if self.name is None and (self.first_name or self.last_name):
            parts = (self.first_name, self.last_name)
            # Straight into __dict__, as Customer does: derived, not a field the caller set.
            self.__dict__["name"] = " ".join(part for part in parts if part)


class CursorCustomer(Customer):
    """A customer of the cursor JSON API: the portable :class:`Customer` plus ``live``
    (a live-mode customer, as opposed to a test one).

    Example:
        >>> CursorCustomer(id="c1", live=False).live
        False
    """

    live: bool | None = None
    """True for a live-mode customer, False for a test one; None when not sent."""
