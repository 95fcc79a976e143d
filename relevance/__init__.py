"""relevance: find the LinkedIn connections outside your audience.

Label a few connections, train a classifier on multilingual embeddings of what they do, score the rest.
Everything runs on your machine; nothing is sent anywhere.
"""

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

__version__ = "0.1.0"

__all__ = [
    "CANONICAL_COLUMNS",
    "Connection",
    "EmbedderError",
    "Export",
    "ExportError",
    "LabelsError",
    "ModelError",
    "RelevanceError",
    "__version__",
    "connection_id",
    "normalise_url",
    "read_export",
    "write_csv",
]
