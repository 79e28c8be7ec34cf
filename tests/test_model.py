from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import Entity, Evidence, Step


def test_entity_lists_become_tuples_and_attributes_are_read_only() -> None:
    entity = Entity(id="a", name="A", aliases=["B", "C"], attributes={"wikidata": "Q1"})
    assert entity.aliases == ("B", "C")
    with pytest.raises(TypeError):
        entity.attributes["wikidata"] = "Q2"  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entity.name = "Z"  # type: ignore[misc]


def test_a_single_string_is_one_alias_not_letters() -> None:
    assert Entity(id="a", name="A", aliases="Alpha").aliases == ("Alpha",)


def test_entities_are_hashable_and_comparable() -> None:
    first = Entity(id="a", name="A", attributes={"x": 1})
    second = Entity(id="a", name="A", attributes={"x": 1})
    assert first == second
    assert hash(first) == hash(second)
    assert attrs.evolve(first, name="B") != first


def test_step_is_a_value() -> None:
    assert Step("r", "a", "b") == Step(rule="r", before="a", after="b")


def test_negatives_default_to_none_and_become_tuples() -> None:
    assert Entity(id="a", name="A").negatives == ()
    assert Entity(id="a", name="A", negatives="Ay").negatives == ("Ay",)
    assert Entity(id="a", name="A", negatives=["B", "C"]).negatives == ("B", "C")


def test_negatives_come_last_so_positional_arguments_keep_their_meaning() -> None:
    entity = Entity("a", "A", "org", ["B"], ["C"], ["d"], {"x": 1})
    assert (entity.aliases, entity.errors, entity.context) == (("B",), ("C",), ("d",))
    assert dict(entity.attributes) == {"x": 1}
    assert entity.negatives == ()
    assert Entity(id="a", name="A", negatives=["B"]) != Entity(id="a", name="A")


@given(
    st.lists(st.tuples(st.sampled_from(["exact", "ratio", "surname", "context"]), st.floats(0, 1))),
    st.sampled_from(["exact", "ratio", "surname", "context", "absent"]),
)
def test_a_feature_reads_as_the_features_would_as_a_dict(
    features: list[tuple[str, float]], name: str
) -> None:
    evidence = Evidence(query="q", alias="a", alias_role="name", features=tuple(features))
    assert evidence.feature(name) == dict(features).get(name, 0.0)
