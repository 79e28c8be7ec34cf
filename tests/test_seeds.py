"""End to end: every name mention of the five seed articles resolves to the right entity."""

from __future__ import annotations

import json
import re

import pytest

from namenorm import Resolver

from .conftest import DATA, ROOT, read_tsv

SEEDS = ROOT / "seeds"
GOLD = [json.loads(line) for line in (DATA / "seed_mentions.jsonl").read_text("utf-8").splitlines()]
_SENTENCE_END = re.compile(r"[.!?]\s|\n")


def _text(name: str) -> str:
    with (SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return handle.read()


TEXTS = {name: _text(name) for name in sorted({g["file"] for g in GOLD})}
KNOWN_FAILURES = {
    (row["file"], int(row["start"])): row["why"] for row in read_tsv("seed_known_failures.tsv")
}


def _case(gold: dict[str, object]) -> object:
    why = KNOWN_FAILURES.get((str(gold["file"]), int(str(gold["start"]))))
    marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
    return pytest.param(
        gold, marks=marks, id=f"{str(gold['file'])[:3]}@{gold['start']}:{gold['surface']}"
    )


def sentence(text: str, start: int, end: int) -> str:
    """The sentence around a span: from the last sentence end before it to the next after."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[(before[-1] if before else 0) : (after.start() + 1 if after else len(text))]


def test_gold_spans_match_the_articles() -> None:
    assert len(GOLD) >= 300
    for gold in GOLD:
        assert TEXTS[gold["file"]][gold["start"] : gold["end"]] == gold["surface"]


def test_gold_covers_the_known_translation_errors() -> None:
    surfaces = {g["surface"] for g in GOLD}
    assert {
        "Mustafa Khatami",
        "Rai Allium",
        "Abu Taghwa",
        "Peshwa Hormani",
        "Al-Shahd A",
    } <= surfaces


@pytest.mark.parametrize("gold", [_case(gold) for gold in GOLD])
def test_every_seed_mention_resolves_to_its_entity(
    resolver: Resolver, gold: dict[str, object]
) -> None:
    text = TEXTS[str(gold["file"])]
    context = sentence(text, int(str(gold["start"])), int(str(gold["end"])))
    match = resolver.resolve(str(gold["surface"]), context=context)
    got = None if match is None else match.entity.id
    assert got == gold["entity"]
