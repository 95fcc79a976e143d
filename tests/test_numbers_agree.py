"""One answer to "how many do I remove?": the terminal summary, the HTML report and scored.csv agree (issue 12).

A small scored run with the fake embedder, hidden members in the export, the person's own answers and rows with
nothing to judge by; once with a removal list and once without. Each output is read the way a person reads it
(the sentences, the page, the file), and every count they share must be the same.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from fakes import HashEmbedder, make_card

from relevance.bundle import Bundle, Examples
from relevance.io import Export
from relevance.labels import Labels
from relevance.linear import LinearModel
from relevance.records import Connection
from relevance.report import build_report, read_scored, report_scored
from relevance.score import score_export
from relevance.scored_file import write_scored
from relevance.summary import summarise

GHOSTS = 7
NOT_AUDIENCE = ["Java Developer", "Backend engineer", "DevOps engineer"]
AUDIENCE = ["Sales Director", "Head of Sales", "Sales Manager"]


def network() -> Export:
    people = [Connection(id=f"dev-{i}", position=NOT_AUDIENCE[i % 3], first_name=f"D{i}") for i in range(40)]
    people += [Connection(id=f"sales-{i}", position=AUDIENCE[i % 3], first_name=f"S{i}") for i in range(20)]
    people += [Connection(id=f"mixed-{i}", position="Sales engineer", first_name=f"M{i}") for i in range(6)]
    people += [Connection(id=f"blank-{i}", first_name=f"B{i}") for i in range(4)]  # nothing to judge by
    return Export("Connections.csv", "linkedin", "utf-8", ",", [], {}, people, ghost_rows=GHOSTS)


def bundle(remove_at: float | None) -> Bundle:
    """A model whose decision is the direction from developer titles to sales titles."""
    encode = HashEmbedder().encode
    direction = encode(AUDIENCE).mean(axis=0) - encode(NOT_AUDIENCE).mean(axis=0)
    model = LinearModel(np.zeros(64, np.float32), 12 * direction / np.linalg.norm(direction), np.zeros(0), -1.0)
    examples = Examples(
        ["dev-0", "sales-0"],
        ["Java Developer", "Sales Director"],
        np.array([False, True]),
        encode(["Java Developer", "Sales Director"]),
    )
    card = make_card(remove_at_or_below=remove_at, keep_from=0.6, embedder="fake-hash-64", dim=64)
    card = dataclasses.replace(
        card, thresholds=dataclasses.replace(card.thresholds, more_answers=None if remove_at else 40)
    )
    return Bundle(model, examples, card)


def number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text!r}"
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize("remove_at", [0.2, None], ids=["a removal list", "no removal list yet"])
def test_the_terminal_the_report_and_the_scored_file_say_the_same_numbers(
    tmp_path: Path, remove_at: float | None
) -> None:
    answers = [("dev-1", "no"), ("dev-2", "no"), ("sales-1", "yes")]
    labels = Labels(tmp_path / "labels.csv", ["id", "label"], [{"id": i, "label": a} for i, a in answers])
    scored = score_export(network(), bundle(remove_at), HashEmbedder(), labels=labels, cache=None)
    summary = summarise(scored)
    terminal = "\n".join(summary.lines())
    data = report_scored(scored, tmp_path / "report.html")
    page = unescape((tmp_path / "report.html").read_text(encoding="utf-8"))
    write_scored(scored, tmp_path / "scored.csv")
    with open(tmp_path / "scored.csv", encoding="utf-8", newline="") as handle:
        file_rows = list(csv.DictReader(handle))

    # How many to remove, and whose suggestion each is: the model's, or the person's own "no".
    own_no = sum(r["suggestion"] == "remove" and r["label"] == "no" for r in file_rows)
    model = sum(r["suggestion"] == "remove" and r["label"] == "" for r in file_rows)
    # dev-0 was answered when the model was trained: its answer carries over.
    assert own_no == 3 and (model > 0) == (remove_at is not None)
    assert (summary.removals, summary.model_removals, summary.answered_removals) == (model + own_no, model, own_no)
    sentence = summary.removal_sentence()
    assert sentence in terminal and sentence in page  # the same words in both places
    if model:
        said = f"Remove {model + own_no:,} ({model:,} suggested by the model + {own_no:,} you answered no)"
        assert said in terminal and said in page
        assert "Wrong removals:" in page
    else:
        assert "No removal list yet" in terminal and "No removal list yet" in page
        assert "Label about 40 more" in terminal and "Label about 40 more" in page
        assert "Wrong removals:" not in page and "Left for you:" not in page
    found = re.search(r'id="report-data">(.*?)</script>', page, re.S)
    assert found
    payload = json.loads(found.group(1))
    parts = [part for start, end, _, part in payload["batches"] for _ in range(start, end)]
    assert parts == ["model"] * model + ["answered"] * own_no  # the model's list first, the person's own apart
    assert all(payload["people"][c[0]][5] == "remove" for c in payload["checklist"])

    # How many LinkedIn counts: every row of the file and the hidden members it leaves out.
    on_linkedin = len(file_rows) + GHOSTS
    assert number(r"LinkedIn counts ([\d,]+) connections", terminal) == on_linkedin
    assert number(r"LinkedIn counts ([\d,]+) connections", page) == on_linkedin
    room = f"{30_000 - on_linkedin:,} below LinkedIn's 30,000 cap"  # one wording (the report said "100% of the cap")
    assert room in terminal and room in page

    # How many have nothing to judge by.
    without = sum(r["score"] == "" for r in file_rows)
    assert without == 4
    assert number(r"([\d,]+) without a position or headline", terminal) == without
    assert number(r"([\d,]+) connections without a position or headline", page) == without

    # `relevance report scored.csv --model M` counts the same from the file (hidden members are not in it).
    again = build_report(read_scored(tmp_path / "scored.csv"), card=scored.bundle.card).summary
    assert dataclasses.replace(again, ghost_rows=GHOSTS) == summary
    assert data.summary == summary
