"""The in-memory index of one embedder's cache shards: all their keys in one sorted array, looked up and
gathered vectorised (``np.searchsorted``, ``np.take``), no Python loop over rows (relevance.cache uses it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from relevance.cache_shard import Shard


class ShardIndex:
    """One embedder directory's shards as last seen, and a sorted array of all their keys to look texts up in
    (vectorised: ``np.searchsorted``, no per-key Python).

    Rows are numbered across shards in insertion order; ``_starts[s]`` is shard s's first row.
    """

    def __init__(self, directory: Path, dim: int) -> None:
        self.directory = directory
        self.dim = dim
        self.shards: dict[str, Shard] = {}  # file name -> shard
        self._stale = True  # shards were added or dropped: rebuild the arrays below before the next use
        self._vectors: list[np.ndarray] = []
        self._starts = np.zeros(1, dtype=np.int64)
        self._order = np.zeros(0, dtype=np.int64)  # global rows sorted by key, each key once
        self._sorted = np.zeros((0, 2), dtype=np.uint64)  # their keys, as two 64-bit halves

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.shards.values())

    def add(self, filename: str, shard: Shard) -> None:
        self.shards[filename] = shard
        self._stale = True

    def drop(self, filename: str) -> None:
        if self.shards.pop(filename, None) is not None:
            self._stale = True

    def _build(self) -> None:
        shards = list(self.shards.values())
        self._vectors = [s.vectors for s in shards]
        self._starts = np.cumsum([0, *(len(v) for v in self._vectors)], dtype=np.int64)
        keys = key_array(b"".join(s.keys for s in shards))
        order = np.argsort(keys[:, 0])
        ordered = keys[order]
        # the same text cached in two shards (concurrent writers): keep one. (Sorted on the first half only,
        # the copies of a key are next to each other unless two keys share their first 64 bits; find() is
        # exact either way.)
        repeat = np.zeros(len(order), dtype=bool)
        repeat[1:] = (ordered[1:] == ordered[:-1]).all(axis=1)
        self._order, self._sorted = order[~repeat], ordered[~repeat]
        self._stale = False

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The global row of each key ((m, 2) uint64), -1 for a key not cached."""
        if self._stale:
            self._build()
        first, second = self._sorted[:, 0], self._sorted[:, 1]
        rows = np.full(len(keys), -1, dtype=np.int64)
        if not len(first):
            return rows
        at = np.minimum(np.searchsorted(first, keys[:, 0]), len(first) - 1)
        same_first = first[at] == keys[:, 0]
        hit = same_first & (second[at] == keys[:, 1])
        rows[hit] = self._order[at[hit]]
        # two keys sharing their first 64 bits: the match may be further on (never seen; kept exact anyway)
        for i in np.flatnonzero(same_first & ~hit):
            j = at[i] + 1
            while j < len(first) and first[j] == keys[i, 0]:
                if second[j] == keys[i, 1]:
                    rows[i] = self._order[j]
                    break
                j += 1
        return rows

    def unique_rows(self) -> tuple[bytes, np.ndarray]:
        """Each key once, and its global row."""
        if self._stale:
            self._build()
        return self._sorted.tobytes(), self._order

    def gather(self, rows: np.ndarray, out: np.ndarray) -> None:
        """out[i] = the vector of global row rows[i], for every i with rows[i] >= 0 (others untouched)."""
        if self._stale:
            self._build()
        hit = np.flatnonzero(rows >= 0)
        if len(self._vectors) == 1:
            _copy_rows(out, hit, self._vectors[0], rows[hit])
            return
        shard_of = np.searchsorted(self._starts, rows[hit], side="right") - 1
        for s, vectors in enumerate(self._vectors):
            dst = hit[shard_of == s]
            _copy_rows(out, dst, vectors, rows[dst] - self._starts[s])


def key_array(keys: bytes) -> np.ndarray:
    """Concatenated 16-byte keys as (n, 2) uint64: two halves, compared and sorted as numbers."""
    return np.frombuffer(keys, dtype="<u8").reshape(-1, 2)


# Rows copied per step when rows are scattered: bounds the temporary to 2 MB of USE vectors.
_COPY_STEP = 1024


def _copy_rows(out: np.ndarray, dst: np.ndarray, vectors: np.ndarray, src: np.ndarray) -> None:
    """out[dst] = vectors[src] for sorted dst, vectorised: straight into place when dst is a run of rows (the
    usual case, texts cached in the order they come), else in steps with a small temporary."""
    if len(dst) == 0:
        return
    if dst[-1] - dst[0] + 1 == len(dst):
        # mode="clip" is unbuffered (the default, "raise", goes through a temporary); src is valid anyway
        np.take(vectors, src, axis=0, out=out[dst[0] : dst[-1] + 1], mode="clip")
        return
    for i in range(0, len(dst), _COPY_STEP):
        out[dst[i : i + _COPY_STEP]] = vectors[src[i : i + _COPY_STEP]]
