"""Score a whole export: probabilities, keep/review/remove suggestions, a reason for each, and keep-rules.

What the user said and the rules they set always beat the model: their own answers decide their rows, a keep
rule keeps, and a row with nothing to judge by is never suggested for removal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal, cast, get_args

import numpy as np

from relevance.alike import alike_answer, alike_reason, is_alike_reason, nearest_answers
from relevance.bundle import Bundle
from relevance.dates import parse_date
from relevance.embed import DEFAULT_CACHE, Embedder, VectorCache, embed_connections, has_vector
from relevance.errors import ModelError, RelevanceError
from relevance.io import Export, write_csv
from relevance.labels import Labels
from relevance.network import Overlap
from relevance.progress import Progress
from relevance.provenance import trained_on
from relevance.records import CANONICAL_COLUMNS, Connection
from relevance.unread import is_unread_reason, unread, unread_reason

# "model": which model scored the row (``ModelCard.short_id``), so a report given another model can tell;
# "decided_by": what decided its suggestion (``Source``), so reading the file back never parses the reason.
SCORED_COLUMNS: tuple[str, ...] = (*CANONICAL_COLUMNS, "score", "suggestion", "why", "label", "model", "decided_by")
# What decided a row's suggestion: the model's score; the person's own answer; a keep-rule; no title to judge
# by, or one lost to question marks; or the model would remove it, but its title is in a language the model
# was not trained on (relevance.unread), or its most similar answer is a "yes" (relevance.alike: "alike"); or
# the model would keep it, but its most similar answer is a "no" ("alike no").
Source = Literal["model", "label", "rule", "no text", "lost title", "unread", "alike", "alike no"]
SOURCES: tuple[Source, ...] = get_args(Source)
SUGGESTIONS: tuple[str, ...] = ("remove", "review", "keep")
NO_TEXT = "no position or headline to judge by"
# A title that is question marks where its letters were (relevance.records.Connection.lost_title).
LOST_TEXT = "title is question marks where its letters were (the file was saved without them): yours to judge"
# Reasons name this many of the most similar labelled connections.
NEIGHBOURS = 2
# A signal beside the title (language, employer, ...) is named in the reason when it moves the calibrated
# score by at least this much.
SIGNAL_SHIFT = 0.15
_RULE_FIELDS = tuple(c for c in CANONICAL_COLUMNS if c not in ("id", "connected_on"))
_UNITS = {"d": 1, "w": 7, "m": 30, "y": 365}


@dataclass(frozen=True)
class KeepRule:
    """``field=value`` (case-insensitive equality) or ``field~pattern`` (case-insensitive regex search)."""

    text: str
    field: str
    value: str
    regex: re.Pattern[str] | None = None

    def matches(self, connection: Connection) -> bool:
        found = str(getattr(connection, self.field)).strip()
        if self.regex is not None:
            return self.regex.search(found) is not None
        return found.casefold() == self.value.casefold()


def parse_keep_rule(text: str) -> KeepRule:
    """Read a rule such as ``company=Acme`` or ``position~recruit``; RelevanceError if it cannot be read."""
    match = re.fullmatch(r"\s*(\w+)\s*([=~])\s*(.*?)\s*", text)
    example = 'e.g. --keep "company=Acme" or --keep "position~recruit"'
    if not match or not match.group(3):
        raise RelevanceError(f"cannot read keep rule {text!r}: write field=value or field~pattern, {example}")
    name, operator, value = match.group(1).casefold(), match.group(2), match.group(3)
    if name not in _RULE_FIELDS:
        raise RelevanceError(f"keep rule {text!r}: unknown field {name!r}; use one of {', '.join(_RULE_FIELDS)}")
    if value[0] in "=~":
        # "position=~sales" would otherwise be an exact match on "~sales" that keeps nobody, silently.
        rest = value.lstrip("=~").strip()
        raise RelevanceError(
            f"keep rule {text!r} mixes = and ~: write {name}~{rest} (a regular expression, anywhere in the "
            f"{name}) or {name}={rest} (the whole {name}, any case)"
        )
    if operator == "=":
        return KeepRule(text.strip(), name, value)
    try:
        return KeepRule(text.strip(), name, value, re.compile(value, re.IGNORECASE))
    except re.error as error:
        raise RelevanceError(f"keep rule {text!r}: {value!r} is not a valid regular expression ({error})") from None


def parse_age(text: str) -> timedelta:
    """``90d``, ``12w``, ``6m`` or ``1y`` as a time span (a month is 30 days, a year 365)."""
    match = re.fullmatch(r"\s*(\d+)\s*([dwmy])\s*", text.casefold())
    if not match:
        raise RelevanceError(f"cannot read {text!r} as an age: write a number and a unit d, w, m or y, e.g. 90d")
    return timedelta(days=int(match.group(1)) * _UNITS[match.group(2)])


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
    def is_model_removal(self) -> bool:
        """On the removal list on the model's word (not the person's own "no")."""
        return self.suggestion == "remove" and self.source == "model"

    def as_row(self) -> dict[str, object]:
        row: dict[str, object] = dict(self.connection.as_row())
        row["score"] = "" if self.score is None else f"{self.score:.3f}"
        row["suggestion"] = self.suggestion
        row["why"] = self.why
        row["label"] = "" if self.label is None else ("yes" if self.label else "no")
        row["model"] = self.model
        row["decided_by"] = self.source
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, object], where: str = "a row", *, day_first: bool = False) -> ScoredRow:
        """A row of scored.csv back (the inverse of ``as_row``, scores as rounded there). What decided the
        suggestion is read from the row: an answer in ``label``, a keep-rule's "kept: ..." reason, no score.
        Raises RelevanceError on a bad score, date, suggestion or label, saying ``where`` (never the row's id,
        a profile URL: messages get pasted into bug reports)."""
        text = {col: _text(row.get(col)) for col in SCORED_COLUMNS}
        try:
            # a spreadsheet in a European locale saves 0.25 as "0,25" and 2024-03-01 as "01.03.2024"
            score = float(text["score"].replace(",", ".")) if text["score"] else None
            day = _day(text["connected_on"], day_first) if text["connected_on"] else None
        except ValueError:
            raise RelevanceError(
                f"{where} has an unreadable score or date: write the score as a number like 0.25 and the date as "
                "2024-03-01, or score the export again"
            ) from None
        suggestion, answer = text["suggestion"].lower(), text["label"].lower()
        # The cells are not quoted: in a file whose columns slipped, they may hold a name.
        if suggestion not in SUGGESTIONS:
            raise RelevanceError(f"{where} has a suggestion other than keep, review or remove: write one of them there")
        if answer not in ("", "yes", "no"):
            raise RelevanceError(f"{where} has a label other than yes or no: write yes, no or nothing there")
        connection = Connection(
            id=text["id"],
            url=text["url"],
            first_name=text["first_name"],
            last_name=text["last_name"],
            company=text["company"],
            position=text["position"],
            headline=text["headline"],
            location=text["location"],
            industry=text["industry"],
            email=text["email"],
            connected_on=day,
        )
        label = None if not answer else answer == "yes"
        source: Source
        if label is not None:  # an answer decides, also one written into the file by hand
            source = "label"
        elif text["decided_by"] in SOURCES and text["decided_by"] != "label":
            source = cast(Source, text["decided_by"])
        # A file written before the column: what decided the row is read from the row itself.
        elif text["why"].startswith("kept:"):
            source = "rule"
        elif score is None:
            source = "lost title" if text["why"] == LOST_TEXT else "no text"
        elif is_unread_reason(text["why"]):
            source = "unread"
        elif is_alike_reason(text["why"]):
            source = "alike"
        elif is_alike_reason(text["why"], yes=False):
            source = "alike no"
        else:
            source = "model"
        return cls(connection, score, suggestion, text["why"], label, source, text["model"])


@dataclass
class Scored:
    """Every connection of an export, scored and ordered: removals first, most certain first."""

    rows: list[ScoredRow]
    export: Export
    bundle: Bundle
    vectors: np.ndarray  # one per connection, in the export's order (for the report's map)
    # How many connections each keep rule kept (by its text; a row goes to the first rule it matches, and a
    # person's own answer beats every rule). The age rule, when given, is the last entry, under NEWER_RULE.
    rule_counts: dict[str, int] = field(default_factory=dict)
    # The age rule counts back from this day: today, or the export's newest connection when that is older
    # than the span (an old export would otherwise have nobody "new").
    newer_from: date | None = None
    # This export against the one the model was trained on; None when the card does not say, or they share no
    # identity to compare by.
    network: Overlap | None = None


NEWER_RULE = "newer than"


def score_connections(
    connections: Sequence[Connection],
    vectors: np.ndarray,
    bundle: Bundle,
    *,
    answers: dict[str, bool] | None = None,
    rules: Sequence[KeepRule] = (),
    newer_than: timedelta | None = None,
    today: date | None = None,
) -> list[ScoredRow]:
    """Score, suggest and explain every connection, in the order of ``SUGGESTIONS``, most certain first.

    ``answers`` are the user's own (by id); the bundle's training answers apply where ``answers`` is silent.
    """
    known = dict(zip(bundle.examples.ids, bundle.examples.answers.tolist(), strict=True))
    known.update(answers or {})
    block = bundle.featurizer.block(connections) if bundle.featurizer is not None else None
    titles = bundle.title_vectors(vectors, connections)  # language offsets taken out once, for both uses
    decisions = bundle.title_decisions(titles, connections, block=block)
    scores = bundle.calibrate(decisions)
    examples = bundle.examples
    nearest, similarity = nearest_answers(titles, examples.vectors, bundle.model.mean)
    given = given_answers(bundle, answers)
    reasons = explain(titles, bundle, given, nearest=nearest)
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
            answered = f"you answered {'yes' if label else 'no'}"
            row = ScoredRow(connection, score, "keep" if label else "remove", answered, source="label")
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
            suggestion = "remove" if remove_at is not None and score <= remove_at else "review"
            if suggestion == "remove" and blocked[i]:
                why = unread_reason(connection, reader, bundle.card.reads_languages)
                row = ScoredRow(connection, score, "review", why, source="unread")
            elif suggestion == "remove" and alike[i] >= 0:
                why = alike_reason(f"'{examples.texts[alike[i]]}'")
                row = ScoredRow(connection, score, "review", why, source="alike")
            elif suggestion != "remove" and score >= keep_from and unlike[i] >= 0:
                why = alike_reason(f"'{examples.texts[unlike[i]]}'", yes=False)
                row = ScoredRow(connection, score, "review", why, source="alike no")
            else:
                row = ScoredRow(connection, score, "keep" if score >= keep_from else suggestion, reasons[i])
        row.label, row.model = label, model_id
        rows.append(row)
    rank = {name: i for i, name in enumerate(SUGGESTIONS)}
    # Within each suggestion, the model's rows first, lowest score first (the surest removals at the top; rows
    # without a score at their end), then the person's own answers, decided already: one order for scored.csv,
    # the report's checklist and the app's removal list.
    rows.sort(key=lambda r: (rank[r.suggestion], r.label is not None, r.score is None, r.score or 0.0))
    return rows


def signal_reasons(decisions: np.ndarray, scores: np.ndarray, bundle: Bundle, block: np.ndarray | None) -> list[str]:
    """For each row, the signal beside the title that drives its score, as "title in Russian, which you mostly
    marked no" — or "" when the signals move the score by less than SIGNAL_SHIFT (the title decides).

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
        reasons.append(f"{featurizer.phrase(j)}, which you mostly marked {'yes' if total[i] > 0 else 'no'}")
    return reasons


def explain(vectors: np.ndarray, bundle: Bundle, given: np.ndarray, *, nearest: np.ndarray | None = None) -> list[str]:
    """For each vector (as the model reads it: ``Bundle.title_vectors``), "like 'A' (no), 'B' (no)": the most
    similar labelled connections (cosine), at once, each with the person's latest answer (``given_answers``).
    ``nearest``: ``relevance.alike.nearest_answers`` of these vectors, when the caller has it already."""
    examples = bundle.examples
    if not len(examples.ids):
        return ["" for _ in range(len(vectors))]
    shown = shown_answers(bundle, given)
    if nearest is None:
        nearest, _ = nearest_answers(vectors, examples.vectors, bundle.model.mean)
    # Rows with the same nearest answers (the same title, most often) share one reason, phrased once.
    distinct, inverse = np.unique(nearest, axis=0, return_inverse=True)
    phrased = [
        "like " + ", ".join(list(dict.fromkeys(shown[j] for j in row))[:NEIGHBOURS]) for row in distinct.tolist()
    ]
    return [phrased[i] for i in inverse.ravel().tolist()]


def shown_answers(bundle: Bundle, given: np.ndarray) -> list[str]:
    """Each labelled connection as a reason shows it, with the person's latest answer (``given_answers``):
    "'A, Acme' (yes)"."""
    examples = bundle.examples
    return [f"'{text}' ({'yes' if a else 'no'})" for text, a in zip(examples.texts, given.tolist(), strict=True)]


def given_answers(bundle: Bundle, answers: dict[str, bool] | None = None) -> np.ndarray:
    """The answers the model learnt from, each replaced by the person's latest (``answers``, by id)."""
    examples = bundle.examples
    latest = answers or {}
    return np.array([latest.get(i, a) for i, a in zip(examples.ids, examples.answers.tolist(), strict=True)], bool)


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

    Raises ModelError for an export that has no connection in common with the one the model was trained on
    (another person's network); a newer export of the same network is scored, and ``Scored.network`` says how
    it differs."""
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
        export.connections, vectors, bundle, answers=answers, rules=rules, newer_than=newer_than, today=newer_from
    )
    return Scored(
        rows=rows,
        export=export,
        bundle=bundle,
        vectors=vectors,
        rule_counts=count_rules(rows, rules, newer_than is not None),
        newer_from=newer_from,
        network=network,
    )


def newer_reference(export: Export, newer_than: timedelta, today: date | None = None) -> date:
    """The day ``--keep-newer-than`` counts back from: today, unless even the export's newest connection is
    older than the span; then that newest connection (about when the export was taken)."""
    reference = today or date.today()
    span = export.date_range
    if span is not None and span[1] < reference - newer_than:
        return span[1]
    return reference


def count_rules(rows: Sequence[ScoredRow], rules: Sequence[KeepRule], newer: bool) -> dict[str, int]:
    """How many rows each rule kept: the first rule a row matches, as ``score_connections`` decides."""
    counts = {rule.text: 0 for rule in rules}
    if newer:
        counts[NEWER_RULE] = 0
    for row in rows:
        if row.source == "rule":
            rule = next((r for r in rules if r.matches(row.connection)), None)
            counts[rule.text if rule is not None else NEWER_RULE] += 1
    return counts


def write_scored(scored: Scored | Sequence[ScoredRow], path: str | Path) -> None:
    """Write the scored CSV (atomically): canonical columns, then score, suggestion, why, label, model and
    decided_by (``SCORED_COLUMNS``). Its cells are
    spreadsheet-safe (relevance.cells); `relevance.scored_file.read_scored` reads it back."""
    rows = scored.rows if isinstance(scored, Scored) else scored
    write_csv(path, SCORED_COLUMNS, (row.as_row() for row in rows))


def _day(text: str, day_first: bool) -> date:
    """A scored.csv date as relevance writes it (2024-03-01), or as a spreadsheet saved it again (01.03.2024;
    ``day_first``: how the file's a/b/yyyy dates read, ``relevance.dates.slashes_day_first``)."""
    day = parse_date(text, day_first)  # the reader of exports' dates: ISO, and every locale's
    if day is None:
        raise ValueError(text)
    return day


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
