"""Train, evaluate, save and load the classifier bundle.

A bundle is two files: ``<name>.joblib`` (the fitted scikit-learn pipeline and the labelled examples used to
explain scores) and ``<name>.json`` (everything else: embedder, label counts, metrics, thresholds, versions and
the SHA-256 of the joblib file). The JSON is read and checked first, so a bundle from another embedder, a newer
format, or a joblib file changed since it was written is refused before anything is unpickled.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.pipeline import Pipeline

from relevance.atomic import atomic_write
from relevance.embed import DEFAULT_CACHE, Embedder, VectorCache, embed_connections, has_vector
from relevance.errors import ModelError
from relevance.io import Export
from relevance.labels import Labels
from relevance.metrics import (
    CONFIDENCE,
    CV_REPEATS,
    MIN_PER_CLASS,
    Estimate,
    apply_platt,
    evaluate,
    fit_platt,
    out_of_fold,
    removal_threshold,
)
from relevance.pipeline import build_pipeline, network_mean
from relevance.progress import Progress
from relevance.records import Connection

FORMAT = "relevance-model"
FORMAT_VERSION = 1
DEFAULT_MAX_WRONG_REMOVALS = 0.03
# Above this calibrated probability a connection is more likely audience than not: keep it.
KEEP_FROM = 0.5
C = 1.0


@dataclass
class Examples:
    """The labelled connections a model learnt from: to explain scores, and to carry answers to new exports."""

    ids: list[str]
    texts: list[str]  # "Java Developer, Acme": what the user saw when answering
    answers: np.ndarray  # bool, True = in the audience
    vectors: np.ndarray  # float32 embeddings, L2-normalised


@dataclass
class Bundle:
    """A fitted model with everything needed to use and judge it."""

    pipeline: Pipeline
    examples: Examples
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def embedder(self) -> str:
        return str(self.metadata["embedder"]["name"])

    @property
    def remove_at_or_below(self) -> float | None:
        value = self.metadata["thresholds"]["remove_at_or_below"]
        return None if value is None else float(value)

    @property
    def keep_from(self) -> float:
        return float(self.metadata["thresholds"]["keep_from"])

    @property
    def metrics(self) -> dict[str, Estimate]:
        return {name: Estimate(**values) for name, values in self.metadata["metrics"].items()}

    def predict(self, vectors: np.ndarray) -> np.ndarray:
        """Calibrated probability that each vector's connection is in the audience."""
        calibration = self.metadata["calibration"]
        return apply_platt(self.pipeline.decision_function(vectors), (calibration["a"], calibration["b"]))


@dataclass
class TrainResult:
    """A trained bundle, and what about the labels the user should hear."""

    bundle: Bundle
    unknown_ids: list[str]  # answered in the labels file but not in this export: kept, not used
    unreadable: list[str]  # label values meaning neither yes nor no


def describe(connection: Connection) -> str:
    """How a connection is shown in reasons: its title, and the company if there is one."""
    return ", ".join(part for part in (connection.title, connection.company) if part)


def check_label_counts(yes: int, no: int) -> None:
    """Refuse to train on too few or one-sided answers, saying what to do."""
    for count, kind in ((yes, "yes"), (no, "no")):
        if count < MIN_PER_CLASS:
            raise ModelError(
                f"you have {count} '{kind}' answer{'s' if count != 1 else ''} ({yes} yes, {no} no); label at least "
                f"{MIN_PER_CLASS} of each — `relevance label` picks the ones that help most"
            )


def fit_bundle(
    vectors: np.ndarray,
    answers: np.ndarray,
    network: np.ndarray,
    *,
    embedder: Embedder,
    ids: list[str],
    texts: list[str],
    max_wrong_removals: float = DEFAULT_MAX_WRONG_REMOVALS,
    seed: int = 0,
) -> Bundle:
    """Fit on labelled vectors; judge and calibrate on out-of-fold predictions; choose thresholds.

    ``network`` is the mean vector of the whole network (labels not needed, so no leakage into the folds).
    """
    y = np.asarray(answers, dtype=int)
    check_label_counts(int(y.sum()), int(len(y) - y.sum()))
    X = np.asarray(vectors, dtype=np.float32)
    decisions = out_of_fold(lambda: build_pipeline(network, C), X, y, seed=seed)
    calibration = fit_platt(decisions, y)
    scores = apply_platt(decisions, calibration)
    remove = removal_threshold(scores, y, max_wrong_removals)
    metrics = evaluate(scores, y, remove, seed=seed)
    pipeline = build_pipeline(network, C).fit(X, y)
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "embedder": {"name": embedder.name, "dim": int(embedder.dim)},
        "labels": {"yes": int(y.sum()), "no": int(len(y) - y.sum())},
        "metrics": {name: estimate.as_dict() for name, estimate in metrics.items()},
        "thresholds": {
            "remove_at_or_below": None if remove is None else round(remove, 6),
            "keep_from": round(max(KEEP_FROM, remove or 0.0), 6),
            "max_wrong_removals": max_wrong_removals,
            "confidence": CONFIDENCE,
        },
        "calibration": {"method": "platt on out-of-fold decisions", "a": calibration[0], "b": calibration[1]},
        "evaluation": f"{min(5, int(min(y.sum(), len(y) - y.sum())))}-fold cross-validation, {CV_REPEATS} repeats",
        "versions": _versions(),
        # Numbers only (no names, no titles): lets `relevance report` draw ROC, precision-recall and calibration.
        "out_of_fold": {"scores": [round(float(v), 4) for v in scores], "labels": y.tolist()},
    }
    examples = Examples(ids=list(ids), texts=list(texts), answers=y.astype(bool), vectors=X)
    return Bundle(pipeline=pipeline, examples=examples, metadata=metadata)


def train(
    export: Export,
    labels: Labels,
    embedder: Embedder,
    *,
    max_wrong_removals: float = DEFAULT_MAX_WRONG_REMOVALS,
    cache: VectorCache | None = DEFAULT_CACHE,
    progress: Progress | None = None,
) -> TrainResult:
    """Embed the export, match the labels to it by id, and fit a bundle."""
    answers = labels.answers
    connections = export.connections
    if not answers:
        raise ModelError(f"{labels.path} has no answers yet — run `relevance sample` then `relevance label` first")
    if not any(c.id in answers for c in connections):
        raise ModelError(
            f"none of the {len(answers)} answers in {labels.path} is a connection in {export.source}: "
            "is it the labels file for this network?"
        )
    vectors = embed_connections(connections, embedder, cache=cache, progress=progress)
    # Rows without text have zero vectors: nothing to learn from, whatever the answer.
    judged = has_vector(vectors)
    rows = [i for i, c in enumerate(connections) if c.id in answers and judged[i]]
    bundle = fit_bundle(
        vectors[rows],
        np.array([answers[connections[i].id] for i in rows]),
        network_mean(vectors),
        embedder=embedder,
        ids=[connections[i].id for i in rows],
        texts=[describe(connections[i]) for i in rows],
        max_wrong_removals=max_wrong_removals,
    )
    return TrainResult(bundle, labels.unknown_ids(export.by_id()), list(labels.unreadable))


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("relevance", "scikit-learn", "numpy", "joblib"):
        found[package] = version(package)
    return found


def sidecar(path: str | Path) -> Path:
    """The JSON file describing the bundle at ``path``: same name, ``.json``."""
    return Path(path).with_suffix(".json")


def save_bundle(bundle: Bundle, path: str | Path) -> Path:
    """Write ``path`` (joblib) and its JSON sidecar; returns the sidecar's path.

    The joblib file is written first and the sidecar (with its hash) last, each atomically, so a crash never
    leaves a sidecar vouching for a file it does not describe.
    """
    target = Path(path)
    payload = {"format": FORMAT, "pipeline": bundle.pipeline, "examples": bundle.examples}
    with atomic_write(target, "wb") as out:
        joblib.dump(payload, out, compress=3)
    bundle.metadata["model_file"] = target.name
    bundle.metadata["sha256"] = _sha256(target)
    meta_path = sidecar(target)
    with atomic_write(meta_path, "w", encoding="utf-8") as out:
        out.write(json.dumps(bundle.metadata, indent=2, ensure_ascii=False) + "\n")
    return meta_path


def read_metadata(path: str | Path) -> dict[str, Any]:
    """A bundle's metadata from its sidecar, checked to be one this tool wrote; nothing is unpickled."""
    target = Path(path)
    meta_path = sidecar(target)
    if not target.exists():
        raise ModelError(f"there is no model at {target} — train one with `relevance train`")
    not_ours = f"{target} is not a model written by `relevance train`"
    if not meta_path.exists():
        raise ModelError(f"{not_ours} (no {meta_path.name} beside it); only its own bundles are loaded — retrain")
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ModelError(f"{not_ours} ({meta_path.name} is not valid JSON) — retrain") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelError(f"{not_ours} ({meta_path.name} does not describe a relevance model) — retrain")
    written = metadata.get("format_version")
    if not isinstance(written, int) or written > FORMAT_VERSION:
        raise ModelError(
            f"{target} was written by a newer relevance (bundle format {written}, this one reads up to "
            f"{FORMAT_VERSION}) — upgrade relevance, or retrain with this one"
        )
    return metadata


def load_bundle(path: str | Path, embedder: str | None = None) -> Bundle:
    """Load a bundle after checking its sidecar and hash; ``embedder`` (a name) must match if given."""
    target = Path(path)
    metadata = read_metadata(target)
    trained_with = metadata["embedder"]["name"]
    if embedder is not None and embedder != trained_with:
        raise ModelError(
            f"{target} was trained with embedder {trained_with!r}, not {embedder!r}: score with "
            f"--embedder {trained_with}, or retrain with the embedder you want"
        )
    if _sha256(target) != metadata.get("sha256"):
        raise ModelError(
            f"{target} has changed since `relevance train` wrote it (its SHA-256 does not match "
            f"{sidecar(target).name}); it was not loaded, as it could run any code — retrain"
        )
    sklearn_then, sklearn_now = metadata["versions"].get("scikit-learn"), version("scikit-learn")
    if sklearn_then != sklearn_now:
        raise ModelError(
            f"{target} was trained with scikit-learn {sklearn_then} and {sklearn_now} is installed — retrain "
            "(it takes seconds)"
        )
    payload = joblib.load(target)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelError(f"{target} is not a model written by `relevance train` — retrain")
    return Bundle(pipeline=payload["pipeline"], examples=payload["examples"], metadata=metadata)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
