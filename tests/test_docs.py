"""Every example in the documentation runs, and the site builds.

pytest runs the doctests of ``docs/**/*.md`` itself (``--doctest-glob=*.md``): a fenced block
whose first line starts with ``>>>`` is a doctest and is left to it. This file runs every
other fenced block, page by page, in page order:

``python``
    Executed. The blocks of one page share one namespace, so a block continues the blocks
    before it; each page starts with a fresh namespace (the doctests of a page have their own).
    When the next block of the page is a ``text`` block (no title, no marker), it is the
    output the python block prints, compared the way the doctests compare output.
``console``
    Each ``$ namenorm ...`` line is a command, run as ``python -m namenorm ...`` with the
    interpreter running the tests; the lines up to the next ``$`` line are its expected
    output (standard output and error together), compared the way the doctests are (``...``
    matches anything; runs of whitespace and blank lines are equal). No lines: no output.
``sh`` (or ``bash``, ``shell``)
    Each line is a ``namenorm`` command (a trailing ``# comment`` is ignored); its output is
    not compared.
a block with ``title="path"`` (``jsonl``, ``csv``, ``toml`` ... )
    A file the page uses: it is written to ``path`` when the page reaches it, so a later
    block with the same title replaces it.

Every command must exit with status 0. Each page runs in a fresh temporary directory holding
copies of the repository's ``seeds/`` and ``eval/``; no block may depend on another page.

A block that cannot run here (an installation, a cluster, a script of the repository, a
listing of output) is marked on the line before its fence, with the reason:
``<!-- norun: creates a virtual environment -->``. Any other block that is not runnable (a
command that is not ``namenorm``, a shell pipe, an unknown language) fails
``test_every_block_runs_or_says_why``; so does a marker that no fence follows. A ``python``
block that starts a Spark session runs once, like any block.

The site: ``test_mkdocs_build_strict`` builds it with ``mkdocs build --strict`` into a
temporary directory (skipped only when mkdocs is not installed), and
``test_nav_and_pages_agree`` checks that the nav of ``mkdocs.yml`` lists every page on disk
and only those.
"""

from __future__ import annotations

import contextlib
import dataclasses
import doctest
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
COPIED = ("seeds", "eval")
"""Folders of the repository copied into each page's working directory."""
COMMAND_TIMEOUT = 120

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_MARKER = re.compile(r"^\s*<!--\s*norun:(?P<reason>.*?)-->\s*$")
_TITLE = re.compile(r"""title=(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""")
_OUTPUT_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
SHELLS = {"sh", "bash", "shell"}


@dataclasses.dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: str  # relative to docs/, with forward slashes
    line: int  # 1-based line of the opening fence
    language: str
    title: str | None
    text: str
    norun: str | None  # the reason given by a norun marker, or None
    after_python: bool = False  # the block before it on the page is a python block

    @property
    def where(self) -> str:
        return f"docs/{self.page}:{self.line}"

    @property
    def kind(self) -> str:
        """doctest, python, output, console, sh, file or norun; "unrunnable: why" otherwise."""
        if self.norun is not None:
            return "norun"
        if self.text.lstrip().startswith(">>>"):
            return "doctest"
        if self.title:
            return "file"
        return _code_kind(self)


def _code_kind(block: Block) -> str:
    if block.language == "console" or block.language in SHELLS:
        problem = _command_problem(block)
        kind = "console" if block.language == "console" else "sh"
        return f"unrunnable: {problem}" if problem else kind
    if block.language in {"python", "py"}:
        return "python"
    if block.language == "text" and block.after_python:
        return "output"
    return f"unrunnable: a {block.language or 'plain'} block is neither code nor a file"


def _command_problem(block: Block) -> str | None:
    commands = [command for command, _ in _commands(block)]
    if not commands:
        return "no command"
    for command in commands:
        if not command:
            return "output shown before any $ command"
        if re.search(r"[|&;<>`$]", command):
            return f"shell syntax in {command!r}"
        if shlex.split(command)[0] != "namenorm":
            return f"{command!r} is not a namenorm command"
    return None


def _commands(block: Block) -> list[tuple[str, str | None]]:
    """The commands of a console or sh block, each with its expected output (None: unchecked)."""
    lines = block.text.splitlines()
    if block.language in SHELLS:
        return [
            (line.split(" #", 1)[0].strip(), None)
            for line in lines
            if line.strip() and not line.lstrip().startswith("#")
        ]
    found: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("$ "):
            found.append((line[2:].strip(), []))
        elif found:
            found[-1][1].append(line)
        elif line.strip():
            found.append(("", [line]))  # output before any command: not runnable
    return [(command, "\n".join(output).strip("\n")) for command, output in found]


def parse_page(path: Path) -> tuple[list[Block], list[int]]:
    """The fenced blocks of a Markdown page, and the lines of norun markers no fence follows."""
    page = path.relative_to(DOCS).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    orphans: list[int] = []
    pending: tuple[int, str] | None = None
    number = 0
    while number < len(lines):
        line = lines[number]
        marker = _MARKER.match(line)
        opening = _FENCE.match(line)
        if marker:
            if pending is not None:
                orphans.append(pending[0])
            pending = (number + 1, marker.group("reason").strip())
        elif opening:
            indent, fence, info = opening.group("indent", "fence", "info")
            start = number + 1
            body: list[str] = []
            number += 1
            while number < len(lines):
                closing = _FENCE.match(lines[number])
                if (
                    closing
                    and closing.group("fence")[0] == fence[0]
                    and len(closing.group("fence")) >= len(fence)
                    and not closing.group("info").strip()
                ):
                    break
                body.append(lines[number].removeprefix(indent))
                number += 1
            title = _TITLE.search(info)
            blocks.append(
                Block(
                    page=page,
                    line=start,
                    language=(info.split() or [""])[0].strip("{}.").lower(),
                    title=(title.group("double") or title.group("single")) if title else None,
                    text="\n".join(body),
                    norun=pending[1] if pending else None,
                )
            )
            pending = None
        elif line.strip() and pending is not None:
            orphans.append(pending[0])
            pending = None
        number += 1
    if pending is not None:
        orphans.append(pending[0])
    for position in range(1, len(blocks)):
        if blocks[position - 1].kind == "python":
            blocks[position] = dataclasses.replace(blocks[position], after_python=True)
    return blocks, orphans


PAGES = sorted(DOCS.rglob("*.md"))
BLOCKS = {page: parse_page(page)[0] for page in PAGES}
RUNNABLE = {"python", "output", "console", "sh", "file"}


def test_every_block_runs_or_says_why() -> None:
    """Every block is a doctest, runnable here, or marked norun with a reason."""
    problems = []
    counts: Counter[str] = Counter()
    for page in PAGES:
        blocks, orphans = parse_page(page)
        problems += [
            f"docs/{page.relative_to(DOCS).as_posix()}:{line}: a norun marker no fence follows"
            for line in orphans
        ]
        for block in blocks:
            counts[block.kind.split(":")[0]] += 1
            if block.kind.startswith("unrunnable"):
                problems.append(f"{block.where}: {block.kind}; mark it <!-- norun: why -->")
            elif block.kind == "norun" and not block.norun:
                problems.append(f"{block.where}: a norun marker without a reason")
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    assert not problems, "\n".join([*problems, f"blocks: {summary}"])
    for kind in ("doctest", "python", "console", "file"):
        assert counts[kind], f"no {kind} block found: is the parser broken? ({summary})"


def _pages_with_examples() -> list[Path]:
    return [page for page in PAGES if any(b.kind in RUNNABLE for b in BLOCKS[page])]


def _run_command(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    arguments = shlex.split(command)[1:]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "namenorm", *arguments],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


def _output_matches(expected: str, got: str) -> bool:
    checker = doctest.OutputChecker()
    return checker.check_output(expected + "\n", got, _OUTPUT_FLAGS)


@pytest.mark.parametrize(
    "page", _pages_with_examples(), ids=lambda page: page.relative_to(DOCS).as_posix()
)
def test_page_examples(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the runnable blocks of one page, in order, in a fresh directory."""
    for folder in COPIED:
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    printed = ""
    for block in BLOCKS[page]:
        if block.kind == "file":
            target = tmp_path / str(block.title)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text + "\n", encoding="utf-8")
        elif block.kind == "python":
            # Compiled as the page itself, padded: a traceback shows the line of the page.
            source = "\n" * block.line + block.text
            with contextlib.redirect_stdout(io.StringIO()) as stdout:
                exec(compile(source, str(page), "exec"), namespace)
            printed = stdout.getvalue()
        elif block.kind == "output":
            if not _output_matches(block.text, printed):
                pytest.fail(
                    f"{block.where}: the python block above printed\n{printed}\n"
                    f"where the page shows\n{block.text}",
                    pytrace=False,
                )
        elif block.kind in {"console", "sh"}:
            for command, expected in _commands(block):
                result = _run_command(command, tmp_path)
                assert result.returncode == 0, (
                    f"{block.where}: `{command}` exited with {result.returncode}:\n{result.stdout}"
                )
                if expected is not None and not _output_matches(expected, result.stdout):
                    pytest.fail(
                        f"{block.where}: `{command}` printed\n{result.stdout}\n"
                        f"where the page shows\n{expected}",
                        pytrace=False,
                    )


def _nav_pages(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [page for item in node for page in _nav_pages(item)]
    if isinstance(node, dict):
        return [page for value in node.values() for page in _nav_pages(value)]
    return []


def test_nav_and_pages_agree() -> None:
    """Every page on disk is in the nav of mkdocs.yml, and every nav entry is a page on disk."""
    yaml = pytest.importorskip("yaml", reason="PyYAML (a dependency of mkdocs) reads mkdocs.yml")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = _nav_pages(config["nav"])
    on_disk = {page.relative_to(DOCS).as_posix() for page in PAGES}
    problems = []
    repeated = sorted(page for page, count in Counter(nav).items() if count > 1)
    if repeated:
        problems.append(f"listed more than once in the nav: {repeated}")
    missing = sorted(set(nav) - on_disk)
    if missing:
        problems.append(f"in the nav of mkdocs.yml but not in docs/: {missing}")
    unlisted = sorted(on_disk - set(nav))
    if unlisted:
        problems.append(f"in docs/ but not in the nav of mkdocs.yml: {unlisted}")
    assert not problems, "\n".join(problems)


def test_reference_lists_every_export() -> None:
    """The reference overview names everything ``import namenorm`` exports."""
    import namenorm  # noqa: PLC0415

    overview = (DOCS / "reference" / "index.md").read_text(encoding="utf-8")
    missing = [name for name in namenorm.__all__ if f"`{name}`" not in overview]
    assert not missing, f"docs/reference/index.md does not list {missing}"


def test_each_reference_page_renders_its_module() -> None:
    """docs/reference/namenorm.X.md renders namenorm.X: the Griffe extension relies on it."""
    wrong = [
        page.name
        for page in (DOCS / "reference").glob("namenorm.*.md")
        if f"::: {page.stem}\n" not in page.read_text(encoding="utf-8")
    ]
    assert not wrong, f"reference pages that do not render the module they are named after: {wrong}"


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    """``mkdocs build --strict`` passes: no broken link, no page outside the nav, no bad
    docstring reference."""
    pytest.importorskip("mkdocs", reason="mkdocs is not installed: pip install '.[docs]'")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "site" / "index.html").is_file()
