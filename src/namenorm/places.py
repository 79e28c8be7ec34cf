"""Which places of a table a name speaks of, and which places an entity belongs to.

An organization's name often carries the place it belongs to: the "US" of "US Supreme Court",
the "Israeli" of "Israeli Supreme Court". A mention whose place words name none of the places
an entity belongs to names something else, however close the rest of it is ("Supreme Court" is
an alias of the Federal Supreme Court of Iraq). The places are the table's own: its place
entities' names and aliases, the demonyms of ``demonyms.tsv`` whose country is among them, and
each place's ``country`` attribute, so that "Baghdad" also speaks of Iraq.

>>> from namenorm import load_table
>>> from namenorm.normalize import analyze
>>> index = load_table().compile()
>>> places = PlaceIndex(index)
>>> court = index.entities.index(load_table()["federal-supreme-court-of-iraq"])
>>> places.conflicts(analyze("US Supreme Court"), court)
True
>>> places.conflicts(analyze("Iraqi Supreme Court"), court)
False
>>> places.conflicts(analyze("Supreme Court"), court)
False
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from namenorm.index import CandidateIndex
from namenorm.memo import BoundedMemo
from namenorm.model import Normalization
from namenorm.normalize import analyze
from namenorm.resources import cache, register_cache
from namenorm.rules import read_rows

__all__ = ["COUNTRY_ATTRIBUTE", "PlaceIndex", "load_demonyms"]

COUNTRY_ATTRIBUTE = "country"
"""The entity attribute naming the country an entity belongs to (a place of the table)."""

# Longer runs of words are not looked up as one place name ("United States of America" is
# found through its aliases "United States" and "US").
MAX_PLACE_WORDS = 3
# Words and entities remembered; past that the memory is emptied (a corpus over a large table).
_KEPT = 1 << 16
_EMPTY: frozenset[int] = frozenset()


@register_cache
@cache
def load_demonyms() -> Mapping[str, str]:
    """The demonyms of ``demonyms.tsv``: phonetic key of the demonym to that of its place.

    >>> load_demonyms()[analyze("Syrian").phonetic] == analyze("Syria").phonetic
    True
    """
    return {
        analyze(demonym).phonetic: analyze(place).phonetic
        for _, (demonym, place) in read_rows("demonyms.tsv", 2)
    }


class PlaceIndex:
    """The places of one compiled table, looked up by the phonetic keys of a name's words.

    Nothing is built ahead: each run of words is looked up in the table's own index when first
    met, and remembered. Safe to share between threads (two threads may both look a word up;
    both find the same).

    >>> from namenorm import load_table
    >>> index = load_table().compile()
    >>> places = PlaceIndex(index)
    >>> sorted(index.entities[i].id for i in places.named_in(analyze("Baghdad Airport")))
    ['baghdad', 'baghdad-international-airport', 'iraq']
    """

    def __init__(self, index: CandidateIndex) -> None:
        self._index = index
        self._demonyms = load_demonyms()
        self._words: BoundedMemo[str, frozenset[int]] = BoundedMemo(_KEPT)
        self._anchors: BoundedMemo[int, frozenset[int]] = BoundedMemo(_KEPT)

    def _own_places(self, key: str) -> frozenset[int]:
        """The place entities one of whose names has the phonetic key ``key``."""
        index = self._index
        return frozenset(
            entity
            for entity in {int(index.entry_entity[n]) for n in index.entries_keyed(key)}
            if index.entities[entity].kind == "place"
        )

    def _places_of(self, key: str) -> frozenset[int]:
        """The places a run of words (its phonetic key) names, with their countries."""
        known = self._words.get(key)
        if known is not None:
            return known
        owners = self._own_places(key)
        if not owners and key in self._demonyms:
            owners = self._own_places(self._demonyms[key])
        found = set(owners)
        for place in owners:
            # A place speaks of its country too: "Baghdad" of Iraq.
            country = self._index.entities[place].attributes.get(COUNTRY_ATTRIBUTE)
            if isinstance(country, str):
                found.update(self._own_places(analyze(country).phonetic))
        return self._words.put(key, frozenset(found))

    def _in_keys(self, keys: Sequence[str]) -> frozenset[int]:
        found: set[int] = set()
        for start in range(len(keys)):
            for end in range(start + 1, min(len(keys), start + MAX_PLACE_WORDS) + 1):
                found.update(self._places_of(" ".join(keys[start:end])))
        return frozenset(found)

    def named_in(self, name: Normalization) -> frozenset[int]:
        """The places (entity indexes) that the words of a Latin-letter name speak of."""
        if not name.latin:
            return _EMPTY
        return self._in_keys(name.phonetic.split())

    def belongs_to(self, entity_index: int) -> frozenset[int]:
        """The places an entity belongs to: those its names and aliases (in Latin letters)
        speak of, itself when it is a place, and its ``country``.

        >>> from namenorm import load_table
        >>> index = load_table().compile()
        >>> kataib = index.entities.index(load_table()["kataib-hezbollah"])
        >>> [index.entities[i].id for i in PlaceIndex(index).belongs_to(kataib)]
        ['iraq']
        """
        known = self._anchors.get(entity_index)
        if known is not None:
            return known
        index = self._index
        entity = index.entities[entity_index]
        found: set[int] = set()
        for number in index.entry_numbers(entity_index):
            if index.latin[number]:
                found.update(self._in_keys(index.phonetics[number].split()))
        if entity.kind == "place":
            found.add(entity_index)
        country = entity.attributes.get(COUNTRY_ATTRIBUTE)
        if isinstance(country, str):
            found.update(self._places_of(analyze(country).phonetic))
        return self._anchors.put(entity_index, frozenset(found))

    def conflicts(self, name: Normalization, entity_index: int) -> bool:
        """Whether ``name`` speaks of places, the entity belongs to places, and none of them
        are the same: the US Supreme Court is not the Federal Supreme Court of Iraq."""
        return self.conflicts_among(self.named_in(name), entity_index)

    def conflicts_among(self, spoken: frozenset[int], entity_index: int) -> bool:
        """:meth:`conflicts`, with the places the name speaks of already looked up."""
        if not spoken:
            return False
        anchors = self.belongs_to(entity_index)
        return bool(anchors) and spoken.isdisjoint(anchors)
