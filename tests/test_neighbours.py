"""Smoothing over the network's neighbours: the same pipeline when nothing is smoothed, a row pulled towards
its neighbours when it is, exact neighbour search, and a model that drops smoothing when its answers say so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from relevance import neighbours
from relevance.bundle import Bundle, load_bundle, save_bundle
from relevance.linear import network_mean
from relevance.neighbours import Neighbourhood, Smoothing, _top, distinct_rows, nearest, principal
from relevance.pipeline import build_pipeline
from relevance.settings import TrainingSettings
from relevance.training import fit_bundle
from tests.fakes import HashEmbedder


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def two_groups(rng: np.random.Generator, per_group: int = 100, dim: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Two groups of similar titles, around two directions; y = the first group."""
    centres = np.eye(dim)[:2] * 8.0
    y = np.repeat([True, False], per_group)
    vectors = centres[(~y).astype(int)] + rng.standard_normal((2 * per_group, dim))
    return unit(vectors), y


def fit_on(vectors: np.ndarray, y: np.ndarray, labelled: np.ndarray) -> Bundle:
    """`relevance train`'s fit: the labelled rows, the rest of the network as the population."""
    ids = [str(i) for i in labelled]
    rest = np.setdiff1d(np.arange(len(y)), labelled)
    return fit_bundle(
        vectors[labelled],
        y[labelled],
        network_mean(vectors),
        embedder=HashEmbedder(),
        ids=ids,
        texts=ids,
        population=vectors[rest],
    )


def test_the_network_mean_is_over_the_rows_with_text_only() -> None:
    rng = np.random.default_rng(3)
    rows = rng.standard_normal((50, 8)).astype(np.float32)
    with_blanks = np.insert(rows, [0, 10, 10, 50], 0.0, axis=0)  # rows without a title are zero vectors
    assert np.allclose(network_mean(with_blanks), rows.mean(axis=0), atol=1e-6)
    broken = np.vstack([with_blanks, np.full((1, 8), np.nan, np.float32)])  # a vector no embedder should give
    assert np.allclose(network_mean(broken), rows.mean(axis=0), atol=1e-6)
    assert not network_mean(np.zeros((4, 8), np.float32)).any()


def test_nothing_smoothed_is_the_pipeline_itself_with_and_without_signals() -> None:
    rng = np.random.default_rng(0)
    vectors, y = two_groups(rng)
    vectors[5] = 0.0  # a row without a title
    vectors[7] = vectors[8]  # two people with the same title
    mean = network_mean(vectors)
    alone = Neighbourhood(vectors, mean, Smoothing(own=1.0))
    title_only = build_pipeline(mean).fit(vectors[::3], y[::3])
    assert np.allclose(alone.decisions(title_only), title_only.decision_function(vectors), atol=1e-5)
    block = rng.random((len(vectors), 4)).astype(np.float32) * 0.25
    with_signals = build_pipeline(mean, extra=4).fit(np.hstack([vectors, block])[::3], y[::3])
    assert np.allclose(
        alone.decisions(with_signals, block), with_signals.decision_function(np.hstack([vectors, block])), atol=1e-5
    )
    with pytest.raises(ValueError, match="signal columns"):
        alone.decisions(with_signals)


def test_a_title_is_pulled_towards_its_neighbours_and_its_signals_stay_its_own() -> None:
    rng = np.random.default_rng(1)
    vectors, y = two_groups(rng)
    mean = network_mean(vectors)
    pipeline = build_pipeline(mean).fit(vectors, y)
    raw = pipeline.decision_function(vectors)
    smoothed = Neighbourhood(vectors, mean).decisions(pipeline)
    # the groups stay apart, and every row moves towards its group's typical score
    assert smoothed[y].min() > smoothed[~y].max()
    assert np.std(smoothed[y]) < np.std(raw[y]) and np.std(smoothed[~y]) < np.std(raw[~y])
    # a signal column shifts its own row by exactly its weight, whatever the neighbours
    block = np.zeros((len(vectors), 1), np.float32)
    block[3] = 0.25
    with_signal = build_pipeline(mean, extra=1).fit(np.hstack([vectors, block]), y)
    hood = Neighbourhood(vectors, mean)
    shifted = hood.decisions(with_signal, block) - hood.decisions(with_signal, np.zeros_like(block))
    assert shifted[3] == pytest.approx(0.25 * with_signal.named_steps["classify"].coef_[0, -1])
    assert np.allclose(np.delete(shifted, 3), 0.0)


def test_same_titles_score_the_same_and_rows_without_a_title_are_not_neighbours() -> None:
    rng = np.random.default_rng(2)
    vectors, y = two_groups(rng, per_group=30)
    vectors[10:20] = vectors[10]
    vectors[40:45] = 0.0
    hood = Neighbourhood(vectors, network_mean(vectors), Smoothing(neighbours=5))
    assert len(hood.distinct) == 60 - 9 - 5
    assert hood.nearest.shape == (46, 5) and hood.nearest.max() < 46  # the graph joins distinct titles only
    assert np.abs(hood.distinct).sum(axis=1).min() > 0
    decisions = hood.decisions(build_pipeline(network_mean(vectors)).fit(vectors[hood.judged], y[hood.judged]))
    assert np.allclose(decisions[10:20], decisions[10]) and np.allclose(decisions[40:45], decisions[40])


def test_distinct_rows_give_the_rows_back_whatever_their_order() -> None:
    rng = np.random.default_rng(5)
    titles = unit(rng.standard_normal((7, 8)))
    rows = titles[rng.integers(0, 7, 40)]
    distinct, inverse = distinct_rows(rows)
    assert len(distinct) == len(np.unique(rows, axis=0)) and np.array_equal(distinct[inverse], rows)
    shuffled, _ = distinct_rows(rows[rng.permutation(40)])
    assert np.array_equal(shuffled, distinct)  # same titles, another order: the same distinct rows, same order


def test_neighbour_search_is_exact_and_ties_never_give_more_than_k() -> None:
    rng = np.random.default_rng(3)
    points = unit(rng.standard_normal((300, 16)))
    found = nearest(points, 7)
    similarity = points @ points.T
    np.fill_diagonal(similarity, -np.inf)
    expected = np.argsort(-similarity, axis=1)[:, :7]
    assert all(set(a) == set(b) for a, b in zip(found.tolist(), expected.tolist(), strict=True))
    tied = np.zeros((3, 10), np.float32)
    tied[0, 2:6] = 1.0
    top = _top(tied, 3)
    assert top.shape == (3, 3) and set(top[0]) <= {2, 3, 4, 5}
    assert nearest(points[:1], 5).shape == (1, 0)
    many = unit(rng.standard_normal((3000, 16)))  # enough columns for the grouped search
    similarity = many @ many.T
    np.fill_diagonal(similarity, -np.inf)
    grouped, brute = nearest(many, 20), np.argsort(-similarity, axis=1)[:, :20]
    assert all(set(a) == set(b) for a, b in zip(grouped.tolist(), brute.tolist(), strict=True))


def test_principal_components_keep_unit_length() -> None:
    points = unit(np.random.default_rng(4).standard_normal((500, 64)))
    projected = principal(points, 16)
    assert projected.shape == (500, 16) and np.allclose(np.linalg.norm(projected, axis=1), 1.0, atol=1e-5)
    assert principal(points[:10], 16) is not None and principal(points, 128).shape == (500, 64)


def test_a_bundle_scores_smoothed_after_saving_and_loading(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    vectors, y = two_groups(rng, per_group=150)
    bundle = fit_on(vectors, y, rng.permutation(len(y))[:80])
    assert bundle.smoothing == Smoothing() and bundle.card.smoothing_check["smoothed"] > 0.9
    save_bundle(bundle, tmp_path / "m.npz")
    loaded = load_bundle(tmp_path / "m.npz")
    assert np.array_equal(bundle.probabilities(vectors), loaded.probabilities(vectors))
    assert not np.allclose(bundle.decisions(vectors), bundle.model.decision_function(vectors))


def test_smoothing_is_dropped_when_the_answers_disagree_with_the_neighbours() -> None:
    """Groups of near-identical titles where the user answers by one detail the classifier learns (a mostly-yes
    group holds some no, and the other way round): averaging over neighbours would blur exactly that."""
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((10, 48)) * 3.0
    centres[:, 0] = 0.0
    group = np.repeat(np.arange(10), 30)
    y = rng.random(300) < np.where(group % 2 == 0, 0.8, 0.2)
    vectors = centres[group] + rng.standard_normal((300, 48)) * 0.3
    vectors[:, 0] = np.where(y, 2.0, -2.0)
    vectors = unit(vectors)
    labelled = rng.permutation(300)[:150]
    bundle = fit_on(vectors, y, labelled)
    check = bundle.card.smoothing_check
    assert check["smoothed"] < check["each row alone"] - 0.005
    assert bundle.smoothing is None and bundle.card.smoothing is None
    assert np.allclose(bundle.decisions(vectors), bundle.model.decision_function(vectors))
    # Each row alone, the regression reads the answers more closely than the smoothed model's C allows.
    settings = TrainingSettings()
    assert settings.unsmoothed_C > settings.C
    closer, looser = (
        build_pipeline(network_mean(vectors), C).fit(vectors[labelled], y[labelled]).decision_function(vectors)
        for C in (settings.unsmoothed_C, settings.C)
    )
    assert np.allclose(bundle.model.decision_function(vectors), closer, atol=1e-6)
    assert not np.allclose(closer, looser, atol=1e-3)


def test_a_big_network_searches_its_neighbours_once_and_survives_a_damaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELEVANCE_CACHE", str(tmp_path))
    monkeypatch.setattr(neighbours, "CACHE_FROM", 10)
    vectors, _ = two_groups(np.random.default_rng(7), per_group=40)
    first = Neighbourhood(vectors, network_mean(vectors))
    stored = list((tmp_path / "neighbours").glob("*.npy"))
    assert len(stored) == 1

    def never(*args: object) -> np.ndarray:
        raise AssertionError("searched again")

    with monkeypatch.context() as patched:
        patched.setattr(neighbours, "nearest", never)
        again = Neighbourhood(vectors[::-1], network_mean(vectors))  # same titles, other order: same graph
        assert np.array_equal(again.nearest, first.nearest)
    stored[0].write_bytes(b"not an array")
    assert np.array_equal(Neighbourhood(vectors, network_mean(vectors)).nearest, first.nearest)
    monkeypatch.setenv("RELEVANCE_CACHE", "off")
    monkeypatch.setattr(neighbours, "nearest", never)
    with pytest.raises(AssertionError, match="searched again"):
        Neighbourhood(vectors, network_mean(vectors))
