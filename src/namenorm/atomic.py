"""Write a whole file atomically: it appears complete at its path, or not at all.

For outputs written in one piece (a fitted confidence model, a reliability plot). The bytes
go to a temporary file in the same folder, which is flushed to disk and renamed into place, so
an interrupted run never leaves a half-written file where a good one was.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "model.json"
>>> write_atomically(target, b"{}")
>>> target.read_bytes()
b'{}'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from namenorm.errors import NamenormError, OutputError

__all__ = ["write_atomically"]


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomically(
    path: str | os.PathLike[str], data: bytes, *, error: type[NamenormError] = OutputError
) -> None:
    """Write ``data`` to ``path`` (creating its folder) through a temporary file renamed into
    place; a failure raises ``error`` naming the path and leaves no temporary file behind.

    >>> write_atomically("/dev/null/cannot/be/a/folder.png", b"")
    Traceback (most recent call last):
      ...
    namenorm.errors.OutputError: /dev/null/cannot/be/a/folder.png: cannot write here: ...
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as problem:
        raise error(f"cannot write here: {problem.strerror}", path=str(target)) from problem
    try:
        with open(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private; an output gets the usual permissions.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException as problem:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(problem, OSError):
            raise error(f"cannot write here: {problem.strerror}", path=str(target)) from problem
        raise
