"""The network as a picture: embeddings projected to 2D, and groups of similar titles.

PCA, not t-SNE or UMAP: on 2 cores a randomized PCA of 30,000 x 512 vectors takes about a second, while
scikit-learn's t-SNE takes minutes (scripts/bench_report.py measures both), and the report must stay quick.
"""

from __future__ import annotations

import numpy as np

from relevance.clustering import cluster as kmeans
from relevance.embed import has_vector

# Enough rows to find the main directions and groups; fitting on more only costs time.
FIT_SAMPLE = 10_000
SEED = 0


def project_2d(vectors: np.ndarray) -> np.ndarray:
    """Each row as a point (x, y) on the plane of the two main directions; NaN for rows without a vector."""
    from sklearn.decomposition import PCA

    points = np.full((len(vectors), 2), np.nan, dtype=np.float32)
    present = np.flatnonzero(has_vector(vectors))
    if len(present) < 3:
        return points
    X = np.asarray(vectors[present], dtype=np.float32)
    fit_rows = _sample(len(X))
    pca = PCA(n_components=2, svd_solver="randomized", random_state=SEED).fit(X[fit_rows])
    points[present] = pca.transform(X).astype(np.float32)
    return points


def cluster(vectors: np.ndarray, k: int | None = None) -> np.ndarray:
    """Group similar vectors with k-means: a group number per row, -1 for rows without a vector.

    ``k`` defaults to one group per ~40 connections, between 2 and 12: more groups than that is more than a
    person reads in a chart (relevance.clustering).
    """
    groups = np.full(len(vectors), -1, dtype=np.int32)
    present = np.flatnonzero(has_vector(vectors))
    k = k or int(np.clip(len(present) // 40, 2, 12))
    if len(present) < 2 * k:
        return groups
    groups[present] = kmeans(np.asarray(vectors[present], dtype=np.float32), k, SEED)[0]
    return groups


def _sample(n: int, size: int = FIT_SAMPLE) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(SEED).choice(n, size, replace=False))
