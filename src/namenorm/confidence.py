"""Calibrated confidence: from similarity features to the probability that a match is right.

The model, fitted on labeled mentions by ``scripts/fit_confidence.py`` and shipped as data
(``namenorm/data/confidence.json``), has two parts:

1. the *pair model* weighs the features of a mention against one entity (string similarity,
   token coverage, known error, context words) into a logit ``z``. The candidates of a mention
   compete with each other and with "none of them" (NIL, logit 0): entity ``e`` is the referent
   with probability ``exp(z_e) / (1 + sum of exp(z) over the candidates)``, a conditional
   logit fitted by maximum likelihood. A close rival therefore lowers the probability by itself.
2. the *calibrator* rescales the log-odds of that probability (``a * log_odds + b``), fitted
   on the same labeled mentions, to correct what the first part leaves over- or under-confident.

A match is returned only when its confidence reaches the threshold (``DEFAULT_THRESHOLD``);
below it the answer is NIL (None).

>>> model = load_model()
>>> strong = model.pair_logit({"phonetic_equal": 1.0, "ratio": 0.9, "all_matched": 1.0})
>>> 0.0 <= model.confidence(strong, rivals=()) <= 1.0
True
>>> model.confidence(strong, rivals=(strong,)) < model.confidence(strong, rivals=())
True
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy.typing

    Vector = numpy.typing.NDArray[Any]
    Matrix = numpy.typing.NDArray[Any]

import attrs

from namenorm.atomic import write_atomically
from namenorm.errors import CalibrationError
from namenorm.model import FrozenMapping
from namenorm.resources import cache, data_path, read_text, register_cache
from namenorm.score import FEATURES
from namenorm.textfiles import read_text_file

__all__ = [
    "CALIBRATOR_FEATURES",
    "DEFAULT_THRESHOLD",
    "ENTITY_FEATURES",
    "MODEL_FEATURES",
    "ConfidenceModel",
    "feature_value",
    "fit_conditional_logit",
    "fit_logistic",
    "load_model",
    "sigmoid",
]

DEFAULT_THRESHOLD = 0.5
"""A match is returned when its confidence is at least this; below, the mention is NIL."""

ENTITY_FEATURES = (
    "person",
    "partial_other",
    "conflict",
    "exact_elsewhere",
    "complete_elsewhere",
    "place_inside",
    "context",
    "context_lead",
    "comention",
    "shared_key",
    "common_token",
    "distinctive",
    "glossed",
    "respelled",
    "acronym",
)
"""Features of the entity rather than of one string: whether it is a person, and how much of
its name a mention of a non-person leaves out (a surname alone names a person; a word alone
rarely names an organization or a place); whether the mention conflicts with every full name
of the entity (a different given name: a relative or a namesake); whether the mention is, as
normalized, another candidate's name (then it is rarely a part of this one's), and whether that
other candidate is a place named inside this one's name ("Iraq" in "Parliament of Iraq",
"Baghdad" in "US Embassy Baghdad"); whether another candidate matches all of its name while
this one matches only part of its own (Hezbllah: Hezbollah, not Kataib Hezbollah); its context
words found
around the
mention, and its lead in them over the other candidates; another of its names found there; how
many entities share the matched key; how many carry the mention's rarest token; whether the
mention has a token that only this entity carries; whether the candidate was found through a
glossed reading of the mention (:mod:`namenorm.glosses`) rather than the mention itself, or
through the mention as another romanization would respell it (:mod:`namenorm.respell`);
whether the mention is an acronym of one of its names (:mod:`namenorm.acronyms`)."""

INTERACTION = "*"
"""Joins two feature names into an interaction term: ``"surname*person"`` weighs the product."""

INTERACTING = (
    "all_matched",
    "surname",
    "given",
    "single_token",
    "person",
    "fuzzy_tokens",
    "unmatched",
    "extra_known",
    "conflict",
    "context_lead",
    "known_error",
    "distinctive",
    "partial_other",
    "exact_elsewhere",
    "complete_elsewhere",
    "non_latin",
)
"""Features whose pairwise products the pair model also weighs: name structure matters
differently for people and organizations, for one word and for several, and for script,
whose unvowelled words have the consonants of many names, and Latin."""

MODEL_FEATURES = (
    *FEATURES,
    *ENTITY_FEATURES,
    *(
        f"{first}{INTERACTION}{second}"
        for position, first in enumerate(INTERACTING)
        for second in INTERACTING[position + 1 :]
    ),
)
"""Every term the pair model weighs: the features, then the interactions."""


def feature_value(features: Mapping[str, float], term: str) -> float:
    """The value of a model term: a feature, or the product of an interaction's features.

    >>> feature_value({"surname": 1.0, "person": 1.0}, "surname*person")
    1.0
    """
    if INTERACTION not in term:
        return features.get(term, 0.0)
    value = 1.0
    for name in term.split(INTERACTION):
        value *= features.get(name, 0.0)
    return value


CALIBRATOR_FEATURES = ("log_odds",)


def _log_one_plus_sum_exp(values: Sequence[float]) -> float:
    """log(1 + sum(exp(v))), computed without overflow."""
    top = max(0.0, *values) if values else 0.0
    return top + math.log(math.exp(-top) + sum(math.exp(v - top) for v in values))


def sigmoid(value: float) -> float:
    """The logistic function, safe for large arguments.

    >>> sigmoid(0.0)
    0.5
    """
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exponential = math.exp(value)
    return exponential / (1.0 + exponential)


def _read_only(values: Mapping[str, Any]) -> Mapping[str, Any]:
    # The model is shared (load_model caches it): its weights must not change under it.
    return FrozenMapping(values)


@attrs.frozen
class ConfidenceModel:
    """The fitted weights of the pair model and the calibrator, with where they came from.

    Load the shipped one with :func:`load_model`, fit one with
    :func:`namenorm.calibrate.fit_model`, and give it to ``Resolver(model=...)``.

    >>> model = load_model()
    >>> model.confidence(5.0, rivals=()) > model.confidence(5.0, rivals=(4.0,))
    True
    """

    pair_weights: Mapping[str, float] = attrs.field(converter=_read_only, hash=False)
    pair_intercept: float
    calibrator_weights: Mapping[str, float] = attrs.field(converter=_read_only, hash=False)
    calibrator_intercept: float
    name: str = "unnamed"
    metadata: Mapping[str, Any] = attrs.field(factory=dict, converter=_read_only, hash=False)

    _terms: tuple[tuple[float, tuple[str, ...]], ...] = attrs.field(
        init=False, repr=False, eq=False
    )

    _grouped: tuple[tuple[str, tuple[tuple[float, str | None], ...]], ...] = attrs.field(
        init=False, repr=False, eq=False
    )

    @_grouped.default
    def _group_terms(self) -> tuple[tuple[str, tuple[tuple[float, str | None], ...]], ...]:
        groups: dict[str, list[tuple[float, str | None]]] = {}
        for weight, names in self._terms:
            groups.setdefault(names[0], []).append((weight, names[1] if len(names) > 1 else None))
        return tuple((first, tuple(terms)) for first, terms in groups.items())

    @_terms.default
    def _split_terms(self) -> tuple[tuple[float, tuple[str, ...]], ...]:
        # Parsed once: the logit is computed for every candidate of every mention.
        return tuple(
            (weight, tuple(name.split(INTERACTION)))
            for name, weight in self.pair_weights.items()
            if weight
        )

    def pair_logit(self, features: Mapping[str, float]) -> float:
        """The pair model's logit for one mention-entity pair (higher is likelier)."""
        total = self.pair_intercept
        get = features.get
        # Terms grouped by their first feature: a feature at zero skips all of its terms.
        for first, terms in self._grouped:
            value = get(first, 0.0)
            if value:
                for weight, second in terms:
                    total += weight * (value if second is None else value * get(second, 0.0))
        return total

    def log_odds(self, logit: float, rivals: Sequence[float]) -> float:
        """The log-odds that a candidate with ``logit`` is the referent, against its rivals'
        logits and against NIL."""
        return logit - _log_one_plus_sum_exp(rivals)

    def confidence(self, logit: float, *, rivals: Sequence[float]) -> float:
        """The calibrated probability that a candidate with this logit, among rivals with
        those logits, is the right entity."""
        inputs = {"log_odds": self.log_odds(logit, rivals)}
        value = self.calibrator_intercept + sum(
            weight * inputs[name] for name, weight in self.calibrator_weights.items()
        )
        return sigmoid(value)

    def to_json(self) -> dict[str, Any]:
        """The model as the JSON object :meth:`from_json` reads."""
        return {
            "name": self.name,
            "pair": {"intercept": self.pair_intercept, "weights": dict(self.pair_weights)},
            "calibrator": {
                "intercept": self.calibrator_intercept,
                "weights": dict(self.calibrator_weights),
            },
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any], *, path: str | None = None) -> ConfidenceModel:
        """Build a model from its JSON object, checking every weight names a known feature."""
        try:
            pair = document["pair"]
            calibrator = document["calibrator"]
            pair_weights = {str(k): float(v) for k, v in pair["weights"].items()}
            calibrator_weights = {str(k): float(v) for k, v in calibrator["weights"].items()}
            model = cls(
                pair_weights=pair_weights,
                pair_intercept=float(pair["intercept"]),
                calibrator_weights=calibrator_weights,
                calibrator_intercept=float(calibrator["intercept"]),
                name=str(document.get("name", "unnamed")),
                metadata=dict(document.get("metadata", {})),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise CalibrationError(f"malformed confidence model: {error!r}", path=path) from error
        numbers = [model.pair_intercept, model.calibrator_intercept]
        numbers += [*pair_weights.values(), *calibrator_weights.values()]
        if not all(math.isfinite(number) for number in numbers):
            raise CalibrationError("weights must be finite numbers", path=path, field="pair")
        unknown = set(pair_weights) - set(MODEL_FEATURES)
        if unknown:
            raise CalibrationError(
                f"weights for unknown features {sorted(unknown)}", path=path, field="pair"
            )
        unknown = set(calibrator_weights) - set(CALIBRATOR_FEATURES)
        if unknown:
            raise CalibrationError(
                f"weights for unknown inputs {sorted(unknown)}", path=path, field="calibrator"
            )
        return model

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model as UTF-8 JSON, atomically (a temporary file renamed into place), for
        :func:`load_model` and ``Resolver(model=path)``; a failure raises
        :class:`~namenorm.errors.OutputError`.

        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "model.json"
        >>> load_model().save(target)
        >>> load_model(target) == load_model()
        True
        """
        text = json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        write_atomically(path, text.encode("utf-8"))


MODEL_FILE = "confidence.json"


@register_cache
@cache
def _builtin_model() -> ConfidenceModel:
    return ConfidenceModel.from_json(json.loads(read_text(MODEL_FILE)), path=data_path(MODEL_FILE))


def load_model(path: str | os.PathLike[str] | None = None) -> ConfidenceModel:
    """Load a confidence model from a JSON file, or the one shipped with namenorm.

    >>> load_model().name
    'builtin'
    """
    if path is None:
        return _builtin_model()
    location = os.fspath(path)
    text = read_text_file(location, error=CalibrationError)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CalibrationError(
            f"invalid JSON: {error.msg}", path=location, line=error.lineno
        ) from error
    return ConfidenceModel.from_json(document, path=location)


def _numpy() -> ModuleType:
    """numpy, imported when fitting starts (a dependency since the candidate index uses it;
    the import stays local so loading a model does not pay for it)."""
    try:
        import numpy  # noqa: PLC0415
    except ModuleNotFoundError as error:  # pragma: no cover - the test extra installs it
        raise CalibrationError(
            "fitting a confidence model needs numpy: pip install numpy"
        ) from error
    return numpy


def _newton(
    gradient_and_hessian: Callable[[Vector], tuple[Vector, Matrix]],
    width: int,
    *,
    l2: float,
    iterations: int,
) -> tuple[float, list[float]]:
    """Maximize a concave log-likelihood with an L2 penalty on all but the first parameter."""
    np = _numpy()
    beta = np.zeros(width)
    penalty = np.full(width, l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        gradient, hessian = gradient_and_hessian(beta)
        gradient = gradient - penalty * beta
        hessian = hessian + np.diag(penalty) + 1e-9 * np.eye(width)
        step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        beta = beta + step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return float(beta[0]), [float(value) for value in beta[1:]]


def fit_logistic(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    *,
    l2: float = 1.0,
    weights: Sequence[float] | None = None,
    iterations: int = 100,
) -> tuple[float, list[float]]:
    """Fit an L2-regularized logistic regression by Newton's method; return (intercept, weights).

    ``weights`` optionally weighs each example. The intercept is not penalized. Needs numpy.

    >>> intercept, (slope,) = fit_logistic([[0.0], [0.0], [1.0], [1.0]], [0, 0, 1, 1], l2=0.1)
    >>> slope > 0 and intercept < 0
    True
    """
    if len(rows) != len(labels) or not rows:
        raise CalibrationError("need as many labels as rows, and at least one row")
    np = _numpy()
    design = np.hstack([np.ones((len(rows), 1)), np.asarray(rows, dtype=float)])
    target = np.asarray(labels, dtype=float)
    sample = np.ones(len(rows)) if weights is None else np.asarray(weights, dtype=float)

    def gradient_and_hessian(beta: Vector) -> tuple[Vector, Matrix]:
        probability = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -500, 500)))
        gradient = design.T @ (sample * (target - probability))
        curvature = sample * probability * (1.0 - probability)
        return gradient, (design * curvature[:, None]).T @ design

    return _newton(gradient_and_hessian, design.shape[1], l2=l2, iterations=iterations)


def fit_conditional_logit(
    groups: Sequence[tuple[Sequence[Sequence[float]], int | None]],
    *,
    l2: float = 1.0,
    weights: Sequence[float] | None = None,
    iterations: int = 100,
) -> tuple[float, list[float]]:
    """Fit a conditional logit with a NIL option by Newton's method; return (intercept, weights).

    Each group is one mention: the feature rows of its candidates and the position of the right
    one, or None when the right answer is NIL (whose logit is fixed at 0). The probability of
    candidate ``e`` is ``exp(z_e) / (1 + sum(exp(z)))`` with ``z = intercept + w . x``; the
    weights (not the intercept) carry an L2 penalty. ``weights`` optionally weighs each group.
    Needs numpy.

    >>> groups = [([[1.0], [0.0]], 0), ([[0.0]], None), ([[1.0]], 0), ([[0.2], [0.1]], None)]
    >>> intercept, (weight,) = fit_conditional_logit(groups, l2=0.1)
    >>> weight > 0
    True
    """
    group_weights = [1.0] * len(groups) if weights is None else list(weights)
    usable = [
        (rows, gold, weight)
        for (rows, gold), weight in zip(groups, group_weights, strict=True)
        if rows
    ]
    if not usable:
        raise CalibrationError("no mention has a candidate to learn from")
    for rows, gold, _ in usable:
        if gold is not None and not 0 <= gold < len(rows):
            raise CalibrationError(f"gold position {gold} outside a group of {len(rows)} rows")
    np = _numpy()
    design = np.vstack(
        [np.hstack([np.ones((len(rows), 1)), np.asarray(rows, float)]) for rows, _, _ in usable]
    )
    sizes = [len(rows) for rows, _, _ in usable]
    group_of = np.repeat(np.arange(len(usable)), sizes)
    starts = np.cumsum([0, *sizes[:-1]])
    weight_of_group = np.asarray([weight for _, _, weight in usable], dtype=float)
    gold_rows = [
        start + gold for start, (_, gold, _) in zip(starts, usable, strict=True) if gold is not None
    ]
    gold_weights = np.asarray([weight for _, gold, weight in usable if gold is not None])
    observed = (design[gold_rows] * gold_weights[:, None]).sum(axis=0)
    count = len(usable)

    def gradient_and_hessian(beta: Vector) -> tuple[Vector, Matrix]:
        logits = np.clip(design @ beta, -500, 500)
        top = np.maximum(np.zeros(count), np.full(count, -np.inf))
        np.maximum.at(top, group_of, logits)
        exponentials = np.exp(logits - top[group_of])
        totals = np.exp(-top)
        np.add.at(totals, group_of, exponentials)
        probability = exponentials / totals[group_of]
        weighted = probability * weight_of_group[group_of]
        means = np.zeros((count, design.shape[1]))
        np.add.at(means, group_of, design * probability[:, None])
        gradient = observed - (means * weight_of_group[:, None]).sum(axis=0)
        hessian = (design * weighted[:, None]).T @ design
        hessian -= (means * weight_of_group[:, None]).T @ means
        return gradient, hessian

    return _newton(gradient_and_hessian, design.shape[1], l2=l2, iterations=iterations)
