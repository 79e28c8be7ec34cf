from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import (
    Step,
    analyze,
    explain_normalization,
    normalize,
    phonetic_key,
    replay,
    skeleton_key,
)
from namenorm.errors import RulesError
from namenorm.index import compact
from namenorm.rules import load_rules

from .conftest import read_tsv

CASES = read_tsv("normalize.tsv")
SAME = read_tsv("same_keys.tsv")
DIFFERENT = read_tsv("different_keys.tsv")


def _key(kind: str, name: str) -> str:
    return compact(phonetic_key(name) if kind == "phonetic" else skeleton_key(name))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["name"])
def test_golden_normalizations(case: dict[str, str]) -> None:
    assert normalize(case["name"]) == case["expected"], case["why"]


@pytest.mark.parametrize("case", SAME, ids=lambda case: f"{case['a']}={case['b']}")
def test_spellings_of_one_name_share_a_key(case: dict[str, str]) -> None:
    assert _key(case["key"], case["a"]) == _key(case["key"], case["b"]), case["why"]


@pytest.mark.parametrize("case", DIFFERENT, ids=lambda case: f"{case['a']}!={case['b']}")
def test_different_names_keep_different_keys(case: dict[str, str]) -> None:
    assert _key(case["key"], case["a"]) != _key(case["key"], case["b"]), case["why"]


def test_titles_are_set_aside_and_reported() -> None:
    result = analyze("Major General Qassem Soleimani")
    assert result.titles == ("major general",)
    assert result.text == "qassem soleimani"


_RULES = load_rules()
# A title that opens with a qualifier (former president) still sheds the qualifier.
_PERSONAL_TITLES = sorted(
    title for title in _RULES.titles if title.split()[0] not in _RULES.qualifiers
)


@given(
    st.sampled_from(_PERSONAL_TITLES),
    st.sampled_from(sorted(_RULES.bodies)),
    st.sampled_from(["Soleimani", "of Iraq", "Directorate", "Baghdad"]),
)
def test_a_title_before_a_body_word_is_part_of_the_name(title: str, body: str, rest: str) -> None:
    result = analyze(f"{title} {body} {rest}")
    assert result.titles == ()
    assert result.text.startswith(f"{title} {body} ")


@given(
    st.sampled_from(sorted(_RULES.qualifiers)),
    st.sampled_from(sorted(_RULES.bodies - {"of", "for"})),
)
def test_a_qualifier_is_set_aside_before_a_body_word(qualifier: str, body: str) -> None:
    result = analyze(f"{qualifier} {body} Council")
    assert result.titles == (qualifier,)
    assert result.text == f"{body} council"


def test_particles_are_left_out_of_tokens() -> None:
    assert analyze("Mohammed Shia al-Sudani").tokens == ("mohammed", "shia", "sudani")


def test_latin_flag_marks_other_scripts() -> None:
    assert analyze("Qāsim").latin
    assert not analyze("قاسم").latin
    assert not analyze("Касем").latin


def test_explanation_names_each_rule_in_order() -> None:
    result = explain_normalization("Abu Mahdi Almohandes")
    assert [step.rule for step in result.steps] == ["case.fold", "ar.article.attached"]
    assert result.steps[-1].after == result.text
    assert "ar.article.attached" in str(result)


def test_replay_rejects_an_unknown_rule() -> None:
    with pytest.raises(RulesError, match="no normalization rule"):
        replay("x", [Step(rule="no.such.rule", before="x", after="y")])


@given(st.text())
def test_normalize_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.text())
def test_replaying_the_steps_gives_the_normalized_text(text: str) -> None:
    result = explain_normalization(text)
    assert replay(result.original, result.steps) == result.text


@given(st.text())
def test_normalized_text_is_lowercase_ascii_single_spaced(text: str) -> None:
    result = normalize(text)
    assert result.isascii()
    assert result == result.lower()
    assert "  " not in result
    assert result == result.strip()


@given(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=1))
def test_case_never_changes_the_normalization(text: str) -> None:
    assert normalize(text.upper()) == normalize(text.lower()) or not text.isascii()


@given(st.text())
def test_keys_never_raise_and_skeleton_has_no_vowels(text: str) -> None:
    skeleton = skeleton_key(text)
    assert not set(skeleton) & set("aiuy")
    assert isinstance(phonetic_key(text), str)


def test_marks_and_full_width_letters_are_still_latin() -> None:
    assert analyze("ʿBagdad").latin
    assert analyze("Ｈｅｚｂｌｌａｈ").latin
    assert analyze("ʿBagdad").phonetic == analyze("Bagdad").phonetic


def test_short_latin_words_keep_their_letters_in_the_key() -> None:
    assert phonetic_key("KH") == "kh"
    assert phonetic_key("KGK") != phonetic_key("K")
    assert phonetic_key("Abu Mahdi") == "abumahdi"
