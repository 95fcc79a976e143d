"""Write a file so that a crash, Ctrl-C or a full disk leaves either the old file or the new one, whole."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", **open_args: Any) -> Iterator[IO[Any]]:
    """Yield a handle to a temporary file beside ``path``; on success it is fsynced and renamed over ``path``.

    The new file keeps the permissions of the one it replaces (a user's labels file), or gets the usual
    ones for a new file: ``mkstemp`` alone would leave it readable by its owner only.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, mode, **open_args) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, _mode_for(target))
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
