"""namenorm.spark in Spark local mode: the answers of the single-machine API, row for row.

One local session (two cores, small Arrow batches so that every column crosses several
batches in two partitions) serves the whole file; should anything stop it (a page of the
docs run in the same pytest process, say), the next test starts another. Each reference
answer comes from ``Resolver.resolve_many`` or ``Resolver.annotate_document`` run here, in
the driver.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import namenorm
from namenorm.errors import DataFrameError, TableError
from namenorm.output import FIELDS, mention_records

pytest.importorskip("pyspark", reason="namenorm.spark needs pyspark: pip install 'namenorm[spark]'")

import pandas as pd
from pyspark import SparkFiles
from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql.pandas.functions import pandas_udf

from namenorm import spark as nspark

# pyspark 4.3 warns that it does not fully support pandas 3 yet; what these tests use works.
pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

ROOT = Path(__file__).parent.parent
BATCH_ROWS = 50
"""Rows per Arrow batch: the labeled names cross eight batches, in two partitions."""
FAR_NIL = "Angela Zbrowski"


def _local_session() -> SparkSession:
    """The running local session, or a new one if there is none (or it was stopped); the SQL
    settings are applied to a running session too."""
    with pytest.MonkeyPatch.context() as patch:
        # The Python of the executors' workers: this one, where namenorm is installed, rather
        # than the first python3 on PATH (read once, when the SparkContext starts).
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        session = (
            SparkSession.builder.master("local[2]")
            .appName("namenorm-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(BATCH_ROWS))
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    return session


@pytest.fixture(scope="session")
def _spark_for_the_run() -> Iterator[None]:
    """Java or a skip, and whatever session is running stopped at the end of the run."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark local mode needs Java (17 or later): no java on PATH, no JAVA_HOME")
    yield
    running = SparkSession.getActiveSession()
    if running is not None:
        running.stop()


@pytest.fixture
def spark(_spark_for_the_run: None) -> SparkSession:
    return _local_session()


@pytest.fixture(scope="session")
def labeled() -> list[tuple[int, str | None, str | None, str | None]]:
    """Every fourth labeled mention (real variants, known errors and NIL names, with and
    without context), then a far NIL name, a repeated name, a null name and an empty one."""
    path = ROOT / "eval" / "labeled.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows: list[tuple[str | None, str | None, str | None]] = [
        (record["mention"], record["context"], record["gold"]) for record in records[::4]
    ]
    rows += [
        (FAR_NIL, None, None),
        (FAR_NIL, "Angela Zbrowski met the mayor.", None),
        (None, "A null name with a context.", None),
        ("", None, None),
    ]
    return [(number, *row) for number, row in enumerate(rows)]


@pytest.fixture
def labeled_frame(spark: SparkSession, labeled: list[tuple[Any, ...]]) -> DataFrame:
    schema = "id long, mention string, context string, gold string"
    return spark.createDataFrame(labeled, schema)


@pytest.fixture(scope="session")
def paragraphs() -> list[tuple[int, str | None]]:
    """The five seed articles, split into paragraphs, and a null and an empty text."""
    texts: list[str | None] = [
        paragraph.strip()
        for path in sorted((ROOT / "seeds").glob("0*.txt"))
        for paragraph in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
        if paragraph.strip()
    ]
    texts += [None, ""]
    return list(enumerate(texts))


def _resolved(match: namenorm.Match | None) -> tuple[Any, ...]:
    if match is None:
        return (None, None, None, None, None)
    entity = match.entity
    return (entity.id, entity.name, entity.kind, match.confidence, match.method)


def _expected_names(
    resolver: namenorm.Resolver, names: list[str | None], contexts: list[str | None] | None
) -> list[tuple[Any, ...]]:
    """What each row should get: ``resolve_many`` over the non-null names, nulls for the rest."""
    given = contexts if contexts is not None else [None] * len(names)
    present = [row for row, name in enumerate(names) if name is not None]
    found = resolver.resolve_many(
        [names[row] or "" for row in present], [given[row] for row in present]
    )
    expected = [_resolved(None)] * len(names)
    for row, match in zip(present, found, strict=True):
        expected[row] = _resolved(match)
    return expected


def _by_id(frame: DataFrame) -> list[Row]:
    return sorted(frame.collect(), key=lambda row: row["id"])


def _fields(rows: list[Row], columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [tuple(row[column] for column in columns) for row in rows]


def _records(resolver: namenorm.Resolver, text: str | None, *, unresolved: bool) -> Any:
    if text is None:
        return None
    annotation = resolver.annotate_document(text)
    return [
        tuple(record[field] for field in FIELDS if field != "doc")
        for record in mention_records("", annotation, unresolved=unresolved)
    ]


def _add_file_calls(monkeypatch: pytest.MonkeyPatch, spark: SparkSession) -> list[str]:
    """Count the files added to the application from now on (they are still added)."""
    calls: list[str] = []
    context = spark.sparkContext
    add_file: Callable[..., None] = context.addFile

    def counting(path: str, *args: Any, **kwargs: Any) -> None:
        calls.append(path)
        add_file(path, *args, **kwargs)

    monkeypatch.setattr(context, "addFile", counting)
    return calls


def _small_table(*more: dict[str, Any]) -> namenorm.AliasTable:
    return namenorm.AliasTable.from_records(
        [
            *more,
            {
                "id": "hadi-al-amiri",
                "name": "Hadi al-Amiri",
                "kind": "person",
                "aliases": ["Hadi Ameri"],
                "context": ["Badr"],
            },
            {
                "id": "badr-organization",
                "name": "Badr Organization",
                "kind": "org",
                "errors": ["Bader Organisation"],
            },
            {"id": "erbil", "name": "Erbil", "kind": "place", "aliases": ["Arbil", "Hewler"]},
        ]
    )


SMALL_NAMES = [
    "Hadi al-Amiri",
    "Hadi Alamiri",
    "Hady Amery",
    "Badr Organisation",
    "Bader Organisation",
    "Irbil",
    "Hewlêr",
    "Qassem Suleimani",
    None,
    "Amiri",
]


# -- names -----------------------------------------------------------------------------------


def test_a_name_column_resolves_as_on_one_machine_row_for_row(
    labeled_frame: DataFrame, labeled: list[tuple[Any, ...]]
) -> None:
    assert labeled_frame.rdd.getNumPartitions() >= 2
    resolved = nspark.resolve_column(labeled_frame, "mention", context="context")
    assert resolved.columns == [*labeled_frame.columns, *nspark.RESOLVED_COLUMNS]

    rows = _by_id(resolved)
    names = [row[1] for row in labeled]
    contexts = [row[2] for row in labeled]
    expected = _expected_names(namenorm.Resolver(), names, contexts)
    assert len(rows) == len(labeled) > 6 * BATCH_ROWS
    # Every input column is kept as it was.
    assert _fields(rows, ("id", "mention", "context", "gold")) == labeled
    # Ids, names, kinds and methods equal; confidences equal to the last bit (no tolerance).
    got = _fields(rows, nspark.RESOLVED_COLUMNS)
    mismatches = [
        (row, g, e) for row, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e
    ]
    assert not mismatches, mismatches[:5]

    # The data covers what it should: NIL names, null cells, several methods, and contexts that
    # change answers (so a context column that was not passed on would be caught).
    nil_names = [
        row
        for row, answer in zip(rows, got, strict=True)
        if row.mention is not None and answer[0] is None
    ]
    assert len(nil_names) > 20
    assert {row.mention for row in nil_names} >= {FAR_NIL, ""}
    null_name = next(row for row in rows if row.mention is None)
    assert _fields([null_name], nspark.RESOLVED_COLUMNS) == [(None,) * 5]
    assert len({answer[4] for answer in got}) >= 5
    without_context = _expected_names(namenorm.Resolver(), names, None)
    assert sum(a != b for a, b in zip(expected, without_context, strict=True)) > 10


def test_a_custom_table_threshold_model_and_prefix_are_those_of_the_resolver(
    spark: SparkSession, tmp_path: Path
) -> None:
    table = _small_table()
    model = attrs.evolve(namenorm.load_model(), calibrator_intercept=-0.5, name="shifted")
    model_path = tmp_path / "shifted.json"
    model.save(model_path)
    frame = spark.createDataFrame(list(enumerate(SMALL_NAMES)), "id long, name string")

    resolved = nspark.resolve_column(
        frame, "name", table=table, threshold=0.99, model=model_path, prefix="name_"
    )
    assert resolved.columns == ["id", "name", *("name_" + c for c in nspark.RESOLVED_COLUMNS)]
    got = _fields(_by_id(resolved), tuple("name_" + c for c in nspark.RESOLVED_COLUMNS))
    expected = _expected_names(
        namenorm.Resolver(table, threshold=0.99, model=model_path), SMALL_NAMES, None
    )
    assert got == expected
    # Both the threshold and the model change answers here, so both reached the executors.
    assert expected != _expected_names(namenorm.Resolver(table, model=model), SMALL_NAMES, None)
    assert expected != _expected_names(namenorm.Resolver(table, threshold=0.99), SMALL_NAMES, None)
    assert {answer[0] for answer in got} >= {"hadi-al-amiri", "badr-organization", None}


def test_a_snapshot_path_is_shipped_as_it_is_under_a_name_of_its_version(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "small.nnsnap"
    _small_table().save(path)
    calls = _add_file_calls(monkeypatch, spark)
    frame = spark.createDataFrame(list(enumerate(SMALL_NAMES)), "id long, name string")

    resolved = nspark.resolve_column(frame, "name", table=str(path))
    shipped = nspark.ship_table(spark, path)
    assert calls == [shipped.source]
    assert re.fullmatch(r"small-[0-9a-f]{16}\.nnsnap", shipped.name)
    assert shipped.application == spark.sparkContext.applicationId
    assert os.path.samefile(shipped.source, path)  # a link to the file, not a copy
    got = _fields(_by_id(resolved), nspark.RESOLVED_COLUMNS)
    assert got == _expected_names(namenorm.Resolver(namenorm.load_table(path)), SMALL_NAMES, None)


def test_a_snapshot_saved_again_at_the_same_path_is_shipped_again(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "people.nnsnap"
    calls = _add_file_calls(monkeypatch, spark)
    frame = spark.createDataFrame(list(enumerate(SMALL_NAMES)), "id long, name string")
    answers = []
    for version in (
        _small_table(),
        _small_table({"id": "hady-amery", "name": "Hady Amery", "kind": "person"}),
    ):
        version.save(path)
        resolved = nspark.resolve_column(frame, "name", table=path)
        expected = _expected_names(namenorm.Resolver(namenorm.load_table(path)), SMALL_NAMES, None)
        assert _fields(_by_id(resolved), nspark.RESOLVED_COLUMNS) == expected
        answers.append(expected)
        # The same version again, as a path or as the table loaded from it: nothing new sent.
        nspark.ship_table(spark, str(path))
        nspark.ship_table(spark, namenorm.load_table(path))
    assert answers[0] != answers[1]  # the second version changes answers
    assert len(calls) == len(set(calls)) == 2
    assert len({os.path.basename(call) for call in calls}) == 2


# -- texts -----------------------------------------------------------------------------------


def test_a_text_column_annotates_as_on_one_machine_row_for_row(
    spark: SparkSession, paragraphs: list[tuple[int, str | None]]
) -> None:
    frame = spark.createDataFrame(paragraphs, "id long, text string")
    assert frame.rdd.getNumPartitions() >= 2
    annotated = nspark.annotate_column(frame, "text", unresolved=True)
    assert annotated.columns == ["id", "text", "mentions"]
    assert annotated.schema["mentions"].dataType == nspark.MENTIONS_TYPE

    rows = _by_id(annotated)
    assert [(row.id, row.text) for row in rows] == paragraphs
    resolver = namenorm.Resolver()
    got = [None if row.mentions is None else [tuple(m) for m in row.mentions] for row in rows]
    expected = [_records(resolver, text, unresolved=True) for _, text in paragraphs]
    mismatches = [
        (row, g, e) for row, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e
    ]
    assert not mismatches, mismatches[:3]

    mentions = [m for row in rows if row.mentions for m in row.mentions]
    assert len(mentions) > 400
    assert {m.entity for m in mentions} >= {"qasem-soleimani", "rai-al-youm"}
    assert any(not m.resolved for m in mentions)
    assert all(row.text[m.start : m.end] == m.surface for row in rows for m in row.mentions or [])
    assert got[-2:] == [None, []]  # a null text, an empty one


# -- shipping --------------------------------------------------------------------------------


def _probe_resolvers(spark: SparkSession) -> list[tuple[str | None, float]]:
    """The resolvers held by the Python workers (a pandas UDF runs in the same pool of
    reused workers as namenorm's, which hands them out in turn, so four tasks visit both):
    the snapshot each maps and its threshold."""

    def held(ids: pd.Series) -> pd.Series:
        found = [(r.table.snapshot_path, r.threshold) for r in nspark._RESOLVERS.resolvers()]
        return pd.Series([json.dumps(found)] * len(ids))

    probe = pandas_udf(held, "string")
    rows = spark.range(0, 8, 1, 4).select(probe("id").alias("held")).collect()
    return [(path, threshold) for row in rows for path, threshold in json.loads(row.held)]


def test_a_table_is_shipped_once_and_executors_map_it_from_spark_files(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A table this application has not seen: equal tables share one snapshot, shipped once.
    table = _small_table({"id": "shipped-once", "name": "Shipped Once", "kind": "other"})
    calls = _add_file_calls(monkeypatch, spark)
    names = spark.createDataFrame(list(enumerate(SMALL_NAMES)), "id long, name string")
    texts = spark.createDataFrame([(0, "Hadi Ameri went to Arbil.")], "id long, text string")

    first = nspark.resolve_column(names, "name", table=table, threshold=0.55)
    nspark.annotate_column(texts, "text", table=table, threshold=0.55)
    nspark.resolve_column(names, "name", table=table, threshold=0.7, prefix="p_")
    shipped = nspark.ship_table(spark, table)
    assert len(calls) == 1
    assert calls[0] == shipped.source
    assert shipped.name == os.path.basename(shipped.source)
    assert shipped.name.startswith("namenorm-")

    assert {row.entity_id for row in first.collect()} >= {"hadi-al-amiri", "erbil"}
    held = _probe_resolvers(spark)
    local_copy = SparkFiles.get(shipped.name)
    assert local_copy != shipped.source
    # The workers map the copy Spark fetched into its files folder, never the driver's file.
    assert (local_copy, 0.55) in held
    assert all(path is not None for path, _ in held)
    assert all(os.path.dirname(path or "") == SparkFiles.getRootDirectory() for path, _ in held)


def test_a_process_keeps_one_resolver_per_snapshot_threshold_and_model(
    spark: SparkSession,
) -> None:
    shipped = nspark.ship_table(spark)
    one = nspark._RESOLVERS(shipped.name, 0.5, None)
    assert nspark._RESOLVERS(shipped.name, 0.5, None) is one
    assert nspark._RESOLVERS(shipped.name, 0.6, None) is not one
    assert one.table.snapshot_path == SparkFiles.get(shipped.name)
    namenorm.reset_caches()
    assert nspark._RESOLVERS.resolvers() == []


def test_two_snapshots_of_one_name_cannot_share_an_application(
    spark: SparkSession, tmp_path: Path
) -> None:
    for folder, table in (("a", _small_table()), ("b", namenorm.load_table())):
        (tmp_path / folder).mkdir()
        table.save(tmp_path / folder / "clash.nnsnap")
    # URIs keep their own names (paths on the driver are named by their version, never clash).
    nspark.ship_table(spark, (tmp_path / "a" / "clash.nnsnap").as_uri())
    with pytest.raises(ValueError, match="already shipped"):
        nspark.ship_table(spark, (tmp_path / "b" / "clash.nnsnap").as_uri())
    first = nspark.ship_table(spark, tmp_path / "a" / "clash.nnsnap")
    second = nspark.ship_table(spark, tmp_path / "b" / "clash.nnsnap")
    assert len({first.name, second.name, "clash.nnsnap"}) == 3


def test_a_shipped_table_of_another_application_is_shipped_again(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "earlier.nnsnap"
    _small_table().save(path)
    stale = nspark.ShippedTable(
        name="earlier.nnsnap", source=str(path), application="local-0-stopped"
    )
    calls = _add_file_calls(monkeypatch, spark)
    shipped = nspark.ship_table(spark, stale)
    assert shipped == attrs.evolve(stale, application=spark.sparkContext.applicationId)
    assert calls == [str(path)]
    assert nspark.ship_table(spark, stale) == shipped
    assert nspark.ship_table(spark, shipped) is shipped
    assert calls == [str(path)]
    frame = spark.createDataFrame([(0, "Hadi Ameri")], "id long, name string")
    [row] = nspark.resolve_column(frame, "name", table=stale).collect()
    assert row.entity_id == "hadi-al-amiri"

    gone = attrs.evolve(stale, source=str(tmp_path / "gone.nnsnap"), name="gone.nnsnap")
    with pytest.raises(TableError, match="call ship_table with the table itself"):
        nspark.ship_table(spark, gone)
    # A file this application was never given: a clear error in the task, not a format error.
    with pytest.raises(TableError, match="not among this Spark application's files"):
        nspark._RESOLVERS("never-shipped.nnsnap", 0.5, None)


def test_the_columns_are_those_of_namenorm_dataframes() -> None:
    dataframes = pytest.importorskip("namenorm.dataframes")
    assert nspark.RESOLVED_COLUMNS == dataframes.RESOLVED_COLUMNS
    assert tuple(field.name for field in nspark.RESOLVED_TYPE.fields) == nspark.RESOLVED_COLUMNS
    assert tuple(field.name for field in nspark.MENTION_TYPE.fields) == dataframes.MENTION_FIELDS


# -- refusals --------------------------------------------------------------------------------


def test_bad_columns_and_options_are_refused_before_anything_is_shipped(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _add_file_calls(monkeypatch, spark)
    frame = spark.createDataFrame([(1, "Hadi al-Amiri", "x")], "id long, name string, text string")
    with pytest.raises(DataFrameError, match="no such column") as missing:
        nspark.resolve_column(frame, "nmae")
    assert missing.value.column == "nmae"
    with pytest.raises(DataFrameError, match="expected a string column, got bigint"):
        nspark.resolve_column(frame, "id")
    with pytest.raises(DataFrameError, match="no such column"):
        nspark.resolve_column(frame, "name", context="sentence")
    taken = frame.withColumnRenamed("text", "Mentions")
    with pytest.raises(DataFrameError, match="pass prefix="):
        nspark.annotate_column(taken, "name")
    with pytest.raises(DataFrameError, match="already has a column"):
        nspark.resolve_column(frame.withColumnRenamed("text", "entity_id"), "name")
    with pytest.raises(ValueError, match=r"threshold must be in \[0, 1\]"):
        nspark.resolve_column(frame, "name", threshold=1.5)
    garbage = tmp_path / "table.nnsnap"
    garbage.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(TableError, match="unknown table format"):
        nspark.annotate_column(frame, "text", table=garbage)
    with pytest.raises(TypeError, match="prefix must be a string"):
        nspark.resolve_column(frame, "name", prefix=None)  # type: ignore[arg-type]
    pandas_frame = pd.DataFrame({"name": ["Hadi al-Amiri"]})
    for function in (nspark.resolve_column, nspark.annotate_column):
        with pytest.raises(TypeError, match=r"pandas or polars frame, use namenorm\.dataframes"):
            function(pandas_frame, "name")
    assert calls == []


def test_columns_are_found_as_spark_finds_them(spark: SparkSession) -> None:
    frame = spark.createDataFrame([(1, "Hadi Ameri", "Badr")], "id long, Name string, text string")
    resolved = nspark.resolve_column(frame, "NAME", table=_small_table(), context="Text")
    assert resolved.columns == ["id", "Name", "text", *nspark.RESOLVED_COLUMNS]
    assert nspark.annotate_column(frame, "TEXT", table=_small_table()).columns[-1] == "mentions"
    both = spark.createDataFrame([("a", "b")], "name string, NAME string")
    with pytest.raises(DataFrameError, match="ambiguous"):
        nspark.resolve_column(both, "name")
    spark.conf.set("spark.sql.caseSensitive", "true")
    try:
        with pytest.raises(DataFrameError, match="no such column"):
            nspark.resolve_column(frame, "NAME")
        assert nspark.resolve_column(both, "NAME").columns[:2] == ["name", "NAME"]
    finally:
        spark.conf.unset("spark.sql.caseSensitive")


def test_a_missing_pyspark_is_named_with_the_extra_that_installs_it() -> None:
    code = (
        "import sys; sys.modules['pyspark'] = None\n"
        "try:\n"
        "    import namenorm.spark\n"
        "except ImportError as error:\n"
        "    print(type(error).__name__, error.name, error, sep='|')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    kind, name, message = result.stdout.strip().split("|")
    assert (kind, name) == ("MissingDependencyError", "pyspark")
    assert "pip install 'namenorm[spark]'" in message


# -- the examples of the docstrings --------------------------------------------------------


@pytest.mark.parametrize(
    "function", [nspark.resolve_column, nspark.annotate_column, nspark.ship_table]
)
def test_the_examples_skipped_by_the_doctests_run_on_a_live_session(
    spark: SparkSession, function: Callable[..., Any]
) -> None:
    assert "+SKIP" in (function.__doc__ or "")
    text = (function.__doc__ or "").replace("# doctest: +SKIP", "")
    globs = {**vars(nspark), "spark": spark}
    test = doctest.DocTestParser().get_doctest(text, globs, function.__name__, None, 0)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.summarize(verbose=False).failed == 0, "".join(report)
    assert test.examples
