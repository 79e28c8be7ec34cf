"""Write a file atomically: it appears complete at its path, or not at all.

Every output namenorm writes (annotations, rewritten documents, a fitted confidence model, a
reliability plot, a snapshot, a table with judgments applied) goes through here. The bytes go
to a temporary file in the same folder, which is flushed to disk and renamed into place, so an
interrupted run never leaves a half-written file where a good one was.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "model.json"
>>> write_atomically(target, b"{}")
>>> target.read_bytes()
b'{}'
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from namenorm.errors import NamenormError, OutputError

__all__ = ["binary_output", "text_output", "write_atomically"]


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _cannot_write(error: type[NamenormError], target: Path, problem: OSError) -> NamenormError:
    return error(f"cannot write here: {problem.strerror}", path=str(target))


@contextlib.contextmanager
def binary_output(
    path: str | os.PathLike[str], *, error: type[NamenormError] = OutputError
) -> Iterator[BinaryIO]:
    """Open a new binary file (creating its folder) that appears at ``path`` only when the
    block ends without an error; otherwise no file, and no temporary file, is left behind.
    Failing to create, flush or rename the file raises ``error`` naming the path; an error
    raised inside the block propagates as it is.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.bin"
    >>> with binary_output(target) as handle:
    ...     _ = handle.write(b"done")
    >>> target.read_bytes()
    b'done'
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        # mkstemp makes the file private; an output gets the usual permissions, so other
        # processes and users can read (or map) it.
        os.fchmod(descriptor, 0o666 & ~_umask())
    except OSError as problem:
        raise _cannot_write(error, target, problem) from problem
    try:
        with open(descriptor, "wb") as handle:
            yield handle
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as problem:
                raise _cannot_write(error, target, problem) from problem
        try:
            os.replace(temporary, target)
        except OSError as problem:
            raise _cannot_write(error, target, problem) from problem
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def text_output(
    path: str | os.PathLike[str],
    *,
    newline: str | None = "",
    bom: bool = False,
    error: type[NamenormError] = OutputError,
) -> Iterator[TextIO]:
    """:func:`binary_output` for UTF-8 text (with a byte-order mark when ``bom``); ``newline``
    as :func:`open` takes it ("" writes line ends as given).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with text_output(target) as handle:
    ...     _ = handle.write("done")
    >>> target.read_text()
    'done'
    """
    with binary_output(path, error=error) as raw:
        handle = io.TextIOWrapper(
            raw, encoding="utf-8-sig" if bom else "utf-8", newline=newline, write_through=True
        )
        try:
            yield handle
            handle.flush()
        finally:
            # Leave the binary file open for binary_output to sync, rename and close.
            handle.detach()


def write_atomically(
    path: str | os.PathLike[str], data: bytes, *, error: type[NamenormError] = OutputError
) -> None:
    """Write ``data`` to ``path`` in one piece (see :func:`binary_output`); a failure raises
    ``error`` naming the path and leaves no temporary file behind.

    >>> write_atomically("/dev/null/cannot/be/a/folder.png", b"")
    Traceback (most recent call last):
      ...
    namenorm.errors.OutputError: /dev/null/cannot/be/a/folder.png: cannot write here: ...
    """
    with binary_output(path, error=error) as handle:
        try:
            handle.write(data)
        except OSError as problem:
            raise _cannot_write(error, Path(path), problem) from problem
