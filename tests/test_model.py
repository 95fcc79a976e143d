"""Training, honest metrics, thresholds, and the bundle's refusals (synthetic vectors: fast)."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from relevance.bundle import Bundle, load_bundle, read_card, save_bundle
from relevance.card import FORMAT_VERSION
from relevance.errors import ModelError
from relevance.linear import network_mean
from relevance.metrics import auc, average_precision
from relevance.removals import plan_removals
from relevance.settings import TrainingSettings
from relevance.training import check_label_counts, fit_bundle


class FakeEmbedder:
    """Only what a bundle records about an embedder."""

    def __init__(self, name: str = "fake-32", dim: int = 32) -> None:
        self.name, self.dim = name, dim

    def encode(self, texts: object) -> np.ndarray:  # pragma: no cover - not used with ready vectors
        raise NotImplementedError


def synthetic(n: int, separation: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors in two clouds, 25% "yes"; ``separation`` 0 makes the labels meaningless."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.25
    direction = rng.normal(size=32)
    X = rng.normal(size=(n, 32)) + separation * np.outer(np.where(y, 1, -1), direction / np.linalg.norm(direction))
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32), y


def fit(X: np.ndarray, y: np.ndarray, seed: int = 0) -> Bundle:
    ids = [f"id{i}" for i in range(len(y))]
    return fit_bundle(
        X, y, network_mean(X), embedder=FakeEmbedder(), ids=ids, texts=ids, settings=TrainingSettings(seed=seed)
    )


def fit_labelled(X: np.ndarray, y: np.ndarray, chosen: np.ndarray, picked: list[str]) -> Bundle:
    """As `relevance train` fits: the ``chosen`` rows answered (and why), the rest of the network the population."""
    ids = [f"id{i}" for i in chosen]
    rest = np.setdiff1d(np.arange(len(y)), chosen)
    return fit_bundle(
        X[chosen],
        y[chosen],
        network_mean(X),
        embedder=FakeEmbedder(),
        ids=ids,
        texts=ids,
        population=X[rest],
        picked=picked,
    )


def auto_answers(X: np.ndarray, y: np.ndarray, count: int) -> np.ndarray:
    """The rows `relevance label` would ask about (auto, batches of 10) until ``count`` are answered."""
    from relevance.sampling import choose, effective_strategy

    answered: dict[int, bool] = {}
    while len(answered) < count:
        mode = effective_strategy("auto", answered)
        for row in choose(X, answered, 10, strategy="auto", seed=len(answered)):
            answered[row] = bool(y[row])
            if effective_strategy("auto", answered) != mode:
                break
    return np.fromiter(answered, dtype=np.intp)


def test_separable_labels_reach_a_high_cross_validated_auc() -> None:
    X, y = synthetic(200, separation=3.0)
    bundle = fit(X, y)
    assert bundle.metrics["roc_auc"].value > 0.95
    assert bundle.remove_at_or_below is not None  # clean enough to suggest removals


def test_shuffled_labels_give_chance_auc_no_leakage() -> None:
    # One null draw is noisy (cross-validated AUC under the null spreads roughly 0.35-0.65): average three.
    aucs = []
    for seed in range(3):
        X, y = synthetic(300, separation=3.0, seed=seed)
        bundle = fit(X, np.random.default_rng(seed + 10).permutation(y))
        aucs.append(bundle.metrics["roc_auc"].value)
        assert bundle.remove_at_or_below is None  # no honest threshold exists, so none is claimed
    assert abs(np.mean(aucs) - 0.5) < 0.08


def test_metrics_come_with_ranges_and_thresholds_are_ordered() -> None:
    X, y = synthetic(200, separation=2.0)
    bundle = fit(X, y)
    for estimate in bundle.metrics.values():
        assert estimate.low <= estimate.high
    remove = bundle.remove_at_or_below
    assert remove is None or remove <= bundle.keep_from
    scores = bundle.probabilities(X)
    assert scores.min() >= 0 and scores.max() <= 1


@pytest.mark.parametrize(
    ("yes", "no", "message"),
    [
        (3, 50, r"you have 3 'yes' answers \(3 yes"),
        (40, 0, "0 'no'"),
        (3, 3, "you have 3 'yes' answers and 3 'no' answers"),
    ],
)
def test_too_few_or_one_sided_labels_are_refused_with_guidance(yes: int, no: int, message: str) -> None:
    with pytest.raises(ModelError, match=message) as caught:
        check_label_counts(yes, no)
    assert "label at least 10 of each" in str(caught.value)


def test_too_few_answers_say_about_how_many_more_the_mix_so_far_takes() -> None:
    # 4 "yes" in 20: 6 more "yes" at one in five is about 30 more answers
    with pytest.raises(ModelError, match="label at least 10 of each, about 30 more at the mix of your answers so far"):
        check_label_counts(4, 16)
    with pytest.raises(ModelError) as caught:  # no "yes" yet: nothing to reckon from
        check_label_counts(0, 20)
    assert "more at the mix" not in str(caught.value)


def test_removal_threshold_needs_enough_evidence() -> None:
    rng = np.random.default_rng(0)
    network = rng.normal(size=2000)
    # Three labels cannot vouch for anyone; two hundred well separated ones can.
    assert plan_removals(network, np.array([-2.0, -1.0, 2.0]), np.array([0, 0, 1]), 0.03).threshold is None
    decisions = np.linspace(-3, 3, 200)
    y = (rng.random(200) < 1 / (1 + np.exp(-3 * decisions))).astype(int)
    removals = plan_removals(network, decisions, y, 0.03)
    assert removals.threshold is not None and removals.threshold < 0.1
    assert removals.wrong_removals.value <= removals.wrong_removals.high <= 0.05
    assert 0.05 < removals.removed < 0.8


def test_actively_chosen_labels_still_give_removals_within_the_bound() -> None:
    # Labels chosen as `relevance label` does (auto, batches of 10) crowd the boundary; the estimate is about the
    # network's unlabelled rows, so it must still allow removals and stay near the realised wrong-removal rate.
    X, y = synthetic(1500, separation=2.0, seed=4)
    chosen = auto_answers(X, y, 100)
    rest = np.setdiff1d(np.arange(len(y)), chosen)
    ids = [f"id{i}" for i in chosen]
    bundle = fit_bundle(
        X[chosen], y[chosen], network_mean(X), embedder=FakeEmbedder(), ids=ids, texts=ids, population=X[rest]
    )
    assert bundle.remove_at_or_below is not None
    removed = bundle.probabilities(X)[rest] <= bundle.remove_at_or_below  # scores read the whole network
    realised = y[rest][removed].mean()
    estimate = bundle.metrics["wrong_removals"]
    assert removed[~y[rest]].mean() > 0.3  # a useful share of the "no" rows
    # the model-based path (no `picked`) may be cautious with auto's checks among the labels, never optimistic
    assert realised <= 0.03 + 0.02 and realised - estimate.value <= 0.02


def test_the_calibration_reads_decisions_between_out_of_fold_and_the_full_fits_own() -> None:
    # An answer left out of its own fold scores like the middle of the network; the full fit knows it. The further
    # the calibrated decisions move towards the full fit's own, the clearer the answers part and the steeper the
    # curve (measured on benchmark networks: longer lists), its estimate still near the realised rate by default.
    X, y = synthetic(1500, separation=2.0, seed=4)
    chosen = auto_answers(X, y, 100)
    rest = np.setdiff1d(np.arange(len(y)), chosen)
    ids = [f"id{i}" for i in chosen]
    slopes = []
    for share in (0.0, TrainingSettings().full_fit_share, 1.0):
        bundle = fit_bundle(
            X[chosen], y[chosen], network_mean(X), embedder=FakeEmbedder(), ids=ids, texts=ids, population=X[rest],
            settings=TrainingSettings(full_fit_share=share),
        )  # fmt: skip
        slopes.append(bundle.card.calibration[0])
        if share == TrainingSettings().full_fit_share:
            removed = bundle.probabilities(X)[rest] <= (bundle.remove_at_or_below or 0.0)
            realised = y[rest][removed].mean()
            assert removed.any() and realised <= 0.03 and abs(realised - bundle.metrics["wrong_removals"].value) <= 0.02
    assert 0.0 < TrainingSettings().full_fit_share < 1.0
    assert slopes[0] < slopes[1] < slopes[2]


def test_fast_metrics_match_scikit_learn() -> None:
    from sklearn.metrics import average_precision_score, roc_auc_score

    rng = np.random.default_rng(0)
    scores, y = rng.integers(0, 5, 100).astype(float), rng.integers(0, 2, 100)
    assert auc(scores, y) == pytest.approx(roc_auc_score(y, scores))
    assert average_precision(scores, y) == pytest.approx(average_precision_score(y, scores))
    scores = rng.random(100)
    assert average_precision(scores, y) == pytest.approx(average_precision_score(y, scores))


@pytest.fixture(scope="module")
def trained() -> Bundle:
    X, y = synthetic(120, separation=3.0)
    return fit(X, y)


@pytest.fixture
def saved(tmp_path: Path, trained: Bundle) -> Path:
    path = tmp_path / "models" / "relevance.npz"
    save_bundle(trained, path)
    return path


def forge(saved: Path, arrays: dict[str, np.ndarray]) -> None:
    """Replace a bundle's arrays and put their SHA-256 in its card, as a hand-made bundle would."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    saved.write_bytes(buffer.getvalue())
    sidecar = saved.with_suffix(".json")
    meta = json.loads(sidecar.read_text())
    meta["sha256"] = hashlib.sha256(saved.read_bytes()).hexdigest()
    sidecar.write_text(json.dumps(meta))


def test_a_bundle_round_trips_with_a_readable_sidecar(saved: Path) -> None:
    meta = json.loads(saved.with_suffix(".json").read_text())
    assert meta["format_version"] == FORMAT_VERSION and (meta["embedder"], meta["dim"]) == ("fake-32", 32)
    assert set(meta["metrics"]) == {"roc_auc", "average_precision", "wrong_removals", "missed"}
    assert len(meta["sha256"]) == 64 and meta["versions"]["scikit-learn"]
    bundle = load_bundle(saved, embedder="fake-32")
    assert bundle.examples.ids[0] == "id0"
    X, _ = synthetic(5, separation=3.0, seed=3)
    assert bundle.probabilities(X).shape == (5,)


def test_a_bundle_named_by_its_card_is_the_same_bundle(tmp_path: Path, trained: Bundle) -> None:
    card = save_bundle(trained, tmp_path / "Model.JSON")  # the arrays go beside the card, not under its name
    assert card == tmp_path / "Model.json" and (tmp_path / "Model.npz").is_file()
    assert load_bundle(tmp_path / "Model.JSON").card.sha256 == load_bundle(tmp_path / "Model.npz").card.sha256
    assert read_card(card).embedder == "fake-32"


def test_a_bundle_from_another_embedder_is_refused(saved: Path) -> None:
    with pytest.raises(ModelError, match="trained with embedder 'fake-32', not 'other'"):
        load_bundle(saved, embedder="other")


def test_a_changed_bundle_is_refused(saved: Path) -> None:
    saved.write_bytes(saved.read_bytes() + b"\0")
    with pytest.raises(ModelError, match="SHA-256 does not match"):
        load_bundle(saved)


def test_a_newer_format_is_refused(saved: Path) -> None:
    sidecar = saved.with_suffix(".json")
    meta = json.loads(sidecar.read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    sidecar.write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="newer relevance"):
        load_bundle(saved)


def test_files_that_are_not_bundles_are_refused(tmp_path: Path, saved: Path) -> None:
    stranger = tmp_path / "stranger.npz"
    stranger.write_bytes(b"anything at all")
    with pytest.raises(ModelError, match="not a model written by `relevance train`"):
        load_bundle(stranger)
    stranger.with_suffix(".json").write_text('{"format": "something else"}')
    with pytest.raises(ModelError, match="not a model written by `relevance train`"):
        load_bundle(stranger)
    with pytest.raises(ModelError, match="there is no model"):
        load_bundle(tmp_path / "missing.npz")


def test_auto_labels_with_checks_give_removals_within_the_limit() -> None:
    # Labelled as `relevance label` does: auto batches, with checks of the removal list once the ranking has
    # settled. The threshold is the model's; the checks test it, and the realised rate stays within the limit.
    from relevance.sampling import choose_picks, effective_strategy

    X, y = synthetic(3000, separation=2.0, seed=4)
    answered: dict[int, bool] = {}
    why: dict[int, str] = {}
    while len(answered) < 200:
        mode = effective_strategy("auto", answered)
        for row, picked in choose_picks(X, answered, 10, strategy="auto", seed=len(answered)):
            answered[row], why[row] = bool(y[row]), picked
            if effective_strategy("auto", answered) != mode:
                break
    chosen = np.fromiter(answered, dtype=np.intp)
    picked = [why[row] for row in chosen]
    assert {"diverse", "uncertain", "random", "check"} <= set(picked)
    rest = np.setdiff1d(np.arange(len(y)), chosen)
    bundle = fit_labelled(X, y, chosen, picked)
    checks = bundle.card.thresholds.checks
    assert bundle.remove_at_or_below is not None and checks is not None and checks.answers > 0
    removed = bundle.probabilities(X)[rest] <= bundle.remove_at_or_below  # scores read the whole network
    realised = y[rest][removed].mean()
    assert removed[~y[rest]].mean() > 0.2
    assert realised <= 0.03 + 0.01 and abs(realised - bundle.metrics["wrong_removals"].value) <= 0.02


def test_checks_that_find_the_audience_raise_the_estimate_and_shorten_the_list() -> None:
    # The same answers, once with 40 checks from the clear "no" side that hold no "yes" and once with the same
    # checks, four of them turned "yes": the model expected next to none there, so the estimate rises.
    X, y = synthetic(2000, separation=3.0, seed=5)
    rng = np.random.default_rng(5)
    lean = X @ (X[y].mean(axis=0) - X[~y].mean(axis=0))
    clear_no = np.flatnonzero((lean < np.quantile(lean, 0.5)) & ~y)
    checks = rng.choice(clear_no, 40, replace=False)
    doubtful = rng.choice(np.setdiff1d(np.arange(len(y)), checks), 80, replace=False)
    chosen = np.concatenate([checks, doubtful])
    tags = ["check"] * 40 + ["uncertain"] * 80
    clean = fit_labelled(X, y, chosen, tags)
    surprised = y.copy()
    surprised[checks[:4]] = True
    raised = fit_labelled(X, surprised, chosen, tags)
    agreed, disagreed = clean.card.thresholds.checks, raised.card.thresholds.checks
    assert agreed is not None and not agreed.disagreed
    assert disagreed is not None and disagreed.disagreed and disagreed.yes >= 1
    assert clean.remove_at_or_below is not None
    assert raised.remove_at_or_below is None or raised.remove_at_or_below < clean.remove_at_or_below


def test_answers_picked_for_doubt_alone_still_give_the_model_based_list() -> None:
    # Checks test the list; they are not needed for one (the estimate is the calibrated model's).
    X, y = synthetic(300, separation=3.0)
    ids = [f"id{i}" for i in range(len(y))]
    bundle = fit_bundle(
        X, y, network_mean(X), embedder=FakeEmbedder(), ids=ids, texts=ids, picked=["uncertain"] * len(y)
    )
    assert bundle.remove_at_or_below is not None and bundle.card.thresholds.checks is None


def test_a_bundle_carrying_a_pickle_never_runs_it(tmp_path: Path, saved: Path) -> None:
    # A shared "model" whose arrays hold a pickled object that would run a command when unpickled: loading it
    # must refuse, not run it, even with a card vouching for the file's hash.
    import os

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return os.system, (f"touch {tmp_path / 'ran'}",)

    arrays = dict(np.load(saved))
    arrays["example_ids"] = np.array([Payload()], dtype=object)
    forge(saved, arrays)
    with pytest.raises(ModelError, match="not a model written by `relevance train`"):
        load_bundle(saved)
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("key", ["embedder", "versions", "thresholds", "calibration", "smoothing", "metrics"])
def test_a_card_with_a_missing_or_mistyped_key_is_a_clear_error(saved: Path, key: str) -> None:
    sidecar = saved.with_suffix(".json")
    meta = json.loads(sidecar.read_text())
    for broken in ({k: v for k, v in meta.items() if k != key}, {**meta, key: 7}, {**meta, key: None}):
        if key == "smoothing" and broken.get(key) is None:
            continue  # a card without smoothing (missing or null) scores each row on its own
        sidecar.write_text(json.dumps(broken))
        with pytest.raises(ModelError) as error:
            load_bundle(saved)
        assert str(error.value).startswith(f"{sidecar.name} is damaged (") and str(error.value).endswith(
            "— retrain with `relevance train`"
        )  # not, as once for a null embedder, "score with --embedder None"


@pytest.mark.parametrize("written", ["2", 2.0, None, True])
def test_a_format_version_that_is_not_a_whole_number_is_not_called_newer(saved: Path, written: object) -> None:
    sidecar = saved.with_suffix(".json")
    sidecar.write_text(json.dumps({**json.loads(sidecar.read_text()), "format_version": written}))
    with pytest.raises(ModelError) as error:
        load_bundle(saved)
    assert (
        str(error.value) == f"{sidecar.name} is not a model written by `relevance train` (no format version) — retrain"
    )


def test_a_bundle_path_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="is a folder"):
        load_bundle(tmp_path)


@pytest.mark.parametrize("array", ["title_weights", "intercept", "example_vectors"])
def test_a_bundle_holding_numbers_that_are_not_finite_is_refused(saved: Path, array: str) -> None:
    # Hand-made, with its hash recomputed: it runs nothing, but would turn every score into NaN without a word.
    arrays = dict(np.load(saved))
    arrays[array] = np.full_like(arrays[array], np.nan)
    forge(saved, arrays)
    with pytest.raises(ModelError, match="not finite"):
        load_bundle(saved)
