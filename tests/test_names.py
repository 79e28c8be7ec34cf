from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import load_table
from namenorm.names import NameBook, load_name_book
from namenorm.normalize import analyze
from namenorm.resources import read_text
from namenorm.score import _align, _names_apart, _two_names

from .conftest import error_of_added_row

_ROWS = [
    line.split("\t")[0].split("|")
    for line in read_text("names.tsv").splitlines()
    if line.strip() and not line.startswith("#")
]


def _key(word: str) -> str:
    return analyze(word).phonetic


def test_two_names_of_the_book_are_distinct_and_a_typo_is_not() -> None:
    book = load_name_book()
    assert book.distinct(_key("Abbasi"), _key("Abadi"))
    assert book.distinct(_key("Salem"), _key("Salih"))
    # A typo is no name of the book; two romanizations of one name are one name.
    assert not book.distinct(_key("Kadhlmi"), _key("Kadhimi"))
    assert not book.distinct(_key("Jawad"), _key("Javad"))
    assert not book.distinct(_key("Hüseyin"), _key("Hossein"))


def test_a_name_book_of_two_rows() -> None:
    book = NameBook({"abasi": frozenset({0}), "abadi": frozenset({1}), "sala": frozenset({2, 3})})
    assert book.distinct("abasi", "abadi")
    assert not book.distinct("abasi", "abasi")
    assert not book.distinct("abasi", "kadimi")  # not a name of the book
    assert not NameBook({"x": frozenset({0, 1}), "y": frozenset({1})}).distinct("x", "y")


@given(st.sampled_from(_ROWS), st.data())
def test_the_spellings_of_one_name_are_never_two_names(row: list[str], data: st.DataObject) -> None:
    first = data.draw(st.sampled_from(row))
    second = data.draw(st.sampled_from(row))
    assert not load_name_book().distinct(_key(first), _key(second))
    assert not _two_names(_key(first), _key(second))


def test_no_two_names_of_one_built_in_entity_are_set_apart() -> None:
    # Every name of an entity is the entity: aligned with each other, two of its names leave
    # no word of one and word of the other that the book reads as two names (Kadhimi and
    # Kazemi, Kazem and Kadhim are each one name).
    apart = []
    for entity in load_table():
        names = [analysis for name in entity.names() if (analysis := analyze(name)).latin]
        for first, second in itertools.permutations(names, 2):
            pairing, _ = _align(first, second, person=entity.kind == "person")
            if _names_apart(pairing, first, second):
                apart.append((entity.id, first.original, second.original))
    assert apart == []


def test_a_spelling_that_is_not_one_word_is_a_rules_error(monkeypatch: pytest.MonkeyPatch) -> None:
    row = "Ali Hassan|Alihassan\tعلي حسن"
    error = error_of_added_row(
        monkeypatch, "names.tsv", row, load_name_book.__wrapped__, "one word"
    )
    assert error.field == "spellings"
