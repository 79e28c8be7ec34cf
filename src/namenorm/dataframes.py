"""Resolve a column of names, or annotate a column of texts, of a pandas or a polars DataFrame.

Both functions take a frame and return a new frame of the same library with new columns (the
input frame is left as it was), rows in the same order and, for pandas, the same index:

- :func:`resolve_column` adds ``entity_id``, ``entity_name``, ``entity_kind``, ``confidence``
  and ``method`` (:data:`RESOLVED_COLUMNS`, the same as :mod:`namenorm.spark` adds), null
  where the name is NIL or null;
- :func:`annotate_column` adds ``mentions``: for each text, its mentions as standoff records
  (:data:`MENTION_FIELDS`: the fields of :func:`namenorm.output.mention_record` but ``doc``),
  null where the text is null.

``prefix`` is put before the new columns' names, so two columns of one frame can be resolved
side by side. Each distinct value (with its context) is resolved or annotated once, through
:meth:`Resolver.resolve_many <namenorm.resolve.Resolver.resolve_many>` and
:func:`namenorm.corpus.annotate_documents`, on ``workers`` processes if asked, with the same
output whatever their number.

>>> import polars as pl
>>> from namenorm.dataframes import resolve_column
>>> frame = pl.DataFrame({"name": ["Ghassem Suleimani", "Joe Smith", None]})
>>> resolve_column(frame, "name").select("name", "entity_id", "method").rows()
[('Ghassem Suleimani', 'qasem-soleimani', 'phonetic'), ('Joe Smith', None, None),
 (None, None, None)]

Column types. pandas: ``entity_id``, ``entity_name``, ``entity_kind`` and ``method`` are ``string``
(:class:`pandas.StringDtype`), ``confidence`` is ``Float64``, all with ``pd.NA`` for null;
``mentions`` is an ``object`` column holding a list of dicts per row, ``None`` for a null
text. polars: ``String`` and ``Float64`` columns with null; ``mentions`` is a
``List(Struct)`` column of :data:`MENTION_SCHEMA`.

A null cell (``None``, ``NaN``, ``pd.NA``, polars null) gives nulls; any other value that is
not a string is a :class:`~namenorm.errors.DataFrameError` naming the column and the row, and
so is a missing column or a new column that the frame already has. This module imports neither
pandas nor polars until a frame of it is given, and ``import namenorm`` does not import it.
"""

from __future__ import annotations

import importlib
import reprlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar, cast, overload

import numpy as np
import numpy.typing as npt

from namenorm.corpus import Document, annotate_documents
from namenorm.errors import DataFrameError, MissingDependencyError
from namenorm.model import Match
from namenorm.output import mention_records
from namenorm.resolve import Resolver

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

__all__ = [
    "MENTIONS_COLUMN",
    "MENTION_FIELDS",
    "MENTION_SCHEMA",
    "RESOLVED_COLUMNS",
    "annotate_column",
    "resolve_column",
]

RESOLVED_COLUMNS = ("entity_id", "entity_name", "entity_kind", "confidence", "method")
"""The columns :func:`resolve_column` adds (after its ``prefix``): the entity's id, canonical
name and kind, the calibrated confidence and how the name was matched (all null for NIL)."""

MENTIONS_COLUMN = "mentions"
"""The column :func:`annotate_column` adds (after its ``prefix``)."""

MENTION_SCHEMA: dict[str, str] = {
    "start": "Int64",
    "end": "Int64",
    "surface": "String",
    "entity": "String",
    "name": "String",
    "kind": "String",
    "confidence": "Float64",
    "method": "String",
    "resolved": "Boolean",
}
"""The fields of a mention record and their polars types: character offsets into the text
(``text[start:end] == surface``), the entity's id, canonical name and kind, the confidence
(rounded to 4 places, as in the JSONL and CSV outputs), the method and whether the span is
resolved (an unresolved span, kept with ``unresolved=True``, has ``entity``, ``name`` and
``kind`` null and the confidence and method of its best candidate, if any)."""

MENTION_FIELDS = tuple(MENTION_SCHEMA)
"""The fields of each mention record, in order."""

Library: TypeAlias = Literal["pandas", "polars"]
ColumnKind: TypeAlias = Literal["string", "float", "mentions"]
Codes: TypeAlias = npt.NDArray[np.intp]
Cells: TypeAlias = npt.NDArray[np.object_]
NewColumns: TypeAlias = dict[str, tuple[ColumnKind, Cells]]
_Key = TypeVar("_Key")
_LIBRARIES: tuple[Library, ...] = ("pandas", "polars")


# -- which library -------------------------------------------------------------------------


def _library_of(frame: object) -> Library:
    """The library of a DataFrame, found by its class's module so neither is imported here
    (a subclass, such as geopandas' GeoDataFrame, counts as its base)."""
    for cls in type(frame).__mro__:
        root = cls.__module__.partition(".")[0]
        if cls.__name__ == "DataFrame" and root in _LIBRARIES:
            return "pandas" if root == "pandas" else "polars"
    kind = type(frame)
    described = f"{kind.__module__}.{kind.__qualname__}"
    hint = ""
    if kind.__name__ == "LazyFrame":
        hint = "; call .collect() on a polars LazyFrame first"
    elif kind.__name__ == "Series":
        hint = "; call .to_frame() on a Series first"
    raise TypeError(f"expected a pandas or a polars DataFrame, got {described}{hint}")


def _require(library: Library) -> None:
    """Import ``library`` (already imported when a frame of it exists), or say which extra
    installs it."""
    try:
        importlib.import_module(library)
    except ImportError as error:
        raise MissingDependencyError(
            f"namenorm.dataframes needs {library} for a {library} DataFrame: "
            f"pip install 'namenorm[{library}]'",
            name=library,
        ) from error


# -- reading a column as strings -----------------------------------------------------------


def _not_string(column: str, row: int, value: object, label: str = "") -> DataFrameError:
    return DataFrameError(
        f"expected a string or null, got {type(value).__name__} {reprlib.repr(value)}{label}",
        column=column,
        row=row,
    )


def _missing_column(column: str, columns: Iterable[object]) -> DataFrameError:
    names = list(columns)
    shown = ", ".join(repr(name) for name in names[:20]) + (", ..." if len(names) > 20 else "")
    return DataFrameError(f"no such column; the frame has {shown or 'no columns'}", column=column)


def _pandas_strings(frame: pd.DataFrame, column: str) -> list[str | None]:
    if column not in frame.columns:
        raise _missing_column(column, frame.columns)
    position = frame.columns.get_loc(column)
    if not isinstance(position, int):
        raise DataFrameError("the frame has more than one column of this name", column=column)
    series = frame.iloc[:, position]
    # A copy: under copy-on-write the array of an object column is a read-only view.
    values = series.to_numpy(dtype=object, copy=True)
    values[series.isna().to_numpy(dtype=bool)] = None
    for row, value in enumerate(values):
        if value is not None and not isinstance(value, str):
            label = f" (index label {reprlib.repr(frame.index[row])})"
            raise _not_string(column, row, value, label)
    return list(values)


def _polars_strings(frame: pl.DataFrame, column: str) -> list[str | None]:
    import polars as pl  # noqa: PLC0415 - optional: imported when used, after _require

    if column not in frame.columns:
        raise _missing_column(column, frame.columns)
    series = frame.get_column(column)
    if isinstance(series.dtype, (pl.Categorical, pl.Enum)):
        series = series.cast(pl.String)
    values: list[Any] = series.to_list()
    if series.dtype not in (pl.String, pl.Null):
        for row, value in enumerate(values):
            if value is not None and not isinstance(value, str):
                raise _not_string(column, row, value)
    return values


def _strings(library: Library, frame: pd.DataFrame | pl.DataFrame, column: str) -> list[str | None]:
    if library == "pandas":
        return _pandas_strings(cast("pd.DataFrame", frame), column)
    return _polars_strings(cast("pl.DataFrame", frame), column)


def _check_new_columns(frame: pd.DataFrame | pl.DataFrame, names: Sequence[str]) -> None:
    existing = set(frame.columns)
    for name in names:
        if name in existing:
            raise DataFrameError(
                "the frame already has a column of this name; pass prefix= to name the new "
                "columns apart (or drop it first)",
                column=name,
            )


def _distinct(keys: Sequence[_Key | None]) -> tuple[Codes, list[_Key]]:
    """Each key's position among the distinct keys in order of first appearance (-1 for
    None), and the distinct keys."""
    positions: dict[_Key, int] = {}
    codes = np.fromiter(
        (-1 if key is None else positions.setdefault(key, len(positions)) for key in keys),
        dtype=np.intp,
        count=len(keys),
    )
    return codes, list(positions)


def _spread(values: Sequence[object], codes: Codes) -> Cells:
    """``values[code]`` for each code, None for -1, as an object array."""
    table = np.empty(len(values) + 1, dtype=object)
    table[: len(values)] = values
    table[len(values)] = None
    return table[codes]


# -- writing new columns -------------------------------------------------------------------


def _pandas_with(frame: pd.DataFrame, columns: NewColumns) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415 - optional: imported when used, after _require

    arrays: dict[str, Any] = {}
    for name, (kind, values) in columns.items():
        if kind == "string":
            arrays[name] = pd.array(values, dtype=pd.StringDtype())
        elif kind == "float":
            missing = np.array([value is None for value in values], dtype=bool)
            numbers = np.array([0.0 if value is None else value for value in values], dtype=float)
            arrays[name] = pd.arrays.FloatingArray(numbers, missing)
        else:
            arrays[name] = values
    # Arrays, not Series: they are placed row by row, never aligned on the index.
    result: pd.DataFrame = frame.assign(**arrays)
    return result


def _polars_with(frame: pl.DataFrame, columns: NewColumns) -> pl.DataFrame:
    import polars as pl  # noqa: PLC0415 - optional: imported when used, after _require

    mention = pl.Struct({field: getattr(pl, kind) for field, kind in MENTION_SCHEMA.items()})
    types: dict[str, Any] = {"string": pl.String, "float": pl.Float64, "mentions": pl.List(mention)}
    return frame.with_columns(
        [
            pl.Series(name, list(values), dtype=types[kind])
            for name, (kind, values) in columns.items()
        ]
    )


def _with(
    library: Library, frame: pd.DataFrame | pl.DataFrame, columns: NewColumns
) -> pd.DataFrame | pl.DataFrame:
    if library == "pandas":
        return _pandas_with(cast("pd.DataFrame", frame), columns)
    return _polars_with(cast("pl.DataFrame", frame), columns)


# -- public API ----------------------------------------------------------------------------


@overload
def resolve_column(
    frame: pd.DataFrame,
    column: str,
    resolver: Resolver | None = None,
    *,
    context: str | None = None,
    threshold: float | None = None,
    workers: int = 1,
    prefix: str = "",
) -> pd.DataFrame: ...


@overload
def resolve_column(
    frame: pl.DataFrame,
    column: str,
    resolver: Resolver | None = None,
    *,
    context: str | None = None,
    threshold: float | None = None,
    workers: int = 1,
    prefix: str = "",
) -> pl.DataFrame: ...


def resolve_column(
    frame: pd.DataFrame | pl.DataFrame,
    column: str,
    resolver: Resolver | None = None,
    *,
    context: str | None = None,
    threshold: float | None = None,
    workers: int = 1,
    prefix: str = "",
) -> pd.DataFrame | pl.DataFrame:
    """Resolve the names of ``column`` and return the frame with :data:`RESOLVED_COLUMNS`
    added (each name prefixed by ``prefix``): ``entity_id``, ``entity_name``, ``entity_kind``,
    ``confidence`` and ``method``, null for a NIL or null name.

    Row for row, the answers are those of ``resolver.resolve(name, context=...,
    threshold=threshold)``; each distinct (name, context) pair is resolved once, through
    :meth:`Resolver.resolve_many <namenorm.resolve.Resolver.resolve_many>` on ``workers``
    processes. ``context`` names a column holding each name's context (the sentence around
    it; a null context is no context). ``resolver`` defaults to one over the built-in table;
    ``threshold`` to the resolver's.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"name": ["Mustafa Khatami", "Joe Smith", "Mustafa Khatami"]},
    ...                      index=["a", "b", "a"])
    >>> resolved = resolve_column(frame, "name")
    >>> resolved[["entity_id", "method"]]
                entity_id       method
    a  mustafa-al-kadhimi  known_error
    b                <NA>         <NA>
    a  mustafa-al-kadhimi  known_error
    >>> resolved["confidence"].round(2).tolist()
    [1.0, <NA>, 1.0]
    """
    library = _library_of(frame)
    _require(library)
    chosen = Resolver() if resolver is None else resolver
    names = _strings(library, frame, column)
    contexts = None if context is None else _strings(library, frame, context)
    targets = [prefix + name for name in RESOLVED_COLUMNS]
    _check_new_columns(frame, targets)
    pairs = [
        None if name is None else (name, None if contexts is None else contexts[row])
        for row, name in enumerate(names)
    ]
    codes, distinct = _distinct(pairs)
    matches: list[Match | None] = chosen.resolve_many(
        [name for name, _ in distinct],
        [text for _, text in distinct],
        threshold=threshold,
        workers=workers,
    )
    fields: list[tuple[ColumnKind, list[object]]] = [
        ("string", [None if m is None else m.entity.id for m in matches]),
        ("string", [None if m is None else m.entity.name for m in matches]),
        ("string", [None if m is None else m.entity.kind for m in matches]),
        ("float", [None if m is None else m.confidence for m in matches]),
        ("string", [None if m is None else m.method for m in matches]),
    ]
    columns: NewColumns = {
        target: (kind, _spread(values, codes))
        for target, (kind, values) in zip(targets, fields, strict=True)
    }
    return _with(library, frame, columns)


@overload
def annotate_column(
    frame: pd.DataFrame,
    column: str,
    resolver: Resolver | None = None,
    *,
    threshold: float | None = None,
    unresolved: bool = False,
    workers: int = 1,
    prefix: str = "",
) -> pd.DataFrame: ...


@overload
def annotate_column(
    frame: pl.DataFrame,
    column: str,
    resolver: Resolver | None = None,
    *,
    threshold: float | None = None,
    unresolved: bool = False,
    workers: int = 1,
    prefix: str = "",
) -> pl.DataFrame: ...


def annotate_column(
    frame: pd.DataFrame | pl.DataFrame,
    column: str,
    resolver: Resolver | None = None,
    *,
    threshold: float | None = None,
    unresolved: bool = False,
    workers: int = 1,
    prefix: str = "",
) -> pd.DataFrame | pl.DataFrame:
    """Find and link the name mentions of each text of ``column`` and return the frame with
    a ``mentions`` column added (prefixed by ``prefix``): a list of records
    (:data:`MENTION_FIELDS`) per row, in text order, empty for a text without mentions and
    null for a null text. In pandas a record is a dict; in polars a struct.

    Row for row, the records are those of ``resolver.annotate_document(text,
    threshold=threshold)``, as :func:`namenorm.output.mention_records` writes them (without
    ``doc``); ``unresolved`` keeps the spans that did not resolve (``resolved`` False). Each
    distinct text is annotated once, on ``workers`` processes (see
    :func:`namenorm.corpus.annotate_documents`).

    >>> import polars as pl
    >>> frame = pl.DataFrame({"text": ["Rai Allium quoted Almohandes.", "No names.", None]})
    >>> annotated = annotate_column(frame, "text")
    >>> [[(m["surface"], m["entity"]) for m in row or []]
    ...  for row in annotated["mentions"].to_list()]
    [[('Rai Allium', 'rai-al-youm'), ('Almohandes', 'abu-mahdi-al-muhandis')], [], []]
    >>> annotated["mentions"].null_count()
    1
    """
    library = _library_of(frame)
    _require(library)
    chosen = Resolver() if resolver is None else resolver
    texts = _strings(library, frame, column)
    target = prefix + MENTIONS_COLUMN
    _check_new_columns(frame, [target])
    codes, distinct = _distinct(texts)
    documents = (Document(id=str(number), text=text) for number, text in enumerate(distinct))
    annotated = annotate_documents(documents, chosen, workers=workers, threshold=threshold)
    records = [
        [
            {field: record[field] for field in MENTION_FIELDS}
            for record in mention_records(document.id, annotation, unresolved=unresolved)
        ]
        for document, annotation in annotated
    ]
    rows: Cells = np.empty(len(codes), dtype=object)
    for row, code in enumerate(codes.tolist()):
        # A fresh list of fresh dicts for each row: rows of the same text share nothing.
        rows[row] = None if code < 0 else [dict(record) for record in records[code]]
    return _with(library, frame, {target: ("mentions", rows)})
