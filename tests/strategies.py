"""Hypothesis strategies for the tests: random but name-like alias tables."""

from __future__ import annotations

from hypothesis import strategies as st

from namenorm import AliasTable, Entity, normalize

SYLLABLES = [
    "ba",
    "da",
    "fa",
    "ha",
    "ja",
    "ka",
    "la",
    "ma",
    "na",
    "ra",
    "sa",
    "ta",
    "za",
    "bi",
    "di",
    "hi",
    "ki",
    "li",
    "mi",
    "ni",
    "ri",
    "si",
    "ti",
    "zi",
    "bu",
    "du",
    "hu",
    "ku",
    "lu",
    "mu",
    "nu",
    "ru",
    "su",
    "tu",
    "qa",
    "sha",
    "kha",
    "gha",
    "dor",
    "van",
    "sel",
    "mon",
    "per",
    "gal",
    "wen",
    "tor",
    "bel",
    "sten",
]


@st.composite
def words(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4))
    return "".join(parts).capitalize()


@st.composite
def person_names(draw: st.DrawFn) -> str:
    given = draw(words())
    family = draw(words())
    article = draw(st.sampled_from(["", "al-", "Abu "]))
    return f"{given} {article}{family}"


@st.composite
def alias_tables(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 8) -> AliasTable:
    """Tables whose names and aliases are distinct after normalization, so that each one
    belongs to exactly one entity."""
    names = draw(
        st.lists(
            person_names(),
            min_size=min_size,
            max_size=max_size,
            unique_by=normalize,
        )
    )
    entities = []
    used = {normalize(name) for name in names}
    for number, name in enumerate(names):
        extra = draw(st.lists(person_names(), max_size=2))
        aliases = []
        for alias in extra:
            key = normalize(alias)
            if key not in used:
                used.add(key)
                aliases.append(alias)
        entities.append(Entity(id=f"e{number}", name=name, kind="person", aliases=aliases))
    return AliasTable(entities)
