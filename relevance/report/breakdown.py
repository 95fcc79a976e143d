"""The network broken down for the report: over time, by language and location, by groups of similar titles,
and the most common titles and companies among removals and keeps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from relevance.score import SUGGESTIONS, ScoredRow

TOP_N = 12
# The change in audience share (either way) the "Over time" section calls a drift.
DRIFT = 0.10


def audience_weight(row: ScoredRow) -> float | None:
    """How likely the row is in the audience: the person's own answer if given, else the score."""
    if row.label is not None:
        return 1.0 if row.label else 0.0
    return row.score


@dataclass(frozen=True)
class Timeline:
    """Connections per period (year or quarter) by suggestion, and the audience share of each period."""

    periods: list[str]
    counts: dict[str, list[int]]
    audience_share: list[float]
    undated: int
    drift: (
        tuple[str, float, float] | None
    )  # (first period after the change, share before, share since): a rise or a fall


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


def top_values(values: Iterable[str], n: int = TOP_N) -> list[tuple[str, int]]:
    """The most common values, case and spacing folded, each shown in its most common spelling."""
    spellings: dict[str, Counter[str]] = {}
    for value in values:
        tidy = " ".join(value.split())
        if tidy:
            spellings.setdefault(tidy.casefold(), Counter())[tidy] += 1
    totals = Counter({key: sum(c.values()) for key, c in spellings.items()})
    return [(spellings[key].most_common(1)[0][0], count) for key, count in totals.most_common(n)]


def tops(rows: list[ScoredRow]) -> dict[str, list[tuple[str, int]]]:
    return {
        f"{what}/{s}": top_values(getattr(r.connection, attr) for r in rows if r.suggestion == s)
        for what, attr in (("positions", "title"), ("companies", "company"))
        for s in ("remove", "keep")
    }


def timeline(rows: Sequence[ScoredRow]) -> Timeline | None:
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
    """Where the audience share changed most, up or down: the split with the largest gap between the shares
    before and since, each side holding at least 15% of the connections, the change starting in a period with
    connections. None when the gap is under 10 points.

    Both directions: a network that became more of an audience is news as much as one that drifted away, and
    the chart beside the sentence shows either."""
    total_n, total_w = weight_n.sum(), weight_sum.sum()
    best: tuple[str, float, float] | None = None
    for i in range(1, len(periods)):
        n_before, w_before = weight_n[:i].sum(), weight_sum[:i].sum()
        if not weight_n[i] or min(n_before, total_n - n_before) < 0.15 * total_n:
            continue
        before, since = w_before / n_before, (total_w - w_before) / (total_n - n_before)
        if abs(before - since) >= DRIFT and (best is None or abs(before - since) > abs(best[1] - best[2])):
            best = (periods[i], float(before), float(since))
    return best


def _shares(rows: Sequence[ScoredRow], keys: Sequence[str], n: int = TOP_N) -> list[Share]:
    """The n most common keys (non-empty), each with its size and mean audience weight."""
    found: dict[str, list[ScoredRow]] = {}
    for row, key in zip(rows, keys, strict=True):
        if key:
            found.setdefault(key, []).append(row)
    shares = []
    for key, members in sorted(found.items(), key=lambda item: -len(item[1]))[:n]:
        weights = [w for r in members if (w := audience_weight(r)) is not None]
        shares.append(Share(key, len(members), float(np.mean(weights)) if weights else float("nan")))
    return shares


def shares_by_language(rows: Sequence[ScoredRow]) -> list[Share]:
    """Audience share by the language of the title; titles without a clear language form their own line."""
    from relevance.embed import clean_text
    from relevance.language import detect_many, language_name

    titles = [clean_text(r.connection.title) for r in rows]
    found = detect_many(titles)
    return _shares(rows, [language_name(d.language) if t else "" for d, t in zip(found, titles, strict=True)])


def shares_by_location(rows: Sequence[ScoredRow]) -> list[Share]:
    """Audience share by location (its last comma-separated part, usually the country); [] when no row has one."""
    keys = [" ".join(r.connection.location.split(",")[-1].split()) for r in rows]
    return _shares(rows, keys) if any(keys) else []


def title_groups(rows: list[ScoredRow], groups: np.ndarray) -> list[TitleGroup]:
    """Each group of similar titles, named after its most common titles; the groups with the largest share of
    removals first (a group nearly all to remove says more about the network than a big mixed one)."""
    found = []
    for group in sorted(set(groups.tolist()) - {-1}):
        members = [rows[i] for i in np.flatnonzero(groups == group)]
        name = " · ".join(title[:40] for title, _ in top_values((r.connection.title for r in members), 3))
        counts = Counter(r.suggestion for r in members)
        found.append(TitleGroup(name or "(no title)", {s: counts.get(s, 0) for s in SUGGESTIONS}))
    return sorted(found, key=lambda g: g.counts["remove"] / max(sum(g.counts.values()), 1), reverse=True)
