from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import CalibrationError, ConfidenceModel, load_model
from namenorm.confidence import (
    MODEL_FEATURES,
    feature_value,
    fit_conditional_logit,
    fit_logistic,
    sigmoid,
)


def test_shipped_model_weighs_only_known_features() -> None:
    model = load_model()
    assert set(model.pair_weights) <= set(MODEL_FEATURES)
    assert model.metadata["fitted_by"] == "scripts/fit_confidence.py"


def test_model_round_trips_through_json(tmp_path: Path) -> None:
    model = load_model()
    path = tmp_path / "model.json"
    model.save(path)
    assert load_model(path) == model
    assert not list(tmp_path.glob(".*.tmp"))


def test_malformed_models_raise_calibration_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(CalibrationError, match="invalid JSON"):
        load_model(path)
    path.write_text(json.dumps({"pair": {}}))
    with pytest.raises(CalibrationError, match="malformed"):
        load_model(path)
    document = load_model().to_json()
    document["pair"]["weights"]["shoe_size"] = 1.0
    path.write_text(json.dumps(document))
    with pytest.raises(CalibrationError, match="unknown features"):
        load_model(path)
    with pytest.raises(CalibrationError, match="cannot read"):
        load_model(tmp_path / "missing.json")


def test_fit_logistic_recovers_a_known_slope() -> None:
    rows = [[x / 10] for x in range(-50, 51)]
    labels = [int(sigmoid(3.0 * row[0] - 1.0) > 0.5) for row in rows]
    # Separable data: the L2 penalty keeps the weights finite and the signs right.
    intercept, (slope,) = fit_logistic(rows, labels, l2=0.01)
    assert slope > 3.0
    assert intercept < 0.0


def test_fit_logistic_matches_frequencies_on_noisy_data() -> None:
    rows = [[0.0]] * 100 + [[1.0]] * 100
    labels = [1] * 20 + [0] * 80 + [1] * 70 + [0] * 30
    intercept, (slope,) = fit_logistic(rows, labels, l2=1e-6)
    assert sigmoid(intercept) == pytest.approx(0.2, abs=1e-3)
    assert sigmoid(intercept + slope) == pytest.approx(0.7, abs=1e-3)


def test_fit_logistic_rejects_mismatched_input() -> None:
    with pytest.raises(CalibrationError):
        fit_logistic([[1.0]], [1, 0])


@given(st.floats(-1e6, 1e6))
def test_sigmoid_is_a_probability(value: float) -> None:
    assert 0.0 <= sigmoid(value) <= 1.0


@given(st.floats(-50, 50), st.lists(st.floats(-50, 50), max_size=5))
def test_confidence_is_a_probability(logit: float, rivals: list[float]) -> None:
    assert 0.0 <= load_model().confidence(logit, rivals=rivals) <= 1.0


@given(st.floats(-20, 20), st.lists(st.floats(-20, 20), max_size=5), st.floats(-20, 20))
def test_a_stronger_rival_never_raises_the_confidence(
    logit: float, rivals: list[float], extra: float
) -> None:
    model: ConfidenceModel = load_model()
    assert model.calibrator_weights["log_odds"] > 0
    alone = model.confidence(logit, rivals=rivals)
    assert model.confidence(logit, rivals=[*rivals, extra]) <= alone + 1e-12


def test_conditional_logit_learns_to_prefer_the_right_candidate() -> None:
    groups = [([[1.0, 0.0], [0.2, 1.0]], 0), ([[0.9, 1.0], [0.1, 0.0]], 0), ([[0.1, 1.0]], None)]
    groups = groups * 5
    _, (similar, noise) = fit_conditional_logit(groups, l2=0.1)
    assert similar > 0
    assert similar > noise


def test_conditional_logit_needs_candidates() -> None:
    with pytest.raises(CalibrationError):
        fit_conditional_logit([([], None)])


@given(
    st.dictionaries(
        st.sampled_from([term for term in MODEL_FEATURES if "*" not in term]),
        st.floats(0.0, 1.0),
    )
)
def test_pair_logit_equals_the_sum_of_weighted_terms(features: dict[str, float]) -> None:
    model = load_model()
    plain = model.pair_intercept + sum(
        weight * feature_value(features, term) for term, weight in model.pair_weights.items()
    )
    assert model.pair_logit(features) == pytest.approx(plain, abs=1e-9)


def test_non_finite_weights_are_rejected(tmp_path: Path) -> None:
    document = load_model().to_json()
    document["pair"]["intercept"] = float("nan")
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CalibrationError, match="finite"):
        load_model(path)


def test_the_shared_model_cannot_be_changed() -> None:
    model = load_model()
    with pytest.raises(TypeError):
        model.pair_weights["exact"] = 1000.0  # type: ignore[index]
    assert hash(model) == hash(load_model())


def test_a_gold_position_outside_its_group_is_rejected() -> None:
    with pytest.raises(CalibrationError, match="outside"):
        fit_conditional_logit([([[1.0]], 1), ([[0.0]], None)])
