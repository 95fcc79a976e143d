"""Turn a file as users actually have it into rows of cells: any encoding, delimiter or spreadsheet.

This layer knows nothing about connections; `relevance.io` finds the header and the fields.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relevance.codepages import decode_legacy
from relevance.csv_records import left_open
from relevance.errors import ExportError, RelevanceError
from relevance.files import read_bytes
from relevance.limits import MAX_COLUMNS, max_bytes, max_rows, too_big, too_many_rows
from relevance.text import printable

DELIMITERS = (",", ";", "\t")
# Rows read to decide the delimiter and find the header: LinkedIn's preamble is 3 lines, plus slack for
# whatever a user or a tool put above the header.
SNIFF_ROWS = 40

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
# Control characters no text file holds but by accident (tab, line feed and carriage return are text's own).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
# A record this many lines long that overflows the field limit is a quote left open, not one long cell.
_QUOTE_SPAN = 20
_EXPECTED_FILE = "a CSV export: pass the Connections.csv from LinkedIn"

Cell = object  # a str from CSV; str, number, datetime or None from a spreadsheet
# Given the first rows as each delimiter splits them, the delimiter the file uses (None: no idea).
DelimiterChooser = Callable[[dict[str, list[list[str]]]], str | None]


@dataclass(frozen=True)
class Span:
    """A row of a CSV file that runs over several lines (a quoted cell with line breaks)."""

    row: int  # its place in ``Table.rows``
    first: int  # the file's line it starts on
    last: int  # and ends on


@dataclass
class Table:
    """The raw rows of a file, and how they were decoded."""

    rows: Sequence[Sequence[Cell]]
    encoding: str
    delimiter: str  # "" for spreadsheets
    source: str  # what was read: the file, or the member of a zip archive
    spans: Sequence[Span] = ()  # the rows that run over several lines: a quote left open makes one


def read_table(path: Path, choose_delimiter: DelimiterChooser) -> Table:
    """Read `path` into rows. Raises ExportError, naming the problem and the fix, when it cannot."""
    if not path.exists():
        raise ExportError(f"{path} does not exist: pass the Connections.csv from your LinkedIn data export")
    if path.is_dir():
        raise ExportError(f"{path} is a folder: pass the Connections.csv file inside it")
    data = read_bytes(path, ExportError, "pass the Connections.csv from your LinkedIn data export")
    if not data.strip():
        raise ExportError(f"{path} is empty: export your connections again from LinkedIn")
    if data.startswith(_OLE_MAGIC):
        raise ExportError(f"{path} is an old-style Excel .xls file: save it as .xlsx or CSV and try again")
    if data.startswith(_XLSX_MAGIC):
        return _read_zip(path, data, choose_delimiter)
    return _read_text(data, str(path), choose_delimiter)


def _read_zip(path: Path, data: bytes, choose_delimiter: DelimiterChooser) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ExportError(
            f"{path} looks like a zip or .xlsx file but is damaged ({error}): download or export it again"
        ) from None
    # The declared size bounds what zipfile inflates, so checking it is enough to stop a zip bomb.
    if any(info.file_size > max_bytes() for info in archive.infolist()):
        raise too_big(f"{path} (once unzipped)", ExportError)
    names = archive.namelist()
    if "[Content_Types].xml" in names:
        return _read_xlsx(path, data)
    # LinkedIn delivers the whole data archive as a zip: take Connections.csv from inside it.
    connections = [name for name in names if Path(name).name.casefold() == "connections.csv"]
    if not connections:
        raise ExportError(
            f"{path} is a zip archive without a Connections.csv: unzip your LinkedIn export and pass Connections.csv"
        )
    member = connections[0]
    try:
        text = archive.read(member)
    # encrypted, damaged (a bad CRC, a broken deflate stream, an offset before the start: "negative seek value"),
    # or an odd compression method
    except (RuntimeError, zipfile.BadZipFile, NotImplementedError, zlib.error, EOFError, OSError, ValueError) as error:
        raise ExportError(f"{path}: {member} cannot be extracted ({error}): unzip it and pass the CSV") from None
    # The member's name comes from the archive: shown on a terminal, so made printable here once.
    return _read_text(text, f"{path}:{printable(member)}", choose_delimiter)


def _read_xlsx(path: Path, data: bytes) -> Table:
    import openpyxl  # imported here: only spreadsheet users pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise ExportError(
            f"{path} could not be opened as an Excel workbook ({_workbook_problem(error)}): save it as CSV"
        ) from None
    try:
        if not workbook.worksheets:
            raise ExportError(f"{path} is an Excel workbook without a worksheet: save your connections as CSV")
        rows = _connections_sheet(workbook.worksheets, str(path))
    finally:
        workbook.close()
    return Table(rows=rows, encoding="xlsx", delimiter="", source=str(path))


def _connections_sheet(sheets: Sequence[Any], source: str) -> list[list[Cell]]:
    """The rows of the first worksheet with a connections header near its top (a workbook may keep notes or a
    pivot table on its first sheet and the export on another); the first worksheet's when none has one."""
    from relevance.columns import looks_like_header

    first: list[list[Cell]] | None = None
    for sheet in sheets:
        rows = _worksheet_rows(sheet, source)
        if any(looks_like_header([str(cell) for cell in row]) for row in rows[:SNIFF_ROWS]):
            return rows
        first = rows if first is None else first
    return first or []


def _worksheet_rows(sheet: Any, source: str) -> list[list[Cell]]:
    """The rows with something in them, read as a stream (openpyxl parses the sheet as it goes).

    The size a sheet declares is ignored: ``A1:XFD1048576`` in a 5 KB file would have openpyxl pad every row
    to 16,384 cells. Columns past `MAX_COLUMNS` are ignored, and every row counts towards the row limit,
    blank ones too, since reading them costs time all the same.
    """
    sheet.reset_dimensions()
    limit = max_rows()
    rows: list[list[Cell]] = []
    try:
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
            if number > limit:
                raise too_many_rows(source, ExportError)
            if values.count(None) == len(values):
                continue
            cells = list(values)
            while cells[-1] is None:
                cells.pop()
            if any(cell is not None and str(cell).strip() for cell in cells):
                rows.append(["" if cell is None else cell for cell in cells])
    except ExportError:
        raise
    except Exception as error:  # a sheet is parsed lazily: damage shows up while reading rows
        raise ExportError(
            f"{source} could not be read as an Excel workbook ({_workbook_problem(error)}): save it as CSV"
        ) from None
    return rows


def _workbook_problem(error: Exception) -> str:
    """What openpyxl found wrong, without quoting the workbook: its messages can hold a cell's text ("could not
    convert string to float: 'Ada Lovelace'"), and people paste errors into bug reports. An XML parser's
    message says only where ("not well-formed (invalid token): line 1, column 350"), an archive's names a
    member; anything else is named by its type."""
    if isinstance(error, SyntaxError | zipfile.BadZipFile):  # xml.etree's ParseError is a SyntaxError
        return str(error)
    return f"{type(error).__name__} while parsing it"


def decode(
    data: bytes, source: str, error: type[RelevanceError] = ExportError, expected: str = _EXPECTED_FILE
) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (with or without BOM), UTF-16 or UTF-32 with a BOM, else the
    Windows code page its words read best in (relevance.codepages), else Latin-1. Raises ``error`` for a binary
    file or damaged UTF-16/32 text."""
    if b"\x00" in data[:4096]:
        # UTF-32's little-endian BOM starts with UTF-16's: test it first, or every field fills with NULs.
        for bom, encoding in (
            (codecs.BOM_UTF32_LE, "utf-32"),
            (codecs.BOM_UTF32_BE, "utf-32"),
            (b"\xff\xfe", "utf-16"),
            (b"\xfe\xff", "utf-16"),
        ):
            if data.startswith(bom):
                try:
                    return data.decode(encoding), encoding
                except UnicodeDecodeError as problem:
                    raise error(
                        f"{source} is {encoding.upper()} text but damaged ({problem.reason} at byte {problem.start}): "
                        "open it in a spreadsheet and save it as CSV UTF-8, or export it again"
                    ) from None
        if guessed := _utf16_without_bom(data):
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode(guessed), guessed
        stray = data.count(b"\x00")
        sample = data[:4096]
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # NUL included
        if stray > max(8, len(data) // 1000) or controls > max(8, len(sample) // 100):
            raise error(f"{source} is a binary file, not {expected}")
        # A few NUL bytes in a text file (a download cut and resumed, a tool's padding) hold no text: read without
        # them rather than refuse the whole export as binary; the encoding line says how many there were.
        text, encoding = decode(data.replace(b"\x00", b""), source, error, expected)
        return text, f"{encoding}, {stray} NUL byte{'s' if stray != 1 else ''} left out"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # saved by Excel in the region's own code page, or a UTF-8 file with a few lines that are not
        return _mostly_utf8(data) or decode_legacy(data)
    return text, "utf-8 (with BOM)" if data.startswith(codecs.BOM_UTF8) else "utf-8"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16's byte order when text was written in it without a byte-order mark (some tools do): the zero high
    bytes of Latin letters, digits and punctuation fall on every other byte, and nowhere else."""
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    for zeros, others, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.4 * len(zeros) and others.count(0) <= 0.02 * len(others):
            return encoding
    return None


def _mostly_utf8(data: bytes) -> tuple[str, str] | None:
    """A UTF-8 file with a few lines in a Windows code page (pasted or edited in by a program that writes one),
    each line decoded as what it is; None unless UTF-8 holds at least half the lines with letters beyond ASCII.
    Read whole as the code page, every UTF-8 line would turn to mojibake ("PlaketovÃ¡")."""
    lines = data.removeprefix(codecs.BOM_UTF8).splitlines(keepends=True)
    odd: list[int] = []
    utf8 = 0
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            odd.append(i)
    if not utf8 or utf8 < len(odd):
        return None
    code_page = decode_legacy(b"".join(lines[i] for i in odd))[1]
    legacy = set(odd)
    texts = [line.decode(code_page if i in legacy else "utf-8") for i, line in enumerate(lines)]
    return "".join(texts), f"mixed: utf-8, {len(odd):,} line{'s' if len(odd) != 1 else ''} in {code_page}"


def _read_text(data: bytes, source: str, choose_delimiter: DelimiterChooser) -> Table:
    text, encoding = decode(data, source)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        raise ExportError(
            f"{source} is a JSON file: relevance reads CSV or Excel exports (LinkedIn: Settings → Data privacy → "
            "Get a copy of your data → Connections)"
        )
    heads = {delimiter: _sniff(text, delimiter) for delimiter in DELIMITERS}
    delimiter = choose_delimiter(heads) or ","
    rows, spans = _parse(text, delimiter, source)
    if not rows:  # a byte-order mark, blank lines or empty cells only
        raise ExportError(f"{source} is empty: export your connections again from LinkedIn")
    return Table(rows=rows, encoding=encoding, delimiter=delimiter, source=source, spans=spans)


def _sniff(text: str, delimiter: str) -> list[list[str]]:
    """The first rows as `delimiter` splits them; a wrong delimiter may misread quotes, so stop at an error."""
    rows: list[list[str]] = []
    try:
        for row in csv.reader(_lines(text), delimiter=delimiter, strict=False):
            if any(cell.strip() for cell in row):
                rows.append(row)
                if len(rows) >= SNIFF_ROWS:
                    break
    except csv.Error:
        pass
    return rows


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, as ``open(newline="")`` gives them to the csv module.

    A generator rather than ``io.StringIO(text)``, which keeps a copy at four bytes a character: for a
    64 MB file that copy alone was 256 MB.
    """
    for match in _LINE.finditer(text):
        if line := match.group():
            yield line


def _parse(text: str, delimiter: str, source: str) -> tuple[list[list[str]], list[Span]]:
    """Every row with something in it, and the rows that run over several lines. Not `strict`: a stray quote
    inside a field is kept as a character; but a quote the last row opens and never closes is refused."""
    end = 0  # where the line the reader took last ends

    def lines() -> Iterator[str]:
        nonlocal end
        for line in _lines(text):  # consecutive: their lengths add up to where each ends
            end += len(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    spans: list[Span] = []
    limit = max_rows()
    line = last_line = 1
    start = last_start = 0  # where the record being read, and the last one with something in it, start
    after = 0  # records read after that one: blank lines, a stray quote alone on a line
    try:
        for row in reader:
            after += 1
            if any(cell.strip() for cell in row):
                rows.append(row)
                last_line, last_start, after = line, start, 0
                if len(rows) > limit:
                    raise too_many_rows(source, ExportError)
                if reader.line_num > line:
                    spans.append(Span(len(rows) - 1, line, reader.line_num))
            line, start = reader.line_num + 1, end
    except csv.Error as error:
        raise _parse_error(source, line, reader.line_num, error) from None
    if rows and not after and _left_open_alone(text[last_start:], delimiter):
        # Left open in the last row, a quote ends its cell at the end of the file and takes no row with it (at most
        # blank lines), so no span that reads as rows shows it (relevance.io refuses those that do): 'Kim,Baz,"Head
        # of Sales, EMEA,06 Jan 2023' would be read as a title with a date in it.
        raise ExportError(
            f'{source} line {last_line}: a quote (") there opens a cell that is never closed: delete that quote, '
            "or close it, and run again"
        )
    return rows, spans


def _left_open_alone(record: str, delimiter: str) -> bool:
    """Whether the file's last record (its text to the end of the file) leaves a quote open having taken in nothing
    but blank lines or empty cells (Excel's ",,,,,," rows) after its own."""
    if not left_open(record, 1, delimiter):
        return False
    return not any(line.strip().strip(delimiter).strip() for line in record.splitlines()[1:])


def _parse_error(source: str, line: int, reached: int, error: csv.Error) -> ExportError:
    """What went wrong at ``line``, the first line of a record the reader stopped in at line ``reached``."""
    if "field limit" in str(error) and reached - line < _QUOTE_SPAN:
        # One long line: a real cell, not a quote that swallowed the file (that spans many lines).
        return ExportError(
            f"{source} has a cell longer than {csv.field_size_limit() // 1024} KiB on line {line}: no connection has "
            "that much text; shorten or delete that cell, or export the file again"
        )
    # In practice a quote opened and never closed, which swallowed the rest of the file into one field.
    return ExportError(
        f"{source} is not valid CSV from line {line} ({error}): look for an unmatched quote there, "
        "or export the file again"
    )
