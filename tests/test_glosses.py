from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import analyze
from namenorm.glosses import MAX_READINGS, MIN_SCRIPT_CONSONANTS, load_glosses
from namenorm.rules import read_rows

from .conftest import error_of_added_row

GLOSSES = load_glosses()
_ROWS = list(read_rows("glosses.tsv", 3))


def _knows(*words: str) -> set[str]:
    return {analyze(word).phonetic for word in words}


def test_every_row_is_one_meaning_led_by_its_english_word() -> None:
    assert len(GLOSSES.meanings) == len(_ROWS)
    for gloss, (_, (meaning, renderings, _why)) in zip(GLOSSES.meanings, _ROWS, strict=True):
        assert gloss.words[0] == analyze(meaning).tokens[0]
        assert gloss.keys == tuple(analyze(word).phonetic for word in gloss.words)
        latin = {analyze(r).tokens[0] for r in renderings.split() if analyze(r).latin}
        assert latin <= set(gloss.words)


def test_every_rendering_is_kept_as_its_normalized_word() -> None:
    for gloss, (_, (meaning, renderings, _why)) in zip(GLOSSES.meanings, _ROWS, strict=True):
        words = {analyze(word).tokens[0] for word in (meaning, *renderings.split())}
        assert gloss.renderings == words


def test_each_rendering_leads_back_to_its_meaning() -> None:
    for number, (_, (meaning, renderings, _why)) in enumerate(_ROWS):
        for word in (meaning, *renderings.split()):
            analysis = analyze(word)
            if analysis.latin:
                assert number in GLOSSES.latin[analysis.phonetic], word
            elif len(analysis.skeleton) >= MIN_SCRIPT_CONSONANTS:
                assert number in GLOSSES.script[analysis.skeleton], word
            else:
                assert number not in GLOSSES.script.get(analysis.skeleton, ()), word


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("mobilization\tfoo-bar\twhy", "renderings"),
        ("the\thashd\twhy", "meaning"),
    ],
)
def test_a_rendering_of_more_or_less_than_one_word_names_file_line_and_field(
    monkeypatch: pytest.MonkeyPatch, line: str, field: str
) -> None:
    # The loader itself (__wrapped__), not its cached result.
    error = error_of_added_row(
        monkeypatch, "glosses.tsv", line, load_glosses.__wrapped__, "not one word"
    )
    assert error.field == field


def test_a_listed_word_is_replaced_by_the_renderings_the_table_knows() -> None:
    known = _knows("popular", "mobilization", "hashd")
    assert GLOSSES.readings(analyze("Popular Crowd"), known.__contains__) == (
        "popular mobilization",
        "popular hashd",
    )
    # A rendering no name of the table uses is not tried.
    assert GLOSSES.readings(analyze("Popular Crowd"), _knows("popular").__contains__) == ()


def test_a_script_name_is_read_in_english_order() -> None:
    known = _knows("central", "intelligence", "agency")
    assert GLOSSES.readings(analyze("وكالة المخابرات المركزية"), known.__contains__) == (
        "central intelligence agency",
    )


def test_a_name_without_listed_words_has_no_reading() -> None:
    assert GLOSSES.readings(analyze("Qassem Soleimani"), lambda key: True) == ()
    assert GLOSSES.readings(analyze(""), lambda key: True) == ()


def test_the_readings_are_bounded() -> None:
    many = analyze("Iraqi Islamic National Security Council Party")
    readings = GLOSSES.readings(many, lambda key: True)
    assert len(readings) == MAX_READINGS
    assert len(GLOSSES.readings(many, lambda key: True, limit=2)) == 2


_LISTED = sorted({word for gloss in GLOSSES.meanings for word in gloss.words})
_OTHER = ["soleimani", "baghdad", "qassem", "mahdi", "times", "university", "day"]


@given(
    words=st.lists(st.sampled_from([*_LISTED, *_OTHER]), min_size=1, max_size=5),
    known=st.sets(st.sampled_from(_LISTED)),
)
def test_readings_keep_the_words_and_change_only_listed_ones(
    words: list[str], known: set[str]
) -> None:
    query = analyze(" ".join(words))
    keys = {analyze(word).phonetic for word in known}
    readings = GLOSSES.readings(query, keys.__contains__)
    assert len(readings) <= MAX_READINGS
    assert len(set(readings)) == len(readings)
    for reading in readings:
        glossed = reading.split()
        assert len(glossed) == len(query.tokens)
        assert tuple(glossed) != query.tokens
        for own, new in zip(query.tokens, glossed, strict=True):
            # A word either stays, or becomes a rendering the table knows of one of its meanings.
            assert new == own or analyze(new).phonetic in keys
            if new != own:
                meanings = GLOSSES.latin[analyze(own).phonetic]
                assert any(new in GLOSSES.meanings[m].words for m in meanings)


@given(st.text(max_size=40))
def test_readings_never_raise(text: str) -> None:
    readings = GLOSSES.readings(analyze(text), lambda key: True)
    assert all(isinstance(reading, str) and reading for reading in readings)
