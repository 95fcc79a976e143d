"""Honest numbers about a model: out-of-fold predictions, calibration, the removal threshold, and ranges.

Every figure here comes from predictions on rows the model did not see while fitting (cross-validation), never
from the training fit, and carries a bootstrap range so a user sees how much 100 labels can and cannot tell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import beta
from sklearn.base import ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold

# Below this many answers of either kind, cross-validated figures are noise and no model is trained.
MIN_PER_CLASS = 10
# The removal threshold keeps this one-sided upper bound of the wrong-removal rate under the user's limit.
CONFIDENCE = 0.8
# Repeats of 5-fold cross-validation, averaged: one split of 100 labels is too noisy to set a threshold on.
CV_REPEATS = 4
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


def out_of_fold(
    make_model: Callable[[], ClassifierMixin], X: np.ndarray, y: np.ndarray, *, seed: int = 0
) -> np.ndarray:
    """Each labelled row's decision value from models that never saw it, averaged over repeated 5-fold CV."""
    folds = int(min(5, np.bincount(y.astype(int), minlength=2).min()))
    cv = RepeatedStratifiedKFold(n_splits=folds, n_repeats=CV_REPEATS, random_state=seed)
    total = np.zeros(len(y))
    seen = np.zeros(len(y))
    for train, test in cv.split(X, y):
        model = make_model().fit(X[train], y[train])
        total[test] += model.decision_function(X[test])
        seen[test] += 1
    return total / seen


def fit_platt(decisions: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: (a, b) with P(yes) = 1 / (1 + exp(-(a * d + b))), fitted on out-of-fold decisions.

    Fitted on out-of-fold values because the training fit's own decisions are overconfident; only two
    parameters, so ten answers of each kind are enough.
    """
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(decisions.reshape(-1, 1), y)
    # A slope at or below zero means the model has no signal; letting Platt flip it would learn the direction
    # from the very rows the metrics are computed on (measured: shuffled labels then "reached" AUC 0.67).
    return max(float(platt.coef_[0, 0]), 1e-6), float(platt.intercept_[0])


def apply_platt(decisions: np.ndarray, calibration: tuple[float, float]) -> np.ndarray:
    a, b = calibration
    return 1.0 / (1.0 + np.exp(-(a * np.asarray(decisions, dtype=np.float64) + b)))


def removal_threshold(scores: np.ndarray, y: np.ndarray, max_wrong: float) -> float | None:
    """The highest score to suggest removal at: the largest set of lowest-scored rows whose wrong-removal
    rate (share of "yes" among them) stays under ``max_wrong`` at CONFIDENCE, or None if no such set exists.

    The bound is a Jeffreys-prior upper quantile: unlike the plain share, it does not believe "0 of 5 were
    yes" means 0%, so a threshold needs enough "no" answers below it before it can be trusted.
    """
    order = np.argsort(scores, kind="stable")
    ranked, answers = scores[order], y[order].astype(float)
    removed = np.arange(1, len(ranked) + 1)
    wrong = np.cumsum(answers)
    upper = beta.ppf(CONFIDENCE, wrong + 0.5, removed - wrong + 0.5)
    # Cut only between distinct scores: a threshold cannot split tied rows.
    distinct = np.append(ranked[1:] > ranked[:-1], True)
    allowed = np.flatnonzero((upper <= max_wrong) & distinct)
    return float(ranked[allowed[-1]]) if allowed.size else None


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


def removal_rates(scores: np.ndarray, y: np.ndarray, threshold: float | None) -> tuple[float, float]:
    """(wrong, missed): the share of suggested removals that are "yes", and the share of "no" not suggested."""
    removed = scores <= threshold if threshold is not None else np.zeros(len(y), bool)
    yes = y.astype(bool)
    wrong = (removed & yes).sum() / removed.sum() if removed.any() else 0.0
    missed = (~removed & ~yes).sum() / max((~yes).sum(), 1)
    return float(wrong), float(missed)


def evaluate(scores: np.ndarray, y: np.ndarray, threshold: float | None, *, seed: int = 0) -> dict[str, Estimate]:
    """ROC-AUC, average precision and the wrong/missed removal rates at ``threshold``, with bootstrap ranges.

    ``scores`` must be out-of-fold. The wrong-removal figure is ``expected_wrong_rate`` (a conservative bound).
    """
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {"roc_auc": [], "average_precision": [], "wrong_removals": [], "missed": []}
    for _ in range(BOOTSTRAP_DRAWS):
        pick = rng.integers(0, len(y), len(y))
        s, t = scores[pick], y[pick]
        if t.min() == t.max():
            continue
        draws["roc_auc"].append(auc(s, t))
        draws["average_precision"].append(float(average_precision(s, t)))
        draws["wrong_removals"].append(expected_wrong_rate(s, t, threshold))
        draws["missed"].append(removal_rates(s, t, threshold)[1])
    _, missed = removal_rates(scores, y, threshold)
    point = {
        "roc_auc": auc(scores, y),
        "average_precision": average_precision(scores, y),
        "wrong_removals": expected_wrong_rate(scores, y, threshold),
        "missed": missed,
    }
    return {
        name: Estimate(point[name], *(float(v) for v in np.percentile(values, RANGE))) for name, values in draws.items()
    }


def expected_wrong_rate(scores: np.ndarray, y: np.ndarray, threshold: float | None) -> float:
    """The wrong-removal rate to expect at ``threshold``: the Jeffreys upper bound at CONFIDENCE.

    Not the raw share: the threshold was chosen where the raw share looked good, so the raw share is optimistic
    (measured on held-out ESCO titles, scripts/bench_estimate.py, the bound lands closer to the realised rate).
    """
    if threshold is None:
        return 0.0
    removed = scores <= threshold
    wrong = float(y[removed].sum())
    return float(beta.ppf(CONFIDENCE, wrong + 0.5, removed.sum() - wrong + 0.5))
