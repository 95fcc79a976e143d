"""How the CLI talks: data to stdout, talk and progress to stderr, a user's mistake as one `Error:` line."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from relevance.errors import RelevanceError
from relevance.text import printable

if TYPE_CHECKING:
    import numpy as np

    from relevance.records import Connection


class TalkConsole(Console):
    """Talk wrapped at word boundaries to a terminal's width; into a pipe or a log, one line per sentence
    (tests and logs read a message whole, and a terminal would otherwise break words mid-word)."""

    def print(self, *objects: Any, soft_wrap: bool | None = None, **options: Any) -> None:
        super().print(*objects, soft_wrap=not self.is_terminal if soft_wrap is None else soft_wrap, **options)


err = TalkConsole(stderr=True, highlight=False)
# Off a terminal, a long step prints a line of progress this often (seconds).
PROGRESS_LINE_EVERY = 30.0
# Data is never wrapped: a line of it is a record.
out = Console(highlight=False, soft_wrap=True)


@contextmanager
def user_errors(interrupted: str = "Interrupted.") -> Iterator[None]:
    """A RelevanceError becomes one line on stderr and exit code 1, never a traceback; Ctrl-C prints
    ``interrupted`` and exits 130 (the shell's code for it). Each command says there what Ctrl-C left behind:
    files are written atomically, so that is the old file or the new one, whole."""
    try:
        yield
    except RelevanceError as error:
        fail(str(error))
    except KeyboardInterrupt:
        say(interrupted)
        raise typer.Exit(130) from None


def shown(text: str) -> str:
    """Text from a file, for ``console.print``: whatever its owner typed (``\\x1b]0;…\\x07`` retitles the
    terminal, ``\\x1b[2J`` clears it) without control characters, and its brackets as text, not rich markup."""
    return escape(printable(text))


@contextmanager
def plain_warnings() -> Iterator[None]:
    """Warnings from the library (a damaged cache shard, say) as one plain line each on stderr.

    Python's own format adds the file and line that warned and that line of source, which mean nothing to the
    person running a command and look like a crash."""
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        yield


def _show_warning(message: Warning | str, *_: object, **__: object) -> None:
    say(f"Warning: {printable(str(message))}")


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]Error:[/] {escape(message)}", markup=True)
    raise typer.Exit(1)


def say(line: str) -> None:
    """One sentence of talk on stderr; its brackets are text (titles, paths), not rich markup."""
    err.print(line, markup=False)


@contextmanager
def progress_bar(description: str, quiet: bool = False) -> Iterator[Callable[[int, int], None]]:
    """A progress callback for library calls, drawn on stderr (nothing when quiet). The bar appears with the
    first tick, and goes without a trace: an error after it, or a step refused before any work (an unusable
    file), is the first line the person sees."""
    if quiet:
        yield lambda done, total: None
        return
    if not err.is_terminal:  # a log, a pipe, nohup: a line now and then, not a bar nobody sees
        yield _progress_lines(description)
        return
    from rich.progress import Progress, TaskID

    bar = Progress(console=err, transient=True)
    task: TaskID | None = None

    def tick(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task(description, total=total)
        bar.update(task, completed=done, total=total)

    try:
        yield tick
    finally:
        if task is not None:
            # Progress.stop() adds an empty line off a terminal (a log, a pipe); the transient bar itself leaves
            # nothing to end
            bar.live.stop()


def _progress_lines(description: str, every: float = PROGRESS_LINE_EVERY) -> Callable[[int, int], None]:
    """A progress callback that prints "Embedding titles: 5,000 of 13,834 (36%), about 3 min left" at most once
    every ``every`` seconds: a five-minute step run with stderr in a file is not silent (nothing for a short one)."""
    started = last = time.monotonic()

    def tick(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < every or not 0 < done < total:
            return
        last = now
        left = (now - started) / done * (total - done)
        about = f"about {round(left / 60)} min" if left >= 90 else f"about {max(round(left), 1)} s"
        err.print(f"{description}: {done:,} of {total:,} ({done / total:.0%}), {about} left", markup=False)

    return tick


def embed_with_progress(
    connections: Sequence[Connection], embedder: str | None, *, quiet: bool = False, why: str = ""
) -> np.ndarray:
    """Vectors for every connection (zero rows for those without text), through the library, with a progress bar;
    the model is the one `--embedder` names, else the one the export's languages call for, said in one line
    (``why``: the reason to say for a named model, when it is not the person's own `--embedder`)."""
    # Looked up when called, not imported at the top: `relevance --help` must not wait for the embedding code.
    from relevance.embed import embed_connections
    from relevance.embedders import choose_for

    choice = choose_for(connections, embedder)
    if not quiet:
        say((replace(choice, why=why) if why else choice).reason)
    with progress_bar("Embedding titles", quiet) as progress:
        return embed_connections(connections, choice.embedder, progress=progress)
