"""``python -m topics`` is the ``topics`` command."""

import sys

from .cli import main

sys.exit(main())
