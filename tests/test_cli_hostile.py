"""Hostile or broken input through the CLI: exit code 1, one line on stderr, no traceback, nothing personal."""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from fakes import embed_without_a_model
from typer.testing import CliRunner

from relevance.cli import app
from relevance.labels import load_labels

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
ROW = "Ada,One,https://www.linkedin.com/in/ada-one,,Acme,CTO,04 Jan 2023\n"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    embed_without_a_model(monkeypatch)


def fails(*args: object) -> str:
    """Run a command that must fail cleanly; its one-line error message."""
    result = runner.invoke(app, [str(arg) for arg in args])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    message = result.stderr.rstrip()  # nothing before the error, not even an empty line
    assert message.startswith("Error: ") and "\n" not in message and "\x1b" not in message, message
    return message


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "Connections.csv"
    path.write_text(HEADER + ROW)
    return path


def test_fifo_and_device(tmp_path: Path) -> None:
    fifo = tmp_path / "Connections.csv"
    os.mkfifo(fifo)
    assert "is not a regular file (a pipe, socket or device)" in fails("inspect", fifo)
    assert "is not a regular file (a pipe, socket or device)" in fails("report", fifo, "--no-map")
    assert "/dev/zero is not a regular file" in fails("inspect", "/dev/zero")


def test_damaged_utf16(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes((HEADER + ROW).encode("utf-16") + b"\x00")
    assert "is UTF-16 text but damaged" in fails("inspect", path)


def test_too_big(export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEVANCE_MAX_BYTES", "10")
    assert "set RELEVANCE_MAX_BYTES to a larger number of bytes" in fails("inspect", export)


def test_labels_over_the_row_limit(export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("id,label\n" + "u1,yes\n" * 30)
    monkeypatch.setenv("RELEVANCE_MAX_ROWS", "20")
    assert fails("sample", export, "--labels", labels, "--quiet").endswith(
        "labels.csv has more than 20 rows (LinkedIn allows 30,000 connections): pass your labels file, "
        "or set RELEVANCE_MAX_ROWS to a larger number to read it anyway"
    )


def test_workbook_without_sheets(tmp_path: Path) -> None:
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(
                name, re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data) if name == "xl/workbook.xml" else data
            )
    path = tmp_path / "Connections.xlsx"
    path.write_bytes(out.getvalue())
    assert "is an Excel workbook without a worksheet" in fails("inspect", path)


def test_escape_sequences_in_a_zip_member_name_do_not_reach_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("\x1b]0;owned\x07\x1b[2J/Connections.csv", "Name;Age\nAda;3\n")
    assert "/Connections.csv has no recognisable header" in fails("inspect", path)


def test_formulas_in_an_export_are_inert_in_labels_csv_and_read_back(tmp_path: Path) -> None:
    # The reader strips cells, so " =1+4" and "\t=1+2" reach the writer as live formulas: it must quote them.
    titles = ['" =1+4"', '"\t=1+2"', '"=HYPERLINK(""http://x"",""click"")"', "@SUM(A1:A9)", "+1", "-1"]
    export, labels = tmp_path / "Connections.csv", tmp_path / "labels.csv"
    export.write_text(HEADER + "".join(f"Ann,B{i},,,Acme,{title},01 Mar 2024\n" for i, title in enumerate(titles)))
    result = runner.invoke(app, ["sample", str(export), "--labels", str(labels), "-n", "6", "--quiet"])
    assert result.exit_code == 0, result.output
    with open(labels, encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [
        cell for cell in cells if cell.lstrip().startswith(("=", "+", "-", "@")) or cell.startswith(("\t", "\r"))
    ]
    assert sorted(row["position"] for row in load_labels(labels).rows) == sorted(
        ["=1+4", "=1+2", '=HYPERLINK("http://x","click")', "@SUM(A1:A9)", "+1", "-1"]
    )


def test_labels_path_is_a_folder(export: Path, tmp_path: Path) -> None:
    assert fails("sample", export, "--labels", tmp_path, "--quiet") == (
        f"Error: {tmp_path} is a folder: pass the path of your labels CSV, e.g. --labels labels.csv"
    )


def test_labels_path_under_a_file(export: Path, tmp_path: Path) -> None:
    target = export / "labels.csv"
    assert fails("sample", export, "--labels", target, "--quiet") == (
        f"Error: could not write {target} (part of the path is a file, not a folder): choose another path"
    )


def test_stray_quote_in_labels(export: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text('id,label,position\nu1,yes,"CTO\nu2,no,Chef\nu3,yes,Nurse\n')
    assert fails("sample", export, "--labels", labels, "--quiet").endswith(
        'labels.csv line 2: a quote (") there opens a cell that runs over 3 lines and takes in the rows below it: '
        "delete that quote, or close it, and run again"
    )
    # on the last line, the quote takes in no row below: the csv module would end the cell at the file's end
    for end in ("", "\n", "\r\n"):
        labels.write_text(f'id,label,position\nu1,yes,Nurse\n"u2,no,Chef{end}')
        assert fails("sample", export, "--labels", labels, "--quiet").endswith(
            'labels.csv line 3: a quote (") there opens a cell that is never closed: delete that quote, or close it, '
            "and run again"
        )
    labels.write_text('id,label,position\nu1,yes,"Head of Sales, EMEA"\nu2,no,"Chef, ""the best"""\n')
    assert load_labels(labels).answers == {"u1": True, "u2": False}  # closed quotes, doubled quotes: fine
    labels.write_text('id,label,position\nu1,yes,Nurse\nu2,no,"Chef" de cuisine\nu3,no,5" screen fitter')
    assert load_labels(labels).answers == {"u1": True, "u2": False, "u3": False}  # quirks read leniently, as before


def test_a_file_with_nobody_in_it_is_refused_by_every_command_that_needs_people(tmp_path: Path) -> None:
    header_only, ghosts, model = tmp_path / "header.csv", tmp_path / "ghosts.csv", tmp_path / "model.npz"
    header_only.write_text(HEADER)
    ghosts.write_text(HEADER + ",,,,,,04 Jan 2023\n" * 3)
    for command in (["sample"], ["train"], ["score", "--model", model], ["app", "--no-browser"]):
        assert "has no connections, only a header; export again" in fails(*command, header_only)
        message = fails(*command, ghosts)
        assert "has no connections to score: its 3 rows are all members LinkedIn hides" in message


def test_an_export_without_any_title_column_says_which_column_it_needs(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("First Name,Last Name,URL\n" + "Ada,One,https://www.linkedin.com/in/ada-one\n" * 3)
    message = fails("sample", path)
    assert "has no Position or headline column (its columns: First Name, Last Name, URL)" in message
    assert "Ada" not in message and "ada-one" not in message  # nothing personal


def test_score_and_report_never_write_over_a_file_they_read(export: Path, tmp_path: Path) -> None:
    before = export.read_bytes()
    model = tmp_path / "model.npz"
    assert "will not write" in fails("score", export, "--model", model, "--out", export)
    assert "it is your export, which this command reads" in fails(
        "score", export, "--model", model, "--out", tmp_path / "scored.csv", "--report", export
    )
    assert "it is the scored CSV, which this command reads" in fails("report", export, "--no-map", "--out", export)
    assert "it is your export" in fails("train", export, "--labels", tmp_path / "l.csv", "--model", export)
    assert export.read_bytes() == before


def test_inspect_still_describes_a_file_nobody_can_be_scored_from_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(HEADER)
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 1  # described, and a script that goes on to `sample` stops here
    assert isinstance(result.exception, SystemExit)
    assert "Cannot be scored    has no connections, only a header; export again" in result.stdout


def test_inspect_of_a_scorable_file_has_no_such_line(export: Path) -> None:
    assert "Cannot be scored" not in runner.invoke(app, ["inspect", str(export)]).stdout
