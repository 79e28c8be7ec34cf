"""Choose the mentions a person should judge: the uncertain, the ambiguous and the unresolved.

Reach for :func:`review` after ``namenorm annotate -o mentions.jsonl`` (or ``namenorm resolve
--format jsonl``): it groups the mentions by spelling and proposed entity, so that a person
judges each spelling once, and keeps the groups worth a look:

- ``ambiguous``: resolved, but the spelling alone hardly tells the entity from its runner-up
  (a lead of less than ``margin`` in logit), or it is a name of two entities;
- ``uncertain``: resolved with a confidence from ``low`` up to ``high``;
- ``unresolved``: not resolved, yet its best candidate has a confidence of ``low`` or more
  (below it the resolver is sure the span is not that entity).

The most likely mistakes come first: a group's expected errors are the sum, over its mentions,
of the probability that the mention is wrong (1 - confidence for a resolved one, the
confidence of its best candidate for an unresolved one), and its examples are its most
doubtful mentions. :func:`write_review` writes the CSV
that ``namenorm apply-judgments`` (:mod:`namenorm.judgments`) reads back once filled in.

>>> from namenorm import AliasTable, Entity, Resolver
>>> table = AliasTable([Entity(id="ali-khamenei", name="Ali Khamenei", aliases=["Khamenei"]),
...                     Entity(id="mojtaba-khamenei", name="Mojtaba Khamenei")])
>>> mentions = [mention_from_record({"doc": "a.txt", "start": 0, "surface": "Khamenei",
...     "entity": "mojtaba-khamenei", "confidence": 0.9, "method": "coreference",
...     "resolved": True})]
>>> [item] = review(mentions, Resolver(table))
>>> item.reason, item.entity_id, item.runner_up_id, item.examples
('ambiguous', 'mojtaba-khamenei', 'ali-khamenei', ('a.txt:0',))
"""

from __future__ import annotations

import csv
import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TextIO

import attrs

from namenorm.errors import ReviewError
from namenorm.model import Match
from namenorm.normalize import analyze
from namenorm.resolve import Resolver
from namenorm.textfiles import jsonl_records, read_text_file

__all__ = [
    "COLUMNS",
    "DEFAULT_HIGH",
    "DEFAULT_LOW",
    "DEFAULT_MARGIN",
    "REASONS",
    "Reason",
    "ReviewItem",
    "ReviewMention",
    "mention_from_record",
    "read_mentions",
    "review",
    "review_summary",
    "write_review",
]

Reason = Literal["ambiguous", "uncertain", "unresolved"]
REASONS: tuple[Reason, ...] = ("ambiguous", "uncertain", "unresolved")

DEFAULT_LOW = 0.35
"""The least confidence worth a look: below it, the resolver is sure enough the span is NIL."""
DEFAULT_HIGH = 0.85
"""The confidence from which a resolved mention is not reviewed for its confidence alone."""
DEFAULT_MARGIN = 1.0
"""A lead over the runner-up of less than this (in logit: odds about 2.7 to 1) is ambiguous."""
EXAMPLES = 3
"""How many locations of a group the review shows."""
CANDIDATES = 5
"""How many candidates of a spelling the review looks at."""

COLUMNS = (
    "reason",
    "surface",
    "count",
    "examples",
    "entity_id",
    "entity_name",
    "confidence",
    "method",
    "runner_up_id",
    "runner_up_name",
    "runner_up_confidence",
    "judgment",
    "correct_id",
    "note",
)
"""The columns of the review CSV; ``judgment``, ``correct_id`` and ``note`` are left empty for
the person who reviews."""

_ANNOTATE_FIELDS = ("surface", "resolved")
_RESOLVE_FIELDS = ("mention", "entity")


@attrs.frozen
class ReviewMention:
    """One mention of a mentions file: its spelling, the entity it was linked to (None when it
    did not resolve), the confidence (of the link, or of an unresolved span's best candidate;
    None when not known) and where it was found.

    ``candidate_known`` is False when the file cannot say whether an unresolved mention had a
    candidate (``namenorm resolve`` writes none for NIL): the review then asks the table.

    >>> mention = mention_from_record({"mention": "Hadi Ameri", "entity": "hadi-al-amiri",
    ...                                "confidence": 0.97, "method": "phonetic"}, line=4)
    >>> mention.resolved, mention.location
    (True, 'line 4')
    """

    surface: str
    entity_id: str | None
    confidence: float | None
    method: str | None
    location: str
    path: str | None = None
    line: int | None = None
    candidate_known: bool = True

    @property
    def resolved(self) -> bool:
        """Whether the mention was linked to an entity."""
        return self.entity_id is not None


@attrs.frozen
class ReviewItem:
    """One row of the review: a spelling proposed for an entity, with why it is reviewed, how
    often and where it occurs, and the runner-up entity for the same spelling.

    ``confidence`` is the mean over the group's mentions; ``runner_up_confidence`` is the
    runner-up's for the spelling alone (no context); ``expected_errors`` orders the review.

    >>> item = ReviewItem(reason="uncertain", surface="US", key="us", count=2,
    ...                   examples=("a.txt:0",), entity_id="united-states",
    ...                   entity_name="United States", confidence=0.7, method="exact",
    ...                   expected_errors=0.6)
    >>> item.row()["confidence"], item.row()["judgment"]
    ('0.7000', '')
    """

    reason: Reason
    surface: str
    key: str
    count: int
    examples: tuple[str, ...]
    entity_id: str | None
    entity_name: str | None
    confidence: float | None
    method: str | None
    runner_up_id: str | None = None
    runner_up_name: str | None = None
    runner_up_confidence: float | None = None
    expected_errors: float = 0.0

    def row(self) -> dict[str, str]:
        """The CSV row of this item (every column of :data:`COLUMNS`)."""
        return {
            "reason": self.reason,
            "surface": self.surface,
            "count": str(self.count),
            "examples": "; ".join(self.examples),
            "entity_id": self.entity_id or "",
            "entity_name": self.entity_name or "",
            "confidence": _number(self.confidence),
            "method": self.method or "",
            "runner_up_id": self.runner_up_id or "",
            "runner_up_name": self.runner_up_name or "",
            "runner_up_confidence": _number(self.runner_up_confidence),
            "judgment": "",
            "correct_id": "",
            "note": "",
        }


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


# -- reading ---------------------------------------------------------------------------------


def read_mentions(path: str | os.PathLike[str]) -> list[ReviewMention]:
    """Read a mentions file: the JSON Lines of ``namenorm annotate`` (``surface``,
    ``resolved``, ...) or of ``namenorm resolve --format jsonl`` (``mention``, ``entity``,
    ...), told apart record by record. A bad record raises
    :class:`~namenorm.errors.ReviewError` naming the file, line and field.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.jsonl"
    >>> _ = path.write_text('{"text": "Hadi"}\\n')
    >>> read_mentions(path)
    Traceback (most recent call last):
      ...
    namenorm.errors.ReviewError: ...m.jsonl:1: field 'surface': not a record of namenorm annotate...
    """
    location = os.fspath(path)
    text = read_text_file(location, error=ReviewError)
    return [
        mention_from_record(record, path=location, line=line)
        for record, line in jsonl_records(text, location, error=ReviewError)
    ]


def mention_from_record(
    record: Mapping[str, Any], *, path: str | None = None, line: int | None = None
) -> ReviewMention:
    """Validate one record of a mentions file (either shape, see :func:`read_mentions`).

    >>> mention_from_record({"doc": "d", "start": 7, "surface": "Joe Smith", "entity": None,
    ...                      "confidence": None, "method": None, "resolved": False}).location
    'd:7'
    >>> mention_from_record({"surface": "X", "resolved": "yes"}, path="m.jsonl", line=2)
    Traceback (most recent call last):
      ...
    namenorm.errors.ReviewError: m.jsonl:2: field 'resolved': expected true or false, got str
    """
    where: dict[str, Any] = {"path": path, "line": line}
    if not isinstance(record, Mapping):
        raise ReviewError(f"expected a record (an object), got {type(record).__name__}", **where)
    if all(field in record for field in _ANNOTATE_FIELDS):
        surface = _string(record, "surface", where)
        resolved = record["resolved"]
        if not isinstance(resolved, bool):
            raise ReviewError(
                f"expected true or false, got {type(resolved).__name__}", **where, field="resolved"
            )
        entity = _string(record, "entity", where) if resolved else None
        doc, start = record.get("doc"), record.get("start")
        location = f"line {line}" if doc is None else f"{doc}:{start}"
        candidate_known = True
    elif all(field in record for field in _RESOLVE_FIELDS):
        surface = _string(record, "mention", where)
        entity = None if record["entity"] is None else _string(record, "entity", where)
        location = f"line {line}"
        # resolve writes nothing of a NIL's best candidate: the table will be asked.
        candidate_known = entity is not None
    else:
        raise ReviewError(
            "not a record of namenorm annotate (surface, resolved, ...) nor of namenorm "
            "resolve --format jsonl (mention, entity, ...)",
            **where,
            field="surface",
        )
    confidence = _confidence(record.get("confidence"), where)
    if entity is not None and confidence is None:
        raise ReviewError("a resolved mention needs its confidence", **where, field="confidence")
    method = record.get("method")
    if method is not None and not isinstance(method, str):
        raise ReviewError(
            f"expected a string, got {type(method).__name__}", **where, field="method"
        )
    return ReviewMention(
        surface=surface,
        entity_id=entity,
        confidence=confidence if candidate_known else None,
        method=method,
        location=location,
        path=path,
        line=line,
        candidate_known=candidate_known,
    )


def _string(record: Mapping[str, Any], field: str, where: dict[str, Any]) -> str:
    value = record.get(field)
    if not isinstance(value, str):
        got = "nothing" if value is None else type(value).__name__
        raise ReviewError(f"expected a string, got {got}", **where, field=field)
    if not value.strip():
        raise ReviewError("must not be blank", **where, field=field)
    return value


def _confidence(value: object, where: dict[str, Any]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReviewError(
            f"expected a number, got {type(value).__name__}", **where, field="confidence"
        )
    if not 0.0 <= value <= 1.0:
        raise ReviewError(f"expected 0 to 1, got {value!r}", **where, field="confidence")
    return float(value)


# -- choosing --------------------------------------------------------------------------------


@attrs.frozen
class _Reading:
    """A mention with the entity it is reviewed for and that entity's confidence."""

    mention: ReviewMention
    entity_id: str | None
    confidence: float | None


def review(
    mentions: Iterable[ReviewMention],
    resolver: Resolver,
    *,
    low: float = DEFAULT_LOW,
    high: float = DEFAULT_HIGH,
    margin: float = DEFAULT_MARGIN,
) -> list[ReviewItem]:
    """The groups of ``mentions`` worth a person's judgment, the most likely mistakes first
    (see the module's description for what is chosen and why).

    ``resolver`` must link to the table the mentions were annotated with: it tells each
    unresolved span's best candidate, each spelling's runner-up and the entities' names. A
    mention of an entity the table does not have raises :class:`~namenorm.errors.ReviewError`.

    >>> from namenorm import Resolver
    >>> mention = mention_from_record({"mention": "Joe Smith", "entity": None,
    ...                                "confidence": None, "method": None}, line=1)
    >>> review([mention], Resolver())
    []
    """
    if not 0.0 <= low <= high <= 1.0:
        raise ValueError(f"expected 0 <= low <= high <= 1, got low={low!r}, high={high!r}")
    if not margin >= 0.0:
        raise ValueError(f"margin must be 0 or more, got {margin!r}")
    candidates = _Candidates(resolver)
    groups: dict[tuple[str, str | None], list[_Reading]] = {}
    for mention in mentions:
        reading = _reading(mention, resolver, candidates)
        if reading.confidence is None:
            continue  # no candidate at all: nothing for a person to judge
        groups.setdefault((analyze(mention.surface).text, reading.entity_id), []).append(reading)
    items: list[ReviewItem] = []
    for (key, entity_id), readings in groups.items():
        item = _item(key, entity_id, readings, resolver, candidates, low, high, margin)
        if item is not None:
            items.append(item)
    # Rounded so that sums taken in another order cannot swap two rows.
    return sorted(
        items,
        key=lambda item: (
            -round(item.expected_errors, 9),
            -item.count,
            item.key,
            item.entity_id or "",
        ),
    )


class _Candidates:
    """The candidates of each spelling, without context, asked once."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._known: dict[str, list[Match]] = {}

    def __call__(self, surface: str) -> list[Match]:
        known = self._known.get(surface)
        if known is None:
            known = self._resolver.candidates(surface, limit=CANDIDATES)
            self._known[surface] = known
        return known


def _reading(mention: ReviewMention, resolver: Resolver, candidates: _Candidates) -> _Reading:
    if mention.entity_id is not None:
        if mention.entity_id not in resolver.table:
            raise ReviewError(
                f"unknown entity id {mention.entity_id!r}: review with the table the mentions "
                "were made with (--table)",
                path=mention.path,
                line=mention.line,
                field="entity",
            )
        return _Reading(mention, mention.entity_id, mention.confidence)
    ranked = candidates(mention.surface)
    best = ranked[0] if ranked else None
    confidence = mention.confidence
    if not mention.candidate_known:
        confidence = None if best is None else best.confidence
    return _Reading(mention, None if best is None else best.entity.id, confidence)


def _item(  # noqa: PLR0917 - the parts of one group, in order
    key: str,
    entity_id: str | None,
    readings: Sequence[_Reading],
    resolver: Resolver,
    candidates: _Candidates,
    low: float,
    high: float,
    margin: float,
) -> ReviewItem | None:
    """The review row of one group, or None when nothing in it calls for a judgment."""
    spellings = Counter(reading.mention.surface for reading in readings)
    surface = max(spellings, key=lambda spelling: spellings[spelling])  # first seen on ties
    ranked = candidates(surface)
    rivals = [match for match in ranked if match.entity.id != entity_id]
    linked = [r.confidence for r in readings if r.mention.resolved and r.confidence is not None]
    open_ = [r.confidence for r in readings if not r.mention.resolved and r.confidence is not None]
    reason: Reason | None = None
    if linked and _ambiguous(entity_id, ranked, margin):
        reason = "ambiguous"
    elif any(low <= confidence < high for confidence in linked):
        reason = "uncertain"
    elif any(confidence >= low for confidence in open_):
        reason = "unresolved"
    if reason is None:
        return None
    entity = None if entity_id is None else resolver.table.get(entity_id)
    runner_up = rivals[0] if rivals else None
    methods = Counter(r.mention.method for r in readings if r.mention.method)
    known = [*linked, *open_]
    return ReviewItem(
        reason=reason,
        surface=surface,
        key=key,
        count=len(readings),
        examples=tuple(reading.mention.location for reading in _doubtful(readings)[:EXAMPLES]),
        entity_id=entity_id,
        entity_name=None if entity is None else entity.name,
        confidence=round(math.fsum(known) / len(known), 4),
        method=min(methods, key=lambda method: (-methods[method], method)) if methods else None,
        runner_up_id=None if runner_up is None else runner_up.entity.id,
        runner_up_name=None if runner_up is None else runner_up.entity.name,
        runner_up_confidence=None if runner_up is None else round(runner_up.confidence, 4),
        expected_errors=math.fsum(_doubt(reading) for reading in readings),
    )


def _doubt(reading: _Reading) -> float:
    """The probability that a mention is wrong: its link, or its leaving a span unlinked."""
    confidence = 0.0 if reading.confidence is None else reading.confidence
    return 1.0 - confidence if reading.mention.resolved else confidence


def _doubtful(readings: Sequence[_Reading]) -> list[_Reading]:
    """The readings, the most doubtful first (then in the order read): the examples a person
    should look at."""
    order = sorted(range(len(readings)), key=lambda i: (-round(_doubt(readings[i]), 9), i))
    return [readings[i] for i in order]


def _ambiguous(entity_id: str | None, ranked: Sequence[Match], margin: float) -> bool:
    """Whether the spelling alone hardly tells ``entity_id`` from another entity: two
    entities have it as a name, or the entity leads its best rival by less than ``margin``
    (or trails it: only the context made it win)."""
    if sum(1 for match in ranked if match.evidence.feature("text_equal")) > 1:
        return True
    own = next((match for match in ranked if match.entity.id == entity_id), None)
    rivals = [match for match in ranked if match.entity.id != entity_id]
    if own is None:
        return True
    return bool(rivals) and own.evidence.logit - rivals[0].evidence.logit < margin


# -- writing ---------------------------------------------------------------------------------


def write_review(items: Iterable[ReviewItem], handle: TextIO) -> None:
    """Write the review CSV: a header of :data:`COLUMNS` and a row per item.

    >>> import io
    >>> buffer = io.StringIO()
    >>> write_review([], buffer)
    >>> buffer.getvalue().split(",")[:3]
    ['reason', 'surface', 'count']
    """
    writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(item.row() for item in items)


def review_summary(mentions: int, items: Sequence[ReviewItem]) -> str:
    """One line on what the review found.

    >>> review_summary(12, [])
    '12 mentions read; 0 spellings to review'
    """
    reasons = Counter(item.reason for item in items)
    counts = ", ".join(f"{reason} {reasons[reason]}" for reason in REASONS if reasons[reason])
    covered = sum(item.count for item in items)
    line = f"{_plural(mentions, 'mention')} read; {_plural(len(items), 'spelling')} to review"
    if items:
        line += f" ({counts}), covering {_plural(covered, 'mention')}"
    return line


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
