from __future__ import annotations

import pytest

from namenorm import CalibrationError, NamenormError, RulesError, TableError
from namenorm.errors import LabeledDataError


@pytest.mark.parametrize("error", [TableError, RulesError, CalibrationError, LabeledDataError])
def test_every_error_is_a_namenorm_error_and_a_value_error(error: type[NamenormError]) -> None:
    assert issubclass(error, NamenormError)
    assert issubclass(error, ValueError)


def test_message_names_file_line_and_field() -> None:
    error = TableError("bad", path="t.csv", line=4, field="kind")
    assert str(error) == "t.csv:4: field 'kind': bad"
    assert (error.path, error.line, error.field, error.message) == ("t.csv", 4, "kind", "bad")


def test_message_without_location() -> None:
    assert str(NamenormError("plain")) == "plain"
    assert str(TableError("x", record=2)) == "record 2: x"
    assert (
        str(TableError("x", path="t.toml", record=2, field="kind"))
        == "t.toml: record 2: field 'kind': x"
    )
