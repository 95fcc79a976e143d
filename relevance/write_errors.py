"""A failed write as one line that names the path and what to do: read-only, full, a folder, under a file."""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from pathlib import Path

from relevance.errors import RelevanceError

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def cannot_write(
    path: str | os.PathLike[str], problem: OSError, error: type[RelevanceError] = RelevanceError, note: str = ""
) -> RelevanceError:
    """The user-facing error for ``problem``, raised while writing ``path``; ``note`` is added before the fix
    (e.g. that earlier answers are safe)."""
    code = problem.errno
    if code in _DISK_FULL:
        why, fix = "the disk is full", "free some space and run again"
    elif code in (errno.EACCES, errno.EPERM):
        why, fix = "permission denied", "make it writable, or choose another path"
    elif code == errno.EROFS:
        why, fix = "the disk is read-only", "choose a path on another disk"
    elif code == errno.EISDIR:
        why, fix = "it is a folder", "give the path of a file, not a folder"
    elif code in (errno.ENOTDIR, errno.EEXIST):
        why, fix = "part of the path is a file, not a folder", "choose another path"
    else:
        why, fix = problem.strerror or type(problem).__name__, "choose another path"
    return error(f"could not write {path} ({why}){note}: {fix}")


def check_writable(
    path: str | os.PathLike[str],
    error: type[RelevanceError] = RelevanceError,
    *,
    reads: Mapping[str, str | os.PathLike[str]] | None = None,
) -> None:
    """Raise ``cannot_write``'s error now if ``path`` plainly cannot be written (a folder, under a file, in a
    read-only folder), so a command fails before minutes of embedding rather than after. Writes nothing; a full
    disk still shows only when writing. ``reads``: what the command reads, by what it is to the person ("your
    export"): writing over one of those would lose it (``--out Connections.csv``), so that is refused too."""
    target = Path(path)
    for what, source in (reads or {}).items():
        if target.exists() and Path(source).exists() and os.path.samefile(target, source):
            raise error(f"will not write {target}: it is {what}, which this command reads; choose another path")
    if target.is_dir():
        raise cannot_write(target, OSError(errno.EISDIR, "is a folder"), error)
    if target.exists():
        if not os.access(target, os.W_OK):
            raise cannot_write(target, OSError(errno.EACCES, "permission denied"), error)
        return
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise cannot_write(target, OSError(errno.ENOTDIR, "not a folder"), error)
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise cannot_write(target, OSError(errno.EACCES, "permission denied"), error)
