"""The app's background training: one at a time, in its own process (relevance.app.worker), watched by a thread
of the server; its progress as the page polls it; and the report's tools, which the server imports only here.

Apart from relevance.app.state so that the session over the library stays one idea.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from relevance.app import worker
from relevance.errors import RelevanceError
from relevance.io import Export
from relevance.labels import Labels
from relevance.language_offsets import embedder_offsets
from relevance.settings import TrainingSettings
from relevance.unread import reads_languages

log = logging.getLogger("relevance.app")


def report_tools() -> Any:
    """What the app uses of the HTML report: the one place it imports it (lazily: plotly is heavy)."""
    from types import SimpleNamespace

    from relevance.report import report_scored
    from relevance.report.data import BATCH_SIZE
    from relevance.report.links import profile_link

    return SimpleNamespace(report_scored=report_scored, BATCH_SIZE=BATCH_SIZE, profile_link=profile_link)


@dataclass
class Training:
    """The background training as the page polls it."""

    state: str = "idle"  # idle | running | done | failed
    phase: str = ""
    step: int = 0
    steps: int = worker.CHILD_STEPS + 1
    automatic: bool = False  # started by itself after enough new answers, not by the button
    started: float = 0.0
    finished: float = 0.0
    message: str = ""  # why it failed
    lines: list[str] = field(default_factory=list)  # what it found, in the report's plain words

    def view(self) -> dict[str, Any]:
        now = self.finished or time.time()
        return {
            "state": self.state,
            "phase": self.phase,
            "step": self.step,
            "steps": self.steps,
            "automatic": self.automatic,
            "seconds": round(now - self.started, 1) if self.started else 0,
            "message": self.message,
            "lines": self.lines,
        }


# Called with the finished job's folder: load, check and put the new model in place; returns what to show. A
# RelevanceError it raises means the model in use stays as it was.
Install = Callable[[Path], list[str]]


class Trainer:
    """Starts trainings one at a time and keeps ``progress`` current; ``lock`` guards it (the session's lock)."""

    def __init__(
        self, lock: threading.RLock, export: Export, vectors: np.ndarray, embedder: Any, reading: str = ""
    ) -> None:
        self.lock, self.export, self.vectors = lock, export, vectors
        self.embedder_name, self.dim = str(embedder.name), int(embedder.dim)
        self.offsets = embedder_offsets(embedder)
        self.languages = tuple(sorted(reads_languages(embedder)))
        self.reading = reading  # which model reads the titles and why: the model card keeps it
        self.progress = Training()
        self.started = 0  # trainings started in this session
        self.process: worker.TrainingProcess | None = None
        self._files: Path | None = None  # made by the first training (_folder)
        self._remove: weakref.finalize | None = None
        self._vectors_file: Path | None = None
        self._rows: str | None = None
        self._closed = False

    @property
    def running(self) -> bool:
        return self.progress.state == "running"

    def start(
        self,
        answers: Labels,
        settings: TrainingSettings,
        install: Install,
        then: Callable[[], None],
        *,
        automatic: bool,
    ) -> None:
        """Start a training on ``answers`` with ``settings`` (call with the lock held; does nothing while one runs). ``then`` is
        called after it ends, whatever the outcome."""
        if self.running:
            return
        self.started += 1
        self.progress = Training(state="running", started=time.time(), automatic=automatic)
        self._phase(1, "Starting the training process")
        number = self.started
        thread = threading.Thread(
            target=self._watch, args=(answers, settings, install, then, number), name="relevance-train", daemon=True
        )
        thread.start()

    def close(self) -> None:
        """The app is closing: end a running training and remove the session's files."""
        with self.lock:
            self._closed = True
            process = self.process
        if process is not None:
            process.stop()
        if self._remove is not None:
            self._remove()

    def _watch(
        self, answers: Labels, settings: TrainingSettings, install: Install, then: Callable[[], None], number: int
    ) -> None:
        """The watching thread: start the child, follow it, install its result; publish the outcome last, once
        the job's folder is gone."""
        folder = self._folder() / f"training-{number}"
        lines: list[str] = []
        try:
            folder.mkdir()
            process = self._spawn(answers, settings, folder)
            reason = self._follow(process)
            if not reason:
                with self.lock:
                    self._phase(worker.CHILD_STEPS + 1, "Loading the new model and scoring everyone with it")
                lines = install(folder)
        except RelevanceError as error:
            reason = str(error)
        except Exception as error:  # a bug: the page says so, the terminal gets the traceback
            if not self._closed:  # else the app closed under it: its files are gone, nobody is waiting
                log.exception("training failed")
            reason = f"an unexpected error ({type(error).__name__}); see the terminal"
        finally:
            with self.lock:
                self.process = None
            shutil.rmtree(folder, ignore_errors=True)
        with self.lock:
            progress = self.progress
            progress.finished = time.time()
            if reason:
                progress.state, progress.message = "failed", reason
            else:
                progress.state, progress.lines = "done", lines
        then()

    def _spawn(self, answers: Labels, settings: TrainingSettings, folder: Path) -> worker.TrainingProcess:
        if self._rows is None:  # once a session: the export does not change under it
            self._rows = worker.rows_digest(self.export.connections)
        job = worker.Job(
            export=self.export.source,
            rows=self._rows,
            ids=tuple(c.id for c in self.export.connections),
            labels=answers,
            settings=settings,
            vectors=str(self._vectors()),
            embedder=self.embedder_name,
            dim=self.dim,
            offsets=self.offsets,
            languages=self.languages,
            reading=self.reading,
            folder=str(folder),
        )
        process = worker.TrainingProcess(job)
        with self.lock:
            self.process = process
            closed = self._closed
        if closed:  # the app closed while this one was starting
            process.stop()
        return process

    def _follow(self, process: worker.TrainingProcess) -> str:
        """Show the child's progress until it ends: "" once it is done, else why it did not finish."""
        for message in process.messages():
            kind = message.get("kind")
            if kind == "phase":
                with self.lock:
                    self._phase(int(message["step"]), str(message["phase"]))
            elif kind == "done":
                return ""
            elif kind == "failed":
                return str(message.get("message", "")) or "no reason given"
            elif kind == "ended":
                code = message.get("exitcode")
                if isinstance(code, int) and code < 0:
                    return f"its process was stopped (signal {-code})"
                return f"its process ended without a result (exit code {code})"
        return "its process ended without a result"

    def _folder(self) -> Path:
        """The session's files: private to this user (mkdtemp: 0700), since the vectors come from people's titles,
        and removed when the app ends."""
        if self._files is None:
            self._files = Path(tempfile.mkdtemp(prefix="relevance-app-"))
            self._remove = weakref.finalize(self, shutil.rmtree, self._files, ignore_errors=True)
        return self._files

    def _vectors(self) -> Path:
        """The network's vectors as a file the child reads: written once per session (they do not change)."""
        if self._vectors_file is None:
            path = self._folder() / "vectors.npy"
            np.save(path, np.ascontiguousarray(self.vectors, dtype=np.float32), allow_pickle=False)
            self._vectors_file = path
        return self._vectors_file

    def _phase(self, step: int, phase: str) -> None:
        self.progress.step, self.progress.phase = step, phase
