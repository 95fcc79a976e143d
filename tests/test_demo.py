"""`relevance.cli.demo` runs the whole workflow through the library alone, narrating to a callback.

With the fake embedder for speed: the real model's figures are the CLI's business (`relevance demo`); what
is checked here is that every step ran, wrote its file and told the caller, and that the demo needs no CLI.
"""

from __future__ import annotations

import ast
import csv
import html
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

import relevance.cli.demo
import relevance.embed
from relevance.cli import app
from relevance.cli.demo import DEMO_LABELS, run_demo
from relevance.io import Export
from relevance.progress import Progress
from relevance.training import TrainResult
from tests.fakes import HashEmbedder


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEVANCE_CACHE", "off")
    monkeypatch.setattr(relevance.embed, "load_embedder", lambda name=None: HashEmbedder())


def test_run_demo_writes_every_file_and_narrates_each_step(tmp_path: Path) -> None:
    said: list[str] = []
    shown: list[Export] = []
    trained: list[tuple[TrainResult, Path, Path]] = []
    ticks: list[tuple[str, int, int]] = []

    @contextmanager
    def progress(description: str) -> Iterator[Progress]:
        yield lambda done, total: ticks.append((description, done, total))

    def training_lines(result: TrainResult, model: Path) -> list[str]:
        trained.append((result, model))
        return ["(the training summary)"]

    result = run_demo(tmp_path / "out", said.append, progress, show_export=shown.append, training_lines=training_lines)

    for path in (result.labels, result.model, result.model.with_suffix(".json"), result.scored, result.report):
        assert path.is_file() and path.is_relative_to(tmp_path / "out"), path
    with open(result.labels, encoding="utf-8", newline="") as handle:
        labels = list(csv.DictReader(handle))
    assert len(labels) == DEMO_LABELS and {row["label"] for row in labels} == {"yes", "no"}
    assert all(row["picked"] for row in labels)

    steps = [line.split(" — ")[0].strip() for line in said if " — " in line]
    assert steps == [f"Step {n}" for n in range(1, 7)]
    assert len(shown) == 1 and len(shown[0].connections) == 1950
    assert trained == [(trained[0][0], result.model)]
    assert said.index("(the training summary)") < next(i for i, line in enumerate(said) if "Step 5" in line)
    assert ticks and {description for description, _, _ in ticks} == {"Embedding titles"}
    assert ticks[-1][1] == ticks[-1][2] == 1950
    assert 0 <= result.removals_in_audience <= result.removals
    # The narration and the report say the same numbers, in the same words.
    page = html.unescape(result.report.read_text(encoding="utf-8"))
    removal = next(line for line in said if line.startswith(("Remove ", "No removal list yet")))
    linkedin = next(line for line in said if line.startswith("LinkedIn counts "))
    assert removal in page and linkedin.split(" (")[0] in page
    assert (
        f"{result.removals_in_audience} of the {result.removals} suggested removals are really in the audience."
        in said[-2]
    )


def test_the_cli_prints_the_demo(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    # The export's table is data (stdout), as `relevance inspect` prints it; the narration is talk (stderr).
    assert "Connections         1,950" in result.stdout
    assert "Trained on 150 answers" in result.stderr and "Step 6 — the report" in result.stderr
    assert "Step" not in result.stdout


def test_the_demo_narrates_through_a_callback_and_imports_no_typer_or_rich() -> None:
    # It lives with the CLI (it is an application) but draws nothing itself: `say` and the callbacks do.
    source = ast.parse(Path(relevance.cli.demo.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(source) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(source) if isinstance(node, ast.ImportFrom)}
    assert not {name.split(".")[0] for name in imported} & {"typer", "rich"}


def test_an_out_dir_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("x")
    result = CliRunner().invoke(app, ["demo", "--out-dir", str(tmp_path / "notes")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: could not write {tmp_path / 'notes' / 'labels.csv'} (part of the path is a file, not a folder): "
        "choose another path"
    )
