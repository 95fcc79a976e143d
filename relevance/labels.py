"""The labels worksheet: the user's answers, which must never be lost or corrupted.

A labels file is a CSV the user may also edit in a spreadsheet: `id, label, first_name, last_name, company,
position, headline, picked` and any columns they add. `picked` records why the tool asked about a row
(``PICKED``: ``diverse``, ``uncertain``, ``random``, ``check``, ``group``; ``removed`` / ``kept`` / ``spared`` for answers
given while working through the removal list in ``relevance app``; empty = chosen by the person, or unknown): the wrong-removal estimate
trusts only rows drawn at random (``DRAWN_AT_RANDOM``), and a later answer never takes that away. Files without
the column still work. Answers are *appended* (one row, flushed and fsynced, so an
answer is on disk the moment it is given); the last row for an id decides its label, an empty label meaning
"not answered". `compact` folds the appended rows back into one row per id with an atomic rewrite.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from relevance.cells import safe_values, unsafe_cell
from relevance.csv_records import records
from relevance.errors import LabelsError
from relevance.files import read_bytes
from relevance.io import write_csv
from relevance.limits import max_rows, too_many_rows
from relevance.records import Connection
from relevance.tables import decode
from relevance.write_errors import cannot_write

LABEL_COLUMNS: tuple[str, ...] = (
    "id",
    "label",
    "first_name",
    "last_name",
    "company",
    "position",
    "headline",
    "picked",
)
# What a row says about the person when the answer was given: a newer export with another title there sets the
# answer aside (relevance.matching).
ANSWERED_ABOUT = ("company", "position", "headline")
# Why a row was asked about: to cover the network, where the model was unsure, uniformly at random from the
# whole network, uniformly at random from the rows the model would remove (to check that list), or once for a
# title many of its removals share (relevance.groups); or what the
# person did with it on the removal list (`relevance app`): removed it on LinkedIn (no), kept it after all (yes), or
# kept it though not the audience (no: a friend, family), which keeps them off the list.
PICKED: tuple[str, ...] = ("diverse", "uncertain", "random", "check", "group", "removed", "kept", "spared")
SPARED = "spared"
# The answers given on the removal list, by what the person did there (never why a row was asked): removed on
# LinkedIn and kept though not the audience are a "no", kept after all a "yes".
LIST_ANSWERS: dict[str, bool] = {"removed": False, "kept": True, SPARED: False}
ON_THE_LIST = frozenset(LIST_ANSWERS)
# The draws the wrong-removal estimate can trust. A connection drawn at random stays a random draw whatever is
# recorded for it later (a changed answer, "removed" on the removal list): the tag sticks.
DRAWN_AT_RANDOM = frozenset({"random", "check"})

_SAFE = "; every earlier answer is safe"
_OTHER_PATH = "pass another path or let `relevance sample` create it"
# Yes and no as people write them in a spreadsheet: English, the tool's own words, and the languages of the
# networks it is for (German, Polish, Russian, Spanish, French, Czech and Slovak, Ukrainian, Kazakh, Hungarian,
# Romanian and the South Slavic languages, Lithuanian, Turkish).
_YES = frozenset(
    [
        "yes",
        "y",
        "1",
        "true",
        "t",
        "keep",
        "target",
        "audience",
        "ja",
        "tak",
        "да",
        "si",
        "sí",
        "oui",
        "ano",
        "áno",
        "так",
        "иә",
        "ия",
        "igen",
        "da",
        "taip",
        "evet",
    ]
)
_NO = frozenset(
    [
        "no",
        "n",
        "0",
        "false",
        "f",
        "remove",
        "other",
        "not",
        "nein",
        "nie",
        "нет",
        "non",
        "ne",
        "ні",
        "жоқ",
        "nem",
        "nu",
        "hayır",
        "hayir",
    ]
)


def marked_removed(on_the_list: Mapping[str, str]) -> frozenset[str]:
    """The ids marked removed on LinkedIn, of what was done on the removal list (id -> action, ``LIST_ANSWERS``)."""
    return frozenset(i for i, action in on_the_list.items() if action == "removed")


def parse_label(value: str) -> bool | None:
    """True for "in my audience", False for "not", None for unanswered. Raises ValueError if unreadable."""
    folded = value.strip().casefold()
    if not folded:
        return None
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError(value)


def format_label(answer: bool | None) -> str:
    return "" if answer is None else ("yes" if answer else "no")


@dataclass
class Labels:
    """Everything in a labels file, as the user left it."""

    path: Path
    columns: list[str]  # in the file's own order, extra columns included
    rows: list[dict[str, str]]  # every row, in file order
    delimiter: str = ","
    unreadable: list[str] = field(default_factory=list)  # label values that mean neither yes nor no
    encoding: str = "utf-8"  # as read; a spreadsheet may have saved it as Windows-1252
    # Answered ids whose connection has another title in the export now (relevance.matching): id -> (the title
    # answered about, the title now). The answer was about the old job, so it is set aside until given again.
    outdated: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def answers(self) -> dict[str, bool]:
        """id -> the user's answer, for every answered id (the last row for an id decides), but the ``outdated``."""
        return {i: a for i, a in self.latest().items() if a is not None and i not in self.outdated}

    @property
    def queued(self) -> list[str]:
        """Ids in the file without an answer yet, in file order: the ``outdated`` ones too, to be asked again. Not
        a removal-list action taken back (an empty label tagged with it): no one asked about that row."""
        latest = self.latest()
        last = {row["id"]: row.get("picked", "").strip().casefold() for row in self.rows}
        ids = dict.fromkeys(row["id"] for row in self.rows)
        return [i for i in ids if (latest[i] is None and last[i] not in ON_THE_LIST) or i in self.outdated]

    @property
    def picked(self) -> dict[str, str]:
        """id -> why the tool asked about it: the last non-empty ``picked`` for the id, except that a random draw
        stays one (``DRAWN_AT_RANDOM``); "" if never recorded."""
        why: dict[str, str] = {}
        for row in self.rows:
            tag = row.get("picked", "").strip().casefold()
            if (tag or row["id"] not in why) and why.get(row["id"]) not in DRAWN_AT_RANDOM:
                why[row["id"]] = tag
        return why

    @property
    def spared(self) -> frozenset[str]:
        """The ids the person keeps though they are not the audience: their latest answer, a "no", was given as
        ``SPARED`` (a friend kept on the removal list of `relevance app`)."""
        # a friend stays one whatever their job: not ``answers``, which sets answers about another job aside
        return frozenset(i for i, action in self.on_the_list.items() if action == SPARED)

    @property
    def removed(self) -> frozenset[str]:
        """The ids the person marked removed on LinkedIn on the removal list of `relevance app`: done."""
        return marked_removed(self.on_the_list)

    @property
    def on_the_list(self) -> dict[str, str]:
        """id -> what the person did with the row on the removal list (``LIST_ANSWERS``: "removed", "kept",
        ``SPARED``), while that is their latest answer: an action taken back, or answered over since, is not."""
        done: dict[str, str] = {}
        for row in self.rows:
            tag = row.get("picked", "").strip().casefold()
            try:
                answer = parse_label(row.get("label", ""))
            except ValueError:
                answer = None
            if tag in LIST_ANSWERS and answer == LIST_ANSWERS[tag]:
                done[row["id"]] = tag
            else:
                done.pop(row["id"], None)
        return done

    def latest(self) -> dict[str, bool | None]:
        state: dict[str, bool | None] = {}
        for row in self.rows:
            try:
                state[row["id"]] = parse_label(row.get("label", ""))
            except ValueError:
                state[row["id"]] = None
        return state

    def counts(self) -> tuple[int, int]:
        """(yes, no) answers."""
        answers = self.answers.values()
        return sum(answers), sum(not a for a in answers)


def load_labels(path: str | os.PathLike[str]) -> Labels:
    """Read a labels file; a missing file is an empty worksheet. Raises LabelsError if it is not one, or if it is
    over the byte or row limit that exports have too (relevance.limits)."""
    target = Path(path)
    if not target.exists():
        return Labels(path=target, columns=list(LABEL_COLUMNS), rows=[])
    data = read_bytes(target, LabelsError, "pass the path of your labels CSV, e.g. --labels labels.csv")
    if not data.strip():
        return Labels(path=target, columns=list(LABEL_COLUMNS), rows=[])
    text, encoding = decode(data, str(target), LabelsError, f"a labels CSV: {_OTHER_PATH}")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = records(text, delimiter, str(target), LabelsError)
    header = [unsafe_cell(cell.strip().lstrip("\ufeff")) for cell in next(reader, (1, []))[1]]
    folded = [cell.casefold() for cell in header]
    if "id" not in folded or "label" not in folded:
        # Named only when they are our own column names: any other cell may be a person's name or e-mail.
        ours = [cell for cell in folded if cell in LABEL_COLUMNS]
        among = f", among them {', '.join(ours)}" if ours else ", none of them a labels column"
        raise LabelsError(
            f"{target} is not a labels file: it needs columns 'id' and 'label' (its first row has {len(header)} "
            f"cells{among}); {_OTHER_PATH}"
        )
    # Canonical names for the columns we use, whatever case the user's spreadsheet gave them.
    columns = [name if name in LABEL_COLUMNS else original for name, original in zip(folded, header, strict=True)]
    rows: list[dict[str, str]] = []
    unreadable: list[str] = []
    limit = max_rows()  # as for an export: a wrong or hostile file fails fast instead of filling memory
    for count, (_, cells) in enumerate(reader, 1):
        if count > limit:
            raise too_many_rows(str(target), LabelsError, "pass your labels file")
        if not any(cell.strip() for cell in cells):
            continue
        # Cells we wrote come back as they were given (see relevance.cells), not as the neutralised text.
        row = {column: (unsafe_cell(cells[i].strip()) if i < len(cells) else "") for i, column in enumerate(columns)}
        if not row["id"]:
            continue
        try:
            parse_label(row["label"])
        except ValueError:
            unreadable.append(row["label"])
        rows.append(row)
    return Labels(
        path=target, columns=columns, rows=rows, delimiter=delimiter, unreadable=unreadable, encoding=encoding
    )


def label_row(connection: Connection, answer: bool | None = None, picked: str = "") -> dict[str, str]:
    """The worksheet row for a connection: its id, what a person needs to recognise them, and why it was asked."""
    return {
        "id": connection.id,
        "label": format_label(answer),
        "first_name": _one_line(connection.first_name),
        "last_name": _one_line(connection.last_name),
        "company": _one_line(connection.company),
        "position": _one_line(connection.position),
        "headline": _one_line(connection.headline),
        "picked": picked,
    }


def _one_line(text: str) -> str:
    """Line breaks as spaces: a labels file never has a cell over two lines, so one that does is a stray quote."""
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


def append_rows(labels: Labels, rows: Sequence[Mapping[str, str]]) -> None:
    """Append rows to the file, durably: flushed and fsynced before returning.

    If the write fails part-way (a full disk), the file is cut back to its previous length, so it never
    ends in half a row. Updates `labels` in memory too.
    """
    if not rows:
        return
    target = labels.path
    if "picked" not in labels.columns and any(row.get("picked") for row in rows):
        # An older (or hand-made) file without the column: add it at the end, in the rewrite below.
        labels.columns.append("picked")
        new_column = True
    else:
        new_column = False
    if new_column or not target.exists() or target.stat().st_size == 0 or not labels.encoding.startswith("utf-8"):
        # Appending UTF-8 to a Windows-1252 file would mix two encodings in one file, and a new column changes
        # the header: rewrite it (atomically) as UTF-8 instead.
        existing = labels.rows if target.exists() else []
        try:
            write_csv(target, labels.columns, [*existing, *rows], delimiter=labels.delimiter, error=LabelsError)
        except BaseException:
            if new_column:
                labels.columns.remove("picked")
            raise
        labels.rows.extend(dict(row) for row in rows)
        labels.encoding = "utf-8"
        _answered_again(labels, rows)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=labels.delimiter)
    writer.writerows(safe_values(row, labels.columns) for row in rows)
    payload = buffer.getvalue().encode("utf-8")
    try:
        _append(target, payload)
    except OSError as error:
        raise cannot_write(target, error, LabelsError, _SAFE) from None
    labels.rows.extend(dict(row) for row in rows)
    _answered_again(labels, rows)


def _answered_again(labels: Labels, rows: Sequence[Mapping[str, str]]) -> None:
    """Rows on disk now: an answer given again is about the title as it is now, no longer set aside."""
    for row in rows:
        labels.outdated.pop(row["id"], None)


def _append(target: Path, payload: bytes) -> None:
    """Append ``payload`` and fsync it, or leave the file as it was: cut back to its old length on any failure.

    Through the bare file descriptor: a buffered file object flushes its buffer again when truncated or
    closed, so on a full disk the cut-back itself failed and the error hid the message that answers are safe.
    """
    descriptor = os.open(target, os.O_RDWR)
    try:
        size = os.lseek(descriptor, 0, os.SEEK_END)
        if size and os.pread(descriptor, 1, size - 1) not in (b"\n", b"\r"):
            payload = b"\r\n" + payload  # a spreadsheet saved it without a final newline
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        except BaseException:
            # also on Ctrl-C mid-write: never leave half a row behind
            with contextlib.suppress(OSError):  # the error being raised says more than this one would
                os.ftruncate(descriptor, size)
            raise
    finally:
        os.close(descriptor)


def compact(labels: Labels) -> None:
    """Fold appended answers into one row per id, keeping each id's first row, its last label, what its last row
    says the person was (``ANSWERED_ABOUT``) and its ``picked`` (as ``Labels.picked`` reads it: a random draw stays
    one).

    The file means the same before and after: each id's answer, why it was asked, and the ``picked`` of its last
    row, which says whether its latest answer was given on the removal list (``relevance app`` reads "removed" /
    "kept" there). One row cannot say both "drawn at random" and "kept after all", so an id whose last row says
    something other than its folded ``picked`` keeps that last row too, after the folded one.

    An atomic rewrite: the old file stays whole until the new one has replaced it.
    """
    merged: dict[str, dict[str, str]] = {}
    last: dict[str, dict[str, str]] = {}
    for row in labels.rows:
        if row["id"] in merged:
            merged[row["id"]]["label"] = row.get("label", "")
            # and what the person was when last answered: an answer about a title they no longer have is set aside
            merged[row["id"]].update({k: row[k] for k in ANSWERED_ABOUT if k in row})
            kept = merged[row["id"]].get("picked", "").strip().casefold()
            if row.get("picked") and kept not in DRAWN_AT_RANDOM:
                merged[row["id"]]["picked"] = row["picked"]
        else:
            merged[row["id"]] = dict(row)
        last[row["id"]] = row
    rows: list[dict[str, str]] = []
    for key, row in merged.items():
        rows.append(row)
        if _tag(last[key]) != _tag(row):
            rows.append(dict(last[key]))
    if len(rows) == len(labels.rows):
        return
    write_csv(labels.path, labels.columns, rows, delimiter=labels.delimiter, error=LabelsError)
    labels.rows = rows


def _tag(row: Mapping[str, str]) -> str:
    return row.get("picked", "").strip().casefold()
