"""Tests of namenorm.check: property-testing a whole table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings

from namenorm import AliasTable, Entity, Resolver
from namenorm.check import EntityCheck, Finding, TableReport, check_file, check_table
from namenorm.errors import TableError
from namenorm.strategies import alias_tables

AMIRI = Entity(id="amiri", name="Hadi al-Amiri", aliases=("Hadi Farhan al-Amiri",))
BADR = Entity(id="badr", name="Badr Organization", kind="org", aliases=("Badr Brigades",))


def test_a_sound_table_passes() -> None:
    report = check_table(AliasTable([AMIRI, BADR]), variants=30)
    assert report.ok, report.table()
    assert [entity.entity_id for entity in report.entities] == ["amiri", "badr"]
    assert all(entity.variants > 0 for entity in report.entities)


def test_a_spelling_that_resolves_to_another_entity_is_a_collision() -> None:
    # "Hadi Ameri" is a spelling of al-Amiri, and here another entity's alias too.
    rival = Entity(id="rival", name="Hadi Ameri")
    report = check_table(AliasTable([AMIRI, rival]), variants=60)
    collisions = [f for f in report.findings if f.kind == "collision"]
    assert collisions
    assert {(f.entity_id, f.other_id) for f in collisions} <= {
        ("amiri", "rival"),
        ("rival", "amiri"),
    }
    assert not report.ok
    assert all(f.changes for f in collisions)


def test_an_alias_that_never_wins_is_unreachable() -> None:
    table = AliasTable([AMIRI])
    # A resolver that answers nothing: every string, written exactly, is NIL.
    report = check_table(table, variants=0, resolver=Resolver(table, threshold=1.0))
    unreachable = [f for f in report.findings if f.kind == "unreachable"]
    assert [(f.entity_id, f.text) for f in unreachable] == [
        ("amiri", "Hadi Farhan al-Amiri"),
        ("amiri", "Hadi al-Amiri"),
    ]
    assert all("nothing (NIL)" in f.detail and f.problem for f in unreachable)


def test_a_shared_alias_is_a_warning_not_a_problem() -> None:
    one = Entity(id="one", name="Fatah Alliance", kind="org", aliases=("Fatah",))
    two = Entity(id="two", name="Fatah Movement", kind="org", aliases=("Fatah",))
    report = check_table(AliasTable([one, two]), variants=0)
    shared = [f for f in report.findings if f.kind == "shared"]
    assert {f.entity_id for f in shared} == {"one", "two"}
    assert all(not f.problem for f in shared)


def test_short_and_common_names_are_weak() -> None:
    table = AliasTable(
        [Entity(id="un", name="UN", kind="org"), Entity(id="ali", name="Ali"), AMIRI]
    )
    weak = {f.entity_id for f in check_table(table, variants=0).findings if f.kind == "weak"}
    assert weak == {"un", "ali"}


def test_low_survival_is_a_problem_below_the_floor() -> None:
    table = AliasTable([AMIRI, BADR])
    # A resolver that never answers: nothing survives.
    resolver = Resolver(table, threshold=1.0)
    report = check_table(table, variants=10, resolver=resolver, min_survival=0.5)
    assert {f.entity_id for f in report.findings if f.kind == "low_survival"} == {"amiri", "badr"}
    relaxed = check_table(table, variants=10, resolver=resolver, min_survival=0.0)
    assert not [f for f in relaxed.findings if f.kind == "low_survival"]


@settings(max_examples=10, deadline=None)
@given(alias_tables(max_size=4))
def test_the_report_is_the_same_in_any_order(table: AliasTable) -> None:
    reversed_table = AliasTable(list(table)[::-1])
    first = check_table(table, variants=6, seed=3)
    assert first == check_table(reversed_table, variants=6, seed=3)
    assert sum(entity.variants for entity in first.entities) == sum(
        entity.survived + entity.lost + entity.collided for entity in first.entities
    )


def test_two_workers_give_the_same_report() -> None:
    table = AliasTable([AMIRI, BADR])
    assert check_table(table, variants=20, workers=2) == check_table(table, variants=20)


def test_the_json_report_has_every_finding(tmp_path: Path) -> None:
    report = TableReport(
        entities=(EntityCheck("a", 2, 1, 1, 0),),
        findings=(Finding("weak", "a", "A", "short"),),
        variants_per_entity=2,
        seed=0,
        threshold=0.5,
    )
    document = json.loads(json.dumps(report.to_json()))
    assert document["ok"] is True
    assert document["survival"] == 0.5
    assert document["findings"][0]["kind"] == "weak"
    assert "weak (warning, 1)" in report.table()


def test_a_file_with_a_repeated_id_reports_it_and_checks_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "table.jsonl"
    path.write_text(
        '{"id": "amiri", "name": "Hadi al-Amiri"}\n'
        '{"id": "badr", "name": "Badr Organization", "kind": "org"}\n'
        '{"id": "amiri", "name": "Hadi Farhan al-Amiri"}\n',
        "utf-8",
    )
    report = check_file(path, variants=5)
    duplicates = [f for f in report.findings if f.kind == "duplicate_id"]
    assert [(f.entity_id, f.text) for f in duplicates] == [("amiri", "Hadi Farhan al-Amiri")]
    assert "line 3" in duplicates[0].detail
    assert len(report.entities) == 2
    assert not report.ok


def test_a_broken_file_is_a_table_error(tmp_path: Path) -> None:
    path = tmp_path / "table.jsonl"
    path.write_text('{"id": "a", "name": "A"}\n{"id": \n', "utf-8")
    with pytest.raises(TableError, match=r"table\.jsonl:2"):
        check_file(path)


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="min_survival"):
        check_table(AliasTable([AMIRI]), min_survival=2.0)
    with pytest.raises(ValueError, match="variants"):
        check_table(AliasTable([AMIRI]), variants=-1)
