from __future__ import annotations

import pytest

from namenorm import AliasTable, CalibrationError, Entity, Resolver
from namenorm.calibrate import fit_model
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
