"""Shared fixtures: the built-in table and a resolver over it, loaded once per session."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from hypothesis import settings

import namenorm

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
