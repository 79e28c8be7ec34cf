from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from importlib import metadata, resources

import pytest

import namenorm


def test_importing_namenorm_does_not_import_hypothesis() -> None:
    code = "import sys, namenorm; namenorm.Resolver(); print('hypothesis' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_package_ships_types_and_data() -> None:
    files = resources.files("namenorm")
    assert files.joinpath("py.typed").is_file()
    for name in ("entities.jsonl", "confidence.json", "rewrite.tsv", "phonetic.tsv", "words.tsv"):
        assert files.joinpath("data", name).is_file(), name


def _public_modules() -> list[str]:
    return [
        f"namenorm.{info.name}"
        for info in pkgutil.iter_modules(namenorm.__path__)
        if not info.name.startswith("_") and info.name != "data"
    ]


@pytest.mark.parametrize("module_name", ["namenorm", *_public_modules()])
def test_public_functions_and_classes_are_documented_with_examples(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__doc__, module_name
    for name in getattr(module, "__all__", []):
        value = getattr(module, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert value.__doc__, f"{module_name}.{name}"
            assert ">>>" in value.__doc__, f"{module_name}.{name} has no runnable example"


def test_reset_caches_reloads_the_same_data() -> None:
    before = namenorm.load_table()
    namenorm.reset_caches()
    assert namenorm.load_table() == before


def test_an_installed_wheel_carries_every_data_file() -> None:
    # An editable install records only a path hook; a wheel records each of its files.
    recorded = {str(path) for path in metadata.files("namenorm") or ()}
    if not any(path.startswith("namenorm/") for path in recorded):
        assert not os.environ.get("NAMENORM_TEST_INSTALLED"), "CI must test an installed wheel"
        pytest.skip("namenorm is installed in editable mode: its RECORD lists no package files")
    shipped = {
        f"namenorm/data/{item.name}"
        for item in resources.files("namenorm").joinpath("data").iterdir()
        if item.is_file() and not item.name.endswith(".pyc")
    }
    assert shipped, "no data files found"
    assert shipped <= recorded, sorted(shipped - recorded)
    assert "namenorm/py.typed" in recorded


@pytest.mark.parametrize("module", ["pandas", "polars", "spacy", "pyspark", "matplotlib"])
def test_importing_namenorm_imports_no_optional_integration(module: str) -> None:
    code = (
        "import sys, namenorm; namenorm.Resolver().annotate('Hadi al-Amiri spoke.'); "
        f"print({module!r} in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_version_is_the_distribution_version() -> None:
    assert namenorm.__version__ == metadata.version("namenorm")
