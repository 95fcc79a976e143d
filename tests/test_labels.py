"""The labels worksheet's `picked` column: why each row was asked, kept through old and hand-edited files."""

from __future__ import annotations

from pathlib import Path

import pytest

from relevance.labels import LABEL_COLUMNS, Labels, append_rows, compact, label_row, load_labels
from relevance.records import Connection


def person(i: int) -> Connection:
    return Connection(id=f"id{i}", first_name=f"P{i}", last_name="Test", position="Nurse")


def record_answer(labels: Labels, connection: Connection, answer: bool | None, picked: str = "") -> None:
    """Save one answer now, as the labeller does."""
    append_rows(labels, [label_row(connection, answer, picked)])


def test_picked_round_trips(tmp_path: Path) -> None:
    labels = load_labels(tmp_path / "labels.csv")
    record_answer(labels, person(1), True, "check")
    record_answer(labels, person(2), False)
    again = load_labels(tmp_path / "labels.csv")
    assert again.columns == list(LABEL_COLUMNS)
    assert again.picked == {"id1": "check", "id2": ""} and again.answers == {"id1": True, "id2": False}


def test_an_old_file_without_the_column_still_works_and_gains_it(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("id,label,first_name\nid0,yes,Ann\nid3,,Bo\n", encoding="utf-8")
    labels = load_labels(path)
    assert labels.picked == {"id0": "", "id3": ""} and labels.answers == {"id0": True}
    record_answer(labels, person(3), False)  # nothing to record: the file keeps its columns
    assert path.read_text("utf-8").splitlines()[0] == "id,label,first_name"
    record_answer(labels, person(4), True, "random")
    lines = path.read_text("utf-8-sig").splitlines()
    assert lines[:2] == ["id,label,first_name,picked", "id0,yes,Ann,"]
    assert load_labels(path).picked["id4"] == "random"


def test_a_hand_edited_semicolon_file_keeps_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("label;notes;id;picked\nja;met at a fair;id0;\n;;id1;check\n", encoding="utf-8")
    labels = load_labels(path)
    assert labels.picked == {"id0": "", "id1": "check"}
    record_answer(labels, person(1), False)  # the answer row does not repeat the tag: the queued row keeps it
    compact(labels)
    again = load_labels(path)
    assert again.columns == ["label", "notes", "id", "picked"] and again.delimiter == ";"
    assert again.picked == {"id0": "", "id1": "check"} and again.answers == {"id0": True, "id1": False}
    assert path.read_text("utf-8-sig").splitlines()[1] == "ja;met at a fair;id0;"


def test_a_random_draw_stays_one_whatever_is_recorded_later(tmp_path: Path) -> None:
    # The removal list in `relevance app` records "removed" for a connection the labeller drew as a check: the
    # wrong-removal estimate must still count it as a random draw, before and after compaction.
    labels = load_labels(tmp_path / "labels.csv")
    record_answer(labels, person(1), False, "check")
    record_answer(labels, person(2), False, "uncertain")
    record_answer(labels, person(1), False, "removed")
    record_answer(labels, person(2), True, "kept")
    assert labels.picked == {"id1": "check", "id2": "kept"}
    compact(labels)
    again = load_labels(tmp_path / "labels.csv")
    assert again.picked == {"id1": "check", "id2": "kept"} and again.answers == {"id1": False, "id2": True}


def test_a_friend_kept_anyway_stays_kept_through_compaction(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    rows = [
        {"id": "a", "label": "no", "picked": "check"},
        {"id": "b", "label": "no", "picked": "diverse"},
        {"id": "a", "label": "no", "picked": "spared"},
        {"id": "b", "label": "no", "picked": "spared"},
        {"id": "c", "label": "no", "picked": "spared"},
        {"id": "c", "label": "yes", "picked": "kept"},  # changed: a "yes" now
    ]
    labels = load_labels(path)
    append_rows(labels, rows)
    assert labels.spared == {"a", "b"}
    compact(labels)
    again = load_labels(path)
    assert again.spared == {"a", "b"} and again.picked["a"] == "check"  # a random draw stays one


def test_what_was_done_on_the_removal_list_is_the_latest_answer_given_there(tmp_path: Path) -> None:
    labels = load_labels(tmp_path / "labels.csv")
    record_answer(labels, person(1), False, "uncertain")
    record_answer(labels, person(1), False, "removed")  # a "no" from labelling, then removed on LinkedIn
    record_answer(labels, person(2), False, "removed")
    record_answer(labels, person(2), None, "removed")  # taken back: no answer, so nothing done
    record_answer(labels, person(3), False, "spared")
    record_answer(labels, person(4), False, "removed")
    record_answer(labels, person(4), True, "kept")  # answered over: kept after all
    record_answer(labels, person(5), True, "removed")  # a hand edit that contradicts the action: not done
    again = load_labels(tmp_path / "labels.csv")
    assert again.on_the_list == {"id1": "removed", "id3": "spared", "id4": "kept"}
    assert again.removed == {"id1"} and again.spared == {"id3"}
    compact(again)  # folding the file keeps what was done
    assert load_labels(tmp_path / "labels.csv").on_the_list == {"id1": "removed", "id3": "spared", "id4": "kept"}


def test_a_quote_left_open_is_looked_for_once_at_the_end_whatever_ends_the_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relevance import csv_records

    calls = []
    check = csv_records.left_open
    monkeypatch.setattr(csv_records, "left_open", lambda *a: calls.append(a[1]) or check(*a))
    path = tmp_path / "labels.csv"
    # an old Mac's "CSV (Macintosh)": lines end in a lone CR (the check read the whole file again for each row)
    path.write_bytes(("id,label\r" + "".join(f"u{i},yes\r" for i in range(3000))).encode())
    assert len(load_labels(path).answers) == 3000 and calls == [3001]
    # a lone CR inside a quoted cell, and a line break inside another: valid, not a quote left open
    path.write_text('id,label,note\nx,yes,"a\rb"\ny,no,"l1\n"\nz,no,ok\n', encoding="utf-8", newline="")
    assert load_labels(path).answers == {"x": True, "y": False, "z": False}
