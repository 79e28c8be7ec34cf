"""The ``namenorm`` command line.

    namenorm resolve "Qassem Suleimani" "Mustafa Khatami"   # one line each
    namenorm resolve --file seeds/names.txt                 # one name a line
    namenorm explain "Almohandes"                           # normalization steps and evidence
    namenorm annotate seeds/                                # every mention of a corpus
    namenorm rewrite corpus/ -o normalized/                 # canonical names, in new files
    namenorm check my_aliases.jsonl                         # property-test a table
    namenorm evaluate labeled.jsonl --plot reliability.png  # accuracy, false matches, ECE
    namenorm calibrate labeled.jsonl -o my_calibration.json # refit the confidence model
    namenorm review mentions.jsonl -o to_review.csv         # the uncertain and ambiguous ones
    namenorm apply-judgments reviewed.csv --table my.jsonl  # judgments into the table
    namenorm --version

Every command takes ``--table PATH`` (JSON, JSONL, CSV, TOML or a snapshot) instead of the
built-in table, and the commands that resolve take ``--model PATH`` (a confidence model written
by ``namenorm calibrate``) instead of the shipped one.
Errors in the input are reported in one line naming the file, line and field, with exit
status 2.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from namenorm.errors import NamenormError

if TYPE_CHECKING:
    import argparse

    from namenorm.resolve import Resolver

__all__ = ["COMMAND_MODULES", "add_table_options", "main", "probability", "resolver_for"]


def _parser() -> argparse.ArgumentParser:
    import argparse  # noqa: PLC0415  (only the command line needs it)

    from namenorm import __version__  # noqa: PLC0415

    parser = argparse.ArgumentParser(
        prog="namenorm",
        description="Resolve the many spellings of a name to one canonical entity.",
    )
    parser.add_argument("--version", action="version", version=f"namenorm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    resolve = commands.add_parser("resolve", help="resolve names to entities of a table")
    resolve.add_argument("names", nargs="*", help="names to resolve")
    resolve.add_argument("--file", help="read names from this file, one a line (# comments)")
    resolve.add_argument("--context", help="text around the names, for every name given")
    add_table_options(resolve)
    resolve.add_argument(
        "--threshold", type=probability, help="confidence below which a name is NIL (0 to 1)"
    )
    resolve.add_argument("--format", choices=("table", "jsonl"), default="table")

    explain = commands.add_parser("explain", help="show normalization steps and the evidence")
    explain.add_argument("names", nargs="+")
    explain.add_argument("--context", help="text around the names")
    add_table_options(explain)

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_commands(commands)
    return parser


COMMAND_MODULES = (
    "namenorm.cli_corpus",
    "namenorm.cli_check",
    "namenorm.cli_quality",
    "namenorm.cli_review",
)
"""Modules that add sub-commands: each has ``add_commands(commands)``, and each of its
sub-commands sets ``run`` (a function of the parsed arguments and the output stream that
returns the exit status) with ``set_defaults``."""


def add_table_options(parser: argparse.ArgumentParser, *, model: bool = True) -> None:
    """Add ``--table`` (and ``--model``, for the commands that resolve) to a sub-command.

    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_table_options(parser)
    >>> parser.parse_args(["--model", "m.json"]).model
    'm.json'
    """
    parser.add_argument(
        "--table", help="alias table file or snapshot instead of the built-in table"
    )
    if model:
        parser.add_argument(
            "--model", help="confidence model (from namenorm calibrate) instead of the shipped one"
        )


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number of ``minimum`` or more.

    >>> whole_number(1)("2")
    2
    >>> whole_number(1)("0")
    Traceback (most recent call last):
      ...
    argparse.ArgumentTypeError: expected a whole number of 1 or more, got '0'
    """

    def parse(text: str) -> int:
        import argparse  # noqa: PLC0415

        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"expected a whole number of {minimum} or more, got {text!r}"
            )
        return value

    return parse


def real_number(
    low: float, high: float = math.inf, *, exclusive: bool = False
) -> Callable[[str], float]:
    """An argparse ``type`` for a finite number from ``low`` to ``high`` (both excluded when
    ``exclusive``).

    >>> real_number(0.0, 1.0, exclusive=True)("0.25")
    0.25
    >>> real_number(0.0)("inf")
    Traceback (most recent call last):
      ...
    argparse.ArgumentTypeError: expected a number of 0 or more, got 'inf'
    """
    if math.isinf(high):
        wanted = f"a number above {low:g}" if exclusive else f"a number of {low:g} or more"
    elif exclusive:
        wanted = f"a number between {low:g} and {high:g}"
    else:
        wanted = f"a number from {low:g} to {high:g}"

    def parse(text: str) -> float:
        import argparse  # noqa: PLC0415

        try:
            value = float(text)
        except ValueError:
            value = math.nan
        inside = low < value < high if exclusive else low <= value <= high
        if not (math.isfinite(value) and inside):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
        return value

    return parse


def probability(text: str) -> float:
    """Parse a command-line probability (0 to 1).

    >>> probability("0.5")
    0.5
    """
    return real_number(0.0, 1.0)(text)


def resolver_for(arguments: argparse.Namespace, threshold: float | None = None) -> Resolver:
    """The resolver a sub-command's ``--table`` and ``--model`` options ask for.

    >>> import argparse
    >>> resolver_for(argparse.Namespace(table=None, model=None)).threshold
    0.5
    """
    from namenorm.confidence import DEFAULT_THRESHOLD  # noqa: PLC0415
    from namenorm.resolve import Resolver  # noqa: PLC0415
    from namenorm.tables import load_table  # noqa: PLC0415

    table = load_table(arguments.table)
    return Resolver(
        table,
        model=getattr(arguments, "model", None),
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
    )


def _read_names(path: str) -> list[str]:
    from namenorm.textfiles import read_text_file  # noqa: PLC0415

    lines = read_text_file(path, error=NamenormError).splitlines()
    names = (line.strip() for line in lines)
    return [name for name in names if name and not name.startswith("#")]


def _resolve(arguments: argparse.Namespace, out: TextIO) -> int:
    names = list(arguments.names)
    if arguments.file:
        names += _read_names(arguments.file)
    if not names:
        raise NamenormError("no names given: pass names or --file")
    resolver = resolver_for(arguments, arguments.threshold)
    rows = []
    for name in names:
        match = resolver.resolve(name, context=arguments.context)
        rows.append(
            {
                "mention": name,
                "entity": None if match is None else match.entity.id,
                "name": None if match is None else match.entity.name,
                "kind": None if match is None else match.entity.kind,
                "confidence": None if match is None else round(match.confidence, 4),
                "method": None if match is None else match.method,
            }
        )
    if arguments.format == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return 0
    width = max(len("mention"), *(len(row["mention"]) for row in rows))
    header = f"{'mention':<{width}}  {'entity':<34} {'kind':<7} {'conf':>6}  method"
    out.write(header + "\n" + "-" * len(header) + "\n")
    for row in rows:
        if row["entity"] is None:
            out.write(f"{row['mention']:<{width}}  {'(not in table)':<34} {'':<7} {'':>6}  NIL\n")
        else:
            out.write(
                f"{row['mention']:<{width}}  {row['name']:<34} {row['kind']:<7} "
                f"{row['confidence']:>6.3f}  {row['method']}\n"
            )
    resolved = sum(row["entity"] is not None for row in rows)
    out.write(f"\n{resolved} of {len(rows)} names resolved (threshold {resolver.threshold})\n")
    return 0


def _explain(arguments: argparse.Namespace, out: TextIO) -> int:
    from namenorm.normalize import explain_normalization  # noqa: PLC0415

    resolver = resolver_for(arguments)
    for name in arguments.names:
        out.write(str(explain_normalization(name)) + "\n")
        candidates = resolver.candidates(name, context=arguments.context, limit=3)
        if not candidates:
            out.write("  no candidate in the table\n\n")
            continue
        best = candidates[0]
        verdict = "match" if best.confidence >= resolver.threshold else "NIL (below threshold)"
        out.write(f"{verdict}:\n{best.explain()}\n")
        for other in candidates[1:]:
            out.write(f"  also: {other.entity.name} [{other.entity.id}] {other.confidence:.3f}\n")
        out.write("\n")
    return 0


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input).

    >>> import io
    >>> buffer = io.StringIO()
    >>> main(["resolve", "--format", "jsonl", "Qassem Suleimani"], out=buffer)
    0
    >>> '"entity": "qasem-soleimani"' in buffer.getvalue()
    True
    """
    stream = sys.stdout if out is None else out
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "resolve":
            return _resolve(arguments, stream)
        if arguments.command == "explain":
            return _explain(arguments, stream)
        status: int = arguments.run(arguments, stream)
        return status
    except NamenormError as error:
        sys.stderr.write(f"namenorm: error: {error}\n")
        return 2
    except BrokenPipeError:
        # The reader stopped early (namenorm annotate ... | head): not worth a traceback. Point
        # stdout at /dev/null so the interpreter's last flush does not fail again, and exit 1
        # as Python does on a broken pipe.
        if out is None:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
