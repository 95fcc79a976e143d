"""Render ReportData as one self-contained HTML file: plotly.js inlined, the data as JSON, nothing fetched.

Plotly because it draws interactive charts (hover, zoom) from a single inlinable script, with a WebGL
scatter that keeps 30,000 points smooth; the page is a template (relevance/report/templates/report.html) with five
slots filled here. Text from the export is escaped for each place it lands: HTML, JSON inside <script>, and
plotly's own label markup.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Sequence
from html import escape
from importlib.resources import files
from pathlib import Path

import numpy as np

from relevance.atomic import atomic_write
from relevance.card import ModelCard
from relevance.errors import RelevanceError
from relevance.report.data import BATCH_SIZE, ReportData, align_vectors, build_report
from relevance.report.figures import COLOURS, GHOST, figures
from relevance.report.links import profile_link
from relevance.report.sections import render_body
from relevance.score import Scored, ScoredRow
from relevance.summary import Summary, summarise
from relevance.write_errors import cannot_write

_SLOT = re.compile(r"\{\{(\w+)\}\}")


def render_html(data: ReportData) -> str:
    """The whole report as one HTML string."""
    plots = figures(data)
    at = {id(row): i for i, row in enumerate(data.rows)}
    payload = {
        "network": data.network_key,
        "figures": plots,
        # One row per connection, shared by the map's hover and the checklist: [id, name, title, company,
        # score, suggestion, label]; the checklist adds [person, link, is_search, why] for each removal: the
        # model's first, then the person's own "no" answers, cut into batches [start, end, title, part].
        "people": [_person(row) for row in data.rows],
        "checklist": [[at[id(row)], *profile_link(row.connection), row.why] for row in data.removals],
        "batches": checklist_batches(len(data.model_removals), len(data.answered_no)),
        # marked removed in `relevance app`: done, whatever this browser remembers
        "removed": data.marked_removed,
    }
    slots = {
        "title": escape(f"Your network — {data.source}" if data.source else "Your network"),
        "body": render_body(data, {fig["id"] for fig in plots}),
        "colours": _colours(),
        "plotly_js": _plotly_js(),
        "data_json": script_json(payload),
    }
    template = (files("relevance.report") / "templates" / "report.html").read_text(encoding="utf-8")
    # One pass over the template only: text inside a filled slot is never read as a slot.
    return _SLOT.sub(lambda m: slots[m.group(1)], template)


def checklist_batches(model: int, answered: int) -> list[tuple[int, int, str, str]]:
    """(start, end, title, part) of each checklist batch: the model's ``model`` removals in batches of
    BATCH_SIZE, then the person's own ``answered`` "no" answers as a part of their own."""
    batches: list[tuple[int, int, str, str]] = []
    for start in range(0, model, BATCH_SIZE):
        end = min(model, start + BATCH_SIZE)
        batches.append((start, end, f"Batch {len(batches) + 1} — people {start + 1}–{end}", "model"))
    for start in range(0, answered, BATCH_SIZE):
        end = min(answered, start + BATCH_SIZE)
        title = f"You answered no — people {start + 1}–{end} of {answered:,}"
        batches.append((model + start, model + end, title, "answered"))
    return batches


def make_report(
    rows: Sequence[ScoredRow],
    path: str | os.PathLike[str],
    *,
    vectors: np.ndarray | None = None,
    card: ModelCard | None = None,
    summary: Summary | None = None,
    source: str = "",
    removed: Collection[str] | None = None,
) -> ReportData:
    """Build the report's data and write it to ``path`` in one call (what ``relevance report`` does)."""
    data = build_report(rows, vectors, card, source, summary=summary, removed=removed)
    write_report(data, path)
    return data


def report_scored(
    scored: Scored,
    path: str | os.PathLike[str],
    target_size: int | None = None,
    removed: Collection[str] | None = None,
) -> ReportData:
    """The report for a fresh `score_export` result: its vectors, its model's card and the run's summary (hidden
    members included), nothing re-embedded. ``removed``: the people marked removed in `relevance app`, ticked."""
    vectors = align_vectors(scored.rows, [c.id for c in scored.export.connections], scored.vectors)
    return make_report(
        scored.rows,
        path,
        vectors=vectors,
        card=scored.bundle.card,
        summary=summarise(scored, target_size),
        source=Path(scored.export.source).name,
        removed=removed,
    )


def write_report(data: ReportData, path: str | os.PathLike[str]) -> Path:
    """Write the report atomically (a crash leaves no half file) and return its path. A path that cannot be
    written (read-only, full, a folder, under a file) raises RelevanceError naming the path and the fix."""
    target = Path(path)
    page = render_html(data)  # before the file is opened: a rendering error is not a write error
    try:
        with atomic_write(target, "w", encoding="utf-8") as out:
            out.write(page)
    except OSError as problem:
        raise cannot_write(target, problem) from None
    return target


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' can end it or open a comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return text


def _person(row: ScoredRow) -> list[str]:
    c = row.connection
    label = "" if row.label is None else ("yes" if row.label else "no")
    return [c.id, c.name, _cut(c.title, 120), _cut(c.company, 80), row.shown_score, row.suggestion, label]


def _cut(text: str, limit: int) -> str:
    """Long headlines cut short: 30,000 of them in full would bloat the file for text nobody reads on a map."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _colours() -> str:
    """The suggestions' colours as CSS variables: the page's dots and bars match the charts'."""
    return " ".join(f"--{name}: {colour};" for name, colour in {**COLOURS, "ghost": GHOST}.items())


def _plotly_js() -> str:
    try:
        from plotly.offline import get_plotlyjs
    except ImportError:
        raise RelevanceError("The HTML report needs plotly: pip install plotly") from None
    script: str = get_plotlyjs()
    if "</script" in script.lower():  # would end our <script> early; plotly.min.js never contains it
        raise RelevanceError("This plotly version's script cannot be inlined; install another plotly version")
    return script
