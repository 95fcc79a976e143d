"""The page speaks of its steps, never of commands: what the library tells a terminal ("run `relevance label`",
"retrain") reaches the page in the app's words, with the numbers of the same Summary, card and Status."""

from __future__ import annotations

import dataclasses
import errno
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fakes import make_card
from test_app import (
    Client,
    answer_until_trainable,
    fake_embedder,  # noqa: F401  (an autouse fixture: the fast fake embedder here too)
    serve,
    train,
    write_export,
)

import relevance.labels
from relevance.app import words
from relevance.app.state import AppState
from relevance.labeller import stop_hint
from relevance.labels import load_labels
from relevance.records import Connection
from relevance.removals import CheckTest
from relevance.score import ScoredRow
from relevance.summary import checks_line, summarise, summarise_rows
from relevance.training import Outlook

# A command or a flag of the CLI, or its "retrain": terminal wording. (`relevance app` itself, which the person
# typed to start the page, is how the page tells them to start it again.)
CLI_WORDS = re.compile(r"relevance (label|train|sample|score|report|inspect)\b|retrain|\s--[a-z]")


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "Connections.csv")


@pytest.fixture
def client(export: Path, tmp_path: Path) -> Iterator[Client]:
    yield from serve(AppState.open(export, tmp_path / "labels.csv", tmp_path / "models" / "relevance.npz", cache=None))


def cli_words(value: Any) -> list[str]:
    return CLI_WORDS.findall(json.dumps(value, ensure_ascii=False))


def scored(remove_at_or_below: float | None, more_answers: int | None = 40) -> Any:
    """A scoring run as words.training_lines reads it: rows, the card, the export's hidden members."""
    card = make_card(remove_at_or_below=remove_at_or_below)
    thresholds = dataclasses.replace(card.thresholds, more_answers=more_answers)
    card = dataclasses.replace(card, thresholds=thresholds)
    person = Connection(id="ann", first_name="Ann", last_name="Test", position="Nurse")
    rows = [ScoredRow(person, 0.05, "remove", "you answered no", label=False, source="label")]
    if remove_at_or_below is not None:
        rows.append(ScoredRow(person, 0.02, "remove", "like 'Nurse' (no)"))
    rows.append(ScoredRow(person, 0.9, "keep", "like 'Sales Manager' (yes)"))
    return SimpleNamespace(rows=rows, bundle=SimpleNamespace(card=card), export=SimpleNamespace(ghost_rows=2))


def test_without_a_removal_list_the_page_says_what_to_do_in_its_own_steps() -> None:
    run = scored(remove_at_or_below=None, more_answers=40)
    summary = summarise(run)
    assert cli_words(summary.removal_sentence())  # the library's sentence names a command...
    sentence = summary.removal_sentence(words.STEPS)
    assert not cli_words(sentence)  # ...the page's does not, and keeps the Summary's numbers
    assert "about 40 more (step 1, Label), then train again (step 2, Train)" in sentence
    assert f"{summary.limit:.0%}" in sentence and "(Marked remove all the same: the 1 you answered no.)" in sentence
    assert sentence.replace(*words.STEPS[0:1], "(`relevance label`)").replace(words.STEPS[1], "retrain") == (
        summary.removal_sentence()
    )  # one sentence, two names for the steps
    lines = words.training_lines(run)
    assert not cli_words(lines)
    assert sum("No removal list yet" in line for line in lines) == 1  # said once, not by the card and the summary
    assert lines[-len(summary.lines()) :] == summary.lines(words.STEPS)


def test_with_a_removal_list_the_page_counts_it_once_from_the_summary() -> None:
    run = scored(remove_at_or_below=0.1)
    summary = summarise(run)
    lines = words.training_lines(run)
    assert lines[-len(summary.lines()) :] == summary.lines(words.STEPS)
    # the card's own count, made before scoring, would be a second number for the same list (483 beside 462)
    assert not any("Remove at score" in line for line in lines)
    assert sum(line.startswith("Remove ") for line in lines) == 1
    assert not cli_words(lines)


def test_the_page_says_what_the_checks_found_as_train_does() -> None:
    run = scored(remove_at_or_below=0.1)
    card = run.bundle.card
    checks = CheckTest(answers=19, yes=0, expected=0.2, factor=1.0)
    run.bundle.card = dataclasses.replace(card, thresholds=dataclasses.replace(card.thresholds, checks=checks))
    found = [line for line in words.training_lines(run) if "answers that test the model" in line]
    assert found == [checks_line(run.bundle.card)] and "none of them is your audience" in found[0]
    # the score they fall under is named on the page, which shows no "Remove at score" line, and what 0.2 counts
    assert "fall in the removal list's range (score ≤ 0.100)" in found[0]
    assert found[0].endswith("in line with the model, which expected 0.2 of them to be, on average.")
    # a model expecting 0.02 of them says "almost none", not "0.0 of them"
    few = dataclasses.replace(checks, expected=0.02)
    card = dataclasses.replace(card, thresholds=dataclasses.replace(card.thresholds, checks=few))
    assert checks_line(card).endswith("which expected almost none of them to be, on average.")


def test_the_stop_hint_and_too_few_answers_name_the_steps() -> None:
    history = [(0, 0.8), (40, 0.8)]
    assert "`relevance train`" in (stop_hint(history) or "")
    assert not cli_words(words.stop_hint()) and "step 2, Train" in words.stop_hint()
    no_list = words.stop_hint(Outlook(listed=0, more_answers=40))
    assert not cli_words(no_list) and "would not yet name anyone to remove" in no_list
    assert "about 40 more answers" in no_list and "Train" not in no_list
    held = words.stop_hint(Outlook(listed=40, held=40))
    assert not cli_words(held) and "hold back every connection" in held
    assert words.stop_hint(Outlook(listed=300, held=40)) == words.stop_hint()
    assert not cli_words(words.too_few(3, 12)) and "you have 3 yes and 12 no" in words.too_few(3, 12)


@pytest.mark.slow  # a training: a process of its own
def test_everything_the_page_shows_is_in_its_words(client: Client, tmp_path: Path) -> None:
    state = client.server.state
    shown: list[Any] = [client.get("/api/state")]
    _, _, body = client.request("POST", "/api/train", {})  # too few answers
    shown.append(json.loads(body))
    answer_until_trainable(client)
    state.labeller.history = [(0, 0.8), (40, 0.8)]  # quality flat over the window: the labeller's nudge
    assert state.labeller.status().hint and "`relevance train`" in state.labeller.status().hint
    hint = client.get("/api/state")["label"]["status"]["hint"]
    assert hint == words.stop_hint()
    shown.append(train(client))
    # That training made a list, and the app trains again by itself: no nudge to train (it said so for 25 answers
    # after a first-time user had trained); with only the button to train, the nudge stays.
    assert state.labeller.status().hint and client.get("/api/state")["label"]["status"]["hint"] == ""
    state.auto_train_every = 0
    assert client.get("/api/state")["label"]["status"]["hint"] == words.stop_hint()
    shown += [client.get(f"/api/removals?batch={b}") for b in range(shown[-1]["remove"]["batches"])]
    assert shown[-1]["rows"] and not cli_words(shown)
    # The removal list's sentence is the one Summary's, in the page's words.
    assert shown[2]["remove"]["sentence"] == summarise_rows(
        state.scored.rows, state.scored.bundle.card
    ).removal_sentence(words.STEPS)
    for name in ("index.html", "app.js"):
        assert not cli_words((files("relevance.app") / "static" / name).read_text(encoding="utf-8")), name


@pytest.mark.slow  # a training: a process of its own
def test_the_nudge_does_not_send_to_train_when_the_last_training_made_no_list(client: Client) -> None:
    """The page's labeller does not work out an outlook on the answer's path (150 ms): the latest training's model
    card says whether there is a list, and how many more answers it asked for, less those given since."""
    state = client.server.state
    answer_until_trainable(client)
    train(client)
    assert state.scored is not None
    card = state.scored.bundle.card
    state.scored.bundle.card = replace(
        card, thresholds=replace(card.thresholds, remove_at_or_below=None, more_answers=60)
    )
    state.labeller.history = [(0, 0.8), (40, 0.8)]
    hint = client.get("/api/state")["label"]["status"]["hint"]
    assert "would not yet name anyone to remove" in hint and "about 60 more answers" in hint and not cli_words(hint)
    for _ in range(3):
        question = client.get("/api/state")["label"]["card"]
        client.post("/api/answer", {"id": question["id"], "answer": "no"})
    state.labeller.history = [(0, 0.8), (40, 0.8)]
    assert "about 57 more answers" in client.get("/api/state")["label"]["status"]["hint"]


def test_a_model_the_app_cannot_use_is_explained_in_its_words(export: Path, tmp_path: Path) -> None:
    model = tmp_path / "relevance.npz"
    model.write_bytes(b"not a model")
    model.with_suffix(".json").write_text("{}", encoding="utf-8")
    state = AppState.open(export, tmp_path / "labels.csv", model, cache=None)
    note = state.removal_view()["note"]
    assert "relevance.npz cannot be used" in note and not cli_words(note)


def test_a_failed_write_is_tried_again_from_the_page(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(target: Path, payload: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    card = client.get("/api/state")["label"]["card"]
    client.post("/api/answer", {"id": card["id"], "answer": "no"})  # the file exists: the next answer is appended
    append = relevance.labels._append
    monkeypatch.setattr(relevance.labels, "_append", full)
    card = client.get("/api/state")["label"]["card"]
    status, _, body = client.request("POST", "/api/answer", {"id": card["id"], "answer": "yes"})
    error = json.loads(body)["error"]
    assert status == 400 and "(the disk is full); every earlier answer is safe: free some space and try again" in error
    assert not cli_words(error) and "run again" not in error
    assert card["id"] not in load_labels(client.server.state.labels.path).answers
    monkeypatch.setattr(
        relevance.labels, "_append", append
    )  # space again: the page's card, answered again, is saved once
    client.post("/api/answer", {"id": card["id"], "answer": "yes"})
    assert [row["label"] for row in load_labels(client.server.state.labels.path).rows if row["id"] == card["id"]] == [
        "yes"
    ]
