"""The labelling session as a small state machine: what to ask next, answer, skip, undo, how good a model is.

No terminal code here (relevance.cli.terminal drives it with keypresses), so it can be tested and scripted.
Every answer goes to the labels file the moment it is given (append + fsync): a crash or a killed process
loses nothing, and the next session resumes where this one stopped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from relevance.clustering import cluster
from relevance.embed import embedding_text, has_vector
from relevance.groups import title_keys
from relevance.guess import Guess, class_counts, cv_quality, fit_model
from relevance.labels import ON_THE_LIST, Labels, append_rows, compact, label_row
from relevance.linear import network_mean
from relevance.metrics import MIN_PER_CLASS
from relevance.records import Connection
from relevance.sampling import answered_rows, choose_picks, effective_strategy
from relevance.settings import DEFAULT_MAX_WRONG_REMOVALS
from relevance.summary import GROUP_WHY, limit_text
from relevance.training import Outlook, removal_outlook

# Answers of each kind before the model's guess is worth showing.
MIN_TO_GUESS = 2
# ... and before its cross-validated quality is, and the hint that reads it (training's own minimum): from 3 "yes" it
# read 0.46 on a helper's network at 11-18 answers, below chance, which says nothing but alarms; and "a good time
# to train" before training would accept the answers sends the person to a refusal.
MIN_TO_SHOW_QUALITY = MIN_PER_CLASS
# The stop hint: cross-validated quality that gained less than TOLERANCE over the last WINDOW answers.
WINDOW = 30
TOLERANCE = 0.01


@dataclass(frozen=True)
class Status:
    """Where the session stands: answers in the file, this session's skips, a model's estimated quality."""

    yes: int
    no: int
    skipped: int
    remaining: int  # connections with text, neither answered nor skipped: "not asked yet" beside the two counts
    quality: float | None  # cross-validated ROC-AUC of a model trained on the answers now
    hint: str | None  # set once more labels stop helping the model's quality (``stop_hint``)
    outlook: Outlook | None = None  # with the hint: what `relevance train` would suggest removing now


# Below this probability of its own guess the model is said to have no view yet.
SURE_FROM = 0.55


@dataclass(frozen=True)
class Question:
    """One connection to answer, and the current model's probability that it is the audience."""

    row: int
    connection: Connection
    guess: float | None
    picked: str = ""  # why it is asked (relevance.labels.PICKED); "check": a random draw from the removal list
    then: str = ""  # asked again: the title an earlier answer was about, a job they no longer have (Labels.outdated)

    @property
    def guess_said(self) -> str:
        """The model's guess in words ("not audience, 72%"; "" before there is a model, and on a check). Near 50% it
        has no view yet, and "not audience, 50%" read as a verdict to a first-time user."""
        if self.guess is None or self.picked in ("check", "group"):
            return ""  # a check tests the removal list, a group question decides many: a guess would lean on it
        audience = self.guess >= 0.5
        sure = self.guess if audience else 1 - self.guess
        if sure < SURE_FROM:
            return "cannot tell yet"
        return f"{'audience' if audience else 'not audience'}, {sure:.0%}"

    @property
    def note(self) -> str | None:
        """What to tell the person about why this connection is asked, if anything."""
        if self.then:
            return f"asked again: your answer was about the job they had then, '{self.then}'"
        if self.picked == "check":
            # "the removal list" read as a list the person should already have, before any training made one
            return "a check on the model: picked at random from those it would suggest removing so far"
        if self.picked == "group":
            return "many of your connections share this title: your answer decides how the model reads all of them"
        return None


@dataclass(frozen=True)
class Group:
    """A cluster of similar unanswered connections, to be answered with one key."""

    rows: tuple[int, ...]
    typical: tuple[str, ...]  # the titles nearest the cluster's centre
    common: tuple[tuple[str, int], ...]  # the most frequent titles and how often they occur
    guess: float | None  # the model's mean probability of "audience" over the cluster

    @property
    def size(self) -> int:
        return len(self.rows)


def stop_hint(
    history: Sequence[tuple[int, float]],
    window: int = WINDOW,
    tolerance: float = TOLERANCE,
    outlook: Outlook | None = None,
) -> str | None:
    """A nudge once quality (measured as (answers, ROC-AUC) pairs) has flattened over `window` answers: to train,
    or, when a training now would make no removal list (``outlook``, relevance.training.removal_outlook), what the
    answers still have to do for one."""
    if not flattened(history, window, tolerance):
        return None
    if outlook is not None and not outlook.has_list:
        return (
            f"quality has not improved for the last {window} answers, but a training now would {why_no_list(outlook)}"
        )
    return f"quality has not improved for the last {window} answers — good time to `relevance train`"


def flattened(history: Sequence[tuple[int, float]], window: int = WINDOW, tolerance: float = TOLERANCE) -> bool:
    """Whether quality (as (answers, ROC-AUC) pairs) gained less than ``tolerance`` over the last ``window`` answers."""
    if not history:
        return False
    now, quality = history[-1]
    earlier = [q for n, q in history if n <= now - window]
    return bool(earlier) and quality - earlier[-1] < tolerance


def why_no_list(outlook: Outlook) -> str:
    """What a training now would do instead of making a removal list, said as `relevance train` says it
    (relevance.summary), to follow "a training now would"."""
    if outlook.listed:
        return f"hold back every connection it would suggest removing: they {GROUP_WHY}; answer one of each"
    more = f"about {outlook.more_answers:,} more answers" if outlook.more_answers else "more answers"
    whose = "the default limit" if outlook.limit == DEFAULT_MAX_WRONG_REMOVALS else "your limit"
    return (
        f"not yet name anyone to remove with at most {limit_text(outlook.limit)} of them your audience ({whose}): "
        f"{more} may make a list"
    )


class Session:
    """What both labellers share: the answers, the refitted model, the quality history."""

    def __init__(
        self,
        connections: Sequence[Connection],
        vectors: np.ndarray,
        labels: Labels,
        *,
        strategy: str = "auto",
        seed: int = 0,
        quality_every: int = 5,
        outlook: bool = True,
    ) -> None:
        """``outlook``: work out what a training now would suggest removing before the stop hint sends the person
        to train (``outlook()``, half a second at 30,000 connections); `relevance app` trains by itself instead."""
        self.connections, self.vectors, self.labels = connections, vectors, labels
        self.strategy, self.seed, self.quality_every = strategy, seed, quality_every
        self.with_outlook = outlook
        self.text = has_vector(vectors)
        self.mean = network_mean(vectors)
        self.answered, self.queued = answered_rows(connections, labels)
        self.skipped: set[int] = set()
        self.model: Guess | None = None
        self.history: list[tuple[int, float]] = []  # (answers, cross-validated ROC-AUC)
        self._outlook: tuple[int, Outlook] | None = None  # (answers in the history, `outlook()` then)
        self._refresh()

    def status(self) -> Status:
        yes, no = class_counts(self.answered)
        asked = self.answered.keys() | self.skipped  # a skipped card is not "not asked yet": the counts add up
        open_rows = int(self.text.sum()) - sum(bool(self.text[r]) for r in asked)
        shown = min(yes, no) >= MIN_TO_SHOW_QUALITY  # and the hint that reads it: "train" would refuse before
        quality = self.history[-1][1] if self.history and shown else None
        outlook = self.outlook() if shown and self.with_outlook and flattened(self.history) else None
        hint = stop_hint(self.history, outlook=outlook) if shown else None
        return Status(yes, no, len(self.skipped), open_rows, quality, hint, outlook)

    def outlook(self, latest: bool = False) -> Outlook:
        """What `relevance train` would suggest removing with the answers now (relevance.training.removal_outlook):
        half a second on a large network, so worked out once for each point of the quality history, or with
        ``latest`` for every answer so far (a session's last word: one answer can make or unmake a list)."""
        usable = {r: a for r, a in self.answered.items() if self.text[r]}
        at = len(usable) if latest or not self.history else self.history[-1][0]
        if self._outlook is None or self._outlook[0] != at:
            # In the export's order, as `relevance train` reads them: the folds of its cross-validation follow the
            # order, and at a few dozen answers other folds can make another list (46 answers: 11 rows, not 73).
            rows = np.array(sorted(usable), dtype=np.intp)
            others = np.flatnonzero(self.text)
            others = others[~np.isin(others, rows)]
            why = self.labels.picked  # reads the labels file: once
            picked = [why.get(self.connections[r].id, "") for r in rows.tolist()]
            answers = np.array([usable[r] for r in rows.tolist()], dtype=bool)
            titles = title_keys(
                [embedding_text(self.connections[r]) for r in others.tolist()],
                (embedding_text(self.connections[r]) for r in rows.tolist()),
            )
            outlook = removal_outlook(self.vectors[rows], answers, self.mean, self.vectors[others], picked, titles)
            self._outlook = (at, outlook)
        return self._outlook[1]

    def finish(self) -> None:
        """Fold the appended answers into one row per connection (an atomic rewrite)."""
        compact(self.labels)

    def _save(self, rows: Sequence[int], answer: bool | None, picked: str = "") -> None:
        """One durable write for all rows, then the same change in memory."""
        append_rows(self.labels, [label_row(self.connections[r], answer, picked) for r in rows])
        for r in rows:
            if answer is None:
                self.answered.pop(r, None)
            else:
                self.answered[r] = answer
        self._refresh()

    def _refresh(self) -> None:
        """Refit the model (milliseconds) and, every few answers, re-estimate its quality (a few fits)."""
        usable = {r: a for r, a in self.answered.items() if self.text[r]}
        self.model = fit_model(self.vectors, usable, self.mean)
        count = len(usable)
        self.history = [(n, q) for n, q in self.history if n <= count]  # an undo rewinds the history
        if self._outlook is not None and self._outlook[0] > count:
            self._outlook = None  # and the outlook with it: the same count again may hold other answers
        if not self.history or count - self.history[-1][0] >= self.quality_every:
            quality = cv_quality(self.vectors, usable, self.mean, self.seed)
            if quality is not None:
                self.history.append((count, quality))

    def _guess(self, rows: Sequence[int]) -> float | None:
        if self.model is None or min(class_counts(self.answered)) < MIN_TO_GUESS:
            return None
        return float(self.model.proba[list(rows)].mean())


class Labeller(Session):
    """One connection at a time: queued rows from the file first, then the sampler's choices."""

    # How many rows the sampler plans at a time; a model-based plan is redone after every answer anyway.
    batch = 10

    def __init__(self, connections: Sequence[Connection], vectors: np.ndarray, labels: Labels, **options: Any) -> None:
        super().__init__(connections, vectors, labels, **options)
        self._pinned: list[int] = []  # undone rows, asked again first
        self._plan: list[int] = []
        self._why: dict[int, str] = {}  # why the sampler planned each row
        self._planned_as = ""
        self._actions: list[tuple[str, int]] = []  # ("answer" | "skip", row), for undo

    def current(self) -> Question | None:
        """The connection to ask about now; None when every connection with text is answered or skipped."""
        row = self._next()
        if row is None:
            return None
        connection = self.connections[row]
        then = self.labels.outdated.get(connection.id, ("", ""))[0]
        return Question(row, connection, self._guess([row]), self._picked(row), then)

    def answer(self, yes: bool) -> None:
        """Save the answer for the current connection (on disk before this returns)."""
        row = self._next()
        if row is None:
            return
        picked = self._picked(row)
        self._drop(row)
        self._actions.append(("answer", row))
        self._save([row], yes, picked)
        self._replan()

    def skip(self) -> None:
        """Not sure: leave it unanswered and do not ask again in this session."""
        row = self._next()
        if row is not None:
            self._drop(row)
            self.skipped.add(row)
            self._actions.append(("skip", row))

    def undo(self) -> bool:
        """Take back the last answer (on disk too) or skip, and ask that connection again."""
        if not self._actions:
            return False
        kind, row = self._actions.pop()
        if kind == "answer":
            self._save([row], None, self._picked(row))
            self._replan()
        self.skipped.discard(row)
        self._pinned.append(row)
        return True

    def record(self, row: int, answer: bool | None, picked: str = "") -> None:
        """Save an answer for any connection, not only the one asked now (a second window showing an older card,
        the removal list). ``picked``: what to record as its reason; "" keeps the reason the session knows."""
        self._drop(row)
        self.skipped.discard(row)
        self._save([row], answer, picked or self._picked(row))
        self._replan()

    def _replan(self) -> None:
        # A plan is a batch, as `relevance sample` would add (and as benchmarked); it is redone early only when
        # the answers change what the strategy means (from covering the network to asking the model's doubts).
        if effective_strategy(self.strategy, self.answered) != self._planned_as:
            self._plan = []

    def _picked(self, row: int) -> str:
        """Why a row is asked: the sampler's reason, or the one `relevance sample` wrote in the file; never what the
        person did on the removal list (``ON_THE_LIST``), which an answer given here is not."""
        why = self._why.get(row) or self.labels.picked.get(self.connections[row].id, "")
        return "" if why in ON_THE_LIST else why

    def _drop(self, row: int) -> None:
        for pending in (self._pinned, self.queued, self._plan):
            if row in pending:
                pending.remove(row)

    def _next(self) -> int | None:
        done = self.answered.keys() | self.skipped
        for pending in (self._pinned[::-1], self.queued):
            for row in pending:
                if row not in done:
                    return row
        self._plan = [r for r in self._plan if r not in done]
        if not self._plan:
            self._planned_as = effective_strategy(self.strategy, self.answered)
            picks = choose_picks(
                self.vectors,
                self.answered,
                self.batch,
                strategy=self.strategy,
                exclude=self.skipped,
                seed=self.seed + len(self.answered),
                mean=self.mean,
                model=self.model,
            )
            self._plan = [row for row, _ in picks]
            self._why.update(picks)
        return self._plan[0] if self._plan else None


class ClusterLabeller(Session):
    """Bulk mode: a cluster of similar unanswered connections at a time, answered (or split) with one key."""

    clusters: int | None = None  # how many to start with; None: about one per 50 connections
    split_into = 4

    def __init__(self, connections: Sequence[Connection], vectors: np.ndarray, labels: Labels, **options: Any) -> None:
        super().__init__(connections, vectors, labels, **options)
        self._groups: list[np.ndarray] = []  # the front one is asked now
        self._done: list[np.ndarray] = []  # answered groups, for undo

    def current(self) -> Group | None:
        """The cluster to ask about now; None when nothing is left to answer."""
        if not self._groups:
            self._groups = self._cluster(self._open_rows(), self.clusters)
        if not self._groups:
            return None
        rows = self._groups[0]
        centre = self.vectors[rows].mean(axis=0)
        nearest = rows[np.argsort(np.linalg.norm(self.vectors[rows] - centre, axis=1), kind="stable")]
        titles = [self._title(r) for r in rows]
        typical = tuple(dict.fromkeys(self._title(r) for r in nearest))[:5]
        common = tuple(Counter(titles).most_common(5))
        return Group(tuple(rows.tolist()), typical, common, self._guess(rows.tolist()))

    def answer(self, yes: bool) -> None:
        """Answer the whole cluster: all its rows in one durable write."""
        if self.current() is not None:
            rows = self._groups.pop(0)
            self._done.append(rows)
            self._save(rows.tolist(), yes)

    def split(self) -> None:
        """Replace the cluster with smaller ones (a single connection is skipped instead)."""
        if self.current() is None:
            return
        rows = self._groups.pop(0)
        if len(rows) == 1:
            self.skipped.add(int(rows[0]))
            return
        parts = self._cluster(rows, min(self.split_into, len(rows)))
        if len(parts) == 1:  # one title, many people: k-means cannot split it, so cut it in even parts
            parts = list(np.array_split(rows, min(self.split_into, len(rows))))
        self._groups[:0] = parts

    def undo(self) -> bool:
        """Take back the last cluster's answers (on disk too) and ask it again."""
        if not self._done:
            return False
        rows = self._done.pop()
        self._save(rows.tolist(), None)
        self._groups.insert(0, rows)
        return True

    def _open_rows(self) -> np.ndarray:
        closed = np.zeros(len(self.text), dtype=bool)
        closed[list(self.answered.keys() | self.skipped)] = True
        return np.flatnonzero(self.text & ~closed)

    def _cluster(self, rows: np.ndarray, k: int | None) -> list[np.ndarray]:
        """k clusters of rows (by default about one per 50 connections, 2 to 40), biggest first."""
        if len(rows) == 0:
            return []
        k = k or int(np.clip(round(len(rows) / 50), 2, 40))
        assigned, _ = cluster(self.vectors[rows], k, self.seed)
        groups = [rows[assigned == c] for c in np.unique(assigned)]
        return sorted(groups, key=len, reverse=True)

    def _title(self, row: int) -> str:
        connection = self.connections[row]
        return connection.title or connection.company
