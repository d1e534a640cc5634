"""Bulk export of every customer to CSV, JSON lines, JSON or Parquet, resumable after a crash.

:func:`export_customers` / :func:`aexport_customers` drive one :class:`ExportJob`, which
writes pages and checkpoints without doing any network I/O itself.
"""

from ._api import ExportParams, aexport_customers, export_customers
from ._job import FORMATS, ExportFormat

__all__ = ["FORMATS", "ExportFormat", "ExportParams", "aexport_customers", "export_customers"]
