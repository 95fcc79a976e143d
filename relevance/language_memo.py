"""Detected languages remembered on disk, beside the vector cache.

Detecting the languages of a 30,000-row export cost every command that needs them (train, label, sample, app,
inspect) over a second, every time: 0.6 s to load py3langid's model, 0.6 s for 8,000 distinct titles. A title's
language only changes with the detector, so it is kept, like its vector.

One JSON file per detector (``languages/<key>.json``, the key a hash of py3langid's version, the Unicode version
Python's text functions follow and ``relevance.language``'s own source: a change to the rules starts a new file),
mapping each title's BLAKE2b hash, never the title itself, to the detector's best guess ``[language, script,
confidence]``, however unsure (MIN_CONFIDENCE is applied when it is read, so the file is the same whatever
threshold the program that wrote it ran with). A damaged file is
ignored and written again; a file that cannot be written costs the next command a detection, nothing else. The file
is read again whenever it changed on disk (another command added to it, `relevance cache clear` deleted it).
``RELEVANCE_CACHE=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from relevance.atomic import atomic_write
from relevance.cache import default_cache_dir
from relevance.language import Detection

FOLDER = "languages"
# The names of its files (and of their writers' temporary files): what `relevance cache clear` deletes.
FILE_NAME = re.compile(r"\.?[0-9a-f]{24}\.json")
# More titles than this in one file start it again: a cache, not an archive (100,000 read in ~0.3 s).
MAX_TITLES = 100_000
# A bigger file is not this tool's: ignored, and written over.
MAX_BYTES = 32 * 1024 * 1024

# The file as read in this process, by path: (its size, mtime and inode then, {title hash: detection}).
_read: dict[Path, tuple[tuple[int, int, int], dict[str, Detection]]] = {}


def recall(texts: Sequence[str]) -> dict[str, Detection]:
    """The detections on disk for those of ``texts`` that have one."""
    path = memo_path()
    if path is None:
        return {}
    known = _known(path)
    found = {}
    for text in texts:
        if (detection := known.get(_key(text))) is not None:
            found[text] = detection
    return found


def remember(detections: Mapping[str, Detection]) -> None:
    """Add detections to the file on disk (written whole, atomically; never raises for a cache problem)."""
    path = memo_path()
    if path is None or not detections:
        return
    known = dict(_known(path))  # as on disk now: what other commands added since is kept
    if len(known) + len(detections) > MAX_TITLES:
        known.clear()
    known.update((_key(text), detection) for text, detection in detections.items())
    data = {key: [d.language, d.script, d.confidence] for key, d in known.items()}
    try:
        with atomic_write(path, "w", encoding="utf-8") as out:
            json.dump(data, out, separators=(",", ":"))
        _read[path] = (_signature(path), known)
    except OSError:
        pass  # a read-only or full cache: the next command detects again


def memo_path() -> Path | None:
    """Where this detector's file is, or None when the cache is off (or the detector cannot be named)."""
    root, key = default_cache_dir(), detector_key()
    return None if root is None or key is None else root / FOLDER / f"{key}.json"


@lru_cache(maxsize=1)
def detector_key() -> str | None:
    """Names the detector: py3langid's version, the Unicode version and the rules in relevance.language; None
    where its source cannot be read (a frozen build), and then nothing is remembered."""
    import relevance.language

    try:
        langid = version("py3langid")
    except PackageNotFoundError:
        langid = "unknown"
    try:
        source = Path(relevance.language.__file__).read_bytes()
    except (OSError, TypeError):
        return None
    named = f"{langid}\0{unicodedata.unidata_version}\0".encode() + source
    return hashlib.blake2b(named, digest_size=12).hexdigest()


def _known(path: Path) -> dict[str, Detection]:
    """The file's detections, read again when it changed since this process read it."""
    signature = _signature(path)
    seen = _read.get(path)
    if seen is None or seen[0] != signature:
        seen = (signature, _load(path) if signature != _MISSING else {})
        _read[path] = seen
    return seen[1]


_MISSING = (-1, -1, -1)


def _signature(path: Path) -> tuple[int, int, int]:
    try:
        status = os.stat(path)
    except OSError:
        return _MISSING
    return status.st_size, status.st_mtime_ns, status.st_ino


def _load(path: Path) -> dict[str, Detection]:
    """The file's detections; {} for a missing, damaged or foreign file (it is written again)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    known = {}
    for key, value in data.items():
        if (
            isinstance(value, list)
            and len(value) == 3
            and isinstance(value[0], str)
            and isinstance(value[1], str)
            and type(value[2]) in (int, float)
            and 0.0 <= value[2] <= 1.0
        ):
            known[key] = Detection(value[0], value[1], float(value[2]))
    return known


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
