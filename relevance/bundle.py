"""A trained model, ready to score: the linear model, its examples, its signals, and its card; saved and loaded.

A bundle is two files: ``<name>.npz`` holds the arrays (the model's weights, the labelled examples that
explain scores, the signal columns' vocabulary) and ``<name>.json`` the model card (``relevance.card``). Both
are plain data: loading one never runs code from it (models get shared, and unpickling runs whatever a file
holds), which is why the arrays are read with ``allow_pickle=False``. The card carries the arrays' SHA-256 and
is checked first, so a bundle from another embedder, another format or a changed file is refused at once.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from relevance.atomic import atomic_write
from relevance.calibration import apply_platt
from relevance.card import ModelCard
from relevance.closeness import nearest_no
from relevance.errors import ModelError
from relevance.features import TITLE_ONLY, Featurizer
from relevance.language_offsets import LanguageOffsets, title_languages
from relevance.linear import LinearModel
from relevance.metrics import Estimate
from relevance.neighbours import Neighbourhood, Smoothing
from relevance.records import Connection
from relevance.write_errors import cannot_write


@dataclass
class Examples:
    """The labelled connections a model learnt from: to explain scores, and to carry answers to new exports."""

    ids: list[str]
    texts: list[str]  # "Java Developer, Acme": what the user saw when answering
    answers: np.ndarray  # bool, True = in the audience
    vectors: np.ndarray  # float32 embeddings, L2-normalised

    def learnt(self) -> dict[str, bool]:
        """id -> the answer the model learnt from."""
        return dict(zip(self.ids, self.answers.tolist(), strict=True))


@dataclass
class Bundle:
    """A fitted model with everything needed to use and judge it."""

    model: LinearModel
    examples: Examples
    card: ModelCard
    # The columns beside the title vector (relevance.features), fitted on the training network; None or
    # width 0 = the title alone.
    featurizer: Featurizer | None = None
    # Taken out of each title vector before the model reads it (relevance.language_offsets); None: none.
    offsets: LanguageOffsets | None = None

    @property
    def embedder(self) -> str:
        return self.card.embedder

    @property
    def remove_at_or_below(self) -> float | None:
        return self.card.thresholds.remove_at_or_below

    @property
    def keep_from(self) -> float:
        return self.card.thresholds.keep_from

    @property
    def metrics(self) -> dict[str, Estimate]:
        return self.card.metrics

    @property
    def smoothing(self) -> Smoothing | None:
        """How scores are smoothed over the scored network (relevance.neighbours); None: each row on its own."""
        return self.card.smoothing

    @property
    def signals(self) -> tuple[str, ...]:
        """The signals the model uses: ("title",) alone, or with language, company, location, industry."""
        return TITLE_ONLY if self.featurizer is None else tuple(self.featurizer.used_)

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

    def title_vectors(self, vectors: np.ndarray, connections: Sequence[Connection] | None = None) -> np.ndarray:
        """The rows' title vectors as the model reads them: with the language offsets of the training network
        taken out, for which the connections are needed (their titles' languages)."""
        if not self.offsets:
            return np.asarray(vectors, dtype=np.float32)
        if connections is None:
            raise ValueError("this model reads titles without their language's offset: pass the connections")
        return self.offsets.apply(vectors, title_languages(connections))

    def decisions(
        self, vectors: np.ndarray, connections: Sequence[Connection] | None = None, *, block: np.ndarray | None = None
    ) -> np.ndarray:
        """The uncalibrated decision values of the rows of a network, from their vectors as embedded.

        A smoothing model (``smoothing``) reads each row's score from its neighbours too, so ``vectors`` must be
        the whole network being scored."""
        return self.title_decisions(self.title_vectors(vectors, connections), connections, block=block)

    def title_decisions(
        self, titles: np.ndarray, connections: Sequence[Connection] | None = None, *, block: np.ndarray | None = None
    ) -> np.ndarray:
        """``decisions`` of rows whose vectors are already as the model reads them (``title_vectors``), for a
        caller that needs those too: the language offsets are then taken out once."""
        signals = self.signal_block(connections, block)
        titles = np.asarray(titles, dtype=np.float32)
        if self.smoothing is None:
            decided = self.model.decision_function(titles if signals is None else np.hstack([titles, signals]))
        else:
            decided = Neighbourhood(titles, self.model.mean, self.smoothing).decisions(self.model, signals)
        if not self.card.closeness:
            return decided
        examples = self.examples
        return decided + self.card.closeness * nearest_no(titles, examples.vectors, examples.answers, self.model.mean)

    def calibrate(self, decisions: np.ndarray) -> np.ndarray:
        """Decision values as calibrated probabilities."""
        return apply_platt(decisions, self.card.calibration)

    def probabilities(
        self,
        vectors: np.ndarray,
        connections: Sequence[Connection] | None = None,
        *,
        block: np.ndarray | None = None,
    ) -> np.ndarray:
        """Calibrated probability that each connection is in the audience, from its title vector and (for a
        model with other signals) the connection itself or its precomputed ``block``."""
        return self.calibrate(self.decisions(vectors, connections, block=block))


def sidecar(path: str | Path) -> Path:
    """The model card beside the bundle at ``path``: same name, ``.json``."""
    return Path(path).with_suffix(".json")


def arrays_path(path: str | os.PathLike[str]) -> Path:
    """The arrays' file of the bundle named by either of its files: a person naming the card
    (``--model models/relevance.json``) means its bundle, and arrays written under the card's own name would be
    overwritten by the card."""
    target = Path(path)
    return target.with_suffix(".npz") if target.suffix.lower() == ".json" else target


def save_bundle(bundle: Bundle, path: str | Path) -> Path:
    """Write ``path`` (the arrays) and its card; returns the card's path.

    The arrays are written first and the card (with their hash) last, each atomically, so a crash never leaves
    a card vouching for a file it does not describe. A path that cannot be written (read-only, full, a folder,
    under a file) raises ModelError naming the path and the fix.
    """
    target = arrays_path(path)
    featurizer = bundle.featurizer
    columns = featurizer.columns_ if featurizer is not None else []
    arrays = {
        "mean": bundle.model.mean,
        "title_weights": bundle.model.title_weights,
        "signal_weights": bundle.model.signal_weights,
        "intercept": np.array([bundle.model.intercept]),
        "example_ids": np.array(bundle.examples.ids, dtype=str),
        "example_texts": np.array(bundle.examples.texts, dtype=str),
        "example_answers": np.asarray(bundle.examples.answers, dtype=bool),
        "example_vectors": np.asarray(bundle.examples.vectors, dtype=np.float32),
        "signal_columns": np.array(columns, dtype=str).reshape(len(columns), 3),
        "signals": np.array(featurizer.signals_ if featurizer is not None else (), dtype=str),
        "offset_languages": np.array(offsets.languages if (offsets := bundle.offsets) else (), dtype=str),
        "offsets": offsets.offsets if offsets else np.zeros((0, len(bundle.model.mean)), np.float32),
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    data = buffer.getvalue()
    _write(target, data)
    bundle.card = replace(bundle.card, sha256=hashlib.sha256(data).hexdigest(), model_file=target.name)
    card_path = sidecar(target)
    _write(card_path, bundle.card.to_json().encode("utf-8"))
    return card_path


def _write(path: Path, data: bytes) -> None:
    """One file of a bundle, atomically; a path that cannot be written is a ModelError naming the fix."""
    try:
        with atomic_write(path, "wb") as out:
            out.write(data)
    except OSError as problem:
        raise cannot_write(path, problem, ModelError) from None


def read_card(path: str | os.PathLike[str]) -> ModelCard:
    """A bundle's card, checked to be one this tool wrote; the arrays are not read."""
    target = arrays_path(path)
    if not target.exists():
        raise ModelError(f"there is no model at {target} — train one with `relevance train`")
    if not target.is_file():
        raise ModelError(f"{target} is a folder, not a model — give the file `relevance train` wrote")
    card_path = sidecar(target)
    if not card_path.is_file():
        raise ModelError(
            f"{target} is not a model written by `relevance train` (no {card_path.name} beside it); only its own "
            "bundles are loaded — retrain"
        )
    return ModelCard.read(card_path)


def load_bundle(path: str | Path, embedder: str | None = None) -> Bundle:
    """Load a bundle after checking its card and hash; ``embedder`` (a name) must match if given."""
    target = arrays_path(path)
    card = read_card(target)
    if embedder is not None and embedder != card.embedder:
        raise ModelError(
            f"{target} was trained with embedder {card.embedder!r}, not {embedder!r}: score with "
            f"--embedder {card.embedder}, or retrain with the embedder you want"
        )
    if _sha256(target) != card.sha256:
        raise ModelError(
            f"{target} has changed since `relevance train` wrote it (its SHA-256 does not match "
            f"{sidecar(target).name}) — retrain"
        )
    try:
        with np.load(target, allow_pickle=False) as found:
            arrays = {name: found[name] for name in found.files}
        model = LinearModel(
            arrays["mean"].astype(np.float32),
            arrays["title_weights"].astype(np.float64),
            arrays["signal_weights"].astype(np.float64),
            float(arrays["intercept"][0]),
        )
        examples = Examples(
            ids=[str(v) for v in arrays["example_ids"]],
            texts=[str(v) for v in arrays["example_texts"]],
            answers=arrays["example_answers"].astype(bool),
            vectors=arrays["example_vectors"].astype(np.float32),
        )
        columns = [tuple(str(v) for v in row) for row in arrays["signal_columns"]]
        signals = tuple(str(v) for v in arrays["signals"])
        # Bundles from before the offsets have none: their titles were read as embedded.
        offsets = LanguageOffsets(
            tuple(str(v) for v in arrays.get("offset_languages", ())),
            arrays.get("offsets", np.zeros((0, len(model.mean)))).astype(np.float32),
        )
    except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile):
        raise ModelError(f"{target} is not a model written by `relevance train` — retrain") from None
    if (
        model.title_weights.shape != model.mean.shape
        or model.signal_columns != len(columns)
        or offsets.offsets.shape != (len(offsets.languages), len(model.mean))
    ):
        raise ModelError(f"{target} is damaged (its arrays do not fit together) — retrain")
    numbers = (model.mean, model.title_weights, model.signal_weights, np.array([model.intercept]), examples.vectors,
               offsets.offsets)  # fmt: skip
    if not all(np.isfinite(a).all() for a in numbers):
        # A hand-made bundle can carry NaN with a recomputed hash: every score would be NaN, silently.
        raise ModelError(f"{target} is damaged (it holds numbers that are not finite) — retrain")
    featurizer = Featurizer.restore(signals, columns) if signals else None  # type: ignore[arg-type]
    return Bundle(model, examples, card, featurizer, offsets or None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
