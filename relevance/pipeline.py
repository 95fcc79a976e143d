"""The classifier: one scikit-learn pipeline from connection vectors to "in my audience" probabilities.

Shared by training (`relevance.training`) and by choosing what to label next (`relevance.sampling`), so the
labeller's guesses come from the same model the user will train. A fitted one is kept and scored as plain arrays
(``relevance.linear.LinearModel``).

Tried and not kept: reading a title as its closeness to each answered title (an RBF kernel on the centred unit
vectors, exp(-2 gamma (1 - cosine)), one logistic-regression weight per answer, C 10), in place of this model or
beside it, chosen by the answers' cross-validation as the smoothing is. Offline, on the title vectors alone, a kernel
SVM had ranked the realistic networks better than the whole tool (Polish HR trainer ROC-AUC 0.974 -> 0.983). In the
tool (scripts/bench_removals.py, 35 captured trainings at 100 of the tool's answers, gamma 1) held-out ROC-AUC moved
-0.003 to +0.002 by persona and the removal yield within noise; gamma 3 lost 0.004-0.06. The smoothing, the
language offsets and the closeness to the "no" answers (relevance.closeness) already read the titles locally.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from relevance.linear import centre


class CentreOnNetwork(TransformerMixin, BaseEstimator):
    """Subtract the mean vector of the person's whole network, then L2-normalise again.

    The mean comes from every connection, labelled or not (no labels needed), so it is a parameter, not
    something learnt from the training rows. Measured: a small, consistent gain in ROC-AUC.
    """

    def __init__(self, mean: np.ndarray | None = None) -> None:
        self.mean = mean

    def fit(self, X: np.ndarray, y: object = None) -> CentreOnNetwork:
        self.mean_ = np.asarray(X, dtype=np.float32).mean(axis=0) if self.mean is None else self.mean
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return centre(X, self.mean_)


def build_pipeline(network_mean: np.ndarray | None = None, C: float = 1.0, extra: int = 0) -> Pipeline:
    """Centre on the network, then a class-balanced logistic regression.

    ``extra`` > 0: the input is [title vector | ``extra`` signal columns] (``relevance.features``); only the
    title part is centred, the signal columns (already weighted down) pass through, and one regularised
    regression weighs both from the labels. ``extra=0`` is the title-only pipeline, unchanged.
    """
    classify = LogisticRegression(class_weight="balanced", C=C, max_iter=1000)
    if not extra:
        return Pipeline([("centre", CentreOnNetwork(mean=network_mean)), ("classify", classify)])
    blocks = ColumnTransformer(
        [
            ("title", CentreOnNetwork(mean=network_mean), slice(0, -extra)),
            ("signals", "passthrough", slice(-extra, None)),
        ]
    )
    return Pipeline([("features", blocks), ("classify", classify)])


def one_thread() -> threadpool_limits:
    """For the many small fits of labelling and cross-validation: BLAS/OpenMP threads fighting over a busy
    2-core CPU made them many times slower (measured 15x on 40 answers; `train` on 500 answers of 30,000 rows
    5.0 s -> 2.7 s under load 2). Big matrix products (the neighbour search) keep their threads."""
    return threadpool_limits(limits=1)
