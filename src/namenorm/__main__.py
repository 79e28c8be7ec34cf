"""``python -m namenorm`` runs the command line."""

from __future__ import annotations

import sys

from namenorm.cli import main

sys.exit(main())
