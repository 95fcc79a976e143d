"""A fitted classifier as plain arrays, and the centring on the network it starts with: all that scoring needs.

Kept apart from ``relevance.pipeline`` (the scikit-learn pipeline that training fits) so that scoring a network
never imports scikit-learn: on a warm `relevance score` its import was a fifth of the command's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline


def centre(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Subtract ``mean``, then unit length again (rows left at zero stay zero)."""
    centred = np.asarray(vectors, dtype=np.float32) - mean
    return centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)


def network_mean(vectors: np.ndarray) -> np.ndarray:
    """The mean vector of a whole network, ignoring rows without text (zero vectors) and any not a number."""
    squares = np.einsum("ij,ij->i", vectors, vectors)
    present = squares > 0
    if not np.isfinite(squares).all():
        rows = vectors[present] if present.any() else vectors
        return rows.mean(axis=0).astype(np.float32)
    # A zero row adds nothing to the sum: no copy of the rows with text (on 30,000 rows, a copy and a temporary
    # took 0.4 s of `relevance train`, their memory's first use included).
    return (vectors.sum(axis=0) / max(int(np.count_nonzero(present)), 1)).astype(np.float32)


def linear_parts(pipeline: Pipeline | LinearModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """A fitted pipeline of ``build_pipeline`` as its parts: (network mean, title weights, signal weights,
    intercept), so that decision = title weights . centre(vector) + signal weights . signals + intercept.

    What lets ``relevance.neighbours`` smooth the title part alone."""
    if isinstance(pipeline, LinearModel):
        return pipeline.mean, pipeline.title_weights, pipeline.signal_weights, pipeline.intercept
    classify = pipeline.named_steps["classify"]
    weights = np.asarray(classify.coef_, dtype=np.float64)[0]
    intercept = float(np.asarray(classify.intercept_)[0])
    if "centre" in pipeline.named_steps:
        centring = pipeline.named_steps["centre"]
    else:
        centring = pipeline.named_steps["features"].named_transformers_["title"]
    mean = np.asarray(centring.mean_, dtype=np.float32)
    return mean, weights[: len(mean)], weights[len(mean) :], intercept


@dataclass(frozen=True)
class LinearModel:
    """A fitted ``build_pipeline`` as plain arrays: decision = title weights . centre(vector) + signal weights .
    signals + intercept. What a bundle stores (arrays load without running code) and what
    ``relevance.neighbours`` smooths the title part of."""

    mean: np.ndarray
    title_weights: np.ndarray
    signal_weights: np.ndarray
    intercept: float

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> LinearModel:
        mean, title, signals, intercept = linear_parts(pipeline)
        return cls(mean, title, signals, intercept)

    @property
    def signal_columns(self) -> int:
        return int(self.signal_weights.size)

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """The decision for rows [title vector | signal columns], as the pipeline it came from gives it."""
        X = np.asarray(X, dtype=np.float32)
        width = len(self.mean)
        out = centre(X[:, :width], self.mean).astype(np.float64) @ self.title_weights + self.intercept
        if self.signal_columns:
            out += np.asarray(X[:, width:], dtype=np.float64) @ self.signal_weights
        return np.asarray(out)
