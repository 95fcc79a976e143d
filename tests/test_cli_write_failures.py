"""Every file a command writes, when it cannot be written (a folder, under a file, read-only, a full disk): exit
code 1 and one line naming the path, the problem and the fix; never a traceback, never a file left behind."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import HashEmbedder
from typer.testing import CliRunner

import relevance.embed
from relevance.cli import app

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
YES = ["Head of Sales", "Recruiter", "Marketing Manager", "Sales Director"]
NO = ["Java Developer", "Nurse", "Electrician", "Data Scientist"]
runner = CliRunner()


def invoke(*args: object, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, [str(arg) for arg in args], input=input)
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEVANCE_CACHE", "off")
    monkeypatch.setattr(relevance.embed, "load_embedder", lambda name=None: HashEmbedder())


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """An export, its labels, a model trained on them and the scored CSV: what the commands read."""
    folder = tmp_path_factory.mktemp("made")
    export, labels, model, scored = (folder / name for name in ("C.csv", "labels.csv", "m.npz", "scored.csv"))
    rows, answers = [], ["id,label\n"]
    for i in range(64):
        title = YES[i % 4] if i % 2 else NO[i % 4]
        rows.append(f"Ann,P{i},https://www.linkedin.com/in/p{i},,Firma,{title} {i % 5},01 Mar 2024\n")
        if i < 48:
            answers.append(f"linkedin.com/in/p{i},{'yes' if i % 2 else 'no'}\n")
    export.write_text(HEADER + "".join(rows))
    labels.write_text("".join(answers))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RELEVANCE_CACHE", "off")
        patch.setattr(relevance.embed, "load_embedder", lambda name=None: HashEmbedder())
        assert invoke("train", export, "--labels", labels, "--model", model, "--quiet")[0] == 0
        assert invoke("score", export, "--model", model, "--out", scored, "--quiet")[0] == 0
    yield {"export": export, "labels": labels, "model": model, "scored": scored}


def command(which: str, made: dict[str, Path], target: Path) -> list[object]:
    """The command line writing ``target``; each writes that one file and nothing else."""
    export, labels, model, scored = made["export"], made["labels"], made["model"], made["scored"]
    return {
        "score --out": ["score", export, "--model", model, "--out", target, "--quiet"],
        "score --report": ["score", export, "--model", model, "--out", "-", "--report", target, "--quiet"],
        "report --out": ["report", scored, "--model", model, "--out", target, "--no-map", "--quiet"],
        "train --model": ["train", export, "--labels", labels, "--model", target, "--quiet"],
        "sample --labels": ["sample", export, "--labels", target, "--quiet"],
        "label --labels": ["label", export, "--labels", target],
    }[which]


WRITERS = ["score --out", "score --report", "report --out", "train --model", "sample --labels", "label --labels"]


def fails_in_one_line(args: list[object], target: Path, why: str) -> None:
    code, said = invoke(*args, input="y\n")
    assert code == 1, said
    *before, error = said.rstrip("\n").split("\n")  # before: what `label` showed ahead of the answer
    assert "Error" not in "".join(before)
    assert error.startswith((f"Error: could not write {target} ({why})", f"Error: {target} {why}")), error
    assert error.count(": ") >= 2  # the path, the problem: the fix


@pytest.mark.parametrize("which", WRITERS)
def test_a_folder(made: dict[str, Path], tmp_path: Path, which: str) -> None:
    fails_in_one_line(
        command(which, made, tmp_path), tmp_path, "is a folder" if "labels" in which else "it is a folder"
    )
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("which", WRITERS)
def test_under_a_file(made: dict[str, Path], tmp_path: Path, which: str) -> None:
    (tmp_path / "notes").write_text("x")
    target = tmp_path / "notes" / "out"
    fails_in_one_line(command(which, made, target), target, "part of the path is a file, not a folder")
    assert os.listdir(tmp_path) == ["notes"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
@pytest.mark.parametrize("which", WRITERS)
def test_a_read_only_folder(made: dict[str, Path], tmp_path: Path, which: str) -> None:
    tmp_path.chmod(0o500)
    try:
        fails_in_one_line(command(which, made, tmp_path / "out"), tmp_path / "out", "permission denied")
    finally:
        tmp_path.chmod(0o700)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("which", WRITERS)
def test_a_full_disk(made: dict[str, Path], tmp_path: Path, which: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Where a full disk shows up last: written data is only sure to fit once it is synced.
    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    fails_in_one_line(command(which, made, tmp_path / "out"), tmp_path / "out", "the disk is full")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("which", ["score --out", "score --report", "train --model"])
def test_an_output_that_cannot_be_written_fails_before_any_embedding(
    made: dict[str, Path], tmp_path: Path, which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Embedding a 30,000-row export takes minutes: a path that plainly cannot be written is said first.
    def no_embedding(name: str | None = None) -> HashEmbedder:
        raise AssertionError("embedded before checking where the result goes")

    monkeypatch.setattr(relevance.embed, "load_embedder", no_embedding)
    (tmp_path / "notes").write_text("x")
    target = tmp_path / "notes" / "out"
    fails_in_one_line(command(which, made, target), target, "part of the path is a file, not a folder")
