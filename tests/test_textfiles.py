from __future__ import annotations

from pathlib import Path

import pytest

from namenorm import TableError
from namenorm.textfiles import jsonl_records, read_text_file


def test_reads_utf8_with_or_without_a_byte_order_mark(tmp_path: Path) -> None:
    plain, marked = tmp_path / "a.txt", tmp_path / "b.txt"
    plain.write_bytes("Qāsim".encode())
    marked.write_bytes(b"\xef\xbb\xbf" + "Qāsim".encode())
    assert read_text_file(plain, error=TableError) == "Qāsim"
    assert read_text_file(marked, error=TableError) == "Qāsim"


def test_bad_encoding_names_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"ok\nok\nbad \xe9 here\n")
    with pytest.raises(TableError, match="not valid UTF-8 at byte 10") as caught:
        read_text_file(path, error=TableError)
    assert (caught.value.path, caught.value.line) == (str(path), 3)


def test_missing_file_is_the_given_error(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="cannot read the file"):
        read_text_file(tmp_path / "nope.txt", error=TableError)


def test_jsonl_skips_blank_lines_and_names_bad_ones() -> None:
    assert list(jsonl_records('{"a": 1}\n  \n{"b": 2}\n', "x", error=TableError)) == [
        ({"a": 1}, 1),
        ({"b": 2}, 3),
    ]
    with pytest.raises(TableError, match="invalid JSON") as caught:
        list(jsonl_records('{"a": 1}\n{oops\n', "x.jsonl", error=TableError))
    assert (caught.value.path, caught.value.line) == ("x.jsonl", 2)


def test_bad_encoding_after_a_byte_order_mark_counts_the_mark(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"\xef\xbb\xbfab\n\xff")
    with pytest.raises(TableError, match="at byte 6") as caught:
        read_text_file(path, error=TableError)
    assert caught.value.line == 2
