"""Measure a resolver on labeled mentions: accuracy, false matches, calibration.

A labeled file is JSONL, one mention a line: ``mention``, optional ``context``, ``gold`` (the
entity id, or null for a mention of something not in the table), optional ``category`` and
``source``. :func:`evaluate` resolves each mention and reports, overall and by category:

- ``accuracy``: share of in-table mentions resolved (at the threshold) to the right entity;
- ``accuracy_at_1``: share of in-table mentions whose best candidate is right, at any confidence;
- ``false_match_rate``: share of not-in-table mentions that were resolved to something;
- ``precision``, ``recall``, ``f1`` of the resolved matches;
- ``ece``: expected calibration error over 10 equal-width bins of the best candidate's
  confidence, the outcome being "the best candidate is the gold entity".

>>> from namenorm import Resolver
>>> report = evaluate(Resolver(), [LabeledMention("Qassem Suleimani", gold="qasem-soleimani"),
...                                LabeledMention("Angela Merkel", gold=None)])
>>> report.overall.accuracy, report.overall.false_match_rate
(1.0, 0.0)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from namenorm.errors import LabeledDataError
from namenorm.resolve import Resolver
from namenorm.textfiles import jsonl_records, read_text_file

__all__ = [
    "EvaluationReport",
    "LabeledMention",
    "Metrics",
    "Prediction",
    "evaluate",
    "expected_calibration_error",
    "holdout_split",
    "metrics",
    "predict",
    "read_labeled",
]

ECE_BINS = 10


@attrs.frozen
class LabeledMention:
    """One labeled mention: the text, its context, and the right entity id (None = NIL).

    >>> LabeledMention("Qassem Suleimani", gold="qasem-soleimani").category
    'all'
    """

    mention: str
    context: str | None = None
    gold: str | None = None
    category: str = "all"
    source: str = ""


@attrs.frozen
class Prediction:
    """What a resolver (or a peer) said of one labeled mention.

    ``entity_id`` is the best candidate (None when there was none), ``confidence`` its
    confidence (or a peer's score scaled to [0, 1]), ``resolved`` whether it reached the
    threshold and so was returned as a match.

    >>> Prediction(LabeledMention("x", gold="a"), "a", 0.9, True).correct
    True
    """

    labeled: LabeledMention
    entity_id: str | None
    confidence: float
    resolved: bool

    @property
    def correct(self) -> bool:
        """The best candidate is the gold entity (never true for a NIL mention)."""
        return self.labeled.gold is not None and self.entity_id == self.labeled.gold


@attrs.frozen
class Metrics:
    """Figures over a set of predictions; a figure with no mention to count is None.

    >>> figures = metrics([Prediction(LabeledMention("x", gold=None), None, 0.0, False)])
    >>> figures.nil, figures.false_match_rate, figures.accuracy
    (1, 0.0, None)
    """

    count: int
    in_table: int
    nil: int
    accuracy: float | None
    accuracy_at_1: float | None
    false_match_rate: float | None
    precision: float | None
    recall: float | None
    f1: float | None
    ece: float | None

    def to_json(self) -> dict[str, Any]:
        """The figures as a JSON-ready dict."""
        return attrs.asdict(self)


@attrs.frozen
class EvaluationReport:
    """The figures overall and per category, with the threshold they were taken at.

    >>> from namenorm import Resolver
    >>> result = evaluate(Resolver(), [LabeledMention("Rai Allium", gold="rai-al-youm",
    ...                                               category="known_error")])
    >>> sorted(result.to_json()["by_category"]), result.threshold
    (['known_error'], 0.5)
    """

    overall: Metrics
    by_category: Mapping[str, Metrics]
    threshold: float
    predictions: tuple[Prediction, ...] = attrs.field(repr=False)

    def to_json(self) -> dict[str, Any]:
        """The report as one JSON object: the overall figures, ``by_category`` and threshold."""
        document = self.overall.to_json()
        document["threshold"] = self.threshold
        document["by_category"] = {
            name: figures.to_json() for name, figures in sorted(self.by_category.items())
        }
        return document

    def table(self) -> str:
        """The report as a plain-text table, one row per category and one overall."""
        header = f"{'category':<16}{'n':>5}{'acc':>8}{'acc@1':>8}{'FMR':>8}{'F1':>8}{'ECE':>8}"
        rows = [header, "-" * len(header)]
        for name, figures in [*sorted(self.by_category.items()), ("ALL", self.overall)]:
            rows.append(
                f"{name:<16}{figures.count:>5}"
                + "".join(
                    f"{_percent(value):>8}"
                    for value in (
                        figures.accuracy,
                        figures.accuracy_at_1,
                        figures.false_match_rate,
                        figures.f1,
                    )
                )
                + f"{_fixed(figures.ece):>8}"
            )
        return "\n".join(rows)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _fixed(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def expected_calibration_error(
    confidences: Sequence[float], outcomes: Sequence[bool], *, bins: int = ECE_BINS
) -> float | None:
    """The expected calibration error over ``bins`` equal-width bins (None with no data).

    >>> expected_calibration_error([0.9, 0.9, 0.1, 0.1], [True, True, False, False])
    0.1
    """
    if not confidences:
        return None
    totals = [0.0] * bins
    hits = [0.0] * bins
    counts = [0] * bins
    for confidence, outcome in zip(confidences, outcomes, strict=True):
        slot = min(bins - 1, int(confidence * bins))
        totals[slot] += confidence
        hits[slot] += float(outcome)
        counts[slot] += 1
    gap = sum(abs(totals[i] - hits[i]) for i in range(bins) if counts[i])
    return round(gap / len(confidences), 10)


def metrics(predictions: Sequence[Prediction]) -> Metrics:
    """Compute every figure over ``predictions``.

    >>> right = Prediction(LabeledMention("x", gold="a"), "a", 0.9, True)
    >>> wrong = Prediction(LabeledMention("y", gold="b"), "a", 0.6, True)
    >>> metrics([right, wrong]).accuracy
    0.5
    """
    in_table = [p for p in predictions if p.labeled.gold is not None]
    nil = [p for p in predictions if p.labeled.gold is None]
    resolved = [p for p in predictions if p.resolved]
    right = sum(1 for p in in_table if p.resolved and p.correct)
    precision = _ratio(right, len(resolved))
    recall = _ratio(right, len(in_table))
    f1 = None
    if precision is not None and recall is not None:
        f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return Metrics(
        count=len(predictions),
        in_table=len(in_table),
        nil=len(nil),
        accuracy=recall,
        accuracy_at_1=_ratio(sum(1 for p in in_table if p.correct), len(in_table)),
        false_match_rate=_ratio(sum(1 for p in nil if p.resolved), len(nil)),
        precision=precision,
        recall=recall,
        f1=f1,
        ece=expected_calibration_error(
            [p.confidence for p in predictions], [p.correct for p in predictions]
        ),
    )


def predict(
    resolver: Resolver, mentions: Iterable[LabeledMention], *, threshold: float | None = None
) -> list[Prediction]:
    """Resolve every labeled mention and record the best candidate and its confidence.

    >>> from namenorm import Resolver
    >>> [p.entity_id for p in predict(Resolver(), [LabeledMention("Hadi al-Ameri")])]
    ['hadi-al-amiri']
    """
    limit = resolver.threshold if threshold is None else threshold
    predictions = []
    for labeled in mentions:
        best = resolver.candidates(labeled.mention, context=labeled.context, limit=1)
        if best:
            top = best[0]
            predictions.append(
                Prediction(labeled, top.entity.id, top.confidence, top.confidence >= limit)
            )
        else:
            predictions.append(Prediction(labeled, None, 0.0, False))
    return predictions


def report(predictions: Sequence[Prediction], *, threshold: float) -> EvaluationReport:
    """Group predictions by category and compute the figures of each group and overall."""
    groups: dict[str, list[Prediction]] = {}
    for prediction in predictions:
        groups.setdefault(prediction.labeled.category, []).append(prediction)
    return EvaluationReport(
        overall=metrics(predictions),
        by_category={name: metrics(group) for name, group in groups.items()},
        threshold=threshold,
        predictions=tuple(predictions),
    )


def _optional_text(record: Mapping[str, Any], field: str, *, path: str, line: int) -> str | None:
    value = record.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise LabeledDataError(
            f"expected a string or null, got {type(value).__name__}",
            path=path,
            line=line,
            field=field,
        )
    return value


def read_labeled(path: str | os.PathLike[str]) -> list[LabeledMention]:
    """Read a labeled JSONL file; every malformed line raises :class:`LabeledDataError`.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labeled.jsonl"
    >>> _ = path.write_text('{"mention": "Sudani", "gold": "mohammed-shia-al-sudani"}\\n')
    >>> read_labeled(path)[0].gold
    'mohammed-shia-al-sudani'
    """
    location = os.fspath(path)
    text = read_text_file(location, error=LabeledDataError)
    mentions = []
    for record, number in jsonl_records(text, location, error=LabeledDataError):
        if not isinstance(record, dict):
            raise LabeledDataError("expected a JSON object", path=location, line=number)
        mention = _optional_text(record, "mention", path=location, line=number)
        if not mention:
            raise LabeledDataError(
                "missing required field", path=location, line=number, field="mention"
            )
        gold = _optional_text(record, "gold", path=location, line=number)
        if gold is not None and not gold.strip():
            raise LabeledDataError(
                "an empty gold id; use null for a mention of something not in the table",
                path=location,
                line=number,
                field="gold",
            )
        mentions.append(
            LabeledMention(
                mention=mention,
                context=_optional_text(record, "context", path=location, line=number),
                gold=gold,
                category=_optional_text(record, "category", path=location, line=number) or "all",
                source=_optional_text(record, "source", path=location, line=number) or "",
            )
        )
    return mentions


def evaluate(
    resolver: Resolver,
    labeled: str | os.PathLike[str] | Iterable[LabeledMention],
    *,
    threshold: float | None = None,
) -> EvaluationReport:
    """Resolve labeled mentions (a JSONL path or LabeledMention values) and report the figures.

    >>> from namenorm import Resolver
    >>> evaluate(Resolver(), [LabeledMention("Angela Zbrowski")]).overall.false_match_rate
    0.0
    """
    mentions = read_labeled(labeled) if isinstance(labeled, str | os.PathLike) else list(labeled)
    limit = resolver.threshold if threshold is None else threshold
    return report(predict(resolver, mentions, threshold=limit), threshold=limit)


def holdout_split(
    mentions: Iterable[LabeledMention], *, test_share: float = 0.5, salt: str = "namenorm"
) -> tuple[list[LabeledMention], list[LabeledMention]]:
    """Split labeled mentions into (fit, test) parts, deterministically.

    The part is decided by a hash of the case-folded mention text, so one spelling never sits
    in both parts (its contexts would leak), and the split does not depend on file order.

    >>> fit, test = holdout_split([LabeledMention("Qasem"), LabeledMention("QASEM")])
    >>> len(fit) + len(test), (len(fit), len(test)) in {(2, 0), (0, 2)}
    (2, True)
    """
    fit: list[LabeledMention] = []
    test: list[LabeledMention] = []
    for labeled in mentions:
        key = f"{salt}:{labeled.mention.casefold()}".encode(errors="surrogatepass")
        digest = hashlib.sha256(key).digest()
        share = int.from_bytes(digest[:8], "big") / 2**64
        (test if share < test_share else fit).append(labeled)
    return fit, test
