"""Reading scored.csv back (`relevance report`): the file `relevance.score.write_scored` wrote, perhaps since
opened and saved in a spreadsheet, read with the care any input gets.

A regular file within the byte and row limits (relevance.limits), in whatever encoding and delimiter a
spreadsheet saved it with; the cells the writer neutralised against formulas (relevance.cells) come back as
they were, so a title ``=1+2`` is ``=1+2`` again in the report; a bad row is named by its line, never by what
it holds.
"""

from __future__ import annotations

import os
from pathlib import Path

from relevance.cells import unsafe_cell
from relevance.csv_records import records
from relevance.dates import slashes_day_first
from relevance.errors import RelevanceError
from relevance.files import read_bytes
from relevance.limits import max_rows, too_many_rows
from relevance.score import ScoredRow
from relevance.tables import decode

_MAKE_ONE = "make one with `relevance score Connections.csv --out scored.csv`"
_NEEDED = ("id", "score", "suggestion")


def read_scored(path: str | os.PathLike[str]) -> list[ScoredRow]:
    """Read the scored.csv that ``write_scored`` wrote. Raises RelevanceError when it is not one."""
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
    day_first = slashes_day_first(row.get("connected_on", "") for _, row in found)
    return [ScoredRow.from_row(row, f"{target} line {line}", day_first=day_first) for line, row in found]
