"""The CLI's own manners: --version, help without type noise in workflow order, the cache folder, wrapped talk."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relevance import __version__
from relevance.cli import app
from relevance.cli.render import TalkConsole

runner = CliRunner()
WORKFLOW = ["app", "inspect", "sample", "label", "train", "score", "report", "demo", "info", "cache"]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"relevance {__version__}\n"


@pytest.mark.parametrize("command", [[], *([c] for c in WORKFLOW)])
def test_help_shows_no_type_noise(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.stdout and "<list[str]>" not in result.stdout
    assert "(Long:" not in result.stdout  # a note for the code's readers, not for the command's


@pytest.mark.parametrize("command", [[], *([c] for c in WORKFLOW), ["cache", "path"], ["cache", "clear"]])
def test_help_fits_80_columns_without_cutting_a_word(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "…" not in result.stdout  # rich cuts a word that does not fit its column ("models/relevance.jobli…")


def test_commands_are_listed_in_workflow_order() -> None:
    text = runner.invoke(app, ["--help"]).stdout
    listed = re.findall(r"^│ (\w+) ", text.split("Commands")[1], flags=re.MULTILINE)
    assert listed == WORKFLOW


def test_the_cache_folder_is_shown_and_cleared_of_its_own_files_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELEVANCE_CACHE", str(tmp_path))
    (tmp_path / "vectors" / "usem3-abc").mkdir(parents=True)
    (tmp_path / "vectors" / "usem3-abc" / "0001.rvc").write_bytes(b"x" * 2048)
    (tmp_path / "neighbours").mkdir()
    (tmp_path / "neighbours" / "f00.npy").write_bytes(b"x" * 1024)
    (tmp_path / "mine.txt").write_text("not the cache's")
    shown = runner.invoke(app, ["cache", "path"])
    assert shown.exit_code == 0 and shown.stdout == f"{tmp_path}\n"
    assert "2 files, 0.0 MB" in shown.stderr
    assert f"cache {tmp_path}" in runner.invoke(app, ["info"]).stdout
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and f"Deleted 2 files (0.0 MB) from {tmp_path}." in cleared.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]
    monkeypatch.setenv("RELEVANCE_CACHE", "off")
    assert "The cache is off" in runner.invoke(app, ["cache", "clear"]).stderr


def test_talk_wraps_at_words_in_a_terminal_and_stays_one_line_in_a_pipe() -> None:
    sentence = "Reaching 1,500 takes 450 removals: the 300 on the removal list leave 150 to find among review."
    terminal = TalkConsole(file=io.StringIO(), force_terminal=True, width=30, color_system=None)
    terminal.print(sentence, markup=False)
    lines = terminal.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert len(lines) > 1 and all(len(line) <= 30 for line in lines)
    assert " ".join(line.strip() for line in lines) == sentence  # broken between words only
    pipe = TalkConsole(file=io.StringIO(), force_terminal=False, width=30)
    pipe.print(sentence, markup=False)
    assert pipe.file.getvalue() == sentence + "\n"  # type: ignore[attr-defined]


def test_make_demo_keeps_pip_quiet() -> None:
    makefile = (Path(__file__).parent.parent / "Makefile").read_text(encoding="utf-8")
    installs = [
        line for line in makefile.splitlines() if "pip install" in line and "-e ." in line and "dev" not in line
    ]
    assert installs and all("--disable-pip-version-check" in line and "2>" in line for line in installs)
