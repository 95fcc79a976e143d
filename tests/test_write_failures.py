"""Every CSV write that fails (read-only, full, a folder, under a file) is one line naming the path and the fix,
and the labels file keeps every earlier answer."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from relevance.errors import LabelsError, RelevanceError
from relevance.io import write_csv
from relevance.labels import Labels, append_rows, label_row, load_labels
from relevance.records import Connection
from relevance.write_errors import cannot_write

ADA = Connection(id="linkedin.com/in/ada", first_name="Ada", position="CTO")
BEN = Connection(id="linkedin.com/in/ben", first_name="Ben", position="Chef")
as_root = pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")


def record_answer(labels: Labels, connection: Connection, answer: bool | None, picked: str = "") -> None:
    append_rows(labels, [label_row(connection, answer, picked)])


def one_line(error: pytest.ExceptionInfo[RelevanceError]) -> str:
    message = str(error.value)
    assert "\n" not in message and "Errno" not in message
    return message


def test_writing_to_a_folder(tmp_path: Path) -> None:
    with pytest.raises(RelevanceError) as error:
        write_csv(tmp_path, ["id"], [{"id": "x"}])
    assert one_line(error) == f"could not write {tmp_path} (it is a folder): give the path of a file, not a folder"
    assert os.listdir(tmp_path) == []  # no temporary file left behind


def test_writing_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "scored.csv").write_text("x")
    target = tmp_path / "scored.csv" / "out.csv"
    with pytest.raises(RelevanceError) as error:
        write_csv(target, ["id"], [{"id": "x"}])
    assert (
        one_line(error) == f"could not write {target} (part of the path is a file, not a folder): choose another path"
    )


@as_root
def test_writing_into_a_read_only_folder(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(RelevanceError, match=r"\(permission denied\): make it writable, or choose another path"):
            write_csv(tmp_path / "scored.csv", ["id"], [{"id": "x"}])
    finally:
        tmp_path.chmod(0o700)


@pytest.mark.parametrize(
    ("code", "why", "fix"),
    [
        (errno.EACCES, "permission denied", "make it writable, or choose another path"),
        (errno.EROFS, "the disk is read-only", "choose a path on another disk"),
        (errno.ENOSPC, "the disk is full", "free some space and run again"),
        (errno.EIO, os.strerror(errno.EIO), "choose another path"),
    ],
)
def test_each_failure_names_its_fix(code: int, why: str, fix: str) -> None:
    message = str(cannot_write("out.csv", OSError(code, os.strerror(code)), LabelsError, "; answers are safe"))
    assert message == f"could not write out.csv ({why}); answers are safe: {fix}"


def test_labels_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("x")
    labels = load_labels(tmp_path / "notes" / "labels.csv")  # missing: an empty worksheet
    with pytest.raises(LabelsError) as error:
        record_answer(labels, ADA, True)
    assert one_line(error).endswith("labels.csv (part of the path is a file, not a folder): choose another path")


@as_root
def test_a_read_only_labels_file(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    labels = load_labels(path)
    record_answer(labels, ADA, True)
    path.chmod(0o400)
    with pytest.raises(LabelsError, match=r"permission denied\); every earlier answer is safe"):
        record_answer(labels, BEN, False)


def test_a_full_disk_while_appending_keeps_the_file_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "labels.csv"
    labels = load_labels(path)
    record_answer(labels, ADA, True)
    before = path.read_bytes()
    real_write = os.write

    def full(descriptor: int, data: bytes) -> int:
        if descriptor > 2 and real_write(descriptor, bytes(data[:7])):  # part of the row fits, then no more
            monkeypatch.setattr(os, "write", failing)
            return 7
        return real_write(descriptor, data)

    def failing(descriptor: int, data: bytes) -> int:
        if descriptor > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(LabelsError) as error:
        record_answer(labels, BEN, False)
    monkeypatch.undo()
    assert one_line(error) == (
        f"could not write {path} (the disk is full); every earlier answer is safe: free some space and run again"
    )
    assert path.read_bytes() == before  # the half row was cut back off
    assert load_labels(path).answers == {ADA.id: True}
