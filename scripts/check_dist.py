"""Check that a built wheel and sdist carry every module and data file of the package.

    python -m build --outdir dist . && python scripts/check_dist.py dist

Prints each archive's data files and exits 1, naming what is missing, when a file of
``src/namenorm`` (Python modules, ``py.typed``, ``data/*``) or the spaCy factory module is not
in the wheel, when the wheel lacks the spaCy entry point, or when a file of the source tree a
user needs to rebuild and test (the package, tests, docs, seeds, the labeled set, licence,
changelog) is not in the sdist.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "namenorm"
SDIST_ALSO = ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "mkdocs.yml", "conftest.py")
SDIST_TREES = ("tests", "docs", "seeds", "eval")
FACTORY_MODULE = "namenorm_spacy_factory.py"
"""The top-level module spaCy's entry point names (it imports namenorm only when used)."""
ENTRY_POINT = "namenorm = namenorm_spacy_factory:make_component"


def package_files() -> list[str]:
    """The files of src/ a wheel must carry, relative to src/ (caches left out)."""
    return sorted(
        [
            path.relative_to(PACKAGE.parent).as_posix()
            for path in PACKAGE.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        ]
        + [FACTORY_MODULE]
    )


def sdist_files() -> list[str]:
    """The files an sdist must carry, relative to the project root."""
    wanted = [f"src/{name}" for name in package_files()]
    wanted += [name for name in SDIST_ALSO if (ROOT / name).is_file()]
    for tree in SDIST_TREES:
        wanted += [
            path.relative_to(ROOT).as_posix()
            for path in (ROOT / tree).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        ]
    return sorted(wanted)


def _only(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        sys.exit(f"check_dist: expected one {pattern} in {folder}, found {len(found)}")
    return found[0]


def main(folder: Path) -> int:
    wheel = _only(folder, "namenorm-*.whl")
    sdist = _only(folder, "namenorm-*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
        entry_points = "".join(
            archive.read(name).decode("utf-8")
            for name in in_wheel
            if name.endswith(".dist-info/entry_points.txt")
        )
    with tarfile.open(sdist) as archive:
        # An sdist's members sit under one "namenorm-<version>/" folder.
        in_sdist = {name.partition("/")[2] for name in archive.getnames()}
    missing = [f"{wheel.name}: {name}" for name in package_files() if name not in in_wheel]
    missing += [f"{sdist.name}: {name}" for name in sdist_files() if name not in in_sdist]
    if ENTRY_POINT not in entry_points:
        missing.append(f"{wheel.name}: the spacy_factories entry point {ENTRY_POINT!r}")
    for archive_name, names in ((wheel.name, in_wheel), (sdist.name, in_sdist)):
        data = sorted(name for name in names if "namenorm/data/" in name or "py.typed" in name)
        licences = sorted(name for name in names if name.rpartition("/")[2] == "LICENSE")
        print(f"{archive_name}: {len(names)} files; data: {', '.join(data)}; {licences}")
    if missing:
        print("missing:", *missing, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "dist")))
