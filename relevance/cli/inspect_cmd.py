"""`relevance inspect`: what was read from an export."""

from __future__ import annotations

from relevance.cli.options import ExportArg
from relevance.cli.render import out, user_errors
from relevance.io import Export, read_export
from relevance.text import printable


def inspect(export: ExportArg) -> None:
    """Show what was read from an export: format, rows, ghost rows, gaps.  Example: relevance inspect Connections.csv"""
    with user_errors():
        result = read_export(export)
    render_inspection(result)


def render_inspection(result: Export) -> None:
    total = len(result.connections)
    span = result.date_range
    lines = [
        ("File", result.source),
        ("Format", result.format),
        ("Encoding", result.encoding + (f", delimiter {result.delimiter!r}" if result.delimiter else "")),
        ("Columns used", ", ".join(f"{field} ← {column!r}" for field, column in result.columns.items())),
        ("Rows read", f"{result.rows_read:,}"),
        ("Connections", f"{total:,}"),
        ("Usable for scoring", f"{total - result.without_text:,}"),
        (
            "Without any text",
            f"{result.without_text:,} (no position, headline or company: kept, marked review)",
        ),
        ("Ghost rows", f"{result.ghost_rows:,} (hidden members with only a date: skipped)"),
        ("Duplicates", f"{result.duplicate_rows:,}" + _examples(result.duplicate_ids)),
        ("With a headline", f"{result.with_headline:,}"),
        ("Connected", f"{span[0]:%d %b %Y} – {span[1]:%d %b %Y}" if span else "no dates"),
        ("Unreadable dates", f"{result.bad_dates:,}"),
        ("Misaligned rows", f"{result.misaligned_rows:,} (more cells than the header, e.g. an unquoted comma)"),
    ]
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        # values come from the file (a duplicate's id is its profile URL): no escape sequences on the terminal
        out.print(printable(f"{label:<{width}}  {value}"), markup=False)


def _examples(ids: list[str]) -> str:
    return f" (e.g. {', '.join(ids[:3])})" if ids else ""
