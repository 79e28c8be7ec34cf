"""Read UTF-8 text and JSON Lines files, with errors that name the file, line and byte.

One place for the reading that alias tables, labeled sets and (later) corpora share, so every
reader reports a bad file the same way.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "bad.jsonl").write_bytes(b'{"a": 1}\\n{"a": "\\xff"}\\n')
>>> read_text_file(folder / "bad.jsonl", error=NamenormError)
Traceback (most recent call last):
  ...
namenorm.errors.NamenormError: ...bad.jsonl:2: not valid UTF-8 at byte 16 (invalid start byte); ...
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from namenorm.errors import NamenormError

__all__ = ["jsonl_records", "read_text_file"]


def read_text_file(path: str | os.PathLike[str], *, error: type[NamenormError]) -> str:
    """Return a file's text (UTF-8, a byte-order mark allowed), or raise ``error`` naming the
    file and, for bad encoding, the line and byte offset.

    >>> read_text_file("no/such/file.txt", error=NamenormError)
    Traceback (most recent call last):
      ...
    namenorm.errors.NamenormError: no/such/file.txt: cannot read the file: No such file or directory
    """
    location = os.fspath(path)
    try:
        data = Path(location).read_bytes()
    except OSError as problem:
        raise error(f"cannot read the file: {problem.strerror}", path=location) from problem
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        # utf-8-sig does not count the byte-order mark in the offset it reports.
        offset = problem.start + (len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0)
        line = data.count(b"\n", 0, offset) + 1
        raise error(
            f"not valid UTF-8 at byte {offset} ({problem.reason}); save the file as UTF-8",
            path=location,
            line=line,
        ) from problem


def jsonl_records(text: str, path: str, *, error: type[NamenormError]) -> Iterator[tuple[Any, int]]:
    """Yield (parsed value, line number) for each non-blank line of JSON Lines text; a line
    that is not JSON raises ``error`` naming the file, line and column.

    >>> list(jsonl_records('{"id": "a"}\\n\\n[1]\\n', "t.jsonl", error=NamenormError))
    [({'id': 'a'}, 1), ([1], 3)]
    """
    # Only \n ends a line: JSON may hold U+2028 and friends unescaped inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line), number
        except json.JSONDecodeError as problem:
            raise error(
                f"invalid JSON: {problem.msg} (column {problem.colno})", path=path, line=number
            ) from problem
