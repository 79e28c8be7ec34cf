"""What namenorm's own worker processes share (namenorm._worker)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import Entity, Resolver
from namenorm._worker import dumps_by_reference, loads_by_reference


def test_a_match_comes_back_naming_the_receivers_own_entity() -> None:
    resolver = Resolver()
    match = resolver.resolve("Qassem Suleimani")
    assert match is not None
    # A copy, as a worker process holds: equal to the receiver's entity, not the same object.
    copy = pickle.loads(pickle.dumps(match))
    assert copy.entity is not resolver.table[match.entity.id]

    back = loads_by_reference(dumps_by_reference([copy, None]), resolver.table.__getitem__)

    assert back == [match, None]
    assert back[0].entity is resolver.table[match.entity.id]


def test_the_entity_is_written_as_its_id_alone() -> None:
    entity = Entity(id="x", name="Name", aliases=["an alias that is not sent"])
    assert b"an alias that is not sent" in pickle.dumps(entity)
    assert b"an alias that is not sent" not in dumps_by_reference(entity)


def test_an_id_the_receiver_does_not_hold_is_its_lookups_error() -> None:
    data = dumps_by_reference(Entity(id="gone", name="Gone"))
    with pytest.raises(KeyError, match="gone"):
        loads_by_reference(data, {}.__getitem__)


_IDS = st.text(alphabet="abcdefghij-", min_size=1, max_size=8)


@given(
    st.lists(
        st.one_of(
            _IDS.map(lambda i: Entity(id=i, name=i.upper())),
            st.integers(),
            st.text(max_size=5),
            st.none(),
        ),
        max_size=12,
    )
)
def test_values_come_back_equal_and_every_entity_is_the_lookups(values: list[object]) -> None:
    held = {v.id: v for v in values if isinstance(v, Entity)}
    back = loads_by_reference(dumps_by_reference(values), held.__getitem__)
    assert back == values
    for value, returned in zip(values, back, strict=True):
        if isinstance(value, Entity):
            assert returned is held[value.id]
