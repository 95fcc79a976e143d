"""`relevance inspect` and the failures a user can run into: one line on stderr, exit 1, never a traceback."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relevance.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def fails(*args: str) -> str:
    """Run a command that must fail cleanly; its one-line error message."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n" not in message, message
    assert result.stdout == ""
    return message


def test_inspect_reports_what_was_read() -> None:
    result = runner.invoke(app, ["inspect", str(DATA / "ghost_rows.csv")])
    assert result.exit_code == 0, result.output
    lines = dict(line.split("  ", 1) for line in result.stdout.splitlines())
    report = {label.strip(): value.strip() for label, value in lines.items()}
    assert report["Format"] == "LinkedIn connections export"
    assert report["Encoding"] == "utf-8, delimiter ','"
    assert report["Rows read"] == "5"
    assert report["Connections"] == "3"
    assert report["Usable for scoring"] == "2"
    assert report["Ghost rows"].startswith("2 ")
    assert report["Connected"] == "04 Jan 2023 – 08 Jan 2023"
    assert result.stderr == ""


def test_inspect_shows_duplicates_and_bad_dates() -> None:
    result = runner.invoke(app, ["inspect", str(DATA / "url_variants.csv")])
    assert result.exit_code == 0
    assert "Duplicates          2 (e.g. linkedin.com/in/oldřich-x, linkedin.com/in/jane-doe-1a2b3c)" in result.stdout
    result = runner.invoke(app, ["inspect", str(DATA / "dates_mixed.csv")])
    assert "Unreadable dates    1" in result.stdout


def test_a_profile_in_the_file_three_times_is_one_example(tmp_path: Path) -> None:
    row = "Jane,Doe,https://www.linkedin.com/in/jane-doe-1a2b3c{},,Acme,Head of Talent,04 Jan 2023\n"
    export = tmp_path / "Connections.csv"
    export.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        + row.format("")
        + row.format("/")
        + row.format("")
        + "Karel,Novak,https://www.linkedin.com/in/karel-novak,,Acme,Sales,05 Jan 2023\n"
    )
    result = runner.invoke(app, ["inspect", str(export)])
    assert result.exit_code == 0, result.output
    assert "Duplicates          2 (e.g. linkedin.com/in/jane-doe-1a2b3c)\n" in result.stdout


def test_missing_file(tmp_path: Path) -> None:
    message = fails("inspect", str(tmp_path / "Connections.csv"))
    assert (
        message
        == f"Error: {tmp_path / 'Connections.csv'} does not exist: pass the Connections.csv from your LinkedIn data export"
    )


def test_a_folder(tmp_path: Path) -> None:
    assert fails("inspect", str(tmp_path)) == f"Error: {tmp_path} is a folder: pass the Connections.csv file inside it"


@pytest.mark.parametrize("name", ["empty.csv", "blank_lines.csv", "bom_and_commas_only.csv"])
def test_empty_file(name: str) -> None:
    assert fails("inspect", str(DATA / name)).endswith("is empty: export your connections again from LinkedIn")


def test_binary_file(tmp_path: Path) -> None:
    noise = bytearray(random.Random(7).randbytes(3000))
    noise[100] = 0
    (tmp_path / "Connections.csv").write_bytes(bytes(noise))
    assert "is a binary file, not a CSV export" in fails("inspect", str(tmp_path / "Connections.csv"))
    assert "is a binary file" in fails("inspect", str(DATA / "binary.dat"))


def test_a_stray_nul_byte_is_left_out_not_taken_for_a_binary_file(tmp_path: Path) -> None:
    export = tmp_path / "Connections.csv"
    export.write_bytes(
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Jane,Doe,https://www.linkedin.com/in/jane,,Acme,Head of\x00 Talent,04 Jan 2023\n"
        b"Karel,Novak,https://www.linkedin.com/in/karel,,Acme,Sales,05 Jan 2023\n"
    )
    result = runner.invoke(app, ["inspect", str(export)])
    assert result.exit_code == 0, result.output
    assert "Encoding            utf-8, 1 NUL byte left out, delimiter ','" in result.stdout
    assert "Connections         2" in result.stdout


def test_no_recognisable_header_describes_what_was_found_and_expected() -> None:
    message = fails("inspect", str(DATA / "no_header.csv"))
    assert "no_header.csv has no recognisable header" in message
    # Described, never quoted: a first row may hold names, e-mails or profile URLs (issue 15).
    assert "its first row has 3 cells, of which relevance knows only Name, Location;" in message
    assert "expected columns such as First Name, Last Name, URL, Company, Position, Connected On" in message


def test_another_linkedin_file_is_not_taken_for_connections(tmp_path: Path) -> None:
    path = tmp_path / "Invitations.csv"
    path.write_text("From,To,Sent At,Message,Direction\nAda One,Ben Two,1/2/24,,OUTGOING\n")
    assert "has no recognisable header: its first row has 5 cells, none of them a column name relevance knows" in fails(
        "inspect", str(path)
    )


def test_json_file() -> None:
    assert "not_an_export.json is a JSON file: relevance reads CSV or Excel exports" in fails(
        "inspect", str(DATA / "not_an_export.json")
    )


def test_old_xls() -> None:
    assert fails("inspect", str(DATA / "old_excel.xls")).endswith(
        "is an old-style Excel .xls file: save it as .xlsx or CSV and try again"
    )


def test_zip_without_connections(tmp_path: Path) -> None:
    archive = tmp_path / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("Profile.csv", "First Name,Last Name\nAda,One\n")
    assert "is a zip archive without a Connections.csv: unzip your LinkedIn export" in fails("inspect", str(archive))


def test_unmatched_quote(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    row = "Bob,Roe,https://www.linkedin.com/in/bob,,X,Y,05 Jan 2023\n"
    path.write_text(
        'First Name,Last Name,URL,Email Address,Company,Position,Connected On\nJ,D,,,"Acme,CEO\n' + row * 3000
    )
    assert "is not valid CSV from line 2" in fails("inspect", str(path))


def test_sample_on_a_missing_file_fails_cleanly() -> None:
    # `sample` is being built: whether it says so or reads the export first, the user gets one clean line.
    message = fails("sample", "x.csv")
    assert "not available in this version yet" in message or message.startswith("Error: x.csv does not exist")


COMMANDS = [["app"], ["inspect"], ["sample"], ["label"], ["train"], ["score"], ["report"], ["demo"], ["info"]]


@pytest.mark.parametrize("command", [[], *COMMANDS, ["cache"], ["cache", "path"], ["cache", "clear"]])
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())  # rich wraps help to the terminal's width
    assert "Usage: " in text
    # Each command's own help ends with an example; the list of commands gives one line each, and says where to start.
    if command:
        assert "Example: relevance" in text
    else:
        assert "Example:" not in text and "Start with: relevance app Connections.csv" in text


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "Usage: " in result.output and "inspect" in result.output


def test_inspect_shows_no_escape_sequence_from_the_file(tmp_path: Path) -> None:
    # A duplicate is shown by its id, the profile URL as typed: ESC ] 0 ; … BEL would retitle the terminal.
    row = "Ann,B,https://www.linkedin.com/in/a\x1b]0;x\x07\x1b[2J,,Acme,CTO,01 Mar 2024\n"
    export = tmp_path / "Connections.csv"
    export.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + row * 2)
    result = runner.invoke(app, ["inspect", str(export)])
    assert result.exit_code == 0, result.output
    assert "Duplicates          1 (e.g. linkedin.com/in/a" in result.stdout
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", result.stdout), repr(result.stdout)


def test_inspect_counts_rows_without_a_title_as_score_does(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ada,One,https://www.linkedin.com/in/ada-one,,Acme,CTO,04 Jan 2023\n"
        "Bo,Two,https://www.linkedin.com/in/bo-two,,Acme,,04 Jan 2023\n"  # a company alone is not scored
    )
    result = runner.invoke(app, ["inspect", str(path)])
    lines = dict(line.split("  ", 1) for line in result.stdout.splitlines())
    report = {label.strip(): value.strip() for label, value in lines.items()}
    assert report["Usable for scoring"] == "1"
    assert report["Without a title"].startswith("1 (no position or headline")
