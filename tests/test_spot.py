"""The spotters of running text: capitalized runs and the table automaton (namenorm.spot)."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from namenorm import Entity, load_table
from namenorm.spot import (
    LOWERCASE_MIN_LETTERS,
    WRAPPED_LINE_MIN,
    Spotter,
    fold_for_matching,
    spotting_words,
)

BUILTIN = load_table()
TABLE_STRINGS = sorted(
    {string for entity in BUILTIN for string in (*entity.names(), *entity.errors)}
)
WORDS = spotting_words()
JOINERS = sorted(WORDS["joiner"])
ATTACHED = sorted(WORDS["attached"])
STOPWORDS = sorted(WORDS["stopword"])

RUNS = Spotter([])
"""Runs do not depend on the table: a spotter over no entities finds them all."""
TABLE = Spotter(BUILTIN)
SUDANI = Spotter(
    [
        Entity(id="sudani", name="Mohammed Shia al-Sudani", aliases=["al-Sudani"]),
        Entity(id="us", name="United States", aliases=["US", "U.S."]),
        Entity(id="iraq", name="Iraq"),
        Entity(id="basra", name="Basra"),
        Entity(id="kadhimi", name="Mustafa al-Kadhimi", errors=["Mustafa Khatami"]),
    ]
)


def runs(text: str) -> list[list[str]]:
    return [[text[start:end] for start, end in run] for run in RUNS.runs(text)]


def hits(spotter: Spotter, text: str) -> list[str]:
    return [text[start:end] for start, end in spotter.table_hits(text)]


# -- capitalized runs ----------------------------------------------------------------------


PROSE = "In a long line of prose, hard-wrapped at the right margin, General Qassem"


@pytest.mark.parametrize("newline", ["\n", " \r\n ", "\u00a0\n"])
def test_a_run_continues_across_one_line_break_of_wrapped_prose(newline: str) -> None:
    assert len(PROSE) >= WRAPPED_LINE_MIN
    text = f"{PROSE}{newline}Soleimani met"
    assert runs(text) == [["General", "Qassem", "Soleimani"]]


@pytest.mark.parametrize("blank", ["\n\n", "\n \n", "\r\n\r\n", "\n\t\n"])
def test_a_blank_line_ends_a_run(blank: str) -> None:
    assert runs(f"{PROSE}{blank}Soleimani met") == [["General", "Qassem"], ["Soleimani"]]


def test_a_short_line_ends_a_run() -> None:
    # A list of names or a headline, one a line, is not one name.
    assert runs("Hadi al-Amiri\nBaghdad") == [["Hadi", "al-Amiri"], ["Baghdad"]]
    short = "x" * (WRAPPED_LINE_MIN - len(" Qassem") - 1) + " Qassem"
    long = "x" + short
    assert len(short) == WRAPPED_LINE_MIN - 1
    assert runs(f"{short}\nSoleimani") == [["Qassem"], ["Soleimani"]]
    assert runs(f"{long}\nSoleimani") == [["Qassem", "Soleimani"]]
    # The line is measured from its own start, not from the start of the text.
    assert runs(f"{long}\n{short}\nSoleimani") == [["Qassem"], ["Qassem"], ["Soleimani"]]


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_a_possessive_is_trimmed_and_ends_the_run(apostrophe: str) -> None:
    text = f"Qassem Soleimani{apostrophe}s Quds Force left"
    found = RUNS.runs(text)
    assert runs(text) == [["Qassem", "Soleimani"], ["Quds", "Force"]]
    # The word ends before the possessive, which belongs to no run.
    end = found[0][-1][1]
    assert text[end : end + 2] == f"{apostrophe}s"


def test_a_possessive_after_an_attached_article_is_trimmed() -> None:
    text = "The strike killed Abu Mahdi al-Muhandis's convoy."
    assert runs(text) == [["Abu", "Mahdi", "al-Muhandis"]]


def test_an_apostrophe_inside_a_name_is_not_a_possessive() -> None:
    assert runs("Then O'Brien said") == [["O'Brien"]]
    assert runs("Then O’Shea and D'Souza met") == [["O’Shea", "D'Souza"]]


@pytest.mark.parametrize("text", ["It's over.", "That's Iran.", "There's more.", "He's here."])
def test_a_stopword_with_s_is_not_a_run(text: str) -> None:
    assert [word for run in runs(text) for word in run] in ([], ["Iran"])


def test_stopwords_split_runs_and_are_never_runs() -> None:
    assert runs("The Pentagon said. But Iran") == [["Pentagon"], ["Iran"]]
    assert runs("The") == []
    assert runs("But") == []
    assert runs("Iran But Iraq") == [["Iran"], ["Iraq"]]


def test_months_and_weekdays_are_no_names_but_months_that_are_given_names_are() -> None:
    assert runs("On Monday 18 March 2024 Iran") == [["Iran"]]
    assert runs("killed on January 3, 2020") == []
    # April, June and August are also given names: still name words.
    assert runs("April Ryan met June Carter") == [["April", "Ryan"], ["June", "Carter"]]


@pytest.mark.parametrize("word", STOPWORDS)
def test_every_capitalized_stopword_splits_a_run(word: str) -> None:
    capitalized = word.capitalize()
    assert runs(f"Basra {capitalized} Mosul") == [["Basra"], ["Mosul"]]
    assert runs(capitalized) == []


def test_joiners_join_capitalized_words() -> None:
    assert runs("Hadi al Amiri spoke") == [["Hadi", "Amiri"]]
    assert runs("Osama bin Laden") == [["Osama", "Laden"]]
    assert runs("the Council of Representatives met") == [["Council", "Representatives"]]
    assert runs("Islamic Resistance in Iraq") == [["Islamic", "Resistance", "Iraq"]]
    # Joiners in a row: "Islamic State of the Levant".
    assert runs("Islamic State of the Levant") == [["Islamic", "State", "Levant"]]


@pytest.mark.parametrize("joiner", JOINERS)
def test_a_joiner_joins_only_between_capitalized_words(joiner: str) -> None:
    assert runs(f"Basra {joiner} Mosul") == [["Basra", "Mosul"]]
    assert runs(f"{joiner} Mosul") == [["Mosul"]]
    assert runs(f"Basra {joiner}") == [["Basra"]]
    assert runs(f"went {joiner} there") == []


def test_joiners_never_begin_or_end_a_run() -> None:
    for text in ("al Amiri", "met in Iraq", "of Iraq", "Iraq of", "Iraq in the", "bin Laden"):
        for run in RUNS.runs(text):
            first, last = text[run[0][0] : run[0][1]], text[run[-1][0] : run[-1][1]]
            assert first not in JOINERS
            assert last not in JOINERS


@pytest.mark.parametrize("article", ATTACHED)
def test_a_hyphen_attached_article_joins_but_alone_it_does_not(article: str) -> None:
    assert runs(f"Nasir {article}-Din spoke") == [["Nasir", f"{article}-Din"]]
    assert runs(f"Basra {article} Mosul") == [["Basra"], ["Mosul"]]


def test_hyphen_attached_articles_in_names() -> None:
    assert runs("Haidar al-Sudani spoke") == [["Haidar", "al-Sudani"]]
    assert runs("Muqtada as-Sadr spoke") == [["Muqtada", "as-Sadr"]]
    assert runs("Muqtada as Sadr") == [["Muqtada"], ["Sadr"]]
    assert runs("Basra at Mosul") == [["Basra"], ["Mosul"]]


def test_initials_are_run_words() -> None:
    assert runs("the U.S. Army left") == [["U.S.", "Army"]]
    assert runs("The U.S. is") == [["U.S."]]
    assert runs("Michael F. Strong said") == [["Michael", "F.", "Strong"]]
    # A run may begin after a hyphen.
    assert runs("anti-U.S. protests") == [["U.S."]]


def test_arabic_script_words_are_runs() -> None:
    assert runs("قاسم سليماني") == [["قاسم", "سليماني"]]
    assert runs("said: قاسم سليماني\n\nأبو مهدي") == [["قاسم", "سليماني"], ["أبو", "مهدي"]]


def test_the_script_conjunction_splits_a_run() -> None:
    # Script has no capitals to end a name: "and" written as a word does.
    assert runs("قاسم سليماني و أبو مهدي المهندس") == [
        ["قاسم", "سليماني"],
        ["أبو", "مهدي", "المهندس"],
    ]


@pytest.mark.parametrize("mark", ["،", "؛", "؟"])
def test_arabic_punctuation_is_not_part_of_a_run_word(mark: str) -> None:
    words = [word for run in runs(f"قاسم سليماني{mark} ثم") for word in run]
    assert "سليماني" in words
    assert not any(mark in word for word in words)


RUN_WORDS = ["Qassem", "Soleimani", "al-Amiri", "as-Sadr", "U.S.", "F.", "The", "But", "Iraq"]
RUN_FILLER = ["al", "bin", "of", "in", "the", "as", "at", "said", "met", "قاسم", "é", "😀"]
RUN_SEPARATORS = [" ", " ", "\n", "\n\n", "\r\n", ", ", ". ", "-", "’s ", "\t"]


@st.composite
def run_texts(draw: st.DrawFn) -> str:
    tokens = draw(st.lists(st.sampled_from(RUN_WORDS + RUN_FILLER), max_size=20))
    pieces = []
    for token in tokens:
        pieces += [token, draw(st.sampled_from(RUN_SEPARATORS))]
    return "".join(pieces)


_ALLOWED_BETWEEN = re.compile(
    rf"[ \t\u00a0]*(?:\r?\n)?[ \t\u00a0]*(?:(?:{'|'.join(JOINERS)})"
    rf"[ \t\u00a0]*(?:\r?\n)?[ \t\u00a0]*)*"
)


@settings(max_examples=200)
@given(run_texts())
def test_runs_are_ordered_words_joined_only_by_space_and_joiners(text: str) -> None:
    previous_end = 0
    for run in RUNS.runs(text):
        assert run
        for start, end in run:
            assert previous_end <= start < end <= len(text)
            word = text[start:end]
            # A stopword with a possessive or contraction is the known gap below.
            if not re.match(r"['’]s", text[end : end + 2]):
                assert word.lower() not in WORDS["stopword"]
            assert not re.search(r"['’]s$", word)
            assert word[0].isupper() or "\u0600" <= word[0] <= "\u06ff" or "-" in word
            previous_end = end
        for (_, end), (start, _) in pairwise(run):
            between = text[end:start]
            assert "\n\n" not in between.replace("\r", "").replace(" ", "")
            assert _ALLOWED_BETWEEN.fullmatch(between), repr(between)


# -- the table automaton --------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["al-Sudani", "Al-Sudani", "al sudani", "Al Sudani", "alsudani", "AlSudani", "AL-SUDANI"],
)
def test_table_hits_ignore_case_and_hyphenation(written: str) -> None:
    text = f"Then {written} said so."
    assert SUDANI.table_hits(text) == [(5, 5 + len(written))]


def test_table_hits_are_whole_words() -> None:
    assert hits(SUDANI, "Iraq, Basra.") == ["Iraq", "Basra"]
    for text in ("Iraqi", "Iraqis", "xIraq", "Iraq1", "Basrawi", "al-Sudanis", "IraqThe"):
        assert hits(SUDANI, text) == [], text
    assert hits(SUDANI, "Iraq's army") == ["Iraq"]
    assert hits(SUDANI, "Iraq’s army") == ["Iraq"]
    assert hits(SUDANI, "the Iraq-Basra road") == ["Iraq", "Basra"]


def test_acronyms_are_found_only_in_capitals() -> None:
    assert hits(SUDANI, "Let us see: the US and the united states.") == ["US", "united states"]
    assert hits(SUDANI, "Us") == []
    assert hits(SUDANI, "us") == []
    assert hits(SUDANI, "the u.s. army") == []
    assert hits(TABLE, "let us go") == []
    assert hits(TABLE, "the US said") == ["US"]


def test_the_final_dot_of_an_acronym_is_kept() -> None:
    text = "The U.S. troops and U.S.-led forces left the U.S."
    assert hits(SUDANI, text) == ["U.S.", "U.S.", "U.S."]
    assert SUDANI.table_hits(text)[-1][1] == len(text)
    # A name that does not end with a dot does not take the next one.
    assert hits(SUDANI, "They left Iraq.") == ["Iraq"]


def test_lower_case_text_matches_only_long_table_strings() -> None:
    assert len("Iraq") < LOWERCASE_MIN_LETTERS <= len("Basra")
    assert hits(SUDANI, "iraq and basra") == ["basra"]
    assert hits(SUDANI, "Iraq and Basra") == ["Iraq", "Basra"]


def test_known_errors_are_not_matched_in_lower_case() -> None:
    assert hits(SUDANI, "Mustafa Khatami spoke") == ["Mustafa Khatami"]
    assert hits(SUDANI, "mustafa khatami spoke") == []
    for error in ("Mustafa Khatami", "Rai Allium", "Sudanese", "Shaabi", "Peshwa Hormani"):
        assert hits(TABLE, f"Then {error} spoke") == [error]
        assert hits(TABLE, f"then {error.lower()} spoke") == []


def test_a_long_alias_is_matched_in_lower_case() -> None:
    assert hits(TABLE, "the alsudani government") == ["alsudani"]
    assert hits(TABLE, "abu mahdi al muhandis was there") == ["abu mahdi al muhandis"]


INNER_PUNCTUATION = [
    "Washington, D.C.",
    "Joseph R. Biden",
    "U.S. Central Command",
    "U.S.-led coalition",
]
SHORT_CASELESS = ["حماس", "חמאס"]


def test_every_table_string_standing_alone_is_one_hit() -> None:
    missed = [string for string in TABLE_STRINGS if TABLE.table_hits(string) != [(0, len(string))]]
    assert missed == []
    assert len(TABLE_STRINGS) > 1000
    for string in INNER_PUNCTUATION + SHORT_CASELESS:
        assert string in TABLE_STRINGS


@pytest.mark.parametrize("string", INNER_PUNCTUATION)
def test_a_table_string_with_punctuation_inside_is_found_whole(string: str) -> None:
    assert TABLE.table_hits(f"Then {string} said") == [(5, 5 + len(string))]


@pytest.mark.parametrize("string", SHORT_CASELESS)
def test_a_short_caseless_table_string_is_found(string: str) -> None:
    assert TABLE.table_hits(f"Then {string} said") == [(5, 5 + len(string))]


@given(st.text())
def test_the_fold_keeps_the_length(text: str) -> None:
    assert len(fold_for_matching(text)) == len(text)


def test_the_fold_lowers_strips_accents_and_blanks_punctuation() -> None:
    assert fold_for_matching("Al-Sudani’s (Qāsim) 3rd_\tX") == "al sudani's  qasim  3rd  x"


HIT_FILLER = ["the", "said", "and", "us", "in", "of", "Iraqi", "xyz", "😀", "é", "(", ")", ","]
HIT_SEPARATORS = [" ", " ", "\n", "\n\n", ", ", ". ", "-", "'s ", "\u00a0", ""]


@st.composite
def table_texts(draw: st.DrawFn) -> str:
    strings = st.sampled_from(TABLE_STRINGS)
    token = st.one_of(
        strings, strings.map(str.lower), strings.map(str.upper), st.sampled_from(HIT_FILLER)
    )
    pieces = []
    for part in draw(st.lists(token, max_size=12)):
        pieces += [part, draw(st.sampled_from(HIT_SEPARATORS))]
    return "".join(pieces)


FORMS = {" ".join(fold_for_matching(string).split()) for string in TABLE_STRINGS} | {
    " ".join(fold_for_matching(string.replace("-", "")).split()) for string in TABLE_STRINGS
}


@settings(max_examples=200)
@given(table_texts())
def test_table_hits_are_sorted_whole_words_without_overlaps(text: str) -> None:
    found = TABLE.table_hits(text)
    assert found == sorted(found)
    previous_end = 0
    for start, end in found:
        assert previous_end <= start < end <= len(text)
        previous_end = end
        surface = text[start:end]
        # Whole words: no letter or digit just outside the hit.
        assert start == 0 or not text[start - 1].isalnum()
        # (A kept final dot ends the word itself: "U.S.Army" hits "U.S.".)
        assert end == len(text) or not text[end].isalnum() or surface.endswith(".")
        # The hit is one of the table's strings, folded (a kept final dot folds away).
        assert " ".join(fold_for_matching(surface).split()) in FORMS, surface
        assert surface.strip() == surface


def test_a_spotter_without_entities_finds_no_table_hits() -> None:
    assert RUNS.size == 0
    assert RUNS.table_hits("Iraq and the United States") == []
