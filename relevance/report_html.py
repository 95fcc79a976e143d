"""Render ReportData as one self-contained HTML file: plotly.js inlined, the data as JSON, nothing fetched.

Plotly because it draws interactive charts (hover, zoom) from a single inlinable script, with a WebGL
scatter that keeps 30,000 points smooth; the page is a template (relevance/templates/report.html) with four
slots filled here. Text from the export is escaped for each place it lands: HTML, JSON inside <script>, and
plotly's own label markup.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from html import escape
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote, urlsplit

import numpy as np

from relevance.atomic import atomic_write
from relevance.errors import RelevanceError
from relevance.model_summary import ModelSummary
from relevance.report import BATCH_SIZE, ReportData, ReportRow, align_vectors, build_report
from relevance.report_figures import figures
from relevance.report_sections import render_body
from relevance.score import Scored

_SLOT = re.compile(r"\{\{(\w+)\}\}")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def render_html(data: ReportData) -> str:
    """The whole report as one HTML string."""
    plots = figures(data)
    payload = {
        "network": data.network_key,
        "batch_size": BATCH_SIZE,
        "figures": plots,
        # One row per connection, shared by the map's hover and the checklist: [id, name, title, company,
        # score, suggestion, label]; the checklist adds [person, link, is_search, why] for each removal.
        "people": [_person(row) for row in data.rows],
        "checklist": [
            [i, *profile_link(row), row.why] for i, row in enumerate(data.rows) if row.suggestion == "remove"
        ],
    }
    slots = {
        "title": escape(f"Your network — {data.source}" if data.source else "Your network"),
        "body": render_body(data, {fig["id"] for fig in plots}),
        "plotly_js": _plotly_js(),
        "data_json": script_json(payload),
    }
    template = (files("relevance") / "templates" / "report.html").read_text(encoding="utf-8")
    # One pass over the template only: text inside a filled slot is never read as a slot.
    return _SLOT.sub(lambda m: slots[m.group(1)], template)


def make_report(
    rows: Sequence[ReportRow],
    path: str | os.PathLike[str],
    *,
    vectors: np.ndarray | None = None,
    model: ModelSummary | None = None,
    source: str = "",
) -> ReportData:
    """Build the report's data and write it to ``path`` in one call (what ``relevance score --report`` does)."""
    data = build_report(rows, vectors, model, source)
    write_report(data, path)
    return data


def report_scored(scored: Scored, path: str | os.PathLike[str]) -> ReportData:
    """The report for a fresh `score_export` result: its vectors and its model's figures, nothing re-embedded."""
    rows = [ReportRow.from_row(row.as_row()) for row in scored.rows]
    vectors = align_vectors(rows, [c.id for c in scored.export.connections], scored.vectors)
    summary = ModelSummary.from_card(scored.bundle.card)
    return make_report(rows, path, vectors=vectors, model=summary, source=Path(scored.export.source).name)


def write_report(data: ReportData, path: str | os.PathLike[str]) -> Path:
    """Write the report atomically (a crash leaves no half file) and return its path."""
    target = Path(path)
    with atomic_write(target, "w", encoding="utf-8") as out:
        out.write(render_html(data))
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


def profile_link(row: ReportRow) -> tuple[str, bool]:
    """(href, is_search): the LinkedIn profile URL, else a LinkedIn people search for the name.

    Only https links to linkedin.com pass: a crafted export must not smuggle in a javascript: URL, or send
    the person somewhere else while they think they are opening a profile.
    """
    url = row.connection.url.strip()
    if url and not _SCHEME.match(url):
        url = "https://" + url  # exports often drop the scheme: linkedin.com/in/jane
    parts = urlsplit(url)
    host = (parts.hostname or "").casefold()
    if parts.scheme in ("http", "https") and (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return parts._replace(scheme="https").geturl(), False
    if row.connection.name:
        return "https://www.linkedin.com/search/results/people/?keywords=" + quote(row.connection.name, safe=""), True
    return "", False


def _person(row: ReportRow) -> list[str]:
    c = row.connection
    score = "" if row.score is None else f"{row.score:.2f}"
    return [c.id, c.name, _cut(c.title, 120), _cut(c.company, 80), score, row.suggestion, row.label]


def _cut(text: str, limit: int) -> str:
    """Long headlines cut short: 30,000 of them in full would bloat the file for text nobody reads on a map."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plotly_js() -> str:
    try:
        from plotly.offline import get_plotlyjs
    except ImportError:
        raise RelevanceError("The HTML report needs plotly: pip install plotly") from None
    script: str = get_plotlyjs()
    if "</script" in script.lower():  # would end our <script> early; plotly.min.js never contains it
        raise RelevanceError("This plotly version's script cannot be inlined; install another plotly version")
    return script
