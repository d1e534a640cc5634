"""The three wire dialects: data plus pure functions, no I/O."""

from ._base import CustomerFields, Dialect, PageContent, read_error
from .cursor import CursorDialect
from .offset import OffsetDialect
from .stripe import StripeDialect

__all__ = [
    "CursorDialect",
    "CustomerFields",
    "Dialect",
    "OffsetDialect",
    "PageContent",
    "StripeDialect",
    "read_error",
]
