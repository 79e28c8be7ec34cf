"""Write annotations out: standoff records (JSON Lines, CSV), a terminal table, an HTML
report, and files written atomically (a new file appears whole or not at all).

>>> from namenorm import Resolver
>>> annotation = Resolver().annotate_document("Mustafa Khatami spoke.")
>>> [record] = mention_records("doc-1", annotation)
>>> record["surface"], record["entity"], record["name"], record["method"]
('Mustafa Khatami', 'mustafa-al-kadhimi', 'Mustafa Al-Kadhimi', 'known_error')
"""

from __future__ import annotations

import contextlib
import csv
import html
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any, TextIO

from namenorm.annotate import Annotation, Mention
from namenorm.atomic import text_output
from namenorm.errors import CorpusError

__all__ = [
    "FIELDS",
    "HtmlReport",
    "atomic_output",
    "confidence_colour",
    "counted",
    "mention_record",
    "mention_records",
    "write_csv_header",
    "write_csv_records",
]

FIELDS = (
    "doc",
    "start",
    "end",
    "surface",
    "entity",
    "name",
    "kind",
    "confidence",
    "method",
    "resolved",
)
"""The fields of a standoff record, in the order CSV writes them."""


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, in the plural unless the count is one.

    >>> counted(1, "document"), counted(3, "entity", "entities")
    ('1 document', '3 entities')
    """
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def mention_record(doc_id: str, mention: Mention) -> dict[str, Any]:
    """One mention as a standoff record. An unresolved span has ``entity``, ``name`` and
    ``kind`` None, ``resolved`` False, and the confidence and method of its best candidate
    (None when it had none).

    >>> from namenorm import Resolver
    >>> [mention] = Resolver().annotate("Hadi al-Amiri")
    >>> mention_record("d", mention)["confidence"]
    1.0
    """
    entity = None if mention.match is None else mention.match.entity
    chosen = mention.match if mention.match is not None else mention.best
    return {
        "doc": doc_id,
        "start": mention.start,
        "end": mention.end,
        "surface": mention.text,
        "entity": None if entity is None else entity.id,
        "name": None if entity is None else entity.name,
        "kind": None if entity is None else entity.kind,
        "confidence": None if chosen is None else round(chosen.confidence, 4),
        "method": None if chosen is None else chosen.method,
        "resolved": entity is not None,
    }


def mention_records(
    doc_id: str, annotation: Annotation, *, unresolved: bool = False
) -> Iterator[dict[str, Any]]:
    """The standoff records of one document, in text order; with ``unresolved`` the spans
    that did not resolve are interleaved (``resolved`` False).

    >>> from namenorm import Resolver
    >>> annotation = Resolver().annotate_document("Joe Smith met Hadi al-Amiri.")
    >>> [r["surface"] for r in mention_records("d", annotation, unresolved=True)]
    ['Joe Smith', 'Hadi al-Amiri']
    """
    mentions = list(annotation.mentions)
    if unresolved:
        mentions = sorted([*mentions, *annotation.unresolved], key=lambda m: m.start)
    for mention in mentions:
        yield mention_record(doc_id, mention)


def write_csv_header(handle: TextIO) -> None:
    """Write the CSV header line (:data:`FIELDS`).

    >>> import io; buffer = io.StringIO(); write_csv_header(buffer); buffer.getvalue()[:10]
    'doc,start,'
    """
    csv.writer(handle, lineterminator="\n").writerow(FIELDS)


def write_csv_records(handle: TextIO, records: Iterator[dict[str, Any]]) -> None:
    """Write standoff records as CSV rows (empty cells for None).

    >>> import io; buffer = io.StringIO()
    >>> write_csv_records(buffer, iter([{"doc": "d", "start": 0, "surface": "a,b"}]))
    >>> buffer.getvalue()
    'd,0,,"a,b",,,,,,\\n'
    """
    writer = csv.writer(handle, lineterminator="\n")
    for record in records:
        writer.writerow(["" if record.get(field) is None else record[field] for field in FIELDS])


def confidence_colour(confidence: float | None) -> str:
    """The highlight colour of a confidence: red (0) through amber to green (1); grey for an
    unresolved span without a candidate.

    >>> confidence_colour(1.0), confidence_colour(0.0), confidence_colour(None)
    ('hsl(120, 70%, 80%)', 'hsl(0, 70%, 80%)', 'hsl(0, 0%, 85%)')
    """
    if confidence is None:
        return "hsl(0, 0%, 85%)"
    hue = round(120 * max(0.0, min(1.0, confidence)))
    return f"hsl({hue}, 70%, 80%)"


_STYLE = """
body { font: 15px/1.55 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2.2rem; word-break: break-all; }
.doc { white-space: pre-wrap; border: 1px solid #ddd; padding: 1rem; border-radius: 6px; }
mark { border-radius: 3px; padding: 0 1px; }
mark.unresolved { background: none; border-bottom: 2px dotted #999; }
mark sub { font-size: 0.65em; color: #555; margin-left: 2px; }
table { border-collapse: collapse; margin: 1rem 0; }
td, th { border-bottom: 1px solid #ddd; padding: 0.25rem 0.7rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.legend span { padding: 0 0.5rem; margin-right: 0.3rem; border-radius: 3px; }
"""


class HtmlReport:
    """A self-contained HTML report written as documents arrive (nothing is kept but the
    per-entity counts): each mention highlighted and coloured by its confidence, with its
    entity and method on hover, unresolved spans underlined, and a table of mentions per
    entity at the end.

    >>> import io
    >>> from namenorm import Resolver
    >>> buffer = io.StringIO()
    >>> report = HtmlReport(buffer, title="demo")
    >>> report.add("d1", Resolver().annotate_document("Rai Allium & <b>Iran</b>"))
    >>> report.close()
    >>> page = buffer.getvalue()
    >>> "Rai al-Youm" in page and "&lt;b&gt;" in page and page.rstrip().endswith("</html>")
    True
    """

    def __init__(self, handle: TextIO, *, title: str = "namenorm annotations") -> None:
        self._handle = handle
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._confidence: dict[tuple[str, str, str], float] = {}
        self._documents = 0
        self._unresolved = 0
        legend = "".join(
            f'<span style="background:{confidence_colour(c)}">{c:.1f}</span>'
            for c in (0.5, 0.7, 0.9, 1.0)
        )
        handle.write(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>\n"
            f"<h1>{html.escape(title)}</h1>\n"
            f'<p class="legend">Confidence: {legend} · unresolved spans are underlined · '
            '<a href="#entities">mentions per entity</a></p>\n'
        )

    def add(self, doc_id: str, annotation: Annotation) -> None:
        """Write one document with its mentions highlighted."""
        self._documents += 1
        text = annotation.text
        spans = sorted([*annotation.mentions, *annotation.unresolved], key=lambda m: m.start)
        pieces = [f'<h2>{html.escape(doc_id)}</h2>\n<div class="doc">']
        position = 0
        for mention in spans:
            pieces.append(html.escape(text[position : mention.start]))
            pieces.append(self._mark(mention))
            position = mention.end
        pieces.append(html.escape(text[position:]))
        pieces.append("</div>\n")
        self._handle.write("".join(pieces))

    def _mark(self, mention: Mention) -> str:
        surface = html.escape(mention.text)
        match = mention.match
        if match is None:
            self._unresolved += 1
            best = mention.best
            hint = (
                "unresolved: no candidate"
                if best is None
                else f"unresolved: best {best.entity.name} [{best.entity.id}] "
                f"{best.confidence:.2f} ({best.method})"
            )
            return f'<mark class="unresolved" title="{html.escape(hint)}">{surface}</mark>'
        entity = match.entity
        key = (entity.id, entity.name, entity.kind)
        self._counts[key] += 1
        self._confidence[key] = self._confidence.get(key, 0.0) + match.confidence
        hint = (
            f"{entity.name} [{entity.id}] · {entity.kind} · {match.confidence:.2f} · {match.method}"
        )
        colour = confidence_colour(match.confidence)
        return (
            f'<mark style="background:{colour}" title="{html.escape(hint)}">{surface}'
            f"<sub>{html.escape(entity.id)}</sub></mark>"
        )

    def close(self) -> None:
        """Write the per-entity table and close the page (not the handle)."""
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(entity_id)}</td>"
            f'<td>{html.escape(kind)}</td><td class="n">{count}</td>'
            f'<td class="n">{self._confidence[(entity_id, name, kind)] / count:.2f}</td></tr>'
            for (entity_id, name, kind), count in sorted(
                self._counts.items(), key=lambda item: (-item[1], item[0][0])
            )
        )
        total = sum(self._counts.values())
        self._handle.write(
            '<h2 id="entities">Mentions per entity</h2>\n'
            f"<p>{counted(self._documents, 'document')}, {counted(total, 'mention')} of "
            f"{counted(len(self._counts), 'entity', 'entities')}, "
            f"{counted(self._unresolved, 'unresolved span')}.</p>\n"
            "<table><tr><th>entity</th><th>id</th><th>kind</th><th>mentions</th>"
            f"<th>mean confidence</th></tr>{rows}</table>\n</body></html>\n"
        )


def atomic_output(
    path: str | os.PathLike[str], *, newline: str | None = "", bom: bool = False
) -> contextlib.AbstractContextManager[TextIO]:
    """Open a new text file (UTF-8) for writing that appears at ``path`` only when the block
    ends without an error (:func:`namenorm.atomic.text_output`, failing with a
    :class:`~namenorm.errors.CorpusError`), so an interrupted run leaves no half-written output.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_output(target) as handle:
    ...     _ = handle.write("done")
    >>> target.read_text()
    'done'
    """
    return text_output(path, newline=newline, bom=bom, error=CorpusError)
