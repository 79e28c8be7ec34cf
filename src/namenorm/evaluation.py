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

:meth:`EvaluationReport.reliability` gives the per-bin figures behind the ECE, and
:meth:`EvaluationReport.plot_reliability` draws them as a reliability diagram (PNG; needs the
``plot`` extra, ``pip install 'namenorm[plot]'``).

>>> from namenorm import Resolver
>>> report = evaluate(Resolver(), [LabeledMention("Qassem Suleimani", gold="qasem-soleimani"),
...                                LabeledMention("Angela Merkel", gold=None)])
>>> report.overall.accuracy, report.overall.false_match_rate
(1.0, 0.0)
"""

from __future__ import annotations

import bisect
import hashlib
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from namenorm.atomic import write_atomically
from namenorm.errors import LabeledDataError, MissingDependencyError
from namenorm.resolve import Resolver
from namenorm.tables import AliasTable
from namenorm.textfiles import jsonl_records, read_text_file

__all__ = [
    "EvaluationReport",
    "LabeledMention",
    "Metrics",
    "Prediction",
    "ReliabilityBin",
    "check_gold_ids",
    "evaluate",
    "expected_calibration_error",
    "holdout_split",
    "metrics",
    "predict",
    "read_labeled",
    "reliability_bins",
]

ECE_BINS = 10
LOG_COUNTS_FROM = 20
"""The reliability diagram counts mentions on a log axis when its fullest bin holds this many
times as many as its emptiest non-empty one."""


@attrs.frozen
class LabeledMention:
    """One labeled mention: the text, its context, and the right entity id (None = NIL).

    ``line`` is the line of the file it was read from (None when built in Python); it only
    locates errors, so two mentions that differ only by it are equal.

    >>> LabeledMention("Qassem Suleimani", gold="qasem-soleimani").category
    'all'
    """

    mention: str
    context: str | None = None
    gold: str | None = None
    category: str = "all"
    source: str = ""
    line: int | None = attrs.field(default=None, eq=False)


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

    def reliability(self, *, bins: int = ECE_BINS) -> tuple[ReliabilityBin, ...]:
        """The figures of a reliability diagram: every mention's best-candidate confidence
        against whether that candidate is the gold entity, in ``bins`` equal-width bins (see
        :func:`reliability_bins`). Their count-weighted mean gap is ``overall.ece``.

        >>> from namenorm import Resolver
        >>> result = evaluate(Resolver(), [LabeledMention("Hadi al-Ameri", gold="hadi-al-amiri")])
        >>> [(b.lower, b.count, b.accuracy) for b in result.reliability(bins=2)]
        [(0.0, 0, None), (0.5, 1, 1.0)]
        """
        return reliability_bins(
            [p.confidence for p in self.predictions],
            [p.correct for p in self.predictions],
            bins=bins,
        )

    def plot_reliability(
        self, path: str | os.PathLike[str], *, bins: int = ECE_BINS, title: str | None = None
    ) -> None:
        """Write a reliability diagram of :meth:`reliability` as a PNG file, atomically.

        On top, each bin's observed accuracy (bars, with the mention count) and its mean
        confidence (the gap shaded) against the diagonal of perfect calibration, with the ECE
        in the title and the threshold marked; below, how many mentions fall in each bin.
        Needs matplotlib (``pip install 'namenorm[plot]'``), else raises
        :class:`~namenorm.errors.MissingDependencyError`; it draws on its own canvas, so
        pyplot and the backend chosen by the caller are left alone.

        >>> import tempfile, pathlib
        >>> from namenorm import Resolver
        >>> result = evaluate(Resolver(), [LabeledMention("Hadi al-Ameri", gold="hadi-al-amiri"),
        ...                                LabeledMention("Hadi Khamis")])
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "reliability.png"
        >>> result.plot_reliability(target)
        >>> target.read_bytes()[1:4]
        b'PNG'
        """
        write_atomically(path, _reliability_png(self, bins=bins, title=title))

    def table(self) -> str:
        """The report as a plain-text table, one row per category and one overall (recall is
        the ``acc`` column: both are the share of in-table mentions resolved right).

        >>> from namenorm import Resolver
        >>> print(evaluate(Resolver(), [LabeledMention("Hadi al-Ameri", gold="hadi-al-amiri")]
        ...                ).table().splitlines()[-1])
        ALL                 1  100.0%  100.0%       -  100.0%  100.0%   0.000
        """
        header = (
            f"{'category':<16}{'n':>5}{'acc':>8}{'acc@1':>8}{'FMR':>8}{'prec':>8}{'F1':>8}"
            f"{'ECE':>8}"
        )
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
                        figures.precision,
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


@attrs.frozen
class ReliabilityBin:
    """One bin of a reliability diagram: the mentions whose confidence is in [lower, upper)
    (the last bin also takes 1.0), their mean confidence and the share that was right (both
    None for an empty bin).

    >>> ReliabilityBin(0.9, 1.0, count=4, mean_confidence=0.95, accuracy=0.75).gap
    0.2
    """

    lower: float
    upper: float
    count: int
    mean_confidence: float | None
    accuracy: float | None

    @property
    def gap(self) -> float | None:
        """How far the mean confidence is from the accuracy (None for an empty bin)."""
        if self.mean_confidence is None or self.accuracy is None:
            return None
        return round(abs(self.mean_confidence - self.accuracy), 10)


def _tally(
    confidences: Sequence[float], outcomes: Sequence[bool], bins: int
) -> tuple[list[int], list[float], list[float]]:
    """Per bin: the count, the sum of confidences and the number right."""
    if bins < 1:
        raise ValueError(f"bins must be 1 or more, got {bins!r}")
    # Bin by comparing with the edges themselves (not int(confidence * bins), which rounds)
    # so that every confidence lies inside the [lower, upper) its bin reports.
    edges = [i / bins for i in range(1, bins)]
    counts = [0] * bins
    totals = [0.0] * bins
    hits = [0.0] * bins
    for confidence, outcome in zip(confidences, outcomes, strict=True):
        slot = bisect.bisect_right(edges, confidence)
        counts[slot] += 1
        totals[slot] += confidence
        hits[slot] += float(outcome)
    return counts, totals, hits


def reliability_bins(
    confidences: Sequence[float], outcomes: Sequence[bool], *, bins: int = ECE_BINS
) -> tuple[ReliabilityBin, ...]:
    """Split (confidence, outcome) pairs into ``bins`` equal-width bins of confidence over
    [0, 1], every bin listed (empty ones too), lowest first.

    >>> [(b.count, b.mean_confidence, b.accuracy)
    ...  for b in reliability_bins([0.75, 1.0, 0.25], [True, False, False], bins=2)]
    [(1, 0.25, 0.0), (2, 0.875, 0.5)]
    """
    counts, totals, hits = _tally(confidences, outcomes, bins)
    return tuple(
        ReliabilityBin(
            lower=i / bins,
            upper=(i + 1) / bins,
            # The mean of confidences in a bin lies in it; a sum of floats can put it an ulp
            # outside (three 0.35s average 0.3499999999999999), which would misplace it.
            mean_confidence=min(max(totals[i] / counts[i], i / bins), (i + 1) / bins)
            if counts[i]
            else None,
            count=counts[i],
            accuracy=hits[i] / counts[i] if counts[i] else None,
        )
        for i in range(bins)
    )


def expected_calibration_error(
    confidences: Sequence[float], outcomes: Sequence[bool], *, bins: int = ECE_BINS
) -> float | None:
    """The expected calibration error over ``bins`` equal-width bins (None with no data): the
    count-weighted mean gap of the :func:`reliability_bins`.

    >>> expected_calibration_error([0.9, 0.9, 0.1, 0.1], [True, True, False, False])
    0.1
    """
    if not confidences:
        return None
    counts, totals, hits = _tally(confidences, outcomes, bins)
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
                line=number,
            )
        )
    return mentions


def check_gold_ids(
    mentions: Iterable[LabeledMention],
    table: AliasTable,
    *,
    path: str | os.PathLike[str] | None = None,
) -> None:
    """Raise :class:`LabeledDataError` for the first mention whose gold id is not in ``table``,
    naming the file and line (given ``path``, for mentions read by :func:`read_labeled`) or the
    mention's position.

    A gold id the table lacks is a mistake in the labels or the wrong table: counting such a
    mention as missed would hide it in the figures.

    >>> from namenorm import load_table
    >>> check_gold_ids([LabeledMention("Hadi al-Amiri", gold="hadi-amiri")], load_table())
    Traceback (most recent call last):
      ...
    namenorm.errors.LabeledDataError: record 1: field 'gold': gold id 'hadi-amiri' of ...
    """
    location = None if path is None else os.fspath(path)
    for position, labeled in enumerate(mentions, start=1):
        if labeled.gold is not None and labeled.gold not in table:
            line = labeled.line if location is not None else None
            raise LabeledDataError(
                f"gold id {labeled.gold!r} of mention {labeled.mention!r} is not in the table "
                f"({len(table)} entities); fix the id, or use null for a mention of something "
                "not in the table",
                path=location,
                line=line,
                record=None if line is not None else position,
                field="gold",
            )


def evaluate(
    resolver: Resolver,
    labeled: str | os.PathLike[str] | Iterable[LabeledMention],
    *,
    threshold: float | None = None,
) -> EvaluationReport:
    """Resolve labeled mentions (a JSONL path or LabeledMention values) and report the figures.

    Raises :class:`LabeledDataError` for a malformed file or a gold id the resolver's table
    does not have (see :func:`check_gold_ids`).

    >>> from namenorm import Resolver
    >>> evaluate(Resolver(), [LabeledMention("Angela Zbrowski")]).overall.false_match_rate
    0.0
    """
    if isinstance(labeled, str | os.PathLike):
        mentions = read_labeled(labeled)
        check_gold_ids(mentions, resolver.table, path=labeled)
    else:
        mentions = list(labeled)
        check_gold_ids(mentions, resolver.table)
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


def _reliability_png(result: EvaluationReport, *, bins: int, title: str | None) -> bytes:
    """Draw the reliability diagram of ``result`` and return it as PNG bytes."""
    try:
        # A Figure on an Agg canvas of its own: no pyplot, so no global backend or state.
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415
        from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter  # noqa: PLC0415
    except ImportError as error:
        raise MissingDependencyError(
            "the reliability diagram needs matplotlib: pip install 'namenorm[plot]'",
            name="matplotlib",
        ) from error
    figures = result.reliability(bins=bins)
    filled = [b for b in figures if b.count]
    centres = [(b.lower + b.upper) / 2 for b in filled]
    accuracy = [b.accuracy or 0.0 for b in filled]
    confidence = [b.mean_confidence or 0.0 for b in filled]
    width = 0.9 / bins
    ece = expected_calibration_error(
        [p.confidence for p in result.predictions],
        [p.correct for p in result.predictions],
        bins=bins,
    )

    figure = Figure(figsize=(7.0, 7.5), dpi=120, layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    top.plot([0, 1], [0, 1], linestyle="--", color="#777777", label="perfect calibration")
    top.bar(centres, accuracy, width=width, color="#4c72b0", alpha=0.85, label="accuracy")
    # Hatched outlines, not filled bars: the gap can run above or below the accuracy bar.
    top.bar(
        centres,
        [c - a for c, a in zip(confidence, accuracy, strict=True)],
        bottom=accuracy,
        width=width,
        fill=False,
        hatch="///",
        edgecolor="#c44e52",
        linewidth=0.8,
        label="gap to mean confidence",
    )
    top.plot(
        confidence,
        accuracy,
        "o",
        color="#222222",
        markersize=4,
        label="accuracy at the mean confidence",
    )
    top.axvline(result.threshold, color="#55a868", linestyle=":", label="threshold")
    top.set_xlim(0.0, 1.0)
    top.set_ylim(0.0, 1.05)
    top.set_ylabel("accuracy (the best candidate is right)")
    top.legend(loc="upper left", fontsize=8)
    top.grid(alpha=0.3)
    summary = f"ECE {_fixed(ece)} · {len(result.predictions)} mentions · {bins} bins"
    top.set_title(f"{title or 'Reliability diagram'}\n{summary}", fontsize=11)

    # Counts often span orders of magnitude (most mentions sit near 0 or 1): a log axis then
    # keeps the sparse middle bins visible. Each bar carries its count either way.
    counts = [b.count for b in figures]
    bottom.bar([(b.lower + b.upper) / 2 for b in figures], counts, width=width, color="#8c8c8c")
    for b in filled:
        bottom.annotate(
            str(b.count),
            ((b.lower + b.upper) / 2, b.count),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    if filled and max(counts) >= LOG_COUNTS_FROM * min(b.count for b in filled):
        bottom.set_yscale("log")
        bottom.set_ylim(0.8, max(counts) * 4)
        bottom.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        bottom.yaxis.set_minor_formatter(NullFormatter())
    else:
        bottom.set_ylim(0, max([1, *counts]) * 1.25)
        bottom.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    bottom.set_xlabel("confidence of the best candidate")
    bottom.set_ylabel("mentions")
    bottom.set_xticks([i / bins for i in range(bins + 1)])
    bottom.grid(alpha=0.3, axis="y")

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
