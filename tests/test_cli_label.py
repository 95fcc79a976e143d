"""`relevance sample` and `relevance label` end to end: piped answers, real keypresses in a pseudo-terminal,
a SIGKILL mid-session, hand-edited labels files, bulk clusters. The embedder is a fast fake (tests/fakes.py);
subprocesses run the real CLI through tests/fake_cli.py."""

from __future__ import annotations

import csv
import os
import pty
import re
import select
import signal
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from fakes import as_from_a_terminal, embed_without_a_model
from typer.testing import CliRunner

from relevance.cli import app
from relevance.labels import load_labels

FAKE_CLI = Path(__file__).parent / "fake_cli.py"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
TITLES = ["Head of Sales", "Recruiter", "Marketing Manager", "Nurse", "Teacher", "Accountant", "Pilot", "Chef"]
JAVA = ["Java Developer", "Senior Java Developer", "Java Backend Developer"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def write_export(path: Path, titles: Sequence[str], count: int) -> Path:
    lines = [HEADER] + [
        f"Ann{i},Test,https://www.linkedin.com/in/ann-test-{i},,Acme,{titles[(i * 7) % len(titles)]},01 Mar 2024"
        for i in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "Connections.csv", TITLES, 80)


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    embed_without_a_model(monkeypatch)


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], input=input)
    return result.exit_code, result.output


def test_sample_creates_the_file_then_adds_the_next_batch(export: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    code, output = run("sample", export, "--labels", labels, "-n", "6")
    assert code == 0, output
    assert "Added 6 connections" in output and "(6 spread over the network)" in output
    # the summary says why the rows were picked, as the file's picked column does (auto mixes several reasons)
    code, output = run("sample", export, "--labels", labels, "-n", "6", "--strategy", "random")
    assert code == 0 and "Added 6 connections" in output and "(6 at random)" in output
    queued = load_labels(labels).queued
    assert len(queued) == len(set(queued)) == 12


def test_sample_says_which_rows_reading_the_file_skipped_or_mended(export: Path, tmp_path: Path) -> None:
    lines = export.read_text(encoding="utf-8").splitlines()
    lines += [
        lines[5],
        lines[6].replace("01 Mar 2024", "31 Foo 2024"),
        "Bo,Kim,https://www.linkedin.com/in/bo,Baz,CTO,01 Mar 2024",
    ]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = run("sample", export, "--labels", tmp_path / "labels.csv", "-n", "6")
    assert code == 0, output
    assert (
        f"In {export}: 2 rows skipped: a profile listed again (its first row is read); 1 row with more or fewer "
        "cells than the header (an unquoted comma, a cell left out); 1 row whose date could not be read: no date. "
        "`relevance inspect` describes the file." in " ".join(output.split())
    )
    code, output = run("sample", write_export(tmp_path / "clean.csv", TITLES, 40), "--labels", tmp_path / "l2.csv")
    assert code == 0 and "clean.csv:" not in output and "skipped" not in output


def test_sample_rejects_an_unknown_strategy(export: Path, tmp_path: Path) -> None:
    code, output = run("sample", export, "--labels", tmp_path / "l.csv", "--strategy", "clever")
    assert code == 2 and "clever" in output


def test_label_reads_one_answer_per_line_and_quits_at_end_of_input(export: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    code, output = run("label", export, "--labels", labels, input="y\nn\n\nx\ns\nn\ny\n")
    assert code == 0, output
    answers = load_labels(labels).answers
    assert sorted(answers.values()) == [False, False, True, True]
    assert "Keys: y audience" in output  # "x" is not a key
    assert len(labels.read_text().splitlines()) == 1 + 4  # compacted at the clean exit


def test_piped_keys_on_one_line_are_answers_each_and_whole_words_are_their_key(export: Path, tmp_path: Path) -> None:
    # `printf 'nnyq' | relevance label ...` saved one answer and dropped the rest without a word
    labels = tmp_path / "labels.csv"
    code, output = run("label", export, "--labels", labels, input="nny")
    assert code == 0, output
    assert sorted(load_labels(labels).answers.values()) == [False, False, True]
    code, output = run("label", export, "--labels", labels, input="yes no\nskip\nquit\ny\n")
    assert code == 0, output
    assert sorted(load_labels(labels).answers.values()) == [False, False, False, True, True]
    # a word that is not all keys means nothing: "maybe" is not m, a, y (a yes), b, e
    code, output = run("label", export, "--labels", labels, input="maybe\nq\n")
    assert code == 0, output
    assert len(load_labels(labels).answers) == 5
    # a yes or no in the person's language is that answer, never the Cyrillic layout's keys ("ні" is not н y, і s)
    code, output = run("label", export, "--labels", labels, input="ні\nда\nnie\nq\n")
    assert code == 0, output
    assert list(load_labels(labels).answers.values())[5:] == [False, True, False]


def test_undo_takes_the_answer_back_on_disk(export: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    code, _ = run("label", export, "--labels", labels, input="y\nn\nu\nq\n")
    assert code == 0
    assert sorted(load_labels(labels).answers.values()) == [True]


def test_resuming_never_asks_again(export: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    run("label", export, "--labels", labels, input="y\nn\ny\nn\nq\n")
    first = set(load_labels(labels).answers)
    run("label", export, "--labels", labels, input="y\nn\ny\nn\nq\n")
    both = load_labels(labels).answers
    assert len(both) == 8 and first < set(both)


def test_a_hand_edited_semicolon_file_is_read_and_kept(export: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "label;My notes;id;position\r\n"
        "ja;met at a fair;linkedin.com/in/ann-test-0;Head of Sales\r\n"
        ";;linkedin.com/in/ann-test-3;Nurse\r\n",
        encoding="utf-8",
    )
    code, output = run("label", export, "--labels", labels, input="n\nq\n")
    assert code == 0, output
    assert output.split("answered")[1].split("\n")[1] == "Ann3 Test"  # the queued row is asked first
    lines = labels.read_text(encoding="utf-8-sig").splitlines()
    assert lines[:2] == ["label;My notes;id;position", "ja;met at a fair;linkedin.com/in/ann-test-0;Head of Sales"]
    assert load_labels(labels).answers == {"linkedin.com/in/ann-test-0": True, "linkedin.com/in/ann-test-3": False}


def test_clusters_label_a_whole_cluster_with_one_key(tmp_path: Path) -> None:
    export = write_export(tmp_path / "Connections.csv", JAVA * 6 + TITLES, 150)
    labels = tmp_path / "labels.csv"
    code, output = run("label", export, "--labels", labels, "--clusters", input="n\nq\n")
    assert code == 0, output
    assert "Java Developer" in output.split("A cluster of")[1]
    answers = load_labels(labels).answers
    assert len(answers) >= 50 and not any(answers.values())


# --- subprocesses: a real terminal and a real kill ------------------------------------------------------------


class Terminal:
    """The labeller running in a pseudo-terminal, as a person would use it."""

    def __init__(self, *args: str | Path, cwd: Path) -> None:
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "RELEVANCE_CACHE": "off", "BROWSER": "true"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the CLI, with the pty as its terminal
            os.chdir(cwd)
            as_from_a_terminal()
            os.execve(sys.executable, [sys.executable, str(FAKE_CLI), *map(str, args)], env)
        self.seen = ""

    def expect(self, text: str, timeout: float = 60) -> None:
        """Wait until the terminal shows `text` (in output after the last match)."""
        deadline = time.monotonic() + timeout
        buffer = ""
        while text not in ANSI.sub("", buffer):
            ready, _, _ = select.select([self.fd], [], [], max(0, deadline - time.monotonic()))
            if not ready:
                raise AssertionError(f"timed out waiting for {text!r}; screen:\n{self.seen + buffer}")
            try:
                chunk = os.read(self.fd, 4096).decode(errors="replace")
            except OSError:  # the child has exited
                raise AssertionError(f"exited before showing {text!r}; screen:\n{self.seen + buffer}") from None
            buffer += chunk
        self.seen += buffer

    def press(self, key: str) -> None:
        os.write(self.fd, key.encode())

    def wait(self) -> int:
        with_output = ""
        try:
            while chunk := os.read(self.fd, 4096):
                with_output += chunk.decode(errors="replace")
        except OSError:
            pass
        self.seen += with_output
        return os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


@pytest.mark.slow
def test_single_keys_in_a_terminal_without_enter(export: Path, tmp_path: Path) -> None:
    session = Terminal("label", export, "--labels", "labels.csv", cwd=tmp_path)
    session.expect("0 answered")
    session.press("y")
    session.expect("1 answered (1 yes · 0 no)")
    session.press("n")
    session.expect("2 answered (1 yes · 1 no)")
    session.press("u")
    session.expect("1 answered (1 yes · 0 no)")
    session.press("o")  # opening the profile (BROWSER=true) changes nothing
    session.press("s")
    session.expect("1 skipped")
    session.press("q")
    assert session.wait() == 0
    assert list(load_labels(tmp_path / "labels.csv").answers.values()) == [True]


def test_keys_typed_in_a_cyrillic_layout_are_the_keys_in_their_place(export: Path, tmp_path: Path) -> None:
    session = Terminal("label", export, "--labels", "labels.csv", cwd=tmp_path)
    session.expect("0 answered")
    session.press("н")  # y
    session.expect("1 answered (1 yes · 0 no)")
    session.press("т")  # n
    session.expect("2 answered (1 yes · 1 no)")
    session.press("г")  # u
    session.expect("1 answered (1 yes · 0 no)")
    session.press("ы")  # s
    session.expect("1 skipped")
    session.press("й")  # q
    assert session.wait() == 0
    assert list(load_labels(tmp_path / "labels.csv").answers.values()) == [True]


@pytest.mark.slow
def test_ctrl_c_keeps_the_answers_and_restores_the_terminal(export: Path, tmp_path: Path) -> None:
    session = Terminal("label", export, "--labels", "labels.csv", cwd=tmp_path)
    session.expect("0 answered")
    assert not termios.tcgetattr(session.fd)[3] & termios.ICANON  # single keys: line editing is off
    session.press("n")
    session.expect("1 answered")
    session.press("\x03")
    session.expect("Interrupted")
    assert termios.tcgetattr(session.fd)[3] & termios.ICANON  # and back on after Ctrl-C
    assert session.wait() == 130
    assert list(load_labels(tmp_path / "labels.csv").answers.values()) == [False]


@pytest.mark.slow
def test_sigkill_mid_session_loses_no_answer(export: Path, tmp_path: Path) -> None:
    session = Terminal("label", export, "--labels", "labels.csv", cwd=tmp_path)
    session.expect("0 answered")
    keys = "ynyynnyn"
    for done, key in enumerate(keys, start=1):
        session.press(key)
        session.expect(f"{done} answered")
    os.kill(session.pid, signal.SIGKILL)
    assert session.wait() == -signal.SIGKILL
    labels = load_labels(tmp_path / "labels.csv")
    assert [labels.answers[i] for i in labels.answers] == [k == "y" for k in keys]
    with (tmp_path / "labels.csv").open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + len(keys) and all(len(row) == len(rows[0]) for row in rows)
    # and the next session resumes: nothing answered is asked again
    again = Terminal("label", export, "--labels", "labels.csv", cwd=tmp_path)
    again.expect(f"{len(keys)} answered")
    again.press("q")
    assert again.wait() == 0


@pytest.mark.slow
def test_piped_answers_to_the_real_command(export: Path, tmp_path: Path) -> None:
    import subprocess

    env = {**os.environ, "RELEVANCE_CACHE": "off"}
    command = [sys.executable, str(FAKE_CLI), "label", str(export), "--labels", "labels.csv"]
    done = subprocess.run(command, input="y\nn\nq\n", text=True, capture_output=True, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert sorted(load_labels(tmp_path / "labels.csv").answers.values()) == [False, True]
    assert done.stdout == ""  # talk goes to stderr


@pytest.mark.slow
def test_sample_with_the_real_default_model(tmp_path: Path) -> None:
    """End to end with the real embedder on the bundled sample network (no fake anywhere)."""
    import subprocess
    from importlib.resources import files

    sample_export = Path(str(files("relevance") / "data" / "sample" / "Connections.csv"))
    env = {**os.environ, "RELEVANCE_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "relevance", "sample", str(sample_export), "--labels", "labels.csv", "-n", "15"]
    done = subprocess.run(command, text=True, capture_output=True, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())  # the console wraps long lines
    assert "Added 15 connections" in said and "(15 spread over the network)" in said
    labels = load_labels(tmp_path / "labels.csv")
    assert len(labels.queued) == 15 and all(row["position"] or row["headline"] for row in labels.rows)


def test_open_without_a_browser_prints_the_profile(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    code, output = run("label", export, "--labels", tmp_path / "labels.csv", input="o\nq\n")
    assert code == 0, output
    assert "No browser to open it here; the profile is https://www.linkedin.com/in/ann-test-" in output


def test_the_next_hint_quotes_paths_with_spaces(tmp_path: Path) -> None:
    export = write_export(tmp_path / "Connections (1).csv", TITLES, 20)
    labels = tmp_path / "my labels.csv"
    code, output = run("label", export, "--labels", labels, input="q\n")
    assert code == 0, output
    assert f"Next: relevance train '{export}' --labels '{labels}'" in output


@pytest.mark.parametrize("mode", [[], ["--clusters"]])
def test_a_hostile_title_reaches_the_terminal_as_plain_text(tmp_path: Path, mode: list[str]) -> None:
    # \x1b]0;…\x07 would retitle the terminal window and \x1b[2J clear it; [bold] would be rich markup.
    hostile = "\x1b]0;x\x07\x1b[2J[bold]x[/bold] CTO\u202e"
    export = tmp_path / "Connections.csv"
    rows = [f'Ann{i},[red]T\x1b[31m,,,Acme\x1b[2J,"{hostile} {i}",01 Mar 2024' for i in range(6)]
    export.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    code, output = run("label", export, "--labels", tmp_path / "labels.csv", *mode, input="q\n")
    assert code == 0, output
    assert re.search(r"\[bold\]x\[/bold\] CTO \d", output)  # as typed, not as markup
    assert bool(re.search(r"Ann\d \[red\]T\n", output)) is not bool(mode)  # a cluster shows titles, not names
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", output), repr(output)


def test_label_after_an_excel_round_trip_carries_the_answers_over(data: Path, tmp_path: Path) -> None:
    """The same network saved through Excel (Last Name gone, `;`): every id changed, no answer is lost."""
    labels = tmp_path / "labels.csv"
    labels.write_bytes((data / "spanish_2021_labels.csv").read_bytes())
    code, output = run("label", data / "spanish_2021_excel.csv", "--labels", labels, input="q\n")
    assert code == 0, output
    assert (
        f"10 of 11 answers in {labels} matched this export (8 by name and connection day, 2 by name, company and "
        "position, as its ids differ); 1 did not (kept in the file, not used)." in output
    )
    assert "10 answered (5 yes · 5 no) · 1 not asked yet" in output  # only the one still waiting is asked
    assert "Formadora de equipos comerciales" in output


def test_label_refuses_another_networks_labels_file(data: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_bytes((data / "spanish_2021_labels.csv").read_bytes())
    code, output = run("label", data / "linkedin_2021.csv", "--labels", labels, input="y\n")
    assert code == 1
    assert output == (
        f"Error: none of the 12 connections in {labels} is in linkedin_2021.csv: the labels file belongs to another "
        "network — pass this export's labels file with --labels, or a new file name to start one\n"
    )
    assert labels.read_bytes() == (data / "spanish_2021_labels.csv").read_bytes()  # nothing appended


def test_sample_refuses_another_networks_labels_file(data: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_bytes((data / "spanish_2021_labels.csv").read_bytes())
    code, output = run("sample", data / "linkedin_2021.csv", "--labels", labels, "-n", "2")
    assert code == 1 and "the labels file belongs to another network" in output
    assert labels.read_bytes() == (data / "spanish_2021_labels.csv").read_bytes()


def test_a_session_that_ends_with_no_list_in_sight_says_so(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the answers stop improving the model and a training would make no list, the last line does not send
    the person to train as if there were one."""
    import relevance.labeller
    from relevance.training import Outlook

    monkeypatch.setattr(relevance.labeller, "flattened", lambda *_, **__: True)
    monkeypatch.setattr(relevance.labeller, "removal_outlook", lambda *_, **__: Outlook(0, more_answers=50))
    labels = tmp_path / "labels.csv"
    code, output = run("label", export, "--labels", labels, input="y\nn\ny\nn\nq\n")
    assert code == 0, output
    text = " ".join(output.split())
    assert "A training now would not yet name anyone to remove" in text and "about 50 more answers" in text
    assert f"Label more, then: relevance train {export} --labels {labels}" in text and "Next:" not in text


def test_the_sample_summary_counts_each_kind_in_words_that_agree() -> None:
    from relevance.cli.label_cmd import PICKED_WORDS, _counted

    assert _counted(PICKED_WORDS["check"], 1).startswith("check drawn at random")
    assert _counted(PICKED_WORDS["check"], 3).startswith("checks drawn at random")
    assert _counted(PICKED_WORDS["random"], 1) == "at random"
