"""Respelled readings of a mention: the name as another romanization scheme writes it.

Turkish, the romanization of a large share of the region's press, writes the j of Jazira and
Javad as c (El Cezire, Cevad Zarif) and the a of Arabic and Persian names often as e (Mehdi,
Necib). The phonetic key cannot fold those letters, because English writes them for other
sounds. ``respellings.tsv`` lists each scheme's rules as data; a mention's respelled readings
are the mention with all of one scheme's rules applied, and the resolver tries them unless some
name matches every word of the mention itself by key.

>>> from namenorm.normalize import analyze
>>> load_respellings().readings(analyze("El Cezire"))
(('turkish', 'al jazira'),)
>>> load_respellings().readings(analyze("Muhammad Shia al-Sudani"))     # no c, no e
()
"""

from __future__ import annotations

import re

import attrs

from namenorm.model import Normalization
from namenorm.resources import cache, register_cache
from namenorm.rules import compile_rule, read_rows

__all__ = ["Respelling", "Respellings", "load_respellings"]

_FILE = "respellings.tsv"


@attrs.frozen
class Respelling:
    """One rule of a scheme: where ``pattern`` matches a normalized name, ``replacement``.

    >>> load_respellings().rules[0].id
    'tr.c'
    """

    scheme: str
    id: str
    pattern: re.Pattern[str]
    replacement: str


@attrs.frozen
class Respellings:
    """The rules of ``respellings.tsv``, in file order.

    >>> sorted({rule.scheme for rule in load_respellings().rules})
    ['turkish']
    """

    rules: tuple[Respelling, ...]
    # Each scheme with its rules, grouped once here rather than on every mention that is read.
    _by_scheme: tuple[tuple[str, tuple[Respelling, ...]], ...] = attrs.field(init=False, repr=False)

    @_by_scheme.default
    def _group(self) -> tuple[tuple[str, tuple[Respelling, ...]], ...]:
        grouped: dict[str, list[Respelling]] = {}
        for rule in self.rules:
            grouped.setdefault(rule.scheme, []).append(rule)
        return tuple((scheme, tuple(rules)) for scheme, rules in grouped.items())

    @property
    def schemes(self) -> tuple[str, ...]:
        """The schemes, in the order of their first rule."""
        return tuple(scheme for scheme, _ in self._by_scheme)

    def readings(self, query: Normalization) -> tuple[tuple[str, str], ...]:
        """(scheme, reading) for each scheme whose rules change the normalized text of a
        Latin-letter ``query``; script mentions have no respelling.

        >>> from namenorm.normalize import analyze
        >>> load_respellings().readings(analyze("Cevad Zarif"))
        (('turkish', 'javad zarif'),)
        """
        if not query.latin or not query.text:
            return ()
        found: list[tuple[str, str]] = []
        for scheme, rules in self._by_scheme:
            text = query.text
            for rule in rules:
                text = rule.pattern.sub(rule.replacement, text)
            if text != query.text:
                found.append((scheme, text))
        return tuple(found)


@register_cache
@cache
def load_respellings() -> Respellings:
    """The respellings shipped in ``respellings.tsv`` (read once). A bad pattern or a
    replacement that refers to a missing group raises :class:`~namenorm.errors.RulesError`
    naming the file and line.

    >>> len(load_respellings().rules) >= 2
    True
    """
    rules = tuple(
        Respelling(
            scheme, rule_id, compile_rule(pattern, replacement, name=_FILE, line=line), replacement
        )
        for line, (scheme, rule_id, pattern, replacement, _why) in read_rows(_FILE, 5)
    )
    return Respellings(rules)
