"""Choosing what to label next: coverage first, then the model's doubts; never a row already answered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fakes import fake_vectors
from hypothesis import given, settings
from hypothesis import strategies as st

from relevance import sampling
from relevance.guess import cv_quality, fit_model
from relevance.labels import load_labels
from relevance.records import Connection
from relevance.sampling import (
    CHECK,
    CHECKS_FROM,
    EXPLORE,
    POOL_FACTOR,
    STRATEGIES,
    add_sample,
    choose,
    choose_picks,
    effective_strategy,
    group_rows,
)


def blobs(per_blob: int = 30, n_blobs: int = 6, dim: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors in tight, well separated blobs; blob b is the audience when b is even. Row 0 has no text."""
    rng = np.random.default_rng(seed)
    centres = np.eye(dim)[:n_blobs] * 3
    blob = np.repeat(np.arange(n_blobs), per_blob)
    vectors = centres[blob] + rng.normal(scale=0.3, size=(len(blob), dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[0] = 0
    return vectors.astype(np.float32), blob


def network(count: int = 60) -> list[Connection]:
    titles = ["Head of Sales", "Sales Manager", "Java Developer", "Nurse", "Recruiter", "Accountant"]
    return [
        Connection(id=f"id{i}", first_name=f"P{i}", last_name="Test", position=titles[i % len(titles)])
        for i in range(count)
    ]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_never_answered_excluded_or_textless(strategy: str) -> None:
    vectors, blob = blobs()
    answered = {i: bool(blob[i] % 2 == 0) for i in range(1, 180, 7)}
    exclude = {2, 3, 4}
    chosen = choose(vectors, answered, 40, strategy=strategy, exclude=exclude)
    assert len(chosen) == len(set(chosen)) == 40
    assert not set(chosen) & (answered.keys() | exclude | {0})


@settings(max_examples=25, deadline=None)
@given(
    answered=st.dictionaries(st.integers(0, 89), st.booleans(), max_size=80),
    n=st.integers(1, 30),
    strategy=st.sampled_from(STRATEGIES),
)
def test_choices_are_always_new_rows(answered: dict[int, bool], n: int, strategy: str) -> None:
    vectors, _ = blobs(per_blob=15)
    chosen = choose(vectors, answered, n, strategy=strategy, seed=1)
    open_rows = set(range(1, 90)) - answered.keys()
    assert set(chosen) <= open_rows
    assert len(chosen) == len(set(chosen)) == min(n, len(open_rows))


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_deterministic_given_a_seed(strategy: str) -> None:
    vectors, blob = blobs()
    answered = {i: bool(blob[i] % 2 == 0) for i in range(1, 180, 9)}
    assert choose(vectors, answered, 10, strategy=strategy, seed=3) == choose(
        vectors, answered, 10, strategy=strategy, seed=3
    )


def test_cold_start_covers_every_part_of_the_network() -> None:
    vectors, blob = blobs()
    chosen = choose(vectors, {}, 6, strategy="auto")
    assert sorted(blob[chosen]) == [0, 1, 2, 3, 4, 5]


def test_a_second_diverse_batch_goes_where_no_answer_is() -> None:
    vectors, blob = blobs()
    first = choose(vectors, {}, 3, strategy="diverse")
    answered = {i: True for i in first}
    second = choose(vectors, answered, 3, strategy="diverse")
    assert not set(blob[first]) & set(blob[second])


def test_uncertain_asks_between_the_two_answers() -> None:
    # points along a line from a clear "no" to a clear "yes": the model is least sure in the middle
    t = np.linspace(0, 1, 101)[:, None]
    vectors = np.hstack([1 - t, t, np.full_like(t, 0.1)]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    answered = {0: False, 1: False, 2: False, 98: True, 99: True, 100: True}
    chosen = choose(vectors, answered, 5, strategy="uncertain")
    assert all(35 <= i <= 65 for i in chosen)


def test_auto_switches_to_the_model_once_both_answers_are_common() -> None:
    vectors, blob = blobs()
    few = {i: bool(blob[i] % 2 == 0) for i in (1, 31, 61)}
    many = {i: bool(blob[i] % 2 == 0) for i in range(1, 180, 3)}
    assert len(many) >= CHECKS_FROM  # the ranking has settled: checks of the removal list come in
    assert effective_strategy("auto", few) == "diverse"
    assert effective_strategy("auto", many) != "diverse"
    assert choose(vectors, few, 8, strategy="auto") == choose(vectors, few, 8, strategy="diverse")
    model = fit_model(vectors, many)
    assert model is not None
    doubt = np.abs(model.proba - 0.5)
    picks = choose_picks(vectors, many, 10, strategy="auto", model=model)
    chosen = [row for row, _ in picks]
    assert chosen == choose(vectors, many, 10, strategy="auto", model=model)
    open_doubt = np.sort(np.delete(doubt, [0, *many]))
    # the uncertain share comes from the most uncertain part of the network, the rest at random or as checks
    uncertain = [row for row, why in picks if why == "uncertain"]
    asked = 10 - round(10 * EXPLORE) - round(10 * CHECK)
    assert len(uncertain) == asked
    assert doubt[uncertain].max() <= open_doubt[POOL_FACTOR * asked - 1] + 1e-9
    assert sorted(why for _, why in picks) == sorted(
        ["uncertain"] * asked + ["check"] * round(10 * CHECK) + ["random"] * round(10 * EXPLORE)
    )
    assert len(set(chosen)) == 10
    settling = dict(list(many.items())[: CHECKS_FROM - 10])
    assert "check" not in {why for _, why in choose_picks(vectors, settling, 10, strategy="auto")}


def test_quality_needs_three_of_each_and_is_high_when_separable() -> None:
    vectors, blob = blobs()
    assert cv_quality(vectors, {1: True, 2: True, 50: False, 51: False}) is None
    answered = {i: bool(blob[i] % 2 == 0) for i in range(1, 180, 4)}
    quality = cv_quality(vectors, answered)
    assert quality is not None and quality > 0.9


def test_fit_model_needs_one_of_each() -> None:
    vectors, _ = blobs()
    assert fit_model(vectors, {1: True, 2: True}) is None
    assert fit_model(vectors, {1: True, 40: False}) is not None


def test_add_sample_appends_queued_rows_and_never_repeats(tmp_path: Path) -> None:
    connections = network()
    vectors = fake_vectors(connections)
    labels = load_labels(tmp_path / "labels.csv")
    first = add_sample(labels, connections, vectors, 10)
    second = add_sample(load_labels(tmp_path / "labels.csv"), connections, vectors, 10)
    on_disk = load_labels(tmp_path / "labels.csv")
    assert len(on_disk.queued) == 20 and not on_disk.answers
    assert not {c.id for c in first} & {c.id for c in second}


def test_add_sample_keeps_a_hand_edited_semicolon_file(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_bytes(
        "position;label;notes;id\r\nHead of Sales;ja;met at a fair;id0\r\nNurse;nein;;id3\r\n".encode("cp1252")
    )
    connections = network()
    add_sample(load_labels(path), connections, fake_vectors(connections), 5)
    text = path.read_text("utf-8-sig")
    # the user's columns and rows stay; `picked` (why each new row was asked) joins at the end
    assert text.splitlines()[:3] == [
        "position;label;notes;id;picked",
        "Head of Sales;ja;met at a fair;id0;",
        "Nurse;nein;;id3;",
    ]
    labels = load_labels(path)
    assert labels.delimiter == ";" and labels.columns == ["position", "label", "notes", "id", "picked"]
    assert labels.answers == {"id0": True, "id3": False} and len(labels.queued) == 5
    assert {labels.picked[i] for i in labels.queued} == {"diverse"} and labels.picked["id0"] == ""


def test_check_picks_come_only_from_the_removal_region_and_are_never_asked_again() -> None:
    vectors, blob = blobs(per_blob=60)
    answered = {i: bool(blob[i] % 2 == 0) for i in range(1, 360, 6)}  # past CHECKS_FROM
    model = fit_model(vectors, answered)
    assert model is not None
    proba = model.proba
    asked: set[int] = set()
    for seed in range(8):
        picks = choose_picks(vectors, answered, 10, strategy="auto", model=model, exclude=asked, seed=seed)
        checks = [row for row, why in picks if why == "check"]
        assert len(checks) == round(10 * CHECK)
        assert proba[checks].max() < 0.5  # rows the model would remove, never one it would keep
        assert not set(checks) & (asked | answered.keys())
        asked |= {row for row, _ in picks}


def test_group_rows_asks_first_about_the_title_most_share_farthest_from_any_answer() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(60, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[:12] = vectors[0]  # twelve people share one title
    vectors[12:20] = vectors[12]  # eight another
    vectors[20:24] = vectors[20]  # four: too few to be a group
    mean = vectors.mean(axis=0)
    region = np.arange(40)
    answered = {50: False}
    assert group_rows(vectors, answered, region, mean)[:2] in ([0, 12], [12, 0])
    assert 20 not in group_rows(vectors, answered, region, mean)
    assert group_rows(vectors, {50: False, 5: True}, region, mean) == [12]  # the twelve: answered once, decided
    # an answer next to the twelve's title makes the eight the likelier mistake, though fewer share it
    near = dict(answered)
    vectors[55] = vectors[0] + 0.01 * rng.normal(size=8).astype(np.float32)
    near[55] = True
    assert group_rows(vectors, near, region, mean)[0] == 12
    assert group_rows(vectors, {}, region, mean) == []  # no answers yet: the network is covered first


def test_auto_asks_about_title_groups_first(monkeypatch: pytest.MonkeyPatch) -> None:
    vectors, blob = blobs()
    answered = {i: bool(blob[i] % 2 == 0) for i in range(1, 180, 4)}
    monkeypatch.setattr(sampling, "group_rows", lambda *args: [2, 6])
    picks = choose_picks(vectors, answered, 10, strategy="auto", seed=1)
    assert picks[:2] == [(2, "group"), (6, "group")] and len({row for row, _ in picks}) == 10
