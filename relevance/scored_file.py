"""scored.csv: the file `relevance score` writes, and reading it back (`relevance report`), perhaps since opened
and saved in a spreadsheet, with the care any input gets.

Its columns are a connection's, then score, suggestion, why, label, the model that scored it and what decided
the suggestion (``SCORED_COLUMNS``). Written atomically, every cell spreadsheet-safe (relevance.cells); read
back from a regular file within the byte and row limits (relevance.limits), in whatever encoding and delimiter
a spreadsheet saved it with, the neutralised cells as they were (a title ``=1+2`` is ``=1+2`` again in the
report); a bad row is named by its line, never by what it holds.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import cast

from relevance.alike import is_alike_reason
from relevance.cells import unsafe_cell
from relevance.csv_records import records
from relevance.dates import numeric_day_first, parse_date
from relevance.errors import RelevanceError
from relevance.files import read_bytes
from relevance.groups import is_group_reason
from relevance.io import write_csv
from relevance.limits import max_rows, too_many_rows
from relevance.records import CANONICAL_COLUMNS, Connection
from relevance.score import LOST_TEXT, SOURCES, SUGGESTIONS, Scored, ScoredRow, Source
from relevance.tables import decode
from relevance.unread import is_unread_reason

# "model": which model scored the row (``ModelCard.short_id``), so a report given another model can tell;
# "decided_by": what decided its suggestion (``Source``), so reading the file back never parses the reason.
SCORED_COLUMNS: tuple[str, ...] = (*CANONICAL_COLUMNS, "score", "suggestion", "why", "label", "model", "decided_by")

_MAKE_ONE = "make one with `relevance score Connections.csv --out scored.csv`"
_NEEDED = ("id", "score", "suggestion")


def read_scored(path: str | os.PathLike[str]) -> list[ScoredRow]:
    """Read back the scored.csv that ``write_scored`` wrote. Raises RelevanceError when it is not one."""
    target = Path(path)
    data = read_bytes(target, RelevanceError, f"pass the scored CSV, or {_MAKE_ONE}")
    text, _ = decode(data, str(target), RelevanceError, f"a scored CSV: {_MAKE_ONE}")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # a spreadsheet may have saved it with another
    reader = records(text, delimiter, str(target), RelevanceError)
    columns = [unsafe_cell(cell.strip().lstrip("\ufeff")) for cell in next(reader, (1, []))[1]]
    missing = [name for name in _NEEDED if name not in columns]
    if missing:
        raise RelevanceError(f"{target} is not a scored file (no {', '.join(missing)} column): {_MAKE_ONE}")
    limit = max_rows()
    found: list[tuple[int, dict[str, str]]] = []
    for count, (line, cells) in enumerate(reader, 1):
        if count > limit:
            raise too_many_rows(str(target), RelevanceError, "pass the scored CSV")
        if not any(cell.strip() for cell in cells):
            continue
        found.append((line, {column: unsafe_cell(cell.strip()) for column, cell in zip(columns, cells, strict=False)}))
    # One file, one locale: a spreadsheet that saved 16/09/2021 saved 04/01/2023 day first too.
    day_first = numeric_day_first(row.get("connected_on", "") for _, row in found)
    return [scored_row(row, f"{target} line {line}", day_first=day_first) for line, row in found]


def scored_cells(row: ScoredRow) -> dict[str, object]:
    """A scored row as the columns of scored.csv (``SCORED_COLUMNS``), the score rounded to 3 decimals."""
    cells: dict[str, object] = dict(row.connection.as_row())
    cells["score"] = row.shown_score
    cells["suggestion"] = row.suggestion
    cells["why"] = row.why
    cells["label"] = "" if row.label is None else ("yes" if row.label else "no")
    cells["model"] = row.model
    cells["decided_by"] = row.source
    return cells


def scored_row(row: Mapping[str, object], where: str = "a row", *, day_first: bool = False) -> ScoredRow:
    """A row of scored.csv back (the inverse of ``scored_cells``, scores as rounded there). What decided the
    suggestion: an answer in ``label``, else the ``decided_by`` column, else (a file written before that
    column) the row itself: a keep-rule's "kept: ..." reason, no score, the wording of the reason.
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
    elif (decided := text["decided_by"].lower()) in SOURCES:  # "label" too, where the answer was cleared
        source = cast(Source, decided)
    # A file written before the column: what decided the row is read from the row itself.
    elif text["why"].startswith("kept:"):
        source = "rule"
    elif score is None:
        source = "lost title" if text["why"] == LOST_TEXT else "no text"
    elif is_unread_reason(text["why"]):
        source = "unread"
    elif is_alike_reason(text["why"]):
        source = "alike"
    elif is_group_reason(text["why"]):
        source = "title group"
    elif is_alike_reason(text["why"], yes=False):
        source = "alike no"
    else:
        source = "model"
    return ScoredRow(connection, score, suggestion, text["why"], label, source, text["model"])


def write_scored(scored: Scored | Sequence[ScoredRow], path: str | Path) -> None:
    """Write the scored CSV (atomically), ``SCORED_COLUMNS``, every cell spreadsheet-safe; ``read_scored`` reads
    it back."""
    rows = scored.rows if isinstance(scored, Scored) else scored
    write_csv(path, SCORED_COLUMNS, (scored_cells(row) for row in rows))


def _day(text: str, day_first: bool) -> date:
    """A scored.csv date as relevance writes it (2024-03-01), or as a spreadsheet saved it again (01.03.2024;
    ``day_first``: how the file's a/b/yyyy and a-b-yyyy dates read, ``relevance.dates.numeric_day_first``)."""
    day = parse_date(text, day_first)  # the reader of exports' dates: ISO, and every locale's
    if day is None:
        raise ValueError(text)
    return day


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
