"""A training in a process of its own, so that the app's server keeps its interpreter to itself.

Training and writing the report are seconds of Python; in a thread of the server they held the GIL often and long
enough to push the next card past its 150 ms. Here they run in a child started with 'spawn' (a fresh interpreter:
no copy of the server's threads and locks, and the same on every platform), at the lowest CPU priority.

What crosses between the two is plain data. The parent hands over a ``Job`` (paths, the answers to train on, the
embedder's name; multiprocessing pickles it from the app to its own child) and the network's vectors as a ``.npy``
file (read back with ``allow_pickle=False``): the child never loads the embedding model. The child writes the new bundle and its report into the job's own folder and
reports as JSON messages (``phase``, ``done``, ``failed``) over a pipe. The parent then loads the bundle with
``relevance.bundle.load_bundle`` (arrays without pickle, card and hash checked) before anything replaces the saved
model, so a child that fails, or is killed, leaves the model in use as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection as Pipe
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import numpy as np

from relevance.bundle import save_bundle
from relevance.embed import embedding_text
from relevance.errors import RelevanceError
from relevance.io import read_export
from relevance.labels import Labels
from relevance.records import Connection
from relevance.score import Scored, score_connections
from relevance.settings import TrainingSettings
from relevance.training import train

# The files a finished job leaves in its folder.
MODEL = "model.npz"
REPORT = "report.html"
# The child's steps; the parent adds one (loading the new model and scoring with it).
CHILD_STEPS = 4


@dataclass(frozen=True)
class Job:
    """One training, as plain data: what the child reads, and where it writes."""

    export: str  # the export file the app opened
    rows: str  # rows_digest of its connections: the child refuses an export that has changed since
    ids: tuple[str, ...]  # each connection's id as the app knows it (relevance.matching may have renamed some)
    labels: Labels  # the answers to train on, as they were when the training started
    settings: TrainingSettings  # the person's limit among them
    vectors: str  # .npy: one vector per connection, in the export's order
    embedder: str  # the embedder's name and size: written on the model card
    dim: int
    offsets: dict[str, np.ndarray]  # the embedder's own language offsets (relevance.language_offsets)
    languages: tuple[str, ...]  # the languages it was trained on; empty: it names none (relevance.unread)
    reading: str  # which model reads the titles and why (relevance.embedders.choice): the card keeps it too
    folder: str  # where the bundle (MODEL) and its report (REPORT) go


def rows_digest(connections: Sequence[Connection]) -> str:
    """A fingerprint of an export's rows, in order (the vectors handed over fit it only so), leaving out the ids:
    the app may have renamed connections to their answers' ids, the child reads them as the file has them."""
    digest = hashlib.sha256()
    for c in connections:
        when = c.connected_on.isoformat() if c.connected_on else ""
        fields = (c.url, c.first_name, c.last_name, c.company, c.position, c.headline, when)
        digest.update("\x1f".join(fields).encode() + b"\x1e")
    return digest.hexdigest()


class TrainingProcess:
    """The parent's side: the child started, its messages as they come, and how it ended."""

    def __init__(self, job: Job) -> None:
        context = multiprocessing.get_context("spawn")
        self._receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=run, args=(send, job), name="relevance-train", daemon=True)
        _start_at_lowest_priority(self.process)
        send.close()  # the child holds the only sending end: its exit is the pipe's end

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def messages(self) -> Iterator[dict[str, Any]]:
        """The child's messages until it is done, has failed or has died; then one ``{"kind": "ended", ...}``
        if it died without saying either (killed, or out of memory)."""
        try:
            while True:
                try:
                    message = json.loads(self._receive.recv_bytes())
                except (EOFError, OSError):
                    break
                yield message
                if message.get("kind") in ("done", "failed"):
                    return
            self.process.join(timeout=10)
            yield {"kind": "ended", "exitcode": self.process.exitcode}
        finally:
            self._receive.close()
            self.process.join(timeout=10)

    def stop(self) -> None:
        """End the child now (the app is closing): it writes nothing outside its job's folder."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=10)


def _start_at_lowest_priority(process: BaseProcess) -> None:
    """Start ``process`` from a thread of its own whose priority is the lowest: on Linux a child inherits the
    priority of the thread that starts it, so its imports (a second or two of CPU) already yield to the server.
    Not the server's own threads: one of them holding the GIL at the lowest priority would stall the others."""
    failed: list[BaseException] = []

    def start() -> None:
        if sys.platform.startswith("linux"):  # elsewhere a thread's id is no process id: the child sees to it
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        try:
            process.start()
        except BaseException as error:  # raised again in the caller's thread
            failed.append(error)

    starter = threading.Thread(target=start, name="relevance-train-start", daemon=True)
    starter.start()
    starter.join()
    if failed:
        raise failed[0]


class _Vectors:
    """The embedder the child trains with: the parent's vectors, looked up by text, never a model loaded."""

    def __init__(self, job: Job, connections: Sequence[Connection], vectors: np.ndarray) -> None:
        self.name, self.dim, self.offsets = job.embedder, job.dim, job.offsets
        self.languages = frozenset(job.languages)
        self._by_text = {embedding_text(c): vectors[i] for i, c in enumerate(connections)}

    def language_offsets(self) -> dict[str, np.ndarray]:
        return self.offsets

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray([self._by_text[text] for text in texts], dtype=np.float32).reshape(len(texts), self.dim)


def run(pipe: Pipe, job: Job) -> None:
    """The child: train, save the bundle, score everyone and write the report, into the job's folder."""
    # Ctrl-C in the terminal reaches the whole process group: the app, which ends this process as it closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _lowest_priority()

    def say(kind: str, **fields: Any) -> None:
        pipe.send_bytes(json.dumps({"kind": kind, **fields}).encode())

    try:
        _train(job, lambda step, phase: say("phase", step=step, phase=phase))
        say("done")
    except BrokenPipeError:
        pass  # the app has gone (killed): nobody to tell, and nobody to use the result
    except RelevanceError as error:
        with contextlib.suppress(OSError):
            say("failed", message=str(error))
    except Exception as error:  # a bug: the terminal gets the traceback, the page a sentence
        traceback.print_exc(file=sys.stderr)
        with contextlib.suppress(OSError):
            say("failed", message=f"an unexpected error ({type(error).__name__}); see the terminal")
    finally:
        pipe.close()


def _lowest_priority() -> None:
    """The person's next card comes first when both want the CPU. On Linux a priority is per thread: every thread
    of this process gets it (the numerical libraries started theirs while it imported them)."""
    try:
        threads = [int(tid) for tid in os.listdir("/proc/self/task")]
    except OSError:  # no /proc: elsewhere a priority is the whole process's (0: this one)
        threads = [0]
    for thread in threads:
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, thread, 19)


def _train(job: Job, phase: Callable[[int, str], None]) -> None:
    phase(1, "Learning from your answers and measuring how good that is")
    export = read_export(job.export)
    vectors = np.load(job.vectors, allow_pickle=False)
    if rows_digest(export.connections) != job.rows or not len(vectors) == len(job.ids) == len(export.connections):
        raise RelevanceError(
            f"{Path(job.export).name} has changed on disk since the app started: start the app again to use it"
        )
    # Under the ids the app matched to the labels file: the answers find their connections as they do there.
    renamed = [c if c.id == i else replace(c, id=i) for c, i in zip(export.connections, job.ids, strict=True)]
    export = replace(export, connections=renamed)
    connections = export.connections
    embedder = _Vectors(job, connections, vectors)
    trained = train(export, job.labels, embedder, job.settings, cache=None, embedder_choice=job.reading)
    phase(2, "Saving the model")
    folder = Path(job.folder)
    save_bundle(trained.bundle, folder / MODEL)
    phase(3, "Scoring everyone")
    rows = score_connections(connections, vectors, trained.bundle, answers=job.labels.answers, spared=job.labels.spared)
    scored = Scored(rows=rows, export=export, bundle=trained.bundle, vectors=vectors)
    phase(4, "Writing the report")
    from relevance.report import report_scored  # here: plotly is heavy, and only this step needs it

    report_scored(scored, folder / REPORT, removed=job.labels.removed)
