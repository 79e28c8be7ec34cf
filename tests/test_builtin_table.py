"""The built-in table under its own property tests: every entity meets 200 drawn spellings.

A collision (a spelling of one entity resolving to another) must be listed, and justified or
marked a known defect, in tests/data/known_collisions.tsv; a listed pair that no longer occurs
fails too, so the list stays true.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from namenorm import Resolver, load_table
from namenorm.check import TableReport, check_table
from namenorm.strategies import variants

from .conftest import known_collisions

VARIANTS = 200
SURVIVAL_FLOOR = 0.98
"""The share of all drawn spellings that must resolve back (measured: 0.992)."""


@pytest.fixture(scope="module")
def report() -> TableReport:
    return check_table(load_table(), variants=VARIANTS, seed=0, workers=2)


def test_every_collision_is_listed_and_every_listed_one_occurs(report: TableReport) -> None:
    found = {(f.entity_id, f.other_id) for f in report.findings if f.kind == "collision"}
    known = set(known_collisions())
    assert found - known == set(), "unlisted collisions: add them with a reason, or fix them"
    assert known - found == set(), "listed collisions that no longer occur: remove them"


def test_no_name_alias_or_known_error_is_unreachable(report: TableReport) -> None:
    assert [f for f in report.findings if f.kind == "unreachable"] == []


def test_most_spellings_resolve_back(report: TableReport) -> None:
    assert report.survival >= SURVIVAL_FLOOR
    assert all(entity.variants > 0 for entity in report.entities)


_RESOLVER = Resolver()
_TABLE = load_table()
_PEOPLE = [entity for entity in _TABLE if entity.kind == "person"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_PEOPLE).flatmap(lambda e: st.tuples(st.just(e), variants(e.name))))
def test_a_spelling_of_a_person_never_names_someone_unlisted(drawn) -> None:
    entity, spelling = drawn
    match = _RESOLVER.resolve(spelling)
    if match is not None and match.entity.id != entity.id:
        assert (entity.id, match.entity.id) in known_collisions(), (spelling, match.entity.id)
