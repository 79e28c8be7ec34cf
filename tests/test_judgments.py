"""Applying judgments to table files (namenorm.judgments): reading the reviewed CSV, planning
the edits, rewriting JSONL, JSON and CSV in place, backups, and the properties that make it
safe (nothing else changes, twice is once)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from namenorm import AliasTable, Entity, Resolver, TableError, load_table, normalize
from namenorm.errors import ReviewError
from namenorm.judgments import (
    Change,
    Judgment,
    apply_judgments,
    backup_path,
    plan_changes,
    read_judgments,
    rewrite_table_text,
)
from namenorm.tables import read_table_text, record_from_entity, record_spans

from .strategies import alias_tables, person_names

TABLE = AliasTable(
    [
        Entity(
            id="qasem-soleimani",
            name="Qasem Soleimani",
            kind="person",
            aliases=["Qassem Soleimani", "Haj Qasem"],
            errors=["Qassam Soleimani"],
            context=["quds force"],
            attributes={"wikidata": "Q1151483"},
        ),
        Entity(id="iraq", name="Iraq", kind="place", negatives=["Iraqi"]),
        Entity(id="iran", name="Iran", kind="place", aliases=["Persia"]),
    ]
)


def _changes(*judgments: Judgment, table: AliasTable = TABLE) -> list[str]:
    return [str(change) for change in plan_changes(table, judgments)]


# -- reading the reviewed CSV ----------------------------------------------------------------


def _reviewed(tmp_path: Path, text: str, name: str = "reviewed.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_without_a_judgment_are_left_out_and_verdicts_ignore_case(tmp_path: Path) -> None:
    path = _reviewed(
        tmp_path,
        "reason,surface,entity_id,judgment,correct_id,note\n"
        "uncertain, Soleymani ,qasem-soleimani, Accept ,,looks right\n"
        "unresolved,Iranian,iraq,,,\n"
        "ambiguous,Iranian,iraq,REJECT,iran,\n"
        "uncertain,Qasem S.,qasem-soleimani,error,,\n",
    )
    assert read_judgments(path) == [
        Judgment("Soleymani", "accept", "qasem-soleimani", None, 2),
        Judgment("Iranian", "reject", "iraq", "iran", 4),
        Judgment("Qasem S.", "error", "qasem-soleimani", None, 5),
    ]


def test_a_spreadsheet_with_semicolons_and_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "reviewed.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"surface;entity_id;judgment\r\nIraqi;iraq;reject\r\n")
    assert read_judgments(path) == [Judgment("Iraqi", "reject", "iraq", None, 2)]


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("surface,judgment\nX,accept\n", 1, "entity_id", "missing column"),
        ("entity_id,judgment\nx,accept\n", 1, "surface", "missing column"),
        ("surface,entity_id,note\nX,x,\n", 1, "judgment", "missing column"),
        ("surface,entity_id,judgment\nA,x,\nX,x,maybe\n", 3, "judgment", "unknown judgment"),
        ("surface,entity_id,judgment\n ,x,accept\n", 2, "surface", "must not be blank"),
        ("surface,entity_id,judgment\n-ـ-,x,accept\n", 2, "surface", "normalizes to nothing"),
        ("surface,entity_id,judgment\nX,,accept\n", 2, "entity_id", "needs the entity"),
        ("surface,entity_id,judgment,correct_id\nX,,reject,\n", 2, "entity_id", "needs"),
        ("surface,entity_id,judgment,correct_id\nX,x,accept,y\n", 2, "correct_id", "goes with"),
        ("surface,entity_id,judgment,correct_id\nX,x,reject,x\n", 2, "correct_id", "is the one"),
        ("surface,entity_id,judgment\nX,x,accept,extra\n", 2, None, "more cells"),
    ],
)
def test_bad_reviewed_files_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None, message: str
) -> None:
    path = _reviewed(tmp_path, text)
    with pytest.raises(ReviewError, match=message) as caught:
        read_judgments(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), line, field)


def test_a_missing_reviewed_file_is_a_review_error(tmp_path: Path) -> None:
    with pytest.raises(ReviewError, match="cannot read the file"):
        read_judgments(tmp_path / "nothing.csv")


# -- planning --------------------------------------------------------------------------------


def test_accept_adds_an_alias_unless_the_entity_already_has_the_spelling() -> None:
    assert _changes(Judgment("Ghasem Soleymani", "accept", "qasem-soleimani", line=2)) == [
        "qasem-soleimani: + alias 'Ghasem Soleymani' (line 2)"
    ]
    for known in (
        "QASSEM SOLEIMANI",
        "Qasem Soleimani",
        "General Qasem Soleimani",
        "Qassam Soleimani",
    ):
        assert _changes(Judgment(known, "accept", "qasem-soleimani")) == [], known


def test_error_adds_a_known_error() -> None:
    assert _changes(Judgment("Qassim Sulaimani", "error", "qasem-soleimani")) == [
        "qasem-soleimani: + error 'Qassim Sulaimani'"
    ]
    assert _changes(Judgment("Haj Qasem", "error", "qasem-soleimani")) == []


def test_reject_adds_a_negative_and_takes_back_what_said_otherwise() -> None:
    assert _changes(Judgment("Soleimani", "reject", "qasem-soleimani")) == [
        "qasem-soleimani: + negative 'Soleimani'"
    ]
    assert _changes(Judgment("haj qasem", "reject", "qasem-soleimani")) == [
        "qasem-soleimani: - alias 'Haj Qasem'",
        "qasem-soleimani: + negative 'haj qasem'",
    ]
    assert _changes(Judgment("Qassam Soleimani", "reject", "qasem-soleimani")) == [
        "qasem-soleimani: - error 'Qassam Soleimani'",
        "qasem-soleimani: + negative 'Qassam Soleimani'",
    ]
    assert _changes(Judgment("IRAQI", "reject", "iraq")) == []


def test_reject_with_a_correct_id_gives_the_spelling_to_that_entity() -> None:
    assert _changes(Judgment("Persian", "reject", "iraq", correct_id="iran")) == [
        "iraq: + negative 'Persian'",
        "iran: + alias 'Persian'",
    ]
    assert _changes(Judgment("Iraqi", "reject", None, correct_id="iran")) == [
        "iran: + alias 'Iraqi'"
    ]


def test_accepting_a_rejected_spelling_takes_the_negative_back() -> None:
    assert _changes(Judgment("Iraqi", "accept", "iraq")) == [
        "iraq: - negative 'Iraqi'",
        "iraq: + alias 'Iraqi'",
    ]


@pytest.mark.parametrize(
    ("judgment", "field", "message"),
    [
        (Judgment("X", "accept", "nobody", line=4), "entity_id", "unknown entity id 'nobody'"),
        (Judgment("X", "reject", "iraq", "nobody", 4), "correct_id", "unknown entity id"),
        (Judgment("IRAN", "reject", "iran", line=4), "judgment", "canonical name of 'iran'"),
        (Judgment("X", "maybe", "iran", line=4), "judgment", "unknown judgment"),  # type: ignore[arg-type]
    ],
)
def test_impossible_judgments_name_the_line_and_field(
    judgment: Judgment, field: str, message: str
) -> None:
    with pytest.raises(ReviewError, match=message) as caught:
        plan_changes(TABLE, [judgment], source="reviewed.csv")
    assert (caught.value.path, caught.value.line, caught.value.field) == ("reviewed.csv", 4, field)


def test_a_spelling_judged_both_ways_for_one_entity_is_refused() -> None:
    judgments = [
        Judgment("Persian", "accept", "iran", line=2),
        Judgment("persian", "reject", "iran", line=7),
    ]
    with pytest.raises(ReviewError, match="line 2 says 'Persian' is 'iran'") as caught:
        plan_changes(TABLE, judgments, source="r.csv")
    assert caught.value.line == 7
    # The same verdict twice is fine, and changes the table once.
    assert _changes(
        Judgment("Persian", "reject", "iraq"), Judgment("PERSIAN", "reject", "iraq")
    ) == ["iraq: + negative 'Persian'"]


# -- rewriting -------------------------------------------------------------------------------

JSONL = (
    '{"id": "qasem-soleimani", "name": "Qasem Soleimani", "kind": "person", '
    '"aliases": ["Qassem Soleimani", "Haj Qasem"], "errors": ["Qassam Soleimani"], '
    '"context": ["quds force"], "wikidata": "Q1151483"}\r\n'
    "\r\n"
    '{"id":"iraq","name":"Iraq","kind":"place","negatives":["Iraqi"],'
    '"note":"Bilād al-Rāfidayn"}\r\n'
    '  {"id": "iran", "name": "Iran", "kind": "place", '
    '"aliases": ["Persia", "\\u0627\\u06cc\\u0631\\u0627\\u0646"]}  \r\n'
)


def test_jsonl_changes_only_the_edited_lines_and_keeps_their_style() -> None:
    changes = [
        Change("iraq", "aliases", "add", "Irak"),
        Change("iran", "aliases", "add", "Īrān"),
        Change("iran", "negatives", "add", "Iranian"),
    ]
    lines = rewrite_table_text(JSONL, "t.jsonl", changes).split("\n")
    original = JSONL.split("\n")
    assert lines[:2] == original[:2]
    assert lines[2] == (
        '{"id":"iraq","name":"Iraq","kind":"place","negatives":["Iraqi"],'
        '"note":"Bilād al-Rāfidayn","aliases":["Irak"]}\r'
    )
    assert lines[3] == (
        '  {"id": "iran", "name": "Iran", "kind": "place", "aliases": ["Persia", '
        '"\\u0627\\u06cc\\u0631\\u0627\\u0646", "\\u012ar\\u0101n"], "negatives": ["Iranian"]}  \r'
    )
    assert lines[4:] == original[4:]


def test_removing_keeps_the_field_even_when_it_empties() -> None:
    changes = [Change("iraq", "negatives", "remove", "Iraqi")]
    rewritten = rewrite_table_text(JSONL, "t.jsonl", changes)
    assert '"negatives":[]' in rewritten
    assert read_table_text(rewritten, "t.jsonl")["iraq"].negatives == ()


@pytest.mark.parametrize(
    "document",
    [
        [record_from_entity(entity) for entity in TABLE],
        {"version": 2, "entities": [record_from_entity(entity) for entity in TABLE]},
    ],
    ids=["list", "object"],
)
@pytest.mark.parametrize("indent", [None, 2, 4, "\t"])
def test_json_changes_only_the_edited_records(document: Any, indent: int | str | None) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=False) + "\n"
    changes = [Change("iran", "negatives", "add", "Iranian")]
    rewritten = rewrite_table_text(text, "t.json", changes)
    edited = json.loads(rewritten)
    records = edited["entities"] if isinstance(edited, dict) else edited
    assert [record.get("negatives") for record in records] == [["Iranian"], ["Iraqi"], None]
    if isinstance(document, dict):
        assert edited["version"] == 2
    # Everything but the one record is as it was, byte for byte.
    expected = json.loads(text)
    (expected["entities"] if isinstance(expected, dict) else expected)[0]["negatives"] = ["Iranian"]
    assert edited == expected
    assert json.dumps(expected, indent=indent, ensure_ascii=False) + "\n" == rewritten


def test_json_records_written_by_hand_keep_the_others_text() -> None:
    text = (
        '{"entities": [\n'
        '  {"id": "iraq",   "name": "Iraq"},\n'
        '  {"id": "iran", "name": "Iran",\n'
        '   "aliases": ["Persia"]}\n'
        "]}\n"
    )
    rewritten = rewrite_table_text(text, "t.json", [Change("iran", "aliases", "add", "Īrān")])
    assert rewritten.startswith('{"entities": [\n  {"id": "iraq",   "name": "Iraq"},\n')
    assert read_table_text(rewritten, "t.json")["iran"].aliases == ("Persia", "Īrān")


CSV_TABLE = (
    "id,name,kind,aliases,errors,wikidata\r\n"
    'qasem-soleimani,Qasem Soleimani,person,"Qassem Soleimani|Haj Qasem",Qassam Soleimani,Q1\r\n'
    'iraq,Iraq,place,,,"Q796"\r\n'
    '"iran","Iran","place","Persia | Islamic Republic of Iran","",""\r\n'
    "short,Short Row,other\r\n"
    'multi,"Multi\r\nLine",other,,,\r\n'
)


def test_csv_adds_a_column_when_needed_and_keeps_the_other_rows() -> None:
    changes = [
        Change("iraq", "negatives", "add", "Iraqi"),
        Change("iran", "aliases", "remove", "Persia"),
        Change("qasem-soleimani", "aliases", "add", "Soleymani"),
    ]
    rewritten = rewrite_table_text(CSV_TABLE, "t.csv", changes)
    assert rewritten.split("\r\n") == [
        "id,name,kind,aliases,errors,wikidata,negatives",
        "qasem-soleimani,Qasem Soleimani,person,Qassem Soleimani|Haj Qasem|Soleymani,"
        "Qassam Soleimani,Q1,",
        "iraq,Iraq,place,,,Q796,Iraqi",
        '"iran","Iran","place","Islamic Republic of Iran","","",""',
        "short,Short Row,other",
        'multi,"Multi',
        'Line",other,,,,',
        "",
    ]
    table = read_table_text(rewritten, "t.csv")
    assert table["iraq"].negatives == ("Iraqi",)
    assert table["iran"].aliases == ("Islamic Republic of Iran",)
    assert table["qasem-soleimani"].aliases[-1] == "Soleymani"
    assert dict(table["iraq"].attributes) == {"wikidata": "Q796"}


def test_csv_without_new_columns_keeps_every_other_line() -> None:
    rewritten = rewrite_table_text(CSV_TABLE, "t.csv", [Change("iraq", "errors", "add", "Irak")])
    before, after = CSV_TABLE.split("\r\n"), rewritten.split("\r\n")
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [2]
    assert after[2] == "iraq,Iraq,place,,Irak,Q796"


@pytest.mark.parametrize("name", ["t.toml", "t.yaml", "table"])
def test_formats_that_cannot_be_rewritten_are_refused(name: str) -> None:
    with pytest.raises(TableError, match=r"\.jsonl, \.ndjson, \.json, \.csv"):
        rewrite_table_text("", name, [Change("x", "aliases", "add", "X")])


# -- applying to files -----------------------------------------------------------------------


def _jsonl_table(tmp_path: Path, table: AliasTable = TABLE, name: str = "t.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "".join(json.dumps(record_from_entity(e), ensure_ascii=False) + "\n" for e in table),
        encoding="utf-8",
    )
    return path


def test_apply_rewrites_the_table_and_keeps_a_backup(tmp_path: Path) -> None:
    path = _jsonl_table(tmp_path)
    original = path.read_bytes()
    applied = apply_judgments(
        path,
        [
            Judgment("Ghasem Soleymani", "accept", "qasem-soleimani", line=2),
            Judgment("Iranian", "reject", "iraq", "iran", 3),
        ],
        source="reviewed.csv",
    )
    assert applied.backup == str(tmp_path / "t.jsonl.bak")
    assert Path(applied.backup).read_bytes() == original
    table = load_table(path)
    assert table["qasem-soleimani"].aliases[-1] == "Ghasem Soleymani"
    assert table["iraq"].negatives == ("Iraqi", "Iranian")
    assert table["iran"].aliases == ("Persia", "Iranian")
    assert applied.report().splitlines() == [
        "qasem-soleimani: + alias 'Ghasem Soleymani' (line 2)",
        "iraq: + negative 'Iranian' (line 3)",
        "iran: + alias 'Iranian' (line 3)",
        f"2 aliases added, 1 negative added; {path} rewritten; the original is kept in "
        f"{tmp_path / 't.jsonl.bak'}",
    ]
    resolver = Resolver(table)
    assert resolver.resolve("Ghasem Soleymani").entity.id == "qasem-soleimani"
    assert resolver.resolve("Iranian").entity.id == "iran"


def test_backups_are_never_overwritten(tmp_path: Path) -> None:
    path = _jsonl_table(tmp_path)
    (tmp_path / "t.jsonl.bak").write_text("an older backup", encoding="utf-8")
    first = apply_judgments(path, [Judgment("Soleymani", "accept", "qasem-soleimani")])
    second = apply_judgments(path, [Judgment("Irak", "error", "iraq")], backup_suffix=".old")
    third = apply_judgments(path, [Judgment("Islamic Republic", "accept", "iran")])
    assert (tmp_path / "t.jsonl.bak").read_text(encoding="utf-8") == "an older backup"
    assert [Path(str(a.backup)).name for a in (first, second, third)] == [
        "t.jsonl.bak.1",
        "t.jsonl.old",
        "t.jsonl.bak.2",
    ]
    assert backup_path(path).name == "t.jsonl.bak.3"


def test_a_dry_run_or_nothing_to_change_writes_nothing(tmp_path: Path) -> None:
    path = _jsonl_table(tmp_path)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    dry = apply_judgments(path, [Judgment("Soleymani", "accept", "qasem-soleimani")], dry_run=True)
    assert dry.backup is None
    assert len(dry.changes) == 1
    assert "dry run" in dry.report()
    same = apply_judgments(path, [Judgment("Haj Qasem", "accept", "qasem-soleimani")])
    assert same.changes == ()
    assert same.report() == f"nothing to change in {path}"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.jsonl"]


def test_the_byte_order_mark_the_mode_and_a_link_are_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_bytes(codecs.BOM_UTF8 + b'{"id": "iraq", "name": "Iraq"}\n')
    real.chmod(0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    apply_judgments(link, [Judgment("Iraqi", "reject", "iraq")])
    assert link.is_symlink()
    assert real.read_bytes() == (
        codecs.BOM_UTF8 + b'{"id": "iraq", "name": "Iraq", "negatives": ["Iraqi"]}\n'
    )
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert (tmp_path / "real.jsonl.bak").exists()


def test_snapshots_and_toml_tables_are_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    snapshot = tmp_path / "t.nnsnap"
    TABLE.save(snapshot)
    with pytest.raises(TableError, match="a snapshot cannot be edited"):
        apply_judgments(snapshot, [Judgment("Iraqi", "reject", "iraq")])
    toml = tmp_path / "t.toml"
    toml.write_text('[[entity]]\nid = "iraq"\nname = "Iraq"\n', encoding="utf-8")
    with pytest.raises(TableError, match="does not write TOML"):
        apply_judgments(toml, [Judgment("Iraqi", "reject", "iraq")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.nnsnap", "t.toml"]


def test_a_list_separator_in_a_csv_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,name\niraq,Iraq\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="separates the items") as caught:
        apply_judgments(path, [Judgment("Iraq|Iran", "error", "iraq", line=3)], source="r.csv")
    assert (caught.value.path, caught.value.line, caught.value.field) == ("r.csv", 3, "surface")
    assert path.read_text(encoding="utf-8") == "id,name\niraq,Iraq\n"


def test_a_table_changed_meanwhile_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _jsonl_table(tmp_path)
    before = path.read_bytes()
    identities = iter([(1,), (2,)])
    monkeypatch.setattr("namenorm.judgments.file_identity", lambda _: next(identities))
    with pytest.raises(TableError, match="changed while"):
        apply_judgments(path, [Judgment("Iraqi people", "reject", "iraq")])
    assert path.read_bytes() == before


def test_an_invalid_table_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "iraq"}\n', encoding="utf-8")
    with pytest.raises(TableError, match="missing required field"):
        apply_judgments(path, [Judgment("Iraqi", "reject", "iraq")])
    with pytest.raises(ValueError, match="backup_suffix"):
        apply_judgments(path, [], backup_suffix="")


# -- properties ------------------------------------------------------------------------------


def _not_named(entity: Entity) -> Callable[[str], bool]:
    own = {normalize(name) for name in entity.names()}
    return lambda spelling: normalize(spelling) not in own


@st.composite
def tables(draw: st.DrawFn) -> AliasTable:
    """Random tables with attributes, context and now and then negatives."""
    table = draw(alias_tables(max_size=5))
    entities = []
    for entity in table:
        extra: dict[str, Any] = {}
        if draw(st.booleans()):
            # Strings: a CSV cell cannot tell the number 3 from the text "3".
            extra["attributes"] = {"rank": str(draw(st.integers(0, 9))), "note": "Sulaymānī"}
        if draw(st.booleans()):
            extra["context"] = ["quds force", "irgc"]
        if draw(st.booleans()):
            extra["negatives"] = [draw(person_names().filter(_not_named(entity)))]
        entities.append(attrs.evolve(entity, **extra))
    return AliasTable(entities)


@st.composite
def table_texts(draw: st.DrawFn, table: AliasTable) -> tuple[str, str, bool]:
    """The table written as a file: (file name, text, byte-order mark), in a random style."""
    records = [record_from_entity(entity) for entity in draw(st.permutations(list(table)))]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    ascii_only = draw(st.booleans())
    form = draw(st.sampled_from(["jsonl", "json", "csv"]))
    if form == "jsonl":
        separators = draw(st.sampled_from([(", ", ": "), (",", ":")]))
        lines = [json.dumps(r, ensure_ascii=ascii_only, separators=separators) for r in records]
        text = newline.join(lines) + newline
    elif form == "json":
        indent = draw(st.sampled_from([None, 2, 4]))
        document: Any = records if draw(st.booleans()) else {"entities": records}
        text = json.dumps(document, ensure_ascii=ascii_only, indent=indent) + newline
    else:
        text = _csv_text(
            records, newline, draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        )
    return f"t.{form}", text, draw(st.booleans())


def _csv_text(records: Sequence[dict[str, Any]], newline: str, quoting: int) -> str:
    columns = ["id", "name", "kind", "aliases", "errors", "context", "negatives", "rank", "note"]
    if not any(record.get("negatives") for record in records):
        columns.remove("negatives")  # a table from before negatives existed
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline, quoting=quoting)  # type: ignore[call-overload]
    writer.writerow(columns)
    for record in records:
        flat = {**record, **record.get("attributes", {})}
        writer.writerow(
            [
                "|".join(flat[c]) if isinstance(flat.get(c), list) else flat.get(c, "")
                for c in columns
            ]
        )
    return buffer.getvalue()


@st.composite
def judgments_for(draw: st.DrawFn, table: AliasTable) -> list[Judgment]:
    """Judgments of distinct spellings (so none contradicts another): new ones, and the
    table's own aliases, errors and negatives, never an entity's canonical name."""
    ids = [entity.id for entity in table]
    names = {normalize(entity.name) for entity in table}
    known = [s for e in table for s in (*e.aliases, *e.errors, *e.negatives)]
    pool = st.one_of(person_names(), st.sampled_from(known)) if known else person_names()
    surfaces = draw(
        st.lists(pool.filter(lambda s: normalize(s) not in names), max_size=6, unique_by=normalize)
    )
    judgments = []
    for line, surface in enumerate(surfaces, start=2):
        verdict = draw(st.sampled_from(["accept", "error", "reject"]))
        entity_id = draw(st.sampled_from(ids))
        correct = None
        if verdict == "reject" and len(ids) > 1 and draw(st.booleans()):
            correct = draw(st.sampled_from([i for i in ids if i != entity_id]))
        judgments.append(Judgment(surface, verdict, entity_id, correct, line))
    return judgments


def _expected(table: AliasTable, changes: Sequence[Change]) -> AliasTable:
    """A slow model of what the changes do to the entities."""
    entities = {entity.id: entity for entity in table}
    for change in changes:
        entity = entities[change.entity_id]
        items = list(getattr(entity, change.field))
        if change.action == "add":
            items.append(change.value)
        else:
            items.remove(change.value)
        entities[change.entity_id] = attrs.evolve(entity, **{change.field: items})
    return AliasTable(entities.values())


def _record_texts(name: str, text: str) -> dict[str, str]:
    """The text of each record of a table, by id (with no trailing empty cells, in CSV)."""
    if name.endswith(".jsonl"):
        return {json.loads(line)["id"]: line for line in text.split("\n") if line.strip()}
    if name.endswith(".json"):
        document = json.loads(text)
        items = document["entities"] if isinstance(document, dict) else document
        spans = record_spans(text, items)
        assert spans is not None
        return {item["id"]: text[a:b] for item, (a, b) in zip(items, spans, strict=True)}
    lines = text.splitlines()  # the random tables have no line breaks inside cells
    return {line.split(",", 1)[0].strip('"'): line.rstrip(",") for line in lines[1:]}


@settings(max_examples=60)
@given(st.data())
def test_any_table_with_any_judgments_is_rewritten_as_planned(data: st.DataObject) -> None:
    table = data.draw(tables(), label="table")
    name, text, _ = data.draw(table_texts(table), label="file")
    judgments = data.draw(judgments_for(table), label="judgments")
    assert rewrite_table_text(text, name, []) == text
    changes = plan_changes(table, judgments)
    rewritten = rewrite_table_text(text, name, changes)
    assert read_table_text(rewritten, name) == _expected(table, changes)
    # Every record not edited is as it was, byte for byte (but for a new column's empty cell).
    edited = {change.entity_id for change in changes}
    before, after = _record_texts(name, text), _record_texts(name, rewritten)
    assert list(before) == list(after)
    assert {i: t for i, t in before.items() if i not in edited} == {
        i: t for i, t in after.items() if i not in edited
    }
    resolver = Resolver(read_table_text(rewritten, name))
    for judgment in judgments:
        if judgment.verdict == "reject" and judgment.entity_id is not None:
            match = resolver.resolve(judgment.surface, threshold=0.0)
            assert match is None or match.entity.id != judgment.entity_id


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_applying_judgments_twice_is_applying_them_once(data: st.DataObject) -> None:
    table = data.draw(tables(), label="table")
    name, text, bom = data.draw(table_texts(table), label="file")
    judgments = data.draw(judgments_for(table), label="judgments")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        original = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
        path.write_bytes(original)
        nothing = apply_judgments(path, [])
        assert (nothing.changes, nothing.backup) == ((), None)
        assert path.read_bytes() == original
        first = apply_judgments(path, judgments)
        once = path.read_bytes()
        assert once.startswith(codecs.BOM_UTF8) == bom
        second = apply_judgments(path, judgments)
        assert second.changes == ()
        assert path.read_bytes() == once
        backups = sorted(p.name for p in Path(folder).iterdir() if p.name != name)
        assert backups == ([f"{name}.bak"] if first.changes else [])
        if first.backup is not None:
            assert Path(first.backup).read_bytes() == original
        assert load_table(path) == _expected(table, first.changes)
