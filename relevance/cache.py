"""The on-disk vector cache: never embed the same (embedder, text) twice.

Layout: one directory per embedder under the cache root, holding immutable *shard* files. A shard is written
once, under a temporary name, then renamed into place (``os.replace`` is atomic), and never modified again, so
readers never see half a shard and concurrent writers never need a lock: two processes that embed the same text
both write it, and the duplicate is harmless. A shard carries its embedder name, its size and a CRC-32 of every
byte, so a truncated, garbled or misplaced file is detected on read, reported with a warning, deleted, and its
texts are simply embedded again. When shards pile up, a reader merges them into one.

In memory, a ``VectorCache`` keeps an index of the shards it has read (or written): each lookup lists the
directory and reads only shards it has not seen, forgets shards that are gone (merged or cleared by another
process), and re-reads one whose file changed (inode, size or timestamps), checking its CRC again. A warm
lookup in a process that has looked before therefore reads nothing at all; what it serves was checked when it
was read. (A shard garbled in place, keeping its size, within the file system's timestamp resolution is only
noticed by the next process: this one keeps serving the sound vectors it read.) Only the index of a directory
small enough is kept (``KEEP_BYTES``); ``VectorCache(..., keep_in_memory=False)`` keeps none. Texts are
looked up in a sorted array of keys (``np.searchsorted``) and vectors copied with vectorised ``np.take``: no
Python loop over rows; each distinct text is hashed once per ``VectorCache``.

Shard format (little endian): ``b"RVC1"``, u32 header length, JSON header ``{"embedder", "dim", "n"}`` (padded
with spaces so the vectors start 16-byte aligned; older shards without the padding read fine),
n x 16-byte BLAKE2b text keys, n x dim float32 vectors, u32 CRC-32 of everything before it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import struct
import threading
import time
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from operator import methodcaller
from pathlib import Path

import numpy as np

from relevance.atomic import atomic_write

ENV_VAR = "RELEVANCE_CACHE"
# Values of RELEVANCE_CACHE that turn the cache off.
_OFF = {"off", "0", "false", "no", "none", "disabled"}
_MAGIC = b"RVC1"
_KEY_BYTES = 16
_SUFFIX = ".rvc"
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


_BLAKE2B = partial(hashlib.blake2b, digest_size=_KEY_BYTES)
_DIGEST = methodcaller("digest")


def text_key(text: str) -> bytes:
    """The 16-byte key a text is stored under (its embedder is the directory)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=_KEY_BYTES).digest()


def default_cache_dir() -> Path | None:
    """``$RELEVANCE_CACHE`` if set (``off`` disables the cache), else the user's cache dir for relevance."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value.lower() in _OFF:
        return None
    if value:
        return Path(value).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("relevance", appauthor=False)


# (inode, size, mtime, ctime): shards are immutable, so a file whose identity is unchanged is the one we read.
_Ident = tuple[int, int, int, int]


def _ident(st: os.stat_result) -> _Ident:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True)
class _Shard:
    ident: _Ident
    keys: bytes  # n x 16-byte keys
    vectors: np.ndarray  # (n, dim) float32, a read-only view of the bytes read or written

    @property
    def nbytes(self) -> int:
        return len(self.keys) + self.vectors.nbytes


class _Index:
    """One embedder directory's shards as last seen, and a sorted array of all their keys to look texts up in
    (vectorised: ``np.searchsorted``, no per-key Python).

    Rows are numbered across shards in insertion order; ``_starts[s]`` is shard s's first row.
    """

    def __init__(self, directory: Path, dim: int) -> None:
        self.directory = directory
        self.dim = dim
        self.shards: dict[str, _Shard] = {}  # file name -> shard
        self._stale = True  # shards were added or dropped: rebuild the arrays below before the next use
        self._vectors: list[np.ndarray] = []
        self._starts = np.zeros(1, dtype=np.int64)
        self._order = np.zeros(0, dtype=np.int64)  # global rows sorted by key, each key once
        self._sorted = np.zeros((0, 2), dtype=np.uint64)  # their keys, as two 64-bit halves

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.shards.values())

    def add(self, filename: str, shard: _Shard) -> None:
        self.shards[filename] = shard
        self._stale = True

    def drop(self, filename: str) -> None:
        if self.shards.pop(filename, None) is not None:
            self._stale = True

    def _build(self) -> None:
        shards = list(self.shards.values())
        self._vectors = [s.vectors for s in shards]
        self._starts = np.cumsum([0, *(len(v) for v in self._vectors)], dtype=np.int64)
        keys = _key_array(b"".join(s.keys for s in shards))
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


def _key_array(keys: bytes) -> np.ndarray:
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
        self._indexes: dict[str, _Index] = {}  # embedder name -> its shards, as last seen
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
                index = self._indexes[embedder_name] = _Index(directory, out.shape[1])
            self._sync(index, embedder_name)
            if index.shards:
                rows = index.find(_key_array(b"".join(self._text_keys(texts))))
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
                path = _write_shard(directory, embedder_name, keys, vectors)
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
                    index.add(path.name, _Shard(_ident(path.stat()), keys, vectors))
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

    def _sync(self, index: _Index, name: str) -> None:
        """Bring the index in line with the directory: read new or changed shards, forget vanished ones."""
        try:
            with os.scandir(index.directory) as entries:
                listed = sorted((e.name, e) for e in entries if e.name.endswith(_SUFFIX))
        except OSError:  # no directory (yet, or cleared): nothing cached
            listed = []
        present = set()
        for filename, entry in listed:
            try:
                ident = _ident(entry.stat())
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
    def _read_shard(path: Path, name: str, dim: int) -> _Shard | None:
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
        problem, keys, vectors = _parse_shard(data, name, dim)
        if problem:
            warnings.warn(
                f"Ignoring and deleting damaged vector cache shard {path} ({problem}); its vectors will be recomputed.",
                CacheWarning,
                stacklevel=5,
            )
            _unlink_quietly(path)
            return None
        return _Shard(_ident(st), keys, vectors)

    def _compact(self, index: _Index, name: str) -> None:
        """Merge the index's shards into one. Safe against concurrent readers and writers: only the shards
        read here are deleted, and only after the merged one is in place; a racing compaction merely
        duplicates."""
        keys, rows = index.unique_rows()
        merged = np.empty((len(rows), index.dim), dtype=np.float32)
        index.gather(rows, merged)
        try:
            path = _write_shard(index.directory, name, keys, merged)
            ident = _ident(path.stat())
        except OSError:
            return  # a read-only cache still serves lookups; nothing to report
        old = list(index.shards)
        merged.flags.writeable = False
        index.add(path.name, _Shard(ident, keys, merged))
        for filename in old:
            index.drop(filename)
            _unlink_quietly(index.directory / filename)
        now = time.time()
        for tmp in index.directory.glob(f".*{_SUFFIX}.*.tmp"):  # atomic_write's temporary names
            try:
                if now - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
                    tmp.unlink()
            except OSError:
                pass


def _write_shard(directory: Path, name: str, keys: bytes, vectors: np.ndarray) -> Path:
    header = json.dumps({"embedder": name, "dim": int(vectors.shape[1]), "n": len(vectors)}).encode()
    header += b" " * (-(8 + len(header)) % 16)  # JSON allows trailing spaces: the vectors start 16-byte aligned
    parts = (_MAGIC + struct.pack("<I", len(header)) + header, keys, np.ascontiguousarray(vectors).data)
    # a unique final name: writers never overwrite each other, so no lock is needed
    final = directory / f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}{_SUFFIX}"
    with atomic_write(final, "wb") as f:
        crc = 0
        for part in parts:  # written piece by piece: no copy of the vectors into one big buffer
            f.write(part)
            crc = zlib.crc32(part, crc)
        f.write(struct.pack("<I", crc))
    return final


def _parse_shard(data: np.ndarray, name: str, dim: int) -> tuple[str, bytes, np.ndarray]:
    """Return ``(problem, keys, vectors)`` from a shard's bytes (uint8); ``problem`` is "" for a sound shard.
    The vectors are a read-only view of ``data``."""
    empty = np.zeros((0, dim), np.float32)
    if len(data) < 12 or data[:4].tobytes() != _MAGIC:
        return "not a vector cache shard", b"", empty
    if int.from_bytes(data[-4:].tobytes(), "little") != zlib.crc32(data[:-4].data):
        return "checksum mismatch: truncated or corrupt", b"", empty
    header_len = int.from_bytes(data[4:8].tobytes(), "little")
    try:
        header = json.loads(data[8 : 8 + header_len].tobytes())
        n, shard_dim, shard_name = int(header["n"]), int(header["dim"]), str(header["embedder"])
    except (ValueError, KeyError, TypeError):
        return "unreadable header", b"", empty
    if n < 0 or shard_name != name or shard_dim != dim:
        return f"written for {shard_name!r} with dim {shard_dim}, expected {name!r} with dim {dim}", b"", empty
    start = 8 + header_len
    end = start + n * _KEY_BYTES
    if len(data) != end + n * dim * 4 + 4:
        return "wrong size", b"", empty
    vectors = data[end:-4].view("<f4").reshape(n, dim)
    if not vectors.flags.aligned:  # written before headers were padded: copy once to aligned memory
        vectors = vectors.copy()
    vectors.flags.writeable = False
    return "", data[start:end].tobytes(), vectors


def _unlink_quietly(path: Path) -> None:
    # already gone, or held open on Windows: either way not our problem now
    with contextlib.suppress(OSError):
        path.unlink()
