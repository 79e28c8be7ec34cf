from __future__ import annotations

import pytest

from namenorm import AliasTable, Entity, analyze, load_table
from namenorm.index import CandidateIndex, compact

BUILTIN = load_table()
INDEX = CandidateIndex.build(BUILTIN.entities)


def _entity_ids(query: str) -> set[str]:
    return {INDEX.entries[number].entity.id for number in INDEX.candidates(analyze(query))}


def test_every_string_of_the_table_is_an_entry() -> None:
    expected = sum(len({*e.names(), *e.errors}) for e in BUILTIN)
    assert len(INDEX.entries) == expected
    roles = {entry.role for entry in INDEX.entries}
    assert roles == {"name", "alias", "error"}


@pytest.mark.parametrize(
    ("query", "entity_id"),
    [
        ("Sudani", "mohammed-shia-al-sudani"),
        ("Ghassem Suleimani", "qasem-soleimani"),
        ("Soleimnai", "qasem-soleimani"),
        ("قاسم سليماني", "qasem-soleimani"),
        ("Muhandis Abu Mahdi", "abu-mahdi-al-muhandis"),
        ("Nasr Allah", "hassan-nasrallah"),
    ],
)
def test_candidates_find_variants(query: str, entity_id: str) -> None:
    assert entity_id in _entity_ids(query)


def test_candidate_stage_recalls_every_table_string_with_one_typo() -> None:
    """Recall of the candidate stage alone: a letter dropped from any name still finds it."""
    missed = []
    for entry in INDEX.entries:
        text = entry.string
        if len(text) < 6 or not entry.analysis.latin:
            continue
        typo = text[:3] + text[4:]
        if entry.entity.id not in _entity_ids(typo):
            missed.append(text)
    total = sum(1 for e in INDEX.entries if len(e.string) >= 6 and e.analysis.latin)
    assert len(missed) / total < 0.02, missed


def test_nothing_is_found_for_nothing() -> None:
    assert INDEX.candidates(analyze("")) == set()


def test_compact_removes_spaces() -> None:
    assert compact("nasr ala") == "nasrala"


def test_common_tokens_do_not_flood_the_candidates() -> None:
    many = [Entity(id=f"abu-{n}", name=f"Abu Zaid{n}x Tamimi{n}q") for n in range(60)]
    index = CandidateIndex.build(AliasTable(many).entities)
    found = index.candidates(analyze("Abu Zaid7x Tamimi7q"))
    ids = {index.entries[number].entity.id for number in found}
    assert "abu-7" in ids
    assert len(ids) < 60
