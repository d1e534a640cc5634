"""What a page of customers shows in a notebook and exports as: its HTML table, dicts and a
DataFrame. Mixed into every page (sync and async), which holds ``data``, ``has_more`` and
``pagination``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ._models import Pagination

__all__ = ["PageExports"]


class PageExports:
    """``_repr_html_``, ``to_dicts`` and ``to_dataframe`` of a page."""

    if TYPE_CHECKING:
        data: list[Any]
        has_more: bool
        pagination: Pagination | None

    def _repr_html_(self) -> str:
        from ._display import page_html

        return page_html(self.data, self.has_more, self.pagination)

    def to_dicts(self) -> list[dict[str, Any]]:
        """This page's items as JSON-serialisable dicts (``to_dicts(page)`` walks all pages).

        Returns:
            One dict per item, as :meth:`Customer.to_dict` makes it.

        Example:
            >>> json.dumps(client.list(limit=10).to_dicts())  # doctest: +SKIP
        """
        from ._dataframe import to_dicts

        return to_dicts(self.data)

    def to_dataframe(self, *, flatten_subscriptions: bool = False) -> pd.DataFrame:
        """This page's items as a pandas DataFrame (``to_dataframe(page)`` walks all pages).

        Needs the ``pandas`` extra; see :func:`customers_sdk.to_dataframe` for the columns.

        Args:
            flatten_subscriptions: One row per subscription instead of one per customer.

        Returns:
            The DataFrame.

        Example:
            >>> client.list(limit=10).to_dataframe()[["id", "email"]]  # doctest: +SKIP
        """
        from ._dataframe import to_dataframe

        return to_dataframe(self.data, flatten_subscriptions=flatten_subscriptions)
