"""Alias tables: entities with their aliases, known errors and context words.

Build one from records (``AliasTable.from_records``), from :class:`~namenorm.model.Entity`
values, or from a file (:func:`load_table`: JSON, JSONL, CSV or TOML); with no path,
:func:`load_table` returns the table built into namenorm. Every problem in the input raises a
:class:`~namenorm.errors.TableError` naming the file, the line and the field.

A record's lists are ``aliases``, ``errors`` (known erroneous renderings), ``context`` and
``negatives`` (mentions judged not to be the entity, see :mod:`namenorm.judgments`); a
negative that normalizes like one of the entity's own names is a contradiction:

>>> AliasTable.from_records([{"id": "iraq", "name": "Iraq", "negatives": ["IRAQ"]}])
Traceback (most recent call last):
  ...
namenorm.errors.TableError: record 1: field 'negatives[0]': 'IRAQ' is also a name of this entity...

>>> table = AliasTable.from_records([
...     {"id": "rai-al-youm", "name": "Rai al-Youm", "kind": "media",
...      "aliases": ["Raialyoum"], "errors": ["Rai Allium"]},
... ])
>>> len(table), table["rai-al-youm"].errors
(1, ('Rai Allium',))
>>> AliasTable.from_records([{"id": "x"}])
Traceback (most recent call last):
  ...
namenorm.errors.TableError: record 1: field 'name': missing required field
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import attrs

from namenorm.columns import StringColumn, sequence_position
from namenorm.errors import TableError
from namenorm.index import CandidateIndex
from namenorm.memo import BoundedMemo
from namenorm.model import KINDS, AttributeValue, Entity
from namenorm.normalize import analyze
from namenorm.resources import cache, data_path, read_text, register_cache
from namenorm.textfiles import jsonl_records, read_text_file

__all__ = [
    "BUILTIN_TABLE",
    "AliasTable",
    "load_table",
    "read_located_records",
    "read_table_text",
    "record_spans",
]

BUILTIN_TABLE = "entities.jsonl"
"""The data file of the built-in table, inside ``namenorm/data``."""

LIST_FIELDS = ("aliases", "errors", "context", "negatives")
OPTIONAL_LIST_FIELDS = frozenset({"negatives"})
"""Lists a record gets only when they are not empty, so older tables round-trip unchanged."""
CSV_LIST_SEPARATOR = "|"
_KNOWN_FIELDS = frozenset({"id", "name", "kind", "attributes", *LIST_FIELDS})


_Where = dict[str, Any]
"""Where a record came from, as keyword arguments of TableError: path, line, record."""


def _sorted_entities(entities: Iterable[Entity]) -> Sequence[Entity]:
    if isinstance(entities, EntityColumn):
        return entities  # sorted and checked when it was saved
    ordered = tuple(sorted(entities, key=lambda entity: entity.id))
    for previous, current in itertools.pairwise(ordered):
        if previous.id == current.id:
            raise TableError(f"duplicate entity id {current.id!r}", field="id")
    return ordered


@attrs.frozen
class AliasTable:
    """An immutable set of entities, kept sorted by id so record order never matters.

    >>> from namenorm import Entity
    >>> table = AliasTable([Entity(id="b", name="Beta", kind="org"),
    ...                     Entity(id="a", name="Alpha", kind="org")])
    >>> [entity.id for entity in table]
    ['a', 'b']
    >>> "a" in table, table.get("zzz") is None
    (True, True)
    """

    entities: Sequence[Entity] = attrs.field(
        # Compared as tuples, so a table read from a snapshot equals the one it was saved from.
        converter=_sorted_entities,
        eq=tuple,
    )
    _by_id: Mapping[str, Entity] = attrs.field(init=False, repr=False, eq=False)
    _compiled: list[CandidateIndex] = attrs.field(init=False, factory=list, repr=False, eq=False)
    _snapshot: list[tuple[str, tuple[int, ...]]] = attrs.field(
        init=False, factory=list, repr=False, eq=False
    )
    """The snapshot file this table was loaded from, with its identity (device, inode, size,
    modification time) then, if any: worker processes map it too."""

    @_by_id.default
    def _index_ids(self) -> Mapping[str, Entity]:
        if isinstance(self.entities, EntityColumn):
            return self.entities.by_id()
        return {entity.id: entity for entity in self.entities}

    def compile(self, *, workers: int = 1) -> CandidateIndex:
        """The candidate index of this table (:mod:`namenorm.index`), built on first use and
        kept; a table loaded from a snapshot has it already.

        ``workers`` > 1 lets a large table be analyzed by that many processes.

        >>> table = load_table()
        >>> table.compile() is table.compile()
        True
        """
        if not self._compiled:
            self._compiled.append(CandidateIndex.build(self.entities, workers=workers))
        return self._compiled[0]

    @property
    def snapshot_path(self) -> str | None:
        """The snapshot file this table was loaded from, or None (also when the file has been
        replaced or removed since).

        >>> load_table().snapshot_path is None
        True
        """
        if not self._snapshot:
            return None
        path, identity = self._snapshot[0]
        return path if file_identity(path) == identity else None

    def save(self, path: str | os.PathLike[str], *, workers: int = 1) -> None:
        """Write this table with its compiled index to a snapshot file, which
        :func:`load_table` maps back at once (see :mod:`namenorm.snapshot`).

        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "table.nnsnap"
        >>> table = AliasTable([Entity(id="x", name="Hadi al-Amiri")])
        >>> table.save(target)
        >>> load_table(target)["x"].name
        'Hadi al-Amiri'
        """
        from namenorm.snapshot import save_snapshot  # noqa: PLC0415 - snapshot imports tables

        save_snapshot(self, path, workers=workers)

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, Any]], *, source: str | None = None
    ) -> AliasTable:
        """Build a table from dict records (the JSON shape), validating every field.

        ``source`` names where the records came from, for error messages.

        >>> AliasTable.from_records([{"id": "a", "name": "Alpha", "kind": "planet"}])
        Traceback (most recent call last):
          ...
        namenorm.errors.TableError: record 1: field 'kind': unknown kind 'planet'; ...
        """
        return cls._from_located(((record, None) for record in records), path=source)

    @classmethod
    def from_located(
        cls, located: Iterable[tuple[Mapping[str, Any], int | None]], *, path: str | None = None
    ) -> AliasTable:
        """Build a table from (record, line number or None) pairs, as the file readers yield
        them (see :func:`read_located_records`); errors name ``path`` and the line.

        >>> [e.id for e in AliasTable.from_located([({"id": "a", "name": "Alpha"}, 3)])]
        ['a']
        """
        return cls._from_located(located, path=path)

    @classmethod
    def _from_located(
        cls, located: Iterable[tuple[Mapping[str, Any], int | None]], *, path: str | None = None
    ) -> AliasTable:
        entities: list[Entity] = []
        seen: dict[str, str] = {}
        for number, (record, line) in enumerate(located, start=1):
            entity = entity_from_record(record, path=path, line=line, position=number)
            if entity.id in seen:
                first = seen[entity.id]
                raise TableError(
                    f"duplicate entity id {entity.id!r} (first at {first})",
                    path=path,
                    line=line,
                    record=None if line is not None else number,
                    field="id",
                )
            seen[entity.id] = f"line {line}" if line is not None else f"record {number}"
            entities.append(entity)
        return cls(entities)

    def __len__(self) -> int:
        return len(self.entities)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._by_id

    def __getitem__(self, entity_id: str) -> Entity:
        return self._by_id[entity_id]

    def get(self, entity_id: str) -> Entity | None:
        """Return the entity with this id, or None."""
        return self._by_id.get(entity_id)

    @property
    def alias_count(self) -> int:
        """The number of distinct (entity, name or alias) strings in the table."""
        return sum(len(set(entity.names())) for entity in self.entities)

    def merge(self, other: AliasTable) -> AliasTable:
        """Return the union of two tables; entities with the same id are combined.

        Combined entities must agree on name and kind; their aliases, errors, context and
        negatives are united (first table's order first) and their attributes merged; a
        negative of one that is a name of the other is a contradiction (TableError).

        >>> from namenorm import Entity
        >>> a = AliasTable([Entity(id="x", name="X", aliases=["Ex"])])
        >>> b = AliasTable([Entity(id="x", name="X", aliases=["Iks"])])
        >>> a.merge(b)["x"].aliases
        ('Ex', 'Iks')
        """
        combined = dict(self._by_id)
        for entity in other.entities:
            mine = combined.get(entity.id)
            combined[entity.id] = entity if mine is None else _combine(mine, entity)
        return AliasTable(combined.values())

    __or__ = merge

    def ambiguous(self) -> dict[str, tuple[str, ...]]:
        """Normalized names shared by more than one entity, with the ids that share them.

        Such aliases are kept for every entity that has them; the resolver's confidence
        reflects the tie.

        >>> from namenorm import Entity
        >>> table = AliasTable([Entity(id="a", name="Ali Khamenei", aliases=["Khamenei"]),
        ...                     Entity(id="b", name="Mojtaba Khamenei", aliases=["Khamenei"])])
        >>> table.ambiguous()
        {'khamenei': ('a', 'b')}
        """
        owners: dict[str, set[str]] = {}
        for entity in self.entities:
            for name in entity.names():
                owners.setdefault(analyze(name).text, set()).add(entity.id)
        return {text: tuple(sorted(ids)) for text, ids in sorted(owners.items()) if len(ids) > 1}

    def to_records(self) -> list[dict[str, Any]]:
        """Return the table as JSON-ready records (the shape ``from_records`` reads)."""
        return [record_from_entity(entity) for entity in self.entities]


_ASCII_LETTER_OR_DIGIT = re.compile(r"[A-Za-z0-9]")


def normalizes_to_something(name: str) -> bool:
    """Whether ``name`` keeps some text after normalization (else it could never match).

    No rule removes an ASCII letter or digit (a property test holds the rules to this), so
    only names without one are analyzed: loading a million aliases checks each for free.

    >>> normalizes_to_something("Al-"), normalizes_to_something("ʿ-ـ")
    (True, False)
    """
    return bool(_ASCII_LETTER_OR_DIGIT.search(name)) or bool(analyze(name).text)


def _union(first: Sequence[str], second: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*first, *second]))


def _combine(mine: Entity, theirs: Entity) -> Entity:
    for field in ("name", "kind"):
        if getattr(mine, field) != getattr(theirs, field):
            raise TableError(
                f"cannot merge entity {mine.id!r}: {getattr(mine, field)!r} != "
                f"{getattr(theirs, field)!r}",
                field=field,
            )
    for key in mine.attributes.keys() & theirs.attributes.keys():
        if mine.attributes[key] != theirs.attributes[key]:
            raise TableError(
                f"cannot merge entity {mine.id!r}: attribute {key!r} differs", field="attributes"
            )
    combined = attrs.evolve(
        mine,
        aliases=_union(mine.aliases, theirs.aliases),
        errors=_union(mine.errors, theirs.errors),
        context=_union(mine.context, theirs.context),
        attributes={**mine.attributes, **theirs.attributes},
        negatives=_union(mine.negatives, theirs.negatives),
    )
    conflict = negative_conflict(combined)
    if conflict is not None:
        position, message = conflict
        raise TableError(
            f"cannot merge entity {mine.id!r}: {message}", field=f"negatives[{position}]"
        )
    return combined


def negative_conflict(entity: Entity) -> tuple[int, str] | None:
    """The first negative of ``entity`` that normalizes like one of its names, aliases or known
    errors (its position in ``negatives`` and what is wrong), or None.

    A table cannot say both that a spelling is this entity and that it is not.

    >>> negative_conflict(Entity(id="x", name="Hadi al-Amiri", negatives=["Hadi Al Amiri"]))
    (0, "'Hadi Al Amiri' is also a name of this entity (normalized: 'hadi al amiri')")
    >>> negative_conflict(Entity(id="x", name="Hadi al-Amiri", negatives=["Hadi"])) is None
    True
    """
    if not entity.negatives:
        return None
    roles = {analyze(error).text: "known error" for error in entity.errors}
    roles.update((analyze(name).text, "name") for name in entity.names())
    for position, negative in enumerate(entity.negatives):
        text = analyze(negative).text
        if text in roles:
            return position, (
                f"{negative!r} is also a {roles[text]} of this entity (normalized: {text!r})"
            )
    return None


def record_from_entity(entity: Entity) -> dict[str, Any]:
    """Return an entity as a JSON-ready record (``negatives`` only when it has some).

    >>> record_from_entity(Entity(id="x", name="X", negatives=["Ex"]))["negatives"]
    ['Ex']
    >>> "negatives" in record_from_entity(Entity(id="x", name="X"))
    False
    """
    record: dict[str, Any] = {"id": entity.id, "name": entity.name, "kind": entity.kind}
    for field in LIST_FIELDS:
        values = list(getattr(entity, field))
        if values or field not in OPTIONAL_LIST_FIELDS:
            record[field] = values
    if entity.attributes:
        record["attributes"] = dict(entity.attributes)
    return record


def _text(value: object, *, where: _Where, field: str, required: bool) -> str:
    if value is None or value == "":
        if required:
            raise TableError("missing required field", **where, field=field)
        return ""
    if not isinstance(value, str):
        raise TableError(f"expected a string, got {type(value).__name__}", **where, field=field)
    if not value.strip():
        raise TableError("must not be blank", **where, field=field)
    return value


def _strings(value: object, *, where: _Where, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise TableError(
            f"expected a list of strings, got {type(value).__name__}",
            **where,
            field=field,
        )
    items: list[str] = []
    for position, item in enumerate(value):
        label = f"{field}[{position}]"
        items.append(_text(item, where=where, field=label, required=True))
        if field != "context" and not normalizes_to_something(item):
            raise TableError(
                f"{item!r} normalizes to nothing, so it could never match",
                **where,
                field=label,
            )
    return tuple(dict.fromkeys(items))


def _attribute(value: object, *, where: _Where, field: str) -> AttributeValue:
    if isinstance(value, str | int | float | bool):
        return value
    raise TableError(
        f"expected a string, number or boolean, got {type(value).__name__}",
        **where,
        field=field,
    )


def entity_from_record(
    record: Mapping[str, Any],
    *,
    path: str | None = None,
    line: int | None = None,
    position: int | None = None,
) -> Entity:
    """Validate one record and return its Entity; fields not named by the schema go to
    ``attributes`` (so no data is dropped). Errors name ``path`` and ``line`` (or, for input
    without lines, the record's ``position``).

    >>> entity_from_record({"id": "x", "name": "X", "rank": 3}).attributes["rank"]
    3
    """
    where: _Where = {"path": path, "line": line, "record": position if line is None else None}
    if not isinstance(record, Mapping):
        raise TableError(f"expected an object/record, got {type(record).__name__}", **where)
    entity_id = _text(record.get("id"), where=where, field="id", required=True)
    name = _text(record.get("name"), where=where, field="name", required=True)
    if not normalizes_to_something(name):
        raise TableError(
            f"{name!r} normalizes to nothing, so it could never match",
            **where,
            field="name",
        )
    kind = _text(record.get("kind"), where=where, field="kind", required=False) or "other"
    if kind not in KINDS:
        raise TableError(
            f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}",
            **where,
            field="kind",
        )
    lists = {field: _strings(record.get(field), where=where, field=field) for field in LIST_FIELDS}
    raw_attributes = record.get("attributes")
    if raw_attributes is None:
        raw_attributes = {}
    if not isinstance(raw_attributes, Mapping):
        raise TableError(
            f"expected an object, got {type(raw_attributes).__name__}",
            **where,
            field="attributes",
        )
    attributes: dict[str, AttributeValue] = {}
    extra = {key: value for key, value in record.items() if key not in _KNOWN_FIELDS}
    for key, value in [*raw_attributes.items(), *extra.items()]:
        if value is None or value == "":
            continue
        attributes[str(key)] = _attribute(value, where=where, field=str(key))
    entity = Entity(
        id=entity_id,
        name=name,
        kind=kind,
        aliases=tuple(alias for alias in lists["aliases"] if alias != name),
        errors=lists["errors"],
        context=lists["context"],
        attributes=attributes,
        negatives=lists["negatives"],
    )
    conflict = negative_conflict(entity)
    if conflict is not None:
        position, message = conflict
        # The position in the record's own list, which may repeat items.
        raw = list(record["negatives"]).index(entity.negatives[position])
        raise TableError(message, **where, field=f"negatives[{raw}]")
    return entity


def _json_error(error: json.JSONDecodeError, path: str) -> TableError:
    return TableError(
        f"invalid JSON: {error.msg} (column {error.colno})", path=path, line=error.lineno
    )


def _read_jsonl(text: str, path: str) -> Iterator[tuple[Mapping[str, Any], int | None]]:
    yield from jsonl_records(text, path, error=TableError)


def _read_json(text: str, path: str) -> Iterator[tuple[Mapping[str, Any], int | None]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _json_error(error, path) from error
    if isinstance(document, Mapping) and isinstance(document.get("entities"), list):
        items = document["entities"]
    elif isinstance(document, list):
        items = document
    else:
        raise TableError(
            'expected a list of records or an object with an "entities" list', path=path, line=1
        )
    spans = record_spans(text, items)
    lines: list[int | None] = (
        [None] * len(items)
        if spans is None
        else [text.count("\n", 0, start) + 1 for start, _ in spans]
    )
    yield from zip(items, lines, strict=True)


def record_spans(text: str, items: Sequence[Any]) -> list[tuple[int, int]] | None:
    """Where each record of a JSON array lies in ``text`` (start and end offsets), found by
    decoding the array again from each "[" in turn; None when no "[" opens exactly these
    records (then errors name the record's position instead of its line).

    >>> text = '{"entities": [{"id": "a"}, {"id": "b"}]}'
    >>> [text[start:end] for start, end in record_spans(text, [{"id": "a"}, {"id": "b"}])]
    ['{"id": "a"}', '{"id": "b"}']
    """
    decoder = json.JSONDecoder()
    start = text.find("[")
    while start >= 0:
        position = start + 1
        spans: list[tuple[int, int]] = []
        try:
            for item in items:
                while text[position] in " \t\r\n,":
                    position += 1
                value, end = decoder.raw_decode(text, position)
                if value != item:
                    break
                spans.append((position, end))
                position = end
            else:
                return spans
        except (ValueError, IndexError):
            pass
        start = text.find("[", start + 1)
    return None


def _read_csv(text: str, path: str) -> Iterator[tuple[Mapping[str, Any], int | None]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        yield from _csv_records(reader, path)
    except csv.Error as error:
        raise TableError(f"unreadable CSV: {error}", path=path, line=reader.line_num) from error


def _csv_records(
    reader: csv.DictReader[str], path: str
) -> Iterator[tuple[Mapping[str, Any], int | None]]:
    if reader.fieldnames is None or "id" not in reader.fieldnames:
        raise TableError("the header row must name an 'id' column", path=path, line=1, field="id")
    for row in reader:
        if None in row:
            raise TableError("more cells than header columns", path=path, line=reader.line_num)
        record: dict[str, Any] = {}
        for key, value in row.items():
            if key in LIST_FIELDS:
                parts = [part.strip() for part in (value or "").split(CSV_LIST_SEPARATOR)]
                record[key] = [part for part in parts if part]
            else:
                record[key] = value
        yield record, reader.line_num


def _read_toml(text: str, path: str) -> Iterator[tuple[Mapping[str, Any], int | None]]:
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # noqa: PLC0415
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TableError(f"invalid TOML: {error}", path=path) from error
    items = document.get("entity", document.get("entities"))
    if not isinstance(items, list):
        raise TableError("expected [[entity]] tables", path=path, field="entity")
    for item in items:
        yield item, None


_READERS = {
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
    ".json": _read_json,
    ".csv": _read_csv,
    ".toml": _read_toml,
}


def read_table_text(text: str, path: str | os.PathLike[str]) -> AliasTable:
    """Build a table from the text of a table file (JSONL, JSON, CSV or TOML, told by the
    suffix of ``path``, which errors name).

    What ``namenorm apply-judgments`` checks a rewritten table with before writing it.

    >>> read_table_text('{"id": "x", "name": "Hadi al-Amiri"}\\n', "t.jsonl")["x"].name
    'Hadi al-Amiri'
    """
    location = os.fspath(path)
    suffix = Path(location).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise TableError(
            f"unknown table format {suffix!r}; use one of {', '.join(sorted(_READERS))}",
            path=location,
        )
    return AliasTable._from_located(reader(text, location), path=location)


@register_cache
@cache
def _builtin() -> AliasTable:
    path = data_path(BUILTIN_TABLE)
    return AliasTable._from_located(_read_jsonl(read_text(BUILTIN_TABLE), path), path=path)


def load_table(path: str | os.PathLike[str] | None = None) -> AliasTable:
    """Load an alias table from a JSON, JSONL, CSV or TOML file, or the built-in table.

    CSV columns are ``id, name, kind, aliases, errors, context, negatives`` (any but ``id``
    may be left out), list cells separated by ``|``, any other column kept as an attribute.
    TOML holds ``[[entity]]`` tables. JSON holds a list of records or ``{"entities": [...]}``.

    >>> table = load_table()
    >>> len(table) >= 120
    True
    """
    if path is None:
        return _builtin()
    location = os.fspath(path)
    if is_snapshot(location):
        from namenorm.snapshot import load_snapshot  # noqa: PLC0415 - snapshot imports tables

        return load_snapshot(location)
    return AliasTable._from_located(read_located_records(location), path=location)


def read_located_records(
    path: str | os.PathLike[str],
) -> Iterator[tuple[Mapping[str, Any], int | None]]:
    """The records of a table file with their line numbers (None where the format has none),
    unvalidated: what :func:`load_table` builds a table from. A snapshot yields its entities'
    records. Syntax errors raise :class:`TableError` naming the file and line.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.jsonl"
    >>> _ = path.write_text('{"id": "a", "name": "Alpha"}\\n')
    >>> list(read_located_records(path))
    [({'id': 'a', 'name': 'Alpha'}, 1)]
    """
    location = os.fspath(path)
    if is_snapshot(location):
        for entity in load_table(location):
            yield record_from_entity(entity), None
        return
    suffix = Path(location).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise TableError(
            f"unknown table format {suffix!r}; use one of {', '.join(sorted(_READERS))}",
            path=location,
        )
    yield from reader(read_text_file(location, error=TableError), location)


SNAPSHOT_MAGIC = b"NAMENORM-SNAPSHOT\n"
"""The first bytes of a snapshot file (:mod:`namenorm.snapshot`)."""


def file_identity(path: str) -> tuple[int, ...] | None:
    """What tells one version of a file from another: device, inode, size, modification time.

    >>> file_identity("/no/such/file") is None
    True
    """
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def is_snapshot(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a snapshot written by :meth:`AliasTable.save` (by its first bytes,
    whatever its name).

    >>> is_snapshot(data_path(BUILTIN_TABLE))
    False
    """
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SNAPSHOT_MAGIC)) == SNAPSHOT_MAGIC
    except OSError:
        return False


class EntityColumn(Sequence[Entity]):
    """The entities of a snapshot, sorted by id, each decoded from its JSON record when first
    asked for; a million entities are not built to answer a few queries.

    >>> column = EntityColumn.from_entities([Entity(id="a", name="Alpha")])
    >>> column[0].name, column.by_id()["a"] == column[0]
    ('Alpha', True)
    """

    def __init__(self, ids: StringColumn, records: StringColumn) -> None:
        self.ids = ids
        self.records = records
        self._cache: BoundedMemo[int, Entity] = BoundedMemo(_ENTITY_CACHE_SIZE)

    @classmethod
    def from_entities(cls, entities: Sequence[Entity]) -> EntityColumn:
        """Store ``entities`` (sorted by id) as columns."""
        return cls(
            StringColumn.from_strings(entity.id for entity in entities),
            StringColumn.from_strings(
                json.dumps(record_from_entity(entity), ensure_ascii=False) for entity in entities
            ),
        )

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, position: int) -> Entity: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[Entity]: ...

    def __getitem__(self, position: int | slice) -> Entity | Sequence[Entity]:
        if isinstance(position, slice):
            return tuple(self[number] for number in range(*position.indices(len(self))))
        position = sequence_position(position, len(self), "entity")
        cached = self._cache.get(position)
        if cached is None:
            cached = self._cache.put(
                position, _entity_of_record(json.loads(self.records[position]))
            )
        return cached

    def __iter__(self) -> Iterator[Entity]:
        for position in range(len(self)):
            yield self[position]

    def position(self, entity_id: str) -> int | None:
        """The position of the entity with this id, by binary search over the sorted ids."""
        low, high = 0, len(self.ids)
        while low < high:
            middle = (low + high) // 2
            if self.ids[middle] < entity_id:
                low = middle + 1
            else:
                high = middle
        return low if low < len(self.ids) and self.ids[low] == entity_id else None

    def by_id(self) -> Mapping[str, Entity]:
        """A read-only mapping from id to entity, searching the sorted ids."""
        return _ColumnIds(self)


_ENTITY_CACHE_SIZE = 1 << 16


def _entity_of_record(record: Mapping[str, Any]) -> Entity:
    # A snapshot's records were validated when its table was built: no need to check again.
    return Entity(
        id=record["id"],
        name=record["name"],
        kind=record["kind"],
        aliases=record["aliases"],
        errors=record["errors"],
        context=record["context"],
        attributes=record.get("attributes", {}),
        negatives=record.get("negatives", ()),
    )


class _ColumnIds(Mapping[str, Entity]):
    def __init__(self, column: EntityColumn) -> None:
        self._column = column

    def __getitem__(self, entity_id: str) -> Entity:
        position = self._column.position(entity_id) if isinstance(entity_id, str) else None
        if position is None:
            raise KeyError(entity_id)
        return self._column[position]

    def __contains__(self, entity_id: object) -> bool:
        return isinstance(entity_id, str) and self._column.position(entity_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._column.ids)

    def __len__(self) -> int:
        return len(self._column)
