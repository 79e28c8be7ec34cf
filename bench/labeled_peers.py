"""Held-out accuracy, false matches and calibration of namenorm against peers, in one run.

    python bench/labeled_peers.py          # writes bench/LABELED.md

On the held-out part of eval/labeled.jsonl (namenorm.evaluation.holdout_split), it measures:

- namenorm: the shipped resolver and confidence model at the default threshold;
- rapidfuzz: ``process.extractOne`` with ``fuzz.WRatio`` over unidecode-casefolded names,
  aliases and known errors of the same table, its score threshold tuned on the fit part;
- nomenklatura's default matcher (regression-v1) over every alias, and its logic-v2 over the
  100 aliases a WRatio prefilter keeps, each threshold tuned on the fit part. nomenklatura
  runs in its own virtualenv (bench/.venv-nomenklatura, made on first use), never in
  namenorm's environment.

Figures per category: accuracy (in-table mentions resolved to the right entity at the
threshold) and false-match rate (not-in-table mentions resolved to anything); ECE over all.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process
from unidecode import unidecode

import namenorm
from namenorm import Resolver, load_table
from namenorm.evaluation import (
    EvaluationReport,
    LabeledMention,
    Prediction,
    holdout_split,
    predict,
    read_labeled,
    report,
)

ROOT = Path(__file__).resolve().parent.parent
LABELED = ROOT / "eval" / "labeled.jsonl"
OUTPUT = Path(__file__).resolve().parent / "LABELED.md"
NK_VENV = Path(__file__).resolve().parent / ".venv-nomenklatura"
NK_REQUIREMENT = "nomenklatura==4.17.4"


def fold(text: str) -> str:
    return unidecode(text).casefold()


def table_names(table: namenorm.AliasTable) -> list[tuple[str, str]]:
    return [
        (entity.id, string)
        for entity in table
        for string in dict.fromkeys([*entity.names(), *entity.errors])
    ]


def tune(results: Sequence[tuple[str | None, float]], mentions: Sequence[LabeledMention]) -> float:
    """The score threshold that maximizes right answers (gold entity, or NIL) on the fit part."""
    best_threshold, best_right = 0.0, -1
    for threshold in sorted({score for _, score in results} | {0.0, 1.01}):
        right = 0
        for (entity, score), labeled in zip(results, mentions, strict=False):
            answer = entity if score >= threshold else None
            right += answer == labeled.gold
        if right > best_right:
            best_threshold, best_right = threshold, right
    return best_threshold


def as_report(
    results: Sequence[tuple[str | None, float]],
    mentions: Sequence[LabeledMention],
    threshold: float,
) -> EvaluationReport:
    predictions = [
        Prediction(
            labeled, entity, min(1.0, max(0.0, score)), entity is not None and score >= threshold
        )
        for (entity, score), labeled in zip(results, mentions, strict=False)
    ]
    return report(predictions, threshold=threshold)


def rapidfuzz_peer(names: list[tuple[str, str]]) -> Callable[[str], tuple[str | None, float]]:
    choices = [fold(alias) for _, alias in names]

    def best(query: str) -> tuple[str | None, float]:
        found = process.extractOne(fold(query), choices, scorer=fuzz.WRatio)
        if found is None:
            return None, 0.0
        return names[found[2]][0], found[1] / 100.0

    return best


def nomenklatura_python() -> Path:
    python = NK_VENV / "bin" / "python"
    if not python.exists():
        print(f"making {NK_VENV} with {NK_REQUIREMENT} ...", file=sys.stderr)
        venv.create(NK_VENV, with_pip=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", NK_REQUIREMENT, "rapidfuzz", "unidecode"],
            check=True,
        )
    return python


def nomenklatura_results(
    names: list[tuple[str, str]], queries: list[str]
) -> tuple[str, dict[str, list[tuple[str | None, float]]], float]:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "in.json"), Path(folder, "out.json")
        source.write_text(json.dumps({"names": names, "queries": queries}), encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            [
                str(nomenklatura_python()),
                str(Path(__file__).with_name("nk_driver.py")),
                str(source),
                str(target),
            ],
            check=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        elapsed = time.perf_counter() - started
        document = json.loads(target.read_text(encoding="utf-8"))
    algorithms = {
        name: [(entity, float(score)) for entity, score in rows]
        for name, rows in document["algorithms"].items()
    }
    return document["version"], algorithms, elapsed


def cell(value: float | None, *, percent: bool = True) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.1f}%" if percent else f"{value:.3f}"


def main() -> int:
    table = load_table()
    mentions = read_labeled(LABELED)
    fit, test = holdout_split(mentions)
    names = table_names(table)

    reports: dict[str, EvaluationReport] = {}
    timings: dict[str, float] = {}

    resolver = Resolver(table)
    predictions = []
    latencies = []
    for labeled in test:
        started = time.perf_counter()
        predictions.extend(predict(resolver, [labeled]))
        latencies.append(time.perf_counter() - started)
    reports["namenorm"] = report(predictions, threshold=resolver.threshold)
    timings["namenorm"] = statistics.fmean(latencies)
    latencies.sort()
    percentiles = {
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
    }

    peer = rapidfuzz_peer(names)
    fit_results = [peer(m.mention) for m in fit]
    started = time.perf_counter()
    test_results = [peer(m.mention) for m in test]
    timings["rapidfuzz WRatio"] = (time.perf_counter() - started) / len(test)
    threshold = tune(fit_results, fit)
    reports["rapidfuzz WRatio"] = as_report(test_results, test, threshold)

    version = "not run"
    if "--no-nomenklatura" not in sys.argv:
        version, algorithms, elapsed = nomenklatura_results(
            names, [m.mention for m in fit] + [m.mention for m in test]
        )
        for name, rows in algorithms.items():
            label = f"nomenklatura {name}"
            threshold = tune(rows[: len(fit)], fit)
            reports[label] = as_report(rows[len(fit) :], test, threshold)
            timings[label] = elapsed / (2 * (len(fit) + len(test)))

    categories = sorted(reports["namenorm"].by_category)
    systems = list(reports)
    lines = [
        "# namenorm against peers on the held-out labeled set",
        "",
        f"Made by `python bench/labeled_peers.py` with namenorm {namenorm.__version__}, "
        f"nomenklatura {version}, Python {platform.python_version()} on {platform.machine()}.",
        f"Labeled set: {len(mentions)} mentions, {len(fit)} fit / {len(test)} held out "
        f"(hash split of the mention text). Table: {len(table)} entities, {len(names)} strings.",
        "",
        "Accuracy: in-table mentions resolved to the right entity at the threshold. "
        "FMR: not-in-table mentions resolved to anything (lower is better). "
        "ECE: expected calibration error, 10 bins, of the confidence (namenorm) or the "
        "score scaled to [0, 1] (peers, which do not claim calibration).",
        "",
        "| category | n | " + " | ".join(systems) + " |",
        "|---|---:|" + "---:|" * len(systems),
    ]
    for category in categories:
        figures = [reports[s].by_category[category] for s in systems]
        nil = figures[0].in_table == 0
        values = [f.false_match_rate if nil else f.accuracy for f in figures]
        label = f"{category} ({'FMR' if nil else 'accuracy'})"
        lines.append(
            f"| {label} | {figures[0].count} | " + " | ".join(cell(v) for v in values) + " |"
        )
    overall = [reports[s].overall for s in systems]
    lines += [
        "| **in-table accuracy** | "
        + f"{overall[0].in_table} | "
        + " | ".join(cell(f.accuracy) for f in overall)
        + " |",
        "| **accuracy@1 (any confidence)** | "
        + f"{overall[0].in_table} | "
        + " | ".join(cell(f.accuracy_at_1) for f in overall)
        + " |",
        "| **false-match rate** | "
        + f"{overall[0].nil} | "
        + " | ".join(cell(f.false_match_rate) for f in overall)
        + " |",
        "| **F1** | " + f"{overall[0].count} | " + " | ".join(cell(f.f1) for f in overall) + " |",
        "| **ECE (10 bins)** | "
        + f"{overall[0].count} | "
        + " | ".join(cell(f.ece, percent=False) for f in overall)
        + " |",
        "| threshold | | " + " | ".join(f"{reports[s].threshold:.3f}" for s in systems) + " |",
        "| time per query | | " + " | ".join(f"{1000 * timings[s]:.2f} ms" for s in systems) + " |",
        "",
        "namenorm latency per resolve on the built-in table (held-out mentions, one core): "
        f"p50 {1000 * percentiles['p50']:.3f} ms, p99 {1000 * percentiles['p99']:.3f} ms.",
        "",
    ]
    text = "\n".join(lines)
    OUTPUT.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
