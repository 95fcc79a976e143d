"""What the HTML report shows, computed first as plain data; ``relevance.report_html`` renders it last.

Input: the scored rows (``scored.csv`` or the same rows in memory), optionally the vectors they were scored
on (for the map and the title groups) and optionally the model's metadata (thresholds, cross-validated
quality). Every part works without the optional inputs and says what is missing instead.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from relevance.errors import RelevanceError
from relevance.model_summary import ModelSummary
from relevance.report_rows import SUGGESTIONS, ReportRow, audience_weight, read_scored

__all__ = [
    "BATCH_SIZE",
    "SUGGESTIONS",
    "Headline",
    "ReportData",
    "ReportRow",
    "Share",
    "Timeline",
    "TitleGroup",
    "align_vectors",
    "build_report",
    "network_key",
    "read_scored",
    "timeline",
    "top_values",
]

LINKEDIN_CAP = 30_000  # LinkedIn's limit on first-degree connections
BATCH_SIZE = 50  # removals per checklist batch: an evening's work on LinkedIn
TOP_N = 12
HISTOGRAM_BINS = 40


@dataclass(frozen=True)
class Headline:
    """The numbers at the top: how big the network is, how much of it is the audience, what removal changes."""

    connections: int
    counts: dict[str, int]  # per suggestion
    labelled_yes: int
    labelled_no: int
    audience_now: float  # expected audience share of the scored connections (labels count as certain)
    audience_after: float  # the same after the suggested removals
    wrong_removals: float  # expected audience members among the suggested removals
    wrong_from_model: bool  # True: the cross-validated rate; False: summed from the scores
    unscored: int  # rows without a score (nothing to score them on)
    cap: int = LINKEDIN_CAP


@dataclass(frozen=True)
class Timeline:
    """Connections per period (year or quarter) by suggestion, and the audience share of each period."""

    periods: list[str]
    counts: dict[str, list[int]]
    audience_share: list[float]
    undated: int
    drift: tuple[str, float, float] | None  # (first period after the change, share before, share since)


@dataclass(frozen=True)
class Share:
    """A part of the network (a language, a location): how many connections, and the expected audience share."""

    name: str
    connections: int
    audience: float  # mean audience weight (labels count as certain); NaN when none is scored or labelled


@dataclass(frozen=True)
class TitleGroup:
    name: str
    counts: dict[str, int]


@dataclass
class ReportData:
    """Everything the report shows. ``points`` is (rows, 2) map coordinates, NaN where a row has no vector."""

    source: str
    generated: str
    network_key: str  # stable for one export, so ticks in the checklist survive re-scoring it
    rows: list[ReportRow]
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

    @property
    def removals(self) -> list[ReportRow]:
        """The checklist, in the file's order (removals come first, most certain first)."""
        return [row for row in self.rows if row.suggestion == "remove"]


def build_report(
    rows: Sequence[ReportRow],
    vectors: np.ndarray | None = None,
    model: ModelSummary | None = None,
    source: str = "",
) -> ReportData:
    """Compute the report's data. ``vectors`` (one row per scored row, same order) enable the map and title
    groups; ``model`` adds the thresholds and the cross-validated quality. Raises RelevanceError on no rows."""
    if not rows:
        raise RelevanceError(f"{source or 'The scored file'} has no rows: nothing to report")
    rows = list(rows)
    notes: list[str] = []
    data = ReportData(
        source=source,
        generated=date.today().isoformat(),
        network_key=network_key(row.connection.id for row in rows),
        rows=rows,
        headline=_headline(rows, model),
        thresholds=_thresholds(rows, model),
        histogram=_histogram(rows),
        tops=_tops(rows),
        timeline=timeline(rows),
        model=model,
        notes=notes,
        by_language=shares_by_language(rows),
        by_location=shares_by_location(rows),
    )
    if model is None:
        notes.append("No model metadata was given, so there is no cross-validated model quality section.")
    if vectors is None:
        notes.append("No vectors were given, so there is no map and no title groups (run with the embedder).")
    elif len(vectors) != len(rows):
        raise RelevanceError(f"{len(vectors)} vectors for {len(rows)} rows: they must match one to one")
    else:
        from relevance.projection import cluster, project_2d

        data.points = project_2d(vectors)
        data.groups = _title_groups(rows, cluster(vectors))
    return data


def align_vectors(rows: Sequence[ReportRow], ids: Sequence[str], vectors: np.ndarray) -> np.ndarray:
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


def _headline(rows: list[ReportRow], model: ModelSummary | None) -> Headline:
    counts = Counter(row.suggestion for row in rows)
    weights = [(row, w) for row in rows if (w := audience_weight(row)) is not None]
    kept = [w for row, w in weights if row.suggestion != "remove"]
    unlabelled_removals = [row for row in rows if row.suggestion == "remove" and not row.label]
    if model is not None and model.wrong_removal_rate is not None:
        wrong, from_model = model.wrong_removal_rate.value * len(unlabelled_removals), True
    else:
        wrong, from_model = sum(row.score or 0.0 for row in unlabelled_removals), False
    return Headline(
        connections=len(rows),
        counts={s: counts.get(s, 0) for s in SUGGESTIONS},
        labelled_yes=sum(row.label == "yes" for row in rows),
        labelled_no=sum(row.label == "no" for row in rows),
        audience_now=float(np.mean([w for _, w in weights])) if weights else 0.0,
        audience_after=float(np.mean(kept)) if kept else 0.0,
        wrong_removals=float(wrong),
        wrong_from_model=from_model,
        unscored=len(rows) - sum(row.score is not None for row in rows),
    )


def _thresholds(rows: list[ReportRow], model: ModelSummary | None) -> tuple[float | None, float | None]:
    """The model's thresholds, or else the ones the scores imply (highest removal, lowest keep)."""
    if model is not None and (model.remove_threshold is not None or model.keep_threshold is not None):
        return model.remove_threshold, model.keep_threshold
    removes = [r.score for r in rows if r.suggestion == "remove" and r.score is not None and not r.label]
    keeps = [r.score for r in rows if r.suggestion == "keep" and r.score is not None and not r.label]
    return (max(removes) if removes else None), (min(keeps) if keeps else None)


def _histogram(rows: list[ReportRow]) -> dict[str, list[int]]:
    edges = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
    return {
        s: np.histogram([r.score for r in rows if r.suggestion == s and r.score is not None], edges)[0].tolist()
        for s in SUGGESTIONS
    }


def top_values(values: Iterable[str], n: int = TOP_N) -> list[tuple[str, int]]:
    """The most common values, case and spacing folded, each shown in its most common spelling."""
    spellings: dict[str, Counter[str]] = {}
    for value in values:
        tidy = " ".join(value.split())
        if tidy:
            spellings.setdefault(tidy.casefold(), Counter())[tidy] += 1
    totals = Counter({key: sum(c.values()) for key, c in spellings.items()})
    return [(spellings[key].most_common(1)[0][0], count) for key, count in totals.most_common(n)]


def _tops(rows: list[ReportRow]) -> dict[str, list[tuple[str, int]]]:
    return {
        f"{what}/{s}": top_values(getattr(r.connection, attr) for r in rows if r.suggestion == s)
        for what, attr in (("positions", "title"), ("companies", "company"))
        for s in ("remove", "keep")
    }


def timeline(rows: Sequence[ReportRow]) -> Timeline | None:
    """Connections by year (by quarter when the network spans five years or less), by suggestion."""
    dated = [(r.connection.connected_on, r) for r in rows if r.connection.connected_on]
    if not dated:
        return None
    years = [day.year for day, _ in dated]
    quarterly = max(years) - min(years) < 5

    def period(day: date) -> str:
        return f"{day.year} Q{(day.month - 1) // 3 + 1}" if quarterly else str(day.year)

    if quarterly:
        periods = [f"{y} Q{q}" for y in range(min(years), max(years) + 1) for q in range(1, 5)]
        first, last = period(min(d for d, _ in dated)), period(max(d for d, _ in dated))
        periods = periods[periods.index(first) : periods.index(last) + 1]
    else:
        periods = [str(y) for y in range(min(years), max(years) + 1)]
    at = {p: i for i, p in enumerate(periods)}
    counts = {s: [0] * len(periods) for s in SUGGESTIONS}
    weight_sum, weight_n = np.zeros(len(periods)), np.zeros(len(periods))
    for day, row in dated:
        i = at[period(day)]
        counts[row.suggestion][i] += 1
        if (w := audience_weight(row)) is not None:
            weight_sum[i] += w
            weight_n[i] += 1
    share = np.divide(weight_sum, weight_n, out=np.full(len(periods), np.nan), where=weight_n > 0)
    return Timeline(periods, counts, share.tolist(), len(rows) - len(dated), _drift(periods, weight_sum, weight_n))


def _drift(periods: list[str], weight_sum: np.ndarray, weight_n: np.ndarray) -> tuple[str, float, float] | None:
    """Where the audience share fell most: the split with the largest drop between the shares before and
    since, each side holding at least 15% of the connections, the change starting in a period with connections. None when the drop is under 10 points."""
    total_n, total_w = weight_n.sum(), weight_sum.sum()
    best: tuple[str, float, float] | None = None
    for i in range(1, len(periods)):
        n_before, w_before = weight_n[:i].sum(), weight_sum[:i].sum()
        if not weight_n[i] or min(n_before, total_n - n_before) < 0.15 * total_n:
            continue
        before, since = w_before / n_before, (total_w - w_before) / (total_n - n_before)
        if before - since >= 0.10 and (best is None or before - since > best[1] - best[2]):
            best = (periods[i], float(before), float(since))
    return best


def _shares(rows: Sequence[ReportRow], keys: Sequence[str], n: int = TOP_N) -> list[Share]:
    """The n most common keys (non-empty), each with its size and mean audience weight."""
    found: dict[str, list[ReportRow]] = {}
    for row, key in zip(rows, keys, strict=True):
        if key:
            found.setdefault(key, []).append(row)
    shares = []
    for key, members in sorted(found.items(), key=lambda item: -len(item[1]))[:n]:
        weights = [w for r in members if (w := audience_weight(r)) is not None]
        shares.append(Share(key, len(members), float(np.mean(weights)) if weights else float("nan")))
    return shares


def shares_by_language(rows: Sequence[ReportRow]) -> list[Share]:
    """Audience share by the language of the title; titles without a clear language form their own line."""
    from relevance.embed import clean_text
    from relevance.language import detect_many, language_name

    titles = [clean_text(r.connection.title) for r in rows]
    found = detect_many(titles)
    return _shares(rows, [language_name(d.language) if t else "" for d, t in zip(found, titles, strict=True)])


def shares_by_location(rows: Sequence[ReportRow]) -> list[Share]:
    """Audience share by location (its last comma-separated part, usually the country); [] when no row has one."""
    keys = [" ".join(r.connection.location.split(",")[-1].split()) for r in rows]
    return _shares(rows, keys) if any(keys) else []


def _title_groups(rows: list[ReportRow], groups: np.ndarray) -> list[TitleGroup]:
    """Each group of similar titles, named after its most common titles, the most-removed groups first."""
    found = []
    for group in sorted(set(groups.tolist()) - {-1}):
        members = [rows[i] for i in np.flatnonzero(groups == group)]
        name = " · ".join(title[:40] for title, _ in top_values((r.connection.title for r in members), 3))
        counts = Counter(r.suggestion for r in members)
        found.append(TitleGroup(name or "(no title)", {s: counts.get(s, 0) for s in SUGGESTIONS}))
    return sorted(found, key=lambda g: g.counts["remove"] / max(sum(g.counts.values()), 1), reverse=True)
