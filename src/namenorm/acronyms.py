"""Acronyms: a mention written as the capital initials of a table name ("ISA", "IRI").

News names an organization by its initials as often as by its name, and a table cannot list
every acronym of every name: Shin Bet is the ISA (Israel Security Agency), the Islamic
Resistance in Iraq the IRI. A mention of three to seven capitals (dots between them allowed,
and a lower-case letter for a particle: "CoR") is looked up among the initials of the table's
Latin names of organizations, places, outlets and other non-people, each name read twice:
with every word, and without its particles ("Asa'ib Ahl al-Haq" is AAAH and AAH; "Islamic
Resistance in Iraq" is IRII and IRI).

People are left out: their initials ("AK", "MS") name nobody in the news. So are known errors,
which are not names, and names of a single word, whose initial is one letter. Initials are
weak evidence alone ("IRI" is also the International Republican Institute): the resolver
holds such candidates in reserve and counts one only in a sentence that speaks of its entity
by two of its context words or another of its names. It then compares the mention as the name
it abbreviates and marks the match with the ``acronym`` feature and method.

>>> from namenorm import Entity
>>> from namenorm.index import CandidateIndex
>>> index = CandidateIndex.build([
...     Entity(id="isa", name="Shin Bet", kind="org", aliases=["Israel Security Agency"]),
...     Entity(id="person", name="Ivan Sergei Antonov", kind="person"),
... ])
>>> acronyms = Acronyms.of(index)
>>> acronym_letters("I.S.A."), acronyms.entries("isa")
('isa', (1,))
>>> acronym_letters("Isa"), acronyms.entries("isb")
(None, ())
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from namenorm.index import ROLES, CandidateIndex
from namenorm.rules import load_rules

__all__ = ["MAX_LETTERS", "MIN_LETTERS", "Acronyms", "acronym_letters", "initials"]

MIN_LETTERS = 3
"""The shortest acronym looked up: two capitals ("US", "KH") stand for too many names, and the
table lists the two-letter acronyms that matter as aliases."""

MAX_LETTERS = 7
"""The longest acronym looked up; a longer run of capitals is a word set in capitals."""

# Capitals, each maybe followed by a dot; a lower-case letter stands between two of them for
# a particle ("CoR", the Council of Representatives; "DoS", the Department of State).
_ACRONYM = re.compile(r"[A-Z]\.?(?:[a-z]?[A-Z]\.?)+")
_ERROR = ROLES.index("error")


def acronym_letters(mention: str) -> str | None:
    """The lower-case letters of ``mention`` if it is written as an acronym, else None.

    >>> acronym_letters(" IRGC "), acronym_letters("K.D.P."), acronym_letters("CoR")
    ('irgc', 'kdp', 'cor')
    >>> acronym_letters("US"), acronym_letters("Iraq"), acronym_letters("ISIS fighters")
    (None, None, None)
    """
    stripped = mention.strip()
    if not _ACRONYM.fullmatch(stripped):
        return None
    letters = stripped.replace(".", "")
    if not MIN_LETTERS <= len(letters) <= MAX_LETTERS:
        return None
    return letters.lower()


def initials(text: str, particles: frozenset[str]) -> frozenset[str]:
    """The acronyms of a normalized name: the initials of all its words, and of its words
    without particles, of ``MIN_LETTERS`` to ``MAX_LETTERS`` letters.

    >>> sorted(initials("islamic resistance in iraq", frozenset({"in", "al"})))
    ['iri', 'irii']
    >>> sorted(initials("hezbollah", frozenset()))
    []
    """
    words = text.split()
    readings = {
        "".join(word[0] for word in words),
        "".join(word[0] for word in words if word not in particles),
    }
    return frozenset(reading for reading in readings if MIN_LETTERS <= len(reading) <= MAX_LETTERS)


@attrs.frozen
class Acronyms:
    """The entries of a table by their acronyms; build with ``of``.

    >>> from namenorm import Entity
    >>> index = CandidateIndex.build(
    ...     [Entity(id="iri", name="Islamic Resistance in Iraq", kind="org")]
    ... )
    >>> sorted(Acronyms.of(index).by_letters.items())
    [('iri', (0,)), ('irii', (0,))]
    """

    by_letters: Mapping[str, tuple[int, ...]]
    """Acronym letters (lower case) to the entry numbers whose names they abbreviate."""

    @classmethod
    def of(cls, index: CandidateIndex) -> Acronyms:
        """The acronyms of every Latin name and alias of a non-person in ``index``."""
        particles = load_rules().particles
        people = {
            position for position, entity in enumerate(index.entities) if entity.kind == "person"
        }
        found: dict[str, list[int]] = {}
        roles = index.entry_role.tolist()
        owners = index.entry_entity.tolist()
        latin = index.latin.tolist()
        for number, text in enumerate(index.texts):
            if not latin[number] or roles[number] == _ERROR or owners[number] in people:
                continue
            for letters in sorted(initials(text, particles)):
                found.setdefault(letters, []).append(number)
        return cls({letters: tuple(numbers) for letters, numbers in found.items()})

    def entries(self, letters: str) -> tuple[int, ...]:
        """The entry numbers whose names ``letters`` abbreviates, in table order."""
        return self.by_letters.get(letters, ())
