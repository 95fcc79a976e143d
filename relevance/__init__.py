"""relevance: find the LinkedIn connections outside your audience.

Label a few connections, train a classifier on multilingual embeddings of what they do, score the rest.
Everything runs on your machine; nothing is sent anywhere.
"""

from typing import TYPE_CHECKING

from relevance.errors import (
    EmbedderError,
    ExportError,
    LabelsError,
    ModelError,
    RelevanceError,
)
from relevance.identity import connection_id, normalise_url
from relevance.io import Export, read_export, write_csv
from relevance.records import CANONICAL_COLUMNS, Connection

if TYPE_CHECKING:
    # What `__getattr__` below loads on first use, spelled out for type checkers and IDEs (never run).
    from relevance.bundle import Bundle, load_bundle, save_bundle
    from relevance.card import ModelCard
    from relevance.embed import (
        DEFAULT_EMBEDDER,
        Embedder,
        VectorCache,
        embed_connections,
        embed_texts,
        embedding_text,
        load_embedder,
    )
    from relevance.labeller import ClusterLabeller, Labeller
    from relevance.labels import Labels, load_labels
    from relevance.matching import LabelMatch, match_labels
    from relevance.report import make_report, read_scored
    from relevance.rules import parse_keep_rule
    from relevance.sampling import add_sample, choose
    from relevance.score import Scored, score_export
    from relevance.scored_file import write_scored
    from relevance.settings import TrainingSettings
    from relevance.summary import Summary, summarise
    from relevance.training import TrainResult, train

__version__ = "0.1.0"

__all__ = [
    "CANONICAL_COLUMNS",
    "DEFAULT_EMBEDDER",
    "Bundle",
    "ClusterLabeller",
    "Connection",
    "Embedder",
    "EmbedderError",
    "Export",
    "ExportError",
    "LabelMatch",
    "Labeller",
    "Labels",
    "LabelsError",
    "ModelCard",
    "ModelError",
    "RelevanceError",
    "Scored",
    "Summary",
    "TrainResult",
    "TrainingSettings",
    "VectorCache",
    "__version__",
    "add_sample",
    "choose",
    "connection_id",
    "embed_connections",
    "embed_texts",
    "embedding_text",
    "load_bundle",
    "load_embedder",
    "load_labels",
    "make_report",
    "match_labels",
    "normalise_url",
    "parse_keep_rule",
    "read_export",
    "read_scored",
    "save_bundle",
    "score_export",
    "summarise",
    "train",
    "write_csv",
    "write_scored",
]

# Loaded on first use: they import scikit-learn, numpy or plotly, which `relevance --help` need not wait for.
# The TYPE_CHECKING imports above name the same modules (tests/test_public_api.py checks it).
_LAZY = {
    "Bundle": "relevance.bundle",
    "load_bundle": "relevance.bundle",
    "save_bundle": "relevance.bundle",
    "ModelCard": "relevance.card",
    "TrainingSettings": "relevance.settings",
    "TrainResult": "relevance.training",
    "train": "relevance.training",
    "Scored": "relevance.score",
    "parse_keep_rule": "relevance.rules",
    "score_export": "relevance.score",
    "write_scored": "relevance.scored_file",
    "Summary": "relevance.summary",
    "DEFAULT_EMBEDDER": "relevance.embed",
    "Embedder": "relevance.embed",
    "VectorCache": "relevance.embed",
    "embed_connections": "relevance.embed",
    "embed_texts": "relevance.embed",
    "embedding_text": "relevance.embed",
    "load_embedder": "relevance.embed",
    "Labels": "relevance.labels",
    "load_labels": "relevance.labels",
    "LabelMatch": "relevance.matching",
    "match_labels": "relevance.matching",
    "add_sample": "relevance.sampling",
    "choose": "relevance.sampling",
    "Labeller": "relevance.labeller",
    "ClusterLabeller": "relevance.labeller",
    "make_report": "relevance.report",
    "read_scored": "relevance.report",
    "summarise": "relevance.summary",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'relevance' has no attribute {name!r}")
