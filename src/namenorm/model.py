"""The immutable values namenorm passes around: entities, normalized names, matches.

Every class here is a frozen attrs class; collections are tuples, so values can be hashed,
shared between threads and compared. Change one with :func:`attrs.evolve`.

>>> entity = Entity(id="qasem-soleimani", name="Qasem Soleimani", kind="person",
...                 aliases=["Qassem Soleimani"])
>>> entity.aliases
('Qassem Soleimani',)
>>> entity.names()
('Qasem Soleimani', 'Qassem Soleimani')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Literal, TypeAlias, TypeVar

import attrs

__all__ = [
    "KINDS",
    "AttributeValue",
    "Entity",
    "Evidence",
    "FrozenMapping",
    "Kind",
    "Match",
    "Method",
    "Normalization",
    "Step",
]

Kind: TypeAlias = Literal["person", "org", "place", "media", "other"]
KINDS: tuple[Kind, ...] = ("person", "org", "place", "media", "other")

Method: TypeAlias = Literal[
    "exact",
    "normalized",
    "phonetic",
    "skeleton",
    "token",
    "fuzzy",
    "gloss",
    "respelled",
    "acronym",
    "known_error",
    "coreference",
]
"""How the winning alias was reached, from the most to the least literal:

- ``exact``: the mention equals an alias, ignoring case;
- ``normalized``: equal after :func:`namenorm.normalize`;
- ``phonetic``: equal phonetic keys (Qassem = Ghasem);
- ``skeleton``: equal consonant skeletons (Arabic script without vowels);
- ``token``: the mention is part of the name, reordered, or abbreviated to initials;
- ``fuzzy``: close by edit distance only;
- ``gloss``: through a glossed reading of the mention, its words as a translation renders them
  ("Popular Crowd" read as "popular mobilization": :mod:`namenorm.glosses`);
- ``respelled``: through the mention as another romanization scheme writes its letters (Turkish
  "El Cezire" read as "al jazira": :mod:`namenorm.respell`);
- ``acronym``: the mention is written as the initials of one of the entity's names ("ISA" for
  Israel Security Agency: :mod:`namenorm.acronyms`), and its sentence speaks of the entity;
  the mention is then compared as the name it abbreviates;
- ``known_error``: the mention is one of the entity's known erroneous renderings, or part of
  one other than a given name it shares with the entity's right names ("Khatami" of "Mustafa
  Khatami"; "Mustafa" alone is ``token``);
- ``coreference``: in running text, a short form ("Soleimani") of a full name met earlier in
  the same document ("Qassem Soleimani"), linked to the same entity.
"""

AttributeValue: TypeAlias = str | int | float | bool


def _tuple_of_str(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,)
    return tuple(values)


_Value = TypeVar("_Value")


class FrozenMapping(Mapping[str, _Value]):
    """A read-only mapping that, unlike ``types.MappingProxyType``, pickles: values cross to
    worker processes (``annotate_corpus(..., workers=2)``).

    >>> mapping = FrozenMapping({"b": 2, "a": 1})
    >>> mapping["a"], len(mapping), mapping == {"a": 1, "b": 2}
    (1, 2, True)
    >>> import pickle; pickle.loads(pickle.dumps(mapping)) == mapping
    True
    """

    __slots__ = ("_data",)

    def __init__(self, values: Mapping[str, _Value] | None = None) -> None:
        self._data: dict[str, _Value] = dict(values or {})

    def __getitem__(self, key: str) -> _Value:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"

    def __reduce__(self) -> tuple[type[FrozenMapping[_Value]], tuple[dict[str, _Value]]]:
        return (type(self), (self._data,))


def _frozen_mapping(values: Mapping[str, AttributeValue]) -> Mapping[str, AttributeValue]:
    return FrozenMapping(values)


@attrs.frozen
class Step:
    """One rule that changed a name during normalization.

    >>> Step(rule="ar.article", before="el-sudani", after="al-sudani")
    Step(rule='ar.article', before='el-sudani', after='al-sudani')
    """

    rule: str
    before: str
    after: str


@attrs.frozen
class Normalization:
    """A name, its normalized form, and every step that produced it.

    ``text`` is the normalized name; ``tokens`` its name words without particles (al, bin ...);
    ``phonetic`` and ``skeleton`` the keys that fold romanization variants and vowels;
    ``titles`` the leading titles set aside; ``latin`` is False when the name had letters of
    another script (its vowels are then unreliable, so it matches on the skeleton);
    ``descriptors`` the organization-type words left out of the tokens (group, movement ...).

    >>> from namenorm import explain_normalization
    >>> print(explain_normalization("Gen. Qāsim al-Sulaymānī"))
    'Gen. Qāsim al-Sulaymānī' -> 'qasim al sulaymani'
      translit.unidecode: 'Gen. Qāsim al-Sulaymānī' -> 'Gen. Qasim al-Sulaymani'
      case.fold: 'Gen. Qasim al-Sulaymani' -> 'gen. qasim al-sulaymani'
      punct.hyphen: 'gen. qasim al-sulaymani' -> 'gen  qasim al sulaymani'
      space.collapse: 'gen  qasim al sulaymani' -> 'gen qasim al sulaymani'
      titles.leading: 'gen qasim al sulaymani' -> 'qasim al sulaymani'
      phonetic key: 'kasim sulimani'; skeleton: 'ksm slmn'
    """

    original: str
    text: str
    steps: tuple[Step, ...]
    titles: tuple[str, ...]
    tokens: tuple[str, ...]
    phonetic: str
    skeleton: str
    latin: bool
    descriptors: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [f"{self.original!r} -> {self.text!r}"]
        lines.extend(f"  {step.rule}: {step.before!r} -> {step.after!r}" for step in self.steps)
        lines.append(f"  phonetic key: {self.phonetic!r}; skeleton: {self.skeleton!r}")
        return "\n".join(lines)


@attrs.frozen
class Entity:
    """One real-world entity of an alias table.

    ``aliases`` are true alternative names and spellings; ``errors`` are known erroneous
    renderings (machine-translation errors such as "Mustafa Khatami" for Mustafa al-Kadhimi),
    kept apart so a match through one is reported as ``known_error``; ``context`` holds words
    and phrases that signal this entity in the text around a mention; ``attributes`` any other
    fields of its record; ``negatives`` mentions judged *not* to be this entity (by
    ``namenorm apply-judgments``): the resolver never links a mention that normalizes like one
    of them to this entity. Lists are stored as tuples.

    >>> Entity(id="rai-al-youm", name="Rai al-Youm", kind="media",
    ...        errors=["Rai Allium"]).errors
    ('Rai Allium',)
    >>> Entity(id="iraq", name="Iraq", kind="place", negatives=["Iraqi"]).negatives
    ('Iraqi',)
    """

    id: str
    name: str
    kind: Kind = "person"
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    errors: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    context: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    attributes: Mapping[str, AttributeValue] = attrs.field(
        factory=dict, converter=_frozen_mapping, hash=False
    )
    # Last, so that entities built with positional arguments keep their meaning.
    negatives: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)

    def names(self) -> tuple[str, ...]:
        """The canonical name followed by the aliases (not the known errors)."""
        return (self.name, *self.aliases)


@attrs.frozen
class Evidence:
    """Why a candidate was scored as it was.

    ``alias`` is the table string that matched best and ``alias_role`` says whether it is the
    canonical ``name``, an ``alias`` or a known ``error``; ``features`` are the similarity
    features (each in [0, 1]) fed to the confidence model; ``context_hits`` the entity's context
    words found around the mention; ``logit`` the pair model's score and ``log_odds`` the
    log-odds it gives this candidate against its rivals and NIL; ``margin`` the lead of
    this candidate's logit over the next best entity's (None when it had no rival);
    ``runner_up`` that rival's id.

    >>> from namenorm import Resolver
    >>> evidence = Resolver().resolve("Ghassem Suleimani").evidence
    >>> evidence.alias_role, evidence.feature("phonetic_equal")
    ('alias', 1.0)
    """

    query: str
    alias: str
    alias_role: Literal["name", "alias", "error"]
    features: tuple[tuple[str, float], ...]
    context_hits: tuple[str, ...] = ()
    logit: float = 0.0
    log_odds: float = 0.0
    margin: float | None = None
    runner_up: str | None = None
    model: str = ""

    def feature(self, name: str) -> float:
        """Return one feature by name (0.0 when absent; the last one when repeated).

        >>> Evidence(query="a", alias="a", alias_role="name",
        ...          features=(("exact", 1.0),)).feature("ratio")
        0.0
        """
        # A scan, not a dict: running text asks three features of every reading.
        for feature, value in reversed(self.features):
            if feature == name:
                return value
        return 0.0


@attrs.frozen
class Match:
    """A mention resolved to an entity, with the calibrated probability that it is right.

    ``confidence`` is in [0, 1]; ``score`` is the raw string similarity of the best alias
    (0-100, as rapidfuzz reports it), which is *not* a probability.

    >>> from namenorm import Resolver
    >>> match = Resolver().resolve("Rai Allium")
    >>> match.entity.name, match.method, 0.0 <= match.confidence <= 1.0
    ('Rai al-Youm', 'known_error', True)
    """

    entity: Entity
    confidence: float
    method: Method
    score: float
    evidence: Evidence

    def explain(self) -> str:
        """The evidence for this match, in words."""
        ev = self.evidence
        how = (
            "the mention is its initials"
            if self.method == "acronym"
            else f"similarity {self.score:.1f}/100"
        )
        lines = [
            f"{ev.query!r} -> {self.entity.name} [{self.entity.id}] "
            f"confidence {self.confidence:.3f} via {self.method}",
            f"  best {ev.alias_role}: {ev.alias!r} ({how})",
        ]
        shown = ", ".join(f"{name}={value:.2f}" for name, value in ev.features if value)
        lines.append(f"  features: {shown or 'none'}")
        if ev.context_hits:
            lines.append(f"  context words found: {', '.join(ev.context_hits)}")
        if ev.runner_up is not None and ev.margin is not None:
            lines.append(f"  lead over runner-up {ev.runner_up}: {ev.margin:+.2f} (logit)")
        elif ev.runner_up is None:
            lines.append("  no other candidate")
        if ev.model:
            lines.append(f"  confidence model: {ev.model}")
        return "\n".join(lines)
