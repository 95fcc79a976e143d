"""The cache directory as a person sees it: where it is, what it holds, and clearing it.

It holds vectors of the titles of everyone in the networks scored here (``vectors/**/*.rvc``), for big
networks their neighbour graphs (``neighbours/*.npy``), and the titles' detected languages (``languages/*.json``,
by the titles' hashes). Clearing deletes only those files (and the temporary files their writers leave), never
anything else someone put in the directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from relevance.cache import default_cache_dir
from relevance.language_memo import FILE_NAME, FOLDER


@dataclass(frozen=True)
class CacheFiles:
    directory: Path | None  # None: the cache is turned off (RELEVANCE_CACHE=off)
    files: list[Path]
    size: int  # bytes the files take


def cache_files(directory: Path | None = None) -> CacheFiles:
    """The cache's own files under ``directory`` (default: the user's cache directory)."""
    root = directory if directory is not None else default_cache_dir()
    if root is None:
        return CacheFiles(None, [], 0)
    found = [p for p in (root / "vectors").rglob("*") if p.is_file() and ".rvc" in p.name]
    found += [p for p in (root / "neighbours").glob("*") if p.is_file() and ".npy" in p.name]
    found += [p for p in (root / FOLDER).glob("*") if p.is_file() and FILE_NAME.match(p.name)]
    return CacheFiles(root, sorted(found), sum(path.stat().st_size for path in found))


def clear_cache(directory: Path | None = None) -> CacheFiles:
    """Delete the cache's own files and the folders they leave empty; returns what was deleted."""
    found = cache_files(directory)
    for path in found.files:
        path.unlink(missing_ok=True)
    if found.directory is not None:
        for folder in sorted((found.directory / "vectors").rglob("*"), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        for folder in (found.directory / "vectors", found.directory / "neighbours", found.directory / FOLDER):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    return found
