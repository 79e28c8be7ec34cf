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

The package never imports hypothesis (only ``namenorm.strategies`` needs it).

>>> namenorm.check_table(namenorm.load_table(), variants=1).survival > 0.9
True
"""

from __future__ import annotations

from namenorm.annotate import Annotation, Annotator, Mention
from namenorm.check import TableReport, check_file, check_table
from namenorm.confidence import DEFAULT_THRESHOLD, ConfidenceModel, load_model
from namenorm.corpus import Document, annotate_corpus, read_documents
from namenorm.errors import (
    CalibrationError,
    CorpusError,
    MissingDependencyError,
    NamenormError,
    RulesError,
    SnapshotError,
    TableError,
)
from namenorm.evaluation import EvaluationReport, LabeledMention, evaluate
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
    "EvaluationReport",
    "Evidence",
    "FeatureRow",
    "Kind",
    "LabeledMention",
    "Link",
    "Match",
    "Mention",
    "Method",
    "MissingDependencyError",
    "NamenormError",
    "Normalization",
    "PreparedContext",
    "Resolver",
    "RulesError",
    "SnapshotError",
    "Step",
    "TableError",
    "TableReport",
    "__version__",
    "analyze",
    "annotate_corpus",
    "check_file",
    "check_table",
    "compare",
    "evaluate",
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
