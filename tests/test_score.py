from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from namenorm import analyze
from namenorm.rules import load_rules
from namenorm.score import (
    FEATURES,
    _without_common_prefix,
    conflicts,
    conflicts_latin,
    generational_suffixes_differ,
    joins_two,
    judge_name,
    names_relative,
    pair_features,
    runs_past,
    similarity,
)


def _features(a: str, b: str) -> dict[str, float]:
    return pair_features(analyze(a), analyze(b))


def test_identical_names_have_every_equality() -> None:
    features = _features("Qasem Soleimani", "Qasem Soleimani")
    assert features["exact"] == features["text_equal"] == features["phonetic_equal"] == 1.0
    assert similarity(features) == 100.0


def test_reordered_names_are_covered_but_not_in_order() -> None:
    features = _features("Soleimani Qasem", "Qasem Soleimani")
    assert features["query_coverage"] == features["alias_coverage"] == 1.0
    assert features["in_order"] == 0.0
    assert features["token_sort"] == 1.0


def test_surname_alone_covers_the_surname_only() -> None:
    features = _features("al-Sudani", "Mohammed Shia al-Sudani")
    assert features["surname"] == 1.0
    assert features["given"] == 0.0
    assert features["single_token"] == 1.0
    assert round(features["alias_coverage"], 2) == 0.33


def test_initials_match_their_words_only() -> None:
    features = _features("M. S. al-Sudani", "Mohammed Shia al-Sudani")
    assert features["query_coverage"] == 1.0
    assert round(features["initials"], 2) == 0.67
    lone = _features("bbbbbb", "David B. Des Roches")
    # "B." stands for any word in b, but one of four words and not the surname is weak evidence.
    assert lone["surname"] == 0.0
    assert lone["alias_coverage"] == 0.25


def test_a_word_in_place_of_a_middle_initial_is_matched_only_before_the_surname() -> None:
    # "John" spells out the J. of "Donald J. Trump"; "Johnson" puts another surname in its
    # place and leaves Trump out.
    spelled_out = _features("Donald John Trump", "Donald J. Trump")
    assert spelled_out["all_matched"] == 1.0
    assert round(spelled_out["initials"], 2) == 0.33
    another = _features("Donald Johnson", "Donald J. Trump")
    assert another["all_matched"] == 0.0
    assert another["initials"] == 0.0
    assert another["unmatched"] > 0.0
    # The mention's own initials are another matter: "D. Trump" is Donald Trump.
    assert _features("D. Trump", "Donald J. Trump")["all_matched"] == 1.0
    assert _features("Trump, Donald John", "Donald J. Trump")["all_matched"] == 1.0
    # ... and an initial of the surname after a spelled-out middle name keeps it.
    assert _features("Donald John T.", "Donald J. Trump")["all_matched"] == 1.0
    # A word that fits both the initial and the surname goes to the surname.
    misspelled = _features("John Smitt", "John S. Smith")
    assert misspelled["surname"] == misspelled["all_matched"] == 1.0
    assert misspelled["initials"] == 0.0


_INITIALED = ["Donald J. Trump", "David B. Des Roches", "Kenneth F. McKenzie Jr.", "Mark T. Esper"]


@given(
    st.sampled_from(_INITIALED),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9),
)
def test_a_word_that_takes_the_place_of_the_surname_is_never_read_as_the_initial(
    name: str, rest: str
) -> None:
    given_name, initial = name.split()[:2]
    mention = f"{given_name} {initial[0]}{rest}"
    assert _features(mention, name)["initials"] == 0.0


def test_a_persons_middle_name_counts_only_on_the_way_to_the_surname() -> None:
    esper = analyze("Mark Thomas Esper")

    def person(mention: str) -> dict[str, float]:
        return pair_features(analyze(mention), esper, person=True)

    # Given and middle name with no surname: news names no one so, and it is another Mark
    # Thomas. An organization's name is not a person's: "Kurdistan Democratic" is how a
    # sentence shortens the Kurdistan Democratic Party.
    stops_short = person("Mark Thomas")
    assert stops_short["all_matched"] == 0.0
    assert stops_short["given"] == 1.0
    assert stops_short["unmatched"] > 0.0
    assert _features("Mark Thomas", "Mark Thomas Esper")["all_matched"] == 1.0
    party = analyze("Kurdistan Democratic Party")
    assert pair_features(analyze("Kurdistan Democratic"), party)["all_matched"] == 1.0
    # With the surname after it, or the whole name, or reordered, the middle name counts.
    for whole in ("Mark Thomas Esper", "Thomas Esper", "Esper, Mark Thomas", "Mark T. Esper"):
        assert person(whole)["all_matched"] == 1.0, whole
    # A generational suffix is not the surname: Lloyd J. Austin III's surname is Austin.
    austin = analyze("Lloyd James Austin III")
    assert pair_features(analyze("Lloyd Austin"), austin, person=True)["all_matched"] == 1.0
    assert pair_features(analyze("Lloyd James"), austin, person=True)["all_matched"] == 0.0
    # The conflict check over full names sees the same alignment.
    assert judge_name(analyze("Mark Thomas"), esper.phonetic, esper.tokens, person=True)[0]
    assert not judge_name(analyze("Mark Thomas"), esper.phonetic, esper.tokens)[0]


_PEOPLE = [
    "Mark Thomas Esper",
    "Michael Richard Pompeo",
    "Mohammad Bagher Ghalibaf",
    "Nouri Kamil Mohammed Hasan al-Maliki",
    "Kenneth Franklin McKenzie Jr.",
]


@given(st.sampled_from(_PEOPLE), st.data())
def test_words_of_a_name_that_stop_before_its_surname_leave_a_word_unmatched(
    name: str, data: st.DataObject
) -> None:
    suffixes = load_rules().suffixes
    words = [word for word in name.split() if word.rstrip(".").casefold() not in suffixes]
    # The given name, then one or more middle words in order: never the surname.
    middles = data.draw(st.lists(st.sampled_from(words[1:-1]), min_size=1, unique=True))
    mention = " ".join([words[0], *sorted(middles, key=words.index)])
    features = pair_features(analyze(mention), analyze(name), person=True)
    assert features["all_matched"] == 0.0
    assert features["surname"] == 0.0
    with_surname = pair_features(analyze(f"{mention} {words[-1]}"), analyze(name), person=True)
    assert with_surname["all_matched"] == 1.0


def test_a_name_of_its_own_is_no_misspelling_of_another() -> None:
    # Abbasi (عباسي) and Abadi (عبادي) are two surnames a letter apart; a typo of Abadi is not
    # a name and still matches, and so does a romanization of it.
    other = _features("Haider Abbasi", "Haider Abadi")
    assert other["all_matched"] == 0.0
    assert other["phonetic_close"] == 0.0
    assert other["fuzzy_tokens"] == 0.0
    for typo in ("Haider al-Abaddi", "Haider al-Abdai", "Hayder Abadi"):
        assert _features(typo, "Haider Abadi")["all_matched"] == 1.0, typo
    # A name of the book and a word one letter away that is none (Kadhlmi) is a typo.
    assert _features("Mustafa Kadhlmi", "Mustafa Kadhimi")["all_matched"] == 1.0
    # Vowels are what romanizations disagree on: a vowel apart is no other name.
    assert _features("Ali Khomeini", "Ali Khamenei")["all_matched"] == 1.0


def test_skeleton_counts_only_for_unvowelled_script() -> None:
    assert _features("Khamenei", "Khomeini")["skeleton_equal"] == 0.0
    assert _features("قاسم سليماني", "Qasem Soleimani")["skeleton_equal"] == 1.0


@given(st.text(max_size=30), st.text(max_size=30))
def test_features_are_named_and_bounded(a: str, b: str) -> None:
    features = _features(a, b)
    assert tuple(features) == FEATURES
    assert all(0.0 <= value <= 1.0 for value in features.values())
    assert 0.0 <= similarity(features) <= 100.0


def test_words_split_by_a_stray_hyphen_match_together() -> None:
    features = _features("Qass-em Sole-imani", "Qassem Soleimani")
    assert features["all_matched"] == 1.0
    assert features["alias_coverage"] == 1.0
    assert _features("Pesh Merga", "Peshmerga")["all_matched"] == 1.0


def test_close_spellings_match_but_different_names_do_not() -> None:
    assert _features("Naeem Qassem", "Naim Qassem")["all_matched"] == 1.0
    assert _features("Muqtada al-Sard", "Muqtada al-Sadr")["all_matched"] == 1.0
    # One letter apart, but at the start of the name after Abd: two names.
    assert _features("Abdul-Khaliq al-Houthi", "Abdul-Malik al-Houthi")["all_matched"] == 0.0
    # Same consonants, but three-letter acronyms.
    assert _features("OPEC", "UPK")["all_matched"] == 0.0
    # One substitution in a four-letter word: Iran is not Iraq.
    assert _features("Iran", "Iraq")["all_matched"] == 0.0


_NAME_WORDS = [
    "Mohammed",
    "Yahya",
    "Sinwar",
    "Abd",
    "al-Rahman",
    "Abdul",
    "Rahim",
    "Abu",
    "Umm",
    "Khaled",
    "Umar",
    "Abul",
    "Hassan",
    "Hussein",
    "bin",
    "Laden",
    "X.",
]
_names = st.lists(st.sampled_from(_NAME_WORDS), min_size=1, max_size=4).map(" ".join)


@given(_names, _names)
def test_a_conflict_read_off_keys_is_a_conflict(mention: str, name: str) -> None:
    """The resolver checks conflicts on a table's phonetic keys and tokens, without building
    the name's analysis: the verdict is the same."""
    query, alias = analyze(mention), analyze(name)
    assert conflicts_latin(query, alias.phonetic, alias.tokens) == conflicts(query, alias)


@given(st.sampled_from(_NAME_WORDS), st.sampled_from(_NAME_WORDS))
def test_a_common_prefix_is_dropped_only_when_both_words_have_it(left: str, right: str) -> None:
    left, right = analyze(left).phonetic, analyze(right).phonetic
    shared = [p for p in load_rules().prefix_keys if left.startswith(p) and right.startswith(p)]
    expected = (left[len(shared[0]) :], right[len(shared[0]) :]) if shared else (left, right)
    assert _without_common_prefix(left, right) == expected


def _relative(mention: str, name: str) -> bool:
    alias = analyze(name)
    return names_relative(analyze(mention), alias.phonetic, alias.tokens)


def test_a_generational_suffix_pairs_only_with_itself() -> None:
    # "Jr." was once read as the initial of Donald J. Trump's middle name.
    assert _features("Donald Trump Jr.", "Donald J. Trump")["all_matched"] == 0.0
    assert _features("Kenneth McKenzie Jr.", "Kenneth F. McKenzie Jr.")["all_matched"] == 1.0
    # II and III share a phonetic key (doubled letters fold), but not a generation.
    assert _features("Lloyd Austin II", "Lloyd Austin III")["all_matched"] == 0.0


def test_a_suffix_the_name_lacks_names_a_relative() -> None:
    assert _relative("Donald Trump Jr.", "Donald J. Trump")
    assert _relative("Donald Trump Jr.", "Donald Trump")
    assert _relative("Lloyd Austin II", "Lloyd J. Austin III")
    assert not _relative("Lloyd Austin III", "Lloyd J. Austin III")
    # Dropping a suffix is how people shorten a name: no relative.
    assert not _relative("Kenneth McKenzie", "Kenneth F. McKenzie Jr.")


def test_the_fathers_name_and_the_family_name_name_the_father() -> None:
    assert _relative("Hafez al-Assad", "Bashar Hafez al-Assad")
    assert _relative("Idris Barzani", "Nechirvan Idris Barzani")
    assert _relative("Jeremiah Sullivan", "Jacob Jeremiah Sullivan")
    # The given name and the family name, the family name alone, a name in another order or
    # with a word of its own: none of these names the father.
    assert not _relative("Bashar al-Assad", "Bashar Hafez al-Assad")
    assert not _relative("Assad", "Bashar Hafez al-Assad")
    assert not _relative("Hafez Bashar al-Assad", "Bashar Hafez al-Assad")
    assert not _relative("Hafez Ali al-Assad", "Bashar Hafez al-Assad")
    # A two-word name has no father's name to start at.
    assert not _relative("Assad Bashar", "Bashar al-Assad")


def test_a_compound_given_names_lead_may_be_left_out() -> None:
    # given_lead in words.tsv, compared by phonetic key: every romanization of Mohammad.
    for lead in ("Mohammad", "Muhammad", "Mohammed", "Mohamed"):
        assert not _relative("Javad Zarif", f"{lead} Javad Zarif")
    assert not _relative("Baqir al-Sadr", "Muhammad Baqir al-Sadr")
    assert not _relative("Akbar Velayati", "Ali Akbar Velayati")


@given(_names)
def test_a_name_never_names_a_relative_of_itself(name: str) -> None:
    assert not _relative(name, name)


@given(_names, st.sampled_from(sorted(load_rules().suffixes)))
def test_a_suffix_added_to_a_name_without_one_names_a_relative(name: str, suffix: str) -> None:
    alias, mention = analyze(name), f"{name} {suffix.title()}"
    assume(alias.latin and alias.tokens and not load_rules().suffixes.intersection(alias.tokens))
    # A prefix makes one word with the word after it ("Abd II" is one name word).
    assume(suffix in analyze(mention).tokens)
    assert _relative(mention, name)


def test_generational_suffixes_differ_only_when_both_names_carry_one() -> None:
    assert generational_suffixes_differ(analyze("Lloyd Austin II"), analyze("Lloyd Austin III"))
    assert generational_suffixes_differ(analyze("John Smith Sr."), analyze("John Smith Jr."))
    assert not generational_suffixes_differ(analyze("John Smith Jr."), analyze("John Smith Jr"))
    assert not generational_suffixes_differ(analyze("John Smith"), analyze("John Smith Jr."))


@given(_names, _names)
def test_judging_a_name_once_gives_the_conflict_and_the_relative(mention: str, name: str) -> None:
    """The resolver aligns a mention with each full name once: the verdicts are those of the
    two functions that align on their own."""
    query, alias = analyze(mention), analyze(name)
    assert judge_name(query, alias.phonetic, alias.tokens) == (
        conflicts_latin(query, alias.phonetic, alias.tokens),
        names_relative(query, alias.phonetic, alias.tokens),
    )


def _runs_past(mention: str, name: str) -> bool:
    alias = analyze(name)
    return runs_past(analyze(mention), alias.phonetic, alias.tokens)


def test_a_mention_that_ends_on_a_word_past_the_whole_name_runs_past_it() -> None:
    assert _runs_past("Middle East Eye", "Middle East")
    assert _runs_past("Baghdad Airport", "Baghdad")
    assert _runs_past("Tehran Times", "Tehran")
    # A word before the name (a modifier), a name not held whole, the name itself: no.
    assert not _runs_past("Greater Middle East", "Middle East")
    assert not _runs_past("East Eye", "Middle East")
    assert not _runs_past("Middle East", "Middle East")
    assert not _runs_past("Eye Middle East", "Middle East")


@given(_names)
def test_a_name_never_runs_past_itself(name: str) -> None:
    assert not _runs_past(name, name)


@given(_names, st.sampled_from(["Times", "Airport", "Eye", "Declaration"]))
def test_a_head_word_added_to_a_name_runs_past_it(name: str, head: str) -> None:
    alias, mention = analyze(name), f"{name} {head}"
    # A prefix makes one word with the word after it ("Abd Times" is one name word).
    assume(alias.latin and len(analyze(mention).tokens) == len(alias.tokens) + 1)
    # A name of initials alone ("X.") pairs with no word: it is never held whole.
    assume(any(len(token) > 1 for token in alias.tokens))
    assert _runs_past(mention, name)


def test_a_conjunction_the_name_lacks_joins_two_names() -> None:
    conjunctions = {"and", "wa"}
    assert joins_two(analyze("Hezbollah and Kataeb"), analyze("Kataib Hezbollah"), conjunctions)
    # A name with a conjunction of its own is one name, in either language.
    assert not joins_two(
        analyze("Intelligence and Security Center"),
        analyze("Intelligence and Security Centre"),
        conjunctions,
    )
    assert not joins_two(
        analyze("Jamaat al-Tawhid and al-Jihad"),
        analyze("Jamaat al-Tawhid wa al-Jihad"),
        conjunctions,
    )
    # Only a conjunction between two words joins anything.
    assert not joins_two(analyze("And Hezbollah"), analyze("Hezbollah"), conjunctions)


@given(_names, _names)
def test_two_names_joined_by_and_are_neither_of_them(first: str, second: str) -> None:
    joined = analyze(f"{first} and {second}")
    for name in (first, second, f"{second} {first}"):
        assert joins_two(joined, analyze(name), {"and"})


def test_written_words_count_a_script_mention_s_words_spelled_alike() -> None:
    mention = analyze("الخميني")
    assert pair_features(mention, analyze("روح الله الخميني"))["written_words"] == 1.0
    # The same consonants spelled otherwise, or a Latin string, are no such evidence.
    assert pair_features(mention, analyze("علي خامنئي"))["written_words"] == 0.0
    assert pair_features(mention, analyze("Ruhollah Khomeini"))["written_words"] == 0.0
    assert pair_features(analyze("Khomeini"), analyze("Khomeini"))["written_words"] == 0.0
    assert pair_features(analyze("قاسم الخميني"), analyze("الخميني"))["written_words"] == 0.5


@given(st.text(max_size=20), st.text(max_size=20))
def test_written_words_is_a_share(a: str, b: str) -> None:
    assert 0.0 <= pair_features(analyze(a), analyze(b))["written_words"] <= 1.0
