"""What the report says about the model: thresholds and cross-validated quality, read from its card.

The card (``relevance.card.ModelCard``, read by ``relevance.bundle.read_card``) is the only source; the curves
are computed here from the card's out-of-fold predictions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from relevance.card import ModelCard
from relevance.metrics import Estimate

Points = list[tuple[float, float]]


@dataclass(frozen=True)
class ModelSummary:
    """What the report shows of a model card: thresholds, out-of-fold quality and its curves."""

    remove_threshold: float | None  # None: no removal list at the person's limit
    keep_threshold: float | None
    roc_auc: Estimate
    average_precision: Estimate
    wrong_removal_rate: Estimate  # share of suggested removals that are audience
    missed_rate: Estimate  # share of non-audience not suggested for removal
    labels_yes: int
    labels_no: int
    max_wrong_removals: float  # the person's limit on the share of removals that are their audience
    roc: Points = field(default_factory=list)  # (false positive rate, true positive rate)
    pr: Points = field(default_factory=list)  # (recall, precision)
    calibration: Points = field(default_factory=list)  # (mean predicted probability, observed share of yes)
    embedder: str | None = None  # the embedder the model was trained with: the map uses the same vectors
    signals: tuple[str, ...] = ()  # what the model reads: "title", then language, company... (relevance.features)
    neighbours: int | None = None  # titles each score is smoothed over (relevance.neighbours); None: not smoothed
    near_no: bool = False  # a title's closeness to a "no" answer counts in its score (relevance.closeness)

    @classmethod
    def from_card(cls, card: ModelCard) -> ModelSummary:
        curves = curves_from_out_of_fold(card.out_of_fold_scores, card.out_of_fold_labels)
        metrics = card.metrics
        return cls(
            remove_threshold=card.thresholds.remove_at_or_below,
            keep_threshold=card.thresholds.keep_from,
            roc_auc=metrics["roc_auc"],
            average_precision=metrics["average_precision"],
            wrong_removal_rate=metrics["wrong_removals"],
            missed_rate=metrics["missed"],
            labels_yes=card.labels_yes,
            labels_no=card.labels_no,
            max_wrong_removals=card.thresholds.max_wrong_removals,
            roc=_points(curves.get("roc"), "fpr", "tpr"),
            pr=_points(curves.get("pr"), "recall", "precision"),
            calibration=_points(curves.get("calibration"), "predicted", "observed"),
            embedder=card.embedder,
            signals=card.signals_used,
            neighbours=None if card.smoothing is None else card.smoothing.neighbours,
            near_no=bool(card.closeness),
        )

    @property
    def has_curves(self) -> bool:
        return bool(self.roc or self.pr or self.calibration)


def curves_from_out_of_fold(scores: Sequence[float], labels: Sequence[Any]) -> dict[str, dict[str, list[float]]]:
    """ROC, precision-recall and calibration points from out-of-fold probabilities and yes/no answers, as
    JSON-ready lists. Calibration uses equal-count bins of ~20 answers. {} without both answers."""
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


def _points(curve: dict[str, list[float]] | None, x_name: str, y_name: str) -> Points:
    if not curve:
        return []
    return list(zip(curve[x_name], curve[y_name], strict=True))
