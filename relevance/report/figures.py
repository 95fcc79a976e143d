"""The report's charts as plotly figure specs (plain dicts): the page's script hands each to Plotly.newPlot.

Plotly reads a small HTML subset in labels and hover text, so every text from the export goes through
``plot_text`` (escaped, shortened) before it lands in a figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np

from relevance.report.data import ReportData
from relevance.score import SUGGESTIONS

# Okabe and Ito's colour-blind-safe vermillion and blue, and a neutral grey for "review" (undecided): the three stay
# apart under every common colour-vision deficiency (tests/test_report.py simulates them), unlike Okabe-Ito's orange
# beside vermillion, which reads as one colour to many people. The page's CSS and every chart take them from here.
COLOURS = {"remove": "#D55E00", "review": "#999999", "keep": "#0072B2"}
GHOST = "#000000"  # hidden members, on the 30,000 cap bar
_LAYOUT: dict[str, Any] = {
    "margin": {"l": 56, "r": 20, "t": 40, "b": 48},
    "paper_bgcolor": "#fff",
    "plot_bgcolor": "#fff",
    "font": {"family": "system-ui, sans-serif", "size": 13},
    # Above the plot area, where plotly makes room for it however many rows it wraps into on a narrow screen;
    # below, it covered the axis labels.
    "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"},
}


def plot_text(text: str, limit: int = 80) -> str:
    """Text for plotly labels and hovers, which read a small HTML subset: escape it, and cut long titles."""
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[: limit - 1] + "…", quote=False)


def _figure(fig_id: str, traces: list[dict[str, Any]], **layout: Any) -> dict[str, Any]:
    return {"id": fig_id, "data": traces, "layout": _LAYOUT | layout}


def figures(data: ReportData) -> list[dict[str, Any]]:
    figures = [_map(data), _histogram(data), *_quality(data), _groups(data), _timeline(data)]
    return [fig for fig in figures if fig is not None]


def _map(data: ReportData) -> dict[str, Any] | None:
    if data.points is None or np.isnan(data.points).all():
        return None
    traces = []
    points = np.round(data.points.astype(float), 3)  # a thousandth of the map's width is finer than a pixel
    for suggestion in ("keep", "review", "remove"):  # removals drawn last, on top: they are the point
        at = [i for i, row in enumerate(data.rows) if row.suggestion == suggestion and not np.isnan(points[i, 0])]
        traces.append(_scatter(points, at, suggestion, {"color": COLOURS[suggestion], "size": 4, "opacity": 0.6}))
    labelled = [i for i, row in enumerate(data.rows) if row.label is not None and not np.isnan(points[i, 0])]
    if labelled:
        # scattergl strokes open symbols in marker.color
        marker = {"color": "rgba(0,0,0,0.75)", "size": 7, "symbol": "circle-open", "line": {"width": 1}}
        traces.append(_scatter(points, labelled, "labelled by you", marker))
    return _figure(
        "plot-map",
        traces,
        xaxis={"visible": False},
        yaxis={"visible": False},
        hovermode="closest",
        legend=_LAYOUT["legend"] | {"itemsizing": "constant"},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )


def _scatter(points: np.ndarray, at: Sequence[int], name: str, marker: dict[str, Any]) -> dict[str, Any]:
    """A WebGL scatter of the rows ``at``. Their hover text is built in the page from the shared ``people``
    table (``rows`` is not a plotly key: the page swaps it for ``text``), so no name is stored twice."""
    return {
        "type": "scattergl",
        "mode": "markers",
        "name": name,
        "x": points[at, 0].tolist(),
        "y": points[at, 1].tolist(),
        "rows": list(at),
        "hoverinfo": "text",
        "marker": marker,
    }


def _histogram(data: ReportData) -> dict[str, Any]:
    bins = len(data.histogram["keep"])
    centres = [round((i + 0.5) / bins, 4) for i in range(bins)]
    traces = [
        {
            "type": "bar",
            "name": s,
            "x": centres,
            "y": data.histogram[s],
            "width": 1 / bins,
            "marker": {"color": COLOURS[s]},
        }
        for s in SUGGESTIONS
    ]
    shapes, notes = [], []
    # Inside the top of the plot area (the legend is above it), one row each: side by side they ran into each
    # other on a narrow screen. A label near either end reads inwards, so it stays inside the chart.
    for row, (value, text) in enumerate(zip(data.thresholds, ("remove at or below", "keep at or above"), strict=True)):
        if value is not None:
            shapes.append(
                {
                    "type": "line",
                    "x0": value,
                    "x1": value,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"dash": "dash", "color": "#333"},
                }
            )
            notes.append(
                {
                    "x": value,
                    "y": 1,
                    "yref": "paper",
                    "xanchor": (anchor := "left" if value < 1 / 3 else "right" if value > 2 / 3 else "center"),
                    # off the dashed line it names, not touching it
                    "xshift": {"left": 4, "right": -4}.get(anchor, 0),
                    "yanchor": "top",
                    "yshift": -2 - 20 * row,
                    "text": f"{text} {value:.{3 if row == 0 else 2}f}",  # as train says it: "≤ 0.025", not 0.02
                    "showarrow": False,
                    "bgcolor": "rgba(255,255,255,0.85)",
                }
            )
    return _figure(
        "plot-scores",
        traces,
        barmode="stack",
        shapes=shapes,
        annotations=notes,
        # from a little below 0, so the two axes' "0" do not meet in the corner on a phone
        xaxis={"title": {"text": "score (1 = surely audience)"}, "range": [-0.03, 1], "automargin": True},
        yaxis={"title": {"text": "connections"}},
    )


def _quality(data: ReportData) -> list[dict[str, Any]]:
    model = data.model
    if model is None:
        return []
    diagonal = {
        "type": "scatter",
        "mode": "lines",
        "x": [0, 1],
        "y": [0, 1],
        "name": "guessing",
        "line": {"dash": "dot", "color": "#999"},
    }
    line = {"color": COLOURS["keep"], "width": 2.5}
    curves = (  # (figure id, points, mode, with the diagonal, x axis, y axis)
        ("plot-roc", model.roc, "lines", True, "non-audience let through", "audience kept"),
        ("plot-pr", model.pr, "lines", False, "share of your audience found", "share that are audience"),
        ("plot-calibration", model.calibration, "lines+markers", True, "score given", "share who were audience"),
    )
    figures = []
    for fig_id, points, mode, with_diagonal, x_title, y_title in curves:
        if not points:
            continue
        x, y = zip(*points, strict=True)
        curve = {"type": "scatter", "mode": mode, "x": x, "y": y, "name": "model", "line": line}
        traces = [curve, diagonal] if with_diagonal else [curve]
        figures.append(_figure(fig_id, traces, showlegend=False, xaxis=_axis(x_title), yaxis=_axis(y_title)))
    return figures


def _axis(title: str) -> dict[str, Any]:
    # from a little below 0: from 0 itself, the two axes' "0%" met in the corner and read "0%0%" on a phone
    return {"title": {"text": title}, "range": [-0.05, 1.03], "tickformat": ".0%", "zeroline": False}


def _groups(data: ReportData) -> dict[str, Any] | None:
    if not data.groups:
        return None
    groups = list(reversed(data.groups))  # the group with the largest share of removals at the top
    # A group's two commonest titles one per line, each cut short: on one line they pushed the bars off a narrow
    # screen, and three lines a bar ran into the next bar's. The hover names all of its titles.
    names: list[str] = []
    for group in groups:
        name = base = _lines(group.name.split(" · ")[:2], 28)
        number = 1
        while name in names:  # two groups, one label: plotly would draw them as one bar
            number += 1
            name = f"{base} ({number})"
        names.append(name)
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": s,
            "y": names,
            "x": [g.counts[s] for g in groups],
            "customdata": [plot_text(g.name, 120) for g in groups],
            "hovertemplate": f"%{{customdata}}<br>{s}: %{{x}}<extra></extra>",
            "marker": {"color": COLOURS[s]},
        }
        for s in SUGGESTIONS
    ]
    return _figure(
        "plot-groups",
        traces,
        barmode="stack",
        margin={"l": 20, "r": 20, "t": 20, "b": 48},
        yaxis={"automargin": True},
        xaxis={"title": {"text": "connections"}},
    )


def _lines(texts: Sequence[str], limit: int) -> str:
    return "<br>".join(plot_text(text, limit) for text in texts)


def _timeline(data: ReportData) -> dict[str, Any] | None:
    t = data.timeline
    if t is None:
        return None
    traces: list[dict[str, Any]] = [
        {"type": "bar", "name": s, "x": t.periods, "y": t.counts[s], "marker": {"color": COLOURS[s]}}
        for s in SUGGESTIONS
    ]
    share = [None if v != v else round(v, 4) for v in t.audience_share]  # NaN: a period without scores
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "audience share",
            "x": t.periods,
            "y": share,
            "yaxis": "y2",
            "line": {"color": "#111"},
        }
    )
    return _figure(
        "plot-time",
        traces,
        barmode="stack",
        margin=_LAYOUT["margin"] | {"r": 70},
        # automargin: room for the periods' labels, which turn upright on a narrow screen, above the axis title
        xaxis={"type": "category", "title": {"text": "connected on"}, "automargin": True},
        yaxis={"title": {"text": "new connections"}},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 1],
            # its own ticks, 0% to 100% by 20%: left to plotly they followed the counts' gridlines (14%, 28%, 41%...)
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 0.2,
            "tickformat": ".0%",
            "title": {"text": "audience share"},
            "showgrid": False,
        },
    )
