"""Similarity features between a mention and one table entry, all in [0, 1].

The features are raw evidence, not probabilities: :mod:`namenorm.confidence` turns them into a
calibrated confidence. Each feature has a name, so a match can say which ones carried it.

>>> from namenorm.normalize import analyze
>>> features = pair_features(analyze("Ghassem Suleimani"), analyze("Qasem Soleimani"))
>>> features["phonetic_equal"], features["text_equal"]
(1.0, 0.0)
>>> pair_features(analyze("Sudani"), analyze("Mohammed Shia al-Sudani"))["surname"]
1.0
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container, Mapping, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Indel, Levenshtein

from namenorm.model import Normalization
from namenorm.names import load_name_book
from namenorm.resources import register_cache
from namenorm.rules import load_rules

__all__ = [
    "FEATURES",
    "LONG_TOKEN",
    "MIN_FUZZY_TOKEN",
    "conflicts",
    "conflicts_latin",
    "generational_suffixes_differ",
    "joins_two",
    "judge_name",
    "names_relative",
    "pair_features",
    "runs_past",
    "similarity",
]

MIN_FUZZY_TOKEN = 5
"""Name tokens shorter than this (phonetic key letters) match only exactly."""
TOKEN_CACHE_SIZE = 1 << 16
"""Token pairs whose closeness is remembered: the same names meet again and again."""
MIN_INDEL_TOKEN = 4
"""Tokens this long may match with one letter dropped or added, even below MIN_FUZZY_TOKEN."""
COMPACT_EDITS_PER_LETTERS = 8
"""Two whole names whose spaceless phonetic keys are one edit apart per this many letters are
close (Qass-em Sole-imani / Qassem Soleimani)."""
MIN_SKELETON_TOKEN = 2
"""Two name tokens with the same consonants (at least this many) match as a fuzzy pair."""
MIN_SKELETON_NAME = 3
"""Two names match on their consonant skeletons only if it has at least this many consonants:
two consonants are shared by too many names (علاوي إياد, "l d", is not Ελλάδα, "ld")."""
_VOWEL_LETTERS = frozenset("aiuy")
"""The vowels of a phonetic key, which its consonant skeleton drops."""
_VOWELS = re.compile("[" + "".join(sorted(_VOWEL_LETTERS)) + "]")
UNMATCHED_SATURATION = 2
"""Mention words left unmatched beyond this many count as this many."""
LONG_TOKEN = 9
"""Tokens this long may differ by two edits; shorter ones by one."""

FEATURES = (
    "exact",
    "text_equal",
    "phonetic_equal",
    "phonetic_close",
    "skeleton_equal",
    "ratio",
    "phonetic_ratio",
    "skeleton_ratio",
    "token_sort",
    "query_coverage",
    "alias_coverage",
    "surname",
    "given",
    "in_order",
    "single_token",
    "initials",
    "fuzzy_tokens",
    "all_matched",
    "unmatched",
    "extra_known",
    "first_mismatch",
    "surname_missing",
    "ends_match",
    "non_latin",
    "script_alias",
    "written_words",
    "known_error",
)
"""The names of the pair features, in the order the confidence model weighs them."""


def _close(left: str, right: str) -> bool:
    shortest = min(len(left), len(right))
    edits = shortest // COMPACT_EDITS_PER_LETTERS
    return edits > 0 and OSA.distance(left, right, score_cutoff=edits) <= edits


def _without_common_prefix(left: str, right: str) -> tuple[str, str]:
    """Drop a name prefix both tokens start with (abd, abu), so that Abd al-Khaliq and Abd
    al-Malik are compared on Khaliq and Malik."""
    rules = load_rules()
    if left[: rules.shortest_prefix] != right[: rules.shortest_prefix]:
        return left, right  # no prefix can start both
    for prefix in rules.prefix_keys:
        if left.startswith(prefix) and right.startswith(prefix):
            return left[len(prefix) :], right[len(prefix) :]
    return left, right


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _skeleton(key: str) -> str:
    return _VOWELS.sub("", key)


def _allowed_edits(length: int) -> int:
    """Edits a name token of this many letters may differ by and still match."""
    if length < MIN_FUZZY_TOKEN:
        return 0
    return 1 if length < LONG_TOKEN else 2


def _token_match(query: str, query_text: str, alias: str, alias_text: str, *, latin: bool) -> str:
    """How one mention token matches one alias token: '' (no), 'key', 'fuzzy' or 'initial'."""
    if not _suffixes_agree(query_text, alias_text):
        return ""
    if len(query_text) == 1 or len(alias_text) == 1:
        # An initial stands for any word with its first letter, and for nothing else.
        return "initial" if query_text[:1] == alias_text[:1] else ""
    if query == alias:
        return "key"
    if latin and _spelled_alike(query, query_text, alias, alias_text):
        return "" if _two_names(query, alias) else "fuzzy"
    return ""


def _spelled_alike(query: str, query_text: str, alias: str, alias_text: str) -> bool:
    """Whether two different Latin tokens (keys and texts) are close enough in spelling to be
    one name misspelled: :func:`_close_tokens`, ruled out first by :func:`_may_be_close`."""
    return _may_be_close(query, query_text, alias, alias_text) and _close_tokens(
        query, query_text, alias, alias_text
    )


def _two_names(left: str, right: str) -> bool:
    """Whether two close phonetic keys are two names of their own, not one misspelled: the
    name book (:mod:`namenorm.names`) holds them as different names, and a consonant differs
    in place (Abbasi / Abadi, Karimi / Kadhimi, Salem / Salih). A dropped, doubled or swapped
    letter changes the length or no consonant, and is the usual typo; vowels are what
    romanizations disagree on."""
    return (
        len(left) == len(right)
        and _skeleton(left) != _skeleton(right)
        and load_name_book().distinct(left, right)
    )


def _suffixes_agree(query_text: str, alias_text: str) -> bool:
    """Whether two tokens may pair as far as generational suffixes go: a suffix pairs only with
    itself (Jr. is not the J. of Donald J. Trump, and III is not II, though their keys agree)."""
    suffixes = load_rules().suffixes
    if query_text in suffixes or alias_text in suffixes:
        return query_text == alias_text
    return True


def _may_be_close(query: str, query_text: str, alias: str, alias_text: str) -> bool:
    """What :func:`_close_tokens` needs, checked before its cache: most token pairs an
    alignment tries differ in their first letter, as keys and as written, which rules them
    out, unless one starts with a vowel that its consonant skeleton drops."""
    return (
        query[:1] == alias[:1]
        or query_text[:1] == alias_text[:1]
        or query[:1] in _VOWEL_LETTERS
        or alias[:1] in _VOWEL_LETTERS
    )


@register_cache
@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _close_tokens(query: str, query_text: str, alias: str, alias_text: str) -> bool:
    """Two different tokens that are still one name: a typo or a spelling apart."""
    skeleton = _skeleton(query)
    if (
        len(skeleton) >= MIN_SKELETON_TOKEN
        and min(len(query_text), len(alias_text)) >= MIN_INDEL_TOKEN
        and skeleton == _skeleton(alias)
        and OSA.distance(query, alias, score_cutoff=1) <= 1
    ):
        # Same consonants and one vowel apart: Naeem / Naim, whose digraphs fold differently
        # (but not Hossein / Hassan, two names, nor three-letter acronyms: OPEC / UPK).
        return True
    # Close either as keys or as written: a typo can change the key more than the spelling
    # (Kahmenei / Khamenei). OSA counts a swap of neighbouring letters as one edit.
    return _close_words(*_without_common_prefix(query, alias)) or (
        (query_text, alias_text) != (query, alias)
        and _close_words(*_without_common_prefix(query_text, alias_text))
    )


def _close_words(left: str, right: str) -> bool:
    if left[:1] != right[:1]:
        # Typos rarely touch the first letter, and names that differ there are usually two
        # names: Khaliq / Malik, Bassam / Hassan.
        return False
    shortest = min(len(left), len(right))
    edits = _allowed_edits(shortest)
    if edits and OSA.distance(left, right, score_cutoff=edits) <= edits:
        return True
    if shortest < MIN_INDEL_TOKEN:
        return False
    # A short word may lose or gain a letter (Sate / State) or swap two (Sard / Sadr), but not
    # change one: Iran and Iraq are one substitution apart.
    if abs(len(left) - len(right)) == 1:
        return Indel.distance(left, right, score_cutoff=1) <= 1
    return OSA.distance(left, right, score_cutoff=1) == 1 and Levenshtein.distance(left, right) == 2


_Pairing = tuple[tuple[int, str] | None, ...]


def _align(
    query: Normalization, alias: Normalization, *, person: bool = False
) -> tuple[_Pairing, int]:
    """Pair each mention token with an unused alias token, exact keys first, then the rest;
    ``person`` if the alias names a person (see :func:`_drop_unfinished_middles`).

    Returns, per mention token, the alias position it matched and how (or None), and the number
    of alias tokens.
    """
    if query.latin:
        # Unvowelled script meets Latin only on the skeleton.
        return _align_keys(
            query.phonetic, query.tokens, alias.phonetic, alias.tokens, latin=True, person=person
        )
    return _align_keys(
        query.skeleton, query.tokens, alias.skeleton, alias.tokens, latin=False, person=person
    )


@register_cache
@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _align_keys(
    query_phrase: str,
    query_tokens: tuple[str, ...],
    alias_phrase: str,
    alias_tokens: tuple[str, ...],
    *,
    latin: bool,
    person: bool = False,
) -> tuple[_Pairing, int]:
    # Remembered: the resolver aligns a mention with a string to score it, and again with
    # each full name of the candidate's entity to look for a conflict.
    query_keys = query_phrase.split()
    alias_keys = alias_phrase.split()
    query_texts = query_tokens if len(query_tokens) == len(query_keys) else tuple(query_keys)
    alias_texts = alias_tokens if len(alias_tokens) == len(alias_keys) else tuple(alias_keys)
    free = list(range(len(alias_keys)))  # the alias positions not yet taken, in order
    pairing: list[tuple[int, str] | None] = [None] * len(query_keys)
    # Two passes, so that a fuzzy or initial match never takes a token an exact one needs.
    for index, key in enumerate(query_keys):
        text = query_texts[index]
        if key in alias_keys and len(text) > 1:
            for position in free:
                if alias_keys[position] == key and _suffixes_agree(text, alias_texts[position]):
                    free.remove(position)
                    pairing[index] = (position, "key")
                    break
    for index, key in enumerate(query_keys):
        if not free:
            break
        if pairing[index] is not None:
            continue
        found = _free_match(key, query_texts[index], (alias_keys, alias_texts), free, latin=latin)
        if found is not None:
            free.remove(found[0])
            pairing[index] = found
    if free and len(pairing) > 1:
        _join_split_words(
            pairing, (query_keys, query_texts), (alias_keys, alias_texts), free, latin=latin
        )
    _drop_unfinished_middles(pairing, query_texts, alias_texts, person=person)
    if all(pair is None or pair[1] == "initial" for pair in pairing):
        # Initials alone say nothing: "K" is not the PKK's KGK.
        return (None,) * len(pairing), len(alias_keys)
    return tuple(pairing), len(alias_keys)


def _free_match(
    key: str,
    text: str,
    aliases: tuple[Sequence[str], Sequence[str]],
    free: Sequence[int],
    *,
    latin: bool,
) -> tuple[int, str] | None:
    """The first free alias position (of ``aliases``' keys and texts) that mention word
    ``key`` / ``text`` matches, and how. A whole word spells out an initial only when no word
    of the alias fits it: "Smitt" is the Smith of "John S. Smith", not its S."""
    alias_keys, alias_texts = aliases
    spelled_out: tuple[int, str] | None = None
    for position in free:
        kind = _token_match(key, text, alias_keys[position], alias_texts[position], latin=latin)
        if kind == "initial" and len(text) > 1:
            spelled_out = spelled_out or (position, kind)
        elif kind:
            return position, kind
    return spelled_out


def _drop_unfinished_middles(
    pairing: list[tuple[int, str] | None],
    query_texts: Sequence[str],
    alias_texts: Sequence[str],
    *,
    person: bool,
) -> None:
    """Unpair a whole mention word matched inside an alias when no alias word after it is
    matched: a middle name counts only on the way to the surname.

    For every name this holds of a word that spells out an alias's initial (an initial match
    of a whole word: the alias's side is then the one letter). The initial of "Donald J. Trump"
    is a middle name, which "Donald John Trump" spells out; "Donald Johnson" puts a surname in
    its place and leaves Trump out, and is someone else. For a person's name (``person``) it
    holds of any word between the first and the surname (the last word before a generational
    suffix): "Mark Thomas" is given and middle name of Mark Thomas Esper, and news names no
    one so; it is another Mark Thomas. "Mohammed Shia al-Sudani" and "Shia al-Sudani" keep
    the father's name, since the surname follows it. A mention's own initial ("D. Trump") is
    left alone, and stands for the word it abbreviates: "Donald John T." ends on the surname."""
    suffixes = load_rules().suffixes
    surname = len(alias_texts) - 1
    while surname > 0 and alias_texts[surname] in suffixes:
        surname -= 1

    def unfinished(index: int, pair: tuple[int, str]) -> bool:
        if len(query_texts[index]) == 1:
            return False  # the mention's own initial
        if pair[1] == "initial":
            return True
        return person and 0 < pair[0] < surname

    anchors = [
        pair[0]
        for index, pair in enumerate(pairing)
        if pair is not None and not unfinished(index, pair)
    ]
    last = max(anchors, default=-1)
    for index, pair in enumerate(pairing):
        if pair is not None and unfinished(index, pair) and pair[0] > last:
            pairing[index] = None


def _join_split_words(
    pairing: list[tuple[int, str] | None],
    queries: tuple[Sequence[str], Sequence[str]],
    aliases: tuple[Sequence[str], Sequence[str]],
    free: list[int],
    *,
    latin: bool,
) -> None:
    """Let two neighbouring unmatched mention words match one free alias word together: a
    name split by a stray hyphen or space (Pesh Merga, Sole-imani). ``queries`` and
    ``aliases`` are (keys, texts); ``free`` the alias positions not yet taken."""
    (query_keys, query_texts), (alias_keys, alias_texts) = queries, aliases
    for index in range(len(pairing) - 1):
        if not free:
            return
        if pairing[index] is not None or pairing[index + 1] is not None:
            continue
        key = query_keys[index] + query_keys[index + 1]
        text = query_texts[index] + query_texts[index + 1]
        if not latin and len(key) < MIN_SKELETON_NAME:
            # Two one-consonant skeletons joined say almost nothing (علاوي إياد is not Ελλάδα).
            continue
        for position in free:
            alias_key = alias_keys[position]
            kind = "key" if key == alias_key else ""
            kind = kind or _token_match(key, text, alias_key, alias_texts[position], latin=latin)
            if kind and kind != "initial":
                free.remove(position)
                pairing[index] = pairing[index + 1] = (position, kind)
                break


def joins_two(query: Normalization, alias: Normalization, conjunctions: Container[str]) -> bool:
    """Whether the mention joins two names with a conjunction (one of ``conjunctions``, such
    as "and") that the alias lacks: then it names two things, whatever its other words match
    ("Hezbollah and Kataeb" is not Kataib Hezbollah). A name that has a conjunction itself
    ("Intelligence and Security Center") is matched as usual.

    >>> from namenorm.normalize import analyze
    >>> joins_two(analyze("Hezbollah and Kataeb"), analyze("Kataib Hezbollah"), {"and"})
    True
    >>> joins_two(analyze("Intelligence and Security Center"),
    ...           analyze("Intelligence and Security Centre"), {"and"})
    False
    """
    if not any(word in conjunctions for word in query.text.split()[1:-1]):
        return False
    # Any conjunction will do on the alias's side: "wa" and "and" join the same words.
    return not any(word in conjunctions for word in alias.text.split()[1:-1])


def conflicts(query: Normalization, alias: Normalization) -> bool:
    """Whether both names keep words the other lacks once aligned: Michel Suleiman and
    Michel Aoun, Mohammed Sinwar and Yahya Sinwar. An extra word on one side only (a father's
    name, a missing middle name) is no conflict.

    >>> from namenorm.normalize import analyze
    >>> conflicts(analyze("Mohammed Sinwar"), analyze("Yahya Sinwar"))
    True
    >>> conflicts(analyze("Yahya Ibrahim Sinwar"), analyze("Yahya Sinwar"))
    False
    """
    return _conflict(*_align(query, alias))


def conflicts_latin(query: Normalization, phonetic: str, tokens: tuple[str, ...]) -> bool:
    """:func:`conflicts` of a mention in Latin letters with a Latin name given by its phonetic
    key and its tokens, as a table's columns hold them: no analysis need be built.

    >>> from namenorm.normalize import analyze
    >>> yahya = analyze("Yahya Sinwar")
    >>> conflicts_latin(analyze("Mohammed Sinwar"), yahya.phonetic, yahya.tokens)
    True
    """
    return _conflict(*_align_keys(query.phonetic, query.tokens, phonetic, tokens, latin=True))


def names_relative(query: Normalization, phonetic: str, tokens: tuple[str, ...]) -> bool:
    """Whether a mention in Latin letters names another member of the family of the person
    whose full name (in Latin letters, given by its phonetic key and tokens) it is set against:

    - it carries a generational suffix the name lacks (Donald Trump Jr. / Donald J. Trump);
    - or it leaves out the name's first word and starts at its second, the father's name, to
      end on a later one: Hafez al-Assad is the father of Bashar Hafez al-Assad. A first word
      that often opens a compound given name (``given_lead`` in ``words.tsv``: Mohammad Javad
      Zarif is Javad Zarif) may be left out.

    >>> from namenorm.normalize import analyze
    >>> bashar = analyze("Bashar Hafez al-Assad")
    >>> names_relative(analyze("Hafez al-Assad"), bashar.phonetic, bashar.tokens)
    True
    >>> names_relative(analyze("Bashar al-Assad"), bashar.phonetic, bashar.tokens)
    False
    >>> zarif = analyze("Mohammad Javad Zarif")
    >>> names_relative(analyze("Javad Zarif"), zarif.phonetic, zarif.tokens)
    False
    >>> trump = analyze("Donald J. Trump")
    >>> names_relative(analyze("Donald Trump Jr."), trump.phonetic, trump.tokens)
    True
    """
    return _relative(
        query, phonetic, *_align_keys(query.phonetic, query.tokens, phonetic, tokens, latin=True)
    )


def judge_name(
    query: Normalization, phonetic: str, tokens: tuple[str, ...], *, person: bool = False
) -> tuple[bool, bool]:
    """:func:`conflicts_latin` and :func:`names_relative` of one mention and one full name, from
    a single alignment of the two; ``person`` if the name is a person's (a middle name then
    counts only with the surname after it: see :func:`pair_features`).

    >>> from namenorm.normalize import analyze
    >>> bashar = analyze("Bashar Hafez al-Assad")
    >>> judge_name(analyze("Hafez al-Assad"), bashar.phonetic, bashar.tokens)
    (False, True)
    >>> judge_name(analyze("Maher al-Assad"), bashar.phonetic, bashar.tokens)
    (True, False)
    >>> esper = analyze("Mark Thomas Esper")
    >>> judge_name(analyze("Mark Thomas"), esper.phonetic, esper.tokens, person=True)
    (True, False)
    """
    pairing, alias_length = _align_keys(
        query.phonetic, query.tokens, phonetic, tokens, latin=True, person=person
    )
    return _conflict(pairing, alias_length), _relative(query, phonetic, pairing, alias_length)


def _relative(query: Normalization, phonetic: str, pairing: _Pairing, alias_length: int) -> bool:
    rules = load_rules()
    texts = query.tokens if len(query.tokens) == len(pairing) else query.phonetic.split()
    unpaired = (text for pair, text in zip(pairing, texts, strict=True) if pair is None)
    if not rules.suffixes.isdisjoint(unpaired):
        return True
    if len(pairing) < 2 or alias_length < 3 or None in pairing:
        return False
    start = pairing[0]
    matched = {pair[0] for pair in pairing if pair is not None}
    return (
        start is not None
        and start[0] == 1
        and 0 not in matched
        and phonetic.split(maxsplit=1)[0] not in rules.given_lead_keys
    )


def runs_past(query: Normalization, phonetic: str, tokens: tuple[str, ...]) -> bool:
    """Whether a mention in Latin letters holds every word of a name (given by its phonetic key
    and tokens) and ends on a word of its own: English puts the head of a name last, so the
    mention names a thing called after the name. Middle East Eye is a news site, not the
    Middle East; the Baghdad Airport is not Baghdad; Ansar Allah al-Awfiya is not Ansar
    Allah.

    >>> from namenorm.normalize import analyze
    >>> region = analyze("Middle East")
    >>> runs_past(analyze("Middle East Eye"), region.phonetic, region.tokens)
    True
    >>> runs_past(analyze("Greater Middle East"), region.phonetic, region.tokens)
    False
    """
    pairing, alias_length = _align_keys(query.phonetic, query.tokens, phonetic, tokens, latin=True)
    matched = {pair[0] for pair in pairing if pair is not None}
    return bool(pairing) and pairing[-1] is None and len(matched) == alias_length


def generational_suffixes_differ(left: Normalization, right: Normalization) -> bool:
    """Whether both names carry a generational suffix (``suffix`` in ``words.tsv``) and not
    the same ones: two people of one family.

    >>> from namenorm.normalize import analyze
    >>> generational_suffixes_differ(analyze("Lloyd Austin III"), analyze("Lloyd J. Austin II"))
    True
    >>> generational_suffixes_differ(analyze("Lloyd Austin"), analyze("Lloyd J. Austin III"))
    False
    """
    suffixes = load_rules().suffixes
    own = suffixes.intersection(left.tokens)
    other = suffixes.intersection(right.tokens)
    return bool(own) and bool(other) and own != other


def _conflict(pairing: _Pairing, alias_length: int) -> bool:
    matched = [pair[0] for pair in pairing if pair is not None]
    return len(matched) < len(pairing) and len(set(matched)) < alias_length


def pair_features(
    query: Normalization,
    alias: Normalization,
    *,
    vocabulary: Container[str] = frozenset(),
    person: bool = False,
) -> dict[str, float]:
    """Return every named feature comparing a mention with one table string.

    ``person`` says the string names a person: a mention word matched to a middle name then
    counts only when the surname after it is matched too. "Mark Thomas" is given and middle
    name of Mark Thomas Esper, which news never calls him; it names another Mark Thomas.

    ``known_error`` is left at 0: whether the string is a known error is the table's knowledge,
    which the resolver adds. ``vocabulary`` holds the phonetic keys of every name token of the
    table: a mention word left unmatched that names something else (the "US" of "US Supreme
    Court", the "Syrian" of "Syrian civil war") is evidence of another name, where an unknown
    one (a father's name) is not.

    >>> from namenorm.normalize import analyze
    >>> features = pair_features(analyze("SOLEIMANI, Qasem"), analyze("Qasem Soleimani"))
    >>> features["all_matched"], features["in_order"]
    (1.0, 0.0)
    >>> esper = analyze("Mark Thomas Esper")
    >>> pair_features(analyze("Mark Thomas"), esper, person=True)["all_matched"]
    0.0
    >>> pair_features(analyze("Thomas Esper"), esper, person=True)["all_matched"]
    1.0
    """
    query_phonetic = query.phonetic.replace(" ", "")
    alias_phonetic = alias.phonetic.replace(" ", "")
    query_skeleton = query.skeleton.replace(" ", "")
    alias_skeleton = alias.skeleton.replace(" ", "")
    pairing, alias_length = _align(query, alias, person=person)
    # The skeleton throws vowels away; only a name written without them (Arabic script) needs it.
    unvowelled = not (query.latin and alias.latin)
    matched = [pair[0] for pair in pairing if pair is not None]
    kinds = [pair[1] for pair in pairing if pair is not None]
    if query_phonetic and query_phonetic == alias_phonetic and not matched:
        # Split or joined differently (Pesh Merga / Peshmerga, Nasr Allah / Nasrallah): the
        # words are the same once the spaces go.
        pairing = tuple((position, "key") for position in range(len(pairing)))
        alias_length = max(1, len(pairing))
        matched = [pair[0] for pair in pairing if pair is not None]
        kinds = ["key"] * len(pairing)
    query_length = len(pairing)
    query_keys = query.phonetic.split() if query.latin else []
    # Strings a typo apart are the same name misspelled, unless the letters that differ make
    # another name of their own: Haider Abbasi is not Haider Abadi.
    close = _close(query_phonetic, alias_phonetic) and not _names_apart(pairing, query, alias)
    extra_known = any(
        pair is None and position < len(query_keys) and query_keys[position] in vocabulary
        for position, pair in enumerate(pairing)
    )
    first_query = pairing[0] if pairing else None
    return {
        "exact": float(query.original.casefold().strip() == alias.original.casefold().strip()),
        "text_equal": float(bool(query.text) and query.text == alias.text),
        "phonetic_equal": float(bool(query_phonetic) and query_phonetic == alias_phonetic),
        "phonetic_close": float(close),
        "skeleton_equal": float(
            unvowelled
            and len(query_skeleton) >= MIN_SKELETON_NAME
            and query_skeleton == alias_skeleton
        ),
        "ratio": fuzz.ratio(query.text, alias.text) / 100.0,
        "phonetic_ratio": fuzz.ratio(query_phonetic, alias_phonetic) / 100.0,
        "skeleton_ratio": fuzz.ratio(query_skeleton, alias_skeleton) / 100.0
        if unvowelled and min(len(query_skeleton), len(alias_skeleton)) >= MIN_SKELETON_NAME
        else 0.0,
        "token_sort": fuzz.token_sort_ratio(query.phonetic, alias.phonetic) / 100.0,
        "query_coverage": len(matched) / query_length if query_length else 0.0,
        "alias_coverage": len(set(matched)) / alias_length if alias_length else 0.0,
        "surname": float(alias_length > 0 and alias_length - 1 in matched),
        "given": float(alias_length > 1 and 0 in matched),
        "in_order": float(len(matched) > 1 and matched == sorted(matched)),
        "single_token": float(query_length == 1),
        "initials": kinds.count("initial") / query_length if query_length else 0.0,
        "fuzzy_tokens": kinds.count("fuzzy") / query_length if query_length else 0.0,
        "all_matched": float(query_length > 0 and len(matched) == query_length),
        "unmatched": min(UNMATCHED_SATURATION, query_length - len(matched)) / UNMATCHED_SATURATION,
        "extra_known": float(extra_known),
        "first_mismatch": float(
            query_length > 1
            and alias_length > 1
            and (first_query is None or first_query[0] not in (0, alias_length - 1))
        ),
        "surname_missing": float(
            query_length > 1 and alias_length > 2 and alias_length - 1 not in matched
        ),
        "ends_match": float(
            query_length > 2
            and alias_length > 1
            and first_query is not None
            and first_query[0] == 0
            and pairing[-1] is not None
            and pairing[-1][0] == alias_length - 1
        ),
        "non_latin": float(not query.latin),
        "script_alias": float(query.latin and not alias.latin),
        "written_words": _written_words(query, alias),
        "known_error": 0.0,
    }


def _names_apart(pairing: _Pairing, query: Normalization, alias: Normalization) -> bool:
    """Whether a mention word and an alias word left unpaired are close in spelling and two
    names (:func:`_two_names`): the alignment left them apart for that."""
    if not (query.latin and alias.latin):
        return False
    query_keys, alias_keys = query.phonetic.split(), alias.phonetic.split()
    if len(query_keys) != len(pairing) or len(query.tokens) != len(query_keys):
        return False
    if len(alias.tokens) != len(alias_keys):
        return False
    paired = {pair[0] for pair in pairing if pair is not None}
    free = [position for position in range(len(alias_keys)) if position not in paired]
    return any(
        _two_names(query_keys[index], alias_keys[position])
        and _spelled_alike(
            query_keys[index], query.tokens[index], alias_keys[position], alias.tokens[position]
        )
        for index, pair in enumerate(pairing)
        if pair is None
        for position in free
    )


def _written_words(query: Normalization, alias: Normalization) -> float:
    """The share of a script mention's words that a string in a script too spells letter for
    letter (الخميني in روح الله الخميني): the consonants of script words match many names
    (Khomeini and Khamenei are both "hmn"), the letters far fewer."""
    if query.latin or alias.latin or not query.tokens:
        return 0.0
    written = set(alias.tokens)
    return sum(token in written for token in query.tokens) / len(query.tokens)


def similarity(features: Mapping[str, float]) -> float:
    """The raw similarity (0-100) reported with a match: the best of the string measures.

    >>> from namenorm.normalize import analyze
    >>> similarity(pair_features(analyze("Qasem Soleimani"), analyze("Qasem Soleimani")))
    100.0
    """
    best = max(
        features["ratio"],
        features["phonetic_ratio"],
        features["token_sort"],
        features["skeleton_ratio"] if features["non_latin"] else 0.0,
    )
    return round(100.0 * best, 1)
