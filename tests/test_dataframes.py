"""Tests of namenorm.dataframes: name and text columns of pandas and polars DataFrames.

Each library's tests skip cleanly when its extra is not installed (``pytest.importorskip``).
"""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import namenorm
import namenorm.resolve
from namenorm.dataframes import (
    MENTION_FIELDS,
    MENTION_SCHEMA,
    RESOLVED_COLUMNS,
    annotate_column,
    resolve_column,
)
from namenorm.errors import DataFrameError, MissingDependencyError, NamenormError
from namenorm.output import mention_records

NAMES = [
    "Mustafa Khatami",
    "Ghassem Suleimani",
    "Joe Smith",
    None,
    "Almohandes",
    "Rai Allium",
    "Angela Zbrowski",
    "Mustafa Khatami",
    "Khamenei",
    "",
    "Mustafa Khatami",
]
CONTEXTS = [
    "Iraqi Prime Minister Mustafa Khatami announced the plan.",
    None,
    "Joe Smith said.",
    "A sentence for a null name.",
    None,
    "Rai Allium reported.",
    None,
    None,
    "Mojtaba Khamenei and his father; Khamenei said.",
    None,
    "Iraqi Prime Minister Mustafa Khatami announced the plan.",
]
TEXTS = [
    "Iraqi Prime Minister Mustafa Khatami met Ghassem Soleymani's aides.",
    "Joe Smith met Hadi al-Amiri in Erbil.",
    None,
    "",
    "No names here.",
    "Iraqi Prime Minister Mustafa Khatami met Ghassem Soleymani's aides.",
    "Rai Allium quoted Almohandes. Khamenei declined.",
]


class Pandas:
    """Build frames and read cells back as Python values (None for null) with pandas."""

    name = "pandas"

    def __init__(self) -> None:
        self.pd = pytest.importorskip("pandas")

    def frame(self, data: dict[str, list[Any]], index: list[Any] | None = None) -> Any:
        return self.pd.DataFrame(
            {key: self.pd.Series(values, dtype=object) for key, values in data.items()}
        ).set_axis(self.pd.RangeIndex(len(next(iter(data.values())))) if index is None else index)

    def cells(self, frame: Any, column: str) -> list[Any]:
        series = frame[column]
        return [
            None if missing else value for value, missing in zip(series, series.isna(), strict=True)
        ]

    def columns(self, frame: Any) -> list[str]:
        return list(frame.columns)

    def take(self, frame: Any, rows: list[int]) -> Any:
        return frame.iloc[rows]

    def equal(self, left: Any, right: Any) -> bool:
        try:
            self.pd.testing.assert_frame_equal(left, right)
        except AssertionError:
            return False
        return True


class Polars:
    """Build frames and read cells back as Python values (None for null) with polars."""

    name = "polars"

    def __init__(self) -> None:
        self.pl = pytest.importorskip("polars")

    def frame(self, data: dict[str, list[Any]], index: list[Any] | None = None) -> Any:
        assert index is None
        return self.pl.DataFrame(data, schema=dict.fromkeys(data, self.pl.String))

    def cells(self, frame: Any, column: str) -> list[Any]:
        return frame[column].to_list()

    def columns(self, frame: Any) -> list[str]:
        return list(frame.columns)

    def take(self, frame: Any, rows: list[int]) -> Any:
        return frame[rows]

    def equal(self, left: Any, right: Any) -> bool:
        return bool(left.equals(right))


@pytest.fixture(scope="module", params=["pandas", "polars"])
def library(request: pytest.FixtureRequest) -> Pandas | Polars:
    return Pandas() if request.param == "pandas" else Polars()


def _expected_resolved(resolver, names, contexts, threshold=None):
    rows = []
    for name, context in zip(names, contexts or [None] * len(names), strict=True):
        match = (
            None if name is None else resolver.resolve(name, context=context, threshold=threshold)
        )
        rows.append(
            (None, None, None, None, None)
            if match is None
            else (
                match.entity.id,
                match.entity.name,
                match.entity.kind,
                match.confidence,
                match.method,
            )
        )
    return rows


def _resolved_rows(library, frame, prefix=""):
    columns = [library.cells(frame, prefix + name) for name in RESOLVED_COLUMNS]
    return list(zip(*columns, strict=True))


def _expected_mentions(resolver, texts, *, unresolved=False, threshold=None):
    return [
        None
        if text is None
        else [
            {field: record[field] for field in MENTION_FIELDS}
            for record in mention_records(
                "", resolver.annotate_document(text, threshold=threshold), unresolved=unresolved
            )
        ]
        for text in texts
    ]


# -- resolve_column ------------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [None, 0.95])
@pytest.mark.parametrize("with_context", [False, True])
def test_resolve_column_equals_resolve_row_by_row(library, resolver, threshold, with_context):
    frame = library.frame({"name": NAMES, "sentence": CONTEXTS})
    context = "sentence" if with_context else None
    resolved = resolve_column(frame, "name", resolver, context=context, threshold=threshold)
    expected = _expected_resolved(resolver, NAMES, CONTEXTS if with_context else None, threshold)
    assert _resolved_rows(library, resolved) == expected
    # Not vacuous: both matches and NIL rows, beyond the null name.
    assert sum(row[0] is None for row in expected) >= 3
    assert sum(row[0] is not None for row in expected) >= 4


def test_context_column_changes_the_answer(library, resolver):
    names = ["Khamenei", "Khamenei"]
    contexts = [None, "Mojtaba Khamenei, the son, spoke; Khamenei said."]
    frame = library.frame({"name": names, "sentence": contexts})
    plain = _resolved_rows(library, resolve_column(frame, "name", resolver))
    in_context = _resolved_rows(
        library, resolve_column(frame, "name", resolver, context="sentence")
    )
    assert plain[0] == plain[1]
    assert in_context == _expected_resolved(resolver, names, contexts)
    assert in_context[0] != in_context[1]


def test_resolve_column_keeps_the_input_columns_and_leaves_the_frame_alone(library, resolver):
    frame = library.frame({"id": [str(n) for n in range(len(NAMES))], "name": NAMES})
    before = library.take(frame, list(range(len(NAMES))))
    resolved = resolve_column(frame, "name", resolver)
    assert library.columns(resolved) == ["id", "name", *RESOLVED_COLUMNS]
    assert library.cells(resolved, "id") == [str(n) for n in range(len(NAMES))]
    assert library.cells(resolved, "name") == NAMES
    assert library.columns(frame) == ["id", "name"]
    assert library.equal(frame, before)


def test_each_distinct_name_is_resolved_once_through_resolve_many(
    library, resolver, monkeypatch: pytest.MonkeyPatch
):
    calls: dict[str, int] = {"resolve": 0, "resolve_many": 0}
    resolve = namenorm.Resolver.resolve
    resolve_many = namenorm.Resolver.resolve_many

    def counting_resolve(self, *args, **kwargs):
        calls["resolve"] += 1
        return resolve(self, *args, **kwargs)

    def counting_resolve_many(self, *args, **kwargs):
        calls["resolve_many"] += 1
        return resolve_many(self, *args, **kwargs)

    monkeypatch.setattr(namenorm.Resolver, "resolve", counting_resolve)
    monkeypatch.setattr(namenorm.Resolver, "resolve_many", counting_resolve_many)
    frame = library.frame({"name": NAMES * 20})
    resolve_column(frame, "name", resolver)
    distinct = {name for name in NAMES if name is not None}
    assert calls == {"resolve": len(distinct), "resolve_many": 1}


def test_prefix_names_the_new_columns_and_existing_ones_are_refused(library, resolver):
    frame = library.frame({"author": ["Almohandes"], "subject": ["Rai Allium"]})
    both = resolve_column(frame, "author", resolver, prefix="author_")
    both = resolve_column(both, "subject", resolver, prefix="subject_")
    assert library.cells(both, "author_entity_id") == ["abu-mahdi-al-muhandis"]
    assert library.cells(both, "subject_entity_id") == ["rai-al-youm"]
    resolved = resolve_column(frame, "author", resolver)
    with pytest.raises(DataFrameError, match="already has a column") as caught:
        resolve_column(resolved, "subject", resolver)
    assert caught.value.column == "entity_id"


def test_null_cells_give_null_outputs(library, resolver):
    frame = library.frame({"name": [None, "Almohandes", None]})
    resolved = resolve_column(frame, "name", resolver)
    rows = _resolved_rows(library, resolved)
    assert rows[0] == rows[2] == (None, None, None, None, None)
    assert rows[1][0] == "abu-mahdi-al-muhandis"


def test_pandas_nan_and_na_cells_are_null(resolver):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"name": pd.Series([float("nan"), pd.NA, None, "Almohandes"], dtype=object)}
    )
    resolved = resolve_column(frame, "name", resolver)
    assert resolved["entity_id"].isna().tolist() == [True, True, True, False]
    assert resolved["confidence"].isna().tolist() == [True, True, True, False]
    # A column of nothing but NaN is a float column: all null, not an error.
    empty = resolve_column(pd.DataFrame({"name": [math.nan, math.nan]}), "name", resolver)
    assert empty["method"].isna().all()


def test_pandas_index_is_kept_exactly(resolver):
    pd = pytest.importorskip("pandas")
    indexes = [
        pd.Index(["b", "a", "b", "z", "a", "q", "r", "s", "t", "u", "v"]),  # duplicates
        pd.Index([9, -3, 7, 7, 100, 0, 5, 4, 3, 2, 1]),
        pd.MultiIndex.from_arrays([list("xxyyzzxxyyz"), range(11)], names=["doc", "line"]),
        pd.date_range("2024-01-01", periods=11, name="day"),
    ]
    for index in indexes:
        frame = pd.DataFrame({"name": NAMES}, index=index)
        resolved = resolve_column(frame, "name", resolver)
        pd.testing.assert_index_equal(resolved.index, index, exact=True)
        assert resolved["name"].tolist() == frame["name"].tolist()
        expected = _expected_resolved(resolver, NAMES, None)
        assert resolved["entity_id"].tolist() == [
            pd.NA if row[0] is None else row[0] for row in expected
        ]


def test_pandas_column_types_and_nil_is_na(resolver):
    pd = pytest.importorskip("pandas")
    resolved = resolve_column(pd.DataFrame({"name": ["Almohandes", "Joe Smith"]}), "name", resolver)
    assert [str(resolved[c].dtype) for c in RESOLVED_COLUMNS] == [
        "string",
        "string",
        "string",
        "Float64",
        "string",
    ]
    assert resolved["entity_name"].iloc[1] is pd.NA
    assert resolved["confidence"].iloc[1] is pd.NA
    assert resolved["entity_name"].iloc[0] == "Abu Mahdi al-Muhandis"
    assert resolved["entity_kind"].iloc[0] == "person"


def test_polars_column_types_and_nil_is_null(resolver):
    pl = pytest.importorskip("polars")
    resolved = resolve_column(pl.DataFrame({"name": ["Almohandes", "Joe Smith"]}), "name", resolver)
    assert resolved.schema == {
        "name": pl.String,
        "entity_id": pl.String,
        "entity_name": pl.String,
        "entity_kind": pl.String,
        "confidence": pl.Float64,
        "method": pl.String,
    }
    assert resolved.row(1) == ("Joe Smith", None, None, None, None, None)


def test_categorical_and_all_null_columns(resolver):
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    names = ["Almohandes", None, "Almohandes"]
    pandas_frame = pd.DataFrame({"name": pd.Categorical(names)})
    polars_frame = pl.DataFrame({"name": names}, schema={"name": pl.Categorical})
    enum_frame = pl.DataFrame({"name": names}, schema={"name": pl.Enum(["Almohandes"])})
    expected = ["abu-mahdi-al-muhandis", None, "abu-mahdi-al-muhandis"]
    assert Pandas().cells(resolve_column(pandas_frame, "name", resolver), "entity_id") == expected
    assert resolve_column(polars_frame, "name", resolver)["entity_id"].to_list() == expected
    assert resolve_column(enum_frame, "name", resolver)["entity_id"].to_list() == expected
    nulls = resolve_column(pl.DataFrame({"name": [None, None]}), "name", resolver)
    assert nulls["entity_id"].to_list() == [None, None]
    assert nulls.schema["confidence"] == pl.Float64


def test_empty_frame(library, resolver):
    frame = library.frame({"name": []})
    resolved = resolve_column(frame, "name", resolver)
    annotated = annotate_column(frame, "name", resolver)
    assert library.columns(resolved) == ["name", *RESOLVED_COLUMNS]
    assert library.cells(resolved, "entity_id") == []
    assert library.cells(annotated, "mentions") == []


# -- errors --------------------------------------------------------------------------------


def test_non_string_cell_names_the_column_and_the_row(resolver):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"name": ["Almohandes", None, 7]}, index=["p", "q", "r"])
    with pytest.raises(DataFrameError) as caught:
        resolve_column(frame, "name", resolver)
    error = caught.value
    assert (error.column, error.row) == ("name", 2)
    assert isinstance(error, NamenormError)
    assert isinstance(error, ValueError)
    assert str(error) == (
        "column 'name', row 2: expected a string or null, got int 7 (index label 'r')"
    )


def test_non_string_column_in_polars(resolver):
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({"name": [None, 5, 6]})
    with pytest.raises(DataFrameError, match=r"column 'name', row 1: .* got int 5") as caught:
        resolve_column(frame, "name", resolver)
    assert caught.value.row == 1


def test_non_string_context_and_text_cells(library, resolver):
    pd = pytest.importorskip("pandas") if library.name == "pandas" else None
    if pd is not None:
        frame = pd.DataFrame({"name": ["Almohandes", "Rai Allium"], "sentence": [None, 3.5]})
    else:
        frame = library.pl.DataFrame(
            {"name": ["Almohandes", "Rai Allium"], "sentence": [None, 3.5]}
        )
    with pytest.raises(DataFrameError, match=r"got float 3\.5") as caught:
        resolve_column(frame, "name", resolver, context="sentence")
    assert (caught.value.column, caught.value.row) == ("sentence", 1)
    with pytest.raises(DataFrameError, match=r"got float 3\.5") as caught:
        annotate_column(frame, "sentence", resolver)
    assert (caught.value.column, caught.value.row) == ("sentence", 1)


def test_missing_column_is_named(library, resolver):
    frame = library.frame({"name": ["Almohandes"], "sentence": [None]})
    with pytest.raises(DataFrameError, match=r"column 'nmae': no such column; .*'name'") as caught:
        resolve_column(frame, "nmae", resolver)
    assert caught.value.column == "nmae"
    with pytest.raises(DataFrameError, match="column 'context'"):
        resolve_column(frame, "name", resolver, context="context")
    with pytest.raises(DataFrameError, match="column 'text'"):
        annotate_column(frame, "text", resolver)


def test_duplicate_column_in_pandas(resolver):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([["Almohandes", "Iran"]], columns=["name", "name"])
    with pytest.raises(DataFrameError, match="more than one column"):
        resolve_column(frame, "name", resolver)


def test_not_a_dataframe():
    with pytest.raises(TypeError, match=r"pandas or a polars DataFrame, got builtins\.list"):
        resolve_column(["Almohandes"], "name")  # type: ignore[call-overload]


def test_a_lazy_frame_or_a_series_gets_a_hint(library):
    if library.name == "polars":
        lazy = library.pl.DataFrame({"name": ["Iran"]}).lazy()
        with pytest.raises(TypeError, match=r"LazyFrame; call \.collect\(\)"):
            resolve_column(lazy, "name")  # type: ignore[call-overload]
    series = library.frame({"name": ["Iran"]})["name"]
    with pytest.raises(TypeError, match=r"got (pandas|polars)\..*Series; call \.to_frame\(\)"):
        annotate_column(series, "name")  # type: ignore[call-overload]


def test_bad_options_are_refused(library, resolver):
    frame = library.frame({"name": ["Almohandes"]})
    with pytest.raises(ValueError, match="threshold"):
        resolve_column(frame, "name", resolver, threshold=1.5)
    with pytest.raises(ValueError, match="workers"):
        annotate_column(frame, "name", resolver, workers=0)


@pytest.mark.parametrize("missing", ["pandas", "polars"])
def test_missing_library_names_the_extra(missing, resolver, monkeypatch: pytest.MonkeyPatch):
    module = pytest.importorskip(missing)
    frame = module.DataFrame({"name": ["Almohandes"]})
    monkeypatch.setitem(sys.modules, missing, None)  # makes `import <missing>` fail
    with pytest.raises(
        MissingDependencyError, match=rf"pip install 'namenorm\[{missing}\]'"
    ) as caught:
        resolve_column(frame, "name", resolver)
    assert caught.value.name == missing


# -- annotate_column -----------------------------------------------------------------------


@pytest.mark.parametrize("unresolved", [False, True])
def test_annotate_column_equals_annotate_document_row_by_row(library, resolver, unresolved):
    frame = library.frame({"text": TEXTS})
    annotated = annotate_column(frame, "text", resolver, unresolved=unresolved)
    expected = _expected_mentions(resolver, TEXTS, unresolved=unresolved)
    assert library.cells(annotated, "mentions") == expected
    assert library.columns(annotated) == ["text", "mentions"]
    assert sum(len(row or []) for row in expected) >= 8
    assert any(not r["resolved"] for row in expected for r in row or []) == unresolved


def test_annotate_column_threshold_and_prefix(library, resolver):
    frame = library.frame({"text": TEXTS})
    annotated = annotate_column(frame, "text", resolver, threshold=0.999, prefix="text_")
    expected = _expected_mentions(resolver, TEXTS, threshold=0.999)
    assert library.cells(annotated, "text_mentions") == expected
    assert expected != _expected_mentions(resolver, TEXTS)


def test_annotate_each_distinct_text_once(library, resolver, monkeypatch: pytest.MonkeyPatch):
    seen: list[str] = []
    annotate_document = namenorm.Annotator.annotate_document

    def counting(self, text, **kwargs):
        seen.append(text)
        return annotate_document(self, text, **kwargs)

    monkeypatch.setattr(namenorm.Annotator, "annotate_document", counting)
    annotate_column(library.frame({"text": TEXTS * 5}), "text", resolver)
    assert sorted(seen) == sorted({text for text in TEXTS if text is not None})


def test_pandas_rows_of_the_same_text_share_no_records(resolver):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"text": ["Rai Allium quoted Almohandes."] * 2})
    mentions = annotate_column(frame, "text", resolver)["mentions"]
    assert mentions.dtype == object
    mentions.iloc[0][0]["entity"] = "changed"
    mentions.iloc[0].append({})
    assert mentions.iloc[1][0]["entity"] == "rai-al-youm"
    assert len(mentions.iloc[1]) == 2


def test_polars_mentions_are_a_list_of_structs(resolver):
    pl = pytest.importorskip("polars")
    for texts in (TEXTS, [None, None], ["", "no names"]):
        annotated = annotate_column(pl.DataFrame({"text": texts}), "text", resolver)
        struct = pl.Struct({field: getattr(pl, kind) for field, kind in MENTION_SCHEMA.items()})
        assert annotated.schema["mentions"] == pl.List(struct)
    exploded = (
        annotate_column(pl.DataFrame({"text": TEXTS}), "text", resolver)
        .explode("mentions")
        .unnest("mentions")
    )
    assert exploded.columns == ["text", *MENTION_FIELDS]


def test_pandas_annotate_keeps_the_index(resolver):
    pd = pytest.importorskip("pandas")
    index = pd.Index([5, 5, 1, 0, 2, 9, 9], name="row")
    annotated = annotate_column(pd.DataFrame({"text": TEXTS}, index=index), "text", resolver)
    pd.testing.assert_index_equal(annotated.index, index, exact=True)
    assert annotated["mentions"].tolist() == _expected_mentions(resolver, TEXTS)


# -- workers -------------------------------------------------------------------------------


def test_resolve_workers_two_equal_workers_one(library, resolver, monkeypatch: pytest.MonkeyPatch):
    # Small batches stay in one process; lower the bar so two processes really do the work.
    monkeypatch.setattr(namenorm.resolve, "PARALLEL_QUERIES", 2)
    started: list[int] = []
    in_processes = namenorm.Resolver._resolve_in_processes

    def spying(self, queries, threshold, workers):
        started.append(workers)
        return in_processes(self, queries, threshold, workers)

    monkeypatch.setattr(namenorm.Resolver, "_resolve_in_processes", spying)
    frame = library.frame({"name": NAMES, "sentence": CONTEXTS})
    one = resolve_column(frame, "name", resolver, context="sentence", workers=1)
    two = resolve_column(frame, "name", resolver, context="sentence", workers=2)
    assert started == [2]
    assert library.equal(one, two)
    assert _resolved_rows(library, two) == _expected_resolved(resolver, NAMES, CONTEXTS)


def test_annotate_workers_two_equal_workers_one(library, resolver):
    frame = library.frame({"text": TEXTS})
    one = annotate_column(frame, "text", resolver, unresolved=True, workers=1)
    two = annotate_column(frame, "text", resolver, unresolved=True, workers=2)
    assert library.cells(one, "mentions") == library.cells(two, "mentions")
    assert library.cells(two, "mentions") == _expected_mentions(resolver, TEXTS, unresolved=True)


# -- properties ----------------------------------------------------------------------------


@settings(max_examples=25)
@given(order=st.permutations(range(len(NAMES))))
def test_permuting_the_rows_permutes_the_output(library, resolver, order):
    index = [f"r{n}" for n in range(len(NAMES))]
    if library.name == "pandas":
        frame = library.frame({"name": NAMES, "sentence": CONTEXTS}, index=index)
    else:
        frame = library.frame({"name": NAMES, "sentence": CONTEXTS})
    resolved = resolve_column(frame, "name", resolver, context="sentence")
    shuffled = resolve_column(library.take(frame, order), "name", resolver, context="sentence")
    assert library.equal(shuffled, library.take(resolved, order))
    if library.name == "pandas":
        assert list(shuffled.index) == [index[n] for n in order]


# -- imports -------------------------------------------------------------------------------


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_neither_library_is_imported_until_used():
    pytest.importorskip("polars")
    code = (
        "import sys\n"
        "import namenorm\n"
        "print('namenorm.dataframes' in sys.modules)\n"
        "from namenorm.dataframes import resolve_column\n"
        "print(sorted(m for m in ('pandas', 'polars') if m in sys.modules))\n"
        "import polars as pl\n"
        "resolve_column(pl.DataFrame({'name': ['Almohandes']}), 'name')\n"
        "print(sorted(m for m in ('pandas', 'polars') if m in sys.modules))\n"
    )
    assert _run(code).splitlines() == ["False", "[]", "['polars']"]
