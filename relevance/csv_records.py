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
    quote opens a cell that takes in further rows, or where the csv module gives up."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line, last = 1, _last_line(text)
    try:
        for cells in reader:
            if reader.line_num > line and any(_swallows(cell, delimiter) for cell in cells):
                raise error(
                    f'{source} line {line}: a quote (") there opens a cell that runs over '
                    f"{reader.line_num - line + 1} lines and takes in the rows below it: delete that quote, "
                    "or close it, and run again"
                )
            if reader.line_num >= last and _left_open(text, line, delimiter):
                raise error(
                    f'{source} line {line}: a quote (") there opens a cell that is never closed: delete that quote, '
                    "or close it, and run again"
                )
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as problem:
        raise error(
            f"{source} is not valid CSV from line {line} ({problem}): look for an unmatched quote there"
        ) from None


def _swallows(cell: str, delimiter: str) -> bool:
    return ("\n" in cell or "\r" in cell) and delimiter in cell


def _last_line(text: str) -> int:
    """The number of the file's last line with anything on it."""
    return text.rstrip("\r\n").count("\n") + 1


def _left_open(text: str, line: int, delimiter: str) -> bool:
    """Whether the file's last record, from ``line`` on, leaves a quote open: the csv module then ends the cell at
    the end of the file, silently (a row '"broken,row,yes' is one cell). Its strict mode says so; its other
    complaints (text after a closing quote) are quirks the lenient reading takes."""
    rest = text.split("\n", line - 1)[-1]
    try:
        for _ in csv.reader(io.StringIO(rest, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as problem:
        return "unexpected end of data" in str(problem)
    return False
