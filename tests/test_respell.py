from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import analyze
from namenorm.respell import load_respellings
from namenorm.rules import read_rows

from .conftest import error_of_added_row

RESPELLINGS = load_respellings()


def test_every_row_is_a_rule_in_file_order() -> None:
    rows = list(read_rows("respellings.tsv", 5))
    assert [rule.id for rule in RESPELLINGS.rules] == [fields[1] for _, fields in rows]
    assert [rule.scheme for rule in RESPELLINGS.rules] == [fields[0] for _, fields in rows]


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("El Cezire", "al jazira"),
        ("Necib Mikati", "najib mikati"),
        ("Cevad Zarif", "javad zarif"),
        ("Berhem Salih", "barham salih"),
    ],
)
def test_turkish_letters_are_read_as_english_writes_them(name: str, reading: str) -> None:
    assert RESPELLINGS.readings(analyze(name)) == (("turkish", reading),)


def test_turkish_sh_and_ch_are_folded_before_any_respelling() -> None:
    # ş and ç are sh and ch by the script rules: Kaşıkçı has no c and no e left to respell.
    assert analyze("Kaşıkçı").text == "kashikchi"
    assert RESPELLINGS.readings(analyze("Kaşıkçı")) == ()


def test_ch_and_ck_are_not_turkish_c() -> None:
    assert RESPELLINGS.readings(analyze("Chalabi Mack")) == ()


def test_script_and_empty_mentions_have_no_respelling() -> None:
    assert RESPELLINGS.readings(analyze("جعفر")) == ()
    assert RESPELLINGS.readings(analyze("")) == ()


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("turkish\ttr.bad\t([unclosed\tx\twhy", "pattern", "invalid regular expression"),
        ("turkish\ttr.bad\ta(b)\t\\2\twhy", "replacement", "group 2 does not exist"),
    ],
)
def test_a_malformed_rule_names_file_line_and_field(
    monkeypatch: pytest.MonkeyPatch, line: str, field: str, message: str
) -> None:
    # The loader itself (__wrapped__), not its cached result.
    error = error_of_added_row(
        monkeypatch, "respellings.tsv", line, load_respellings.__wrapped__, message
    )
    assert error.field == field


@given(st.text(max_size=40))
def test_readings_never_raise_and_always_differ_from_the_mention(text: str) -> None:
    query = analyze(text)
    readings = RESPELLINGS.readings(query)
    schemes = [scheme for scheme, _ in readings]
    assert len(schemes) == len(set(schemes))
    for _, reading in readings:
        assert reading != query.text
        assert len(reading.split()) == len(query.text.split())  # letters change, not words


@given(st.text(alphabet="abdfghijklmnopqrstuvwxyz ", max_size=30))
def test_a_name_without_c_or_e_has_no_turkish_reading(text: str) -> None:
    assert RESPELLINGS.readings(analyze(text)) == ()
