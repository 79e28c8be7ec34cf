from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import CalibrationError, ConfidenceModel, load_model
from namenorm.confidence import MODEL_FEATURES, fit_logistic, sigmoid


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


@given(st.floats(-50, 50), st.one_of(st.none(), st.floats(-50, 50)))
def test_confidence_is_a_probability(logit: float, margin: float | None) -> None:
    assert 0.0 <= load_model().confidence(logit, margin=margin) <= 1.0


def test_a_larger_lead_never_lowers_the_confidence() -> None:
    model: ConfidenceModel = load_model()
    assert model.calibrator_weights["margin"] >= 0
    assert model.confidence(2.0, margin=5.0) >= model.confidence(2.0, margin=0.5)
