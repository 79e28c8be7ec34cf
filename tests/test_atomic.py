from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from namenorm import load_model
from namenorm.atomic import write_atomically
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
