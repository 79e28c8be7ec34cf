"""Loaded before anything is collected (tests/, the doctests of src/namenorm, docs/, README).

With NAMENORM_TEST_INSTALLED set (CI), the run refuses to test anything but the installed
wheel: namenorm is imported here, from site-packages, before pytest imports a module of src/
for its doctests, so that those run against the installed package too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import namenorm

ROOT = Path(__file__).resolve().parent


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop the run when it would test src/ while CI asked for the installed wheel."""
    package = Path(namenorm.__file__).resolve().parent
    installed = ROOT / "src" not in package.parents and "site-packages" in package.parts
    if os.environ.get("NAMENORM_TEST_INSTALLED") and not installed:
        raise pytest.UsageError(
            f"NAMENORM_TEST_INSTALLED is set but namenorm is imported from {package}, "
            "not from an installed wheel: pip install dist/namenorm-*.whl first"
        )
