"""The ``customers_sdk`` logger. ``CUSTOMERS_SDK_LOG=info`` (or ``debug``) switches it on.

Nothing here ever formats an API key or an ``Authorization`` header.
"""

from __future__ import annotations

import logging
import os

__all__ = ["logger", "setup_from_env"]

logger = logging.getLogger("customers_sdk")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_configured = False


def setup_from_env() -> None:
    """Honour ``CUSTOMERS_SDK_LOG`` once per process; a host's own logging config wins."""
    global _configured
    if _configured:
        return
    _configured = True
    level = _LEVELS.get(os.environ.get("CUSTOMERS_SDK_LOG", "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        logger.addHandler(handler)
