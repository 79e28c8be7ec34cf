"""The review loop on the command line: ``namenorm review`` and ``namenorm apply-judgments``,
and the whole loop end to end (annotate, review, judge, apply, resolve)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from namenorm import Resolver, load_table
from namenorm.cli import main
from namenorm.review import COLUMNS

TABLE = [
    {
        "id": "qasem-soleimani",
        "name": "Qasem Soleimani",
        "kind": "person",
        "aliases": ["Qassem Soleimani"],
        "context": ["quds force"],
    },
    {"id": "ali-khamenei", "name": "Ali Khamenei", "kind": "person", "aliases": ["Khamenei"]},
    {"id": "mojtaba-khamenei", "name": "Mojtaba Khamenei", "kind": "person"},
    {"id": "iraq", "name": "Iraq", "kind": "place"},
    {"id": "iran", "name": "Iran", "kind": "place", "aliases": ["Islamic Republic of Iran"]},
    {
        "id": "kataib-hezbollah",
        "name": "Kata'ib Hezbollah",
        "kind": "org",
        "aliases": ["Kataib Hezbollah"],
        "wikidata": "Q1193573",
    },
    {"id": "hezbollah", "name": "Hezbollah", "kind": "org", "aliases": ["Hizballah"]},
]

TEXTS = {
    "a.txt": "Ghasem Soleymani met Mojtaba Khamenei in Iraq. Later Khamenei spoke to Iranian "
    "officials.\nHizbullah fighters crossed from Iran. Hezbollah and Kataeb denied it. "
    "Soleimani left Baghdad.\n",
    "b.txt": "Qassem Suleimani visited the Quds Force. Iranian media praised Soleimani and "
    "Khamenei.\nKataeb Hizbullah denied it.\n",
}


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "corpus").mkdir()
    for name, text in TEXTS.items():
        (tmp_path / "corpus" / name).write_text(text, encoding="utf-8")
    (tmp_path / "t.jsonl").write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in TABLE),
        encoding="utf-8",
    )
    return tmp_path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _judge(rows: list[dict[str, str]], surface: str, judgment: str, correct_id: str = "") -> None:
    [row] = [row for row in rows if row["surface"] == surface]
    row["judgment"], row["correct_id"] = judgment, correct_id


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def test_the_whole_loop(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table, mentions, review = work / "t.jsonl", work / "m.jsonl", work / "r.csv"
    corpus = str(work / "corpus")
    assert (
        _run("annotate", corpus, "--unresolved", "--table", str(table), "-o", str(mentions))[0] == 0
    )
    # A floor below the default, so the reviewer also sees "Kataeb", left unresolved with
    # Kata'ib Hezbollah as its best candidate.
    review_command = ("review", str(mentions), "--table", str(table), "--low", "0.1")
    assert _run(*review_command, "-o", str(review)) == (0, "")
    assert "3 spellings to review (ambiguous 2, unresolved 1)" in capsys.readouterr().err
    rows = _rows(review)
    assert [(row["reason"], row["surface"], row["entity_id"]) for row in rows] == [
        ("ambiguous", "Hizbullah", "hezbollah"),
        ("unresolved", "Kataeb", "kataib-hezbollah"),
        # Linked back to "Mojtaba Khamenei", with Ali Khamenei's alias a close second.
        ("ambiguous", "Khamenei", "mojtaba-khamenei"),
    ]
    assert rows[0]["runner_up_id"] == "kataib-hezbollah"
    assert rows[0]["examples"].endswith("a.txt:90")
    assert rows[2]["method"] == "coreference"

    # The person: Hizbullah is Hezbollah; "Kataeb" alone (in Lebanon, the Kataeb Party) is
    # not Kata'ib Hezbollah.
    _judge(rows, "Hizbullah", "accept")
    _judge(rows, "Kataeb", "reject")
    reviewed = work / "reviewed.csv"
    _write_rows(reviewed, rows)
    before = table.read_bytes()
    status, out = _run("apply-judgments", str(reviewed), "--table", str(table))
    assert status == 0
    assert out.splitlines() == [
        f"2 judgments read from {reviewed}",
        "hezbollah: + alias 'Hizbullah' (line 2)",
        "kataib-hezbollah: + negative 'Kataeb' (line 3)",
        f"1 alias added, 1 negative added; {table} rewritten; the original is kept in {table}.bak",
    ]
    assert (work / "t.jsonl.bak").read_bytes() == before
    # Every other line as it was; the edited ones keep every field.
    old_lines, new_lines = before.decode().splitlines(), table.read_text("utf-8").splitlines()
    assert [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b] == [
        5,
        6,
    ]
    assert json.loads(new_lines[5])["wikidata"] == "Q1193573"

    resolver = Resolver(load_table(table))
    accepted = resolver.resolve("Hizbullah")
    assert accepted is not None
    assert (accepted.entity.id, accepted.method) == ("hezbollah", "exact")
    rejected = resolver.resolve("Kataeb", threshold=0.0)
    assert rejected is None or rejected.entity.id != "kataib-hezbollah"
    status, out = _run("resolve", "--table", str(table), "--format", "jsonl", "Hizbullah")
    assert json.loads(out)["entity"] == "hezbollah"

    # Annotating again: the rejected reading is gone, the accepted one is no longer in doubt.
    _run("annotate", corpus, "--unresolved", "--table", str(table), "-o", str(mentions))
    records = [json.loads(line) for line in mentions.read_text("utf-8").splitlines()]
    assert not any(
        r["surface"] == "Kataeb" and r.get("entity") == "kataib-hezbollah" for r in records
    )
    linked = {(r["surface"], r["entity"]) for r in records if r["resolved"]}
    assert {("Hizbullah", "hezbollah"), ("Hezbollah", "hezbollah")} <= linked
    capsys.readouterr()
    _run(*review_command, "-o", str(review))
    assert [row["surface"] for row in _rows(review)] == ["Khamenei"]

    # Applying the same judgments again changes nothing.
    after = table.read_bytes()
    status, out = _run("apply-judgments", str(reviewed), "--table", str(table))
    assert (status, out.splitlines()[-1]) == (0, f"nothing to change in {table}")
    assert table.read_bytes() == after
    assert not (work / "t.jsonl.bak.1").exists()


def test_review_writes_to_stdout_and_reads_resolve_records(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = work / "t.jsonl"
    status, out = _run("resolve", "--table", str(table), "--format", "jsonl", "Hizbullah", "Iraq")
    names = work / "names.jsonl"
    names.write_text(out, encoding="utf-8")
    status, out = _run("review", str(names), "--table", str(table), "--low", "0.2")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["reason"], row["surface"], row["examples"]) for row in rows] == [
        # Alone, Hizbullah hardly leads Kata'ib Hezbollah.
        ("ambiguous", "Hizbullah", "line 1")
    ]
    assert capsys.readouterr().err == (
        "namenorm: 2 mentions read; 1 spelling to review (ambiguous 1), covering 1 mention\n"
    )


def test_review_reports_bad_input_in_one_line(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mentions = work / "m.jsonl"
    mentions.write_text('{"surface": "X", "resolved": false}\n{"doc": "d"}\n', encoding="utf-8")
    assert _run("review", str(mentions))[0] == 2
    assert capsys.readouterr().err == (
        f"namenorm: error: {mentions}:2: field 'surface': not a record of namenorm annotate "
        "(surface, resolved, ...) nor of namenorm resolve --format jsonl (mention, entity, ...)\n"
    )
    assert _run("review", str(mentions), "-o", str(mentions))[0] == 2
    assert "would overwrite an input" in capsys.readouterr().err
    assert _run("review", str(mentions), "--low", "0.9", "--high", "0.5")[0] == 2
    assert "--low 0.9 is above --high 0.5" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _run("review", str(mentions), "--margin", "-1")


def test_apply_judgments_reports_bad_input_and_leaves_the_table(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = work / "t.jsonl"
    before = table.read_bytes()
    reviewed = work / "reviewed.csv"
    reviewed.write_text(
        "surface,entity_id,judgment\nHizbullah,hezbollah,accept\nX,nobody,reject\n",
        encoding="utf-8",
    )
    assert _run("apply-judgments", str(reviewed), "--table", str(table))[0] == 2
    assert capsys.readouterr().err == (
        f"namenorm: error: {reviewed}:3: field 'entity_id': unknown entity id 'nobody': it is "
        "not in the table\n"
    )
    reviewed.write_text("surface,judgment\nX,accept\n", encoding="utf-8")
    assert _run("apply-judgments", str(reviewed), "--table", str(table))[0] == 2
    assert "field 'entity_id': missing column" in capsys.readouterr().err
    assert table.read_bytes() == before
    assert sorted(p.name for p in work.iterdir()) == ["corpus", "reviewed.csv", "t.jsonl"]
    toml = work / "t.toml"
    toml.write_text('[[entity]]\nid = "x"\nname = "X"\n', encoding="utf-8")
    reviewed.write_text("surface,entity_id,judgment\nEx,x,accept\n", encoding="utf-8")
    assert _run("apply-judgments", str(reviewed), "--table", str(toml))[0] == 2
    assert "namenorm does not write TOML tables" in capsys.readouterr().err
    assert _run("apply-judgments", str(reviewed), "--table", str(reviewed))[0] == 2
    assert "the reviewed file is the table itself" in capsys.readouterr().err
    assert (
        _run("apply-judgments", str(reviewed), "--table", str(table), "--backup-suffix", "")[0] == 2
    )


def test_apply_judgments_dry_run_and_backup_suffix(work: Path) -> None:
    table = work / "t.jsonl"
    before = table.read_bytes()
    reviewed = work / "reviewed.csv"
    reviewed.write_text(
        "surface,entity_id,judgment,correct_id\nIranian,iraq,reject,iran\n", encoding="utf-8"
    )
    status, out = _run("apply-judgments", str(reviewed), "--table", str(table), "--dry-run")
    assert status == 0
    assert out.splitlines()[-1] == (
        f"1 alias added, 1 negative added; dry run: {table} not written"
    )
    assert table.read_bytes() == before
    status, out = _run(
        "apply-judgments", str(reviewed), "--table", str(table), "--backup-suffix", ".orig"
    )
    assert status == 0
    assert (work / "t.jsonl.orig").read_bytes() == before
    assert load_table(table)["iraq"].negatives == ("Iranian",)
    assert load_table(table)["iran"].aliases == ("Islamic Republic of Iran", "Iranian")
