"""Standoff records, CSV, the HTML report and atomic file output."""

from __future__ import annotations

import codecs
import csv
import html
import io
import os
import re
import stat
from pathlib import Path

import pytest

import namenorm
from namenorm.annotate import Annotation, Mention
from namenorm.errors import CorpusError
from namenorm.output import (
    FIELDS,
    HtmlReport,
    atomic_output,
    confidence_colour,
    mention_record,
    mention_records,
    write_csv_header,
    write_csv_records,
)

from .conftest import ROOT

TEXT = "Joe Smith met Hadi al-Amiri. Reuters quoted Mustafa Khatami and Hadi al-Amiri."


@pytest.fixture(scope="module")
def annotation(resolver: namenorm.Resolver) -> Annotation:
    return resolver.annotate_document(TEXT)


# -- records ---------------------------------------------------------------------------------


def test_record_of_a_resolved_mention(resolver: namenorm.Resolver) -> None:
    [mention] = resolver.annotate_document("He said Mustafa Khatami spoke.")
    assert mention.match is not None
    record = mention_record("doc-1", mention)
    assert tuple(record) == FIELDS
    assert record == {
        "doc": "doc-1",
        "start": 8,
        "end": 23,
        "surface": "Mustafa Khatami",
        "entity": "mustafa-al-kadhimi",
        "name": "Mustafa Al-Kadhimi",
        "kind": "person",
        "confidence": round(mention.match.confidence, 4),
        "method": "known_error",
        "resolved": True,
    }


def test_record_of_an_unresolved_span_with_and_without_a_candidate(
    resolver: namenorm.Resolver,
) -> None:
    best = resolver.candidates("Joe Smith")[0]
    assert best.confidence < resolver.threshold
    with_candidate = mention_record("d", Mention(0, 9, "Joe Smith", None, best=best))
    assert with_candidate == {
        "doc": "d",
        "start": 0,
        "end": 9,
        "surface": "Joe Smith",
        "entity": None,
        "name": None,
        "kind": None,
        "confidence": round(best.confidence, 4),
        "method": best.method,
        "resolved": False,
    }
    without = mention_record("d", Mention(3, 10, "Reuters", None))
    assert (without["confidence"], without["method"], without["resolved"]) == (None, None, False)
    assert (without["entity"], without["name"], without["kind"]) == (None, None, None)


def test_records_interleave_unresolved_spans_in_text_order(annotation: Annotation) -> None:
    resolved = list(mention_records("d", annotation))
    everything = list(mention_records("d", annotation, unresolved=True))
    assert [r["surface"] for r in resolved] == ["Hadi al-Amiri", "Mustafa Khatami", "Hadi al-Amiri"]
    assert all(r["resolved"] for r in resolved)
    assert [(r["surface"], r["resolved"]) for r in everything] == [
        ("Joe Smith", False),
        ("Hadi al-Amiri", True),
        ("Reuters", False),
        ("Mustafa Khatami", True),
        ("Hadi al-Amiri", True),
    ]
    starts = [r["start"] for r in everything]
    assert starts == sorted(starts)
    assert all(TEXT[r["start"] : r["end"]] == r["surface"] for r in everything)
    assert {r["doc"] for r in everything} == {"d"}


def test_csv_round_trips_awkward_surfaces() -> None:
    surfaces = ['a, "quoted" b', "line\nbreak", "crlf\r\nin it", "plain", " spaced ", ""]
    records = [
        {
            "doc": f"doc,{n}",
            "start": n,
            "end": n + len(surface),
            "surface": surface,
            "entity": None if n % 2 else "e",
            "name": "N",
            "kind": "person",
            "confidence": 0.5,
            "method": "exact",
            "resolved": not n % 2,
        }
        for n, surface in enumerate(surfaces)
    ]
    buffer = io.StringIO(newline="")
    write_csv_header(buffer)
    write_csv_records(buffer, iter(records))
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue(), newline="")))
    assert list(rows[0]) == list(FIELDS)
    assert [row["surface"] for row in rows] == surfaces
    assert [row["doc"] for row in rows] == [f"doc,{n}" for n in range(len(surfaces))]
    assert [row["entity"] for row in rows] == ["e", "", "e", "", "e", ""]
    assert [row["resolved"] for row in rows] == ["True", "False"] * 3
    assert rows[0]["confidence"] == "0.5"


def test_csv_of_a_real_annotation_through_a_file(tmp_path: Path, annotation: Annotation) -> None:
    target = tmp_path / "out.csv"
    with atomic_output(target) as handle:
        write_csv_header(handle)
        write_csv_records(handle, mention_records("d", annotation, unresolved=True))
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = list(mention_records("d", annotation, unresolved=True))
    assert len(rows) == len(expected) == 5
    for row, record in zip(rows, expected, strict=True):
        assert row == {k: "" if v is None else str(v) for k, v in record.items()}


# -- confidence colours ----------------------------------------------------------------------


def test_confidence_colour_runs_red_to_green_and_clamps() -> None:
    assert confidence_colour(0.5) == "hsl(60, 70%, 80%)"
    assert confidence_colour(0.25) == "hsl(30, 70%, 80%)"
    assert confidence_colour(2.0) == confidence_colour(1.0) == "hsl(120, 70%, 80%)"
    assert confidence_colour(-1.0) == confidence_colour(0.0) == "hsl(0, 70%, 80%)"
    assert confidence_colour(None) == "hsl(0, 0%, 85%)"


# -- HTML report -----------------------------------------------------------------------------


def _report(pairs: list[tuple[str, Annotation]], title: str = "report") -> str:
    buffer = io.StringIO()
    report = HtmlReport(buffer, title=title)
    for doc_id, annotation in pairs:
        report.add(doc_id, annotation)
    report.close()
    return buffer.getvalue()


def _document_texts(page: str) -> list[str]:
    """The texts of the report's documents, marks and entity subscripts taken out."""
    bodies = re.findall(r'<div class="doc">(.*?)</div>', page, flags=re.DOTALL)
    plain = [re.sub(r"<sub>.*?</sub>", "", body) for body in bodies]
    return [html.unescape(re.sub(r"</?mark[^>]*>", "", body)) for body in plain]


def test_html_escapes_the_text_and_marks_every_mention(resolver: namenorm.Resolver) -> None:
    text = "<script>alert('x')</script> Hadi al-Amiri & <b>Rai Allium</b> met Joe Smith."
    annotation = resolver.annotate_document(text)
    assert {m.text for m in annotation} == {"Hadi al-Amiri", "Rai Allium"}
    page = _report([("<i>doc</i>", annotation)], title="<title> & co")
    assert "<script" not in page.lower()
    assert "<b>" not in page
    assert "<i>" not in page
    assert "&lt;script&gt;" in page
    assert "<h2>&lt;i&gt;doc&lt;/i&gt;</h2>" in page
    assert "<title>&lt;title&gt; &amp; co</title>" in page
    for mention in (*annotation.mentions, *annotation.unresolved):
        assert f">{html.escape(mention.text)}" in page
    assert page.count("<mark") == len(annotation) + len(annotation.unresolved)
    assert page.count('<mark class="unresolved"') == len(annotation.unresolved) >= 1
    assert _document_texts(page) == [text]
    assert page.rstrip().endswith("</html>")


def test_html_entity_table_counts_mentions(resolver: namenorm.Resolver) -> None:
    first = resolver.annotate_document("Hadi al-Amiri met Mustafa Khatami. Joe Smith left.")
    second = resolver.annotate_document("Hadi al-Amiri spoke. Later Hadi al-Amiri left.")
    empty = resolver.annotate_document("Nothing to see.")
    page = _report([("one", first), ("two", second), ("three", empty)])
    rows = re.findall(
        r'<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td class="n">(\d+)</td>'
        r'<td class="n">([\d.]+)</td></tr>',
        page,
    )
    assert [(name, entity_id, kind, int(count)) for name, entity_id, kind, count, _ in rows] == [
        ("Hadi al-Amiri", "hadi-al-amiri", "person", 3),
        ("Mustafa Al-Kadhimi", "mustafa-al-kadhimi", "person", 1),
    ]
    hadi = [m.match.confidence for a in (first, second) for m in a if m.match]
    assert float(rows[0][4]) == pytest.approx(sum(hadi[i] for i in (0, 2, 3)) / 3, abs=0.006)
    unresolved = len(first.unresolved) + len(second.unresolved) + len(empty.unresolved)
    assert f"<p>3 documents, 4 mentions of 2 entities, {unresolved} unresolved spans.</p>" in page
    assert page.index('id="entities"') > page.index("<h2>three</h2>")


def test_html_report_of_a_seed_keeps_its_text(resolver: namenorm.Resolver) -> None:
    path = sorted((ROOT / "seeds").glob("0*.txt"))[0]
    text = path.read_bytes().decode("utf-8-sig")
    annotation = resolver.annotate_document(text)
    assert len(annotation) > 5
    page = _report([(path.name, annotation)])
    assert _document_texts(page) == [text]
    for mention in annotation:
        assert mention.match is not None
        assert f"<sub>{mention.match.entity.id}</sub>" in page


def test_html_report_with_no_documents_is_a_whole_page() -> None:
    page = _report([])
    assert page.startswith("<!DOCTYPE html>")
    assert "<p>0 documents, 0 mentions of 0 entities, 0 unresolved spans.</p>" in page
    assert page.endswith("</body></html>\n")


# -- atomic output ---------------------------------------------------------------------------


def _write(target: Path) -> None:
    with atomic_output(target) as handle:
        handle.write("x")


def _write_then_fail(target: Path, error: BaseException) -> None:
    with atomic_output(target) as handle:
        handle.write("partial")
        raise error


def test_atomic_output_appears_only_after_the_block(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_output(target) as handle:
        handle.write("half")
        assert not target.exists()
        leftovers = os.listdir(tmp_path)
        assert len(leftovers) == 1
        assert leftovers[0].startswith(".out.txt.")
        handle.write(" and whole\r\n")
    assert os.listdir(tmp_path) == ["out.txt"]
    assert target.read_bytes() == b"half and whole\r\n"


def test_atomic_output_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with atomic_output(target) as handle:
        handle.write("new é")
        assert target.read_text(encoding="utf-8") == "old"
    assert target.read_bytes() == "new é".encode()
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_output_leaves_nothing_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError, match="boom"):
        _write_then_fail(target, RuntimeError("boom"))
    assert os.listdir(tmp_path) == []


def test_atomic_output_keeps_an_old_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        _write_then_fail(target, KeyboardInterrupt())
    assert os.listdir(tmp_path) == ["out.txt"]
    assert target.read_text(encoding="utf-8") == "old"


def test_atomic_output_bom(tmp_path: Path) -> None:
    with atomic_output(tmp_path / "bom.txt", bom=True) as handle:
        handle.write("text")
    with atomic_output(tmp_path / "plain.txt") as handle:
        handle.write("text")
    assert (tmp_path / "bom.txt").read_bytes() == codecs.BOM_UTF8 + b"text"
    assert (tmp_path / "plain.txt").read_bytes() == b"text"


def test_atomic_output_newline_translation_is_an_option(tmp_path: Path) -> None:
    with atomic_output(tmp_path / "raw.txt") as handle:
        handle.write("a\nb\r\n")
    with atomic_output(tmp_path / "crlf.txt", newline="\r\n") as handle:
        handle.write("a\nb\n")
    assert (tmp_path / "raw.txt").read_bytes() == b"a\nb\r\n"
    assert (tmp_path / "crlf.txt").read_bytes() == b"a\r\nb\r\n"


def test_atomic_output_creates_folders(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "out.txt"
    with atomic_output(str(target)) as handle:
        handle.write("x")
    assert target.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_atomic_output_permissions_follow_the_umask(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        with atomic_output(tmp_path / "out.txt") as handle:
            handle.write("x")
        assert os.umask(umask) == umask  # the umask is left as it was
    finally:
        os.umask(previous)
    mode = stat.S_IMODE((tmp_path / "out.txt").stat().st_mode)
    assert mode == 0o666 & ~umask


def test_atomic_output_where_a_file_blocks_the_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="cannot write here") as caught:
        _write(blocker / "out.txt")
    assert caught.value.path == str(blocker / "out.txt")
    assert os.listdir(tmp_path) == ["file"]


def test_atomic_output_onto_a_folder_is_a_corpus_error(tmp_path: Path) -> None:
    (tmp_path / "out.jsonl").mkdir()
    with pytest.raises(CorpusError):
        _write(tmp_path / "out.jsonl")  # raises IsADirectoryError instead
