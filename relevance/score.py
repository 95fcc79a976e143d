"""Score a whole export: probabilities, keep/review/remove suggestions and a reason for each.

What the user said and the rules they set always beat the model: their own answers decide their rows, a keep
rule keeps, and a row with nothing to judge by is never suggested for removal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Literal, get_args

import numpy as np

from relevance.alike import alike_answer, alike_reason, nearest_answers
from relevance.bundle import Bundle, Examples
from relevance.embed import DEFAULT_CACHE, Embedder, VectorCache, embed_connections, embedding_text, has_vector
from relevance.errors import ModelError
from relevance.groups import group_reason, held_back, title_keys
from relevance.io import Export
from relevance.labels import Labels
from relevance.network import Overlap
from relevance.progress import Progress
from relevance.provenance import trained_on
from relevance.records import Connection
from relevance.removals import SHOWN_PLACES, shown_one
from relevance.rules import KeepRule, count_rules, newer_reference
from relevance.unread import unread, unread_reason

# What decided a row's suggestion: the model's score; the person's own answer; a keep-rule; no title to judge
# by, or one lost to question marks; or the model would remove it, but its title is in a language the model
# was not trained on (relevance.unread), or its most similar answer is a "yes" (relevance.alike: "alike"), or
# many share its title and none of them is answered (relevance.groups: "title group"); or the model would keep
# it, but its most similar answer is a "no" ("alike no").
Source = Literal["model", "label", "rule", "no text", "lost title", "unread", "alike", "title group", "alike no"]
SOURCES: tuple[Source, ...] = get_args(Source)
SUGGESTIONS: tuple[str, ...] = ("remove", "review", "keep")
NO_TEXT = "no position or headline to judge by"
SPARED_WHY = "you keep them, though not your audience"
# A title that is question marks where its letters were (relevance.records.Connection.lost_title).
LOST_TEXT = "title is question marks where its letters were (the file was saved without them): yours to judge"
# Reasons name this many of the most similar labelled connections.
NEIGHBOURS = 2
# An answer the model learnt holds for a connection whose title vector is still this close to the one learnt (the
# same title gives the same vector; another job, another one).
SAME_TITLE = 0.999
# A signal beside the title (language, employer, ...) is named in the reason when it moves the calibrated
# score by at least this much.
SIGNAL_SHIFT = 0.15


@dataclass
class ScoredRow:
    connection: Connection
    score: float | None  # None for rows without text
    suggestion: str
    why: str
    label: bool | None = None
    source: Source = "model"  # what decided the suggestion
    model: str = ""  # the model that scored it (``ModelCard.short_id``); "" when not known

    @property
    def shown_score(self) -> str:
        """The score as scored.csv, the report and the app show it: to three places, as the threshold is given (the
        surest removals all read 0.00 to two)."""
        return "" if self.score is None else f"{shown_one(self.score):.{SHOWN_PLACES}f}"

    @property
    def is_model_removal(self) -> bool:
        """On the removal list on the model's word (not the person's own "no")."""
        return self.suggestion == "remove" and self.source == "model"


@dataclass
class Scored:
    """Every connection of an export, scored and ordered: removals first, most certain first."""

    rows: list[ScoredRow]
    export: Export
    bundle: Bundle
    vectors: np.ndarray  # one per connection, in the export's order (for the report's map)
    # How many connections each keep rule kept (by its text; a row goes to the first rule it matches, and a
    # person's own answer beats every rule). The age rule, when given, is the last entry, under rules.NEWER_RULE.
    rule_counts: dict[str, int] = field(default_factory=dict)
    # How many connections each keep rule matches that are kept, by it or before it (an earlier rule, an answer).
    rule_matches: dict[str, int] = field(default_factory=dict)
    # The age rule counts back from this day: today, or the export's newest connection when that is older
    # than the span (an old export would otherwise have nobody "new").
    newer_from: date | None = None
    # This export against the one the model was trained on; None when the card does not say, or they share no
    # identity to compare by.
    network: Overlap | None = None


def score_connections(
    connections: Sequence[Connection],
    vectors: np.ndarray,
    bundle: Bundle,
    *,
    answers: dict[str, bool] | None = None,
    rules: Sequence[KeepRule] = (),
    newer_than: timedelta | None = None,
    today: date | None = None,
    spared: Collection[str] = (),
) -> list[ScoredRow]:
    """Score, suggest and explain every connection, in the order of ``SUGGESTIONS``, most certain first.

    ``answers`` are the user's own (by id); the bundle's training answers apply where ``answers`` is silent.
    ``spared``: ids the person answered "no" and keeps all the same (``Labels.spared``).
    """
    # The answers that decide rows: the model's own, each replaced by the person's latest, and the person's others.
    learnt = bundle.examples.learnt()
    known = learnt | (answers or {})
    block = bundle.featurizer.block(connections) if bundle.featurizer is not None else None
    titles = bundle.title_vectors(vectors, connections)  # language offsets taken out once, for both uses
    decisions = bundle.title_decisions(titles, connections, block=block)
    scores = bundle.calibrate(decisions)
    examples = bundle.examples
    nearest, similarity = nearest_answers(titles, examples.vectors, bundle.model.mean)
    given = np.array([known[i] for i in examples.ids], dtype=bool)  # each answer the model learnt, as it is now
    moved = moved_on(connections, titles, examples, answers)
    known = {i: a for i, a in known.items() if i not in moved}
    reasons = explain(nearest, bundle, given)
    # A connection whose most similar answer is a "yes" is never removed on its score (relevance.alike).
    alike = alike_answer(nearest, similarity, given)
    # ... nor kept on it when its most similar answer is a "no": the reason would argue against the suggestion.
    unlike = alike_answer(nearest, similarity, given, answer=False)
    for i, signal in enumerate(signal_reasons(decisions, scores, bundle, block)):
        if signal:
            reasons[i] = f"{signal}; {reasons[i]}"
    cutoff = (today or date.today()) - newer_than if newer_than is not None else None
    remove_at, keep_from = bundle.remove_at_or_below, bundle.keep_from
    # Only what was embedded can be judged: a row with a company but no title has a zero vector.
    judged = has_vector(vectors)
    # A title the model was not trained to read is never removed on its score (relevance.unread).
    blocked = unread(connections, bundle.card.reads_languages)
    reader = bundle.card.embedder.rsplit("/", 1)[-1]
    model_id = bundle.card.short_id  # hashes the whole card: once, not per row (30,000 rows took 35 s)
    rows = []
    for i, connection in enumerate(connections):
        score: float | None = float(scores[i]) if judged[i] else None
        label = known.get(connection.id)
        rule = next((r for r in rules if r.matches(connection)), None)
        if label is not None:
            row = answered_row(connection, score, label, connection.id in spared)
        elif rule is not None:
            row = ScoredRow(connection, score, "keep", f"kept: {rule.text}", source="rule")
        elif cutoff is not None and newer_than and connection.connected_on and connection.connected_on >= cutoff:
            recent = f"kept: connected on {connection.connected_on}, less than {newer_than.days} days ago"
            row = ScoredRow(connection, score, "keep", recent, source="rule")
        elif score is None:
            if connection.lost_title:
                row = ScoredRow(connection, None, "review", LOST_TEXT, source="lost title")
            else:
                row = ScoredRow(connection, None, "review", NO_TEXT, source="no text")
        else:
            on_show = shown_one(score)  # compared as shown: a row shown at the threshold is on the list
            suggestion = "remove" if remove_at is not None and on_show <= remove_at else "review"
            if suggestion == "remove" and blocked[i]:
                why = unread_reason(connection, reader, bundle.card.reads_languages)
                row = ScoredRow(connection, score, "review", why, source="unread")
            elif suggestion == "remove" and alike[i] >= 0:
                why = alike_reason(f"'{examples.texts[alike[i]]}'")
                row = ScoredRow(connection, score, "review", why, source="alike")
            elif suggestion != "remove" and on_show >= keep_from and unlike[i] >= 0:
                why = alike_reason(f"'{examples.texts[unlike[i]]}'", yes=False)
                row = ScoredRow(connection, score, "review", why, source="alike no")
            else:
                row = ScoredRow(connection, score, "keep" if on_show >= keep_from else suggestion, reasons[i])
        row.label, row.model = label, model_id
        rows.append(row)
    most_similar = similarity[:, 0] if similarity.shape[1] else None
    _hold_back_groups(rows, learnt, known, bundle.card.thresholds.max_wrong_removals, most_similar)
    rank = {name: i for i, name in enumerate(SUGGESTIONS)}
    # Within each suggestion, the model's rows first, lowest score first (the surest removals at the top; rows
    # without a score at their end), then the person's own answers, decided already: one order for scored.csv,
    # the report's checklist and the app's removal list.
    rows.sort(key=lambda r: (rank[r.suggestion], r.label is not None, r.score is None, r.score or 0.0))
    return rows


def answered_row(connection: Connection, score: float | None, yes: bool, spared: bool = False) -> ScoredRow:
    """A row the person's answer decides: kept for a "yes", removed for a "no", whatever its score; kept for a "no"
    the person keeps all the same (``spared``: a friend, family)."""
    if spared and not yes:
        return ScoredRow(connection, score, "keep", SPARED_WHY, False, "label")
    return ScoredRow(
        connection, score, "keep" if yes else "remove", f"you answered {'yes' if yes else 'no'}", yes, "label"
    )


def _hold_back_groups(
    rows: list[ScoredRow], learnt: dict[str, bool], known: dict[str, bool], limit: float, nearest: np.ndarray | None
) -> None:
    """Mark review, in place, the model's removals whose title too many of them share unanswered, or enough of
    them far from every answer (relevance.groups; ``nearest``: each row's cosine to its most similar answer, rows
    in the order of ``rows``). A title is answered once the model learnt an answer about it, or the person said
    "no" to one since (the model would remove them anyway): a fresh "yes" keeps the others back until a
    retraining, which then reads them as like that "yes" (relevance.alike)."""
    listed = [i for i, row in enumerate(rows) if row.is_model_removal]
    answered = (
        embedding_text(row.connection)
        for row in rows
        if row.connection.id in learnt or known.get(row.connection.id) is False
    )
    texts = [embedding_text(rows[i].connection) for i in listed]
    keys = title_keys(texts, answered)
    close = None if nearest is None else np.asarray(nearest)[listed]
    held = held_back(keys, limit, close)
    if not held.any():  # the common case: no spelling to count
        return
    # A group is named by its most common spelling, one name for all its rows ('СЛЮСАР' and 'Слюсар' were two).
    on_hold = np.flatnonzero(held).tolist()
    spellings: dict[int, Counter[str]] = {}
    for j in on_hold:
        spellings.setdefault(int(keys[j]), Counter())[texts[j]] += 1
    for j in on_hold:
        why = group_reason(spellings[int(keys[j])].most_common(1)[0][0], int(held[j]))
        rows[listed[j]] = replace(rows[listed[j]], suggestion="review", why=why, source="title group")


def signal_reasons(decisions: np.ndarray, scores: np.ndarray, bundle: Bundle, block: np.ndarray | None) -> list[str]:
    """For each row, the signal beside the title that drives its score, as "title in Russian lowers its score" —
    or "" when the signals move the score by less than SIGNAL_SHIFT (the title decides).

    A linear model's decision is a sum: the signal block's share is its coefficients times its columns, so
    the score without the signals is one subtraction away, and the biggest term in the same direction names it.
    """
    featurizer = bundle.featurizer
    if featurizer is None or block is None or not featurizer.width:
        return ["" for _ in range(len(decisions))]
    parts = block * bundle.model.signal_weights
    total = parts.sum(axis=1)
    shift = np.abs(scores - bundle.calibrate(decisions - total))  # scores: bundle.calibrate(decisions)
    reasons = []
    for i in range(len(decisions)):
        if shift[i] < SIGNAL_SHIFT:
            reasons.append("")
            continue
        j = int(np.argmax(parts[i] * np.sign(total[i])))
        # What the model learnt, not what the person answered: a signal's weight is what it adds beside the title,
        # so Polish titles can raise a score where most Polish titles were answered "no" (a walk-through: 9 yes, 48
        # no, and the reason said "which you mostly marked yes").
        reasons.append(f"{featurizer.phrase(j)} {'raises' if total[i] > 0 else 'lowers'} its score")
    return reasons


def explain(nearest: np.ndarray, bundle: Bundle, given: np.ndarray) -> list[str]:
    """For each row, "like 'A' (no), 'B' (no)": its most similar labelled connections (``nearest``, from
    ``relevance.alike.nearest_answers``), each with the person's latest answer (``given``)."""
    if not len(bundle.examples.ids):
        return ["" for _ in range(len(nearest))]
    shown = shown_answers(bundle, given)
    # Rows with the same nearest answers (the same title, most often) share one reason, phrased once.
    distinct, inverse = np.unique(nearest, axis=0, return_inverse=True)
    phrased = [
        "like " + ", ".join(list(dict.fromkeys(shown[j] for j in row))[:NEIGHBOURS]) for row in distinct.tolist()
    ]
    return [phrased[i] for i in inverse.ravel().tolist()]


def moved_on(
    connections: Sequence[Connection], titles: np.ndarray, examples: Examples, answers: dict[str, bool] | None
) -> set[str]:
    """The ids whose answer the model learnt about another title than the one they have now (a newer export, after a
    change of job), unless the person's own ``answers`` give it again: the model judges them as anyone else. The
    labels file sets such answers aside as well (relevance.matching)."""
    at = {c.id: i for i, c in enumerate(connections)}
    pairs = [(at[i], j) for j, i in enumerate(examples.ids) if i in at and i not in (answers or {})]
    if not pairs:
        return set()
    rows, learnt = (np.array(side) for side in zip(*pairs, strict=True))
    now, then = titles[rows], examples.vectors[learnt]
    cosine = (now * then).sum(1) / np.maximum(np.linalg.norm(now, axis=1) * np.linalg.norm(then, axis=1), 1e-12)
    return {connections[r].id for r, same in zip(rows.tolist(), cosine > SAME_TITLE, strict=True) if not same}


def shown_answers(bundle: Bundle, given: np.ndarray) -> list[str]:
    """Each labelled connection as a reason shows it, with the person's latest answer (``given``):
    "'A, Acme' (yes)"."""
    examples = bundle.examples
    return [f"'{text}' ({'yes' if a else 'no'})" for text, a in zip(examples.texts, given.tolist(), strict=True)]


def score_export(
    export: Export,
    bundle: Bundle,
    embedder: Embedder,
    *,
    labels: Labels | None = None,
    rules: Sequence[KeepRule] = (),
    newer_than: timedelta | None = None,
    cache: VectorCache | None = DEFAULT_CACHE,
    progress: Progress | None = None,
    today: date | None = None,
    overlap: Overlap | None = None,
) -> Scored:
    """Embed (through the cache) and score every connection of an export. ``overlap``: the export already
    compared with the model's network by the caller (``provenance.trained_on``), not compared again.

    Raises ModelError for an export that shares too little with the one the model was trained on to be the same
    network (``network.ANOTHER_NETWORK``: another person's); a newer export of the same network is scored, and
    ``Scored.network`` says how it differs."""
    if embedder.name != bundle.embedder:
        raise ModelError(
            f"the model was trained with embedder {bundle.embedder!r}, not {embedder.name!r}: score with "
            f"--embedder {bundle.embedder}, or retrain with the embedder you want"
        )
    network = overlap or trained_on(bundle.card, export.connections, Path(export.source).name)
    vectors = embed_connections(export.connections, embedder, cache=cache, progress=progress)
    answers = labels.answers if labels is not None else None
    newer_from = newer_reference(export, newer_than, today) if newer_than is not None else None
    rows = score_connections(
        export.connections,
        vectors,
        bundle,
        answers=answers,
        rules=rules,
        newer_than=newer_than,
        today=newer_from,
        spared=labels.spared if labels is not None else (),
    )
    return Scored(
        rows=rows,
        export=export,
        bundle=bundle,
        vectors=vectors,
        rule_counts=count_rules(rows, rules, newer_than is not None),
        rule_matches={
            rule.text: sum(row.suggestion == "keep" and rule.matches(row.connection) for row in rows) for rule in rules
        },
        newer_from=newer_from,
        network=network,
    )
