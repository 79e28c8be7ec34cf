"""Resolve a mention to an entity of an alias table, with a calibrated confidence.

Reach for :class:`Resolver` when names must be linked to a known list (a built-in or your own
alias table), and for :func:`compare` when two names must be judged without a table.

>>> resolver = Resolver()
>>> match = resolver.resolve("Ghassem Suleimani")
>>> match.entity.id, match.method
('qasem-soleimani', 'phonetic')
>>> resolver.resolve("Mustafa Khatami").method
'known_error'
>>> resolver.resolve("Zbigniew Wlodkowski") is None
True

A mention judged not to be an entity (one of the entity's ``negatives``) is never linked to it,
whichever way it is asked (:meth:`Resolver.resolve`, :meth:`Resolver.candidates`,
:meth:`Resolver.link`, annotation); the other candidates may still win.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import functools
import multiprocessing
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from namenorm._worker import dumps_by_reference, freeze_heap, loads_by_reference
from namenorm.acronyms import Acronyms, acronym_letters
from namenorm.confidence import DEFAULT_THRESHOLD, ConfidenceModel, load_model
from namenorm.glosses import load_glosses
from namenorm.index import ROLES, CandidateIndex, Entry
from namenorm.memo import BoundedMemo
from namenorm.model import KINDS, Entity, Evidence, Kind, Match, Method, Normalization
from namenorm.names import load_name_book
from namenorm.normalize import analyze, normalize_text, title_key
from namenorm.places import PlaceIndex
from namenorm.relatives import relative_spans, without_relatives
from namenorm.resources import cache, register_cache
from namenorm.respell import load_respellings
from namenorm.rules import load_rules
from namenorm.score import (
    conflicts,
    generational_suffixes_differ,
    joins_two,
    judge_name,
    pair_features,
    runs_past,
    similarity,
)
from namenorm.spot import spotting_words
from namenorm.tables import AliasTable, load_table

if TYPE_CHECKING:
    from namenorm.annotate import Annotation, Annotator, Mention, RewriteStyle

__all__ = ["FeatureRow", "Link", "PreparedContext", "Resolver", "compare"]

CONTEXT_SATURATION = 2
"""Context words found beyond this many add no more evidence."""
CONTEXT_LEAD_SATURATION = 2
"""A lead in context words over the best rival beyond this many adds no more evidence."""
SHORT_FORM_COVERAGE = 0.5
"""A mention that is exactly another entity's name and covers more than this share of an
organization's or place's name may be its short form, and context words count for it; at this
share or less they do not (see :func:`_add_rivalry`)."""
SHARED_KEY_SATURATION = 3
COMMON_TOKEN_SATURATION = 5
MAX_NAME_WORDS = 12
"""A mention of more name words than this is not a name (a sentence, a paragraph): it is NIL,
without a search whose cost grows with its length."""
BASE_CACHE_SIZE = 65_536
"""How many mentions' context-free features a resolver keeps (beyond, it forgets the least
recently used)."""
BASE_ROWS_KEPT = 65_536
"""How many candidate rows those mentions may hold in all (beyond, the least recently used are
forgotten): a row is a few KB, and against a million aliases a mention has a dozen or more, so
a count of mentions alone would let a corpus of new names grow the resolver by gigabytes."""
_SPARE_PER_ROW = 64
"""Candidates held in reserve that weigh as much as one row (a number each)."""
SPARE_ROWS_KEPT = 256
"""How many called-back candidates' rows a resolver keeps per mention (all mentions' rows
together are bounded by ``BASE_ROWS_KEPT``). A short name that many aliases share ("Iraqi
Prime Minister Mustafa Khatami" calls back some forty) is called back by sentence after
sentence, and rows not kept are worked out again each time."""
PARALLEL_QUERIES = 256
"""resolve_many keeps to one process below this many distinct mentions, whatever ``workers``."""
CHUNKS_PER_WORKER = 4
BATCH_NAMES = 1024
"""resolve_many looks up the fuzzy word neighbours of this many names together."""
COMENTION_MIN_LENGTH = 5
"""Another name of the entity counts as co-mentioned only if it has this many letters or more."""

_ROLE_ORDER = {"name": 0, "alias": 1, "error": 2}
# Most features are 0 or 1, which rounding leaves as they are: round() is the slow part of
# writing a match's evidence.
_EXACT_VALUES = frozenset({0.0, 1.0})
_EXACT_PAIRS: dict[tuple[str, float], tuple[str, float]] = {}
"""One (feature, 0.0) and one (feature, 1.0) pair for every match's evidence: nine in ten of
its features are such, and a pair each made a kept match three times as large."""


def _feature_pair(name: str, value: float) -> tuple[str, float]:
    """A feature of a match's evidence, rounded; (name, 0.0) and (name, 1.0) shared."""
    if value not in _EXACT_VALUES:
        return name, round(value, 4)
    pair = _EXACT_PAIRS.get((name, value))
    if pair is None:
        pair = _EXACT_PAIRS.setdefault((name, value), (name, 1.0 if value else 0.0))
    return pair


_ERROR_ROLE = ROLES.index("error")
_POSSESSIVE = re.compile(r"(?<=\w)['’`]s\b")


@attrs.frozen
class FeatureRow:
    """The features of a mention against one table string: what the confidence model sees.

    Returned by :meth:`Resolver.feature_rows`, for fitting and inspecting confidence models.

    >>> rows = Resolver().feature_rows("Sudani")
    >>> any(row.entity_id == "mohammed-shia-al-sudani" for row in rows)
    True
    """

    entity_id: str
    alias: str
    role: str
    features: Mapping[str, float]


@attrs.frozen
class PreparedContext:
    """A sentence normalized once for all the mentions in it; make with
    :meth:`Resolver.prepare_context`.

    ``relatives`` are the phrases of the sentence that name a relative of someone in it
    (:mod:`namenorm.relatives`), normalized like ``text``: each is set aside for every mention
    it does not hold.

    >>> prepared = Resolver().prepare_context("Barzani, the nephew of the KDP leader, spoke.")
    >>> prepared.text, prepared.relatives
    (' barzani the nephew of the kdp leader spoke ', (' the kdp leader ',))
    """

    text: str
    relatives: tuple[str, ...] = ()


@attrs.frozen
class Link:
    """What :meth:`Resolver.link` found: ``match`` when the best candidate reaches the
    threshold (else None), and ``best``, the best candidate whatever its confidence (None when
    there is no candidate at all).

    >>> link = Resolver().link("Qassem Suleimani")
    >>> link.match == link.best
    True
    """

    match: Match | None
    best: Match | None


@attrs.frozen
class _Scored:
    entry: Entry
    logit: float
    features: Mapping[str, float]
    context_hits: tuple[str, ...]


def _method(entry: Entry, features: Mapping[str, float]) -> Method:  # noqa: PLR0911 - a ladder
    if features["glossed"]:
        return "gloss"
    if features.get("respelled"):
        return "respelled"
    if features.get("acronym"):
        return "acronym"
    if entry.role == "error" and not (features["given"] and not features["surname"]):
        # A person's given name alone, which an error shares with the right name ("Mustafa" of
        # "Mustafa Khatami"), is no reading of the error, only part of a longer name.
        return "known_error"
    if features["exact"]:
        return "exact"
    if features["text_equal"]:
        return "normalized"
    if features["phonetic_equal"]:
        return "phonetic"
    if features["skeleton_equal"]:
        return "skeleton"
    if features["query_coverage"] == 1.0:
        return "token"
    return "fuzzy"


_Row = tuple[Entry, dict[str, float], tuple[str, ...]]
"""A candidate string of a mention: its entry, its features, the context words found."""
_PairRow = tuple[Entry, dict[str, float]]
_NO_CONTEXT: tuple[dict[str, float], tuple[str, ...]] = ({"context": 0.0, "comention": 0.0}, ())
"""The context features of an entity the sentence says nothing of (shared: only ever read)."""
_MENTION_GAP = " | "
"""What stands for the mention in its sentence: no context word or name holds it, so none can
match across the gap, and what the sentence lacks, the sentence without the mention lacks too."""


@attrs.frozen
class _WordRoles:
    """The phonetic keys of a person's name words by where they stand in the person's names:
    ``middle`` only inside them (a father's name, an English middle name), ``given`` only
    first in names of several words (never alone nor last)."""

    middle: frozenset[str]
    given: frozenset[str]


@attrs.frozen
class _Base:
    """A mention analyzed, its candidates' context-free features, and the candidates held in
    reserve with the rows of those already called back (filled as contexts call them).

    ``key_words`` holds a word of every context word and name of the candidates' entities,
    and of the reserve's (see ``_EntityContext.words``): a sentence that has none of them
    speaks of none of those entities, which settles most mentions without searching the
    sentence."""

    query: Normalization
    rows: list[_PairRow]
    spare: tuple[tuple[int, tuple[int, ...]], ...]
    """The entries in reserve, grouped by entity (entity index, entry numbers)."""
    acronyms: frozenset[int] = frozenset()
    """The entries of the reserve that the mention, written as capitals, abbreviates."""
    spare_rows: dict[int, _PairRow | None] = attrs.field(factory=dict)
    # The key words, worked out the first time a context is given: a mention resolved
    # without one never needs its candidates' context words.
    key_words: dict[bool, frozenset[str]] = attrs.field(factory=dict)
    # Each key word of the reserve, to the entities that have it: a sentence calls back only
    # the entities whose key words it holds, and the reserve may hold a hundred.
    speakers: dict[str, frozenset[int]] = attrs.field(factory=dict)


@attrs.frozen
class _EntityContext:
    terms: tuple[str, ...]
    names: tuple[str, ...]
    # Padded once here, not for every mention: " term " is what a context is searched for,
    # each with its key word. A context holds a term or name only if it holds each of its
    # words; the longest word is the one looked up, as long words are the rare ones in
    # running text.
    padded_terms: tuple[tuple[str, str, str], ...] = attrs.field(init=False)
    padded_names: tuple[tuple[str, str], ...] = attrs.field(init=False)
    term_words: frozenset[str] = attrs.field(init=False)
    name_words: frozenset[str] = attrs.field(init=False)
    words: frozenset[str] = attrs.field(init=False)

    @padded_terms.default
    def _pad_terms(self) -> tuple[tuple[str, str, str], ...]:
        return tuple((term, _padded(term), _key_word(term)) for term in self.terms if term.split())

    @padded_names.default
    def _pad_names(self) -> tuple[tuple[str, str], ...]:
        return tuple((_padded(name), _key_word(name)) for name in self.names if name.split())

    @term_words.default
    def _term_key_words(self) -> frozenset[str]:
        return frozenset(key for _, _, key in self.padded_terms)

    @name_words.default
    def _name_key_words(self) -> frozenset[str]:
        return frozenset(key for _, key in self.padded_names)

    @words.default
    def _key_words(self) -> frozenset[str]:
        return self.term_words | self.name_words

    def hits(self, padded: str, words: frozenset[str]) -> tuple[str, ...]:
        """The terms found in ``padded``, a padded context whose words are ``words`` or
        fewer: only a term whose key word is among them is searched for."""
        if self.term_words.isdisjoint(words):
            return ()
        return tuple(
            term
            for term, padded_term, key in self.padded_terms
            if key in words and padded_term in padded
        )

    def names_in(self, padded: str, words: frozenset[str]) -> bool:
        """Whether ``padded`` (of ``words`` or fewer) holds one of the names."""
        if self.name_words.isdisjoint(words):
            return False
        return any(key in words and name in padded for name, key in self.padded_names)


def _key_word(phrase: str) -> str:
    return max(phrase.split(), key=len)


_normalized_phrase = register_cache(functools.lru_cache(maxsize=BASE_CACHE_SIZE)(normalize_text))
"""normalize_text of a mention or of a context word, remembered: running text repeats its
names, and a table's entities share their context words ("militia", "parliament")."""


def _conjunctions() -> frozenset[str]:
    """The words that join two names (``conjunction`` in ``spotting.tsv``)."""
    return spotting_words().get("conjunction", frozenset())


def _without_two_joined(query: Normalization, rows: list[_PairRow]) -> list[_PairRow]:
    """``rows`` less the strings that are no reading of ``query`` because it joins two names
    with a conjunction they lack ("Hezbollah and Kataeb" is two groups, whatever its words
    match): see :func:`namenorm.score.joins_two`."""
    conjunctions = _conjunctions()
    if not query.latin or conjunctions.isdisjoint(query.text.split()[1:-1]):
        return rows
    return [row for row in rows if not joins_two(query, row[0].analysis, conjunctions)]


def _titled_names(query: Normalization, rows: list[_PairRow]) -> list[_PairRow]:
    """The rows whose table string is ``query`` with its titles, spelled either way: the
    title is then part of a name ("Imam Khomeini International Airport")."""
    if not query.titles:
        return []
    key = title_key(query.titles)
    return [
        row
        for row in rows
        if row[1]["phonetic_equal"] and title_key(analyze(row[0].string).titles) == key
    ]


def _normalize_context(context: str) -> str:
    # Possessives would glue the s to the word: Iran's and Nechirvan's name Iran, Nechirvan.
    return normalize_text(_POSSESSIVE.sub("", context))


def _padded(text: str) -> str:
    return f" {text} "


def _weight(base: _Base) -> int:
    """What a kept mention counts against ``BASE_ROWS_KEPT``: its rows, those called back, and
    its reserve (a number an entry)."""
    spare = sum(len(numbers) for _, numbers in base.spare)
    return 1 + len(base.rows) + len(base.spare_rows) + spare // _SPARE_PER_ROW


def _set_kind_features(features: dict[str, float], *, person: bool) -> None:
    """Set the features that depend on whether the string names a person."""
    features["person"] = float(person)
    features["partial_other"] = 0.0 if person else 1.0 - features["alias_coverage"]
    if not person:
        # Given name and surname are parts of a person's name; the last word of an
        # organization's name is often a place ("US Embassy Baghdad").
        for role in ("surname", "given", "surname_missing", "first_mismatch", "ends_match"):
            features[role] = 0.0


def _has_words(prepared: str | None) -> bool:
    """Whether a prepared context has any word besides the mention's gap."""
    return prepared is not None and any(word != _MENTION_GAP.strip() for word in prepared.split())


def _owners(rows: Sequence[_Row], test: Callable[[Entry, dict[str, float]], bool]) -> set[int]:
    return {entry.entity_index for entry, features, _ in rows if test(entry, features)}


def _error_fragment(entry: Entry, features: Mapping[str, float]) -> bool:
    """Whether a one-word mention matches only part of a known error."""
    return (
        entry.role == "error"
        and bool(features["single_token"])
        and (features["alias_coverage"] < 1.0)
    )


@register_cache
@cache
def _suffix_keys() -> frozenset[str]:
    """The phonetic keys of the generational suffixes (jr, iii) of ``words.tsv``."""
    return frozenset(analyze(suffix).phonetic for suffix in load_rules().suffixes)


@register_cache
@cache
def _generic_words() -> frozenset[str]:
    """The words that name a kind of thing rather than one (``generic`` in ``words.tsv``), the
    body words and the one-word titles, with every rendering ``glosses.tsv`` gives them
    (jaysh and جيش for army)."""
    rules = load_rules()
    english = rules.generic | rules.bodies | {title for title in rules.titles if " " not in title}
    words = set(english)
    for meaning in load_glosses().meanings:
        if meaning.words[0] in english:
            words |= meaning.renderings
    return frozenset(words)


def _generic_only(query: Normalization) -> bool:
    """Whether every name word of the mention names a kind of thing ("General Security",
    "the House", الحكومة): no particular name is in it.

    >>> _generic_only(analyze("General Security")), _generic_only(analyze("Security Council"))
    (True, True)
    >>> _generic_only(analyze("the White House")), _generic_only(analyze("الجيش"))
    (False, True)
    """
    words = _generic_words()
    return bool(query.tokens) and all(token in words for token in query.tokens)


def _complete(features: Mapping[str, float]) -> bool:
    """Whether every word of the mention matches a word of the string, and every word of the
    string is matched."""
    return bool(features["all_matched"]) and features["alias_coverage"] == 1.0


def _by_key(features: Mapping[str, float]) -> bool:
    """Whether no word of the mention matches only by a near spelling or as an initial."""
    return not features["fuzzy_tokens"] and not features["initials"]


def _whole(features: Mapping[str, float]) -> bool:
    """Whether the mention has the words of the string, by key and in any order, and no
    others: no near spelling, no initial, no consonant skeleton alone (شورای, council, is
    not al-Sharaa)."""
    return _complete(features) and _by_key(features) and features["token_sort"] == 1.0


def _spelled_apart(features: Mapping[str, float]) -> bool:
    """Whether a mention matches a string only through a near spelling of some word."""
    if features["text_equal"] or features["phonetic_equal"]:
        return False
    return features["query_coverage"] < 1.0 or bool(features["fuzzy_tokens"])


def _fits(judged: tuple[bool, bool], entity: Entity) -> bool:
    """Whether a mention fits one full name of an entity, given :func:`judge_name` of the two:
    no conflict, and for a person no sign that it names a relative."""
    conflict, relative = judged
    return not conflict and (entity.kind != "person" or not relative)


def _add_rivalry(rows: Sequence[_Row]) -> None:
    """Features that compare a candidate with the others: is the mention exactly (or
    completely) another candidate's name, or a place named inside this one's?"""
    exact = _owners(rows, lambda _, features: bool(features["text_equal"]))
    places = _owners(
        rows, lambda entry, features: bool(features["text_equal"]) and entry.entity.kind == "place"
    )
    complete = _owners(rows, lambda _, features: _complete(features))
    for entry, features, _ in rows:
        partial = features["alias_coverage"] < 1.0
        own = {entry.entity_index}
        features["exact_elsewhere"] = float(bool(exact - own))
        features["complete_elsewhere"] = float(bool(complete - own) and partial)
        features["place_inside"] = float(bool(places - own) and partial)
        if (
            features["exact_elsewhere"]
            and features["partial_other"]
            and features["alias_coverage"] <= SHORT_FORM_COVERAGE
        ):
            # A mention that is exactly one entity's name and half or less of this
            # organization's or place's name ("US" in "US Army Central Command", "Gaza" in
            # "Gaza war", "Erbil" in "Erbil Governorate") is not promoted by context words:
            # they may describe anything in the sentence, and in running text the exact
            # reading is the usual one. More than half of it ("Democratic Party" of the
            # Kurdistan Democratic Party) is how a sentence that has named the longer one
            # shortens it.
            features["context"] = 0.0
            features["context_lead"] = min(0.0, features["context_lead"])


class Resolver:
    """Resolves mentions against one alias table with one confidence model.

    ``table`` defaults to the built-in table; ``model`` to the shipped confidence model (or a
    path to a JSON model written by ``ConfidenceModel.save``); ``threshold`` is the confidence
    below which :meth:`resolve` answers None. A resolver is immutable (its attributes are
    read-only) and safe to share between threads.

    >>> resolver = Resolver(threshold=0.9)
    >>> resolver.threshold
    0.9
    """

    def __init__(
        self,
        table: AliasTable | None = None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        model: ConfidenceModel | str | os.PathLike[str] | None = None,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
        self._table = load_table() if table is None else table
        self._threshold = threshold
        self._model = model if isinstance(model, ConfidenceModel) else load_model(model)
        self._index = self._table.compile()
        # What the scorer needs of an entity is worked out the first time it is a candidate,
        # so a resolver over a million aliases is ready at once.
        self._contexts: BoundedMemo[int, _EntityContext] = BoundedMemo(BASE_CACHE_SIZE)
        self._full_names: BoundedMemo[int, list[tuple[str, tuple[str, ...]]]] = BoundedMemo(
            BASE_CACHE_SIZE
        )
        self._word_roles: BoundedMemo[int, _WordRoles] = BoundedMemo(BASE_CACHE_SIZE)
        self._places = PlaceIndex(self._index)
        self._glosses = load_glosses()
        self._respellings = load_respellings()
        self._acronyms: Acronyms | None = None  # built on the first acronym mention
        self._negatives: BoundedMemo[str, frozenset[str]] = BoundedMemo(BASE_CACHE_SIZE)
        self._annotator: Annotator | None = None
        self._link_cache: BoundedMemo[tuple[object, ...], Link] = BoundedMemo(BASE_CACHE_SIZE)
        # Least recently used first: the mentions a corpus keeps naming stay. The lock keeps
        # the order and the count of rows true when threads share the resolver.
        self._base_cache: OrderedDict[str, _Base] = OrderedDict()
        self._base_rows_kept = 0
        self._base_lock = threading.Lock()

    @property
    def table(self) -> AliasTable:
        """The alias table this resolver links to."""
        return self._table

    @property
    def threshold(self) -> float:
        """The confidence below which :meth:`resolve` answers None."""
        return self._threshold

    @property
    def model(self) -> ConfidenceModel:
        """The confidence model."""
        return self._model

    @property
    def index(self) -> CandidateIndex:
        """The candidate index built over the table."""
        return self._index

    @property
    def places(self) -> PlaceIndex:
        """The places of the table, as the words of a mention name them."""
        return self._places

    def _entity_context(self, entity_index: int) -> _EntityContext:
        known = self._contexts.get(entity_index)
        if known is not None:
            return known
        index = self.index
        entity = index.entities[entity_index]
        terms = tuple(dict.fromkeys(t for t in map(_normalized_phrase, entity.context) if t))
        # Read off the columns, without building entries: this runs for every candidate
        # held in reserve of every new mention of running text.
        names = {index.texts[n] for n in self._name_numbers(entity_index)}
        first = index.entry_numbers(entity_index)[0]  # the entity's name
        tokens, phonetic = index.tokens[first].split(), index.phonetics[first].split()
        # The surname alone names the entity when no other entity has it.
        if tokens and phonetic and index.token_entities.get(phonetic[-1], 0) == 1:
            names.add(tokens[-1])
        context = _EntityContext(
            terms=terms,
            names=tuple(
                sorted(n for n in names if len(n.replace(" ", "")) >= COMENTION_MIN_LENGTH)
            ),
        )
        return self._contexts.put(entity_index, context)

    def _name_numbers(self, entity_index: int) -> list[int]:
        """The entries of an entity that are its names and aliases, not its known errors."""
        roles = self.index.entry_role
        return [n for n in self.index.entry_numbers(entity_index) if roles.item(n) != _ERROR_ROLE]

    def _is_full_name(self, number: int) -> bool:
        """Whether entry ``number`` is a name or alias (not a known error) in Latin letters and
        of more than one word: what a mention is checked against for a conflict."""
        index = self.index
        return (
            index.entry_role.item(number) != _ERROR_ROLE
            and bool(index.latin.item(number))
            and " " in index.tokens[number]
        )

    def _entity_full_names(self, entity_index: int) -> list[tuple[str, tuple[str, ...]]]:
        """The names and aliases of an entity in Latin letters and of more than one word, as
        (phonetic key, tokens): what looking for a conflict with a mention needs."""
        known = self._full_names.get(entity_index)
        if known is not None:
            return known
        index = self.index
        # Read off the columns, without building entries or analyses.
        names = [
            (index.phonetics[number], tuple(index.tokens[number].split()))
            for number in index.entry_numbers(entity_index)
            if self._is_full_name(number)
        ]
        return self._full_names.put(entity_index, names)

    def names_another(self, entity: Entity, name: str, *, matched: str | None = None) -> bool:
        """Whether ``name``, of more than one word in Latin letters, fits none of the full
        names of ``entity`` (a table entity), nor ``matched`` (the table string a shorter
        mention matched, a known error among them): it conflicts with each (another given
        name, another surname) or, for a person, names a relative. What running text needs to
        tell the surname of a relative from a mention of the person.

        >>> resolver = Resolver()
        >>> bashar = resolver.table["bashar-al-assad"]
        >>> resolver.names_another(bashar, "Hafez al-Assad")
        True
        >>> resolver.names_another(bashar, "President Bashar al-Assad")
        False
        """
        query = analyze(name)
        position = self._entity_position(entity.id)
        if not (query.latin and len(query.tokens) > 1) or position is None:
            return False
        names = list(self._entity_full_names(position))
        string = None if matched is None else analyze(matched)
        if string is not None and string.latin and len(string.tokens) > 1:
            names.append((string.phonetic, string.tokens))
        person = entity.kind == "person"
        judged = [judge_name(query, *full, person=person) for full in names]
        return bool(judged) and not any(_fits(verdict, entity) for verdict in judged)

    def middle_name(self, entity: Entity, name: str) -> bool:
        """Whether ``name`` is one word in Latin letters that stands only inside the names of
        ``entity``, a person of the table: never first nor last in any of its names and aliases
        (a generational suffix aside), nor last in one that is the start of a longer one
        ("Mohamed Shia", given and father's name, of Mohammed Shia al-Sudani). A father's name
        or an English middle name alone is not how news names a person, and often names
        another ("Hafez" is Bashar Hafez al-Assad's father): the resolver reads no such word
        as the person, and the annotator links no such word back to the person's full name.

        >>> resolver = Resolver()
        >>> sudani = resolver.table["mohammed-shia-al-sudani"]
        >>> resolver.middle_name(sudani, "Shia"), resolver.middle_name(sudani, "Sudani")
        (True, False)
        >>> resolver.resolve("Hafez") is None
        True
        """
        query = analyze(name)
        position = self._entity_position(entity.id)
        if not query.latin or len(query.tokens) != 1 or position is None:
            return False
        return query.phonetic in self._entity_word_roles(position).middle

    def _people_not_named_by(
        self, query: Normalization, entries: Sequence[Entry], spare: Sequence[int]
    ) -> set[int]:
        """The people among the candidates (``entries``, and the reserve's entry numbers
        ``spare``) whom the one-word mention ``query`` does not name alone: it is a middle word
        only of their names, or their given name and a name many people carry (``names.tsv``:
        :mod:`namenorm.names`) with no title before it."""
        if not query.latin or len(query.tokens) != 1:
            return set()
        book = load_name_book()
        # The names (rows of names.tsv) the mention spells: "Michael" is Michel too.
        names = frozenset() if query.titles else book.names_of.get(query.phonetic, frozenset())
        entity_of = self.index.entry_entity
        candidates = {entry.entity_index for entry in entries}
        candidates.update(int(entity_of[number]) for number in spare)
        people = (index for index in candidates if self.index.entities[index].kind == "person")
        roles = {index: self._entity_word_roles(index) for index in people}
        return {
            index
            for index, role in roles.items()
            if query.phonetic in role.middle
            or any(not names.isdisjoint(book.names_of.get(given, ())) for given in role.given)
        }

    def _entity_word_roles(self, entity_index: int) -> _WordRoles:
        """The phonetic keys of the words that stand only inside a person's names (see
        :meth:`middle_name`), and of those that only open them (given names)."""
        known = self._word_roles.get(entity_index)
        if known is not None:
            return known
        index = self.index
        suffixes = _suffix_keys()
        names: list[list[str]] = []
        for number in self._name_numbers(entity_index):
            if not index.latin.item(number):
                continue
            keys = index.phonetics[number].split()
            while keys and keys[-1] in suffixes:
                keys.pop()  # "Jr.": the surname is the word before it
            if keys:
                names.append(keys)
        standing: set[str] = set()
        inside: set[str] = set()
        opening: set[str] = set()
        ending: set[str] = set()
        for keys in names:
            standing.add(keys[0])
            if len(keys) > 1:
                opening.add(keys[0])
                inside.update(keys[1:-1])
                # "Mohamed Shia" begins "Mohamed Shia al-Sudani": its last word is inside.
                begins_longer = any(
                    len(other) > len(keys) and other[: len(keys)] == keys for other in names
                )
                (inside if begins_longer else standing).add(keys[-1])
                ending.add(keys[-1])
            else:
                ending.add(keys[0])  # a name of one word names the person alone ("Bibi")
        roles = _WordRoles(middle=frozenset(inside - standing), given=frozenset(opening - ending))
        return self._word_roles.put(entity_index, roles)

    def _entity_position(self, entity_id: str) -> int | None:
        """The index's number of the entity with this id (the index holds them sorted by id)."""
        entities = self.index.entities
        position = bisect.bisect_left(entities, entity_id, key=lambda entity: entity.id)
        found = position < len(entities) and entities[position].id == entity_id
        return position if found else None

    def rejects(self, entity: Entity, name: str) -> bool:
        """Whether the table rules ``entity`` out for ``name``: the normalized name is the
        normalized form of one of the entity's ``negatives``.

        >>> from namenorm import AliasTable, Entity
        >>> table = AliasTable([Entity(id="iraq", name="Iraq", kind="place",
        ...                            negatives=["Iraqi"])])
        >>> resolver = Resolver(table)
        >>> resolver.rejects(table["iraq"], "IRAQI"), resolver.rejects(table["iraq"], "Iraq")
        (True, False)
        """
        return bool(entity.negatives) and analyze(name).text in self._negative_texts(entity)

    def _negative_texts(self, entity: Entity) -> frozenset[str]:
        """The normalized negatives of an entity, worked out the first time it is a candidate."""
        known = self._negatives.get(entity.id)
        if known is not None:
            return known
        texts = frozenset(analyze(negative).text for negative in entity.negatives)
        return self._negatives.put(entity.id, texts)

    # -- scoring -------------------------------------------------------------------------

    def _query_features(self, query: Normalization) -> dict[str, float]:
        frequencies = [self.index.token_entities.get(token, 0) for token in query.phonetic.split()]
        known = [frequency for frequency in frequencies if frequency]
        rarest = min(known) if known else 1
        return {"common_token": min(1.0, (rarest - 1) / COMMON_TOKEN_SATURATION)}

    def _context_features(
        self, entity_index: int, context: str, words: frozenset[str]
    ) -> tuple[dict[str, float], tuple[str, ...]]:
        """An entity's context features in ``context``, whose words are ``words`` or fewer."""
        info = self._entity_context(entity_index)
        padded = _padded(context)
        hits = info.hits(padded, words)
        comention = info.names_in(padded, words)
        return {
            "context": min(1.0, len(hits) / CONTEXT_SATURATION),
            "comention": float(comention),
        }, hits

    def _prepare_context(self, name: str, context: str | None) -> str | None:
        if not context:
            return None
        # Words that name a relative of the mention ("the nephew of the KDP leader") are not
        # its context, and the mention itself is not either: both go before looking for the
        # entity's words.
        context = without_relatives(context, name)
        if name.strip():
            context = re.sub(re.escape(name.strip()), " ", context, flags=re.IGNORECASE)
        return _normalize_context(context)

    def _features(self, name: str, context: str | None) -> tuple[Normalization, list[_Row]]:
        """Every candidate entry of ``name`` with its features and the context words found."""
        return self._features_prepared(name, self._prepare_context(name, context))

    def _features_prepared(
        self, name: str, prepared: str | None
    ) -> tuple[Normalization, list[_Row]]:
        base, rows = self._rows_in_context(name, prepared)
        contexts = self._contexts_of(rows, prepared)
        sentence = _has_words(prepared)
        return base.query, self._with_context(base.query, rows, contexts, sentence=sentence)

    def _contexts_of(
        self,
        base: Sequence[_PairRow],
        prepared: str | None,
        words: frozenset[str] | None = None,
    ) -> dict[int, tuple[dict[str, float], tuple[str, ...]]]:
        """The context features of each candidate entity (its words found in ``prepared``,
        whose words are ``words`` or fewer): an entity whose key words (``_EntityContext.words``)
        are none of them is not searched for."""
        if not prepared:
            return dict.fromkeys((entry.entity_index for entry, _ in base), _NO_CONTEXT)
        if words is None:
            words = frozenset(prepared.split())
        entity_context: dict[int, tuple[dict[str, float], tuple[str, ...]]] = {}
        for entry, _ in base:
            index = entry.entity_index
            if index not in entity_context:
                entity_context[index] = (
                    _NO_CONTEXT
                    if self._entity_context(index).words.isdisjoint(words)
                    else self._context_features(index, prepared, words)
                )
        return entity_context

    def _speaks_of(self, entity_index: int, padded: str, words: frozenset[str]) -> bool:
        """Whether the padded context (of ``words`` or fewer) holds one of the entity's context
        words or names."""
        info = self._entity_context(entity_index)
        return bool(info.hits(padded, words)) or info.names_in(padded, words)

    def _with_context(
        self,
        query: Normalization,
        base: Sequence[tuple[Entry, dict[str, float]]],
        entity_context: Mapping[int, tuple[dict[str, float], tuple[str, ...]]],
        *,
        sentence: bool,
    ) -> list[_Row]:
        """The candidates with their context features (``sentence``: whether the mention came
        with a sentence), less those whose evidence is too weak for what the sentence says."""
        rows: list[_Row] = []
        # Entities with a name or alias that has every word of the mention, by key and in order:
        # only a known error among the candidates needs them.
        readers = (
            {
                entry.entity_index
                for entry, features in base
                if entry.role != "error"
                and features["all_matched"]
                and features["in_order"]
                and _by_key(features)
            }
            if any(entry.role == "error" for entry, _ in base)
            else set()
        )
        generic: bool | None = None
        for entry, base_features in base:
            context_features, hits = entity_context[entry.entity_index]
            features = dict(base_features)
            features.update(context_features)
            spoken_of = features["context"] >= 1.0 or bool(features["comention"])
            if features.get("acronym") and not spoken_of:
                # Initials need the sentence to speak of the entity: one word of its context
                # ("island" for the ROC, the Republic of Cyprus) is not enough.
                continue
            if entry.role == "error" and not features["comention"]:
                if readers - {entry.entity_index}:
                    # A known error that another entity's name reads whole or in part
                    # ("Security Service", a translation's slip for Israel's military
                    # intelligence, and most of Shin Bet's General Security Service) is that
                    # name as much as the error: it counts only where the sentence has a
                    # context word of its entity that no other candidate's has ("Heiman", not
                    # "Israel").
                    others = {
                        word
                        for other, _ in base
                        if other.entity_index != entry.entity_index
                        for word in entity_context[other.entity_index][1]
                    }
                    if not set(hits) - others:
                        continue
                elif sentence and not hits:
                    if generic is None:
                        generic = _generic_only(query)
                    if generic:
                        # Nor is an error of words that name a kind of thing the error in a
                        # sentence that says nothing of its entity ("Ukraine's Security
                        # Service"). Without a sentence, the table's word stands.
                        continue
            rows.append((entry, features, hits))
        self._add_context_lead(rows, entity_context)
        _add_rivalry(rows)
        return rows

    def _base_rows(self, name: str) -> _Base:
        """The features of ``name`` that do not depend on its context, and the candidates
        left in reserve; cached per name: a corpus names the same people again and again."""
        with self._base_lock:
            cached = self._base_cache.get(name)
            if cached is not None:
                self._base_cache.move_to_end(name)
                return cached
        query = analyze(name)
        rows: list[_PairRow] = []
        spare: Sequence[int] = ()
        acronyms: frozenset[int] = frozenset()
        if query.text and len(query.tokens) <= MAX_NAME_WORDS:
            kept, spare = self.index.candidate_split(query)
            rows = self._pair_rows(query, sorted(kept))
            titled = _titled_names(query, rows)
            if titled:
                # The mention, title and all, is a string of the table ("Imam Khomeini
                # International Airport"): its first word is part of that name, not a title, and
                # readings that need it set aside are not the mention's, in any context.
                rows, spare = titled, ()
            # A known error is a rendering of a whole name: one word of it alone is no evidence
            # of the error's entity ("Khatami" of "Mustafa Khatami" names another man), unless
            # the sentence speaks of that entity. Nor is a mention of words that name only a
            # kind of thing evidence of a longer name that has them ("General Security" of the
            # General Security Service; Lebanon has a General Security too). Such entries wait
            # in reserve with the others.
            generic = _generic_only(query)

            def fragment(entry: Entry, features: Mapping[str, float]) -> bool:
                return _error_fragment(entry, features) or (generic and not _whole(features))

            held = [entry.number for entry, features in rows if fragment(entry, features)]
            if held:
                rows = [row for row in rows if not fragment(*row)]
                spare = (*held, *spare)
            readings = self._rows_of_readings(query, rows)
            # A reading of such a mention is of such words too; it counts only whole.
            rows += [row for row in readings if not generic or _whole(row[1])]
            acronyms = self._acronym_entries(query, rows, spare)
            spare = (*spare, *sorted(acronyms))
            # A word found only inside a person's names (a father's name, an English middle
            # name) is not how the person alone is named, in any sentence: no reading of it is.
            # Nor is a given name many people carry ("David" is not David Des Roches, nor
            # "Mustafa" Mustafa al-Kadhimi) without a title ("Sheikh Qais" is Qais al-Khazali).
            not_named = self._people_not_named_by(query, [entry for entry, _ in rows], spare)
            if not_named:
                entity_of = self.index.entry_entity
                rows = [row for row in rows if row[0].entity_index not in not_named]
                spare = tuple(n for n in spare if int(entity_of[n]) not in not_named)
        grouped: dict[int, list[int]] = {}
        for number in spare:
            grouped.setdefault(int(self.index.entry_entity[number]), []).append(number)
        base = _Base(
            query,
            rows,
            spare=tuple((index, tuple(numbers)) for index, numbers in grouped.items()),
            acronyms=acronyms,
        )
        with self._base_lock:
            earlier = self._base_cache.get(name)
            if earlier is not None:
                return earlier  # another thread was first
            if not self._base_cache:
                self._base_rows_kept = 0  # emptied from outside, or never filled
            weight = _weight(base)
            self._make_room(weight, adding=True)
            self._base_cache[name] = base
            self._base_rows_kept += weight
        return base

    def _rows_of_readings(self, query: Normalization, rows: Sequence[_PairRow]) -> list[_PairRow]:
        """The candidates of the mention's glossed readings (:mod:`namenorm.glosses`), marked
        ``glossed``, and of its respelled readings (:mod:`namenorm.respell`), marked
        ``respelled``: glosses are tried only when some word of the mention matches no candidate's
        name, as a word translated rather than transliterated would ("Popular Crowd"), and
        respellings unless some name matches every word by key. A reading is a
        guess already: a candidate counts only if its name has every word the reading brought
        in and every other word of the reading by key, not by a near spelling or an initial
        ("Supporters of Frank" read as "ansar frank" is not Frank A. Ashby, nor "Supporters
        of Hossein" Ansar al-Husseini). A person counts only if the reading spells one of
        their names: people's names are seldom translated, a byname at most ("Abu Mahdi the
        Engineer")."""
        found: list[_PairRow] = []
        if not any(features["all_matched"] for _, features in rows):
            for reading in self._glosses.readings(query, self.index.token_entities.__contains__):
                found += self._reading_rows(query, analyze(reading), glossed=True)
        # A respelling is tried unless some name matches every word by key: where each word
        # is only a near spelling ("Mehdi Kebir" of Mahdi Kabir), a respelling may match by key.
        if not any(f["all_matched"] and not f["fuzzy_tokens"] for _, f in rows):
            for _, reading in self._respellings.readings(query):
                found += self._reading_rows(query, analyze(reading), respelled=True)
        # A reading is built from the mention's name words: whether "and" joined two of them
        # is read off the mention itself.
        return _without_two_joined(query, found)

    def _reading_rows(
        self,
        query: Normalization,
        reading: Normalization,
        *,
        glossed: bool = False,
        respelled: bool = False,
    ) -> list[_PairRow]:
        """The candidates of one reading of ``query`` (a gloss or a respelling) that have
        every word the reading brought in and match each of its words by key."""
        if reading.titles:
            # A reading is made of the mention's name words: one it sets aside as a title was
            # a name word of the mention ("General Assembly" glossed "general majlis" is no
            # Majlis).
            return []
        brought = set(reading.phonetic.split()) - set(query.phonetic.split())
        if respelled and not brought:
            return []  # respelled, the mention has the same keys: nothing new to find
        if not all(word in self.index.token_entities for word in brought):
            # No name has every brought word: a dictionary look-up spares the index search,
            # which most respelled English words ("Tuesday" as "tuasday") would cost.
            return []
        kept, _ = self.index.candidate_split(reading)
        phonetics = self.index.phonetics
        # Read off the key column first: most candidates of a reading lack its new words, and
        # scoring them would be wasted.
        numbers = [n for n in sorted(kept) if brought.issubset(phonetics[n].split())]
        return [
            (entry, features)
            for entry, features in self._pair_rows(
                reading, numbers, glossed=glossed, respelled=respelled
            )
            if _by_key(features) and (entry.entity.kind != "person" or features["phonetic_equal"])
        ]

    def _acronym_entries(
        self, query: Normalization, rows: Sequence[_PairRow], spare: Sequence[int]
    ) -> frozenset[int]:
        """The entries whose names a mention written as capitals abbreviates
        (:mod:`namenorm.acronyms`), to be held in reserve: initials alone are weak evidence
        ("ISA" is also a savings account), so they count only in a sentence that speaks of
        the entity. Entries already among the candidates (``rows``) or in reserve
        (``spare``) are left where they are. None when the table lists the mention as it
        is written, which makes it a name of its own, or when it is no acronym."""
        letters = acronym_letters(query.original)
        if letters is None or any(features["text_equal"] for _, features in rows):
            return frozenset()
        if self._acronyms is None:
            self._acronyms = Acronyms.of(self.index)
        taken = {entry.number for entry, _ in rows}.union(spare)
        return frozenset(n for n in self._acronyms.entries(letters) if n not in taken)

    def _make_room(self, weight: int, *, adding: bool) -> None:
        """Forget the mentions used least recently until ``weight`` more rows fit (and, when
        ``adding`` one, a mention more): see ``BASE_ROWS_KEPT``. The mention used last is kept
        when nothing is added, however many rows it holds. Called with the lock held."""
        cache = self._base_cache
        while len(cache) > (0 if adding else 1) and (
            (adding and len(cache) >= BASE_CACHE_SIZE)
            or self._base_rows_kept + weight > BASE_ROWS_KEPT
        ):
            _, oldest = cache.popitem(last=False)
            self._base_rows_kept -= _weight(oldest)

    def _key_words(self, base: _Base, *, spare: bool) -> frozenset[str]:
        """The key words of the entities of ``base``'s candidates, or of its reserve."""
        known = base.key_words.get(spare)
        if known is None:
            indexes = (
                (index for index, _ in base.spare)
                if spare
                else (entry.entity_index for entry, _ in base.rows)
            )
            words: set[str] = set()
            for index in indexes:
                words.update(self._entity_context(index).words)
            known = base.key_words[spare] = frozenset(words)
        return known

    def _speakers(self, base: _Base) -> dict[str, frozenset[int]]:
        """Each key word of the entities in ``base``'s reserve, to those entities."""
        if not base.speakers:
            found: dict[str, set[int]] = {}
            for index, _ in base.spare:
                for word in self._entity_context(index).words:
                    found.setdefault(word, set()).add(index)
            base.speakers.update((word, frozenset(indexes)) for word, indexes in found.items())
        return base.speakers

    def _rows_in_context(
        self, name: str, prepared: str | None, words: frozenset[str] | None = None
    ) -> tuple[_Base, list[_PairRow]]:
        """The context-free rows of ``name``, and those of the candidates held in reserve
        whose entity the context speaks of: a short or partial name ranks many entries
        alike ("Hakim"), and the string alone cannot tell which ones the sentence means.
        ``words`` are the words of ``prepared`` (or more); worked out when not given."""
        base = self._base_rows(name)
        if not prepared or not base.spare:
            return base, base.rows
        if words is None:
            words = frozenset(prepared.split())
        spare_words = self._key_words(base, spare=True)
        if spare_words.isdisjoint(words):
            return base, base.rows
        speakers = self._speakers(base)
        named = frozenset().union(*(speakers[word] for word in spare_words.intersection(words)))
        padded = _padded(prepared)
        called = [
            number
            for index, numbers in base.spare
            if index in named and self._speaks_of(index, padded, words)
            for number in numbers
        ]
        if not called:
            return base, base.rows
        known = base.spare_rows
        missing = [number for number in called if number not in known]
        if missing:
            # Worked out once per mention and entry: the same name is called back by each
            # sentence that speaks of its entity. Up to SPARE_ROWS_KEPT rows per name are
            # kept, so a long run over many sentences does not grow the cache without bound.
            found: dict[int, _PairRow | None] = dict.fromkeys(missing)
            initials = [number for number in missing if number in base.acronyms]
            others = [number for number in missing if number not in base.acronyms]
            for entry, features in [
                *self._pair_rows(base.query, others),
                *self._pair_rows(base.query, initials, acronym=True),
            ]:
                found[entry.number] = (entry, features)
            with self._base_lock:
                # Those that fit are kept; the rest serve this sentence only.
                room = SPARE_ROWS_KEPT - len(known)
                keep = [number for number in found if number not in known][: max(room, 0)]
                if keep:
                    known.update((number, found[number]) for number in keep)
                    if self._base_cache.get(name) is base:
                        self._base_rows_kept += len(keep)
                        self._make_room(0, adding=False)
                if len(keep) < len(found):
                    # Copied under the lock: another thread may be adding to it.
                    known = {**known, **found}
        extra = [row for row in map(known.__getitem__, called) if row is not None]
        return base, base.rows + extra

    def _pair_rows(
        self,
        query: Normalization,
        numbers: Iterable[int],
        *,
        glossed: bool = False,
        respelled: bool = False,
        acronym: bool = False,
    ) -> list[_PairRow]:
        base = self._query_features(query)
        base["glossed"] = float(glossed)
        base["respelled"] = float(respelled)
        base["acronym"] = float(acronym)
        # Capitals are not spelled in variants: an acronym a letter away from a name is
        # another name (USC is not UNSC, IRA is not Iraq).
        capitals = not acronym and acronym_letters(query.original) is not None
        distinctive = self._distinctive_owners(query)
        rows: list[_PairRow] = []
        numbers = list(numbers)
        owners = self.index.key_owners[numbers].tolist()
        for entry, key_owners in zip(self.index.entries_at(numbers), owners, strict=True):
            if query.descriptors and entry.entity.kind == "person":
                # A mention that calls itself a group, a movement or an organization
                # ("Houthi group") does not name a person (Abdul-Malik al-Houthi).
                continue
            if acronym:
                # The mention is read as the name it abbreviates, as a glossed mention is
                # read as its translation; the ``acronym`` feature says it was a reading.
                features = pair_features(
                    entry.analysis, entry.analysis, vocabulary=self.index.token_entities
                )
            else:
                features = pair_features(
                    query,
                    entry.analysis,
                    vocabulary=self.index.token_entities,
                    person=entry.entity.kind == "person",
                )
                if capitals and _spelled_apart(features):
                    continue
            features["known_error"] = float(entry.role == "error")
            features["shared_key"] = min(1.0, (key_owners - 1) / SHARED_KEY_SATURATION)
            features["distinctive"] = float(entry.entity_index in distinctive)
            _set_kind_features(features, person=entry.entity.kind == "person")
            features.update(base)
            rows.append((entry, features))
        rows = _without_two_joined(query, rows)
        relatives = self._add_conflicts(query, rows)
        if relatives:
            rows = [row for row in rows if row[0].entity_index not in relatives]
        return rows

    def _add_conflicts(
        self, query: Normalization, rows: list[tuple[Entry, dict[str, float]]]
    ) -> set[int]:
        """Flag entities the mention conflicts with, and return the people it names a
        relative of (:func:`namenorm.score.names_relative`): those whose full names it fits
        only that way, and none of whose strings it spells.

        A mention conflicts with an entity when it fits none of the entity's full names
        without a conflict (:func:`namenorm.score.conflicts_latin`), or, for an entity that
        is not a person, when the places it speaks of are none of those the entity belongs to
        (:class:`namenorm.places.PlaceIndex`: the US Supreme Court is not Iraq's) or when it
        runs past the entity's name (:func:`namenorm.score.runs_past`).
        """
        if not (query.latin and len(query.tokens) > 1):
            for _, features in rows:
                features["conflict"] = 0.0
            return set()
        verdicts, relatives = self._name_verdicts(query, rows)
        self._add_place_conflicts(query, rows, verdicts)
        for entry, features in rows:
            features["conflict"] = verdicts[entry.entity_index]
        return relatives

    def _name_verdicts(
        self, query: Normalization, rows: Sequence[tuple[Entry, dict[str, float]]]
    ) -> tuple[dict[int, float], set[int]]:
        """Each candidate entity's name conflict (1.0 or 0.0), and the people the mention
        names a relative of. Each full name is aligned with the mention once."""
        verdicts: dict[int, float] = {}
        for entry, _ in rows:
            # A candidate string that is one of its entity's full names and fits the mention
            # settles the entity at once: its other names need not be aligned with the mention.
            index = entry.entity_index
            if index not in verdicts and self._is_full_name(entry.number):
                judged = judge_name(
                    query,
                    entry.analysis.phonetic,
                    entry.analysis.tokens,
                    person=entry.entity.kind == "person",
                )
                if _fits(judged, entry.entity):
                    verdicts[index] = 0.0
        spelled = {entry.entity_index for entry, features in rows if features["phonetic_equal"]}
        relatives: set[int] = set()
        for entry, _ in rows:
            index = entry.entity_index
            if index in verdicts:
                continue
            person = entry.entity.kind == "person"
            judged_names = [
                judge_name(query, *name, person=person) for name in self._entity_full_names(index)
            ]
            verdicts[index] = float(
                bool(judged_names) and all(conflict for conflict, _ in judged_names)
            )
            if (
                person
                and index not in spelled
                and any(relative for _, relative in judged_names)
                and not any(_fits(judged, entry.entity) for judged in judged_names)
            ):
                relatives.add(index)
        return verdicts, relatives

    def _add_place_conflicts(
        self,
        query: Normalization,
        rows: Sequence[tuple[Entry, dict[str, float]]],
        verdicts: dict[int, float],
    ) -> None:
        """Mark the organizations and places of ``verdicts`` that the mention's place words
        rule out, and those whose name it runs past."""
        spoken = self.places.named_in(query)
        if spoken:
            for index, verdict in verdicts.items():
                if (
                    not verdict
                    and self.index.entities[index].kind != "person"
                    and self.places.conflicts_among(spoken, index)
                ):
                    verdicts[index] = 1.0
        # An organization, place or outlet whose whole name the mention holds before a word
        # of its own is not what it names (Middle East Eye, Ansar Allah al-Awfiya), unless
        # another of its names holds every word of the mention. A person's name may well be
        # followed by a word of the sentence the spotter took along.
        whole = {entry.entity_index for entry, features in rows if features["all_matched"]}
        for entry, features in rows:
            index = entry.entity_index
            if (
                not verdicts[index]
                and index not in whole
                and entry.entity.kind != "person"
                and features["alias_coverage"] == 1.0
                and runs_past(query, entry.analysis.phonetic, entry.analysis.tokens)
            ):
                verdicts[index] = 1.0

    def _distinctive_owners(self, query: Normalization) -> set[int]:
        """Entities that alone carry one of the mention's tokens."""
        if query.latin:
            owners, tokens = self.index.unique_token_owner, query.phonetic.split()
        else:
            owners, tokens = self.index.unique_skeleton_owner, query.skeleton.split()
        return {owners[token] for token in tokens if token in owners}

    @staticmethod
    def _add_context_lead(
        rows: list[_Row],
        entity_context: Mapping[int, tuple[dict[str, float], tuple[str, ...]]],
    ) -> None:
        """Each entity's lead in context words over its best rival among the candidates."""
        counts = sorted(
            ((len(hits), index) for index, (_, hits) in entity_context.items()), reverse=True
        )
        leader = counts[0][1] if counts else None
        first = counts[0][0] if counts else 0
        second = counts[1][0] if len(counts) > 1 else 0
        for entry, features, _ in rows:
            own = len(entity_context[entry.entity_index][1])
            lead = own - (second if entry.entity_index == leader else first)
            bounded = max(-CONTEXT_LEAD_SATURATION, min(CONTEXT_LEAD_SATURATION, lead))
            features["context_lead"] = bounded / CONTEXT_LEAD_SATURATION

    def _score(self, name: str, context: str | None) -> tuple[Normalization, list[_Scored]]:
        return self._rank(*self._features(name, context))

    def _rank(
        self, query: Normalization, rows: Sequence[_Row]
    ) -> tuple[Normalization, list[_Scored]]:
        best: dict[int, _Scored] = {}
        for entry, features, hits in rows:
            # The one place every answer passes through (resolve, candidates, link and so
            # annotate): an entity judged wrong for this mention is no candidate at all.
            if entry.entity.negatives and query.text in self._negative_texts(entry.entity):
                continue
            scored = _Scored(entry, self.model.pair_logit(features), features, hits)
            current = best.get(entry.entity_index)
            if current is None or (
                -scored.logit,
                _ROLE_ORDER[scored.entry.role],
                scored.entry.string,
            ) < (-current.logit, _ROLE_ORDER[current.entry.role], current.entry.string):
                best[entry.entity_index] = scored
        ranked = sorted(best.values(), key=lambda item: (-item.logit, item.entry.entity.id))
        return query, ranked

    def prepare_context(self, context: str) -> PreparedContext:
        """Normalize a sentence once, for every mention in it (see :meth:`link`).

        >>> resolver = Resolver()
        >>> sentence = "Iraqi Prime Minister Mustafa Khatami met the envoy."
        >>> resolver.link("Mustafa Khatami", resolver.prepare_context(sentence)).best.entity.id
        'mustafa-al-kadhimi'
        """
        relatives = tuple(
            _padded(_normalize_context(context[start:end]))
            for start, end in relative_spans(context)
        )
        return PreparedContext(_padded(_normalize_context(context)), relatives)

    def link(
        self,
        name: str,
        context: PreparedContext | None = None,
        *,
        threshold: float | None = None,
    ) -> Link:
        """Resolve ``name`` in a context prepared by :meth:`prepare_context`, and keep the best
        candidate even when it falls below the threshold: what annotating running text needs.

        >>> link = Resolver().link("Qassem Suleimani")
        >>> link.match.entity.id, link.best is link.match
        ('qasem-soleimani', True)
        >>> Resolver().link("Tuesday")
        Link(match=None, best=None)
        """
        limit = self.threshold if threshold is None else threshold
        prepared = None
        if context is not None:
            own = _padded(_normalized_phrase(name))
            prepared = context.text
            for relative in context.relatives:
                # A phrase naming someone's relative speaks of the mention only if it holds it.
                if own not in relative:
                    prepared = prepared.replace(relative, _MENTION_GAP)
            # The mention itself is not context.
            prepared = prepared.replace(own, _MENTION_GAP) if own.strip() else prepared
        # The words of the sentence without the mention: a candidate's names share the
        # mention's words, and would otherwise always seem to be in the sentence.
        words = None if prepared is None else frozenset(prepared.split())
        base, rows = self._rows_in_context(name, prepared, words)
        if not rows:
            return Link(None, None)
        if (
            words is not None
            and len(rows) == len(base.rows)
            and self._key_words(base, spare=False).isdisjoint(words)
        ):
            # The sentence speaks of none of the candidates: no entity need be searched for.
            contexts = dict.fromkeys((entry.entity_index for entry, _ in rows), _NO_CONTEXT)
        else:
            contexts = self._contexts_of(rows, prepared, words)
        # The answer depends only on the mention and on which of its candidates' words the
        # context holds: a corpus repeats both, so the answer is kept.
        sentence = _has_words(prepared)
        key = (
            name,
            limit,
            sentence,
            tuple(
                (index, features["context"], features["comention"], hits)
                for index, (features, hits) in contexts.items()
            ),
        )
        cached = self._link_cache.get(key)
        if cached is not None:
            return cached
        rows_in_context = self._with_context(base.query, rows, contexts, sentence=sentence)
        query, ranked = self._rank(base.query, rows_in_context)
        # Every candidate may be one the table rules out for this mention (its negatives).
        best = self._match(query, ranked, 0) if ranked else None
        link = Link(best if best is not None and best.confidence >= limit else None, best)
        return self._link_cache.put(key, link)

    def _match(self, query: Normalization, ranked: Sequence[_Scored], position: int) -> Match:
        chosen = ranked[position]
        rivals = [item for i, item in enumerate(ranked) if i != position]
        rival_logits = [item.logit for item in rivals]
        runner_up = rivals[0] if rivals else None
        evidence = Evidence(
            query=query.original,
            alias=chosen.entry.string,
            alias_role=chosen.entry.role,
            features=tuple(_feature_pair(name, value) for name, value in chosen.features.items()),
            context_hits=chosen.context_hits,
            logit=chosen.logit,
            log_odds=self.model.log_odds(chosen.logit, rival_logits),
            margin=None if runner_up is None else round(chosen.logit - runner_up.logit, 4),
            runner_up=None if runner_up is None else runner_up.entry.entity.id,
            model=self.model.name,
        )
        return Match(
            entity=chosen.entry.entity,
            confidence=self.model.confidence(chosen.logit, rivals=rival_logits),
            method=_method(chosen.entry, chosen.features),
            score=similarity(chosen.features),
            evidence=evidence,
        )

    # -- public API ----------------------------------------------------------------------

    def resolve(
        self, name: str, *, context: str | None = None, threshold: float | None = None
    ) -> Match | None:
        """Return the best entity for ``name`` with its confidence, or None (NIL) when no
        candidate reaches ``threshold`` (the resolver's own when not given).

        ``context`` is the text around the mention (its sentence): the entity's context words
        and its other names found there shift the confidence.

        >>> resolver = Resolver()
        >>> resolver.resolve("Mustafa Khatami",
        ...                  context="Iraqi Prime Minister Mustafa Khatami announced").entity.id
        'mustafa-al-kadhimi'
        """
        limit = self.threshold if threshold is None else threshold
        query, ranked = self._score(name, context)
        if not ranked:
            return None
        match = self._match(query, ranked, 0)
        return match if match.confidence >= limit else None

    def resolve_many(
        self,
        names: Iterable[str],
        contexts: Iterable[str | None] | None = None,
        *,
        threshold: float | None = None,
        workers: int = 1,
    ) -> list[Match | None]:
        """Resolve many mentions: the same answers, in the same order, as calling
        :meth:`resolve` on each (with the matching entry of ``contexts``, when given).

        A mention repeated with the same context is resolved once, and the fuzzy word
        neighbours of ``BATCH_NAMES`` names are looked up together, which makes a batch faster
        than a loop. ``workers`` > 1 shares the work among that many processes, started fresh,
        each mapping the table's snapshot (a table not loaded from one is saved to a temporary
        snapshot first: about 2 s at a million aliases). Starting them costs about a second,
        so batches of fewer than ``PARALLEL_QUERIES`` distinct mentions stay in this process,
        and only batches of thousands gain from them.

        >>> resolver = Resolver()
        >>> [m and m.entity.id for m in resolver.resolve_many(["Almohandes", "Joe Smith"])]
        ['abu-mahdi-al-muhandis', None]
        """
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers!r}")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
        queries = list(names)
        given = [None] * len(queries) if contexts is None else list(contexts)
        if len(given) != len(queries):
            raise ValueError(f"{len(queries)} names but {len(given)} contexts")
        distinct = list(dict.fromkeys(zip(queries, given, strict=True)))
        if workers == 1 or len(distinct) < PARALLEL_QUERIES:
            answers = self._resolve_batch(distinct, threshold)
        else:
            answers = self._resolve_in_processes(distinct, threshold, workers)
        found = dict(zip(distinct, answers, strict=True))
        return [found[query] for query in zip(queries, given, strict=True)]

    def _resolve_batch(
        self, queries: Sequence[tuple[str, str | None]], threshold: float | None
    ) -> list[Match | None]:
        """:meth:`resolve` of each (name, context), the names' fuzzy word neighbours looked up
        together first, ``BATCH_NAMES`` names at a time."""
        answers: list[Match | None] = []
        for start in range(0, len(queries), BATCH_NAMES):
            batch = queries[start : start + BATCH_NAMES]
            self.index.look_up_neighbours(
                analyze(name)
                for name in dict.fromkeys(name for name, _ in batch)
                if name not in self._base_cache
            )
            answers.extend(
                self.resolve(name, context=context, threshold=threshold) for name, context in batch
            )
        return answers

    def _resolve_in_processes(
        self, queries: list[tuple[str, str | None]], threshold: float | None, workers: int
    ) -> list[Match | None]:
        size = -(-len(queries) // (workers * CHUNKS_PER_WORKER))
        chunks = [queries[start : start + size] for start in range(0, len(queries), size)]
        from namenorm.snapshot import snapshot_for_workers  # noqa: PLC0415 - it imports us

        # Processes started fresh ("spawn"): no lock or thread of the parent is inherited. An
        # executor, not a Pool: a worker that fails to start breaks it with an error, where a
        # Pool would start replacements forever.
        with (
            snapshot_for_workers(self.table) as snapshot,
            concurrent.futures.ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(snapshot, self.threshold, self.model),
            ) as pool,
        ):
            parts = list(pool.map(_resolve_chunk, chunks, [threshold] * len(chunks)))
        # Every match names this resolver's own entity, as with one worker.
        answers: list[Match | None] = []
        for part in parts:
            answers.extend(loads_by_reference(part, self.table.__getitem__))
        return answers

    def candidates(self, name: str, *, context: str | None = None, limit: int = 5) -> list[Match]:
        """Return up to ``limit`` candidate matches, best first, whatever their confidence.

        >>> [m.entity.id for m in Resolver().candidates("Khamenei", limit=2)]
        ['ali-khamenei', 'mojtaba-khamenei']
        """
        query, ranked = self._score(name, context)
        return [self._match(query, ranked, position) for position in range(min(limit, len(ranked)))]

    def annotator(self) -> Annotator:
        """The :class:`~namenorm.annotate.Annotator` of this resolver, built on first use (it
        compiles the table automaton) and kept.

        >>> resolver = Resolver()
        >>> resolver.annotator() is resolver.annotator()
        True
        """
        if self._annotator is None:
            from namenorm.annotate import Annotator  # noqa: PLC0415 - annotate imports resolve

            self._annotator = Annotator(self)
        return self._annotator

    def annotate(self, text: str, *, threshold: float | None = None) -> list[Mention]:
        """Find and link the name mentions of running ``text``: a list of
        :class:`~namenorm.annotate.Mention`, in text order and without overlaps.

        >>> text = "Mustafa Khatami met Qassem Suleimani. Suleimani's Quds Force"
        >>> [(m.text, m.match.entity.id) for m in Resolver().annotate(text)]
        ... # doctest: +NORMALIZE_WHITESPACE
        [('Mustafa Khatami', 'mustafa-al-kadhimi'), ('Qassem Suleimani', 'qasem-soleimani'),
         ('Suleimani', 'qasem-soleimani'), ('Quds Force', 'quds-force')]
        """
        return self.annotator().annotate(text, threshold=threshold)

    def annotate_document(self, text: str, *, threshold: float | None = None) -> Annotation:
        """Like :meth:`annotate`, with the spans that did not resolve kept in
        ``.unresolved``.

        >>> annotation = Resolver().annotate_document("Joe Smith met Hadi al-Amiri.")
        >>> [m.text for m in annotation], [m.text for m in annotation.unresolved]
        (['Hadi al-Amiri'], ['Joe Smith'])
        """
        return self.annotator().annotate_document(text, threshold=threshold)

    def rewrite(
        self, text: str, *, style: RewriteStyle = "canonical", threshold: float | None = None
    ) -> str:
        """Return ``text`` with each mention replaced by its canonical name, or with
        ``style="tag"`` wrapped in a tag that keeps the original; a text without mentions is
        returned unchanged.

        >>> Resolver().rewrite("Almohandes was killed.")
        'Abu Mahdi al-Muhandis was killed.'
        """
        return self.annotator().rewrite(text, style=style, threshold=threshold)

    def feature_rows(self, name: str, *, context: str | None = None) -> list[FeatureRow]:
        """Return the features of ``name`` against every candidate string, for fitting or
        inspecting a confidence model (see ``scripts/fit_confidence.py``)."""
        _, rows = self._features(name, context)
        return [
            FeatureRow(entry.entity.id, entry.string, entry.role, features)
            for entry, features, _ in rows
        ]


_WORKER: list[Resolver] = []


def _start_worker(snapshot: str, threshold: float, model: ConfidenceModel) -> None:
    _WORKER.append(Resolver(load_table(snapshot), threshold=threshold, model=model))
    freeze_heap()


def _resolve_chunk(queries: Sequence[tuple[str, str | None]], threshold: float | None) -> bytes:
    """The answers to ``queries``, pickled with their entities by id
    (:func:`namenorm._worker.dumps_by_reference`)."""
    return dumps_by_reference(_WORKER[0]._resolve_batch(queries, threshold))


def compare(
    a: str, b: str, *, model: ConfidenceModel | None = None, kind: Kind | None = None
) -> float:
    """Return the probability that two names are the same (person, place, organization).

    The same features and confidence model as :class:`Resolver`, as if ``b`` were the only
    name of a one-entity table of kind ``kind`` (unknown when None) and no context, averaged
    over both directions so ``compare(a, b) == compare(b, a)``.

    >>> compare("Qasem Soleimani", "Ghassem Suleimani") > 0.9
    True
    >>> compare("Qasem Soleimani", "Hassan Nasrallah") < 0.1
    True

    Two different generational suffixes make two people. One name with a suffix and one
    without may still be one person (Kenneth McKenzie is Kenneth F. McKenzie Jr.); a table,
    which holds all of a person's names, is what tells Donald Trump Jr. from Donald Trump.

    >>> compare("Lloyd Austin III", "Lloyd Austin II")
    0.0

    Given the kind, the names are read as a resolver reads that kind's names: a person's
    middle name counts only on the way to the surname, so a given and a middle name are not
    the whole name ("Mark Thomas" is another man than Mark Thomas Esper).

    >>> compare("Mark Thomas", "Mark Thomas Esper") > 0.5
    True
    >>> compare("Mark Thomas", "Mark Thomas Esper", kind="person") < 0.5
    True
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    chosen = load_model() if model is None else model
    first, second = analyze(a), analyze(b)
    if not first.text or not second.text:
        return 0.0
    if generational_suffixes_differ(first, second):
        return 0.0
    conjunctions = _conjunctions()
    if joins_two(first, second, conjunctions) or joins_two(second, first, conjunctions):
        return 0.0
    person = kind == "person"
    logits = []
    for query, alias in ((first, second), (second, first)):
        features = pair_features(query, alias, person=person)
        conflict = False
        if query.latin and len(query.tokens) > 1 and len(alias.tokens) > 1:
            if person and alias.latin:
                conflict = judge_name(query, alias.phonetic, alias.tokens, person=True)[0]
            else:
                conflict = conflicts(query, alias)
        features["conflict"] = float(conflict)
        if kind is not None:
            _set_kind_features(features, person=person)
        logits.append(chosen.pair_logit(features))
    return chosen.confidence(sum(logits) / 2.0, rivals=())
