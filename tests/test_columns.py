from __future__ import annotations

import pickle
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import columns
from namenorm.columns import (
    BATCH_KEYS,
    KeyMultimap,
    StringColumn,
    directory_bits,
    hash_key,
    hash_keys,
    multimap_problem,
    sorted_union,
    sorted_unique,
)

# Any text a table can hold, lone surrogates from JSON escapes included.
texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)


@given(st.lists(texts, max_size=30))
def test_a_string_column_gives_back_what_it_stored(strings: list[str]) -> None:
    column = StringColumn.from_strings(strings)
    assert len(column) == len(strings)
    assert list(column) == strings
    assert column[:] == strings
    if strings:
        assert column[-1] == strings[-1]


@given(st.lists(texts, max_size=30), st.integers(1, 8))
def test_iterating_a_column_reads_across_its_chunks(strings: list[str], chunk: int) -> None:
    # A column is read a chunk of offsets at a time: each boundary must lose nothing.
    with mock.patch.object(columns, "_ITERATION_CHUNK", chunk):
        assert list(StringColumn.from_strings(strings)) == strings


def test_a_string_column_refuses_positions_outside_it() -> None:
    column = StringColumn.from_strings(["a"])
    with pytest.raises(IndexError):
        column[1]
    with pytest.raises(IndexError):
        column[-2]
    with pytest.raises(IndexError):
        column.take([0, 1])
    with pytest.raises(IndexError):
        column.take([-1])
    # Many positions at once go through numpy, and are refused the same way.
    with pytest.raises(IndexError):
        column.take([0] * BATCH_KEYS + [1])
    with pytest.raises(IndexError):
        column.take([0] * BATCH_KEYS + [-1])


@given(st.lists(st.text(max_size=6), min_size=1, max_size=20), st.data())
def test_take_reads_what_single_reads_read(strings: list[str], data: st.DataObject) -> None:
    column = StringColumn.from_strings(strings)
    positions = data.draw(st.lists(st.integers(0, len(strings) - 1), max_size=3 * BATCH_KEYS))
    assert column.take(positions) == [strings[position] for position in positions]


@given(st.lists(st.lists(st.integers(-5, 60), max_size=20), max_size=4))
def test_sorted_union_is_numpy_union(lists: list[list[int]]) -> None:
    arrays = [np.unique(np.asarray(values, dtype=np.int32)) for values in lists]
    found = sorted_union(arrays)
    assert found.tolist() == sorted(set().union(*lists))
    assert found.dtype == np.int32


@given(st.lists(st.integers(-5, 2**31 - 1), max_size=200))
def test_sorted_unique_is_numpy_unique(values: list[int]) -> None:
    array = np.asarray(values, dtype=np.int32)
    found = sorted_unique(array)
    assert found.tolist() == np.unique(array).tolist()
    assert found.dtype == array.dtype


@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 50)), max_size=60))
def test_a_multimap_answers_like_a_dict_of_sets(pairs: list[tuple[str, int]]) -> None:
    multimap = KeyMultimap.build(pairs)
    expected: dict[str, set[int]] = {}
    for key, value in pairs:
        expected.setdefault(key, set()).add(value)
    for key in "abcdefghz":
        values = multimap.get(key).tolist()
        assert values == sorted(expected.get(key, set()))
        assert multimap.count(key) == len(values)
    keys = ["a", "c", "z"]
    assert multimap.get_many(keys).tolist() == sorted(
        set().union(*(expected.get(k, set()) for k in keys))
    )
    assert len(multimap) == sum(len(values) for values in expected.values())


@given(
    st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 50)), max_size=60),
    st.lists(st.sampled_from("abcdefghz"), max_size=3 * BATCH_KEYS),
)
def test_lookups_of_many_keys_agree_with_lookups_of_one(
    pairs: list[tuple[str, int]], keys: list[str]
) -> None:
    """From BATCH_KEYS keys on, lookups read the directory for all keys at once; below it,
    one key at a time: either way the answers are those of one lookup per key, in the order
    the keys were given."""
    multimap = KeyMultimap.build(pairs)
    single = [multimap.get(key).tolist() for key in keys]
    assert [values.tolist() for values in multimap.get_each(keys)] == single
    assert multimap.get_many(keys).tolist() == sorted(set().union(*map(set, single)))


@given(
    st.lists(st.tuples(texts, st.integers(0, 10_000)), max_size=400),
    st.lists(texts, max_size=20),
)
def test_a_multimap_of_many_keys_answers_like_a_dict_of_sets(
    pairs: list[tuple[str, int]], asked: list[str]
) -> None:
    """Keys enough to fill many directory ranges, some sharing one: every key stored is found
    with all its values, through each lookup, and a key never stored has none."""
    multimap = KeyMultimap.build(pairs)
    expected: dict[str, set[int]] = {}
    for key, value in pairs:
        expected.setdefault(key, set()).add(value)
    keys = [*expected, *asked]
    for key in keys:
        assert multimap.get(key).tolist() == sorted(expected.get(key, set()))
    assert [values.tolist() for values in multimap.get_each(keys)] == [
        sorted(expected.get(key, set())) for key in keys
    ]
    assert multimap.get_many(keys).tolist() == sorted(set().union(*expected.values()))
    assert multimap_problem(multimap, limit=10_001) is None
    copy = KeyMultimap.from_arrays(multimap.arrays("m"), "m")
    assert [copy.get(key).tolist() for key in keys] == [multimap.get(key).tolist() for key in keys]


def test_a_multimap_directory_has_one_to_two_keys_per_range() -> None:
    multimap = KeyMultimap.build((str(number), number) for number in range(5000))
    ranges = len(multimap.directory) - 1
    assert directory_bits(len(multimap.directory)) == 12
    assert ranges == 4096
    assert 1 <= len(multimap.keys) / ranges < 2
    assert np.diff(multimap.directory).max() < 20


def test_directory_bits_refuses_sizes_no_directory_has() -> None:
    assert [directory_bits(size) for size in (3, 5, 1025)] == [1, 2, 10]
    assert [directory_bits(size) for size in (0, 1, 2, 4, 1024)] == [0, 0, 0, 0, 0]


def _forged(multimap: KeyMultimap, **arrays: np.ndarray) -> KeyMultimap:
    stored = multimap.arrays("m")
    stored.update({f"m.{name}": array for name, array in arrays.items()})
    return KeyMultimap.from_arrays(stored, "m")


def test_a_multimap_that_would_look_outside_its_arrays_is_named() -> None:
    good = KeyMultimap.build([("a", 1), ("b", 2), ("b", 0), ("c", 1)])
    assert multimap_problem(good, limit=3) is None
    assert multimap_problem(good, limit=2) == "values outside the table"
    assert multimap_problem(_forged(good, keys=good.keys[::-1].copy()), 3) == "keys out of order"
    starts = good.starts.copy()
    starts[-1] += 1
    assert multimap_problem(_forged(good, starts=starts), 3) == "runs that do not fit the values"
    starts = good.starts.copy()
    starts[1], starts[2] = starts[2], starts[1]
    assert multimap_problem(_forged(good, starts=starts), 3) == "runs out of order"
    for directory in (
        good.directory[:-1].copy(),  # not 2**b + 1 entries
        np.zeros_like(good.directory),  # does not end at the number of keys
        good.directory[::-1].copy(),  # out of order
        np.array([0, 2**40, 3], dtype=np.int64),  # a range wider than all the keys
    ):
        forged = _forged(good, directory=directory)
        assert multimap_problem(forged, 3) == "a directory that does not fit the keys"


def test_get_many_of_nothing_is_empty() -> None:
    assert KeyMultimap.build([("a", 1)]).get_many([]).tolist() == []
    assert KeyMultimap.build([]).get("a").tolist() == []
    assert KeyMultimap.build([("a", 1)]).get_each([]) == []


def test_key_hashes_are_stable_across_processes_and_machines() -> None:
    # A snapshot stores these hashes: they must never depend on PYTHONHASHSEED or the platform.
    assert hash_key("sudani") == 0x1BEE0249581D2A5A
    assert int(hash_keys(["sudani"])[0]) == hash_key("sudani")
    assert hash_keys([]).dtype == np.uint64


@given(texts)
def test_every_text_hashes(text: str) -> None:
    assert 0 <= hash_key(text) < 2**64


@given(st.lists(st.text(max_size=6), max_size=12))
def test_a_string_column_pickles(strings: list[str]) -> None:
    # Tables cross to other processes by pickle (Spark, multiprocessing): the column's
    # bytes view must not stop them.
    column = pickle.loads(pickle.dumps(StringColumn.from_strings(strings)))
    assert list(column) == strings
    assert column.take(list(range(len(strings)))) == strings


def test_a_multimap_built_in_chunks_equals_one_built_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keys are hashed a chunk at a time, and pairs whose values already ascend are sorted by
    their hashes alone: neither may change the arrays."""
    pairs = [(f"k{number % 37}", number) for number in range(500)]
    whole = KeyMultimap.from_hashes(
        hash_keys(key for key, _ in pairs), np.asarray([value for _, value in pairs], np.int32)
    )
    monkeypatch.setattr("namenorm.columns._BUILD_CHUNK", 7)
    shuffled = pairs[1::2] + pairs[::2]  # values no longer ascending: the general sort
    for built in (KeyMultimap.build(pairs), KeyMultimap.build(shuffled)):
        for name, array in whole.arrays("m").items():
            assert built.arrays("m")[name].tolist() == array.tolist(), name
