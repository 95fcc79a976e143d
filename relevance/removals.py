"""How many to remove: the removal threshold, and how many of those removals may be the person's audience.

The estimate is about the NETWORK, not the labelled rows: `relevance label` asks mostly where the model is
unsure, so the share of "yes" among the answers says little about the easy rows the model would remove. The
calibration P(yes | score) survives a choice of rows that depends on the score, so the expected share of "yes"
among the network's rows at or below a threshold is the mean of their calibrated probabilities; refitting the
calibration on bootstrap resamples of the answers gives its uncertainty. That model-based estimate is the main
estimator: on benchmark networks it tracked the realised share within about a point, where a uniform sample of
40 checks has a standard deviation of two points around a 2% rate.

Answers drawn at random from the network or from the removal list (``picked`` random / check) then test the
calibration instead of vetoing the list: among them, the number of "yes" at or below the threshold is compared
with the number the model expected for those very rows. Where they found more, the estimate is scaled up by
their ratio (with a prior worth two expected "yes", so one surprise among few checks moves it, but not wildly)
and the threshold moves down with it. Where they found fewer, the estimate is scaled down only as far as the
CONFIDENCE quantile of that ratio allows (a Gamma posterior): a few clean checks never widen a list, but the
hundreds of answers a person gives while working through it (``removed`` / ``kept`` in `relevance app`) do —
Platt's logistic tail overestimates the share of audience among the surest removals on networks the model
reads well (measured: 3.4% estimated where 1-2% were), and only answers from that tail can show it.

Working through the list, measured (scripts/bench_removals.py --work-through 100: the first 100 rows of each list
acted on, surest first, retrained every 25, on 70 networks of the goal personas at 100 of the tool's answers):
all 7,000 were "removed", none kept; the lists grew (yield +0.02 to +0.08 by persona), the estimate came down to
the realised rate (1.66% estimated for 0.82% realised; then 1.45% for 1.23%), and runs over the 3% limit went from
5 to 9 of 70, nearer the 15% the threshold's confidence allows. The same with those answers testing nothing here,
or left out of the calibration: the model they retrain does it, not this test.

The threshold keeps the CONFIDENCE quantile of the estimate within the person's limit, and the figure shown is
the best guess with its range: a threshold set where the best guess touches the limit would land the truth on
either side of it half the time.

How far any threshold rule can go, measured on the same 70 networks at 100 of the tool's answers (this function
run again on each training's own inputs, the held-out rows' truth known): with the calibration replaced by Platt's
curve fitted on the held-out rows' truth itself, and the answers' bootstrap spread around it, issue 12's goal
(70% of the non-audience at <= 3% wrong, the estimate within 2 points) is met by the ESCO trainer in 6 of 10
networks, the Central/Eastern European one in 3, the Polish one in 0, at a confidence of 0.85 or 0.5; the answers'
own curve meets it in 0, 1 and 1. A threshold that knew every row's truth reaches 70% at <= 3% in 10, 6 and 6 of
10. Even the truth's logistic curve has the wrong shape there: with MOST_LIKELY_TIMES_LIMIT the ESCO trainer's list
stops at 1.3% realised (yield 0.71 at confidence 0.5); without it the list runs on to 3.8% realised where the curve
said 2.7% (6 of 10 over the limit, 4 meeting the goal). On the realistic Polish and Czech networks the truth's curve
would pass (8 and 10 of 10): there it is the answers that tilt the curve. Trading confidence for length gets no
further: the labeller's own picks weighted down against the random ones (they hold 1.5-2 times the "yes" the
truth's curve gives their scores where it says 5-15%) lengthen the ESCO lists (+0.04 to +0.11 yield at a quarter)
only as the runs over the limit grow (8 -> 11 of 70). Nor is it the logistic family: a beta calibration (a slope of
its own for each tail) fitted on the held-out truth lists the same rows as Platt's fitted there (the list ending where
its own estimate reaches the limit, under MOST_LIKELY_TIMES_LIMIT: goal met in 5 and 5 ESCO trainer networks, 4 and 3
Central/Eastern European, 1 and 0 Polish). At 100 answers those networks need a better ranking, not a better curve.

At 50 answers (the same labelling paths, their first 50 answers) 7 of the 20 Polish and Central/Eastern European
networks get no list: the answers are the hard ones (ROC-AUC 0.69-0.82 among them, out of fold), so their curve is
flat, slope 3-6 over decisions spread -0.8..0.4, and puts even the network's lowest rows at 2-6% audience (the ESCO
trainer: 1 of 10). Only more answers steepen it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relevance.calibration import apply_platt, fit_platt, platt_draws
from relevance.metrics import RANGE, Estimate

# The threshold keeps this quantile of the wrong-removal estimate (over bootstrap refits of the calibration,
# scaled by the checks) within the person's limit; chosen with relevance.calibration's TARGET_PRIOR (measured there).
CONFIDENCE = 0.85
# Bootstrap refits of the calibration behind the estimate and its range.
CALIBRATION_DRAWS = 200
# The estimate averages over at most this many network rows (a random subset beyond): plenty for a mean.
POPULATION_ROWS = 20_000
# The checks' prior, in expected "yes": their ratio of found to expected is (found + PRIOR) / (expected + PRIOR).
PRIOR = 2.0
# The smallest removal list worth promising answers for (a share of the network), and the most answers promised.
# ``more_answers`` counts only the range narrowing; the model also learns from the answers, which it cannot
# foresee. Measured (scripts/bench_accuracy.py, 15 labelling paths of the three ESCO trainers, 25 to 150 of the
# tool's answers): of 7 runs with no list or a short one that it gave 60 to 500 more answers for, 6 had a list
# 25 to 50 answers later (4 at the next 25); one's list stayed short at 50 more. So at most a step of 50, and
# train again.
MIN_LIST = 0.05
MAX_MORE = 50
# The list never takes in a row the model thinks more than this many times as likely as the limit to be the
# person's audience (9% at the default 3%, never above even odds), however far below the limit the surer removals
# before it keep the list's average. Without it a network the model reads well, thousands of rows near 0, let the
# list run on to rows it scored 0.95-0.999: "Remove at score <= 0.999" (a first-time user's Polish network, where
# two of those were her audience), thresholds 0.90-0.96 on the Nigerian persona. Measured on 35 captured trainings
# at 100 of the tool's answers (scripts/bench_accuracy.py's networks, the truth known): runs meeting issue 12's goal
# 19 -> 22, over the limit 2 -> 1, estimate more than 2 points off 3 -> 1 (2x: 19, 1, 1; 5x: 20, 2, 2).
MOST_LIKELY_TIMES_LIMIT = 3.0
# Above this calibration slope the model orders rows at all; below it, every row gets the base rate.
MIN_SLOPE = 1e-4
# Scores are shown to this many places (scored.csv, the report, the app), and the threshold with them. The list is
# decided on the score as shown and the threshold is a shown score: with an exact threshold, a row shown at 0.090
# stayed in review under "Remove at score <= 0.090" (its score 0.08996, the threshold 0.089786).
SHOWN_PLACES = 3


def shown(scores: np.ndarray | float) -> np.ndarray:
    """Scores as they are shown, and as the thresholds are compared with them."""
    return np.round(np.asarray(scores, dtype=np.float64), SHOWN_PLACES)


def shown_one(score: float) -> float:
    """One score as ``shown`` rounds it (numpy's way: scaled, then half to even), without numpy's per-call cost:
    np.round row by row took 0.17 s of a 30,000-row `relevance score`, twice."""
    scale = 10**SHOWN_PLACES
    return round(score * scale) / scale


@dataclass(frozen=True)
class CheckTest:
    """What the answers drawn at random said about the rows at or below the threshold."""

    answers: int  # representative answers (random or check) scored at or below the threshold
    yes: int  # of which the person said "yes"
    expected: float  # the "yes" the model expected among those same rows
    factor: float  # the model's estimate was scaled by this (1.0: the answers agreed with it)

    @property
    def disagreed(self) -> bool:
        return self.factor > 1.0

    @property
    def lowered(self) -> bool:
        return self.factor < 1.0


@dataclass(frozen=True)
class Removals:
    """The removal threshold (a calibrated score of the final model, or None) and what it means for the network."""

    threshold: float | None
    wrong_removals: Estimate  # share of the suggested removals that are "yes": best guess and range
    missed: Estimate  # share of the network's "no" rows not suggested
    removed: float  # share of the network's rows suggested
    checks: CheckTest | None = None
    more_answers: int | None = None  # with no list or a short one: about how many more answers may lengthen it

    @classmethod
    def none(cls, checks: CheckTest | None = None, more_answers: int | None = None) -> Removals:
        return cls(None, Estimate(0.0, 0.0, 0.0), Estimate(1.0, 1.0, 1.0), 0.0, checks, more_answers=more_answers)


def plan_removals(
    population: np.ndarray,
    decisions: np.ndarray,
    y: np.ndarray,
    limit: float,
    *,
    weights: np.ndarray | None = None,
    representative: np.ndarray | None = None,
    rescale: tuple[float, float] = (1.0, 0.0),
    seed: int = 0,
    confidence: float = CONFIDENCE,
    unlisted: np.ndarray | None = None,
) -> Removals:
    """The highest score to suggest removal at, judged over the network's own rows (one vectorised pass).

    ``population``: the final model's decisions on the network's unlabelled rows; ``decisions``/``y``: the
    answers' out-of-fold decisions and answers, on the scale ``slope * population + intercept`` (``rescale``);
    ``weights``: how much each answer stands for the network (``calibration.representativeness``);
    ``representative``: the answers drawn at random (from the network or from the removal list), which test
    the calibration. The threshold is the highest whose ``confidence`` quantile of the estimate stays within
    ``limit``; none when the calibration has no slope (the model orders nothing). ``unlisted``: the final
    model's decisions on rows it may never suggest removing (relevance.unread, relevance.alike): their "no" rows
    count as missed.
    """
    y = np.asarray(y, dtype=int)
    d = np.asarray(decisions, dtype=np.float64)
    rng = np.random.default_rng(seed)
    values = np.asarray(population, dtype=np.float64)
    share = min(1.0, POPULATION_ROWS / len(values)) if len(values) else 1.0  # of the rows the estimate reads
    if len(values) > POPULATION_ROWS:
        values = rng.choice(values, POPULATION_ROWS, replace=False)
    ranked = np.sort(values)
    if not len(ranked):
        return Removals.none()
    fitted = platt_draws(d, y, CALIBRATION_DRAWS + 1, weights=weights, seed=seed)
    fitted[0] = fit_platt(d, y, weights)  # row 0: the fit on every answer, the rest bootstrap refits
    if fitted[0, 0] <= MIN_SLOPE:
        return Removals.none()
    slope, intercept = rescale
    on_folds = slope * ranked + intercept  # the population on the answers' decision scale
    p = 1.0 / (1.0 + np.exp(-(fitted[:, :1] * on_folds + fitted[:, 1:])))
    wrong = np.cumsum(p, axis=1) / np.arange(1, len(ranked) + 1)
    factor, found, expected, answers = _check_factors(on_folds, d, y, representative, fitted[0], confidence)
    model_upper = np.quantile(wrong[1:], confidence, axis=0)
    upper = model_upper * factor
    on_show = shown(p[0])
    distinct = np.append(on_show[1:] > on_show[:-1], True)  # a threshold cannot split rows shown at one score
    likely = on_show <= most_likely(limit)  # no one the model thinks too likely to be the person's audience
    allowed = np.flatnonzero((upper <= limit) & distinct & likely)
    # What the checks said about the list the model alone would have made: the test they passed or failed.
    by_model = np.flatnonzero((model_upper <= limit) & distinct)
    t = int(by_model[-1]) if by_model.size else 0
    tested = CheckTest(int(answers[t]), int(found[t]), float(expected[t]), float(factor[t]))
    if not allowed.size:
        more = more_answers(wrong[0] * factor, upper, limit, len(y))
        return Removals.none(tested if representative is not None and representative.any() else None, more)
    k = int(allowed[-1])
    no = 1.0 - p
    left = np.zeros(len(p))
    if unlisted is not None and len(unlisted):
        on_unlisted = slope * np.asarray(unlisted, dtype=np.float64) + intercept
        left = share * (1.0 - 1.0 / (1.0 + np.exp(-(fitted[:, :1] * on_unlisted + fitted[:, 1:])))).sum(axis=1)
    missed = 1.0 - no[:, : k + 1].sum(axis=1) / (no.sum(axis=1) + left)
    # A list shorter than MIN_LIST of the network: say how many more answers may lengthen it, as for no list.
    short = (k + 1) / len(ranked) < MIN_LIST
    return Removals(
        threshold=float(on_show[k]),
        wrong_removals=_estimate(wrong[:, k] * factor[k]),
        missed=_estimate(missed),
        removed=(k + 1) / len(ranked),
        checks=tested if representative is not None and representative.any() else None,
        more_answers=more_answers(wrong[0] * factor, upper, limit, len(y)) if short else None,
    )


def most_likely(limit: float) -> float:
    """The highest probability of being the person's audience a suggested removal may have (``limit``: the share of
    the list they accept being their audience)."""
    return min(MOST_LIKELY_TIMES_LIMIT * limit, 0.5)


def more_answers(point: np.ndarray, upper: np.ndarray, limit: float, answers: int) -> int | None:
    """About how many more answers would bring a removal list of at least MIN_LIST of the network (at most
    MAX_MORE: a step, then train again), or None when even the best guess is over the limit there. The range
    narrows like one over the square root of the answers."""
    start = max(int(MIN_LIST * len(point)) - 1, 0)
    room = limit - point[start:]
    gap = upper[start:] - point[start:]
    ok = room > 0.2 * limit
    if not ok.any():
        return None
    needed = answers * (gap[ok] / room[ok]) ** 2
    more = float(np.min(needed)) - answers
    return int(min(MAX_MORE, max(10, 10 * np.ceil(more / 10))))


def _check_factors(
    thresholds: np.ndarray,
    d: np.ndarray,
    y: np.ndarray,
    representative: np.ndarray | None,
    calibration: np.ndarray,
    confidence: float = CONFIDENCE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each threshold (sorted, answers' decision scale): how much the representative answers at or below
    it scale the model's estimate, with the "yes" they found, the "yes" the model expected, and their count.

    Up: by (found + PRIOR) / (expected + PRIOR). Down: only to the ``confidence`` quantile of the ratio's Gamma
    posterior (shape found + PRIOR, rate expected + PRIOR), so it takes many answers finding fewer "yes" than
    expected (300 removals expecting 9 and finding 2: ×0.49), not a few (10 checks expecting 0.9, finding 0: ×1)."""
    zeros = np.zeros(len(thresholds))
    if representative is None or not np.asarray(representative).any():
        return np.ones(len(thresholds)), zeros, zeros, zeros
    mask = np.asarray(representative, dtype=bool)
    order = np.argsort(d[mask], kind="stable")
    scores, answers = d[mask][order], y[mask][order]
    p = apply_platt(scores, (float(calibration[0]), float(calibration[1])))
    below = np.searchsorted(scores, thresholds, side="right")  # representative answers at or below each
    found = np.append(0, np.cumsum(answers))[below].astype(float)
    expected = np.append(0.0, np.cumsum(p))[below]
    shape, rate = found + PRIOR, expected + PRIOR
    from scipy.special import gammaincinv  # training only: importing scipy would slow every `relevance score`

    cautious = np.minimum(1.0, gammaincinv(shape, confidence) / rate)
    factor = np.where(found > expected, shape / rate, cautious)
    return factor, found, expected, below.astype(float)


def _estimate(values: np.ndarray) -> Estimate:
    """Row 0 is the point estimate, the rest are bootstrap draws."""
    low, high = np.percentile(values[1:], RANGE)
    return Estimate(float(values[0]), float(min(low, values[0])), float(max(high, values[0])))


def expected_wrong(removals: int, rate: Estimate) -> tuple[int, int, int]:
    """(about, likely low, likely high) people in the audience among ``removals`` suggested, at ``rate``."""
    return round(removals * rate.value), int(np.floor(removals * rate.low)), int(np.ceil(removals * rate.high))
