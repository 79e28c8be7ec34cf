"""Apply a person's judgments to an alias table file: the other half of the review loop.

``namenorm review`` (:mod:`namenorm.review`) writes a CSV of spellings to judge; a person fills
its ``judgment`` column, and :func:`apply_judgments` writes the verdicts into the table:

- ``accept``: the spelling is this entity: it becomes one of its ``aliases``;
- ``error``: a known machine-translation error for this entity: it joins its ``errors``
  (neither, when the entity has the spelling already as a name, alias or known error, compared
  normalized);
- ``reject``: the spelling is *not* this entity: it joins its ``negatives``, which the resolver
  then never links it to (an alias or known error that says otherwise is removed); with a
  ``correct_id`` it also becomes an alias of that entity.

A row left without a judgment is left alone. The table file is rewritten in place, atomically,
after a copy of it is kept (``my_aliases.jsonl.bak``, never overwriting an earlier backup):
every record and every field stays, in the same order, and only the edited lists change.
JSON Lines keep every other line byte for byte; JSON and CSV keep every other record's text.
Applying the same judgments again changes nothing.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> table = folder / "people.jsonl"
>>> _ = table.write_text('{"id": "iraq", "name": "Iraq", "kind": "place"}\\n')
>>> applied = apply_judgments(table, [Judgment("Iraqi", "reject", "iraq")])
>>> table.read_text()
'{"id": "iraq", "name": "Iraq", "kind": "place", "negatives": ["Iraqi"]}\\n'
>>> pathlib.Path(applied.backup).name
'people.jsonl.bak'
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from namenorm.errors import ReviewError, TableError
from namenorm.normalize import analyze
from namenorm.output import atomic_output
from namenorm.tables import (
    CSV_LIST_SEPARATOR,
    AliasTable,
    file_identity,
    is_snapshot,
    normalizes_to_something,
    read_table_text,
    record_spans,
)
from namenorm.textfiles import read_text_file

__all__ = [
    "EDITABLE_FORMATS",
    "VERDICTS",
    "Applied",
    "Change",
    "Judgment",
    "Verdict",
    "apply_judgments",
    "backup_path",
    "plan_changes",
    "read_judgments",
    "rewrite_table_text",
]

Verdict = Literal["accept", "error", "reject"]
VERDICTS: tuple[Verdict, ...] = ("accept", "error", "reject")
EDITABLE_FORMATS = (".jsonl", ".ndjson", ".json", ".csv")
"""The table formats :func:`apply_judgments` rewrites. TOML is read but not written (writing it
would need another dependency); a snapshot is rebuilt from the table it was saved from."""

REQUIRED_COLUMNS = ("surface", "entity_id", "judgment")
ListField = Literal["aliases", "errors", "negatives"]
_ONE: Mapping[ListField, str] = {"aliases": "alias", "errors": "error", "negatives": "negative"}
_BOM = "\ufeff"


@attrs.frozen
class Judgment:
    """A person's verdict on a spelling proposed for an entity (a filled-in row of the review).

    ``entity_id`` is the proposed entity; ``correct_id`` (with ``reject``) the entity the
    spelling names instead; ``line`` the row's line in the reviewed file.

    >>> Judgment("Iraqi", "reject", "iraq", correct_id="iraqi-people").correct_id
    'iraqi-people'
    """

    surface: str
    verdict: Verdict
    entity_id: str | None
    correct_id: str | None = None
    line: int | None = None


@attrs.frozen
class Change:
    """One edit of an entity's list: a spelling added to or removed from its ``aliases``,
    ``errors`` or ``negatives``, and the line of the judgment that asked for it.

    >>> str(Change("iraq", "negatives", "add", "Iraqi", line=3))
    "iraq: + negative 'Iraqi' (line 3)"
    """

    entity_id: str
    field: ListField
    action: Literal["add", "remove"]
    value: str
    line: int | None = None

    def __str__(self) -> str:
        sign = "+" if self.action == "add" else "-"
        where = "" if self.line is None else f" (line {self.line})"
        return f"{self.entity_id}: {sign} {_ONE[self.field]} {self.value!r}{where}"


@attrs.frozen
class Applied:
    """What :func:`apply_judgments` did: the changes, the table file, the backup it made
    (None when nothing was written: no change, or a dry run).

    >>> print(Applied(path="t.jsonl", changes=(), backup=None).report())
    nothing to change in t.jsonl
    """

    path: str
    changes: tuple[Change, ...]
    backup: str | None
    dry_run: bool = False

    def counts(self) -> Counter[tuple[str, str]]:
        """How many spellings were added to or removed from each kind of list."""
        return Counter((change.action, change.field) for change in self.changes)

    def report(self) -> str:
        """Every change, one a line, then one line of counts and where the table and its
        backup are."""
        if not self.changes:
            return f"nothing to change in {self.path}"
        lines = [str(change) for change in self.changes]
        counts = self.counts()
        parts = [
            f"{_count(counts[action, field], field)} {'added' if action == 'add' else 'removed'}"
            for action in ("add", "remove")
            for field in ("aliases", "errors", "negatives")
            if counts[action, field]
        ]
        if self.dry_run:
            ending = f"dry run: {self.path} not written"
        else:
            ending = f"{self.path} rewritten; the original is kept in {self.backup}"
        lines.append(f"{', '.join(parts)}; {ending}")
        return "\n".join(lines)


def _count(number: int, field: ListField) -> str:
    return f"{number} {_ONE[field] if number == 1 else field}"


# -- reading judgments -----------------------------------------------------------------------


def read_judgments(path: str | os.PathLike[str]) -> list[Judgment]:
    """Read a reviewed CSV (as ``namenorm review`` wrote it, with its ``judgment`` column
    filled in); rows without a judgment are left out. Problems raise
    :class:`~namenorm.errors.ReviewError` naming the file, line and field.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviewed.csv"
    >>> _ = path.write_text("surface,entity_id,judgment\\nIraqi,iraq,reject\\nIran,iran,\\n")
    >>> read_judgments(path)
    [Judgment(surface='Iraqi', verdict='reject', entity_id='iraq', correct_id=None, line=2)]
    >>> _ = path.write_text("surface,entity_id,judgment\\nIraqi,iraq,maybe\\n")
    >>> read_judgments(path)
    Traceback (most recent call last):
      ...
    namenorm.errors.ReviewError: ...reviewed.csv:2: field 'judgment': unknown judgment 'maybe'; ...
    """
    location = os.fspath(path)
    text = read_text_file(location, error=ReviewError)
    # A spreadsheet set to a European locale saves with semicolons.
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(_judgments(reader, location))
    except csv.Error as error:
        raise ReviewError(
            f"unreadable CSV: {error}", path=location, line=reader.line_num
        ) from error


def _judgments(reader: csv.DictReader[str], path: str) -> Iterator[Judgment]:
    columns = reader.fieldnames or []
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            raise ReviewError(
                "missing column: the header must name surface, entity_id and judgment "
                "(as namenorm review writes them)",
                path=path,
                line=1,
                field=column,
            )
    for row in reader:
        where: dict[str, Any] = {"path": path, "line": reader.line_num}
        if None in row:
            raise ReviewError("more cells than header columns", **where)
        verdict = (row["judgment"] or "").strip().lower()
        if not verdict:
            continue
        if verdict not in VERDICTS:
            raise ReviewError(
                f"unknown judgment {row['judgment']!r}; expected accept, error or reject "
                "(or nothing, to leave the row alone)",
                **where,
                field="judgment",
            )
        surface = (row["surface"] or "").strip()
        if not surface:
            raise ReviewError("must not be blank", **where, field="surface")
        if not normalizes_to_something(surface):
            raise ReviewError(
                f"{surface!r} normalizes to nothing, so it could never match",
                **where,
                field="surface",
            )
        entity_id = (row["entity_id"] or "").strip() or None
        correct_id = (row.get("correct_id") or "").strip() or None
        yield _checked(Judgment(surface, verdict, entity_id, correct_id, reader.line_num), where)


def _checked(judgment: Judgment, where: dict[str, Any]) -> Judgment:
    if judgment.verdict not in VERDICTS:
        raise ReviewError(
            f"unknown judgment {judgment.verdict!r}; expected accept, error or reject",
            **where,
            field="judgment",
        )
    if judgment.verdict != "reject" and judgment.correct_id is not None:
        raise ReviewError(
            f"correct_id goes with reject: to give {judgment.surface!r} to "
            f"{judgment.correct_id!r} instead, write reject",
            **where,
            field="correct_id",
        )
    if judgment.entity_id is None and judgment.correct_id is None:
        raise ReviewError(
            f"{judgment.verdict} needs the entity it is about", **where, field="entity_id"
        )
    if judgment.correct_id is not None and judgment.correct_id == judgment.entity_id:
        raise ReviewError(
            "the correct entity is the one rejected; accept it instead",
            **where,
            field="correct_id",
        )
    return judgment


# -- planning --------------------------------------------------------------------------------


def _key(text: str) -> str:
    return analyze(text).text


class _Lists:
    """An entity's lists while judgments are applied to it, compared normalized."""

    def __init__(self, name: str, lists: Mapping[ListField, Sequence[str]]) -> None:
        self.name = _key(name)
        self.items: dict[ListField, list[str]] = {field: list(lists[field]) for field in lists}

    def keys(self, *fields: ListField) -> set[str]:
        return {_key(item) for field in fields for item in self.items[field]}

    def matching(self, field: ListField, key: str) -> list[str]:
        return [item for item in self.items[field] if _key(item) == key]


class _Planner:
    def __init__(self, table: AliasTable, source: str | None) -> None:
        self.table = table
        self.source = source
        self.lists: dict[str, _Lists] = {}
        self.changes: list[Change] = []
        self.stances: dict[tuple[str, str], tuple[bool, Judgment]] = {}

    def entity(self, entity_id: str, judgment: Judgment, field: str) -> _Lists:
        known = self.lists.get(entity_id)
        if known is None:
            entity = self.table.get(entity_id)
            if entity is None:
                raise ReviewError(
                    f"unknown entity id {entity_id!r}: it is not in the table",
                    path=self.source,
                    line=judgment.line,
                    field=field,
                )
            known = _Lists(
                entity.name,
                {"aliases": entity.aliases, "errors": entity.errors, "negatives": entity.negatives},
            )
            self.lists[entity_id] = known
        return known

    def stance(self, entity_id: str, judgment: Judgment, *, positive: bool, field: str) -> None:
        """Refuse a judgment that says the opposite of an earlier one of the same file."""
        key = (entity_id, _key(judgment.surface))
        earlier = self.stances.setdefault(key, (positive, judgment))
        if earlier[0] != positive:
            said = "is" if earlier[0] else "is not"
            raise ReviewError(
                f"line {earlier[1].line} says {earlier[1].surface!r} {said} {entity_id!r}; "
                "judge each spelling of an entity one way",
                path=self.source,
                line=judgment.line,
                field=field,
            )

    def change(
        self, entity_id: str, field: ListField, action: str, value: str, line: int | None
    ) -> None:
        items = self.lists[entity_id].items[field]
        if action == "add":
            items.append(value)
            self.changes.append(Change(entity_id, field, "add", value, line))
        else:
            items.remove(value)
            self.changes.append(Change(entity_id, field, "remove", value, line))

    def affirm(self, entity_id: str, judgment: Judgment, field: ListField, column: str) -> None:
        """The spelling is this entity: an alias (or a known error) unless the table has it."""
        lists = self.entity(entity_id, judgment, column)
        self.stance(entity_id, judgment, positive=True, field=column)
        key = _key(judgment.surface)
        for negative in lists.matching("negatives", key):
            self.change(entity_id, "negatives", "remove", negative, judgment.line)
        # Already linked by a name, an alias or a known error: the table agrees.
        if key not in lists.keys("aliases", "errors") | {lists.name}:
            self.change(entity_id, field, "add", judgment.surface, judgment.line)

    def deny(self, entity_id: str, judgment: Judgment) -> None:
        """The spelling is not this entity: a negative, and no alias or known error."""
        lists = self.entity(entity_id, judgment, "entity_id")
        self.stance(entity_id, judgment, positive=False, field="judgment")
        key = _key(judgment.surface)
        if key == lists.name:
            raise ReviewError(
                f"{judgment.surface!r} is the canonical name of {entity_id!r}: it cannot be "
                "rejected (change the entity's name in the table first)",
                path=self.source,
                line=judgment.line,
                field="judgment",
            )
        for field in ("aliases", "errors"):
            for item in lists.matching(field, key):
                self.change(entity_id, field, "remove", item, judgment.line)
        if key not in lists.keys("negatives"):
            self.change(entity_id, "negatives", "add", judgment.surface, judgment.line)


def plan_changes(
    table: AliasTable, judgments: Iterable[Judgment], *, source: str | None = None
) -> list[Change]:
    """The edits that ``judgments`` make to ``table``, in the order of the judgments; none for
    a judgment the table already agrees with. ``source`` names the reviewed file in errors
    (an unknown entity id, a spelling judged both ways for one entity, the rejection of an
    entity's own canonical name).

    >>> from namenorm import AliasTable, Entity
    >>> table = AliasTable([Entity(id="x", name="Hadi al-Amiri", aliases=["Hadi Ameri"])])
    >>> [str(c) for c in plan_changes(table, [Judgment("Hadi Amiri", "accept", "x"),
    ...                                        Judgment("HADI AMERI", "accept", "x")])]
    ["x: + alias 'Hadi Amiri'"]
    """
    planner = _Planner(table, source)
    for judgment in judgments:
        _checked(judgment, {"path": source, "line": judgment.line})
        if judgment.verdict == "reject":
            if judgment.entity_id is not None:
                planner.deny(judgment.entity_id, judgment)
            if judgment.correct_id is not None:
                planner.affirm(judgment.correct_id, judgment, "aliases", "correct_id")
        else:
            assert judgment.entity_id is not None  # _checked saw to it
            field: ListField = "aliases" if judgment.verdict == "accept" else "errors"
            planner.affirm(judgment.entity_id, judgment, field, "entity_id")
    return planner.changes


# -- rewriting -------------------------------------------------------------------------------


@attrs.frozen
class _Edit:
    """What changes in one entity's lists: the items to remove, then the items to add."""

    removed: Mapping[ListField, frozenset[str]]
    added: Mapping[ListField, tuple[str, ...]]

    def fields(self) -> list[ListField]:
        return [field for field in ("aliases", "errors", "negatives") if self.touches(field)]

    def touches(self, field: ListField) -> bool:
        return bool(self.removed.get(field) or self.added.get(field))

    def apply(self, field: ListField, items: Sequence[str]) -> list[str]:
        removed = self.removed.get(field, frozenset())
        kept = [item for item in items if item not in removed]
        return kept + [item for item in self.added.get(field, ()) if item not in kept]


def _edits(changes: Iterable[Change]) -> dict[str, _Edit]:
    removed: dict[str, dict[ListField, set[str]]] = {}
    added: dict[str, dict[ListField, list[str]]] = {}
    for change in changes:
        removed.setdefault(change.entity_id, {})
        added.setdefault(change.entity_id, {})
        if change.action == "remove":
            removed[change.entity_id].setdefault(change.field, set()).add(change.value)
            # Added earlier by the same judgments, then taken back.
            later = added[change.entity_id].get(change.field, [])
            if change.value in later:
                later.remove(change.value)
        else:
            removed[change.entity_id].get(change.field, set()).discard(change.value)
            added[change.entity_id].setdefault(change.field, []).append(change.value)
    return {
        entity_id: _Edit(
            {field: frozenset(items) for field, items in removed[entity_id].items()},
            {field: tuple(items) for field, items in added[entity_id].items()},
        )
        for entity_id in removed
    }


def rewrite_table_text(text: str, path: str | os.PathLike[str], changes: Iterable[Change]) -> str:
    """The text of a table file (JSONL, JSON or CSV, told by the suffix of ``path``) with
    ``changes`` made to its records' lists, and nothing else changed: other lines (JSONL) or
    records (JSON, CSV) are returned as they were, an edited record keeps its fields in their
    order and, where it can be told, its formatting. With no changes, ``text`` comes back
    unchanged.

    >>> text = '{"id": "x", "name": "X", "aliases": ["Ex"]}\\n{"id": "y", "name": "Y"}\\n'
    >>> print(rewrite_table_text(text, "t.jsonl", [Change("x", "aliases", "add", "Iks")]), end="")
    {"id": "x", "name": "X", "aliases": ["Ex", "Iks"]}
    {"id": "y", "name": "Y"}
    """
    location = os.fspath(path)
    edits = _edits(changes)
    if not edits:
        return text
    suffix = _editable_suffix(location)
    if suffix == ".csv":
        return _rewrite_csv(text, edits)
    if suffix == ".json":
        return _rewrite_json(text, edits, location)
    return _rewrite_jsonl(text, edits)


def _editable_suffix(location: str) -> str:
    suffix = Path(location).suffix.lower()
    if suffix == ".toml":
        raise TableError(
            "namenorm does not write TOML tables (it would need another dependency): convert "
            f"the table to one of {', '.join(EDITABLE_FORMATS)} to apply judgments to it",
            path=location,
        )
    if suffix not in EDITABLE_FORMATS:
        raise TableError(
            f"cannot edit a {suffix or 'suffix-less'} table; judgments are applied to "
            f"{', '.join(EDITABLE_FORMATS)} tables",
            path=location,
        )
    return suffix


def _edited_record(record: Mapping[str, Any], edit: _Edit) -> dict[str, Any]:
    edited = dict(record)  # same keys, same order; a list never there before goes last
    for field in edit.fields():
        items = record.get(field)
        edited[field] = edit.apply(field, items if isinstance(items, list) else [])
    return edited


_Style = tuple[bool, str | None, tuple[str, str]]
"""How a record is written as JSON: ASCII escapes or not, the indent unit, the separators."""
_SPACED, _COMPACT = (", ", ": "), (",", ":")


def _dump(value: Mapping[str, Any], style: _Style, base: str, newline: str) -> str:
    ascii_only, indent, separators = style
    if indent is None:
        return json.dumps(value, ensure_ascii=ascii_only, separators=separators)
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent, separators=separators)
    return text.replace("\n", newline + base)


def _restyled(
    original_text: str, original: Mapping[str, Any], edited: Mapping[str, Any], base: str = ""
) -> str:
    """``edited`` as JSON in the style that reproduces ``original_text`` from ``original``
    (ASCII escapes or not; one line, compact or spaced; indented by the unit it uses)."""
    newline = "\r\n" if "\r\n" in original_text else "\n"
    lines = original_text.split("\n")
    styles: list[_Style]
    if len(lines) > 1:
        inner = lines[1][: len(lines[1]) - len(lines[1].lstrip(" \t"))]
        unit = inner[len(base) :] if inner.startswith(base) and len(inner) > len(base) else "  "
        styles = [(False, unit, (",", ": ")), (True, unit, (",", ": "))]
    else:
        styles = [(False, None, _SPACED), (True, None, _SPACED)]
        styles += [(False, None, _COMPACT), (True, None, _COMPACT)]
    for style in styles:
        if _dump(original, style, base, newline) == original_text:
            return _dump(edited, style, base, newline)
    return _dump(edited, styles[0], base, newline)


def _rewrite_jsonl(text: str, edits: Mapping[str, _Edit]) -> str:
    lines = text.split("\n")  # only \n ends a line, as the reader has it
    for number, line in enumerate(lines):
        body = line.strip()
        if not body:
            continue
        record = json.loads(body)
        edit = edits.get(str(record.get("id"))) if isinstance(record, dict) else None
        if edit is None:
            continue
        start = len(line) - len(line.lstrip())
        restyled = _restyled(body, record, _edited_record(record, edit))
        lines[number] = line[:start] + restyled + line[start + len(body) :]
    return "\n".join(lines)


def _rewrite_json(text: str, edits: Mapping[str, _Edit], location: str) -> str:
    document = json.loads(text)
    items = document["entities"] if isinstance(document, dict) else document
    spans = record_spans(text, items)
    if spans is None:
        raise TableError(
            "cannot find where each record lies in this JSON text, to edit it in place",
            path=location,
        )
    pieces: list[str] = []
    position = 0
    for item, (start, end) in zip(items, spans, strict=True):
        edit = edits.get(str(item.get("id"))) if isinstance(item, dict) else None
        if edit is None:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        base = text[line_start:start] if not text[line_start:start].strip() else ""
        pieces.append(text[position:start])
        pieces.append(_restyled(text[start:end], item, _edited_record(item, edit), base))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _ending(line: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if line.endswith(ending):
            return ending
    return ""


_Quoting = Literal[0, 1, 2, 3]
_QUOTINGS: tuple[_Quoting, ...] = (csv.QUOTE_MINIMAL, csv.QUOTE_ALL)


def _csv_line(cells: Sequence[str], quoting: _Quoting, ending: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=quoting, lineterminator=ending).writerow(cells)
    return buffer.getvalue()


def _edited_cell(cell: str, edit: _Edit, field: ListField) -> str:
    items = [part.strip() for part in cell.split(CSV_LIST_SEPARATOR) if part.strip()]
    separator = f" {CSV_LIST_SEPARATOR} " if f" {CSV_LIST_SEPARATOR} " in cell else "|"
    if not edit.removed.get(field) and cell.strip():
        # Only additions: the cell as it was, with the new items after it.
        new = [item for item in edit.apply(field, items) if item not in items]
        return separator.join([cell, *new])
    return separator.join(edit.apply(field, items))


def _rewrite_csv(text: str, edits: Mapping[str, _Edit]) -> str:
    physical: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            physical.append(line)
            yield line

    # The reader takes one line at a time, so the lines read so far end each record.
    reader = csv.reader(lines())
    header = next(reader)
    header_end = len(physical)
    records: list[tuple[list[str], int, int]] = []
    for cells in reader:
        records.append((cells, header_end if not records else records[-1][2], len(physical)))
    needed = [
        field
        for field in ("aliases", "errors", "negatives")
        if field not in header and any(edit.added.get(field) for edit in edits.values())
    ]
    columns = [*header, *needed]
    # Like DictReader, the last of two columns of one name wins.
    position = {name: number for number, name in enumerate(columns)}
    pieces = physical[:header_end]
    if needed:
        last = pieces[-1]
        ending = _ending(last)
        added = _csv_line(needed, _QUOTINGS[0], "")
        pieces[-1] = f"{last[: len(last) - len(ending)]},{added}{ending}"
    for cells, start, end in records:
        original = "".join(physical[start:end])
        row = dict(zip(header, cells, strict=False))
        edit = edits.get(row.get("id", ""))
        if edit is None or not cells:
            if needed and len(cells) == len(header):
                # A full row gets an empty cell for each new column.
                ending = _ending(original)
                original = original[: len(original) - len(ending)] + "," * len(needed) + ending
            pieces.append(original)
            continue
        ending = _ending(original)
        quoting = next(
            (q for q in _QUOTINGS if _csv_line(cells, q, ending) == original),
            _QUOTINGS[0],
        )
        edited = [*cells, *[""] * (len(columns) - len(cells))]
        for field in edit.fields():
            if field in position:
                edited[position[field]] = _edited_cell(edited[position[field]], edit, field)
        pieces.append(_csv_line(edited, quoting, ending))
    pieces.extend(physical[records[-1][2] if records else header_end :])
    return "".join(pieces)


# -- applying --------------------------------------------------------------------------------


def backup_path(path: str | os.PathLike[str], suffix: str = ".bak") -> Path:
    """The first name free for a backup of ``path``: ``path + suffix``, then ``.1``, ``.2``
    ... after it, so an earlier backup is never overwritten.

    >>> import tempfile, pathlib
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "t.jsonl"
    >>> backup_path(table).name
    't.jsonl.bak'
    >>> _ = (table.parent / "t.jsonl.bak").write_text("")
    >>> backup_path(table).name
    't.jsonl.bak.1'
    """
    first = Path(f"{os.fspath(path)}{suffix}")
    candidate, number = first, 0
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = Path(f"{first}.{number}")
    return candidate


def _make_backup(path: str, suffix: str) -> str:
    """Copy ``path`` to a backup name nobody has taken, created exclusively."""
    while True:
        target = backup_path(path, suffix)
        try:
            with open(path, "rb") as source, open(target, "xb") as copy:
                shutil.copyfileobj(source, copy)
        except FileExistsError:
            continue  # taken meanwhile: the next number
        except OSError as problem:
            raise TableError(
                f"cannot back the table up to {target}: {problem.strerror}", path=path
            ) from problem
        shutil.copystat(path, target)
        return os.fspath(target)


def apply_judgments(
    path: str | os.PathLike[str],
    judgments: Iterable[Judgment],
    *,
    source: str | None = None,
    backup_suffix: str = ".bak",
    dry_run: bool = False,
) -> Applied:
    """Apply ``judgments`` to the table file at ``path`` (JSONL, JSON or CSV): plan the changes
    (:func:`plan_changes`), check that the rewritten table loads, keep a backup
    (:func:`backup_path`), then replace the file atomically. ``source`` names the reviewed
    file in errors; ``dry_run`` plans and checks without writing anything.

    Nothing is written when nothing changes, so applying the same judgments twice leaves the
    file as the first time made it.

    >>> import tempfile, pathlib
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "t.toml"
    >>> _ = table.write_text('[[entity]]\\nid = "x"\\nname = "X"\\n')
    >>> apply_judgments(table, [Judgment("Ex", "accept", "x")])
    Traceback (most recent call last):
      ...
    namenorm.errors.TableError: ...t.toml: namenorm does not write TOML tables ...
    """
    if not backup_suffix:
        raise ValueError("backup_suffix must not be empty")
    given = os.fspath(path)
    if is_snapshot(given):
        raise TableError(
            "a snapshot cannot be edited: apply the judgments to the table file it was saved "
            "from, then save a new snapshot",
            path=given,
        )
    # A link to the table: edit (and back up) the table itself, not the link.
    location = os.path.realpath(given) if os.path.islink(given) else given
    suffix = _editable_suffix(given)
    before = file_identity(location)
    text = read_text_file(given, error=TableError)
    table = read_table_text(text, given)
    changes = plan_changes(table, judgments, source=source)
    if suffix == ".csv":
        for change in changes:
            if change.action == "add" and CSV_LIST_SEPARATOR in change.value:
                raise ReviewError(
                    f"{change.value!r} holds {CSV_LIST_SEPARATOR!r}, which separates the items "
                    "of a list in a CSV table",
                    path=source,
                    line=change.line,
                    field="surface",
                )
    if not changes:
        return Applied(path=given, changes=(), backup=None, dry_run=dry_run)
    rewritten = rewrite_table_text(text, given, changes)
    read_table_text(rewritten, given)  # the table must load as it will be written
    if dry_run:
        return Applied(path=given, changes=tuple(changes), backup=None, dry_run=True)
    if file_identity(location) != before:
        raise TableError(
            "the table changed while the judgments were applied; run again", path=given
        )
    with open(location, "rb") as handle:
        bom = handle.read(len(_BOM.encode())) == _BOM.encode()
    mode = os.stat(location).st_mode
    backup = _make_backup(location, backup_suffix)
    with atomic_output(location, newline="", bom=bom) as handle:
        handle.write(rewritten)
    os.chmod(location, mode & 0o7777)
    return Applied(path=given, changes=tuple(changes), backup=backup)
