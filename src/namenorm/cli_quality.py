"""The quality commands of the command line: ``namenorm evaluate`` and ``namenorm calibrate``.

    namenorm evaluate labeled.jsonl                           # figures by category, a table
    namenorm evaluate labeled.jsonl --format json             # the same, one JSON object
    namenorm evaluate labeled.jsonl --table my_aliases.jsonl --plot reliability.png
    namenorm calibrate labeled.jsonl --table my_aliases.jsonl -o my_calibration.json
    namenorm calibrate labeled.jsonl --holdout 0.3 -o my_calibration.json  # honest figures
    namenorm resolve --table my_aliases.jsonl --model my_calibration.json "Qassem Suleimani"

A labeled file is JSON Lines, one mention a line: ``mention``, optional ``context``, ``gold``
(an entity id of the table, or null for a mention of something not in it), optional
``category`` (see :mod:`namenorm.evaluation` for the figures). A malformed line, or a gold id
the table does not have, stops the command with exit status 2 and names the file and line.

>>> import io, tempfile, pathlib
>>> from namenorm.cli import main
>>> labeled = pathlib.Path(tempfile.mkdtemp()) / "labeled.jsonl"
>>> _ = labeled.write_text('{"mention": "Qassem Suleimani", "gold": "qasem-soleimani"}\\n'
...                        '{"mention": "Angela Zbrowski", "gold": null}\\n', "utf-8")
>>> buffer = io.StringIO()
>>> main(["evaluate", str(labeled), "--format", "json"], out=buffer)
0
>>> figures = json.loads(buffer.getvalue())
>>> figures["accuracy"], figures["false_match_rate"]
(1.0, 0.0)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from namenorm.cli import add_table_options, probability, real_number, resolver_for
from namenorm.errors import LabeledDataError, OutputError
from namenorm.evaluation import (
    LabeledMention,
    Metrics,
    check_gold_ids,
    evaluate,
    holdout_split,
    read_labeled,
)

__all__ = ["add_commands", "calibrate_command", "evaluate_command"]


LEGEND = """\
acc    in-table mentions resolved to the right entity at the threshold (= recall)
acc@1  in-table mentions whose best candidate is right, at any confidence
FMR    not-in-table mentions resolved to something (false-match rate)
prec   resolved mentions that are right (precision); F1 of prec and acc
ECE    expected calibration error of the best candidate's confidence, 10 bins
"""


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``evaluate`` and ``calibrate`` to the command line's sub-commands.

    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["calibrate", "l.jsonl", "-o", "m.json", "--holdout", "0.3"]).holdout
    0.3
    """
    evaluate_parser = commands.add_parser(
        "evaluate", help="accuracy, false matches and calibration on labeled mentions"
    )
    evaluate_parser.add_argument("labeled", help="labeled mentions (JSON Lines)")
    add_table_options(evaluate_parser)
    evaluate_parser.add_argument(
        "--threshold", type=probability, help="confidence below which a mention is NIL (0 to 1)"
    )
    evaluate_parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="a table by category, or one JSON object",
    )
    evaluate_parser.add_argument(
        "--plot",
        metavar="PNG",
        help="also write a reliability diagram here (needs pip install 'namenorm[plot]')",
    )
    evaluate_parser.set_defaults(run=evaluate_command)

    calibrate = commands.add_parser(
        "calibrate", help="refit the confidence model on labeled mentions and save it"
    )
    calibrate.add_argument("labeled", help="labeled mentions (JSON Lines)")
    add_table_options(calibrate, model=False)
    calibrate.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="MODEL",
        help="write the model here (JSON, atomically)",
    )
    calibrate.add_argument(
        "--l2", type=real_number(0.0), default=1.0, help="L2 penalty of the fit (default 1.0)"
    )
    calibrate.add_argument(
        "--holdout",
        type=real_number(0.0, 1.0, exclusive=True),
        metavar="SHARE",
        help="hold this share of the mentions out of the fit (0 to 1, exclusive) and report on it",
    )
    calibrate.set_defaults(run=calibrate_command)


def _refuse_overwrite(output: str, *inputs: str | None) -> None:
    """Outputs never replace an input: a typo in -o must not destroy the labels or the table."""
    target = Path(output).resolve()
    for source in inputs:
        if source is not None and Path(source).resolve() == target:
            raise OutputError("refusing to overwrite an input file", path=output)


def _read(path: str) -> list[LabeledMention]:
    mentions = read_labeled(path)
    if not mentions:
        raise LabeledDataError("no labeled mention in the file", path=path)
    return mentions


def evaluate_command(arguments: argparse.Namespace, out: TextIO) -> int:
    """Run ``namenorm evaluate``: the figures as a table or one JSON object (the keys of
    :meth:`~namenorm.evaluation.EvaluationReport.to_json`), and the diagram with ``--plot``.

    >>> import io, tempfile, pathlib
    >>> labeled = pathlib.Path(tempfile.mkdtemp()) / "labeled.jsonl"
    >>> _ = labeled.write_text('{"mention": "Hadi al-Ameri", "gold": "hadi-al-amiri"}\\n')
    >>> options = argparse.Namespace(labeled=str(labeled), table=None, model=None,
    ...                              threshold=None, format="table", plot=None)
    >>> buffer = io.StringIO()
    >>> evaluate_command(options, buffer)
    0
    >>> print(buffer.getvalue().splitlines()[5])
    1 mentions (1 in the table, 0 not), threshold 0.5, model 'builtin'
    """
    if arguments.plot:
        _refuse_overwrite(arguments.plot, arguments.labeled, arguments.table, arguments.model)
    resolver = resolver_for(arguments, arguments.threshold)
    mentions = _read(arguments.labeled)
    check_gold_ids(mentions, resolver.table, path=arguments.labeled)
    report = evaluate(resolver, mentions)
    # Drawn before anything is printed: a missing matplotlib fails the command cleanly.
    if arguments.plot:
        report.plot_reliability(arguments.plot)
        sys.stderr.write(f"namenorm: wrote {arguments.plot}\n")
    if arguments.format == "json":
        out.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
        return 0
    figures = report.overall
    out.write(report.table() + "\n\n")
    out.write(
        f"{figures.count} mentions ({figures.in_table} in the table, {figures.nil} not), "
        f"threshold {report.threshold:g}, model {resolver.model.name!r}\n"
    )
    out.write(LEGEND)
    return 0


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _comparison(rows: list[tuple[str, Metrics]]) -> str:
    header = f"{'model':<10}{'accuracy':>10}{'acc@1':>9}{'FMR':>9}{'F1':>9}{'ECE':>9}"
    lines = [header, "-" * len(header)]
    for name, figures in rows:
        ece = "-" if figures.ece is None else f"{figures.ece:.3f}"
        lines.append(
            f"{name:<10}{_percent(figures.accuracy):>10}{_percent(figures.accuracy_at_1):>9}"
            f"{_percent(figures.false_match_rate):>9}{_percent(figures.f1):>9}{ece:>9}"
        )
    return "\n".join(lines)


def calibrate_command(arguments: argparse.Namespace, out: TextIO) -> int:
    """Run ``namenorm calibrate``: fit a confidence model on the labeled mentions (all, or
    all but the ``--holdout`` share), save it, and compare it with the shipped model.

    >>> import io, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "labeled.jsonl").write_text('{"mention": "Hadi Ameri", "gold": "x"}\\n')
    >>> options = argparse.Namespace(labeled=str(folder / "labeled.jsonl"), table=None,
    ...                              output=str(folder / "m.json"), l2=1.0, holdout=None)
    >>> calibrate_command(options, io.StringIO())
    Traceback (most recent call last):
      ...
    namenorm.errors.LabeledDataError: ...labeled.jsonl:1: field 'gold': gold id 'x' of ...
    """
    from namenorm.calibrate import fit_model  # noqa: PLC0415 - fitting pulls in numpy
    from namenorm.resolve import Resolver  # noqa: PLC0415
    from namenorm.tables import load_table  # noqa: PLC0415

    _refuse_overwrite(arguments.output, arguments.labeled, arguments.table)
    table = load_table(arguments.table)
    mentions = _read(arguments.labeled)
    check_gold_ids(mentions, table, path=arguments.labeled)
    if arguments.holdout is None:
        fit, test = mentions, mentions
    else:
        fit, test = holdout_split(mentions, test_share=arguments.holdout)
        if not fit or not test:
            raise LabeledDataError(
                f"--holdout {arguments.holdout:g} leaves no mention to "
                f"{'fit on' if not fit else 'test on'}: change the share or label more mentions",
                path=arguments.labeled,
            )
    model = fit_model(
        table,
        fit,
        l2=arguments.l2,
        name=Path(arguments.output).stem,
        metadata={
            "labeled_set": os.fspath(arguments.labeled),
            "table": "built-in" if arguments.table is None else os.fspath(arguments.table),
            "holdout": arguments.holdout,
            "fitted_by": "namenorm calibrate",
        },
    )
    model.save(arguments.output)
    baseline = Resolver(table)
    shipped = evaluate(baseline, test).overall
    fitted = evaluate(Resolver(table, model=model), test).overall
    if arguments.holdout is None:
        out.write(f"fitted on all {len(fit)} labeled mentions\n")
        part = (
            f"on the training data ({len(test)} mentions; the fit saw them, so the new "
            "model's figures are optimistic: use --holdout for held-out ones)"
        )
    else:
        out.write(
            f"fitted on {len(fit)} of {len(mentions)} labeled mentions "
            f"({len(test)} held out, --holdout {arguments.holdout:g})\n"
        )
        part = f"on the held-out part ({len(test)} mentions, never seen by the fit)"
    out.write(f"wrote {arguments.output} (model {model.name!r})\n\n")
    out.write(f"{part}, threshold {baseline.threshold:g}:\n")
    out.write(_comparison([("shipped", shipped), ("new", fitted)]) + "\n")
    return 0
