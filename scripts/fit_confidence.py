"""Fit namenorm's shipped confidence model on the fit part of the labeled set.

Usage (from the repository root, with namenorm installed):

    python scripts/fit_confidence.py            # writes src/namenorm/data/confidence.json
    python scripts/fit_confidence.py --check    # fits, reports, writes nothing

The labeled set (eval/labeled.jsonl) is split by a hash of each mention
(namenorm.evaluation.holdout_split): the model is fitted on the fit part only, and the figures
printed at the end are taken on the held-out test part, which the fit never saw.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from namenorm import DEFAULT_THRESHOLD, Resolver, load_table
from namenorm.calibrate import fit_model
from namenorm.evaluation import evaluate, holdout_split, predict, read_labeled, report

ROOT = Path(__file__).resolve().parent.parent
LABELED = ROOT / "eval" / "labeled.jsonl"
TARGET = ROOT / "src" / "namenorm" / "data" / "confidence.json"
L2 = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labeled", type=Path, default=LABELED)
    parser.add_argument("--output", type=Path, default=TARGET)
    parser.add_argument("--check", action="store_true", help="fit and report, write nothing")
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument(
        "--cv",
        type=int,
        metavar="K",
        help="only cross-validate on the fit part with K folds (for development: the held-out "
        "part stays unseen)",
    )
    arguments = parser.parse_args()

    table = load_table()
    mentions = read_labeled(arguments.labeled)
    fit, test = holdout_split(mentions)
    print(f"labeled mentions: {len(mentions)} (fit {len(fit)}, held out {len(test)})")
    if arguments.cv:
        predictions = []
        for fold in range(arguments.cv):
            train = [m for i, m in enumerate(fit) if i % arguments.cv != fold]
            check = [m for i, m in enumerate(fit) if i % arguments.cv == fold]
            model = fit_model(table, train, l2=arguments.l2)
            predictions += predict(Resolver(table, model=model), check)
        print(f"\n== {arguments.cv}-fold cross-validation on the fit part ==")
        print(report(predictions, threshold=DEFAULT_THRESHOLD).table())
        return 0
    model = fit_model(
        table,
        fit,
        l2=arguments.l2,
        name="builtin",
        metadata={
            "labeled_set": "eval/labeled.jsonl",
            "split": "namenorm.evaluation.holdout_split(test_share=0.5, salt='namenorm'): fit part",
            "table_entities": len(table),
            "fitted_by": "scripts/fit_confidence.py",
        },
    )
    print("pair model weights:")
    for name, weight in sorted(model.pair_weights.items(), key=lambda item: -abs(item[1])):
        print(f"  {name:<16}{weight:+8.3f}")
    print(f"  {'(intercept)':<16}{model.pair_intercept:+8.3f}")
    print(
        "calibrator:",
        dict(model.calibrator_weights),
        f"intercept {model.calibrator_intercept:+.3f}",
    )
    resolver = Resolver(table, model=model)
    for label, part in (("fit part", fit), ("HELD-OUT test part", test)):
        print(f"\n== {label} ==")
        print(evaluate(resolver, part).table())
    if not arguments.check:
        model.save(arguments.output)
        print(f"\nwrote {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
