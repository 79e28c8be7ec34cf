"""Running-text annotation throughput, recall on planted variants and memory of namenorm against
an exact-only Aho-Corasick spotter, in one run.

    python bench/annotate_throughput.py            # writes bench/ANNOTATE.md (~11 minutes)
    python bench/annotate_throughput.py --quick    # a smoke run (small tables, little text)

The exact spotter needs pyahocorasick, which namenorm does not depend on:
``pip install pyahocorasick``.

What it measures, per alias-table size (about 1k, 100k and 1M strings by default; the smallest
table is the built-in one alone, whose ~1.4k strings are more than 1k):

- **tables**: the built-in table (``namenorm.load_table()``) plus entities generated from a
  seeded random stream: people with transliterated Arabic, Persian and English given names and
  family names (real ones, and new ones made of syllables and Persian/Arabic endings), and
  organizations (armed groups, parties, companies, councils) named after them and after
  places; each with a few aliases (transliteration variants, short forms, acronyms) and now
  and then a known error, until the table holds the requested number of strings (names,
  aliases and errors). A smaller table is a prefix of a larger one.
- **text**: news-like English made of runs of sentences of the five seed articles
  (``seeds/0*.txt``) in seeded order, in documents of about 4 KB, with planted sentences that
  each mention one table entity, either exactly (a name or alias of the table as written
  there, owned by that entity alone) or as a variant spelling that is in no table (q/k/gh,
  ou/u/o, ee/i, a/e, dh/z, doubled or undoubled consonants, the article al-/el-/Al- changed or
  dropped, hyphen and space changes, one-letter typos, a lower-cased article). Two texts:
  ``repeated`` draws the planted entities from a small pool, each spelled the same way each
  time (news names the same people again and again), ``novel`` draws each planted entity
  afresh (few repeats: namenorm caches per distinct span, so this is its worse case).
- **spotters**: namenorm (``namenorm.corpus.annotate_documents`` with one worker, which calls
  the resolver's annotator in-process, and with two, which spawns worker processes) and an
  exact-only Aho-Corasick spotter (pyahocorasick over the table strings, case-sensitive, a
  hit must begin and end at a word boundary, leftmost-longest, each string linked to its
  first owner).
- **figures**: MB/s of UTF-8 text; recall on the planted exact mentions and on the planted
  variants (a plant is found when a mention overlapping it links to the planted entity);
  precision on planted (of the mentions overlapping a plant, the share linked to the planted
  entity); mentions outside the plants per MB (unjudged: the seed prose names real entities
  of the built-in table); peak RSS (VmHWM) of a fresh process per table size, and of each
  worker (its own VmHWM, sampled while the workers run); the seconds to build the resolver
  and its annotator (or the automaton); and the floors under one worker (finding the spans
  alone, and annotating text whose every span was resolved before).

namenorm is far slower than the exact spotter, so the text each size measures is what
namenorm's one-worker pass got through in ``--budget`` seconds from cold caches (at least one
document); every other run of that size (namenorm on two workers, the exact spotter) uses
the same documents. Each table size runs in a fresh process (``--child``), so the peak RSS is
that size's. Two-worker runs start their processes afresh, and each worker builds its own
resolver from the table (that is how ``annotate_documents`` works); a blank first document
marks when a worker is up, so the report gives the throughput once started and the one
including the start. Sizes and two-worker runs that would not fit in ``--time-limit`` are
skipped, with the reason in the report.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import cProfile
import io
import json
import multiprocessing
import os
import platform
import pstats
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
from common import ChildPeak, CpuWatch, memory_kb, source_revision, wait_for_idle
from synthetic import entity_strings, generated_entities, string_count, variant

import namenorm
from namenorm import AliasTable, Resolver, load_table
from namenorm.annotate import sentence_spans
from namenorm.corpus import Document, annotate_documents
from namenorm.memo import BoundedMemo

try:
    import ahocorasick
except ImportError:  # pragma: no cover - a message, not a test
    sys.exit("bench/annotate_throughput.py needs pyahocorasick: pip install pyahocorasick")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
OUTPUT = Path(__file__).resolve().parent / "ANNOTATE.md"
SEED = 20240601

# -- tables -----------------------------------------------------------------------------------


def build_table(target: int, seed: int) -> AliasTable:
    """The built-in table plus generated entities, up to about ``target`` strings in all."""
    builtin = list(load_table())
    entities = list(builtin)
    total = string_count(builtin)
    stream = generated_entities(random.Random(seed))
    while total < target:
        entity = next(stream)
        entities.append(entity)
        total += len(entity_strings(entity))
    return AliasTable(entities)


def owners(table: AliasTable) -> dict[str, list[str]]:
    """Each string of the table (exactly as written) and the ids of the entities that have it."""
    found: dict[str, list[str]] = {}
    for entity in table:
        for string in entity_strings(entity):
            found.setdefault(string, []).append(entity.id)
    return found


# -- text -------------------------------------------------------------------------------------

TEMPLATES = (
    "{name} said on Tuesday that the talks would continue.",
    "Officials close to {name} denied the report.",
    "A statement attributed to {name} called for calm.",
    "According to two sources, {name} met the delegation last week.",
    "The ministry said it had summoned {name} for questioning.",
    "Witnesses said {name} was seen leaving the compound.",
    "In a televised speech, {name} accused the government of negligence.",
    "Supporters of {name} gathered outside the court on Sunday.",
    "{name} has not commented on the allegations.",
    "Analysts said the influence of {name} had grown since the elections.",
    "A spokesman for {name} declined to comment.",
    "The sanctions list was updated to include {name}, the statement said.",
)
DOCUMENT_CHARACTERS = 4000
"""About the length of one news article of the benchmark text."""
PLANT_RATE = 0.4
"""The chance that a planted sentence follows a seed sentence."""
REPEATED_POOL = 150
"""How many entities the ``repeated`` text names (Zipf-weighted)."""


@attrs.frozen
class Plant:
    start: int
    end: int
    entity: str
    exact: bool


@attrs.frozen
class Text:
    """A benchmark text: its documents and, per document, the planted mentions."""

    name: str
    documents: tuple[Document, ...]
    plants: tuple[tuple[Plant, ...], ...]


def seed_paragraphs() -> list[list[str]]:
    """The paragraphs of the seed articles, each a list of sentences."""
    paragraphs = []
    for path in sorted(SEEDS.glob("0*.txt")):
        for block in path.read_text(encoding="utf-8").split("\n"):
            sentences = [
                s.strip() for s in re.split(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])", block) if s.strip()
            ]
            if sentences:
                paragraphs.append(sentences)
    return paragraphs


class Planter:
    """Chooses the planted mentions of a text: which entity, and how it is written."""

    def __init__(
        self, table: AliasTable, strings: dict[str, list[str]], rng: random.Random, *, pool: bool
    ) -> None:
        self.rng = rng
        self.strings = strings
        # A plant is written from a string of the table that only its entity has, so that
        # "exact" means one right answer; the known errors are not written exactly.
        self.candidates = [
            (entity.id, [s for s in entity.names() if strings.get(s) == [entity.id]])
            for entity in table
        ]
        self.candidates = [(eid, names) for eid, names in self.candidates if names]
        self.pool: list[tuple[str, list[str]]] | None = None
        self.fixed: dict[tuple[str, bool], str] = {}
        if pool:
            self.pool = rng.sample(self.candidates, min(REPEATED_POOL, len(self.candidates)))
            self.weights = [1.0 / (rank + 1) for rank in range(len(self.pool))]

    def _variant(self, names: list[str]) -> str | None:
        for _ in range(20):
            written = variant(self.rng.choice(names), self.rng)
            if written not in self.strings:
                return written
        return None

    def next(self) -> tuple[str, str, bool] | None:
        """(entity id, surface, exact) of the next plant, or None when none could be made."""
        exact = self.rng.random() < 0.5
        if self.pool is not None:
            entity_id, names = self.rng.choices(self.pool, weights=self.weights)[0]
            key = (entity_id, exact)
            if key not in self.fixed:
                made = self.rng.choice(names) if exact else self._variant(names)
                if made is None:
                    return None
                # A paper spells a name the same way each time: repeated plants repeat spans.
                self.fixed[key] = made
            return entity_id, self.fixed[key], exact
        entity_id, names = self.rng.choice(self.candidates)
        made = self.rng.choice(names) if exact else self._variant(names)
        return None if made is None else (entity_id, made, exact)


def make_text(
    name: str,
    table: AliasTable,
    strings: dict[str, list[str]],
    characters: int,
    seed: int,
    *,
    pool: bool,
) -> Text:
    """Documents of seed prose with planted sentences, about ``characters`` long in all."""
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    planter = Planter(table, strings, random.Random(seed + 1), pool=pool)
    documents: list[Document] = []
    plants: list[tuple[Plant, ...]] = []
    total = 0
    while total < characters:
        pieces: list[str] = []
        found: list[Plant] = []
        length = 0
        while length < DOCUMENT_CHARACTERS:
            first = rng.randrange(len(paragraphs))
            sentences: list[str] = []
            for paragraph in paragraphs[first : first + rng.randint(1, 3)]:
                sentences.extend(paragraph)
            block: list[str] = []
            block_start = length
            for sentence in sentences[: rng.randint(2, 6)]:
                block.append(sentence)
                if rng.random() < PLANT_RATE:
                    chosen = planter.next()
                    if chosen is None:
                        continue
                    entity_id, surface, exact = chosen
                    template = rng.choice(TEMPLATES)
                    offset = block_start + sum(len(s) + 1 for s in block) + template.index("{")
                    found.append(Plant(offset, offset + len(surface), entity_id, exact))
                    block.append(template.format(name=surface))
            paragraph_text = " ".join(block)
            pieces.append(paragraph_text)
            length += len(paragraph_text) + 2
        text = "\n\n".join(pieces)
        for plant in found:
            assert text[plant.start : plant.end], plant
        documents.append(Document(id=f"{name}-{len(documents):05d}", text=text))
        plants.append(tuple(found))
        total += len(text)
    return Text(name, tuple(documents), tuple(plants))


# -- the exact spotter ------------------------------------------------------------------------

Found = tuple[int, int, str]
"""A mention a spotter found: start, end, entity id."""


class ExactSpotter:
    """Aho-Corasick over the table strings as written (case-sensitive); a hit must begin and
    end at a word boundary; leftmost-longest without overlaps; a string shared by several
    entities links to the first (an exact spotter cannot choose)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        automaton = ahocorasick.Automaton()
        for string, entity_id in pairs:
            if string not in automaton:
                automaton.add_word(string, (len(string), entity_id))
        automaton.make_automaton()
        self.automaton = automaton

    def spot(self, text: str) -> list[Found]:
        hits = []
        last = len(text) - 1
        for end, (length, entity_id) in self.automaton.iter(text):
            start = end - length + 1
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            if end < last and (text[end + 1].isalnum() or text[end + 1] == "_"):
                continue
            hits.append((start, end + 1, entity_id))
        hits.sort(key=lambda hit: (hit[0], -hit[1]))
        chosen: list[Found] = []
        reach = -1
        for hit in hits:
            if hit[0] >= reach:
                chosen.append(hit)
                reach = hit[1]
        return chosen


def table_pairs(table: AliasTable) -> list[tuple[str, str]]:
    return [(string, entity.id) for entity in table for string in entity_strings(entity)]


# -- measuring --------------------------------------------------------------------------------


def utf8_bytes(documents: Iterable[Document]) -> int:
    return sum(len(document.text.encode("utf-8")) for document in documents)


def namenorm_found(annotation: Sequence[Any]) -> list[Found]:
    return [(m.start, m.end, m.match.entity.id) for m in annotation if m.match is not None]


@attrs.define
class Score:
    exact: int = 0
    exact_found: int = 0
    variants: int = 0
    variants_found: int = 0
    judged: int = 0
    judged_right: int = 0
    outside: int = 0

    def add(self, plants: Sequence[Plant], found: Sequence[Found]) -> None:
        for plant in plants:
            hit = any(
                start < plant.end and plant.start < end and entity == plant.entity
                for start, end, entity in found
            )
            if plant.exact:
                self.exact += 1
                self.exact_found += hit
            else:
                self.variants += 1
                self.variants_found += hit
        for start, end, entity in found:
            over = [p for p in plants if start < p.end and p.start < end]
            if over:
                self.judged += 1
                self.judged_right += any(p.entity == entity for p in over)
            else:
                self.outside += 1

    def as_dict(self) -> dict[str, int]:
        return attrs.asdict(self)


def drop_caches(resolver: Resolver) -> None:
    """Empty every per-span cache of a resolver and its annotator, and namenorm's global
    caches, so a measured run starts cold.

    namenorm has no public way to do it: ``reset_caches`` clears its global caches (loaded
    data files, memoized normalization) but not the dicts a resolver and its annotator keep
    per mention (``_base_cache``, ``_link_cache``, ``_known`` at the time of writing). Every
    dict attribute whose name says it is a cache is emptied, as they empty themselves when
    full."""
    namenorm.reset_caches()
    for owner in (resolver, resolver.annotator()):
        for name, value in vars(owner).items():
            memo = isinstance(value, (dict, BoundedMemo))
            if memo and ("cache" in name or name == "_known"):
                value.clear()


def run_namenorm_one(
    resolver: Resolver, text: Text, budget: float
) -> tuple[int, float, Score, list[Document]]:
    """Annotate ``text`` on one worker until ``budget`` seconds have passed (at least one
    document): the number of documents done, the seconds, the score and the documents."""
    drop_caches(resolver)
    score = Score()
    done: list[Document] = []
    stamps: list[float] = []
    started = time.perf_counter()
    for document, annotation in annotate_documents(text.documents, resolver, workers=1):
        score.add(text.plants[len(done)], namenorm_found(annotation))
        done.append(document)
        stamps.append(time.perf_counter())
        if stamps[-1] - started >= budget:
            break
    # One worker does the documents in turn: the second half took from the end of the first.
    half = len(stamps) // 2
    second_half = stamps[-1] - (stamps[half - 1] if half else started)
    return len(done), stamps[-1] - started, score, done, second_half


def run_exact_one(
    spotter: ExactSpotter, text: Text, count: int, minimum: float = 1.0
) -> tuple[float, Score]:
    """Spot the first ``count`` documents of ``text``; the seconds of one pass (the mean of
    as many passes as fill ``minimum`` seconds) and the score."""
    score = Score()
    for document, plants in zip(text.documents[:count], text.plants[:count], strict=True):
        score.add(plants, spotter.spot(document.text))
    passes = 0
    started = time.perf_counter()
    while passes == 0 or time.perf_counter() - started < minimum:
        for document in text.documents[:count]:
            spotter.spot(document.text)
        passes += 1
    return (time.perf_counter() - started) / passes, score


def run_stages(resolver: Resolver, documents: Sequence[Document]) -> dict[str, float]:
    """Seconds of the stages of annotating ``documents`` on one worker: finding the spans
    alone (capitalized runs, the table automaton and the sentence bounds, before anything is
    resolved), and a whole annotation of text whose every span was seen before (the second
    of two passes): the floors under the one-worker figure."""
    spotter = resolver.annotator().spotter
    kept = namenorm.resolve.BASE_ROWS_KEPT
    started = time.perf_counter()
    for document in documents:
        spotter.runs(document.text)
        spotter.table_hits(document.text)
        sentence_spans(document.text)
    spotting = time.perf_counter() - started
    # The resolver forgets mentions beyond BASE_ROWS_KEPT rows, and the measured text may
    # hold more: here it keeps them all, so that the second pass is all remembered.
    namenorm.resolve.BASE_ROWS_KEPT = 1 << 40
    try:
        for document in documents:
            resolver.annotate_document(document.text)
        started = time.perf_counter()
        for document in documents:
            resolver.annotate_document(document.text)
        seen = time.perf_counter() - started
    finally:
        namenorm.resolve.BASE_ROWS_KEPT = kept
    return {"spotting": spotting, "seen": seen}


def _blank(characters: int) -> Document:
    """A document with nothing to find, its own batch: its answer marks when a worker is up."""
    return Document(id="start-marker", text=" " * characters)


def batch_characters(documents: Sequence[Document], workers: int) -> int:
    """Batches small enough that every worker gets at least four of this corpus."""
    size = sum(len(d.text) for d in documents)
    return max(1, min(namenorm.corpus.BATCH_CHARACTERS, size // (4 * workers)))


def run_namenorm_many(
    resolver: Resolver, text: Text, count: int, workers: int, batch: int
) -> dict[str, Any]:
    """``annotate_documents(..., workers=workers)`` over the first ``count`` documents, behind a
    blank marker document: start-up seconds (marker answered), seconds after it, the score."""
    documents = [_blank(batch), *text.documents[:count]]
    default = namenorm.corpus.BATCH_CHARACTERS
    namenorm.corpus.BATCH_CHARACTERS = batch
    score = Score()
    try:
        started = time.perf_counter()
        up = None
        position = 0
        with ChildPeak() as workers_peak:
            annotated = annotate_documents(documents, resolver, workers=workers)
            for document, annotation in annotated:
                if up is None:
                    up = time.perf_counter()
                    assert document.id == "start-marker"
                    continue
                score.add(text.plants[position], namenorm_found(annotation))
                position += 1
            finished = time.perf_counter()
    finally:
        namenorm.corpus.BATCH_CHARACTERS = default
    assert up is not None
    children = workers_peak.peak_kb
    return {
        "startup": up - started,
        "seconds": finished - up,
        "wall": finished - started,
        "score": score.as_dict(),
        "worker_rss_kb": children,
    }


_WORKER_SPOTTER: ExactSpotter | None = None


def _start_exact_worker(pairs: list[tuple[str, str]]) -> None:
    global _WORKER_SPOTTER  # noqa: PLW0603 - one automaton per worker process, built once
    _WORKER_SPOTTER = ExactSpotter(pairs)


def _spot_batch(texts: list[str]) -> tuple[list[list[Found]], int]:
    assert _WORKER_SPOTTER is not None
    return [_WORKER_SPOTTER.spot(text) for text in texts], memory_kb()["VmHWM"]


def _batches(documents: Sequence[Document], batch: int) -> Iterator[list[str]]:
    texts: list[str] = []
    size = 0
    for document in documents:
        texts.append(document.text)
        size += len(document.text)
        if size >= batch:
            yield texts
            texts, size = [], 0
    if texts:
        yield texts


def run_exact_many(
    pairs: list[tuple[str, str]], text: Text, count: int, workers: int, batch: int
) -> dict[str, Any]:
    """The exact spotter on ``workers`` spawned processes, batched as namenorm's corpus
    annotation is (each worker builds its automaton from the pairs, as namenorm's workers
    build their resolver from the table). The documents go round as many times as make about
    2 MB, so that the figure measures spotting more than process start-up; the score is of
    the first round."""
    documents = list(text.documents[:count])
    size = sum(len(d.text) for d in documents)
    rounds = max(1, -(-2_000_000 // max(size, 1)))
    score = Score()
    worker_rss = 0
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    up = None
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_exact_worker, initargs=(pairs,)
    ) as pool:
        futures = [
            pool.submit(_spot_batch, texts)
            for texts in _batches([_blank(batch), *documents * rounds], batch)
        ]
        position = -1
        for future in futures:
            results, rss = future.result()
            worker_rss = max(worker_rss, rss)
            for found in results:
                if position < 0:
                    up = time.perf_counter()
                elif position < count:
                    score.add(text.plants[position], found)
                position += 1
        finished = time.perf_counter()
    assert up is not None
    return {
        "startup": up - started,
        "seconds": (finished - up) / rounds,
        "wall": (finished - started) / rounds,
        "rounds": rounds,
        "score": score.as_dict(),
        "worker_rss_kb": worker_rss,
    }


_CAPITALIZED = re.compile(r"[A-Z][\w'’.-]*(?:[ ](?:al-|bin |ibn )?[A-Z][\w'’.-]*)*")


def distinct_shares(text: Text, count: int) -> dict[str, float]:
    """How repetitive the measured text is: distinct planted spans per plant, and distinct
    capitalized word sequences per sequence."""
    spans = [
        document.text[p.start : p.end]
        for document, plants in zip(text.documents[:count], text.plants[:count], strict=True)
        for p in plants
    ]
    runs = [
        run.group()
        for document in text.documents[:count]
        for run in re.finditer(
            r"[A-Z][\w'’.-]*(?:[ ](?:al-|bin |ibn )?[A-Z][\w'’.-]*)*", document.text
        )
    ]
    return {
        "plants": len(spans),
        "distinct_plants": len(set(spans)) / max(1, len(spans)),
        "runs": len(runs),
        "distinct_runs": len(set(runs)) / max(1, len(runs)),
    }


def profile_summary(resolver: Resolver, text: Text, characters: int, rows: int = 14) -> str:
    """cProfile of one cold one-worker pass over about ``characters`` of ``text``."""
    drop_caches(resolver)
    documents: list[Document] = []
    for document in text.documents:
        documents.append(document)
        if sum(len(d.text) for d in documents) >= characters:
            break
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for document in documents:
        resolver.annotate_document(document.text)
    profiler.disable()
    elapsed = time.perf_counter() - started
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.strip_dirs()
    stream.write(
        f"cold pass over {sum(len(d.text) for d in documents):,} characters "
        f"({len(documents)} documents): {elapsed:.1f} s under cProfile\n"
    )
    stats.sort_stats("tottime").print_stats(rows)
    stats.sort_stats("cumulative").print_stats(rows)
    lines = [
        line.rstrip()
        for line in stream.getvalue().splitlines()
        if line.strip() and not line.startswith(("   Ordered by", "   List reduced"))
    ]
    return "\n".join(lines)


# -- one table size, in a fresh process -------------------------------------------------------


def child(options: argparse.Namespace) -> dict[str, Any]:
    """Every measurement of one table size; run in a fresh process (``--child``)."""
    result: dict[str, Any] = {"target": options.size, "skipped": {}, "revision": revision()}
    started = time.perf_counter()
    table = build_table(options.size, options.seed)
    result["table_seconds"] = time.perf_counter() - started
    result["entities"] = len(table)
    result["strings"] = string_count(table)
    strings = owners(table)
    characters = int(options.text_mb * 1_000_000)
    texts = [
        make_text("novel", table, strings, characters, options.seed + 11, pool=False),
        make_text("repeated", table, strings, characters, options.seed + 11, pool=True),
    ]
    del strings
    result["rss_before_build_kb"] = memory_kb()["VmRSS"]

    started = time.perf_counter()
    resolver = Resolver(table)
    resolver.annotator()
    result["build_seconds"] = time.perf_counter() - started
    result["rss_after_build_kb"] = memory_kb()["VmRSS"]
    print(f"  {options.size}: built in {result['build_seconds']:.1f} s", file=sys.stderr)

    counts: dict[str, int] = {}
    waited = 0.0
    result["namenorm_one"] = {}
    for text in texts:
        waited += wait_for_idle(options.wait_idle)
        watch = CpuWatch()
        count, seconds, score, done, second_half = run_namenorm_one(resolver, text, options.budget)
        others = watch.others()
        counts[text.name] = count
        result["namenorm_one"][text.name] = {
            "documents": count,
            "bytes": utf8_bytes(done),
            "seconds": seconds,
            "second_half": second_half,
            "second_half_bytes": utf8_bytes(done[count // 2 :]),
            "score": score.as_dict(),
            "shares": distinct_shares(text, count),
            "others": others,
        }
        print(
            f"  {options.size}: namenorm on {text.name}: {count} documents in {seconds:.1f} s",
            file=sys.stderr,
        )
    result["peak_rss_kb"] = memory_kb()["VmHWM"]
    novel = texts[0].documents[: counts["novel"]]
    result["stages"] = {"bytes": utf8_bytes(novel), **run_stages(resolver, novel)}

    if options.profile:
        result["profile"] = profile_summary(resolver, texts[0], options.profile_kb * 1000)

    pairs = table_pairs(table)
    before = memory_kb()["VmRSS"]
    started = time.perf_counter()
    spotter = ExactSpotter(pairs)
    result["exact_build_seconds"] = time.perf_counter() - started
    result["exact_rss_growth_kb"] = memory_kb()["VmRSS"] - before
    result["exact_one"] = {}
    for text in texts:
        watch = CpuWatch()
        seconds, score = run_exact_one(spotter, text, counts[text.name])
        result["exact_one"][text.name] = {
            "seconds": seconds,
            "score": score.as_dict(),
            "others": watch.others(),
        }
    del spotter

    result["namenorm_many"] = {}
    result["exact_many"] = {}
    result["batch_characters"] = {}
    for text in texts:
        documents = text.documents[: counts[text.name]]
        batch = batch_characters(documents, options.workers)
        result["batch_characters"][text.name] = batch
        one = result["namenorm_one"][text.name]["seconds"]
        # Two runs: all the documents, then the first half alone (the second-half figure).
        estimate = 2.6 * result["build_seconds"] + 2.0 * one / options.workers + 30
        remaining = options.deadline - time.time()
        if estimate > remaining:
            result["skipped"][f"namenorm {options.workers} workers {text.name}"] = (
                f"estimated {estimate:.0f} s (each worker rebuilds the resolver: "
                f"{result['build_seconds']:.0f} s) > {remaining:.0f} s left of the time limit"
            )
        else:
            waited += wait_for_idle(options.wait_idle)
            watch = CpuWatch()
            result["namenorm_many"][text.name] = run_namenorm_many(
                resolver, text, counts[text.name], options.workers, batch
            )
            result["namenorm_many"][text.name]["others"] = watch.others()
            # The first half alone, in the same batches: what the whole run took beyond it is
            # the second half's cost once every worker has met the recurring spans. Results are
            # read in order while batches are in flight, so a timestamp in the middle of a run
            # would count work done before it; a whole second run does not.
            waited += wait_for_idle(options.wait_idle)
            first_half = run_namenorm_many(
                resolver, text, counts[text.name] // 2, options.workers, batch
            )
            result["namenorm_many"][text.name]["first_half_seconds"] = first_half["seconds"]
            print(f"  {options.size}: namenorm x{options.workers} on {text.name}", file=sys.stderr)
        watch = CpuWatch()
        result["exact_many"][text.name] = run_exact_many(
            pairs, text, counts[text.name], options.workers, batch
        )
        result["exact_many"][text.name]["others"] = watch.others()
    result["waited"] = waited
    return result


# -- the report -------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "-"


def _rate(size: int, seconds: float) -> str:
    if seconds <= 0:
        return "-"
    rate = size / seconds / 1e6
    return f"{rate:.3g}" if rate < 10 else f"{rate:.1f}"


def _mb(kilobytes: int) -> str:
    return f"{kilobytes / 1024:,.0f} MB"


def _spin(count: int) -> int:
    total = 0
    for number in range(count):
        total += number * number
    return total


def parallel_capacity(workers: int, count: int = 4_000_000) -> float:
    """How many times one process's pure-Python work ``workers`` spawned processes do in the
    same time (``workers`` on an idle machine with as many free cores; less when the cores are
    shared with other work)."""
    started = time.perf_counter()
    _spin(count)
    one = time.perf_counter() - started
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        list(pool.map(_spin, [1] * workers))
        started = time.perf_counter()
        list(pool.map(_spin, [count] * workers))
        many = time.perf_counter() - started
    return workers * one / many


def revision() -> str:
    """The git commit of the code measured, and whether src/ differs from it."""
    found = source_revision()
    if found is None:
        return "unknown revision"
    commit, changed = found
    return f"commit {commit}" + (" with uncommitted changes in src/" if changed else "")


def machine() -> str:
    model = "unknown CPU"
    memory_total = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_total = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    try:
        from importlib.metadata import version  # noqa: PLC0415 - only for the report

        aho = version("pyahocorasick")
    except Exception:
        aho = "?"
    return (
        f"{os.cpu_count()} CPUs ({model}), {memory_total} RAM, Python "
        f"{platform.python_version()} on {platform.system()} {platform.machine()}; "
        f"namenorm {namenorm.__version__}, pyahocorasick {aho}"
    )


def rows_of(result: dict[str, Any], workers: int) -> list[str]:
    rows = []
    label = f"{result['strings']:,}"
    for text in ("novel", "repeated"):
        one = result["namenorm_one"][text]
        size = one["bytes"]
        measured = f"{size / 1000:,.0f} KB, {one['score']['exact'] + one['score']['variants']}"
        configurations: list[tuple[str, int, dict[str, Any] | None, str, str]] = [
            (
                "namenorm",
                1,
                {**one, "wall": one["seconds"]},
                _mb(result["peak_rss_kb"]),
                f"{result['build_seconds']:.1f}",
            ),
            (
                "namenorm",
                workers,
                result["namenorm_many"].get(text),
                "",
                "",
            ),
            (
                "exact AC",
                1,
                {**result["exact_one"][text], "wall": result["exact_one"][text]["seconds"]},
                f"+{_mb(result['exact_rss_growth_kb'])}",
                f"{result['exact_build_seconds']:.1f}",
            ),
            ("exact AC", workers, result["exact_many"].get(text), "", ""),
        ]
        for spotter, count, figures, own_rss, own_build in configurations:
            rss, build = own_rss, own_build
            if figures is None:
                rows.append(
                    f"| {label} | {spotter} | {text} | {count} | skipped | | {measured} "
                    "| | | | | | | |"
                )
                continue
            score = figures["score"]
            if count > 1:
                rss = f"{_mb(figures['worker_rss_kb'])} per worker"
                build = f"start {figures['startup']:.1f}"
            rows.append(
                "| "
                + " | ".join(
                    [
                        label,
                        spotter,
                        text,
                        str(count),
                        _rate(size, figures["seconds"]),
                        _rate(size, figures["wall"]),
                        measured,
                        _percent(score["exact_found"], score["exact"]),
                        _percent(score["variants_found"], score["variants"]),
                        _percent(score["judged_right"], score["judged"]),
                        f"{score['outside'] / (size / 1e6):,.0f}",
                        rss,
                        build,
                        f"{figures.get('others', 0.0):.2f}",
                    ]
                )
                + " |"
            )
    return rows


def _revisions(results: list[dict[str, Any]]) -> str:
    """The revision measured, or each size's when the code changed during the run."""
    found = list(dict.fromkeys(result["revision"] for result in results))
    if len(found) == 1:
        return str(found[0])
    return "; ".join(f"{result['revision']} ({result['strings']:,} strings)" for result in results)


def report(
    results: list[dict[str, Any]],
    notes: list[str],
    environment: list[str],
    options: argparse.Namespace,
) -> str:
    command = "python bench/annotate_throughput.py " + " ".join(options.argv)
    lines = [
        "# Running-text annotation: throughput, recall on planted variants, memory",
        "",
        f"Made by `{command.strip()}` on {machine()}, namenorm at {_revisions(results)}.",
        "",
        *environment,
        "",
        f"Each table size ran in a fresh process. Text: documents of about "
        f"{DOCUMENT_CHARACTERS:,} characters of the five seed articles' sentences with planted "
        "sentences naming table entities, half exactly (a table string as written) and half as a "
        "variant spelling that is in no table (see the script's docstring). `novel`: each "
        "plant a fresh random entity; `repeated`: plants drawn (Zipf) from "
        f"{REPEATED_POOL} entities, each spelled the same way each time. namenorm annotated "
        f"each text on one worker for about {options.budget:g} s from a cold resolver (the "
        "measured text is what it got through; every other run uses the same documents).",
        "",
        "Columns: **MB/s** of UTF-8 text (two workers: after the workers are up); **MB/s incl. "
        "start** (two workers: from the call, with the worker start-up, in which every worker "
        "builds its own resolver or automaton); **measured**: text size and number of plants; "
        "**recall** on the planted exact mentions and on the planted variants (a mention "
        "overlapping the plant and linked to its entity); **precision on planted**: of the "
        "mentions overlapping a plant, the share linked to the planted entity; **other/MB**: "
        "mentions outside the plants per MB (not judged: the seed prose names real entities); "
        "**peak RSS**: the process's VmHWM after building and annotating (namenorm), the RSS "
        "growth of building the automaton (exact AC), or each worker's peak; **build s**: "
        "seconds to build the resolver and its annotator (namenorm) or the automaton, or the "
        "worker start-up in seconds; **others' CPU**: cores kept busy by other processes of the "
        "machine during the run (from /proc/stat less this benchmark's own CPU time).",
        "",
        "| table strings | spotter | text | workers | MB/s | MB/s incl. start | measured "
        "(text, plants) | recall exact | recall variants | precision on planted | other/MB "
        "| peak RSS | build s | others' CPU |",
        "|---:|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines += rows_of(result, options.workers)
    lines += ["", "## Against the aims", ""]
    lines += aims(results, options.workers)
    lines += [
        "",
        "## The floors under one worker",
        "",
        "The measured novel text again, on one worker: **spotting only** is finding the spans "
        "(capitalized runs, the table automaton, sentence bounds) without resolving any; "
        "**all seen before** is a whole annotation, the second of two passes, so that every "
        "span's resolution is cached (for this measurement the resolver keeps every mention, "
        "beyond `namenorm.resolve.BASE_ROWS_KEPT`); **as measured** is the cold figure of "
        "the table above. "
        "No per-core rate can pass the first without a faster spotter, nor the second without "
        "faster linking; the gap between the second and the third is the resolving of new "
        "names.",
        "",
        "| table strings | spotting only, MB/s | all seen before, MB/s | as measured, MB/s |",
        "|---:|---:|---:|---:|",
    ]
    for result in results:
        stages = result.get("stages")
        if stages:
            cold = result["namenorm_one"]["novel"]
            lines.append(
                f"| {result['strings']:,} | {_rate(stages['bytes'], stages['spotting'])} "
                f"| {_rate(stages['bytes'], stages['seen'])} "
                f"| {_rate(cold['bytes'], cold['seconds'])} |"
            )
    lines += ["", "## The texts", ""]
    for result in results:
        shares = []
        for text in ("novel", "repeated"):
            share = result["namenorm_one"][text]["shares"]
            shares.append(
                f"{text}: {share['plants']} plants, {100 * share['distinct_plants']:.0f}% "
                f"distinct planted spans, {share['runs']} capitalized word sequences of which "
                f"{100 * share['distinct_runs']:.0f}% distinct"
            )
        lines.append(
            f"- {result['strings']:,} strings ({result['entities']:,} entities, generated in "
            f"{result['table_seconds']:.1f} s; RSS {_mb(result['rss_before_build_kb'])} before "
            f"the build, {_mb(result['rss_after_build_kb'])} after): " + "; ".join(shares) + "."
        )
    lines += ["", "## Notes", ""]
    lines += [f"- {note}" for note in notes]
    for result in results:
        for what, why in result["skipped"].items():
            lines.append(f"- {result['strings']:,} strings, {what}: skipped, {why}.")
        batches = {
            text: size
            for text, size in result.get("batch_characters", {}).items()
            if size < namenorm.corpus.BATCH_CHARACTERS
        }
        if batches:
            lines.append(
                f"- {result['strings']:,} strings, {options.workers} workers: batches of "
                + ", ".join(f"{size:,} characters ({text})" for text, size in batches.items())
                + f" instead of namenorm's {namenorm.corpus.BATCH_CHARACTERS:,} "
                "(`namenorm.corpus.BATCH_CHARACTERS`, set by this script), so that every worker "
                "gets at least four batches of the measured text."
            )
    for result in results:
        if result.get("waited", 0.0) > 0.5:
            lines.append(
                f"- {result['strings']:,} strings: {result['waited']:.0f} s in all went to "
                "checking that other processes left the cores idle, or waiting until they did "
                f"(--wait-idle {options.wait_idle:g})."
            )
    lines.append(
        f"- exact AC on {options.workers} workers: the measured documents went round until about "
        "2 MB had been spotted (its MB/s are per round, start-up included in the second "
        "figure), as one round of a few hundred KB is over before the processes are warm."
    )
    lines.append(
        f"- namenorm on {options.workers} workers: every worker process starts with empty caches, "
        "so a span that recurs across the corpus is resolved once per worker instead of once; "
        "on a text of a few hundred KB that is a large share of the work (the prose of the "
        "five seed articles recurs every ~30 KB). The *second half* figure of the aims "
        "takes one worker's time over the second half of the measured documents against what "
        "the workers took over all of them beyond a separate run over the first half alone: "
        "the steady state of a corpus larger than the one measured."
    )
    for result in results:
        if result.get("profile"):
            lines += [
                "",
                f"## Where namenorm's time goes ({result['strings']:,} strings, novel text)",
                "",
                "```",
                result["profile"],
                "```",
            ]
    lines.append("")
    return "\n".join(lines)


def aims(results: list[dict[str, Any]], workers: int) -> list[str]:
    lines = []
    middle = min(results, key=lambda r: abs(r["target"] - 100_000))
    for text in ("novel", "repeated"):
        one = middle["namenorm_one"][text]
        rate = one["bytes"] / one["seconds"] / 1e6
        exact = middle["exact_one"][text]
        variants = one["score"]
        lines.append(
            f"- >= 12 MB/s per core with {middle['strings']:,} strings ({text} text): "
            f"**{rate:.3f} MB/s** on one worker ({12 / rate:,.0f}x short); recall on variants "
            f"{_percent(variants['variants_found'], variants['variants'])} against the exact "
            f"spotter's {_percent(exact['score']['variants_found'], exact['score']['variants'])}"
            f" (exact spotter: {one['bytes'] / exact['seconds'] / 1e6:.1f} MB/s)."
        )
    for result in results:
        for text in ("novel", "repeated"):
            many = result["namenorm_many"].get(text)
            one = result["namenorm_one"][text]
            if many is None:
                continue
            speedup = one["seconds"] / many["seconds"]
            overall = one["seconds"] / many["wall"]
            beyond = many["seconds"] - many["first_half_seconds"]
            steady = (
                f"{one['second_half'] / beyond:.2f}x"
                if beyond > 0
                else "not measurable (the whole run took no longer than its first half)"
            )
            lines.append(
                f"- linear in workers, {result['strings']:,} strings, {text}: {workers} workers "
                f"are {speedup:.2f}x one worker once started ({overall:.2f}x counting the "
                f"{many['startup']:.1f} s start-up); on the second half of the documents "
                f"({one['second_half_bytes'] / 1000:,.0f} KB), once each worker has met the "
                f"spans that recur, **{steady}**."
            )
    largest = max(results, key=lambda r: r["target"])
    lines.append(
        f"- memory of the largest annotator ({largest['strings']:,} strings) under 2 GB: peak "
        f"RSS **{_mb(largest['peak_rss_kb'])}** ({_mb(largest['rss_after_build_kb'])} after "
        f"the build, of which {_mb(largest['rss_before_build_kb'])} is the table and the "
        f"texts); build {largest['build_seconds']:.0f} s."
    )
    return lines


# -- main -------------------------------------------------------------------------------------


def arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument(
        "--sizes",
        default="1000,100000,1000000",
        help="alias-table sizes in strings, comma-separated (the built-in table has ~1.4k)",
    )
    parser.add_argument("--text-mb", type=float, default=2.0, help="MB of text per text kind")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds of one-worker namenorm per text"
    )
    parser.add_argument("--workers", type=int, default=2, help="the many-worker runs' workers")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=900.0,
        help="seconds for the whole run: sizes and runs that would not fit are skipped",
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        help="before each timed namenorm run, wait up to this many seconds for other "
        "processes to leave the cores idle (for shared machines)",
    )
    parser.add_argument("--profile-size", type=int, default=100_000, help="table size profiled")
    parser.add_argument("--profile-kb", type=int, default=40, help="KB of text profiled")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 1k and 20k strings, short budgets"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--deadline", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    options.argv = list(argv)
    if options.quick:
        options.sizes = "1000,20000"
        options.text_mb = min(options.text_mb, 0.3)
        options.budget = min(options.budget, 5.0)
        options.profile_size = 20_000
        options.profile_kb = min(options.profile_kb, 10)
    return options


def run_size(
    options: argparse.Namespace, size: int, deadline: float
) -> tuple[dict[str, Any] | None, str | None]:
    """Run one table size in a fresh process: its result, or why there is none."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder, "result.json")
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            f"--size={size}",
            f"--seed={options.seed}",
            f"--text-mb={options.text_mb}",
            f"--budget={options.budget}",
            f"--workers={options.workers}",
            f"--profile-kb={options.profile_kb}",
            f"--wait-idle={options.wait_idle}",
            f"--deadline={deadline}",
            f"--result={target}",
        ]
        if size == options.profile_size:
            command.append("--profile")
        try:
            subprocess.run(command, check=True, timeout=max(1.0, deadline - time.time() + 30))
        except subprocess.TimeoutExpired:
            return None, "did not finish within the time limit (killed)"
        except subprocess.CalledProcessError as error:
            return None, f"failed with exit status {error.returncode}"
        return json.loads(target.read_text(encoding="utf-8")), None


def main(argv: Sequence[str]) -> int:
    options = arguments(argv)
    if options.child:
        result = child(options)
        options.result.write_text(json.dumps(result), encoding="utf-8")
        return 0
    started = time.time()
    deadline = started + options.time_limit
    results: list[dict[str, Any]] = []
    notes: list[str] = []
    load_before = os.getloadavg()[0]
    capacity_before = parallel_capacity(options.workers)
    watch = CpuWatch()
    for size in sorted(int(s) for s in options.sizes.split(",")):
        remaining = deadline - time.time()
        if results:
            last = results[-1]
            # The build grew about linearly with the strings between 100k and 1M.
            build = last["build_seconds"] * size / max(last["strings"], 1)
            needed = build + 2 * options.budget + 20
            if needed > remaining:
                notes.append(
                    f"{size:,} strings: not run; its build alone is estimated at {build:.0f} s "
                    f"(from {last['strings']:,} strings in {last['build_seconds']:.1f} s), and "
                    f"with the one-worker runs it would need ~{needed:.0f} s, more than the "
                    f"{remaining:.0f} s left of --time-limit {options.time_limit:g}; the "
                    f"largest size measured is {last['strings']:,} strings."
                )
                continue
        print(f"table of {size:,} strings ...", file=sys.stderr)
        measured, problem = run_size(options, size, deadline)
        if measured is None:
            notes.append(f"{size:,} strings: {problem}.")
            continue
        results.append(measured)
    notes.append(f"Whole run: {time.time() - started:.0f} s.")
    if not results:
        print("no table size finished", file=sys.stderr)
        return 1
    others = watch.others()
    capacity_after = parallel_capacity(options.workers)
    environment = [
        f"Machine load: 1-minute load average {load_before:.2f} at the start and "
        f"{os.getloadavg()[0]:.2f} at the end; {options.workers} processes of pure-Python "
        f"arithmetic did {capacity_before:.2f}x the work of one at the start and "
        f"{capacity_after:.2f}x at the end ({options.workers}x would be {options.workers} free "
        "cores): the multi-worker figures cannot beat that ceiling. Other processes kept "
        f"{others:.2f} cores busy on average during the whole run (column *others' CPU* per "
        "run)."
    ]
    text = report(results, notes, environment, options)
    options.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
