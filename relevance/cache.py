"""The on-disk vector cache: never embed the same (embedder, text) twice.

Layout: one directory per embedder under the cache root, holding immutable *shard* files. A shard is written
once, under a temporary name, then renamed into place (``os.replace`` is atomic), and never modified again, so
readers never see half a shard and concurrent writers never need a lock: two processes that embed the same text
both write it, and the duplicate is harmless. A shard carries its embedder name, its size and a CRC-32 of every
byte, so a truncated, garbled or misplaced file is detected on read, reported with a warning, deleted, and its
texts are simply embedded again. When shards pile up, a reader merges them into one.

Shard format (little endian): ``b"RVC1"``, u32 header length, JSON header ``{"embedder", "dim", "n"}``,
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
import tempfile
import time
import warnings
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ENV_VAR = "RELEVANCE_CACHE"
# Values of RELEVANCE_CACHE that turn the cache off.
_OFF = {"off", "0", "false", "no", "none", "disabled"}
_MAGIC = b"RVC1"
_KEY_BYTES = 16
_SUFFIX = ".rvc"
# Past this many shards a reader merges them: each shard costs a file open on every lookup.
MAX_SHARDS = 16
# Temporary files older than this were left by a crashed writer.
_STALE_TMP_SECONDS = 3600


class CacheWarning(UserWarning):
    """Something was wrong with the cache; the affected vectors are recomputed."""


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


class VectorCache:
    """Vectors on disk, keyed by (embedder name, text).

    ``VectorCache()`` is the user's cache, resolved at each use from ``$RELEVANCE_CACHE`` (so a test or a
    user can redirect or disable it at any time); ``VectorCache(path)`` pins a directory.
    Problems with the cache are reported as :class:`CacheWarning` and never fail a run.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self._directory = Path(directory) if directory is not None else None

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
        found = np.zeros(len(texts), dtype=bool)
        directory = self.embedder_dir(embedder_name)
        if directory is None or not texts or not directory.is_dir():
            return vectors, found
        # key -> row; a repeated text is filled from its first row at the end. Plain ints, not a list per
        # key: thousands of small lists wake the garbage collector, which tripled the time of a warm run.
        wanted: dict[bytes, int] = {}
        repeats: list[tuple[int, int]] = []
        for i, text in enumerate(texts):
            first = wanted.setdefault(text_key(text), i)
            if first != i:
                repeats.append((i, first))
        shards = self._read_shards(directory, embedder_name, dim)
        for _, keys, vecs in shards:
            dst: list[int] = []
            src: list[int] = []
            for j, key in enumerate(_split_keys(keys)):
                row = wanted.pop(key, None)  # popped: a text duplicated across shards is copied once
                if row is not None:
                    dst.append(row)
                    src.append(j)
            if dst:
                vectors[dst] = vecs[src]
                found[dst] = True
        for i, first in repeats:
            vectors[i], found[i] = vectors[first], found[first]
        if len(shards) > MAX_SHARDS:
            self._compact(directory, embedder_name, dim, shards)
        return vectors, found

    def store(self, embedder_name: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Add vectors for texts, as one new shard. Never raises for a cache problem: warns instead."""
        directory = self.embedder_dir(embedder_name)
        if directory is None or not texts:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise ValueError(f"{len(texts)} texts but vectors of shape {vectors.shape}")
        keys = b"".join(text_key(t) for t in texts)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            _write_shard(directory, embedder_name, keys, vectors)
        except OSError as exc:
            warnings.warn(
                f"Could not write the vector cache in {directory} ({exc}); "
                f"vectors will be recomputed next time. Set {ENV_VAR}=off to silence this.",
                CacheWarning,
                stacklevel=2,
            )

    def clear(self, embedder_name: str | None = None) -> None:
        """Delete the cached vectors of one embedder, or of all of them."""
        root = self.root
        if root is None:
            return
        directory = self.embedder_dir(embedder_name) if embedder_name else root / "vectors"
        if directory is not None and directory.is_dir():
            for path in sorted(directory.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
            directory.rmdir()

    def _read_shards(self, directory: Path, name: str, dim: int) -> list[tuple[Path, bytes, np.ndarray]]:
        shards = []
        for path in sorted(directory.glob(f"*{_SUFFIX}")):
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # merged and deleted by another process since we listed it
                continue
            except OSError as exc:
                warnings.warn(
                    f"Could not read vector cache shard {path} ({exc}); recomputing its vectors.",
                    CacheWarning,
                    stacklevel=3,
                )
                continue
            problem, keys, vecs = _parse_shard(data, name, dim)
            if problem:
                warnings.warn(
                    f"Ignoring and deleting damaged vector cache shard {path} ({problem}); "
                    f"its vectors will be recomputed.",
                    CacheWarning,
                    stacklevel=3,
                )
                _unlink_quietly(path)
                continue
            shards.append((path, keys, vecs))
        return shards

    def _compact(self, directory: Path, name: str, dim: int, shards: list[tuple[Path, bytes, np.ndarray]]) -> None:
        """Merge shards into one. Safe against concurrent readers and writers: only the shards read here
        are deleted, and only after the merged one is in place; a racing compaction merely duplicates."""
        index: dict[bytes, np.ndarray] = {}
        for _, keys, vecs in shards:
            for j, key in enumerate(_split_keys(keys)):
                index.setdefault(key, vecs[j])
        try:
            merged = np.stack(list(index.values())) if index else np.zeros((0, dim), np.float32)
            _write_shard(directory, name, b"".join(index), merged)
        except OSError:
            return  # a read-only cache still serves lookups; nothing to report
        for path, _, _ in shards:
            _unlink_quietly(path)
        now = time.time()
        for tmp in directory.glob(".tmp-*"):
            try:
                if now - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
                    tmp.unlink()
            except OSError:
                pass


def _split_keys(keys: bytes) -> list[bytes]:
    return [keys[i : i + _KEY_BYTES] for i in range(0, len(keys), _KEY_BYTES)]


def _write_shard(directory: Path, name: str, keys: bytes, vectors: np.ndarray) -> Path:
    header = json.dumps({"embedder": name, "dim": int(vectors.shape[1]), "n": len(vectors)}).encode()
    body = b"".join((_MAGIC, struct.pack("<I", len(header)), header, keys, vectors.tobytes()))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.write(struct.pack("<I", zlib.crc32(body)))
        # a unique final name: writers never overwrite each other, so no lock is needed
        final = directory / f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}{_SUFFIX}"
        os.replace(tmp, final)
    except BaseException:
        _unlink_quietly(Path(tmp))
        raise
    return final


def _parse_shard(data: bytes, name: str, dim: int) -> tuple[str, bytes, np.ndarray]:
    """Return ``(problem, keys, vectors)``; ``problem`` is "" for a sound shard."""
    empty = np.zeros((0, dim), np.float32)
    if len(data) < 12 or data[:4] != _MAGIC:
        return "not a vector cache shard", b"", empty
    if struct.unpack("<I", data[-4:])[0] != zlib.crc32(memoryview(data)[:-4]):
        return "checksum mismatch: truncated or corrupt", b"", empty
    (header_len,) = struct.unpack("<I", data[4:8])
    try:
        header = json.loads(data[8 : 8 + header_len])
        n, shard_dim, shard_name = int(header["n"]), int(header["dim"]), str(header["embedder"])
    except (ValueError, KeyError, TypeError):
        return "unreadable header", b"", empty
    if n < 0 or shard_name != name or shard_dim != dim:
        return f"written for {shard_name!r} with dim {shard_dim}, expected {name!r} with dim {dim}", b"", empty
    start = 8 + header_len
    end = start + n * _KEY_BYTES
    if len(data) != end + n * dim * 4 + 4:
        return "wrong size", b"", empty
    vectors = np.frombuffer(data, dtype="<f4", count=n * dim, offset=end).reshape(n, dim)
    return "", data[start:end], vectors


def _unlink_quietly(path: Path) -> None:
    # already gone, or held open on Windows: either way not our problem now
    with contextlib.suppress(OSError):
        path.unlink()
