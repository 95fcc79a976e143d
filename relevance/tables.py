"""Turn a file as users actually have it into rows of cells: any encoding, delimiter or spreadsheet.

This layer knows nothing about connections; `relevance.io` finds the header and the fields.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from relevance.errors import ExportError

DELIMITERS = (",", ";", "\t")
# Rows read to decide the delimiter and find the header: LinkedIn's preamble is 3 lines, plus slack for
# whatever a user or a tool put above the header.
SNIFF_ROWS = 40

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls

Cell = object  # a str from CSV; str, number, datetime or None from a spreadsheet
# Given the first rows as each delimiter splits them, the delimiter the file uses (None: no idea).
DelimiterChooser = Callable[[dict[str, list[list[str]]]], str | None]


@dataclass
class Table:
    """The raw rows of a file, and how they were decoded."""

    rows: Sequence[Sequence[Cell]]
    encoding: str
    delimiter: str  # "" for spreadsheets
    source: str  # what was read: the file, or the member of a zip archive


def read_table(path: Path, choose_delimiter: DelimiterChooser) -> Table:
    """Read `path` into rows. Raises ExportError, naming the problem and the fix, when it cannot."""
    if not path.exists():
        raise ExportError(f"{path} does not exist: pass the Connections.csv from your LinkedIn data export")
    if path.is_dir():
        raise ExportError(f"{path} is a folder: pass the Connections.csv file inside it")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExportError(f"{path} cannot be read ({error.strerror or error}): check the file's permissions") from None
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
    except zipfile.BadZipFile as error:
        raise ExportError(f"{path} looks like a zip or .xlsx file but is damaged ({error})") from None
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
    except (RuntimeError, zipfile.BadZipFile, NotImplementedError) as error:  # encrypted, damaged, odd method
        raise ExportError(f"{path}: {member} cannot be extracted ({error}): unzip it and pass the CSV") from None
    return _read_text(text, f"{path}:{member}", choose_delimiter)


def _read_xlsx(path: Path, data: bytes) -> Table:
    import openpyxl  # imported here: only spreadsheet users pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise ExportError(f"{path} could not be opened as an Excel workbook ({error}): save it as CSV") from None
    sheet = workbook.worksheets[0]
    rows = [
        ["" if cell is None else cell for cell in row]
        for row in sheet.iter_rows(values_only=True)
        if any(cell is not None and str(cell).strip() for cell in row)
    ]
    workbook.close()
    return Table(rows=rows, encoding="xlsx", delimiter="", source=str(path))


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    if b"\x00" in data[:4096]:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16"), "utf-16"
        raise ExportError(f"{source} is a binary file, not a CSV export: pass the Connections.csv from LinkedIn")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        name = "utf-8 (with BOM)" if encoding == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf") else encoding
        return text, name.replace("utf-8-sig", "utf-8")
    raise AssertionError("latin-1 decodes any bytes")


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
    rows = _parse(text, delimiter, source)
    if not rows:  # a byte-order mark, blank lines or empty cells only
        raise ExportError(f"{source} is empty: export your connections again from LinkedIn")
    return Table(rows=rows, encoding=encoding, delimiter=delimiter, source=source)


def _sniff(text: str, delimiter: str) -> list[list[str]]:
    """The first rows as `delimiter` splits them; a wrong delimiter may misread quotes, so stop at an error."""
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False):
            if any(cell.strip() for cell in row):
                rows.append(row)
                if len(rows) >= SNIFF_ROWS:
                    break
    except csv.Error:
        pass
    return rows


def _parse(text: str, delimiter: str, source: str) -> list[list[str]]:
    """Every row with something in it. Not `strict`: a stray quote inside a field is kept as a character."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    line = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
            line = reader.line_num + 1
    except csv.Error as error:
        # In practice a quote opened and never closed, which swallowed the rest of the file into one field.
        raise ExportError(
            f"{source} is not valid CSV from line {line} ({error}): look for an unmatched quote there, "
            "or export the file again"
        ) from None
    return rows
