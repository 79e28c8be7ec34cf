"""The exceptions namenorm raises: one root, each also a builtin so callers can catch either.

Every error that comes from a file names the file, the line (1-based, where the format has
lines) and the field, so that the fix is obvious:

>>> try:
...     raise TableError("missing required field", path="aliases.csv", line=3, field="id")
... except NamenormError as error:
...     print(error)
aliases.csv:3: field 'id': missing required field
"""

from __future__ import annotations

__all__ = [
    "CalibrationError",
    "CorpusError",
    "DataFrameError",
    "LabeledDataError",
    "MissingDependencyError",
    "NamenormError",
    "OutputError",
    "ReviewError",
    "RulesError",
    "SnapshotError",
    "TableError",
]


class NamenormError(Exception):
    """Root of every error namenorm raises on purpose.

    ``path``, ``line``, ``field`` and ``record`` (the 1-based position of a record, for input
    without lines: records given in Python, TOML tables) locate the problem; each is ``None``
    when it does not apply.

    >>> error = NamenormError("no names given")
    >>> str(error), error.path
    ('no names given', None)
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        record: int | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        self.record = record
        super().__init__(self._render())

    def _render(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(self.path if self.line is None else f"{self.path}:{self.line}")
        if self.record is not None and self.line is None:
            parts.append(f"record {self.record}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        parts.append(self.message)
        return ": ".join(parts)


class TableError(NamenormError, ValueError):
    """An alias table (a file or records) is malformed: missing or duplicate id, wrong type,
    unreadable file or bad encoding.

    >>> isinstance(TableError("duplicate entity id 'a'", field="id"), ValueError)
    True
    """


class RulesError(NamenormError, ValueError):
    """A normalization rule file shipped with (or given to) namenorm is malformed.

    >>> str(RulesError("invalid regular expression", path="rewrite.tsv", line=9, field="pattern"))
    "rewrite.tsv:9: field 'pattern': invalid regular expression"
    """


class CalibrationError(NamenormError, ValueError):
    """A confidence model file is malformed or was fitted for another feature set.

    >>> CalibrationError("invalid JSON", path="model.json", line=1).line
    1
    """


class LabeledDataError(NamenormError, ValueError):
    """A labeled evaluation file (mention, context, gold id, category) is malformed.

    >>> LabeledDataError("missing required field", path="l.jsonl", line=2, field="mention").field
    'mention'
    """


class CorpusError(NamenormError, ValueError):
    """A corpus input cannot be read: a missing file, bytes that are not UTF-8 (with the byte
    offset), a JSON Lines record without its text field; or an output would overwrite an input.

    >>> str(CorpusError("not valid UTF-8 at byte 7", path="news/a.txt", line=1))
    'news/a.txt:1: not valid UTF-8 at byte 7'
    """


class SnapshotError(NamenormError, ValueError):
    """A table snapshot cannot be read or written: not a snapshot, truncated, malformed, or
    written by a namenorm with another snapshot format or other normalization rules.

    >>> str(SnapshotError("not a namenorm snapshot", path="table.nnsnap"))
    'table.nnsnap: not a namenorm snapshot'
    """


class MissingDependencyError(NamenormError, ImportError):
    """A feature needs a package namenorm does not install by default; the message names the
    extra that installs it, and ``name`` (as in :class:`ImportError`) the missing module.

    >>> error = MissingDependencyError("plotting needs matplotlib: pip install 'namenorm[plot]'",
    ...                                name="matplotlib")
    >>> error.name, isinstance(error, ImportError)
    ('matplotlib', True)
    """

    def __init__(self, message: str, *, name: str | None = None) -> None:
        super().__init__(message)
        self.name = name


class OutputError(NamenormError, OSError):
    """An output file (a plot, a fitted model) cannot be written where it was asked for.

    >>> str(OutputError("cannot write here: Permission denied", path="/reliability.png"))
    '/reliability.png: cannot write here: Permission denied'
    """


class ReviewError(NamenormError, ValueError):
    """A file of the review loop is malformed: a mentions file to review (``namenorm review``)
    or a reviewed CSV (``namenorm apply-judgments``) with an unknown judgment, an unknown entity
    id or a missing column.

    >>> str(ReviewError("unknown judgment 'maybe'", path="r.csv", line=4, field="judgment"))
    "r.csv:4: field 'judgment': unknown judgment 'maybe'"
    """


class DataFrameError(NamenormError, ValueError):
    """A DataFrame column cannot be resolved or annotated (:mod:`namenorm.dataframes`): the
    column is missing, a cell is neither a string nor null, or a new column would overwrite
    one the frame has. ``column`` names the column, ``row`` the 0-based position of the row
    (the message adds a pandas row's index label); each is ``None`` when it does not apply.

    >>> error = DataFrameError("expected a string or null, got int 7", column="name", row=3)
    >>> str(error), error.column, error.row, isinstance(error, ValueError)
    ("column 'name', row 3: expected a string or null, got int 7", 'name', 3, True)
    """

    def __init__(self, message: str, *, column: str | None = None, row: int | None = None) -> None:
        self.column = column
        self.row = row
        super().__init__(message, field=column)

    def _render(self) -> str:
        parts = []
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        location = ", ".join(parts)
        return f"{location}: {self.message}" if location else self.message
