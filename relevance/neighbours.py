"""Smoothing over the network: a title's score also listens to the titles most like it in the person's network.

A hundred answers cannot cover every way people write a job, but the network itself shows which titles sit
together ("Key Account Manager", "Kundenberater", "Ejecutivo de cuentas"). So the title part of the classifier's
decision is spread over the k-nearest-neighbour graph of the network's distinct titles, label-spreading style
(Zhou et al., 2004): each step a title keeps ``own`` of its own score and takes the rest from the mean of its
neighbours'. No labels are needed to build the graph, only the network, like the network mean.

Only the title part is smoothed; the other signals (relevance.features: language, employer, location) and the
intercept stay each row's own, so "the same job in another language" can still be told apart when the labels
ask for it. Measured (scripts/bench_smoothing.py: benchmark networks, 100 random answers, 5 networks x 3 draws,
held-out rows): trainer ROC-AUC 0.891 -> 0.935 and removal recall at 98% precision 0.56 -> 0.76; IT recruiter
0.941 -> 0.945; German-speaking trainer with language columns 0.973 -> 0.983 (smoothing the whole decision,
language included, would give 0.887). Where the title alone cannot tell the audience apart (that persona
without language columns: 0.900 -> 0.844), `relevance train` sees it on the user's own answers and scores each
row on its own (relevance.settings: smoothing_margin).
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

from relevance.atomic import atomic_write
from relevance.cache import default_cache_dir
from relevance.embed import has_vector
from relevance.embedders.base import default_threads
from relevance.linear import LinearModel, centre, linear_parts

# Each title's nearest distinct titles (scripts/bench_smoothing.py: k 10-40 within 0.004 of each other). Measured
# again with e5: on 100 random answers fewer neighbours ranked the realistic networks better (k 5: ROC-AUC +0.016
# to +0.028, removal recall at 98% precision +0.04 to +0.28; ESCO trainers -0.003 to +0.012, the German-speaking
# one -0.028), but with the tool's own answers (scripts/bench_accuracy.py, every persona, 5 networks each) k 10 and 5
# gained nothing beyond noise at 100 answers (Polish trainer removal recall 0.65 -> 0.69 / 0.76, Central/Eastern
# European 0.68 -> 0.65 / 0.61) and lost at 50 (German-speaking trainer 0.90 -> 0.82 / 0.76, Nigerian 0.98 -> 0.95
# / 0.92), so 20 stays.
NEIGHBOURS = 20
# The share of its own score a title keeps at each step: 0.1 best for the trainer (0.935 vs 0.919 at 0.4), the
# IT recruiter within 0.004 of its best (0.4).
OWN = 0.1
STEPS = 10
# Neighbours are searched among the titles' first principal components: 128 of USE's 512 found neighbours as good
# for smoothing (measured while choosing, trainer networks: held-out ROC-AUC within 0.001; 64 lost 0.004) at a
# quarter of the dot products.
SEARCH_DIMENSIONS = 128
# Columns per group in the top-k search (``_top``): 32 was fastest at 30,000 titles (8: 2.5x slower, 64: 1.8x).
GROUP = 32
# A network with at least this many distinct titles keeps its neighbour graph in the cache directory
# ($RELEVANCE_CACHE, beside the vectors): searching takes 0.5 s at 7,840 titles and 3 s at 30,000, and `label`,
# `train` and `score` of one export need the same graph. Smaller networks search faster than they would read.
CACHE_FROM = 5000
# Similarity rows computed at once while searching neighbours: bounds the memory (x 4 bytes), not the time.
BLOCK_CELLS = 1 << 24
# Fewer titles than this are searched on one thread: splitting them would gain less than it costs.
SPLIT_FROM = 2000


@dataclass(frozen=True)
class Smoothing:
    """How a model smooths: stored in the bundle, so a model keeps scoring the way it was judged."""

    neighbours: int = NEIGHBOURS
    own: float = OWN
    steps: int = STEPS

    def as_dict(self) -> dict[str, float]:
        return {"neighbours": self.neighbours, "own": self.own, "steps": self.steps}


DEFAULT_SMOOTHING = Smoothing()


class Neighbourhood:
    """A network's distinct titles and each one's nearest others; rows without a title stay out of the graph."""

    def __init__(self, vectors: np.ndarray, mean: np.ndarray, smoothing: Smoothing = DEFAULT_SMOOTHING) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        self.smoothing = smoothing
        self.rows = len(vectors)
        self.judged = has_vector(vectors) if len(vectors) else np.zeros(0, dtype=bool)
        self.distinct, self.inverse = distinct_rows(vectors[self.judged])
        self.mean = np.asarray(mean, dtype=np.float32)
        self.centred = centre(self.distinct, self.mean)
        self.nearest = search(self.centred, smoothing.neighbours)

    def decisions(self, pipeline: Pipeline | LinearModel, block: np.ndarray | None = None) -> np.ndarray:
        """The pipeline's decision value for every row of the network, its title part smoothed.

        ``block``: the signal columns of every row (relevance.features), for a pipeline that uses them.
        """
        mean, title_weights, signal_weights, intercept = linear_parts(pipeline)
        centred = self.centred if np.array_equal(mean, self.mean) else centre(self.distinct, mean)
        title = self.spread(centred @ title_weights)
        out = np.empty(self.rows)
        out[self.judged] = title[self.inverse]
        if not self.judged.all():  # no title: what the pipeline says about an empty vector, unsmoothed
            out[~self.judged] = float(centre(np.zeros((1, len(mean)), np.float32), mean)[0] @ title_weights)
        if signal_weights.size:
            if block is None or block.shape != (self.rows, signal_weights.size):
                raise ValueError(f"this pipeline also uses {signal_weights.size} signal columns: pass their block")
            out += np.asarray(block, dtype=np.float64) @ signal_weights
        return out + intercept

    def spread(self, values: np.ndarray) -> np.ndarray:
        """One value per distinct title, smoothed over the graph."""
        values = np.asarray(values, dtype=np.float64)
        if not self.nearest.shape[1]:
            return values
        own = self.smoothing.own
        out = values
        for _ in range(self.smoothing.steps):
            out = own * values + (1.0 - own) * out[self.nearest].mean(axis=1)
        return out


def distinct_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct, inverse): the distinct rows of ``vectors`` in an order that does not depend on the rows' order,
    and for each row the index of its distinct row (``distinct[inverse]`` gives ``vectors`` back).

    A network repeats "Owner" or "Sales Manager" hundreds of times: 30,000 rows hold about 8,000 distinct titles.
    A dict of each row's bytes, then the distinct ones sorted, so the same titles in another order give the same
    graph (and find it in the cache): np.unique sorting all 30,000 rows as 1.5 kB keys took ten times as long.
    """
    present = np.ascontiguousarray(vectors)
    index: dict[bytes, int] = {}
    found = np.fromiter((index.setdefault(row.tobytes(), len(index)) for row in present), np.intp, len(present))
    keys = list(index)
    order = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.intp)
    rank = np.empty(len(keys), dtype=np.intp)
    rank[order] = np.arange(len(keys))
    inverse = rank[found]
    first = np.zeros(len(keys), dtype=np.intp)
    first[inverse[::-1]] = np.arange(len(present) - 1, -1, -1)  # each one's first row: written last
    return present[first], inverse


def search(centred: np.ndarray, k: int) -> np.ndarray:
    """``nearest`` on the principal components of the centred titles, through the on-disk cache for big
    networks (keyed by the titles' bytes, k and the dimensions searched; a damaged file is searched again)."""
    directory = default_cache_dir()
    if directory is None or len(centred) < CACHE_FROM:
        return nearest(principal(centred, SEARCH_DIMENSIONS), k)
    digest = hashlib.blake2b(np.ascontiguousarray(centred).tobytes(), digest_size=16)
    digest.update(f"k={k} dimensions={SEARCH_DIMENSIONS}".encode())
    path = directory / "neighbours" / f"{digest.hexdigest()}.npy"
    try:
        found = np.load(path, allow_pickle=False)
        if found.shape == (len(centred), min(k, len(centred) - 1)) and found.min() >= 0 and found.max() < len(centred):
            return found.astype(np.intp)
    except (OSError, ValueError, EOFError):
        pass  # not there yet, or damaged: search again
    graph = nearest(principal(centred, SEARCH_DIMENSIONS), k)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "wb") as out:
            np.save(out, graph.astype(np.int32))
    except OSError:
        pass  # a read-only or full cache costs the next command a search, nothing else
    return graph


def principal(unit: np.ndarray, dimensions: int) -> np.ndarray:
    """Rows projected on their ``dimensions`` first principal components, unit length again (as they were)."""
    if unit.shape[1] <= dimensions or len(unit) <= dimensions:
        return unit
    scatter = (unit.T @ unit).astype(np.float64)  # d x d: cheap next to the n x n neighbour search
    _, axes = np.linalg.eigh(scatter)
    projected = unit @ axes[:, -dimensions:].astype(np.float32)
    return projected / np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-12)


def nearest(unit: np.ndarray, k: int) -> np.ndarray:
    """Each row's k most similar other rows (cosine; rows are unit length), by blocks of exact dot products.

    A part of the rows per core, each on a one-thread BLAS: the top-k selection runs in numpy on one core, so
    one call left a core idle half the time (2 cores, best of 4: 7,748 titles 0.30 -> 0.24 s, 20,000 1.37 -> 1.08 s)."""
    n = len(unit)
    k = min(k, n - 1)
    if k <= 0:
        return np.zeros((n, 0), dtype=np.intp)
    out = np.empty((n, k), dtype=np.intp)
    block = max(1, BLOCK_CELLS // n)

    def rows_from(first: int, last: int) -> None:
        for start in range(first, last, block):
            stop = min(start + block, last)
            similarity = unit[start:stop] @ unit.T
            rows = np.arange(stop - start)
            similarity[rows, rows + start] = -np.inf  # not its own neighbour
            out[start:stop] = _top(similarity, k)

    parts = min(default_threads(), max(1, n // SPLIT_FROM))
    if parts == 1:
        rows_from(0, n)
        return out
    from threadpoolctl import threadpool_limits  # scikit-learn depends on it

    bounds = np.linspace(0, n, parts + 1).astype(int).tolist()
    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(parts) as pool:
        list(pool.map(rows_from, bounds[:-1], bounds[1:]))  # list(): raise what a part raised
    return out


def _top(similarity: np.ndarray, k: int) -> np.ndarray:
    """The columns of each row's k largest values, exactly.

    Columns go in groups of GROUP: the k largest values lie in the k groups with the largest maxima (a group
    holding one of them has a maximum at least as large as the k-th), so only those k x GROUP candidates are
    ranked. A max-reduction over the row instead of a selection: at 30,000 titles several times faster than
    ``np.partition`` + mask, which itself beat ``np.argpartition`` 4x."""
    rows, n = similarity.shape
    groups = n // GROUP
    if groups <= 2 * k:
        return _top_by_mask(similarity, k)
    # Group j holds the columns j, j + groups, j + 2 groups...: any grouping is exact, and this one makes the
    # maximum an element-wise reduction over contiguous rows of memory (5x faster than adjacent columns).
    group_max = similarity[:, : groups * GROUP].reshape(rows, GROUP, groups).max(axis=1)
    best = np.argpartition(group_max, groups - k, axis=1)[:, groups - k :]
    candidates = (best[:, :, None] + groups * np.arange(GROUP)).reshape(rows, k * GROUP)
    if groups * GROUP < n:  # the last, partial group is always a candidate
        rest = np.broadcast_to(np.arange(groups * GROUP, n), (rows, n - groups * GROUP))
        candidates = np.hstack([candidates, rest])
    values = np.take_along_axis(similarity, candidates, axis=1)
    width = values.shape[1]
    return np.take_along_axis(candidates, np.argpartition(values, width - k, axis=1)[:, width - k :], axis=1)


def _top_by_mask(similarity: np.ndarray, k: int) -> np.ndarray:
    """``_top`` for small networks: the k-th largest value by ``np.partition``, then a mask; rows where ties
    make more than k pass fall back to ``np.argpartition``."""
    n = similarity.shape[1]
    threshold = np.partition(similarity, n - k, axis=1)[:, n - k]
    rows, columns = np.nonzero(similarity >= threshold[:, None])
    counts = np.bincount(rows, minlength=len(similarity))
    if (counts == k).all():
        return columns.reshape(len(similarity), k)
    top = np.empty((len(similarity), k), dtype=np.intp)
    exact = counts == k
    top[exact] = columns[np.repeat(exact, counts)].reshape(-1, k)
    tied = np.flatnonzero(~exact)
    top[tied] = np.argpartition(similarity[tied], n - k, axis=1)[:, n - k :]
    return top
