"""Hypothesis strategies to property-test an alias table and the pipelines built on it.

>>> from hypothesis import given, settings
>>> from namenorm import Resolver
>>> resolver = Resolver()
>>> @settings(max_examples=25, database=None)
... @given(variants("Qasem Soleimani"))
... def test_soleimani(spelling):
...     assert resolver.resolve(spelling).entity.id == "qasem-soleimani"
>>> test_soleimani()

- :func:`variants` draws the spellings that real transliteration produces (the rules of
  ``data/variants.tsv``: q/k/gh, dh/z, ou/u, ei/ey, -eh/-ah, al-/el-/none, Mohammed/Muhammad,
  Abd al-/Abdul ...), with optional typos, case, spacing and the family name moved first. Every
  draw shrinks toward the name as written, so a failing example comes out as small as it can be.
- :func:`names`, :func:`entities` and :func:`alias_tables` draw realistic names and tables
  (romanized Arabic, Persian, Turkish, Kurdish and Western people; armed groups and parties),
  from the sample lists of ``data/samples.tsv``.
- :func:`texts_with_mentions` draws a text with mentions of a table's entities planted in it,
  and says where they are.

hypothesis is an optional dependency (``pip install 'namenorm[hypothesis]'``): importing this
module without it raises :class:`~namenorm.errors.MissingDependencyError`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from namenorm.errors import MissingDependencyError

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - exercised in a subprocess by the tests
    raise MissingDependencyError(
        "namenorm.strategies needs hypothesis: pip install 'namenorm[hypothesis]'"
    ) from error

from namenorm.model import Entity, Kind
from namenorm.normalize import normalize, phonetic_key
from namenorm.tables import AliasTable
from namenorm.variants import FRAME_SLOT, Variant, load_samples, spell

__all__ = [
    "ORIGINS",
    "PlantedMention",
    "PlantedText",
    "alias_tables",
    "entities",
    "names",
    "respellings",
    "texts_with_mentions",
    "variants",
]

ORIGINS = ("arabic", "persian", "turkish", "kurdish", "western")


def _choice(options: int, label: str, draw: st.DrawFn) -> int:
    # integers(0, n - 1) shrinks toward 0, and 0 always means "as written".
    return draw(st.integers(0, options - 1), label=label)


def respellings(
    name: str, *, typos: int = 0, case: bool = True, reorder: bool = True
) -> st.SearchStrategy[Variant]:
    """Spellings of ``name`` with the changes that made each one (see :func:`variants`).

    >>> from hypothesis import find
    >>> spellings = respellings("Hadi al-Amiri", case=False, reorder=False)
    >>> find(spellings, lambda v: "var.al: al- → el-" in v.changes).text
    'Hadi el-Amiri'
    """

    @st.composite
    def draw_variant(draw: st.DrawFn) -> Variant:
        return spell(
            name,
            lambda options, label: _choice(options, label, draw),
            typos=typos,
            case=case,
            reorder=reorder,
        )

    return draw_variant()


def variants(
    name: str, *, typos: int = 0, case: bool = True, reorder: bool = True
) -> st.SearchStrategy[str]:
    """Realistic spellings of ``name``, shrinking toward ``name`` itself.

    ``typos`` is the most typos a spelling may carry (none by default), ``case`` allows lower,
    upper and title case, ``reorder`` the family name moved first ("Soleimani, Qasem"; leave it
    off for organizations and places).

    >>> from hypothesis import find
    >>> find(variants("Qasem Soleimani"), lambda spelling: spelling.startswith("Gh"))
    'Ghasem Soleimani'
    """
    return respellings(name, typos=typos, case=case, reorder=reorder).map(lambda v: v.text)


def _person_names(origin: str) -> st.SearchStrategy[str]:
    samples = load_samples()

    @st.composite
    def draw_name(draw: st.DrawFn) -> str:
        given = draw(st.sampled_from(samples[f"given.{origin}"]))
        family = draw(st.sampled_from(samples[f"family.{origin}"]))
        if origin == "arabic" and draw(st.booleans()):
            # A kunya or a father's name between the given and the family name.
            middle = draw(st.sampled_from(samples["kunya"] + samples["given.arabic"]))
            return f"{given} {middle} {family}"
        return f"{given} {family}"

    return draw_name()


def _organization_names() -> st.SearchStrategy[str]:
    samples = load_samples()
    return st.builds(
        "{} {}".format, st.sampled_from(samples["org.head"]), st.sampled_from(samples["org.tail"])
    )


def names(
    *, origins: Sequence[str] = ORIGINS, organizations: bool = False
) -> st.SearchStrategy[str]:
    """Names of people of the given ``origins`` (and of armed groups and parties, if asked).

    >>> from hypothesis import find
    >>> find(names(origins=["persian"]), lambda name: "Soleimani" in name)
    'Reza Soleimani'
    """
    unknown = sorted(set(origins) - set(ORIGINS))
    if unknown or not origins:
        raise ValueError(f"origins must be some of {', '.join(ORIGINS)}; got {unknown or 'none'}")
    people = st.one_of(*(_person_names(origin) for origin in origins))
    return st.one_of(people, _organization_names()) if organizations else people


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalize(text)).strip("-") or "entity"


def _is_organization(name: str) -> bool:
    return name.split(maxsplit=1)[0] in load_samples()["org.head"]


@st.composite
def _entity(draw: st.DrawFn, *, origins: Sequence[str], organizations: bool) -> Entity:
    name = draw(names(origins=origins, organizations=organizations))
    organization = _is_organization(name)
    kind: Kind = "org" if organization else "person"
    spellings = draw(st.lists(variants(name, case=False, reorder=not organization), max_size=2))
    by_key: dict[str, str] = {normalize(name): name, "": ""}
    for spelling in spellings:
        by_key.setdefault(normalize(spelling), spelling)
    aliases = tuple(spelling for spelling in by_key.values() if spelling not in {name, ""})
    return Entity(id=_slug(name), name=name, kind=kind, aliases=aliases)


def entities(
    *, origins: Sequence[str] = ORIGINS, organizations: bool = True
) -> st.SearchStrategy[Entity]:
    """Entities with a realistic name and up to two aliases that are spellings of it.

    >>> from hypothesis import find
    >>> entity = find(entities(), lambda e: len(e.aliases) == 1)
    >>> entity.kind, entity.id == entity.id.lower()
    ('person', True)
    """
    return _entity(origins=origins, organizations=organizations)


def alias_tables(
    *,
    min_size: int = 1,
    max_size: int = 8,
    origins: Sequence[str] = ORIGINS,
    organizations: bool = True,
) -> st.SearchStrategy[AliasTable]:
    """Alias tables in which every name and alias belongs to one entity only.

    Entities are unique by the phonetic key of their names (two entities that sound alike
    would make any test of "the right entity" flaky), and an alias that sounds like another
    entity's string is left out. Ids are unique slugs of the names.

    >>> from hypothesis import Phase, find, settings
    >>> table = find(alias_tables(min_size=3), lambda table: True,
    ...              settings=settings(phases=[Phase.generate], database=None))
    >>> len(table) >= 3, len({entity.id for entity in table}) == len(table)
    (True, True)
    """

    @st.composite
    def draw_table(draw: st.DrawFn) -> AliasTable:
        drawn = draw(
            st.lists(
                entities(origins=origins, organizations=organizations),
                min_size=min_size,
                max_size=max_size,
                unique_by=lambda entity: phonetic_key(entity.name),
            )
        )
        used = {phonetic_key(entity.name) for entity in drawn}
        kept = []
        for number, entity in enumerate(drawn):
            aliases = []
            for alias in entity.aliases:
                key = phonetic_key(alias)
                if key not in used:
                    used.add(key)
                    aliases.append(alias)
            kept.append(attrs.evolve(entity, id=f"{entity.id}-{number}", aliases=aliases))
        return AliasTable(kept)

    return draw_table()


@attrs.frozen
class PlantedMention:
    """A mention planted in a text: where it is, what it says, and the entity it names.

    >>> PlantedMention(0, 5, "Sadr", "muqtada-al-sadr").end
    5
    """

    start: int
    end: int
    surface: str
    entity_id: str


@attrs.frozen
class PlantedText:
    """A text and the mentions planted in it, in text order; ``text[m.start:m.end] ==
    m.surface`` for each.

    >>> PlantedText("Sadr spoke.", (PlantedMention(0, 4, "Sadr", "muqtada-al-sadr"),)).ids
    ('muqtada-al-sadr',)
    """

    text: str
    mentions: tuple[PlantedMention, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        """The planted entities' ids, in text order."""
        return tuple(mention.entity_id for mention in self.mentions)


def texts_with_mentions(
    table: AliasTable, *, max_sentences: int = 4, respell: bool = False
) -> st.SearchStrategy[PlantedText]:
    """Texts of a few sentences, each naming entities of ``table`` by a name or an alias (or,
    with ``respell``, by a spelling of one), with the planted mentions and their entities.

    The sentences (``data/samples.tsv``) name nothing else. An empty table gives empty texts.

    >>> from hypothesis import find
    >>> from namenorm import load_table
    >>> planted = find(texts_with_mentions(load_table()), lambda p: len(p.mentions) == 2)
    >>> [planted.text[m.start:m.end] == m.surface for m in planted.mentions]
    [True, True]
    """
    population = list(table)
    if not population:
        return st.just(PlantedText("", ()))
    frames = load_samples()["frame"]

    @st.composite
    def draw_text(draw: st.DrawFn) -> PlantedText:
        pieces: list[str] = []
        mentions: list[PlantedMention] = []
        length = 0
        for frame in draw(st.lists(st.sampled_from(frames), min_size=1, max_size=max_sentences)):
            if pieces:
                pieces.append(" ")
                length += 1
            parts = frame.split(FRAME_SLOT)
            for number, part in enumerate(parts):
                pieces.append(part)
                length += len(part)
                if number == len(parts) - 1:
                    break
                entity = draw(st.sampled_from(population))
                surface = draw(st.sampled_from(entity.names()))
                if respell:
                    surface = draw(variants(surface, reorder=entity.kind == "person"))
                mentions.append(PlantedMention(length, length + len(surface), surface, entity.id))
                pieces.append(surface)
                length += len(surface)
        return PlantedText("".join(pieces), tuple(mentions))

    return draw_text()
