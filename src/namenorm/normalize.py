"""Normalize names across scripts and romanizations, and explain every rule applied.

Reach for :func:`normalize` to get one comparable string per name, for
:func:`explain_normalization` to see why two spellings meet (or do not), and for :func:`replay`
to re-run an explanation. Table aliases and mentions go through the same rules, so they always
meet on the same forms.

>>> normalize("Qāsim Sulaymānī")
'qasim sulaymani'
>>> normalize("Abu Mahdi Almohandes")
'abu mahdi al mohandes'
>>> normalize("ʿAbd al-Mahdī") == normalize("Abdul-Mahdi")
True
>>> phonetic_key("Ghassem Suleimani") == phonetic_key("Qasem Soleimani")
True
>>> skeleton_key("قاسم سليماني") == skeleton_key("Qasem Soleimani")
True
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Sequence

from namenorm.errors import RulesError
from namenorm.model import Normalization, Step
from namenorm.resources import register_cache
from namenorm.rules import Rule, RuleSet, fold, load_rules

__all__ = [
    "analyze",
    "explain_normalization",
    "normalize",
    "normalize_text",
    "phonetic_key",
    "replay",
    "skeleton_key",
    "title_key",
]

TITLES_RULE = "titles.leading"
MAX_UNFOLDED_WORD = 3
"""Words this short keep their letters in the phonetic key when folding would drop one."""
MIN_PHONETIC_TITLE = 5
"""Titles of this many letters or more are also recognized by their phonetic key."""
_CACHE_SIZE = 1 << 16


def _strip_titles(text: str, rules: RuleSet) -> tuple[str, tuple[str, ...]]:
    """Set aside leading titles (the longest phrase first) while a name remains, and only before
    a name: before a body word a title begins the name of an office or an institution."""
    words = text.split(" ")
    removed: list[str] = []
    position = 0
    while position < len(words) - 1:
        phrase = _title_at(words, position, rules)
        if not phrase:
            break
        end = position + len(phrase.split(" "))
        if phrase not in rules.qualifiers and words[end] in rules.bodies:
            # The longest title decides: "Secretary General Administration" is no secretary.
            break
        removed.append(phrase)
        position = end
    return " ".join(words[position:]), tuple(removed)


def _title_at(words: Sequence[str], position: int, rules: RuleSet) -> str:
    """The longest title that begins at ``position`` and leaves a word after it, or ''."""
    for length in range(min(4, len(words) - 1 - position), 0, -1):
        phrase = " ".join(words[position : position + length])
        if _is_title(phrase, rules):
            return phrase
    return ""


def _is_title(phrase: str, rules: RuleSet) -> bool:
    if phrase in rules.titles:
        return True
    # Long titles also match by phonetic key (sayyed = sayyid); short ones (gen, col) only as
    # written, or they would swallow names (Ken, Cole).
    if len(phrase) < MIN_PHONETIC_TITLE:
        return False
    return title_key((phrase,)) in rules.title_keys


def _name_words(text: str, rules: RuleSet) -> list[list[str]]:
    """The words that carry the name, grouped: particles and organization descriptors stay in
    the text but not here, and a prefix (abd, abu) groups with the word after it."""
    groups: list[list[str]] = []
    pending: list[str] = []
    for word in text.split():
        if word in rules.particles or word in rules.descriptors:
            continue
        pending.append(word)
        if word not in rules.prefixes:
            groups.append(pending)
            pending = []
    if pending:
        groups.append(pending)
    return groups


def _is_latin(text: str) -> bool:
    """Whether every letter is Latin, after NFKC (full-width letters are Latin) and ignoring
    modifier letters (the ʿ and ʾ of ʿayn and hamza are marks, not another script)."""
    for char in unicodedata.normalize("NFKC", text):
        if char.isalpha() and not char.isascii() and unicodedata.category(char) != "Lm":
            name = unicodedata.name(char, "")
            if not name.startswith("LATIN"):
                return False
    return True


def _phonetic_word(word: str, rules: RuleSet, *, latin: bool) -> str:
    # A short Latin word folds only when folding keeps all its letters (Aly = Ali, Yom = Yum):
    # one that would shrink is compared as written, or acronyms would merge into a letter or
    # two (KH and H, KGK and K, AAH and A). Prefixes and words from another script always fold.
    folded = _phonetic_fold(word)
    if (
        latin
        and len(word) <= MAX_UNFOLDED_WORD
        and word not in rules.prefixes
        and len(folded) < len(word)
    ):
        return word
    return folded


# Folding runs a dozen regular expressions over a word, and names are made of few distinct
# words (Mohammed, Ali, al ...): caching per word halves the cost of analyzing a table.
@register_cache
@functools.lru_cache(maxsize=_CACHE_SIZE)
def _phonetic_fold(word: str) -> str:
    return fold(word, load_rules().phonetic)


def title_key(titles: Sequence[str]) -> str:
    """The phonetic key of the titles :func:`analyze` set aside, word by word: two spellings
    of one title share it, as the title rule reads them (Sayyed and Sayyid).

    >>> title_key(analyze("Sayyed Hassan").titles) == title_key(analyze("Sayyid Ali").titles)
    True
    >>> title_key(analyze("Qasem Soleimani").titles)
    ''
    """
    return " ".join(_phonetic_fold(word) for title in titles for word in title.split())


@register_cache
@functools.lru_cache(maxsize=_CACHE_SIZE)
def _skeleton_fold(word: str) -> str:
    return fold(word, load_rules().skeleton)


def _stages(rules: RuleSet) -> list[str]:
    return [
        "unicode.nfkc",
        *(rule_id for rule_id, _ in rules.script_rewrites),
        *sorted(set(rules.script_rule_of.values())),
        "translit.unidecode",
        "case.fold",
        *(rule_id for rule_id, _ in rules.rewrites),
    ]


@register_cache
@functools.cache
def _stage_rules() -> tuple[tuple[str, Rule], ...]:
    """The stages of the loaded rules with their functions, in order: worked out once, as
    every name and every sentence of running text goes through them."""
    rules = load_rules()
    return tuple((rule_id, rules.rules[rule_id]) for rule_id in _stages(rules))


@register_cache
@functools.lru_cache(maxsize=_CACHE_SIZE)
def analyze(name: str) -> Normalization:
    """Normalize ``name`` and compute its keys, recording every rule that changed it.

    Never raises on text: any string, however odd, gets a (possibly empty) normalization.

    >>> n = analyze("Major General Qassem Suleimani")
    >>> n.text, n.titles, n.tokens
    ('qassem suleimani', ('major general',), ('qassem', 'suleimani'))
    >>> n.phonetic, n.skeleton
    ('kasim sulimani', 'ksm slmn')
    """
    rules = load_rules()
    text = name
    steps: list[Step] = []
    for rule_id, rule in _stage_rules():
        after = rule(text)
        if after != text:
            steps.append(Step(rule=rule_id, before=text, after=after))
            text = after
    stripped, titles = _strip_titles(text, rules)
    if stripped != text:
        steps.append(Step(rule=TITLES_RULE, before=text, after=stripped))
        text = stripped
    groups = _name_words(text, rules)
    tokens = tuple("".join(group) for group in groups)
    # Keys are made word by word and then joined, so no digraph forms across the join
    # (abd + khaliq must not read "dh").
    latin = _is_latin(name)
    phonetic = tuple(
        "".join(_phonetic_word(word, rules, latin=latin) for word in group) for group in groups
    )
    skeleton = tuple(key for key in (_skeleton_fold(token) for token in phonetic) if key)
    return Normalization(
        original=name,
        text=text,
        steps=tuple(steps),
        titles=titles,
        tokens=tokens,
        descriptors=tuple(word for word in text.split() if word in rules.descriptors),
        phonetic=" ".join(phonetic),
        skeleton=" ".join(skeleton),
        latin=latin,
    )


def normalize_text(text: str) -> str:
    """Normalize running text (a sentence around a mention) with the name rules, uncached and
    without setting titles aside, so context words can be compared with a table's words.

    >>> normalize_text("Iraqi Prime Minister Mustafa al-Kadhimi's government")
    'iraqi prime minister mustafa al kadhimis government'
    """
    for _, rule in _stage_rules():
        text = rule(text)
    return text


def normalize(name: str) -> str:
    """Return the normalized form of a name: the form namenorm compares.

    Unicode NFKC; Arabic and Persian script by namenorm's own table, other scripts by unidecode;
    case folded; apostrophes, ʿayn and hamza marks dropped; the article's forms (al-, el-, ul-,
    as-, ash-, ad- ..., and the attached Al...) made one; Abdul/Abdel made Abd al-; ibn/ben made
    bin; Abou made Abu; hyphens and dots made spaces; leading titles (General, Prime Minister,
    Sheikh, Dr ...) set aside.

    >>> normalize("Mohammed Shia' al-Sudani")
    'mohammed shia al sudani'
    >>> normalize("Prime Minister Adel Abdul-Mahdi")
    'adel abd al mahdi'
    >>> normalize("Osama ibn Laden") == normalize("Osama bin Laden")
    True
    """
    return analyze(name).text


def explain_normalization(name: str) -> Normalization:
    """Return the normalization of ``name`` with every rule applied, in order.

    ``print()`` it for a readable account; its ``steps`` can be re-run with :func:`replay`.

    >>> print(explain_normalization("ʿAbd al-Mahdī"))
    'ʿAbd al-Mahdī' -> 'abd al mahdi'
      translit.unidecode: 'ʿAbd al-Mahdī' -> "'Abd al-Mahdi"
      case.fold: "'Abd al-Mahdi" -> "'abd al-mahdi"
      marks.apostrophe: "'abd al-mahdi" -> 'abd al-mahdi'
      punct.hyphen: 'abd al-mahdi' -> 'abd al mahdi'
      phonetic key: 'abdmahdi'; skeleton: 'bdmhd'
    """
    return analyze(name)


def replay(original: str, steps: Iterable[Step]) -> str:
    """Re-apply the rules named by ``steps`` to ``original`` and return the result.

    For any name, ``replay(name, explain_normalization(name).steps) == normalize(name)``.
    Raises :class:`~namenorm.errors.RulesError` for a step whose rule does not exist.

    >>> n = explain_normalization("Abou Mahdi el-Mohandes")
    >>> replay(n.original, n.steps)
    'abu mahdi al mohandes'
    """
    rules = load_rules()
    text = original
    for step in steps:
        if step.rule == TITLES_RULE:
            text, _ = _strip_titles(text, rules)
        elif step.rule in rules.rules:
            text = rules.rules[step.rule](text)
        else:
            raise RulesError(f"no normalization rule with id {step.rule!r}", field="rule")
    return text


def phonetic_key(name: str) -> str:
    """Return the phonetic key of a name: romanization variants of one name share it.

    >>> phonetic_key("Mustafa al-Kadhimi") == phonetic_key("Mostafa Al-Kazimi")
    True
    """
    return analyze(name).phonetic


def skeleton_key(name: str) -> str:
    """Return the consonant skeleton of a name, which unvowelled Arabic script shares.

    >>> skeleton_key("محمد شياع السوداني")
    'mhmd sh sdn'
    >>> skeleton_key("Mohammed Shia al-Sudani")
    'mhmd sh sdn'
    """
    return analyze(name).skeleton
