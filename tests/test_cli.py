from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from namenorm.cli import main

from .conftest import ROOT


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


def test_resolve_prints_one_line_per_name() -> None:
    status, text = _run("resolve", "Qassem Suleimani", "Mustafa Khatami", "Angela Zbrowski")
    assert status == 0
    assert "Qasem Soleimani" in text
    assert "known_error" in text
    assert "NIL" in text
    assert "2 of 3 names resolved" in text


def test_resolve_jsonl_from_a_file(tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("# a comment\nQassem Suleimani\n\nRai Allium\n", encoding="utf-8")
    status, text = _run("resolve", "--file", str(names), "--format", "jsonl")
    rows = [json.loads(line) for line in text.splitlines()]
    assert status == 0
    assert [row["entity"] for row in rows] == ["qasem-soleimani", "rai-al-youm"]


def test_resolve_seed_names_resolves_nearly_all() -> None:
    status, text = _run("resolve", "--file", str(ROOT / "seeds" / "names.txt"), "--format", "jsonl")
    rows = [json.loads(line) for line in text.splitlines()]
    assert status == 0
    assert len(rows) >= 100
    assert sum(row["entity"] is not None for row in rows) / len(rows) > 0.9


def test_explain_shows_steps_and_evidence() -> None:
    status, text = _run("explain", "Almohandes")
    assert status == 0
    assert "ar.article.attached" in text
    assert "Abu Mahdi al-Muhandis" in text


def test_bad_table_is_one_line_error_with_status_2(tmp_path: Path, capsys) -> None:
    table = tmp_path / "t.jsonl"
    table.write_text('{"id": "a"}\n', encoding="utf-8")
    status, _ = _run("resolve", "--table", str(table), "x")
    assert status == 2
    assert capsys.readouterr().err.strip() == (
        f"namenorm: error: {table}:1: field 'name': missing required field"
    )


def test_no_names_is_an_error() -> None:
    assert _run("resolve")[0] == 2


def test_module_entry_point_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "namenorm", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("namenorm ")


def test_resolve_uses_the_context_given(tmp_path: Path) -> None:
    status, text = _run(
        "resolve",
        "--format",
        "jsonl",
        "--context",
        "Mohammad Khatami, the former Iranian president, said",
        "Mohammad Khatami",
    )
    assert status == 0
    assert json.loads(text)["entity"] == "mohammad-khatami"


def test_explain_reports_nil_for_unknown_names() -> None:
    status, text = _run("explain", "Zbigniew Wlodkowski")
    assert status == 0
    assert "no candidate in the table" in text or "NIL" in text


def test_unreadable_names_file_is_an_error(tmp_path: Path, capsys) -> None:
    status, _ = _run("resolve", "--file", str(tmp_path / "missing.txt"))
    assert status == 2
    assert "cannot read the file" in capsys.readouterr().err


def test_threshold_out_of_range_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        _run("resolve", "--threshold", "1.5", "Ali")
    assert caught.value.code == 2
    assert "from 0 to 1" in capsys.readouterr().err


def test_indented_comments_in_a_names_file_are_skipped(tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("   # not a name\nRai Allium\n", encoding="utf-8")
    status, text = _run("resolve", "--file", str(names), "--format", "jsonl")
    assert status == 0
    assert [json.loads(line)["mention"] for line in text.splitlines()] == ["Rai Allium"]
