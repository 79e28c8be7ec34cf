"""Tests of namenorm.variants: the spellings drawn from the rule data."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from namenorm import errors, normalize, phonetic_key, reset_caches, variants
from namenorm.rules import load_rules
from namenorm.strategies import names
from namenorm.variants import (
    FOLDED_BY_SCORER,
    Variant,
    kept_words,
    load_variations,
    random_variants,
    spell,
)


def _keep(options: int, label: str) -> int:
    return 0


def _only(prefix: str, seed: int):
    """A chooser that changes only the variations whose rule starts with ``prefix``."""
    generator = random.Random(seed)
    rule_of = {variation.id: variation.rule for variation in load_variations()}

    def choose(options: int, label: str) -> int:
        if rule_of.get(label, "").startswith(prefix):
            return generator.randrange(options)
        return 0

    return choose


def test_every_variation_names_a_rule_that_exists() -> None:
    rules = set(load_rules().rules)
    for variation in load_variations():
        assert variation.rule in rules or variation.rule == FOLDED_BY_SCORER, variation.id


def test_variations_are_longest_first() -> None:
    lengths = [len(variation.source) for variation in load_variations()]
    assert lengths == sorted(lengths, reverse=True)


@given(names(organizations=True))
def test_every_choice_zero_gives_the_name_back(name: str) -> None:
    assert spell(name, _keep, typos=2) == Variant(name, ())


@given(names(organizations=True), st.integers(0, 2**32 - 1))
def test_phonetic_variations_keep_the_phonetic_key(name: str, seed: int) -> None:
    variant = spell(name, _only("phon.", seed), case=False, reorder=False)
    assert phonetic_key(variant.text) == phonetic_key(name), variant.changes


@given(names(organizations=True), st.integers(0, 2**32 - 1))
def test_rewrite_variations_keep_the_normalized_text(name: str, seed: int) -> None:
    generator = random.Random(seed)
    rule_of = {variation.id: variation for variation in load_variations()}

    def choose(options: int, label: str) -> int:
        variation = rule_of.get(label)
        if variation is None or variation.rule.startswith(("phon.", FOLDED_BY_SCORER)):
            return 0
        option = generator.randrange(options)
        # Dropping the article is no spelling of it: normalization keeps the article.
        return 0 if option and not variation.spellings[option - 1] else option

    variant = spell(name, choose, case=False, reorder=False)
    assert normalize(variant.text) == normalize(name), variant.changes


@given(names(), st.integers(0, 2**32 - 1))
def test_case_and_order_change_no_letters(name: str, seed: int) -> None:
    generator = random.Random(seed)

    def choose(options: int, label: str) -> int:
        return generator.randrange(options) if label in {"case", "order"} else 0

    variant = spell(name, choose)
    assert sorted(variant.text.casefold().replace(",", "").split()) == sorted(
        name.casefold().split()
    )


def test_particles_and_english_words_are_left_alone() -> None:
    always_change = spell("Badr Organization bin Laden", lambda options, label: options - 1)
    assert "Organization" in always_change.text or "ORGANIZATION" in always_change.text.upper()
    assert {"bin", "organization", "al"} <= kept_words()


def test_a_dropped_article_keeps_the_next_word_capitalized() -> None:
    drop = next(
        number
        for number, spelling in enumerate(
            next(v for v in load_variations() if v.id == "var.al").spellings, start=1
        )
        if spelling == ""
    )
    variant = spell(
        "Hadi al-Amiri", lambda options, label: drop if label == "var.al" else 0, case=False
    )
    assert variant.text == "Hadi Amiri"


def test_reordering_moves_the_family_name_with_its_article() -> None:
    order = {"order": 2}
    variant = spell("Abu Mahdi al-Muhandis", lambda options, label: order.get(label, 0))
    assert variant.text == "al-Muhandis, Abu Mahdi"


@pytest.mark.parametrize(
    ("name", "reordered"),
    [
        ("Adil Abdul Mahdi", "Abdul Mahdi, Adil"),
        ("Adil Abdoul Mahdi", "Abdoul Mahdi, Adil"),
        ("Adil Abd al-Mahdi", "Abd al-Mahdi, Adil"),
    ],
)
def test_reordering_keeps_an_abd_family_name_whole(name: str, reordered: str) -> None:
    # Abdul Mahdi is one family name (Abd al-Mahdi), however it is spelled and spaced.
    variant = spell(name, lambda options, label: 2 if label == "order" else 0)
    assert variant.text == reordered


def test_a_leading_title_is_never_moved() -> None:
    variant = spell("Ayatollah Ali al-Sistani", lambda options, label: 2 if label == "order" else 0)
    assert variant.text == "Ayatollah Ali al-Sistani"


@given(names(), st.integers(0, 3))
def test_typos_are_counted_in_the_changes(name: str, typos: int) -> None:
    variant = spell(name, lambda options, label: options - 1, typos=typos, reorder=False)
    assert sum(change.startswith("typo") for change in variant.changes) <= typos


@settings(max_examples=30)
@given(names(), st.integers(0, 100))
def test_random_variants_are_distinct_deterministic_and_never_the_name(
    name: str, seed: int
) -> None:
    first = random_variants(name, 8, seed=seed)
    assert first == random_variants(name, 8, seed=seed)
    texts = [variant.text for variant in first]
    assert len(set(texts)) == len(texts) <= 8
    assert name not in texts


def test_a_bad_variation_row_is_a_rules_error(monkeypatch: pytest.MonkeyPatch) -> None:
    original = variants.read_rows

    def rows(name: str, columns: int):
        yield from original(name, columns)
        yield 999, ["var.bad", "no.such.rule", "any", "q", "k", "why"]

    monkeypatch.setattr(variants, "read_rows", rows)
    reset_caches()
    try:
        with pytest.raises(errors.RulesError, match=r"no normalization rule 'no\.such\.rule'"):
            load_variations()
    finally:
        monkeypatch.undo()
        reset_caches()
