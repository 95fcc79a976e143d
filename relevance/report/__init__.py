"""The offline HTML report, fed the scored rows (``relevance.score.ScoredRow``) and the run's ``Summary``.

``data`` computes what the report shows, ``breakdown`` the network's parts (time, language, title groups),
``quality`` what the model card says, ``projection`` the map, ``figures`` and ``sections`` the charts and
words, ``html`` the one self-contained file (``templates/report.html``).
"""

from __future__ import annotations

from relevance.report.data import Headline, ReportData, align_vectors, build_report
from relevance.report.html import make_report, render_html, report_scored, write_report
from relevance.scored_file import read_scored

__all__ = [
    "Headline",
    "ReportData",
    "align_vectors",
    "build_report",
    "make_report",
    "read_scored",
    "render_html",
    "report_scored",
    "write_report",
]
