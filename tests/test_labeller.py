"""The labelling state machine: every answer on disk at once, undo, skip, never asking twice, bulk clusters."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from fakes import HashEmbedder, fake_vectors

from relevance.io import read_export
from relevance.labeller import ClusterLabeller, Labeller, stop_hint
from relevance.labels import append_rows, label_row, load_labels
from relevance.metrics import MIN_PER_CLASS
from relevance.records import Connection
from relevance.training import Outlook, train

AUDIENCE = ["Head of Sales", "Sales Director", "Marketing Manager", "Recruiter", "Talent Acquisition Partner"]
OTHERS = ["Nurse", "Teacher", "Accountant", "Civil Engineer", "Pharmacist", "Pilot", "Chef"]
JAVA = ["Java Developer", "Senior Java Developer", "Java Backend Developer", "Lead Java Developer"]


def people(titles: list[str], count: int, prefix: str, seed: int = 0) -> list[Connection]:
    pick = random.Random(seed).choice
    return [
        Connection(
            id=f"{prefix}{i}",
            url=f"https://www.linkedin.com/in/{prefix}{i}",
            first_name=prefix,
            last_name=str(i),
            position=pick(titles),
        )
        for i in range(count)
    ]


@pytest.fixture
def connections() -> list[Connection]:
    return [*people(AUDIENCE, 40, "a"), *people(OTHERS, 80, "o", 1), Connection(id="ghost-ish", company="")]


def labeller(connections: list[Connection], path: Path, **options: object) -> Labeller:
    return Labeller(connections, fake_vectors(connections), load_labels(path), **options)  # type: ignore[arg-type]


def truth(question_id: str) -> bool:
    return question_id.startswith("a")


def test_each_answer_is_on_disk_when_given(connections: list[Connection], tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    session = labeller(connections, path)
    given: dict[str, bool] = {}
    for _ in range(12):
        question = session.current()
        assert question is not None
        session.answer(truth(question.connection.id))
        given[question.connection.id] = truth(question.connection.id)
        assert load_labels(path).answers == given
    assert session.status().yes + session.status().no == 12


def test_never_asks_twice_in_a_session_or_the_next(connections: list[Connection], tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    session = labeller(connections, path)
    asked: list[str] = []
    for turn in range(30):
        question = session.current()
        assert question is not None
        asked.append(question.connection.id)
        session.skip() if turn % 5 == 0 else session.answer(truth(question.connection.id))
    assert len(asked) == len(set(asked))
    answered = set(load_labels(path).answers)
    resumed = labeller(connections, path)
    for _ in range(20):
        question = resumed.current()
        assert question is not None and question.connection.id not in answered
        resumed.answer(truth(question.connection.id))


def test_undo_takes_the_answer_back_on_disk_and_asks_again(connections: list[Connection], tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    session = labeller(connections, path)
    first = session.current()
    assert first is not None
    session.answer(True)
    second = session.current()
    assert second is not None
    session.answer(False)
    assert session.undo()
    assert load_labels(path).answers == {first.connection.id: True}
    again = session.current()
    assert again is not None and again.connection.id == second.connection.id
    session.skip()
    assert session.undo()  # a skip is taken back too
    assert session.current() == again
    assert session.undo()  # the first answer
    assert load_labels(path).answers == {}
    assert not session.undo()


def test_queued_rows_come_first_in_file_order(connections: list[Connection], tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    labels = load_labels(path)
    queued = [connections[70], connections[3], connections[100]]
    append_rows(labels, [label_row(c) for c in queued])
    session = labeller(connections, path)
    for expected in queued:
        question = session.current()
        assert question is not None and question.connection == expected
        session.answer(truth(expected.id))


def test_guess_and_quality_appear_once_a_model_can_be_fitted(connections: list[Connection], tmp_path: Path) -> None:
    session = labeller(connections, tmp_path / "labels.csv", quality_every=1)
    seen_guess = False
    for _ in range(40):
        question = session.current()
        assert question is not None
        seen_guess |= question.guess is not None
        status = session.status()
        # the quality only once training could use the answers: from 3 of a kind it is noise (0.46 was seen)
        assert (status.quality is None) == (min(status.yes, status.no) < MIN_PER_CLASS)
        assert status.hint is None or min(status.yes, status.no) >= MIN_PER_CLASS  # "train" would refuse before
        session.answer(truth(question.connection.id))
    status = session.status()
    assert seen_guess and status.quality is not None and status.quality > 0.8


def test_skips_everything_then_stops(tmp_path: Path) -> None:
    few = people(OTHERS, 4, "o")
    session = labeller(few, tmp_path / "labels.csv")
    while session.current() is not None:
        session.skip()
    assert session.status().skipped == 4 and not (tmp_path / "labels.csv").exists()
    assert session.status().remaining == 0  # skipped are not "not asked yet": answered + skipped + left = all


def test_the_counts_add_up_to_the_network(connections: list[Connection], tmp_path: Path) -> None:
    session = labeller(connections, tmp_path / "labels.csv")
    session.answer(True)
    session.skip()
    status = session.status()
    titled = sum(bool(c.title) for c in connections)  # one has no title: never asked, not counted
    assert status.yes + status.no + status.skipped + status.remaining == titled == len(connections) - 1


def test_finish_compacts_the_file(connections: list[Connection], tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    session = labeller(connections, path)
    session.answer(True)
    session.answer(False)
    session.undo()
    session.finish()
    assert len(path.read_text().splitlines()) == 1 + 2  # header, one answer, the undone row left queued


def test_stop_hint_when_quality_flattens() -> None:
    rising = [(n, 0.6 + n / 200) for n in range(5, 80, 5)]
    flat = [(n, 0.8 + (0.005 if n % 10 else 0)) for n in range(5, 80, 5)]
    assert stop_hint(rising) is None
    assert stop_hint(flat) is not None and "30 answers" in (stop_hint(flat) or "")
    assert stop_hint(flat[:5]) is None  # not enough answers to tell yet


FLAT = [(n, 0.8 + (0.005 if n % 10 else 0)) for n in range(5, 80, 5)]


def test_the_stop_hint_does_not_send_to_a_training_that_would_make_no_list() -> None:
    """A first-time user was told "good time to `relevance train`" at 85 answers, and train then made no list."""
    assert stop_hint(FLAT, outlook=Outlook(listed=300, held=40)) == stop_hint(FLAT)
    assert "good time to `relevance train`" in (stop_hint(FLAT) or "")
    hint = stop_hint(FLAT, outlook=Outlook(listed=0, more_answers=120)) or ""
    assert "would not yet name anyone to remove" in hint and "about 120 more answers" in hint
    assert "relevance train" not in hint
    held = stop_hint(FLAT, outlook=Outlook(listed=40, held=40)) or ""  # every removal shares an unanswered title
    assert "hold back every connection" in held and "answer one of each" in held and "relevance train" not in held
    assert stop_hint(FLAT[:5], outlook=Outlook(0)) is None  # not flat yet: no hint at all
    assert "at most 3% of them your audience (the default limit)" in hint
    own = stop_hint(FLAT, outlook=Outlook(listed=0, more_answers=120, limit=0.01)) or ""  # set in the app
    assert "at most 1% of them your audience (your limit)" in own


def answer_all(session: Labeller, count: int, answer: Callable[[str], bool]) -> None:
    for _ in range(count):
        question = session.current()
        assert question is not None
        session.answer(answer(question.connection.id))


@pytest.mark.parametrize("answers_follow_the_titles", [True, False])
def test_the_outlook_is_what_train_then_makes(tmp_path: Path, answers_follow_the_titles: bool) -> None:
    """The outlook is `relevance train`'s procedure, quicker (titles alone, at most OUTLOOK_ROWS): on the same export
    and labels file, it and `train` make the same list, or both none."""
    export_path = tmp_path / "Connections.csv"
    titles = [*AUDIENCE, *OTHERS]
    with export_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for i in range(160):
            url = f"https://www.linkedin.com/in/{'a' if i % 3 == 0 else 'o'}{i}"
            writer.writerow([f"P{i}", "Test", url, "", "", titles[(i * 7) % len(titles)], "01 Mar 2024"])
    export = read_export(export_path)
    audience = {c.id for c in export.connections if c.position in AUDIENCE}
    session = Labeller(export.connections, fake_vectors(export.connections), load_labels(tmp_path / "labels.csv"))
    coin = random.Random(3)
    answer_all(session, 60, (lambda i: i in audience) if answers_follow_the_titles else lambda _: coin.random() < 0.4)
    session.history = [(n, 0.8) for n in range(5, 65, 5)]  # quality has flattened
    status = session.status()
    assert status.outlook is not None and status.hint is not None
    trained = train(export, load_labels(tmp_path / "labels.csv"), HashEmbedder(), cache=None).bundle.card.thresholds
    assert (status.outlook.listed, status.outlook.held) == (trained.listed, trained.held_groups)
    assert status.outlook.has_list == answers_follow_the_titles
    assert ("would not yet name anyone" in status.hint) == (not status.outlook.has_list)


def test_an_undone_answer_given_otherwise_is_a_new_outlook(connections: list[Connection], tmp_path: Path) -> None:
    """The outlook is kept for one point of the quality history: an undo rewinds that history, and the same count
    of answers again may hold another answer."""
    session = labeller(connections, tmp_path / "labels.csv")
    answer_all(session, 30, truth)
    points = len(session.history)
    while len(session.history) == points:  # up to the answer that makes the next point of the history
        question = session.current()
        assert question is not None
        session.answer(truth(question.connection.id))
    at = session.history[-1][0]
    before = session.outlook()
    assert session.outlook() is before  # kept while the answers stand
    session.undo()
    session.answer(not truth(question.connection.id))
    assert session.history[-1][0] == at and session.outlook() is not before


def test_a_cluster_of_java_developers_is_cleared_with_one_key(tmp_path: Path) -> None:
    connections = [*people(JAVA, 150, "j"), *people(AUDIENCE + OTHERS, 100, "x", 1)]
    path = tmp_path / "labels.csv"
    session = ClusterLabeller(connections, fake_vectors(connections), load_labels(path))
    group = session.current()
    assert group is not None and group.size >= 100
    assert all(connections[r].id.startswith("j") for r in group.rows)
    assert "Java Developer" in group.typical and group.common[0][1] > 20
    size_before = len(path.read_bytes()) if path.exists() else 0
    session.answer(False)
    answers = load_labels(path).answers
    assert len(answers) == group.size and not any(answers.values())
    assert size_before == 0  # one write created the file with every row
    session.undo()
    assert load_labels(path).answers == {}
    assert session.current() == group


def test_split_makes_smaller_clusters_and_single_rows_are_skipped(tmp_path: Path) -> None:
    connections = people(AUDIENCE + OTHERS, 60, "x")
    session = ClusterLabeller(connections, fake_vectors(connections), load_labels(tmp_path / "l.csv"))
    group = session.current()
    assert group is not None
    session.split()
    smaller = session.current()
    assert smaller is not None and smaller.size < group.size and set(smaller.rows) < set(group.rows)
    while (current := session.current()) is not None and current.size > 1:
        session.split()
    if current is not None:
        session.split()
        assert session.status().skipped == 1


def test_record_answers_any_connection_and_it_is_not_asked_again(connections: list[Connection], tmp_path: Path) -> None:
    session = labeller(connections, tmp_path / "labels.csv")
    asked = session.current()
    assert asked is not None
    other = next(r for r in range(len(connections)) if r != asked.row and connections[r].position)
    session.record(other, False, "removed")
    session.record(asked.row, True)  # a second window answering the card this one shows
    assert session.answered == {other: False, asked.row: True}
    saved = load_labels(tmp_path / "labels.csv")
    assert saved.picked[connections[other].id] == "removed"
    assert saved.picked[connections[asked.row].id] == asked.picked
    seen = set()
    while (question := session.current()) is not None and len(seen) < 30:
        seen.add(question.row)
        session.skip()
    assert not {other, asked.row} & seen


@pytest.mark.parametrize(
    ("guess", "said"),
    [
        (None, ""),
        (0.5, "cannot tell yet"),
        (0.47, "cannot tell yet"),
        (0.2, "not audience, 80%"),
        (0.91, "audience, 91%"),
    ],
)
def test_the_guess_in_words_says_when_the_model_cannot_tell_yet(guess: float | None, said: str) -> None:
    from relevance.labeller import Question

    assert Question(0, Connection(id="a"), guess).guess_said == said
    assert Question(0, Connection(id="a"), 0.2, picked="check").guess_said == ""  # no guess beside a check


def test_the_last_word_reads_every_answer_not_the_last_quality_check(
    connections: list[Connection], tmp_path: Path
) -> None:
    """Seen in a terminal: the hint, worked out at 45 answers, said no list; train at 46 listed 73. A session's last
    line asks for the outlook of every answer so far."""
    session = labeller(connections, tmp_path / "labels.csv")
    answer_all(session, 30, truth)
    points = len(session.history)
    while len(session.history) == points:
        answer_all(session, 1, truth)
    answer_all(session, 1, truth)  # one answer past the quality check
    checked = session.outlook()
    assert session._outlook is not None and session._outlook[0] == session.history[-1][0] < len(session.answered)
    latest = session.outlook(latest=True)
    assert latest is not checked and session._outlook[0] == len(session.answered)


def test_an_answer_about_a_job_they_no_longer_have_is_asked_again_first_saying_why(
    connections: list[Connection], tmp_path: Path
) -> None:
    from dataclasses import replace

    from relevance.io import Export
    from relevance.matching import match_labels

    path = tmp_path / "labels.csv"
    append_rows(load_labels(path), [label_row(c, truth(c.id), "diverse") for c in connections[38:44]])
    coach = connections[40]  # answered "no" as what they were; a recruiter now
    now = [replace(c, position="Recruiter") if c.id == coach.id else c for c in connections]
    labels = load_labels(path)
    match_labels(Export("Connections.csv", "test", "utf-8", ",", [], {}, now), labels)
    session = Labeller(now, fake_vectors(now), labels)
    question = session.current()
    assert question is not None and question.connection.id == coach.id
    assert question.note == f"asked again: your answer was about the job they had then, '{coach.position}'"
    session.answer(True)
    assert labels.answers[coach.id] is True and not labels.outdated
    after = session.current()
    assert after is not None and after.note != question.note
