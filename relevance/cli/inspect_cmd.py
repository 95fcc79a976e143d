"""`relevance inspect`: what was read from an export."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from relevance.cli.options import ExportArg
from relevance.cli.render import out, user_errors
from relevance.dates import shown_day
from relevance.errors import ExportError
from relevance.io import Export, read_export, scorable
from relevance.text import printable

if TYPE_CHECKING:
    from relevance.embedders.choice import Choice


def inspect(export: ExportArg) -> None:
    """Show what was read from an export: format, rows, ghost rows, gaps.

    Example: relevance inspect Connections.csv
    """
    from relevance.embedders import choose_for

    with user_errors():
        result = read_export(export)
        choice = choose_for(result)
    render_inspection(result, choice)


def render_inspection(result: Export, choice: Choice | None = None) -> None:
    """The table of what was read; with a choice, the model that reads the titles and why (one line)."""
    total = len(result.connections)
    span = result.date_range
    lines = [
        ("File", result.source),
        ("Format", result.format),
        ("Encoding", result.encoding + (f", delimiter {result.delimiter!r}" if result.delimiter else "")),
        ("Columns used", ", ".join(f"{field} ← {column!r}" for field, column in result.columns.items())),
        ("Rows read", f"{result.rows_read:,}"),
        ("Connections", f"{total:,}"),
        ("Usable for scoring", f"{total - result.without_title - result.lost_titles:,}"),
        (
            "Without a title",
            f"{result.without_title:,} (no position or headline, or only '-': not scored: suggested for your review)",
        ),
        *(
            [
                (
                    "Titles lost to '?'",
                    f"{result.lost_titles:,} (question marks where the letters were: save the file as "
                    "CSV UTF-8, or export it again)",
                )
            ]
            if result.lost_titles
            else []
        ),
        ("Ghost rows", f"{result.ghost_rows:,} (hidden members with only a date: skipped)"),
        ("Duplicates", f"{result.duplicate_rows:,}" + _examples(result.duplicate_ids)),
        ("With a headline", f"{result.with_headline:,}"),
        ("Connected", f"{shown_day(span[0])} – {shown_day(span[1])}" if span else "no dates"),
        ("Unreadable dates", f"{result.bad_dates:,}"),
        (
            "Misaligned rows",
            f"{result.misaligned_rows:,} (more or fewer cells than the header: an unquoted comma, a cell left out)",
        ),
    ]
    if result.repeated_headers:
        lines.append(
            (
                "Repeated headers",
                f"{result.repeated_headers:,} (a header again further down, e.g. two exports in one file: "
                "skipped, with the notes above it; the rows below it read by it)",
            )
        )
    if result.split_rows:
        lines.append(("Split rows", f"{result.split_rows:,} (a line break inside an unquoted cell: joined again)"))
    if choice is not None:
        lines.append(("Titles read by", f"{choice.model}: {choice.why}"))
    usable = True
    try:
        scorable(result)
    except ExportError as problem:  # described all the same; the commands that need people will refuse it
        lines.append(("Cannot be scored", str(problem).removeprefix(f"{result.source} ")))
        usable = False
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        # values come from the file (a duplicate's id is its profile URL): no escape sequences on the terminal
        out.print(printable(f"{label:<{width}}  {value}"), markup=False)
    if not usable:  # `relevance inspect x.csv && relevance sample x.csv` must stop here, as sample would
        raise typer.Exit(1)


def _examples(ids: list[str]) -> str:
    distinct = list(dict.fromkeys(ids))  # a profile in the file three times is two duplicates, one example
    return f" (e.g. {', '.join(distinct[:3])})" if ids else ""
