from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import AliasTable, Entity, TableError, analyze, load_table
from namenorm.tables import (
    negative_conflict,
    normalizes_to_something,
    read_table_text,
    record_from_entity,
    record_spans,
)

RECORDS = [
    {
        "id": "qasem-soleimani",
        "name": "Qasem Soleimani",
        "kind": "person",
        "aliases": ["Qassem Soleimani", "Haj Qasem"],
        "errors": ["Qassam Soleimani"],
        "context": ["quds force", "irgc"],
        "attributes": {"wikidata": "Q1151483"},
    },
    {"id": "rai-al-youm", "name": "Rai al-Youm", "kind": "media", "errors": ["Rai Allium"]},
]


def test_from_records_builds_entities() -> None:
    table = AliasTable.from_records(RECORDS)
    assert len(table) == 2
    soleimani = table["qasem-soleimani"]
    assert soleimani.aliases == ("Qassem Soleimani", "Haj Qasem")
    assert soleimani.errors == ("Qassam Soleimani",)
    assert soleimani.attributes["wikidata"] == "Q1151483"


def test_unknown_fields_are_kept_as_attributes() -> None:
    table = AliasTable.from_records([{"id": "a", "name": "Alpha", "qid": "Q1", "rank": 3}])
    assert dict(table["a"].attributes) == {"qid": "Q1", "rank": 3}


def test_kind_defaults_to_other() -> None:
    assert AliasTable.from_records([{"id": "a", "name": "Alpha"}])["a"].kind == "other"


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        ({"name": "Alpha"}, "id", "missing required field"),
        ({"id": "a"}, "name", "missing required field"),
        ({"id": 7, "name": "Alpha"}, "id", "expected a string"),
        ({"id": "a", "name": "  "}, "name", "must not be blank"),
        ({"id": "a", "name": "Alpha", "kind": "planet"}, "kind", "unknown kind"),
        ({"id": "a", "name": "Alpha", "aliases": "Alfa"}, "aliases", "expected a list"),
        ({"id": "a", "name": "Alpha", "aliases": ["Alfa", 3]}, "aliases[1]", "expected a string"),
        ({"id": "a", "name": "Alpha", "errors": ["---"]}, "errors[0]", "normalizes to nothing"),
        ({"id": "a", "name": "Alpha", "attributes": []}, "attributes", "expected an object"),
        ({"id": "a", "name": "Alpha", "attributes": {"x": [1]}}, "x", "expected a string"),
    ],
)
def test_bad_records_raise_typed_errors_naming_the_field(
    record: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(TableError, match=message) as caught:
        AliasTable.from_records([{"id": "ok", "name": "Fine"}, record], source="mine.json")
    assert caught.value.field == field
    assert caught.value.record == 2
    assert caught.value.line is None
    assert caught.value.path == "mine.json"
    assert isinstance(caught.value, ValueError)


def test_duplicate_ids_are_rejected_with_both_places() -> None:
    with pytest.raises(
        TableError, match="duplicate entity id 'a' \\(first at record 1\\)"
    ) as caught:
        AliasTable.from_records([{"id": "a", "name": "A"}, {"id": "a", "name": "B"}])
    assert caught.value.record == 2


def test_constructor_rejects_duplicate_entities() -> None:
    with pytest.raises(TableError, match="duplicate"):
        AliasTable([Entity(id="a", name="A"), Entity(id="a", name="B")])


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_jsonl_json_csv_and_toml_give_the_same_table(tmp_path: Path) -> None:
    expected = AliasTable.from_records(RECORDS)
    jsonl = _write(tmp_path, "t.jsonl", "\n".join(json.dumps(r) for r in RECORDS) + "\n")
    as_json = _write(tmp_path, "t.json", json.dumps(RECORDS, indent=2))
    wrapped = _write(tmp_path, "w.json", json.dumps({"entities": RECORDS}))
    csv_text = (
        "id,name,kind,aliases,errors,context,wikidata\n"
        "qasem-soleimani,Qasem Soleimani,person,Qassem Soleimani|Haj Qasem,Qassam Soleimani,"
        "quds force|irgc,Q1151483\n"
        "rai-al-youm,Rai al-Youm,media,,Rai Allium,,\n"
    )
    as_csv = _write(tmp_path, "t.csv", csv_text)
    toml_text = """
[[entity]]
id = "qasem-soleimani"
name = "Qasem Soleimani"
kind = "person"
aliases = ["Qassem Soleimani", "Haj Qasem"]
errors = ["Qassam Soleimani"]
context = ["quds force", "irgc"]
attributes = { wikidata = "Q1151483" }

[[entity]]
id = "rai-al-youm"
name = "Rai al-Youm"
kind = "media"
errors = ["Rai Allium"]
"""
    as_toml = _write(tmp_path, "t.toml", toml_text)
    for path in (jsonl, as_json, wrapped, as_csv, as_toml):
        assert load_table(path) == expected, path.name


def test_jsonl_errors_name_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.jsonl", '{"id": "a", "name": "A"}\n\n{"id": "b"}\n')
    with pytest.raises(TableError) as caught:
        load_table(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), 3, "name")
    assert str(caught.value) == f"{path}:3: field 'name': missing required field"


def test_json_errors_name_the_line_of_the_record(tmp_path: Path) -> None:
    text = '[\n  {"id": "a", "name": "A"},\n  {"id": "b",\n   "name": 5}\n]\n'
    with pytest.raises(TableError) as caught:
        load_table(_write(tmp_path, "t.json", text))
    assert (caught.value.line, caught.value.field) == (3, "name")


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="invalid JSON") as caught:
        load_table(_write(tmp_path, "t.jsonl", '{"id": "a", "name": "A"}\n{"id": \n'))
    assert caught.value.line == 2


def test_csv_errors_name_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "id,name,kind\na,Alpha,person\nb,Beta,spaceship\n")
    with pytest.raises(TableError) as caught:
        load_table(path)
    assert (caught.value.line, caught.value.field) == (3, "kind")


def test_csv_without_id_column_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="'id' column"):
        load_table(_write(tmp_path, "t.csv", "name\nAlpha\n"))


def test_bad_encoding_names_the_byte_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.jsonl", b'{"id": "a", "name": "A"}\n{"id": "b", "name": "\xff"}\n')
    with pytest.raises(TableError, match="not valid UTF-8 at byte 46") as caught:
        load_table(path)
    assert caught.value.line == 2


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="unknown table format"):
        load_table(tmp_path / "t.xlsx")
    with pytest.raises(TableError, match="cannot read the file"):
        load_table(tmp_path / "missing.jsonl")


def test_invalid_toml_is_a_table_error(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="invalid TOML"):
        load_table(_write(tmp_path, "t.toml", "[[entity]\nid = 1"))


def test_shared_alias_is_kept_for_both_and_reported() -> None:
    table = AliasTable.from_records(
        [
            {"id": "ali-khamenei", "name": "Ali Khamenei", "aliases": ["Khamenei"]},
            {"id": "mojtaba-khamenei", "name": "Mojtaba Khamenei", "aliases": ["Khamenei"]},
        ]
    )
    assert table["ali-khamenei"].aliases == ("Khamenei",)
    assert table["mojtaba-khamenei"].aliases == ("Khamenei",)
    assert table.ambiguous() == {"khamenei": ("ali-khamenei", "mojtaba-khamenei")}


def test_merge_unites_lists_and_rejects_conflicts() -> None:
    first = AliasTable([Entity(id="x", name="X", aliases=["A"], context=["c1"])])
    second = AliasTable([Entity(id="x", name="X", aliases=["B", "A"]), Entity(id="y", name="Y")])
    merged = first | second
    assert merged["x"].aliases == ("A", "B")
    assert merged["x"].context == ("c1",)
    assert [entity.id for entity in merged] == ["x", "y"]
    with pytest.raises(TableError, match="cannot merge"):
        first.merge(AliasTable([Entity(id="x", name="Other")]))


def test_records_round_trip() -> None:
    table = AliasTable.from_records(RECORDS)
    assert AliasTable.from_records(table.to_records()) == table
    assert record_from_entity(table["rai-al-youm"])["errors"] == ["Rai Allium"]


def test_builtin_table_is_large_and_valid(table: AliasTable) -> None:
    assert len(table) >= 120
    assert table.alias_count >= 600
    assert {entity.kind for entity in table} <= {"person", "org", "place", "media", "other"}
    assert table.ambiguous() == {}, "the built-in table should not share names between entities"


@given(st.permutations([*RECORDS, {"id": "z", "name": "Zeta"}, {"id": "m", "name": "Mu"}]))
def test_record_order_never_changes_the_table(records: list[dict[str, object]]) -> None:
    assert AliasTable.from_records(records) == AliasTable.from_records(
        sorted(records, key=lambda record: str(record["id"]))
    )


def test_json_record_lines_survive_an_entities_key_elsewhere(tmp_path: Path) -> None:
    text = (
        '{"meta": {"entities": "x", "tags": []},\n "entities": [\n'
        '  {"id": "a", "name": "A"},\n  {"id": "b"}]}'
    )
    with pytest.raises(TableError) as caught:
        load_table(_write(tmp_path, "t.json", text))
    assert (caught.value.line, caught.value.field) == (4, "name")


def test_toml_errors_name_the_record(tmp_path: Path) -> None:
    text = '[[entity]]\nid = "a"\nname = "A"\n\n[[entity]]\nid = "b"\nname = "B"\nkind = "x"\n'
    with pytest.raises(TableError) as caught:
        load_table(_write(tmp_path, "t.toml", text))
    assert (caught.value.line, caught.value.record, caught.value.field) == (None, 2, "kind")
    assert "record 2" in str(caught.value)


def test_an_oversized_csv_cell_is_a_table_error(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="unreadable CSV"):
        load_table(_write(tmp_path, "t.csv", "id,name\na," + "x" * 200_000 + "\n"))


def test_jsonl_strings_may_hold_unicode_line_separators(tmp_path: Path) -> None:
    record = {"id": "a", "name": "A", "context": ["first\u2028second"]}
    path = _write(tmp_path, "t.jsonl", json.dumps(record, ensure_ascii=False) + "\n")
    assert load_table(path)["a"].context == ("first\u2028second",)


@given(
    st.text(max_size=8),
    st.text("abcxyzABCXYZ0123456789", min_size=1, max_size=3),
    st.text(max_size=8),
)
def test_no_rule_removes_an_ascii_letter_or_digit(before: str, kept: str, after: str) -> None:
    """What lets a table load without analyzing names that have one (normalizes_to_something)."""
    assert analyze(before + kept + after).text


@given(st.text(max_size=12))
def test_the_quick_emptiness_check_agrees_with_analysis(name: str) -> None:
    assert normalizes_to_something(name) == bool(analyze(name).text)


# -- negatives ------------------------------------------------------------------------------


def test_negatives_are_read_from_every_format(tmp_path: Path) -> None:
    record = {"id": "iraq", "name": "Iraq", "kind": "place", "negatives": ["Iraqi", "Iraqis"]}
    jsonl = _write(tmp_path, "t.jsonl", json.dumps(record) + "\n")
    as_csv = _write(tmp_path, "t.csv", "id,name,kind,negatives\niraq,Iraq,place,Iraqi | Iraqis\n")
    toml = _write(
        tmp_path,
        "t.toml",
        '[[entity]]\nid = "iraq"\nname = "Iraq"\nkind = "place"\nnegatives = ["Iraqi", "Iraqis"]\n',
    )
    for path in (jsonl, as_csv, toml):
        assert load_table(path)["iraq"].negatives == ("Iraqi", "Iraqis"), path.name
        assert "negatives" not in load_table(path)["iraq"].attributes


@pytest.mark.parametrize(
    ("negatives", "field", "message"),
    [
        ("Iraqi", "negatives", "expected a list of strings"),
        (["Iraqi", 3], "negatives[1]", "expected a string"),
        (["Iraqi", "  "], "negatives[1]", "must not be blank"),
        (["-ـ-"], "negatives[0]", "normalizes to nothing"),
        (["Mesopotamia", "IRAQ"], "negatives[1]", "'IRAQ' is also a name of this entity"),
        (["Iraqi", "the Republic of Iraq"], "negatives[1]", "also a name"),
        (["Iraqi", "Irak"], "negatives[1]", "also a known error"),
    ],
)
def test_bad_negatives_raise_typed_errors_naming_file_line_and_field(
    tmp_path: Path, negatives: object, field: str, message: str
) -> None:
    record = {
        "id": "iraq",
        "name": "Iraq",
        "aliases": ["Republic of Iraq"],
        "errors": ["Irak"],
        "negatives": negatives,
    }
    path = _write(tmp_path, "t.jsonl", '{"id": "ok", "name": "Fine"}\n' + json.dumps(record))
    with pytest.raises(TableError, match=message) as caught:
        load_table(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), 2, field)


def test_a_contradiction_names_the_position_in_the_record_as_written() -> None:
    record = {"id": "x", "name": "Hadi al-Amiri", "negatives": ["Hadi", "Hadi", "HADI AL-AMIRI"]}
    with pytest.raises(TableError) as caught:
        AliasTable.from_records([record])
    assert caught.value.field == "negatives[2]"
    assert negative_conflict(Entity(id="x", name="X", negatives=["Y"])) is None


def test_negatives_are_written_only_when_there_are_some() -> None:
    assert "negatives" not in record_from_entity(Entity(id="x", name="X"))
    record = record_from_entity(Entity(id="x", name="X", negatives=["Ex"]))
    assert record["negatives"] == ["Ex"]
    assert list(record) == ["id", "name", "kind", "aliases", "errors", "context", "negatives"]


def test_the_builtin_table_round_trips_without_a_negatives_field(table: AliasTable) -> None:
    assert all("negatives" not in record for record in table.to_records())
    assert AliasTable.from_records(table.to_records()) == table


def test_merge_unites_negatives_and_refuses_a_contradiction() -> None:
    first = AliasTable([Entity(id="x", name="X", aliases=["Ex"], negatives=["Why"])])
    second = AliasTable([Entity(id="x", name="X", negatives=["Zed", "Why"])])
    assert (first | second)["x"].negatives == ("Why", "Zed")
    with pytest.raises(TableError, match=r"cannot merge entity 'x'.*also a name") as caught:
        first.merge(AliasTable([Entity(id="x", name="X", negatives=["EX"])]))
    assert caught.value.field == "negatives[1]"


def test_negatives_survive_a_snapshot(tmp_path: Path) -> None:
    table = AliasTable(
        [
            Entity(id="iraq", name="Iraq", kind="place", negatives=["Iraqi"]),
            Entity(id="iran", name="Iran", kind="place"),
        ]
    )
    path = tmp_path / "t.nnsnap"
    table.save(path)
    loaded = load_table(path)
    assert loaded == table
    assert loaded["iraq"].negatives == ("Iraqi",)
    assert loaded["iran"].negatives == ()


@given(st.lists(st.sampled_from(["Iraqi", "Iraqis", "Mesopotamian", "Babylon"]), unique=True))
def test_negatives_round_trip_through_records(negatives: list[str]) -> None:
    table = AliasTable([Entity(id="iraq", name="Iraq", kind="place", negatives=negatives)])
    assert AliasTable.from_records(table.to_records()) == table


def test_record_spans_and_read_table_text() -> None:
    text = '[\n  {"id": "a", "name": "A"},\n  {"id": "b",\n   "name": "B"}\n]\n'
    items = json.loads(text)
    spans = record_spans(text, items)
    assert spans is not None
    assert [json.loads(text[start:end]) for start, end in spans] == items
    assert record_spans("[1, 2]", [1, 3]) is None
    assert [entity.id for entity in read_table_text(text, "t.json")] == ["a", "b"]
    with pytest.raises(TableError, match="unknown table format"):
        read_table_text(text, "t.yaml")
