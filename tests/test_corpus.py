"""Reading corpora (files, folders, JSON Lines, stdin, Python texts) and annotating them."""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import sys
import types
from pathlib import Path

import pytest

import namenorm
from namenorm import corpus
from namenorm.annotate import Annotation
from namenorm.corpus import Document, annotate_corpus, annotate_documents, read_documents
from namenorm.errors import CorpusError, NamenormError
from namenorm.output import mention_records

from .conftest import ROOT

SEEDS = ROOT / "seeds"
BOM = codecs.BOM_UTF8
TEXT = "Ghassem Soleymani met Abu Mahdi al-Mohandess. Joe Smith met Hadi al-Amiri."


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))


def _records(pairs: list[tuple[str, Annotation]]) -> list[dict[str, object]]:
    return [
        record
        for doc_id, annotation in pairs
        for record in mention_records(doc_id, annotation, unresolved=True)
    ]


@pytest.fixture(scope="module")
def seed_annotations(resolver: namenorm.Resolver) -> list[tuple[Document, Annotation]]:
    return list(annotate_documents(read_documents([SEEDS], glob="*.txt"), resolver))


# -- read_documents: files and folders -------------------------------------------------------


def test_a_file_is_one_document_named_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Hadi al-Amiri\r\nspoke é.\n".encode())
    [document] = read_documents([path])
    assert document == Document(
        id=str(path), text="Hadi al-Amiri\r\nspoke é.\n", path=str(path), bom=False
    )


def test_a_folder_is_read_recursively_in_sorted_order_through_the_glob(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.txt", "a/b/c.txt", "c.md", "a/y.md", "0.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    (tmp_path / "d.txt").mkdir()  # a folder matching the glob is not a document
    documents = list(read_documents([tmp_path]))
    assert [d.text for d in documents] == ["0.txt", "a/b/c.txt", "a/z.txt", "b.txt"]
    assert [d.id for d in documents] == [str(tmp_path / d.text) for d in documents]
    markdown = list(read_documents([tmp_path], glob="*.md"))
    assert [d.text for d in markdown] == ["a/y.md", "c.md"]


def test_sources_keep_their_order_and_mix_kinds(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("from a file", encoding="utf-8")
    given = Document(id="given", text="a document", path="x")
    documents = list(
        read_documents(["first text", ("pair-id", "pair text"), tmp_path, given, "last"])
    )
    assert [(d.id, d.text) for d in documents] == [
        ("#1", "first text"),
        ("pair-id", "pair text"),
        (str(tmp_path / "f.txt"), "from a file"),
        ("given", "a document"),
        ("#5", "last"),
    ]
    assert documents[3] is given
    assert documents[0].path is None
    assert documents[1].path is None


def test_a_pair_id_is_made_a_string() -> None:
    [document] = read_documents([(7, "text")])  # type: ignore[list-item]
    assert document.id == "7"


def test_a_missing_path_is_a_corpus_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(CorpusError) as caught:
        list(read_documents([missing]))
    assert caught.value.path == str(missing)
    assert "no such file or folder" in str(caught.value)
    assert isinstance(caught.value, NamenormError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("source", [42, b"bytes", None, ["a list"]])
def test_a_wrong_source_type_is_a_type_error(source: object) -> None:
    with pytest.raises(TypeError, match="corpus source"):
        list(read_documents([source]))  # type: ignore[list-item]


@pytest.mark.parametrize("errors", ["ignore", "", "STRICT"])
def test_errors_must_be_strict_or_replace(errors: str) -> None:
    with pytest.raises(ValueError, match="errors must be"):
        list(read_documents(["text"], errors=errors))  # type: ignore[arg-type]


# -- read_documents: encodings ---------------------------------------------------------------


def test_a_bom_is_noted_and_removed(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(BOM + b"Hadi al-Amiri")
    for errors in ("strict", "replace"):
        [document] = read_documents([path], errors=errors)  # type: ignore[arg-type]
        assert document.text == "Hadi al-Amiri"
        assert document.bom is True
        assert document.replaced == 0
        assert document.first_replaced is None


@pytest.mark.parametrize("bom", [b"", BOM], ids=["no-bom", "bom"])
def test_bad_utf8_names_the_file_line_and_byte(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "bad.txt"
    data = bom + b"ok\nline two \xff\n"
    path.write_bytes(data)
    offset = data.index(b"\xff")
    assert offset == 12 + len(bom)
    with pytest.raises(CorpusError) as caught:
        list(read_documents([path]))
    error = caught.value
    assert error.path == str(path)
    assert error.line == 2
    assert f"at byte {offset} " in error.message
    assert str(error).startswith(f"{path}:2: not valid UTF-8 at byte {offset} ")


@pytest.mark.parametrize("bom", [b"", BOM], ids=["no-bom", "bom"])
def test_replace_counts_the_bad_bytes_and_the_first_offset(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "bad.txt"
    # A genuine U+FFFD in the file is not a replacement.
    data = bom + "\ufffd ok ".encode() + b"\xff and \xfe."
    path.write_bytes(data)
    [document] = read_documents([path], errors="replace")
    assert document.text == "\ufffd ok \ufffd and \ufffd."
    assert document.replaced == 2
    assert document.first_replaced == data.index(b"\xff")
    assert document.bom is (bom == BOM)
    assert document.id == str(path)
    assert document.path == str(path)


# -- read_documents: JSON Lines --------------------------------------------------------------


def test_jsonl_records_are_documents(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    lines = [
        {"id": "first", "text": "Hadi al-Amiri"},
        {"text": "no id here", "other": 1},
        None,
        {"id": 12, "text": "numeric id"},
        {"id": None, "text": "null id"},
    ]
    path.write_text(
        "".join("   \n" if line is None else json.dumps(line) + "\n" for line in lines),
        encoding="utf-8",
    )
    documents = list(read_documents([path]))
    assert [(d.id, d.text) for d in documents] == [
        ("first", "Hadi al-Amiri"),
        (f"{path}:2", "no id here"),
        ("12", "numeric id"),
        (f"{path}:5", "null id"),
    ]
    assert {d.path for d in documents} == {str(path)}


def test_jsonl_field_names_are_options(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"body": "the text", "key": "k1", "text": 5}\n', encoding="utf-8")
    [document] = read_documents([path], text_field="body", id_field="key")
    assert (document.id, document.text) == ("k1", "the text")


def test_jsonl_in_a_folder_is_read_as_records(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text('{"text": "a"}\n{"text": "b"}\n', encoding="utf-8")
    documents = list(read_documents([tmp_path], glob="*.jsonl"))
    assert [d.text for d in documents] == ["a", "b"]


def test_jsonl_may_start_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(BOM + b'{"text": "a"}\n')
    assert [d.text for d in read_documents([path])] == ["a"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x"}', "text missing"),
        ('{"text": 3}', "text not a string"),
        ('{"text": null}', "text not a string"),
        ('{"text": ["a"]}', "text not a string"),
    ],
)
def test_jsonl_record_without_a_string_text_names_file_line_and_field(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "fine"}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        list(read_documents([path]))
    error = caught.value
    assert (error.path, error.line, error.field) == (str(path), 3, "text")
    assert error.message == message
    assert str(error) == f"{path}:3: field 'text': {message}"


def test_jsonl_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "fine"}\n{"text": \n', encoding="utf-8")
    with pytest.raises(CorpusError, match="invalid JSON") as caught:
        list(read_documents([path]))
    assert (caught.value.path, caught.value.line) == (str(path), 2)


def test_jsonl_record_must_be_an_object(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('["text"]\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="expected a JSON object") as caught:
        list(read_documents([path]))
    assert caught.value.line == 1


def test_jsonl_bad_utf8_names_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    data = b'{"text": "a"}\n{"text": "b\xff"}\n'
    path.write_bytes(data)
    with pytest.raises(CorpusError) as caught:
        list(read_documents([path]))
    assert caught.value.line == 2
    offset = data.index(b"\xff")
    assert f"at byte {offset} " in caught.value.message
    # replace keeps going
    documents = list(read_documents([path], errors="replace"))
    assert [d.text for d in documents] == ["a", "b\ufffd"]


def test_jsonl_records_are_read_lazily(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "a"}\nnot json\n', encoding="utf-8")
    documents = read_documents([path])
    assert next(documents).text == "a"
    with pytest.raises(CorpusError):
        next(documents)


# -- read_documents: standard input ----------------------------------------------------------


def test_stdin_is_one_text(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, BOM + b"Hadi al-Amiri\r\nspoke.\n")
    [document] = read_documents([Path("-")])
    assert document == Document(id="-", text="Hadi al-Amiri\r\nspoke.\n", path=None, bom=True)


def test_stdin_bad_utf8_names_the_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    data = BOM + b"one\ntwo \xc3("
    _stdin(monkeypatch, data)
    with pytest.raises(CorpusError) as caught:
        list(read_documents([Path("-")]))
    assert caught.value.path == "-"
    assert caught.value.line == 2
    offset = data.index(b"\xc3")
    assert f"at byte {offset} " in caught.value.message


def test_stdin_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"ok \xff")
    [document] = read_documents([Path("-")], errors="replace")
    assert (document.text, document.replaced, document.first_replaced) == ("ok \ufffd", 1, 3)


def test_stdin_as_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b'{"id": "x", "text": "first"}\n\n{"text": "second"}\n')
    documents = list(read_documents([Path("-")], stdin_jsonl=True))
    assert [(d.id, d.text) for d in documents] == [("x", "first"), ("-:3", "second")]


def test_stdin_jsonl_errors_name_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b'{"text": "first"}\n{"body": "second"}\n')
    with pytest.raises(CorpusError) as caught:
        list(read_documents([Path("-")], stdin_jsonl=True))
    assert (caught.value.path, caught.value.line, caught.value.field) == ("-", 2, "text")


# -- annotate_documents / annotate_corpus ----------------------------------------------------


def test_annotate_documents_keeps_the_order(resolver: namenorm.Resolver) -> None:
    documents = [Document(id=str(n), text=f"Hadi al-Amiri {n}") for n in range(5)]
    documents.insert(2, Document(id="empty", text=""))
    pairs = list(annotate_documents(documents, resolver))
    assert [d for d, _ in pairs] == documents
    assert all(d is given for (d, _), given in zip(pairs, documents, strict=True))
    assert [len(a) for _, a in pairs] == [1, 1, 0, 1, 1, 1]
    assert all(a.text == d.text for d, a in pairs)


def test_every_mention_of_every_seed_is_its_text_span(
    seed_annotations: list[tuple[Document, Annotation]],
) -> None:
    assert len(seed_annotations) == len(list(SEEDS.glob("*.txt")))
    assert sum(len(a) for _, a in seed_annotations) > 50
    for document, annotation in seed_annotations:
        assert annotation.text == document.text
        for mention in (*annotation.mentions, *annotation.unresolved):
            assert 0 <= mention.start < mention.end <= len(document.text)
            assert document.text[mention.start : mention.end] == mention.text, document.id


def test_workers_give_the_same_records_as_one(
    resolver: namenorm.Resolver,
    seed_annotations: list[tuple[Document, Annotation]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One document a batch: more batches than the in-flight limit of two workers.
    monkeypatch.setattr(corpus, "BATCH_DOCUMENTS", 1)
    parallel = list(annotate_corpus([SEEDS], resolver, workers=2, glob="*.txt"))
    serial = [(d.id, a) for d, a in seed_annotations]
    assert [doc_id for doc_id, _ in parallel] == [doc_id for doc_id, _ in serial]
    assert len(parallel) > 2 * corpus.IN_FLIGHT_PER_WORKER
    assert _records(parallel) == _records(serial)
    assert all(a.text == b.text for (_, a), (_, b) in zip(parallel, serial, strict=True))
    # Each match names the resolver's own entity, as with one worker, not a copy.
    named = [m.best.entity for _, a in parallel for m in (*a.mentions, *a.unresolved) if m.best]
    assert named
    assert all(entity is resolver.table[entity.id] for entity in named)


@pytest.mark.parametrize("workers", [0, -1])
def test_workers_must_be_positive(resolver: namenorm.Resolver, workers: int) -> None:
    with pytest.raises(ValueError, match="workers"):
        list(annotate_documents([Document("a", "text")], resolver, workers=workers))


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan")])
def test_threshold_must_be_a_probability(resolver: namenorm.Resolver, threshold: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        list(annotate_documents([Document("a", "text")], resolver, threshold=threshold))
    with pytest.raises(ValueError, match="threshold"):
        list(annotate_corpus(["text"], resolver, threshold=threshold))


def test_threshold_filters_mentions(resolver: namenorm.Resolver) -> None:
    [(_, default)] = annotate_corpus([TEXT], resolver)
    confidences = {m.text: m.match.confidence for m in default if m.match is not None}
    assert confidences.keys() == {"Ghassem Soleymani", "Abu Mahdi al-Mohandess", "Hadi al-Amiri"}
    cut = sorted(confidences.values())[0] + 1e-6
    [(_, strict)] = annotate_corpus([TEXT], resolver, threshold=cut)
    kept = [m.text for m in strict]
    assert kept == [text for text, value in confidences.items() if value >= cut]
    assert len(kept) == len(confidences) - 1
    assert all(m.match is not None and m.match.confidence >= cut for m in strict)
    # The dropped span is kept as unresolved, not lost.
    dropped = set(confidences) - set(kept)
    assert dropped <= {m.text for m in strict.unresolved}
    [(_, none)] = annotate_corpus([TEXT], resolver, threshold=1.0)
    assert all(m.match is not None and m.match.confidence >= 1.0 for m in none)


def test_annotate_corpus_yields_ids_and_passes_reading_options(
    tmp_path: Path, resolver: namenorm.Resolver
) -> None:
    (tmp_path / "a.md").write_bytes(b"Hadi al-Amiri \xff")
    (tmp_path / "b.txt").write_text("ignored by the glob", encoding="utf-8")
    results = list(annotate_corpus([tmp_path], resolver, glob="*.md", errors="replace"))
    assert [doc_id for doc_id, _ in results] == [str(tmp_path / "a.md")]
    assert [m.match.entity.id for m in results[0][1] if m.match] == ["hadi-al-amiri"]
    with pytest.raises(CorpusError, match="byte 14"):
        list(annotate_corpus([tmp_path], resolver, glob="*.md"))


def test_annotate_corpus_defaults_to_the_builtin_table() -> None:
    [(doc_id, annotation)] = annotate_corpus(["Rai Allium reported."])
    assert doc_id == "#1"
    assert [m.match.entity.id for m in annotation if m.match] == ["rai-al-youm"]


def test_reading_is_lazy_and_stops_at_a_bad_file(tmp_path: Path) -> None:
    # Reading is lazy: an error in a later file surfaces after earlier documents.
    (tmp_path / "a.txt").write_text("fine", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff")
    documents = read_documents([tmp_path])
    assert next(documents).id == os.fspath(tmp_path / "a.txt")
    with pytest.raises(CorpusError, match=re.escape("b.txt:1: not valid UTF-8 at byte 0")):
        next(documents)


# -- bugs found in review, fixed: these guard them ----------------------------------------


def test_jsonl_bad_utf8_offset_counts_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    data = BOM + b'{"text": "a\xff"}\n'
    path.write_bytes(data)
    with pytest.raises(CorpusError) as caught:
        list(read_documents([path]))
    offset = data.index(b"\xff")
    assert f"at byte {offset} " in caught.value.message  # 14, reported 11


def test_jsonl_replace_on_a_first_line_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(BOM + b'{"text": "a\xff"}\n')
    [document] = read_documents([path], errors="replace")  # raises "Unexpected UTF-8 BOM"
    assert document.text == "a\ufffd"


def test_jsonl_replace_records_the_replacement(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    data = b'{"text": "a"}\n{"text": "b\xff"}\n'
    path.write_bytes(data)
    documents = list(read_documents([path], errors="replace"))
    assert documents[1].replaced == 1  # is 0: the CLI never warns
    assert documents[1].first_replaced == data.index(b"\xff")


def test_a_file_of_only_a_bom_keeps_its_bom(tmp_path: Path) -> None:
    path = tmp_path / "only-bom.txt"
    path.write_bytes(BOM)
    [replaced] = read_documents([path], errors="replace")
    assert replaced.bom is True
    [strict] = read_documents([path])
    assert strict.bom is True
