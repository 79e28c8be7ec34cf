"""Candidate generation: which table entries are worth scoring for a mention.

The index is built once per table from the same normalization the mentions get. It answers a
mention with the entries that share its normalized text, its phonetic or skeleton key (spaces
removed), one of its name tokens (so "Sudani" finds "Mohammed Shia al-Sudani"), or a token one
or two letters away (a deletion neighbourhood in the manner of SymSpell over the tokens of the
table, checked with rapidfuzz). Every lookup is a binary search or a dictionary probe, so the
cost does not grow with the table; when more entries turn up than are worth scoring in full,
rapidfuzz ranks them in bulk and the best are kept. Scoring happens elsewhere
(:mod:`namenorm.score`): the index decides recall, the scorer precision.

Everything is stored in numpy arrays (:mod:`namenorm.columns`), so a million-alias index fits
in memory and a snapshot maps it back without parsing (:mod:`namenorm.snapshot`).

>>> from namenorm import load_table
>>> index = CandidateIndex.build(load_table())
>>> hits = index.candidates(analyze("Sudani"))
>>> "mohammed-shia-al-sudani" in {index.entries[i].entity.id for i in hits}
True
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, overload

import attrs
import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from namenorm.columns import (
    Int32Array,
    KeyMultimap,
    StringColumn,
    hash_keys,
    sequence_position,
    sorted_union,
)
from namenorm.memo import BoundedMemo
from namenorm.model import Entity, Normalization
from namenorm.normalize import analyze
from namenorm.rules import load_rules
from namenorm.score import MIN_SKELETON_NAME

__all__ = ["CandidateIndex", "Entry", "compact", "deletions"]

Role = Literal["name", "alias", "error"]
ROLES: tuple[Role, ...] = ("name", "alias", "error")

FUZZY_TOKEN_LIMIT = 6
"""How many nearest name tokens, per mention token, the fuzzy neighbourhood adds."""
FUZZY_TOKEN_CUTOFF = 75.0
"""The least ``fuzz.ratio`` of a neighbouring token."""
FUZZY_MIN_LENGTH = 4
"""Table tokens shorter than this are reached by no deletion (one letter is a quarter of them)."""
QUERY_FUZZY_MIN_LENGTH = 3
"""A mention token this long finds the table tokens one letter longer (Bad: Badr)."""
TWO_DELETIONS_LENGTH = 8
"""Tokens this long are reached through two deletions, shorter ones through one."""
COMMON_TOKEN_ENTITIES = 40
"""A token carried by more entities than this (abu, mohammed) adds no candidates by itself."""
LONE_TOKEN_POSTINGS = 2_000
"""A one-word mention takes every entry with its word, up to this many (beyond, the word is
so common that it names no one by itself)."""
MAX_POSTINGS = 30_000
"""A word (or neighbour) with more entries than this is too common to look through."""
MAX_RANKED = 300
"""At most this many entries found through words go on to bulk ranking."""
SCORED_CANDIDATES = 12
"""At most this many entities (besides those sharing a key with the mention) reach full
scoring; rapidfuzz ranks the rest out in bulk."""
RANK_MARGIN = 10.0
"""An entity whose best string the bulk score (WRatio, 0-100) puts more than this far below the
best string found is left in reserve, once ``MIN_SCORED_ENTITIES`` are kept: a rival that far
behind seldom changes an answer, and scoring rivals in full is most of the cost of a query."""
MIN_SCORED_ENTITIES = 3
"""Entities (those sharing a key with the mention included) kept whatever their bulk score."""
ENTRIES_PER_ENTITY = 2
"""How many of an entity's strings, its best by the bulk score, reach full scoring."""
SPARE_CANDIDATES = 200
"""How many of the entries ranked out are kept in reserve for the context to call back."""
PARALLEL_STRINGS = 100_000
"""Tables with at least this many strings are analyzed by several processes when allowed."""
_CHUNK = 20_000

_EXACT_TEXT, _EXACT_PHONETIC, _EXACT_SKELETON = "t\x1f", "p\x1f", "s\x1f"
_WORD, _SKELETON_WORD = "w\x1f", "k\x1f"


def compact(key: str) -> str:
    """A key without its spaces, so that spacing differences (Nasr Allah / Nasrallah) vanish.

    >>> compact("nasr ala")
    'nasrala'
    """
    return key.replace(" ", "")


def deletions(token: str, distance: int) -> set[str]:
    """``token`` and every string made by deleting up to ``distance`` of its letters.

    Two tokens within one edit (a substitution, an insertion, a deletion or two letters swapped)
    share a string of their deletion sets: the SymSpell way to find neighbours without
    comparing against every token.

    >>> sorted(deletions("amri", 1))
    ['ami', 'amr', 'amri', 'ari', 'mri']
    """
    found = {token}
    frontier = {token}
    for _ in range(distance):
        frontier = {word[:i] + word[i + 1 :] for word in frontier for i in range(len(word))}
        found |= frontier
    return found


FUZZY_MAX_LENGTH = 32
"""Longer words have no fuzzy neighbours: their deletion sets grow with the square of their
length, and no name word is that long."""


def _fuzzy(token: str, shortest: int) -> bool:
    return shortest <= len(token) <= FUZZY_MAX_LENGTH


def _deletion_distance(token: str) -> int:
    return 2 if len(token) >= TWO_DELETIONS_LENGTH else 1


@attrs.frozen
class Entry:
    """One string of the table (a name, an alias or a known error), analyzed once.

    >>> from namenorm import Entity
    >>> index = CandidateIndex.build([Entity(id="x", name="Rai al-Youm", errors=["Rai Allium"])])
    >>> [(entry.role, entry.phonetic_compact) for entry in index.entries]
    [('name', 'raiium'), ('error', 'raialium')]
    """

    number: int
    entity: Entity
    entity_index: int
    role: Role
    string: str
    analysis: Normalization
    phonetic_compact: str
    skeleton_compact: str


_Analysis = tuple[str, str, str, str, bool]
"""text, tokens (space-joined), phonetic, skeleton, latin: what an entry keeps of its analysis."""


def _analyze_chunk(strings: Sequence[str]) -> list[_Analysis]:
    results: list[_Analysis] = []
    for string in strings:
        analysis = analyze(string)
        results.append(
            (
                analysis.text,
                " ".join(analysis.tokens),
                analysis.phonetic,
                analysis.skeleton,
                analysis.latin,
            )
        )
    return results


def _analyze_all(strings: Sequence[str], workers: int) -> list[_Analysis]:
    chunks = [strings[start : start + _CHUNK] for start in range(0, len(strings), _CHUNK)]
    if workers <= 1 or len(strings) < PARALLEL_STRINGS:
        return [item for chunk in chunks for item in _analyze_chunk(chunk)]
    # Fresh processes ("spawn") inherit no lock or thread; results come back in order.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        return [item for chunk in pool.imap(_analyze_chunk, chunks) for item in chunk]


def _distinct_owners(
    keyed: Iterable[tuple[Iterable[str], int]],
) -> tuple[dict[str, int], dict[str, int]]:
    """For each key, how many entities carry it and the last one seen; entries come grouped by
    entity, so comparing with the last owner counts each entity once."""
    counts: dict[str, int] = {}
    last: dict[str, int] = {}
    for keys, owner in keyed:
        for key in keys:
            if last.get(key) != owner:
                counts[key] = counts.get(key, 0) + 1
                last[key] = owner
    return counts, last


class _Entries(Sequence[Entry]):
    """The entries of an index, made on demand from its columns."""

    def __init__(self, index: CandidateIndex) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index.entry_entity)

    @overload
    def __getitem__(self, position: int) -> Entry: ...

    @overload
    def __getitem__(self, position: slice) -> list[Entry]: ...

    def __getitem__(self, position: int | slice) -> Entry | list[Entry]:
        if isinstance(position, slice):
            return [self[number] for number in range(*position.indices(len(self)))]
        return self._index.entry(sequence_position(position, len(self), "entry"))

    def __iter__(self) -> Iterator[Entry]:
        for number in range(len(self)):
            yield self._index.entry(number)


class _TokenCounts(Mapping[str, int]):
    """How many entities carry each phonetic name token of the table."""

    def __init__(self, index: CandidateIndex) -> None:
        self._index = index

    def __getitem__(self, token: str) -> int:
        position = self._index.token_position(token)
        if position is None:
            raise KeyError(token)
        return int(self._index.vocabulary_entities[position])

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and self._index.token_position(token) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.vocabulary)

    def __len__(self) -> int:
        return len(self._index.vocabulary)


class _UniqueOwners(Mapping[str, int]):
    """Tokens carried by a single entity, and that entity: a mention with one names it."""

    def __init__(self, index: CandidateIndex, *, skeleton: bool) -> None:
        self._index = index
        self._skeleton = skeleton

    def __getitem__(self, token: str) -> int:
        if self._skeleton:
            owners = self._index.skeleton_owner.get(token)
            if len(owners):
                return int(owners[0])
        else:
            position = self._index.token_position(token)
            if position is not None and self._index.vocabulary_owner[position] >= 0:
                return int(self._index.vocabulary_owner[position])
        raise KeyError(token)

    def __iter__(self) -> Iterator[str]:
        if self._skeleton:
            raise TypeError("skeleton owners are stored hashed and cannot be listed")
        for position, token in enumerate(self._index.vocabulary):
            if self._index.vocabulary_owner[position] >= 0:
                yield token

    def __len__(self) -> int:
        if self._skeleton:
            return len(self._index.skeleton_owner)
        return int(np.count_nonzero(self._index.vocabulary_owner >= 0))


@attrs.frozen(eq=False)
class CandidateIndex:
    """Columns and hashed postings over every entry of a table; build with ``build``.

    Entries (the strings of the table) are numbered entity by entity, in table order.

    >>> from namenorm import Entity
    >>> index = CandidateIndex.build([Entity(id="x", name="Hadi al-Amiri")])
    >>> sorted(index.candidates(analyze("Hadi Ameri")))
    [0]
    """

    entities: Sequence[Entity]
    entry_entity: Int32Array
    """The entity (its position in ``entities``) of each entry."""
    entry_role: npt.NDArray[np.int8]
    """The role of each entry, a position in ``ROLES``."""
    entity_entries: npt.NDArray[np.int64]
    """Entity ``e`` owns the entries ``entity_entries[e]`` to ``entity_entries[e + 1]``."""
    strings: StringColumn
    texts: StringColumn
    tokens: StringColumn
    phonetics: StringColumn
    skeletons: StringColumn
    latin: npt.NDArray[np.bool_]
    key_owners: Int32Array
    """How many entities share each entry's phonetic key."""
    exact: KeyMultimap
    """Normalized text, phonetic key and skeleton key (spaces removed) to entries."""
    words: KeyMultimap
    """Phonetic and skeleton name tokens to the entries that have them."""
    vocabulary: StringColumn
    """Every phonetic name token of the table, sorted."""
    vocabulary_ids: KeyMultimap
    vocabulary_entities: Int32Array
    vocabulary_owner: Int32Array
    """The entity of a token carried by one entity only, else -1."""
    neighbours: KeyMultimap
    """Deletion variants of the vocabulary tokens to the tokens."""
    skeleton_owner: KeyMultimap
    """Skeleton tokens carried by one entity only, to that entity."""
    _entry_cache: BoundedMemo[int, Entry] = attrs.field(
        init=False, factory=lambda: BoundedMemo(_ENTRY_CACHE_SIZE), repr=False
    )
    # A mention's words are looked up for each of its candidates: remembered per word.
    _token_positions: BoundedMemo[str, int | None] = attrs.field(
        init=False, factory=lambda: BoundedMemo(_ENTRY_CACHE_SIZE), repr=False
    )
    # Names share their words (Mohammed, Hassan, al-Hashemi): a word's fuzzy neighbours are
    # looked up once, not once per mention that has it.
    _neighbour_cache: BoundedMemo[str, tuple[str, ...]] = attrs.field(
        init=False, factory=lambda: BoundedMemo(_ENTRY_CACHE_SIZE), repr=False
    )

    # -- building ------------------------------------------------------------------------

    @classmethod
    def build(cls, entities: Iterable[Entity], *, workers: int = 1) -> CandidateIndex:
        """Index every name, alias and known error of ``entities``.

        ``workers`` > 1 analyzes the strings of a large table in that many processes.
        """
        entity_list = entities if isinstance(entities, Sequence) else tuple(entities)
        strings: list[str] = []
        roles: list[int] = []
        owners: list[int] = []
        bounds = [0]
        for position, entity in enumerate(entity_list):
            seen: set[str] = set()
            for role, group in enumerate((entity.names()[:1], entity.aliases, entity.errors)):
                for string in group:
                    if string not in seen:
                        seen.add(string)
                        strings.append(string)
                        roles.append(role)
                        owners.append(position)
            bounds.append(len(strings))
        role_array = np.asarray(roles, dtype=np.int8)
        owner_array = np.asarray(owners, dtype=np.int32)
        del roles, owners
        analyses = _analyze_all(strings, workers)
        return cls._from_analyses(
            entity_list,
            strings,
            role_array,
            owner_array,
            np.asarray(bounds, dtype=np.int64),
            analyses,
        )

    @classmethod
    def _from_analyses(  # noqa: PLR0917 - the parts of a table, in order
        cls,
        entities: Sequence[Entity],
        strings: list[str],
        roles: npt.NDArray[np.int8],
        owners: Int32Array,
        bounds: npt.NDArray[np.int64],
        analyses: list[_Analysis],
    ) -> CandidateIndex:
        """The index of these parts. ``strings`` and ``analyses`` are emptied once stored: at a
        million aliases they hold a few hundred MB of Python strings, which must be gone before
        the fuzzy neighbourhoods, the largest part, are built."""
        owner_list = owners.tolist()
        phonetic_compacts = [compact(item[2]) for item in analyses]
        key_counts, _ = _distinct_owners(
            (([key] if key else []), owner)
            for key, owner in zip(phonetic_compacts, owner_list, strict=True)
        )
        key_owners = np.asarray(
            [key_counts.get(key, 1) for key in phonetic_compacts], dtype=np.int32
        )
        del key_counts
        exact = KeyMultimap.build(_exact_pairs(analyses, phonetic_compacts))
        del phonetic_compacts
        words = KeyMultimap.build(_word_pairs(analyses))
        token_counts, token_last = _distinct_owners(
            (set(item[2].split()), owner) for item, owner in zip(analyses, owner_list, strict=True)
        )
        skeleton_counts, skeleton_last = _distinct_owners(
            (set(item[3].split()), owner) for item, owner in zip(analyses, owner_list, strict=True)
        )
        del owner_list
        columns = {
            "strings": StringColumn.from_strings(strings),
            "texts": StringColumn.from_strings(item[0] for item in analyses),
            "tokens": StringColumn.from_strings(item[1] for item in analyses),
            "phonetics": StringColumn.from_strings(item[2] for item in analyses),
            "skeletons": StringColumn.from_strings(item[3] for item in analyses),
        }
        latin = np.asarray([item[4] for item in analyses], dtype=np.bool_)
        strings.clear()
        analyses.clear()
        vocabulary = sorted(token_counts)
        vocabulary_entities = np.asarray(
            [token_counts[token] for token in vocabulary], dtype=np.int32
        )
        vocabulary_owner = np.asarray(
            [token_last[token] if token_counts[token] == 1 else -1 for token in vocabulary],
            dtype=np.int32,
        )
        skeleton_owner = KeyMultimap.build(
            (token, skeleton_last[token]) for token, count in skeleton_counts.items() if count == 1
        )
        del token_counts, token_last, skeleton_counts, skeleton_last
        return cls(
            entities=entities,
            entry_entity=owners,
            entry_role=roles,
            entity_entries=bounds,
            latin=latin,
            key_owners=key_owners,
            exact=exact,
            words=words,
            vocabulary=StringColumn.from_strings(vocabulary),
            vocabulary_ids=KeyMultimap.from_hashes(
                hash_keys(vocabulary), np.arange(len(vocabulary), dtype=np.int32)
            ),
            vocabulary_entities=vocabulary_entities,
            vocabulary_owner=vocabulary_owner,
            # Last, with as little else alive as can be: the largest part of the index.
            neighbours=KeyMultimap.build(_neighbour_pairs(vocabulary)),
            skeleton_owner=skeleton_owner,
            **columns,
        )

    # -- reading -------------------------------------------------------------------------

    @property
    def entries(self) -> Sequence[Entry]:
        """Every entry, made on demand."""
        return _Entries(self)

    @property
    def token_entities(self) -> Mapping[str, int]:
        """How many entities carry each phonetic name token."""
        return _TokenCounts(self)

    @property
    def unique_token_owner(self) -> Mapping[str, int]:
        """Phonetic tokens carried by one entity only, and that entity's position."""
        return _UniqueOwners(self, skeleton=False)

    @property
    def unique_skeleton_owner(self) -> Mapping[str, int]:
        """Skeleton tokens carried by one entity only, and that entity's position."""
        return _UniqueOwners(self, skeleton=True)

    def token_position(self, token: str) -> int | None:
        """The position of a phonetic token in ``vocabulary``, or None when no entry has it."""
        if token in self._token_positions:
            return self._token_positions[token]
        found = self.vocabulary_ids.get(token)
        position = int(found[0]) if len(found) and self.vocabulary[int(found[0])] == token else None
        return self._token_positions.put(token, position)

    def analysis(self, number: int) -> Normalization:
        """The analysis of entry ``number`` rebuilt from the columns, without its entity: what
        comparing a mention with an entity's other names needs.

        >>> from namenorm import Entity
        >>> index = CandidateIndex.build([Entity(id="x", name="Rai al-Youm")])
        >>> index.analysis(0).tokens, index.analysis(0).phonetic
        (('rai', 'youm'), 'rai ium')
        """
        return _rebuilt_analysis(
            self.strings[number],
            self.texts[number],
            self.tokens[number],
            self.phonetics[number],
            self.skeletons[number],
            latin=bool(self.latin[number]),
        )

    def entry(self, number: int) -> Entry:
        """Entry ``number``, with its analysis rebuilt from the columns."""
        cached = self._entry_cache.get(number)
        if cached is not None:
            return cached
        return self.entries_at((number,))[0]

    def entries_at(self, numbers: Sequence[int]) -> list[Entry]:
        """:meth:`entry` of each of ``numbers``, in that order. The entries not built yet are
        read off the columns together, one call per column: a mention's candidates are scored
        as a batch.

        >>> from namenorm import Entity
        >>> entity = Entity(id="x", name="Rai al-Youm", errors=["Rai Allium"])
        >>> [entry.string for entry in CandidateIndex.build([entity]).entries_at([1, 0])]
        ['Rai Allium', 'Rai al-Youm']
        """
        cache = self._entry_cache
        found = {number: cache[number] for number in numbers if number in cache}
        missing = [number for number in dict.fromkeys(numbers) if number not in found]
        if missing:
            columns = zip(
                missing,
                self.strings.take(missing),
                self.texts.take(missing),
                self.tokens.take(missing),
                self.phonetics.take(missing),
                self.skeletons.take(missing),
                self.latin[missing].tolist(),
                self.entry_entity[missing].tolist(),
                self.entry_role[missing].tolist(),
                strict=True,
            )
            for number, string, text, tokens, phonetic, skeleton, latin, entity, role in columns:
                analysis = _rebuilt_analysis(string, text, tokens, phonetic, skeleton, latin=latin)
                found[number] = Entry(
                    number=number,
                    entity=self.entities[entity],
                    entity_index=entity,
                    role=ROLES[role],
                    string=string,
                    analysis=analysis,
                    phonetic_compact=compact(phonetic),
                    skeleton_compact=compact(skeleton),
                )
            cache.put_all({number: found[number] for number in missing})
        return [found[number] for number in numbers]

    def entry_numbers(self, entity_index: int) -> range:
        """The numbers of the entries of one entity."""
        return range(
            int(self.entity_entries[entity_index]), int(self.entity_entries[entity_index + 1])
        )

    def entries_keyed(self, phonetic: str) -> list[int]:
        """The numbers of the entries whose phonetic key is ``phonetic``, spaces included.

        >>> from namenorm import Entity
        >>> index = CandidateIndex.build([Entity(id="x", name="Baghdad", aliases=["Bagdad"])])
        >>> index.entries_keyed(analyze("Baghdad").phonetic)
        [0, 1]
        """
        found = self.exact.get(_EXACT_PHONETIC + compact(phonetic)).tolist()
        return [number for number in found if self.phonetics[number] == phonetic]

    # -- candidates ----------------------------------------------------------------------

    def candidates(
        self, query: Normalization, *, limit: int | None = SCORED_CANDIDATES
    ) -> set[int]:
        """Return the numbers of the entries worth scoring for ``query``: every entry that
        shares its text or a key, and the best entries of the best ``limit`` entities among the
        others (None: all of them)."""
        return self.candidate_split(query, limit=limit)[0]

    def candidate_split(
        self, query: Normalization, *, limit: int | None = SCORED_CANDIDATES
    ) -> tuple[set[int], tuple[int, ...]]:
        """:meth:`candidates`, and the entries the bound left out, best first (up to
        ``SPARE_CANDIDATES`` of them): the resolver takes back those its context names."""
        anchored = self._anchored(query)
        found = self._by_tokens(query)
        found.difference_update(anchored)
        if limit is None or len(anchored) + len(found) <= limit:
            return anchored | found, ()
        # The best entities, not the best strings: one entity's many aliases must not crowd
        # out the rivals that make a mention ambiguous ("Barzani").
        entities = {int(self.entry_entity[number]) for number in anchored}
        taken: dict[int, int] = {}
        kept = set(anchored)
        spare: list[int] = []
        ranked = self._ranked(query, found)
        floor = ranked[0][1] - RANK_MARGIN if ranked else 0.0
        owners = self.entry_entity[[number for number, _ in ranked]].tolist()
        for (number, score), entity in zip(ranked, owners, strict=True):
            room = entity in entities or (
                len(entities) < limit and (len(entities) < MIN_SCORED_ENTITIES or score >= floor)
            )
            if room and taken.get(entity, 0) < ENTRIES_PER_ENTITY:
                kept.add(number)
                entities.add(entity)
                taken[entity] = taken.get(entity, 0) + 1
            elif len(spare) < SPARE_CANDIDATES:
                spare.append(number)
        return kept, tuple(spare)

    def has_candidates(self, query: Normalization) -> bool:
        """Whether :meth:`candidates` would yield any entry for ``query``, without ranking
        them: what the annotator asks of each word of running text.

        >>> from namenorm import load_table
        >>> index = CandidateIndex.build(load_table())
        >>> index.has_candidates(analyze("Solaimani")), index.has_candidates(analyze("Tuesday"))
        (True, False)
        """
        return bool(self._anchored(query)) or bool(self._by_tokens(query))

    def candidate_entities(self, name: str, *, limit: int | None = SCORED_CANDIDATES) -> set[str]:
        """The ids of the entities whose entries :meth:`candidates` yields for ``name``.

        >>> from namenorm import load_table
        >>> "qasem-soleimani" in CandidateIndex.build(load_table()).candidate_entities("Solaimani")
        True
        """
        return {
            self.entities[int(self.entry_entity[number])].id
            for number in self.candidates(analyze(name), limit=limit)
        }

    def _anchored(self, query: Normalization) -> set[int]:
        keys = []
        if query.text:
            keys.append(_EXACT_TEXT + query.text)
        phonetic = compact(query.phonetic)
        if phonetic:
            keys.append(_EXACT_PHONETIC + phonetic)
        skeleton = compact(query.skeleton)
        if len(skeleton) >= MIN_SKELETON_NAME:
            keys.append(_EXACT_SKELETON + skeleton)
        return set(self.exact.get_many(keys).tolist())

    def _by_tokens(self, query: Normalization) -> set[int]:
        """Entries that share a rare word with the mention (or, near enough, a neighbour of
        it), or two of its words however common: each word votes for the entries that have
        it or one of its neighbours."""
        words = query.phonetic.split()
        found = self._by_words(words, _WORD, spelled=True, lone=len(words) == 1)
        if query.latin:
            return found
        # A script mention's words are compared by their consonants too (vowels are seldom
        # written), and, spelled out, with their neighbours: ج is the g of foreign names
        # (جالانت, Gallant), one letter from the j the key makes of it.
        words = query.skeleton.split()
        # Lone: one word as written (one-letter skeleton words, skipped below, still count).
        lone = len(words) == 1
        words = [word for word in words if len(word) >= 2]
        return found | self._by_words(words, _SKELETON_WORD, spelled=False, lone=lone)

    def _by_words(self, words: list[str], prefix: str, *, spelled: bool, lone: bool) -> set[int]:
        """:meth:`_by_tokens` for one kind of word (``prefix``): ``spelled`` words bring their
        neighbours, and ``lone`` says the mention is one word."""
        # Each word with its neighbours; the postings of all of them are looked up together.
        nears = [[word, *self._neighbours(word)] if spelled else [word] for word in words]
        every = self.words.get_each([prefix + token for near in nears for token in near])
        rare: list[Int32Array] = []
        voters: list[Int32Array] = []
        start = 0
        for word, near in zip(words, nears, strict=True):
            postings = [
                found
                for found in every[start : start + len(near)]
                if 0 < len(found) <= MAX_POSTINGS
            ]
            start += len(near)
            if not postings:
                continue
            joined = sorted_union(postings)
            voters.append(joined)
            if self._is_rare(word, joined, lone=lone):
                rare.append(joined)
        if not voters:
            return set()
        # Kept as sorted arrays until the end: sets of tens of thousands of postings are slow.
        parts = list(rare)
        if len(voters) >= 2:
            parts.append(_shared(voters))
        found = sorted_union(parts)
        if not len(found):
            # Only common words, and no entry has two of them: the rarest word's entries.
            found = min(voters, key=len)
        if len(found) > MAX_RANKED:
            # Most words shared first; ties in entry order, so the cut is the same every time.
            votes = sum(_members(found, voter).astype(np.int64) for voter in voters)
            found = found[np.argsort(-votes, kind="stable")[:MAX_RANKED]]
        return set(found.tolist())

    def _is_rare(self, word: str, postings: Int32Array, *, lone: bool) -> bool:
        if lone:
            return len(postings) <= LONE_TOKEN_POSTINGS
        position = self.token_position(word)
        entities = len(postings) if position is None else int(self.vocabulary_entities[position])
        return entities <= COMMON_TOKEN_ENTITIES

    def _neighbours(self, token: str) -> tuple[str, ...]:
        """The vocabulary tokens near ``token`` (not itself), best first, at most
        ``FUZZY_TOKEN_LIMIT``: found one or two deletions deep for a word the table lacks, one
        for a word it has."""
        known = self._neighbour_cache.get(token)
        if known is not None:
            return known
        found: tuple[str, ...] = ()
        if _fuzzy(token, QUERY_FUZZY_MIN_LENGTH):
            positions = self.neighbours.get_many(self._deletion_keys(token)).tolist()
            found = _nearest(token, self.vocabulary.take(positions))
        self._remember_neighbours(token, found)
        return found

    def look_up_neighbours(self, queries: Iterable[Normalization]) -> None:
        """Find the fuzzy neighbours of the words of many mentions at once, each word's the
        same as :meth:`candidates` finds alone, with one lookup of the index for all of them:
        what ``Resolver.resolve_many`` does before resolving a batch of mentions.

        >>> from namenorm import load_table
        >>> index = CandidateIndex.build(load_table())
        >>> index.look_up_neighbours([analyze("Qasem Solaimani"), analyze("Hadi Ameri")])
        >>> index.candidate_entities("Solaimani") >= {"qasem-soleimani"}
        True
        """
        words = [
            word
            for word in dict.fromkeys(word for query in queries for word in query.phonetic.split())
            if word not in self._neighbour_cache
        ]
        fuzzy: list[str] = []
        for word in words:
            if _fuzzy(word, QUERY_FUZZY_MIN_LENGTH):
                fuzzy.append(word)
            else:
                self._remember_neighbours(word, ())
        keys = [self._deletion_keys(word) for word in fuzzy]
        runs = self.neighbours.get_each([key for word_keys in keys for key in word_keys])
        positions: list[list[int]] = []
        start = 0
        for word_keys in keys:
            found = runs[start : start + len(word_keys)]
            start += len(word_keys)
            positions.append(sorted_union(found).tolist())
        strings = self.vocabulary.take([position for some in positions for position in some])
        start = 0
        for word, some in zip(fuzzy, positions, strict=True):
            self._remember_neighbours(word, _nearest(word, strings[start : start + len(some)]))
            start += len(some)

    def _deletion_keys(self, token: str) -> list[str]:
        # A word of the table is most likely written as meant, so it looks one deletion deep,
        # not two: long words' two-deletion neighbourhoods are the costliest lookups of a
        # query, and only a word the table lacks (a typo) needs them. A common word keeps its
        # neighbours: given names have spellings the keys do not merge (Siavesh, Siavash).
        known_word = self.token_position(token) is not None
        return sorted(deletions(token, 1 if known_word else _deletion_distance(token)))

    def _remember_neighbours(self, token: str, found: tuple[str, ...]) -> None:
        self._neighbour_cache.put(token, found)

    def _ranked(self, query: Normalization, numbers: set[int]) -> list[tuple[int, float]]:
        """``numbers`` with a bulk rapidfuzz score against ``query``, best first."""
        ordered = sorted(numbers)
        column = self.phonetics if query.latin else self.skeletons
        key = query.phonetic if query.latin else query.skeleton
        scores = process.cdist([key], column.take(ordered), scorer=fuzz.WRatio)[0]
        if not query.latin:
            # A script mention's consonants match many names; the strings that also spell its
            # words the same way (an alias in its own script) come first.
            written = process.cdist([query.text], self.texts.take(ordered), scorer=fuzz.WRatio)
            scores = (scores + written[0]) / 2
        # Highest score first; ties go to the lower entry number, so the order is stable.
        order = np.argsort(-scores, kind="stable")
        numbers = np.asarray(ordered, dtype=np.int64)[order].tolist()
        return list(zip(numbers, scores[order].tolist(), strict=True))

    # -- snapshots -----------------------------------------------------------------------

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Every array of the index, named, for a snapshot."""
        arrays: dict[str, npt.NDArray[Any]] = {
            "entry_entity": self.entry_entity,
            "entry_role": self.entry_role,
            "entity_entries": self.entity_entries,
            "latin": self.latin,
            "key_owners": self.key_owners,
            "vocabulary_entities": self.vocabulary_entities,
            "vocabulary_owner": self.vocabulary_owner,
        }
        for name in _COLUMNS:
            arrays.update(getattr(self, name).arrays(name))
        for name in _MULTIMAPS:
            arrays.update(getattr(self, name).arrays(name))
        return arrays

    @classmethod
    def from_arrays(
        cls, entities: Sequence[Entity], arrays: Mapping[str, npt.NDArray[Any]]
    ) -> CandidateIndex:
        """The index stored by :meth:`arrays`, over ``entities``."""
        columns: dict[str, Any] = {
            name: StringColumn.from_arrays(arrays, name) for name in _COLUMNS
        }
        multimaps: dict[str, Any] = {
            name: KeyMultimap.from_arrays(arrays, name) for name in _MULTIMAPS
        }
        return cls(
            entities=entities,
            entry_entity=arrays["entry_entity"],
            entry_role=arrays["entry_role"],
            entity_entries=arrays["entity_entries"],
            latin=arrays["latin"],
            key_owners=arrays["key_owners"],
            vocabulary_entities=arrays["vocabulary_entities"],
            vocabulary_owner=arrays["vocabulary_owner"],
            **columns,
            **multimaps,
        )


_ENTRY_CACHE_SIZE = 1 << 16


def _rebuilt_analysis(
    string: str, text: str, tokens: str, phonetic: str, skeleton: str, *, latin: bool
) -> Normalization:
    """An entry's analysis from its columns (tokens space-joined), without the steps."""
    descriptors = load_rules().descriptors
    return Normalization(
        original=string,
        text=text,
        steps=(),
        titles=(),
        tokens=tuple(tokens.split()),
        phonetic=phonetic,
        skeleton=skeleton,
        latin=latin,
        descriptors=tuple(word for word in text.split() if word in descriptors),
    )


_COLUMNS = ("strings", "texts", "tokens", "phonetics", "skeletons", "vocabulary")
_MULTIMAPS = ("exact", "words", "vocabulary_ids", "neighbours", "skeleton_owner")


def _nearest(token: str, others: Sequence[str]) -> tuple[str, ...]:
    """The best of the vocabulary words ``others`` (in ascending position, as the deletion
    index gives them) near enough to ``token``, best first, at most ``FUZZY_TOKEN_LIMIT``."""
    # Scored in one call: a short word's deletions reach hundreds of tokens.
    scores = process.cdist(
        [token], others, scorer=fuzz.ratio, score_cutoff=FUZZY_TOKEN_CUTOFF, dtype=np.float64
    )[0].tolist()
    scored = sorted(
        (-score, other)
        for other, score in zip(others, scores, strict=True)
        if score and other != token
    )
    return tuple(other for _, other in scored[:FUZZY_TOKEN_LIMIT])


def _members(values: Int32Array, pool: Int32Array) -> npt.NDArray[np.bool_]:
    """Which of ``values`` are in ``pool`` (sorted, without repeats), by binary search: a
    short list against tens of thousands of postings, without sorting them again."""
    if not len(pool):
        return np.zeros(len(values), dtype=np.bool_)
    at = np.minimum(np.searchsorted(pool, values), len(pool) - 1)
    return np.asarray(pool[at] == values, dtype=np.bool_)


def _shared(voters: Sequence[Int32Array]) -> Int32Array:
    """The values found in at least two of ``voters`` (each sorted, without repeats), ascending:
    each pair is intersected by searching the shorter in the longer, as a common word's
    postings are many and a rare word's few."""
    found = []
    for first, second in itertools.combinations(voters, 2):
        short, long = (first, second) if len(first) <= len(second) else (second, first)
        found.append(short[_members(short, long)])
    return sorted_union(found)


def _exact_pairs(
    analyses: Sequence[_Analysis], phonetic_compacts: Sequence[str]
) -> Iterator[tuple[str, int]]:
    for number, (item, phonetic) in enumerate(zip(analyses, phonetic_compacts, strict=True)):
        if item[0]:
            yield _EXACT_TEXT + item[0], number
        if phonetic:
            yield _EXACT_PHONETIC + phonetic, number
        skeleton = compact(item[3])
        if skeleton:
            yield _EXACT_SKELETON + skeleton, number


def _neighbour_pairs(vocabulary: Sequence[str]) -> Iterator[tuple[str, int]]:
    """Each deletion variant of each vocabulary word long enough to have neighbours, with the
    word's position."""
    for position, token in enumerate(vocabulary):
        if _fuzzy(token, FUZZY_MIN_LENGTH):
            for variant in deletions(token, _deletion_distance(token)):
                yield variant, position


def _word_pairs(analyses: Sequence[_Analysis]) -> Iterator[tuple[str, int]]:
    for number, item in enumerate(analyses):
        for token in set(item[2].split()):
            yield _WORD + token, number
        for token in set(item[3].split()):
            yield _SKELETON_WORD + token, number
