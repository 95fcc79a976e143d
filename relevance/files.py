"""Read a file the user named, refusing what is not a file at all before anything can block or flood memory."""

from __future__ import annotations

import stat
from pathlib import Path

from relevance.errors import RelevanceError
from relevance.limits import max_bytes, too_big


def read_bytes(path: Path, error: type[RelevanceError], fix: str) -> bytes:
    """The bytes of the regular file at ``path``, at most `relevance.limits.max_bytes`.

    Raises ``error`` naming the problem: a folder, a pipe or device (a FIFO would block forever, /dev/zero never
    ends), a file that cannot be read, or one over the limit. ``fix`` says what to pass instead.
    """
    try:
        info = path.stat()
    except OSError as problem:
        raise error(f"{path} cannot be read ({problem.strerror or problem}): {fix}") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path} is a folder: {fix}")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{path} is not a regular file (a pipe, socket or device): {fix}")
    limit = max_bytes()
    if info.st_size > limit:
        raise too_big(str(path), error)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)  # +1: a file still growing is caught here
    except OSError as problem:
        raise error(f"{path} cannot be read ({problem.strerror or problem}): check the file's permissions") from None
    if len(data) > limit:
        raise too_big(str(path), error)
    return data
