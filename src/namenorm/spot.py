"""Find the spans of running text that may be names, before any of them is resolved.

Two spotters, each blind where the other sees:

- **capitalized runs**: words that begin with a capital letter, with the lower-case words that
  join them inside a name (al-, bin, ibn, de, van, "of" in "Council of Representatives"), across
  a single line break, without a possessive "'s". Capitalized function words ("The", "But")
  split runs. Initials ("U.S.", "F.") and runs of Arabic-script words are runs too.
- **the table automaton**: every name, alias and known error of the table, and its normalized
  form, found case-insensitively and whatever its hyphenation ("al-Sudani", "al Sudani",
  "alsudani"), as whole words, by an Aho-Corasick automaton (ahocorasick_rs). A hit written all
  in lower case counts only for a table string of five letters or more that is not an acronym
  and not a known error: "us" is not "US", and lower-case "sudanese" is no mistranslation.

The words that join, and those that split, are data (``namenorm/data/spotting.tsv``). Which span
is a name, and of whom, is for :mod:`namenorm.annotate` and the resolver to settle.

>>> from namenorm import Entity
>>> spotter = Spotter([Entity(id="x", name="Abu Mahdi al-Muhandis")])
>>> text = "The strike killed Abu Mahdi al-Muhandis's convoy; abu mahdi al muhandis was there."
>>> [text[s:e] for s, e in spotter.runs(text)[0]]
['Abu', 'Mahdi', 'al-Muhandis']
>>> [text[s:e] for s, e in spotter.table_hits(text)]
['Abu Mahdi al-Muhandis', 'abu mahdi al muhandis']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick_rs
from unidecode import unidecode

from namenorm.model import Entity
from namenorm.resources import cache, register_cache
from namenorm.rules import alternation, read_rows

__all__ = ["Run", "Spotter", "fold_for_matching", "spotting_words"]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

Run = tuple[tuple[int, int], ...]
"""A run of capitalized name words: the (start, end) character offsets of each word, in order.
The text between two words (a space, a line break, a joiner such as "al" or "of") belongs to
every reading that spans both."""

WRAPPED_LINE_MIN = 40
"""A run goes on across a single line break only after a line at least this long: hard-wrapped
prose ("Abu Mahdi\nal-Muhandis"), not a list of names or a headline, one a line."""

LOWERCASE_MIN_LETTERS = 5
"""A table string matches lower-case text only if it has at least this many letters."""

_APOSTROPHES = "'’`ʼ"
_CASELESS = (
    # Arabic-script letters and marks (not its comma, semicolon, question mark, digits or
    # full stop), its supplements and presentation forms; Hebrew letters and points.
    "\u0610-\u061a\u0620-\u065f\u066e-\u06d3\u06d5-\u06ff\u0750-\u077f\u08a0-\u08ff"
    "\ufb50-\ufdff\ufe70-\ufefc\u0591-\u05c7\u05d0-\u05f4"
)
_FOLD_RANGE = 0x3000


@register_cache
@cache
def spotting_words() -> dict[str, frozenset[str]]:
    """The word sets of ``spotting.tsv``: ``joiner``, ``conjunction``, ``attached`` and
    ``stopword`` (cached).

    >>> words = spotting_words()
    >>> "bin" in words["joiner"], "the" in words["stopword"]
    (True, True)
    """
    sets: dict[str, set[str]] = {}
    for _, (set_name, word, _why) in read_rows("spotting.tsv", 3):
        sets.setdefault(set_name, set()).add(word)
    return {name: frozenset(words) for name, words in sets.items()}


def _char_class(test: str) -> str:
    """A regular-expression class of every BMP character for which ``str.<test>`` holds."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if getattr(chr(code), test)():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


@register_cache
@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The run pattern and the word pattern, compiled once."""
    upper = _char_class("isupper") + _char_class("istitle")
    word = r"[\w\u0300-\u036f]"
    apostrophe = f"[{_APOSTROPHES}]"
    capitalized = rf"[{upper}]{word}*(?:{apostrophe}{word}+)*(?:-{word}+(?:{apostrophe}{word}+)*)*"
    words = spotting_words()
    joiners = alternation(words.get("joiner", ()))
    hyphenated = words.get("joiner", frozenset()) | words.get("attached", frozenset())
    attached = rf"(?:{alternation(hyphenated)})-{capitalized}"
    initials = rf"(?:[{upper}]\.){{2,}}|[{upper}]\.(?=[ \t]+[{upper}])"
    caseless = rf"[{_CASELESS}]+"
    token = rf"(?:{initials}|{attached}|{capitalized}|{caseless})"
    separator = r"(?:[ \t\u00a0]+|[ \t\u00a0]*\r?\n[ \t\u00a0]*)"
    run = (
        # A run may begin after a hyphen: "anti-U.S.", "pro-Iranian".
        rf"(?<![\w\u0300-\u036f{_APOSTROPHES}])"
        rf"{token}(?:{separator}(?:(?:{joiners}){separator})*{token})*"
    )
    return re.compile(run), re.compile(token)


@register_cache
@cache
def _fold_table() -> dict[int, str]:
    """A length-preserving fold: lower case, accents off where that leaves one letter, every
    apostrophe as ', everything else that is not a letter or digit as a space."""
    table: dict[int, str] = {}
    for code in range(_FOLD_RANGE):
        char = chr(code)
        if char.isalnum():
            ascii_form = unidecode(char).lower()
            if len(ascii_form) == 1 and ascii_form.isalnum():
                folded = ascii_form
            else:
                lower = char.lower()
                folded = lower if len(lower) == 1 else char
        elif char in _APOSTROPHES:
            folded = "'"
        elif 0x300 <= code <= 0x36F:
            folded = char
        else:
            folded = " "
        if folded != char:
            table[code] = folded
    return table


def fold_for_matching(text: str) -> str:
    """Fold ``text`` for the table automaton, keeping its length (so offsets carry over).

    >>> fold_for_matching("Al-Sudani’s")
    "al sudani's"
    >>> len(fold_for_matching("Qāsim (Sulaymānī)")) == len("Qāsim (Sulaymānī)")
    True
    """
    return text.translate(_fold_table())


def _pattern_forms(string: str) -> set[str]:
    """The forms of a table string the automaton looks for: folded (hyphens as spaces) and
    with its hyphens closed up ("al-Sudani" as "alsudani")."""
    forms = set()
    for variant in (string, string.replace("-", "")) if "-" in string else (string,):
        folded = fold_for_matching(variant)
        # Punctuation inside a string folds to spaces the text keeps too ("Washington, D.C."
        # as "washington  d c"): the form as folded finds it, the squeezed form other spacing.
        for form in (folded.strip(), " ".join(folded.split())):
            if len(form) - form.count(" ") >= 2:
                forms.add(form)
    return forms


def _is_stopword(word: str, stopwords: frozenset[str]) -> bool:
    """A stopword, also with a possessive or contraction: "It's", "Don't", "We're"."""
    lower = word.lower()
    if lower in stopwords:
        return True
    for apostrophe in _APOSTROPHES:
        if apostrophe in lower:
            return lower.split(apostrophe, 1)[0] in stopwords
    return False


def _short_line_between(text: str, end: int, start: int) -> bool:
    """Whether a line break lies between two words after a line too short to be wrapped."""
    newline = text.find("\n", end, start)
    if newline < 0:
        return False
    line_start = text.rfind("\n", 0, newline) + 1
    line_end = newline - 1 if newline > line_start and text[newline - 1] == "\r" else newline
    return line_end - line_start < WRAPPED_LINE_MIN


def _lowercase_allowed(string: str, role: str) -> bool:
    return (
        role != "error"
        and not string.isupper()
        and sum(map(str.isalpha, string)) >= LOWERCASE_MIN_LETTERS
    )


class Spotter:
    """The spotters over one table's strings; build once, use for many texts (immutable and
    safe to share between threads).

    ``entities`` are the table's entities (an :class:`~namenorm.AliasTable` will do);
    ``normalized`` optionally adds more strings to find (the resolver passes each string's
    normalized form).

    >>> from namenorm import load_table
    >>> spotter = Spotter(load_table())
    >>> text = "Protesters gathered near the international coalition base."
    >>> [text[s:e] for s, e in spotter.table_hits(text)]
    ['international coalition']
    """

    def __init__(self, entities: Iterable[Entity], normalized: Iterable[str] = ()) -> None:
        lowercase: dict[str, bool] = {}
        acronym: dict[str, bool] = {}
        dotted: set[str] = set()
        for entity in entities:
            strings = [(entity.name, "name")]
            strings += [(alias, "alias") for alias in entity.aliases]
            strings += [(error, "error") for error in entity.errors]
            for string, role in strings:
                allowed = _lowercase_allowed(string, role)
                upper = string.isupper()
                for form in _pattern_forms(string):
                    lowercase[form] = lowercase.get(form, False) or allowed
                    # A form any of whose strings is written in capitals is found only in
                    # capitals ("IS", "US"), unless another string allows it.
                    acronym[form] = acronym.get(form, True) and upper
                    if string.endswith("."):
                        # The fold drops the final dot of "U.S."; the hit takes it back.
                        dotted.add(form)
        for string in normalized:
            for form in _pattern_forms(string):
                if form not in lowercase:
                    lowercase[form] = _lowercase_allowed(string, "alias")
                    acronym[form] = False
        self._forms = tuple(sorted(lowercase))
        self._lowercase = tuple(lowercase[form] for form in self._forms)
        self._acronym = tuple(acronym[form] for form in self._forms)
        self._dotted = tuple(form in dotted for form in self._forms)
        self._automaton = (
            ahocorasick_rs.AhoCorasick(
                [f" {form}" for form in self._forms],
                matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            )
            if self._forms
            else None
        )
        words = spotting_words()
        self._stopwords = words.get("stopword", frozenset())
        self._run_pattern, self._token_pattern = _patterns()

    @property
    def size(self) -> int:
        """How many distinct forms the table automaton looks for."""
        return len(self._forms)

    def runs(self, text: str) -> list[Run]:
        """Return the runs of capitalized name words in ``text``, in text order.

        >>> spotter = Spotter([])
        >>> text = "But in a long wrapped line of prose, General Qassem\\nSoleimani's men met Hadi"
        >>> [[text[s:e] for s, e in run] for run in spotter.runs(text)]
        [['General', 'Qassem', 'Soleimani'], ['Hadi']]
        >>> text = "Hadi al-Amiri\\nBaghdad"
        >>> [[text[s:e] for s, e in run] for run in spotter.runs(text)]
        [['Hadi', 'al-Amiri'], ['Baghdad']]
        """
        runs: list[Run] = []
        for found in self._run_pattern.finditer(text):
            current: list[tuple[int, int]] = []
            for token in self._token_pattern.finditer(text, found.start(), found.end()):
                start, end = token.span()
                word = token.group()
                if current and _short_line_between(text, current[-1][1], start):
                    runs.append(tuple(current))
                    current = []
                if _is_stopword(word, self._stopwords):
                    if current:
                        runs.append(tuple(current))
                    current = []
                    continue
                possessive = len(word) > 2 and word[-2] in _APOSTROPHES and word[-1] in "sS"
                if possessive:
                    end -= 2
                current.append((start, end))
                if possessive:
                    # "Soleimani's Quds Force" is two names, not one.
                    runs.append(tuple(current))
                    current = []
            if current:
                runs.append(tuple(current))
        return runs

    def table_hits(self, text: str) -> list[tuple[int, int]]:
        """Return the (start, end) of every table string found in ``text`` as whole words,
        leftmost-longest and without overlaps, in text order.

        >>> from namenorm import Entity
        >>> spotter = Spotter([Entity(id="us", name="United States", aliases=["US"])])
        >>> text = "Let us see: the US and the united states."
        >>> [text[s:e] for s, e in spotter.table_hits(text)]
        ['US', 'united states']
        """
        if self._automaton is None:
            return []
        folded = " " + fold_for_matching(text)
        hits: list[tuple[int, int]] = []
        # A lone surrogate (from JSON's "\\ud83d") cannot go to the automaton's UTF-8: it
        # stands in as U+FFFD, one code point for one, so the offsets hold.
        searched = _LONE_SURROGATE.sub("\ufffd", folded)
        for form, start, folded_end in self._automaton.find_matches_as_indexes(searched):
            # The pattern begins with a space, so the hit begins a word; it must end one too.
            if folded_end < len(folded) and folded[folded_end] not in " '":
                continue
            # Offsets in ``folded`` are one past those in ``text`` (the leading space).
            end = folded_end - 1
            surface = text[start:end]
            if self._acronym[form] and not surface.isupper():
                continue
            # Only text with letter case can be "in lower case": Arabic and Hebrew cannot.
            lower_case = surface == surface.lower() and surface != surface.upper()
            if not self._lowercase[form] and lower_case:
                continue
            if self._dotted[form] and text.startswith(".", end):
                end += 1
            hits.append((start, end))
        return hits
