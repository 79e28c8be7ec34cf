"""Fit a confidence model on labeled mentions.

:func:`fit_model` fits the two logistic models of :mod:`namenorm.confidence` against a table:
first the pair model on every (mention, candidate string) pair, labeled by whether the
candidate's entity is the gold one; then the calibrator on each mention's best candidate,
labeled by whether it is right (never, for a mention whose gold is NIL). The shipped model
was fitted this way by ``scripts/fit_confidence.py``.

>>> from namenorm import load_table
>>> from namenorm.evaluate import LabeledMention
>>> table = load_table()
>>> model = fit_model(table, [LabeledMention("Qassem Suleimani", gold="qasem-soleimani"),
...                           LabeledMention("Qasem Ali", gold=None)], l2=10.0)
>>> sorted(model.calibrator_weights)
['logit', 'margin', 'rival']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from namenorm.confidence import (
    CALIBRATOR_FEATURES,
    MODEL_FEATURES,
    ConfidenceModel,
    fit_logistic,
)
from namenorm.errors import CalibrationError
from namenorm.evaluate import LabeledMention
from namenorm.resolve import FeatureRow, Resolver
from namenorm.tables import AliasTable

__all__ = ["fit_model"]

Examples = list[tuple[LabeledMention, list[FeatureRow]]]


def _vector(row: FeatureRow) -> list[float]:
    return [row.features.get(feature, 0.0) for feature in MODEL_FEATURES]


def _fit_pairs(
    examples: Examples,
    *,
    l2: float,
    best_only: tuple[float, Mapping[str, float]] | None,
) -> tuple[float, list[float]]:
    rows: list[list[float]] = []
    labels: list[int] = []
    weights: list[float] = []
    for labeled, every_row in examples:
        candidates = every_row
        if best_only is not None:
            intercept, coefficients = best_only
            best: dict[str, tuple[float, FeatureRow]] = {}
            for row in every_row:
                logit = intercept + sum(
                    weight * row.features.get(name, 0.0) for name, weight in coefficients.items()
                )
                if row.entity_id not in best or logit > best[row.entity_id][0]:
                    best[row.entity_id] = (logit, row)
            candidates = [row for _, row in best.values()]
        positives = sum(1 for row in candidates if row.entity_id == labeled.gold)
        negatives = len(candidates) - positives
        for row in candidates:
            label = int(row.entity_id == labeled.gold)
            rows.append(_vector(row))
            labels.append(label)
            # Each mention weighs the same however many candidates it has.
            weights.append(1.0 / positives if label else 1.0 / negatives)
    if not labels or all(labels) or not any(labels):
        raise CalibrationError("the labeled mentions give no positive or no negative pair")
    return fit_logistic(rows, labels, l2=l2, weights=weights)


def fit_model(
    table: AliasTable,
    mentions: Sequence[LabeledMention],
    *,
    l2: float = 1.0,
    name: str = "fitted",
    metadata: dict[str, Any] | None = None,
) -> ConfidenceModel:
    """Fit the pair model and the calibrator of a confidence model on labeled mentions.

    Raises :class:`~namenorm.errors.CalibrationError` when the mentions give no positive or no
    negative example to learn from, or name a gold id the table does not have.
    """
    for labeled in mentions:
        if labeled.gold is not None and labeled.gold not in table:
            raise CalibrationError(
                f"gold id {labeled.gold!r} of mention {labeled.mention!r} is not in the table",
                field="gold",
            )
    probe = Resolver(table)
    examples = [
        (labeled, probe.feature_rows(labeled.mention, context=labeled.context))
        for labeled in mentions
    ]
    # Round 1 weighs every candidate string; round 2 only each entity's best string under
    # round 1, which is what the resolver compares: the other aliases of the right entity
    # (its Arabic-script form, say, for a Latin mention) are not evidence against anything.
    intercept, coefficients = _fit_pairs(examples, l2=l2, best_only=None)
    round_one = dict(zip(MODEL_FEATURES, coefficients, strict=True))
    intercept, coefficients = _fit_pairs(examples, l2=l2, best_only=(intercept, round_one))
    pair_only = ConfidenceModel(
        pair_weights=dict(zip(MODEL_FEATURES, coefficients, strict=True)),
        pair_intercept=intercept,
        calibrator_weights={"logit": 1.0},
        calibrator_intercept=0.0,
        name=name,
    )
    ranker = Resolver(table, model=pair_only, threshold=0.0)
    top_rows: list[list[float]] = []
    top_labels: list[int] = []
    for labeled in mentions:
        best = ranker.candidates(labeled.mention, context=labeled.context, limit=1)
        if not best:
            continue
        match = best[0]
        inputs = pair_only.calibrator_inputs(match.evidence.logit, match.evidence.margin)
        top_rows.append([inputs[feature] for feature in CALIBRATOR_FEATURES])
        top_labels.append(int(match.entity.id == labeled.gold))
    if not top_labels or all(top_labels) or not any(top_labels):
        raise CalibrationError("the best candidates are all right or all wrong: cannot calibrate")
    calibrator_intercept, calibrator = fit_logistic(top_rows, top_labels, l2=l2 / 10)
    return ConfidenceModel(
        pair_weights={k: round(v, 6) for k, v in zip(MODEL_FEATURES, coefficients, strict=True)},
        pair_intercept=round(intercept, 6),
        calibrator_weights={
            k: round(v, 6) for k, v in zip(CALIBRATOR_FEATURES, calibrator, strict=True)
        },
        calibrator_intercept=round(calibrator_intercept, 6),
        name=name,
        metadata={
            **(metadata or {}),
            "mentions": len(mentions),
            "candidate_strings": sum(len(rows) for _, rows in examples),
            "l2": l2,
        },
    )
