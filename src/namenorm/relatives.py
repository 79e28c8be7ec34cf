"""Relatives: the words of a sentence that describe a relative of the mention, not the mention.

Screening a name against a table meets relatives all the time, because relatives share a
surname: "Zeinab Soleimani, the general's daughter", "Barzani, the nephew of the KDP leader".
The words after "nephew of" and before "'s daughter" speak of another person. Read as the
mention's context, they would support the wrong entity (the general, the KDP leader). The
resolver therefore sets them aside for the mention. It keeps them when the mention is itself
the relative named there. The kinship word stays in the context, because it is a fact about the
mention.

The words are data (``relatives.tsv``). ``kin`` holds the kinship words and ``link`` the words
that join one to the relative after it ("son *of* X"). ``end`` holds the words that end that
phrase ("the son of X *and* Y's ambassador"). A possessive within two words before a kinship
word marks the relative before it ("X's son", "X's eldest son").

>>> sentence = "Barzani, the nephew of the KDP leader, spoke in Davos."
>>> [sentence[start:end] for start, end in relative_spans(sentence)]
['the KDP leader']
>>> without_relatives(sentence, "Barzani")
'Barzani, the nephew of  | , spoke in Davos.'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from namenorm.errors import RulesError
from namenorm.normalize import normalize_text
from namenorm.resources import cache, data_path, register_cache
from namenorm.rules import alternation, read_rows
from namenorm.spot import spotting_words

__all__ = [
    "GAP",
    "MAX_AFTER",
    "MAX_BEFORE",
    "RelativeWords",
    "load_relative_words",
    "relative_spans",
    "without_relatives",
]

_FILE = "relatives.tsv"

MAX_AFTER = 6
"""The most words of a relative's phrase after a link word ("the son of the founder of the
Islamic Republic" is six)."""
MAX_BEFORE = 3
"""The most words of a relative's phrase before a possessive ("the former president's")."""
_BETWEEN = 2
"""The most words between a possessive and its kinship word ("Mam Jalal's eldest son")."""

GAP = " | "
"""What stands for a relative's phrase once set aside: no context word holds it, so none can
match across it."""

# A word (letters and digits, with inner apostrophes and hyphens: "leader's", "son-in-law"), or
# one mark of punctuation, which ends every phrase (but the full stop of an initial or an
# abbreviation: see _tokens).
_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[^\w\s]")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


@attrs.frozen
class RelativeWords:
    """The word sets of ``relatives.tsv``.

    >>> words = load_relative_words()
    >>> "nephew" in words.kin, "of" in words.link, "and" in words.end
    (True, True, True)
    """

    kin: frozenset[str]
    link: frozenset[str]
    end: frozenset[str]
    # Any kinship word, as a whole word: most sentences have none and need no closer look.
    _any_kin: re.Pattern[str] = attrs.field(init=False, repr=False, eq=False)

    @_any_kin.default
    def _kin_pattern(self) -> re.Pattern[str]:
        words = alternation(self.kin) or "(?!)"
        return re.compile(rf"(?<![^\W_])(?:{words})(?![^\W_])", re.IGNORECASE)

    def mentions_kin(self, sentence: str) -> bool:
        """Whether ``sentence`` holds a kinship word as a whole word.

        >>> words = load_relative_words()
        >>> words.mentions_kin("Idris's Son spoke"), words.mentions_kin("Sonia and Reason")
        (True, False)
        """
        return self._any_kin.search(sentence) is not None


@register_cache
@cache
def load_relative_words() -> RelativeWords:
    """The words shipped in ``relatives.tsv`` (read once). A row of an unknown set raises
    :class:`~namenorm.errors.RulesError` naming the file and line.

    >>> len(load_relative_words().kin) > 10
    True
    """
    sets: dict[str, set[str]] = {"kin": set(), "link": set(), "end": set()}
    for line, (set_name, word, _why) in read_rows(_FILE, 3):
        if set_name not in sets:
            raise RulesError(
                f"unknown set {set_name!r} (expected one of {', '.join(sets)})",
                path=data_path(_FILE),
                line=line,
                field="set",
            )
        sets[set_name].add(word.casefold())
    return RelativeWords(
        kin=frozenset(sets["kin"]), link=frozenset(sets["link"]), end=frozenset(sets["end"])
    )


@attrs.frozen
class _Token:
    text: str
    start: int
    end: int

    @property
    def word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def folded(self) -> str:
        return self.text.casefold()

    @property
    def possessive(self) -> bool:
        return self.word and len(self.text) > 2 and bool(_POSSESSIVE.search(self.text))


def relative_spans(sentence: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) offsets of the phrases of ``sentence`` that name a relative, in order.

    >>> sentence = "Khamenei, the supreme leader's second son, was sanctioned."
    >>> [sentence[start:end] for start, end in relative_spans(sentence)]
    ['the supreme leader']
    >>> relative_spans("Barzani spoke in Davos.")
    ()
    >>> sentence = "Barzani met the son of the U.S. ambassador, Mr. Smith."
    >>> [sentence[start:end] for start, end in relative_spans(sentence)]
    ['the U.S. ambassador']
    """
    words = load_relative_words()
    if not words.mentions_kin(sentence):
        return ()
    tokens = _tokens(sentence)
    spans: list[tuple[int, int]] = []
    for position, token in enumerate(tokens):
        if not token.word or token.folded not in words.kin:
            continue
        before = _before(tokens, position, words)
        if before is not None:
            spans.append(before)
        after = _after(tokens, position, words)
        if after is not None:
            spans.append(after)
    return tuple(sorted(set(spans)))


def _tokens(sentence: str) -> list[_Token]:
    """The tokens of ``sentence``, the full stop of an initial or of an abbreviation of
    ``spotting.tsv`` kept with its word ("U.S.", "A. B. Smith", "Mr."): it ends no phrase."""
    abbreviations = spotting_words().get("abbreviation", frozenset())
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(sentence):
        token = _Token(match.group(), match.start(), match.end())
        last = tokens[-1] if tokens else None
        if (
            token.text == "."
            and last is not None
            and last.end == token.start
            and last.word
            and ((len(last.text) == 1 and last.text.isalpha()) or last.folded in abbreviations)
        ):
            tokens[-1] = _Token(last.text + ".", last.start, token.end)
        else:
            tokens.append(token)
    return tokens


def _after(tokens: Sequence[_Token], position: int, words: RelativeWords) -> tuple[int, int] | None:
    """The relative after a kinship word and a link word ("son of X"), if any."""
    link = position + 1
    if link >= len(tokens) or not tokens[link].word or tokens[link].folded not in words.link:
        return None
    phrase: list[_Token] = []
    for token in tokens[link + 1 : link + 1 + MAX_AFTER]:
        if not token.word or token.folded in words.end:
            break
        phrase.append(token)
    return (phrase[0].start, phrase[-1].end) if phrase else None


def _before(
    tokens: Sequence[_Token], position: int, words: RelativeWords
) -> tuple[int, int] | None:
    """The relative before a kinship word through a possessive ("X's son"), if any."""
    for owner in range(position - 1, max(-1, position - 2 - _BETWEEN), -1):
        token = tokens[owner]
        if token.possessive:
            first = owner
            while first > 0 and owner - first + 1 < MAX_BEFORE and _joins(tokens[first - 1], words):
                first -= 1
            return tokens[first].start, token.end - 2  # without the 's
        if not _joins(token, words):
            return None
    return None


def _joins(token: _Token, words: RelativeWords) -> bool:
    """Whether ``token`` may stand in a relative's phrase before a possessive."""
    return (
        token.word
        and not token.possessive
        and token.folded not in words.end
        and token.folded not in words.kin
    )


def without_relatives(sentence: str, mention: str) -> str:
    """``sentence`` with each relative's phrase replaced by :data:`GAP`, except a phrase that
    holds ``mention`` (then the relative is the mention, and the phrase speaks of it).

    >>> sentence = "Zeinab Soleimani, the general's daughter, spoke."
    >>> print(without_relatives(sentence, "Zeinab Soleimani"))
    Zeinab Soleimani,  | 's daughter, spoke.
    >>> without_relatives("Mojtaba, the son of Ali Khamenei, spoke.", "Ali Khamenei")
    'Mojtaba, the son of Ali Khamenei, spoke.'
    """
    spans = relative_spans(sentence)
    if not spans:
        return sentence
    own = f" {normalize_text(mention)} "
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        if own.strip() and own in f" {normalize_text(sentence[start:end])} ":
            continue
        if start < done:
            done = max(done, end)  # overlaps the phrase just set aside: one gap for both
            continue
        pieces += [sentence[done:start], GAP]
        done = end
    pieces.append(sentence[done:])
    return "".join(pieces)
