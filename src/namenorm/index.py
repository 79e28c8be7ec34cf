"""Candidate generation: which table entries are worth scoring for a mention.

The index is built once per table from the same normalization the mentions get. It answers a
mention with the entries that share its normalized text, its phonetic or skeleton key, one of
its name tokens (so "Sudani" finds "Mohammed Shia al-Sudani"), or that lie in a bounded fuzzy
neighbourhood of its key or tokens (rapidfuzz over the key vocabularies). Scoring happens
elsewhere (:mod:`namenorm.score`): the index decides recall, the scorer precision.

>>> from namenorm import load_table
>>> index = CandidateIndex.build(load_table())
>>> hits = index.candidates(analyze("Sudani"))
>>> "mohammed-shia-al-sudani" in {index.entries[i].entity.id for i in hits}
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import attrs
from rapidfuzz import fuzz, process

from namenorm.model import Entity, Normalization
from namenorm.normalize import analyze

__all__ = ["CandidateIndex", "Entry", "compact"]

Role = Literal["name", "alias", "error"]

FUZZY_KEY_LIMIT = 12
"""How many nearest whole-name phonetic keys the fuzzy neighbourhood adds."""
FUZZY_KEY_CUTOFF = 70.0
FUZZY_TOKEN_LIMIT = 6
"""How many nearest name tokens, per mention token, the fuzzy neighbourhood adds."""
FUZZY_TOKEN_CUTOFF = 75.0
COMMON_TOKEN_ENTITIES = 40
"""A token carried by more entities than this (abu, mohammed) adds no candidates by itself."""


def compact(key: str) -> str:
    """A key without its spaces, so that spacing differences (Nasr Allah / Nasrallah) vanish.

    >>> compact("nasr ala")
    'nasrala'
    """
    return key.replace(" ", "")


@attrs.frozen
class Entry:
    """One string of the table (a name, an alias or a known error), analyzed once.

    >>> from namenorm import Entity
    >>> index = CandidateIndex.build([Entity(id="x", name="Rai al-Youm", errors=["Rai Allium"])])
    >>> [(entry.role, entry.phonetic_compact) for entry in index.entries]
    [('name', 'raiium'), ('error', 'raialium')]
    """

    entity: Entity
    entity_index: int
    role: Role
    string: str
    analysis: Normalization
    phonetic_compact: str
    skeleton_compact: str


def _add(postings: dict[str, list[int]], key: str, entry: int) -> None:
    if key:
        postings.setdefault(key, []).append(entry)


def _unique_owners(owners: Mapping[str, set[int]]) -> dict[str, int]:
    """Tokens carried by a single entity, and that entity: a mention with one names it."""
    return {token: next(iter(ids)) for token, ids in owners.items() if len(ids) == 1}


@attrs.frozen
class CandidateIndex:
    """Dictionaries and fuzzy vocabularies over every entry of a table; build with ``build``.

    >>> from namenorm import Entity
    >>> index = CandidateIndex.build([Entity(id="x", name="Hadi al-Amiri")])
    >>> sorted(index.candidates(analyze("Hadi Ameri")))
    [0]
    """

    entities: tuple[Entity, ...]
    entries: tuple[Entry, ...]
    by_text: Mapping[str, Sequence[int]]
    by_phonetic: Mapping[str, Sequence[int]]
    by_skeleton: Mapping[str, Sequence[int]]
    by_token: Mapping[str, Sequence[int]]
    by_skeleton_token: Mapping[str, Sequence[int]]
    token_entities: Mapping[str, int]
    unique_token_owner: Mapping[str, int]
    unique_skeleton_owner: Mapping[str, int]
    phonetic_keys: tuple[str, ...]
    phonetic_key_entries: tuple[Sequence[int], ...]
    tokens: tuple[str, ...]

    @classmethod
    def build(cls, entities: Iterable[Entity]) -> CandidateIndex:
        """Index every name, alias and known error of ``entities``."""
        entity_list = tuple(entities)
        entries: list[Entry] = []
        for position, entity in enumerate(entity_list):
            strings: list[tuple[Role, str]] = [("name", entity.name)]
            strings += [("alias", alias) for alias in entity.aliases]
            strings += [("error", error) for error in entity.errors]
            seen: set[str] = set()
            for role, string in strings:
                if string in seen:
                    continue
                seen.add(string)
                analysis = analyze(string)
                entries.append(
                    Entry(
                        entity=entity,
                        entity_index=position,
                        role=role,
                        string=string,
                        analysis=analysis,
                        phonetic_compact=compact(analysis.phonetic),
                        skeleton_compact=compact(analysis.skeleton),
                    )
                )
        by_text: dict[str, list[int]] = {}
        by_phonetic: dict[str, list[int]] = {}
        by_skeleton: dict[str, list[int]] = {}
        by_token: dict[str, list[int]] = {}
        by_skeleton_token: dict[str, list[int]] = {}
        token_owners: dict[str, set[int]] = {}
        skeleton_owners: dict[str, set[int]] = {}
        for number, entry in enumerate(entries):
            _add(by_text, entry.analysis.text, number)
            _add(by_phonetic, entry.phonetic_compact, number)
            _add(by_skeleton, entry.skeleton_compact, number)
            for token in set(entry.analysis.phonetic.split()):
                _add(by_token, token, number)
                token_owners.setdefault(token, set()).add(entry.entity_index)
            for token in set(entry.analysis.skeleton.split()):
                _add(by_skeleton_token, token, number)
                skeleton_owners.setdefault(token, set()).add(entry.entity_index)
        phonetic_keys = tuple(sorted(by_phonetic))
        return cls(
            entities=entity_list,
            entries=tuple(entries),
            by_text=by_text,
            by_phonetic=by_phonetic,
            by_skeleton=by_skeleton,
            by_token=by_token,
            by_skeleton_token=by_skeleton_token,
            token_entities={token: len(owners) for token, owners in token_owners.items()},
            unique_token_owner=_unique_owners(token_owners),
            unique_skeleton_owner=_unique_owners(skeleton_owners),
            phonetic_keys=phonetic_keys,
            phonetic_key_entries=tuple(by_phonetic[key] for key in phonetic_keys),
            tokens=tuple(sorted(by_token)),
        )

    def candidates(self, query: Normalization) -> set[int]:
        """Return the numbers of the entries worth scoring for ``query``."""
        found: set[int] = set()
        phonetic = compact(query.phonetic)
        skeleton = compact(query.skeleton)
        found.update(self.by_text.get(query.text, ()))
        found.update(self.by_phonetic.get(phonetic, ()))
        if len(skeleton) >= 2:
            found.update(self.by_skeleton.get(skeleton, ()))
        tokens = query.phonetic.split()
        for token in tokens:
            if len(tokens) == 1 or self.token_entities.get(token, 0) <= COMMON_TOKEN_ENTITIES:
                found.update(self.by_token.get(token, ()))
        if not query.latin:
            for token in query.skeleton.split():
                if len(token) >= 2:
                    found.update(self.by_skeleton_token.get(token, ()))
        if phonetic:
            for _, _, position in process.extract(
                phonetic,
                self.phonetic_keys,
                scorer=fuzz.ratio,
                limit=FUZZY_KEY_LIMIT,
                score_cutoff=FUZZY_KEY_CUTOFF,
            ):
                found.update(self.phonetic_key_entries[position])
        for token in tokens:
            if len(token) < 4:
                continue
            for neighbour, _, _ in process.extract(
                token,
                self.tokens,
                scorer=fuzz.ratio,
                limit=FUZZY_TOKEN_LIMIT,
                score_cutoff=FUZZY_TOKEN_CUTOFF,
            ):
                if self.token_entities.get(neighbour, 0) <= COMMON_TOKEN_ENTITIES:
                    found.update(self.by_token[neighbour])
        return found
