from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from unidecode import unidecode

from namenorm import RulesError
from namenorm.resources import read_text
from namenorm.rules import load_rules

from .conftest import error_of_added_row


def test_every_rule_has_a_unique_id() -> None:
    rules = load_rules()
    ids = [rule_id for rule_id, _ in (*rules.script_rewrites, *rules.rewrites)]
    ids += [rule_id for rule_id, _ in (*rules.phonetic, *rules.skeleton)]
    assert len(ids) == len(set(ids))


def test_every_data_row_explains_itself() -> None:
    for name, columns in (
        ("rewrite.tsv", 5),
        ("phonetic.tsv", 5),
        ("words.tsv", 3),
        ("script.tsv", 4),
    ):
        for line in read_text(name).splitlines():
            if line and not line.startswith("#"):
                fields = line.split("\t")
                assert len(fields) == columns, (name, line)
                assert fields[-1].strip(), f"{name}: no explanation for {line!r}"


def test_titles_and_particles_are_loaded() -> None:
    rules = load_rules()
    assert {"major general", "prime minister", "sheikh", "ayatollah", "dr"} <= rules.titles
    assert {"al", "bin", "bint"} <= rules.particles


def test_qualifiers_are_titles_and_body_words_are_not() -> None:
    rules = load_rules()
    assert {"the", "former", "late"} == rules.qualifiers
    assert rules.qualifiers <= rules.titles
    assert {"of", "security", "intelligence", "directorate"} <= rules.bodies
    assert not rules.bodies & rules.titles


def test_generic_words_are_neither_titles_nor_body_words() -> None:
    rules = load_rules()
    assert {"army", "government", "war", "airport", "house", "foreign"} <= rules.generic
    # Each word is listed once, in the set whose rule it serves.
    assert not rules.generic & rules.titles
    assert not rules.generic & rules.bodies
    assert not rules.generic & rules.descriptors


def test_fingerprint_is_stable_hex() -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", load_rules().fingerprint)


def test_unknown_rule_id() -> None:
    with pytest.raises(RulesError, match="no normalization rule"):
        load_rules().rewrite("nope")


@pytest.mark.parametrize(
    ("name", "line", "field", "message"),
    [
        (
            "rewrite.tsv",
            "bad.rule\tlatin\t([unclosed\tx\twhy",
            "pattern",
            "invalid regular expression",
        ),
        ("rewrite.tsv", "bad.rule\tsideways\ta\tb\twhy", "stage", "unknown stage"),
        ("rewrite.tsv", "bad.rule\tlatin\t{no_such_set}\tb\twhy", "pattern", "unknown word set"),
        ("rewrite.tsv", "too\tfew", None, "expected 5 tab-separated columns"),
        ("phonetic.tsv", "vowels\tbad.rule\ta\tb\twhy", "key", "unknown key"),
        ("script.tsv", "script.arabic\tab\tx\twhy", "char", "expected a single character"),
    ],
)
def test_malformed_rule_files_name_file_line_and_field(
    monkeypatch: pytest.MonkeyPatch, name: str, line: str, field: str | None, message: str
) -> None:
    # The loader itself (__wrapped__), not its cached result.
    error = error_of_added_row(monkeypatch, name, line, load_rules.__wrapped__, message)
    assert error.field == field


def test_every_rule_is_explained_in_the_docs() -> None:
    page = (Path(__file__).parent.parent / "docs" / "explanation" / "rules.md").read_text(
        encoding="utf-8"
    )
    missing = [rule for rule in load_rules().rules if f"`{rule}`" not in page]
    assert not missing, f"docs/explanation/rules.md does not explain {missing}"


def test_a_replacement_naming_a_missing_group_fails_at_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    row = "bad.rule\tlatin\ta(b)\t\\2\twhy"
    error = error_of_added_row(
        monkeypatch, "rewrite.tsv", row, load_rules.__wrapped__, "group 2 does not exist"
    )
    assert error.field == "replacement"


_SCRIPT_LETTERS = sorted(load_rules().script)


@given(st.text(st.sampled_from([*_SCRIPT_LETTERS, "a", "Z", " ", "-", "'", "é", "ş"]), max_size=20))
def test_a_script_rule_is_its_translation_table(text: str) -> None:
    """A script rule skips text without its letters: what it gives is still exactly the
    translation of the text by its table."""
    rules = load_rules()
    for rule_id in set(rules.script_rule_of.values()):
        table = {
            ord(letter): latin
            for letter, latin in rules.script.items()
            if rules.script_rule_of[letter] == rule_id
        }
        assert rules.rules[rule_id](text) == text.translate(table)


@given(st.text())
def test_transliteration_maps_each_character_on_its_own(text: str) -> None:
    # Runs of non-ASCII characters go to unidecode whole: the same as one character at a
    # time, and ASCII is never touched.
    transliterate = load_rules().rules["translit.unidecode"]
    expected = "".join(char if char.isascii() else unidecode(char) for char in text)
    assert transliterate(text) == expected
