"""Spellings of a name that real transliteration produces, drawn from the rule data.

A spelling is made by a series of choices, each among a few options, option 0 always meaning
"leave it as it is". The same choices drive the hypothesis strategies
(:mod:`namenorm.strategies`, where every choice is a draw that shrinks toward 0, hence toward the
name as written) and :func:`namenorm.check_table` (where a seeded random generator makes them).

The variations themselves are data: ``data/variants.tsv`` lists, for each, the letters it
respells, where in a word, into what, and the normalization rule that folds them back together.
On top of those come optional typos, a change of case, and the family name moved first.

>>> def first_respelling(options, label):      # each letter variation's first spelling
...     return 1 if label.startswith("var.") else 0
>>> variant = spell("Qasem Soleimani", first_respelling)
>>> variant.text
'Kassim-Suleymmany'
>>> variant.changes[:3]
('var.q: q → k', 'var.s: s → ss', 'var.e: e → i')
>>> spell("Qasem Soleimani", lambda options, label: 0).text     # every choice 0: as written
'Qasem Soleimani'
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from typing import Literal, get_args

import attrs

from namenorm.errors import RulesError
from namenorm.normalize import MAX_UNFOLDED_WORD, normalize
from namenorm.resources import cache, data_path, register_cache
from namenorm.rules import load_rules, read_rows

__all__ = [
    "CASES",
    "Chooser",
    "Variant",
    "Variation",
    "kept_words",
    "load_samples",
    "load_variations",
    "random_variants",
    "spell",
]

Where = Literal[
    "any",
    "start",
    "end",
    "middle",
    "between-vowels",
    "between-consonants",
    "after-consonant",
    "word",
]
WHERE: tuple[Where, ...] = get_args(Where)
VOWELS = "aeiou"
SPACE_MARK = "␣"
NOTHING_MARK = "∅"
KEEP = "keep"
"""The ``where`` of a row that lists words to leave alone rather than a variation."""
FOLDED_BY_SCORER = "score"
"""The ``rule`` of a variation that no normalization rule folds: the scorer must tolerate it."""
SEPARATORS = " -"
TYPO_MIN_LETTERS = 4
"""A typo goes into a word of at least this many letters: shorter words are often particles."""
LETTERS = "abcdefghijklmnopqrstuvwxyz"
TYPO_KINDS = ("delete", "insert", "substitute", "transpose")
CASES = ("as written", "lower", "upper", "title")
ORDERS = ("as written", "family first", "family first, comma")

Chooser = Callable[[int, str], int]
"""Picks one of ``options`` (an int from 0 to options - 1, 0 = leave as is); the label says
what the choice is about (a variation id, "case", "order", "typos" ...)."""


@attrs.frozen
class Variation:
    """One row of ``data/variants.tsv``: ``source`` letters respelled as one of ``spellings``.

    >>> [v.id for v in load_variations() if v.source == "q"]
    ['var.q']
    """

    id: str
    rule: str
    where: Where
    source: str
    spellings: tuple[str, ...]
    why: str

    def fits(self, text: str, start: int, end: int) -> bool:  # noqa: PLR0911 - one per place
        """Whether a match of ``source`` at ``text[start:end]`` is where this variation applies."""
        if not self.source[0].isalpha() and (start == 0 or not text[start - 1].isalpha()):
            return False  # a separator or an article stands between letters, not by a comma
        if not self.source[-1].isalpha() and (end == len(text) or not text[end].isalpha()):
            return False
        at_start = start == 0 or _boundary(text[start - 1])
        at_end = end == len(text) or _boundary(text[end])
        if self.where == "start":
            return at_start
        if self.where == "end":
            return at_end
        if self.where == "middle":
            return not at_start and not at_end
        if self.where == "between-vowels":
            return not at_start and not at_end and text[start - 1] in VOWELS and text[end] in VOWELS
        if self.where == "between-consonants":
            # Not before a final h: Salih respelled Saleh would end like Fatemeh, whose -eh the
            # phonetic key folds as the feminine ending (a gap of the key, not of the spelling).
            final_h = (
                not at_end
                and text[end] == "h"
                and (end + 1 == len(text) or _boundary(text[end + 1]))
            )
            return (
                not at_start
                and not at_end
                and not final_h
                and text[start - 1] not in VOWELS + "y"
                and text[end] not in VOWELS + "y"
            )
        if self.where == "after-consonant":
            return at_start or text[start - 1] not in VOWELS
        if self.where == "word":
            return at_start and at_end
        return True

    @property
    def letters_only(self) -> bool:
        """A respelling inside a word (not a whole word, an article or a separator)."""
        return self.where != "word" and self.source.isalpha()


@attrs.frozen
class Variant:
    """A spelling and the changes that made it, in the order they were made.

    >>> Variant("Qasim", ("var.e: e → i",)).changes
    ('var.e: e → i',)
    """

    text: str
    changes: tuple[str, ...] = ()


def _marks(text: str) -> str:
    return "" if text == NOTHING_MARK else text.replace(SPACE_MARK, " ")


@register_cache
@cache
def load_variations() -> tuple[Variation, ...]:
    """The variations of ``data/variants.tsv``, longest ``source`` first (then file order).

    Raises :class:`~namenorm.errors.RulesError` naming the line and field of a bad row, or of a
    row whose ``rule`` is neither a normalization rule nor ``score``.

    >>> load_variations()[0].source     # whole words first: "mohammed" before "mm"
    'mohammed'
    """
    return _load()[0]


@register_cache
@cache
def kept_words() -> frozenset[str]:
    """Words that letter variations leave alone: the particles, prefixes and descriptors of
    ``words.tsv`` and the keep rows of ``variants.tsv`` (English words of names).

    >>> {"al", "bin", "organization"} <= kept_words()
    True
    """
    rules = load_rules()
    return rules.particles | rules.prefixes | rules.descriptors | _load()[1]


FRAME_SLOT = "{}"
"""Where a sentence frame of ``data/samples.tsv`` takes a name."""


@register_cache
@cache
def load_samples() -> Mapping[str, tuple[str, ...]]:
    """The sample lists of ``data/samples.tsv`` by name (``given.arabic``, ``family.persian``,
    ``kunya``, ``org.head``, ``org.tail``, ``frame`` ...): the parts that names and texts of
    the strategies and of :func:`namenorm.check_table` are made from.

    >>> "Reza" in load_samples()["given.persian"]
    True
    """
    sets: dict[str, list[str]] = {}
    for line, (name, values, _why) in read_rows("samples.tsv", 3):
        if name == "frame":
            if FRAME_SLOT not in values:
                raise RulesError(
                    "a frame needs a {} slot",
                    path=data_path("samples.tsv"),
                    line=line,
                    field="values",
                )
            sets.setdefault(name, []).append(values)
        else:
            sets.setdefault(name, []).extend(value.replace("_", " ") for value in values.split())
    return {name: tuple(values) for name, values in sets.items()}


@register_cache
@cache
def _load() -> tuple[tuple[Variation, ...], frozenset[str]]:
    known_rules = set(load_rules().rules)
    path = data_path("variants.tsv")
    found: list[Variation] = []
    kept: set[str] = set()
    seen: set[str] = set()
    for line, (rule_id, rule, where, source, spellings, why) in read_rows("variants.tsv", 6):
        if rule_id in seen:
            raise RulesError(
                f"duplicate variation id {rule_id!r}", path=path, line=line, field="id"
            )
        seen.add(rule_id)
        if where == KEEP:
            kept.update(word.strip() for word in source.split("|") if word.strip())
            continue
        if rule != FOLDED_BY_SCORER and rule not in known_rules:
            raise RulesError(
                f"no normalization rule {rule!r} (use a rule id or {FOLDED_BY_SCORER!r})",
                path=path,
                line=line,
                field="rule",
            )
        if where not in WHERE:
            raise RulesError(
                f"unknown place {where!r}: expected one of {', '.join(WHERE)}",
                path=path,
                line=line,
                field="where",
            )
        written = _marks(source)
        if not written or written != written.lower():
            raise RulesError(
                "expected lower-case letters to respell", path=path, line=line, field="from"
            )
        options = tuple(_marks(option) for option in spellings.split("|"))
        if not spellings or written in options or len(set(options)) != len(options):
            raise RulesError(
                "expected distinct spellings, none the same as 'from'",
                path=path,
                line=line,
                field="to",
            )
        found.append(Variation(rule_id, rule, where, written, options, why))
    order = {variation.id: number for number, variation in enumerate(found)}
    ordered = tuple(sorted(found, key=lambda v: (-len(v.source), order[v.id])))
    return ordered, frozenset(kept)


def _lowered(text: str) -> str:
    # One character for one: the positions found in the lower-case text are the original's.
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


def _boundary(char: str) -> bool:
    """Whether ``char`` ends a word: a space, a hyphen, a comma, but not an apostrophe."""
    return not char.isalnum() and char not in "'’"


def _word_at(text: str, position: int) -> str:
    start = position
    while start > 0 and not _boundary(text[start - 1]):
        start -= 1
    end = position
    while end < len(text) and not _boundary(text[end]):
        end += 1
    return text[start:end]


def _left_alone(word: str, kept: frozenset[str]) -> bool:
    # Normalization compares short words as written (KH is not H), so respelling one would
    # make a spelling that it is not meant to fold.
    return word in kept or len(word) <= MAX_UNFOLDED_WORD


def _sites(lowered: str) -> Iterator[tuple[Variation, int, int]]:
    """Where each variation applies, left to right, without overlaps (longest first)."""
    kept = kept_words()
    position = 0
    variations = load_variations()
    while position < len(lowered):
        for variation in variations:
            end = position + len(variation.source)
            if lowered.startswith(variation.source, position) and variation.fits(
                lowered, position, end
            ):
                if variation.letters_only and _left_alone(_word_at(lowered, position), kept):
                    continue
                yield variation, position, end
                position = end
                break
        else:
            position += 1


def _same_case(original: str, replacement: str) -> str:
    if not replacement or not original[:1].isupper():
        return replacement
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    return replacement[:1].upper() + replacement[1:]


def _respelled(text: str, choose: Chooser, changes: list[str]) -> str:
    lowered = _lowered(text)
    pieces: list[str] = []
    position = 0
    for variation, start, end in _sites(lowered):
        if start < position:  # the space after a dropped article was taken with it
            continue
        pieces.append(text[position:start])
        position = end
        option = choose(len(variation.spellings) + 1, variation.id)
        if option == 0:
            pieces.append(text[start:end])
            continue
        spelling = variation.spellings[option - 1]
        changes.append(f"{variation.id}: {variation.source} → {spelling or NOTHING_MARK}")
        if not spelling:
            if end < len(text) and text[end] == " ":
                position = end + 1
            if text[start:end][:1].isupper() and position < len(text):
                # "Al Sudani" without its article is "Sudani", still capitalized.
                pieces.append(text[position].upper())
                position += 1
            continue
        pieces.append(_same_case(text[start:end], spelling))
    pieces.append(text[position:])
    return "".join(pieces)


def _typo(text: str, choose: Chooser, changes: list[str]) -> str:
    words = [
        (start, start + len(word))
        for start, word in _word_spans(text)
        if sum(char.isalpha() for char in word) >= TYPO_MIN_LETTERS
    ]
    if not words:
        return text
    start, end = words[choose(len(words), "typo word")]
    kind = TYPO_KINDS[choose(len(TYPO_KINDS), "typo kind")]
    # Never the first letter: readers (and translators) get the first letter right.
    at = start + 1 + choose(end - start - 1, "typo position")
    if kind == "delete":
        changes.append(f"typo: {text[at]!r} deleted")
        return text[:at] + text[at + 1 :]
    if kind == "transpose" and at + 1 < end:
        changes.append(f"typo: {text[at : at + 2]!r} swapped")
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    letter = LETTERS[choose(len(LETTERS), "typo letter")]
    if kind in {"insert", "transpose"}:
        changes.append(f"typo: {letter!r} inserted")
        return text[:at] + letter + text[at:]
    changes.append(f"typo: {text[at]!r} → {letter!r}")
    return text[:at] + letter + text[at + 1 :]


def _word_spans(text: str) -> Iterator[tuple[int, str]]:
    position = 0
    for word in text.split(" "):
        if word:
            yield position, word
        position += len(word) + 1


def _binds(word: str, following: str) -> bool:
    """Whether ``word`` is a prefix of the name that follows it, in whatever spelling: Abdul
    Mahdi normalizes to abd al mahdi, one family name that a reordering keeps whole."""
    joined = normalize(f"{word} {following}").split()
    return bool(joined) and joined[0] in load_rules().prefixes


def _reordered(text: str, choose: Chooser, changes: list[str]) -> str:
    words = text.split()
    if not words or _lowered(words[0]).strip(".") in load_rules().titles:
        return text  # "Ayatollah Ali Sistani" is not written "Sistani, Ayatollah Ali"
    kept = kept_words()
    family = len(words) - 1
    while family > 0 and (
        _lowered(words[family - 1]) in kept or _binds(words[family - 1], words[family])
    ):
        family -= 1
    if family <= 0:
        return text
    option = choose(len(ORDERS), "order")
    if option == 0:
        return text
    changes.append(f"order: {ORDERS[option]}")
    head, tail = " ".join(words[:family]), " ".join(words[family:])
    return f"{tail}, {head}" if ORDERS[option].endswith("comma") else f"{tail} {head}"


def _recased(text: str, choose: Chooser, changes: list[str]) -> str:
    option = choose(len(CASES), "case")
    if option == 0:
        return text
    changes.append(f"case: {CASES[option]}")
    if CASES[option] == "lower":
        return text.lower()
    if CASES[option] == "upper":
        return text.upper()
    # Not str.title, which capitalizes after an apostrophe too ("Kata'Ib").
    return "".join(
        char.upper() if position == 0 or text[position - 1] in SEPARATORS else char.lower()
        for position, char in enumerate(text)
    )


def spell(
    name: str,
    choose: Chooser,
    *,
    typos: int = 0,
    case: bool = True,
    reorder: bool = True,
) -> Variant:
    """Respell ``name`` by the choices ``choose`` makes; every choice 0 gives ``name`` back.

    The family name may be moved first (``reorder``; for people), then the letters are
    respelled (``data/variants.tsv``), then come up to ``typos`` typos and a change of ``case``.

    >>> spell("Abu Mahdi al-Muhandis", lambda options, label: 1).text
    'el-mouhandes-abou-mahdy'
    """
    changes: list[str] = []
    # The order first, while the words are still separated as written.
    text = _reordered(name, choose, changes) if reorder else name
    text = _respelled(text, choose, changes)
    if typos > 0:
        for _ in range(choose(typos + 1, "typos")):
            text = _typo(text, choose, changes)
    if case:
        text = _recased(text, choose, changes)
    return Variant(text, tuple(changes))


def random_variants(
    name: str,
    count: int,
    *,
    seed: int = 0,
    typos: int = 0,
    case: bool = True,
    reorder: bool = True,
) -> tuple[Variant, ...]:
    """Up to ``count`` distinct spellings of ``name`` (never ``name`` itself), drawn at random.

    The draws depend only on ``name`` and ``seed``, so a table's variants are the same in any
    order and in any process. A name with few ways to be respelled gives fewer than ``count``.

    >>> [v.text for v in random_variants("Hadi al-Amiri", 3, seed=1, case=False)]
    ['Hadi  al-Amiri', 'Hadee al-Ameri', 'al-Ameeri Haddee']
    """
    generator = random.Random(f"{seed}:{name}")

    def choose(options: int, label: str) -> int:
        return generator.randrange(options)

    found: dict[str, Variant] = {}
    for _ in range(count * 8):
        if len(found) == count:
            break
        variant = spell(name, choose, typos=typos, case=case, reorder=reorder)
        if variant.text != name:
            found.setdefault(variant.text, variant)
    return tuple(found.values())
