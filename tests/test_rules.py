from __future__ import annotations

import re

import pytest

from namenorm import RulesError
from namenorm.resources import read_text
from namenorm.rules import load_rules


def test_every_rule_has_a_unique_id() -> None:
    rules = load_rules()
    ids = [rule_id for rule_id, _ in (*rules.script_rewrites, *rules.rewrites)]
    ids += [rule_id for rule_id, _ in (*rules.phonetic, *rules.skeleton)]
    assert len(ids) == len(set(ids))


def test_every_data_row_explains_itself() -> None:
    for name, columns in (
        ("rewrite.tsv", 5),
        ("phonetic.tsv", 5),
        ("words.tsv", 3),
        ("script.tsv", 4),
    ):
        for line in read_text(name).splitlines():
            if line and not line.startswith("#"):
                fields = line.split("\t")
                assert len(fields) == columns, (name, line)
                assert fields[-1].strip(), f"{name}: no explanation for {line!r}"


def test_titles_and_particles_are_loaded() -> None:
    rules = load_rules()
    assert {"major general", "prime minister", "sheikh", "ayatollah", "dr"} <= rules.titles
    assert {"al", "bin", "bint"} <= rules.particles


def test_fingerprint_is_stable_hex() -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", load_rules().fingerprint)


def test_unknown_rule_id() -> None:
    with pytest.raises(RulesError, match="no normalization rule"):
        load_rules().rewrite("nope")
