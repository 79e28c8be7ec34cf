from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import AliasTable, Entity, analyze, load_table
from namenorm.places import PlaceIndex, load_demonyms
from namenorm.rules import read_rows

BUILTIN = load_table()
INDEX = BUILTIN.compile()
PLACES = PlaceIndex(INDEX)
POSITION = {entity.id: position for position, entity in enumerate(INDEX.entities)}


def _ids(positions: frozenset[int]) -> set[str]:
    return {INDEX.entities[position].id for position in positions}


def test_a_place_word_names_the_place_and_its_country() -> None:
    assert _ids(PLACES.named_in(analyze("Baghdad"))) == {"baghdad", "iraq"}
    assert _ids(PLACES.named_in(analyze("Bagdad"))) == {"baghdad", "iraq"}
    assert _ids(PLACES.named_in(analyze("US Embassy"))) == {"united-states"}
    # A run of words names a place as a whole: "Saudi Arabia", not "Arabia".
    assert "saudi-arabia" in _ids(PLACES.named_in(analyze("Saudi Arabia National Guard")))


def test_a_demonym_names_its_country_when_the_table_has_it() -> None:
    assert _ids(PLACES.named_in(analyze("Israeli Supreme Court"))) == {"israel"}
    assert _ids(PLACES.named_in(analyze("Syrian civil war"))) == {"syria"}
    # Russia is not in the built-in table: "Russian" names nothing.
    assert not PLACES.named_in(analyze("Russian Foreign Ministry"))


def test_words_in_another_script_name_no_place() -> None:
    assert not PLACES.named_in(analyze("بغداد"))


def test_an_entity_belongs_to_the_places_of_its_names_and_its_country() -> None:
    embassy = POSITION["embassy-of-the-united-states-baghdad"]
    assert {"united-states", "baghdad", "iraq"} <= _ids(PLACES.belongs_to(embassy))
    assert _ids(PLACES.belongs_to(POSITION["kataib-hezbollah"])) == {"iraq"}
    assert POSITION["erbil"] in PLACES.belongs_to(POSITION["erbil"])


@pytest.mark.parametrize(
    ("mention", "entity", "conflict"),
    [
        ("US Supreme Court", "federal-supreme-court-of-iraq", True),
        ("Israeli Supreme Court", "federal-supreme-court-of-iraq", True),
        ("Iraqi Supreme Court", "federal-supreme-court-of-iraq", False),
        ("Supreme Court", "federal-supreme-court-of-iraq", False),
        ("Lebanese Civil War", "american-civil-war", True),
        ("US Civil War", "american-civil-war", False),
        # A city speaks of its country: Baghdad is in Iraq.
        ("Baghdad Kataib Hezbollah", "kataib-hezbollah", False),
    ],
)
def test_a_mention_conflicts_when_its_places_are_none_of_the_entitys(
    mention: str, entity: str, conflict: bool
) -> None:
    assert PLACES.conflicts(analyze(mention), POSITION[entity]) is conflict


def test_an_entity_that_belongs_nowhere_conflicts_with_no_place() -> None:
    table = AliasTable(
        [
            Entity(id="iraq", name="Iraq", kind="place"),
            Entity(id="court", name="Supreme Court", kind="org"),
        ]
    )
    places = PlaceIndex(table.compile())
    court = [entity.id for entity in table.compile().entities].index("court")
    assert places.named_in(analyze("Iraqi Supreme Court"))
    assert not places.conflicts(analyze("Iraqi Supreme Court"), court)


def test_the_country_attribute_places_an_entity() -> None:
    table = AliasTable(
        [
            Entity(id="iraq", name="Iraq", kind="place"),
            Entity(id="israel", name="Israel", kind="place"),
            Entity(id="court", name="Supreme Court", kind="org", attributes={"country": "Iraq"}),
        ]
    )
    index = table.compile()
    places = PlaceIndex(index)
    court = [entity.id for entity in index.entities].index("court")
    assert places.conflicts(analyze("Israeli Supreme Court"), court)
    assert not places.conflicts(analyze("Iraqi Supreme Court"), court)


def test_every_demonym_row_is_read() -> None:
    rows = list(read_rows("demonyms.tsv", 2))
    assert len(load_demonyms()) == len(rows) > 30


def test_no_string_of_an_entity_conflicts_with_it_by_place() -> None:
    """An entity belongs to the places its own names name, so none of them is a conflict."""
    for position, entity in enumerate(INDEX.entities):
        for string in (entity.name, *entity.aliases, *entity.errors):
            assert not PLACES.conflicts(analyze(string), position), (entity.id, string)


@given(st.text(max_size=40))
def test_named_places_are_place_entities(text: str) -> None:
    for position in PLACES.named_in(analyze(text)):
        assert INDEX.entities[position].kind == "place"
