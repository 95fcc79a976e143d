"""A connection whose most similar answer is a "yes" is never removed on the model's word."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import relevance.training as training
from relevance.alike import alike_answer, alike_reason, is_alike_reason, most_alike_is_yes, nearest_answers
from relevance.bundle import Bundle, Examples
from relevance.io import read_export
from relevance.labels import load_labels
from relevance.linear import LinearModel, centre
from relevance.score import score_connections, score_export
from relevance.scored_file import read_scored, write_scored
from relevance.settings import TrainingSettings
from relevance.summary import removal_lines, summarise_rows
from tests.fakes import HashEmbedder
from tests.test_score import make_card, person, unit

ORIGIN = np.zeros(2, np.float32)  # nothing to centre on


def test_nearest_answers_most_similar_first_the_same_for_the_same_title() -> None:
    answers = np.stack([unit(0.9), unit(-0.9), unit(-0.5)])
    rows = np.stack([unit(-0.45), unit(0.8), unit(-0.45), unit(-0.95)])
    assert nearest_answers(rows, answers, ORIGIN, 2)[0].tolist() == [[2, 1], [0, 2], [2, 1], [1, 2]]
    assert nearest_answers(rows, answers, ORIGIN, 10)[0].shape == (4, 3)  # never more than there are answers
    assert nearest_answers(rows, answers[:0], ORIGIN, 2)[0].shape == (4, 0)
    yes = np.array([True, False, True])
    assert most_alike_is_yes(rows, answers, yes, ORIGIN).tolist() == [True, True, True, False]
    assert not most_alike_is_yes(rows, answers[:0], yes[:0], ORIGIN).any()


def test_the_most_similar_are_those_a_full_sort_finds_equal_ones_in_the_order_of_the_answers() -> None:
    rng = np.random.default_rng(0)
    rows, answers = rng.standard_normal((300, 4)).astype(np.float32), rng.standard_normal((40, 4)).astype(np.float32)
    answers[[5, 17, 30]] = answers[2]  # one title answered four times: equally similar to every row
    answers[[8, 9]] = answers[3]
    origin = np.zeros(4, np.float32)
    indices, similarities = nearest_answers(rows, answers, origin, take=6)
    full = centre(rows, origin) @ centre(answers, origin).T
    expected = np.argsort(-full, axis=1, kind="stable")[:, :6]
    assert np.array_equal(similarities, np.take_along_axis(full, expected, axis=1))
    assert np.array_equal(indices, expected)


def test_similar_as_the_model_reads_them_centred_on_the_network() -> None:
    # Every vector shares one big direction (as raw multilingual vectors do), and the answer made mostly of it is
    # the raw nearest of every row. Centred on the network (whose mean is that direction), each row's nearest
    # answer is the one that differs from the rest the way it does.
    common, own = np.array([0, 0, 0, 1], np.float32), np.eye(4, dtype=np.float32)
    answers = np.vstack([0.5 * common + 0.5 * own[0], 0.5 * common + 0.5 * own[1], common + 0.05 * own[2]])
    rows = np.vstack([common + 0.3 * own[0], common + 0.3 * own[1]])
    assert nearest_answers(rows, answers, np.zeros(4, np.float32), 1)[0][:, 0].tolist() == [2, 2]
    assert nearest_answers(rows, answers, common, 1)[0][:, 0].tolist() == [0, 1]


def test_a_title_answered_both_ways_holds_the_row_back_whichever_answer_came_first() -> None:
    owner_no, owner_yes, dev_no = unit(0.3), unit(0.3), unit(-0.9)
    rows = np.stack([unit(0.31), unit(-0.88)])
    for answers, yes in (
        ([owner_no, owner_yes, dev_no], [False, True, False]),
        ([owner_yes, owner_no, dev_no], [True, False, False]),
    ):
        nearest, similarity = nearest_answers(rows, np.stack(answers), ORIGIN)
        held = alike_answer(nearest, similarity, np.array(yes))
        assert held.tolist() == [yes.index(True), -1]  # the "yes" of the tie is the one named


def recruiter_bundle() -> Bundle:
    """The model's axis says "no" for negative first coordinates, yet one "yes" answer (a recruiter) lies there:
    a smaller group of the audience the linear model does not rank as audience."""
    examples = Examples(
        ids=["lab-sales", "lab-dev", "lab-recruiter"],
        texts=["Sales Manager, Acme", "Java Developer", "Recruiter, Peoplewise"],
        answers=np.array([True, False, True]),
        vectors=np.stack([unit(0.9), unit(-0.9), unit(-0.5)]),
    )
    one_axis = LinearModel(np.zeros(2, np.float32), np.array([10.0, 0.0]), np.zeros(0), 0.0)
    return Bundle(one_axis, examples, make_card())


def test_a_low_score_next_to_a_yes_answer_goes_to_review_with_that_answer_as_the_reason(tmp_path: Path) -> None:
    connections = [person("recruiter", "Technical Recruiter"), person("dev", "Backend Developer")]
    vectors = np.stack([unit(-0.45), unit(-0.85)])
    bundle = recruiter_bundle()
    rows = {r.connection.id: r for r in score_connections(connections, vectors, bundle)}
    assert rows["dev"].suggestion == "remove" and rows["dev"].source == "model"
    remove_at, score = bundle.remove_at_or_below, rows["recruiter"].score
    assert remove_at is not None and score is not None and score <= remove_at  # the model alone would remove it
    assert rows["recruiter"].suggestion == "review" and rows["recruiter"].source == "alike"
    assert rows["recruiter"].why == alike_reason("'Recruiter, Peoplewise'")
    assert rows["recruiter"].why == "most like 'Recruiter, Peoplewise', which you marked yes: yours to judge"
    # Counted and said, in the terminal and the report alike, and read back from scored.csv as what it was.
    summary = summarise_rows(list(rows.values()), bundle.card)
    assert summary.alike == 1 and summary.model_removals == 1
    assert summary.alike_sentence() in summary.lines() and summary.alike_sentence() in summary.held_back()
    write_scored(list(rows.values()), tmp_path / "scored.csv")
    back = {r.connection.id: r for r in read_scored(tmp_path / "scored.csv")}
    assert back["recruiter"].source == "alike" and back["dev"].source == "model"
    assert is_alike_reason(back["recruiter"].why) and not is_alike_reason(back["dev"].why)


def test_a_high_score_next_to_a_no_answer_goes_to_review_too(tmp_path: Path) -> None:
    """A model keeps "Senior Lekarz" (a seniority direction) while its most similar answer, "Lekarz", is a "no":
    keeping would be harmless, but a reason that argues against the suggestion is not one to trust."""
    examples = Examples(
        ids=["lab-sales", "lab-doctor"],
        texts=["Sales Manager, Acme", "Lekarz, Szpital"],
        answers=np.array([True, False]),
        vectors=np.stack([unit(0.9), unit(0.3)]),
    )
    bundle = Bundle(
        LinearModel(np.zeros(2, np.float32), np.array([10.0, 0.0]), np.zeros(0), 0.0), examples, make_card()
    )
    connections = [person("doctor", "Senior Lekarz"), person("sales", "Key Account Manager")]
    rows = {r.connection.id: r for r in score_connections(connections, np.stack([unit(0.35), unit(0.85)]), bundle)}
    assert rows["sales"].suggestion == "keep"
    doctor = rows["doctor"]
    assert doctor.score is not None and doctor.score >= bundle.keep_from  # the model alone would keep it
    assert (doctor.suggestion, doctor.source) == ("review", "alike no")
    assert doctor.why == "most like 'Lekarz, Szpital', which you marked no: yours to judge"
    summary = summarise_rows(list(rows.values()), bundle.card)
    assert summary.alike_no == 1 and summary.alike == 0 and summary.alike_no_sentence() in summary.held_back()
    assert summary.alike_no_sentence() == (
        "1 connection whose score is high enough to keep is marked review: the connection you answered that is most "
        "like it is one you marked no (the reason beside it names it)."
    )
    write_scored(list(rows.values()), tmp_path / "scored.csv")
    back = {r.connection.id: r for r in read_scored(tmp_path / "scored.csv")}
    assert back["doctor"].source == "alike no" and is_alike_reason(back["doctor"].why, yes=False)


def test_the_persons_latest_answer_decides() -> None:
    # The person has since answered the recruiter "no": nothing holds the row back any more.
    connections = [person("recruiter", "Technical Recruiter")]
    rows = score_connections(connections, np.stack([unit(-0.45)]), recruiter_bundle(), answers={"lab-recruiter": False})
    assert rows[0].suggestion == "remove" and rows[0].source == "model"
    assert "'Recruiter, Peoplewise' (no)" in rows[0].why


def write_network(folder: Path, answered: list[tuple[str, bool]], unlabelled: list[str]) -> None:
    """Connections.csv (the answered titles first, then the others) and labels.csv with the answers."""
    with open(folder / "Connections.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "URL", "Company", "Position", "Connected On"])
        for i, title in enumerate([t for t, _ in answered] + unlabelled):
            writer.writerow(["Ann", f"P{i}", f"https://www.linkedin.com/in/p-{i}", "Firma", title, "01 Mar 2024"])
    with open(folder / "labels.csv", "w", newline="", encoding="utf-8") as handle:
        answers = [[f"linkedin.com/in/p-{i}", "yes" if yes else "no"] for i, (_, yes) in enumerate(answered)]
        csv.writer(handle).writerows([["id", "label"], *answers])


def test_train_leaves_them_out_of_the_list_its_threshold_and_estimate_are_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sales = ["Sales Manager", "Head of Sales", "Sales Director", "Marketing Manager", "Brand Manager"]
    tech = ["Java Developer", "Backend Engineer", "Data Engineer", "Network Administrator", "QA Tester"]
    titles = [(t, True) for t in sales] * 6 + [(t, False) for t in tech] * 8 + [("Recruiter", True)]
    # each title a few times only: five people sharing one would be a title group (relevance.groups)
    unlabelled = [
        f"{t} {n}"
        for n in ("I", "II", "III", "IV", "V")
        for t in ("Technical Recruiter", "Senior Recruiter", "Python Developer", "Frontend Developer")
    ]
    write_network(tmp_path, titles, unlabelled)
    seen: dict[str, int] = {}
    plan = training.plan_removals

    def spy(listed: np.ndarray, *args: Any, unlisted: np.ndarray, **kwargs: Any) -> Any:
        seen["listed"], seen["unlisted"] = len(listed), len(unlisted)
        return plan(listed, *args, unlisted=unlisted, **kwargs)

    monkeypatch.setattr(training, "plan_removals", spy)
    export = read_export(tmp_path / "Connections.csv")
    # Ten rows the model may list: at a 3% limit their estimate's range is too wide for any list, and the list is
    # what this test is about.
    settings = TrainingSettings(max_wrong_removals=0.05)
    bundle = training.train(export, load_labels(tmp_path / "labels.csv"), HashEmbedder(), settings, cache=None).bundle
    # the ten recruiters' most similar answer is the "yes" recruiter: never on the list, so not in its estimate
    assert seen == {"listed": 10, "unlisted": 10}
    # and `score` holds back the same rows: the list train sized is the list the model removes
    scored = score_export(export, bundle, HashEmbedder(), cache=None).rows
    thresholds = bundle.card.thresholds
    assert thresholds.remove_at_or_below is not None
    model_removals = [r for r in scored if r.source == "model" and r.suggestion == "remove"]
    assert thresholds.held_groups == 0
    assert len(model_removals) == round(thresholds.rows * thresholds.removed_share) > 0
    assert all("Recruiter" not in r.connection.position for r in model_removals)


def test_train_counts_the_title_groups_score_holds_back_and_both_say_one_list(tmp_path: Path) -> None:
    sales = ["Sales Manager", "Head of Sales", "Sales Director", "Marketing Manager", "Brand Manager"]
    tech = ["Java Developer", "Backend Engineer", "Data Engineer", "Network Administrator", "QA Tester"]
    titles = [(t, True) for t in sales] * 6 + [(t, False) for t in tech] * 8
    unlabelled = ["Frontend Developer"] * 12 + [f"Frontend Developer {n}" for n in ("I", "II", "III", "IV")]
    write_network(tmp_path, titles, unlabelled)
    export = read_export(tmp_path / "Connections.csv")
    bundle = training.train(export, load_labels(tmp_path / "labels.csv"), HashEmbedder(), cache=None).bundle
    rows = score_export(export, bundle, HashEmbedder(), cache=None).rows
    held = [r for r in rows if r.source == "title group"]
    thresholds = bundle.card.thresholds
    assert {r.connection.position for r in held} == {"Frontend Developer"} and len(held) == thresholds.held_groups == 12
    model_removals = [r for r in rows if r.is_model_removal]
    assert len(model_removals) == round(thresholds.rows * thresholds.removed_share) - thresholds.held_groups > 0
    said = " ".join(removal_lines(bundle.card))  # train says what waits for an answer
    assert f"about {len(model_removals)} of your unlabelled connections" in said
    assert "Held back besides: 12 connections the model would remove share titles you have not answered" in said
