from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from namenorm import load_model
from namenorm.atomic import binary_output, text_output, write_atomically
from namenorm.errors import CalibrationError, NamenormError, OutputError


def test_writes_the_bytes_with_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "out.bin"
    write_atomically(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert os.listdir(target.parent) == ["out.bin"]


def test_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_a_failure_is_typed_and_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(OutputError, match="cannot write here") as caught:
        write_atomically(tmp_path / "a-file" / "out.bin", b"data")
    assert isinstance(caught.value, OSError)
    assert isinstance(caught.value, NamenormError)
    assert caught.value.path == str(tmp_path / "a-file" / "out.bin")
    # A folder where the file should go: the rename fails, the temporary file is removed.
    (tmp_path / "taken").mkdir()
    with pytest.raises(CalibrationError):
        write_atomically(tmp_path / "taken", b"data", error=CalibrationError)
    assert sorted(os.listdir(tmp_path)) == ["a-file", "taken"]


def test_a_model_saves_atomically_and_loads_back(tmp_path: Path) -> None:
    target = tmp_path / "model.json"
    target.write_text("an older model")
    load_model().save(target)
    assert load_model(target) == load_model()
    assert os.listdir(tmp_path) == ["model.json"]


def test_an_error_inside_the_block_keeps_the_old_file_and_propagates(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    def interrupted_write() -> None:
        with text_output(target) as handle:
            handle.write("half of the new")
            raise KeyError("interrupted")

    with pytest.raises(KeyError):
        interrupted_write()
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize(("bom", "expected"), [(False, b"a\r\nb"), (True, b"\xef\xbb\xbfa\r\nb")])
def test_text_output_keeps_line_ends_and_writes_a_bom_when_asked(
    tmp_path: Path, bom: bool, expected: bytes
) -> None:
    target = tmp_path / "out.txt"
    with text_output(target, bom=bom) as handle:
        handle.write("a\r\nb")
    assert target.read_bytes() == expected


def test_binary_output_can_seek(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with binary_output(target) as handle:
        handle.write(b"....")
        handle.seek(1)
        handle.write(b"x")
    assert target.read_bytes() == b".x.."
