"""The one standardisation rule: fitted on the training points, stored, applied everywhere alike."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mlpstudio.core import datasets, scaling
from mlpstudio.core.datasets import DataError, Dataset
from mlpstudio.core.network import Network
from mlpstudio.core.project import Project
from mlpstudio.core.scaling import Standardisation, apply_standardisation, fit_standardisation


def held_out(X_train: np.ndarray, X_test: np.ndarray) -> Dataset:
    """Training points followed by test points, labelled alternately."""
    X = np.vstack([X_train, X_test])
    return Dataset(
        X=X,
        y=np.arange(len(X)) % 2,
        train_mask=np.arange(len(X)) < len(X_train),
    )


def training_points(n: int = 80, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.normal(5.0, 3.0, n), rng.normal(-2.0, 0.1, n)])


def test_the_statistics_come_from_the_training_points_only() -> None:
    X_train = training_points()
    tame = held_out(X_train, np.array([[5.0, -2.0]]))
    wild = held_out(X_train, np.array([[1e9, -1e9], [-3e8, 7e8]]))
    s_tame, s_wild = fit_standardisation(tame), fit_standardisation(wild)
    # Test points far out do not move the mean or the spread by a single bit.
    assert s_wild.mean.tobytes() == s_tame.mean.tobytes()
    assert s_wild.std.tobytes() == s_tame.std.tobytes()
    assert np.allclose(s_wild.mean, X_train.mean(axis=0))
    assert np.allclose(s_wild.std, X_train.std(axis=0))


def test_applying_the_fit_gives_mean_0_and_std_1_on_the_training_points() -> None:
    ds = datasets.split(datasets.generate("blobs", 300, 0.4, seed=3, classes=3), 0.3, seed=1)
    ds.X[:] = ds.X * [40.0, 0.01] + [1000.0, -7.0]  # features on very different scales
    s = fit_standardisation(ds)
    Z = apply_standardisation(s, ds)
    assert np.allclose(Z.X_train.mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(Z.X_train.std(axis=0), 1.0)
    # the test points are shifted by the same numbers, not standardised on their own
    assert np.array_equal(Z.X_test, (ds.X_test - s.mean) / s.std)
    assert not np.allclose(Z.X_test.mean(axis=0), 0.0, atol=1e-12)


def test_applying_to_a_dataset_makes_a_new_one_and_keeps_the_rest() -> None:
    ds = datasets.split(datasets.generate("moons", 50, 0.1, seed=2), 0.2, seed=4)
    before = ds.X.copy()
    Z = apply_standardisation(fit_standardisation(ds), ds)
    assert Z is not ds and np.array_equal(ds.X, before)  # the raw points stay as they were
    assert np.array_equal(Z.y, ds.y) and np.array_equal(Z.train_mask, ds.train_mask)
    assert Z.class_names == ds.class_names and Z.feature_names == ds.feature_names
    assert Z.generator == ds.generator
    s = fit_standardisation(ds)
    assert np.array_equal(apply_standardisation(s, ds.X), Z.X)  # arrays and datasets alike
    assert np.allclose(s.invert(Z.X), ds.X)


def test_the_dict_form_round_trips_exactly_through_json() -> None:
    s = Standardisation([1 / 3, -0.0, 123456789.123456789], [0.1 + 0.2, 5e-12, 1e300 / 1e288])
    d = s.to_dict()
    assert d == {"mean": s.mean.tolist(), "std": s.std.tolist()}
    back = Standardisation.from_dict(json.loads(json.dumps(d)))
    assert back.mean.tobytes() == s.mean.tobytes()  # -0.0 included
    assert back.std.tobytes() == s.std.tobytes()
    fitted = fit_standardisation(held_out(training_points(), training_points(5, seed=1)))
    again = Standardisation.from_dict(json.loads(json.dumps(fitted.to_dict())))
    assert again.mean.tobytes() == fitted.mean.tobytes()
    assert again.std.tobytes() == fitted.std.tobytes()


def test_a_feature_without_spread_gives_no_inf_or_nan() -> None:
    X_train = np.column_stack(
        [np.linspace(-1, 1, 20), np.full(20, 0.1), 1e6 + 1e-11 * np.arange(20)]
    )
    ds = held_out(X_train, np.array([[0.0, 7.0, 3.0]]))
    s = fit_standardisation(ds)
    # constant: computed std may be 1e-17, not 0; near-constant: spread far below the size.
    assert s.std[1] == 1.0 and s.std[2] == 1.0
    Z = apply_standardisation(s, ds)
    assert np.isfinite(Z.X).all()
    assert np.allclose(Z.X_train[:, 1], 0.0) and np.allclose(Z.X_test[:, 1], 6.9)


def test_no_training_points_is_a_clear_error() -> None:
    none_for_training = Dataset(X=np.ones((3, 2)), y=[0, 1, 0], train_mask=np.zeros(3, bool))
    with pytest.raises(DataError, match="no training points"):
        fit_standardisation(none_for_training)
    with pytest.raises(DataError, match="no training points"):
        fit_standardisation(datasets.from_arrays(np.zeros((0, 2)), np.zeros(0, int)))


@pytest.mark.parametrize(
    ("mean", "std", "words"),
    [
        ([0.0, 0.0], [1.0, 0.0], r"std\[1\]: a standard deviation must be above 0 and at least"),
        ([0.0, 0.0], [1.0, 1e-13], r"std\[1\]: .* at least 1e-12, found 1e-13"),
        ([0.0, 0.0], [np.inf, 1.0], r"std\[0\]: a standard deviation must be a finite number"),
        ([np.nan, 0.0], [1.0, 1.0], r"mean\[0\]: a mean must be a finite number"),
        ([0.0, -2e12], [1.0, 1.0], r"mean\[1\]: a mean must lie within ±1e12"),
        ([0.0], [1.0, 1.0], "one value per feature"),
        ([[0.0]], [1.0], "one number per feature"),
        (["a", "b"], [1.0, 1.0], "mean must hold numbers"),
    ],
)
def test_a_standardisation_outside_the_rule_is_refused(mean, std, words) -> None:
    with pytest.raises(DataError, match=words):
        Standardisation(mean, std)


def test_a_feature_too_far_from_zero_to_standardise_is_named() -> None:
    ds = Dataset(X=[[1e13, 0.0], [2e13, 1.0]], y=[0, 1], feature_names=["time", "x"])
    with pytest.raises(DataError, match=r"feature 'time': a mean must lie within ±1e12"):
        fit_standardisation(ds)


def test_the_stored_numbers_are_read_only() -> None:
    s = fit_standardisation(held_out(training_points(), training_points(3, seed=2)))
    with pytest.raises(ValueError, match="read-only"):
        s.mean[0] = 0.0


def test_points_of_the_wrong_width_are_refused() -> None:
    s = Standardisation([0.0, 0.0], [1.0, 1.0])
    with pytest.raises(DataError, match=r"shape \(n, 2\)"):
        s.apply(np.zeros((4, 3)))


def test_a_project_applies_the_same_rule_as_the_app_and_the_command_line() -> None:
    ds = datasets.split(datasets.generate("circles", 120, 0.2, seed=5), 0.25, seed=6)
    s = fit_standardisation(ds)
    p = Project(Network([2, 3, 1], "sigmoid", seed=0), ds, standardisation=s.to_dict())
    assert np.array_equal(p.network_input(ds.X), s.apply(ds.X))
    assert np.array_equal(p.network_input(ds.X[0]), s.apply(ds.X[:1]))  # one point as 1-D
    assert p.scaling is not None and p.scaling.mean.tobytes() == s.mean.tobytes()


def test_the_array_form_agrees_with_the_fitted_rule() -> None:
    X = training_points()
    Z, mean, std = scaling.standardise(X)
    s = fit_standardisation(held_out(X, X[:0]))
    assert mean.tobytes() == s.mean.tobytes() and std.tobytes() == s.std.tobytes()
    assert np.array_equal(Z, s.apply(X))
