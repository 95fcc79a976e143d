"""Suggestions, reasons, keep-rules and the scored CSV (synthetic vectors: fast)."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from relevance.bundle import Bundle, Examples
from relevance.errors import RelevanceError
from relevance.groups import GROUP_SIZE, held_back, title_keys
from relevance.io import write_csv
from relevance.linear import LinearModel
from relevance.records import CANONICAL_COLUMNS, Connection, lost_letters
from relevance.rules import parse_age, parse_keep_rule
from relevance.score import (
    LOST_TEXT,
    NO_TEXT,
    score_connections,
)
from relevance.scored_file import SCORED_COLUMNS, read_scored, write_scored
from relevance.summary import summarise_rows
from tests.fakes import make_card


def unit(x: float) -> np.ndarray:
    return np.array([x, np.sqrt(1 - x * x)], dtype=np.float32)


def make_bundle() -> Bundle:
    examples = Examples(
        ids=["lab-yes", "lab-no"],
        texts=["Sales Manager, Acme", "Java Developer"],
        answers=np.array([True, False]),
        vectors=np.stack([unit(0.9), unit(-0.9)]),
    )
    # The decision is ten times the first coordinate (unit vectors, nothing to centre on).
    one_axis = LinearModel(np.zeros(2, np.float32), np.array([10.0, 0.0]), np.zeros(0), 0.0)
    return Bundle(one_axis, examples, make_card())


def person(cid: str, position: str = "", **fields: object) -> Connection:
    return Connection(id=cid, position=position, **fields)  # type: ignore[arg-type]


def test_suggestions_reasons_and_order() -> None:
    connections = [
        person("keep", "Head of Sales"),
        person("remove", "Backend Developer"),
        person("blank"),
        person("review", "Analyst"),
        person("lab-no", "Java Developer"),
    ]
    vectors = np.stack([unit(0.8), unit(-0.8), np.zeros(2, np.float32), unit(-0.05), unit(-0.9)])
    rows = score_connections(connections, vectors, make_bundle())
    assert [(r.connection.id, r.suggestion) for r in rows] == [
        ("remove", "remove"),  # the model's removals first, surest first
        ("lab-no", "remove"),  # then the person's own "no", as the report's checklist lists them
        ("review", "review"),
        ("blank", "review"),  # never removed, and last in its group
        ("keep", "keep"),
    ]
    why = {r.connection.id: r.why for r in rows}
    assert why["lab-no"] == "you answered no"
    assert why["remove"] == "like 'Java Developer' (no), 'Sales Manager, Acme' (yes)"
    assert why["blank"] == NO_TEXT
    assert rows[0].label is None and rows[1].label is False


def test_a_row_shown_at_the_threshold_is_on_the_list_and_one_shown_above_it_is_not() -> None:
    # Scores are shown to three places, as the threshold is: a row shown at 0.100 under "Remove at score <= 0.100"
    # is removed (it stayed in review when its score was 0.1003), and one shown at 0.101 is not.
    def logit(p: float) -> float:
        return float(np.log(p / (1 - p)) / 10)  # the bundle's score is the logistic of ten times x

    connections = [person("at", "Analyst"), person("above", "Auditor")]
    vectors = np.stack([unit(logit(0.1003)), unit(logit(0.1007))])
    rows = {r.connection.id: r for r in score_connections(connections, vectors, make_bundle())}
    assert rows["at"].score is not None and rows["at"].score > 0.1
    assert (rows["at"].shown_score, rows["at"].suggestion) == ("0.100", "remove")
    assert (rows["above"].shown_score, rows["above"].suggestion) == ("0.101", "review")


def test_a_title_lost_to_question_marks_is_not_read_and_says_why(tmp_path: Path) -> None:
    """Excel writes "?" for each letter its code page lacks: "Менеджер по продажам" saved as Central European."""
    from relevance.embed import embedding_text
    from relevance.io import read_export
    from relevance.summary import summarise_rows

    lost = person("lost", "???????? ?? ????????")
    kept = person("kept", "Operator w?zka widłowego")  # a letter lost: still read
    assert lost_letters("HR-???????? | Freelancer") and not lost_letters("Open to work???")
    # Kazakh saved in a Russian code page: words that lost two letters or more read as something else
    assert lost_letters("М??алім") and lost_letters("AstanaSoft ??рылтайшы") and lost_letters("Сату ж?н?ндегі")
    assert not lost_letters("Kierownik dzia?u sprzeda?y") and not lost_letters("Who? Me?? Sales!")
    assert embedding_text(lost) == "" and embedding_text(kept) == "Operator w?zka widłowego"
    rows = score_connections([lost, kept], np.stack([np.zeros(2, np.float32), unit(0.0)]), make_bundle())
    by_id = {r.connection.id: r for r in rows}
    assert (by_id["lost"].suggestion, by_id["lost"].why, by_id["lost"].score) == ("review", LOST_TEXT, None)
    summary = summarise_rows(rows, make_card())
    assert (summary.lost_titles, summary.without_title) == (1, 0)
    assert (
        summary.lines()[0]
        == "Scored 2 connections (1 whose title is question marks where its letters were: marked review)."
    )
    assert 'save it as "CSV UTF-8"' in " ".join(summary.lines())
    assert summary.lost_sentence().startswith("1 title is question marks where its letters were:")
    assert summary.lost_sentence().endswith("It is marked review.")
    # An answered one follows its answer, and is counted as inspect and train count it: with the others.
    answered = person("answered", "?????? | ???")
    vectors = np.stack([np.zeros(2, np.float32), unit(0.0), np.zeros(2, np.float32)])
    rows = score_connections([lost, kept, answered], vectors, make_bundle(), answers={"answered": False})
    summary = summarise_rows(rows, make_card())
    assert (summary.lost_titles, summary.lost_review, summary.without_title) == (2, 1, 0)
    assert "(1 whose title is question marks where its letters were: marked review)" in summary.lines()[0]
    assert summary.lost_sentence().startswith("2 titles are question marks")
    assert summary.lost_sentence().endswith("1 of them is marked review; the other one follows your answers.")

    export = tmp_path / "Connections.csv"
    export.write_bytes(
        "First Name;Last Name;Company;Position;Connected On\r\nOlga;Ivanova;Acme;Менеджер по продажам;1 Feb 2022\r\n"
        "Anna;Nowak;Acme;Kierownik sprzedaży;1 Feb 2022\r\n".encode("cp1250", errors="replace")
    )
    assert read_export(export).lost_titles == 1


def test_keep_rules_and_the_users_answers_override_the_model() -> None:
    today = date(2026, 11, 26)
    connections = [
        person("acme", "Backend Developer", company="ACME"),
        person("recruit", "IT Recruiter & dev", company="X"),
        person("new", "Backend Developer", connected_on=today - timedelta(days=10)),
        person("old", "Backend Developer", connected_on=today - timedelta(days=400)),
        person("mine", "Backend Developer"),
    ]
    vectors = np.stack([unit(-0.8)] * 5)
    rules = [parse_keep_rule("company=acme"), parse_keep_rule("position~recruit")]
    rows = score_connections(
        connections,
        vectors,
        make_bundle(),
        answers={"mine": True},
        rules=rules,
        newer_than=parse_age("90d"),
        today=today,
    )
    got = {r.connection.id: (r.suggestion, r.why) for r in rows}
    assert got["acme"] == ("keep", "kept: company=acme")
    assert got["recruit"] == ("keep", "kept: position~recruit")
    assert got["new"][0] == "keep" and "less than 90 days ago" in got["new"][1]
    assert got["old"][0] == "remove"
    assert got["mine"] == ("keep", "you answered yes")


def test_an_answer_the_model_learnt_about_another_job_no_longer_decides_the_row() -> None:
    # "lab-yes" answered yes as a Sales Manager, "lab-no" no as a Java developer; a newer export: new jobs
    connections = [person("lab-yes", "Backend Developer"), person("lab-no", "Java Developer")]
    moved = score_connections(connections, np.stack([unit(-0.8), unit(-0.9)]), make_bundle())
    got = {r.connection.id: (r.suggestion, r.source) for r in moved}
    assert got == {"lab-yes": ("remove", "model"), "lab-no": ("remove", "label")}  # not "you answered yes"
    # unless the person answers again, about the job as it is now
    again = score_connections(connections, np.stack([unit(-0.8), unit(-0.9)]), make_bundle(), answers={"lab-yes": True})
    assert {r.connection.id: r.source for r in again} == {"lab-yes": "label", "lab-no": "label"}


def test_a_no_kept_anyway_is_kept_and_says_so() -> None:
    connections = [person("friend", "Backend Developer"), person("other", "Backend Developer")]
    rows = score_connections(
        connections,
        np.stack([unit(-0.8)] * 2),
        make_bundle(),
        answers={"friend": False, "other": False},
        spared={"friend"},
    )
    got = {r.connection.id: (r.suggestion, r.label, r.why) for r in rows}
    assert got == {
        "friend": ("keep", False, "you keep them, though not your audience"),
        "other": ("remove", False, "you answered no"),
    }
    summary = summarise_rows(rows, make_card())  # a friend kept anyway is not counted as the audience
    assert (summary.answered_keeps, summary.answered_removals, summary.answered_spared) == (0, 1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("company", "write field=value or field~pattern"),
        ("colour=red", "unknown field 'colour'"),
        ("position~[", "not a valid regular expression"),
        ("company=", "write field=value"),
    ],
)
def test_bad_keep_rules_say_how_to_write_one(text: str, message: str) -> None:
    with pytest.raises(RelevanceError, match=message.replace("[", r"\[")):
        parse_keep_rule(text)


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("2w", 14), ("6m", 180), ("1y", 365), (" 3D ", 3)])
def test_ages(text: str, days: int) -> None:
    assert parse_age(text) == timedelta(days=days)


def test_bad_age_is_refused() -> None:
    with pytest.raises(RelevanceError, match=r"e\.g\. 90d"):
        parse_age("ninety days")


def test_scored_csv_has_canonical_columns_then_the_verdict(tmp_path: Path) -> None:
    rows = score_connections([person("a", "Sales"), person("b")], np.stack([unit(0.5), np.zeros(2)]), make_bundle())
    path = tmp_path / "scored.csv"
    write_scored(rows, path)
    with open(path, encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        assert (
            tuple(reader.fieldnames or ())
            == SCORED_COLUMNS
            == (*CANONICAL_COLUMNS, "score", "suggestion", "why", "label", "model", "decided_by")
        )
        written = list(reader)
    assert written[0]["score"] == "" and written[0]["suggestion"] == "review"  # review comes before keep
    assert written[1]["score"] == "0.993" and written[1]["suggestion"] == "keep"
    assert [row["decided_by"] for row in written] == ["no text", "model"]


def test_what_decided_a_row_reads_back_from_its_column_and_from_files_written_before_it(tmp_path: Path) -> None:
    lost = person("lost", "???????? ?? ????????")
    rows = score_connections(
        [person("a", "Sales"), person("b"), lost], np.stack([unit(0.5), np.zeros(2), np.zeros(2)]), make_bundle()
    )
    path = tmp_path / "scored.csv"
    write_scored(rows, path)
    assert [r.source for r in read_scored(path)] == [r.source for r in rows] == ["no text", "lost title", "model"]
    # A reason reworded in a later version cannot change what the column says (read from the reason, the
    # reworded one would pass for a row without a title).
    text = path.read_text(encoding="utf-8-sig").replace(LOST_TEXT, "letters lost")
    path.write_text(text, encoding="utf-8-sig")
    assert [r.source for r in read_scored(path)] == ["no text", "lost title", "model"]
    # A file from before the column: read from the reasons, as it was.
    write_scored(rows, path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        old = [{k: v for k, v in row.items() if k != "decided_by"} for row in csv.DictReader(handle)]
    write_csv(path, SCORED_COLUMNS[:-1], old)
    assert [r.source for r in read_scored(path)] == ["no text", "lost title", "model"]


def test_a_title_many_on_the_list_share_unanswered_goes_to_review_until_one_of_them_is_answered(
    tmp_path: Path,
) -> None:
    # One wrong guess about "Rekruter" removed 30 of a person's audience at once (relevance.groups).
    many = [person(f"r{i}", "REKRUTER  " if i % 5 == 0 else "Rekruter") for i in range(10)]
    few = [person(f"d{i}", "Backend Developer") for i in range(GROUP_SIZE - 1)]
    connections = many + few
    vectors = np.stack([unit(-0.8)] * len(connections))
    rows = {r.connection.id: r for r in score_connections(connections, vectors, make_bundle())}
    held = rows["r1"]
    assert (held.suggestion, held.source) == ("review", "title group")
    assert (
        held.why
        == "one of 10 connections titled 'Rekruter' on the list, a title you have not answered as written: answer one "
        "of them"
    )
    assert all(rows[c.id].suggestion == "review" for c in many)
    assert rows["r0"].why == held.why  # one name for the group: its most common spelling, on every row
    assert all(rows[c.id].suggestion == "remove" for c in few)  # fewer than GROUP_SIZE share it
    path = tmp_path / "scored.csv"
    write_scored(list(rows.values()), path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        old = [{k: v for k, v in row.items() if k != "decided_by"} for row in csv.DictReader(handle)]
    write_csv(path, SCORED_COLUMNS[:-1], old)  # a file from before the column reads it from the reason
    assert {r.connection.id: r.source for r in read_scored(path)}["r1"] == "title group"
    for row in old:  # and a file written before the reason said "as written"
        row["why"] = row["why"].replace(" as written: ", ": ")
    write_csv(path, SCORED_COLUMNS[:-1], old)
    assert {r.connection.id: r.source for r in read_scored(path)}["r1"] == "title group"
    # A "no" about the title (any case or spacing) decides the group: the others go back to the model.
    answered = score_connections(connections, vectors, make_bundle(), answers={"r0": False})
    assert all(r.suggestion == "remove" for r in answered if r.connection.id in {c.id for c in many})
    # A "yes" the model has not learnt keeps the others back (a retraining then reads them as like it).
    fresh_yes = score_connections(connections, vectors, make_bundle(), answers={"r0": True})
    assert all(r.suggestion == "review" for r in fresh_yes if r.connection.id in {c.id for c in many[1:]})
    summary = summarise_rows(list(rows.values()), None, 0)
    assert summary.grouped == 10 and "10 connections whose score is low enough to remove" in " ".join(
        summary.held_back()
    )


def test_a_group_is_held_back_when_that_title_alone_would_put_the_list_over_its_limit() -> None:
    distinct = [f"Teacher {i}" for i in range(935)]
    keys = title_keys(["Owner"] * 40 + ["Student"] * 20 + ["Nurse"] * 5 + distinct, answered=["student"])
    shared = held_back(keys, 0.03)  # a list of 1,000: a title is held back when more than 30 share it
    assert shared[:40].tolist() == [40] * 40 and not shared[40:].any()  # "Student" is answered
    assert held_back(keys[:100], 0.03)[60:65].tolist() == [5] * 5  # on a list of 100, 5 "Nurse" are too many
    assert not held_back(title_keys(["Nurse"] * 4, []), 0.03).any()  # fewer than GROUP_SIZE never are


def test_a_group_far_from_every_answer_is_held_back_however_long_the_list() -> None:
    # A Kazakh HR trainer at 50 answers, all her "yes" in Russian: 28 "Founder", 22 "CEO" and 21 "Recruiter" on a
    # list of 2,349, each under its 3%, none like any answer, all her audience (relevance.groups).
    distinct = [f"Teacher {i}" for i in range(940)]
    texts = ["Founder"] * 20 + ["Auditor"] * 20 + ["CEO", "ceo"] * 5 + ["Owner"] * 4 + distinct
    nearest = np.array([0.1] * 20 + [0.6] * 20 + [0.2, 0.5] * 5 + [0.1] * 4 + [0.1] * 940)
    shared = held_back(title_keys(texts, []), 0.03, nearest)
    assert shared[:20].tolist() == [20] * 20  # far from every answer: held back at 20 of 1,000
    assert not shared[20:40].any()  # as many, but like an answer: the model's word stands
    assert not shared[40:50].any()  # one spelling of it is like an answer: so is the title
    assert not shared[50:].any()  # fewer than GROUP_SIZE, or each its own title
    assert (held_back(title_keys(texts, []), 0.03) > 0).sum() == 0  # without the answers' nearness: by size alone


def test_when_every_removal_waits_on_a_title_the_summary_says_so_not_that_answers_keep_them() -> None:
    many = [person(f"r{i}", "Rekruter") for i in range(6)]
    rows = score_connections(many, np.stack([unit(-0.8)] * 6), make_bundle())
    summary = summarise_rows(rows, make_card(), 0)
    assert summary.removal_sentence().startswith("No removal list yet: the 6 connections the model would remove share")
