"""``python -m customers_sdk`` runs the ``customers`` command."""

import sys

from ._cli import main

sys.exit(main())
