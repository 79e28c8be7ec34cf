from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from namenorm import AliasTable, Entity, Resolver, SnapshotError, load_table
from namenorm.snapshot import FORMAT_VERSION, load_snapshot, rules_hash, save_snapshot
from namenorm.tables import SNAPSHOT_MAGIC, EntityColumn

from .strategies import alias_tables

BUILTIN = load_table()
MENTIONS = ["Ghassem Suleimani", "Sudani", "Mustafa Khatami", "Almohandes", "قاسم سليماني", "Joe"]


@pytest.fixture(scope="module")
def builtin_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("snapshot") / "builtin.nnsnap"
    BUILTIN.save(path)
    return path


def test_a_snapshot_holds_the_same_entities(builtin_snapshot: Path) -> None:
    table = load_table(builtin_snapshot)
    assert isinstance(table.entities, EntityColumn)
    assert table == BUILTIN
    assert list(table) == list(BUILTIN)
    assert table["qasem-soleimani"] == BUILTIN["qasem-soleimani"]
    assert "qasem-soleimani" in table
    assert "nobody" not in table
    assert table.get("nobody") is None
    assert table.snapshot_path == str(builtin_snapshot)


def test_a_snapshot_resolves_exactly_as_the_table_it_came_from(builtin_snapshot: Path) -> None:
    fresh, mapped = Resolver(BUILTIN), Resolver(load_table(builtin_snapshot))
    for mention in MENTIONS:
        assert fresh.resolve(mention) == mapped.resolve(mention)
        assert fresh.candidates(mention, limit=3) == mapped.candidates(mention, limit=3)


def test_a_snapshot_annotates_as_the_table_it_came_from(builtin_snapshot: Path) -> None:
    text = (Path(__file__).parent.parent / "seeds").glob("*.txt")
    sample = next(iter(sorted(text))).read_text("utf-8")[:3000]
    assert Resolver(BUILTIN).annotate(sample) == Resolver(load_table(builtin_snapshot)).annotate(
        sample
    )


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(alias_tables())
def test_any_table_survives_a_snapshot(tmp_path: Path, table: AliasTable) -> None:
    path = tmp_path / "random.nnsnap"
    table.save(path)
    mapped = load_table(path)
    assert mapped == table
    fresh, loaded = Resolver(table), Resolver(mapped)
    for entity in table:
        for name in entity.names():
            assert fresh.resolve(name) == loaded.resolve(name)


def test_saving_leaves_no_temporary_file_and_replaces_atomically(tmp_path: Path) -> None:
    path = tmp_path / "t.nnsnap"
    AliasTable([Entity(id="a", name="Hadi al-Amiri")]).save(path)
    AliasTable([Entity(id="b", name="Qais al-Khazali")]).save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["t.nnsnap"]
    assert [e.id for e in load_table(path)] == ["b"]


def _rewrite_header(path: Path, change: dict[str, object]) -> None:
    raw = path.read_bytes()
    start = len(SNAPSHOT_MAGIC)
    length = int.from_bytes(raw[start : start + 8], "little")
    header = json.loads(raw[start + 8 : start + 8 + length])
    header.update(change)
    encoded = json.dumps(header).encode()
    # Same length, so the array offsets stay valid: pad with spaces inside the JSON.
    assert len(encoded) <= length
    encoded += b" " * (length - len(encoded))
    path.write_bytes(raw[: start + 8] + encoded + raw[start + 8 + length :])


@pytest.fixture
def small_snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "small.nnsnap"
    save_snapshot(AliasTable([Entity(id="a", name="Hadi al-Amiri", aliases=["Ameri"])]), path)
    return path


def test_a_snapshot_of_another_format_is_refused(small_snapshot: Path) -> None:
    _rewrite_header(small_snapshot, {"format": FORMAT_VERSION + 1, "namenorm": "9.9"})
    with pytest.raises(SnapshotError, match=r"format .* namenorm 9\.9.*rebuild") as caught:
        load_table(small_snapshot)
    assert caught.value.field == "format"
    assert caught.value.path == str(small_snapshot)


def test_a_snapshot_of_other_rules_is_refused(small_snapshot: Path) -> None:
    _rewrite_header(small_snapshot, {"rules": "0" * 64})
    with pytest.raises(SnapshotError, match="other normalization rules") as caught:
        load_snapshot(small_snapshot)
    assert caught.value.field == "rules"


def test_a_snapshot_with_an_object_array_is_refused(small_snapshot: Path) -> None:
    raw = small_snapshot.read_bytes()
    # The same header with one array declared as Python objects (which would need pickle).
    patched = raw.replace(b'"dtype": "|u1"', b'"dtype": "|O1"', 1)
    assert patched != raw
    small_snapshot.write_bytes(patched)
    with pytest.raises(SnapshotError, match="refused type"):
        load_snapshot(small_snapshot)


def test_a_truncated_snapshot_is_refused(small_snapshot: Path) -> None:
    raw = small_snapshot.read_bytes()
    small_snapshot.write_bytes(raw[:-8])
    with pytest.raises(SnapshotError, match="past the end"):
        load_snapshot(small_snapshot)
    small_snapshot.write_bytes(raw[: len(SNAPSHOT_MAGIC) + 10])
    with pytest.raises(SnapshotError, match="header"):
        load_snapshot(small_snapshot)


def test_a_snapshot_with_a_garbled_header_is_refused(small_snapshot: Path) -> None:
    raw = bytearray(small_snapshot.read_bytes())
    raw[len(SNAPSHOT_MAGIC) + 8] = ord("#")
    small_snapshot.write_bytes(bytes(raw))
    with pytest.raises(SnapshotError, match="unreadable header"):
        load_snapshot(small_snapshot)


def test_a_file_that_is_no_snapshot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.nnsnap"
    path.write_text("id,name\n", "utf-8")
    with pytest.raises(SnapshotError, match="not a namenorm snapshot"):
        load_snapshot(path)
    with pytest.raises(SnapshotError, match="cannot read"):
        load_snapshot(tmp_path / "missing.nnsnap")


def test_an_unwritable_place_is_a_snapshot_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    with pytest.raises(SnapshotError, match="cannot write"):
        AliasTable([Entity(id="a", name="A")]).save(blocker / "t.nnsnap")


def test_the_rules_hash_is_a_sha256() -> None:
    digest = rules_hash()
    assert len(digest) == 64
    assert int(digest, 16) >= 0


def test_an_empty_table_survives_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "empty.nnsnap"
    AliasTable([]).save(path)
    assert len(load_table(path)) == 0


def test_a_snapshot_of_another_namenorm_version_is_refused(small_snapshot: Path) -> None:
    _rewrite_header(small_snapshot, {"namenorm": "0.0.1"})
    with pytest.raises(SnapshotError, match=r"written by namenorm 0\.0\.1") as caught:
        load_snapshot(small_snapshot)
    assert caught.value.field == "namenorm"


@pytest.mark.parametrize(
    "change",
    [{"shape": [-1]}, {"shape": 5}, {"shape": [1.5]}, {"offset": -64}, {"name": ["x"]}],
    ids=["negative shape", "bare shape", "float shape", "negative offset", "list name"],
)
def test_a_snapshot_with_a_malformed_array_entry_is_refused(
    small_snapshot: Path, change: dict[str, object]
) -> None:
    raw = small_snapshot.read_bytes()
    start = len(SNAPSHOT_MAGIC)
    length = int.from_bytes(raw[start : start + 8], "little")
    header = json.loads(raw[start + 8 : start + 8 + length])
    header["arrays"][0].update(change)
    encoded = json.dumps(header).encode()
    encoded += b" " * (length - len(encoded))
    small_snapshot.write_bytes(raw[: start + 8] + encoded + raw[start + 8 + length :])
    with pytest.raises(SnapshotError):
        load_snapshot(small_snapshot)


def test_a_snapshot_whose_arrays_point_outside_the_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "forged.nnsnap"
    table = AliasTable([Entity(id="a", name="Hadi al-Amiri")])
    index = table.compile()
    index.entry_entity[0] = 7  # a forged file: an entry of an entity that does not exist
    table.save(path)
    with pytest.raises(SnapshotError, match=r"corrupt arrays: index\.entry_entity"):
        load_snapshot(path)


def test_a_snapshot_whose_multimap_directory_is_forged_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "forged.nnsnap"
    table = AliasTable([Entity(id="a", name="Hadi al-Amiri")])
    index = table.compile()
    index.words.directory[-1] += 5  # past the last key: lookups would read outside the keys
    table.save(path)
    with pytest.raises(SnapshotError, match=r"corrupt arrays: index\.words: a directory"):
        load_snapshot(path)


def test_a_snapshot_is_readable_by_others_as_the_umask_allows(tmp_path: Path) -> None:
    path = tmp_path / "shared.nnsnap"
    AliasTable([Entity(id="a", name="A")]).save(path)
    assert path.stat().st_mode & 0o044 == 0o644 & 0o044 & ~_umask()


def _umask() -> int:
    import os  # noqa: PLC0415

    current = os.umask(0)
    os.umask(current)
    return current


def test_a_removed_snapshot_is_no_longer_the_tables_source(tmp_path: Path) -> None:
    path = tmp_path / "gone.nnsnap"
    BUILTIN.save(path)
    table = load_table(path)
    path.unlink()
    assert table.snapshot_path is None
    mentions = [f"Qassem Suleimani {n}" for n in range(300)]
    # Workers get a fresh temporary snapshot rather than a missing file.
    assert Resolver(table).resolve_many(mentions, workers=2) == [
        Resolver(BUILTIN).resolve(m) for m in mentions
    ]


def test_a_snapshot_table_answers_get_with_a_non_string(builtin_snapshot: Path) -> None:
    table = load_table(builtin_snapshot)
    assert table.get(5) is None  # type: ignore[arg-type]
    assert 5 not in table
