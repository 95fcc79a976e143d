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

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from relevance.errors import LabelsError
from relevance.identity import NO_URL, connection_id, fold, normalise_url
from relevance.io import Export
from relevance.labels import SPARED, Labels
from relevance.records import Connection, lost_letters

# How an answer was matched, surest first (the module docstring's steps).
BY_URL = "profile URL"
BY_ID = "id"
BY_NAME_DAY = "name and connection day"
BY_NAME_JOB = "name, company and position"
STEPS = (BY_URL, BY_ID, BY_NAME_DAY, BY_NAME_JOB)
# Answers about a title the person no longer has are set aside, unless more than this share of the answers are:
# then the titles are written another way (a spreadsheet, another tool's export), not new jobs.
OUTDATED_SHARE = 0.5
# ... a share read from this many answers compared at least (fewer: each is judged on its own).
OUTDATED_FROM = 10
# A "?" on its own, not inside a word: an emoji or symbol a code page could not write.
_LOST_SYMBOL = re.compile(r"(?<!\w)\?+(?!\w)")
# How many of them a sentence names.
OUTDATED_SHOWN = 3


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
    # answered ids whose connection has another title now: id -> (the title answered about, the title now)
    outdated: dict[str, tuple[str, str]] = field(default_factory=dict)

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

    def outdated_sentence(self, labels: str, ask: str) -> str | None:
        """Which answers were about a title the person no longer has, or None. ``ask``: how they are asked again."""
        if not self.outdated:
            return None
        n = len(self.outdated)
        shown = "; ".join(f"'{then}' → '{now}'" for then, now in list(self.outdated.values())[:OUTDATED_SHOWN])
        more = f"; and {n - OUTDATED_SHOWN:,} more" if n > OUTDATED_SHOWN else ""
        return (
            f"{n:,} of your answers in {labels} {'was' if n == 1 else 'were'} about a job the person no longer has "
            f"({shown}{more}): set aside until you answer again ({ask} asks them first)."
        )


def match_labels(export: Export, labels: Labels) -> LabelMatch:
    """Match the ids of a labels file to the connections of an export (see the module docstring), and set aside on
    ``labels`` (``Labels.outdated``) the answers about a job the person no longer has in it."""
    entries = _entries(labels.rows)
    answered = frozenset(labels.answers)
    candidates = _Candidates(export.connections, _twins(entries.keys(), export.connections))
    matched: dict[str, tuple[int, str]] = {}  # labels id -> (row in the export, step)
    for step in STEPS:
        waiting = [entry for entry in entries.values() if entry.id not in matched]
        if not waiting:
            break
        taken = {row for row, _ in matched.values()}
        found = {entry.id: candidates.of(step, entry) - taken for entry in waiting}
        found = {label_id: rows for label_id, rows in found.items() if rows}
        claims = Counter(row for rows in found.values() for row in rows)
        for label_id, rows in found.items():
            if len(rows) == 1 and claims[row := next(iter(rows))] == 1:  # one answer, one connection
                matched[label_id] = (row, step)
    renamed = _renamed(export, {row: label_id for label_id, (row, _) in matched.items()})
    outdated = _outdated(labels, {label_id: renamed.connections[row] for label_id, (row, _) in matched.items()})
    labels.outdated = outdated
    return LabelMatch(
        export=renamed,
        entries=len(entries),
        answers=len(answered),
        matched={label_id: step for label_id, (_, step) in matched.items()},
        answered=answered,
        outdated=outdated,
    )


def _outdated(labels: Labels, matched: Mapping[str, Connection]) -> dict[str, tuple[str, str]]:
    """The answered ids whose connection's title is not the one the answer was given about (a newer export, after
    a change of job): id -> (then, now); nothing is outdated when most answers would be, which is another way of
    writing the titles rather than new jobs. A friend kept anyway (``SPARED``) stays one, whatever their job."""
    then: dict[str, Mapping[str, str]] = {}
    for row in labels.rows:  # the row of each id's latest answer
        if row["id"] in matched and row.get("label", "").strip():
            then[row["id"]] = row
    answers = labels.latest()
    found: dict[str, tuple[str, str]] = {}
    compared = 0
    for label_id, given in then.items():
        if answers.get(label_id) is None or given.get("picked", "").strip().casefold() == SPARED:
            continue
        change = job_change(given, matched[label_id])
        if change is not None:
            compared += 1
            if change[0]:
                found[label_id] = change[1:]
    return found if len(found) <= OUTDATED_SHARE * compared or compared < OUTDATED_FROM else {}


def job_change(given: Mapping[str, str], connection: Connection) -> tuple[bool, str, str] | None:
    """Whether the title a labels row was answered about is another job than the connection's now: (changed, then,
    now), or None when the two cannot be compared. Compared as the model reads titles (without the employer,
    emoji and spacing: ``embed.clean_text``, ``without_employer``), field by field, headline with headline and
    position with position, so answers given on a tool's export (headlines) still hold on LinkedIn's own; not
    where either lost letters to "?" (a file saved in a code page without them), and a "?" that stands for one
    letter or emoji on one side matches it on the other."""
    from relevance.embed import clean_text, without_employer  # the model's reading; embed imports much

    for column, now in (("headline", connection.headline), ("position", connection.position)):
        old = given.get(column, "")
        if old.strip() and now.strip():
            if lost_letters(old) or lost_letters(now):
                return None
            read_then = clean_text(without_employer(old, given.get("company", "")))
            read_now = clean_text(without_employer(now, connection.company))
            changed = not _same_reading(read_then, read_now)
            return changed, " ".join(old.split()), " ".join(now.split())
    return None


def _same_reading(a: str, b: str) -> bool:
    """Equal when folded, a "?" on either side standing for one letter of the other (a "?" on its own, for an
    emoji or symbol the other side has, or lost with the emoji it was)."""
    a, b = (" ".join(_LOST_SYMBOL.sub(" ", fold(text)).split()) for text in (a, b))
    if a == b:
        return True
    for marked, other in ((a, b), (b, a)):
        if "?" in marked:
            pattern = "".join(".{1,2}" if ch == "?" else re.escape(ch) for ch in marked)
            if re.fullmatch(pattern, other):
                return True
    return False


class _Candidates:
    """The rows of an export an entry may be, by each step; each index built when a step first needs it (most
    files match by id, and a 30,000-row export need not be indexed by name)."""

    def __init__(self, connections: Sequence[Connection], twins: Collection[str] = ()) -> None:
        self.connections = connections
        self.twins = twins  # ``_twins``

    def of(self, step: str, entry: _Entry) -> set[int]:
        if step == BY_URL:
            return set(self.by_url.get(normalise_url(entry.id), ())) if not entry.id.startswith(NO_URL) else set()
        if step == BY_ID:
            rows = set(self.by_id.get(entry.id, ()))
            if entry.id.split("#", 1)[0] in self.twins:
                # A twin's number follows the jobs beside it: the same id is the same person only in the same job.
                rows = {
                    row
                    for row in rows
                    if _job(self.connections[row].company, self.connections[row].position) == entry.job
                }
            return rows
        if step == BY_NAME_DAY:
            return self._name_and_day(entry)
        rows = {row for word in entry.names for row in self.by_job_word.get((entry.job, word), ())}
        return {row for row in rows if self._same_name(entry, row)}

    def _name_and_day(self, entry: _Entry) -> set[int]:
        """Rows with a matching name whose day, hashed with the entry's own name, gives the entry's id back."""
        if not entry.id.startswith(NO_URL):
            return set()
        hashed = entry.id.split("#", 1)[0]  # a twin's rank depends on the rows beside it
        rows = {row for word in entry.names for row in self.by_word.get(word, ()) if self._same_name(entry, row)}
        days = {self.connections[row].connected_on for row in rows}
        same = {day for day in days if connection_id("", entry.first_name, entry.last_name, day) == hashed}
        return {row for row in rows if self.connections[row].connected_on in same}

    def _same_name(self, entry: _Entry, row: int) -> bool:
        """One name holds every word of the other: "Jane" (Last Name column dropped) is "Jane Doe"."""
        theirs = self.names[row]
        return bool(entry.names and theirs) and (entry.names <= theirs or theirs <= entry.names)

    @cached_property
    def names(self) -> list[frozenset[str]]:
        return [_names(c.first_name, c.last_name) for c in self.connections]

    @cached_property
    def by_url(self) -> dict[object, list[int]]:
        return _index((normalise_url(c.url), i) for i, c in enumerate(self.connections) if c.url)

    @cached_property
    def by_id(self) -> dict[object, list[int]]:
        return _index((c.id, i) for i, c in enumerate(self.connections))

    @cached_property
    def by_word(self) -> dict[object, list[int]]:
        return _index((word, i) for i, words in enumerate(self.names) for word in words)

    @cached_property
    def by_job_word(self) -> dict[object, list[int]]:
        """(company and position, a word of the name) -> rows: a common job or a common name alone is a long list."""
        return _index(
            ((_job(c.company, c.position), word), i)
            for i, (c, words) in enumerate(zip(self.connections, self.names, strict=True))
            if c.position
            for word in words
        )


def require_same_network(match: LabelMatch, labels: str, export: str) -> None:
    """Refuse a labels file none of whose ids is in the export: answering into it would mix two networks."""
    if match.none_match:
        raise LabelsError(
            f"none of the {match.entries:,} connections in {labels} is in {export}: the labels file belongs to "
            "another network — pass this export's labels file with --labels, or a new file name to start one"
        )


def _renamed(export: Export, ids: Mapping[int, str]) -> Export:
    """The export with connections renamed to their answers' ids (the same export when none changes). Another
    connection holding such an id would have matched it by id, before any looser step, unless it is a twin in
    another job (``_Candidates.of``): that one gets an id of its own, from its job, so no answer is read as its."""
    if all(export.connections[row].id == label_id for row, label_id in ids.items()):
        return export
    given = set(ids.values())
    connections = [
        replace(c, id=ids[row]) if row in ids else replace(c, id=_own_id(c)) if c.id in given else c
        for row, c in enumerate(export.connections)
    ]
    return replace(export, connections=connections)


def _own_id(connection: Connection) -> str:
    """A twin's id that no numbering gives: its name-and-day id with its job's hash (relevance.identity)."""
    job = "\x1f".join(_job(connection.company, connection.position))
    return f"{connection.id.split('#', 1)[0]}#{hashlib.blake2b(job.encode(), digest_size=4).hexdigest()}"


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


def _twins(ids: Iterable[str], connections: Sequence[Connection]) -> set[str]:
    """The no-URL ids that people with one name who connected on the same day share, in the labels file (``ids``)
    or the export: "nourl:…" and "nourl:…#2" are numbered by their jobs (relevance.io), so after a change of job,
    or with one of them removed, the same id may be the other person's."""
    bases = Counter(i.split("#", 1)[0] for i in ids if i.startswith(NO_URL))
    shared = {base for base, n in bases.items() if n > 1}
    return shared | {c.id.split("#", 1)[0] for c in connections if c.id.startswith(NO_URL) and "#" in c.id}


def _job(company: str, position: str) -> tuple[str, str]:
    return " ".join(fold(company).split()), " ".join(fold(position).split())
