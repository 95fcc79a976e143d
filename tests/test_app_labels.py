"""The app's answers in the labels file survive its compaction (relevance.labels.compact, which `relevance label`
runs when it ends): "removed" / "kept" from the removal list, and the random draws the wrong-removal estimate
trusts, even when one connection is both."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_app import AUDIENCE, fake_embedder, write_export  # noqa: F401  (a fixture, used by name)

from relevance.app.state import AppState
from relevance.io import read_export
from relevance.labeller import Labeller
from relevance.labels import PICKED, Labels, append_rows, compact, label_row, load_labels

IDS = ("a", "b", "c")
ROWS = st.lists(
    st.tuples(st.sampled_from(IDS), st.sampled_from(["yes", "no", ""]), st.sampled_from([*PICKED, "", "Kept"])),
    max_size=12,
)


def meaning(labels: Labels) -> tuple[dict[str, bool | None], dict[str, str], dict[str, str]]:
    """What a labels file says: each id's answer, why it was asked, and its last row's tag (the app reads it)."""
    last = {row["id"]: row.get("picked", "").strip().casefold() for row in labels.rows}
    return labels.latest(), labels.picked, last


@settings(max_examples=300, deadline=None)
@given(rows=ROWS)
def test_compaction_keeps_what_the_file_means(
    rows: list[tuple[str, str, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("labels") / "labels.csv"
    labels = load_labels(path)
    append_rows(labels, [{"id": i, "label": label, "picked": tag} for i, label, tag in rows])
    before = meaning(load_labels(path))
    compact(labels)
    after = load_labels(path)
    assert meaning(after) == before
    assert all(sum(row["id"] == i for row in after.rows) <= 2 for i in IDS)  # still folded
    assert len(after.rows) == len(labels.rows)
    compact(after)  # a second compaction has nothing left to fold
    assert load_labels(path).rows == after.rows


def test_a_random_draw_kept_after_all_stays_both(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    labels = load_labels(path)
    append_rows(labels, [{"id": "a", "label": "no", "picked": "random"}, {"id": "a", "label": "yes", "picked": "kept"}])
    append_rows(labels, [{"id": "b", "label": "no", "picked": "removed"}, {"id": "b", "label": "yes", "picked": ""}])
    append_rows(labels, [{"id": "c", "label": "no", "picked": "check"}, {"id": "c", "label": "no", "picked": "check"}])
    compact(labels)
    rows = [(row["id"], row["label"], row["picked"]) for row in load_labels(path).rows]
    assert rows == [
        ("a", "yes", "random"),
        ("a", "yes", "kept"),
        ("b", "yes", "removed"),
        ("b", "yes", ""),
        ("c", "no", "check"),
    ]


@pytest.mark.slow  # a training: a process of its own
def test_the_removal_list_survives_the_terminal_labeller_compacting(tmp_path: Path) -> None:
    export = write_export(tmp_path / "Connections.csv")
    labels_path, model = tmp_path / "labels.csv", tmp_path / "models" / "relevance.npz"
    # `relevance sample` drew some connections at random: queued, asked first, answered with that tag.
    connections = read_export(export).connections
    append_rows(load_labels(labels_path), [label_row(c, None, "random") for c in connections[:16]])
    state = AppState.open(export, labels_path, model, cache=None, auto_train_every=0)
    for _ in range(40):
        card = state.label_view()["card"]
        state.answer(card["id"], card["position"] in AUDIENCE)
    state.start_training()
    wait(state)
    picked = state.labels.picked
    drawn = [i for i in state.listed if picked.get(i) == "random"]
    chosen = [i for i in state.listed if picked.get(i) != "random"]
    assert len(drawn) >= 2 and chosen
    # On the removal list: a random draw kept after all, one removed, and one the labeller chose removed.
    state.act(drawn[0], "kept")
    state.act(drawn[1], "removed")
    state.act(chosen[0], "removed")
    before = state.removal_view()
    assert (before["removed"], before["kept"]) == (2, 1)
    # The terminal labeller on the same file, then its clean exit: the compaction.
    rows = len(load_labels(labels_path).rows)
    Labeller(connections, state.vectors, load_labels(labels_path)).finish()
    assert len(load_labels(labels_path).rows) < rows  # it did fold something
    again = AppState.open(export, labels_path, model, cache=None, auto_train_every=0)
    after = again.removal_view()
    assert (after["removed"], after["kept"]) == (2, 1)
    states = {row["id"]: row["state"] for b in range(after["batches"]) for row in again.removal_batch(b)["rows"]}
    assert states[drawn[0]] == "kept" and states[drawn[1]] == states[chosen[0]] == "removed"
    # The draws the wrong-removal estimate trusts are still draws, whatever was done with them since.
    assert load_labels(labels_path).picked == state.labels.picked
    assert again.labels.picked[drawn[0]] == again.labels.picked[drawn[1]] == "random"
    assert again.labels.answers == state.labels.answers


def wait(state: AppState, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while state.training.state == "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert state.training.state == "done", state.training.message
