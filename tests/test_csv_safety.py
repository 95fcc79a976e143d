"""No cell of a CSV we write is a live formula in a spreadsheet, and our own files read back unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from relevance.cells import safe_cell, unsafe_cell
from relevance.io import write_csv
from relevance.labels import append_rows, compact, label_row, load_labels
from relevance.records import Connection

HOSTILE = [
    '=HYPERLINK("http://x","click")',
    "@SUM(A1:A9)",
    "+1+2",
    "-1+2",
    "\t=1+2",
    "\r=1+2",
    " =1+4",
    "\n=1",
    "'=x",
    "''@y",
    "' =z",
    "-",
]
PLAIN = ["", "Head of Talent", "C++ developer", "a=b", "it's", "'quoted'", "O'Neil", "1-2", "0.5"]


def _live(cell: str) -> bool:
    """What a spreadsheet might evaluate: a formula start, also after whitespace it trims."""
    return cell.startswith(("=", "+", "-", "@", "\t", "\r")) or cell.lstrip().startswith(("=", "+", "-", "@"))


@pytest.mark.parametrize("text", HOSTILE + PLAIN)
def test_safe_cell_round_trips_and_is_never_live(text: str) -> None:
    assert not _live(safe_cell(text))
    assert unsafe_cell(safe_cell(text)) == text


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_left_alone(text: str) -> None:
    assert safe_cell(text) == text == unsafe_cell(text)


def test_write_csv_neutralises_text_but_not_numbers(tmp_path: Path) -> None:
    out = tmp_path / "scored.csv"
    rows = [{"position": text, "score": -0.5, "n": 3} for text in HOSTILE]
    write_csv(out, ["=header", "position", "score", "n"], rows)
    # A byte-order mark: Excel, double-clicked, reads the file as UTF-8 ("Zieliński", not "ZieliĹ„ski").
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(out, newline="", encoding="utf-8-sig") as handle:
        cells = list(csv.reader(handle))
    assert cells[0][0] == "'=header"
    assert all(not _live(cell) for row in cells for cell in row[:2])
    assert [row[1] for row in cells[1:]] == [safe_cell(text) for text in HOSTILE]
    assert {row[2] for row in cells[1:]} == {"-0.5"}  # a number, never a formula


def test_labels_file_keeps_hostile_titles_inert_and_reads_them_back(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    labels = load_labels(path)
    people = [Connection(id=f"u{i}", first_name="=cmd", position=text) for i, text in enumerate(HOSTILE)]
    append_rows(labels, [label_row(person, True) for person in people[:3]])  # creates the file: rewrite path
    append_rows(labels, [label_row(person, False) for person in people[3:]])  # appends to it
    append_rows(labels, [label_row(people[0], False)])
    assert path.read_bytes().count(b"\xef\xbb\xbf") == 1  # at the start only, however many appends
    with open(path, newline="", encoding="utf-8-sig") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not any(_live(cell) for cell in cells)
    written = [label_row(person)["position"] for person in people]  # line breaks became spaces
    again = load_labels(path)
    assert [row["position"] for row in again.rows[: len(HOSTILE)]] == written
    assert {row["first_name"] for row in again.rows} == {"=cmd"}
    compact(again)
    assert [row["position"] for row in load_labels(path).rows] == written
