"""What reaches a terminal: no cell of a file quoted in an error, no escape sequence, and no answer silently lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from relevance import ExportError, read_export
from relevance.errors import LabelsError, RelevanceError
from relevance.labels import label_row, load_labels
from relevance.records import Connection
from relevance.summary import _checks_found, likely_range, limit_text, no_list
from relevance.text import printable

SECRET = "ada.one@example.com"


def test_printable_strips_escape_sequences_and_controls() -> None:
    hostile = "CTO\x1b]0;owned\x07\x1b[2J at\tAcme\r\n\x9b31m\x00\x7f\u202eevil\u202c"
    assert printable(hostile) == "CTO at Acme evil"
    assert printable("Łucja 👩‍💻 Müller") == "Łucja 👩‍💻 Müller"  # the zero-width joiner of an emoji stays


def test_every_relevance_error_is_one_printable_line() -> None:
    assert str(RelevanceError("bad\x1b[31m name\nsecond line")) == "bad name second line"


def test_no_header_message_describes_the_first_row_without_quoting_it(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(f"Ada,One,{SECRET},https://www.linkedin.com/in/ada\nBen,Two,b@example.com,x\n")
    with pytest.raises(ExportError) as error:
        read_export(path)
    message = str(error.value)
    assert SECRET not in message and "Ada" not in message and "linkedin.com/in" not in message
    assert "its first row has 4 cells, none of them a column name relevance knows" in message


def test_a_damaged_workbook_message_does_not_quote_its_cells(tmp_path: Path) -> None:
    # openpyxl says "could not convert string to float: '<the cell>'" for text in a cell typed as a number.
    from test_hostile_input import rewrite_member, workbook_bytes

    data = workbook_bytes([["First Name", "Last Name", "Email Address"], ["Ada", "One", SECRET]])
    path = tmp_path / "Connections.xlsx"
    path.write_bytes(
        rewrite_member(
            data,
            "xl/worksheets/sheet1.xml",
            lambda xml: re.sub(rb'<c r="C2"[^>]*>.*?</c>', f'<c r="C2" t="n"><v>{SECRET}</v></c>'.encode(), xml),
        )
    )
    with pytest.raises(ExportError) as error:
        read_export(path)
    assert str(error.value) == (
        f"{path} could not be read as an Excel workbook (ValueError while parsing it): save it as CSV"
    )


def test_not_a_labels_file_names_only_our_own_columns(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(f"Ada,{SECRET},label\nBen,b@example.com,yes\n")
    with pytest.raises(LabelsError) as error:
        load_labels(path)
    message = str(error.value)
    assert SECRET not in message and "Ada" not in message
    assert "(its first row has 3 cells, among them label)" in message


def test_a_stray_quote_in_labels_is_reported_by_line_not_swallowed(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    rows = [f"u{i},yes,Name{i},,Acme,CTO,,random" for i in range(10)]
    rows[3] = 'u3,yes,"Name3,,Acme,CTO,,random'  # a quote typed at the start of a cell
    path.write_text("id,label,first_name,last_name,company,position,headline,picked\n" + "\n".join(rows) + "\n")
    with pytest.raises(LabelsError) as error:
        load_labels(path)
    message = str(error.value)
    assert message.startswith(f'{path} line 5: a quote (") there opens a cell that runs over 7 lines')
    assert "Name" not in message and "Acme" not in message


def test_a_title_with_a_line_break_is_written_on_one_line() -> None:
    person = Connection(id="u1", position="CTO\nAcme, Inc", headline="a\r\nb")
    row = label_row(person)
    assert (row["position"], row["headline"]) == ("CTO Acme, Inc", "a b")


def test_a_quoted_cell_with_a_comma_is_still_fine(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text('id,label,position\nu1,yes,"Head of Talent, EMEA"\nu2,no,"Chef ""de cuisine"""\n')
    assert load_labels(path).answers == {"u1": True, "u2": False}


def test_off_a_terminal_a_long_step_prints_a_line_of_progress_now_and_then(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from relevance.cli import render

    clock = iter([0.0, 10.0, 31.0, 45.0, 62.0, 300.0])
    monkeypatch.setattr(render.time, "monotonic", lambda: next(clock))
    with render.progress_bar("Embedding titles") as tick:  # pytest's stderr is not a terminal
        for done in (1_000, 4_000, 5_000, 6_000, 13_834):
            tick(done, 13_834)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "Embedding titles: 4,000 of 13,834 (29%), about 76 s left",
        "Embedding titles: 6,000 of 13,834 (43%), about 81 s left",
    ]


def test_the_checks_sentence_counts_in_words_that_agree() -> None:
    """ "1 of them are your audience" was what `relevance train` printed for one "yes" among 19 checks."""
    assert _checks_found(19, 1, 0.09).endswith(
        "fall in the removal list's range (score ≤ 0.090); 1 of them is your audience"
    )
    assert _checks_found(19, 3, 0.09).endswith("3 of them are your audience")
    assert _checks_found(19, 0, 0.09).endswith("none of them is your audience")
    assert _checks_found(1, 0, 0.09).endswith(
        "falls in the removal list's range (score ≤ 0.090); it is not your audience"
    )
    assert _checks_found(1, 1, 0.09).endswith("it is your audience")


def test_a_limit_is_said_as_set_and_a_low_one_is_named_when_no_count_of_answers_would_do() -> None:
    assert [limit_text(x) for x in (0.03, 0.005, 0.025, 0.1)] == ["3%", "0.5%", "2.5%", "10%"]
    # a first-time user's 0.1%: "at most 0%", then "Label more" and nothing else
    low = no_list(0.001, None)
    assert "at most 0.1% of them" in low and "or raise your limit (the default is 3%)." in low
    assert "raise your limit" not in no_list(0.03, None) and "raise your limit" not in no_list(0.001, 40)


def test_a_likely_range_past_the_limit_says_how_sure_the_list_is_to_keep_it() -> None:
    # A first-time user read "likely 15–70" of 1,686 beside "your limit 3%" (4.2%) as a broken promise.
    assert likely_range(15, 70, 1686, 0.03, 0.85) == "likely 15–70; your limit 3%, 51 people, holds with 85% confidence"
    assert likely_range(15, 45, 1686, 0.03, 0.85) == "likely 15–45; your limit 3%"  # within it: nothing to explain
    assert likely_range(0, 2, 20, 0.03, 0.85) == "likely 0–2; your limit 3%, 1 person, holds with 85% confidence"
    assert likely_range(15, 70, 1686, 0.03, None) == "likely 15–70; your limit 3%"  # no card, no confidence to name
