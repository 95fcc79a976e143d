"""What the app's page can do, as methods over the library: one labelling session, the latest scoring, a training
in the background. No HTTP here (relevance.app.server) and no typer or rich.

One lock serialises every change: an answer is appended to the labels file (flushed and fsynced) before the method
returns, so the page never says "saved" for an answer that is not on disk, and two windows answering at once are
written one after the other. The labels file is the truth: a restart rebuilds everything from it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from relevance import embed
from relevance.app.jobs import Training, report_tools
from relevance.bundle import Bundle, load_bundle, read_card, save_bundle
from relevance.embedders.choice import choose_for
from relevance.errors import RelevanceError
from relevance.io import Export, read_export
from relevance.labeller import Labeller, Status
from relevance.labels import Labels, load_labels
from relevance.matching import match_labels, require_same_network
from relevance.progress import Progress
from relevance.provenance import trained_on
from relevance.records import Connection
from relevance.score import Scored, ScoredRow, score_connections
from relevance.settings import TrainingSettings
from relevance.summary import removal_lines, summarise
from relevance.training import check_label_counts, train

log = logging.getLogger("relevance.app")

# The removal list's two answers, as they are written to the labels file: the `picked` tag and the label.
ACTIONS: dict[str, tuple[str, bool]] = {"removed": ("removed", False), "kept": ("kept", True)}


class AppState:
    """The person's session: the export, their answers, the labeller, the latest scoring and the training."""

    def __init__(
        self,
        export: Export,
        labels: Labels,
        vectors: np.ndarray,
        embedder: embed.Embedder,
        model_path: Path,
        *,
        cache: embed.VectorCache | None = embed.DEFAULT_CACHE,
        reading: str = "",
    ) -> None:
        self.export, self.labels, self.vectors, self.embedder = export, labels, vectors, embedder
        self.reading = reading  # which model reads the titles, and why (one line)
        self.model_path = Path(model_path)
        self.report_path = self.model_path.with_suffix(".html")
        self.cache = cache
        self.connections = export.connections
        self.rows = {c.id: i for i, c in enumerate(self.connections)}
        self.lock = threading.RLock()
        self.labeller = Labeller(self.connections, vectors, labels)
        self.training = Training()
        self.scored: Scored | None = None
        self.removals: list[ScoredRow] = []  # the latest scoring's removal list, surest first
        self.listed: dict[str, int] = {}  # id -> its place on that list
        self.model_note = ""  # why there is no removal list, when a saved model could not be used
        self.acted: dict[str, str] = {}  # id -> "removed" / "kept", while that is the latest answer for it
        for row in labels.rows:
            tag = row.get("picked", "").strip().casefold()
            if tag in ACTIONS:
                self.acted[row["id"]] = tag
            else:
                self.acted.pop(row["id"], None)
        self._report_lock = threading.Lock()

    @classmethod
    def open(
        cls,
        export_path: str | Path,
        labels_path: str | Path,
        model_path: str | Path,
        *,
        cache: embed.VectorCache | None = embed.DEFAULT_CACHE,
        progress: Progress | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> AppState:
        """Read the export and the answers, embed (through the cache) and score with the saved model, if any.
        ``notify`` hears, before the embedding starts, which model reads the titles and why."""
        labels = load_labels(labels_path)
        # Answered on this network before a spreadsheet round trip changed its ids, answers carry over all the same.
        match = match_labels(read_export(export_path), labels)
        require_same_network(match, str(labels_path), Path(export_path).name)
        export = match.export
        model = Path(model_path)
        # The saved model's embedder, so its scores mean what they meant; a new network gets the model its
        # languages call for. A model that cannot be read does not stop the app: the page says why, and training
        # again replaces it.
        note, card = "", None
        if model.exists():
            try:
                card = read_card(model)
            except RelevanceError as error:
                note = str(error)
        if card is not None:
            embedder = embed.load_embedder(card.embedder)
            reading = card.embedder_choice or f"Reading titles with {card.embedder}, as the saved model was trained."
        else:
            choice = choose_for(export)
            embedder, reading = choice.embedder, choice.reason
        if notify is not None:
            notify(reading)
        vectors = embed.embed_connections(export.connections, embedder, cache=cache, progress=progress)
        state = cls(export, labels, vectors, embedder, model, cache=cache, reading=reading)
        state.model_note = note
        if model.exists() and not note:
            try:
                bundle = load_bundle(model, embedder.name)
                # Another network's model: the page says so instead of showing its list.
                trained_on(bundle.card, export.connections, Path(export.source).name)
                state._score(bundle)
            except RelevanceError as error:
                state.model_note = str(error)
        return state

    # ----- the whole page

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "label": self.label_view(),
                "train": self.train_view(),
                "remove": self.removal_view(),
                "files": {"labels": str(self.labels.path), "model": str(self.model_path)},
                "source": Path(self.export.source).name,
                "reading": self.reading,
            }

    # ----- step 1: label

    def label_view(self) -> dict[str, Any]:
        with self.lock:
            question = self.labeller.current()
            card = None
            if question is not None:
                card = self._person(question.connection) | {
                    "guess": None if question.guess is None else float(question.guess),
                    "note": question.note or "",
                    "picked": question.picked,
                }
            return {"card": card, "status": _status(self.labeller.status()), "answered": len(self.labeller.answered)}

    def answer(self, connection_id: str, yes: bool) -> dict[str, Any]:
        """The person's answer for the card they saw; on disk before this returns. Answering a card that another
        window has answered already records this later answer (once: the same answer again writes nothing)."""
        with self.lock:
            row = self._row(connection_id)
            question = self.labeller.current()
            if question is not None and question.row == row:
                self.labeller.answer(yes)
                self.acted.pop(connection_id, None)
            elif self.labeller.answered.get(row) != yes:
                self.labeller.record(row, yes)
                self.acted.pop(connection_id, None)
            return self.label_view()

    def skip(self, connection_id: str) -> dict[str, Any]:
        """Not sure: not asked again in this session (nothing is written, as in `relevance label`)."""
        with self.lock:
            question = self.labeller.current()
            if question is not None and question.connection.id == connection_id:
                self.labeller.skip()
            return self.label_view()

    def undo(self) -> dict[str, Any]:
        """Take back this session's last answer or skip (on disk too) and ask it again."""
        with self.lock:
            if self.labeller.undo() and (question := self.labeller.current()) is not None:
                self.acted.pop(question.connection.id, None)
            return self.label_view()

    # ----- step 2: train

    def train_view(self) -> dict[str, Any]:
        with self.lock:
            yes, no = self.labels.counts()
            return self.training.view() | {"yes": yes, "no": no, "has_model": self.scored is not None}

    def start_training(self) -> dict[str, Any]:
        """Train in a background thread on the answers given so far; the page keeps working meanwhile."""
        with self.lock:
            if self.training.state == "running":
                return self.train_view()
            check_label_counts(*self.labels.counts())  # a ModelError saying how many more are needed
            # A copy: answers given while it trains go to the file and the next training, not into this one.
            answers = replace(self.labels, rows=list(self.labels.rows), columns=list(self.labels.columns))
            self.training = Training(state="running", started=time.time())
            self._phase(1, "Reading the titles")
        threading.Thread(target=self._train, args=(answers,), name="relevance-train", daemon=True).start()
        return self.train_view()

    def _train(self, answers: Labels) -> None:
        with contextlib.suppress(AttributeError, OSError):  # Linux: niceness is per thread; elsewhere: as is
            # The person keeps labelling while it trains: their next card comes first when both want the CPU.
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        try:
            trained = train(
                self.export,
                answers,
                self.embedder,
                TrainingSettings(),
                cache=self.cache,
                progress=self._progress,
                embedder_choice=self.reading,
            )
            with self.lock:
                self._phase(2, "Cross-validating done; saving the model")
            save_bundle(trained.bundle, self.model_path)
            with self.lock:
                self._phase(3, "Scoring everyone")
            scored = self._score(trained.bundle)
            with self.lock:
                self._phase(4, "Writing the report")
            report_tools().report_scored(scored, self.report_path)
            with self.lock:
                self.training.lines = self._training_lines(scored)
                self.training.state, self.training.finished = "done", time.time()
        except RelevanceError as error:
            self._failed(str(error))
        except Exception as error:  # a bug: the page says so, the terminal gets the traceback
            log.exception("training failed")
            self._failed(f"training stopped on an unexpected error ({type(error).__name__}); see the terminal")

    def _failed(self, message: str) -> None:
        with self.lock:
            self.training.state, self.training.message, self.training.finished = "failed", message, time.time()

    def _phase(self, step: int, phase: str) -> None:
        self.training.step, self.training.phase, self.training.done, self.training.total = step, phase, 0, 0

    def _progress(self, done: int, total: int) -> None:
        self.training.done, self.training.total = done, total

    def _training_lines(self, scored: Scored) -> list[str]:
        card = scored.bundle.card
        auc = card.metrics["roc_auc"]
        lines = [
            f"Trained on {card.labels_yes + card.labels_no} answers ({card.labels_yes} yes, {card.labels_no} no).",
            f"Quality from {card.evaluation}, never from the training fit: ROC-AUC {auc.value:.2f} "
            f"(range {auc.low:.2f}–{auc.high:.2f}).",
            *removal_lines(card),
        ]
        return [*lines, *summarise(scored).lines()]

    # ----- step 3: remove

    def _score(self, bundle: Bundle) -> Scored:
        """Score everyone with the vectors already in memory; the person's latest answers decide their rows."""
        with self.lock:
            answers = self.labels.answers
        rows = score_connections(self.connections, self.vectors, bundle, answers=answers)
        scored = Scored(rows=rows, export=self.export, bundle=bundle, vectors=self.vectors)
        with self.lock:
            self.scored, self.model_note = scored, ""
            # A restart scores with the latest answers: a "keep after all" is then a "yes" the model keeps, and
            # stays on the list (at its end) so that the person's progress through it reads the same.
            self.removals = [
                row for row in rows if row.suggestion == "remove" or self.acted.get(row.connection.id) == "kept"
            ]
            self.listed = {row.connection.id: i for i, row in enumerate(self.removals)}
        return scored

    @property
    def batch_size(self) -> int:
        return int(report_tools().BATCH_SIZE)

    def removal_view(self) -> dict[str, Any]:
        with self.lock:
            if self.scored is None:
                return {"ready": False, "note": self.model_note, "total": 0}
            summary = summarise(self.scored)
            done = [self.acted.get(row.connection.id) for row in self.removals]
            size = self.batch_size
            return {
                "ready": True,
                "sentence": summary.removal_sentence(),
                "total": len(self.removals),
                "removed": done.count("removed"),
                "kept": done.count("kept"),
                "batch_size": size,
                "batches": -(-len(self.removals) // size),
                "first_open": next((i // size for i, tag in enumerate(done) if tag is None), 0),
                "report": self.report_path.exists(),
            }

    def removal_batch(self, batch: int) -> dict[str, Any]:
        """One batch of the removal list, surest first, with what the person has done with each."""
        with self.lock:
            size = self.batch_size
            rows = self.removals[batch * size : (batch + 1) * size]
            return {"batch": batch, "rows": [self._removal_row(row) for row in rows], "progress": self.removal_view()}

    def act(self, connection_id: str, action: str) -> dict[str, Any]:
        """ "removed" (not my audience) or "kept" (my audience after all): an answer like any other, on disk now."""
        if action not in ACTIONS:
            raise RelevanceError(f"unknown action {action!r}: use removed or kept")
        with self.lock:
            row = self._row(connection_id)
            if connection_id not in self.listed:
                raise RelevanceError("that connection is not on the removal list")
            picked, yes = ACTIONS[action]
            if self.acted.get(connection_id) != action or self.labeller.answered.get(row) != yes:
                self.labeller.record(row, yes, picked)
                self.acted[connection_id] = action
            return {
                "row": self._removal_row(self.removals[self.listed[connection_id]]),
                "progress": self.removal_view(),
            }

    def report_file(self) -> Path | None:
        """The latest scoring's HTML report, written now if the saved model has none yet."""
        with self._report_lock:
            scored = self.scored
            if scored is None:
                return None
            if not self.report_path.exists():
                report_tools().report_scored(scored, self.report_path)
            return self.report_path

    # ----- helpers

    def _row(self, connection_id: str) -> int:
        row = self.rows.get(connection_id)
        if row is None:
            raise KeyError(connection_id)
        return row

    def _person(self, connection: Connection) -> dict[str, Any]:
        href, is_search = report_tools().profile_link(_AsRow(connection))
        return {
            "id": connection.id,
            "name": connection.name,
            "position": connection.position,
            "headline": connection.headline,
            "company": connection.company,
            "location": connection.location,
            "industry": connection.industry,
            "connected_on": connection.connected_on.isoformat() if connection.connected_on else "",
            "href": href,
            "is_search": is_search,
        }

    def _removal_row(self, row: ScoredRow) -> dict[str, Any]:
        answer = self.labeller.answered.get(self.rows[row.connection.id])
        return self._person(row.connection) | {
            "score": None if row.score is None else float(row.score),
            "why": row.why,
            "state": self.acted.get(row.connection.id, ""),
            "answer": "" if answer is None else ("yes" if answer else "no"),
        }


@dataclass(frozen=True)
class _AsRow:
    """What the report's profile_link reads from a row: its connection."""

    connection: Connection


def _status(status: Status) -> dict[str, Any]:
    # int() and float(): the session counts with numpy, and JSON takes Python numbers only.
    return {
        "yes": int(status.yes),
        "no": int(status.no),
        "skipped": int(status.skipped),
        "remaining": int(status.remaining),
        "quality": None if status.quality is None else float(status.quality),
        "hint": status.hint or "",
    }
