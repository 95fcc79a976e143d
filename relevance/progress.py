"""How long-running library steps report progress without printing anything themselves.

The library never prints: a step that takes long accepts an optional ``progress`` callback and calls it
with (done, total) as it goes. The CLI turns that into a progress bar on stderr.
"""

from collections.abc import Callable

Progress = Callable[[int, int], None]


def report(progress: Progress | None, done: int, total: int) -> None:
    """Call ``progress`` if there is one."""
    if progress is not None:
        progress(done, total)
