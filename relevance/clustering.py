"""k-means over connection vectors: the one clustering the labeller's cold start and the report's groups share.

Networks repeat titles a lot ("Software Engineer" x 300): k-means runs on the distinct vectors, each weighted by
how often it occurs, which is faster and never asks for more clusters than distinct titles.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans

from relevance.neighbours import distinct_rows
from relevance.pipeline import one_thread

# k-means is fitted on at most this many distinct rows (then every row is assigned): 30,000 rows stay under a second.
FIT_ROWS = 4000


def cluster(points: np.ndarray, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """k-means labels for every point, and the k centres; fitted on a sample when there are many points.

    Networks repeat titles a lot ("Software Engineer" x 300): k-means runs on the distinct vectors, each
    weighted by how often it occurs, which is faster and never asks for more clusters than distinct titles.
    """
    distinct, inverse = distinct_rows(points)
    counts = np.bincount(inverse, minlength=len(distinct))
    k = max(1, min(k, len(distinct)))
    # Invalid values and overflows inside k-means are ignored: scikit-learn refuses vectors that are not finite
    # before it starts, so they are the BLAS library's, not the data's. OpenBLAS 0.3.31 (numpy 2.4) reported
    # "invalid value encountered in matmul" in k-means++'s first step in about one `relevance sample` in three on
    # the same answers, which picked the same rows every time: the person saw a warning about nothing.
    with one_thread(), np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        if len(distinct) > FIT_ROWS:
            sample = np.random.default_rng(seed).choice(len(distinct), FIT_ROWS, replace=False)
            fitted = MiniBatchKMeans(k, random_state=seed, n_init=3, batch_size=1024)
            fitted.fit(distinct[sample], sample_weight=counts[sample])
        else:
            fitted = KMeans(k, random_state=seed, n_init=3, max_iter=100).fit(distinct, sample_weight=counts)
        return fitted.predict(distinct)[inverse], fitted.cluster_centers_
