"""The interactive side of labelling: single keypresses in any terminal, and the session drawn on stderr.

In a terminal, keys are read raw (no Enter needed) and the terminal is restored however the session ends;
when stdin is not a terminal, the keys are read from it as typed, so a session can be scripted:
``printf 'yynq' | relevance label Connections.csv`` (or one per line; a whole word such as "yes" is its key).
End of input means quit.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import webbrowser
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, TextIO
from urllib.parse import unquote

from rich.console import Console

from relevance.cli.render import shown
from relevance.dates import shown_day
from relevance.labeller import ClusterLabeller, Group, Labeller, Question, Status
from relevance.labels import parse_label

try:  # POSIX only; elsewhere keys are read a line at a time
    import termios
    import tty
except ImportError:  # pragma: no cover - Windows
    termios = None  # type: ignore[assignment]

QUIT = "q"
_CTRL_D = "\x04"
# Words a scripted line may give for a key, whole ("yes" is y, not y, e and then s for skip).
_WORDS = {"yes": "y", "no": "n", "skip": "s", "undo": "u", "open": "o", "quit": "q"}
_KEYS = frozenset(_WORDS.values())
# The same keys in a Cyrillic layout (Russian, Kazakh, Ukrainian, Belarusian ЙЦУКЕН): a person who writes her
# titles in Russian need not switch the keyboard to answer.
_CYRILLIC = {"н": "y", "т": "n", "ы": "s", "і": "s", "г": "u", "щ": "o", "ў": "o", "й": "q"}


class Keys:
    """Reads one decision at a time: a keypress in a terminal, a line from a pipe ("q" at end of input)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdin
        self.raw = termios is not None and self.stream.isatty()
        self._saved: list[Any] | None = None
        self._previous_term: object = None
        self._pending: list[str] = []  # keys read from a scripted line, not yet answered

    def __enter__(self) -> Keys:
        if self.raw:
            fd = self.stream.fileno()
            self._saved = termios.tcgetattr(fd)
            # cbreak, not raw: Ctrl-C still raises KeyboardInterrupt, and output keeps its newlines. TCSANOW, not
            # the default TCSAFLUSH: a key typed while the export was still loading is an answer, not to be dropped.
            tty.setcbreak(fd, termios.TCSANOW)
            self._previous_term = signal.signal(signal.SIGTERM, _exit_on_term)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._saved is not None:
            termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)
            signal.signal(signal.SIGTERM, self._previous_term)  # type: ignore[arg-type]
            self._saved = None

    def read(self) -> str:
        """The next key, lowercased, a Cyrillic layout's read as the Latin key in its place; "" for a key that means
        nothing (an arrow key, an empty line)."""
        key = self._read()
        return _CYRILLIC.get(key, key)

    def _read(self) -> str:
        if not self.raw:
            while not self._pending:
                line = self.stream.readline()
                if not line:
                    return QUIT
                for word in line.lower().split():
                    self._pending += _keys_in(word)
                if not self._pending:
                    return ""  # an empty line: a key that means nothing
            return self._pending.pop(0)
        fd = self.stream.fileno()
        first = os.read(fd, 1)
        if not first or first == _CTRL_D.encode():
            return QUIT
        if first == b"\x1b":  # an escape sequence (arrow keys, F-keys): swallow the rest of it
            while select.select([fd], [], [], 0.02)[0]:
                os.read(fd, 16)
            return ""
        data = first
        while data[0] >= 0xC0 and len(data) < 4:  # the rest of a UTF-8 character
            try:
                return data.decode("utf-8").lower()
            except UnicodeDecodeError:
                data += os.read(fd, 1)
        return data.decode("utf-8", errors="replace").lower()


def _keys_in(word: str) -> list[str]:
    """The keys a word of a scripted line (or of a terminal read a line at a time, as on Windows) stands for: a
    whole word for a key ("yes", "skip"); Latin keys typed together ("nnyq"), each a key; a yes or no the labels
    file reads ("nie", "да", "ні": never split into the Cyrillic layout's keys, н і being y s); else the word
    itself, one key that means nothing ("maybe"). A single Cyrillic letter is read by ``Keys.read``'s layout."""
    if word in _WORDS:
        return [_WORDS[word]]
    if set(word) <= _KEYS:
        return list(word)
    if len(word) > 1:
        with contextlib.suppress(ValueError):
            answer = parse_label(word)
            if answer is not None:
                return ["y" if answer else "n"]
    return [word]


def _exit_on_term(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # so that `with Keys()` restores the terminal


def run_labeller(
    session: Labeller, keys: Keys, console: Console, open_url: Callable[[str], bool] | None = None
) -> None:
    """Ask one connection at a time until the person quits or nothing is left."""
    open_url = open_url or _open_quietly
    while (question := session.current()) is not None:
        render_question(console, question, session.status())
        key = keys.read()
        if key == "y":
            session.answer(True)
        elif key == "n":
            session.answer(False)
        elif key == "s":
            session.skip()
        elif key == "u":
            if not session.undo():
                console.print("Nothing to undo in this session.")
        elif key == "o":
            if question.connection.url:
                if not open_url(question.connection.url):
                    console.print(f"No browser to open it here; the profile is {shown(question.connection.url)}")
            else:
                console.print("No profile URL for this connection.")
        elif key == QUIT:
            break
        elif key:
            console.print("Keys: y audience · n not · s skip · u undo · o open profile · q quit")
    else:
        console.print("Nothing left to label: every connection with a title is answered or skipped.")
    render_status(console, session.status())


def run_clusters(session: ClusterLabeller, keys: Keys, console: Console) -> None:
    """Ask a cluster at a time until the person quits or nothing is left."""
    while (group := session.current()) is not None:
        render_group(console, group, session.status())
        key = keys.read()
        if key in ("y", "n"):
            session.answer(key == "y")
        elif key == "s":
            session.split()
        elif key == "u":
            if not session.undo():
                console.print("Nothing to undo in this session.")
        elif key == QUIT:
            break
        elif key:
            console.print("Keys: y all audience · n none · s split · u undo · q quit")
    else:
        console.print("Nothing left to label: every connection with a title is answered or skipped.")
    render_status(console, session.status())


def render_status(console: Console, status: Status) -> None:
    # the ROC-AUC of the titles alone, named so: `relevance train` measures the full model and may say another
    # figure (a first-time user saw "quality so far 0.92" beside train's "ROC-AUC 0.95" and could not tell which)
    quality = (
        f" · ROC-AUC so far ≈ {status.quality:.2f} on titles alone (0.5 is guessing, 1 is perfect)"
        if status.quality is not None
        else ""
    )
    skipped = f" · {status.skipped} skipped" if status.skipped else ""
    console.print(
        f"[bold]{status.yes + status.no} answered[/] ({status.yes} yes · {status.no} no){skipped}"
        f" · {status.remaining:,} not asked yet{quality}"
    )
    if status.hint:
        console.print(f"[yellow]{shown(status.hint)}[/]")


def render_question(console: Console, question: Question, status: Status) -> None:
    console.print()
    render_status(console, status)
    person = question.connection
    console.print(f"[bold cyan]{shown(person.name or '(no name)')}[/]")
    for caption, value in (
        ("Position", person.position),
        ("Headline", person.headline),
        ("Company", person.company),
        ("Connected", shown_day(person.connected_on)),
        ("Profile", unquote(person.url)),  # /in/татьяна-…, not /in/%D1%82%D0%B0…
    ):
        if value:
            console.print(f"  {caption:<10} {shown(value)}")
    if question.guess_said:
        console.print(f"  [dim]model guesses: {question.guess_said}[/]")
    if question.note:
        console.print(f"  [dim]{shown(question.note)}[/]")
    console.print("[dim]\\[y] audience  \\[n] not  \\[s] skip  \\[u] undo  \\[o] open profile  \\[q] quit[/]")


def render_group(console: Console, group: Group, status: Status) -> None:
    console.print()
    render_status(console, status)
    console.print(f"[bold cyan]A cluster of {group.size:,} similar connections[/]")
    console.print("  Most typical:  " + shown(" · ".join(group.typical)))
    console.print("  Most frequent: " + shown(" · ".join(f"{title} ×{count}" for title, count in group.common)))
    if group.guess is not None:
        console.print(f"  [dim]model guesses: {group.guess:.0%} audience on average[/]")
    console.print("[dim]\\[y] all audience  \\[n] none  \\[s] split  \\[u] undo  \\[q] quit[/]")


def _open_quietly(url: str) -> bool:
    """Open a profile in the browser; False when there is none (a server, a container): not an error."""
    with contextlib.suppress(webbrowser.Error, OSError):
        return webbrowser.open(url)
    return False
