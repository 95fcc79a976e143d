"""Closeness to a "no": how near a connection's title lies to one the person answered "no", beside the model's say.

A linear model and its calibration give two rows with the same decision the same probability, whether the row's
title is nearly one the person already answered "no" ("Sales Manager" beside an answered "Sales Manager, Acme") or
like nothing they were asked about. Real networks repeat titles: 30,000 rows hold about 8,000 distinct ones. On
networks written like real ones the calibrated score overstated the audience among rows next to a "no" answer and
understated it among rows far from every answer, so a single threshold on it ends the list too early and fills it
with the wrong rows (a Polish HR trainer's 10 networks at 100 of the tool's answers: among the rows scored <= 0.1,
the score said 62 were her audience where 1 was, for the rows whose nearest answer had a centred cosine of 0.7 or
more, and 54 where 170 were, for the rows below 0.5).

So the decision gets one more term, weight x the row's centred cosine with its nearest "no" answer. The answers
decide the weight, on their out-of-fold decisions and each answer's closeness to the OTHER "no" answers: a
logistic fit with and without the term, kept only when it improves the fit by a likelihood-ratio test at 5%
(chi-squared, one degree of freedom) and when being near a "no" makes "yes" less likely (the other direction is
the ranking's business: an audience whose titles cluster), and then shrunk by how clearly they show it. Otherwise
the weight is 0 and nothing changes.

Measured by running `relevance train` and `score` again on 70 captured labelling paths (10 networks each of seven
personas, 100 of the tool's answers, the truth of the held-out rows known), against the same without it; runs
meeting issue 12's goal (>= 70% of the held-out non-audience listed, <= 3% of the list wrong, the estimate within 2
points), removal yield, ROC-AUC: realistic Polish 4 -> 7 of 10 (0.67 -> 0.76, 0.971 -> 0.974), Czech 9 -> 10 (0.74
-> 0.77, 0.978 -> 0.981), Kazakh 9 -> 10 (runs over the limit 1 -> 0), Nigerian 10 -> 10; on the ESCO personas,
whose held-out occupations lie far from every answer, a draw: trainer 0 -> 0 (yield 0.43 -> 0.45), Polish trainer
0 -> 0 (0.31 -> 0.32), Central/Eastern European 1 -> 1 (0.44 -> 0.41; runs over the limit 1 -> 1). In all, 33 -> 38
of 70. The weight unshrunk (``closeness_weight``) made 39, but cost the Polish trainer's lists 0.04 of yield and
put a Central/Eastern European run over the limit; fitted without the test (the term always in) it cost the ESCO
trainers 0.005 ROC-AUC and put more of their runs over the limit; fitted as an interaction (a slope that grows with
closeness) or as closeness to ANY answer it gained less on the realistic networks.
"""

from __future__ import annotations

import numpy as np

from relevance.alike import nearest_answers
from relevance.calibration import platt_targets
from relevance.linear import centre

# The likelihood-ratio statistic the term must reach: chi-squared with one degree of freedom at 5%.
SIGNIFICANT = 3.84
# A centred cosine this close to 1 is the same title.
SAME = 1.0 - 1e-5


def nearest_no(vectors: np.ndarray, answer_vectors: np.ndarray, answers: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Each row's centred cosine with the most similar answer that is a "no" (-1 with no "no" answer), as
    relevance.alike compares rows with answers (centred on the model's ``mean``, once per distinct title)."""
    noes = np.asarray(answer_vectors, dtype=np.float32)[~np.asarray(answers, dtype=bool)]
    if not len(noes):
        return np.full(len(vectors), -1.0)
    return nearest_answers(vectors, noes, mean, take=1)[1][:, 0].astype(np.float64)


def nearest_other_no(answer_vectors: np.ndarray, answers: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Each answer's centred cosine with the most similar OTHER answer that is a "no" (-1 if there is none): what
    ``nearest_no`` gives an unanswered row, for an answer the model did not see (its out-of-fold decision)."""
    vectors = centre(np.asarray(answer_vectors, dtype=np.float32), mean)
    noes = ~np.asarray(answers, dtype=bool)
    if not len(vectors):
        return np.zeros(0)
    if not noes.any():
        return np.full(len(vectors), -1.0)
    similarity = vectors @ vectors[noes].T
    # Not itself, nor another answer with its very title: answers the person gave while working through a list
    # repeat its titles, all "no", and would teach that any repeated title is a "no".
    similarity[similarity >= SAME] = -np.inf
    best = similarity.max(axis=1)
    return np.where(np.isfinite(best), best, -1.0)


def closeness_weight(decisions: np.ndarray, y: np.ndarray, closeness: np.ndarray) -> float:
    """The weight of closeness beside the out-of-fold ``decisions`` (on their scale), or 0.0 when the answers do
    not show that it helps: the logistic fit with it must beat the one without by SIGNIFICANT, with closeness to a
    "no" making "yes" less likely; shrunk towards 0 the nearer the fit's gain is to SIGNIFICANT."""
    d = np.asarray(decisions, dtype=np.float64)
    c = np.asarray(closeness, dtype=np.float64)
    y = np.asarray(y, dtype=int)
    if len(np.unique(y)) < 2 or np.ptp(c) == 0:
        return 0.0
    alone, _ = _logistic(d[:, None], y, y)
    both, _ = _logistic(np.column_stack([d, c]), y, y)
    # The weight itself from Platt's smoothed targets (relevance.calibration), as the calibration is fitted: answers
    # the two columns separate cleanly must not send it to infinity.
    _, (a, weight) = _logistic(np.column_stack([d, c]), y, platt_targets(y, np.ones(len(y))))
    gain = alone - both
    if gain < SIGNIFICANT or weight >= 0 or a <= 0:
        return 0.0
    # Shrunk by how clearly the answers show it (a positive-part shrinkage): a weight just past the test is mostly
    # noise, and all of it at once turned a 120-row list into 2,988 rows, 5% of them audience (50 answers).
    return float(weight / a * (1.0 - SIGNIFICANT / gain))


def _logistic(X: np.ndarray, y: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """(deviance of the answers ``y``, coefficients) of a logistic regression of ``target`` with an intercept, next
    to no regularisation (Newton's method, steps clipped; a tiny ridge keeps separable answers finite)."""
    X1 = np.column_stack([X, np.ones(len(X))])
    beta = np.zeros(X1.shape[1])
    ridge = 1e-4 * np.eye(X1.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(X1 @ beta)))
        gradient = X1.T @ (p - target) + ridge @ beta
        hessian = (X1 * (p * (1.0 - p))[:, None]).T @ X1 + ridge
        step = np.clip(np.linalg.solve(hessian, gradient), -2.0, 2.0)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    p = np.clip(1.0 / (1.0 + np.exp(-(X1 @ beta))), 1e-12, 1 - 1e-12)
    return float(-2.0 * (y * np.log(p) + (1 - y) * np.log(1 - p)).sum()), beta[:-1]
