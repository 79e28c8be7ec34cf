"""namenorm: resolve the many spellings of a name to one canonical entity, and say how sure.

>>> import namenorm
>>> namenorm.normalize("Qāsim Sulaymānī")
'qasim sulaymani'
>>> resolver = namenorm.Resolver(namenorm.load_table())
>>> match = resolver.resolve("Ghassem Suleimani")
>>> match.entity.name, match.method, match.confidence > 0.9
('Qasem Soleimani', 'phonetic', True)
>>> resolver.resolve("Mustafa Khatami").entity.id
'mustafa-al-kadhimi'
>>> namenorm.compare("Qasem Soleimani", "Ghassem Suleimani") > 0.9
True
>>> [(m.text, m.match.entity.id) for m in resolver.annotate("Rai Allium quoted al-Sudani.")]
[('Rai Allium', 'rai-al-youm'), ('al-Sudani', 'mohammed-shia-al-sudani')]

The package never imports hypothesis.
"""

from __future__ import annotations

from namenorm.annotate import Annotation, Annotator, Mention
from namenorm.confidence import DEFAULT_THRESHOLD, ConfidenceModel, load_model
from namenorm.corpus import Document, annotate_corpus, read_documents
from namenorm.errors import (
    CalibrationError,
    CorpusError,
    NamenormError,
    RulesError,
    SnapshotError,
    TableError,
)
from namenorm.model import KINDS, Entity, Evidence, Kind, Match, Method, Normalization, Step
from namenorm.normalize import (
    analyze,
    explain_normalization,
    normalize,
    normalize_text,
    phonetic_key,
    replay,
    skeleton_key,
)
from namenorm.resolve import FeatureRow, Link, PreparedContext, Resolver, compare
from namenorm.resources import reset_caches
from namenorm.tables import AliasTable, load_table

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_THRESHOLD",
    "KINDS",
    "AliasTable",
    "Annotation",
    "Annotator",
    "CalibrationError",
    "ConfidenceModel",
    "CorpusError",
    "Document",
    "Entity",
    "Evidence",
    "FeatureRow",
    "Kind",
    "Link",
    "Match",
    "Mention",
    "Method",
    "NamenormError",
    "Normalization",
    "PreparedContext",
    "Resolver",
    "RulesError",
    "SnapshotError",
    "Step",
    "TableError",
    "__version__",
    "analyze",
    "annotate_corpus",
    "compare",
    "explain_normalization",
    "load_model",
    "load_table",
    "normalize",
    "normalize_text",
    "phonetic_key",
    "read_documents",
    "replay",
    "reset_caches",
    "skeleton_key",
]
