"""The training procedure: from an export and the person's answers to a bundle with honest numbers.

1. Cross-validate on the answers (repeated 10-fold): with and without the signals beside the title, smoothed
   over the network or not; the answers decide which (``TrainingSettings``' margins).
2. Calibrate the out-of-fold decisions, each moved a quarter of the way towards the final fit's own
   (``TrainingSettings.full_fit_share``) and weighted towards where the network's rows lie, and carry the
   calibration over to the final fit on every answer.
3. Choose the removal threshold over the network's unlabelled rows (``relevance.removals``).
4. Write it all on the model card (``relevance.card``).
"""

from __future__ import annotations

import math
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

import numpy as np

from relevance.alike import most_alike_is_yes, nearest_answers
from relevance.bundle import Bundle, Examples
from relevance.calibration import apply_platt, fit_platt, representativeness, rescaling, transfer
from relevance.card import ModelCard, Thresholds
from relevance.closeness import closeness_weight, nearest_no, nearest_other_no
from relevance.embed import DEFAULT_CACHE, Embedder, VectorCache, embed_connections, embedding_text, has_vector
from relevance.errors import ModelError
from relevance.features import TITLE_ONLY, Featurizer
from relevance.groups import held_back, title_keys
from relevance.io import Export
from relevance.labels import DRAWN_AT_RANDOM, SPARED, Labels
from relevance.language_offsets import (
    LanguageOffsets,
    embedder_offsets,
    language_matters,
    offsets_note,
    title_languages,
)
from relevance.linear import LinearModel, network_mean
from relevance.metrics import CV_REPEATS, MIN_PER_CLASS, CrossFit, Estimate, auc, cross_fitted, cv_folds, evaluate
from relevance.neighbours import Neighbourhood
from relevance.network import fingerprint
from relevance.pipeline import build_pipeline, one_thread
from relevance.progress import Progress
from relevance.records import Connection
from relevance.removals import Removals, plan_removals, shown
from relevance.settings import DEFAULT_MAX_WRONG_REMOVALS, DEFAULT_SETTINGS, TrainingSettings
from relevance.unread import reads_languages, unread

# Answers that test the calibration (relevance.removals), picked by chance or by the score alone, never for the
# model's doubt (relevance.labels.PICKED): drawn at random from the network or from the removal region, and the
# answers given while working through the removal list in `relevance app` (removed: no; kept after all: yes;
# kept though not the audience: no), the one plentiful source of answers from the tail the estimate is about.
REPRESENTATIVE = DRAWN_AT_RANDOM | {"removed", "kept", SPARED}


@dataclass
class TrainResult:
    """A trained bundle, and what about the labels the user should hear."""

    bundle: Bundle
    unreadable: list[str]  # label values meaning neither yes nor no


def describe(connection: Connection) -> str:
    """How a connection is shown in reasons: its title, and the company if there is one."""
    return ", ".join(part for part in (connection.title, connection.company) if part)


def check_label_counts(yes: int, no: int) -> None:
    """Refuse to train on too few or one-sided answers, saying what to do."""
    short = [(count, kind) for count, kind in ((yes, "yes"), (no, "no")) if count < MIN_PER_CLASS]
    if short:
        # both kinds named when both are short: "3 'yes' answers" alone read as if the 3 'no' were enough
        have = " and ".join(f"{count} '{kind}' answer{'s' if count != 1 else ''}" for count, kind in short)
        # How many more the answers' mix so far takes (a kind not met yet says nothing about its share). Likely fewer:
        # from 20 answers `relevance label` asks where the model is unsure, where "yes" is likelier than at first.
        more = max(math.ceil((MIN_PER_CLASS - count) * (yes + no) / count) for count, _ in short) if yes and no else 0
        about = f", about {more:,} more at the mix of your answers so far" if more else ""
        raise ModelError(
            f"you have {have} ({yes} yes, {no} no); label at least {MIN_PER_CLASS} of each{about} — "
            "`relevance label` picks the ones that help most"
        )


@dataclass
class _Inputs:
    """The answers and the network's other rows as the pipeline reads them."""

    vectors: np.ndarray  # the answers' title vectors
    y: np.ndarray
    network: np.ndarray  # the whole network's mean vector
    others: np.ndarray  # the unlabelled rows' title vectors (may be empty)
    block: np.ndarray | None  # the answers' signal columns
    others_block: np.ndarray | None
    hood: Neighbourhood | None  # the answers' rows then the others', for smoothing

    def X(self, signals: bool) -> np.ndarray:
        return self.vectors if not signals or self.block is None else np.hstack([self.vectors, self.block])

    def population(self, signals: bool) -> np.ndarray:
        """The rows the threshold is about: the unlabelled rows, or the answers themselves without them."""
        if not len(self.others):
            return self.X(signals)
        if not signals or self.others_block is None:
            return self.others
        return np.hstack([self.others, self.others_block])

    def everyone(self, signals: bool) -> np.ndarray | None:
        """The signal columns of the answers' rows then the others' (for smoothed decisions)."""
        if not signals or self.block is None:
            return None
        if not len(self.others) or self.others_block is None:
            return self.block
        return np.vstack([self.block, self.others_block])


def fit_bundle(
    vectors: np.ndarray,
    answers: np.ndarray,
    network: np.ndarray,
    *,
    embedder: Embedder,
    ids: list[str],
    texts: list[str],
    settings: TrainingSettings = DEFAULT_SETTINGS,
    population: np.ndarray | None = None,
    featurizer: Featurizer | None = None,
    block: np.ndarray | None = None,
    population_block: np.ndarray | None = None,
    picked: Sequence[str] | None = None,
    offsets: LanguageOffsets | None = None,
    removable: np.ndarray | None = None,
    population_titles: np.ndarray | None = None,
) -> Bundle:
    """Fit on labelled vectors; judge and calibrate on out-of-fold predictions; choose the thresholds.

    Long on purpose: one straight sequence of steps (each a call) ending in the model card, whose fields read
    best in one place.

    ``network`` is the mean vector of the whole network (labels not needed, so no leakage into the folds).
    ``population``: the network's unlabelled rows, built like ``vectors``; the removal threshold and the
    wrong-removal estimate are about them (labels chosen by `relevance label` do not represent the network).
    Without it the labelled rows stand in, which is only honest for labels drawn at random.
    ``featurizer`` (fitted on the whole network) adds the other signals: ``block`` and ``population_block``
    are its rows for the labelled and the population rows. ``picked``: why each answer was asked
    (relevance.labels.PICKED); the answers drawn at random test the calibration. ``offsets``: the language
    offsets already taken out of every vector given (relevance.language_offsets), kept in the bundle.
    ``removable``: which population rows the model may suggest removing (relevance.unread: not a title in a
    language the embedder was not trained on; relevance.alike: not a connection whose most similar answer is a
    "yes"); the threshold and its estimate are about those alone. ``population_titles``: each population row's
    title as ``relevance.groups.title_keys`` numbers it, to count the list's rows `relevance score` will hold back
    as title groups.
    """
    y = np.asarray(answers, dtype=int)
    check_label_counts(int(y.sum()), int(len(y) - y.sum()))
    vectors = np.asarray(vectors, dtype=np.float32)
    others = np.zeros((0, vectors.shape[1]), np.float32) if population is None else np.asarray(population, np.float32)
    width = 0 if featurizer is None else featurizer.width
    if width:
        _check_block(block, len(vectors), width)
        if len(others):
            _check_block(population_block, len(others), width)
    hood = _neighbourhood(vectors, others, network, settings)
    inputs = _Inputs(vectors, y, network, others, block if width else None, population_block if width else None, hood)
    plan = _fit_and_plan(inputs, width, settings, picked, removable, population_titles)
    fit, signals, smoothed, removals = plan.fit, plan.signals, plan.smoothed, plan.removals
    offered, featurizer = featurizer, featurizer if signals else None
    oof_calibration, rescale, listable = plan.calibration, plan.rescale, plan.listable
    held, missed = plan.held, removals.missed
    if held:
        # The share of the non-audience the list holds shrinks with it (its rows are nearly all non-audience).
        kept = 1.0 - held / max(plan.listed, 1)
        missed = Estimate(*(1.0 - (1.0 - v) * kept for v in (missed.value, missed.low, missed.high)))
    # The card's cross-validated figures are the model's own: its decisions alone, calibrated alone (closeness's
    # weight was chosen on these same answers, so its share is left out of them).
    scores = apply_platt(fit.decisions, fit_platt(fit.decisions, y, representativeness(fit.decisions, fit.others)))
    card = ModelCard(
        embedder=embedder.name,
        dim=int(embedder.dim),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        signals_requested=tuple(TITLE_ONLY if offered is None else offered.signals_),
        signals_used=tuple(TITLE_ONLY if featurizer is None else featurizer.used_),
        signal_columns=width if signals else 0,
        labels_yes=int(y.sum()),
        labels_no=int(len(y) - y.sum()),
        smoothing=settings.smoothing if smoothed else None,
        smoothing_check=plan.smoothing_check,
        metrics={
            name: estimate.rounded()
            for name, estimate in {
                **evaluate(scores, y, seed=settings.seed),
                "wrong_removals": removals.wrong_removals,
                "missed": missed,
            }.items()
        },
        thresholds=Thresholds(
            remove_at_or_below=removals.threshold,  # a score as shown (relevance.removals.shown)
            keep_from=max(settings.keep_from, removals.threshold or 0.0),
            max_wrong_removals=settings.max_wrong_removals,
            confidence=settings.confidence,
            rows=int(np.count_nonzero(listable)),
            removed_share=round(removals.removed, 6),  # 4 digits were a row off at 15,000 rows
            checks=removals.checks,
            more_answers=removals.more_answers,
            held_groups=held,
        ),
        calibration=transfer(oof_calibration, rescale),
        closeness=plan.closeness,
        evaluation=f"{cv_folds(y)}-fold cross-validation, {CV_REPEATS} repeats",
        versions=_versions(),
        out_of_fold_scores=tuple(round(float(v), 4) for v in scores),
        out_of_fold_labels=tuple(int(v) for v in y),
    )
    examples = Examples(ids=list(ids), texts=list(texts), answers=y.astype(bool), vectors=vectors)
    return Bundle(LinearModel.from_pipeline(plan.pipeline), examples, card, featurizer, offsets or None)


# The labeller's outlook reads at most this many unanswered rows (a random subset beyond): plenty to tell whether
# there would be a list, in well under a second (`fit_bundle` on a 33,000-row population took 2.4 s on two cores).
OUTLOOK_ROWS = 5_000


@dataclass(frozen=True)
class Outlook:
    """What `relevance train` would suggest removing with the answers so far (``removal_outlook``), or what the
    latest training did (relevance.app)."""

    listed: int  # the connections it would list (0: no removal list)
    held: int = 0  # of them, those `relevance score` would hold back as title groups
    more_answers: int | None = None  # with no list: about how many more answers may make one
    limit: float = DEFAULT_MAX_WRONG_REMOVALS  # the person's limit it was made at

    @property
    def has_list(self) -> bool:
        return self.listed > self.held


def removal_outlook(
    vectors: np.ndarray,
    answers: np.ndarray,
    network: np.ndarray,
    population: np.ndarray,
    picked: Sequence[str] | None = None,
    population_titles: np.ndarray | None = None,
    settings: TrainingSettings = DEFAULT_SETTINGS,
) -> Outlook:
    """What `relevance train` would suggest removing with these answers now: the same model choice, calibration,
    threshold and title groups as ``fit_bundle``, quicker: on the titles alone, every row listable, over at most
    OUTLOOK_ROWS of the ``population`` (the unanswered rows' vectors; ``population_titles``: their titles as
    relevance.groups.title_keys numbers them). No list with fewer than MIN_PER_CLASS answers of a kind. The
    labeller asks it before it says that now is a good time to train."""
    y = np.asarray(answers, dtype=int)
    if min(int(y.sum()), int(len(y) - y.sum())) < MIN_PER_CLASS:
        return Outlook(0, limit=settings.max_wrong_removals)
    vectors = np.asarray(vectors, dtype=np.float32)
    others = np.asarray(population, dtype=np.float32)
    titles = population_titles
    if len(others) > OUTLOOK_ROWS:
        keep = np.random.default_rng(settings.seed).choice(len(others), OUTLOOK_ROWS, replace=False)
        others, titles = others[keep], None if titles is None else np.asarray(titles)[keep]
    inputs = _Inputs(vectors, y, network, others, None, None, _neighbourhood(vectors, others, network, settings))
    # As `train`: a connection whose most similar answer is a "yes" is never on the list (relevance.alike).
    removable = ~most_alike_is_yes(others, vectors, y.astype(bool), network)
    plan = _fit_and_plan(inputs, 0, settings, picked, removable, titles)
    return Outlook(plan.listed, plan.held, plan.removals.more_answers, settings.max_wrong_removals)


@dataclass(frozen=True)
class _Plan:
    """The fitted model and the removal threshold it allows: what `fit_bundle` builds a bundle from."""

    fit: CrossFit  # the cross-validation kept (relevance.metrics.cross_fitted)
    closeness: float  # the weight of closeness to a "no" answer in the full fit's decisions (relevance.closeness)
    signals: bool  # the other signals are used
    smoothed: bool  # decisions are smoothed over the network's nearest titles
    smoothing_check: dict[str, float] | None
    pipeline: Any  # the full fit on every answer
    calibration: tuple[float, float]  # Platt's, on the out-of-fold decisions with closeness
    rescale: tuple[float, float]  # from the full fit's decisions to the fold models'
    listable: np.ndarray  # which population rows may be suggested for removal
    removals: Removals
    listed: int  # the population rows at or below the threshold that may be listed
    held: int  # of them, those `relevance score` will hold back as title groups (relevance.groups)


def _neighbourhood(
    vectors: np.ndarray, others: np.ndarray, network: np.ndarray, settings: TrainingSettings
) -> Neighbourhood | None:
    """The answers' rows then the others', for smoothing; None when the settings do not smooth."""
    if settings.smoothing is None:
        return None
    return Neighbourhood(np.vstack([vectors, others]), network, settings.smoothing)


def _fit_and_plan(
    inputs: _Inputs,
    width: int,
    settings: TrainingSettings,
    picked: Sequence[str] | None,
    removable: np.ndarray | None,
    population_titles: np.ndarray | None,
) -> _Plan:
    """Choose and fit the model, calibrate it out of fold, set the removal threshold over the population, and count
    the rows the list would hold back as title groups."""
    y = inputs.y
    fit, signals, smoothed, smoothing_check = _choose_model(inputs, width, settings)
    decide = _decider(inputs.hood if smoothed else None, inputs.everyone(signals), len(inputs.others))
    # Closeness to a "no" answer (relevance.closeness), when the answers show it matters: the decisions that are
    # calibrated and thresholded get its term; the card's cross-validated metrics stay the model's alone.
    near_answers = nearest_other_no(inputs.vectors, y, inputs.network)
    closeness = closeness_weight(fit.decisions, y, near_answers)
    near_others = np.zeros(len(fit.others))  # with no weight, no need to compare 30,000 rows with the answers
    if closeness:
        # with no unlabelled rows the answers stand in for the population (``_Inputs.population``)
        has_others = len(inputs.others) > 0
        near_others = nearest_no(inputs.others, inputs.vectors, y, inputs.network) if has_others else near_answers
    with one_thread():
        pipeline = build_pipeline(inputs.network, settings.regularisation(smoothed), width if signals else 0).fit(
            inputs.X(signals), y
        )
    if decide is None:
        full_on_rows = pipeline.decision_function(inputs.population(signals))
        full_on_answers = pipeline.decision_function(inputs.X(signals))
    else:
        decided = decide(pipeline)
        full_on_rows, full_on_answers = decided[len(y) :], decided[: len(y)]
    rescale = rescaling(full_on_rows, fit.others)
    # The decisions the calibration reads: each answer's out-of-fold decision moved ``full_fit_share`` of the way to
    # the full fit's own (on the fold models' scale, relevance.calibration.rescaling), then closeness's term.
    own = rescale[0] * full_on_answers + rescale[1]
    blended = fit.decisions + settings.full_fit_share * (own - fit.decisions)
    decisions, on_others = blended + closeness * near_answers, fit.others + closeness * near_others
    weights = representativeness(decisions, on_others)
    calibration = fit_platt(decisions, y, weights)
    # on the full fit's scale: the fold models' decision is about slope x the full fit's (relevance.calibration)
    closeness_full = closeness / rescale[0]
    full_on_rows = full_on_rows + closeness_full * near_others
    tags = np.array([str(p).strip().casefold() for p in picked]) if picked is not None else np.array([""] * len(y))
    listable = np.ones(len(full_on_rows), dtype=bool) if removable is None else np.asarray(removable, dtype=bool)
    removals = plan_removals(
        full_on_rows[listable],
        decisions,
        y,
        settings.max_wrong_removals,
        weights=weights,
        representative=np.isin(tags, list(REPRESENTATIVE)),
        rescale=rescale,
        seed=settings.seed,
        confidence=settings.confidence,
        unlisted=full_on_rows[~listable],
    )
    listed = held = 0
    if removals.threshold is not None:
        # The rows `relevance score` will put on the list before it holds back title groups, by the same test.
        in_list = listable & (shown(apply_platt(full_on_rows, transfer(calibration, rescale))) <= removals.threshold)
        listed = int(np.count_nonzero(in_list))
        if population_titles is not None and len(inputs.others):
            # as `relevance score` holds them back: by how many share a title, and how near the answers it lies
            _, nearest = nearest_answers(inputs.others[in_list], inputs.vectors, inputs.network, take=1)
            titles = population_titles[in_list]
            held = int(np.count_nonzero(held_back(titles, settings.max_wrong_removals, nearest[:, 0])))
    return _Plan(
        fit,
        closeness_full,
        signals,
        smoothed,
        smoothing_check,
        pipeline,
        calibration,
        rescale,
        listable,
        removals,
        listed,
        held,
    )


def _choose_model(
    inputs: _Inputs, width: int, settings: TrainingSettings
) -> tuple[CrossFit, bool, bool, dict[str, float] | None]:
    """Cross-validate and let the answers decide: (the kept cross-validation, signals used, smoothed, and the
    smoothing check's ROC-AUCs). The cross-validation that decided is the one kept, never a third."""
    y = inputs.y

    def cross_fit(signals: bool, smoothed: bool) -> CrossFit:
        X = inputs.X(signals)
        decide = _decider(inputs.hood if smoothed else None, inputs.everyone(signals), len(inputs.others))
        C = settings.regularisation(smoothed)
        make = lambda: build_pipeline(inputs.network, C, width if signals else 0)  # noqa: E731
        # smoothed, ``decide`` gives the decisions on the population too: no copy of its rows with their signals
        extra = inputs.population(signals) if decide is None else None
        return cross_fitted(make, X, y, seed=settings.seed, extra=extra, decide=decide)

    smoothed = inputs.hood is not None
    with one_thread():
        fit = cross_fit(False, smoothed)
        signals = False
        if width:
            with_signals = cross_fit(True, smoothed)
            if auc(with_signals.decisions, y) >= auc(fit.decisions, y) + settings.signals_margin:
                fit, signals = with_signals, True
        check = None
        if smoothed:
            check = {"smoothed": round(auc(fit.decisions, y), 4), "each row alone": round(auc(fit.plain, y), 4)}
            if check["smoothed"] < check["each row alone"] - settings.smoothing_margin:
                smoothed = False
                fit = cross_fit(signals, False)
    return fit, signals, smoothed, check


def _decider(
    neighbourhood: Neighbourhood | None, block: np.ndarray | None, others: int
) -> Callable[[Any], np.ndarray] | None:
    """For ``metrics.cross_fitted``: a fitted pipeline's smoothed decisions on the labelled rows, then on the
    ``others`` population rows (the labelled rows again when there are none, as ``fit_bundle`` then uses them
    in the population's place)."""
    if neighbourhood is None:
        return None

    def decide(model: Any) -> np.ndarray:
        decided = neighbourhood.decisions(model, block)
        return decided if others else np.concatenate([decided, decided])

    return decide


def _check_block(block: np.ndarray | None, rows: int, width: int) -> None:
    if block is None or block.shape != (rows, width):
        raise ValueError(f"give the featurizer's block for these rows: {rows} x {width}")


def train(
    export: Export,
    labels: Labels,
    embedder: Embedder,
    settings: TrainingSettings = DEFAULT_SETTINGS,
    *,
    cache: VectorCache | None = DEFAULT_CACHE,
    progress: Progress | None = None,
    embedder_choice: str = "",
) -> TrainResult:
    """Embed the export, match the labels to it by id, and fit a bundle. ``embedder_choice``: why this embedder
    reads the network (relevance.embedders.choose_for), kept on the model card."""
    answers = labels.answers
    connections = export.connections
    if not answers:
        raise ModelError(f"{labels.path} has no answers yet — run `relevance sample` then `relevance label` first")
    if not any(c.id in answers for c in connections):
        raise ModelError(
            f"none of the {len(answers)} answers in {labels.path} is a connection in {export.source}: "
            "is it the labels file for this network?"
        )
    vectors = embed_connections(connections, embedder, cache=cache, progress=progress)
    # Rows without text have zero vectors: nothing to learn from, whatever the answer.
    judged = has_vector(vectors)
    rows = [i for i, c in enumerate(connections) if c.id in answers and judged[i]]
    offsets, matters = LanguageOffsets.none(vectors.shape[1]), False
    known = embedder_offsets(embedder)
    # detected once: the offsets, the featurizer and its blocks all read them
    languages = title_languages(connections)
    if known:
        matters = language_matters(languages[rows], [answers[connections[i].id] for i in rows])
        if not matters:
            offsets = LanguageOffsets.for_network(known, vectors, languages)
            vectors = offsets.apply(vectors, languages)
    reads = reads_languages(embedder)
    featurizer = Featurizer(settings.signals).fit(connections, languages)
    # The network's unlabelled rows: what the wrong-removal estimate and the threshold are about.
    others = [i for i in np.flatnonzero(judged) if connections[i].id not in answers]
    mean = network_mean(vectors)
    given = np.array([answers[connections[i].id] for i in rows])
    picked = labels.picked  # a property that reads every row of the labels file: once, not once per answer
    bundle = fit_bundle(
        vectors[rows],
        given,
        mean,
        embedder=embedder,
        ids=[connections[i].id for i in rows],
        texts=[describe(connections[i]) for i in rows],
        settings=settings,
        featurizer=featurizer,
        block=featurizer.block([connections[i] for i in rows], languages[rows]),
        population=vectors[others],
        population_block=featurizer.block([connections[i] for i in others], languages[others]),
        picked=[picked.get(connections[i].id, "") for i in rows],
        offsets=offsets,
        # What `relevance score` will not remove on the model's word: titles it cannot read (relevance.unread), and
        # connections whose most similar answer is a "yes" (relevance.alike).
        removable=~unread([connections[i] for i in others], reads)
        & ~most_alike_is_yes(vectors[others], vectors[rows], given, mean),
        population_titles=title_keys(
            [embedding_text(connections[i]) for i in others],
            (embedding_text(c) for c in connections if c.id in answers),
        ),
    )
    # Which network it learnt: scoring or reporting another export with it can then say so (relevance.network).
    bundle.card = replace(
        bundle.card,
        network=fingerprint(connections),
        embedder_choice=embedder_choice,
        languages=offsets_note(offsets, matters),
        reads_languages=tuple(sorted(reads)),
    )
    return TrainResult(bundle, list(labels.unreadable))


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("relevance", "scikit-learn", "numpy"):
        found[package] = version(package)
    return found
