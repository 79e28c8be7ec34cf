from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namenorm import Resolver
from namenorm.errors import LabeledDataError
from namenorm.evaluate import (
    LabeledMention,
    Prediction,
    evaluate,
    expected_calibration_error,
    holdout_split,
    metrics,
    read_labeled,
)


def _prediction(gold: str | None, got: str | None, confidence: float, resolved: bool) -> Prediction:
    return Prediction(LabeledMention("m", gold=gold), got, confidence, resolved)


def test_metrics_count_right_wrong_and_false_matches() -> None:
    figures = metrics(
        [
            _prediction("a", "a", 0.9, True),  # right
            _prediction("a", "b", 0.8, True),  # wrong entity
            _prediction("a", "a", 0.3, False),  # right at 1, below threshold
            _prediction(None, "a", 0.7, True),  # false match
            _prediction(None, "a", 0.2, False),  # correct NIL
        ]
    )
    assert (figures.in_table, figures.nil) == (3, 2)
    assert figures.accuracy == pytest.approx(1 / 3)
    assert figures.accuracy_at_1 == pytest.approx(2 / 3)
    assert figures.false_match_rate == pytest.approx(1 / 2)
    assert figures.precision == pytest.approx(1 / 3)
    assert figures.recall == pytest.approx(1 / 3)


def test_ece_of_perfect_and_overconfident_predictions() -> None:
    assert expected_calibration_error([1.0, 0.0], [True, False]) == 0.0
    assert expected_calibration_error([0.95] * 10, [True] * 5 + [False] * 5) == pytest.approx(0.45)
    assert expected_calibration_error([], []) is None


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1))
def test_ece_is_between_zero_and_one(pairs: list[tuple[float, bool]]) -> None:
    value = expected_calibration_error([p for p, _ in pairs], [o for _, o in pairs])
    assert value is not None
    assert 0.0 <= value <= 1.0


@given(st.lists(st.text(max_size=12), max_size=30))
def test_holdout_split_is_a_deterministic_partition(texts: list[str]) -> None:
    mentions = [LabeledMention(text) for text in texts]
    fit, test = holdout_split(mentions)
    assert sorted(map(repr, fit + test)) == sorted(map(repr, mentions))
    assert holdout_split(list(reversed(mentions))) == (list(reversed(fit)), list(reversed(test)))
    assert not {m.mention.casefold() for m in fit} & {m.mention.casefold() for m in test}


def test_read_labeled_and_evaluate(tmp_path: Path, resolver: Resolver) -> None:
    path = tmp_path / "labeled.jsonl"
    rows = [
        {"mention": "Qassem Suleimani", "gold": "qasem-soleimani", "category": "translit"},
        {"mention": "Angela Merkel", "gold": None, "category": "nil"},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    report = evaluate(resolver, path)
    assert report.overall.accuracy == 1.0
    assert report.overall.false_match_rate == 0.0
    assert set(report.by_category) == {"translit", "nil"}
    document = report.to_json()
    assert {
        "accuracy",
        "false_match_rate",
        "precision",
        "recall",
        "f1",
        "ece",
        "by_category",
    } <= set(document)
    assert "ALL" in report.table()


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('{"gold": "x"}', "mention", "missing required field"),
        ('{"mention": "x", "gold": 3}', "gold", "expected a string or null"),
        ("[1, 2]", None, "expected a JSON object"),
        ("{oops", None, "invalid JSON"),
    ],
)
def test_bad_labeled_lines_name_file_line_and_field(
    tmp_path: Path, line: str, field: str | None, message: str
) -> None:
    path = tmp_path / "labeled.jsonl"
    path.write_text('{"mention": "ok"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(LabeledDataError, match=message) as caught:
        read_labeled(path)
    assert (caught.value.line, caught.value.field) == (2, field)


def test_an_empty_gold_id_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "labeled.jsonl"
    path.write_text('{"mention": "X", "gold": ""}\n', encoding="utf-8")
    with pytest.raises(LabeledDataError, match="empty gold") as caught:
        read_labeled(path)
    assert caught.value.field == "gold"


def test_holdout_split_takes_any_text() -> None:
    fit, test = holdout_split([LabeledMention("\ud800")])
    assert len(fit) + len(test) == 1
