"""Files that are wrong, damaged or built to hurt: each ends in one clear RelevanceError, fast, never a traceback."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest

from relevance import ExportError, read_export
from relevance.errors import LabelsError, RelevanceError
from relevance.labels import load_labels

DATA = Path(__file__).parent / "data"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
ROW = "Ada,One,https://www.linkedin.com/in/ada-one,,Acme,CTO,04 Jan 2023\n"


def one_line(error: pytest.ExceptionInfo[RelevanceError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def workbook_bytes(rows: list[list[object]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_member(data: bytes, name: str, change: object) -> bytes:
    """A copy of the zip ``data`` whose member ``name`` went through ``change`` (bytes -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == name else content)  # type: ignore[operator]
    return out.getvalue()


# --- Not a file at all -----------------------------------------------------------------------------------------------


def test_a_fifo_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "Connections.csv"
    os.mkfifo(fifo)
    with pytest.raises(ExportError) as error:
        read_export(fifo)
    assert "is not a regular file (a pipe, socket or device)" in one_line(error)
    with pytest.raises(LabelsError, match="is not a regular file"):
        load_labels(fifo)


def test_a_device_is_refused_instead_of_read_forever() -> None:
    with pytest.raises(ExportError, match=r"/dev/zero is not a regular file"):
        read_export("/dev/zero")


def test_a_labels_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(LabelsError) as error:
        load_labels(tmp_path)
    assert one_line(error) == f"{tmp_path} is a folder: pass the path of your labels CSV, e.g. --labels labels.csv"


# --- Too big -------------------------------------------------------------------------------------------------------


def test_a_file_over_the_byte_limit_names_the_limit_and_the_way_past_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(HEADER + ROW * 100)
    monkeypatch.setenv("RELEVANCE_MAX_BYTES", "2000")
    with pytest.raises(ExportError) as error:
        read_export(path)
    assert one_line(error) == (
        f"{path} is larger than 2,000 bytes (a LinkedIn export of 30,000 connections is about 4 MB): pass the "
        "right file, or set RELEVANCE_MAX_BYTES to a larger number of bytes to read it anyway"
    )
    monkeypatch.setenv("RELEVANCE_MAX_BYTES", "20000")
    assert len(read_export(path).connections) == 1


def test_a_bad_limit_setting_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEVANCE_MAX_BYTES", "lots")
    with pytest.raises(RelevanceError, match="RELEVANCE_MAX_BYTES must be a whole number above 0"):
        read_export(DATA / "linkedin_current.csv")


def test_a_zip_member_that_would_inflate_past_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("Connections.csv", HEADER + ROW + "\n" * 1_000_000)  # 1 MB of newlines: ~1 KB zipped
    monkeypatch.setenv("RELEVANCE_MAX_BYTES", "100000")
    with pytest.raises(ExportError, match=r"\(once unzipped\) is larger than 100,000 bytes"):
        read_export(archive)


def test_a_million_rows_are_refused_within_the_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(HEADER + ROW * 50)
    monkeypatch.setenv("RELEVANCE_MAX_ROWS", "20")
    with pytest.raises(ExportError) as error:
        read_export(path)
    assert "has more than 20 rows (LinkedIn allows 30,000 connections)" in one_line(error)
    assert "RELEVANCE_MAX_ROWS" in str(error.value)


def test_a_labels_file_has_the_row_and_byte_limits_of_an_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("id,label\n" + "".join(f"u{i},yes\n" for i in range(50)))
    monkeypatch.setenv("RELEVANCE_MAX_ROWS", "20")
    with pytest.raises(LabelsError) as error:
        load_labels(path)
    assert one_line(error) == (
        f"{path} has more than 20 rows (LinkedIn allows 30,000 connections): pass your labels file, "
        "or set RELEVANCE_MAX_ROWS to a larger number to read it anyway"
    )
    monkeypatch.setenv("RELEVANCE_MAX_ROWS", "50")
    assert len(load_labels(path).rows) == 50
    monkeypatch.setenv("RELEVANCE_MAX_BYTES", "100")
    with pytest.raises(LabelsError, match=r"is larger than 100 bytes .*set RELEVANCE_MAX_BYTES to a larger number"):
        load_labels(path)


def test_a_workbook_declaring_the_whole_sheet_does_not_hang(tmp_path: Path) -> None:
    data = workbook_bytes([HEADER.strip().split(","), ROW.strip().split(",")])

    def bomb(sheet: bytes) -> bytes:
        sheet = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', sheet)
        far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return sheet.replace(b"</sheetData>", far + b"</sheetData>")

    path = tmp_path / "Connections.xlsx"
    path.write_bytes(rewrite_member(data, "xl/worksheets/sheet1.xml", bomb))
    assert path.stat().st_size < 8000
    started = time.monotonic()
    with pytest.raises(ExportError, match="has more than 100,000 rows"):
        read_export(path)
    assert time.monotonic() - started < 10


def test_a_workbook_with_far_columns_reads_the_first_ones(tmp_path: Path) -> None:
    header, row = HEADER.strip().split(","), ROW.strip().split(",")
    path = tmp_path / "Connections.xlsx"
    path.write_bytes(workbook_bytes([[*header, *[None] * 500, "far"], [*row, *[None] * 500, "away"]]))
    (ada,) = read_export(path).connections
    assert (ada.first_name, ada.position, ada.extra) == ("Ada", "CTO", {})


# --- Damaged -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ((HEADER + ROW).encode("utf-16") + b"\x00", "UTF-16 text but damaged (truncated data"),
        (HEADER.encode("utf-16") + "\ud800".encode("utf-16-le", "surrogatepass"), "UTF-16 text but damaged"),
        ((HEADER + ROW).encode("utf-32")[:-1], "UTF-32 text but damaged"),
    ],
)
def test_damaged_unicode_is_one_line(tmp_path: Path, data: bytes, problem: str) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes(data)
    with pytest.raises(ExportError) as error:
        read_export(path)
    assert problem in one_line(error)
    assert "save it as CSV UTF-8" in str(error.value)


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be", "utf-16"])
def test_utf32_and_utf16_with_a_bom_are_read_right(tmp_path: Path, codec: str) -> None:
    text = HEADER + ROW.replace("Ada", "Łucja")
    bom = {"utf-32-be": b"\x00\x00\xfe\xff"}.get(codec, b"")
    path = tmp_path / "Connections.csv"
    path.write_bytes(bom + text.encode(codec))
    (person,) = read_export(path).connections
    assert (person.first_name, person.position) == ("Łucja", "CTO")
    labels = tmp_path / "labels.csv"
    labels.write_bytes(bom + "id,label\nu1,yes\n".encode(codec))
    assert load_labels(labels).answers == {"u1": True}


def test_a_damaged_zip_member_is_one_line(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("Connections.csv", HEADER + ROW * 200)
    data = bytearray(buffer.getvalue())
    start = data.index(b"Connections.csv") + len("Connections.csv")  # the deflate stream follows the local header
    data[start + 10 : start + 40] = b"\xff" * 30
    path = tmp_path / "Basic_LinkedInDataExport.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(ExportError) as error:
        read_export(path)
    assert "Connections.csv cannot be extracted" in one_line(error)


def test_a_workbook_without_worksheets(tmp_path: Path) -> None:
    data = workbook_bytes([["x"]])
    path = tmp_path / "Connections.xlsx"
    path.write_bytes(
        rewrite_member(data, "xl/workbook.xml", lambda xml: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", xml))
    )
    with pytest.raises(ExportError) as error:
        read_export(path)
    assert "is an Excel workbook without a worksheet: save your connections as CSV" in one_line(error)


def test_a_damaged_worksheet_is_one_line(tmp_path: Path) -> None:
    data = workbook_bytes([HEADER.strip().split(","), ROW.strip().split(",")])
    path = tmp_path / "Connections.xlsx"
    path.write_bytes(rewrite_member(data, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2]))
    with pytest.raises(ExportError) as error:
        read_export(path)
    assert "could not be read as an Excel workbook" in one_line(error)


def test_one_long_cell_is_named_as_such_not_as_a_quote(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(HEADER + ROW + "Ben,Two,,,Acme," + "x" * 200_000 + ",05 Jan 2023\n" + ROW)
    with pytest.raises(ExportError) as error:
        read_export(path)
    assert one_line(error) == (
        f"{path} has a cell longer than 128 KiB on line 3: no connection has that much text; "
        "shorten or delete that cell, or export the file again"
    )
