"""The spaCy pipeline component (namenorm.spacy): registration through the entry point (and
that it leaves pipelines without the component alone), the entities it sets on the seed
articles against Resolver.annotate and the gold file, earlier entities, settings, token
alignment and retokenization, nlp.pipe, serialization and no model download."""

from __future__ import annotations

import json
import pickle
import shutil
import socket
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from spacy.tokens import Doc, DocBin, Span  # noqa: E402

import namenorm  # noqa: E402
import namenorm_spacy_factory  # noqa: E402
from namenorm import spacy as namenorm_spacy  # noqa: E402
from namenorm.spacy import (  # noqa: E402
    DEFAULT_CONFIG,
    LABELS,
    SKIP_REASONS,
    NamenormComponent,
    make_component,
    register_extensions,
)

ROOT = Path(__file__).parent.parent
SEEDS = sorted((ROOT / "seeds").glob("0*.txt"))
GOLD = [
    json.loads(line)
    for line in (ROOT / "tests" / "data" / "seed_mentions.jsonl").read_text("utf-8").splitlines()
]
SEED_001 = ROOT / "seeds" / "001_9cec333dc33f521a.txt"


def _run(code: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _pipeline(**config: object) -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("namenorm", config=config)
    return nlp


def _ents(doc: Doc) -> list[tuple[str, str, str]]:
    return [(ent.text, ent.label_, ent.kb_id_) for ent in doc.ents]


def _linked(doc: Doc) -> list[tuple[int, int, str, str, float, str]]:
    return [
        (ent.start_char, ent.end_char, ent.label_, ent.kb_id_, ent._.namenorm.confidence,
         ent._.namenorm.method)
        for ent in doc.ents
    ]  # fmt: skip


def _is_consistent_iob(doc: Doc) -> bool:
    tags = [token.ent_iob_ for token in doc]
    return all(tag != "I" or (i > 0 and tags[i - 1] in {"B", "I"}) for i, tag in enumerate(tags))


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return _pipeline()


@pytest.fixture(scope="module")
def seed_docs(nlp: spacy.language.Language) -> dict[str, Doc]:
    return {path.name: nlp(path.read_text(encoding="utf-8")) for path in SEEDS}


# Registration and optional dependency


def test_importing_namenorm_does_not_import_spacy() -> None:
    code = (
        "import sys, namenorm; namenorm.Resolver().annotate('Almohandes spoke.');"
        " print('spacy' in sys.modules, 'namenorm.spacy' in sys.modules)"
    )
    assert _run(code) == "False False"


def test_the_factory_is_found_by_name_through_the_entry_point() -> None:
    code = (
        "import sys, spacy\n"
        "assert 'namenorm.spacy' not in sys.modules\n"
        "nlp = spacy.blank('en')\n"
        "pipe = nlp.add_pipe('namenorm')\n"
        "doc = nlp('Rai Allium quoted Almohandes.')\n"
        "print(type(pipe).__module__, [(e.text, e.kb_id_) for e in doc.ents])\n"
    )
    assert _run(code) == (
        "namenorm.spacy [('Rai Allium', 'rai-al-youm'), ('Almohandes', 'abu-mahdi-al-muhandis')]"
    )


def test_the_entry_point_names_the_factory() -> None:
    [entry] = [e for e in metadata.entry_points(group="spacy_factories") if e.name == "namenorm"]
    assert entry.value == "namenorm_spacy_factory:make_component"
    assert entry.load() is make_component is namenorm_spacy_factory.make_component
    assert spacy.language.Language.has_factory("namenorm")


def test_the_factory_defaults_are_the_documented_settings() -> None:
    # The factory module holds a literal copy, so that it need not import namenorm.
    assert namenorm_spacy_factory.FACTORY_CONFIG == DEFAULT_CONFIG
    meta = spacy.language.Language.get_factory_meta("namenorm")
    assert meta.default_config == DEFAULT_CONFIG


# spaCy imports every factory entry point whenever it builds a pipeline; these run where
# namenorm's core cannot import (a dependency made unimportable).
BROKEN_CORE = "import sys; sys.modules['ahocorasick_rs'] = None\n"


def test_pipelines_without_the_component_do_not_import_namenorm() -> None:
    code = BROKEN_CORE + (
        "import spacy\n"
        "nlp = spacy.blank('en')\n"
        "nlp.add_pipe('sentencizer')\n"
        "print([t.text for t in nlp('It works.')], 'namenorm_spacy_factory' in sys.modules,"
        " sorted(m for m in sys.modules if m.split('.')[0] == 'namenorm'))\n"
    )
    assert _run(code) == "['It', 'works', '.'] True []"


def test_a_pipeline_saved_with_the_component_loads_in_a_fresh_process(tmp_path: Path) -> None:
    save = (
        "import sys, spacy\n"
        "nlp = spacy.blank('en')\n"
        "nlp.add_pipe('namenorm', config={'threshold': 0.6, 'labels': {'person': 'PER'}})\n"
        "nlp.to_disk(sys.argv[1])\n"
    )
    load = (
        "import sys, spacy\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "config = nlp.get_pipe_config('namenorm')\n"
        "print(config['threshold'], config['labels']['person'], config['factory'],"
        " [(e.text, e.label_, e.kb_id_) for e in nlp('Almohandes spoke.').ents])\n"
    )
    folder = str(tmp_path / "pipeline")
    _run(save, folder)
    assert "[components.namenorm]" in (tmp_path / "pipeline" / "config.cfg").read_text("utf-8")
    assert _run(load, folder) == (
        "0.6 PER namenorm [('Almohandes', 'PER', 'abu-mahdi-al-muhandis')]"
    )


def test_importing_the_component_without_spacy_is_a_clear_error() -> None:
    code = (
        "import sys; sys.modules['spacy'] = None\n"
        "try:\n    import namenorm.spacy\n"
        "except ImportError as error:\n"
        "    from namenorm.errors import MissingDependencyError\n"
        "    assert isinstance(error, MissingDependencyError), type(error)\n"
        "    print(error.name, '|', error)\n"
        "else:\n    print('imported')\n"
    )
    assert _run(code) == "spacy | namenorm.spacy needs spaCy: pip install 'namenorm[spacy]'"


def test_extensions_are_registered_once_and_can_be_registered_again() -> None:
    register_extensions()
    getter = Span.get_extension("namenorm")[2]
    _pipeline()
    register_extensions()
    assert Span.get_extension("namenorm")[2] is getter
    for name in ("namenorm_data", "namenorm_mentions", "namenorm_unresolved", "namenorm_skipped"):
        assert Doc.has_extension(name), name


# The seed articles


@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.name[:3])
def test_every_aligned_mention_of_a_seed_is_an_entity_with_its_id(
    path: Path, seed_docs: dict[str, Doc], resolver: namenorm.Resolver
) -> None:
    doc = seed_docs[path.name]
    annotation = resolver.annotate_document(doc.text)  # another resolver than the component's
    expected = []
    for mention in annotation:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        assert span is not None, mention
        expected.append((span.start, span.end, mention.match.entity.id, mention.match))
    assert [(e.start, e.end, e.kb_id_, e._.namenorm) for e in doc.ents] == expected
    assert doc._.namenorm_mentions == list(annotation)
    assert doc._.namenorm_unresolved == list(annotation.unresolved)
    assert doc._.namenorm_skipped == []
    assert [(s.start, s.end, s.kb_id_) for s in doc.spans["namenorm"]] == [
        (start, end, entity) for start, end, entity, _ in expected
    ]
    for ent in doc.ents:
        assert ent.label_ == LABELS[ent._.namenorm.entity.kind]
        assert ent.text.startswith(doc.text[ent.start_char : ent.end_char])


def test_the_seed_entities_match_the_gold_mentions(seed_docs: dict[str, Doc]) -> None:
    # Gold mentions are character spans; an entity widened to a whole token ("Tehrans" for
    # "Tehran") still counts when it covers the gold span with the right entity.
    gold = [(r["file"], r["start"], r["end"], r["entity"]) for r in GOLD if r["entity"]]
    found = [
        (name, ent.start_char, ent.end_char, ent.kb_id_)
        for name, doc in seed_docs.items()
        for ent in doc.ents
    ]

    def covered(item: tuple[str, int, int, str], pool: list[tuple[str, int, int, str]]) -> bool:
        name, start, end, entity = item
        return any(
            n == name and e == entity and ((s <= start and end <= t) or (start <= s and t <= end))
            for n, s, t, e in pool
        )

    recall = sum(covered(item, found) for item in gold) / len(gold)
    precision = sum(covered(item, gold) for item in found) / len(found)
    assert recall >= 0.95, recall
    assert precision >= 0.95, precision


def test_the_seed_article_entities(seed_docs: dict[str, Doc]) -> None:
    doc = seed_docs[SEED_001.name]
    ents = _ents(doc)
    assert len(ents) >= 40
    for expected in [
        ("Islamic Resistance in Iraq", "ORG", "islamic-resistance-in-iraq"),
        ("Harakat al-Nujaba", "ORG", "harakat-al-nujaba"),
        ("Muhammad Shia al-Sudani", "PERSON", "mohammed-shia-al-sudani"),
        ("Qassem Soleimani", "PERSON", "qasem-soleimani"),
        ("Hassan Nasrallah", "PERSON", "hassan-nasrallah"),
        ("Baghdad", "GPE", "baghdad"),
        ("war in Gaza", "MISC", "gaza-war"),
    ]:
        assert expected in ents, expected
    assert "Prime Minister" in [m.text for m in doc._.namenorm_unresolved]


# Earlier components


def _ruled(**config: object) -> spacy.language.Language:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "WORK_OF_ART", "pattern": "Rai Allium"},
            {"label": "ORG", "pattern": [{"LOWER": "khatami"}, {"LOWER": "told"}]},
        ]
    )
    nlp.add_pipe("namenorm", config=config)
    return nlp


TEXT = "Mustafa Khatami told Rai Allium that Hadi al-Amiri agreed."


def test_entities_of_an_earlier_component_are_kept() -> None:
    doc = _ruled()(TEXT)
    # The earlier entity with exactly a mention's tokens gets its entity id; the one that
    # only overlaps a mention does not.
    assert _ents(doc) == [
        ("Khatami told", "ORG", ""),
        ("Rai Allium", "WORK_OF_ART", "rai-al-youm"),
        ("Hadi al-Amiri", "PERSON", "hadi-al-amiri"),
    ]
    assert [(m.text, reason) for m, reason in doc._.namenorm_skipped] == [
        ("Mustafa Khatami", "overlap"),
        ("Rai Allium", "overlap"),
    ]
    # Every mention is still in the span group, and the earlier entity with the same tokens
    # gives namenorm's match; one that only overlaps a mention gives none.
    assert [s.kb_id_ for s in doc.spans["namenorm"]] == [
        "mustafa-al-kadhimi",
        "rai-al-youm",
        "hadi-al-amiri",
    ]
    assert doc.ents[1]._.namenorm.entity.id == "rai-al-youm"
    assert doc.ents[0]._.namenorm is None
    assert _is_consistent_iob(doc)


def test_an_earlier_entity_keeps_a_kb_id_of_its_own() -> None:
    nlp = _pipeline()
    doc = nlp.make_doc(TEXT)
    doc.ents = [
        Span(doc, 0, 2, label="PERSON", kb_id="Q-mine", span_id="mine"),  # Mustafa Khatami
        Span(doc, 3, 5, label="WORK_OF_ART"),  # Rai Allium
    ]
    doc = nlp.get_pipe("namenorm")(doc)
    assert _ents(doc) == [
        ("Mustafa Khatami", "PERSON", "Q-mine"),
        ("Rai Allium", "WORK_OF_ART", "rai-al-youm"),
        ("Hadi al-Amiri", "PERSON", "hadi-al-amiri"),
    ]
    assert doc.ents[0].id_ == "mine"
    assert doc.ents[0]._.namenorm.entity.id == "mustafa-al-kadhimi"  # the match, all the same
    assert [(m.text, reason) for m, reason in doc._.namenorm_skipped] == [
        ("Mustafa Khatami", "overlap"),
        ("Rai Allium", "overlap"),
    ]
    assert _is_consistent_iob(doc)
    # A kind kept out of doc.ents (empty label) links no earlier entity either.
    unlabeled = _pipeline(labels={"media": ""})
    doc = unlabeled.make_doc(TEXT)
    doc.ents = [Span(doc, 3, 5, label="WORK_OF_ART")]
    assert _ents(unlabeled.get_pipe("namenorm")(doc))[1] == ("Rai Allium", "WORK_OF_ART", "")


def test_overwrite_replaces_the_overlapping_entities_of_an_earlier_component() -> None:
    doc = _ruled(overwrite=True)(TEXT)
    assert _ents(doc) == [
        ("Mustafa Khatami", "PERSON", "mustafa-al-kadhimi"),
        ("Rai Allium", "ORG", "rai-al-youm"),
        ("Hadi al-Amiri", "PERSON", "hadi-al-amiri"),
    ]
    assert doc._.namenorm_skipped == []
    # "told" belonged to the replaced entity "Khatami told": now outside any entity.
    told = next(token for token in doc if token.text == "told")
    assert (told.ent_iob_, told.ent_type_) == ("O", "")
    assert _is_consistent_iob(doc)


def test_running_the_component_twice_changes_nothing(nlp: spacy.language.Language) -> None:
    doc = nlp(SEED_001.read_text(encoding="utf-8"))
    before = _linked(doc)
    again = nlp.get_pipe("namenorm")(doc)
    assert _linked(again) == before
    assert again._.namenorm_skipped == []


# Settings


def test_labels_can_be_renamed_or_left_out() -> None:
    nlp = _pipeline(labels={"media": "MEDIA", "place": ""})
    doc = nlp("Rai Allium reported from Erbil on Hadi al-Amiri.")
    assert _ents(doc) == [
        ("Rai Allium", "MEDIA", "rai-al-youm"),
        ("Hadi al-Amiri", "PERSON", "hadi-al-amiri"),
    ]
    assert [(m.text, reason) for m, reason in doc._.namenorm_skipped] == [("Erbil", "unlabeled")]
    assert nlp.get_pipe("namenorm").labels == ("MEDIA", "MISC", "ORG", "PERSON")
    assert nlp.get_pipe_config("namenorm")["labels"]["person"] == "PERSON"


def test_the_threshold_keeps_only_confident_entities(seed_docs: dict[str, Doc]) -> None:
    text = SEED_001.read_text(encoding="utf-8")
    strict = _pipeline(threshold=0.99)(text)
    default = seed_docs[SEED_001.name]
    assert strict.ents
    assert all(ent._.namenorm.confidence >= 0.99 for ent in strict.ents)
    assert len(strict.ents) < len(default.ents)
    assert len(strict._.namenorm_unresolved) > len(default._.namenorm_unresolved)


def test_the_span_group_can_be_renamed_or_left_out() -> None:
    assert "names" in _pipeline(spans_key="names")("Almohandes spoke.").spans
    assert not _pipeline(spans_key=None)("Almohandes spoke.").spans


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"threshold": 1.5}, "threshold must be in"),
        ({"labels": {"event": "EVENT"}}, "unknown entity kinds"),
        ({"alignment": "loose"}, "alignment must be one of"),
        ({"threshold": "high"}, "threshold"),
        ({"table": 3}, "table"),
        # Checked by spaCy against the factory's signature.
        ({"labels": {"person": 3}}, "labels"),
        ({"overwrite": "yes"}, "overwrite"),
        ({"spans_key": 3}, "spans_key"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_settings_are_refused_when_the_component_is_added(
    config: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        spacy.blank("en").add_pipe("namenorm", config=config)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"labels": {"person": 3}}, "labels must map each kind to a string label"),
        ({"labels": {"person": None}}, "labels must map each kind to a string label"),
        ({"labels": ["person"]}, "labels must be a mapping"),
        ({"table": 3}, "table must be a path"),
    ],
)
def test_bad_settings_are_refused_when_the_component_is_built_directly(
    settings: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        NamenormComponent(**settings)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown entity kinds"):
        NamenormComponent(labels={"event": "EVENT"})


def test_a_table_and_model_of_your_own(tmp_path: Path) -> None:
    table = tmp_path / "aliases.jsonl"
    table.write_text(
        json.dumps({"id": "amiri", "name": "Hadi al-Amiri", "kind": "person"})
        + "\n"
        + json.dumps({"id": "erbil-city", "name": "Erbil", "kind": "place"})
        + "\n",
        encoding="utf-8",
    )
    model = tmp_path / "model.json"
    namenorm.load_model().save(model)
    nlp = _pipeline(table=str(table), model=str(model))
    doc = nlp("Hadi al-Amiri left Erbil for Baghdad.")
    assert _ents(doc) == [("Hadi al-Amiri", "PERSON", "amiri"), ("Erbil", "GPE", "erbil-city")]
    assert nlp.get_pipe("namenorm").resolver.model == namenorm.load_model()


def test_a_missing_table_is_named_when_the_component_first_runs(tmp_path: Path) -> None:
    nlp = _pipeline(table=str(tmp_path / "nowhere.jsonl"))
    with pytest.raises(namenorm.TableError, match=r"nowhere\.jsonl"):
        nlp("Almohandes spoke.")


def test_pipelines_with_the_same_settings_share_one_resolver() -> None:
    first, second = _pipeline(), _pipeline()
    assert first.get_pipe("namenorm").resolver is second.get_pipe("namenorm").resolver
    assert _pipeline(threshold=0.7).get_pipe("namenorm").resolver.threshold == 0.7
    namenorm.reset_caches()
    assert _pipeline().get_pipe("namenorm").resolver is not first.get_pipe("namenorm").resolver


# Token alignment


TEHRANS = "Tehrans allies met Hadi al-Amiri in Baghdad."
LINKED = [("Hadi al-Amiri", "hadi-al-amiri"), ("Baghdad", "baghdad")]


@pytest.mark.parametrize(
    ("alignment", "expected", "skipped"),
    [
        ("expand", [("Tehrans", "tehran"), *LINKED], []),
        ("contract", LINKED, [("Tehran", "unaligned")]),
        ("strict", LINKED, [("Tehran", "unaligned")]),
    ],
)
def test_a_mention_inside_a_token_follows_the_alignment_setting(
    alignment: str, expected: list[tuple[str, str]], skipped: list[tuple[str, str]]
) -> None:
    doc = _pipeline(alignment=alignment)(TEHRANS)
    assert [(ent.text, ent.kb_id_) for ent in doc.ents] == expected
    assert [(m.text, reason) for m, reason in doc._.namenorm_skipped] == skipped
    # Nothing is lost: each mention is an entity, or skipped with a documented reason.
    placed = len(doc.ents)
    assert placed + len(doc._.namenorm_skipped) == len(doc._.namenorm_mentions)
    assert {reason for _, reason in doc._.namenorm_skipped} <= set(SKIP_REASONS)


def test_an_expanded_entity_keeps_the_exact_mention() -> None:
    doc = _pipeline()(TEHRANS)
    [tehran] = [m for m in doc._.namenorm_mentions if m.match.entity.id == "tehran"]
    assert (tehran.start, tehran.end, tehran.text) == (0, 6, "Tehran")
    assert doc.ents[0]._.namenorm == tehran.match


def test_two_mentions_widened_to_one_token_keep_the_first() -> None:
    # spaCy keeps "Iran+Iraq" one token; namenorm finds two names in it.
    doc = _pipeline()("Iran+Iraq talks.")
    assert [m.text for m in doc._.namenorm_mentions] == ["Iran", "Iraq"]
    assert _ents(doc) == [("Iran+Iraq", "GPE", "iran")]
    assert [(m.text, reason) for m, reason in doc._.namenorm_skipped] == [("Iraq", "overlap")]
    assert [s.kb_id_ for s in doc.spans["namenorm"]] == ["iran", "iraq"]


def test_empty_and_nameless_docs(nlp: spacy.language.Language) -> None:
    for text in ("", "   ", "no names here at all."):
        doc = nlp(text)
        assert doc.ents == ()
        assert doc._.namenorm_mentions == []
        assert doc._.namenorm_skipped == []


# Merged and split tokens


RETOKENIZED = "Rai Allium cited Tehran Baghdad ties with Hadi al-Amiri."
RETOKENIZED_IDS = ["rai-al-youm", "tehran", "baghdad", "hadi-al-amiri"]


def _each_ent_has_its_own_match(doc: Doc) -> bool:
    # Only doc.ents: spaCy does not move the spans of doc.spans when it retokenizes.
    return all(ent._.namenorm.entity.id == ent.kb_id_ for ent in doc.ents)


def test_merge_entities_keeps_each_entity_with_its_match() -> None:
    nlp = _pipeline()
    nlp.add_pipe("merge_entities")
    doc = nlp(RETOKENIZED)
    assert [t.text for t in doc][:5] == ["Rai Allium", "cited", "Tehran", "Baghdad", "ties"]
    assert [ent.kb_id_ for ent in doc.ents] == RETOKENIZED_IDS
    assert _each_ent_has_its_own_match(doc)


def test_merge_entities_on_a_seed_article(nlp: spacy.language.Language) -> None:
    doc = nlp(SEED_001.read_text(encoding="utf-8"))
    before = [(ent.start_char, ent.end_char, ent._.namenorm) for ent in doc.ents]
    merged = spacy.pipeline.functions.merge_entities(doc)
    assert [(e.start_char, e.end_char, e._.namenorm) for e in merged.ents] == before
    assert _each_ent_has_its_own_match(merged)


def test_a_manual_merge_and_split_before_the_entities_keep_each_match(
    nlp: spacy.language.Language,
) -> None:
    doc = nlp("Yesterday morning NewsDesk said " + RETOKENIZED)
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[0:2])  # "Yesterday morning": every later token moves back
    with doc.retokenize() as retokenizer:  # "NewsDesk" -> "News", "Desk": forward again
        retokenizer.split(doc[1], ["News", "Desk"], heads=[(doc[1], 1), doc[2]])
    assert [t.text for t in doc][:5] == ["Yesterday morning", "News", "Desk", "said", "Rai"]
    assert [ent.kb_id_ for ent in doc.ents] == RETOKENIZED_IDS
    assert _each_ent_has_its_own_match(doc)
    # Merging an entity's own tokens, as merge_entities does, keeps its match too.
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc.ents[-1])
    assert doc[-2].text == "Hadi al-Amiri"
    assert _each_ent_has_its_own_match(doc)


def test_a_span_that_is_no_mention_has_no_match_after_retokenizing(
    nlp: spacy.language.Language,
) -> None:
    doc = nlp(RETOKENIZED)
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[0:2])
    assert doc[0:1]._.namenorm.entity.id == "rai-al-youm"
    assert doc[1:2]._.namenorm is None  # "cited"
    assert doc[2:4]._.namenorm is None  # "Tehran Baghdad": two mentions, not one


# Many documents, determinism, serialization


def test_nlp_pipe_gives_what_one_call_each_gives(
    nlp: spacy.language.Language, seed_docs: dict[str, Doc]
) -> None:
    texts = [path.read_text(encoding="utf-8") for path in SEEDS]
    piped = list(nlp.pipe(texts, batch_size=2))
    assert [_linked(doc) for doc in piped] == [_linked(seed_docs[p.name]) for p in SEEDS]
    tuples = list(nlp.pipe([(text, i) for i, text in enumerate(texts)], as_tuples=True))
    assert [i for _, i in tuples] == list(range(len(texts)))


def test_the_output_does_not_depend_on_order_or_on_warm_caches(seed_docs: dict[str, Doc]) -> None:
    namenorm.reset_caches()
    fresh = _pipeline()
    texts = [path.read_text(encoding="utf-8") for path in reversed(SEEDS)]
    reversed_docs = list(fresh.pipe(texts))
    assert [_linked(doc) for doc in reversed(reversed_docs)] == [
        _linked(seed_docs[path.name]) for path in SEEDS
    ]
    assert _linked(fresh(texts[0])) == _linked(reversed_docs[0])


def test_nlp_pipe_on_two_processes(nlp: spacy.language.Language) -> None:
    texts = ["Rai Allium quoted Almohandes.", "Qassem Suleimani arrived.", "Joe Smith left."]
    docs = list(nlp.pipe(texts, n_process=2, batch_size=1))
    assert [_ents(doc) for doc in docs] == [_ents(nlp(text)) for text in texts]
    assert docs[0].ents[0]._.namenorm == nlp(texts[0]).ents[0]._.namenorm


def test_the_component_pickles_as_its_settings(tmp_path: Path) -> None:
    component = NamenormComponent(threshold=0.8, labels={"person": "PER"}, alignment="strict")
    copy = pickle.loads(pickle.dumps(component))
    doc = spacy.blank("en")("Almohandes met Hadi al-Amiri.")
    assert _ents(copy(doc)) == _ents(component(spacy.blank("en")(doc.text)))
    assert {ent.label_ for ent in doc.ents} == {"PER"}


def test_the_doc_data_survives_bytes_docbin_and_json(seed_docs: dict[str, Doc]) -> None:
    doc = seed_docs[SEED_001.name]
    json.dumps(doc._.namenorm_data)  # plain data
    vocab = doc.vocab
    again = Doc(vocab).from_bytes(doc.to_bytes())
    assert _linked(again) == _linked(doc)
    assert again._.namenorm_mentions == doc._.namenorm_mentions
    assert again._.namenorm_unresolved == doc._.namenorm_unresolved
    [stored] = (
        DocBin(docs=[doc], store_user_data=True)
        .from_bytes(DocBin(docs=[doc], store_user_data=True).to_bytes())
        .get_docs(vocab)
    )
    assert [ent._.namenorm for ent in stored.ents] == [ent._.namenorm for ent in doc.ents]
    [bare] = DocBin().from_bytes(DocBin(docs=[doc]).to_bytes()).get_docs(vocab)
    assert [ent.kb_id_ for ent in bare.ents] == [ent.kb_id_ for ent in doc.ents]
    assert bare.ents[0]._.namenorm is None


def test_doc_data_of_another_data_version_is_a_clear_error(
    nlp: spacy.language.Language,
) -> None:
    doc = nlp("Almohandes spoke.")
    doc._.namenorm_data = {**doc._.namenorm_data, "version": 1}
    with pytest.raises(namenorm.NamenormError, match=r"version 1, and this namenorm reads"):
        doc.ents[0]._.namenorm  # noqa: B018
    with pytest.raises(namenorm.NamenormError, match="another namenorm release"):
        doc._.namenorm_mentions  # noqa: B018


def test_a_saved_pipeline_carries_its_table_and_model(tmp_path: Path) -> None:
    table = tmp_path / "aliases.jsonl"
    table.write_text(
        json.dumps(
            {"id": "amiri", "name": "Hadi al-Amiri", "kind": "person", "aliases": ["Hadi al-Ameri"]}
        )
        + "\n",
        encoding="utf-8",
    )
    model = tmp_path / "model.json"
    namenorm.load_model().save(model)
    nlp = _pipeline(table=str(table), model=str(model), labels={"person": "PER"})
    before = _linked(nlp("Hadi al-Ameri spoke."))
    nlp.to_disk(tmp_path / "pipeline")
    assert sorted(p.name for p in (tmp_path / "pipeline" / "namenorm").iterdir()) == [
        "model.json",
        "table.nnsnap",
    ]
    table.unlink()
    model.unlink()
    shutil.move(tmp_path / "pipeline", tmp_path / "moved")
    loaded = spacy.load(tmp_path / "moved")
    assert (
        _linked(loaded("Hadi al-Ameri spoke."))
        == before
        == [(0, 13, "PER", "amiri", before[0][4], before[0][5])]
    )
    assert loaded.get_pipe("namenorm").resolver.table.snapshot_path == str(
        tmp_path / "moved" / "namenorm" / "table.nnsnap"
    )
    # Saved again over the folder it was loaded from (its snapshot mapped): still loads.
    loaded.to_disk(tmp_path / "moved")
    assert _linked(spacy.load(tmp_path / "moved")("Hadi al-Ameri spoke.")) == before


def test_no_model_is_downloaded_or_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_docs: dict[str, Doc]
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("namenorm tried to reach a network or a trained pipeline")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(spacy.util, "load_model_from_package", refuse)
    monkeypatch.setattr(spacy.util, "get_package_path", refuse)
    nlp = _pipeline()
    doc = nlp(SEED_001.read_text(encoding="utf-8"))
    assert _linked(doc) == _linked(seed_docs[SEED_001.name])
    nlp.to_disk(tmp_path / "pipeline")
    assert not (tmp_path / "pipeline" / "namenorm" / "table.nnsnap").exists()  # built-in
    assert _ents(spacy.load(tmp_path / "pipeline")("Almohandes spoke.")) == [
        ("Almohandes", "PERSON", "abu-mahdi-al-muhandis")
    ]
    assert not [name for name in sys.modules if name.startswith(("en_core", "xx_"))]


def test_the_module_exports_what_it_documents() -> None:
    for name in namenorm_spacy.__all__:
        assert hasattr(namenorm_spacy, name), name
    assert namenorm_spacy.DEFAULT_CONFIG["labels"] == dict(LABELS)


def test_the_factory_module_examples_run_on_the_installed_module() -> None:
    # The top-level module is outside src/namenorm, which pytest collects doctests from.
    import doctest  # noqa: PLC0415

    import namenorm_spacy_factory  # noqa: PLC0415

    result = doctest.testmod(namenorm_spacy_factory, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
