"""Datasets: generators, split, standardise, arrays and CSV files (pure and fast)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from mlpstudio.core import datasets
from mlpstudio.core.datasets import DataError, Dataset

LOGIC = ("and", "or", "xor")
MULTICLASS = ("circles", "spirals", "blobs")
IRIS = Path(__file__).resolve().parents[2] / "resources" / "datasets" / "iris.csv"


def write(tmp_path: Path, text: str, name: str = "points.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_error(path: Path, **kwargs: object) -> str:
    with pytest.raises(DataError) as info:
        datasets.read_csv(path, **kwargs)
    return str(info.value)


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
    Z, mean, std = datasets.standardise(X)
    assert np.allclose(Z[:, :2].mean(axis=0), 0) and np.allclose(Z[:, :2].std(axis=0), 1)
    assert std[2] == 1.0 and np.allclose(Z[:, 2], 0) and np.isfinite(Z).all()
    assert np.allclose(mean, X.mean(axis=0))

    other = X[:10] * 2
    Z2, mean2, std2 = datasets.standardise(other, mean, std)
    assert np.array_equal(mean2, mean) and np.array_equal(std2, std)
    assert np.allclose(Z2, (other - mean) / std)
    with pytest.raises(DataError, match="shape"):
        datasets.standardise(X, mean[:2], std)


# -------------------------------------------------------------------------------------- CSV


def test_csv_round_trip_keeps_every_bit_label_name_and_split(tmp_path: Path) -> None:
    data = datasets.generate("spirals", points=60, noise=0.37, seed=8, classes=3)
    data = datasets.split(data, 0.3, seed=1)
    data.X[0] = [0.1, -0.0]  # awkward values: a non-binary fraction and a negative zero
    data.X[1] = [1e-300, 123456789.123456789]
    path = tmp_path / "spirals.csv"

    datasets.write_csv(path, data, include_split=True)
    back = datasets.read_csv(path)
    assert back.X.tobytes() == data.X.tobytes()
    assert np.array_equal(back.y, data.y) and back.class_names == data.class_names
    assert back.feature_names == ["x1", "x2"] and np.array_equal(back.train_mask, data.train_mask)
    assert path.read_text().splitlines()[0] == "x1,x2,label,split"

    datasets.write_csv(path, data)  # overwrite, this time without the split column
    plain = datasets.read_csv(path)
    assert plain.X.tobytes() == data.X.tobytes() and plain.train_mask.all()
    assert sorted(os.listdir(tmp_path)) == ["spirals.csv"]  # no temporary file left behind


def test_csv_round_trip_with_text_class_names(tmp_path: Path) -> None:
    data = datasets.from_arrays(
        [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [0, 1, 0], ["zebra, striped", "ant"], ["w", "h"]
    )
    path = tmp_path / "animals.csv"
    datasets.write_csv(path, data)
    sorted_back = datasets.read_csv(path)  # without class_names the order is sorted
    assert sorted_back.class_names == ["ant", "zebra, striped"]
    assert sorted_back.y.tolist() == [1, 0, 1] and sorted_back.feature_names == ["w", "h"]
    kept = datasets.read_csv(path, class_names=data.class_names)
    assert kept.class_names == data.class_names and np.array_equal(kept.y, data.y)


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, "old contents\n")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(datasets.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        datasets.write_csv(path, datasets.generate("xor"))
    assert path.read_text() == "old contents\n"
    assert os.listdir(tmp_path) == ["points.csv"]


def test_header_is_detected(tmp_path: Path) -> None:
    headed = datasets.read_csv(write(tmp_path, "a,b,label\n1,2,0\n3,4,1\n"))
    assert headed.feature_names == ["a", "b"] and headed.n_points == 2

    bare = datasets.read_csv(write(tmp_path, "1,2,0\n3,4,1\n5,6,1\n"))
    assert bare.feature_names == ["x1", "x2"] and bare.n_points == 3
    assert bare.X[0].tolist() == [1.0, 2.0]

    # Text labels in the first row do not make it a header: the row below has text there too.
    text_labels = datasets.read_csv(write(tmp_path, "1,2,cat\n3,4,dog\n"))
    assert text_labels.n_points == 2 and text_labels.class_names == ["cat", "dog"]

    forced = datasets.read_csv(write(tmp_path, "1,2,0\n3,4,1\n5,6,0\n"), header=True)
    assert forced.feature_names == ["1", "2"] and forced.n_points == 2


def test_columns_by_name_and_by_index(tmp_path: Path) -> None:
    path = write(tmp_path, "id,x,y,kind,z\n1,0.5,1.5,a,9\n2,2.5,3.5,b,8\n")
    by_name = datasets.read_csv(path, features=["y", "x"], label="kind")
    assert by_name.feature_names == ["y", "x"] and by_name.X.tolist() == [[1.5, 0.5], [3.5, 2.5]]
    assert by_name.class_names == ["a", "b"] and by_name.y.tolist() == [0, 1]

    by_index = datasets.read_csv(path, features=[1, 2], label=3)
    assert by_index.feature_names == ["x", "y"] and by_index.X.tolist() == [[0.5, 1.5], [2.5, 3.5]]

    last = datasets.read_csv(path, features=[1], label=-1)  # negative indices count from the end
    assert last.class_names == ["8", "9"] and last.y.tolist() == [1, 0]

    with pytest.raises(DataError, match="line 2, column 'kind'"):
        datasets.read_csv(path, label="id")  # the features default to all other columns
    picked = datasets.read_csv(path, features=["x", "z"], label="id")
    assert picked.X.tolist() == [[0.5, 9.0], [2.5, 8.0]] and picked.class_names == ["1", "2"]


def test_labels_map_to_classes_in_sorted_order(tmp_path: Path) -> None:
    text = datasets.read_csv(write(tmp_path, "x,c\n1,pear\n2,apple\n3,fig\n4,apple\n"))
    assert text.class_names == ["apple", "fig", "pear"] and text.y.tolist() == [2, 0, 1, 0]

    numbers = datasets.read_csv(write(tmp_path, "x,c\n1,10\n2,2\n3,0\n4,2\n"))
    assert numbers.class_names == ["0", "2", "10"] and numbers.y.tolist() == [2, 1, 0, 1]

    floats = datasets.read_csv(write(tmp_path, "x,c\n1,1.0\n2,0.0\n3,1\n"))
    assert floats.class_names == ["0", "1"] and floats.y.tolist() == [1, 0, 1]

    given = datasets.read_csv(
        write(tmp_path, "x,c\n1,pear\n2,apple\n"), class_names=["pear", "plum", "apple"]
    )
    assert given.class_names == ["pear", "plum", "apple"] and given.y.tolist() == [0, 2]
    assert given.n_classes == 3


def test_blank_rows_bom_and_spaces_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_bytes("\ufeffa, b ,label\r\n\r\n 1 ,2,yes\r\n,,\r\n3, 4 , no \r\n".encode())
    data = datasets.read_csv(path)
    assert data.feature_names == ["a", "b"] and data.X.tolist() == [[1, 2], [3, 4]]
    assert data.class_names == ["no", "yes"] and data.y.tolist() == [1, 0]


def test_a_split_column_sets_the_mask_only_when_it_holds_train_and_test(tmp_path: Path) -> None:
    data = datasets.read_csv(write(tmp_path, "x,label,split\n1,a,train\n2,b,TEST\n3,a,train\n"))
    assert data.train_mask.tolist() == [True, False, True] and data.feature_names == ["x"]

    numeric = datasets.read_csv(write(tmp_path, "x,split,label\n1,5,a\n2,6,b\n"))
    assert numeric.feature_names == ["x", "split"] and numeric.train_mask.all()

    chosen = datasets.read_csv(
        write(tmp_path, "x,label,split\n1,a,train\n2,b,test\n"), features=["x"], label="split"
    )
    assert chosen.class_names == ["test", "train"] and chosen.train_mask.all()


def test_iris_reads_as_three_species_of_fifty() -> None:
    iris = datasets.read_csv(IRIS, features=["petal_length", "petal_width"], label="species")
    assert iris.n_points == 150 and iris.X.shape == (150, 2)
    assert iris.class_names == ["setosa", "versicolor", "virginica"]
    assert np.bincount(iris.y).tolist() == [50, 50, 50]
    assert iris.feature_names == ["petal_length", "petal_width"]
    assert np.allclose(iris.X.mean(axis=0), [3.758, 1.199333], atol=1e-6)
    full = datasets.read_csv(IRIS)
    assert full.n_features == 4 and full.n_classes == 3


# ------------------------------------------------------------------------------ CSV errors


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    message = read_error(tmp_path / "absent.csv")
    assert "absent.csv" in message and "not found" in message
    (tmp_path / "folder.csv").mkdir()
    message = read_error(tmp_path / "folder.csv")
    assert "folder.csv" in message and "folder" in message


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"x,label\n1,a\n2,caf\xe9\n")
    message = read_error(path)
    assert message.startswith("latin.csv line 3:") and "UTF-8" in message


def test_no_data_rows(tmp_path: Path) -> None:
    assert "no data rows" in read_error(write(tmp_path, "", "empty.csv"))
    assert "no data rows" in read_error(write(tmp_path, "\n\n", "blank.csv"))
    message = read_error(write(tmp_path, "x1,x2,label\n\n", "header.csv"))
    assert message.startswith("header.csv line 1:") and "no data rows" in message


def test_wrong_number_of_columns(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "x1,x2,label\n1,2,0\n\n3,4\n"))
    assert message.startswith("points.csv line 4:") and "2 columns" in message and "3" in message
    message = read_error(write(tmp_path, "1,2,0\n3,4,1,5\n"))
    assert message.startswith("points.csv line 2:") and "4 columns" in message
    assert "only one column" in read_error(write(tmp_path, "1;2;0\n3;4;1\n"))
    assert "only one column" in read_error(write(tmp_path, "x;y;label\n"))


def test_empty_cells(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "x1,x2,label\n1,2,0\n3,,1\n"))
    assert message.startswith("points.csv line 3, column 'x2':") and "empty" in message
    message = read_error(write(tmp_path, "x1,x2,label\n1,2,0\n3,4,\n"))
    assert message.startswith("points.csv line 3, column 'label':") and "empty" in message


def test_a_non_numeric_feature(tmp_path: Path) -> None:
    rows = "".join(f"{i},{i},0\n" for i in range(5))
    message = read_error(write(tmp_path, f"x1,x2,label\n{rows}1,abc,1\n"))
    assert message == "points.csv line 7, column 'x2': 'abc' is not a number"


def test_the_first_bad_cell_in_reading_order_is_reported(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "x1,x2,label\n1,2,0\n1,bad,0\nbad,2,1\n"))
    assert message.startswith("points.csv line 3, column 'x2':")


@pytest.mark.parametrize("cell", ["nan", "NaN", "inf", "-Infinity"])
def test_non_finite_features(tmp_path: Path, cell: str) -> None:
    message = read_error(write(tmp_path, f"x1,x2,label\n1,2,0\n{cell},2,1\n"))
    assert message.startswith("points.csv line 3, column 'x1':") and "finite" in message


def test_headerless_errors_number_the_columns_from_one(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "1,2,0\n3,x4,1\n"), header=False)
    assert message.startswith("points.csv line 2, column 2:")


def test_unknown_column_names(tmp_path: Path) -> None:
    path = write(tmp_path, "x1,x2,label\n1,2,0\n3,4,1\n")
    message = read_error(path, features=["x1", "x9"])
    assert message.startswith("points.csv line 1, column 'x9':") and "x1, x2, label" in message
    message = read_error(path, label="kind")
    assert message.startswith("points.csv line 1, column 'kind':")
    message = read_error(path, features=[0, 5])
    assert message.startswith("points.csv line 1:") and "column index 5" in message
    assert "3 columns" in message
    assert "header" in read_error(path, features=["x1"], header=False)


def test_fewer_than_two_classes(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "x1,x2,label\n1,2,a\n\n3,4,a\n5,6,a\n"))
    assert message.startswith("points.csv lines 2-5, column 'label':")
    assert "'a'" in message and "2 classes" in message


def test_a_label_that_is_also_a_feature(tmp_path: Path) -> None:
    path = write(tmp_path, "x1,x2,label\n1,2,0\n3,4,1\n")
    message = read_error(path, features=["x1", "label"], label="label")
    assert message.startswith("points.csv line 1, column 'label':") and "feature" in message
    message = read_error(path, features=["x1", "label"])  # the default label is the last column
    assert message.startswith("points.csv line 1, column 'label':")
    assert "chosen twice" in read_error(path, features=["x1", 0])


def test_an_unknown_label_among_given_class_names(tmp_path: Path) -> None:
    path = write(tmp_path, "x,species\n1,setosa\n2,rose\n")
    message = read_error(path, class_names=["setosa", "virginica"])
    assert message.startswith("points.csv line 3, column 'species':") and "'rose'" in message
    assert "at least 2" in read_error(path, class_names=["setosa"])


def test_a_split_column_of_only_test_rows(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "x,label,split\n1,a,test\n2,b,test\n"))
    assert message.startswith("points.csv line 1, column 'split':") and "train" in message
