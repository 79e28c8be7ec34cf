"""Resolving against large alias tables: latency, accuracy and memory of namenorm against
brute force and simpler peers, measured in one run (issue 4).

    python bench/scale.py                        # 10k, 100k and 1M aliases; writes bench/RESULTS.md
    python bench/scale.py --quick                # a smoke run: 10k aliases, 200 queries
    python bench/scale.py --sizes 10000,100000   # chosen sizes
    python bench/scale.py --systems namenorm,brute          # some systems only
    python bench/scale.py --from-json bench/.cache/scale/last-run.json   # report again

The default run takes roughly 20-40 minutes on two cores, most of it at 1M aliases (brute
force, and loading the 1M-string JSONL table in each of the eight processes); ``--time-limit``
(default an hour) stops it, noting what did not run.

Data (``bench/synthetic.py``, seeded, cached in ``bench/.cache/scale``): tables of the scale
mix (romanized Arabic, Persian, Turkish, Kurdish and Western people with particles, some
organizations) holding about N distinct strings (names, aliases, known errors), written as
JSONL for ``namenorm.load_table``; per size, test queries and a separate tuning set with known
answers in seven categories: ``exact`` (a table string), ``transliteration`` (a variant
spelling that normalizes to no table string), ``typo`` (one or two slips), ``partial`` (the
family name alone, or without the middle name or particle, when only one entity has it),
``reordered`` (family name first, with or without a comma), ``nil_near`` (a person of the same
generator who is not in the table) and ``nil_far`` (names of other origins).

Systems, each table size and system in a fresh process reading the same files:

- ``namenorm``: ``Resolver(load_table(path)).resolve(q)``, each query once, cold, in the
  queries' fixed shuffled order; then, untimed, ``candidates(q, limit=1)`` for accuracy@1 and
  the candidate stage's recall (``resolver.index.candidate_entities``).
- ``namenorm_many`` / ``namenorm_many2``: ``resolver.resolve_many(queries)`` on one worker,
  and with ``workers=2``: total time only.
- ``snapshot_save`` / ``snapshot_load``: ``table.save(path)``, then in a fresh process
  ``load_table(snapshot)`` and ``Resolver``, timed, with the resident memory, then the queries.
- ``brute``: rapidfuzz ``process.extractOne`` with ``fuzz.WRatio`` over every normalized table
  string (``namenorm.normalize``); NIL below a score cutoff tuned on the tuning set.
- ``trigram``: a naive inverted index of character 3-grams over the normalized strings (numpy),
  its 50 best by shared 3-grams rescored with ``fuzz.ratio``; cutoff tuned the same way.
- ``exact``: a dict from normalized string to its first owner; NIL when absent.

Brute force scores every table string for every query (about a second per query at 1M), so it
runs on a stratified subset of about ``BRUTE_PAIRS`` / size queries; the report says how many
each system ran and compares namenorm with it on the same subset.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from common import ChildPeak, CpuWatch, memory_kb, source_revision
from rapidfuzz import fuzz, process
from synthetic import (
    CATEGORIES,
    IN_TABLE,
    NIL,
    Query,
    TableFacts,
    entity_strings,
    make_queries,
    scale_table,
)

import namenorm
from namenorm import analyze, load_table, normalize

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache" / "scale"
OUTPUT = BENCH / "RESULTS.md"
SEED = 20240604
DEFAULT_SIZES = "10000,100000,1000000"
QUERIES = 1000
TUNING_QUERIES = 300
BRUTE_PAIRS = 300_000_000
"""Brute force runs about this many (query, string) pairs per size: all queries at 10k and
100k strings, 300 at 1M (and as many tuning queries, all 300): enough not-in-table queries (75)
for its false matches to be compared with namenorm's, at about 0.45 s a query."""
MIN_BRUTE_QUERIES = 50
TRIGRAM_TOP = 50
"""How many strings with the most shared 3-grams the trigram peer rescores."""
SNAPSHOT_NAME = "table.nnsnap"
WARM_UP = "Warmup Probe"
"""Resolved once before the timed queries (not one of them): a first call pays for imports."""
SYSTEMS = (
    "exact",
    "brute",
    "trigram",
    "namenorm",
    "namenorm_many",
    "namenorm_many2",
    "snapshot_save",
    "snapshot_load",
)
LABELS = {
    "exact": "exact normalized dict",
    "brute": "brute force (extractOne, WRatio)",
    "trigram": "3-gram index + ratio (top 50)",
    "namenorm": "namenorm resolve",
    "namenorm_many": "namenorm resolve_many",
    "namenorm_many2": "namenorm resolve_many, workers=2",
    "snapshot_load": "namenorm resolve, from snapshot",
}
PROBES = (
    "Qāsim Sulaymānī",
    "Ayşe Yılmaz",
    "Hêmin Xoşnav",
    "Jan van der Berg",
    "Abdul-Karim al-Jubouri",
    "O'Brien, Patrick",
)
"""Names whose normalization goes into the cache key: new rules mean new queries."""


# -- measuring helpers ------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in [0, 1]) of ``values``."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def timed(function: Callable[[str], Any], queries: Sequence[str]) -> tuple[list[Any], list[float]]:
    """``function`` on each query in order, each call timed on its own."""
    answers, seconds = [], []
    clock = time.perf_counter
    for query in queries:
        started = clock()
        answers.append(function(query))
        seconds.append(clock() - started)
    return answers, seconds


def stratified(queries: Sequence[Query], count: int) -> list[int]:
    """The positions of ``count`` queries keeping the categories' shares, in the set's order
    (the first ones of each category)."""
    if count >= len(queries):
        return list(range(len(queries)))
    share = count / len(queries)
    taken: dict[str, int] = {}
    limit = {c: round(share * sum(q.category == c for q in queries)) for c in CATEGORIES}
    positions = []
    for position, query in enumerate(queries):
        if taken.get(query.category, 0) < limit[query.category]:
            taken[query.category] = taken.get(query.category, 0) + 1
            positions.append(position)
    return positions


def brute_count(size: int, available: int) -> int:
    """How many queries brute force runs at a table of (nominally) ``size`` strings."""
    return min(available, max(MIN_BRUTE_QUERIES, BRUTE_PAIRS // max(size, 1)))


def tune_cutoff(
    tops: Sequence[str | None], scores: Sequence[float], tuning: Sequence[Query]
) -> float:
    """The score cutoff that maximizes accuracy on the in-table tuning queries minus the
    false-match rate on the not-in-table ones (the lowest such cutoff)."""
    in_table = [i for i, q in enumerate(tuning) if q.expected is not None]
    nil = [i for i, q in enumerate(tuning) if q.expected is None]

    def gain(cutoff: float) -> float:
        right = sum(tops[i] == tuning[i].expected and scores[i] >= cutoff for i in in_table)
        wrong = sum(tops[i] is not None and scores[i] >= cutoff for i in nil)
        return right / max(1, len(in_table)) - wrong / max(1, len(nil))

    return max(sorted({*scores, 101.0}), key=lambda cutoff: (gain(cutoff), -cutoff))


# -- the peers --------------------------------------------------------------------------------


def normalized_strings(table: namenorm.AliasTable) -> tuple[list[str], list[str]]:
    """Every distinct normalized table string and its first owner's id."""
    owners: dict[str, str] = {}
    for entity in table:
        for string in entity_strings(entity):
            text = normalize(string)
            if text:
                owners.setdefault(text, entity.id)
    return list(owners), list(owners.values())


class Brute:
    """``process.extractOne`` with ``fuzz.WRatio`` over every normalized string: the answer is
    the best string's owner, whatever its score (the cutoff is applied afterwards)."""

    def __init__(self, table: namenorm.AliasTable) -> None:
        self.strings, self.owners = normalized_strings(table)

    def best(self, query: str) -> tuple[str | None, float]:
        found = process.extractOne(
            normalize(query), self.strings, scorer=fuzz.WRatio, processor=None
        )
        return (None, 0.0) if found is None else (self.owners[found[2]], found[1])


def trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class Trigram:
    """A naive inverted index of character 3-grams over the normalized strings: the
    ``TRIGRAM_TOP`` strings sharing the most 3-grams with the query, rescored by
    ``fuzz.ratio``."""

    def __init__(self, table: namenorm.AliasTable) -> None:
        import numpy as np  # noqa: PLC0415 - only this peer needs numpy

        self.np = np
        self.strings, self.owners = normalized_strings(table)
        self.ids: dict[str, int] = {}
        grams, strings = array("i"), array("i")
        for number, text in enumerate(self.strings):
            for gram in trigrams(text):
                grams.append(self.ids.setdefault(gram, len(self.ids)))
                strings.append(number)
        gram_column = np.frombuffer(grams, dtype=np.int32)
        order = np.argsort(gram_column, kind="stable")
        self.postings = np.frombuffer(strings, dtype=np.int32)[order]
        self.offsets = np.searchsorted(gram_column[order], np.arange(len(self.ids) + 1))

    def best(self, query: str) -> tuple[str | None, float]:
        np = self.np
        text = normalize(query)
        found = [self.ids[gram] for gram in trigrams(text) if gram in self.ids]
        if not text or not found:
            return None, 0.0
        hits = np.concatenate([self.postings[self.offsets[g] : self.offsets[g + 1]] for g in found])
        counts = np.bincount(hits)
        nonzero = np.flatnonzero(counts)
        if len(nonzero) > TRIGRAM_TOP:
            nonzero = nonzero[np.argpartition(counts[nonzero], -TRIGRAM_TOP)[-TRIGRAM_TOP:]]
        best, score = -1, -1.0
        for number in nonzero.tolist():
            value = fuzz.ratio(text, self.strings[number])
            if value > score:
                best, score = number, value
        return self.owners[best], score


# -- child processes: one system on one table -------------------------------------------------


def read_queries(path: Path) -> list[Query]:
    return [Query.from_record(r) for r in json.loads(path.read_text("utf-8"))["queries"]]


def _loaded(path: Path) -> tuple[namenorm.AliasTable, float]:
    started = time.perf_counter()
    table = load_table(path)
    return table, time.perf_counter() - started


def run_exact(options: argparse.Namespace, queries: list[Query]) -> dict[str, Any]:
    table, load = _loaded(options.table)
    started = time.perf_counter()
    strings, owners = normalized_strings(table)
    mapping = dict(zip(strings, owners, strict=True))
    build = time.perf_counter() - started
    watch = CpuWatch()
    answers, seconds = timed(lambda q: mapping.get(normalize(q)), [q.query for q in queries])
    return {
        "load": load,
        "build": build,
        "answers": answers,
        "tops": answers,
        "seconds": seconds,
        "others_cpu": watch.others(),
        "peak_kb": memory_kb()["VmHWM"],
    }


def run_scored(options: argparse.Namespace, queries: list[Query]) -> dict[str, Any]:
    """A peer that scores its best string (brute force, trigram): cutoff tuned, then timed."""
    table, load = _loaded(options.table)
    started = time.perf_counter()
    peer = Brute(table) if options.child == "brute" else Trigram(table)
    build = time.perf_counter() - started
    every = read_queries(options.tuning_file)
    tuning = [every[p] for p in stratified(every, options.tuning_count)]
    found = [peer.best(q.query) for q in tuning]
    cutoff = tune_cutoff([f[0] for f in found], [f[1] for f in found], tuning)
    watch = CpuWatch()
    best, seconds = timed(peer.best, [q.query for q in queries])
    return {
        "load": load,
        "build": build,
        "cutoff": cutoff,
        "tuned_on": len(tuning),
        "answers": [top if score >= cutoff else None for top, score in best],
        "tops": [top for top, _ in best],
        "seconds": seconds,
        "others_cpu": watch.others(),
        "peak_kb": memory_kb()["VmHWM"],
    }


BUILD_WORKERS = 2


def _built(path: Path) -> tuple[namenorm.Resolver, dict[str, Any]]:
    """A resolver over the table at ``path``: load and build seconds, memory after each, and
    the warm-up call done."""
    figures: dict[str, Any] = {"rss_start_kb": memory_kb()["VmRSS"]}
    table, figures["load"] = _loaded(path)
    figures["rss_loaded_kb"] = memory_kb()["VmRSS"]
    started = time.perf_counter()
    # The index is compiled by two processes, as a user on this 2-core machine would.
    table.compile(workers=BUILD_WORKERS)
    resolver = namenorm.Resolver(table)
    figures["build"] = time.perf_counter() - started
    figures["rss_built_kb"] = memory_kb()["VmRSS"]
    figures["threshold"] = resolver.threshold
    resolver.resolve(WARM_UP)
    return resolver, figures


def _entity_id(match: namenorm.Match | None) -> str | None:
    return None if match is None else match.entity.id


def candidate_entities(resolver: namenorm.Resolver, name: str) -> set[str] | None:
    """The entity ids namenorm's candidate stage yields for ``name``, or None when the index
    has no way to say (adapt here if the index's API changes)."""
    method = getattr(resolver.index, "candidate_entities", None)
    return None if method is None else set(method(name))


def candidate_recall(
    resolver: namenorm.Resolver, queries: Sequence[Query], reference: dict[str, str | None]
) -> dict[str, Any] | None:
    """The candidate stage's recall: the share of in-table queries whose expected entity is a
    candidate, and the share of queries whose brute-force answer (``reference``) is one."""
    found = {q.query: candidate_entities(resolver, q.query) for q in queries}
    if any(candidates is None for candidates in found.values()):
        return None
    sizes = [len(candidates or ()) for candidates in found.values()]
    return {
        "expected": [
            q.expected in (found[q.query] or ()) for q in queries if q.expected is not None
        ],
        "categories": [q.category for q in queries if q.expected is not None],
        "reference": [
            reference[q.query] in (found[q.query] or ())
            for q in queries
            if reference.get(q.query) is not None
        ],
        # Where brute force found the right entity: did the candidate stage find it too?
        "reference_right": [
            reference[q.query] in (found[q.query] or ())
            for q in queries
            if q.expected is not None and reference.get(q.query) == q.expected
        ],
        "sizes": sizes,
    }


def run_namenorm(options: argparse.Namespace, queries: list[Query]) -> dict[str, Any]:
    resolver, figures = _built(options.table)
    watch = CpuWatch()
    matches, seconds = timed(resolver.resolve, [q.query for q in queries])
    figures.update(
        answers=[_entity_id(m) for m in matches],
        confidences=[None if m is None else m.confidence for m in matches],
        seconds=seconds,
        others_cpu=watch.others(),
        peak_kb=memory_kb()["VmHWM"],
        rss_after_kb=memory_kb()["VmRSS"],
    )
    # Untimed from here: the resolver's caches are warm.
    figures["tops"] = [
        _entity_id(next(iter(resolver.candidates(q.query, limit=1)), None)) for q in queries
    ]
    reference = {}
    if options.reference is not None and options.reference.exists():
        reference = json.loads(options.reference.read_text("utf-8"))
    figures["recall"] = candidate_recall(resolver, queries, reference)
    return figures


def run_namenorm_many(options: argparse.Namespace, queries: list[Query]) -> dict[str, Any]:
    resolver, figures = _built(options.table)
    if not hasattr(resolver, "resolve_many"):
        return {"unavailable": "Resolver has no resolve_many"}
    names = [q.query for q in queries]
    watch = CpuWatch()
    started = time.perf_counter()
    with ChildPeak() as workers_peak:
        if options.workers == 1:
            matches = resolver.resolve_many(names)
        else:
            matches = resolver.resolve_many(names, workers=options.workers)
    total = time.perf_counter() - started
    parallel = getattr(sys.modules[type(resolver).__module__], "PARALLEL_QUERIES", None)
    figures.update(
        answers=[_entity_id(m) for m in matches],
        total=total,
        others_cpu=watch.others(),
        peak_kb=memory_kb()["VmHWM"],
        # One worker starts no process: whatever child was seen is not namenorm's.
        children_peak_kb=workers_peak.peak_kb if options.workers > 1 else 0,
        parallel_queries=parallel,
    )
    return figures


def run_snapshot_save(options: argparse.Namespace, queries: list[Query]) -> dict[str, Any]:
    del queries  # saving answers none
    table, load = _loaded(options.table)
    if not hasattr(table, "save"):
        return {"unavailable": "AliasTable has no save"}
    target = options.table.parent / SNAPSHOT_NAME
    started = time.perf_counter()
    table.save(target)
    return {
        "load": load,
        "save": time.perf_counter() - started,
        "bytes": target.stat().st_size,
        "peak_kb": memory_kb()["VmHWM"],
    }


def run_snapshot_load(options: argparse.Namespace, queries: list[Query]) -> dict[str, Any]:
    snapshot = options.table.parent / SNAPSHOT_NAME
    if not snapshot.exists():
        return {"unavailable": "no snapshot was saved"}
    resolver, figures = _built(snapshot)
    watch = CpuWatch()
    matches, seconds = timed(resolver.resolve, [q.query for q in queries])
    figures.update(
        answers=[_entity_id(m) for m in matches],
        seconds=seconds,
        others_cpu=watch.others(),
        peak_kb=memory_kb()["VmHWM"],
        rss_after_kb=memory_kb()["VmRSS"],
    )
    return figures


RUNNERS: dict[str, Callable[[argparse.Namespace, list[Query]], dict[str, Any]]] = {
    "exact": run_exact,
    "brute": run_scored,
    "trigram": run_scored,
    "namenorm": run_namenorm,
    "namenorm_many": run_namenorm_many,
    "namenorm_many2": run_namenorm_many,
    "snapshot_save": run_snapshot_save,
    "snapshot_load": run_snapshot_load,
}


def child(options: argparse.Namespace) -> dict[str, Any]:
    queries = read_queries(options.query_file)
    positions = stratified(queries, options.count)
    chosen = [queries[p] for p in positions]
    result = RUNNERS[options.child](options, chosen)
    result["positions"] = positions
    return result


# -- the data ---------------------------------------------------------------------------------


def fingerprint() -> str:
    """What the cached data depends on: the generator's code, namenorm's version and how it
    normalizes (the checks of the queries use it)."""
    digest = hashlib.sha256((BENCH / "synthetic.py").read_bytes())
    digest.update(namenorm.__version__.encode())
    digest.update("|".join(normalize(p) for p in PROBES).encode())
    return digest.hexdigest()[:12]


def _write(path: Path, text: str) -> None:
    """Write atomically, so an interrupted run leaves no half file in the cache."""
    temporary = path.with_suffix(path.suffix + ".part")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _ignored_cache() -> None:
    # The cache ignores itself, so the repository's .gitignore needs no entry.
    CACHE.mkdir(parents=True, exist_ok=True)
    marker = BENCH / ".cache" / ".gitignore"
    if not marker.exists():
        marker.write_text("*\n", encoding="utf-8")


def prepare(size: int, options: argparse.Namespace) -> Path:
    """The folder with the table, queries and tuning queries of one size, made once."""
    _ignored_cache()
    current = CACHE / f"seed{options.seed}-{fingerprint()}"
    for stale in CACHE.glob(f"seed{options.seed}-*"):
        # Data of an older generator or normalization is never read again (snapshots at 1M
        # are hundreds of MB).
        if stale != current and stale.is_dir():
            shutil.rmtree(stale)
    folder = current / str(size)
    files = [
        folder / "table.jsonl",
        folder / f"queries-{options.queries}.json",
        folder / f"tuning-{options.tuning}.json",
        folder / "stats.json",
    ]
    if all(path.exists() for path in files):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(f"  generating the {size:,}-string table and its queries ...", file=sys.stderr)
    generated = scale_table(size, options.seed)
    if not files[0].exists():
        lines = (json.dumps(g.record(), ensure_ascii=False) for g in generated)
        _write(files[0], "\n".join(lines) + "\n")
    facts = TableFacts(generated)
    queries, tally = make_queries(generated, facts, options.queries, options.seed + size)
    exclude = [analyze(q.query).text for q in queries]
    tuning, tuning_tally = make_queries(
        generated, facts, options.tuning, options.seed + size + 1, exclude=exclude
    )
    for path, made, counts in ((files[1], queries, tally), (files[2], tuning, tuning_tally)):
        records = [q.record() for q in made]
        _write(path, json.dumps({"queries": records, "tally": counts}, ensure_ascii=False))
    people = [g.person for g in generated if g.person is not None]
    stats = {
        "entities": len(generated),
        "strings": sum(len(entity_strings(g.entity)) for g in generated),
        "people": len(people),
        "family_names": len({p.surname for p in people}),
        "given_names": len({p.given for p in people}),
        "origins": {
            o: sum(g.origin == o for g in generated) for o in sorted({g.origin for g in generated})
        },
        "seconds": time.perf_counter() - started,
    }
    _write(folder / "stats.json", json.dumps(stats))
    return folder


# -- the parent: run every system, score, report ----------------------------------------------


def run_child(
    system: str,
    folder: Path,
    options: argparse.Namespace,
    *,
    counts: tuple[int, int],
    timeout: float,
) -> dict[str, Any]:
    """Run one system on one table in a fresh process (``counts``: test and tuning queries);
    its result, or what went wrong (the process's stderr is kept in the folder)."""
    result_path = folder / f"result-{system}.json"
    result_path.unlink(missing_ok=True)
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        f"--child={system}",
        f"--table={folder / 'table.jsonl'}",
        f"--query-file={folder / f'queries-{options.queries}.json'}",
        f"--tuning-file={folder / f'tuning-{options.tuning}.json'}",
        f"--count={counts[0]}",
        f"--tuning-count={counts[1]}",
        f"--result={result_path}",
        f"--reference={folder / 'reference.json'}",
        f"--workers={2 if system == 'namenorm_many2' else 1}",
    ]
    log = folder / f"log-{system}.txt"
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as errors:
        try:
            completed = subprocess.run(
                command, check=False, timeout=timeout, stdout=subprocess.DEVNULL, stderr=errors
            )
        except subprocess.TimeoutExpired:
            return {"failed": f"did not finish in {timeout:.0f} s (stopped)"}
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        last = (log.read_text("utf-8").strip().splitlines() or ["no message"])[-1]
        return {"failed": f"exit status {completed.returncode}: {last} (see {log})", "wall": wall}
    result: dict[str, Any] = json.loads(result_path.read_text("utf-8"))
    result["wall"] = wall
    return result


def run_size(size: int, options: argparse.Namespace, deadline: float) -> dict[str, Any]:
    folder = prepare(size, options)
    queries = read_queries(folder / f"queries-{options.queries}.json")
    tuning = read_queries(folder / f"tuning-{options.tuning}.json")
    stats = json.loads((folder / "stats.json").read_text("utf-8"))
    (folder / "reference.json").unlink(missing_ok=True)
    runs: dict[str, Any] = {}
    for system in options.systems:
        remaining = deadline - time.time()
        if remaining < 30:
            runs[system] = {"failed": "not run: the --time-limit was reached"}
            continue
        count = len(queries)
        tuning_count = len(tuning)
        if system == "brute":
            count = brute_count(size, len(queries))
            tuning_count = brute_count(size, len(tuning))
        if system == "snapshot_save":
            (folder / SNAPSHOT_NAME).unlink(missing_ok=True)
        if system == "snapshot_load" and "save" not in runs.get("snapshot_save", {}):
            runs[system] = {"failed": "not run: no snapshot was saved in this run"}
            continue
        print(f"  {system} ({count} queries) ...", file=sys.stderr, flush=True)
        runs[system] = run_child(
            system, folder, options, counts=(count, tuning_count), timeout=remaining
        )
        if "failed" in runs[system]:
            print(f"    {runs[system]['failed']}", file=sys.stderr)
        if system == "brute" and "tops" in runs[system]:
            reference = {
                queries[p].query: top
                for p, top in zip(runs[system]["positions"], runs[system]["tops"], strict=True)
            }
            (folder / "reference.json").write_text(json.dumps(reference), encoding="utf-8")
    tallies = {
        name: json.loads((folder / f"{name}-{n}.json").read_text("utf-8"))["tally"]
        for name, n in (("queries", options.queries), ("tuning", options.tuning))
    }
    return {
        "size": size,
        "stats": stats,
        "queries": [q.record() for q in queries],
        "tallies": tallies,
        "runs": runs,
    }


def score(queries: Sequence[Query], run: dict[str, Any]) -> dict[str, Any]:
    """Latency, accuracy and false-match figures of one run over the queries it answered."""
    chosen = [queries[p] for p in run["positions"]]
    answers, tops = run["answers"], run.get("tops")
    in_table = [i for i, q in enumerate(chosen) if q.expected is not None]
    nil = [i for i, q in enumerate(chosen) if q.expected is None]
    figures: dict[str, Any] = {"count": len(chosen)}
    if "seconds" in run:
        seconds = run["seconds"]
        figures.update(
            p50=percentile(seconds, 0.5),
            p99=percentile(seconds, 0.99),
            qps=len(seconds) / sum(seconds),
        )
    else:
        figures.update(p50=None, p99=None, qps=len(chosen) / run["total"])
    figures["mean"] = 1 / figures["qps"]

    def share(hits: Sequence[bool]) -> float | None:
        return sum(hits) / len(hits) if hits else None

    figures["accuracy"] = share([answers[i] == chosen[i].expected for i in in_table])
    figures["top1"] = (
        None if tops is None else share([tops[i] == chosen[i].expected for i in in_table])
    )
    figures["wrong"] = share([answers[i] not in (None, chosen[i].expected) for i in in_table])
    figures["false"] = share([answers[i] is not None for i in nil])
    figures["false_count"] = sum(answers[i] is not None for i in nil)
    figures["nil_count"] = len(nil)
    categories: dict[str, tuple[float | None, float | None]] = {}
    for category in CATEGORIES:
        members = [i for i, q in enumerate(chosen) if q.category == category]
        if category in NIL:
            categories[category] = (share([answers[i] is not None for i in members]), None)
        else:
            right = share([answers[i] == chosen[i].expected for i in members])
            first = (
                None if tops is None else share([tops[i] == chosen[i].expected for i in members])
            )
            categories[category] = (right, first)
    figures["categories"] = categories
    return figures


def on_positions(run: dict[str, Any], positions: Sequence[int]) -> dict[str, Any]:
    """The part of a run over the queries at ``positions`` (those brute force ran)."""
    where = {p: i for i, p in enumerate(run["positions"])}
    keep = [where[p] for p in positions if p in where]
    part = {"positions": [run["positions"][i] for i in keep]}
    for key in ("answers", "tops", "seconds"):
        if key in run:
            part[key] = [run[key][i] for i in keep]
    return part


# -- the report -------------------------------------------------------------------------------


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{1000 * seconds:.3g}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _mb(kb: float | None) -> str:
    return "—" if kb is None else f"{kb / 1024:,.0f} MB"


def _qps(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.2f}"


def machine() -> list[str]:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    total = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            total = int(line.split()[1])
    versions = []
    for package in ("namenorm", "rapidfuzz", "numpy", "unidecode", "attrs"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    return [
        f"- Machine: {model}, {os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), "
        f"{total / 1024 / 1024:.0f} GB RAM; {platform.platform()}.",
        f"- Python {platform.python_version()} ({platform.python_implementation()}); "
        + ", ".join(versions)
        + f"; namenorm source {revision()}.",
    ]


def revision() -> str:
    found = source_revision()
    if found is None:
        return "of unknown revision"
    head, dirty = found
    return f"at {head}" + (" with uncommitted changes in src/" if dirty else "")


def size_section(result: dict[str, Any]) -> list[str]:
    queries = [Query.from_record(r) for r in result["queries"]]
    runs, stats = result["runs"], result["stats"]
    lines = [
        f"## {stats['strings']:,} aliases ({stats['entities']:,} entities, "
        f"{stats['family_names']:,} distinct family names)",
        "",
        "| system | queries | p50 ms | p99 ms | queries/s | accuracy@1 | accuracy at threshold "
        "| wrong at threshold | false matches | load s | build s | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    scored: dict[str, dict[str, Any]] = {}
    for system, label in LABELS.items():
        run = runs.get(system)
        if run is None:
            continue
        if "failed" in run or "unavailable" in run:
            why = run.get("failed") or f"not available: {run['unavailable']}"
            lines.append(f"| {label} | {why} |" + " |" * 10)
            continue
        figures = scored[system] = score(queries, run)
        lines.append(
            f"| {label} | {figures['count']} | {_ms(figures['p50'])} | {_ms(figures['p99'])} "
            f"| {_qps(figures['qps'])} | {_pct(figures['top1'])} | {_pct(figures['accuracy'])} "
            f"| {_pct(figures['wrong'])} | {_pct(figures['false'])} ({figures['false_count']}/"
            f"{figures['nil_count']}) | {run['load']:.2f} | {run['build']:.2f} "
            f"| {_mb(run['peak_kb'])} |"
        )
    others = ", ".join(
        f"{system} {run['others_cpu']:.2f}" for system, run in runs.items() if "others_cpu" in run
    )
    lines += ["", f"Cores kept busy by other processes during each timed pass: {others}.", ""]
    lines += [*ratio_lines(queries, runs, scored), ""]
    lines += category_table(scored)
    return lines


def ratio_lines(
    queries: Sequence[Query], runs: dict[str, Any], scored: dict[str, dict[str, Any]]
) -> list[str]:
    mine, brute = scored.get("namenorm"), scored.get("brute")
    if mine is None or brute is None:
        return ["Ratios against brute force: not available (a run is missing)."]
    same = score(queries, on_positions(runs["namenorm"], runs["brute"]["positions"]))
    lines = [
        f"- namenorm resolve answers **{mine['qps'] / brute['qps']:,.0f}×** the queries per second "
        f"of brute force ({_qps(mine['qps'])} against {_qps(brute['qps'])}); p50 "
        f"{_ms(mine['p50'])} ms against {_ms(brute['p50'])} ms "
        f"({brute['p50'] / mine['p50']:,.0f}× lower); p99 {_ms(mine['p99'])} ms against "
        f"{_ms(brute['p99'])} ms.",
        f"- On the {same['count']} queries brute force ran: accuracy@1 {_pct(same['top1'])} "
        f"(namenorm) against {_pct(brute['top1'])} (brute force); accuracy at threshold "
        f"{_pct(same['accuracy'])} against {_pct(brute['accuracy'])}; false matches "
        f"{same['false_count']}/{same['nil_count']} against "
        f"{brute['false_count']}/{brute['nil_count']}.",
    ]
    for system in ("brute", "trigram"):
        run = runs.get(system, {})
        if "cutoff" in run:
            lines.append(
                f"- {LABELS[system]}: NIL below a score of {run['cutoff']:g}, the cutoff that "
                f"maximized accuracy minus false-match rate on {run['tuned_on']} tuning queries."
            )
    threshold = runs["namenorm"].get("threshold")
    lines.append(f"- namenorm: NIL below its default confidence threshold, {threshold:g}.")
    return lines


def category_table(scored: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "Per category: accuracy at threshold (accuracy@1 in brackets) for the in-table "
        "categories, false-match rate for the not-in-table ones.",
        "",
        "| system | " + " | ".join(CATEGORIES) + " |",
        "|---|" + "---:|" * len(CATEGORIES),
    ]
    for system, figures in scored.items():
        cells = []
        for category in CATEGORIES:
            right, first = figures["categories"][category]
            cell = _pct(right)
            if category in IN_TABLE and first is not None:
                cell += f" ({_pct(first)})"
            cells.append(cell)
        lines.append(f"| {LABELS[system]} | " + " | ".join(cells) + " |")
    return lines


def recall_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    lines = []
    for result in results:
        run = result["runs"].get("namenorm", {})
        recall = run.get("recall")
        strings = f"{result['stats']['strings']:,} aliases"
        if "answers" not in run:
            lines.append(f"- {strings}: namenorm did not run.")
        elif recall is None:
            lines.append(f"- {strings}: not available (the index has no `candidate_entities`).")
        else:
            expected, reference, sizes = recall["expected"], recall["reference"], recall["sizes"]
            right = recall.get("reference_right", [])
            per: dict[str, list[bool]] = {}
            for category, hit in zip(recall["categories"], expected, strict=True):
                per.setdefault(category, []).append(hit)
            lines.append(
                f"- {strings}: the expected entity is a candidate for "
                f"**{_pct(sum(expected) / len(expected))}** of {len(expected)} in-table queries ("
                + ", ".join(f"{c} {_pct(sum(h) / len(h))}" for c, h in per.items())
                + "); brute force's answer is one for "
                + (
                    f"{_pct(sum(reference) / len(reference))} of the {len(reference)} queries "
                    f"it ran, and for {_pct(sum(right) / max(1, len(right)))} of the "
                    f"{len(right)} in-table queries it answered right (at any score)"
                    if reference
                    else "— (brute force did not run)"
                )
                + f"; candidates per query: median {percentile(sizes, 0.5)}, "
                f"p99 {percentile(sizes, 0.99)}, max {max(sizes)}."
            )
    return lines


def snapshot_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    lines = []
    for result in results:
        runs = result["runs"]
        save, load = runs.get("snapshot_save", {}), runs.get("snapshot_load", {})
        strings = f"{result['stats']['strings']:,} aliases"
        problem = (
            save.get("unavailable")
            or save.get("failed")
            or load.get("unavailable")
            or load.get("failed")
        )
        if problem or not save or not load:
            lines.append(f"- {strings}: not available ({problem or 'not run'}).")
            continue
        same = runs.get("namenorm", {}).get("answers")
        agree = ""
        if same is not None:
            differ = sum(a != b for a, b in zip(same, load["answers"], strict=True))
            agree = f"; answers differing from the JSONL-built resolver's: {differ}"
        seconds = load["seconds"]
        lines.append(
            f"- {strings}: saved in {save['save']:.1f} s ({save['bytes'] / 2**20:,.0f} MB); in a "
            f"fresh process `load_table` took **{load['load']:.2f} s** (RSS "
            f"{_mb(load['rss_start_kb'])} before, **{_mb(load['rss_loaded_kb'])}** after) and "
            f"`Resolver` {load['build']:.2f} s (RSS {_mb(load['rss_built_kb'])}); then "
            f"{len(seconds)} queries at p50 {_ms(percentile(seconds, 0.5))} ms, p99 "
            f"{_ms(percentile(seconds, 0.99))} ms, leaving RSS {_mb(load['rss_after_kb'])} "
            f"(peak {_mb(load['peak_kb'])}){agree}."
        )
    return lines


def aims_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    largest = max(results, key=lambda r: r["size"])
    runs = largest["runs"]
    queries = [Query.from_record(r) for r in largest["queries"]]
    names = {
        s: score(queries, runs[s])
        for s in ("namenorm", "brute", "trigram")
        if "answers" in runs.get(s, {})
    }
    strings = f"{largest['stats']['strings']:,} aliases"
    if "namenorm" not in names:
        return [f"- {strings}: namenorm did not run; no aim can be judged."]
    mine = names["namenorm"]

    def verdict(met: bool) -> str:
        return "**met**" if met else "**not met**"

    lines = [
        f"At {strings} (the largest size of this run; the issue's aims are for 1M):",
        "",
        f"- p50 ≤ 1 ms: {_ms(mine['p50'])} ms, {verdict(mine['p50'] <= 0.001)}.",
        f"- p99 ≤ 5 ms: {_ms(mine['p99'])} ms, {verdict(mine['p99'] <= 0.005)}.",
    ]
    if "brute" not in names:
        lines.append("- against brute force: not judged, brute force did not run.")
    else:
        brute = names["brute"]
        same = score(queries, on_positions(runs["namenorm"], runs["brute"]["positions"]))
        ratio = mine["qps"] / brute["qps"]
        lines += [
            f"- ≥ 100× brute force's queries per second: {ratio:,.0f}×, {verdict(ratio >= 100)}.",
            f"- accuracy@1 no lower than brute force's (same {same['count']} queries): "
            f"{_pct(same['top1'])} against {_pct(brute['top1'])}, "
            f"{verdict((same['top1'] or 0) >= (brute['top1'] or 0))}.",
            f"- fewer false matches than brute force (same queries): {same['false_count']} "
            f"against {brute['false_count']} of {brute['nil_count']}, "
            f"{verdict(same['false_count'] < brute['false_count'])}.",
        ]
    lines += _resource_aims(runs, verdict)
    if "trigram" in names:
        trigram = names["trigram"]
        faster = mine["p50"] < trigram["p50"]
        better = (mine["top1"] or 0) > (trigram["top1"] or 0)
        lines.append(
            f"- beat the naive 3-gram index on p50 and accuracy@1: {_ms(mine['p50'])} ms against "
            f"{_ms(trigram['p50'])} ms, {_pct(mine['top1'])} against {_pct(trigram['top1'])}, "
            f"{verdict(faster and better)}."
        )
    return lines


def _resource_aims(runs: dict[str, Any], verdict: Callable[[bool], str]) -> list[str]:
    """The issue's aims for building, loading and holding the table: from its JSONL file in
    under 60 s, ready from a snapshot in under 2 s, and under 1.5 GB resident."""
    built, mapped = runs.get("namenorm", {}), runs.get("snapshot_load", {})
    lines = []
    if "build" in built:
        seconds = built["load"] + built["build"]
        lines.append(
            f"- built from JSONL in under 60 s: {seconds:.1f} s (load {built['load']:.1f} s, "
            f"index {built['build']:.1f} s), {verdict(seconds < 60)}."
        )
        resident = max(built["rss_built_kb"], built["rss_after_kb"])
        lines.append(
            f"- table with its index under 1.5 GB resident: {_mb(resident)} after building "
            f"from JSONL and answering the queries, {verdict(resident * 1024 < 1.5e9)}; the "
            f"process's peak, while building, {_mb(built['peak_kb'])}, "
            f"{verdict(built['peak_kb'] * 1024 < 1.5e9)}."
        )
    if "load" in mapped and "rss_after_kb" in mapped:
        seconds = mapped["load"] + mapped["build"]
        lines.append(
            f"- ready from a snapshot in under 2 s: {seconds:.2f} s, {verdict(seconds < 2)}; "
            f"resident after the queries {_mb(mapped['rss_after_kb'])}, "
            f"{verdict(mapped['rss_after_kb'] * 1024 < 1.5e9)}."
        )
    return lines


def query_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    lines = [
        "| aliases | set | " + " | ".join(CATEGORIES) + " |",
        "|---:|---|" + "---:|" * len(CATEGORIES),
    ]
    for result in results:
        for name, tally in result["tallies"].items():
            cells = [f"{tally[c]['kept']}/{tally[c]['drafted']}" for c in CATEGORIES]
            strings = f"{result['stats']['strings']:,}"
            lines.append(f"| {strings} | {name} | " + " | ".join(cells) + " |")
    return lines


NOT_SHOWN = (
    "Real data. The tables and queries are synthetic: the variant rules that made the table's "
    "aliases also made the transliteration queries, so namenorm's rules and the generator may "
    "agree more often than real spellings would; accuracy here is not accuracy on news or "
    "sanctions lists (see bench/LABELED.md for held-out real mentions).",
    "One brute force. It runs on a subset at 1M (the report says how many), scores "
    "with WRatio over namenorm-normalized strings only, and its NIL cutoff is tuned on a small "
    "tuning set; another scorer, preprocessing or cutoff would give other figures.",
    "Context. Every query is resolved without the sentence around it; namenorm's context "
    "features are not exercised.",
    "Warm throughput. Each query is measured once, cold, in a fixed order; a stream with "
    "repeated names would be faster for namenorm (it caches per name) and no faster for the peers.",
    "Other machines. Figures are of one run on the machine above, single-threaded except "
    "`workers=2`; p99 includes whatever the interpreter did meanwhile (garbage collection).",
    "Calibration. Confidence values are not checked here (see docs/explanation/confidence.md).",
    "The hardest ambiguities. Queries whose answer is not well defined were dropped (see "
    "Queries): a name that sounds like another entity's (same rough skeleton) or that could be "
    "part of another entity's name is not asked, although real mentions are often like that.",
)


def environment(results: Sequence[dict[str, Any]]) -> list[str]:
    """The machine, the versions and how busy other processes kept it, at the end of a run."""
    return [
        *machine(),
        f"- Load average at the end: {os.getloadavg()[0]:.2f}; other processes kept at most "
        f"{max_others(results):.2f} cores busy during any timed pass.",
    ]


def report(saved: dict[str, Any]) -> str:
    """The Markdown report of a run's raw results (what ``main`` saves in last-run.json)."""
    results = saved["results"]
    command = "python bench/scale.py " + " ".join(saved["argv"])
    wall = saved["wall"]
    lines = [
        "# Resolving against large alias tables (issue 4)",
        "",
        f"Made by `{command.strip()}` in {wall / 60:.1f} minutes; generated from the measured "
        "figures by the script, never edited by hand.",
        "",
        *saved["environment"],
        "",
        "Each system and size ran in a fresh process on the same JSONL table and the same "
        "queries (see the docstring of bench/scale.py). **p50/p99**: per-query latency, "
        "normalization included, each query once and cold; **queries/s**: queries over the "
        "sum of their latencies (one core); resolve_many reports its total time only, so its "
        "p50/p99 are not available; **accuracy@1**: in-table queries whose best candidate is "
        "the expected entity, whatever the confidence (namenorm: `candidates(q, limit=1)`); "
        "**accuracy at threshold**: in-table queries answered with the expected entity; "
        "**wrong at threshold**: in-table queries answered with another entity; **false "
        "matches**: not-in-table queries given any answer; **load s**: `load_table`; **build "
        "s**: the `Resolver` (index included) or the peer's structure, normalizing every table "
        "string included (the issue's build time for namenorm is load + build); **peak RSS**: "
        "the process's VmHWM after its timed queries.",
        "",
    ]
    for result in results:
        lines += size_section(result)
        lines.append("")
    lines += ["## Candidate stage", "", *recall_lines(results), ""]
    lines += ["## Snapshot", "", *snapshot_lines(results), ""]
    lines += ["## Against the aims", "", *aims_lines(results), ""]
    lines += [
        "## Queries",
        "",
        "Kept of drafted per category. The rest were dropped as ill-defined (see "
        "`TableFacts.judge` in bench/synthetic.py): an exact query whose normalized form another "
        "entity shares; another in-table query that normalizes to a table string, shares its "
        "rough skeleton (ASCII consonants, no article, no doubled letters) with another "
        "entity's string or whose tokens another entity's string contains; a not-in-table "
        "query that normalizes to a table string, was made from a table name, shares a "
        "skeleton with a table string, or shares all its tokens with one either way; or a "
        "repeat.",
        "",
        *query_lines(results),
        "",
    ]
    lines += ["## What this does not show", "", *[f"- {item}" for item in NOT_SHOWN], ""]
    notes = run_notes(results)
    if notes:
        lines += ["## Notes", "", *notes, ""]
    return "\n".join(lines)


def max_others(results: Sequence[dict[str, Any]]) -> float:
    return max(
        (run.get("others_cpu", 0.0) for r in results for run in r["runs"].values()), default=0.0
    )


def run_notes(results: Sequence[dict[str, Any]]) -> list[str]:
    notes = []
    for result in results:
        strings = f"{result['stats']['strings']:,} aliases"
        stats = result["stats"]
        notes.append(
            f"- {strings}: table and queries generated in {stats['seconds']:.0f} s (cached "
            "afterwards); entities by origin: "
            + ", ".join(f"{o} {n:,}" for o, n in stats["origins"].items())
            + "."
        )
        for system, run in result["runs"].items():
            if "failed" in run:
                notes.append(f"- {strings}, {system}: {run['failed']}.")
            elif "unavailable" in run:
                notes.append(f"- {strings}, {system}: not available ({run['unavailable']}).")
            if run.get("children_peak_kb"):
                notes.append(
                    f"- {strings}, {system}: the worker processes' peak RSS was up to "
                    f"{_mb(run['children_peak_kb'])} each."
                )
            parallel = run.get("parallel_queries")
            if system == "namenorm_many2" and parallel and len(run.get("answers", ())) < parallel:
                notes.append(
                    f"- {strings}, resolve_many with workers=2: {len(run['answers'])} queries are "
                    f"fewer than namenorm's PARALLEL_QUERIES ({parallel:,}), so it stayed in one "
                    "process."
                )
    return notes


# -- main -------------------------------------------------------------------------------------


def arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="table sizes in strings")
    parser.add_argument("--queries", type=int, default=QUERIES, help="test queries per size")
    parser.add_argument("--tuning", type=int, default=TUNING_QUERIES, help="tuning queries")
    parser.add_argument(
        "--systems", default=",".join(SYSTEMS), help="systems to run, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--time-limit", type=float, default=3600.0, help="seconds for the run")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--quick", action="store_true", help="smoke run: 10k strings, 200 queries")
    parser.add_argument(
        "--from-json",
        type=Path,
        help="write the report from the raw results of an earlier run (bench/.cache/scale/"
        "last-run.json) instead of measuring",
    )
    parser.add_argument("--child", choices=SYSTEMS, help=argparse.SUPPRESS)
    for hidden in ("table", "query-file", "tuning-file", "result", "reference"):
        parser.add_argument(f"--{hidden}", type=Path, help=argparse.SUPPRESS)
    for hidden in ("count", "tuning-count", "workers"):
        parser.add_argument(f"--{hidden}", type=int, default=1, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    options.argv = list(argv)
    if options.quick:
        options.sizes, options.queries, options.tuning = "10000", 200, 100
    options.systems = [s for s in options.systems.split(",") if s]
    unknown = set(options.systems) - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown systems: {', '.join(sorted(unknown))}")
    return options


def sizes_of(options: argparse.Namespace) -> Iterator[int]:
    yield from sorted(int(size) for size in options.sizes.split(","))


def main(argv: Sequence[str]) -> int:
    options = arguments(argv)
    if options.child:
        result = child(options)
        options.result.write_text(json.dumps(result), encoding="utf-8")
        return 0
    if options.from_json:
        saved = json.loads(options.from_json.read_text("utf-8"))
    else:
        started = time.time()
        deadline = started + options.time_limit
        results = []
        for size in sizes_of(options):
            print(f"{size:,} strings:", file=sys.stderr, flush=True)
            results.append(run_size(size, options, deadline))
        saved = {
            "results": results,
            "wall": time.time() - started,
            "argv": options.argv,
            "environment": environment(results),
        }
        (CACHE / "last-run.json").write_text(json.dumps(saved), encoding="utf-8")
    text = report(saved)
    options.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
