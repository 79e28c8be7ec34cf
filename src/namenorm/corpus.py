"""Annotate whole corpora: documents from files, folders, standard input or JSON Lines, in a
stable order, on one process or several, streamed so memory stays flat however large the
corpus.

Sources are given as a list whose items are :class:`pathlib.Path` objects (a file; a folder,
read recursively through a glob filter; a ``.jsonl`` file, one document a record; ``Path("-")``
for standard input), :class:`Document` values, ``(id, text)`` pairs, or plain strings, which
are texts (never file names).

>>> from namenorm import Resolver
>>> texts = ["Qassem Suleimani arrived.", "Nothing here."]
>>> for doc_id, annotation in annotate_corpus(texts, Resolver()):
...     print(doc_id, [m.match.entity.id for m in annotation])
#1 ['qasem-soleimani']
#2 []
"""

from __future__ import annotations

import codecs
import concurrent.futures
import json
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Literal, TypeAlias

import attrs

from namenorm._worker import dumps_by_reference, freeze_heap, loads_by_reference
from namenorm.annotate import Annotation, Annotator
from namenorm.confidence import ConfidenceModel
from namenorm.errors import CorpusError
from namenorm.model import Entity
from namenorm.resolve import Resolver
from namenorm.tables import load_table

__all__ = [
    "Document",
    "ErrorPolicy",
    "Source",
    "annotate_corpus",
    "annotate_documents",
    "folder_files",
    "read_documents",
]

ErrorPolicy: TypeAlias = Literal["strict", "replace"]
"""What to do with bytes that are not UTF-8: ``strict`` raises :class:`CorpusError` naming the
file and byte offset; ``replace`` puts U+FFFD in their place and records how many."""

BATCH_CHARACTERS = 1 << 16
"""A batch sent to a worker process holds about this many characters (or one document)."""
BATCH_DOCUMENTS = 64
IN_FLIGHT_PER_WORKER = 2
"""Batches queued per worker: enough to keep it busy, few enough that memory stays flat."""


@attrs.frozen
class Document:
    """One text of a corpus.

    ``id`` names it in outputs (a file's path, ``path:line`` for a JSON Lines record without
    an id field, ``#n`` for the n-th text given in Python, ``-`` for standard input); ``path``
    is the file it came from; ``bom`` whether that file began with a UTF-8 byte-order mark
    (offsets count from after it; a rewrite puts it back); ``replaced`` how many invalid
    bytes were replaced (``errors="replace"``) and ``first_replaced`` the byte offset of the
    first.

    >>> Document(id="#1", text="Hello").path is None
    True
    """

    id: str
    text: str
    path: str | None = None
    bom: bool = False
    replaced: int = 0
    first_replaced: int | None = None


Source: TypeAlias = "Document | tuple[str, str] | str | os.PathLike[str]"


def _not_utf8(location: str, line: int, offset: int, problem: UnicodeDecodeError) -> CorpusError:
    return CorpusError(
        f"not valid UTF-8 at byte {offset} ({problem.reason}); save the file as UTF-8, or "
        "pass errors='replace' (--errors replace)",
        path=location,
        line=line,
    )


def _replace_invalid(data: bytes) -> tuple[str, int]:
    """The text with U+FFFD for each invalid sequence, and how many were replaced."""
    text = data.decode("utf-8", errors="replace")
    return text, text.count("\ufffd") - data.count("\ufffd".encode())


def _decode(data: bytes, location: str, errors: ErrorPolicy) -> Document:
    """A file's bytes as a document, or :class:`CorpusError` naming the bad byte."""
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    try:
        return Document(id=location, text=body.decode("utf-8"), path=location, bom=bom)
    except UnicodeDecodeError as problem:
        offset = problem.start + (len(codecs.BOM_UTF8) if bom else 0)
        if errors == "strict":
            line = data.count(b"\n", 0, offset) + 1
            raise _not_utf8(location, line, offset, problem) from problem
        text, replaced = _replace_invalid(body)
        return Document(
            id=location,
            text=text,
            path=location,
            bom=bom,
            replaced=replaced,
            first_replaced=offset,
        )


def _jsonl_documents(
    handle: BinaryIO, location: str, *, text_field: str, id_field: str, errors: ErrorPolicy
) -> Iterator[Document]:
    """One document per JSON Lines record, read a line at a time (flat memory)."""
    offset = 0
    for number, raw_line in enumerate(handle, start=1):
        line_start = offset
        offset += len(raw_line)
        raw = raw_line
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
            line_start += len(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        replaced, first_replaced = 0, None
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as problem:
            first_replaced = line_start + problem.start
            if errors == "strict":
                raise _not_utf8(location, number, first_replaced, problem) from problem
            line, replaced = _replace_invalid(raw)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as problem:
            raise CorpusError(
                f"invalid JSON: {problem.msg} (column {problem.colno})", path=location, line=number
            ) from problem
        if not isinstance(record, dict):
            raise CorpusError("expected a JSON object", path=location, line=number)
        text = record.get(text_field)
        if not isinstance(text, str):
            problem_text = "missing" if text_field not in record else "not a string"
            raise CorpusError(f"text {problem_text}", path=location, line=number, field=text_field)
        identifier = record.get(id_field)
        doc_id = f"{location}:{number}" if identifier is None else str(identifier)
        yield Document(
            id=doc_id,
            text=text,
            path=location,
            replaced=replaced,
            first_replaced=first_replaced,
        )


@attrs.frozen
class _Reading:
    glob: str
    text_field: str
    id_field: str
    errors: ErrorPolicy
    stdin_jsonl: bool


def _path_documents(path: Path, options: _Reading) -> Iterator[Document]:
    location = os.fspath(path)
    text_field, id_field, errors = options.text_field, options.id_field, options.errors
    if location == "-":
        stdin = sys.stdin.buffer
        if options.stdin_jsonl:
            yield from _jsonl_documents(
                stdin, location, text_field=text_field, id_field=id_field, errors=errors
            )
        else:
            yield attrs.evolve(_decode(stdin.read(), "-", errors), path=None)
        return
    if path.is_dir():
        for found in folder_files(path, options.glob):
            yield from _path_documents(found, options)
        return
    if not path.exists():
        raise CorpusError("no such file or folder", path=location)
    if _is_jsonl(location):
        try:
            with path.open("rb") as handle:
                yield from _jsonl_documents(
                    handle, location, text_field=text_field, id_field=id_field, errors=errors
                )
        except OSError as problem:
            raise CorpusError(
                f"cannot read the file: {problem.strerror}", path=location
            ) from problem
        return
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise CorpusError(f"cannot read the file: {problem.strerror}", path=location) from problem
    yield _decode(data, location, errors)


def folder_files(folder: Path, glob: str) -> list[Path]:
    """The files under ``folder`` (recursively) whose names match ``glob``, in the order a
    corpus is read: sorted by their path inside the folder.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("b.txt", "a/z.txt", "c.md"):
    ...     (folder / name).parent.mkdir(exist_ok=True); _ = (folder / name).write_text("x")
    >>> [found.relative_to(folder).as_posix() for found in folder_files(folder, "*.txt")]
    ['a/z.txt', 'b.txt']
    """
    return sorted(
        (found for found in folder.rglob(glob) if found.is_file()),
        key=lambda found: found.relative_to(folder).parts,
    )


def _is_jsonl(location: str) -> bool:
    return location.endswith(".jsonl")


def read_documents(
    sources: Iterable[Source],
    *,
    glob: str = "*.txt",
    text_field: str = "text",
    id_field: str = "id",
    errors: ErrorPolicy = "strict",
    stdin_jsonl: bool = False,
) -> Iterator[Document]:
    """Yield the documents of ``sources`` lazily, in order (a folder's files sorted by their
    path). ``glob`` filters the files of folders; ``text_field`` and ``id_field`` name the
    fields of JSON Lines records (``.jsonl`` files, and standard input when ``stdin_jsonl``).

    >>> [d.id for d in read_documents(["first text", ("my-id", "second text")])]
    ['#1', 'my-id']
    >>> next(read_documents([Path("no/such/folder")]))
    Traceback (most recent call last):
      ...
    namenorm.errors.CorpusError: no/such/folder: no such file or folder
    """
    if errors not in ("strict", "replace"):
        raise ValueError(f"errors must be 'strict' or 'replace', got {errors!r}")
    return _documents(sources, _Reading(glob, text_field, id_field, errors, stdin_jsonl))


def _documents(sources: Iterable[Source], options: _Reading) -> Iterator[Document]:
    for number, source in enumerate(sources, start=1):
        if isinstance(source, Document):
            yield source
        elif isinstance(source, str):
            yield Document(id=f"#{number}", text=source)
        elif isinstance(source, tuple):
            doc_id, text = source
            yield Document(id=str(doc_id), text=text)
        elif isinstance(source, os.PathLike):
            yield from _path_documents(Path(source), options)
        else:
            raise TypeError(
                "a corpus source is a Path, a Document, an (id, text) pair or a text, "
                f"not {type(source).__name__}"
            )


# -- worker processes ------------------------------------------------------------------------

_WORKER_ANNOTATOR: Annotator | None = None


def _start_worker(snapshot: str, threshold: float, model: ConfidenceModel) -> None:
    global _WORKER_ANNOTATOR  # noqa: PLW0603 - one annotator per worker process, built once
    table = load_table(snapshot)
    _WORKER_ANNOTATOR = Resolver(table, threshold=threshold, model=model).annotator()
    freeze_heap()


def _annotate_batch(texts: Sequence[str], threshold: float | None) -> bytes:
    """The mentions and unresolved spans of each text, pickled with their entities by id
    (:func:`namenorm._worker.dumps_by_reference`)."""
    assert _WORKER_ANNOTATOR is not None
    results = []
    for text in texts:
        annotation = _WORKER_ANNOTATOR.annotate_document(text, threshold=threshold)
        # The text stays on this side: only the mentions travel back.
        results.append((annotation.mentions, annotation.unresolved))
    return dumps_by_reference(results)


def _batches(documents: Iterable[Document]) -> Iterator[list[Document]]:
    batch: list[Document] = []
    size = 0
    for document in documents:
        batch.append(document)
        size += len(document.text)
        if size >= BATCH_CHARACTERS or len(batch) >= BATCH_DOCUMENTS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def annotate_documents(
    documents: Iterable[Document],
    resolver: Resolver,
    *,
    workers: int = 1,
    threshold: float | None = None,
) -> Iterator[tuple[Document, Annotation]]:
    """Annotate ``documents`` in order, yielding each with its :class:`Annotation`.

    With ``workers`` > 1 the work goes to that many processes (started fresh, each building
    its own resolver from the table, threshold and model of ``resolver``); the output is the
    same, in the same order, as with one. At most ``2 * workers`` batches are in flight, so
    memory does not grow with the corpus.

    >>> from namenorm import Resolver
    >>> [(d.id, len(a)) for d, a in annotate_documents([Document("a", "Iran")], Resolver())]
    [('a', 1)]
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers!r}")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
    return _annotated(documents, resolver, workers, threshold)


def _annotated(
    documents: Iterable[Document], resolver: Resolver, workers: int, threshold: float | None
) -> Iterator[tuple[Document, Annotation]]:
    if workers == 1:
        annotator = resolver.annotator()
        for document in documents:
            yield document, annotator.annotate_document(document.text, threshold=threshold)
        return
    # Processes started fresh ("spawn"): no lock or thread of the parent is inherited, and the
    # same code path runs on every platform.
    context = multiprocessing.get_context("spawn")
    from namenorm.snapshot import snapshot_for_workers  # noqa: PLC0415 - it imports the package

    with (
        snapshot_for_workers(resolver.table) as snapshot,
        concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(snapshot, resolver.threshold, resolver.model),
        ) as pool,
    ):
        pending: deque[tuple[list[Document], concurrent.futures.Future[bytes]]] = deque()
        entity_of = resolver.table.__getitem__
        batches = _batches(documents)
        for batch in batches:
            pending.append(
                (batch, pool.submit(_annotate_batch, [d.text for d in batch], threshold))
            )
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield from _collect(*pending.popleft(), entity_of)
        while pending:
            yield from _collect(*pending.popleft(), entity_of)


def _collect(
    batch: list[Document],
    future: concurrent.futures.Future[bytes],
    entity_of: Callable[[str], Entity],
) -> Iterator[tuple[Document, Annotation]]:
    # Every mention names the caller's own entity, as with one worker.
    results: list[tuple[Any, Any]] = loads_by_reference(future.result(), entity_of)
    for document, (mentions, unresolved) in zip(batch, results, strict=True):
        yield document, Annotation(text=document.text, mentions=mentions, unresolved=unresolved)


def annotate_corpus(
    sources: Iterable[Source],
    resolver: Resolver | None = None,
    *,
    workers: int = 1,
    threshold: float | None = None,
    glob: str = "*.txt",
    text_field: str = "text",
    id_field: str = "id",
    errors: ErrorPolicy = "strict",
    stdin_jsonl: bool = False,
) -> Iterator[tuple[str, Annotation]]:
    """Annotate every document of ``sources`` (see :func:`read_documents`), yielding
    ``(document id, annotation)`` in input order; the annotation is a sequence of
    :class:`~namenorm.annotate.Mention` with the unresolved spans in ``.unresolved``.

    ``resolver`` defaults to one over the built-in table; ``workers`` processes share the work
    and give the same output as one.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Rai Allium reported on Almohandes.", "utf-8")
    >>> for doc_id, mentions in annotate_corpus([folder]):
    ...     print(Path(doc_id).name, [m.match.entity.id for m in mentions])
    a.txt ['rai-al-youm', 'abu-mahdi-al-muhandis']
    """
    chosen = Resolver() if resolver is None else resolver
    documents = read_documents(
        sources,
        glob=glob,
        text_field=text_field,
        id_field=id_field,
        errors=errors,
        stdin_jsonl=stdin_jsonl,
    )
    annotated = annotate_documents(documents, chosen, workers=workers, threshold=threshold)
    return ((document.id, annotation) for document, annotation in annotated)
