"""Tests of ``namenorm check``."""

from __future__ import annotations

import io
import json
from pathlib import Path

from namenorm.cli import main


def _run(*arguments: str) -> tuple[int, str]:
    buffer = io.StringIO()
    return main(list(arguments), out=buffer), buffer.getvalue()


def test_a_sound_table_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "table.jsonl"
    path.write_text('{"id": "amiri", "name": "Hadi al-Amiri"}\n', "utf-8")
    status, output = _run("check", str(path), "--variants", "10")
    assert status == 0
    assert output.rstrip().endswith("OK")


def test_problems_exit_1_and_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text(
        "id,name,kind,aliases\n"
        "amiri,Hadi al-Amiri,person,\n"
        "rival,Hadi Ameri,person,\n"
        "amiri,Hadi Farhan al-Amiri,person,\n",
        "utf-8",
    )
    status, output = _run("check", str(path), "--variants", "20", "--format", "json")
    assert status == 1
    document = json.loads(output)
    assert document["ok"] is False
    kinds = {finding["kind"] for finding in document["findings"]}
    assert "duplicate_id" in kinds
    assert document["counts"]["duplicate_id"] == 1


def test_the_table_report_names_each_kind(tmp_path: Path) -> None:
    path = tmp_path / "table.jsonl"
    path.write_text(
        '{"id": "ali", "name": "Ali"}\n{"id": "amiri", "name": "Hadi al-Amiri"}\n', "utf-8"
    )
    status, output = _run("check", str(path), "--variants", "5")
    assert status == 0
    assert "weak (warning, 1):" in output
    assert "ali" in output


def test_a_missing_file_is_an_error_with_status_2(tmp_path: Path, capsys) -> None:
    status, _ = _run("check", str(tmp_path / "missing.jsonl"))
    assert status == 2
    assert "missing.jsonl" in capsys.readouterr().err
