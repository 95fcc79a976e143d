"""What the HTML report shows, computed first as plain data; ``relevance.report.html`` renders it last.

Input: the scored rows (``relevance.score.ScoredRow``, fresh from scoring or read back from scored.csv),
optionally the vectors they were scored on (for the map and the title groups) and optionally the model's card
(thresholds, cross-validated quality). Every count the report shows comes from one ``relevance.summary.Summary``,
the same the terminal prints. Every part works without the optional inputs and says what is missing instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from relevance.card import ModelCard
from relevance.errors import RelevanceError
from relevance.report.breakdown import (
    Share,
    Timeline,
    TitleGroup,
    audience_weight,
    shares_by_language,
    shares_by_location,
    timeline,
    title_groups,
    tops,
)
from relevance.report.quality import ModelSummary
from relevance.score import SUGGESTIONS, ScoredRow
from relevance.summary import LINKEDIN_CAP, Summary, summarise_rows

BATCH_SIZE = 50  # removals per checklist batch: an evening's work on LinkedIn
HISTOGRAM_BINS = 40


@dataclass(frozen=True)
class Headline:
    """The numbers at the top. Every count is the run's ``Summary`` (what the terminal says too); the audience
    shares before and after the removals are the report's own."""

    summary: Summary
    audience_now: float  # expected audience share of the judged connections (answers count as certain)
    audience_after: float  # the same after the removals
    judged: int  # connections with a score or an answer: what the shares are over
    judged_after: int  # of them, those not on the removal list: what the share after the removals is over
    cap: int = LINKEDIN_CAP
    hidden_known: bool = True  # False: made from a scored file, which does not list hidden members


@dataclass
class ReportData:
    """Everything the report shows. ``points`` is (rows, 2) map coordinates, NaN where a row has no vector."""

    source: str
    generated: str
    network_key: str  # stable for one export, so ticks in the checklist survive re-scoring it
    rows: list[ScoredRow]
    summary: Summary
    headline: Headline
    thresholds: tuple[float | None, float | None]  # (remove at or below, keep at or above)
    histogram: dict[str, list[int]]  # counts per suggestion over HISTOGRAM_BINS equal bins of [0, 1]
    tops: dict[str, list[tuple[str, int]]]  # "positions/remove", "companies/keep", ...
    timeline: Timeline | None
    model: ModelSummary | None = None
    points: np.ndarray | None = None
    groups: list[TitleGroup] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    by_language: list[Share] = field(default_factory=list)  # the title's language (relevance.language)
    by_location: list[Share] = field(default_factory=list)  # the location's last part; empty when unknown
    # The people marked removed on LinkedIn in `relevance app` (labels.csv says so): ticked on the checklist.
    # None: the caller does not know (a report of a scored file alone).
    removed: frozenset[str] | None = None

    @property
    def model_removals(self) -> list[ScoredRow]:
        """The model's removal list, in the file's order (most certain first)."""
        return [row for row in self.rows if row.is_model_removal]

    @property
    def answered_no(self) -> list[ScoredRow]:
        """The person's own "no" answers: on the removal list too, but theirs, not the model's."""
        return [row for row in self.rows if row.suggestion == "remove" and row.source == "label"]

    @property
    def removals(self) -> list[ScoredRow]:
        """The checklist: the model's removals, then the person's own "no" answers."""
        return self.model_removals + self.answered_no

    @property
    def marked_removed(self) -> list[str]:
        """The ids on the checklist the person marked removed in `relevance app`, in the checklist's order: done."""
        marked = self.removed or frozenset()
        return [row.connection.id for row in self.removals if row.connection.id in marked]


def build_report(
    rows: Sequence[ScoredRow],
    vectors: np.ndarray | None = None,
    card: ModelCard | None = None,
    source: str = "",
    *,
    summary: Summary | None = None,
    ghost_rows: int | None = None,
    target_size: int | None = None,
    removed: Collection[str] | None = None,
) -> ReportData:
    """Compute the report's data. ``vectors`` (one row per scored row, same order) enable the map and title
    groups; ``card`` adds the thresholds and the cross-validated quality. ``summary`` is the run's summary
    (made from the rows, the card, ``ghost_rows`` and ``target_size`` when not given; ``ghost_rows`` None: not
    known, as for a scored file, which does not list hidden members). ``removed``: the ids the person marked removed
    on the app's removal list (``Labels.on_the_list``), ticked on the checklist. Raises RelevanceError on no rows."""
    if not rows:
        raise RelevanceError(f"{source or 'The scored file'} has no rows: nothing to report")
    rows = list(rows)
    hidden_known = summary is not None or ghost_rows is not None
    summary = summary or summarise_rows(rows, card, ghost_rows or 0, target_size)
    model = ModelSummary.from_card(card) if card is not None else None
    notes: list[str] = []
    data = ReportData(
        source=source,
        generated=date.today().isoformat(),
        network_key=network_key(row.connection.id for row in rows),
        rows=rows,
        summary=summary,
        headline=_headline(rows, summary, hidden_known),
        thresholds=_thresholds(rows, model),
        histogram=_histogram(rows),
        tops=tops(rows),
        timeline=timeline(rows),
        model=model,
        notes=notes,
        by_language=shares_by_language(rows),
        by_location=shares_by_location(rows),
        removed=None if removed is None else frozenset(removed),
    )
    if model is None:
        notes.append("No model card was given, so there is no cross-validated model quality section.")
    if vectors is None:
        notes.append("No vectors were given, so there is no map and no title groups (run with the embedder).")
    elif len(vectors) != len(rows):
        raise RelevanceError(f"{len(vectors)} vectors for {len(rows)} rows: they must match one to one")
    else:
        from relevance.report.projection import cluster, project_2d

        data.points = project_2d(vectors)
        data.groups = title_groups(rows, cluster(vectors))
    return data


def align_vectors(rows: Sequence[ScoredRow], ids: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """Reorder vectors given for ``ids`` (e.g. the export's order) into the rows' order (removals first)."""
    at = {cid: i for i, cid in enumerate(ids)}
    missing = [row.connection.id for row in rows if row.connection.id not in at]
    if missing:
        raise RelevanceError(f"No vector for {len(missing)} scored rows (e.g. {missing[0]!r}): embed the same export")
    return vectors[[at[row.connection.id] for row in rows]]


def network_key(ids: Iterable[str]) -> str:
    """A short fingerprint of the network's connection ids: the same export gives the same key."""
    digest = hashlib.blake2b(digest_size=6)
    for cid in sorted(ids):
        digest.update(cid.encode() + b"\n")
    return digest.hexdigest()


def _headline(rows: list[ScoredRow], summary: Summary, hidden_known: bool = True) -> Headline:
    weights = [(row, w) for row in rows if (w := audience_weight(row)) is not None]
    kept = [w for row, w in weights if row.suggestion != "remove"]
    return Headline(
        summary=summary,
        audience_now=float(np.mean([w for _, w in weights])) if weights else 0.0,
        audience_after=float(np.mean(kept)) if kept else 0.0,
        judged=len(weights),
        judged_after=len(kept),
        hidden_known=hidden_known,
    )


def _thresholds(rows: list[ScoredRow], model: ModelSummary | None) -> tuple[float | None, float | None]:
    """The model's thresholds, or else the ones the scores imply (highest removal, lowest keep)."""
    if model is not None:
        return model.remove_threshold, model.keep_threshold
    removes = [r.score for r in rows if r.is_model_removal and r.score is not None]
    keeps = [r.score for r in rows if r.suggestion == "keep" and r.score is not None and r.source == "model"]
    return (max(removes) if removes else None), (min(keeps) if keeps else None)


def _histogram(rows: list[ScoredRow]) -> dict[str, list[int]]:
    edges = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
    return {
        s: np.histogram([r.score for r in rows if r.suggestion == s and r.score is not None], edges)[0].tolist()
        for s in SUGGESTIONS
    }
