"""Names of their own that are close in spelling: a fuzzy match forgives a typo, not another name.

Matching by spelling lets "Kadhlmi" be a typo of Kadhimi. Left alone it would also read "Haider
Abbasi" as Haider al-Abadi: *Abbasi* (عباسي) is one letter from *Abadi* (عبادي), as *Karimi* is
from *Kadhimi* and *Salem* (سالم) from *Salih* (صالح), and each is a name in its own right. The
names are data (``names.tsv``): a row lists the romanizations of one name. Two words whose
phonetic keys belong to different rows only are two names; the scorer does not pair them by
spelling when they also differ by a consonant in place (:func:`namenorm.score.pair_features`).
A word that is no name of the file (a typo, an unusual romanization) is matched as before, and
so is a known error of a table, which matches whole.

The resolver reads the book for one more rule: a name many people carry, alone, is nobody in
particular. A one-word mention that spells a name of the book is no candidate for a person
whose names it only opens ("David" is not David Des Roches, nor "Mustafa" Mustafa
al-Kadhimi), unless a title goes with it ("Sheikh Qais") or the table lists the word alone or
last in one of the person's names ("Bibi", "Mam Jalal"). The book therefore also lists common
given names of English-language and Israeli news; a given name that news does use alone for
one person (Muqtada, Kamala) is not in it.

>>> from namenorm.normalize import analyze
>>> book = load_name_book()
>>> book.distinct(analyze("Abbasi").phonetic, analyze("Abadi").phonetic)
True
>>> book.distinct(analyze("Kadhlmi").phonetic, analyze("Kadhimi").phonetic)
False
>>> book.distinct(analyze("Jawad").phonetic, analyze("Javad").phonetic)
False
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from namenorm.errors import RulesError
from namenorm.normalize import analyze
from namenorm.resources import cache, data_path, register_cache
from namenorm.rules import read_rows

__all__ = ["NameBook", "load_name_book"]

_FILE = "names.tsv"


@attrs.frozen
class NameBook:
    """The names of ``names.tsv``: for each phonetic key, the rows (names) it spells.

    >>> book = NameBook({"abasi": frozenset({0}), "abadi": frozenset({1})})
    >>> book.distinct("abasi", "abadi"), book.distinct("abasi", "kadimi")
    (True, False)
    """

    names_of: Mapping[str, frozenset[int]]

    def distinct(self, left: str, right: str) -> bool:
        """Whether two phonetic keys of one word each are two names: both spell a name of the
        book and no name is spelled by both."""
        left_names = self.names_of.get(left)
        if left_names is None:
            return False
        right_names = self.names_of.get(right)
        return right_names is not None and left_names.isdisjoint(right_names)


@register_cache
@cache
def load_name_book() -> NameBook:
    """The names shipped in ``names.tsv`` (read once). A spelling that is not one word once
    normalized raises :class:`~namenorm.errors.RulesError` naming the file and line.

    >>> len(load_name_book().names_of) > 150
    True
    """
    names_of: dict[str, set[int]] = {}
    for number, (line, (spellings, _script)) in enumerate(read_rows(_FILE, 2)):
        for spelling in spellings.split("|"):
            analysis = analyze(spelling)
            if not analysis.latin or len(analysis.tokens) != 1:
                raise RulesError(
                    f"{spelling!r} is not one word in Latin letters once normalized "
                    f"({analysis.text!r})",
                    path=data_path(_FILE),
                    line=line,
                    field="spellings",
                )
            names_of.setdefault(analysis.phonetic, set()).add(number)
    return NameBook({key: frozenset(rows) for key, rows in names_of.items()})
