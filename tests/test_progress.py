"""The progress line: silent unless standard error is a terminal."""

from __future__ import annotations

import io
import types

import pytest

from namenorm import progress as progress_module
from namenorm.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_counts_documents_and_characters() -> None:
    progress = Progress(io.StringIO())
    progress.advance(characters=10)
    progress.advance(characters=0)
    progress.advance(characters=5)
    assert (progress.documents, progress.characters) == (3, 15)


def test_silent_when_the_stream_is_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream)
    for _ in range(3):
        progress.advance(characters=1000)
    progress.close()
    assert stream.getvalue() == ""


def test_enabled_false_is_silent_on_a_terminal() -> None:
    stream = _Terminal()
    progress = Progress(stream, enabled=False)
    progress.advance(characters=1000)
    progress.close()
    assert stream.getvalue() == ""


def test_a_terminal_gets_a_line_by_default() -> None:
    stream = _Terminal()
    progress = Progress(stream)
    progress.advance(characters=2_500_000)
    progress.close()
    text = stream.getvalue()
    assert text.endswith("\n")
    assert "1 documents, 2.5 M characters" in text.splitlines()[-1]


def test_enabled_writes_the_count_and_ends_the_line_on_close() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    for _ in range(7):
        progress.advance(characters=100_000)
    assert "\n" not in stream.getvalue()
    progress.close()
    text = stream.getvalue()
    assert text.endswith("\n")
    assert text.count("\n") == 1
    last = text.rstrip("\n").split("\r")[-1]
    assert last.startswith("7 documents, 0.7 M characters, ")
    assert last.rstrip().endswith("M/s")


def test_redraws_at_most_every_refresh_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([100.0, 100.0, 100.05, 100.1, 100.3, 100.3, 100.4])
    fake_time = types.SimpleNamespace(perf_counter=lambda: next(clock))
    monkeypatch.setattr(progress_module, "time", fake_time)
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)  # started at 100.0
    progress.advance(characters=1)  # 100.0: first draw
    progress.advance(characters=1)  # 100.05: too soon
    progress.advance(characters=1)  # 100.1: too soon
    progress.advance(characters=1)  # 100.3: draws
    progress.advance(characters=1)  # 100.3: too soon
    progress.close()  # 100.4: the final count, always
    draws = stream.getvalue().split("\r")[1:]
    assert [draw.split(" ")[0] for draw in draws] == ["1", "4", "5"]
    assert draws[-1].endswith("\n")
