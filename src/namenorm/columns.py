"""Compact read-only columns for large tables: many strings in one UTF-8 buffer, and multimaps
from string keys to integers as sorted arrays of 64-bit key hashes.

A Python ``str`` or ``list`` costs about fifty bytes before its content, so an index of a
million aliases built from dicts and strings takes gigabytes. These columns hold the same in a
few numpy arrays, which a snapshot (:mod:`namenorm.snapshot`) writes and maps back as they are.

>>> column = StringColumn.from_strings(["qasem", "", "سليماني"])
>>> len(column), column[0], column[2]
(3, 'qasem', 'سليماني')
>>> postings = KeyMultimap.build([("sudani", 7), ("amiri", 2), ("sudani", 3)])
>>> postings.get("sudani").tolist(), postings.get("nobody").tolist()
([3, 7], [])
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

import attrs
import numpy as np
import numpy.typing as npt

__all__ = [
    "BATCH_KEYS",
    "KeyMultimap",
    "StringColumn",
    "directory_bits",
    "hash_key",
    "hash_keys",
    "multimap_problem",
    "sequence_position",
    "sorted_union",
    "sorted_unique",
]

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
UInt64Array = npt.NDArray[np.uint64]

_HASH_BYTES = 8
_HASH_BITS = 8 * _HASH_BYTES
_BUILD_CHUNK = 1 << 18
BATCH_KEYS = 16
"""Multimap lookups of fewer keys than this go one key at a time: below it, numpy's cost per
call is more than the work per key (a query looks up a few keys at a time)."""
# Surrogates can reach a table through JSON escapes; they must hash and store like any text.
_ENCODING_ERRORS = "surrogatepass"
_ITERATION_CHUNK = 4096
"""Strings decoded per chunk of offsets when a column is iterated."""


def hash_key(key: str) -> int:
    """A 64-bit hash of ``key`` that is the same in every process and on every machine
    (Python's own ``hash`` of a string is salted per process, so it cannot be saved).

    >>> hash_key("sudani") == hash_key("sudani") != hash_key("sudany")
    True
    """
    digest = hashlib.blake2b(key.encode("utf-8", _ENCODING_ERRORS), digest_size=_HASH_BYTES)
    return int.from_bytes(digest.digest(), "little")


def hash_keys(keys: Iterable[str]) -> UInt64Array:
    """:func:`hash_key` of each key, as an array.

    >>> int(hash_keys(["sudani"])[0]) == hash_key("sudani")
    True
    """
    buffer = bytearray()
    for key in keys:
        buffer += hashlib.blake2b(
            key.encode("utf-8", _ENCODING_ERRORS), digest_size=_HASH_BYTES
        ).digest()
    return np.frombuffer(bytes(buffer), dtype="<u8").astype(np.uint64)


def sorted_unique(values: Int32Array) -> Int32Array:
    """The distinct ``values``, ascending: ``np.unique`` by sorting, which for the integer
    arrays of candidate search is many times faster than the hashing numpy 2 does there.

    >>> sorted_unique(np.array([5, 1, 5, 3], dtype=np.int32)).tolist()
    [1, 3, 5]
    """
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def sorted_union(arrays: Sequence[Int32Array]) -> Int32Array:
    """The values of ``arrays`` (each ascending, without repeats) together, ascending and
    without repeats: one array is its own union, as most lookups find one run.

    >>> sorted_union([np.array([1, 4], dtype=np.int32), np.array([2, 4], dtype=np.int32)]).tolist()
    [1, 2, 4]
    """
    if not arrays:
        return np.empty(0, dtype=np.int32)
    return arrays[0] if len(arrays) == 1 else sorted_unique(np.concatenate(arrays))


def sequence_position(position: int, size: int, what: str) -> int:
    """``position`` in a sequence of ``size`` items, counted from the end when negative, as
    ``list`` does; an IndexError naming ``what`` outside it.

    >>> sequence_position(-1, 3, "entry")
    2
    >>> sequence_position(3, 3, "entry")
    Traceback (most recent call last):
      ...
    IndexError: entry 3 out of range
    """
    found = position + size if position < 0 else position
    if not 0 <= found < size:
        raise IndexError(f"{what} {position} out of range")
    return found


@attrs.frozen(eq=False)
class StringColumn(Sequence[str]):
    """A sequence of strings stored as one UTF-8 buffer and the offsets into it.

    >>> column = StringColumn.from_strings(["al sudani", "amiri"])
    >>> list(column), column[-1]
    (['al sudani', 'amiri'], 'amiri')
    """

    data: npt.NDArray[np.uint8]
    offsets: npt.NDArray[np.int64]
    # The buffer seen as bytes without a copy: slicing it is several times cheaper than
    # slicing the array and copying the slice out.
    _view: memoryview = attrs.field(init=False, repr=False)

    @_view.default
    def _bytes_view(self) -> memoryview:
        return np.ascontiguousarray(self.data).data.cast("B")

    def __reduce__(self) -> tuple[type[StringColumn], tuple[Any, ...]]:
        # A memoryview does not pickle: a column pickles as its arrays, and the view is made
        # again on the other side.
        return (StringColumn, (self.data, self.offsets))

    @classmethod
    def from_strings(cls, strings: Iterable[str]) -> StringColumn:
        """Store ``strings`` in order."""
        encoded = [string.encode("utf-8", _ENCODING_ERRORS) for string in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(item) for item in encoded], out=offsets[1:])
        data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        return cls(data=data, offsets=offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, position: int) -> str: ...

    @overload
    def __getitem__(self, position: slice) -> list[str]: ...

    def __getitem__(self, position: int | slice) -> str | list[str]:
        if isinstance(position, slice):
            return [self[number] for number in range(*position.indices(len(self)))]
        return self._string_at(position)

    def __iter__(self) -> Iterator[str]:
        # A chunk of offsets at a time: reading a million strings one index at a time
        # costs seconds of bounds checks.
        view = self._view
        for first in range(0, len(self), _ITERATION_CHUNK):
            bounds = self.offsets[first : first + _ITERATION_CHUNK + 1].tolist()
            for start, end in itertools.pairwise(bounds):
                yield str(view[start:end], "utf-8", _ENCODING_ERRORS)

    def _string_at(self, position: int) -> str:
        offsets = self.offsets
        # sequence_position, inlined: entries are read by the hundred per query.
        size = offsets.shape[0] - 1
        found = position + size if position < 0 else position
        if not 0 <= found < size:
            raise IndexError(f"column position {position} out of range")
        start, end = offsets.item(found), offsets.item(found + 1)
        return str(self._view[start:end], "utf-8", _ENCODING_ERRORS)

    def take(self, positions: Sequence[int]) -> list[str]:
        """The strings at ``positions`` (each within the column), in that order: one call
        for many, as candidate scoring needs.

        >>> StringColumn.from_strings(["a", "bb", "ccc"]).take([2, 0])
        ['ccc', 'a']
        """
        size = len(self)
        if len(positions) < BATCH_KEYS:
            # A few strings (a mention's candidates) are read faster one by one.
            if not all(0 <= position < size for position in positions):
                raise IndexError(f"column position out of range (of {size})")
            return [self._string_at(position) for position in positions]
        at = np.asarray(positions, dtype=np.int64)
        if at.min() < 0 or at.max() >= size:
            raise IndexError(f"column position out of range (of {size})")
        view = self._view
        starts, ends = self.offsets[at].tolist(), self.offsets[at + 1].tolist()
        return [
            str(view[start:end], "utf-8", _ENCODING_ERRORS)
            for start, end in zip(starts, ends, strict=True)
        ]

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[Any]]:
        """The arrays that store this column, named for a snapshot."""
        return {f"{prefix}.data": self.data, f"{prefix}.offsets": self.offsets}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]], prefix: str) -> StringColumn:
        """The column stored under ``prefix`` by :meth:`arrays`."""
        return cls(data=arrays[f"{prefix}.data"], offsets=arrays[f"{prefix}.offsets"])


@attrs.frozen(eq=False)
class KeyMultimap:
    """String keys to sets of non-negative integers: the distinct key hashes, sorted, each
    with its run of values, and a directory of where each range of hashes starts.

    A lookup reads the directory at the key hash's top bits and compares the few hashes of
    that range: two or three reads, where a binary search over millions of hashes would miss
    the processor's cache a dozen times. Two keys whose 64-bit hashes collide would share their
    values; with millions of keys the odds are below one in a million, and callers only use the
    values as candidates that are scored afterwards, so a collision adds work, never a wrong
    answer.

    >>> postings = KeyMultimap.build([("a", 1), ("b", 2), ("a", 1), ("a", 0)])
    >>> postings.get("a").tolist(), len(postings)
    ([0, 1], 3)
    """

    keys: UInt64Array
    """The distinct key hashes, ascending."""
    starts: Int64Array
    """Where each key's values start in ``values`` (one more than ``keys``: the last is the
    end)."""
    values: Int32Array
    """Each key's values, ascending, one run after another."""
    directory: Int64Array
    """For a directory of 2**b + 1 entries, entry i is the position of the first key whose top
    b bits are i or more."""
    _shift: np.uint64 = attrs.field(init=False, repr=False)
    _window: npt.NDArray[np.intp] = attrs.field(init=False, repr=False)

    @_shift.default
    def _top_bits_shift(self) -> np.uint64:
        shift: np.uint64 = np.uint64(_HASH_BITS - max(1, directory_bits(len(self.directory))))
        return shift

    @_window.default
    def _widest_range(self) -> npt.NDArray[np.intp]:
        widest = 0
        if len(self.keys) and len(self.directory) > 1:
            # Bounded by the keys: a forged directory must not ask for a huge window before
            # the snapshot's checks (multimap_problem) refuse it.
            widest = max(0, min(int(np.diff(self.directory).max()), len(self.keys)))
        return np.arange(widest, dtype=np.intp)

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, int]]) -> KeyMultimap:
        """Collect (key, value) pairs; repeated pairs count once."""
        hashes: list[UInt64Array] = []
        values: list[Int32Array] = []
        keys: list[str] = []
        chunk: list[int] = []
        for key, value in pairs:
            keys.append(key)
            chunk.append(value)
            if len(keys) >= _BUILD_CHUNK:
                # Hashed a chunk at a time: millions of keys held as Python strings at once
                # would take gigabytes.
                hashes.append(hash_keys(keys))
                values.append(np.asarray(chunk, dtype=np.int32))
                keys.clear()
                chunk.clear()
        hashes.append(hash_keys(keys))
        values.append(np.asarray(chunk, dtype=np.int32))
        # Joined and handed on with no other reference kept, so that sorting them can let
        # each array go as soon as it is used.
        return cls._assembled(*_runs(_joined(hashes), _joined(values)))

    @classmethod
    def from_hashes(cls, hashes: UInt64Array, values: Int32Array) -> KeyMultimap:
        """Collect pairs of key hashes (see :func:`hash_keys`) and values."""
        return cls._assembled(*_runs(hashes, values))

    @classmethod
    def _assembled(cls, keys: UInt64Array, starts: Int64Array, values: Int32Array) -> KeyMultimap:
        """The multimap of distinct ``keys``, where each one's run starts, and the values."""
        bits = _directory_size_bits(len(keys))
        counts = np.bincount(
            (keys >> np.uint64(_HASH_BITS - bits)).astype(np.intp), minlength=1 << bits
        )
        directory = np.zeros((1 << bits) + 1, dtype=np.int64)
        np.cumsum(counts, out=directory[1:])
        return cls(
            keys=np.ascontiguousarray(keys),
            starts=np.append(starts, len(values)).astype(np.int64, copy=False),
            values=np.ascontiguousarray(values),
            directory=directory,
        )

    def __len__(self) -> int:
        """The number of (key, value) pairs."""
        return len(self.values)

    def get(self, key: str) -> Int32Array:
        """The values of ``key``, ascending (empty when it has none)."""
        hashed = hash_key(key)
        bucket = hashed >> int(self._shift)
        keys = self.keys
        for position in range(self.directory.item(bucket), self.directory.item(bucket + 1)):
            if keys.item(position) == hashed:
                return self.values[self.starts.item(position) : self.starts.item(position + 1)]
        return self.values[:0]

    def count(self, key: str) -> int:
        """How many values ``key`` has."""
        return len(self.get(key))

    def _bounds(self, keys: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Where the values of each key start and end (both 0 for a key without values)."""
        hashes = hash_keys(keys)
        if not len(self._window):
            empty = np.zeros(len(keys), dtype=np.int64)
            return empty, empty
        # Each key's directory range, read as one window as wide as the widest range: the
        # hashes past a key's range belong to other ranges and cannot equal it.
        low = self.directory[(hashes >> self._shift).astype(np.intp)]
        window = low[:, np.newaxis] + self._window
        np.minimum(window, len(self.keys) - 1, out=window)
        hit = self.keys[window] == hashes[:, np.newaxis]
        at = window[np.arange(len(hashes)), hit.argmax(axis=1)]
        found = hit.any(axis=1)
        return (
            np.where(found, self.starts[at], 0),
            np.where(found, self.starts[at + 1], 0),
        )

    def get_each(self, keys: Sequence[str]) -> list[Int32Array]:
        """The values of each key (see :meth:`get`), looked up together.

        >>> postings = KeyMultimap.build([("a", 1), ("b", 2), ("a", 0)])
        >>> [values.tolist() for values in postings.get_each(["a", "c", "b"])]
        [[0, 1], [], [2]]
        """
        if len(keys) < BATCH_KEYS:
            return [self.get(key) for key in keys]
        starts, ends = self._bounds(keys)
        values = self.values
        return [
            values[start:end] for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
        ]

    def get_many(self, keys: Sequence[str]) -> Int32Array:
        """The values of all ``keys`` together, ascending and without repeats."""
        if len(keys) < BATCH_KEYS:
            return sorted_union(self.get_each(keys))
        starts, ends = self._bounds(keys)
        counts = ends - starts
        total = int(counts.sum())
        if not total:
            return np.empty(0, dtype=np.int32)
        # Every position of every key's run, gathered at once: run k covers
        # starts[k] .. ends[k], laid end to end.
        before = np.cumsum(counts) - counts
        positions = np.arange(total) + np.repeat(starts - before, counts)
        return sorted_unique(self.values[positions])

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[Any]]:
        """The arrays that store this multimap, named for a snapshot."""
        return {
            f"{prefix}.keys": self.keys,
            f"{prefix}.starts": self.starts,
            f"{prefix}.values": self.values,
            f"{prefix}.directory": self.directory,
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]], prefix: str) -> KeyMultimap:
        """The multimap stored under ``prefix`` by :meth:`arrays` (see
        :func:`multimap_problem` for arrays that may be corrupt)."""
        return cls(
            keys=arrays[f"{prefix}.keys"],
            starts=arrays[f"{prefix}.starts"],
            values=arrays[f"{prefix}.values"],
            directory=arrays[f"{prefix}.directory"],
        )


def _joined(chunks: list[npt.NDArray[Any]]) -> npt.NDArray[Any]:
    """The chunks as one array; the list is emptied, so only the array holds them."""
    joined = np.concatenate(chunks)
    chunks.clear()
    return joined


def _runs(hashes: UInt64Array, values: Int32Array) -> tuple[UInt64Array, Int64Array, Int32Array]:
    """Pairs of key hashes and values as the distinct hashes, ascending, where each one's
    values start, and the values (each key's ascending, repeats dropped)."""
    if len(values) < 2 or (values[1:] >= values[:-1]).all():
        # Values already ascending (entries and words are numbered as they are met): a stable
        # sort of the hashes alone orders the pairs, with less memory than lexsort.
        order = np.argsort(hashes, kind="stable")
    else:
        order = np.lexsort((values, hashes))
    # Arrays of millions at a million aliases: each is let go as soon as it is used.
    hashes = hashes[order]
    values = values[order]
    del order
    if len(hashes):
        keep = np.ones(len(hashes), dtype=bool)
        keep[1:] = (hashes[1:] != hashes[:-1]) | (values[1:] != values[:-1])
        if not keep.all():
            hashes, values = hashes[keep], values[keep]
        del keep
    first = np.ones(len(hashes), dtype=bool)
    first[1:] = hashes[1:] != hashes[:-1]
    starts = np.flatnonzero(first).astype(np.int64)
    return hashes[starts], starts, values


def directory_bits(size: int) -> int:
    """The b of a directory of ``size`` = 2**b + 1 entries (0 when it is no such size).

    >>> directory_bits(9), directory_bits(10)
    (3, 0)
    """
    bits = (size - 1).bit_length() - 1
    return bits if bits > 0 and size == (1 << bits) + 1 else 0


def _directory_size_bits(keys: int) -> int:
    # One to two keys per range: a short window, and a directory no larger than the keys.
    return max(1, keys.bit_length() - 1)


def multimap_problem(multimap: KeyMultimap, limit: int) -> str | None:
    """What is wrong with a multimap read from a file, or None: keys out of order, runs or a
    directory that do not fit them, or values not below ``limit``. A multimap that passes
    cannot look outside its arrays (a directory that is in order but wrong would only make
    lookups miss).

    >>> multimap_problem(KeyMultimap.build([("a", 3)]), limit=3)
    'values outside the table'
    """
    keys, starts, values, directory = (
        multimap.keys,
        multimap.starts,
        multimap.values,
        multimap.directory,
    )
    if len(keys) > 1 and (keys[1:] <= keys[:-1]).any():
        return "keys out of order"
    if len(starts) != len(keys) + 1 or starts[0] != 0 or starts[-1] != len(values):
        return "runs that do not fit the values"
    if (np.diff(starts) <= 0).any():
        return "runs out of order"
    if (
        not directory_bits(len(directory))
        or directory[0] != 0
        or directory[-1] != len(keys)
        or (np.diff(directory) < 0).any()
    ):
        return "a directory that does not fit the keys"
    if len(values) and (values.min() < 0 or values.max() >= limit):
        return "values outside the table"
    return None
