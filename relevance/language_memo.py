"""Detected languages remembered on disk, beside the vector cache.

Detecting the languages of a 30,000-row export costs every command that needs them (train, label, sample, app,
inspect) about the same second and more each time: 0.6 s to load py3langid's model, 0.6 s for 8,000 distinct
titles. A title's language only changes with the detector, so it is kept, like its vector.

One JSON file per detector (``languages/<key>.json``, the key a hash of py3langid's version and of
``relevance.language``'s own source: a change to the rules starts a new file), mapping each title's BLAKE2b hash,
never the title itself, to ``[language, script, confidence]``. A damaged file is ignored and written again; a file
that cannot be written costs the next command a detection, nothing else. ``RELEVANCE_CACHE=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from relevance.atomic import atomic_write
from relevance.cache import default_cache_dir
from relevance.language import Detection

FOLDER = "languages"
# More titles than this in one file start it again: a cache, not an archive.
MAX_TITLES = 200_000

# The file read in this process, by path: {title hash: detection}.
_read: dict[Path, dict[str, Detection]] = {}


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
    known = _known(path)
    if len(known) + len(detections) > MAX_TITLES:
        known.clear()
    known.update((_key(text), detection) for text, detection in detections.items())
    data = {key: [d.language, d.script, d.confidence] for key, d in known.items()}
    try:
        with atomic_write(path, "w", encoding="utf-8") as out:
            json.dump(data, out, separators=(",", ":"))
    except OSError:
        pass  # a read-only or full cache: the next command detects again


def memo_path() -> Path | None:
    """Where this detector's file is, or None when the cache is off."""
    root = default_cache_dir()
    return None if root is None else root / FOLDER / f"{detector_key()}.json"


@lru_cache(maxsize=1)
def detector_key() -> str:
    """Names the detector: py3langid's version and the rules in relevance.language."""
    import relevance.language

    try:
        langid = version("py3langid")
    except PackageNotFoundError:
        langid = "unknown"
    source = Path(relevance.language.__file__).read_bytes()
    return hashlib.blake2b(langid.encode() + b"\0" + source, digest_size=12).hexdigest()


def _known(path: Path) -> dict[str, Detection]:
    if path not in _read:
        _read[path] = _load(path)
    return _read[path]


def _load(path: Path) -> dict[str, Detection]:
    """The file's detections; {} for a missing or damaged file (it is written again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
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
            and isinstance(value[2], int | float)
        ):
            known[key] = Detection(value[0], value[1], float(value[2]))
    return known


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
