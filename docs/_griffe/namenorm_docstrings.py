r"""A Griffe extension that turns namenorm's docstrings into the Markdown mkdocstrings renders.

namenorm's docstrings are written for ``pydoc`` and doctest, in the reST manner: ``>>>``
examples without fences, and Sphinx roles such as :func:`load_table`. No Griffe docstring
style reads either (the ``sphinx`` style, used in ``mkdocs.yml``, only parses ``:param:``-like
fields, which namenorm does not use), so Markdown would see an example's output
``['a', 'b']`` as a link and a role as stray text. When mkdocstrings loads the package, this
extension rewrites every docstring once:

- each run of doctest lines (``>>>``, ``...``, expected output, up to a blank line) becomes a
  fenced ``pycon`` block, without doctest directives;
- each role becomes a cross-reference to the object it names when that object is public and
  its module has a reference page (``docs/reference/<module>.md``), and inline code otherwise
  (``attrs.evolve``, a private helper, a module of the command line).

It is loaded by path from ``mkdocs.yml`` (``extensions:`` of the python handler) and is not
part of the package.

>>> fence_doctests("Text.\n\n>>> 1 + 1  # doctest: +ELLIPSIS\n2\n\nMore.").splitlines()
['Text.', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'More.']
>>> replace_roles("See :func:`~namenorm.load_table` and :mod:`attrs`.", {"namenorm.load_table":
...     "namenorm.tables.load_table"}.get)
'See [`load_table`][namenorm.tables.load_table] and `attrs`.'
>>> replace_roles(":meth:`AliasTable.save <namenorm.tables.AliasTable.save>`", lambda _: None)
'`AliasTable.save`'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import griffe

__all__ = ["NamenormDocstrings", "fence_doctests", "replace_roles"]

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
"""One page per documented module, named after it: ``namenorm.resolve.md``."""
_DIRECTIVE = re.compile(r"\s*#\s*doctest:.*$")
_TITLED = re.compile(r"^(.+?)\s*<([^<>]+)>$")
_ROLE = re.compile(r":(?:py:)?(?:func|meth|class|mod|attr|data|exc|obj|const):`(~?)([^`]+)`")


def fence_doctests(text: str) -> str:
    """Wrap each run of doctest lines in a ``pycon`` fence, keeping its indentation."""
    lines = text.split("\n")
    out: list[str] = []
    in_fence = False
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.lstrip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        if in_fence or not stripped.startswith(">>>"):
            out.append(line)
            index += 1
            continue
        indent = line[: len(line) - len(stripped)]
        out.append(f"{indent}```pycon")
        while index < len(lines) and lines[index].strip():
            example = _DIRECTIVE.sub("", lines[index])
            if example.strip() not in {"...", ""}:  # a line that only held a directive
                out.append(example.replace("<BLANKLINE>", ""))
            index += 1
        out.append(f"{indent}```")
    return "\n".join(out)


def replace_roles(text: str, resolve: Callable[[str], str | None]) -> str:
    """Turn Sphinx roles into Markdown: ``[`shown`][path]`` when ``resolve(target)`` gives a
    path, else `` `shown` ``. A leading ``~`` shows only the last dotted part; ``shown <target>``
    shows its own text."""

    def replace(match: re.Match[str]) -> str:
        short, target = match.group(1), match.group(2).strip()
        titled = _TITLED.match(target)
        if titled:  # :meth:`shown <target>`
            shown, target = titled.group(1), titled.group(2).removesuffix("()")
        else:
            target = target.removesuffix("()")
            shown = target.rsplit(".", 1)[-1] if short else target
        path = resolve(target)
        return f"[`{shown}`][{path}]" if path else f"`{shown}`"

    parts = re.split(r"(```.*?```)", text, flags=re.DOTALL)  # never inside fenced code
    return "".join(part if part.startswith("```") else _ROLE.sub(replace, part) for part in parts)


def _objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _objects(member)  # type: ignore[arg-type]


def _lookup(collection: griffe.ModulesCollection, path: str) -> griffe.Object | None:
    try:
        found = collection.get_member(path)
    except (KeyError, ValueError, AttributeError, griffe.AliasResolutionError):
        return None
    if found.is_alias:
        try:
            return found.final_target  # type: ignore[no-any-return]
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None
    return found  # type: ignore[no-any-return]


def _documented(obj: griffe.Object) -> bool:
    """Whether a reference page renders ``obj``: a public object of a module with a page."""
    if any(part.startswith("_") and not part.endswith("__") for part in obj.path.split(".")):
        return False
    module = obj if obj.is_module else obj.module
    return (REFERENCE / f"{module.path}.md").is_file()


class NamenormDocstrings(griffe.Extension):
    """Fence doctests and resolve Sphinx roles in every docstring of the loaded package."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **_: object) -> None:
        """Rewrite the docstrings once the whole package is loaded (names resolve then)."""
        collection = loader.modules_collection
        for obj in _objects(pkg):
            if obj.docstring is None:
                continue

            def resolve(target: str, scope: griffe.Object = obj) -> str | None:
                head, _, rest = target.partition(".")
                candidates = [target]
                here: griffe.Object | None = scope
                while here is not None:
                    try:
                        base = here.resolve(head)
                    except (griffe.NameResolutionError, AttributeError, KeyError):
                        base = None
                    if base is not None:
                        candidates.append(f"{base}.{rest}" if rest else base)
                    here = here.parent
                for candidate in candidates:
                    found = _lookup(collection, candidate)
                    if found is not None and _documented(found):
                        return found.path
                return None

            text = fence_doctests(obj.docstring.value)
            obj.docstring.value = replace_roles(text, resolve)
