"""What the report says about the model: thresholds and cross-validated quality, read from its JSON sidecar.

The sidecar is ``<model>.json`` next to the bundle (``models/relevance.json`` or ``models/relevance.joblib.json``).
Read tolerantly: every part is optional, a figure is a number or ``{"value", "low", "high"}``, and the curves
are either stored ready (``curves``) or computed here from out-of-fold predictions (``out_of_fold``).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from relevance.card import ModelCard
from relevance.errors import ModelError

Points = list[tuple[float, float]]


@dataclass(frozen=True)
class Figure:
    """A cross-validated figure and its range (low = high = value when no range was stored)."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class ModelSummary:
    """Thresholds and out-of-fold quality of a model; every field may be missing."""

    remove_threshold: float | None = None
    keep_threshold: float | None = None
    roc_auc: Figure | None = None
    average_precision: Figure | None = None
    wrong_removal_rate: Figure | None = None  # share of suggested removals that are audience
    missed_rate: Figure | None = None  # share of non-audience not suggested for removal
    labels_yes: int | None = None
    labels_no: int | None = None
    roc: Points = field(default_factory=list)  # (false positive rate, true positive rate)
    pr: Points = field(default_factory=list)  # (recall, precision)
    calibration: Points = field(default_factory=list)  # (mean predicted probability, observed share of yes)
    embedder: str | None = None  # the embedder the model was trained with: the map uses the same vectors
    signals: tuple[str, ...] = ()  # what the model reads: "title", then language, company... (relevance.features)
    neighbours: int | None = None  # titles each score is smoothed over (relevance.neighbours); None: not smoothed

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any]) -> ModelSummary:
        """Read the sidecar's dict: ``thresholds`` {remove_at_or_below, keep_from}, ``metrics`` {roc_auc, average_precision,
        wrong_removals, missed}, ``labels`` {yes, no}, and ``curves`` or ``out_of_fold`` {scores, labels}."""
        thresholds = meta.get("thresholds") or {}
        metrics = meta.get("metrics") or {}
        labels = meta.get("labels") or meta.get("training") or {}
        curves = meta.get("curves") or metrics.get("curves") or {}
        oof = meta.get("out_of_fold") or metrics.get("out_of_fold")
        if not curves and isinstance(oof, Mapping) and oof.get("scores") and oof.get("labels"):
            curves = curves_from_out_of_fold(oof["scores"], oof["labels"])
        return cls(
            # `relevance train` writes remove_at_or_below / keep_from; the short names are accepted too
            remove_threshold=_number(thresholds.get("remove_at_or_below", thresholds.get("remove"))),
            keep_threshold=_number(thresholds.get("keep_from", thresholds.get("keep"))),
            embedder=(meta.get("embedder") or {}).get("name") if isinstance(meta.get("embedder"), Mapping) else None,
            roc_auc=_figure(metrics, "roc_auc", "auc"),
            average_precision=_figure(metrics, "average_precision", "ap"),
            wrong_removal_rate=_figure(metrics, "wrong_removals", "wrong_removal_rate"),
            missed_rate=_figure(metrics, "missed", "missed_rate"),
            labels_yes=_count(labels.get("yes")),
            labels_no=_count(labels.get("no")),
            roc=_points(curves.get("roc"), "fpr", "tpr"),
            pr=_points(curves.get("pr"), "recall", "precision"),
            calibration=_points(curves.get("calibration"), "predicted", "observed"),
            signals=tuple(str(v) for v in (meta.get("signals") or {}).get("used") or ()),
            neighbours=_count((meta.get("smoothing") or {}).get("neighbours")),
        )

    @classmethod
    def from_card(cls, card: ModelCard) -> ModelSummary:
        """What the report shows of a model card."""
        curves = curves_from_out_of_fold(card.out_of_fold_scores, card.out_of_fold_labels)
        metrics = {name: Figure(e.value, e.low, e.high) for name, e in card.metrics.items()}
        return cls(
            remove_threshold=card.thresholds.remove_at_or_below,
            keep_threshold=card.thresholds.keep_from,
            roc_auc=metrics["roc_auc"],
            average_precision=metrics["average_precision"],
            wrong_removal_rate=metrics["wrong_removals"],
            missed_rate=metrics["missed"],
            labels_yes=card.labels_yes,
            labels_no=card.labels_no,
            roc=_points(curves.get("roc"), "fpr", "tpr"),
            pr=_points(curves.get("pr"), "recall", "precision"),
            calibration=_points(curves.get("calibration"), "predicted", "observed"),
            embedder=card.embedder,
            signals=card.signals_used,
            neighbours=None if card.smoothing is None else card.smoothing.neighbours,
        )

    @property
    def has_curves(self) -> bool:
        return bool(self.roc or self.pr or self.calibration)


def sidecar_path(model: str | os.PathLike[str]) -> Path | None:
    """The metadata file next to a model bundle, if there is one."""
    model = Path(model)
    for candidate in (model.with_suffix(".json"), model.with_name(model.name + ".json")):
        if candidate.is_file() and candidate != model:
            return candidate
    return None


def load_model_summary(model: str | os.PathLike[str]) -> ModelSummary:
    """The summary from the card of the bundle ``model``. Raises ModelError when it is missing or unreadable."""
    from relevance.bundle import read_card

    try:
        return ModelSummary.from_card(read_card(model))
    except ModelError:
        return _load_raw_summary(model)


def _load_raw_summary(model: str | os.PathLike[str]) -> ModelSummary:
    path = sidecar_path(model)
    if path is None:
        raise ModelError(f"{model} has no metadata file beside it ({Path(model).with_suffix('.json').name}): retrain")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"Cannot read the model metadata {path}: {error}; retrain to write it again") from None
    if not isinstance(meta, Mapping):
        raise ModelError(f"{path} is not model metadata (expected a JSON object); retrain to write it again")
    return ModelSummary.from_metadata(meta)


def curves_from_out_of_fold(scores: Sequence[float], labels: Sequence[Any]) -> dict[str, dict[str, list[float]]]:
    """ROC, precision-recall and calibration points from out-of-fold probabilities and yes/no answers, as
    JSON-ready lists (what a sidecar's ``curves`` holds). Calibration uses equal-count bins of ~20 answers."""
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import precision_recall_curve, roc_curve

    p = np.asarray(scores, dtype=float)
    y = np.array([value in (1, True, "yes", "1") for value in labels], dtype=int)
    if len(p) != len(y) or y.min(initial=0) == y.max(initial=0):
        return {}
    fpr, tpr, _ = roc_curve(y, p)
    precision, recall, _ = precision_recall_curve(y, p)
    observed, predicted = calibration_curve(y, p, n_bins=int(np.clip(len(y) // 20, 2, 10)), strategy="quantile")
    return {
        "roc": {"fpr": _round(fpr), "tpr": _round(tpr)},
        "pr": {"recall": _round(recall), "precision": _round(precision)},
        "calibration": {"predicted": _round(predicted), "observed": _round(observed)},
    }


def _round(values: np.ndarray) -> list[float]:
    return [round(float(v), 4) for v in values]


def _number(value: Any) -> float | None:
    if isinstance(value, Mapping):
        value = value.get("value")
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _count(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def _figure(metrics: Mapping[str, Any], *names: str) -> Figure | None:
    for name in names:
        value = _number(metrics.get(name))
        if value is not None:
            raw = metrics[name]
            low = _number(raw.get("low")) if isinstance(raw, Mapping) else None
            high = _number(raw.get("high")) if isinstance(raw, Mapping) else None
            return Figure(value, value if low is None else low, value if high is None else high)
    return None


def _points(curve: Any, x_name: str, y_name: str) -> Points:
    """A curve stored as {x_name: [...], y_name: [...]} or as [[x, y], ...]."""
    if isinstance(curve, Mapping):
        xs, ys = curve.get(x_name) or [], curve.get(y_name) or []
        pairs = list(zip(xs, ys, strict=False))
    elif isinstance(curve, Sequence):
        pairs = [tuple(p[:2]) for p in curve if isinstance(p, Sequence) and len(p) >= 2]
    else:
        return []
    points = [(_number(x), _number(y)) for x, y in pairs]
    return [(x, y) for x, y in points if x is not None and y is not None]
