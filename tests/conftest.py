"""Shared fixtures: the built-in table and a resolver over it, loaded once per session."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

import namenorm
import namenorm.rules
from namenorm.errors import RulesError

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent

# CI draws the same examples on every run, so a submission fails only for what it changed; the
# dev profile draws new ones each run to keep finding what the fixed ones miss.
settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a tab-separated golden file of tests/data, as dicts keyed by its header."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def error_of_added_row(
    monkeypatch: pytest.MonkeyPatch, name: str, row: str, loader: Callable[[], Any], match: str
) -> RulesError:
    """The error ``loader`` (a cached loader's ``__wrapped__``) raises when the data file
    ``name`` ends with ``row``; checked to name that file and the row's line. Other data
    files read as shipped."""
    shipped = namenorm.rules.read_text
    good = shipped(name)
    monkeypatch.setattr(
        "namenorm.rules.read_text",
        lambda wanted: good + row + "\n" if wanted == name else shipped(wanted),
    )
    with pytest.raises(RulesError, match=match) as caught:
        loader()
    assert caught.value.path is not None
    assert caught.value.path.endswith(name)
    assert caught.value.line == len(good.splitlines()) + 1
    return caught.value


def known_collisions() -> dict[tuple[str, str], str]:
    """The pairs of tests/data/known_collisions.tsv: (entity, the entity a spelling of it
    resolves to) -> "justified" or "defect"."""
    pairs = {}
    for line in (DATA / "known_collisions.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            entity, other, status, why = line.split("\t")
            assert status in {"justified", "defect"}, line
            assert why.strip(), line
            pairs[(entity, other)] = status
    return pairs


@pytest.fixture(scope="session")
def table() -> namenorm.AliasTable:
    return namenorm.load_table()


@pytest.fixture(scope="session")
def resolver(table: namenorm.AliasTable) -> namenorm.Resolver:
    return namenorm.Resolver(table)
