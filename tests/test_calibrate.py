from __future__ import annotations

import pytest

from namenorm import AliasTable, CalibrationError, Entity, Resolver
from namenorm.calibrate import NONPOSITIVE_TERMS, fit_model
from namenorm.evaluation import LabeledMention, evaluate

TABLE = AliasTable(
    [
        Entity(id="soleimani", name="Qasem Soleimani", kind="person", aliases=["Qassem Soleimani"]),
        Entity(id="sudani", name="Mohammed Shia al-Sudani", kind="person", aliases=["al-Sudani"]),
        Entity(id="kadhimi", name="Mustafa al-Kadhimi", kind="person", errors=["Mustafa Khatami"]),
    ]
)
LABELED = [
    LabeledMention("Ghassem Suleimani", gold="soleimani"),
    LabeledMention("Qasim Sulaymani", gold="soleimani"),
    LabeledMention("Muhammad Shiaa al-Soudani", gold="sudani"),
    LabeledMention("Sudani", gold="sudani"),
    LabeledMention("Mostafa al-Kazimi", gold="kadhimi"),
    LabeledMention("Mustafa Khatami", gold="kadhimi"),
    LabeledMention("Qasem Sulaiman Tamimi", gold=None),
    LabeledMention("Mustafa Kamal", gold=None),
    LabeledMention("Mohammed Salah", gold=None),
    LabeledMention("Sadiq al-Sudairi", gold=None),
]


def test_fit_model_separates_right_and_wrong() -> None:
    model = fit_model(TABLE, LABELED, l2=1.0)
    assert model.metadata["mentions"] == len(LABELED)
    report = evaluate(Resolver(TABLE, model=model), LABELED)
    assert report.overall.accuracy_at_1 == 1.0
    right = [p.confidence for p in report.predictions if p.correct]
    wrong = [p.confidence for p in report.predictions if not p.correct and p.entity_id]
    assert min(right) > max(wrong)


def test_fit_model_rejects_unknown_gold_ids() -> None:
    with pytest.raises(CalibrationError, match="not in the table"):
        fit_model(TABLE, [LabeledMention("x", gold="nobody")])


def test_fit_model_needs_both_outcomes() -> None:
    with pytest.raises(CalibrationError):
        fit_model(TABLE, [LabeledMention("Qasem Soleimani", gold="soleimani")])


def _partial_beats_complete() -> tuple[AliasTable, list[LabeledMention]]:
    """Labels in which a surname names the person although it is another entity's whole
    name: what pushes ``complete_elsewhere`` up when nothing holds it down."""
    table = AliasTable(
        [
            Entity(id="movement", name="Houthi movement", kind="org", aliases=["Houthi"]),
            Entity(id="leader", name="Abdul-Malik al-Houthi", kind="person"),
            Entity(id="other", name="Hadi al-Amiri", kind="person"),
        ]
    )
    labeled = [
        *(LabeledMention(spelling, gold="leader") for spelling in ["Houthi", "al-Houthi"] * 4),
        LabeledMention("Abdel-Malek al-Houthi", gold="leader"),
        LabeledMention("Hadi al-Ameri", gold="other"),
        LabeledMention("Hadi Khamis", gold=None),
        LabeledMention("Mahdi Salih", gold=None),
    ]
    return table, labeled


def test_terms_held_non_positive_never_come_out_positive() -> None:
    table, labeled = _partial_beats_complete()
    model = fit_model(table, labeled, l2=1.0, table_weight=0.0)
    assert NONPOSITIVE_TERMS
    assert all(model.pair_weights[term] <= 0.0 for term in NONPOSITIVE_TERMS)


def test_without_the_bound_the_same_labels_make_a_held_term_positive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The test above would pass for a fit that never moves these terms: show that it does.
    monkeypatch.setattr("namenorm.calibrate.NONPOSITIVE_TERMS", frozenset())
    table, labeled = _partial_beats_complete()
    model = fit_model(table, labeled, l2=1.0, table_weight=0.0)
    assert any(model.pair_weights[term] > 0.0 for term in NONPOSITIVE_TERMS)
