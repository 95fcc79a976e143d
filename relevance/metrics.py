"""Honest numbers about a model: out-of-fold predictions, ranking quality, and bootstrap ranges.

Every figure here comes from predictions on rows the model did not see while fitting (cross-validation), never
from the training fit, and carries a bootstrap range so a user sees how much 100 labels can and cannot tell.
What the figures mean for the removal list is ``relevance.removals``'s job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from sklearn.base import ClassifierMixin

# Below this many answers of either kind, cross-validated figures are noise and no model is trained.
MIN_PER_CLASS = 10
# Repeated 10-fold cross-validation, averaged: one split of 100 labels is too noisy to set a threshold on. The
# calibration behind the removal list is fitted on these out-of-fold decisions and carried over to the model fitted
# on every answer (relevance.calibration): fold models that saw 90% of the answers are nearer that model than ones
# that saw 80%, whose doubts about the answers they left out made the wrong-removal estimate too cautious.
# Measured at 100 of the tool's own answers, 5 networks each, removal yield (the share of the held-out non-audience
# listed), against 4 repeats of 5-fold (the same 20 fits): ESCO trainer 0.41 -> 0.40, Polish trainer 0.10 -> 0.16,
# realistic Czech 0.66 -> 0.72, Kazakh 0.82 -> 0.87; no run over the 3% limit either way.
CV_FOLDS = 10
CV_REPEATS = 2
BOOTSTRAP_DRAWS = 500
# The range reported around each figure: the 5th to the 95th bootstrap percentile.
RANGE = (5.0, 95.0)


@dataclass(frozen=True)
class Estimate:
    """A figure with its bootstrap range."""

    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}

    def shown(self, fmt: str = ".2f") -> str:
        """As every screen says it: "0.87 (likely 0.82–0.91)", or the value alone when the range rounds to it (not
        "likely 97%–97%")."""
        value, low, high = (format(v, fmt) for v in (self.value, self.low, self.high))
        return value if low == high else f"{value} (likely {low}–{high})"

    def rounded(self) -> Estimate:
        """As the model card stores it (``as_dict``): a figure printed from the card just trained and from the
        card read back must not differ ("1.6%" from 0.016499, "1.7%" from 0.0165)."""
        return Estimate(**self.as_dict())


def out_of_fold(
    make_model: Callable[[], ClassifierMixin],
    X: np.ndarray,
    y: np.ndarray,
    *,
    seed: int = 0,
) -> np.ndarray:
    """Each labelled row's decision value from models that never saw it, averaged over repeated k-fold CV."""
    return cross_fitted(make_model, X, y, seed=seed).decisions


class CrossFit(NamedTuple):
    """Out-of-fold decisions on the labelled rows, the fold models' mean decision on the extra rows, and the
    labelled rows' out-of-fold ``decision_function`` (= ``decisions`` unless a ``decide`` smoothed them)."""

    decisions: np.ndarray
    others: np.ndarray
    plain: np.ndarray


def cv_folds(y: np.ndarray) -> int:
    """How many folds the cross-validation of answers ``y`` has: CV_FOLDS, or fewer when an answer is rarer."""
    return int(min(CV_FOLDS, np.bincount(np.asarray(y, dtype=int), minlength=2).min()))


def cross_fitted(
    make_model: Callable[[], ClassifierMixin],
    X: np.ndarray,
    y: np.ndarray,
    *,
    seed: int = 0,
    extra: np.ndarray | None = None,
    decide: Callable[[ClassifierMixin], np.ndarray] | None = None,
) -> CrossFit:
    """Each labelled row's decision value from models that never saw it, averaged over repeated k-fold CV; and
    the same models' mean decision on the ``extra`` rows (on the same scale, which the full fit's is not).

    ``decide``: a fitted model's decisions on the rows of X then on the extra rows, when they are not simply
    its ``decision_function`` (relevance.neighbours smooths them over the whole network); ``extra`` is then
    not read."""
    folds = cv_folds(y)
    from sklearn.model_selection import RepeatedStratifiedKFold  # not on the path of scoring: imported here

    cv = RepeatedStratifiedKFold(n_splits=folds, n_repeats=CV_REPEATS, random_state=seed)
    total = np.zeros(len(y))
    plain = np.zeros(len(y))
    seen = np.zeros(len(y))
    others = np.zeros(0 if extra is None or decide is not None else len(extra))
    for train, test in cv.split(X, y):
        model = make_model().fit(X[train], y[train])
        seen[test] += 1
        plain[test] += model.decision_function(X[test])
        if decide is not None:
            decided = decide(model)
            total[test] += decided[test]
            on_extra = decided[len(y) :]
            others = others + on_extra if len(others) else on_extra.copy()
            continue
        if extra is not None and len(extra):
            others += model.decision_function(extra)
    plain /= seen
    return CrossFit(plain if decide is None else total / seen, others / (folds * CV_REPEATS), plain)


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """ROC-AUC by the rank-sum formula (fast enough to bootstrap); NaN with one class only."""
    positives = int(y.sum())
    negatives = len(y) - positives
    if not positives or not negatives:
        return float("nan")
    ranks = _average_ranks(scores)
    return float((ranks[y.astype(bool)].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def average_precision(scores: np.ndarray, y: np.ndarray) -> float:
    """Average precision with "yes" as the positive class, ties grouped as scikit-learn does."""
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], y[order].astype(float)
    last = np.append(ranked[1:] != ranked[:-1], True)  # the last row of each group of tied scores
    true_pos, taken = np.cumsum(hits)[last], np.flatnonzero(last) + 1.0
    positives = true_pos[-1] if len(true_pos) else 0.0
    if not positives:
        return float("nan")
    recall_gain = np.diff(np.append(0.0, true_pos)) / positives
    return float(np.sum(recall_gain * true_pos / taken))


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    starts = np.flatnonzero(np.append(True, ranked[1:] != ranked[:-1]))
    ends = np.append(starts[1:], len(ranked))
    mean_rank = (starts + ends + 1) / 2.0  # 1-based average rank of each tie group
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def evaluate(scores: np.ndarray, y: np.ndarray, *, seed: int = 0) -> dict[str, Estimate]:
    """ROC-AUC and average precision of out-of-fold ``scores``, with bootstrap ranges.

    These are about the labelled rows: on rows chosen where the model was unsure they understate its quality on
    the network (the removal figures, from ``plan_removals``, do not have that problem).
    """
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {"roc_auc": [], "average_precision": []}
    for _ in range(BOOTSTRAP_DRAWS):
        pick = rng.integers(0, len(y), len(y))
        s, t = scores[pick], y[pick]
        if t.min() == t.max():
            continue
        draws["roc_auc"].append(auc(s, t))
        draws["average_precision"].append(float(average_precision(s, t)))
    point = {"roc_auc": auc(scores, y), "average_precision": average_precision(scores, y)}
    return {
        name: Estimate(point[name], *(float(v) for v in np.percentile(values, RANGE))) for name, values in draws.items()
    }
