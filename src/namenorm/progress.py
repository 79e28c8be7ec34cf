"""A progress line on standard error, shown only when it is a terminal.

>>> import io
>>> progress = Progress(io.StringIO())
>>> progress.advance(characters=1000)
>>> progress.documents, progress.characters
(1, 1000)
"""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]

REFRESH_SECONDS = 0.2


class Progress:
    """Counts documents and characters, and redraws one status line on ``stream`` at most
    every 0.2 s when ``stream`` is a terminal (and never otherwise, so logs stay clean).

    >>> import io
    >>> stream = io.StringIO()
    >>> progress = Progress(stream)
    >>> progress.advance(characters=10); progress.close()
    >>> stream.getvalue()
    ''
    """

    def __init__(self, stream: TextIO, *, enabled: bool | None = None) -> None:
        self._stream = stream
        self._enabled = stream.isatty() if enabled is None else enabled
        self._started = time.perf_counter()
        self._drawn = 0.0
        self.documents = 0
        self.characters = 0

    def advance(self, *, characters: int) -> None:
        """Count one more document of ``characters`` characters."""
        self.documents += 1
        self.characters += characters
        now = time.perf_counter()
        if self._enabled and now - self._drawn >= REFRESH_SECONDS:
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._started, 1e-9)
        megabytes = self.characters / 1e6
        self._stream.write(
            f"\r{self.documents} documents, {megabytes:.1f} M characters, "
            f"{megabytes / elapsed:.2f} M/s "
        )
        self._stream.flush()

    def close(self) -> None:
        """Draw the final count and end the line."""
        if self._enabled:
            self._draw(time.perf_counter())
            self._stream.write("\n")
            self._stream.flush()
