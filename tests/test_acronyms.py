from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import Entity
from namenorm.acronyms import MAX_LETTERS, MIN_LETTERS, Acronyms, acronym_letters, initials
from namenorm.index import CandidateIndex
from namenorm.rules import load_rules

PARTICLES = load_rules().particles


@pytest.mark.parametrize(
    ("mention", "letters"),
    [
        ("ISA", "isa"),
        ("  IRGC ", "irgc"),
        ("I.S.A.", "isa"),
        ("CoR", "cor"),  # Council of Representatives: the particle in lower case
        ("DoS", "dos"),
        ("ABCDEFG", "abcdefg"),
        ("US", None),  # too short: two capitals stand for too many names
        ("ABCDEFGH", None),  # too long: a word set in capitals
        ("Iraq", None),
        ("ISIS fighters", None),
        ("IRGC-QF", None),
        ("McDonald", None),
        ("iSA", None),
        ("", None),
    ],
)
def test_acronym_letters(mention: str, letters: str | None) -> None:
    assert acronym_letters(mention) == letters


@given(st.text(max_size=12))
def test_acronym_letters_are_lower_case_letters_of_the_bounded_length(text: str) -> None:
    letters = acronym_letters(text)
    if letters is not None:
        assert MIN_LETTERS <= len(letters) <= MAX_LETTERS
        assert letters.isascii()
        assert letters.isalpha()
        assert letters.islower()


def test_initials_read_a_name_with_and_without_its_particles() -> None:
    assert initials("islamic resistance in iraq", PARTICLES) == {"irii", "iri"}
    assert initials("asaib ahl al haq", PARTICLES) == {"aaah", "aah"}
    assert initials("council of representatives", PARTICLES) == {"cor"}  # "cr" is too short
    assert initials("hezbollah", PARTICLES) == frozenset()


@given(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=5), max_size=10))
def test_initials_are_of_the_bounded_length_and_come_from_the_words(words: list[str]) -> None:
    text = " ".join(words)
    for reading in initials(text, PARTICLES):
        assert MIN_LETTERS <= len(reading) <= MAX_LETTERS
        assert set(reading) <= {word[0] for word in words}


def test_people_known_errors_and_script_names_have_no_acronyms() -> None:
    index = CandidateIndex.build(
        [
            Entity(
                id="shin-bet",
                name="Shin Bet",
                kind="org",
                aliases=["Israel Security Agency", "שירות הביטחון הכללי"],
                errors=["Internal Security Authority"],
            ),
            Entity(id="someone", name="Ivan Sergei Antonov", kind="person"),
        ]
    )
    acronyms = Acronyms.of(index)
    assert acronyms.entries("isa") == (1,)
    assert set(acronyms.by_letters) == {"isa"}
