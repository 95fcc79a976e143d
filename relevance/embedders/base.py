"""What every embedder backend shares: unit-length float32 rows, and how many cores it may use."""

from __future__ import annotations

import os
from typing import Any

import numpy as np


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def default_threads() -> int:
    """Never more threads than cores: oversubscribed BLAS/OpenMP runs many times slower (bench_embed.py)."""
    return min(available_cores(), 8)


def normalise(vectors: Any) -> np.ndarray:
    """float32 rows of unit length (a backend's own normalisation is not trusted blindly). Divides in place:
    only ever given a backend's freshly made output."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", v, v))[:, None]
    np.divide(v, norms, out=v, where=norms > 0)
    return v
