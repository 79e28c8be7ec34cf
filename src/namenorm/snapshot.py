"""Snapshots: a compiled alias table with its candidate index in one file, ready at once.

Building the index of a million aliases means analyzing every one of them; a snapshot keeps the
result. Write one with :meth:`AliasTable.save <namenorm.tables.AliasTable.save>` and read it
with :func:`namenorm.load_table`, which recognizes a snapshot by its first bytes.

The format is safe to read from anyone: a fixed magic line, a JSON header, then raw numeric
arrays (fixed-size integers, booleans and UTF-8 bytes only) at the offsets the header gives.
Reading one never runs code (no pickle); the arrays are memory-mapped, so loading takes
milliseconds and several processes reading the same snapshot share its pages. The header
records the snapshot format, the namenorm version that wrote it and a hash of the
normalization rules; a snapshot whose format or rules differ from this namenorm's is refused
with a :class:`~namenorm.errors.SnapshotError`, since its keys would not match what the rules
make of a query now.

>>> import tempfile, pathlib
>>> from namenorm import AliasTable, Entity, Resolver, load_table
>>> path = pathlib.Path(tempfile.mkdtemp()) / "people.nnsnap"
>>> AliasTable([Entity(id="hadi-al-amiri", name="Hadi al-Amiri")]).save(path)
>>> Resolver(load_table(path)).resolve("Hadi Ameri").entity.id
'hadi-al-amiri'
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from namenorm import __version__
from namenorm.atomic import binary_output
from namenorm.columns import StringColumn, multimap_problem
from namenorm.errors import SnapshotError
from namenorm.index import CandidateIndex
from namenorm.resources import read_text
from namenorm.tables import SNAPSHOT_MAGIC, AliasTable, EntityColumn, file_identity

__all__ = [
    "FORMAT_VERSION",
    "RULE_FILES",
    "load_snapshot",
    "rules_hash",
    "save_snapshot",
    "snapshot_for_workers",
]

FORMAT_VERSION = 2
"""The layout of a snapshot; a snapshot of another layout is refused."""
RULE_FILES = ("script.tsv", "rewrite.tsv", "words.tsv", "phonetic.tsv")
"""The data files whose rules make the keys an index stores."""

_ALIGNMENT = 64
_LENGTH_BYTES = 8
# Only plain numbers and bytes: an object array would need pickle to read.
_DTYPES = frozenset({"|u1", "|i1", "|b1", "<i4", "<i8", "<u8"})


def rules_hash() -> str:
    """The SHA-256 of the normalization rules shipped with this namenorm.

    >>> len(rules_hash())
    64
    """
    digest = hashlib.sha256()
    for name in RULE_FILES:
        digest.update(name.encode())
        digest.update(read_text(name).encode("utf-8"))
    return digest.hexdigest()


def _aligned(offset: int) -> int:
    return (offset + _ALIGNMENT - 1) // _ALIGNMENT * _ALIGNMENT


def save_snapshot(table: AliasTable, path: str | os.PathLike[str], *, workers: int = 1) -> None:
    """Write ``table`` and its compiled index to ``path``, atomically (a temporary file beside
    it is renamed into place once complete); ``workers`` as for ``AliasTable.compile``.

    >>> import tempfile, pathlib
    >>> from namenorm import load_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "builtin.nnsnap"
    >>> save_snapshot(load_table(), path)
    >>> path.read_bytes().startswith(SNAPSHOT_MAGIC)
    True
    """
    index = table.compile(workers=workers)
    entities = (
        table.entities
        if isinstance(table.entities, EntityColumn)
        else EntityColumn.from_entities(table.entities)
    )
    arrays: dict[str, npt.NDArray[Any]] = {}
    arrays.update(entities.ids.arrays("entities.ids"))
    arrays.update(entities.records.arrays("entities.records"))
    arrays.update({f"index.{name}": array for name, array in index.arrays().items()})
    described = []
    offset = 0
    prepared = []
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
        array = array.astype(dtype, copy=False)
        described.append(
            {"name": name, "dtype": dtype.str, "shape": list(array.shape), "offset": offset}
        )
        prepared.append(array)
        offset = _aligned(offset + array.nbytes)
    header = json.dumps(
        {
            "format": FORMAT_VERSION,
            "namenorm": __version__,
            "rules": rules_hash(),
            "entities": len(table),
            "entries": len(index.entry_entity),
            "arrays": described,
        }
    ).encode("utf-8")
    start = _aligned(len(SNAPSHOT_MAGIC) + _LENGTH_BYTES + len(header))
    _write_atomically(Path(path), header, start, described, prepared)


def _write_atomically(
    target: Path,
    header: bytes,
    start: int,
    described: list[dict[str, Any]],
    arrays: list[npt.NDArray[Any]],
) -> None:
    with binary_output(target, error=SnapshotError) as handle:
        try:
            handle.write(SNAPSHOT_MAGIC)
            handle.write(len(header).to_bytes(_LENGTH_BYTES, "little"))
            handle.write(header)
            for item, array in zip(described, arrays, strict=True):
                handle.seek(start + item["offset"])
                handle.write(array.tobytes())
        except OSError as problem:
            raise SnapshotError(
                f"cannot write here: {problem.strerror}", path=str(target)
            ) from problem


def _read_header(path: str) -> tuple[dict[str, Any], int]:
    try:
        with open(path, "rb") as handle:
            magic = handle.read(len(SNAPSHOT_MAGIC))
            if magic != SNAPSHOT_MAGIC:
                raise SnapshotError("not a namenorm snapshot", path=path)
            length = int.from_bytes(handle.read(_LENGTH_BYTES), "little")
            size = os.fstat(handle.fileno()).st_size
            if length > size:
                raise SnapshotError("truncated snapshot header", path=path, field="header")
            raw = handle.read(length)
    except OSError as problem:
        raise SnapshotError(f"cannot read: {problem.strerror}", path=path) from problem
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as problem:
        raise SnapshotError(f"unreadable header: {problem}", path=path, field="header") from problem
    if not isinstance(header, dict):
        raise SnapshotError("unreadable header: not an object", path=path, field="header")
    return header, _aligned(len(SNAPSHOT_MAGIC) + _LENGTH_BYTES + length)


def _check_compatible(header: Mapping[str, Any], path: str) -> None:
    written_by = header.get("namenorm", "an unknown version")
    if header.get("format") != FORMAT_VERSION:
        raise SnapshotError(
            f"snapshot format {header.get('format')!r} (written by namenorm {written_by}) is not "
            f"this namenorm's format {FORMAT_VERSION} ({__version__}): rebuild it from its table "
            "with AliasTable.save",
            path=path,
            field="format",
        )
    if written_by != __version__:
        # Keys are made by code as well as by the rule files: another version may make them
        # differently, so its snapshots are not trusted.
        raise SnapshotError(
            f"snapshot was written by namenorm {written_by}, this is {__version__}: rebuild it "
            "from its table with AliasTable.save",
            path=path,
            field="namenorm",
        )
    if header.get("rules") != rules_hash():
        raise SnapshotError(
            f"snapshot was built with other normalization rules (namenorm {written_by}); its "
            "keys would not match: rebuild it from its table with AliasTable.save",
            path=path,
            field="rules",
        )


def _map_arrays(path: str, header: Mapping[str, Any], start: int) -> dict[str, npt.NDArray[Any]]:
    size = os.path.getsize(path)
    arrays: dict[str, npt.NDArray[Any]] = {}
    items = header.get("arrays")
    if not isinstance(items, list):
        raise SnapshotError("no array list in the header", path=path, field="arrays")
    for item in items:
        try:
            name, dtype, shape, offset = item["name"], item["dtype"], item["shape"], item["offset"]
            if not isinstance(name, str) or name in arrays:
                raise SnapshotError(
                    f"bad or repeated array name {name!r}", path=path, field="arrays"
                )
            if dtype not in _DTYPES:
                raise SnapshotError(
                    f"array {name!r} has a refused type {dtype!r}", path=path, field="arrays"
                )
            if (
                not isinstance(shape, list)
                or len(shape) != 1
                or not isinstance(shape[0], int)
                or not isinstance(offset, int)
                or shape[0] < 0
                or offset < 0
            ):
                raise SnapshotError(
                    f"array {name!r} has a bad shape or offset", path=path, field="arrays"
                )
            count = shape[0]
            end = start + offset + count * np.dtype(dtype).itemsize
        except (KeyError, TypeError) as problem:
            raise SnapshotError(
                f"malformed array entry: {problem}", path=path, field="arrays"
            ) from problem
        if count == 0:
            arrays[name] = np.empty(0, dtype=dtype)
            continue
        if end > size:
            raise SnapshotError(
                f"array {name!r} runs past the end of the file", path=path, field="arrays"
            )
        mapped = np.memmap(path, dtype=dtype, mode="r", offset=start + offset, shape=(count,))
        # A plain array over the same pages: slicing a memmap makes a memmap each time.
        arrays[name] = mapped.view(np.ndarray)
    return arrays


def _check_arrays(index: CandidateIndex, entities: EntityColumn, path: str) -> None:
    """Refuse arrays that would send a lookup outside the table: a corrupt or forged file
    must fail here with a SnapshotError, not later inside a query."""
    entries, vocabulary = len(index.entry_entity), len(index.vocabulary)
    problems = []
    for name, column in (
        ("entities.ids", entities.ids),
        ("entities.records", entities.records),
        *(
            (f"index.{n}", getattr(index, n))
            for n in ("strings", "texts", "tokens", "phonetics", "skeletons", "vocabulary")
        ),
    ):
        offsets = column.offsets
        if (
            len(offsets) == 0
            or offsets[0] != 0
            or offsets[-1] != len(column.data)
            or (np.diff(offsets) < 0).any()
        ):
            problems.append(f"{name}: offsets out of order or outside the data")
    if entries and (index.entry_entity.min() < 0 or index.entry_entity.max() >= len(entities)):
        problems.append("index.entry_entity: an entity outside the table")
    bounds = index.entity_entries
    if (
        len(bounds) != len(entities) + 1
        or bounds[0] != 0
        or bounds[-1] != entries
        or (np.diff(bounds) < 0).any()
    ):
        problems.append("index.entity_entries: bounds out of order")
    for name, limit in (
        ("exact", entries),
        ("words", entries),
        ("vocabulary_ids", vocabulary),
        ("neighbours", vocabulary),
        ("skeleton_owner", len(entities)),
    ):
        problem = multimap_problem(getattr(index, name), limit)
        if problem:
            problems.append(f"index.{name}: {problem}")
    for name in ("entry_role", "latin", "key_owners"):
        if len(getattr(index, name)) != entries:
            problems.append(f"index.{name}: not one per entry")
    if len(index.vocabulary_entities) != vocabulary or len(index.vocabulary_owner) != vocabulary:
        problems.append("index.vocabulary_entities: not one per word")
    elif vocabulary and index.vocabulary_owner.max() >= len(entities):
        problems.append("index.vocabulary_owner: an entity outside the table")
    if problems:
        raise SnapshotError(f"corrupt arrays: {problems[0]}", path=path, field="arrays")


def load_snapshot(path: str | os.PathLike[str]) -> AliasTable:
    """Map a snapshot written by :func:`save_snapshot` back into a table with its index
    (:func:`namenorm.load_table` calls this for a snapshot file).

    >>> import tempfile, pathlib
    >>> from namenorm import load_table
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "builtin.nnsnap"
    >>> load_table().save(path)
    >>> table = load_snapshot(path)
    >>> len(table) == len(load_table()), table.snapshot_path == str(path)
    (True, True)
    >>> path.write_bytes(b"id,name")
    7
    >>> load_snapshot(path)
    Traceback (most recent call last):
      ...
    namenorm.errors.SnapshotError: ...: not a namenorm snapshot
    """
    location = os.fspath(path)
    identity = file_identity(location)
    header, start = _read_header(location)
    _check_compatible(header, location)
    arrays = _map_arrays(location, header, start)
    try:
        entities = EntityColumn(
            StringColumn.from_arrays(arrays, "entities.ids"),
            StringColumn.from_arrays(arrays, "entities.records"),
        )
        prefix = "index."
        index = CandidateIndex.from_arrays(
            entities,
            {
                name[len(prefix) :]: array
                for name, array in arrays.items()
                if name.startswith(prefix)
            },
        )
    except KeyError as problem:
        raise SnapshotError(f"missing array {problem}", path=location, field="arrays") from problem
    if len(entities) != header.get("entities") or len(index.entry_entity) != header.get("entries"):
        raise SnapshotError(
            "the arrays do not hold the counts the header gives", path=location, field="arrays"
        )
    _check_arrays(index, entities, location)
    table = AliasTable(entities)
    # The table's own caches, filled by its loader.
    table._compiled.append(index)
    if identity is not None:
        table._snapshot.append((location, identity))
    return table


@contextlib.contextmanager
def snapshot_for_workers(table: AliasTable) -> Iterator[str]:
    """The path of a snapshot of ``table`` for worker processes to map: the table's own when it
    was loaded from one, else one written to a temporary folder removed when the block ends.
    Workers map one file and share its pages, instead of each unpickling a copy of the table
    (seconds for a million aliases, and a large pickle through a pipe stalls when a worker
    fails to start).

    >>> from namenorm import load_table
    >>> with snapshot_for_workers(load_table()) as path:
    ...     len(load_table(path)) == len(load_table())
    True
    """
    if table.snapshot_path is not None:
        yield os.fspath(table.snapshot_path)
        return
    with tempfile.TemporaryDirectory(prefix="namenorm-") as folder:
        path = os.path.join(folder, "table.nnsnap")
        table.save(path)
        yield path
