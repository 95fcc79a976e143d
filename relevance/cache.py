"""The on-disk vector cache: never embed the same (embedder, text) twice.

Layout: one directory per embedder under the cache root, holding immutable *shard* files. A shard is written
once, under a temporary name, then renamed into place (``os.replace`` is atomic), and never modified again, so
readers never see half a shard and concurrent writers never need a lock: two processes that embed the same text
both write it, and the duplicate is harmless. A shard carries its embedder name, its size and a CRC-32 of every
byte, so a truncated, garbled or misplaced file is detected on read, and so is one whose checksum is sound but
whose vectors are not finite numbers (NaN would spread to every score): it is reported with a warning, deleted,
and its texts are simply embedded again. When shards pile up, a reader merges them into one.

In memory, a ``VectorCache`` keeps an index of the shards it has read (or written): each lookup lists the
directory and reads only shards it has not seen, forgets shards that are gone (merged or cleared by another
process), and re-reads one whose file changed (inode, size or timestamps), checking its CRC again. A warm
lookup in a process that has looked before therefore reads nothing at all; what it serves was checked when it
was read. (A shard garbled in place, keeping its size, within the file system's timestamp resolution is only
noticed by the next process: this one keeps serving the sound vectors it read.) Only the index of a directory
small enough is kept (``KEEP_BYTES``); ``VectorCache(..., keep_in_memory=False)`` keeps none. Texts are
looked up in a sorted array of keys (``np.searchsorted``) and vectors copied with vectorised ``np.take``: no
Python loop over rows; each distinct text is hashed once per ``VectorCache``.

The shard format is in ``relevance.cache_shard``, the in-memory index of shards in ``relevance.cache_index``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
import time
import warnings
from collections.abc import Sequence
from functools import partial
from operator import methodcaller
from pathlib import Path

import numpy as np

from relevance.cache_index import ShardIndex, key_array
from relevance.cache_shard import KEY_BYTES, SUFFIX, Shard, file_ident, parse_shard, unlink_quietly, write_shard

ENV_VAR = "RELEVANCE_CACHE"
# Values of RELEVANCE_CACHE that turn the cache off.
_OFF = {"off", "0", "false", "no", "none", "disabled"}
# Past this many shards a reader merges them: each shard costs a file read in every new process.
MAX_SHARDS = 16
# Temporary files older than this were left by a crashed writer.
_STALE_TMP_SECONDS = 3600
# A VectorCache keeps its in-memory index of an embedder's shards between lookups only up to this size
# (about 130,000 texts of USE): beyond it, each lookup reads the shards again, as a new process would.
KEEP_BYTES = 256 * 2**20
# Text -> key memo entries kept per VectorCache before starting over (about 100 bytes each).
_MEMO_MAX = 1_000_000


class CacheWarning(UserWarning):
    """Something was wrong with the cache; the affected vectors are recomputed."""


_BLAKE2B = partial(hashlib.blake2b, digest_size=KEY_BYTES)
_DIGEST = methodcaller("digest")


def text_key(text: str) -> bytes:
    """The 16-byte key a text is stored under (its embedder is the directory)."""
    return _DIGEST(_BLAKE2B(text.encode("utf-8")))  # as VectorCache._text_keys hashes them, many at once


def default_cache_dir() -> Path | None:
    """``$RELEVANCE_CACHE`` if set (``off`` disables the cache), else the user's cache dir for relevance."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value.lower() in _OFF:
        return None
    if value:
        return Path(value).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("relevance", appauthor=False)


class VectorCache:
    """Vectors on disk, keyed by (embedder name, text).

    ``VectorCache()`` is the user's cache, resolved at each use from ``$RELEVANCE_CACHE`` (so a test or a
    user can redirect or disable it at any time); ``VectorCache(path)`` pins a directory.
    Problems with the cache are reported as :class:`CacheWarning` and never fail a run.
    ``keep_in_memory=False`` re-reads the shards at every lookup instead of keeping what was read.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, keep_in_memory: bool = True) -> None:
        self._directory = Path(directory) if directory is not None else None
        self.keep_in_memory = keep_in_memory
        self._indexes: dict[str, ShardIndex] = {}  # embedder name -> its shards, as last seen
        self._keys: dict[str, bytes] = {}  # text -> text_key(text), so a text is hashed once per process
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"VectorCache({str(self.root) if self.root else 'off'!r})"

    @property
    def root(self) -> Path | None:
        """The cache directory in use, or None when the cache is disabled."""
        return self._directory if self._directory is not None else default_cache_dir()

    def embedder_dir(self, embedder_name: str) -> Path | None:
        """Where one embedder's shards live: a readable slug plus a hash, so any name is a safe path."""
        root = self.root
        if root is None:
            return None
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", embedder_name).strip("._")[:80]
        digest = hashlib.blake2b(embedder_name.encode("utf-8"), digest_size=6).hexdigest()
        return root / "vectors" / f"{slug}-{digest}"

    def lookup(self, embedder_name: str, texts: Sequence[str], dim: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(vectors, found)``: float32 (n, dim) rows for the cached texts, and a bool mask of them."""
        vectors = np.zeros((len(texts), dim), dtype=np.float32)
        return vectors, self.lookup_into(embedder_name, texts, vectors)

    def lookup_into(self, embedder_name: str, texts: Sequence[str], out: np.ndarray) -> np.ndarray:
        """Write the cached vectors of texts into the rows of ``out`` (float32 (n, dim)), leaving the other
        rows untouched; return the bool mask of the rows written."""
        if out.shape[0] != len(texts):
            raise ValueError(f"{len(texts)} texts but an output of shape {out.shape}")
        found = np.zeros(len(texts), dtype=bool)
        directory = self.embedder_dir(embedder_name)
        if directory is None or not texts:
            return found
        with self._lock:
            index = self._indexes.get(embedder_name)
            if index is None or index.directory != directory or index.dim != out.shape[1]:
                index = self._indexes[embedder_name] = ShardIndex(directory, out.shape[1])
            self._sync(index, embedder_name)
            if index.shards:
                rows = index.find(key_array(b"".join(self._text_keys(texts))))
                index.gather(rows, out)
                found = rows >= 0
            if len(index.shards) > MAX_SHARDS:
                self._compact(index, embedder_name)
            if not self.keep_in_memory or index.nbytes > KEEP_BYTES:
                del self._indexes[embedder_name]
        return found

    def store(self, embedder_name: str, texts: Sequence[str], vectors: np.ndarray, *, copy: bool = True) -> None:
        """Add vectors for texts, as one new shard. Never raises for a cache problem: warns instead.

        The in-memory index keeps a copy of the vectors; ``copy=False`` hands ``vectors`` over instead (the
        caller made them for this and will not change them)."""
        directory = self.embedder_dir(embedder_name)
        if directory is None or not texts:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise ValueError(f"{len(texts)} texts but vectors of shape {vectors.shape}")
        with self._lock:
            keys = b"".join(self._text_keys(texts))
            index = self._indexes.get(embedder_name)
            if index is not None and (index.directory != directory or index.dim != vectors.shape[1]):
                index = None
            if index is not None:  # the index keeps what is written, read-only
                if copy:
                    vectors = vectors.copy()
                vectors.flags.writeable = False
            try:
                directory.mkdir(parents=True, exist_ok=True)
                path = write_shard(directory, embedder_name, keys, vectors)
            except OSError as exc:
                warnings.warn(
                    f"Could not write the vector cache in {directory} ({exc}); "
                    f"vectors will be recomputed next time. Set {ENV_VAR}=off to silence this.",
                    CacheWarning,
                    stacklevel=2,
                )
                return
            if index is not None:
                with contextlib.suppress(OSError):  # already merged away by another process: read it next time
                    index.add(path.name, Shard(file_ident(path.stat()), keys, vectors))
                if index.nbytes > KEEP_BYTES:
                    del self._indexes[embedder_name]

    def clear(self, embedder_name: str | None = None) -> None:
        """Delete the cached vectors of one embedder, or of all of them."""
        with self._lock:
            if embedder_name:
                self._indexes.pop(embedder_name, None)
            else:
                self._indexes.clear()
        root = self.root
        if root is None:
            return
        directory = self.embedder_dir(embedder_name) if embedder_name else root / "vectors"
        if directory is not None and directory.is_dir():
            for path in sorted(directory.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
            directory.rmdir()

    def _text_keys(self, texts: Sequence[str]) -> list[bytes]:
        """The key of each text, each distinct text hashed once per process (C-level loops throughout: this is
        most of the time of a warm lookup in a new process)."""
        memo = self._keys
        if not memo:  # nothing hashed yet (a new process): hash them all, no memo lookups
            keys = list(map(_DIGEST, map(_BLAKE2B, map(str.encode, texts))))
            if len(keys) <= _MEMO_MAX:
                memo.update(zip(texts, keys, strict=True))
            return keys
        new = [t for t in texts if t not in memo]  # a repeated text is hashed twice: harmless
        if new:
            if len(memo) + len(new) > _MEMO_MAX:
                memo.clear()
            hashed = map(_DIGEST, map(_BLAKE2B, map(str.encode, new)))
            memo.update(zip(new, hashed, strict=True))
        return list(map(memo.__getitem__, texts))

    def _sync(self, index: ShardIndex, name: str) -> None:
        """Bring the index in line with the directory: read new or changed shards, forget vanished ones."""
        try:
            with os.scandir(index.directory) as entries:
                listed = sorted((e.name, e) for e in entries if e.name.endswith(SUFFIX))
        except OSError:  # no directory (yet, or cleared): nothing cached
            listed = []
        present = set()
        for filename, entry in listed:
            try:
                ident = file_ident(entry.stat())
            except OSError:  # merged and deleted by another process since we listed it
                continue
            present.add(filename)
            known = index.shards.get(filename)
            if known is not None and known.ident == ident:
                continue
            index.drop(filename)
            shard = self._read_shard(index.directory / filename, name, index.dim)
            if shard is not None:
                index.add(filename, shard)
        for filename in [f for f in index.shards if f not in present]:
            index.drop(filename)

    @staticmethod
    def _read_shard(path: Path, name: str, dim: int) -> Shard | None:
        try:
            with path.open("rb") as f:
                st = os.fstat(f.fileno())
                # into a numpy buffer, not bytes: numpy asks for huge pages, which halves the cost of
                # reading (and checksumming) a big shard
                data = np.empty(st.st_size, dtype=np.uint8)
                if f.readinto(data.data) != st.st_size:
                    data = data[:0]  # shrunk while we read: damaged
        except FileNotFoundError:  # merged and deleted by another process since we listed it
            return None
        except OSError as exc:
            warnings.warn(
                f"Could not read vector cache shard {path} ({exc}); recomputing its vectors.",
                CacheWarning,
                stacklevel=5,
            )
            return None
        problem, keys, vectors = parse_shard(data, name, dim)
        if problem:
            warnings.warn(
                f"Ignoring and deleting damaged vector cache shard {path} ({problem}); its vectors will be recomputed.",
                CacheWarning,
                stacklevel=5,
            )
            unlink_quietly(path)
            return None
        return Shard(file_ident(st), keys, vectors)

    def _compact(self, index: ShardIndex, name: str) -> None:
        """Merge the index's shards into one. Safe against concurrent readers and writers: only the shards
        read here are deleted, and only after the merged one is in place; a racing compaction merely
        duplicates."""
        keys, rows = index.unique_rows()
        merged = np.empty((len(rows), index.dim), dtype=np.float32)
        index.gather(rows, merged)
        try:
            path = write_shard(index.directory, name, keys, merged)
            ident = file_ident(path.stat())
        except OSError:
            return  # a read-only cache still serves lookups; nothing to report
        old = list(index.shards)
        merged.flags.writeable = False
        index.add(path.name, Shard(ident, keys, merged))
        for filename in old:
            index.drop(filename)
            unlink_quietly(index.directory / filename)
        now = time.time()
        for tmp in index.directory.glob(f".*{SUFFIX}.*.tmp"):  # atomic_write's temporary names
            try:
                if now - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
                    tmp.unlink()
            except OSError:
                pass
