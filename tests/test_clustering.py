"""k-means over connection vectors (relevance.clustering)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans

import relevance.clustering as clustering


class _BlasFlagsInvalid(KMeans):
    """k-means whose first product reports an invalid value, as OpenBLAS 0.3.31 did now and then in k-means++
    on finite vectors (the rows picked were the same with and without the warning)."""

    def fit(self, X, y=None, sample_weight=None):
        _ = np.array([[np.inf]]) @ np.array([[0.0]])  # numpy: "invalid value encountered in matmul"
        return super().fit(X, y, sample_weight)


def test_a_warning_from_the_products_inside_k_means_does_not_reach_the_person(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    points = np.random.default_rng(0).normal(size=(60, 8)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="invalid value"):
            _BlasFlagsInvalid(2, n_init=1).fit(points)  # the stand-in does warn
        monkeypatch.setattr(clustering, "KMeans", _BlasFlagsInvalid)
        labels, centres = clustering.cluster(points, 3)
    assert labels.shape == (60,) and centres.shape == (3, 8)


def test_vectors_that_are_not_finite_are_still_refused() -> None:
    points = np.random.default_rng(0).normal(size=(20, 4))
    points[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clustering.cluster(points, 2)
