"""The bounded memo (namenorm.memo)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm.memo import BoundedMemo


def test_storing_past_the_bound_forgets_everything_first() -> None:
    memo: BoundedMemo[str, int] = BoundedMemo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    memo.put("a", 10)  # a key already kept is replaced, nothing forgotten
    assert memo.items() == [("a", 10), ("b", 2)]
    memo.put("c", 3)
    assert memo.items() == [("c", 3)]
    assert "a" not in memo
    assert memo.get("a") is None


def test_a_remembered_none_is_told_apart_from_a_missing_key() -> None:
    memo: BoundedMemo[str, int | None] = BoundedMemo(4)
    memo.put("nothing", None)
    assert "nothing" in memo
    assert memo["nothing"] is None
    with pytest.raises(KeyError):
        memo["missing"]


def test_a_memo_needs_room_for_one_value() -> None:
    with pytest.raises(ValueError, match="size"):
        BoundedMemo(0)


def test_a_memo_pickles_with_what_it_holds() -> None:
    memo: BoundedMemo[str, int] = BoundedMemo(3)
    memo.put("a", 1)
    copy = pickle.loads(pickle.dumps(memo))
    assert copy.size == 3
    assert copy.items() == [("a", 1)]


@given(st.integers(1, 5), st.lists(st.tuples(st.integers(0, 8), st.integers())))
def test_a_memo_holds_at_most_its_size_and_the_last_value_stored(
    size: int, stores: list[tuple[int, int]]
) -> None:
    memo: BoundedMemo[int, int] = BoundedMemo(size)
    for key, value in stores:
        assert memo.put(key, value) == value
        assert len(memo) <= size
        assert memo.get(key) == value
    # Whatever it still holds is the last value stored for that key.
    last = dict(stores)
    assert all(last[key] == value for key, value in memo.items())


@given(
    st.integers(1, 5),
    st.lists(st.dictionaries(st.integers(0, 8), st.integers(), max_size=4)),
)
def test_a_batch_is_kept_whole_and_the_memo_past_its_size_only_by_that_batch(
    size: int, batches: list[dict[int, int]]
) -> None:
    memo: BoundedMemo[int, int] = BoundedMemo(size)
    for batch in batches:
        before = dict(memo.items())
        memo.put_all(batch)
        held = dict(memo.items())
        assert all(held[key] == value for key, value in batch.items())
        # Either everything earlier is kept, or it was all forgotten to make room.
        assert held in ({**before, **batch}, batch)
        assert len(memo) <= max(size, len(batch))
