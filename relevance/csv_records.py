"""CSV records with the line each starts on, refusing a quote that swallows the rows below it.

The csv module, not strict, reads ``"`` at the start of a cell as an opening quote and keeps reading until
the next one, line breaks included: one stray quote typed into a labels file took the answers below it into
one cell, silently. Files we write never hold a line break inside a cell, so such a cell that also holds the
delimiter is a quote left open, and is reported by its line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from relevance.errors import RelevanceError


def records(text: str, delimiter: str, source: str, error: type[RelevanceError]) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for each record of ``text``. Raises ``error`` naming the line (never the content) where a
    quote opens a cell that takes in further rows or is never closed, or where the csv module gives up."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    held: tuple[int, list[str]] | None = None  # the record read last: the file's last one is checked before it goes
    try:
        for cells in reader:
            if reader.line_num > line and any(_swallows(cell, delimiter) for cell in cells):
                raise error(
                    f'{source} line {line}: a quote (") there opens a cell that runs over '
                    f"{reader.line_num - line + 1} lines and takes in the rows below it: delete that quote, "
                    "or close it, and run again"
                )
            if held is not None:
                yield held
            held = (line, cells)
            line = reader.line_num + 1
    except csv.Error as problem:
        raise error(
            f"{source} is not valid CSV from line {line} ({problem}): look for an unmatched quote there"
        ) from None
    if held is not None:
        if left_open(text, held[0], delimiter):
            raise error(
                f'{source} line {held[0]}: a quote (") there opens a cell that is never closed: delete that quote, '
                "or close it, and run again"
            )
        yield held


def _swallows(cell: str, delimiter: str) -> bool:
    return ("\n" in cell or "\r" in cell) and delimiter in cell


def left_open(text: str, line: int, delimiter: str) -> bool:
    """Whether the file's last record, from ``line`` on, leaves a quote open: the csv module then ends the cell at
    the end of the file, silently (a row '"broken,row,yes' is one cell). Its strict mode says so; its other
    complaints (text after a closing quote) are quirks the lenient reading takes. Lines are the csv module's own
    (a lone CR ends one too, as in old Mac files)."""
    rest = "".join(io.StringIO(text, newline="").readlines()[line - 1 :])
    try:
        for _ in csv.reader(io.StringIO(rest, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as problem:
        return "unexpected end of data" in str(problem)
    return False
