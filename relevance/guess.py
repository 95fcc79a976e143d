"""The labeller's live model: what a model fitted on the answers so far says, between two key presses.

The same pipeline `relevance train` fits (relevance.pipeline), each row read alone: not smoothed over the
network's neighbours as a trained model may be. Smoothing pulls a title the model doubts towards its neighbours'
verdict, so the doubts the labeller asks about were whole neighbourhoods rather than titles. Measured
(scripts/bench_accuracy.py, 100 of the tool's own answers, 5 networks a persona, held-out ROC-AUC / removal recall
at 98% precision, the smoothed guide against this one): ESCO trainer 0.910 / 0.66 -> 0.935 / 0.77, Polish trainer
0.895 / 0.50 -> 0.898 / 0.57, IT recruiter 0.944 / 0.84 -> 0.952 / 0.88, Central/Eastern European 0.929 / 0.71 ->
0.926 / 0.71, German-speaking 0.971 / 0.91 -> 0.964 / 0.90; networks written as people write titles: Polish
0.934 / 0.62 -> 0.963 / 0.72, Kazakh 0.973 / 0.87 -> 0.996 / 0.97, Czech 0.949 / 0.72 -> 0.974 / 0.88, Nigerian
0.990 / 0.94 -> 0.999 / 1.00. Fitting and scoring a few thousand vectors takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from relevance.embed import has_vector
from relevance.pipeline import build_pipeline, one_thread

# The quality estimate cross-validates on at most this many answers.
CV_ROWS = 1500


def class_counts(answered: Mapping[int, bool]) -> tuple[int, int]:
    """(yes, no) among the answers."""
    yes = sum(answered.values())
    return yes, len(answered) - yes


def training_set(vectors: np.ndarray, answered: Mapping[int, bool]) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) from the answered rows that have text: a zero vector would only teach the model noise."""
    rows = np.fromiter(answered, dtype=np.intp, count=len(answered))
    target = np.fromiter(answered.values(), dtype=bool, count=len(answered))
    keep = has_vector(vectors[rows])
    return vectors[rows[keep]], target[keep]


@dataclass(frozen=True)
class Guess:
    """What a model fitted on the answers so far says: its probability for every row of the network."""

    proba: np.ndarray  # per row of the vectors it was fitted among (zero rows included)


def fit_model(vectors: np.ndarray, answered: Mapping[int, bool], mean: np.ndarray | None = None) -> Guess | None:
    """The pipeline `relevance train` fits (at its default C), on these answers, each row read alone; None until
    there is one of each answer. A guide at `train`'s C for rows alone (3) chose answers within noise of this one."""
    X, y = training_set(vectors, answered)
    if y.all() or not y.any():
        return None
    with one_thread():
        pipeline = build_pipeline(mean).fit(X, y)
        return Guess(np.asarray(pipeline.predict_proba(vectors)[:, 1]))


def cv_quality(
    vectors: np.ndarray,
    answered: Mapping[int, bool],
    mean: np.ndarray | None = None,
    seed: int = 0,
) -> float | None:
    """Cross-validated ROC-AUC of a model trained on these answers now; None with fewer than 3 of a kind.

    Pooled out-of-fold probabilities rather than a mean of per-fold scores: steadier with few answers.
    Fixed folds, so that a change means the answers changed, not the split. On actively chosen (hard) rows
    this under-estimates the quality on the whole network; its trend is what matters.
    """
    rows = np.fromiter(answered, dtype=np.intp, count=len(answered))
    y = np.fromiter(answered.values(), dtype=bool, count=len(answered))
    keep = has_vector(vectors[rows])
    rows, y = rows[keep], y[keep]
    fewest = min(int(y.sum()), int((~y).sum()))
    if fewest < 3:
        return None
    if len(y) > CV_ROWS:  # bulk mode can answer thousands at once: keep the estimate under a second
        keep = np.random.default_rng(seed).choice(len(y), CV_ROWS, replace=False)
        if min(y[keep].sum(), (~y[keep]).sum()) >= 3:
            rows, y, fewest = rows[keep], y[keep], min(int(y[keep].sum()), int((~y[keep]).sum()))
    folds = StratifiedKFold(n_splits=min(5, fewest), shuffle=True, random_state=seed)
    proba = np.zeros(len(y))
    with one_thread():
        for train, test in folds.split(rows, y):
            pipeline = build_pipeline(mean).fit(vectors[rows[train]], y[train])
            proba[test] = pipeline.predict_proba(vectors[rows[test]])[:, 1]
    return float(roc_auc_score(y, proba))
