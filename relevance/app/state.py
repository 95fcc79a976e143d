"""What the app's page can do, as methods over the library: one labelling session, the latest scoring, a training
in the background. No HTTP here (relevance.app.server) and no typer or rich.

One lock serialises every change: an answer is appended to the labels file (flushed and fsynced) before the method
returns, so the page never says "saved" for an answer that is not on disk, and two windows answering at once are
written one after the other. The labels file is the truth: a restart rebuilds everything from it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from relevance import embed
from relevance.app import views, words
from relevance.app.jobs import Trainer, Training, report_tools
from relevance.app.worker import MODEL, REPORT
from relevance.atomic import atomic_write
from relevance.bundle import Bundle, arrays_path, load_bundle, read_card, save_bundle
from relevance.card import ModelCard
from relevance.embedders.choice import choose_for
from relevance.errors import ModelError, RelevanceError
from relevance.io import Export, read_export, reading_note, scorable
from relevance.labeller import Labeller
from relevance.labels import LIST_ANSWERS, SPARED, Labels, load_labels, marked_removed, parse_label
from relevance.language_offsets import labelling_vectors
from relevance.matching import job_change, match_labels, require_same_network
from relevance.progress import Progress
from relevance.provenance import trained_on
from relevance.score import Scored, ScoredRow, answered_row, score_connections
from relevance.settings import DEFAULT_MAX_WRONG_REMOVALS, TrainingSettings, checked_limit
from relevance.summary import limit_text, summarise_rows
from relevance.training import Outlook, check_label_counts

log = logging.getLogger("relevance.app")

# What the person did with a row of the removal list: (``picked`` in labels.csv, the answer). "spared": kept though
# not the audience (a friend): a "no" the model learns, that keeps the row off the list (``Labels.spared``).
ACTIONS: dict[str, tuple[str, bool]] = {action: (action, yes) for action, yes in LIST_ANSWERS.items()}
UNDO = "undo"  # takes back the last of them (a click meant for another row)
# Once a model is in use, it trains again by itself after this many answers it has not learnt from: about a
# minute of labelling, against a training of seconds (30,000 connections: scripts/bench_app.py).
AUTO_TRAIN_EVERY = 25
# The limits the page offers (with the person's own, if another): stricter or looser than the default, as a person
# might ask "only those I am almost sure of" or "a long list, I will check each row".
LIMIT_CHOICES = (0.005, 0.01, 0.02, DEFAULT_MAX_WRONG_REMOVALS, 0.05, 0.1, 0.2)


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
        reading: str = "",
        auto_train_every: int = AUTO_TRAIN_EVERY,
        limit: float = DEFAULT_MAX_WRONG_REMOVALS,
    ) -> None:
        self.export, self.labels, self.vectors, self.embedder = export, labels, vectors, embedder
        # How the next training trains: the person's limit (``set_limit``) with the defaults for the rest.
        self.settings = TrainingSettings(max_wrong_removals=checked_limit(limit))
        self.reading = reading  # which model reads the titles, and why (one line)
        # what reading the file skipped or mended (relevance.io.reading_note), the file named as the page names it:
        # the page says it too, not only the terminal the app was started from, which a person may not look at again
        self.read_note = reading_note(export, Path(export.source).name)
        self.model_path = arrays_path(model_path)
        self.report_path = self.model_path.with_suffix(".html")
        self.connections = export.connections
        self.rows = {c.id: i for i, c in enumerate(self.connections)}
        self.lock = threading.RLock()
        # No outlook on the answer's path (half a second, against the page's 150 ms): the trainings it runs by itself
        # every AUTO_TRAIN_EVERY answers say whether there is a removal list (``_outlook``).
        self.labeller = Labeller(
            self.connections, labelling_vectors(self.connections, vectors, embedder), labels, outlook=False
        )
        self.trainer = Trainer(self.lock, export, vectors, embedder, reading)
        self.auto_train_every = auto_train_every  # 0: only the button trains
        self.learnt: dict[str, bool] = {}  # id -> answer, as the model in use (or training) learnt them
        self.learnt_spared: frozenset[str] = frozenset()  # and the friends kept anyway it was scored with
        self.learnt_acted: dict[str, str] = {}  # and what the person had done on the list (``acted``) then
        self.learnt_limit: float | None = None  # and the limit it was trained at (None: as the model in use says)
        self.scored: Scored | None = None
        self.removals: list[ScoredRow] = []  # the removal list: surest first, then kept in place (``_use``)
        self.listed: dict[str, int] = {}  # id -> its place on that list
        self.model_note = ""  # why there is no removal list, when a saved model could not be used
        self.saved_lines: list[str] = []  # what the saved model found, for the Train step before any training
        self.list_change = ""  # how the latest training changed the model's removals (``words.list_change``)
        self.acted: dict[str, str] = labels.on_the_list  # id -> an action (``ACTIONS``) while it is the latest answer
        self._report_lock = threading.Lock()
        # What the person had done on the list when the report on disk was written (None: not known, as for a
        # report from an earlier session).
        self._reported: dict[str, str] | None = None
        self._views = 0  # views taken so far (``numbered``)

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
        auto_train_every: int = AUTO_TRAIN_EVERY,
        limit: float | None = None,
    ) -> AppState:
        """Read the export and the answers, embed (through the cache) and score with the saved model, if any.
        ``notify`` hears, before the embedding starts, what reading the file skipped or mended, if anything, and which
        model reads the titles and why. ``limit``: the person's limit on wrong removals; None keeps the saved model's
        (the default without one). A saved model made at another limit is used until the training for this one,
        started at once, replaces it."""
        labels = load_labels(labels_path)
        # Answered on this network before a spreadsheet round trip changed its ids, answers carry over all the same.
        match = match_labels(scorable(read_export(export_path)), labels)
        require_same_network(match, str(labels_path), Path(export_path).name)
        export = match.export
        model = arrays_path(model_path)
        # The saved model's embedder, so its scores mean what they meant; a new network gets the model its
        # languages call for. A model that cannot be read does not stop the app: the page says why, and training
        # again replaces it.
        problem: RelevanceError | None = None
        card: ModelCard | None = None
        if model.exists():
            try:
                card = read_card(model)
            except RelevanceError as error:
                problem = error
        if card is not None:
            embedder = embed.load_embedder(card.embedder)
            reading = card.embedder_choice or f"Reading titles with {card.embedder}, as the saved model was trained."
        else:
            choice = choose_for(export)
            embedder, reading = choice.embedder, choice.reason
        if notify is not None:
            if note := reading_note(export):  # before the embedding: the instance that keeps it comes after
                notify(note)
            notify(reading)
        vectors = embed.embed_connections(export.connections, embedder, cache=cache, progress=progress)
        if limit is None:
            limit = card.thresholds.max_wrong_removals if card is not None else DEFAULT_MAX_WRONG_REMOVALS
        state = cls(
            export, labels, vectors, embedder, model, reading=reading, auto_train_every=auto_train_every, limit=limit
        )
        if model.exists() and problem is None:
            try:
                bundle = load_bundle(model, embedder.name)
            except RelevanceError as error:
                problem = error
            else:
                state._use_saved(bundle)
        if problem is not None:
            log.warning("%s cannot be used: %s", model, problem)  # the library's reason, for the terminal
            state.model_note = words.unusable_model(model)
        if state._limit_changed():  # --max-wrong-removals other than the saved model's: its list, at once
            state._train_if_due()
        return state

    def _use_saved(self, bundle: Bundle) -> None:
        """The saved model's removal list, unless it learnt another network: then the page says so instead."""
        try:
            trained_on(bundle.card, self.connections, Path(self.export.source).name, fix=words.TRAIN_HERE)
        except ModelError as error:
            self.model_note = str(error)
            return
        self._use(self._scoring(bundle))
        self.learnt = bundle.examples.learnt()
        if self.scored is not None:
            self.saved_lines = words.training_lines(self.scored)

    def close(self) -> None:
        """The app is closing: a running training ends with it (the saved model stays as it was)."""
        self.trainer.close()

    # ----- the whole page

    def numbered(self, take: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The view ``take`` returns, with its number in the order views were taken ("view"). Replies can reach the
        page in another order (a poll taken before an answer, delivered after it): the page shows a part of the
        view only if it has shown none taken later there."""
        with self.lock:
            view = take()
            self._views += 1
            return view | {"view": self._views}

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "label": self.label_view(),
                "train": self.train_view(),
                "remove": self.removal_view(),
                "files": {"labels": str(self.labels.path), "model": str(self.model_path)},
                "source": Path(self.export.source).name,
                "reading": self.reading,
                "read_note": self.read_note,
            }

    # ----- step 1: label

    def label_view(self) -> dict[str, Any]:
        with self.lock:
            question = self.labeller.current()
            card = None
            if question is not None:
                card = views.person(question.connection) | {
                    "guess": None if question.guess is None else float(question.guess),
                    "guess_said": question.guess_said,
                    "note": question.note or "",
                    "picked": question.picked,
                }
            labelling = self.labeller.status()
            status = views.status(labelling)
            # the labeller's one hint (relevance.labeller.stop_hint), in the page's words; none while a training
            # runs, which is what the hint would ask for, nor, once a model with a list is in use, the nudge to
            # train: it trains again by itself (a first-time user was told "a good time to train" for 25 answers
            # after she had). That a training now would make no list stays worth saying.
            if labelling.hint is not None:
                outlook = self._outlook()
                trains_itself = self.auto_train_every and outlook is not None and outlook.has_list
                status["hint"] = "" if self.trainer.running or trains_itself else words.stop_hint(outlook)
            return {"card": card, "status": status, "answered": len(self.labeller.answered)}

    def _outlook(self) -> Outlook | None:
        """What the labeller's stop hint needs to know, from the latest training (None before any): whether it made
        a removal list, and with none, about how many more answers (counting those given since) may make one."""
        if self.scored is None:
            return None
        t = self.scored.bundle.card.thresholds
        since = self.new_answers()
        more = None if t.more_answers is None or t.more_answers <= since else t.more_answers - since
        return Outlook(t.listed, t.held_groups, more, t.max_wrong_removals)

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
            self._train_if_due()
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
            undone = self.labeller.undo()
            if undone and (question := self.labeller.current()) is not None:
                self.acted.pop(question.connection.id, None)
            return self.label_view() | {"undone": undone}

    # ----- step 2: train

    @property
    def training(self) -> Training:
        return self.trainer.progress

    def train_view(self) -> dict[str, Any]:
        with self.lock:
            yes, no = self.labels.counts()
            view = self.training.view()
            if not view["lines"]:  # no training yet in this session: what the saved model found
                view["lines"] = self.saved_lines
            if view["state"] == "failed":
                view["message"] = words.training_failed(view["message"], self.scored is not None)
            auto = self.auto_train_every if self.scored is not None else 0
            return view | {
                "yes": yes,
                "no": no,
                "has_model": self.scored is not None,
                "auto_every": auto,
                "new_answers": self.new_answers() if auto else 0,
            }

    def start_training(self, *, automatic: bool = False) -> dict[str, Any]:
        """Train in a process of its own on the answers given so far; the page keeps working meanwhile. Never two
        at once: while one runs, this only returns its progress."""
        with self.lock:
            if self.trainer.running:
                return self.train_view()
            yes, no = self.labels.counts()
            try:
                check_label_counts(yes, no)
            except ModelError:
                raise RelevanceError(words.too_few(yes, no)) from None
            # A copy: answers given while it trains go to the file and the next training, not into this one.
            answers = replace(
                self.labels,
                rows=list(self.labels.rows),
                columns=list(self.labels.columns),
                unreadable=[],
                outdated=dict(self.labels.outdated),
            )
            self.learnt, self.learnt_spared, self.learnt_acted = answers.answers, answers.spared, dict(self.acted)
            self.learnt_limit = self.settings.max_wrong_removals
            self.trainer.start(answers, self.settings, self._install, self._train_if_due, automatic=automatic)
            return self.train_view()

    def new_answers(self) -> int:
        """Answers the model in use (or the one training) has not learnt from: new ones, and changed ones."""
        with self.lock:
            return sum(self.learnt.get(i) != answer for i, answer in self.labels.answers.items())

    def _train_if_due(self) -> None:
        """Once a model is in use: train again by itself after ``auto_train_every`` new answers, or when the
        person's limit is not the one it was trained at (once per limit: a training that failed is not retried)."""
        with self.lock:
            if self.scored is None or self.trainer.running:
                return
            answers = self.auto_train_every and self.new_answers() >= self.auto_train_every
            if answers or self._limit_changed():
                with contextlib.suppress(RelevanceError):  # one kind of answer too few now: the button says so
                    self.start_training(automatic=True)

    def _limit_changed(self) -> bool:
        """The person's limit is not the one the model in use (or the latest training) was trained at."""
        if self.scored is None:
            return False
        trained = self.learnt_limit or self.scored.bundle.card.thresholds.max_wrong_removals
        return trained != self.settings.max_wrong_removals

    def set_limit(self, limit: object) -> dict[str, Any]:
        """The person's limit on the share of the removal list that may be their audience: the next trainings use
        it, and one starts now if a model is in use (the list is drawn at training time)."""
        limit = checked_limit(limit)
        with self.lock:
            self.settings = replace(self.settings, max_wrong_removals=limit)
            self._train_if_due()
            return self.removal_view()

    def _install(self, folder: Path) -> list[str]:
        """Put a finished training's model in place (runs in the training's watching thread).

        Loaded through the library's safe loader (arrays without pickle, card and hash checked) and scored before
        anything is replaced: a bundle that does not load leaves the model in use, and its file, as they were.
        """
        bundle = load_bundle(folder / MODEL, self.embedder.name)
        with self.lock:
            answers, spared, acted = dict(self.labels.answers), self.labels.spared, dict(self.acted)
        scored = self._scoring(bundle, answers, spared)
        save_bundle(bundle, self.model_path)
        with self._report_lock:  # the report and the list it counts, put in place together (``report_file``)
            # the training's report counts what the page will when no answer came in meanwhile
            if (answers, spared) == (self.learnt, self.learnt_spared):
                with atomic_write(self.report_path, "wb") as out, (folder / REPORT).open("rb") as report:
                    out.write(report.read())
                # it ticks who was marked removed when the training started: written again if more were since
                self._reported = self.learnt_acted
            else:  # answers given while it trained decide their rows on the page: the report must count them too
                report_tools().report_scored(scored, self.report_path, removed=marked_removed(acted))
                self._reported = acted  # each of them one of the answers it was scored with
            self._use(scored)
        return words.training_lines(scored)

    # ----- step 3: remove

    def _scoring(
        self, bundle: Bundle, answers: dict[str, bool] | None = None, spared: frozenset[str] = frozenset()
    ) -> Scored:
        """Score everyone with the vectors already in memory; the person's latest answers (or ``answers``, with the
        ``spared`` among them) decide their rows. Without the lock: a few tenths of a second (30,000 rows) that the
        person's next card need not wait for."""
        if answers is None:
            with self.lock:
                answers, spared = self.labels.answers, self.labels.spared
        rows = score_connections(self.connections, self.vectors, bundle, answers=answers, spared=spared)
        return Scored(rows=rows, export=self.export, bundle=bundle, vectors=self.vectors)

    def _use(self, scored: Scored) -> None:
        """Make ``scored`` the removal list the page shows."""
        with self.lock:
            if self.scored is not None:  # a model trained in this session replaces one in use: say how the list moved
                # counted as the page counts them (``removal_view``): the number it showed, then the one it will show
                before, after = (
                    sum(row.is_model_removal for row in self._as_acted(s.rows)) for s in (self.scored, scored)
                )
                card, was = scored.bundle.card, self.scored.bundle.card.thresholds.max_wrong_removals
                limits = (was, card.thresholds.max_wrong_removals)
                self.list_change = words.list_change(card.labels_yes + card.labels_no, before, after, limits)
            self.scored, self.model_note = scored, ""
            # A restart scores with the latest answers: a row kept on the list ("kept", SPARED) is then one the model
            # keeps, and stays on the list (at its end) so that the person's progress through it reads the same.
            listed = {
                row.connection.id: row
                for row in scored.rows
                if row.suggestion == "remove" or self.acted.get(row.connection.id) in ("kept", SPARED)
            }
            # A model trained while the person works through the list keeps the list where it was: its rows stay
            # in their places, with their new scores (one it no longer suggests says so, ``_dropped``), and the
            # rows it adds come after them. Re-sorted, the rows already done would move and the batch being
            # worked through would change. A restart starts from the new order, with the rows the person acted on
            # first, in the order they acted (the top of the list they worked through): sorted, the rows removed,
            # now "no" answers, went to the list's end, and a person's morning of work seemed gone.
            by_id = {row.connection.id: row for row in scored.rows}
            order = [row.connection.id for row in self.removals] or [i for i in self.acted if i in listed]
            still = [listed.pop(i) if i in listed else by_id[i] for i in order]
            self.removals = still + list(listed.values())
            self.listed = {row.connection.id: i for i, row in enumerate(self.removals)}

    def _as_acted(self, rows: list[ScoredRow]) -> list[ScoredRow]:
        """The scored rows with what the person did on the list since the scoring: each an answer, which decides
        its row as it will at the next scoring (so the sentence's count is the one the progress counts down)."""
        done = {i: ACTIONS[action][1] for i, action in self.acted.items()}
        return [
            row
            if (yes := done.get(row.connection.id)) is None
            else replace(
                answered_row(row.connection, row.score, yes, self.acted[row.connection.id] == SPARED), model=row.model
            )
            for row in rows
        ]

    def _dropped(self, row: ScoredRow) -> bool:
        """On the list from an earlier model, not suggested by this one, and not yet acted on."""
        return row.suggestion != "remove" and row.connection.id not in self.acted

    @property
    def batch_size(self) -> int:
        return int(report_tools().BATCH_SIZE)

    def removal_view(self) -> dict[str, Any]:
        with self.lock:
            limit = self._limit_view()
            if self.scored is None:
                return {"ready": False, "note": self.model_note, "total": 0, "limit": limit}
            summary = summarise_rows(self._as_acted(self.scored.rows), self.scored.bundle.card, self.export.ghost_rows)
            done = [
                self.acted.get(row.connection.id, "dropped" if self._dropped(row) else None) for row in self.removals
            ]
            size = self.batch_size
            return {
                "ready": True,
                "sentence": summary.removal_sentence(words.STEPS),
                "change": self.list_change,
                "total": len(self.removals) - done.count("dropped"),
                "removed": done.count("removed"),
                "kept": done.count("kept"),
                "spared": done.count(SPARED),
                "dropped": done.count("dropped"),  # greyed in their batches: why there are more batches than total/size
                "batch_size": size,
                "batches": -(-len(self.removals) // size),
                "first_open": next((i // size for i, tag in enumerate(done) if tag is None), 0),
                "report": self.report_path.exists(),
                "limit": limit,
            }

    def _limit_view(self) -> dict[str, Any]:
        """The person's limit, the values the page offers, and whether the list shown was drawn at another."""
        limit = self.settings.max_wrong_removals
        shown = None if self.scored is None else self.scored.bundle.card.thresholds.max_wrong_removals
        return {
            "value": limit,
            "text": limit_text(limit),
            "choices": [{"value": v, "text": limit_text(v)} for v in sorted({*LIMIT_CHOICES, limit})],
            "pending": words.limit_pending(limit, shown) if shown is not None and shown != limit else "",
        }

    def removal_batch(self, batch: int) -> dict[str, Any]:
        """One batch of the removal list (``removals``), with what the person has done with each."""
        with self.lock:
            size = self.batch_size
            rows = self.removals[batch * size : (batch + 1) * size]
            return {"batch": batch, "rows": [self._removal_row(row) for row in rows], "progress": self.removal_view()}

    def act(self, connection_id: str, action: str) -> dict[str, Any]:
        """ "removed" (not my audience), "kept" (my audience after all) or SPARED (kept, though not my audience): an
        answer like any other, on disk now.
        "undo" takes the last of them back: the row is as it was before the person acted on it."""
        if action not in ACTIONS and action != UNDO:
            raise RelevanceError(f"unknown action {action!r}: use {', '.join(ACTIONS)} or {UNDO}")
        with self.lock:
            row = self._row(connection_id)
            if connection_id not in self.listed:
                raise RelevanceError("that connection is not on the removal list")
            if action == UNDO:
                if connection_id in self.acted:
                    answer, picked = self._before_acting(connection_id)
                    if answer is None and not picked:  # never asked: the empty row names the action it takes back,
                        picked = self.acted[connection_id]  # so that it does not read as a row queued to ask
                    self.labeller.record(row, answer, picked)
                    del self.acted[connection_id]
            else:
                picked, yes = ACTIONS[action]
                if self.acted.get(connection_id) != action or self.labeller.answered.get(row) != yes:
                    self.labeller.record(row, yes, picked)
                    self.acted[connection_id] = action
                    self._train_if_due()
            return {
                "row": self._removal_row(self.removals[self.listed[connection_id]]),
                "progress": self.removal_view(),
            }

    def report_file(self) -> Path | None:
        """The latest scoring's HTML report, written again when the person has worked through the list since it
        was: the report counts the rows as the page does (``_as_acted``)."""
        with self._report_lock:
            scored = self.scored
            if scored is None:
                return None
            with self.lock:
                acted, rows = dict(self.acted), self._as_acted(scored.rows)
            if not self.report_path.exists() or acted != self._reported:
                report_tools().report_scored(
                    replace(scored, rows=rows), self.report_path, removed=marked_removed(acted)
                )
                self._reported = acted
            return self.report_path

    # ----- helpers

    def _before_acting(self, connection_id: str) -> tuple[bool | None, str]:
        """The answer and its reason a row had before the person last acted on it on the removal list: its latest
        row in the labels file not written by an action. None (unanswered) when the file no longer says, as after
        `relevance label` folded an answer and the action that replaced it into one row, or when that answer was
        about a job the person no longer has (relevance.matching: set aside, not an answer about this one)."""
        connection = self.connections[self._row(connection_id)]
        for record in reversed(self.labels.rows):
            tag = record.get("picked", "").strip().casefold()
            if record["id"] != connection_id or tag in ACTIONS:
                continue
            change = job_change(record, connection)
            if change is not None and change[0]:
                return None, tag
            try:
                return parse_label(record.get("label", "")), tag
            except ValueError:
                return None, tag
        return None, ""

    def _row(self, connection_id: str) -> int:
        row = self.rows.get(connection_id)
        if row is None:
            raise KeyError(connection_id)
        return row

    def _removal_row(self, row: ScoredRow) -> dict[str, Any]:
        answer = self.labeller.answered.get(self.rows[row.connection.id])
        state = self.acted.get(row.connection.id, "")
        return views.person(row.connection) | {
            "score": row.shown_score,
            "why": words.removal_why(row, state, self._dropped(row)),
            "state": state,
            "dropped": self._dropped(row),
            "answer": "" if answer is None else ("yes" if answer else "no"),
        }
