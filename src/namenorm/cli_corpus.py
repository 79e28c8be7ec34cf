"""The corpus commands of the command line: ``namenorm annotate`` and ``namenorm rewrite``.

    namenorm annotate seeds/                          # a table of mentions on the terminal
    namenorm annotate corpus/ -o mentions.jsonl       # standoff records, one per mention
    namenorm annotate corpus/ --format html -o report.html --workers 2
    namenorm rewrite corpus/ -o normalized/           # new files; inputs are never touched

>>> import io, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Mustafa Khatami met Qassem Suleimani.", "utf-8")
>>> from namenorm.cli import main
>>> buffer = io.StringIO()
>>> main(["annotate", str(folder), "--format", "jsonl"], out=buffer)
0
>>> [json.loads(line)["entity"] for line in buffer.getvalue().splitlines()]
['mustafa-al-kadhimi', 'qasem-soleimani']
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from namenorm.annotate import Annotation
from namenorm.cli import resolver_for
from namenorm.corpus import Document, annotate_documents, folder_files, read_documents
from namenorm.errors import CorpusError
from namenorm.output import (
    HtmlReport,
    atomic_output,
    counted,
    mention_records,
    write_csv_header,
    write_csv_records,
)
from namenorm.progress import Progress
from namenorm.resolve import Resolver

__all__ = ["add_commands"]

FORMATS = ("table", "jsonl", "csv", "html")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``annotate`` and ``rewrite`` to the command line's sub-commands.

    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["annotate", "seeds", "--workers", "2"]).workers
    2
    """
    annotate = commands.add_parser(
        "annotate", help="find and link the name mentions of texts (files, folders, stdin)"
    )
    _add_input_options(annotate)
    annotate.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    annotate.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: from the -o suffix, else a table)",
    )
    annotate.add_argument(
        "--unresolved",
        action="store_true",
        help="also list the spans that did not resolve (resolved: false)",
    )
    annotate.set_defaults(run=annotate_command)

    rewrite = commands.add_parser(
        "rewrite", help="write new files with each mention replaced by its canonical name"
    )
    _add_input_options(rewrite)
    rewrite.add_argument("-o", "--output", help="output folder (stdout for standard input)")
    rewrite.add_argument(
        "--style",
        choices=("canonical", "tag"),
        default="canonical",
        help="replace by the canonical name, or tag the mention and keep it",
    )
    rewrite.set_defaults(run=rewrite_command)


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    from namenorm.cli import (  # noqa: PLC0415 - cli imports us
        add_table_options,
        probability,
        whole_number,
    )

    parser.add_argument("inputs", nargs="+", help="files, folders (recursive) or - for stdin")
    add_table_options(parser)
    parser.add_argument(
        "--min-confidence",
        type=probability,
        help="confidence a mention needs (0 to 1; default: the resolver's threshold)",
    )
    parser.add_argument("--workers", type=whole_number(1), default=1, help="processes to use")
    parser.add_argument("--glob", default="*.txt", help="files of folders to read (*.txt)")
    parser.add_argument(
        "--errors",
        choices=("strict", "replace"),
        default="strict",
        help="bytes that are not UTF-8: stop with an error, or replace and report",
    )
    parser.add_argument("--text-field", default="text", help="text field of JSONL records")
    parser.add_argument("--id-field", default="id", help="id field of JSONL records")
    parser.add_argument(
        "--jsonl", action="store_true", help="standard input is JSON Lines, not one text"
    )


def _documents(arguments: argparse.Namespace, sources: list[Path]) -> Iterator[Document]:
    for document in read_documents(
        sources,
        glob=arguments.glob,
        text_field=arguments.text_field,
        id_field=arguments.id_field,
        errors=arguments.errors,
        stdin_jsonl=arguments.jsonl,
    ):
        if document.replaced:
            sys.stderr.write(
                f"namenorm: warning: {document.id}: replaced {document.replaced} invalid "
                f"UTF-8 sequence(s), the first at byte {document.first_replaced}\n"
            )
        yield document


def _annotated(
    arguments: argparse.Namespace, resolver: Resolver, sources: list[Path]
) -> Iterator[tuple[Document, Annotation]]:
    progress = Progress(sys.stderr)
    try:
        for document, annotation in annotate_documents(
            _documents(arguments, sources),
            resolver,
            workers=arguments.workers,
            threshold=arguments.min_confidence,
        ):
            progress.advance(characters=len(document.text))
            yield document, annotation
    finally:
        progress.close()


def _format(arguments: argparse.Namespace) -> str:
    if arguments.format:
        return str(arguments.format)
    if arguments.output:
        suffix = Path(arguments.output).suffix.lstrip(".").lower()
        suffix = {"htm": "html", "ndjson": "jsonl"}.get(suffix, suffix)
        if suffix in FORMATS:
            return suffix
    return "table"


def annotate_command(arguments: argparse.Namespace, out: TextIO) -> int:
    """Run ``namenorm annotate``; return the exit status."""
    resolver = resolver_for(arguments)
    chosen = _format(arguments)
    sources = [Path(item) for item in arguments.inputs]
    if arguments.output:
        _check_not_an_input(Path(arguments.output), sources, arguments.glob)
    results = _annotated(arguments, resolver, sources)
    if arguments.output:
        with atomic_output(arguments.output) as handle:
            _write(chosen, results, handle, unresolved=arguments.unresolved)
    else:
        _write(chosen, results, out, unresolved=arguments.unresolved)
    return 0


def _write(
    chosen: str,
    results: Iterator[tuple[Document, Annotation]],
    handle: TextIO,
    *,
    unresolved: bool,
) -> None:
    if chosen == "jsonl":
        for document, annotation in results:
            for record in mention_records(document.id, annotation, unresolved=unresolved):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif chosen == "csv":
        write_csv_header(handle)
        for document, annotation in results:
            write_csv_records(
                handle, mention_records(document.id, annotation, unresolved=unresolved)
            )
    elif chosen == "html":
        report = HtmlReport(handle)
        for document, annotation in results:
            report.add(document.id, annotation)
        report.close()
    else:
        _write_table(results, handle, unresolved=unresolved)


def _write_table(
    results: Iterator[tuple[Document, Annotation]], handle: TextIO, *, unresolved: bool
) -> None:
    entities: Counter[str] = Counter()
    documents = spans = 0
    for document, annotation in results:
        documents += 1
        spans += len(annotation.unresolved)
        records = list(mention_records(document.id, annotation, unresolved=unresolved))
        if not records:
            continue
        handle.write(f"{document.id}\n")
        for record in records:
            surface = " ".join(record["surface"].split())
            where = f"{record['start']}-{record['end']}"
            if record["resolved"]:
                entities[record["entity"]] += 1
                handle.write(
                    f"  {where:>11}  {surface:<32} {record['name']:<34} "
                    f"{record['confidence']:>5.3f}  {record['method']}\n"
                )
            else:
                handle.write(f"  {where:>11}  {surface:<32} {'(unresolved)':<34}\n")
    handle.write(
        f"\n{counted(sum(entities.values()), 'mention')} of "
        f"{counted(len(entities), 'entity', 'entities')} in {counted(documents, 'document')}; "
        f"{counted(spans, 'span')} unresolved\n"
    )


def _check_not_an_input(output: Path, sources: list[Path], glob: str) -> None:
    """Refuse an output file that is one of the inputs, or would be read as one."""
    target = output.resolve()
    for source in sources:
        if os.fspath(source) == "-":
            continue
        resolved = source.resolve()
        inside = source.is_dir() and resolved in target.parents and target.match(glob)
        if target == resolved or inside:
            raise CorpusError(
                "the output would overwrite or be read as an input; choose another -o",
                path=os.fspath(output),
            )


def _rewrite_plan(sources: list[Path], folder: Path, glob: str) -> list[tuple[Path, Path]]:
    """Every (input file, output file) of a rewrite, checked before anything is written: no
    JSON Lines, no output that is an input, no two inputs writing the same output."""
    target = folder.resolve()
    plan: list[tuple[Path, Path]] = []
    for source in sources:
        if source.is_dir():
            resolved = source.resolve()
            if target == resolved or resolved in target.parents:
                raise CorpusError(
                    "the output folder is the input folder or inside it; choose another",
                    path=os.fspath(folder),
                )
            plan += [
                (found, folder / found.relative_to(source)) for found in folder_files(source, glob)
            ]
        elif source.exists():
            plan.append((source, folder / source.name))
        else:
            raise CorpusError("no such file or folder", path=os.fspath(source))
    inputs = {found.resolve() for found, _ in plan}
    outputs: dict[Path, Path] = {}
    for found, output in plan:
        if found.suffix == ".jsonl":
            raise CorpusError(
                "rewrite takes text files, not JSON Lines (annotate them instead)",
                path=os.fspath(found),
            )
        resolved_output = output.resolve()
        if resolved_output in inputs:
            raise CorpusError(
                f"the output {os.fspath(output)} would overwrite an input; choose another -o",
                path=os.fspath(found),
            )
        if resolved_output in outputs:
            raise CorpusError(
                f"{os.fspath(outputs[resolved_output])} and {os.fspath(found)} would both be "
                f"written to {os.fspath(output)}; rewrite them to different folders",
                path=os.fspath(found),
            )
        outputs[resolved_output] = found
    return plan


def rewrite_command(arguments: argparse.Namespace, out: TextIO) -> int:
    """Run ``namenorm rewrite``; return the exit status."""
    resolver = resolver_for(arguments)
    sources = [Path(item) for item in arguments.inputs]
    stdin_only = [os.fspath(source) for source in sources] == ["-"]
    if arguments.jsonl:
        raise CorpusError("rewrite takes text, not JSON Lines (annotate them instead)")
    if arguments.output is None:
        if not stdin_only:
            raise CorpusError("rewrite needs -o FOLDER (inputs are never overwritten)")
        for _, annotation in _annotated(arguments, resolver, sources):
            out.write(annotation.rewrite(arguments.style))
        return 0
    if any(os.fspath(source) == "-" for source in sources):
        raise CorpusError("standard input is rewritten to standard output: leave out -o")
    folder = Path(arguments.output)
    plan = _rewrite_plan(sources, folder, arguments.glob)
    outputs = [output for _, output in plan]
    results = _annotated(arguments, resolver, [found for found, _ in plan])
    for output, (document, annotation) in zip(outputs, results, strict=True):
        with atomic_output(output, bom=document.bom) as handle:
            handle.write(annotation.rewrite(arguments.style))
    sys.stderr.write(f"namenorm: wrote {len(plan)} file(s) to {folder}\n")
    return 0
