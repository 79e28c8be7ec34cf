from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import Resolver
from namenorm.relatives import (
    GAP,
    MAX_AFTER,
    load_relative_words,
    relative_spans,
    without_relatives,
)

from .conftest import error_of_added_row

WORDS = load_relative_words()
RESOLVER = Resolver()


def _phrases(sentence: str) -> list[str]:
    return [sentence[start:end] for start, end in relative_spans(sentence)]


@pytest.mark.parametrize(
    ("sentence", "phrases"),
    [
        ("Barzani, the nephew of the KDP leader, spoke in Davos.", ["the KDP leader"]),
        ("Talabani, Mam Jalal's eldest son, negotiated.", ["Mam Jalal"]),
        ("Khamenei, the supreme leader’s second son, was sanctioned.", ["the supreme leader"]),
        ("Barzani, Idris's son and Masoud's nephew, was elected.", ["Idris", "Masoud"]),
        # "and" ends the relative's phrase: the ambassador is the mention, not the father.
        (
            "Jafar al-Sadr, the son of Muhammad Baqir al-Sadr and Iraq's ambassador, ran.",
            ["Muhammad Baqir al-Sadr"],
        ),
        ("Bassil, Michel Aoun's son-in-law, heads the party.", ["Michel Aoun"]),
        (
            "Hassan Khomeini, grandson of the founder of the Islamic Republic",
            ["the founder of the Islamic Republic"],
        ),
        # A possessive after the kinship word names no relative.
        ("Barzani, who has led the KDP since his father's death, resigned.", []),
        # Kinship words without "of" or a possessive name nobody.
        ("The son was born in Erbil.", []),
        ("Barzani spoke in Davos.", []),
        # The full stop of an initial or an abbreviation ends no phrase.
        ("Barzani, the son of u.s. president Biden, spoke.", ["u.s. president Biden"]),
        ("Sudani, the nephew of Mr. Talabani, spoke.", ["Mr. Talabani"]),
        ("Hakim, the son of M. B. al-Hakim, spoke.", ["M. B. al-Hakim"]),
    ],
)
def test_relative_phrases(sentence: str, phrases: list[str]) -> None:
    assert _phrases(sentence) == phrases


def test_a_phrase_after_of_stops_at_its_word_limit() -> None:
    words = [f"w{i}" for i in range(MAX_AFTER + 3)]
    sentence = "He is the son of " + " ".join(words)
    assert _phrases(sentence) == [" ".join(words[:MAX_AFTER])]


def test_the_mention_is_never_set_aside_with_a_phrase_that_holds_it() -> None:
    sentence = "Mojtaba, the son of Ali Khamenei, spoke."
    assert without_relatives(sentence, "Ali Khamenei") == sentence
    assert without_relatives(sentence, "Mojtaba") == f"Mojtaba, the son of {GAP}, spoke."


def test_overlapping_phrases_leave_one_gap() -> None:
    # "the father of X" and "X's son" both name the words before "'s".
    sentence = "Ali, the brother of Hadi's son, spoke."
    assert without_relatives(sentence, "Ali").count(GAP.strip()) == 1


def test_word_sets_are_lower_case_and_disjoint() -> None:
    for words in (WORDS.kin, WORDS.link, WORDS.end):
        assert words
        assert all(word == word.casefold() and word.strip() == word for word in words)
    assert not WORDS.kin & WORDS.end
    assert not WORDS.link & (WORDS.kin | WORDS.end)


def test_a_row_of_an_unknown_set_names_file_line_and_field(monkeypatch: pytest.MonkeyPatch) -> None:
    error = error_of_added_row(
        monkeypatch,
        "relatives.tsv",
        "kinn\tson\twhy",
        load_relative_words.__wrapped__,  # the loader itself, not its cached result
        "unknown set 'kinn'",
    )
    assert error.field == "set"


@given(st.text(max_size=120))
def test_spans_are_ordered_trimmed_and_inside_the_sentence(sentence: str) -> None:
    spans = relative_spans(sentence)
    assert list(spans) == sorted(set(spans))
    for start, end in spans:
        assert 0 <= start < end <= len(sentence)
        assert sentence[start:end] == sentence[start:end].strip()


_PLAIN_WORD = st.from_regex(r"[A-Za-z]{2,9}", fullmatch=True).filter(
    lambda word: word.casefold() not in WORDS.kin | WORDS.end | WORDS.link
)


@given(
    st.lists(_PLAIN_WORD, min_size=1, max_size=MAX_AFTER),
    st.sampled_from(sorted(WORDS.kin)),
    st.sampled_from(["Barzani", "Hadi al-Amiri", "Talabani"]),
)
def test_the_relative_after_of_is_set_aside_and_the_mention_kept(
    relative: list[str], kin: str, mention: str
) -> None:
    phrase = " ".join(relative)
    sentence = f"{mention}, the {kin} of {phrase}, spoke."
    kept = without_relatives(sentence, mention)
    assert kept == f"{mention}, the {kin} of {GAP}, spoke."


@given(st.text(max_size=80))
def test_a_sentence_without_kinship_words_is_kept_as_it_is(sentence: str) -> None:
    words = {word.casefold().strip("'’-") for word in sentence.split()}
    if words & WORDS.kin or any(word.endswith(("'s", "’s")) for word in words):
        return
    assert without_relatives(sentence, "Barzani") == sentence


# --- through the resolver -------------------------------------------------------------------


def _hits(mention: str, sentence: str) -> dict[str, tuple[str, ...]]:
    return {
        match.entity.id: match.evidence.context_hits
        for match in RESOLVER.candidates(mention, context=sentence, limit=5)
    }


def _linked_hits(mention: str, sentence: str) -> tuple[str, ...]:
    link = RESOLVER.link(mention, RESOLVER.prepare_context(sentence))
    assert link.best is not None
    return link.best.evidence.context_hits


def test_a_relatives_phrase_is_no_context_for_the_mention() -> None:
    about = "Barzani, the KDP leader, spoke in Erbil."
    relative = "Barzani, the nephew of the KDP leader, spoke in Erbil."
    assert "kdp leader" in _hits("Barzani", about)["masoud-barzani"]
    assert "kdp leader" not in _hits("Barzani", relative)["masoud-barzani"]
    # The kinship word itself stays: it is a fact about the mention.
    assert "nephew" in _hits("Barzani", relative)["nechirvan-barzani"]


def test_resolve_and_link_read_a_relatives_phrase_alike() -> None:
    sentence = "Khamenei, the supreme leader's second son, was sanctioned by the Treasury."
    match = RESOLVER.candidates("Khamenei", context=sentence, limit=1)[0]
    assert match.entity.id == "mojtaba-khamenei"
    assert "supreme leader" not in match.evidence.context_hits
    assert _linked_hits("Khamenei", sentence) == match.evidence.context_hits


_CONTEXT_WORDS = sorted(
    {
        word
        for entity in RESOLVER.table
        for word in entity.context
        if word.isascii()
        and not set(word.split()) & (WORDS.kin | WORDS.end | WORDS.link)
        and len(word.split()) <= MAX_AFTER
        and "barzani" not in word
    }
)


@given(st.sampled_from(_CONTEXT_WORDS))
def test_no_word_of_a_relatives_phrase_is_a_context_hit(word: str) -> None:
    sentence = f"Barzani, the son of {word}."
    for hits in _hits("Barzani", sentence).values():
        assert all(hit in {"son", "son of"} for hit in hits), (word, hits)
