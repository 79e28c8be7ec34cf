"""Resolve a column of names, or annotate a column of texts, of a Spark DataFrame.

Reach for this module when a corpus outgrows one machine. On one machine,
:mod:`namenorm.dataframes` (pandas, polars) or :func:`namenorm.annotate_corpus` with
``workers`` start in a fraction of the time Spark takes.

- :func:`resolve_column` adds :data:`RESOLVED_COLUMNS` (``entity_id``, ``entity_name``,
  ``entity_kind``, ``confidence``, ``method``; all null for a NIL or a null name), the same
  columns, with the same values, as :func:`namenorm.dataframes.resolve_column` adds;
- :func:`annotate_column` adds ``mentions``, an array of :data:`MENTION_TYPE` structs (the
  standoff records of :func:`namenorm.output.mention_record` without ``doc``; their fields
  are :data:`namenorm.dataframes.MENTION_FIELDS`), null for a null text;
- :func:`ship_table` sends a table's snapshot to the executors; both functions call it, and
  a table is sent once per Spark application however many times it is used (a snapshot file
  rewritten since is sent again, under a new name).

Every input column is kept; ``prefix`` names the new columns apart. The output types, which
need no Spark session to show:

>>> print(RESOLVED_TYPE.simpleString())
struct<entity_id:string,entity_name:string,entity_kind:string,confidence:double,method:string>
>>> [(field.name, field.dataType.simpleString()) for field in MENTION_TYPE.fields]
... # doctest: +NORMALIZE_WHITESPACE
[('start', 'bigint'), ('end', 'bigint'), ('surface', 'string'), ('entity', 'string'),
 ('name', 'string'), ('kind', 'string'), ('confidence', 'double'), ('method', 'string'),
 ('resolved', 'boolean')]
>>> MENTIONS_TYPE == ArrayType(MENTION_TYPE)
True

How it runs. The driver writes the table's compiled snapshot (:meth:`AliasTable.save
<namenorm.tables.AliasTable.save>`) to a temporary folder, or links the snapshot file you name
into that folder under a name of its own version, and adds it to the application with
``SparkContext.addFile``. Each executor fetches the file once to its local disk; each of its
Python worker processes finds it with ``SparkFiles.get``, maps it
(:func:`namenorm.load_table` on a snapshot reads no more than it needs) and builds one
:class:`~namenorm.resolve.Resolver`, kept for the life of the process and shared by every
batch, keyed by the snapshot file, the threshold and the confidence model. The work runs in
pandas UDFs: Spark sends the name (and context) column, or the text column, to Python in Arrow
batches (``spark.sql.execution.arrow.maxRecordsPerBatch`` rows), and each batch of names is
resolved by one :meth:`Resolver.resolve_many <namenorm.resolve.Resolver.resolve_many>` call;
the other columns never leave the JVM.

Why a file rather than a broadcast variable: a Python broadcast is pickled bytes that every
Python worker process reads whole into its own memory, so an executor of four cores holds four
copies of the table before its first query, and the broadcast passes through the driver's
memory too. A snapshot is made to be mapped: the workers of an executor share its pages
through the operating system's page cache, loading takes milliseconds, and the file can be
handed to Spark from HDFS or object storage (``table="hdfs://.../people.nnsnap"``) without
ever being read by the driver. The file must stay where it is while the application runs:
executors fetch it when they first need it.

The results are those of the single-machine API, row for row: the executors run the same
resolver over the same table (a snapshot equals the table it was saved from) with the same
threshold and model, so a name gets the entity, confidence (to the last bit) and method that
``Resolver(table, threshold=..., model=...).resolve(name, context=...)`` gives it, and a text
the records of :func:`namenorm.output.mention_records` over ``annotate_document(text)`` (whose
confidences are rounded to 4 places, as in every standoff output).

The examples of the functions below need a live Spark session, which takes seconds to start:
they are marked ``+SKIP`` for the doctest run and run for real, against a local session, in
``tests/test_spark.py``. pyspark, pandas and pyarrow are optional dependencies
(``pip install 'namenorm[spark]'``): importing this module without them raises
:class:`~namenorm.errors.MissingDependencyError`, and ``import namenorm`` never imports it.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import urllib.parse
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from namenorm.confidence import DEFAULT_THRESHOLD, ConfidenceModel, load_model
from namenorm.errors import DataFrameError, MissingDependencyError, TableError
from namenorm.model import Match
from namenorm.output import FIELDS, mention_records
from namenorm.resolve import Resolver
from namenorm.resources import register_cache
from namenorm.tables import AliasTable, file_identity, is_snapshot, load_table

try:
    import pandas as pd
    import pyarrow  # noqa: F401 - pandas UDFs need it; missing, it should fail here, not in a task
    from pyspark import SparkContext, SparkFiles
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql import functions as sf
    from pyspark.sql.pandas.functions import pandas_udf
    from pyspark.sql.types import (
        ArrayType,
        BooleanType,
        DataType,
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )
except ImportError as error:  # pragma: no cover - exercised in a subprocess by the tests
    raise MissingDependencyError(
        "namenorm.spark needs pyspark, pandas and pyarrow: pip install 'namenorm[spark]'",
        name=error.name,
    ) from error

if TYPE_CHECKING:
    from pyspark.sql._typing import UserDefinedFunctionLike

__all__ = [
    "MENTIONS_COLUMN",
    "MENTIONS_TYPE",
    "MENTION_TYPE",
    "RESOLVED_COLUMNS",
    "RESOLVED_TYPE",
    "ShippedTable",
    "TableSource",
    "annotate_column",
    "resolve_column",
    "ship_table",
]

RESOLVED_COLUMNS = ("entity_id", "entity_name", "entity_kind", "confidence", "method")
"""The columns :func:`resolve_column` adds (after its ``prefix``): the entity's id, canonical
name and kind, the calibrated confidence (not rounded) and how the name was matched; all null
for a name that is NIL (no entity reaches the threshold) or null."""

RESOLVED_TYPE = StructType(
    [
        StructField("entity_id", StringType()),
        StructField("entity_name", StringType()),
        StructField("entity_kind", StringType()),
        StructField("confidence", DoubleType()),
        StructField("method", StringType()),
    ]
)
"""The Spark type of one resolved name (what the pandas UDF returns; its fields become the
:data:`RESOLVED_COLUMNS`)."""

MENTIONS_COLUMN = "mentions"
"""The column :func:`annotate_column` adds (after its ``prefix``)."""

_MENTION_TYPES: dict[str, DataType] = {
    "start": LongType(),
    "end": LongType(),
    "surface": StringType(),
    "entity": StringType(),
    "name": StringType(),
    "kind": StringType(),
    "confidence": DoubleType(),
    "method": StringType(),
    "resolved": BooleanType(),
}
_MENTION_FIELDS = tuple(field for field in FIELDS if field != "doc")

MENTION_TYPE = StructType([StructField(field, _MENTION_TYPES[field]) for field in _MENTION_FIELDS])
"""One mention: the fields of a standoff record (:data:`namenorm.output.FIELDS` without
``doc``). ``start`` and ``end`` are character offsets into the text (``text[start:end] ==
surface``); ``entity``, ``name`` and ``kind`` the entity's id, canonical name and kind;
``confidence`` rounded to 4 places; an unresolved span (kept with ``unresolved=True``) has
``entity``, ``name`` and ``kind`` null, ``resolved`` false, and the confidence and method of
its best candidate, if it had one."""

MENTIONS_TYPE = ArrayType(MENTION_TYPE)
"""The Spark type of the ``mentions`` column: the mentions of a text, in text order."""

EXECUTOR_RESOLVERS = 4
"""How many resolvers (tables, thresholds and models) a Python worker process keeps at once."""


@attrs.frozen
class ShippedTable:
    """A table snapshot added to a Spark application: ``name`` is the file's name among the
    application's files (``SparkFiles.get(name)`` on any executor), ``source`` the path or URI
    it was added from, ``application`` the id of the Spark application it was added to (None:
    not known, the file was added by hand).

    Returned by :func:`ship_table`; :func:`resolve_column` and :func:`annotate_column` take one
    as their ``table``, as they take a table or a path. Given to a session of another Spark
    application (after ``spark.stop()`` and a new session), it is shipped again, to that
    application, from its ``source``. In a UDF of your own,
    ``namenorm.load_table(SparkFiles.get(shipped.name))`` maps the table on an executor.

    >>> shipped = ShippedTable(name="people.nnsnap", source="hdfs://cluster/tables/people.nnsnap")
    >>> shipped.name, shipped.application
    ('people.nnsnap', None)
    """

    name: str
    source: str
    application: str | None = None


TableSource: TypeAlias = AliasTable | ShippedTable | str | os.PathLike[str] | None
"""What ``table=`` accepts: a table (None: the built-in one), a path to a snapshot or to a
table file (JSONL, JSON, CSV, TOML; the driver compiles it), the URI of a snapshot on a
filesystem the cluster reads (``hdfs://``, ``s3a://``, ...; not read by the driver), or a
:class:`ShippedTable`."""

ModelSource: TypeAlias = ConfidenceModel | str | os.PathLike[str] | None

# -- the driver: shipping a table once per application --------------------------------------

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SHIPPING = threading.Lock()
_SHIPPED: dict[str, dict[str, ShippedTable]] = {}
"""For each application id, the files added to it by name: Spark refuses a second file of the
same name, and adding the same one again would fetch it again."""
_WRITTEN: dict[object, tuple[Any, str]] = {}
"""Snapshots written (or linked) on the driver: by the id of an in-memory table (with a weak
reference to it, so a new table at a reused id is not mistaken for it), or by a file's path
and identity, the snapshot written for a table file or the link made to a snapshot file."""
_FOLDER: list[str] = []


def _folder() -> str:
    """The driver's folder of written snapshots, removed when the interpreter exits (the
    executors may fetch a snapshot at any time while the application runs)."""
    if not _FOLDER:
        folder = tempfile.mkdtemp(prefix="namenorm-spark-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _FOLDER.append(folder)
    return _FOLDER[0]


def _write_snapshot(table: AliasTable) -> str:
    """Save ``table`` as a snapshot named by its content's hash, so that equal tables share a
    file and different ones never share a name."""
    folder = _folder()
    draft = tempfile.NamedTemporaryFile(dir=folder, suffix=".draft", delete=False)  # noqa: SIM115
    draft.close()
    table.save(draft.name)
    digest = hashlib.sha256()
    with open(draft.name, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    path = os.path.join(folder, f"namenorm-{digest.hexdigest()[:20]}.nnsnap")
    if os.path.exists(path):
        os.remove(draft.name)
    else:
        os.replace(draft.name, path)
    return path


def _snapshot_of_table(table: AliasTable) -> str:
    # snapshot_path is None once the file is replaced or removed (or, for a relative path, no
    # longer found from the current folder): the table is then saved anew.
    location = table.snapshot_path
    if location is not None:
        return _pinned(os.path.abspath(location))
    known = _WRITTEN.get(id(table))
    if known is not None and known[0]() is table and os.path.exists(known[1]):
        return known[1]
    path = _write_snapshot(table)
    _WRITTEN[id(table)] = (weakref.ref(table), path)
    return path


def _pinned(path: str) -> str:
    """A link, in the driver's folder, to this version of the snapshot file at ``path``, named
    after the file and its identity (device, inode, size, modification time): a file rewritten
    at the same path gets a new name, so Spark, which finds files by name and never sends a
    name twice, sends the new version; an unchanged file keeps its name and is sent once.

    The identity rather than a hash of the bytes: it costs one ``stat`` where a hash would read
    the whole file (seconds for a snapshot of a million aliases) at every call, and it misses
    no rewrite in practice: :meth:`AliasTable.save <namenorm.tables.AliasTable.save>` writes a
    new file and renames it over the old (a new inode), and a rewrite in place changes the
    modification time. A hard link also keeps the version it names: a snapshot saved over the
    original later leaves the linked file as it was. Where a hard link cannot be made (another
    filesystem), the link is symbolic, and the file must stay unchanged while it is used
    (where there are no links at all, the file is copied).
    """
    identity = file_identity(path)
    key = ("link", path, identity)
    known = _WRITTEN.get(key)
    if known is not None and os.path.exists(known[1]):
        return known[1]
    tag = hashlib.sha256(repr((path, identity)).encode()).hexdigest()[:16]
    stem, suffix = os.path.splitext(os.path.basename(path))
    link = os.path.join(_folder(), f"{stem}-{tag}{suffix}")
    if not os.path.exists(link):
        draft = link + ".draft"
        if os.path.lexists(draft):
            os.remove(draft)
        try:
            os.link(path, draft)
        except OSError:
            try:
                os.symlink(path, draft)
            except OSError:  # pragma: no cover - no links at all (some Windows setups)
                shutil.copyfile(path, draft)
        os.replace(draft, link)
    _WRITTEN[key] = (None, link)
    return link


def _snapshot_of_file(location: str) -> str:
    path = os.path.abspath(location)
    if is_snapshot(path):
        load_table(path)  # refuses, here and now, a snapshot of another format or rules
        return _pinned(path)
    key = ("file", path, file_identity(path))
    known = _WRITTEN.get(key)
    if known is not None and os.path.exists(known[1]):
        return known[1]
    written = _write_snapshot(load_table(path))
    _WRITTEN[key] = (None, written)
    return written


def _source(table: AliasTable | str | os.PathLike[str] | None) -> str:
    """The path or URI of a snapshot of ``table``, written on the driver when there is none."""
    if table is None:
        return _snapshot_of_table(load_table())
    if isinstance(table, AliasTable):
        return _snapshot_of_table(table)
    location = os.fspath(table)
    if _URI.match(location):
        return location
    return _snapshot_of_file(location)


def _file_name(source: str) -> str:
    path = urllib.parse.urlparse(source).path if _URI.match(source) else source
    return os.path.basename(path.rstrip("/"))


def _spark_context(spark: SparkSession | SparkContext) -> SparkContext:
    if isinstance(spark, SparkContext):
        return spark
    try:
        return spark.sparkContext
    except (AttributeError, NotImplementedError) as error:  # Spark Connect: no SparkContext
        raise TypeError(
            "namenorm.spark needs a classic SparkSession, with a SparkContext to add the "
            "table's snapshot to; Spark Connect sessions are not supported"
        ) from error


def ship_table(spark: SparkSession | SparkContext, table: TableSource = None) -> ShippedTable:
    """Add a snapshot of ``table`` to the Spark application of ``spark``, once: the same
    table (the same object, unchanged snapshot file or URI) shipped again is not sent again.

    ``table`` is any :data:`TableSource`. A table not loaded from a snapshot, or a table file
    of another format, is compiled and saved on the driver, in a temporary folder removed when
    the driver exits. A snapshot file is checked to be readable by this namenorm and sent as it
    is, under a name of its version (``people-<16 hex digits>.nnsnap``, a link in that folder):
    a snapshot saved again at the same path is a new version, sent again. A URI is handed to
    Spark unread, under its own file name: two different URIs of the same file name cannot be
    added to one application, and a :class:`ValueError` says to rename one. A
    :class:`ShippedTable` is returned as it is, unless it was shipped to another application
    (a session since stopped), when it is shipped again to this one.

    >>> from namenorm.spark import ship_table
    >>> shipped = ship_table(spark)  # doctest: +SKIP
    >>> shipped.name  # doctest: +SKIP
    'namenorm-...nnsnap'
    >>> ship_table(spark) == shipped  # doctest: +SKIP
    True
    """
    context = _spark_context(spark)
    if isinstance(table, ShippedTable):
        if table.application is None or table.application == context.applicationId:
            return table
        if not _URI.match(table.source) and not os.path.exists(table.source):
            raise TableError(
                f"{table.name!r} was shipped to Spark application {table.application}, not to "
                f"this one ({context.applicationId}), and its file is gone; call ship_table "
                "with the table itself in this session",
                path=table.source,
            )
        with _SHIPPING:
            return _add_file(context, table.name, table.source)
    with _SHIPPING:
        source = _source(table)
        return _add_file(context, _file_name(source), source)


def _add_file(context: SparkContext, name: str, source: str) -> ShippedTable:
    """Add ``source`` to the application of ``context`` as ``name``, unless it is there."""
    application = context.applicationId
    shipped = _SHIPPED.setdefault(application, {})
    known = shipped.get(name)
    if known is not None:
        if known.source != source:
            raise ValueError(
                f"a different snapshot named {name!r} was already shipped to this Spark "
                f"application from {known.source}; rename {source} (Spark files are found "
                "by name)"
            )
        return known
    context.addFile(source)
    shipped[name] = ShippedTable(name=name, source=source, application=application)
    return shipped[name]


def _model_text(model: ModelSource) -> str | None:
    """The confidence model as JSON text, which travels with the UDF (it is a few kilobytes);
    None for the built-in model, which every executor has."""
    if model is None:
        return None
    chosen = model if isinstance(model, ConfidenceModel) else load_model(model)
    return json.dumps(chosen.to_json(), sort_keys=True)


def _check_threshold(threshold: float) -> None:
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")


def _quoted(column: str) -> Column:
    return sf.col("`" + column.replace("`", "``") + "`")


def _check_arguments(frame: object, prefix: object) -> None:
    if not isinstance(frame, DataFrame):
        kind = type(frame)
        raise TypeError(
            f"namenorm.spark takes a Spark DataFrame, got {kind.__module__}.{kind.__qualname__}; "
            "for a pandas or polars frame, use namenorm.dataframes"
        )
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a string ('' for none), got {prefix!r}")


def _case_sensitive(frame: DataFrame) -> bool:
    """Whether the frame's session tells column names apart by case (by default it does not)."""
    setting = frame.sparkSession.conf.get("spark.sql.caseSensitive", "false")
    return str(setting).strip().lower() == "true"


def _string_column(frame: DataFrame, column: str) -> Column:
    """The string column ``column`` of ``frame``, found as Spark finds it: regardless of case
    unless ``spark.sql.caseSensitive`` is set."""
    if not isinstance(column, str):
        raise TypeError(f"a column is named by a string, got {column!r}")
    fields = frame.schema.fields
    if _case_sensitive(frame):
        found = [field for field in fields if field.name == column]
    else:
        found = [field for field in fields if field.name.lower() == column.lower()]
    if len(found) > 1:
        shown = ", ".join(repr(field.name) for field in found)
        raise DataFrameError(
            f"ambiguous: the frame has {shown}, and spark.sql.caseSensitive is off", column=column
        )
    if not found:
        shown = ", ".join(repr(field.name) for field in fields[:20])
        raise DataFrameError(
            f"no such column; the frame has {shown or 'no columns'}", column=column
        )
    field = found[0]
    if not isinstance(field.dataType, StringType):
        raise DataFrameError(
            f"expected a string column, got {field.dataType.simpleString()}; cast it first "
            f"(frame.withColumn(name, frame[name].cast('string')))",
            column=column,
        )
    return _quoted(field.name)


def _check_new_columns(frame: DataFrame, names: list[str]) -> None:
    # Spark resolves column names without regard to case unless told otherwise.
    existing = {name.casefold() for name in frame.columns}
    for name in names:
        if name.casefold() in existing:
            raise DataFrameError(
                "the frame already has a column of this name; pass prefix= to name the new "
                "columns apart (or drop it first)",
                column=name,
            )


# -- the executors: one resolver per process, one call per Arrow batch -----------------------

_Key: TypeAlias = tuple[str, tuple[int, ...] | None, float, str | None]


class _ProcessResolvers:
    """The resolvers of this Python process, by snapshot file (and its identity), threshold
    and model; the least recently used goes when there are more than ``size``."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._resolvers: OrderedDict[_Key, Resolver] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, name: str, threshold: float, model: str | None) -> Resolver:
        path = SparkFiles.get(name)
        identity = file_identity(path)
        if identity is None:
            raise TableError(
                f"the table snapshot {name!r} is not among this Spark application's files; "
                "ship_table it in this session (a ShippedTable of an application since "
                "stopped, or a file added to another, is not found here)",
                path=path,
            )
        key: _Key = (path, identity, threshold, model)
        with self._lock:
            found = self._resolvers.get(key)
            if found is not None:
                self._resolvers.move_to_end(key)
                return found
        chosen = None if model is None else ConfidenceModel.from_json(json.loads(model))
        resolver = Resolver(load_table(path), threshold=threshold, model=chosen)
        with self._lock:
            kept = self._resolvers.setdefault(key, resolver)
            while len(self._resolvers) > self._size:
                self._resolvers.popitem(last=False)
        return kept

    def resolvers(self) -> list[Resolver]:
        with self._lock:
            return list(self._resolvers.values())

    def cache_clear(self) -> None:
        with self._lock:
            self._resolvers.clear()


_RESOLVERS = register_cache(_ProcessResolvers(EXECUTOR_RESOLVERS))


def _cells(series: pd.Series) -> list[str | None]:
    """The cells of a string column, None for null (pandas gives None or NaN)."""
    missing = series.isna().tolist()
    return [
        None if absent else value for value, absent in zip(series.tolist(), missing, strict=True)
    ]


def _resolve_batch(
    names: pd.Series,
    contexts: pd.Series | None,
    table: str,
    threshold: float,
    model: str | None,
) -> pd.DataFrame:
    """Resolve one Arrow batch of names (an executor's work): one ``resolve_many`` call over
    the non-null names, null fields for null names and NIL."""
    resolver = _RESOLVERS(table, threshold, model)
    values = _cells(names)
    given = [None] * len(values) if contexts is None else _cells(contexts)
    present = [(row, value) for row, value in enumerate(values) if value is not None]
    found = resolver.resolve_many(
        [value for _, value in present], [given[row] for row, _ in present]
    )
    matches: list[Match | None] = [None] * len(values)
    for (row, _), match in zip(present, found, strict=True):
        matches[row] = match
    batch: pd.DataFrame = pd.DataFrame(
        {
            "entity_id": [None if m is None else m.entity.id for m in matches],
            "entity_name": [None if m is None else m.entity.name for m in matches],
            "entity_kind": [None if m is None else m.entity.kind for m in matches],
            "confidence": pd.Series(
                [float("nan") if m is None else m.confidence for m in matches], dtype="float64"
            ),
            "method": [None if m is None else m.method for m in matches],
        }
    )
    return batch


def _annotate_batch(
    texts: pd.Series, table: str, threshold: float, model: str | None, unresolved: bool
) -> pd.Series:
    """Annotate one Arrow batch of texts (an executor's work), each distinct text once."""
    annotator = _RESOLVERS(table, threshold, model).annotator()
    done: dict[str, list[dict[str, Any]]] = {}
    rows: list[list[dict[str, Any]] | None] = []
    for text in _cells(texts):
        if text is None:
            rows.append(None)
            continue
        records = done.get(text)
        if records is None:
            annotation = annotator.annotate_document(text)
            records = [
                {field: record[field] for field in _MENTION_FIELDS}
                for record in mention_records("", annotation, unresolved=unresolved)
            ]
            done[text] = records
        rows.append(records)
    return pd.Series(rows, dtype=object)


def _resolve_udf(
    table: str, threshold: float, model: str | None, *, with_context: bool
) -> UserDefinedFunctionLike:
    # pandas UDFs told apart by their type hints; pyspark's stubs know only the older form
    # with a function type, hence the ignores.
    if with_context:

        def namenorm_resolve(names: pd.Series, contexts: pd.Series) -> pd.DataFrame:
            return _resolve_batch(names, contexts, table, threshold, model)

        return pandas_udf(namenorm_resolve, RESOLVED_TYPE)  # type: ignore[call-overload,no-any-return]

    def namenorm_resolve_names(names: pd.Series) -> pd.DataFrame:
        return _resolve_batch(names, None, table, threshold, model)

    return pandas_udf(namenorm_resolve_names, RESOLVED_TYPE)  # type: ignore[call-overload,no-any-return]


def _annotate_udf(
    table: str, threshold: float, model: str | None, *, unresolved: bool
) -> UserDefinedFunctionLike:
    def namenorm_annotate(texts: pd.Series) -> pd.Series:
        return _annotate_batch(texts, table, threshold, model, unresolved)

    return pandas_udf(namenorm_annotate, MENTIONS_TYPE)  # type: ignore[call-overload,no-any-return]


# -- public API ------------------------------------------------------------------------------


def resolve_column(
    frame: DataFrame,
    column: str,
    *,
    table: TableSource = None,
    threshold: float = DEFAULT_THRESHOLD,
    model: ModelSource = None,
    context: str | None = None,
    prefix: str = "",
) -> DataFrame:
    """Resolve the names of ``column`` and return the frame with :data:`RESOLVED_COLUMNS`
    added after its own columns (each name prefixed by ``prefix``): ``entity_id``,
    ``entity_name``, ``entity_kind``, ``confidence`` and ``method``, all null for a NIL or a
    null name.

    Row for row, the answers are those of ``Resolver(table, threshold=threshold,
    model=model).resolve(name, context=...)``. ``table`` is any :data:`TableSource` (the
    built-in table by default; shipped with :func:`ship_table`); ``model`` a
    :class:`~namenorm.confidence.ConfidenceModel` or the path of one, read on the driver;
    ``context`` names a string column holding each name's context (the sentence around it; a
    null context is no context). Columns are found as Spark finds them, regardless of case
    unless ``spark.sql.caseSensitive`` is set. A missing or non-string column, or a new column
    the frame already has, raises :class:`~namenorm.errors.DataFrameError` before anything is
    shipped; a pandas or polars frame, a :class:`TypeError` (use :mod:`namenorm.dataframes`).
    The result is lazy, like any DataFrame: the work runs when an action asks for it.

    >>> from namenorm.spark import resolve_column
    >>> frame = spark.createDataFrame(  # doctest: +SKIP
    ...     [(1, "Ghassem Suleimani"), (2, "Joe Smith"), (3, None)], "id long, name string")
    >>> resolved = resolve_column(frame, "name")  # doctest: +SKIP
    >>> resolved.columns  # doctest: +SKIP
    ['id', 'name', 'entity_id', 'entity_name', 'entity_kind', 'confidence', 'method']
    >>> for row in resolved.orderBy("id").collect():  # doctest: +SKIP
    ...     print(row.name, row.entity_id, row.entity_kind, row.method)
    Ghassem Suleimani qasem-soleimani person phonetic
    Joe Smith None None None
    None None None None
    """
    _check_arguments(frame, prefix)
    names = _string_column(frame, column)
    contexts = None if context is None else _string_column(frame, context)
    targets = [prefix + name for name in RESOLVED_COLUMNS]
    _check_new_columns(frame, targets)
    _check_threshold(threshold)
    model_text = _model_text(model)
    shipped = ship_table(frame.sparkSession, table)
    udf = _resolve_udf(shipped.name, threshold, model_text, with_context=contexts is not None)
    resolved = udf(names) if contexts is None else udf(names, contexts)
    return frame.select(
        "*",
        *[
            resolved[field].alias(target)
            for field, target in zip(RESOLVED_COLUMNS, targets, strict=True)
        ],
    )


def annotate_column(
    frame: DataFrame,
    column: str,
    *,
    table: TableSource = None,
    threshold: float = DEFAULT_THRESHOLD,
    model: ModelSource = None,
    unresolved: bool = False,
    prefix: str = "",
) -> DataFrame:
    """Find and link the name mentions of each text of ``column`` and return the frame with
    a ``mentions`` column added (prefixed by ``prefix``): an array of :data:`MENTION_TYPE`
    structs per row, in text order, empty for a text without mentions and null for a null
    text.

    Row for row, the structs are the records :func:`namenorm.output.mention_records` makes of
    ``Resolver(table, threshold=threshold, model=model).annotate_document(text)`` (without
    ``doc``; confidences rounded to 4 places); ``unresolved`` keeps the spans that did not
    resolve (``resolved`` false). ``table``, ``threshold`` and ``model`` are as for
    :func:`resolve_column`.

    >>> from namenorm.spark import annotate_column
    >>> frame = spark.createDataFrame(  # doctest: +SKIP
    ...     [(1, "Rai Allium quoted Almohandes."), (2, "No names."), (3, None)],
    ...     "id long, text string")
    >>> annotated = annotate_column(frame, "text")  # doctest: +SKIP
    >>> for row in annotated.orderBy("id").collect():  # doctest: +SKIP
    ...     print(row.id, row.mentions and [(m.surface, m.entity) for m in row.mentions])
    1 [('Rai Allium', 'rai-al-youm'), ('Almohandes', 'abu-mahdi-al-muhandis')]
    2 []
    3 None
    """
    _check_arguments(frame, prefix)
    texts = _string_column(frame, column)
    target = prefix + MENTIONS_COLUMN
    _check_new_columns(frame, [target])
    _check_threshold(threshold)
    model_text = _model_text(model)
    shipped = ship_table(frame.sparkSession, table)
    udf = _annotate_udf(shipped.name, threshold, model_text, unresolved=unresolved)
    return frame.withColumn(target, udf(texts))
