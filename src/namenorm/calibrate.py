"""Fit a confidence model on labeled mentions.

:func:`fit_model` fits the two parts of :mod:`namenorm.confidence` against a table. The pair
model is a conditional logit: for each labeled mention, its candidate entities (each by its
best-scoring string) compete with NIL, and the weights maximize the probability of the right
answer (the gold entity, or NIL for a mention of something not in the table). Each entity's best
string depends on the weights, so the fit is repeated with the strings the previous round chose.
The calibrator then rescales the log-odds of each mention's best candidate. The shipped model
was fitted this way by ``scripts/fit_confidence.py``.

>>> from namenorm import load_table
>>> from namenorm.evaluation import LabeledMention
>>> model = fit_model(load_table(), [LabeledMention("Qassem Suleimani", gold="qasem-soleimani"),
...                                  LabeledMention("Qasem Ali", gold=None)], l2=10.0)
>>> sorted(model.calibrator_weights)
['log_odds']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from namenorm.confidence import (
    INTERACTION,
    MODEL_FEATURES,
    ConfidenceModel,
    feature_value,
    fit_conditional_logit,
    fit_logistic,
)
from namenorm.errors import CalibrationError
from namenorm.evaluation import LabeledMention
from namenorm.resolve import FeatureRow, Resolver
from namenorm.score import similarity
from namenorm.tables import AliasTable

__all__ = ["fit_model"]

ROUNDS = 3
"""Fits, each choosing every entity's best string by the previous round's weights."""
CANDIDATES_PER_MENTION = 15
"""Only a mention's best candidates (by the previous round) enter the fit: the others have
probabilities too small to move it, and leaving them out keeps the fit fast."""

TABLE_WEIGHT = 1.0
"""How much each of the table's own strings weighs in the fit, against one labeled mention."""
TABLE_CATEGORY = "table string"

NONPOSITIVE_TERMS = frozenset(
    term for term in MODEL_FEATURES if "complete_elsewhere" in term.split(INTERACTION)
)
"""Terms whose weight the fit keeps at 0 or below: that another candidate matches all of its
name while this one matches part of its own is never evidence for this one. Labeled mentions
whose context picks the partial candidate (a lone "Khatami" in a sentence about Iraq's prime
minister) would otherwise teach the opposite, and the lesson would hold without context too."""

Examples = list[tuple[LabeledMention, list[FeatureRow]]]


def _vector(row: FeatureRow) -> list[float]:
    return [feature_value(row.features, term) for term in MODEL_FEATURES]


def _logit(row: FeatureRow, intercept: float, weights: Mapping[str, float]) -> float:
    return intercept + sum(
        weight * feature_value(row.features, name) for name, weight in weights.items()
    )


def _best_per_entity(
    rows: Sequence[FeatureRow], weights: tuple[float, Mapping[str, float]] | None
) -> list[tuple[float, FeatureRow]]:
    """Each entity's best string (by raw similarity before any weights, then by logit), best
    entity first, as the resolver ranks them."""
    best: dict[str, tuple[float, FeatureRow]] = {}
    for row in rows:
        score = similarity(row.features) if weights is None else _logit(row, *weights)
        if row.entity_id not in best or score > best[row.entity_id][0]:
            best[row.entity_id] = (score, row)
    return sorted(best.values(), key=lambda item: (-item[0], item[1].entity_id))


def _groups(
    examples: Examples, weights: tuple[float, Mapping[str, float]] | None
) -> tuple[list[tuple[list[list[float]], int | None]], list[LabeledMention]]:
    """Per mention: its entities' best strings as feature rows, and the gold row's position;
    and the mentions those groups stand for."""
    groups = []
    kept = []
    for labeled, rows in examples:
        chosen = _best_per_entity(rows, weights)[:CANDIDATES_PER_MENTION]
        gold = next((i for i, (_, row) in enumerate(chosen) if row.entity_id == labeled.gold), None)
        if labeled.gold is not None and gold is None:
            # The right entity was not among the candidates: nothing to learn about weights.
            continue
        groups.append(([_vector(row) for _, row in chosen], gold))
        kept.append(labeled)
    return groups, kept


def _fit_pairs(
    examples: Examples,
    weights: tuple[float, Mapping[str, float]] | None,
    *,
    l2: float,
    table_weight: float,
) -> tuple[float, Mapping[str, float]]:
    groups, kept = _groups(examples, weights)
    group_weights = [
        table_weight if labeled.category == TABLE_CATEGORY else 1.0 for labeled in kept
    ]
    # An active set: a term that must not be positive and came out positive is held at 0 (its
    # column blanked) and the rest refitted, until every such term is at 0 or below.
    held: set[int] = set()
    while True:
        blanked = (
            groups
            if not held
            else [
                ([[0.0 if i in held else v for i, v in enumerate(row)] for row in rows], gold)
                for rows, gold in groups
            ]
        )
        intercept, coefficients = fit_conditional_logit(blanked, l2=l2, weights=group_weights)
        wrong = {
            i
            for i, term in enumerate(MODEL_FEATURES)
            if term in NONPOSITIVE_TERMS and i not in held and coefficients[i] > 0.0
        }
        if not wrong:
            break
        held |= wrong
    coefficients = [0.0 if i in held else c for i, c in enumerate(coefficients)]
    return intercept, dict(zip(MODEL_FEATURES, coefficients, strict=True))


def fit_model(
    table: AliasTable,
    mentions: Sequence[LabeledMention],
    *,
    l2: float = 1.0,
    table_weight: float = TABLE_WEIGHT,
    name: str = "fitted",
    metadata: dict[str, Any] | None = None,
) -> ConfidenceModel:
    """Fit the pair model and the calibrator of a confidence model on labeled mentions.

    The pair model also learns from the table's own strings (each a mention of its entity),
    weighted ``table_weight`` each; the calibrator only from the labeled mentions. The terms of
    ``NONPOSITIVE_TERMS`` are kept at 0 or below.

    Raises :class:`~namenorm.errors.CalibrationError` when the mentions give nothing to learn
    from (no candidate, or best candidates all right or all wrong), or name a gold id the table
    does not have.

    >>> from namenorm import AliasTable, Entity, Resolver
    >>> table = AliasTable([Entity(id="amiri", name="Hadi al-Amiri", kind="person")])
    >>> model = fit_model(table, [LabeledMention("Hadi al-Ameri", gold="amiri"),
    ...                           LabeledMention("Hadi Khamis", gold=None)], table_weight=0.0)
    >>> Resolver(table, model=model).resolve("Hadi Ameri").entity.id
    'amiri'
    """
    for labeled in mentions:
        if labeled.gold is not None and labeled.gold not in table:
            raise CalibrationError(
                f"gold id {labeled.gold!r} of mention {labeled.mention!r} is not in the table",
                field="gold",
            )
    # Features do not depend on weights: a blank model keeps the fit independent of the
    # shipped one (which may have been fitted for other features).
    blank = ConfidenceModel(
        pair_weights={}, pair_intercept=0.0, calibrator_weights={}, calibrator_intercept=0.0
    )
    probe = Resolver(table, model=blank)
    # The table's own strings are mentions too: each names its entity. Labeled data rarely
    # repeats a table string as it is, so without them the fit would not learn how strong an
    # exact alias is (or that a bare alias shared by two entities is a tie).
    own = [
        LabeledMention(string, gold=entity.id, category=TABLE_CATEGORY)
        for entity in table
        for string in dict.fromkeys((*entity.names(), *entity.errors))
    ]
    labeled_examples = [
        (labeled, probe.feature_rows(labeled.mention, context=labeled.context))
        for labeled in mentions
    ]
    examples = labeled_examples + [
        (labeled, probe.feature_rows(labeled.mention)) for labeled in own if table_weight > 0
    ]
    weights = _fit_pairs(examples, None, l2=l2, table_weight=table_weight)
    for _ in range(ROUNDS - 1):
        weights = _fit_pairs(examples, weights, l2=l2, table_weight=table_weight)
    intercept, pair_weights = weights
    uncalibrated = ConfidenceModel(
        pair_weights=pair_weights,
        pair_intercept=intercept,
        calibrator_weights={"log_odds": 1.0},
        calibrator_intercept=0.0,
        name=name,
    )
    # The calibrator sees each mention's best candidate as the resolver would rank it.
    odds: list[list[float]] = []
    outcomes: list[int] = []
    for labeled, rows in labeled_examples:
        ranked = _best_per_entity(rows, weights)
        if ranked:
            (top, row), rivals = ranked[0], [logit for logit, _ in ranked[1:]]
            odds.append([uncalibrated.log_odds(top, rivals)])
            outcomes.append(int(row.entity_id == labeled.gold))
    if not outcomes or all(outcomes) or not any(outcomes):
        raise CalibrationError("the best candidates are all right or all wrong: cannot calibrate")
    calibrator_intercept, (slope,) = fit_logistic(odds, outcomes, l2=0.01)
    return ConfidenceModel(
        pair_weights={key: round(value, 6) for key, value in pair_weights.items()},
        pair_intercept=round(intercept, 6),
        calibrator_weights={"log_odds": round(slope, 6)},
        calibrator_intercept=round(calibrator_intercept, 6),
        name=name,
        metadata={
            **(metadata or {}),
            "mentions": len(mentions),
            "candidate_strings": sum(len(rows) for _, rows in examples),
            "l2": l2,
            "rounds": ROUNDS,
            "table_strings": len(own),
            "table_weight": table_weight,
        },
    )
