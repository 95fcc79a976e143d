"""The README tells the truth: its commands exist, and its library example runs as written."""

from __future__ import annotations

import csv
import random
import re
import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relevance.cli import app
from relevance.identity import normalise_url

README = Path(__file__).parent.parent / "README.md"
SAMPLE = Path(str(files("relevance") / "data" / "sample"))


def test_every_command_in_the_readme_exists_and_has_help() -> None:
    commands = set(re.findall(r"^relevance (\w+)", README.read_text(encoding="utf-8"), flags=re.MULTILINE))
    assert {"inspect", "label", "train", "score"} <= commands
    runner = CliRunner()
    for command in commands:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Example:" in result.output, f"`relevance {command} --help` shows no example"


@pytest.mark.slow
def test_the_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    block = re.search(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert block, "the README has no python example"
    shutil.copy(SAMPLE / "Connections.csv", tmp_path / "Connections.csv")
    with open(SAMPLE / "answers.csv", encoding="utf-8", newline="") as handle:
        key = [(normalise_url(row["url"]), row["label"]) for row in csv.DictReader(handle)]
    answered = random.Random(0).sample(key, 150)
    with open(tmp_path / "labels.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "label"])
        writer.writerows(answered)
    monkeypatch.chdir(tmp_path)
    exec(compile(block.group(1), "README.md", "exec"), {})
    with open(tmp_path / "scored.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(key)
    assert {row["suggestion"] for row in rows} <= {"keep", "review", "remove"}


def test_the_cache_is_documented_where_a_person_looks() -> None:
    """It holds vectors of thousands of people's titles: where it is and how to clear it are in the README and
    `relevance --help` (`relevance info` prints its path: tests/test_cli_help.py)."""
    readme = README.read_text(encoding="utf-8")
    assert "RELEVANCE_CACHE" in readme and "relevance cache clear" in readme
    shown = " ".join(CliRunner().invoke(app, ["--help"]).stdout.split())
    assert "RELEVANCE_CACHE" in shown and "relevance cache" in shown


def test_the_readme_file_list_names_every_module() -> None:
    # A newcomer learns the architecture from that list: a module missing from it is a module nobody finds.
    block = re.search(r"## How it is built\n\n```\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert block, "the README has no file list"
    listed = set(re.findall(r"[\w/]+\.py", block.group(1)))
    package = Path(__file__).parent.parent / "relevance"
    top = {p.name for p in package.glob("*.py")} - {"__init__.py", "__main__.py"}
    nested = {p.name for sub in ("app", "cli") for p in (package / sub).glob("*.py")} - {"__init__.py"}
    commands = {name for name in nested if name.endswith("_cmd.py")}  # "one module per command"
    assert (top | nested) - commands - listed == set()
