"""Closeness to a "no" answer: the similarities, the test that admits its term, and the bundle that applies it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import relevance.training as training
from relevance.bundle import load_bundle, save_bundle
from relevance.card import ModelCard
from relevance.closeness import closeness_weight, nearest_no, nearest_other_no
from relevance.io import read_export
from relevance.labels import load_labels
from relevance.linear import centre, network_mean
from relevance.score import score_export
from relevance.settings import TrainingSettings
from tests.fakes import HashEmbedder
from tests.test_alike import write_network
from tests.test_model import fit, synthetic


def unit_rows(rng: np.random.Generator, n: int, dim: int = 16) -> np.ndarray:
    X = rng.normal(size=(n, dim))
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)


def test_nearest_no_is_the_centred_cosine_with_the_most_similar_no_answer() -> None:
    rng = np.random.default_rng(0)
    answers, rows = unit_rows(rng, 12), unit_rows(rng, 30)
    y = np.arange(12) % 3 == 0  # answers 0, 3, 6, 9 are "yes"
    mean = network_mean(np.vstack([answers, rows]))
    expected = (centre(rows, mean) @ centre(answers[~y], mean).T).max(axis=1)
    assert np.allclose(nearest_no(rows, answers, y, mean), expected, atol=1e-6)
    # the same title twice gets the same value (worked out once per distinct title)
    twice = nearest_no(np.vstack([rows[:1], rows[:1]]), answers, y, mean)
    assert twice[0] == twice[1]
    assert (nearest_no(rows, answers, np.ones(12, bool), mean) == -1.0).all()  # no "no" answer at all


def test_an_answer_is_compared_with_the_other_no_answers_of_other_titles() -> None:
    rng = np.random.default_rng(1)
    answers = unit_rows(rng, 6)
    answers[5] = answers[4]  # the same title answered "no" twice
    y = np.array([True, False, False, True, False, False])
    mean = network_mean(answers)
    near = nearest_other_no(answers, y, mean)
    c = centre(answers, mean)
    for i in range(6):
        others = [j for j in range(6) if not y[j] and j != i and not np.allclose(answers[j], answers[i])]
        assert np.isclose(near[i], max(c[i] @ c[j] for j in others), atol=1e-6)
    assert near[4] < 0.999 and near[5] < 0.999  # not each other


def simulated(seed: int, effect: float, n: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold decisions, closeness and answers drawn from P(yes) = sigmoid(2 d + effect * closeness)."""
    rng = np.random.default_rng(seed)
    d = rng.normal(-0.5, 1.0, n)
    close = rng.uniform(0.2, 1.0, n)
    y = rng.random(n) < 1.0 / (1.0 + np.exp(-(2.0 * d + effect * (close - 0.6))))
    return d, close, y


def test_the_weight_is_found_when_closeness_to_a_no_makes_yes_less_likely() -> None:
    weights = [closeness_weight(*np.array(simulated(seed, effect=-6.0))[[0, 2, 1]]) for seed in range(20)]
    assert sum(w < 0 for w in weights) >= 16
    # about effect / slope = -3 on the decisions' scale
    assert -5.0 < float(np.median([w for w in weights if w < 0])) < -1.8


def test_no_weight_when_closeness_says_nothing_or_points_the_other_way() -> None:
    # Under the null a 5% test with the sign required admits the term in about 2.5% of draws.
    null = [closeness_weight(d, y, close) for d, close, y in (simulated(seed, effect=0.0) for seed in range(80))]
    assert sum(w != 0.0 for w in null) <= 6
    assert all(w <= 0.0 for w in null)
    other_way = [closeness_weight(d, y, close) for d, close, y in (simulated(seed, effect=6.0) for seed in range(20))]
    assert all(w == 0.0 for w in other_way)


def test_separated_answers_give_a_finite_weight() -> None:
    d = np.linspace(-2, 2, 60)
    close = np.where(d < 0, 1.0, 0.2)
    y = d > 0
    assert np.isfinite(closeness_weight(d, y, close))


def test_a_bundle_adds_the_weighted_closeness_and_keeps_it_on_its_card(tmp_path: Path) -> None:
    X, y = synthetic(200, separation=3.0)
    bundle = fit(X, y)
    rows, _ = synthetic(40, separation=3.0, seed=5)
    plain = bundle.decisions(rows)
    bundle.card = replace(bundle.card, closeness=-2.5)
    near = nearest_no(rows, bundle.examples.vectors, bundle.examples.answers, bundle.model.mean)
    assert np.allclose(bundle.decisions(rows), plain - 2.5 * near)
    loaded = load_bundle(save_bundle(bundle, tmp_path / "m.npz").with_suffix(".npz"))
    assert loaded.card.closeness == -2.5
    assert np.allclose(loaded.decisions(rows), bundle.decisions(rows))


def test_a_card_written_before_closeness_reads_as_none() -> None:
    X, y = synthetic(200, separation=3.0)
    data = json.loads(fit(X, y).card.to_json())
    del data["closeness"]
    assert ModelCard.from_json(json.dumps(data)).closeness == 0.0


def test_train_and_score_say_one_list_when_closeness_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The weight forced (a network small enough for a test rarely passes the answers' test): train's threshold and
    # count, and score's list, must all read the same decisions with it.
    sales = ["Sales Manager", "Head of Sales", "Sales Director", "Marketing Manager", "Brand Manager"]
    tech = ["Java Developer", "Backend Engineer", "Data Engineer", "Network Administrator", "QA Tester"]
    titles = [(t, True) for t in sales] * 6 + [(t, False) for t in tech] * 8
    unlabelled = [f"{t} {n}" for n in ("I", "II", "III") for t in [*tech, "Frontend Developer", "Sales Rep"]]
    write_network(tmp_path, titles, unlabelled)
    monkeypatch.setattr(training, "closeness_weight", lambda *_: -1.5)
    export = read_export(tmp_path / "Connections.csv")
    settings = TrainingSettings(max_wrong_removals=0.05)
    bundle = training.train(export, load_labels(tmp_path / "labels.csv"), HashEmbedder(), settings, cache=None).bundle
    assert bundle.card.closeness < 0
    thresholds = bundle.card.thresholds
    assert thresholds.remove_at_or_below is not None
    rows = score_export(export, bundle, HashEmbedder(), cache=None).rows
    model_removals = [r for r in rows if r.is_model_removal]
    assert len(model_removals) == thresholds.listed - thresholds.held_groups > 0
