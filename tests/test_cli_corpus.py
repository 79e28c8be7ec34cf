"""The corpus commands: ``namenorm annotate`` and ``namenorm rewrite``."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from namenorm.cli import main

BOM = codecs.BOM_UTF8

FILES = {
    "a.txt": b"Mustafa Khatami met Qassem Suleimani.\n",
    "sub/b.txt": BOM + b"Rai Allium reported on Almohandes.\r\nJoe Smith said nothing.\r\n",
    "sub/deep/c.txt": BOM + b"no names at all here.\r\nsecond line, still none.\r\n",
    "notes.md": b"Hadi al-Amiri is not read: wrong suffix.\n",
}


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


# -- annotate --------------------------------------------------------------------------------


def test_annotate_jsonl_records_point_into_the_files(folder: Path) -> None:
    status, text = _run("annotate", str(folder), "--format", "jsonl")
    assert status == 0
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["entity"] for r in records] == [
        "mustafa-al-kadhimi",
        "qasem-soleimani",
        "rai-al-youm",
        "abu-mahdi-al-muhandis",
    ]
    assert [r["doc"] for r in records] == [str(folder / "a.txt")] * 2 + [
        str(folder / "sub" / "b.txt")
    ] * 2
    for record in records:
        source = _text((folder / record["doc"]).read_bytes())
        assert source[record["start"] : record["end"]] == record["surface"]
        assert record["resolved"] is True
    assert all(set(r) == set(records[0]) for r in records)


def test_annotate_unresolved_adds_resolved_false_records(folder: Path) -> None:
    _, plain = _run("annotate", str(folder), "--format", "jsonl")
    status, text = _run("annotate", str(folder), "--format", "jsonl", "--unresolved")
    assert status == 0
    records = [json.loads(line) for line in text.splitlines()]
    unresolved = [r for r in records if not r["resolved"]]
    assert [r["surface"] for r in unresolved] == ["Joe Smith"]
    assert unresolved[0]["entity"] is None
    assert [r for r in records if r["resolved"]] == [json.loads(x) for x in plain.splitlines()]
    # in text order within a document
    b_records = [r for r in records if r["doc"].endswith("b.txt")]
    assert [r["start"] for r in b_records] == sorted(r["start"] for r in b_records)
    assert len(b_records) == 3


def test_annotate_min_confidence_filters(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("Ghassem Soleymani met Hadi al-Amiri.", encoding="utf-8")
    _, text = _run("annotate", str(path), "--format", "jsonl")
    records = [json.loads(line) for line in text.splitlines()]
    confidences = sorted(r["confidence"] for r in records)
    assert len(confidences) == 2
    assert confidences[0] < confidences[1]
    cut = (confidences[0] + confidences[1]) / 2
    status, text = _run("annotate", str(path), "--format", "jsonl", "--min-confidence", str(cut))
    assert status == 0
    kept = [json.loads(line) for line in text.splitlines()]
    assert [r["confidence"] for r in kept] == [confidences[1]]
    status, text = _run(
        "annotate", str(path), "--format", "jsonl", "--min-confidence", str(cut), "--unresolved"
    )
    assert status == 0
    assert [json.loads(line)["resolved"] for line in text.splitlines()] == [False, True]


@pytest.mark.parametrize("value", ["1.5", "-0.1", "high"])
def test_annotate_min_confidence_must_be_a_probability(
    folder: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        _run("annotate", str(folder), "--min-confidence", value)
    assert caught.value.code == 2
    assert "expected a number from 0 to 1" in capsys.readouterr().err


def test_annotate_output_jsonl_suffix(folder: Path, tmp_path: Path) -> None:
    _, expected = _run("annotate", str(folder), "--format", "jsonl")
    target = tmp_path / "out" / "mentions.JSONL"
    status, text = _run("annotate", str(folder), "-o", str(target))
    assert (status, text) == (0, "")
    assert target.read_text(encoding="utf-8") == expected
    assert len(expected.splitlines()) == 4


def test_annotate_output_csv_suffix(folder: Path, tmp_path: Path) -> None:
    _, expected = _run("annotate", str(folder), "--format", "jsonl", "--unresolved")
    target = tmp_path / "mentions.csv"
    status, text = _run("annotate", str(folder), "-o", str(target), "--unresolved")
    assert (status, text) == (0, "")
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    records = [json.loads(line) for line in expected.splitlines()]
    assert [row["surface"] for row in rows] == [r["surface"] for r in records]
    assert [row["entity"] for row in rows] == [r["entity"] or "" for r in records]
    assert [int(row["start"]) for row in rows] == [r["start"] for r in records]
    assert "" in [row["entity"] for row in rows]


def test_annotate_output_html_suffix(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    status, text = _run("annotate", str(folder), "-o", str(target))
    assert (status, text) == (0, "")
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
    for surface in ("Mustafa Khatami", "Qassem Suleimani", "Rai Allium", "Almohandes"):
        assert f">{surface}<sub>" in page
    assert "<p>3 documents, 4 mentions of 4 entities, 1 unresolved span.</p>" in page


def test_annotate_format_overrides_the_suffix(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "mentions.html"
    status, _ = _run("annotate", str(folder), "-o", str(target), "--format", "jsonl")
    assert status == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["surface"] == "Mustafa Khatami"


def test_annotate_unknown_suffix_writes_a_table(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "mentions.out"
    status, _ = _run("annotate", str(folder), "-o", str(target))
    assert status == 0
    assert target.read_text(encoding="utf-8").endswith(
        "\n4 mentions of 4 entities in 3 documents; 1 span unresolved\n"
    )


def test_annotate_table_prints_a_summary_line(folder: Path) -> None:
    status, text = _run("annotate", str(folder))
    assert status == 0
    lines = text.splitlines()
    assert lines[-1] == "4 mentions of 4 entities in 3 documents; 1 span unresolved"
    assert lines[-2] == ""
    assert lines[0] == str(folder / "a.txt")
    assert "Mustafa Al-Kadhimi" in lines[1]
    assert "known_error" in lines[1]
    # a document without mentions is not listed
    assert str(folder / "sub" / "deep" / "c.txt") not in text
    assert "(unresolved)" not in text
    status, text = _run("annotate", str(folder), "--unresolved")
    assert "Joe Smith" in text
    assert "(unresolved)" in text


def test_annotate_table_counts_repeated_entities_once(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("Hadi al-Amiri spoke. Later Hadi al-Amiri left.", encoding="utf-8")
    status, text = _run("annotate", str(path))
    assert status == 0
    assert text.splitlines()[-1] == "2 mentions of 1 entity in 1 document; 0 spans unresolved"


def test_annotate_bad_utf8_is_status_2_naming_file_and_byte(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = folder / "sub" / "bad.txt"
    data = b"Hadi al-Amiri\nspoke \xff here.\n"
    bad.write_bytes(data)
    target = tmp_path / "out.jsonl"
    status, _ = _run("annotate", str(folder), "-o", str(target))
    assert status == 2
    error = capsys.readouterr().err
    assert error.startswith("namenorm: error: ")
    offset = data.index(b"\xff")
    assert f"{bad}:2: not valid UTF-8 at byte {offset} " in error
    assert error.count("\n") == 1
    # the atomic output never appeared, and left no temporary file
    assert os.listdir(tmp_path) == ["corpus"]


def test_annotate_errors_replace_warns_and_goes_on(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = folder / "sub" / "bad.txt"
    data = BOM + b"Hadi al-Amiri \xff spoke \xfe.\n"
    bad.write_bytes(data)
    status, text = _run("annotate", str(folder), "--format", "jsonl", "--errors", "replace")
    assert status == 0
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["surface"] for r in records if r["doc"] == str(bad)] == ["Hadi al-Amiri"]
    error = capsys.readouterr().err
    assert "warning" in error
    assert f"{bad}: replaced 2 invalid UTF-8 sequence(s), the first at byte 17" in error
    assert data.index(b"\xff") == 17


@pytest.mark.parametrize("workers", ["0", "-2", "two"])
def test_annotate_workers_must_be_positive(
    folder: Path, workers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        _run("annotate", str(folder), "--workers", workers)
    assert caught.value.code == 2
    assert "expected a whole number of 1 or more" in capsys.readouterr().err


def test_annotate_missing_input_is_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, text = _run("annotate", str(tmp_path / "missing"))
    assert status == 2
    assert text == ""
    assert f"{tmp_path / 'missing'}: no such file or folder" in capsys.readouterr().err


def test_annotate_glob_option(folder: Path) -> None:
    status, text = _run("annotate", str(folder), "--glob", "*.md", "--format", "jsonl")
    assert status == 0
    records = [json.loads(line) for line in text.splitlines()]
    assert [(r["doc"], r["entity"]) for r in records] == [
        (str(folder / "notes.md"), "hadi-al-amiri")
    ]


def test_annotate_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"Rai Allium reported.")
    status, text = _run("annotate", "-", "--format", "jsonl")
    assert status == 0
    [record] = [json.loads(line) for line in text.splitlines()]
    assert (record["doc"], record["surface"], record["entity"]) == (
        "-",
        "Rai Allium",
        "rai-al-youm",
    )


def test_annotate_stdin_jsonl_with_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(
        monkeypatch, b'{"key": "k1", "body": "Rai Allium reported."}\n{"body": "Hadi al-Amiri"}\n'
    )
    status, text = _run(
        "annotate", "-", "--jsonl", "--format", "jsonl", "--text-field", "body", "--id-field", "key"
    )
    assert status == 0
    records = [json.loads(line) for line in text.splitlines()]
    assert [(r["doc"], r["entity"]) for r in records] == [
        ("k1", "rai-al-youm"),
        ("-:2", "hadi-al-amiri"),
    ]


def test_annotate_jsonl_file_missing_field_is_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "Hadi al-Amiri"}\n{"body": "x"}\n', encoding="utf-8")
    status, _ = _run("annotate", str(path), "--format", "jsonl")
    assert status == 2
    assert f"{path}:2: field 'text': text missing" in capsys.readouterr().err


# -- rewrite ---------------------------------------------------------------------------------


def test_rewrite_mirrors_the_folder_and_never_touches_inputs(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(folder)
    out = tmp_path / "out"
    status, text = _run("rewrite", str(folder), "-o", str(out))
    assert (status, text) == (0, "")
    assert _snapshot(folder) == before
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == ["a.txt", os.path.join("sub", "b.txt"), os.path.join("sub", "deep", "c.txt")]
    assert (out / "a.txt").read_bytes() == b"Mustafa Al-Kadhimi met Qasem Soleimani.\n"
    b_text = (out / "sub" / "b.txt").read_bytes()
    assert b_text == BOM + (
        b"Rai al-Youm reported on Abu Mahdi al-Muhandis.\r\nJoe Smith said nothing.\r\n"
    )
    assert "wrote 3 file(s)" in capsys.readouterr().err


def test_rewrite_without_mentions_is_byte_for_byte_identical(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run("rewrite", str(folder), "-o", str(out))[0] == 0
    original = FILES["sub/deep/c.txt"]
    assert original.startswith(BOM)
    assert b"\r\n" in original
    assert (out / "sub" / "deep" / "c.txt").read_bytes() == original


def test_rewrite_a_file_into_a_folder(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    status, _ = _run("rewrite", str(folder / "sub" / "b.txt"), "-o", str(out))
    assert status == 0
    assert os.listdir(out) == ["b.txt"]
    assert (out / "b.txt").read_bytes().startswith(BOM + b"Rai al-Youm reported")


def test_rewrite_tag_style_keeps_the_original_recoverable(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    status, _ = _run("rewrite", str(folder), "-o", str(out), "--style", "tag")
    assert status == 0
    tagged = (out / "sub" / "b.txt").read_bytes()
    assert b'<name id="rai-al-youm" canonical="Rai al-Youm"' in tagged
    for name in ("a.txt", "sub/b.txt", "sub/deep/c.txt"):
        data = (out / name).read_bytes()
        stripped = re.sub(rb"<name [^>]*>|</name>", b"", data)
        assert stripped == FILES[name], name
    assert (out / "a.txt").read_bytes().count(b"<name ") == 2


def test_rewrite_output_in_the_input_folder_is_refused(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(folder)
    for target in (folder, folder / "sub" / "out", folder / "."):
        status, _ = _run("rewrite", str(folder), "-o", str(target))
        assert status == 2
        error = capsys.readouterr().err
        assert error.startswith("namenorm: error: ")
        assert "output folder is the input folder or inside it" in error
    assert _snapshot(folder) == before
    assert not (folder / "sub" / "out").exists()


def test_rewrite_a_file_onto_itself_is_refused(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(folder)
    status, _ = _run("rewrite", str(folder / "a.txt"), "-o", str(folder))
    assert status == 2
    assert "would overwrite an input" in capsys.readouterr().err
    assert _snapshot(folder) == before


def test_rewrite_a_folder_needs_an_output(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(folder)
    status, text = _run("rewrite", str(folder))
    assert (status, text) == (2, "")
    assert "rewrite needs -o FOLDER" in capsys.readouterr().err
    assert _snapshot(folder) == before


def test_rewrite_refuses_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "Hadi al-Amiri"}\n', encoding="utf-8")
    status, _ = _run("rewrite", str(path), "-o", str(tmp_path / "out"))
    assert status == 2
    assert "not JSON Lines" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_rewrite_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"Mustafa Khatami spoke.\r\nNothing else.\n")
    status, text = _run("rewrite", "-")
    assert (status, text) == (0, "Mustafa Al-Kadhimi spoke.\r\nNothing else.\n")


def test_rewrite_stdin_tag_style(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"Rai Allium reported.")
    status, text = _run("rewrite", "-", "--style", "tag")
    assert status == 0
    assert text == (
        '<name id="rai-al-youm" canonical="Rai al-Youm" confidence="1.00">Rai Allium</name>'
        " reported."
    )


def test_rewrite_stdin_with_an_output_folder_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, b"Rai Allium reported.")
    status, _ = _run("rewrite", "-", "-o", str(tmp_path / "out"))
    assert status == 2
    assert "standard input is rewritten to standard output" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_rewrite_bad_utf8_is_status_2_and_replace_goes_on(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = folder / "sub" / "bad.txt"
    bad.write_bytes(b"Rai Allium \xff.\n")
    status, _ = _run("rewrite", str(folder), "-o", str(tmp_path / "strict"))
    assert status == 2
    assert f"{bad}:1: not valid UTF-8 at byte 11" in capsys.readouterr().err
    assert not (tmp_path / "strict" / "sub" / "bad.txt").exists()
    out = tmp_path / "replace"
    status, _ = _run("rewrite", str(folder), "-o", str(out), "--errors", "replace")
    assert status == 0
    assert (out / "sub" / "bad.txt").read_text(encoding="utf-8") == "Rai al-Youm \ufffd.\n"
    assert "byte 11" in capsys.readouterr().err


# -- bugs found in review, fixed: these guard them ----------------------------------------


def test_rewrite_never_overwrites_an_input_nested_below_the_output(tmp_path: Path) -> None:
    inputs = tmp_path / "corpus" / "sub"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "a.txt").write_text("Original, Rai Allium.", encoding="utf-8")
    (inputs / "sub" / "a.txt").write_text("Nested Mustafa Khatami.", encoding="utf-8")
    before = _snapshot(inputs)
    # corpus/sub/sub/a.txt is written to corpus/sub/a.txt, an input
    _run("rewrite", str(inputs), "-o", str(tmp_path / "corpus"))
    assert _snapshot(inputs) == before


def test_rewrite_inputs_with_the_same_name_do_not_collide(tmp_path: Path) -> None:
    for name, text in (("a", "Rai Allium reported."), ("b", "Mustafa Khatami spoke.")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    status, _ = _run(
        "rewrite", str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt"), "-o", str(out)
    )
    written = [p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()]
    # Either refused, or both rewrites kept; not "wrote 2 file(s)" with one lost.
    assert status == 2 or len(written) == 2


def test_rewrite_refuses_json_lines_found_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.jsonl").write_text(
        '{"text": "Rai Allium one."}\n{"text": "Mustafa Khatami two."}\n', encoding="utf-8"
    )
    # Each record overwrites out/r.jsonl: it ends as the bare text of the last record.
    status, _ = _run(
        "rewrite", str(tmp_path / "in"), "--glob", "*.jsonl", "-o", str(tmp_path / "out")
    )
    assert status == 2


def test_rewrite_json_lines_refusal_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    _run("rewrite", str(path), "-o", str(tmp_path / "out"))
    assert str(path) in capsys.readouterr().err


def test_annotate_output_onto_an_input_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("Rai Allium reported.", encoding="utf-8")
    status, _ = _run("annotate", str(path), "-o", str(path))
    assert path.read_text(encoding="utf-8") == "Rai Allium reported."
    assert status == 2


def test_annotate_output_onto_a_folder_is_status_2(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "out.jsonl").mkdir()
    status, _ = _run("annotate", str(folder), "-o", str(tmp_path / "out.jsonl"))
    assert status == 2


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    # namenorm annotate corpus/ | head -1: the pipe closes while namenorm still writes (more
    # than a pipe's buffer of output, so the write after the close must fail).
    seed = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))[0]
    for copy in range(40):
        (tmp_path / f"{copy:02}.txt").write_bytes(seed.read_bytes())
    annotate = subprocess.Popen(
        [sys.executable, "-m", "namenorm", "annotate", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert annotate.stdout is not None
    annotate.stdout.readline()
    annotate.stdout.close()
    _, errors = annotate.communicate(timeout=120)
    assert b"Traceback" not in errors, errors.decode()
    assert annotate.returncode == 1
