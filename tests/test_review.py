"""Choosing the mentions to review (namenorm.review): reading both shapes of mentions file,
grouping by spelling and entity, the three reasons, the order and the CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from namenorm import AliasTable, Entity, Resolver
from namenorm.errors import ReviewError
from namenorm.review import (
    COLUMNS,
    ReviewMention,
    mention_from_record,
    read_mentions,
    review,
    review_summary,
    write_review,
)


def _mention(
    surface: str,
    entity: str | None,
    confidence: float | None,
    *,
    doc: str = "d.txt",
    start: int = 0,
    method: str | None = "exact",
) -> ReviewMention:
    return mention_from_record(
        {
            "doc": doc,
            "start": start,
            "end": start + len(surface),
            "surface": surface,
            "entity": entity,
            "name": None,
            "kind": None,
            "confidence": confidence,
            "method": method,
            "resolved": entity is not None,
        }
    )


def _rows(items: Any) -> list[tuple[str, str, str | None]]:
    return [(item.reason, item.surface, item.entity_id) for item in items]


# -- reading ---------------------------------------------------------------------------------


def test_annotate_records_are_read_with_their_location() -> None:
    mention = _mention("US", "united-states", 0.7, doc="news/a.txt", start=12)
    assert (mention.surface, mention.entity_id, mention.confidence) == ("US", "united-states", 0.7)
    assert mention.resolved
    assert mention.location == "news/a.txt:12"
    unresolved = _mention("Joe Smith", None, 0.2)
    assert not unresolved.resolved
    assert unresolved.confidence == 0.2
    assert unresolved.candidate_known


def test_resolve_records_are_read_and_a_nil_has_no_known_candidate() -> None:
    found = mention_from_record(
        {"mention": "Almohandes", "entity": "x", "confidence": 0.9, "method": "phonetic"}, line=3
    )
    assert (found.entity_id, found.location, found.candidate_known) == ("x", "line 3", True)
    nil = mention_from_record(
        {"mention": "Joe", "entity": None, "name": None, "confidence": None, "method": None},
        line=4,
    )
    assert (nil.resolved, nil.confidence, nil.candidate_known) == (False, None, False)


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        ({"text": "Hadi"}, "surface", "not a record of namenorm annotate"),
        ({"surface": "Hadi", "resolved": 1}, "resolved", "expected true or false"),
        ({"surface": " ", "resolved": False}, "surface", "must not be blank"),
        ({"surface": 5, "resolved": False}, "surface", "expected a string, got int"),
        ({"surface": "Hadi", "resolved": True, "confidence": 0.9}, "entity", "got nothing"),
        ({"surface": "Hadi", "resolved": True, "entity": "x"}, "confidence", "needs its conf"),
        ({"surface": "H", "resolved": False, "confidence": 1.5}, "confidence", "expected 0 to 1"),
        ({"surface": "H", "resolved": False, "confidence": True}, "confidence", "a number"),
        ({"surface": "H", "resolved": False, "method": 3}, "method", "expected a string"),
        ({"mention": "H", "entity": 7}, "entity", "expected a string, got int"),
    ],
)
def test_bad_records_name_file_line_and_field(
    tmp_path: Path, record: dict[str, Any], field: str, message: str
) -> None:
    path = tmp_path / "m.jsonl"
    good = {"mention": "Hadi Amiri", "entity": None, "confidence": None, "method": None}
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=message) as caught:
        read_mentions(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), 3, field)
    assert isinstance(caught.value, ValueError)


def test_a_line_that_is_not_a_record_or_not_json_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="expected a record") as caught:
        read_mentions(path)
    assert caught.value.line == 1
    path.write_text('{"surface": "x", "resolved": false}\n{"surface": \n', encoding="utf-8")
    with pytest.raises(ReviewError, match="invalid JSON") as caught:
        read_mentions(path)
    assert caught.value.line == 2
    with pytest.raises(ReviewError, match="cannot read"):
        read_mentions(tmp_path / "missing.jsonl")


# -- choosing --------------------------------------------------------------------------------


def test_each_reason_is_chosen_and_confident_or_hopeless_mentions_are_not(
    resolver: Resolver,
) -> None:
    mentions = [
        _mention("US", "united-states", 0.70),  # uncertain
        _mention("Iraq", "iraq", 0.99),  # confident and clear: not reviewed
        _mention("Khamenei", "mojtaba-khamenei", 0.95, method="coreference"),  # ambiguous
        _mention("Iranian", None, 0.75, method="token"),  # unresolved with a candidate
        _mention("Analysis", None, 0.01, method="fuzzy"),  # below low: the resolver is sure
        _mention("Joe Smith", None, None, method=None),  # no candidate at all
    ]
    items = review(mentions, resolver)
    assert sorted(_rows(items)) == [
        ("ambiguous", "Khamenei", "mojtaba-khamenei"),
        ("uncertain", "US", "united-states"),
        ("unresolved", "Iranian", resolver.candidates("Iranian")[0].entity.id),
    ]
    khamenei = next(item for item in items if item.surface == "Khamenei")
    assert khamenei.runner_up_id == "ali-khamenei"
    assert khamenei.runner_up_name == "Ali Khamenei"
    assert khamenei.method == "coreference"


def test_uncertain_is_from_low_up_to_high(resolver: Resolver) -> None:
    def reasons(confidence: float) -> list[str]:
        items = review([_mention("US", "united-states", confidence)], resolver, low=0.4, high=0.8)
        return [item.reason for item in items]

    assert reasons(0.4) == ["uncertain"]
    assert reasons(0.79) == ["uncertain"]
    assert reasons(0.8) == []
    assert reasons(0.39) == []


def test_the_margin_decides_what_is_ambiguous(resolver: Resolver) -> None:
    # Two Alis: the spelling alone leads one by a fraction of a logit.
    [best, runner_up, *_] = resolver.candidates("Ali Hussein")
    assert best.evidence.feature("text_equal") == runner_up.evidence.feature("text_equal") == 0
    lead = best.evidence.margin
    assert lead is not None
    mention = _mention("Ali Hussein", best.entity.id, 0.999)
    assert _rows(review([mention], resolver, margin=lead + 0.01))[0][0] == "ambiguous"
    assert review([mention], resolver, margin=lead - 0.01) == []


def test_a_name_of_two_entities_once_normalized_is_ambiguous() -> None:
    # A known error of one agency is, spelled another way, another agency's alias.
    table = AliasTable(
        [
            Entity(
                id="directorate",
                name="Military Intelligence Directorate",
                kind="org",
                errors=("Security Service",),
            ),
            Entity(id="agency", name="Shin Bet", kind="org", aliases=("Security-Service",)),
        ]
    )
    mention = _mention("Security Service", "directorate", 0.999)
    [item] = review([mention], Resolver(table), margin=0.0)
    assert (item.reason, item.runner_up_id) == ("ambiguous", "agency")


def test_a_name_of_two_entities_is_ambiguous_whatever_the_margin() -> None:
    table = AliasTable(
        [
            Entity(id="ali-khamenei", name="Ali Khamenei", aliases=["Khamenei"]),
            Entity(id="mojtaba-khamenei", name="Mojtaba Khamenei", aliases=["Khamenei"]),
        ]
    )
    items = review([_mention("Khamenei", "ali-khamenei", 0.99)], Resolver(table), margin=0.0)
    assert _rows(items) == [("ambiguous", "Khamenei", "ali-khamenei")]
    assert items[0].runner_up_id == "mojtaba-khamenei"


def test_a_spelling_is_judged_once_per_entity(resolver: Resolver) -> None:
    mentions = [
        _mention("US", "united-states", 0.7, doc="a", start=1),
        _mention("U.S.", "united-states", 0.9, doc="a", start=9),
        _mention("us", "united-states", 0.6, doc="b", start=4),
        _mention("US", "united-states", 0.99, doc="c", start=2),
        _mention("US", "united-states", 0.8, doc="d", start=3),
        _mention("US", "united-states-central-command", 0.7, doc="e", start=0),
    ]
    items = review(mentions, resolver)
    assert sorted(_rows(items)) == [
        # Only the context made this one win: the spelling alone names the United States.
        ("ambiguous", "US", "united-states-central-command"),
        ("uncertain", "US", "united-states"),
    ]
    [grouped] = [item for item in items if item.entity_id == "united-states"]
    # U.S. normalizes to "u s", not "us": a spelling of its own, confident enough.
    assert grouped.count == 4
    # The most doubtful mentions are the examples, at most three.
    assert grouped.examples == ("b:4", "a:1", "d:3")
    assert grouped.confidence == pytest.approx((0.7 + 0.6 + 0.99 + 0.8) / 4, abs=1e-4)
    assert grouped.expected_errors == pytest.approx(0.3 + 0.4 + 0.01 + 0.2)


def test_the_most_likely_mistakes_come_first(resolver: Resolver) -> None:
    mentions = [
        _mention("Israel", "israel", 0.8),
        *[_mention("US", "united-states", 0.8) for _ in range(5)],
        _mention("Iranian", None, 0.9, method="token"),
        _mention("Gaza", "gaza-strip", 0.5),
    ]
    order = [item.surface for item in review(mentions, resolver)]
    assert order == ["US", "Iranian", "Gaza", "Israel"]


@settings(max_examples=25)
@given(st.permutations(range(8)))
def test_the_order_of_the_mentions_does_not_change_the_rows(
    resolver: Resolver, order: list[int]
) -> None:
    mentions = [
        _mention("US", "united-states", 0.8),
        _mention("US", "united-states", 0.6),
        _mention("Israel", "israel", 0.75),
        _mention("Iranian", None, 0.9, method="token"),
        _mention("Iranian", None, 0.5, method="token"),
        _mention("Gaza", "gaza-strip", 0.5),
        _mention("Khamenei", "mojtaba-khamenei", 0.95),
        _mention("Iraq", "iraq", 0.999),
    ]
    expected = [(i.reason, i.key, i.entity_id, i.count) for i in review(mentions, resolver)]
    shuffled = review([mentions[i] for i in order], resolver)
    assert [(i.reason, i.key, i.entity_id, i.count) for i in shuffled] == expected


def test_a_nil_of_namenorm_resolve_asks_the_table_for_its_candidate(resolver: Resolver) -> None:
    nil = mention_from_record(
        {"mention": "Iranian", "entity": None, "confidence": None, "method": None}, line=7
    )
    [item] = review([nil], resolver, low=0.1)
    best = resolver.candidates("Iranian")[0]
    assert (item.reason, item.entity_id, item.examples) == (
        "unresolved",
        best.entity.id,
        ("line 7",),
    )
    assert item.confidence == pytest.approx(best.confidence, abs=1e-4)


def test_an_entity_the_table_does_not_have_is_an_error(resolver: Resolver) -> None:
    mention = mention_from_record(
        {"surface": "X", "resolved": True, "entity": "nobody", "confidence": 0.9},
        path="m.jsonl",
        line=5,
    )
    with pytest.raises(ReviewError, match="unknown entity id 'nobody'") as caught:
        review([mention], resolver)
    assert (caught.value.path, caught.value.line, caught.value.field) == ("m.jsonl", 5, "entity")


def test_the_limits_are_checked(resolver: Resolver) -> None:
    with pytest.raises(ValueError, match="low"):
        review([], resolver, low=0.9, high=0.5)
    with pytest.raises(ValueError, match="margin"):
        review([], resolver, margin=-1.0)
    with pytest.raises(ValueError, match="margin"):
        review([], resolver, margin=float("nan"))


# -- writing ---------------------------------------------------------------------------------


def test_the_csv_has_every_column_and_empty_judgments(resolver: Resolver) -> None:
    items = review([_mention("US", "united-states", 0.7), _mention("Iranian", None, 0.8)], resolver)
    buffer = io.StringIO()
    write_review(items, buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0]) == COLUMNS
    assert [row["surface"] for row in rows] == [item.surface for item in items]
    us = next(row for row in rows if row["surface"] == "US")
    assert us["entity_name"] == "United States"
    assert us["confidence"] == "0.7000"
    assert us["count"] == "1"
    assert us["examples"] == "d.txt:0"
    assert (us["judgment"], us["correct_id"], us["note"]) == ("", "", "")


def test_the_summary_counts_each_reason(resolver: Resolver) -> None:
    items = review([_mention("US", "united-states", 0.7), _mention("Iranian", None, 0.8)], resolver)
    assert review_summary(9, items) == (
        "9 mentions read; 2 spellings to review (uncertain 1, unresolved 1), covering 2 mentions"
    )
