"""Property-test a whole alias table: does every entity survive the spellings it will meet?

:func:`check_table` draws realistic spellings of every name and alias of every entity (the
variations of ``data/variants.tsv``, see :mod:`namenorm.variants`), resolves them, and reports:

- **collision** (a problem): a spelling of one entity that resolves to another;
- **unreachable** (a problem): a name, alias or known error that, written exactly as in the
  table, resolves to another entity or to nothing, so it can never win;
- **low_survival** (a problem): an entity whose spellings resolve back to it less often than
  ``min_survival`` (most of them come back NIL);
- **shared** (a warning): a string that two entities share, which resolves to neither outright;
- **weak** (a warning): an entity whose names are all too short, or made only of common words
  and given names ("Ali", "The Movement"), to be resolved safely without context;
- **duplicate_id** (a problem): two records of a table file with one id (:func:`check_file`).

The spellings depend only on each string and ``seed``, so a report is the same in any order
and with any number of workers.

>>> from namenorm import AliasTable, Entity
>>> table = AliasTable([Entity(id="hadi-al-amiri", name="Hadi al-Amiri"),
...                     Entity(id="badr", name="Badr Organization", kind="org")])
>>> report = check_table(table, variants=20)
>>> report.ok, report.entities[0].survived == report.entities[0].variants
(True, True)
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, Literal

import attrs

from namenorm.model import Match
from namenorm.normalize import normalize
from namenorm.resolve import Resolver
from namenorm.resources import cache, register_cache
from namenorm.rules import load_rules
from namenorm.spot import spotting_words
from namenorm.tables import AliasTable, read_located_records
from namenorm.variants import Variant, load_samples, random_variants

__all__ = [
    "DEFAULT_VARIANTS",
    "EntityCheck",
    "Finding",
    "TableReport",
    "check_file",
    "check_table",
]

DEFAULT_VARIANTS = 50
"""Spellings drawn per entity by default."""
MIN_SURVIVAL = 0.9
"""Below this share of its spellings resolving back, an entity is a problem."""
MIN_LETTERS = 4
"""An entity all of whose names have fewer letters than this is weak ("UN", "Ali")."""

FindingKind = Literal["collision", "unreachable", "low_survival", "shared", "weak", "duplicate_id"]
PROBLEMS: frozenset[str] = frozenset({"collision", "unreachable", "low_survival", "duplicate_id"})


@attrs.frozen
class Finding:
    """One thing :func:`check_table` found: its kind, the entity, the text in question.

    ``other_id`` is the entity the text resolved to instead (None for NIL or not relevant);
    ``changes`` the variations that made a drawn spelling.

    >>> Finding("collision", "a", "Hadi Amiri", "resolves to b (0.91)", other_id="b").problem
    True
    """

    kind: FindingKind
    entity_id: str
    text: str
    detail: str
    other_id: str | None = None
    changes: tuple[str, ...] = ()

    @property
    def problem(self) -> bool:
        """A problem fails the check; a warning is reported only."""
        return self.kind in PROBLEMS

    def to_json(self) -> dict[str, Any]:
        """The finding as a JSON-ready dict."""
        return {**attrs.asdict(self), "changes": list(self.changes), "problem": self.problem}


@attrs.frozen
class EntityCheck:
    """How one entity's drawn spellings resolved: back to it, to nothing, or to another.

    >>> EntityCheck("a", variants=10, survived=9, lost=1, collided=0).survival
    0.9
    """

    entity_id: str
    variants: int
    survived: int
    lost: int
    collided: int

    @property
    def survival(self) -> float:
        """The share of spellings that resolved back (1.0 when none could be drawn)."""
        return self.survived / self.variants if self.variants else 1.0


@attrs.frozen
class TableReport:
    """What :func:`check_table` found, with the figures of every entity.

    >>> report = TableReport(entities=(), findings=(), variants_per_entity=0, seed=0,
    ...                      threshold=0.5)
    >>> report.ok, report.to_json()["problems"]
    (True, 0)
    """

    entities: tuple[EntityCheck, ...]
    findings: tuple[Finding, ...]
    variants_per_entity: int
    seed: int
    threshold: float
    source: str | None = None

    @property
    def problems(self) -> tuple[Finding, ...]:
        """The findings that fail the check."""
        return tuple(finding for finding in self.findings if finding.problem)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings reported only."""
        return tuple(finding for finding in self.findings if not finding.problem)

    @property
    def ok(self) -> bool:
        """True when the check found no problem."""
        return not self.problems

    @property
    def survival(self) -> float:
        """The share of all drawn spellings that resolved back to their entity."""
        drawn = sum(entity.variants for entity in self.entities)
        return sum(entity.survived for entity in self.entities) / drawn if drawn else 1.0

    def to_json(self) -> dict[str, Any]:
        """The report as one JSON object: the totals, every finding, every entity's figures."""
        return {
            "source": self.source,
            "ok": self.ok,
            "entities": len(self.entities),
            "variants": sum(entity.variants for entity in self.entities),
            "survival": round(self.survival, 6),
            "variants_per_entity": self.variants_per_entity,
            "seed": self.seed,
            "threshold": self.threshold,
            "problems": len(self.problems),
            "warnings": len(self.warnings),
            "counts": dict(sorted(Counter(finding.kind for finding in self.findings).items())),
            "findings": [finding.to_json() for finding in self.findings],
            "by_entity": [attrs.asdict(entity) for entity in self.entities],
        }

    def table(self, *, limit: int = 10) -> str:
        """The report as readable text: the totals, then up to ``limit`` findings of each kind."""
        drawn = sum(entity.variants for entity in self.entities)
        lines = [
            f"{self.source or 'table'}: {len(self.entities)} entities, {drawn} spellings drawn "
            f"({self.variants_per_entity} per entity, seed {self.seed}, threshold "
            f"{self.threshold}); {100 * self.survival:.1f}% resolved back",
            f"{len(self.problems)} problem(s), {len(self.warnings)} warning(s)",
        ]
        kinds = Counter(finding.kind for finding in self.findings)
        for kind in sorted(kinds, key=lambda kind: (kind not in PROBLEMS, kind)):
            label = "problem" if kind in PROBLEMS else "warning"
            lines += ["", f"{kind} ({label}, {kinds[kind]}):"]
            shown = [finding for finding in self.findings if finding.kind == kind][:limit]
            width = max(len(finding.entity_id) for finding in shown)
            for finding in shown:
                lines.append(f"  {finding.entity_id:<{width}}  {finding.text!r}: {finding.detail}")
            if kinds[kind] > limit:
                lines.append(f"  ... and {kinds[kind] - limit} more (--format json lists all)")
        lines.append("")
        lines.append("OK" if self.ok else "FAILED")
        return "\n".join(lines)


def _drawn(
    table: AliasTable, per_entity: int, *, seed: int, typos: int
) -> list[tuple[str, list[Variant]]]:
    """Each entity's drawn spellings, spread over its name and aliases."""
    drawn = []
    for entity in table:
        strings = entity.names()
        found: dict[str, Variant] = {}
        for number, string in enumerate(strings):
            share = per_entity // len(strings) + (number < per_entity % len(strings))
            for variant in random_variants(
                string, share, seed=seed, typos=typos, reorder=entity.kind == "person"
            ):
                if normalize(variant.text):
                    found.setdefault(variant.text, variant)
        drawn.append((entity.id, list(found.values())))
    return drawn


def _outcome_of(match: Match | None) -> str:
    return "nothing (NIL)" if match is None else f"{match.entity.id} ({match.confidence:.2f})"


@register_cache
@cache
def _common_words() -> frozenset[str]:
    """Words that name nobody in particular: English stopwords, titles, particles, and the
    common given names of ``data/samples.tsv``."""
    rules = load_rules()
    given = {
        normalize(value)
        for name, values in load_samples().items()
        if name.startswith("given.")
        for value in values
    }
    stopwords = spotting_words().get("stopword", frozenset())
    return frozenset(given | set(stopwords) | rules.titles | rules.particles | rules.descriptors)


def _weak(table: AliasTable) -> Iterable[Finding]:
    common = _common_words()
    for entity in table:
        keys = [normalize(string) for string in entity.names()]
        if all(sum(char.isalpha() for char in key) < MIN_LETTERS for key in keys):
            yield Finding(
                "weak",
                entity.id,
                entity.name,
                f"every name has fewer than {MIN_LETTERS} letters: add a longer alias",
            )
        elif all(set(key.split()) <= common for key in keys):
            yield Finding(
                "weak",
                entity.id,
                entity.name,
                "every name is made of common words or given names only: "
                "it resolves safely only with context",
            )


def _exact_strings(table: AliasTable, resolver: Resolver) -> Iterable[Finding]:
    shared = table.ambiguous()
    for entity in table:
        strings = dict.fromkeys((*entity.names(), *entity.errors))
        texts = list(strings)
        for text, match in zip(texts, resolver.resolve_many(texts), strict=True):
            owners = shared.get(normalize(text))
            if owners is not None and entity.id in owners:
                # Even where it wins, it wins a tie: report it for every entity that has it.
                others = ", ".join(owner for owner in owners if owner != entity.id)
                yield Finding("shared", entity.id, text, f"shared with {others}")
                continue
            if match is not None and match.entity.id == entity.id:
                continue
            role = (
                "known error"
                if text in entity.errors and text not in entity.names()
                else ("name" if text == entity.name else "alias")
            )
            yield Finding(
                "unreachable",
                entity.id,
                text,
                f"this {role}, written exactly, resolves to {_outcome_of(match)}",
                other_id=None if match is None else match.entity.id,
            )


def check_table(
    table: AliasTable,
    *,
    variants: int = DEFAULT_VARIANTS,
    seed: int = 0,
    typos: int = 0,
    min_survival: float = MIN_SURVIVAL,
    resolver: Resolver | None = None,
    workers: int = 1,
    source: str | None = None,
) -> TableReport:
    """Property-test ``table``: draw ``variants`` spellings of each entity and resolve them.

    ``typos`` allows that many typos per spelling (none by default: a typo may well make
    another name); ``resolver`` is the resolver to test (by default ``Resolver(table)``);
    ``workers`` resolves in that many processes, with the same result.

    >>> from namenorm import load_table
    >>> report = check_table(load_table(), variants=2)
    >>> report.survival > 0.9
    True
    """
    if not 0.0 <= min_survival <= 1.0:
        raise ValueError(f"min_survival must be from 0 to 1, got {min_survival}")
    if variants < 0:
        raise ValueError(f"variants must be 0 or more, got {variants}")
    resolver = Resolver(table) if resolver is None else resolver
    drawn = _drawn(table, variants, seed=seed, typos=typos)
    texts = list(dict.fromkeys(variant.text for _, found in drawn for variant in found))
    resolved = dict(zip(texts, resolver.resolve_many(texts, workers=workers), strict=True))
    findings: list[Finding] = []
    checks: list[EntityCheck] = []
    for entity_id, found in drawn:
        survived = lost = collided = 0
        for variant in found:
            match = resolved[variant.text]
            if match is None:
                lost += 1
            elif match.entity.id == entity_id:
                survived += 1
            else:
                collided += 1
                findings.append(
                    Finding(
                        "collision",
                        entity_id,
                        variant.text,
                        f"resolves to {_outcome_of(match)} "
                        f"via {match.method}; made by {'; '.join(variant.changes)}",
                        other_id=match.entity.id,
                        changes=variant.changes,
                    )
                )
        check = EntityCheck(entity_id, len(found), survived, lost, collided)
        checks.append(check)
        if check.survival < min_survival:
            findings.append(
                Finding(
                    "low_survival",
                    entity_id,
                    table[entity_id].name,
                    f"{survived} of {len(found)} spellings resolve back "
                    f"({100 * check.survival:.0f}%; {lost} NIL, {collided} to others)",
                )
            )
    findings += _exact_strings(table, resolver)
    findings += _weak(table)
    order = {kind: number for number, kind in enumerate(FindingKind.__args__)}  # type: ignore[attr-defined]
    findings.sort(key=lambda f: (order[f.kind], f.entity_id, f.text))
    return TableReport(
        entities=tuple(checks),
        findings=tuple(findings),
        variants_per_entity=variants,
        seed=seed,
        threshold=resolver.threshold,
        source=source,
    )


def check_file(
    path: str | os.PathLike[str],
    *,
    resolver_factory: Callable[[AliasTable], Resolver] | None = None,
    **options: Any,  # noqa: ANN401 - passed on to check_table as they are
) -> TableReport:
    """Check a table file: :func:`check_table`, and also the ids that records repeat.

    A table with a repeated id does not load (:class:`~namenorm.errors.TableError`); here the
    first record of each id is checked and every repeat is a ``duplicate_id`` problem.
    ``resolver_factory`` makes the resolver to test from the table read (by default
    ``Resolver(table)``); ``options`` are those of :func:`check_table`.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "table.jsonl"
    >>> _ = path.write_text('{"id": "a", "name": "Hadi al-Amiri"}\\n'
    ...                     '{"id": "a", "name": "Hadi Farhan al-Amiri"}\\n')
    >>> [(f.kind, f.detail) for f in check_file(path, variants=5).problems]
    [('duplicate_id', 'line 2 repeats the id of line 1; only line 1 was checked')]
    """
    location = os.fspath(path)
    duplicates: list[Finding] = []
    kept: list[tuple[Any, int | None]] = []
    first: dict[str, str] = {}
    for number, (record, line) in enumerate(read_located_records(location), start=1):
        entity_id = record.get("id")
        where = f"line {line}" if line is not None else f"record {number}"
        if isinstance(entity_id, str) and entity_id in first:
            name = record.get("name")
            duplicates.append(
                Finding(
                    "duplicate_id",
                    entity_id,
                    name if isinstance(name, str) else "",
                    f"{where} repeats the id of {first[entity_id]}; "
                    f"only {first[entity_id]} was checked",
                )
            )
            continue
        if isinstance(entity_id, str):
            first[entity_id] = where
        kept.append((record, line))
    table = AliasTable.from_located(kept, path=location)
    resolver = None if resolver_factory is None else resolver_factory(table)
    report = check_table(table, resolver=resolver, source=location, **options)
    return attrs.evolve(report, findings=(*duplicates, *report.findings))
