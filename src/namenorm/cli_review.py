"""The review loop on the command line: ``namenorm review`` and ``namenorm apply-judgments``.

    namenorm annotate corpus/ --unresolved -o mentions.jsonl
    namenorm review mentions.jsonl -o to_review.csv       # the uncertain and ambiguous ones
    namenorm apply-judgments reviewed.csv --table my_aliases.jsonl   # into the table

>>> import io, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> mentions = folder / "mentions.jsonl"
>>> _ = mentions.write_text('{"mention": "Hadi Amiri", "entity": null, "confidence": null, '
...                         '"method": null}\\n')
>>> from namenorm.cli import main
>>> buffer = io.StringIO()
>>> main(["review", str(mentions)], out=buffer)
0
>>> buffer.getvalue().splitlines()[0].split(",")[:4]
['reason', 'surface', 'count', 'examples']
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from namenorm.cli import add_table_options, probability, real_number, resolver_for
from namenorm.errors import NamenormError, ReviewError
from namenorm.judgments import apply_judgments, read_judgments
from namenorm.output import atomic_output
from namenorm.review import (
    DEFAULT_HIGH,
    DEFAULT_LOW,
    DEFAULT_MARGIN,
    read_mentions,
    review,
    review_summary,
    write_review,
)

__all__ = ["add_commands"]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``review`` and ``apply-judgments`` to the command line's sub-commands.

    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["review", "m.jsonl", "--low", "0.2"]).low
    0.2
    >>> parser.parse_args(["apply-judgments", "r.csv", "--table", "t.jsonl"]).backup_suffix
    '.bak'
    """
    chosen = commands.add_parser(
        "review",
        help="list the uncertain, ambiguous and unresolved mentions for a person to judge",
    )
    chosen.add_argument(
        "mentions", help="JSON Lines of namenorm annotate (or of resolve --format jsonl)"
    )
    add_table_options(chosen)
    chosen.add_argument("-o", "--output", help="write the CSV here (atomically) instead of stdout")
    chosen.add_argument(
        "--low",
        type=probability,
        default=DEFAULT_LOW,
        help=f"least confidence worth a look (default {DEFAULT_LOW})",
    )
    chosen.add_argument(
        "--high",
        type=probability,
        default=DEFAULT_HIGH,
        help=f"confidence from which a link is not uncertain (default {DEFAULT_HIGH})",
    )
    chosen.add_argument(
        "--margin",
        type=real_number(0.0),
        default=DEFAULT_MARGIN,
        help=f"lead over the runner-up (logit) below which a link is ambiguous "
        f"(default {DEFAULT_MARGIN})",
    )
    chosen.set_defaults(run=review_command)

    judged = commands.add_parser(
        "apply-judgments",
        help="write the judgments of a reviewed CSV into an alias table (with a backup)",
    )
    judged.add_argument("reviewed", help="the CSV of namenorm review, its judgment column filled")
    judged.add_argument(
        "--table", required=True, help="the alias table file to edit (JSONL, JSON or CSV)"
    )
    judged.add_argument(
        "--backup-suffix",
        default=".bak",
        help="the backup of the table is its name with this added (then .1, .2 ...)",
    )
    judged.add_argument(
        "--dry-run", action="store_true", help="show what would change; write nothing"
    )
    judged.set_defaults(run=apply_command)


def _same_file(first: str, second: str) -> bool:
    return Path(first).resolve() == Path(second).resolve()


def review_command(arguments: argparse.Namespace, out: TextIO) -> int:
    """Run ``namenorm review``; return the exit status."""
    if arguments.low > arguments.high:
        raise NamenormError(f"--low {arguments.low} is above --high {arguments.high}")
    output = arguments.output
    for source in (arguments.mentions, arguments.table):
        if output and source and _same_file(output, source):
            raise ReviewError("the review would overwrite an input; choose another -o", path=output)
    resolver = resolver_for(arguments)
    mentions = read_mentions(arguments.mentions)
    items = review(
        mentions, resolver, low=arguments.low, high=arguments.high, margin=arguments.margin
    )
    if output:
        with atomic_output(output) as handle:
            write_review(items, handle)
    else:
        write_review(items, out)
    where = f"; written to {output}" if output else ""
    sys.stderr.write(f"namenorm: {review_summary(len(mentions), items)}{where}\n")
    return 0


def apply_command(arguments: argparse.Namespace, out: TextIO) -> int:
    """Run ``namenorm apply-judgments``; return the exit status."""
    if not arguments.backup_suffix:
        raise NamenormError("--backup-suffix must not be empty: the backup needs its own name")
    if _same_file(arguments.reviewed, arguments.table):
        raise ReviewError("the reviewed file is the table itself", path=arguments.table)
    judgments = read_judgments(arguments.reviewed)
    applied = apply_judgments(
        arguments.table,
        judgments,
        source=os.fspath(arguments.reviewed),
        backup_suffix=arguments.backup_suffix,
        dry_run=arguments.dry_run,
    )
    out.write(f"{len(judgments)} judgments read from {arguments.reviewed}\n")
    out.write(applied.report() + "\n")
    return 0
