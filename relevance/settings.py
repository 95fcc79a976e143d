"""The settings of a training: the person's limit and the procedure's knobs, in one frozen object.

Passed to ``relevance.training.train`` (and ``fit_bundle``) instead of module globals, so a benchmark tries a
setting by passing another value, and a model card can say what it was trained with.
"""

from __future__ import annotations

from dataclasses import dataclass

from relevance.features import DEFAULT_SIGNALS
from relevance.neighbours import DEFAULT_SMOOTHING, Smoothing
from relevance.removals import CONFIDENCE

# The person's default limit on the share of suggested removals that are their audience.
DEFAULT_MAX_WRONG_REMOVALS = 0.03


@dataclass(frozen=True)
class TrainingSettings:
    """How `relevance train` fits, judges and thresholds a model."""

    max_wrong_removals: float = DEFAULT_MAX_WRONG_REMOVALS
    # What the model may use beside the title (relevance.features.SIGNALS), each only where the export has the
    # data and the answers ask for it; ("title",) is the title-embedding-only model.
    signals: tuple[str, ...] = tuple(DEFAULT_SIGNALS)
    # Spread the title part of the scores over the network's nearest titles (relevance.neighbours); None: off.
    smoothing: Smoothing | None = DEFAULT_SMOOTHING
    # The logistic regression's inverse regularisation (0.1-30 moved held-out ROC-AUC by <= 0.02).
    C: float = 1.0
    # Out-of-fold ROC-AUC the other signals must add before the model uses them: with few answers a language or
    # an employer can line up with them by chance (measured: 24 answers turned a clear seller into a "no").
    signals_margin: float = 0.002
    # Smoothing stays unless the person's own answers rank worse with it by more than this out-of-fold ROC-AUC:
    # a network whose similar titles do not share answers scores each row on its own.
    smoothing_margin: float = 0.005
    # Above this calibrated probability a connection is more likely audience than not: keep it.
    keep_from: float = 0.5
    # The quantile of the wrong-removal estimate kept within max_wrong_removals (relevance.removals).
    confidence: float = CONFIDENCE
    seed: int = 0


# The settings `relevance train` uses unless told otherwise.
DEFAULT_SETTINGS = TrainingSettings()
