"""The settings of a training: the person's limit and the procedure's knobs, in one frozen object.

Passed to ``relevance.training.train`` (and ``fit_bundle``) instead of module globals, so a benchmark tries a
setting by passing another value, and a model card can say what it was trained with.
"""

from __future__ import annotations

from dataclasses import dataclass

from relevance.errors import RelevanceError
from relevance.features import DEFAULT_SIGNALS
from relevance.neighbours import DEFAULT_SMOOTHING, Smoothing
from relevance.removals import CONFIDENCE

# The person's default limit on the share of suggested removals that are their audience.
DEFAULT_MAX_WRONG_REMOVALS = 0.03
# The limits a person may set (`relevance train --max-wrong-removals`, the app's page): under 0.1% no network gives
# a list; over half, "remove" no longer means "not my audience". relevance.cli.options repeats them (--help does
# not import numpy); tests/test_settings.py holds the two together.
LIMIT_BOUNDS = (0.001, 0.5)


def checked_limit(limit: object) -> float:
    """The person's limit as a share, or a RelevanceError naming the bounds (the app's page sends it as JSON)."""
    low, high = LIMIT_BOUNDS
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not low <= limit <= high:
        raise RelevanceError(f"the limit must be a share between {low:g} and {high:g} (0.03 is 3%)")
    return float(limit)


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
    # The same for a model that reads each row alone (smoothing off, or dropped by the smoothing check because the
    # answers say similar titles differ): it reads the answers more closely. Measured at 100 of the tool's answers
    # (chosen by the smoothed guide of the time, relevance.guess), 5 networks each, held-out ROC-AUC / removal recall
    # at 98% precision, C = 1 -> 3 -> 10: networks written as people write titles (decorated variants, a few titles
    # shared by dozens; smoothing dropped in all 20) Polish 0.909 / 0.50 -> 0.934 / 0.62 -> 0.948 / 0.64, Kazakh
    # 0.949 / 0.76 -> 0.973 / 0.87 -> 0.985 / 0.93, Czech 0.936 / 0.68 -> 0.949 / 0.72 -> 0.957 / 0.76; the gain is
    # on titles no answer has, not only on copies of answered ones. Where every held-out title is a new occupation
    # (ESCO labels; smoothing dropped in 10 of 25) a closer fit generalises worse: 3 costs 0.001 / 0.02 there on
    # average, 10 costs 0.004 / 0.06 (one network 0.843 / 0.40 -> 0.815 / 0.03).
    unsmoothed_C: float = 3.0
    # Out-of-fold ROC-AUC the other signals must add before the model uses them: with few answers a language or
    # an employer can line up with them by chance (measured: 24 answers turned a clear seller into a "no").
    signals_margin: float = 0.002
    # Smoothing stays unless the person's own answers rank worse with it by more than this out-of-fold ROC-AUC:
    # a network whose similar titles do not share answers scores each row on its own.
    smoothing_margin: float = 0.005
    # How far the decisions the calibration is fitted on move from each answer's out-of-fold decision towards the
    # full fit's own (relevance.training): 0 out of fold, 1 the full fit's. Out of fold alone overstates the audience
    # among the surest removals: `relevance label` picks answers that stand alone (the diverse ones, the first of a
    # kind), and without itself such an answer scores like the network's middle, where the population's rows like it
    # get the full fit's knowledge of it. Measured (scripts/bench_removals.py, 70 captured trainings, 10 networks of
    # each goal persona at 100 of the tool's answers; 0 / 0.25 / 0.5 / 1): runs meeting issue 12's goal 30 / 38 /
    # 39 / 46, runs over the 3% limit 3 / 8 / 10 / 13 (the threshold's confidence of 0.85 allows about 10), the
    # estimate more than 2 points off 3 / 4 / 7 / 11; on the networks 5-9 alone (not looked at while choosing
    # the values tried) 14 / 19 / 20 / 21 and 3 / 5 / 6 / 7. Tried and not kept: a share per answer from how near
    # the unanswered rows it is the nearest answer of lie to it, against its own nearest other answer (0: no nearer,
    # 1: copies). On the ESCO trainers' networks the unanswered rows lie no nearer their nearest answer than the
    # answers lie to each other (median centred cosine 0.33-0.37 against 0.35-0.41), so their share fell to ~0.05 and
    # their lists lost 0.07-0.21 of yield (2 networks of each goal persona); the realistic ones came out at 0.25-0.37
    # and lost 0.003-0.017.
    full_fit_share: float = 0.25
    # Above this calibrated probability a connection is more likely audience than not: keep it.
    keep_from: float = 0.5
    # The quantile of the wrong-removal estimate kept within max_wrong_removals (relevance.removals).
    confidence: float = CONFIDENCE
    seed: int = 0

    def regularisation(self, smoothed: bool) -> float:
        """The logistic regression's C for a model smoothed over the network or reading each row alone."""
        return self.C if smoothed else self.unsmoothed_C


# The settings `relevance train` uses unless told otherwise.
DEFAULT_SETTINGS = TrainingSettings()
