"""The normalization rules, read from the data files and compiled once.

A rule is a named, pure ``str -> str`` function. Its id (``"ar.article"``) is what
:func:`namenorm.explain_normalization` reports and what :func:`namenorm.replay` looks up, so an
explanation can always be re-run. The rules themselves live in ``namenorm/data``:

- ``script.tsv``: Arabic-script letters to Latin, before unidecode;
- ``rewrite.tsv``: ordered regular-expression rewrites (articles, Abd al-, bin, Abu, punctuation),
  a few on the raw Arabic script, most on the case-folded Latin;
- ``words.tsv``: titles set aside, particles, words that look like an attached article but are not,
  generational suffixes and the given names that open a compound one;
- ``phonetic.tsv``: the per-token folds of the phonetic and skeleton keys.

>>> rules = load_rules()
>>> rules.rewrite("ar.article")("al-sudani")
'al-sudani'
>>> rules.rewrite("ar.article")("el-sudani")
'al-sudani'
>>> {"major general", "sheikh", "ayatollah"} <= rules.titles
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs
from unidecode import unidecode

from namenorm.errors import RulesError
from namenorm.resources import cache, data_path, read_text, register_cache

__all__ = ["RuleSet", "alternation", "compile_rule", "fold", "load_rules", "read_rows"]

Rule = Callable[[str], str]

_SET_REFERENCE = re.compile(r"\{([a-z_]+)\}")
_GROUP_REFERENCE = re.compile(r"\\(\d+)|\\g<(\d+)>")


def alternation(words: Iterable[str]) -> str:
    """A regular-expression alternation of ``words``, escaped, longest first, so that it
    prefers the longer of two words that begin alike.

    >>> alternation(["son", "sons", "al"])
    'sons|son|al'
    """
    return "|".join(re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w)))


def read_rows(name: str, columns: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) of a TSV data file, skipping comments and blank lines; a
    row with the wrong number of columns raises :class:`RulesError` naming the file and line.

    >>> next(read_rows("words.tsv", 3))[1][0]
    'title'
    """
    for number, raw in enumerate(read_text(name).splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        if len(fields) != columns:
            raise RulesError(
                f"expected {columns} tab-separated columns, found {len(fields)}",
                path=data_path(name),
                line=number,
            )
        yield number, fields


def _compile(pattern: str, *, name: str, line: int) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise RulesError(
            f"invalid regular expression: {error}", path=data_path(name), line=line, field="pattern"
        ) from error


def _check_replacement(pattern: re.Pattern[str], replacement: str, *, name: str, line: int) -> None:
    """Fail at load, not on the first name, when a replacement refers to a missing group."""
    references = [
        int(match.group(1) or match.group(2)) for match in _GROUP_REFERENCE.finditer(replacement)
    ]
    missing = [number for number in references if number > pattern.groups]
    if missing:
        raise RulesError(
            f"invalid replacement: group {missing[0]} does not exist in the pattern",
            path=data_path(name),
            line=line,
            field="replacement",
        )


def compile_rule(pattern: str, replacement: str, *, name: str, line: int) -> re.Pattern[str]:
    """Compile a rule's pattern from line ``line`` of data file ``name``, and check that its
    replacement refers only to groups the pattern has; either fault raises
    :class:`RulesError` naming the file, line and field.

    >>> compile_rule("a+", "a", name="words.tsv", line=1).sub("a", "caaat")
    'cat'
    """
    compiled = _compile(pattern, name=name, line=line)
    _check_replacement(compiled, replacement, name=name, line=line)
    return compiled


def _substitution(pattern: re.Pattern[str], replacement: str) -> Rule:
    def apply(text: str) -> str:
        return pattern.sub(replacement, text)

    return apply


@attrs.frozen
class RuleSet:
    """Every normalization rule, compiled; build it with :func:`load_rules`.

    >>> rules = load_rules()
    >>> rules.rules["punct.hyphen"]("al-sudani")
    'al sudani'
    >>> "bin" in rules.particles
    True


    ``rewrites`` and the key rules are kept in file order; ``rules`` maps every rule id to its
    function, including the fixed stages (``unicode.nfkc``, ``translit.unidecode``,
    ``case.fold``) and the script table (``script.arabic``, ``script.persian`` ...).
    """

    script: Mapping[str, str]
    script_rule_of: Mapping[str, str]
    script_rewrites: tuple[tuple[str, Rule], ...]
    rewrites: tuple[tuple[str, Rule], ...]
    phonetic: tuple[tuple[str, Rule], ...]
    skeleton: tuple[tuple[str, Rule], ...]
    titles: frozenset[str]
    """Leading words set aside before a name: the titles and the qualifiers."""
    title_keys: frozenset[str]
    qualifiers: frozenset[str]
    """Titles set aside before anything, a body word included (the, former, late)."""
    bodies: frozenset[str]
    """Words before which a title is not set aside: it begins an office's or a body's name."""
    generic: frozenset[str]
    """Words that name a kind of thing, not one (army, government, war, airport)."""
    particles: frozenset[str]
    descriptors: frozenset[str]
    prefixes: frozenset[str]
    prefix_keys: tuple[str, ...]
    """The prefixes as written and as phonetic keys, longest first."""
    suffixes: frozenset[str]
    """Generational suffixes (jr, iii): each names a different person from the name without it."""
    given_lead_keys: frozenset[str]
    """Phonetic keys of given names that open a compound given name and are often dropped."""
    fingerprint: str
    rules: Mapping[str, Rule] = attrs.field(init=False)
    shortest_prefix: int = attrs.field(init=False)
    """The length of the shortest prefix key: two words that differ before it share none."""

    @shortest_prefix.default
    def _shortest_prefix(self) -> int:
        return min((len(key) for key in self.prefix_keys), default=0)

    @rules.default
    def _all_rules(self) -> Mapping[str, Rule]:
        table: dict[str, Rule] = {
            "unicode.nfkc": _nfkc,
            "translit.unidecode": _transliterate,
            "case.fold": str.casefold,
        }
        for rule_id in sorted(set(self.script_rule_of.values())):
            table[rule_id] = self._script_rule(rule_id)
        table.update(self.script_rewrites)
        table.update(self.rewrites)
        table.update(self.phonetic)
        table.update(self.skeleton)
        return table

    def _script_rule(self, rule_id: str) -> Rule:
        mapping = {
            ord(char): latin
            for char, latin in self.script.items()
            if self.script_rule_of[char] == rule_id
        }
        # Most text has none of a script's letters: finding that out is many times cheaper
        # than translating it character by character (a sentence of running text goes
        # through every script's rule).
        letters = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(mapping)) + "]")

        def apply(text: str) -> str:
            if not letters.search(text):
                return text
            return text.translate(mapping)

        return apply

    def rewrite(self, rule_id: str) -> Rule:
        """Return the rule function registered under ``rule_id``.

        Raises :class:`~namenorm.errors.RulesError` for an unknown id.
        """
        try:
            return self.rules[rule_id]
        except KeyError:
            raise RulesError(f"no normalization rule with id {rule_id!r}") from None


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


_NON_ASCII = re.compile("[^\\x00-\\x7f]+")


def _transliterate(text: str) -> str:
    # Only touch the non-ASCII characters, so ASCII text is never altered by unidecode.
    if text.isascii():
        return text
    # unidecode maps each character on its own, so a run of them is one call.
    return _NON_ASCII.sub(lambda run: unidecode(run.group()), text)


def fold(token: str, rules: Iterable[tuple[str, Rule]]) -> str:
    """Apply rules (id, function) to a token in order: how phonetic and skeleton keys are made.

    >>> fold("qassem", load_rules().phonetic)
    'kasim'
    """
    for _, rule in rules:
        token = rule(token)
    return token


def _load_words() -> dict[str, set[str]]:
    sets: dict[str, set[str]] = {}
    for _, (set_name, words, _why) in read_rows("words.tsv", 3):
        sets.setdefault(set_name, set()).add(words)
    return sets


def _expand(pattern: str, words: Mapping[str, set[str]], *, name: str, line: int) -> str:
    def word_set(match: re.Match[str]) -> str:
        set_name = match.group(1)
        if set_name not in words:
            raise RulesError(
                f"pattern refers to unknown word set {{{set_name}}}",
                path=data_path(name),
                line=line,
                field="pattern",
            )
        return "(?:" + alternation(words[set_name]) + ")"

    return _SET_REFERENCE.sub(word_set, pattern)


@register_cache
@cache
def load_rules() -> RuleSet:
    """Load and compile the rules shipped with namenorm (cached; see ``reset_caches``).

    >>> load_rules().fingerprint == load_rules().fingerprint
    True
    """
    words = _load_words()
    script: dict[str, str] = {}
    script_rule_of: dict[str, str] = {}
    for line, (rule_id, char, latin, _why) in read_rows("script.tsv", 4):
        if len(char) != 1:
            raise RulesError(
                "expected a single character", path=data_path("script.tsv"), line=line, field="char"
            )
        script[char] = latin
        script_rule_of[char] = rule_id

    stages: dict[str, list[tuple[str, Rule]]] = {"script": [], "latin": []}
    for line, (rule_id, stage, pattern, replacement, _why) in read_rows("rewrite.tsv", 5):
        if stage not in stages:
            raise RulesError(
                f"unknown stage {stage!r}: expected 'script' or 'latin'",
                path=data_path("rewrite.tsv"),
                line=line,
                field="stage",
            )
        expanded = _expand(pattern, words, name="rewrite.tsv", line=line)
        compiled = compile_rule(expanded, replacement, name="rewrite.tsv", line=line)
        stages[stage].append((rule_id, _substitution(compiled, replacement)))

    phonetic: list[tuple[str, Rule]] = []
    skeleton: list[tuple[str, Rule]] = []
    for line, (key, rule_id, pattern, replacement, _why) in read_rows("phonetic.tsv", 5):
        compiled = compile_rule(pattern, replacement, name="phonetic.tsv", line=line)
        rule = _substitution(compiled, replacement)
        if key == "phonetic":
            phonetic.append((rule_id, rule))
        elif key == "skeleton":
            skeleton.append((rule_id, rule))
        else:
            raise RulesError(
                f"unknown key {key!r}: expected 'phonetic' or 'skeleton'",
                path=data_path("phonetic.tsv"),
                line=line,
                field="key",
            )

    titles = words.get("title", set()) | words.get("qualifier", set())
    digest = hashlib.sha256()
    for name in ("script.tsv", "rewrite.tsv", "words.tsv", "phonetic.tsv"):
        digest.update(read_text(name).encode("utf-8"))
    return RuleSet(
        script=script,
        script_rule_of=script_rule_of,
        script_rewrites=tuple(stages["script"]),
        rewrites=tuple(stages["latin"]),
        phonetic=tuple(phonetic),
        skeleton=tuple(skeleton),
        titles=frozenset(titles),
        title_keys=frozenset(
            " ".join(fold(word, phonetic) for word in title.split()) for title in titles
        ),
        qualifiers=frozenset(words.get("qualifier", set())),
        bodies=frozenset(words.get("body", set())),
        generic=frozenset(words.get("generic", set())),
        particles=frozenset(words.get("particle", set())),
        descriptors=frozenset(words.get("descriptor", set())),
        prefixes=frozenset(words.get("prefix", set())),
        prefix_keys=tuple(
            sorted(
                {*words.get("prefix", set())}
                | {fold(prefix, phonetic) for prefix in words.get("prefix", set())},
                key=lambda key: (-len(key), key),
            )
        ),
        suffixes=frozenset(words.get("suffix", set())),
        given_lead_keys=frozenset(fold(word, phonetic) for word in words.get("given_lead", set())),
        fingerprint=digest.hexdigest()[:16],
    )
