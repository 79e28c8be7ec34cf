"""Loaded before anything is collected (tests/, the doctests of src/, docs/, README).

With NAMENORM_TEST_INSTALLED set (CI), the run refuses to test anything but the installed
wheel. pytest imports a module of src/ for its doctests under its real name unless that name
is already imported, so every module of the installed package is imported here first, and
after collection every namenorm module loaded must come from site-packages.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path

import pytest

import namenorm
from namenorm.errors import MissingDependencyError

ROOT = Path(__file__).resolve().parent
TOP_LEVEL = ("namenorm", "namenorm_spacy_factory")
"""The top-level modules the wheel installs."""


def _outside_the_wheel() -> list[str]:
    return sorted(
        f"{name} ({module.__file__})"
        for name, module in list(sys.modules.items())
        if name.partition(".")[0] in TOP_LEVEL
        and getattr(module, "__file__", None)
        and "site-packages" not in Path(str(module.__file__)).resolve().parts
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Import the whole installed package before pytest can import a copy from src/."""
    if not os.environ.get("NAMENORM_TEST_INSTALLED"):
        return
    for info in pkgutil.walk_packages(namenorm.__path__, "namenorm."):
        if info.name.endswith(".__main__"):
            continue  # running it is the command line, not an import
        try:
            importlib.import_module(info.name)
        except MissingDependencyError:
            continue  # an integration whose extra is not installed: its tests skip
    importlib.import_module("namenorm_spacy_factory")
    if outside := _outside_the_wheel():
        raise pytest.UsageError(
            "NAMENORM_TEST_INSTALLED is set but these modules are not the installed wheel's: "
            f"{', '.join(outside)}; pip install dist/namenorm-*.whl first"
        )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Refuse a run in which collection loaded any namenorm module from outside the wheel."""
    if os.environ.get("NAMENORM_TEST_INSTALLED") and (outside := _outside_the_wheel()):
        raise pytest.UsageError(f"modules loaded from outside the installed wheel: {outside}")
