"""The vector cache's shard files: their format, and writing and parsing one (relevance.cache uses them).

A shard is written once, under a temporary name, then renamed into place, and never modified again. Format
(little endian): ``b"RVC1"``, u32 header length, JSON header ``{"embedder", "dim", "n"}`` (padded with spaces so
the vectors start 16-byte aligned; older shards without the padding read fine), n x 16-byte BLAKE2b text keys,
n x dim float32 vectors (finite: a shard holding NaN or inf is damaged), u32 CRC-32 of everything before it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import struct
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from relevance.atomic import atomic_write

MAGIC = b"RVC1"
KEY_BYTES = 16
SUFFIX = ".rvc"

# (inode, size, mtime, ctime): shards are immutable, so a file whose identity is unchanged is the one we read.
Ident = tuple[int, int, int, int]


def file_ident(st: os.stat_result) -> Ident:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True)
class Shard:
    ident: Ident
    keys: bytes  # n x 16-byte keys
    vectors: np.ndarray  # (n, dim) float32, a read-only view of the bytes read or written

    @property
    def nbytes(self) -> int:
        return len(self.keys) + self.vectors.nbytes


def write_shard(directory: Path, name: str, keys: bytes, vectors: np.ndarray) -> Path:
    header = json.dumps({"embedder": name, "dim": int(vectors.shape[1]), "n": len(vectors)}).encode()
    header += b" " * (-(8 + len(header)) % 16)  # JSON allows trailing spaces: the vectors start 16-byte aligned
    parts = (MAGIC + struct.pack("<I", len(header)) + header, keys, np.ascontiguousarray(vectors).data)
    # a unique final name: writers never overwrite each other, so no lock is needed
    final = directory / f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}"
    with atomic_write(final, "wb") as f:
        crc = 0
        for part in parts:  # written piece by piece: no copy of the vectors into one big buffer
            f.write(part)
            crc = zlib.crc32(part, crc)
        f.write(struct.pack("<I", crc))
    return final


def parse_shard(data: np.ndarray, name: str, dim: int) -> tuple[str, bytes, np.ndarray]:
    """Return ``(problem, keys, vectors)`` from a shard's bytes (uint8); ``problem`` is "" for a sound shard.
    The vectors are a read-only view of ``data``."""
    empty = np.zeros((0, dim), np.float32)
    if len(data) < 12 or data[:4].tobytes() != MAGIC:
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
    end = start + n * KEY_BYTES
    if len(data) != end + n * dim * 4 + 4:
        return "wrong size", b"", empty
    vectors = data[end:-4].view("<f4").reshape(n, dim)
    # The checksum only says the bytes are the ones written: a shard written with NaN or infinite vectors (or
    # forged with a fresh checksum) would turn every score it touches into NaN.
    if not np.isfinite(vectors).all():
        return "vectors that are not finite numbers", b"", empty
    if not vectors.flags.aligned:  # written before headers were padded: copy once to aligned memory
        vectors = vectors.copy()
    vectors.flags.writeable = False
    return "", data[start:end].tobytes(), vectors


def unlink_quietly(path: Path) -> None:
    # already gone, or held open on Windows: either way not our problem now
    with contextlib.suppress(OSError):
        path.unlink()
