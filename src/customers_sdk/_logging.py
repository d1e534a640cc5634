"""The ``customers_sdk`` logger. ``CUSTOMERS_SDK_LOG=info`` (or ``debug``) switches it on.

At INFO every attempt of every call logs one line: method, path, status (or the transport
failure), attempt number, elapsed milliseconds and the server's request id; each retry logs the
wait it is about to take. DEBUG adds the query parameters and the idempotency key. Nothing here
ever formats an API key or an ``Authorization`` header, and API keys a server echoes back in an
error message are masked before they reach an error or a log line.

Example:
    >>> import logging
    >>> logging.getLogger("customers_sdk").setLevel(logging.INFO)  # or CUSTOMERS_SDK_LOG=info
"""

from __future__ import annotations

import logging
import os

__all__ = ["logger", "setup_from_env"]

logger = logging.getLogger("customers_sdk")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_configured = False


def setup_from_env() -> None:
    """Honour ``CUSTOMERS_SDK_LOG`` once per process; a host's own logging config wins.

    The level is set on the ``customers_sdk`` logger. A stderr handler is added only when no
    handler would see the records otherwise (neither ours nor an ancestor's, e.g. root's after
    ``logging.basicConfig``), so records are never printed twice.

    Example:
        >>> import os
        >>> os.environ["CUSTOMERS_SDK_LOG"] = "debug"  # doctest: +SKIP
        >>> setup_from_env()  # every client calls this when it is built
    """
    global _configured
    if _configured:
        return
    _configured = True
    level = _LEVELS.get(os.environ.get("CUSTOMERS_SDK_LOG", "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        logger.addHandler(handler)
