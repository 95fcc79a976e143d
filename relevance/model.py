"""Train, evaluate, save and load the classifier bundle.

A bundle is two files: ``<name>.joblib`` (the fitted scikit-learn pipeline and the labelled examples used to
explain scores) and ``<name>.json`` (everything else: embedder, label counts, metrics, thresholds, versions and
the SHA-256 of the joblib file). The JSON is read and checked first, so a bundle from another embedder, a newer
format, or a joblib file changed since it was written is refused before anything is unpickled.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.pipeline import Pipeline

from relevance.atomic import atomic_write
from relevance.embed import DEFAULT_CACHE, Embedder, VectorCache, embed_connections, has_vector
from relevance.errors import ModelError
from relevance.features import DEFAULT_SIGNALS, TITLE_ONLY, Featurizer
from relevance.io import Export
from relevance.labels import Labels
from relevance.metrics import (
    CONFIDENCE,
    CV_REPEATS,
    MIN_PER_CLASS,
    CrossFit,
    Estimate,
    apply_platt,
    auc,
    certify_removals,
    cross_fitted,
    evaluate,
    fit_platt,
    jeffreys,
    missed_at,
    out_of_fold,
    plan_removals,
    representativeness,
    rescaling,
    transfer,
)
from relevance.neighbours import DEFAULT_SMOOTHING, Neighbourhood, Smoothing
from relevance.pipeline import build_pipeline, linear_parts, network_mean, one_thread
from relevance.progress import Progress
from relevance.records import Connection
from relevance.sampling import REGION

FORMAT = "relevance-model"
# 2: scores are smoothed over the network (metadata "smoothing"); a reader of format 1 would score them without
FORMAT_VERSION = 2
DEFAULT_MAX_WRONG_REMOVALS = 0.03
# Above this calibrated probability a connection is more likely audience than not: keep it.
KEEP_FROM = 0.5
# Out-of-fold ROC-AUC the other signals must add before the model uses them (scripts/bench_features.py).
SIGNALS_MARGIN = 0.002
# Smoothing over the network (relevance.neighbours) stays unless the user's own answers rank worse with it by
# more than this out-of-fold ROC-AUC: a network whose similar titles do not share answers (the same words in
# jobs the user tells apart) scores each row on its own.
SMOOTHING_MARGIN = 0.005
C = 1.0
# Answers a uniform sample can vouch for (relevance.labels.PICKED): drawn at random from the network, or from
# the removal region the labeller was checking.
REPRESENTATIVE = frozenset({"random", "check"})
# How the threshold certified by representative answers combines with the model-based network estimate:
# "representative" uses the former alone; "larger" takes the higher of the two thresholds; "conservative" the
# lower, the model-based one calibrated on the representative answers alone, and reports the higher estimate
# (scripts/bench_estimate.py measures them). Demo (150 auto answers): "representative" at CONFIDENCE 0.8 certified
# 1,048 removals at ~1.3% while the answer key says 4.6% (0 yes among 62 checks: checks undershoot).
COMBINE = "conservative"


@dataclass
class Examples:
    """The labelled connections a model learnt from: to explain scores, and to carry answers to new exports."""

    ids: list[str]
    texts: list[str]  # "Java Developer, Acme": what the user saw when answering
    answers: np.ndarray  # bool, True = in the audience
    vectors: np.ndarray  # float32 embeddings, L2-normalised


@dataclass
class Bundle:
    """A fitted model with everything needed to use and judge it."""

    pipeline: Pipeline
    examples: Examples
    metadata: dict[str, Any] = field(default_factory=dict)
    # The columns beside the title vector (relevance.features), fitted on the training network; None or
    # width 0 = the title alone.
    featurizer: Featurizer | None = None

    @property
    def embedder(self) -> str:
        return str(self.metadata["embedder"]["name"])

    @property
    def remove_at_or_below(self) -> float | None:
        value = self.metadata["thresholds"]["remove_at_or_below"]
        return None if value is None else float(value)

    @property
    def keep_from(self) -> float:
        return float(self.metadata["thresholds"]["keep_from"])

    @property
    def metrics(self) -> dict[str, Estimate]:
        return {name: Estimate(**values) for name, values in self.metadata["metrics"].items()}

    @property
    def smoothing(self) -> Smoothing | None:
        """How scores are smoothed over the scored network (relevance.neighbours); None: each row on its own."""
        found = self.metadata.get("smoothing")
        return None if not found else Smoothing(int(found["neighbours"]), float(found["own"]), int(found["steps"]))

    @property
    def signals(self) -> tuple[str, ...]:
        """The signals the model uses: ("title",) alone, or with language, company, location, industry."""
        return TITLE_ONLY if self.featurizer is None else tuple(self.featurizer.used_)

    def inputs(
        self, vectors: np.ndarray, connections: Sequence[Connection] | None = None, *, block: np.ndarray | None = None
    ) -> np.ndarray:
        """The pipeline's input: the title vectors, then the signal block made from ``connections`` (or given
        as ``block``) the same way as in training. Title-only models need neither."""
        vectors = np.asarray(vectors, dtype=np.float32)
        block = self.signal_block(connections, block)
        return vectors if block is None else np.hstack([vectors, block])

    def signal_block(
        self, connections: Sequence[Connection] | None = None, block: np.ndarray | None = None
    ) -> np.ndarray | None:
        """The signal columns of these rows: ``block`` if given, else made from ``connections``; None for a
        title-only model."""
        if self.featurizer is None or not self.featurizer.width:
            return None
        if block is None:
            if connections is None:
                raise ValueError(f"this model also uses {', '.join(self.signals[1:])}: pass the connections")
            block = self.featurizer.block(connections)
        return np.asarray(block, dtype=np.float32)

    def decisions(
        self,
        vectors: np.ndarray,
        connections: Sequence[Connection] | None = None,
        *,
        block: np.ndarray | None = None,
        neighbourhood: Neighbourhood | None = None,
    ) -> np.ndarray:
        """The uncalibrated decision values of the rows of a network.

        A smoothing model (``smoothing``) reads each row's score from its neighbours too, so ``vectors`` must be
        the whole network being scored (or its ``neighbourhood``, built once, given)."""
        if self.smoothing is None:
            return np.asarray(self.pipeline.decision_function(self.inputs(vectors, connections, block=block)))
        if neighbourhood is None:
            neighbourhood = Neighbourhood(vectors, linear_parts(self.pipeline)[0], self.smoothing)
        return neighbourhood.decisions(self.pipeline, self.signal_block(connections, block))

    def calibrate(self, decisions: np.ndarray) -> np.ndarray:
        """Decision values as calibrated probabilities."""
        calibration = self.metadata["calibration"]
        return apply_platt(decisions, (calibration["a"], calibration["b"]))

    def predict(
        self,
        vectors: np.ndarray,
        connections: Sequence[Connection] | None = None,
        *,
        block: np.ndarray | None = None,
        neighbourhood: Neighbourhood | None = None,
    ) -> np.ndarray:
        """Calibrated probability that each connection is in the audience, from its title vector and (for a
        model with other signals) the connection itself or its precomputed ``block``."""
        return self.calibrate(self.decisions(vectors, connections, block=block, neighbourhood=neighbourhood))


@dataclass
class TrainResult:
    """A trained bundle, and what about the labels the user should hear."""

    bundle: Bundle
    unknown_ids: list[str]  # answered in the labels file but not in this export: kept, not used
    unreadable: list[str]  # label values meaning neither yes nor no


def describe(connection: Connection) -> str:
    """How a connection is shown in reasons: its title, and the company if there is one."""
    return ", ".join(part for part in (connection.title, connection.company) if part)


def check_label_counts(yes: int, no: int) -> None:
    """Refuse to train on too few or one-sided answers, saying what to do."""
    for count, kind in ((yes, "yes"), (no, "no")):
        if count < MIN_PER_CLASS:
            raise ModelError(
                f"you have {count} '{kind}' answer{'s' if count != 1 else ''} ({yes} yes, {no} no); label at least "
                f"{MIN_PER_CLASS} of each — `relevance label` picks the ones that help most"
            )


def fit_bundle(
    vectors: np.ndarray,
    answers: np.ndarray,
    network: np.ndarray,
    *,
    embedder: Embedder,
    ids: list[str],
    texts: list[str],
    max_wrong_removals: float = DEFAULT_MAX_WRONG_REMOVALS,
    seed: int = 0,
    population: np.ndarray | None = None,
    featurizer: Featurizer | None = None,
    block: np.ndarray | None = None,
    population_block: np.ndarray | None = None,
    picked: Sequence[str] | None = None,
    smoothing: Smoothing | None = DEFAULT_SMOOTHING,
) -> Bundle:
    """Fit on labelled vectors; judge and calibrate on out-of-fold predictions; choose thresholds.

    ``network`` is the mean vector of the whole network (labels not needed, so no leakage into the folds).
    ``population``: the network's unlabelled rows, built like ``vectors``; the removal threshold and the
    wrong-removal estimate are about them (labels chosen by `relevance label` do not represent the network).
    Without it the labelled rows stand in, which is only honest for labels drawn at random.
    ``featurizer`` (fitted on the whole network) adds the other signals: ``block`` and ``population_block``
    are its rows (``featurizer.block``) for the labelled and the population rows. Without it, the title alone.
    ``picked``: why each answer was asked (relevance.labels.PICKED, "" = unknown). Given, the removal threshold
    is the one the representative answers (REPRESENTATIVE tags; every answer if none is tagged) certify
    (``certify_removals``); without it, the model-based network estimate (``plan_removals``) alone.
    ``smoothing``: spread the title part of the scores over the network (labelled + population rows,
    relevance.neighbours), in cross-validation as in the final fit; None scores each row on its own.
    """
    y = np.asarray(answers, dtype=int)
    check_label_counts(int(y.sum()), int(len(y) - y.sum()))
    vectors = np.asarray(vectors, dtype=np.float32)
    others = np.zeros((0, vectors.shape[1]), np.float32) if population is None else np.asarray(population, np.float32)
    offered, extra = featurizer, 0 if featurizer is None else featurizer.width
    X = _with_block(vectors, block, extra)
    # The network the scores are smoothed over: the labelled rows, then the population's.
    hood = None if smoothing is None else Neighbourhood(np.vstack([vectors, others]), network, smoothing)
    population_X = _with_block(others, population_block, extra) if len(others) else others
    everyone = None  # the signal columns of the labelled rows, then the population's
    if extra:
        everyone = np.vstack([X[:, -extra:], population_X[:, -extra:]]) if len(others) else X[:, -extra:]

    def cross_fit(width: int, smoothed: bool = True) -> CrossFit:
        """Repeated cross-validation of the pipeline with ``width`` signal columns (0: the title alone)."""
        inputs = X if width else vectors
        rows = inputs if not len(others) else population_X if width else others
        decide = _decider(hood if smoothed else None, everyone if width else None, len(others))
        make = lambda: build_pipeline(network, C, width)  # noqa: E731
        return cross_fitted(make, inputs, y, seed=seed, extra=rows, decide=decide)

    # Calibrate on out-of-fold decisions, weighted towards where the network's rows lie (actively chosen labels
    # crowd the boundary), then carry it over to the full fit's more confident decisions. The signals are used
    # only when the labels ask for them (SIGNALS_MARGIN); the cross-validation that decides it is the one kept.
    with one_thread():
        fit = cross_fit(0)
        with_signals = cross_fit(extra) if extra else None
    if with_signals is not None:
        if signals_win(with_signals.decisions, fit.decisions, y):
            fit = with_signals
        else:
            featurizer, extra, X, everyone = None, 0, vectors, None  # the title alone
    rows = X if not len(others) else population_X if extra else others
    smoothing_check = None
    if hood is not None:
        smoothing_check = {"smoothed": round(auc(fit.decisions, y), 4), "each row alone": round(auc(fit.plain, y), 4)}
        if smoothing_check["smoothed"] < smoothing_check["each row alone"] - SMOOTHING_MARGIN:
            smoothing, hood = None, None
            with one_thread():
                fit = cross_fit(extra, smoothed=False)
    decisions, folds_on_rows = fit.decisions, fit.others
    decide = _decider(hood, everyone, len(others))
    weights = representativeness(decisions, folds_on_rows)
    oof_calibration = fit_platt(decisions, y, weights)
    scores = apply_platt(decisions, oof_calibration)
    with one_thread():
        pipeline = build_pipeline(network, C, extra).fit(X, y)
    full_on_rows = pipeline.decision_function(rows) if decide is None else decide(pipeline)[len(y) :]
    rescale = rescaling(full_on_rows, folds_on_rows)
    calibration = transfer(oof_calibration, rescale)
    removals = plan_removals(
        full_on_rows, decisions, y, oof_calibration, max_wrong_removals, weights=weights, rescale=rescale, seed=seed
    )
    remove, wrong, missed, removed_share = (
        removals.threshold,
        removals.wrong_removals,
        removals.missed,
        removals.removed,
    )
    evidence: dict[str, Any] = {"method": "model-based: mean calibrated probability over the network"}
    if picked is not None:
        tags = np.array([str(p).strip().casefold() for p in picked])
        representative = np.isin(tags, list(REPRESENTATIVE)) if any(tags) else np.ones(len(y), dtype=bool)
        # Every check counts, the earliest too: with scores smoothed over the network the model settles within a
        # few batches, and counting only the recent half hid the answers that mattered (demo: the 3 "yes" among
        # 65 checks all sat in the older half, and 33 clean recent ones certified a region 6% audience).
        checks = tags == "check"
        certified = certify_removals(
            decisions,
            y,
            representative,
            max_wrong_removals,
            region=checks,
            confidence=CONFIDENCE,
            at_most=_check_region_edge(full_on_rows, rescale) if checks.any() else None,
        )
        at = certified.threshold
        # A flat calibration (no signal) cannot order rows: whatever the answers, no threshold.
        usable = at is not None and oof_calibration[0] > 1e-4
        wrong_value = certified.wrong_removals
        if usable and at is not None and COMBINE == "conservative":
            # The model-based estimate, calibrated on the representative answers alone: the lower threshold wins.
            # If those answers hold no "yes" at all there is nothing to calibrate on, and the answers alone
            # vouch for the threshold (e.g. 0 of 57: Jeffreys bound 2.4% at 90%); the estimate then uses the
            # calibration on every answer.
            own = fit_platt(decisions[representative], y[representative])
            slope, intercept = rescale
            if own[0] <= 1e-4 and not y[representative].any():
                own = oof_calibration
            elif own[0] <= 1e-4:
                usable = False
            else:
                plan = plan_removals(
                    full_on_rows,
                    decisions[representative],
                    y[representative],
                    own,
                    max_wrong_removals,
                    rescale=rescale,
                    seed=seed,
                    confidence=CONFIDENCE,
                )
                if plan.decision is None:
                    usable = False
                elif slope * plan.decision + intercept < at:
                    at = slope * plan.decision + intercept
                    wrong_value = plan.wrong_removals
            if usable:  # the higher of the two best guesses at the threshold chosen, up to the bound
                p_rows = apply_platt(full_on_rows[full_on_rows <= (at - intercept) / slope], transfer(own, rescale))
                population_wrong = float(p_rows.mean()) if len(p_rows) else 0.0
                sample = representative & (decisions <= at)
                answered = jeffreys(int(y[sample].sum()), int(sample.sum()), CONFIDENCE)
                wrong_value = Estimate(
                    max(answered.value, population_wrong), answered.low, max(answered.high, population_wrong)
                )
        certified_p = float(apply_platt(np.array([at]), oof_calibration)[0]) if usable and at is not None else None
        below = representative & (decisions <= at) if usable else np.zeros(len(y), dtype=bool)
        evidence = {
            "method": "Jeffreys bound over answers drawn at random (picked: random, check)",
            "representative": int(representative.sum()),
            "rows": int(below.sum()),
            "yes": int(y[below].sum()),
            "check": int((below & (tags == "check")).sum()),
            "random": int((below & (tags == "random")).sum()),
        }
        if (
            certified_p is not None
            and at is not None
            and (COMBINE != "larger" or remove is None or certified_p > remove)
        ):
            remove, wrong = certified_p, wrong_value
            missed, removed_share = missed_at(
                folds_on_rows, decisions, y, oof_calibration, at, weights=weights, seed=seed
            )
        elif COMBINE != "larger" or remove is None:
            remove, wrong, missed, removed_share = None, Estimate(0.0, 0.0, 0.0), Estimate(1.0, 1.0, 1.0), 0.0
        else:
            evidence["method"] = "model-based: mean calibrated probability over the network"
    metrics = {
        **evaluate(scores, y, seed=seed),
        "wrong_removals": wrong,
        "missed": missed,
    }
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "embedder": {"name": embedder.name, "dim": int(embedder.dim)},
        "signals": {
            "requested": list(TITLE_ONLY if offered is None else offered.signals_),
            "in_export": list(TITLE_ONLY if offered is None else offered.used_),
            "used": list(TITLE_ONLY if featurizer is None else featurizer.used_),
            "columns": extra,
        },
        "labels": {"yes": int(y.sum()), "no": int(len(y) - y.sum())},
        "smoothing": None if smoothing is None else smoothing.as_dict(),
        # out-of-fold ROC-AUC on the answers with and without smoothing (SMOOTHING_MARGIN decided)
        "smoothing_check": smoothing_check,
        "metrics": {name: estimate.as_dict() for name, estimate in metrics.items()},
        "thresholds": {
            "remove_at_or_below": None if remove is None else round(remove, 6),
            "keep_from": round(max(KEEP_FROM, remove or 0.0), 6),
            "max_wrong_removals": max_wrong_removals,
            "confidence": CONFIDENCE,
            "estimated_over": {"rows": len(rows), "removed_share": round(removed_share, 4)},
            "evidence": evidence,
        },
        "calibration": {
            "method": "platt on out-of-fold decisions weighted to the network, rescaled to the full fit",
            "a": calibration[0],
            "b": calibration[1],
        },
        "evaluation": f"{min(5, int(min(y.sum(), len(y) - y.sum())))}-fold cross-validation, {CV_REPEATS} repeats",
        "versions": _versions(),
        # Numbers only (no names, no titles): lets `relevance report` draw ROC, precision-recall and calibration.
        "out_of_fold": {"scores": [round(float(v), 4) for v in scores], "labels": y.tolist()},
    }
    examples = Examples(ids=list(ids), texts=list(texts), answers=y.astype(bool), vectors=vectors)
    return Bundle(pipeline=pipeline, examples=examples, metadata=metadata, featurizer=featurizer)


def signals_help(X: np.ndarray, y: np.ndarray, network: np.ndarray | None, extra: int, *, seed: int = 0) -> bool:
    """Whether the labels ask for the signals beside the title: out-of-fold ROC-AUC with the last ``extra``
    columns of X must beat the title alone by SIGNALS_MARGIN. With few answers a language or an employer can
    line up with them by chance (measured: 24 answers turned a clear seller into a likely "no").
    (``fit_bundle`` decides the same way, on smoothed scores, reusing the cross-validation it keeps.)"""
    with_signals = out_of_fold(lambda: build_pipeline(network, C, extra), X, y, seed=seed)
    title_only = out_of_fold(lambda: build_pipeline(network, C), X[:, :-extra], y, seed=seed)
    return signals_win(with_signals, title_only, y)


def signals_win(with_signals: np.ndarray, title_only: np.ndarray, y: np.ndarray) -> bool:
    """The rule: out-of-fold decisions with the signals must rank the answers SIGNALS_MARGIN better."""
    return bool(auc(with_signals, y) >= auc(title_only, y) + SIGNALS_MARGIN)


def _check_region_edge(population: np.ndarray, rescale: tuple[float, float]) -> float | None:
    """The highest out-of-fold decision inside the region `relevance label` draws checks from (the lowest
    sampling.REGION share of the rows the model calls "no"), as the final model sees it. Checks say nothing
    about rows beyond it, so no threshold certified by them reaches past it (measured on the demo sample: its
    threshold had crept to 73% of the network, past the 64% the checks came from; 9.9% of those removals were
    audience against an estimated 5.8%)."""
    called_no = np.sort(population[population < 0.0])  # a logistic regression's "no": probability below 0.5
    if not len(called_no):
        return None
    slope, intercept = rescale
    return float(slope * called_no[max(int(REGION * len(called_no)) - 1, 0)] + intercept)


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


def _with_block(vectors: np.ndarray, block: np.ndarray | None, extra: int) -> np.ndarray:
    """[vectors | block], checked; the vectors alone for a title-only model."""
    if not extra:
        return vectors
    if block is None or block.shape != (len(vectors), extra):
        raise ValueError(f"give the featurizer's block for these rows: {len(vectors)} x {extra}")
    return np.hstack([vectors, np.asarray(block, dtype=np.float32)])


def train(
    export: Export,
    labels: Labels,
    embedder: Embedder,
    *,
    max_wrong_removals: float = DEFAULT_MAX_WRONG_REMOVALS,
    cache: VectorCache | None = DEFAULT_CACHE,
    progress: Progress | None = None,
    signals: Sequence[str] = DEFAULT_SIGNALS,
) -> TrainResult:
    """Embed the export, match the labels to it by id, and fit a bundle.

    ``signals``: what the model may use beside the title (``relevance.features.SIGNALS``), each only where the
    export has the data; ``("title",)`` is the title-embedding-only model.
    """
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
    featurizer = Featurizer(signals).fit(connections)
    # The network's unlabelled rows: what the wrong-removal estimate and the threshold are about.
    others = [i for i in np.flatnonzero(judged) if connections[i].id not in answers]
    bundle = fit_bundle(
        vectors[rows],
        np.array([answers[connections[i].id] for i in rows]),
        network_mean(vectors),
        embedder=embedder,
        ids=[connections[i].id for i in rows],
        texts=[describe(connections[i]) for i in rows],
        max_wrong_removals=max_wrong_removals,
        featurizer=featurizer,
        block=featurizer.block([connections[i] for i in rows]),
        population=vectors[others],
        population_block=featurizer.block([connections[i] for i in others]),
        picked=[labels.picked.get(connections[i].id, "") for i in rows],
    )
    return TrainResult(bundle, labels.unknown_ids(export.by_id()), list(labels.unreadable))


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("relevance", "scikit-learn", "numpy", "joblib"):
        found[package] = version(package)
    return found


def sidecar(path: str | Path) -> Path:
    """The JSON file describing the bundle at ``path``: same name, ``.json``."""
    return Path(path).with_suffix(".json")


def save_bundle(bundle: Bundle, path: str | Path) -> Path:
    """Write ``path`` (joblib) and its JSON sidecar; returns the sidecar's path.

    The joblib file is written first and the sidecar (with its hash) last, each atomically, so a crash never
    leaves a sidecar vouching for a file it does not describe.
    """
    target = Path(path)
    payload = {
        "format": FORMAT,
        "pipeline": bundle.pipeline,
        "examples": bundle.examples,
        "featurizer": bundle.featurizer,
    }
    with atomic_write(target, "wb") as out:
        joblib.dump(payload, out, compress=3)
    bundle.metadata["model_file"] = target.name
    bundle.metadata["sha256"] = _sha256(target)
    meta_path = sidecar(target)
    with atomic_write(meta_path, "w", encoding="utf-8") as out:
        out.write(json.dumps(bundle.metadata, indent=2, ensure_ascii=False) + "\n")
    return meta_path


def read_metadata(path: str | Path) -> dict[str, Any]:
    """A bundle's metadata from its sidecar, checked to be one this tool wrote; nothing is unpickled."""
    target = Path(path)
    meta_path = sidecar(target)
    if not target.exists():
        raise ModelError(f"there is no model at {target} — train one with `relevance train`")
    not_ours = f"{target} is not a model written by `relevance train`"
    if not meta_path.exists():
        raise ModelError(f"{not_ours} (no {meta_path.name} beside it); only its own bundles are loaded — retrain")
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ModelError(f"{not_ours} ({meta_path.name} is not valid JSON) — retrain") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelError(f"{not_ours} ({meta_path.name} does not describe a relevance model) — retrain")
    written = metadata.get("format_version")
    if not isinstance(written, int) or written > FORMAT_VERSION:
        raise ModelError(
            f"{target} was written by a newer relevance (bundle format {written}, this one reads up to "
            f"{FORMAT_VERSION}) — upgrade relevance, or retrain with this one"
        )
    return metadata


def load_bundle(path: str | Path, embedder: str | None = None) -> Bundle:
    """Load a bundle after checking its sidecar and hash; ``embedder`` (a name) must match if given."""
    target = Path(path)
    metadata = read_metadata(target)
    trained_with = metadata["embedder"]["name"]
    if embedder is not None and embedder != trained_with:
        raise ModelError(
            f"{target} was trained with embedder {trained_with!r}, not {embedder!r}: score with "
            f"--embedder {trained_with}, or retrain with the embedder you want"
        )
    if _sha256(target) != metadata.get("sha256"):
        raise ModelError(
            f"{target} has changed since `relevance train` wrote it (its SHA-256 does not match "
            f"{sidecar(target).name}); it was not loaded, as it could run any code — retrain"
        )
    sklearn_then, sklearn_now = metadata["versions"].get("scikit-learn"), version("scikit-learn")
    if sklearn_then != sklearn_now:
        raise ModelError(
            f"{target} was trained with scikit-learn {sklearn_then} and {sklearn_now} is installed — retrain "
            "(it takes seconds)"
        )
    payload = joblib.load(target)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelError(f"{target} is not a model written by `relevance train` — retrain")
    return Bundle(
        pipeline=payload["pipeline"],
        examples=payload["examples"],
        metadata=metadata,
        featurizer=payload.get("featurizer"),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
