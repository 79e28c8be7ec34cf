"""Glossed readings of a mention: its words as a translation renders them.

Machine translation renders a name word by word ("Popular Crowd" for al-Hashd al-Shaabi, "Abu
Mahdi the Engineer" for Abu Mahdi al-Muhandis), and a name in Arabic or Persian script is as
often a translation as a transliteration (البرلمان العراقي is "the Iraqi parliament"). No
spelling rule reaches those. ``glosses.tsv`` lists the words of institutional names by meaning:
the English word, its other English renderings, its romanizations and its script forms. A
mention's glossed readings replace each listed word by the renderings of its meaning that the
table's names use; the resolver tries them when the mention itself fits no name whole.

Latin words are looked up by phonetic key, script words by their consonants (unidecode leaves
Arabic script unvowelled), and a reading of script is put in English order: the head noun of an
Arabic or Persian name comes first, its modifiers after ("parliament Iraqi").

>>> from namenorm.normalize import analyze
>>> glosses = load_glosses()
>>> def table_knows(*words):  # the words of a table's names, by phonetic key
...     return {analyze(word).phonetic for word in words}.__contains__
>>> glosses.readings(analyze("Popular Crowd"), table_knows("popular", "mobilization", "hashd"))
('popular mobilization', 'popular hashd')
>>> glosses.readings(analyze("البرلمان العراقي"), table_knows("Iraqi", "parliament"))
('iraqi parliament',)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

import attrs

from namenorm.errors import RulesError
from namenorm.model import Normalization
from namenorm.normalize import analyze
from namenorm.resources import cache, data_path, register_cache
from namenorm.rules import read_rows

__all__ = ["MAX_READINGS", "MIN_SCRIPT_CONSONANTS", "Gloss", "Glosses", "load_glosses"]

MAX_READINGS = 4
"""The most glossed readings tried for one mention: each costs a lookup as long as the
mention's own, and a mention of several listed words has many combinations."""

MIN_SCRIPT_CONSONANTS = 2
"""A script rendering of fewer consonants is not looked up: unvowelled, one consonant stands
for too many words (قوة, force, is a bare "k")."""

_FILE = "glosses.tsv"


@attrs.frozen
class Gloss:
    """One meaning of ``glosses.tsv``: its Latin renderings (the English word first) as
    normalized words, with their phonetic keys.

    >>> load_glosses().meanings[0].words[:3]
    ('mobilization', 'mobilisation', 'crowd')
    >>> "hshd" in load_glosses().meanings[0].renderings  # حشد
    True
    """

    words: tuple[str, ...]
    keys: tuple[str, ...]
    renderings: frozenset[str] = frozenset()
    """Every rendering of the meaning as a normalized word, script forms included
    (``جيش`` is ``jysh``)."""


@attrs.frozen
class Glosses:
    """The glosses of ``glosses.tsv``: each meaning's renderings, and each rendering's meanings
    (by phonetic key for Latin words, by consonant skeleton for script words).

    >>> glosses = load_glosses()
    >>> [glosses.meanings[i].words[0] for i in glosses.latin[analyze("Hizb").phonetic]]
    ['party']
    """

    meanings: tuple[Gloss, ...]
    latin: Mapping[str, tuple[int, ...]]
    script: Mapping[str, tuple[int, ...]]

    def readings(
        self,
        query: Normalization,
        known: Callable[[str], bool],
        limit: int = MAX_READINGS,
    ) -> tuple[str, ...]:
        """The glossed readings of ``query`` (at most ``limit``), each a name in Latin letters:
        every listed word replaced in turn by the renderings of its meaning whose phonetic key
        ``known`` accepts (the words a table's names use). A Latin word may also stay as it is;
        a script word with no known rendering stays as unidecode spelled it. No reading when
        no word changes.

        >>> from namenorm.normalize import analyze
        >>> load_glosses().readings(analyze("Abu Mahdi the Engineer"), {"muhandis"}.__contains__)
        ('abumahdi muhandis',)
        >>> load_glosses().readings(analyze("Qassem Soleimani"), lambda key: True)
        ()
        """
        words = query.tokens
        keys = (query.phonetic if query.latin else query.skeleton).split()
        if not words or len(keys) != len(words):
            return ()  # the keys do not line up with the words: nothing to replace safely
        lookup = self.latin if query.latin else self.script
        options: list[list[str]] = []
        for word, key in zip(words, keys, strict=True):
            choices = [word] if query.latin else []
            # Renderings that share a phonetic key (muhandis, mohandis) find the same names:
            # one of them is enough, and a Latin word's own key is the word itself. (A script
            # word's key is a skeleton, not comparable with the renderings' phonetic keys.)
            taken = {key} if query.latin else set()
            for meaning in lookup.get(key, ()):
                gloss = self.meanings[meaning]
                for rendering, rendering_key in zip(gloss.words, gloss.keys, strict=True):
                    if rendering_key not in taken and known(rendering_key):
                        choices.append(rendering)
                        taken.add(rendering_key)
            options.append(choices or [word])
        readings: list[str] = []
        for combination in itertools.product(*options):
            if combination == words:
                continue
            ordered = combination if query.latin else combination[::-1]
            readings.append(" ".join(ordered))
            if len(readings) == limit:
                break
        return tuple(readings)


@register_cache
@cache
def load_glosses() -> Glosses:
    """The glosses shipped in ``glosses.tsv`` (read once). A rendering that is not one word
    once normalized raises :class:`~namenorm.errors.RulesError` naming the file and line.

    >>> len(load_glosses().meanings) > 50
    True
    """
    meanings: list[Gloss] = []
    latin: dict[str, list[int]] = {}
    script: dict[str, list[int]] = {}
    for line, (meaning, renderings, _why) in read_rows(_FILE, 3):
        words: list[str] = []
        keys: list[str] = []
        renderings_of: set[str] = set()
        number = len(meanings)
        for field, text in (("meaning", meaning), *(("renderings", r) for r in renderings.split())):
            analysis = analyze(text)
            if len(analysis.tokens) != 1:
                raise RulesError(
                    f"{text!r} is not one word once normalized ({analysis.text!r})",
                    path=data_path(_FILE),
                    line=line,
                    field=field,
                )
            renderings_of.add(analysis.tokens[0])
            if analysis.latin:
                if analysis.tokens[0] not in words:
                    words.append(analysis.tokens[0])
                    keys.append(analysis.phonetic)
                owners = latin.setdefault(analysis.phonetic, [])
            elif len(analysis.skeleton) >= MIN_SCRIPT_CONSONANTS:
                owners = script.setdefault(analysis.skeleton, [])
            else:
                continue  # one consonant is half the words of the script
            if number not in owners:
                owners.append(number)
        meanings.append(
            Gloss(words=tuple(words), keys=tuple(keys), renderings=frozenset(renderings_of))
        )
    return Glosses(
        meanings=tuple(meanings),
        latin={key: tuple(owners) for key, owners in latin.items()},
        script={key: tuple(owners) for key, owners in script.items()},
    )
