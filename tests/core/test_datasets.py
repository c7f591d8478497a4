"""Datasets: generators, split, the array-only standardise and arrays (pure and fast).

The CSV reader is tested in test_csvio.py, the standardisation rule in test_scaling.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlpstudio.core import datasets, scaling
from mlpstudio.core.datasets import DataError, Dataset

LOGIC = ("and", "or", "xor")
MULTICLASS = ("circles", "spirals", "blobs")


# ------------------------------------------------------------------------------------ generators


def test_the_generator_tables_agree() -> None:
    assert set(datasets.GENERATORS) == {
        "and", "or", "xor", "xor-clusters", "xor-plane", "circles",
        "spirals", "blobs", "moons", "checkerboard", "linear",
    }  # fmt: skip
    assert set(datasets.DESCRIPTIONS) == set(datasets.GENERATORS)
    assert all(text and "\n" not in text for text in datasets.DESCRIPTIONS.values())
    assert set(datasets.GENERATOR_CLASSES) == set(datasets.GENERATORS)
    for name, (lo, hi) in datasets.GENERATOR_CLASSES.items():
        assert (lo, hi) == ((2, 8) if name in MULTICLASS else (2, 2))


@pytest.mark.parametrize("name", list(datasets.GENERATORS))
def test_every_generator_makes_well_formed_centred_data(name: str) -> None:
    data = datasets.generate(name, points=150, noise=0.2, seed=3)
    n = 4 if name in LOGIC else 150
    assert data.X.dtype == np.float64 and data.X.shape == (n, 2)
    assert data.y.dtype == np.int64 and data.y.shape == (n,)
    assert data.n_points == n and data.n_features == 2 and data.n_classes == 2
    assert set(data.y.tolist()) == {0, 1}
    assert data.class_names == ["0", "1"] and data.feature_names == ["x1", "x2"]
    assert data.train_mask.dtype == np.bool_ and data.train_mask.all()
    assert data.generator == {"name": name, "points": n, "noise": 0.2, "seed": 3, "classes": 2}
    assert np.isfinite(data.X).all()
    if name not in LOGIC:
        assert np.all(np.abs(data.X.mean(axis=0)) < 0.5)
        assert 0.5 < np.abs(data.X).max() < 6


@pytest.mark.parametrize("name", list(datasets.GENERATORS))
def test_the_same_seed_gives_the_same_bits_and_another_seed_other_data(name: str) -> None:
    a = datasets.generate(name, points=120, noise=0.3, seed=11)
    b = datasets.generate(name, points=120, noise=0.3, seed=11)
    c = datasets.generate(name, points=120, noise=0.3, seed=12)
    assert a.X.tobytes() == b.X.tobytes() and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


def test_a_generator_dict_regenerates_the_dataset() -> None:
    first = datasets.generate("spirals", points=90, noise=0.4, seed=5, classes=3)
    again = datasets.generate(**first.generator)
    assert again.X.tobytes() == first.X.tobytes() and np.array_equal(again.y, first.y)


@pytest.mark.parametrize(
    ("name", "outputs"), [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0])]
)
def test_logic_sets_are_the_lecture_truth_tables(name: str, outputs: list[int]) -> None:
    data = datasets.generate(name, points=500, noise=0.0, seed=9)
    assert data.X.tolist() == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert data.y.tolist() == outputs
    noisy = datasets.generate(name, noise=0.5, seed=9)
    assert noisy.y.tolist() == outputs
    assert not np.array_equal(noisy.X, data.X)
    assert np.abs(noisy.X - data.X).max() < 1.0


@pytest.mark.parametrize("name", MULTICLASS)
@pytest.mark.parametrize("classes", [3, 8])
def test_multiclass_generators_make_balanced_classes(name: str, classes: int) -> None:
    data = datasets.generate(name, points=200, noise=0.1, seed=0, classes=classes)
    assert data.n_classes == classes
    assert data.class_names == [str(k) for k in range(classes)]
    counts = np.bincount(data.y, minlength=classes)
    assert len(counts) == classes and counts.max() - counts.min() <= 1


def test_noiseless_geometry_is_as_documented() -> None:
    plane = datasets.generate("xor-plane", points=300, seed=1)
    assert np.array_equal(plane.y, (plane.X[:, 0] * plane.X[:, 1] < 0).astype(np.int64))

    clusters = datasets.generate("xor-clusters", points=300, seed=1)
    assert np.array_equal(clusters.y, (clusters.X[:, 0] * clusters.X[:, 1] < 0).astype(np.int64))

    rings = datasets.generate("circles", points=400, seed=1, classes=4)
    radius = np.hypot(rings.X[:, 0], rings.X[:, 1])
    for k in range(3):  # every ring lies wholly inside the next one
        assert radius[rings.y == k].max() < radius[rings.y == k + 1].min()

    board = datasets.generate("checkerboard", points=400, seed=1)
    cells = np.floor((board.X + 1) * 2).astype(int)
    assert np.array_equal(board.y, (cells[:, 0] + cells[:, 1]) % 2)
    assert np.abs(board.X).max() <= 1.0


def test_noise_makes_data_messier() -> None:
    clean = datasets.generate("blobs", points=300, noise=0.0, seed=2, classes=3)
    messy = datasets.generate("blobs", points=300, noise=1.0, seed=2, classes=3)

    def spread(data: Dataset) -> float:
        return float(np.mean([data.X[data.y == k].std(axis=0) for k in range(3)]))

    assert spread(messy) > 3 * spread(clean)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"name": "nope"}, ["nope", "xor", "spirals"]),
        ({"name": 3}, ["3"]),
        ({"name": "moons", "points": 0}, ["points", "0"]),
        ({"name": "moons", "points": 1_000_001}, ["points", "1000001"]),
        ({"name": "moons", "points": 2.5}, ["points"]),
        ({"name": "moons", "points": True}, ["points"]),
        ({"name": "moons", "noise": -0.1}, ["noise"]),
        ({"name": "moons", "noise": 1.5}, ["noise"]),
        ({"name": "moons", "noise": float("nan")}, ["noise", "nan"]),
        ({"name": "moons", "noise": "a"}, ["noise"]),
        ({"name": "moons", "seed": -1}, ["seed"]),
        ({"name": "xor", "classes": 3}, ["'xor'", "exactly 2", "3"]),
        ({"name": "blobs", "classes": 1}, ["'blobs'", "2 to 8", "1"]),
        ({"name": "spirals", "classes": 9}, ["'spirals'", "2 to 8", "9"]),
    ],
)
def test_bad_generator_arguments_raise_clear_errors(kwargs: dict, words: list[str]) -> None:
    with pytest.raises(DataError) as info:
        datasets.generate(**kwargs)
    for word in words:
        assert word in str(info.value)


# ---------------------------------------------------------------------- dataset and from_arrays


def test_dataset_fills_defaults_and_copy_is_deep() -> None:
    data = Dataset(X=[[1, 2], [3, 4], [5, 6]], y=[0, 2, 1], generator={"name": "x", "a": [1]})
    assert data.X.dtype == np.float64 and data.y.dtype == np.int64
    assert data.class_names == ["0", "1", "2"] and data.feature_names == ["x1", "x2"]
    assert data.train_mask.tolist() == [True, True, True]

    twin = data.copy()
    twin.X[0, 0] = 99
    twin.y[0] = 1
    twin.train_mask[0] = False
    twin.class_names[0] = "zero"
    twin.generator["a"].append(2)
    assert data.X[0, 0] == 1 and data.y[0] == 0 and data.train_mask[0]
    assert data.class_names[0] == "0" and data.generator["a"] == [1]


def test_train_and_test_views_follow_the_mask() -> None:
    data = Dataset(
        X=np.arange(8.0).reshape(4, 2), y=[0, 1, 0, 1], train_mask=[True, False, True, False]
    )
    assert data.X_train.tolist() == [[0, 1], [4, 5]] and data.y_train.tolist() == [0, 0]
    assert data.X_test.tolist() == [[2, 3], [6, 7]] and data.y_test.tolist() == [1, 1]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"X": [1.0, 2.0], "y": [0, 1]}, ["2-D"]),
        ({"X": [[1.0], [2.0]], "y": [0, 1, 1]}, ["shape"]),
        ({"X": [[1.0], [np.nan]], "y": [0, 1]}, ["X[1, 0]", "finite"]),
        ({"X": [[1.0], [np.inf]], "y": [0, 1]}, ["finite"]),
        ({"X": [[1.0], [2.0]], "y": [0.5, 1]}, ["integer"]),
        ({"X": [[1.0], [2.0]], "y": [0, -1]}, ["negative"]),
        ({"X": [[1.0], [2.0]], "y": [0, 2], "class_names": ["a", "b"]}, ["2", "class names"]),
        ({"X": [[1.0], [2.0]], "y": [0, 1], "class_names": ["a", "a"]}, ["unique"]),
        ({"X": [[1.0], [2.0]], "y": [0, 1], "feature_names": ["a", "b"]}, ["feature"]),
        ({"X": [[1.0], [2.0]], "y": [0, 1], "train_mask": [1, 0]}, ["train_mask"]),
        ({"X": [[1.0], [2.0]], "y": [0, 1], "train_mask": [True]}, ["train_mask"]),
    ],
)
def test_dataset_rejects_inconsistent_fields(kwargs: dict, words: list[str]) -> None:
    with pytest.raises(DataError) as info:
        Dataset(**kwargs)
    for word in words:
        assert word in str(info.value)


def test_from_arrays_copies_and_validates() -> None:
    X = np.array([[0.5, 1.0], [2.0, 3.0]])
    y = np.array([1, 0])
    data = datasets.from_arrays(X, y, class_names=["no", "yes"], feature_names=["a", "b"])
    X[0, 0] = 7.0
    y[0] = 0
    assert data.X[0, 0] == 0.5 and data.y[0] == 1
    assert data.class_names == ["no", "yes"] and data.feature_names == ["a", "b"]
    assert datasets.from_arrays([[1.0], [2.0]], [0, 1]).class_names == ["0", "1"]
    with pytest.raises(DataError, match="finite"):
        datasets.from_arrays([[1.0], [float("nan")]], [0, 1])
    with pytest.raises(DataError, match="shape"):
        datasets.from_arrays([[1.0], [2.0]], [0])
    with pytest.raises(DataError, match="numbers"):
        datasets.from_arrays([["a"], ["b"]], [0, 1])


# ------------------------------------------------------------------------ split and standardise


def test_split_holds_out_the_rounded_ratio_reproducibly() -> None:
    data = datasets.generate("moons", points=200, seed=0)
    part = datasets.split(data, 0.25, seed=4)
    assert (~part.train_mask).sum() == 50 and part.X_train.shape == (150, 2)
    assert data.train_mask.all()  # the original is untouched
    assert np.array_equal(part.train_mask, datasets.split(data, 0.25, seed=4).train_mask)
    assert not np.array_equal(part.train_mask, datasets.split(data, 0.25, seed=5).train_mask)
    assert part.X.tobytes() == data.X.tobytes() and part.generator == data.generator
    assert (~datasets.split(data, 0.333, seed=0).train_mask).sum() == round(200 * 0.333)
    assert datasets.split(data, 0.0, seed=0).train_mask.all()


def test_split_keeps_a_training_point() -> None:
    xor = datasets.generate("xor")
    part = datasets.split(xor, 0.9, seed=0)  # round(3.6) = 4 test points would leave none
    assert part.train_mask.sum() == 1
    assert datasets.split(datasets.from_arrays([[0.0]], [0]), 0.9, seed=0).train_mask.all()


@pytest.mark.parametrize("ratio", [-0.1, 0.95, 1.0, float("nan")])
def test_split_rejects_ratios_outside_0_to_0_9(ratio: float) -> None:
    with pytest.raises(DataError, match="test_ratio"):
        datasets.split(datasets.generate("xor"), ratio, seed=0)


def test_standardise_gives_zero_mean_unit_std_and_survives_a_constant_column() -> None:
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(5, 3, 100), rng.normal(-2, 0.1, 100), np.full(100, 0.1)])
    Z, mean, std = scaling.standardise(X)
    assert np.allclose(Z[:, :2].mean(axis=0), 0) and np.allclose(Z[:, :2].std(axis=0), 1)
    assert std[2] == 1.0 and np.allclose(Z[:, 2], 0) and np.isfinite(Z).all()
    assert np.allclose(mean, X.mean(axis=0))

    other = X[:10] * 2
    Z2, mean2, std2 = scaling.standardise(other, mean, std)
    assert np.array_equal(mean2, mean) and np.array_equal(std2, std)
    assert np.allclose(Z2, (other - mean) / std)
    with pytest.raises(DataError, match="shape"):
        scaling.standardise(X, mean[:2], std)
