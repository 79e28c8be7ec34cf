"""The ``namenorm`` pipeline component for spaCy: every name mention as an entity of ``doc.ents``,
linked to its table entity.

>>> import spacy
>>> nlp = spacy.blank("en")                 # no trained pipeline, nothing to download
>>> component = nlp.add_pipe("namenorm")
>>> doc = nlp("Iraqi Prime Minister Mustafa Khatami met Qassem Suleimani's aides.")
>>> [(ent.text, ent.label_, ent.kb_id_) for ent in doc.ents]
[('Mustafa Khatami', 'PERSON', 'mustafa-al-kadhimi'),
 ('Qassem Suleimani', 'PERSON', 'qasem-soleimani')]
>>> match = doc.ents[0]._.namenorm
>>> match.entity.name, match.method, round(match.confidence, 2)
('Mustafa Al-Kadhimi', 'known_error', 1.0)

The component is registered under the name ``"namenorm"`` by the small top-level module
:mod:`namenorm_spacy_factory`, which namenorm's ``spacy_factories`` entry point names, so
``nlp.add_pipe("namenorm")`` finds it without importing this module first; that module imports
this one only when a pipeline adds the component (and this one imports that one, so importing
it registers the factory too). What it sets:

- ``doc.ents``: one span per resolved mention, labeled by the entity's kind (:data:`LABELS`,
  the ``labels`` setting) with the entity id as ``kb_id_``. Entities an earlier component set
  are kept, and a mention overlapping one of them is left out of ``doc.ents`` (``overwrite``
  reverses this); an earlier entity with exactly the tokens of a mention and no ``kb_id_`` of
  its own gets the mention's entity id as ``kb_id_`` (its label is kept). The entity
  annotation of other tokens is left as it was.
- ``doc.spans["namenorm"]`` (the ``spans_key`` setting): every resolved mention that aligns to
  tokens, labeled the same way, whether or not it made it into ``doc.ents``.
- ``span._.namenorm``: the :class:`~namenorm.model.Match` of the mention whose tokens are
  exactly those of the span (None for any other span), on ``doc.ents`` and ``doc.spans`` alike.
  Mentions are found by the character offsets of their tokens, so this still holds after the
  tokens are merged or split (``merge_entities``, ``doc.retokenize()``).
- ``doc._.namenorm_mentions`` and ``doc._.namenorm_unresolved``: namenorm's own
  :class:`~namenorm.annotate.Mention` values (character offsets, as
  :meth:`~namenorm.resolve.Resolver.annotate_document` returns them);
  ``doc._.namenorm_skipped``: each resolved mention left out of ``doc.ents``, with the reason
  (a key of :data:`SKIP_REASONS`).
- ``doc._.namenorm_data``: all of the above as plain JSON-ready data, which is what is stored
  in the Doc: it survives ``Doc.to_bytes``, ``DocBin`` and ``nlp.pipe(..., n_process=2)``.

A mention's character offsets are mapped to tokens with ``doc.char_span`` in the ``alignment``
mode: ``"expand"`` (the default) widens a mention that ends inside a token to the whole token
("Tehran" in "Tehrans" becomes the span "Tehrans"), so no mention is lost to the tokenizer;
``"contract"`` shrinks it to the tokens wholly inside it, and ``"strict"`` takes none; a
mention left without tokens is skipped with the reason ``"unaligned"``.

spaCy is an optional dependency (``pip install 'namenorm[spacy]'``): importing this module
without it raises :class:`~namenorm.errors.MissingDependencyError`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeAlias

import attrs

from namenorm.errors import MissingDependencyError, NamenormError

try:
    from spacy.tokens import Doc, Span
except ImportError as error:  # pragma: no cover - exercised in a subprocess by the tests
    raise MissingDependencyError(
        "namenorm.spacy needs spaCy: pip install 'namenorm[spacy]'", name="spacy"
    ) from error

from namenorm.annotate import Annotation, Mention
from namenorm.confidence import DEFAULT_THRESHOLD
from namenorm.model import KINDS, Entity, Evidence, Match
from namenorm.resolve import Resolver
from namenorm.resources import register_cache
from namenorm.tables import file_identity, load_table
from namenorm_spacy_factory import make_component  # registers the "namenorm" factory

__all__ = [
    "ALIGNMENTS",
    "DEFAULT_CONFIG",
    "LABELS",
    "SKIP_REASONS",
    "NamenormComponent",
    "make_component",
    "register_extensions",
]

Alignment: TypeAlias = Literal["expand", "contract", "strict"]
ALIGNMENTS: tuple[Alignment, ...] = ("expand", "contract", "strict")
"""How a mention's character offsets become tokens (``Doc.char_span``'s ``alignment_mode``)."""

LABELS: Mapping[str, str] = {
    "person": "PERSON",
    "org": "ORG",
    "place": "GPE",
    "media": "ORG",
    "other": "MISC",
}
"""The entity label of each entity kind, in the OntoNotes scheme of spaCy's English pipelines
where it has one: a news outlet is an ``ORG``, a place a ``GPE`` (spaCy's ``LOC`` and ``FAC``
cannot be told apart by kind). ``other`` has no OntoNotes label and gets ``MISC``; the built-in
table's two ``other`` entities are wars, which OntoNotes calls ``EVENT``."""

SKIP_REASONS: Mapping[str, str] = {
    "overlap": "overlaps an entity of an earlier component (unless overwrite), or an earlier "
    "mention widened to the same token",
    "unaligned": "its offsets do not align to tokens in the alignment mode",
    "unlabeled": "its kind is mapped to the empty label",
}
"""Why a resolved mention is not in ``doc.ents`` (``doc._.namenorm_skipped``)."""

SPANS_KEY = "namenorm"

DEFAULT_CONFIG: dict[str, Any] = {
    "table": None,
    "model": None,
    "threshold": DEFAULT_THRESHOLD,
    "labels": dict(LABELS),
    "overwrite": False,
    "alignment": "expand",
    "spans_key": SPANS_KEY,
}
"""The component's settings and their defaults, as ``nlp.add_pipe("namenorm", config=...)``
takes them (every value a string, number, boolean, mapping or None, so the pipeline's config
file can hold it). :func:`make_component` is the factory spaCy calls with them."""

_TABLE_FILE = "table.nnsnap"
_MODEL_FILE = "model.json"
# The layout of doc._.namenorm_data; 2: a mention's tokens are stored as character offsets.
_DATA_VERSION = 2
_SAME_AS_MATCH = "match"


class NamenormComponent:
    """The pipeline component: finds and links the name mentions of a Doc's text with a
    :class:`~namenorm.resolve.Resolver` and sets them as entities (see the module's
    documentation for what is set where). Build it with ``nlp.add_pipe("namenorm",
    config={...})``; the settings are those of :data:`DEFAULT_CONFIG`:

    - ``table``: path to an alias table (JSONL, JSON, CSV, TOML) or a table snapshot; None for
      the built-in table. ``model``: path to a confidence model (JSON); None for the built-in.
      ``threshold``: the confidence below which a span stays unresolved.
    - ``labels``: entity kind → label (kinds left out keep :data:`LABELS`; an empty label keeps
      that kind out of ``doc.ents``). ``overwrite``: whether namenorm's mentions replace the
      overlapping entities of earlier components (default: they are kept, the mention dropped,
      and an earlier entity with exactly the mention's tokens and no ``kb_id_`` gets its id).
    - ``alignment``: ``"expand"``, ``"contract"`` or ``"strict"`` (:data:`ALIGNMENTS`).
    - ``spans_key``: the ``doc.spans`` group of every aligned mention; None for none.

    The resolver is loaded the first time it is needed and then kept, and the pipelines of one
    process with the same table, model and threshold share it. ``nlp.to_disk`` writes the
    table (as a snapshot) and the model into the pipeline's folder when they are not the
    built-in ones, and ``spacy.load`` reads them from there, so the folder can be moved.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> component = nlp.add_pipe("namenorm", config={"labels": {"media": "MEDIA"}})
    >>> component.labels
    ('GPE', 'MEDIA', 'MISC', 'ORG', 'PERSON')
    >>> [(ent.text, ent.label_) for ent in nlp("Rai Allium quoted Almohandes.").ents]
    [('Rai Allium', 'MEDIA'), ('Almohandes', 'PERSON')]
    """

    def __init__(
        self,
        *,
        name: str = "namenorm",
        table: str | os.PathLike[str] | None = None,
        model: str | os.PathLike[str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        labels: Mapping[str, str] | None = None,
        overwrite: bool = False,
        alignment: str = "expand",
        spans_key: str | None = SPANS_KEY,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
        if labels is not None and not isinstance(labels, Mapping):
            raise TypeError(f"labels must be a mapping of entity kind to label, got {labels!r}")
        unknown = sorted(set(labels or {}) - set(KINDS))
        if unknown:
            raise ValueError(
                f"labels maps unknown entity kinds {unknown}; the kinds are {', '.join(KINDS)}"
            )
        not_labels = {
            kind: label for kind, label in (labels or {}).items() if not isinstance(label, str)
        }
        if not_labels:
            raise TypeError(f"labels must map each kind to a string label, got {not_labels!r}")
        if alignment not in ALIGNMENTS:
            raise ValueError(f"alignment must be one of {', '.join(ALIGNMENTS)}, got {alignment!r}")
        self.name = name
        self._table = _path_setting("table", table)
        self._model = _path_setting("model", model)
        self._threshold = float(threshold)
        self._labels = {**LABELS, **(labels or {})}
        self._overwrite = bool(overwrite)
        self._alignment: Alignment = alignment
        self._spans_key = spans_key or None
        self._resolver: Resolver | None = None
        register_extensions()

    @property
    def resolver(self) -> Resolver:
        """The resolver over the configured table and model, loaded on first use.

        >>> NamenormComponent(threshold=0.9).resolver.threshold
        0.9
        """
        if self._resolver is None:
            self._resolver = _shared_resolver(
                self._table, _identity(self._table), self._model, _identity(self._model),
                self._threshold,
            )  # fmt: skip
        return self._resolver

    @property
    def labels(self) -> tuple[str, ...]:
        """The entity labels this component can set, sorted.

        >>> NamenormComponent().labels
        ('GPE', 'MISC', 'ORG', 'PERSON')
        """
        return tuple(sorted({label for label in self._labels.values() if label}))

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc`` in place and return it.

        >>> import spacy
        >>> doc = NamenormComponent()(spacy.blank("en")("Hadi al-Amiri left Erbil."))
        >>> [(ent.text, ent.label_, ent.kb_id_) for ent in doc.ents]
        [('Hadi al-Amiri', 'PERSON', 'hadi-al-amiri'), ('Erbil', 'GPE', 'erbil')]
        """
        annotation = self.resolver.annotate_document(doc.text)
        existing = list(doc.ents)
        spans: list[Span] = []
        aligned: list[tuple[Mention, Span | None]] = []
        for mention in annotation:
            tokens = doc.char_span(mention.start, mention.end, alignment_mode=self._alignment)
            span = None
            if tokens is not None and len(tokens) > 0 and mention.match is not None:
                entity = mention.match.entity
                span = Span(doc, tokens.start, tokens.end, label=self._labels[entity.kind],
                            kb_id=entity.id)  # fmt: skip
                spans.append(span)
            aligned.append((mention, span))
        labeled = [span for span in spans if span.label_]
        chosen, removed = _settle(existing, labeled, self._overwrite)
        linked = [] if self._overwrite else _earlier_entities_linked(existing, labeled)
        doc.set_ents(
            chosen + linked, outside=_uncovered(doc, removed, chosen), default="unmodified"
        )
        if self._spans_key is not None:
            doc.spans[self._spans_key] = spans
        doc._.namenorm_data = _data(annotation, aligned, chosen)
        return doc

    def to_disk(self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()) -> None:
        """Write the table (as a snapshot) and the confidence model into the folder ``path``
        when they are not the built-in ones (``nlp.to_disk`` calls this).

        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     NamenormComponent().to_disk(folder)
        ...     os.listdir(folder)                             # built-in: nothing to write
        []
        """
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        if self._table is not None and "table" not in exclude:
            self.resolver.table.save(folder / _TABLE_FILE)
        if self._model is not None and "model" not in exclude:
            self.resolver.model.save(folder / _MODEL_FILE)

    def from_disk(
        self, path: str | os.PathLike[str], *, exclude: Iterable[str] = ()
    ) -> NamenormComponent:
        """Use the table and model written by :meth:`to_disk` into the folder ``path``, if
        any, in place of the configured paths (``spacy.load`` calls this).

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     component = NamenormComponent().from_disk(folder)  # nothing there
        >>> component.resolver.table is load_table()               # the built-in table
        True
        """
        folder = Path(path)
        if (folder / _TABLE_FILE).is_file() and "table" not in exclude:
            self._table = str(folder / _TABLE_FILE)
            self._resolver = None
        if (folder / _MODEL_FILE).is_file() and "model" not in exclude:
            self._model = str(folder / _MODEL_FILE)
            self._resolver = None
        return self

    def __reduce__(self) -> tuple[Callable[..., NamenormComponent], tuple[Any, ...]]:
        # A resolver does not pickle (compiled automata); a component pickles as its settings,
        # so nlp.pipe(n_process=...) works with any start method.
        settings = {
            "name": self.name,
            "table": self._table,
            "model": self._model,
            "threshold": self._threshold,
            "labels": self._labels,
            "overwrite": self._overwrite,
            "alignment": self._alignment,
            "spans_key": self._spans_key,
        }
        return (_rebuild, (settings,))


def _rebuild(settings: dict[str, Any]) -> NamenormComponent:
    return NamenormComponent(**settings)


def register_extensions() -> None:
    """Register the ``span._.namenorm`` and ``doc._.namenorm_*`` extensions, if they are not
    registered yet. The component does so when it is built; call this to read Docs it
    annotated (from a ``DocBin``, say) in a process without one.

    >>> register_extensions()
    >>> Span.has_extension("namenorm"), Doc.has_extension("namenorm_data")
    (True, True)
    """
    if not Doc.has_extension("namenorm_data"):
        Doc.set_extension("namenorm_data", default=None)
    getters: list[tuple[type[Doc] | type[Span], str, Callable[[Any], object]]] = [
        (Span, "namenorm", _span_match),
        (Doc, "namenorm_mentions", _doc_mentions),
        (Doc, "namenorm_unresolved", _doc_unresolved),
        (Doc, "namenorm_skipped", _doc_skipped),
    ]
    for owner, name, getter in getters:
        if not owner.has_extension(name):
            owner.set_extension(name, getter=getter)


@register_cache
@functools.lru_cache(maxsize=8)
def _shared_resolver(
    table: str | None,
    table_identity: tuple[int, ...] | None,
    model: str | None,
    model_identity: tuple[int, ...] | None,
    threshold: float,
) -> Resolver:
    """One resolver per table, model and threshold in a process; each file's identity is part
    of the key, so a file changed on disk is read again."""
    del table_identity, model_identity
    return Resolver(load_table(table), threshold=threshold, model=model)


def _identity(path: str | None) -> tuple[int, ...] | None:
    return None if path is None else file_identity(path)


def _path_setting(field: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{field} must be a path (a string) or None, got {value!r}")
    return os.fspath(value)


def _settle(
    existing: Sequence[Span], new: Sequence[Span], overwrite: bool
) -> tuple[list[Span], list[Span]]:
    """The new spans that become entities, in text order, and the existing entities they
    replace: without ``overwrite`` none, and a new span overlapping an existing entity is left
    out; with it, the existing entities a chosen span overlaps. Among new spans that overlap
    each other (two mentions widened to one token), the first wins. An existing entity that
    is exactly a new span (the Doc went through the component before) does not block it."""
    ours = {_key(span) for span in new}
    taken: set[int] = set()
    if not overwrite:
        taken = {i for ent in existing if _key(ent) not in ours for i in _tokens(ent)}
    chosen: list[Span] = []
    for span in new:
        if taken.isdisjoint(_tokens(span)):
            chosen.append(span)
            taken.update(_tokens(span))
    if not overwrite:
        return chosen, []
    covered = {i for span in chosen for i in _tokens(span)}
    return chosen, [ent for ent in existing if not covered.isdisjoint(_tokens(ent))]


def _earlier_entities_linked(existing: Sequence[Span], new: Sequence[Span]) -> list[Span]:
    """The earlier entities without a ``kb_id`` that have exactly the tokens of a new span,
    each with the span's entity id as ``kb_id`` and otherwise unchanged (label, ``id``)."""
    ids: dict[tuple[int, int], int] = {}
    for span in reversed(new):  # the first of two mentions widened to the same tokens wins
        ids[span.start, span.end] = span.kb_id
    return [
        Span(ent.doc, ent.start, ent.end, label=ent.label, kb_id=ids[ent.start, ent.end],
             span_id=ent.id)
        for ent in existing
        if not ent.kb_id and (ent.start, ent.end) in ids
    ]  # fmt: skip


def _key(span: Span) -> tuple[int, int, int, int]:
    return (span.start, span.end, span.label, span.kb_id)


def _tokens(span: Span) -> range:
    return range(span.start, span.end)


def _uncovered(doc: Doc, removed: Sequence[Span], chosen: Sequence[Span]) -> list[Span]:
    """The tokens of the removed entities that no chosen span covers, as spans (set outside
    any entity, so no stray inside-entity tag remains)."""
    covered = {i for span in chosen for i in _tokens(span)}
    left = sorted({i for ent in removed for i in _tokens(ent)} - covered)
    runs: list[Span] = []
    for i in left:
        if runs and runs[-1].end == i:
            runs[-1] = Span(doc, runs[-1].start, i + 1)
        else:
            runs.append(Span(doc, i, i + 1))
    return runs


# The data stored in the Doc: plain values (str, numbers, None, lists, dicts with str keys),
# so that msgpack (Doc.to_bytes, DocBin, nlp.pipe with n_process) and JSON carry it. Entities
# are stored once per Doc, by id; a mention's match names its entity by id.


def _data(
    annotation: Annotation, aligned: Sequence[tuple[Mention, Span | None]], chosen: Sequence[Span]
) -> dict[str, Any]:
    entities: dict[str, dict[str, Any]] = {}
    placed = {id(span) for span in chosen}
    mentions = []
    for mention, span in aligned:
        if span is None:
            status = "unaligned"
        elif not span.label_:
            status = "unlabeled"
        else:
            status = "ent" if id(span) in placed else "overlap"
        record = _mention_data(mention, entities)
        # The tokens by their character offsets, which merging or splitting tokens keeps.
        record["chars"] = None if span is None else [span.start_char, span.end_char]
        record["status"] = status
        mentions.append(record)
    unresolved = [_mention_data(mention, entities) for mention in annotation.unresolved]
    return {
        "version": _DATA_VERSION,
        "entities": entities,
        "mentions": mentions,
        "unresolved": unresolved,
    }


def _mention_data(mention: Mention, entities: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "match": _match_data(mention.match, entities),
        # The best candidate of a resolved mention is its match: stored once.
        "best": (
            _SAME_AS_MATCH
            if mention.match is not None and mention.best == mention.match
            else _match_data(mention.best, entities)
        ),
        "antecedent": mention.antecedent,
    }


def _match_data(match: Match | None, entities: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    if match is None:
        return None
    if match.entity.id not in entities:
        entities[match.entity.id] = attrs.asdict(match.entity, value_serializer=_plain)
    record = attrs.asdict(
        match,
        value_serializer=_plain,
        filter=lambda field, _value: field.name != "entity",
    )
    record["entity"] = match.entity.id
    return record


def _plain(instance: object, field: attrs.Attribute[Any], value: object) -> object:
    # attrs.asdict turns attrs values into dicts and tuples into lists; here the frozen
    # mapping of an entity's attributes becomes a dict, and the (name, value) pairs of the
    # evidence features a dict too, half the size.
    if isinstance(instance, Evidence) and field.name == "features":
        return dict(instance.features)
    if isinstance(value, Mapping) and not isinstance(value, dict):
        return dict(value)
    return value


def _tupled(value: object) -> object:
    if isinstance(value, list):
        return tuple(_tupled(item) for item in value)
    return value


def _match(record: Mapping[str, Any] | None, entities: Mapping[str, Any]) -> Match | None:
    if record is None:
        return None
    evidence: dict[str, Any] = {name: _tupled(value) for name, value in record["evidence"].items()}
    evidence["features"] = tuple(record["evidence"]["features"].items())
    fields: dict[str, Any] = {name: _tupled(value) for name, value in record.items()}
    fields["entity"] = Entity(**entities[record["entity"]])
    fields["evidence"] = Evidence(**evidence)
    return Match(**fields)


def _mention(record: Mapping[str, Any], entities: Mapping[str, Any]) -> Mention:
    match = _match(record["match"], entities)
    return Mention(
        start=record["start"],
        end=record["end"],
        text=record["text"],
        match=match,
        best=match if record["best"] == _SAME_AS_MATCH else _match(record["best"], entities),
        antecedent=record["antecedent"],
    )


def _doc_data(doc: Doc) -> Mapping[str, Any]:
    data: Mapping[str, Any] | None = doc._.namenorm_data
    if not data:
        return {"entities": {}, "mentions": [], "unresolved": []}
    if data.get("version") != _DATA_VERSION:
        raise NamenormError(
            f"doc._.namenorm_data has version {data.get('version')!r}, and this namenorm reads "
            f"version {_DATA_VERSION}: the Doc was annotated by another namenorm release; run "
            "it through this release's pipeline again"
        )
    return data


def _span_match(span: Span) -> Match | None:
    data = _doc_data(span.doc)
    for record in data["mentions"]:
        chars = record["chars"]
        if chars is not None and chars[0] == span.start_char and chars[1] == span.end_char:
            return _match(record["match"], data["entities"])
    return None


def _doc_mentions(doc: Doc) -> list[Mention]:
    data = _doc_data(doc)
    return [_mention(record, data["entities"]) for record in data["mentions"]]


def _doc_unresolved(doc: Doc) -> list[Mention]:
    data = _doc_data(doc)
    return [_mention(record, data["entities"]) for record in data["unresolved"]]


def _doc_skipped(doc: Doc) -> list[tuple[Mention, str]]:
    data = _doc_data(doc)
    return [
        (_mention(record, data["entities"]), record["status"])
        for record in data["mentions"]
        if record["status"] != "ent"
    ]
