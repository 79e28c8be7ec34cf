"""``namenorm check``: property-test an alias table from the command line.

    namenorm check my_aliases.jsonl                  # a readable report; exit status 1 on problems
    namenorm check my_aliases.jsonl --format json    # the whole report as one JSON object
    namenorm check --variants 200 --workers 2        # the built-in table, 200 spellings an entity

>>> import io, json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "table.jsonl"
>>> _ = path.write_text('{"id": "amiri", "name": "Hadi al-Amiri"}\\n', "utf-8")
>>> from namenorm.cli import main
>>> buffer = io.StringIO()
>>> main(["check", str(path), "--variants", "10", "--format", "json"], out=buffer)
0
>>> json.loads(buffer.getvalue())["ok"]
True
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from namenorm.check import DEFAULT_VARIANTS, MIN_SURVIVAL, check_file, check_table

__all__ = ["add_commands"]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check`` to the command line's sub-commands.

    >>> parser = argparse.ArgumentParser()
    >>> add_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["check", "t.jsonl", "--variants", "5"]).variants
    5
    """
    from namenorm.cli import probability, whole_number  # noqa: PLC0415 - cli imports this module

    check = commands.add_parser(
        "check",
        help="property-test a table: collisions, unreachable aliases, weak entities",
    )
    check.add_argument("table", nargs="?", help="table file or snapshot (default: built-in)")
    check.add_argument(
        "--variants",
        type=whole_number(1),
        default=DEFAULT_VARIANTS,
        help=f"spellings drawn per entity ({DEFAULT_VARIANTS})",
    )
    check.add_argument("--seed", type=whole_number(0), default=0, help="seed of the draws (0)")
    check.add_argument(
        "--typos", type=whole_number(0), default=0, help="typos a spelling may carry (0)"
    )
    check.add_argument(
        "--min-survival",
        type=probability,
        default=MIN_SURVIVAL,
        help=f"share of an entity's spellings that must resolve back ({MIN_SURVIVAL})",
    )
    check.add_argument(
        "--workers", type=whole_number(1), default=1, help="processes to resolve with"
    )
    check.add_argument("--model", help="confidence model (from namenorm calibrate)")
    check.add_argument("--threshold", type=probability, help="confidence below which NIL")
    check.add_argument("--format", choices=("table", "json"), default="table")
    check.add_argument(
        "--limit",
        type=whole_number(0),
        default=10,
        help="findings shown per kind in the table (10)",
    )
    check.set_defaults(run=check_command)


def check_command(arguments: argparse.Namespace, out: TextIO) -> int:
    """Run ``namenorm check``; exit status 0 when the table passes, 1 when it has problems."""
    from namenorm.confidence import DEFAULT_THRESHOLD  # noqa: PLC0415
    from namenorm.resolve import Resolver  # noqa: PLC0415
    from namenorm.tables import AliasTable, load_table  # noqa: PLC0415

    options = {
        "variants": arguments.variants,
        "seed": arguments.seed,
        "typos": arguments.typos,
        "min_survival": arguments.min_survival,
        "workers": arguments.workers,
    }
    threshold = DEFAULT_THRESHOLD if arguments.threshold is None else arguments.threshold

    def resolver_of(table: AliasTable) -> Resolver:
        return Resolver(table, model=arguments.model, threshold=threshold)

    if arguments.table is None:
        table = load_table()
        report = check_table(table, resolver=resolver_of(table), source="built-in table", **options)
    else:
        report = check_file(arguments.table, resolver_factory=resolver_of, **options)
    if arguments.format == "json":
        out.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(report.table(limit=arguments.limit) + "\n")
    return 0 if report.ok else 1
