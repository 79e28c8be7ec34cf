from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import namenorm
from namenorm import Resolver
from namenorm.errors import LabeledDataError, MissingDependencyError
from namenorm.evaluation import (
    EvaluationReport,
    LabeledMention,
    Prediction,
    check_gold_ids,
    evaluate,
    expected_calibration_error,
    holdout_split,
    metrics,
    read_labeled,
    reliability_bins,
    report,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

confidences_and_outcomes = st.lists(
    st.tuples(st.floats(0, 1, allow_nan=False), st.booleans()), max_size=60
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


def test_namenorm_evaluate_is_the_function() -> None:
    # A submodule of the same name would shadow it: that is why the module is evaluation.py.
    assert namenorm.evaluate is evaluate
    assert callable(namenorm.evaluate)
    assert namenorm.EvaluationReport is EvaluationReport
    assert namenorm.LabeledMention is LabeledMention


def test_read_labeled_records_lines_which_do_not_change_equality(tmp_path: Path) -> None:
    path = tmp_path / "labeled.jsonl"
    path.write_text('\n{"mention": "A"}\n\n{"mention": "B", "gold": "b"}\n', encoding="utf-8")
    mentions = read_labeled(path)
    assert [m.line for m in mentions] == [2, 4]
    assert mentions == [LabeledMention("A"), LabeledMention("B", gold="b")]


def test_evaluate_rejects_a_gold_id_not_in_the_table_naming_file_and_line(
    tmp_path: Path, resolver: Resolver
) -> None:
    path = tmp_path / "labeled.jsonl"
    path.write_text(
        '{"mention": "Hadi al-Amiri", "gold": "hadi-al-amiri"}\n'
        '{"mention": "Hadi Ameri", "gold": "hadi-amiri"}\n',
        encoding="utf-8",
    )
    with pytest.raises(LabeledDataError, match="'hadi-amiri' of mention 'Hadi Ameri'") as caught:
        evaluate(resolver, path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), 2, "gold")
    assert str(caught.value).startswith(f"{path}:2: field 'gold': ")


def test_gold_ids_given_in_python_are_located_by_position(resolver: Resolver) -> None:
    mentions = [LabeledMention("x", gold="hadi-al-amiri"), LabeledMention("y", gold="nobody")]
    with pytest.raises(LabeledDataError) as caught:
        evaluate(resolver, mentions)
    assert (caught.value.record, caught.value.line) == (2, None)
    check_gold_ids(mentions[:1], resolver.table)  # a known id passes


def _slow_bin(
    pairs: list[tuple[float, bool]], lower: float, upper: float, last: bool
) -> list[tuple[float, bool]]:
    return [(c, o) for c, o in pairs if lower <= c < upper or (last and c == upper)]


@given(confidences_and_outcomes, st.integers(1, 20))
def test_reliability_bins_agree_with_a_slow_reference(
    pairs: list[tuple[float, bool]], bins: int
) -> None:
    figures = reliability_bins([c for c, _ in pairs], [o for _, o in pairs], bins=bins)
    assert len(figures) == bins
    assert sum(b.count for b in figures) == len(pairs)
    assert figures[0].lower == 0.0
    assert figures[-1].upper == 1.0
    for number, b in enumerate(figures):
        assert (b.lower, b.upper) == (number / bins, (number + 1) / bins)
        members = _slow_bin(pairs, b.lower, b.upper, last=number == bins - 1)
        assert b.count == len(members)
        if not members:
            assert (b.mean_confidence, b.accuracy, b.gap) == (None, None, None)
            continue
        assert b.accuracy == pytest.approx(sum(o for _, o in members) / len(members))
        assert b.mean_confidence == pytest.approx(sum(c for c, _ in members) / len(members))
        # Every confidence lies in the bin it is counted in, so the mean does too.
        assert b.mean_confidence is not None
        assert b.lower <= b.mean_confidence <= b.upper


@given(confidences_and_outcomes.filter(bool), st.integers(1, 20))
def test_ece_is_the_count_weighted_mean_gap_of_the_bins(
    pairs: list[tuple[float, bool]], bins: int
) -> None:
    confidences, outcomes = [c for c, _ in pairs], [o for _, o in pairs]
    figures = reliability_bins(confidences, outcomes, bins=bins)
    weighted = sum(b.count * (b.gap or 0.0) for b in figures) / len(pairs)
    ece = expected_calibration_error(confidences, outcomes, bins=bins)
    assert ece == pytest.approx(weighted, abs=1e-9)


def test_report_reliability_is_binned_from_its_predictions() -> None:
    predictions = [
        Prediction(LabeledMention("a", gold="a"), "a", 0.95, True),
        Prediction(LabeledMention("b", gold="b"), "c", 0.91, True),
        Prediction(LabeledMention("c", gold=None), "a", 0.15, False),
        Prediction(LabeledMention("d", gold=None), None, 0.0, False),
    ]
    result = report(predictions, threshold=0.5)
    figures = result.reliability()
    assert [b.count for b in figures] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert (figures[-1].accuracy, figures[-1].mean_confidence) == (0.5, pytest.approx(0.93))
    weighted = sum(b.count * (b.gap or 0.0) for b in figures) / len(predictions)
    assert result.overall.ece == pytest.approx(weighted)
    assert [b.count for b in result.reliability(bins=2)] == [2, 2]


@pytest.mark.parametrize("bins", [0, -3])
def test_reliability_needs_at_least_one_bin(bins: int) -> None:
    with pytest.raises(ValueError, match="bins"):
        reliability_bins([0.5], [True], bins=bins)


def _small_report(resolver: Resolver) -> EvaluationReport:
    return evaluate(
        resolver,
        [
            LabeledMention("Qassem Suleimani", gold="qasem-soleimani"),
            LabeledMention("Mustafa Khatami", gold="mustafa-al-kadhimi"),
            LabeledMention("Sudani", gold="mohammed-shia-al-sudani"),
            LabeledMention("Angela Zbrowski"),
            LabeledMention("Hadi Khamis"),
        ],
    )


@pytest.mark.filterwarnings("error")
def test_plot_reliability_writes_a_png_matplotlib_reads_back(
    tmp_path: Path, resolver: Resolver
) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    from matplotlib import image  # noqa: PLC0415

    settings = dict(matplotlib.rcParams)
    target = tmp_path / "plots" / "reliability.png"
    _small_report(resolver).plot_reliability(target, bins=5, title="five mentions")
    data = target.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000
    pixels = image.imread(target)
    assert pixels.shape == (900, 840, 4)  # 7 x 7.5 inches at 120 dpi
    assert pixels.std() > 0.05  # something was drawn
    assert [p.name for p in target.parent.iterdir()] == ["reliability.png"]
    # No pyplot and no global setting changed: the caller's backend stays theirs.
    assert dict(matplotlib.rcParams) == settings


@pytest.mark.filterwarnings("error")
def test_plot_of_an_empty_report_draws_the_axes_alone(tmp_path: Path, resolver: Resolver) -> None:
    pytest.importorskip("matplotlib")
    empty = evaluate(resolver, [])
    assert all(b.count == 0 for b in empty.reliability())
    empty.plot_reliability(tmp_path / "empty.png")
    assert (tmp_path / "empty.png").read_bytes().startswith(PNG_SIGNATURE)


def test_plot_without_matplotlib_is_a_missing_dependency_error(
    tmp_path: Path, resolver: Resolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)
    target = tmp_path / "reliability.png"
    target.write_bytes(b"an older plot")
    with pytest.raises(MissingDependencyError, match=r"pip install 'namenorm\[plot\]'") as caught:
        _small_report(resolver).plot_reliability(target)
    assert isinstance(caught.value, ImportError)
    assert caught.value.name == "matplotlib"
    assert target.read_bytes() == b"an older plot"
