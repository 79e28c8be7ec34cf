"""Registers namenorm's spaCy pipeline component under the name ``"namenorm"``, and imports
namenorm itself only when a pipeline uses the component.

Why a separate, top-level module: spaCy imports every ``spacy_factories`` entry point of every
installed package each time it builds any pipeline (``spacy.blank``, ``spacy.load``), whether
or not the pipeline uses the component. namenorm's entry point points here, and this module
imports nothing but spaCy (``Language``, ``Doc``): building a pipeline without the component costs
nothing and cannot fail because of namenorm (the ``namenorm`` package and its dependencies are
imported by :func:`make_component`, the first time a pipeline adds the component). It is not
inside the ``namenorm`` package because importing ``namenorm.anything`` runs
``namenorm/__init__``, which imports the whole library.

The component itself is :class:`namenorm.spacy.NamenormComponent`; importing
:mod:`namenorm.spacy` imports this module, so the factory is registered either way, once.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("namenorm", config={"threshold": 0.9, "overwrite": True})
>>> nlp.get_pipe_config("namenorm")["threshold"], nlp.pipe_names
(0.9, ['namenorm'])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["FACTORY_CONFIG", "make_component"]

FACTORY_CONFIG: dict[str, Any] = {
    "table": None,
    "model": None,
    "threshold": 0.5,
    "labels": {"person": "PERSON", "org": "ORG", "place": "GPE", "media": "ORG", "other": "MISC"},
    "overwrite": False,
    "alignment": "expand",
    "spans_key": "namenorm",
}
"""The default settings registered with the factory: a literal copy (importing namenorm to
compute them would defeat this module) of :data:`namenorm.spacy.DEFAULT_CONFIG`, which the
tests keep equal to it."""


@Language.factory(
    "namenorm",
    default_config=FACTORY_CONFIG,
    assigns=[
        "doc.ents",
        "token.ent_type",
        "token.ent_iob",
        "token.ent_kb_id",
        "doc.spans",
        "doc._.namenorm_data",
    ],
)
def make_component(
    nlp: Language,
    name: str,
    *,
    table: str | None,
    model: str | None,
    threshold: float,
    labels: dict[str, str],
    overwrite: bool,
    alignment: str,
    spans_key: str | None,
) -> Callable[[Doc], Doc]:
    """The factory spaCy calls for ``nlp.add_pipe("namenorm", config={...})``, with the
    settings of :data:`namenorm.spacy.DEFAULT_CONFIG` filled in: it returns a
    :class:`namenorm.spacy.NamenormComponent` (which documents each setting).

    spaCy checks the settings' types against this signature, which it reads with
    ``typing.get_type_hints``; every annotation must therefore resolve in this module without
    importing namenorm (hence the return type), or spaCy silently checks none of them.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> component = nlp.add_pipe("namenorm", config={"threshold": 0.8})
    >>> type(component).__name__, nlp.get_pipe_config("namenorm")["threshold"]
    ('NamenormComponent', 0.8)
    """
    from namenorm.spacy import NamenormComponent  # noqa: PLC0415  (the point of this module)

    return NamenormComponent(
        name=name,
        table=table,
        model=model,
        threshold=threshold,
        labels=labels,
        overwrite=overwrite,
        alignment=alignment,
        spans_key=spans_key,
    )
