"""Peer baseline: nomenklatura's *default* name matcher, for the namenorm benchmark.

Peer: nomenklatura 4.17.4 (with followthemoney 4.11.2, rigour 2.6.1, fingerprints 1.3.1,
scikit-learn 1.9.1), algorithm ``nomenklatura.matching.DefaultAlgorithm``, which in this
version is ``RegressionV1`` (NAME = "regression-v1"); see nomenklatura/matching/__init__.py
(``DefaultAlgorithm = RegressionV1``; this is what ``nomenklatura.enrich`` uses to score pairs.
``xref``/``nk dedupe`` use ``DedupeAlgorithm = EntityResolveRegression`` "er-unstable" instead).

What regression-v1 does: it turns an entity pair into 18 hand-written features and feeds them
to a pre-trained scikit-learn StandardScaler + LogisticRegression pipeline (shipped in the
wheel as nomenklatura/data/regression-v1.pkl); the score is P(match). With name-only entities
just 4 features can be non-zero: exact match of fingerprinted names (lower-cased, ASCII-
transliterated, honorifics stripped, org types normalised), share of common name tokens of
>2 chars, Levenshtein similarity of the closest fingerprinted names, and a mismatch in
numbers within the names. The rest (DOB, IDs, country, gender, ...) stay 0 here.
Caveat (measured, not a wrapper bug): with name-only input the model has a floor of ~0.256
(two unrelated names, or an empty name) and a *negative* weight on name_levenshtein, so a
near-spelling without a shared token scores below the floor ("Qasem Soleimani" vs "Qassem
Suleimani" = 0.206). Exact fingerprint matches reach ~0.94. Keep this in mind for thresholds.

A pair is scored exactly as nomenklatura does: two followthemoney entities (one "name"
value each) passed to ``DefaultAlgorithm.compare(query, candidate, ScoringConfig.defaults())``;
we return ``.score``. The default entity schema is "LegalEntity" for both sides: none of
regression-v1's features depend on Person vs Organization for name-only entities, so
LegalEntity serves persons and orgs alike and its scores equal those of "Person"
(checked by ``python peer_nomenklatura.py --check``). If you switch ``algorithm`` to a
schema-aware one (LogicV2, NameMatcher, er-unstable), pass ``schema="Person"`` /
``"Organization"`` explicitly.

Speed: ``compare`` costs ~0.28 ms/pair (~3,600 pairs/s), nearly all of it one sklearn
``predict_proba`` call per pair, so 1,500 aliases scored pair by pair take ~0.45 s/query.
``best_match`` therefore (for the two regression algorithms) computes nomenklatura's own
``encode_pair`` features for every candidate and calls the model's ``predict_proba`` once
per query: same model, same features, same scores (to ~1e-16, asserted by ``--check``),
~33 ms/query for 1,500 aliases. ``prefilter=N`` additionally keeps only the top N aliases
by rapidfuzz ``fuzz.WRatio`` on unidecode+casefold strings before scoring (~4 ms at N=100).

Run (only inside the benchmark venv, never in namenorm's own environment):
    python3 -m venv /tmp/nkvenv && /tmp/nkvenv/bin/pip install nomenklatura rapidfuzz unidecode
    /tmp/nkvenv/bin/python bench/peer_nomenklatura.py           # sample scores + timings
    /tmp/nkvenv/bin/python bench/peer_nomenklatura.py --check   # also equality self-checks
Everything is loaded from installed package data; nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib.metadata import version as _pkg_version

import numpy as np
from followthemoney import model
from nomenklatura.matching import DefaultAlgorithm, EntityResolveRegression, RegressionV1
from nomenklatura.matching.types import ScoringAlgorithm, ScoringConfig
from rapidfuzz import fuzz, process
from unidecode import unidecode

__all__ = ["NomenklaturaScorer", "best_match", "make_scorer", "nomenklatura_version"]

DEFAULT_SCHEMA = "LegalEntity"
_ENTITY_CACHE_SIZE = 1 << 16


def nomenklatura_version() -> str:
    return _pkg_version("nomenklatura")


class NomenklaturaScorer:
    """Callable ``f(query_name, candidate_name) -> float in [0, 1]``.

    Entities are built once per (schema, name) and cached. Entities are never mutated by
    nomenklatura's comparison functions, so sharing them is safe.
    """

    def __init__(
        self,
        algorithm: type[ScoringAlgorithm] | None = None,
        schema: str = DEFAULT_SCHEMA,
    ) -> None:
        self.algorithm = algorithm if algorithm is not None else DefaultAlgorithm
        self.schema = model.get(schema)
        if self.schema is None:
            raise ValueError(f"unknown followthemoney schema: {schema!r}")
        # What nomenklatura's enrich()/xref() pass when no config is given
        # (default_config() == ScoringConfig.defaults() for the regression models;
        # heuristic algorithms fill in their CONFIG defaults).
        self.config: ScoringConfig = self.algorithm.default_config()
        self._batchable = issubclass(self.algorithm, (RegressionV1, EntityResolveRegression))
        if self._batchable:
            self._pipe, _ = self.algorithm.load()  # load the pickled model once, up front
        self.entity = lru_cache(maxsize=_ENTITY_CACHE_SIZE)(self._make_entity)

    @property
    def name(self) -> str:
        return self.algorithm.NAME

    def _make_entity(self, name: str):  # -> followthemoney EntityProxy
        ent = model.make_entity(self.schema)
        ent.id = "nk-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:16]
        ent.add("name", name)
        return ent

    def __call__(self, query: str, candidate: str) -> float:
        result = self.algorithm.compare(self.entity(query), self.entity(candidate), self.config)
        return float(result.score)

    def score_many(self, query: str, candidates: Sequence[str]) -> list[float]:
        """Scores of ``query`` against each candidate; identical to calling self per pair."""
        if not candidates:
            return []
        q = self.entity(query)
        if not self._batchable:
            return [
                float(self.algorithm.compare(q, self.entity(c), self.config).score)
                for c in candidates
            ]
        encode = self.algorithm.encode_pair
        feats = np.array([encode(q, self.entity(c)) for c in candidates])
        return [float(p) for p in self._pipe.predict_proba(feats)[:, 1]]


def make_scorer(
    algorithm: type[ScoringAlgorithm] | None = None, schema: str = DEFAULT_SCHEMA
) -> Callable[[str, str], float]:
    """Return f(query_name, candidate_name) -> score in [0, 1] using nomenklatura's default
    matcher (``DefaultAlgorithm`` = regression-v1), comparing two followthemoney entities of
    ``schema`` with one "name" each, exactly as nomenklatura scores a pair
    (``algorithm.compare(q, c, config).score``). The returned object also has
    ``.score_many(query, candidates)`` for fast one-to-many scoring."""
    return NomenklaturaScorer(algorithm, schema)


_DEFAULT_SCORER: NomenklaturaScorer | None = None


def _default_scorer() -> NomenklaturaScorer:
    global _DEFAULT_SCORER  # noqa: PLW0603 - one scorer per process, built on first use
    if _DEFAULT_SCORER is None:
        _DEFAULT_SCORER = NomenklaturaScorer()
    return _DEFAULT_SCORER


@lru_cache(maxsize=_ENTITY_CACHE_SIZE)
def _fold(text: str) -> str:
    return unidecode(text).casefold()


def best_match(
    query: str,
    names: list[tuple[str, str]],
    prefilter: int | None = None,
    *,
    scorer: NomenklaturaScorer | None = None,
) -> tuple[str | None, float]:
    """Best (entity_id, score) for ``query`` among ``names`` = [(entity_id, alias), ...].

    Scores every alias with nomenklatura and keeps the max per table (ties: first alias wins).
    ``prefilter=N`` first keeps only the N aliases with the highest rapidfuzz ``WRatio`` on
    unidecode+casefold strings (a cheap blocker, not part of nomenklatura). Returns
    ``(None, 0.0)`` if ``names`` is empty.
    """
    if not names:
        return None, 0.0
    sc = scorer if scorer is not None else _default_scorer()
    if prefilter is not None and prefilter < len(names):
        folded = [_fold(alias) for _, alias in names]
        top = process.extract(_fold(query), folded, scorer=fuzz.WRatio, limit=max(1, prefilter))
        names = [names[i] for _, _, i in sorted(top, key=lambda t: t[2])]
    scores = sc.score_many(query, [alias for _, alias in names])
    best = max(range(len(scores)), key=scores.__getitem__)
    return names[best][0], scores[best]


SAMPLE_PAIRS = [
    ("Qasem Soleimani", "Qassem Suleimani"),
    ("Qasem Soleimani", "Ghassem Soleimani"),
    ("Mustafa al-Kadhimi", "Mustafa Khatami"),
    ("Mohammed Shia al-Sudani", "Muhammad Shiaa Al-Sudani"),
    ("Abu Mahdi al-Muhandis", "Abu Mahdi Almohandes"),
    ("Hassan Nasrallah", "Hassan Rouhani"),
    ("Ali Khamenei", "Mojtaba Khamenei"),
    ("قاسم سليماني", "Qasem Soleimani"),
]


def _synthetic_table(n_entities: int = 150, aliases: int = 10) -> list[tuple[str, str]]:
    """Deterministic ~1,500-alias table of Arabic/Persian-style names (timing only)."""
    given = [
        "Mohammed",
        "Ali",
        "Hassan",
        "Hussein",
        "Qasem",
        "Mahdi",
        "Abbas",
        "Jafar",
        "Mustafa",
        "Ahmed",
        "Omar",
        "Khalid",
        "Hadi",
        "Reza",
        "Mojtaba",
        "Nouri",
    ]
    family = [
        "Soleimani",
        "al-Sudani",
        "al-Kadhimi",
        "Nasrallah",
        "Khamenei",
        "Rouhani",
        "al-Muhandis",
        "al-Amiri",
        "al-Maliki",
        "Zarif",
        "Qaani",
        "al-Khazali",
        "al-Abadi",
        "Allawi",
        "al-Hakim",
        "Naqdi",
        "Salami",
        "Bagheri",
        "Fayyadh",
    ]
    variants = [
        lambda s: s,
        lambda s: s.replace("al-", "Al "),
        lambda s: s.replace("al-", "Al"),
        lambda s: s.replace("ou", "u"),
        lambda s: s.replace("i", "ee", 1),
        lambda s: s.replace("Mohammed", "Muhammad"),
        lambda s: s.replace("q", "gh"),
        lambda s: s.upper(),
        lambda s: s.replace("a", "aa", 1),
        lambda s: s.replace("-", " "),
    ]
    table: list[tuple[str, str]] = []
    for i in range(n_entities):
        base = (
            f"{given[i % len(given)]} {given[(i * 7 + 3) % len(given)]} "
            f"{family[(i * 5) % len(family)]}"
        )
        for j in range(aliases):
            table.append((f"E{i:03d}", variants[j % len(variants)](base)))
    return table


def _main(argv: list[str]) -> None:
    check = "--check" in argv
    t0 = time.perf_counter()
    scorer = make_scorer()
    load_s = time.perf_counter() - t0
    print(
        f"nomenklatura {nomenklatura_version()}  algorithm={scorer.name}  "
        f"schema={scorer.schema.name}  (init {load_s:.2f}s)"
    )
    for q, c in SAMPLE_PAIRS:
        print(f"  {scorer(q, c):.3f}  {q!r} vs {c!r}")

    table = _synthetic_table()
    aliases = [a for _, a in table]
    queries = [a for _, a in table[::75]]  # 20 queries, all also present in the table
    # pairs/second for single-pair scoring (entities warm in the cache: steady state)
    for a in aliases:
        scorer.entity(a)
    n = 0
    t0 = time.perf_counter()
    for q in queries[:4]:
        for a in aliases:
            scorer(q, a)
            n += 1
    dt = time.perf_counter() - t0
    print(f"scorer(q, c): {n / dt:,.0f} pairs/s  ({dt / n * 1e6:.0f} us/pair)")

    for pf in (None, 100):
        t0 = time.perf_counter()
        for q in queries:
            best_match(q, table, prefilter=pf, scorer=scorer)
        per = (time.perf_counter() - t0) / len(queries)
        print(f"best_match over {len(table)} aliases, prefilter={pf}: {per * 1e3:.1f} ms/query")

    if check:
        # 1) batched score_many == per-pair compare
        diff = max(
            abs(x - scorer(q, a))
            for q in queries[:3]
            for x, a in zip(scorer.score_many(q, aliases), aliases, strict=False)
        )
        print(f"check: max |score_many - compare| = {diff:.2e}")
        assert diff < 1e-9
        # 2) LegalEntity == Person for name-only entities with the default algorithm
        person = make_scorer(schema="Person")
        pairs = SAMPLE_PAIRS + [(q, a) for q in queries[:3] for a in aliases[::10]]
        diff = max(abs(scorer(q, a) - person(q, a)) for q, a in pairs)
        print(f"check: max |LegalEntity - Person| = {diff:.2e} over {len(pairs)} pairs")
        assert diff < 1e-9
        # 3) prefilter rarely changes the winner on this table
        same = sum(
            best_match(q, table, scorer=scorer)[0]
            == best_match(q, table, prefilter=100, scorer=scorer)[0]
            for q in queries
        )
        print(f"check: prefilter=100 keeps the same best entity for {same}/{len(queries)} queries")


if __name__ == "__main__":
    _main(sys.argv[1:])
