"""Which answers in a labels file are which connections of an export: matched by every identity the two share.

A labels file keeps one id per answer (``relevance.identity``): the profile URL, or without one a hash of name and
connection day. The same network saved through a spreadsheet may lose its URL or Last Name column, and every id
changes with it. So an answer is matched to a connection by the first identity they share, surest first:

1. the profile URL (also when a person typed it into the file in another spelling);
2. the same id: name and connection day, as the export was when the answer was given;
3. name and connection day with a part of the name gone: the answer's own name, hashed with the connection's day,
   gives the answer's id back, so the day is checked without being stored;
4. name, company and position.

A name matches when one holds every word of the other ("Jane" and "Jane Doe"). Each step pairs only what is
unambiguous both ways (one answer, one connection): two people with the same name and job stay apart, unmatched,
rather than swapped. A matched connection takes the answer's id, so everything downstream (sampling, the labeller,
training, scoring) keeps comparing ids, and the labels file is never rewritten under other ids.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from relevance.errors import LabelsError
from relevance.identity import NO_URL, connection_id, fold, normalise_url
from relevance.io import Export
from relevance.labels import Labels

# How an answer was matched, surest first (the module docstring's steps).
BY_URL = "profile URL"
BY_ID = "id"
BY_NAME_DAY = "name and connection day"
BY_NAME_JOB = "name, company and position"
STEPS = (BY_URL, BY_ID, BY_NAME_DAY, BY_NAME_JOB)


@dataclass(frozen=True)
class _Entry:
    """What a labels file says about one id: enough to recognise the person, nothing more."""

    id: str
    names: frozenset[str]
    first_name: str
    last_name: str
    job: tuple[str, str]  # (company, position), folded


@dataclass(frozen=True)
class LabelMatch:
    """A labels file matched to an export."""

    export: Export  # the export, each matched connection under its id in the labels file
    entries: int  # ids in the labels file, answered or waiting for an answer
    answers: int  # of them, answered
    matched: dict[str, str] = field(default_factory=dict)  # labels id -> how it was matched (``STEPS``)
    answered: frozenset[str] = frozenset()  # the answered ids

    @property
    def matched_answers(self) -> int:
        return sum(i in self.matched for i in self.answered)

    @property
    def unmatched_answers(self) -> int:
        return self.answers - self.matched_answers

    @property
    def by(self) -> dict[str, int]:
        """How many answers each step matched, for the steps that matched any."""
        counts = {step: 0 for step in STEPS}
        for i in self.answered:
            if i in self.matched:
                counts[self.matched[i]] += 1
        return {step: n for step, n in counts.items() if n}

    @property
    def none_match(self) -> bool:
        """The file has ids, and not one of them is a connection of the export: another network's file."""
        return bool(self.entries) and not self.matched

    def sentence(self, labels: str) -> str | None:
        """How many answers carried over to this export, or None when every answer matched by its id or URL."""
        loose = {step: n for step, n in self.by.items() if step not in (BY_URL, BY_ID)}
        if not self.answers or (not loose and not self.unmatched_answers):
            return None
        text = f"{self.matched_answers:,} of {self.answers:,} answers in {labels} matched this export"
        if loose:
            text += " (" + ", ".join(f"{n:,} by {step}" for step, n in loose.items()) + ", as its ids differ)"
        if self.unmatched_answers:
            text += f"; {self.unmatched_answers:,} did not (kept in the file, not used)"
        return text + "."


def match_labels(export: Export, labels: Labels) -> LabelMatch:
    """Match the ids of a labels file to the connections of an export (see the module docstring)."""
    entries = _entries(labels.rows)
    answered = frozenset(labels.answers)
    matched: dict[str, tuple[int, str]] = {}  # labels id -> (row in the export, step)
    taken: set[int] = set()
    connections = export.connections
    names = [_names(c.first_name, c.last_name) for c in connections]

    def pair(step: str, candidates: Callable[[_Entry], Iterable[int]]) -> None:
        found: dict[str, set[int]] = {}
        for entry in entries.values():
            if entry.id not in matched:
                rows = {row for row in candidates(entry) if row not in taken}
                if rows:
                    found[entry.id] = rows
        claims: dict[int, int] = defaultdict(int)
        for rows in found.values():
            for row in rows:
                claims[row] += 1
        for label_id, rows in found.items():
            if len(rows) == 1 and claims[row := next(iter(rows))] == 1:
                matched[label_id] = (row, step)
                taken.add(row)

    by_url = _index((normalise_url(c.url), i) for i, c in enumerate(connections) if c.url)
    by_id = _index((c.id, i) for i, c in enumerate(connections))
    by_word = _index((word, i) for i, words in enumerate(names) for word in words)
    by_job = _index((_job(c.company, c.position), i) for i, c in enumerate(connections) if c.position)

    def same_name(entry: _Entry, row: int) -> bool:
        return bool(entry.names and names[row]) and (entry.names <= names[row] or names[row] <= entry.names)

    def named(entry: _Entry) -> list[int]:
        return [row for word in entry.names for row in by_word.get(word, ())]

    def name_and_day(entry: _Entry) -> Iterable[int]:
        if not entry.id.startswith(NO_URL):
            return ()
        hashed = entry.id.split("#", 1)[0]  # a twin's rank depends on the rows beside it
        return {
            row
            for row in named(entry)
            if same_name(entry, row)
            and connection_id("", entry.first_name, entry.last_name, connections[row].connected_on) == hashed
        }

    pair(BY_URL, lambda entry: by_url.get(normalise_url(entry.id), ()) if not entry.id.startswith(NO_URL) else ())
    pair(BY_ID, lambda entry: by_id.get(entry.id, ()))
    pair(BY_NAME_DAY, name_and_day)
    pair(BY_NAME_JOB, lambda entry: [row for row in by_job.get(entry.job, ()) if same_name(entry, row)])
    return LabelMatch(
        export=_renamed(export, {row: label_id for label_id, (row, _) in matched.items()}),
        entries=len(entries),
        answers=len(answered),
        matched={label_id: step for label_id, (_, step) in matched.items()},
        answered=answered,
    )


def require_same_network(match: LabelMatch, labels: str, export: str) -> None:
    """Refuse a labels file none of whose ids is in the export: answering into it would mix two networks."""
    if match.none_match:
        raise LabelsError(
            f"none of the {match.entries:,} connections in {labels} is in {export}: the labels file belongs to "
            "another network — pass this export's labels file with --labels, or a new file name to start one"
        )


def _renamed(export: Export, ids: Mapping[int, str]) -> Export:
    """The export with connections renamed to their answers' ids; a name another connection holds is left as is."""
    if all(export.connections[row].id == label_id for row, label_id in ids.items()):
        return export
    held = {c.id for row, c in enumerate(export.connections) if row not in ids}
    connections = [
        replace(c, id=ids[row]) if row in ids and ids[row] not in held else c
        for row, c in enumerate(export.connections)
    ]
    return replace(export, connections=connections)


def _entries(rows: Sequence[Mapping[str, str]]) -> dict[str, _Entry]:
    """One entry per id: from its first row that names someone (a hand-made file may have only id and label)."""
    found: dict[str, _Entry] = {}
    for row in rows:
        first, last = row.get("first_name", ""), row.get("last_name", "")
        names = _names(first, last)
        if row["id"] not in found or (names and not found[row["id"]].names):
            job = _job(row.get("company", ""), row.get("position", ""))
            found[row["id"]] = _Entry(row["id"], names, first, last, job)
    return found


def _index(pairs: Iterable[tuple[object, int]]) -> dict[object, list[int]]:
    index: dict[object, list[int]] = defaultdict(list)
    for key, row in pairs:
        index[key].append(row)
    return index


def _names(first: str, last: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", fold(f"{first} {last}")))


def _job(company: str, position: str) -> tuple[str, str]:
    return " ".join(fold(company).split()), " ".join(fold(position).split())
