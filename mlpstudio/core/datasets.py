"""Datasets: the points a network learns from.

A :class:`Dataset` is a matrix ``X`` of points (one per row), their class indices ``y``, the names
that go with them, and a mask saying which points are for training. This module makes datasets
(the lecture's logic truth tables and the classic 2-D toy problems, each reproducible from a
seed), splits them into training and test points, standardises features, and reads and writes
CSV files.

Every problem with the data raises :class:`DataError`, whose message says what is wrong and where
(file, line, column), so the app can show it as it is and keep running.
"""

from __future__ import annotations

import copy as _copy
import csv
import io
import math
import operator
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

Array = np.ndarray
Generator = Callable[[int, float, int, int], tuple[Array, Array]]

MAX_POINTS = 1_000_000
MAX_TEST_RATIO = 0.9
SPLIT_COLUMN = "split"
LABEL_COLUMN = "label"


class DataError(ValueError):
    """Bad data or a bad data request; the message names file, line and column where relevant."""


def _where(file: str | None, line: int | None = None, column: str | int | None = None) -> str:
    """``points.csv line 7, column 'x2'``: the start of a message saying where a problem is."""
    place = " ".join(part for part in (file, f"line {line}" if line else None) if part)
    if column is None:
        return place
    # A header gives columns names; without one, columns are counted from 1 like lines.
    col = f"column {column!r}" if isinstance(column, str) else f"column {column}"
    return f"{place}, {col}" if place else col


# --------------------------------------------------------------------------------------------
# The dataset
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)  # eq=False: comparing numpy arrays with == gives arrays, not a bool
class Dataset:
    """Points ``X`` (n, d) float64, class indices ``y`` (n,) int64 and their names.

    Empty ``class_names`` become ``"0", "1", ...`` (up to the largest label), empty
    ``feature_names`` become ``"x1", "x2", ...`` and a missing ``train_mask`` marks every point
    for training. After construction every field holds its documented type.
    """

    X: Array
    y: Array
    class_names: list[str] = field(default_factory=list)
    feature_names: list[str] = field(default_factory=list)
    train_mask: Array | None = None
    generator: dict | None = None

    def __post_init__(self) -> None:
        try:
            X = np.asarray(self.X, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise DataError(f"X must hold numbers: {exc}") from None
        if X.ndim != 2 or X.shape[1] < 1:
            raise DataError(f"X must be a 2-D array (points × features), got shape {X.shape}")
        bad = np.argwhere(~np.isfinite(X))
        if bad.size:
            i, j = (int(v) for v in bad[0])
            raise DataError(f"X[{i}, {j}] is {X[i, j]}: every coordinate must be a finite number")
        n, d = X.shape

        y = _as_labels(self.y)
        if y.shape != (n,):
            raise DataError(f"y must have shape ({n},) to match X, got {y.shape}")
        if n and y.min() < 0:
            raise DataError(f"y holds the negative class index {int(y.min())}")

        names = list(self.class_names)
        if not names:
            names = [str(k) for k in range(int(y.max()) + 1 if n else 0)]
        _check_names(names, "class_names")
        if len(set(names)) != len(names):
            raise DataError(f"class_names must be unique, got {names}")
        if n and y.max() >= len(names):
            raise DataError(
                f"y holds the class index {int(y.max())} but there are only "
                f"{len(names)} class names"
            )

        features = list(self.feature_names) or [f"x{j + 1}" for j in range(d)]
        _check_names(features, "feature_names")
        if len(features) != d:
            raise DataError(f"{len(features)} feature names for {d} feature columns")

        mask = np.ones(n, dtype=bool) if self.train_mask is None else np.asarray(self.train_mask)
        if mask.dtype != np.bool_ or mask.shape != (n,):
            raise DataError(
                f"train_mask must be a boolean array of shape ({n},), got {mask.dtype} {mask.shape}"
            )
        if self.generator is not None and not isinstance(self.generator, dict):
            raise DataError(
                f"generator must be a dict or None, got {type(self.generator).__name__}"
            )

        self.X, self.y, self.class_names, self.feature_names = X, y, names, features
        self.train_mask = mask

    @property
    def n_points(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def X_train(self) -> Array:
        return self.X[self.train_mask]

    @property
    def y_train(self) -> Array:
        return self.y[self.train_mask]

    @property
    def X_test(self) -> Array:
        return self.X[~self.train_mask]

    @property
    def y_test(self) -> Array:
        return self.y[~self.train_mask]

    def copy(self) -> Dataset:
        """A deep copy: nothing in it shares memory with this dataset."""
        return Dataset(
            X=self.X.copy(),
            y=self.y.copy(),
            class_names=list(self.class_names),
            feature_names=list(self.feature_names),
            train_mask=self.train_mask.copy(),
            generator=_copy.deepcopy(self.generator),
        )


def _as_labels(y: object) -> Array:
    """``y`` as int64, accepting floats only when they are whole numbers (e.g. from a file)."""
    arr = np.asarray(y)
    if arr.size == 0:
        return arr.astype(np.int64).reshape(arr.shape)
    if np.issubdtype(arr.dtype, np.integer):
        return arr.astype(np.int64, copy=False)
    if np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr) & (arr == np.round(arr))):
        return arr.astype(np.int64)
    # bool is excluded on purpose: True/False are masks, not class indices.
    raise DataError(f"y must hold integer class indices, got {arr.dtype}")


def _check_names(names: list, what: str) -> None:
    if not all(isinstance(name, str) for name in names):
        raise DataError(f"{what} must be strings, got {names!r}")


def from_arrays(
    X: object,
    y: object,
    class_names: Sequence[str] | None = None,
    feature_names: Sequence[str] | None = None,
) -> Dataset:
    """A validated dataset owning copies of ``X`` and ``y`` (finite numbers, matching shapes)."""
    try:
        X_copy = np.array(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"X must hold numbers: {exc}") from None
    return Dataset(
        X=X_copy,
        y=np.array(_as_labels(y)),
        class_names=list(class_names or []),
        feature_names=list(feature_names or []),
    )


# --------------------------------------------------------------------------------------------
# Generators. Each is f(points, noise, seed, classes) -> (X, y) drawing only from
# np.random.default_rng(seed), so the same arguments give bit-identical data. All draw in about
# [-1, 1]² (the logic tables keep the lecture's 0/1 inputs); `noise` in [0, 1] is scaled to each
# problem's geometry so that 1 means the classes overlap heavily.
# --------------------------------------------------------------------------------------------

_TRUTH_TABLE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _balanced_labels(points: int, classes: int) -> Array:
    """Class indices grouped by class, as equal in number as possible (extras go to class 0..)."""
    return np.sort(np.arange(points, dtype=np.int64) % classes)


def _jitter(rng: np.random.Generator, X: Array, std: float) -> Array:
    # No draw at all when std is 0, so noiseless data does not depend on the noise stream.
    return X + rng.normal(0.0, std, size=X.shape) if std > 0 else X


def _logic(outputs: tuple[int, int, int, int]) -> Generator:
    """The lecture's truth table: 4 points at 0/1 corners; `points` and `classes` are ignored."""

    def make(points: int, noise: float, seed: int, classes: int) -> tuple[Array, Array]:
        rng = np.random.default_rng(seed)
        X = _jitter(rng, _TRUTH_TABLE_INPUTS.copy(), 0.25 * noise)
        return X, np.array(outputs, dtype=np.int64)

    return make


def _xor_clusters(points: int, noise: float, seed: int, classes: int) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    corner = np.arange(points) % 4  # round-robin keeps the four corners equally full
    a, b = corner // 2, corner % 2  # the truth-table inputs of each point's corner
    centres = np.column_stack([a, b]) - 0.5  # the corners (±0.5, ±0.5), centred on 0
    X = centres + rng.normal(0.0, 0.1 + 0.3 * noise, size=(points, 2))
    return X, (a ^ b).astype(np.int64)


def _xor_plane(points: int, noise: float, seed: int, classes: int) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(points, 2))
    # Class 1 where x1·x2 < 0, i.e. (x1 > 0) XOR (x2 > 0): the same quadrants as xor-clusters.
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return _jitter(rng, X, 0.3 * noise), y


def _circles(points: int, noise: float, seed: int, classes: int) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    y = _balanced_labels(points, classes)
    width = 1.0 / classes  # class k lives in the ring k·width .. (k+1)·width, minus a gap
    inner = np.where(y == 0, 0.0, (y + 0.15) * width)
    outer = (y + 0.85) * width
    r = np.sqrt(rng.uniform(inner**2, outer**2))  # sqrt: uniform over the ring's area
    angle = rng.uniform(0.0, 2 * np.pi, size=points)
    X = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    return _jitter(rng, X, 0.5 * noise * width), y


_SPIRAL_TURNS = 1.5


def _spirals(points: int, noise: float, seed: int, classes: int) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    y = _balanced_labels(points, classes)
    # sqrt puts more points far out, where an arm is longer, so they sit evenly along it.
    t = np.sqrt(rng.uniform(0.0, 1.0, size=points))
    r = 0.05 + 0.95 * t
    angle = 2 * np.pi * (y / classes + _SPIRAL_TURNS * t)
    X = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    gap = 0.95 / (_SPIRAL_TURNS * classes)  # radial distance between neighbouring arms
    return _jitter(rng, X, 0.5 * noise * gap), y


def _blobs(points: int, noise: float, seed: int, classes: int) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    y = _balanced_labels(points, classes)
    # Fixed centres on the unit circle keep the blobs separable at noise 0 for any seed.
    angle = 2 * np.pi * np.arange(classes) / classes + np.pi / 4
    centres = np.column_stack([np.cos(angle), np.sin(angle)])
    spacing = 2 * np.sin(np.pi / classes)  # distance between neighbouring centres
    X = centres[y] + rng.normal(0.0, spacing * (0.1 + 0.4 * noise), size=(points, 2))
    return X, y


def _moons(points: int, noise: float, seed: int, classes: int) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    y = _balanced_labels(points, 2)
    t = rng.uniform(0.0, np.pi, size=points)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 0, upper, lower) - [0.5, 0.25]  # centre the pair on 0
    return _jitter(rng, X, 0.3 * noise), y


def _checkerboard(points: int, noise: float, seed: int, classes: int) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(points, 2))
    cell = np.clip(np.floor((X + 1.0) * 2.0), 0, 3).astype(np.int64)  # 4 cells of 0.5 per axis
    y = (cell[:, 0] + cell[:, 1]) % 2
    return _jitter(rng, X, 0.25 * noise), y


def _linear(points: int, noise: float, seed: int, classes: int) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2 * np.pi)
    offset = rng.uniform(-0.25, 0.25)  # near the centre, so both sides get points
    X = rng.uniform(-1.0, 1.0, size=(points, 2))
    y = (X[:, 0] * np.cos(angle) + X[:, 1] * np.sin(angle) > offset).astype(np.int64)
    return _jitter(rng, X, 0.4 * noise), y


GENERATORS: dict[str, Generator] = {
    "and": _logic((0, 0, 0, 1)),
    "or": _logic((0, 1, 1, 1)),
    "xor": _logic((0, 1, 1, 0)),
    "xor-clusters": _xor_clusters,
    "xor-plane": _xor_plane,
    "circles": _circles,
    "spirals": _spirals,
    "blobs": _blobs,
    "moons": _moons,
    "checkerboard": _checkerboard,
    "linear": _linear,
}

DESCRIPTIONS: dict[str, str] = {
    "and": "The AND truth table: 4 points, class 1 only at (1, 1). One neuron can learn it.",
    "or": "The OR truth table: 4 points, class 0 only at (0, 0). One neuron can learn it.",
    "xor": "The XOR truth table: 4 points no single line separates. Needs a hidden layer.",
    "xor-clusters": "Noisy clusters around the four XOR corners, labelled by XOR.",
    "xor-plane": "Uniform points in the square; class 1 where x1 and x2 have opposite signs.",
    "circles": "A disc inside rings: one class per ring, 2 to 8 classes.",
    "spirals": "Interleaved spiral arms, one class per arm, 2 to 8 classes. Hard.",
    "blobs": "Gaussian blobs around a circle, one class per blob, 2 to 8 classes.",
    "moons": "Two interleaving half-circles.",
    "checkerboard": "A 4×4 checkerboard in the square: many small regions.",
    "linear": "Two classes split by a random straight line. One neuron can learn it.",
}

GENERATOR_CLASSES: dict[str, tuple[int, int]] = {
    name: (2, 8) if name in ("circles", "spirals", "blobs") else (2, 2) for name in GENERATORS
}


def _integer(value: object, what: str) -> int:
    # operator.index accepts int and numpy integers but not 2.5 or "3"; bool is a mistake here.
    if isinstance(value, bool):
        raise DataError(f"{what} must be an integer, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise DataError(f"{what} must be an integer, got {value!r}") from None


def _real(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise DataError(f"{what} must be a number, got {value!r}")
    return float(value)


def generate(
    name: str, points: int = 200, noise: float = 0.0, seed: int = 0, classes: int = 2
) -> Dataset:
    """Make the named toy dataset; ``generate(**dataset.generator)`` makes it again, bit for bit.

    ``noise`` is a fraction in [0, 1] ("how messy"); ``classes`` must lie in
    ``GENERATOR_CLASSES[name]``. The logic tables (and, or, xor) always have exactly 4 points.
    """
    if not isinstance(name, str) or name not in GENERATORS:
        raise DataError(f"unknown generator {name!r}; the generators are: {', '.join(GENERATORS)}")
    points = _integer(points, "points")
    if not 1 <= points <= MAX_POINTS:
        raise DataError(f"points must be between 1 and {MAX_POINTS:,}, got {points}")
    noise = _real(noise, "noise")
    if not 0.0 <= noise <= 1.0:  # also false for NaN
        raise DataError(f"noise must be between 0 and 1, got {noise}")
    seed = _integer(seed, "seed")
    if seed < 0:
        raise DataError(f"seed must be 0 or more, got {seed}")
    classes = _integer(classes, "classes")
    lo, hi = GENERATOR_CLASSES[name]
    if not lo <= classes <= hi:
        allowed = f"exactly {lo}" if lo == hi else f"{lo} to {hi}"
        raise DataError(f"{name!r} makes {allowed} classes, not {classes}")

    X, y = GENERATORS[name](points, noise, seed, classes)
    return Dataset(
        X=np.ascontiguousarray(X, dtype=np.float64),
        y=y,
        class_names=[str(k) for k in range(classes)],
        feature_names=["x1", "x2"],
        generator={
            "name": name,
            "points": len(X),  # the logic tables always have 4, whatever was asked
            "noise": noise,
            "seed": seed,
            "classes": classes,
        },
    )


# --------------------------------------------------------------------------------------------
# Split and standardise
# --------------------------------------------------------------------------------------------


def split(dataset: Dataset, test_ratio: float, seed: int) -> Dataset:
    """A copy whose ``train_mask`` holds out ``round(n · test_ratio)`` random points for testing.

    The test points are the first of a permutation from ``default_rng(seed)``, so a split is
    reproducible. At least one point always stays in training.
    """
    test_ratio = _real(test_ratio, "test_ratio")
    if not 0.0 <= test_ratio <= MAX_TEST_RATIO:  # also false for NaN
        raise DataError(f"test_ratio must be between 0 and {MAX_TEST_RATIO}, got {test_ratio}")
    seed = _integer(seed, "seed")
    if seed < 0:
        raise DataError(f"seed must be 0 or more, got {seed}")
    result = dataset.copy()
    n = result.n_points
    n_test = min(round(n * test_ratio), max(n - 1, 0))
    mask = np.ones(n, dtype=bool)
    mask[np.random.default_rng(seed).permutation(n)[:n_test]] = False
    result.train_mask = mask
    return result


def standardise(
    X: Array, mean: Array | None = None, std: Array | None = None
) -> tuple[Array, Array, Array]:
    """``(X - mean) / std`` per column, with the mean and std used (computed from X if not given).

    Pass the training set's mean and std to standardise other points the same way. A constant
    column gets std 1, so it becomes 0 instead of a division by zero.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise DataError(f"X must be a 2-D array (points × features), got shape {X.shape}")
    if (mean is None or std is None) and X.shape[0] == 0:
        raise DataError("cannot compute a mean and std from no points")
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        std = X.std(axis=0)
        # Test constancy exactly (max == min): a constant column's computed std can be 1e-17
        # rather than 0, and dividing by that would blow rounding noise up to ±1.
        std[np.ptp(X, axis=0) == 0] = 1.0
    mean = np.asarray(mean, dtype=np.float64)
    std = np.array(std, dtype=np.float64)
    if mean.shape != (X.shape[1],) or std.shape != (X.shape[1],):
        raise DataError(
            f"mean and std must have shape ({X.shape[1]},), got {mean.shape} and {std.shape}"
        )
    std[std == 0] = 1.0
    return (X - mean) / std, mean, std


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

_Row = tuple[int, list[str]]  # (1-based line number where the row ends, stripped cells)


def read_rows(path: str | os.PathLike, file: str) -> list[_Row]:
    """The file's non-empty rows, cells stripped, each with its line number."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError(f"{file}: file not found ({os.fspath(path)})") from None
    except IsADirectoryError:
        raise DataError(f"{file}: is a folder, not a file ({os.fspath(path)})") from None
    except OSError as exc:
        raise DataError(f"{file}: cannot read the file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")  # -sig: spreadsheet programs often start with a BOM
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"{_where(file, line)}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from None

    rows: list[_Row] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cells):  # a blank line or a row of empty cells carries nothing
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise DataError(f"{_where(file, reader.line_num + 1)}: {exc}") from None
    return rows


def is_number(cell: str) -> bool:
    """True when a CSV cell reads as a number (header detection)."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def looks_like_header(rows: list[_Row]) -> bool:
    """The first row is a header if it has a non-number where the row below has a number.

    Only "any cell is not a number" would take the first point of a headerless file with text
    labels (``5.1,3.5,setosa``) for a header; comparing with the next row tells them apart.
    """
    first = rows[0][1]
    words = [j for j, cell in enumerate(first) if cell and not is_number(cell)]
    if not words or len(rows) == 1:
        return bool(words)
    below = rows[1][1]
    return any(j < len(below) and below[j] and is_number(below[j]) for j in words)


def _column_label(names: list[str] | None, j: int) -> str | int:
    """How messages name column j: its header name, else its 1-based number."""
    return names[j] if names and names[j] else j + 1


def _resolve_column(
    selector: object, names: list[str] | None, n_columns: int, file: str, header_line: int | None
) -> int:
    """The 0-based index of a column chosen by header name or by 0-based (or negative) index."""
    if isinstance(selector, str):
        if names is None:
            raise DataError(
                f"{_where(file, None, selector)}: choosing a column by name needs a header row"
            )
        matches = [j for j, name in enumerate(names) if name == selector]
        if not matches:
            raise DataError(
                f"{_where(file, header_line, selector)}: no such column in the header; "
                f"the columns are: {', '.join(names)}"
            )
        if len(matches) > 1:
            raise DataError(
                f"{_where(file, header_line, selector)}: the header has this name "
                f"{len(matches)} times; choose the column by index"
            )
        return matches[0]
    if isinstance(selector, bool) or not isinstance(selector, (int, np.integer)):
        raise DataError(f"{file}: choose columns by name or 0-based index, not {selector!r}")
    j = int(selector) + (n_columns if selector < 0 else 0)
    if not 0 <= j < n_columns:
        raise DataError(
            f"{_where(file, header_line)}: column index {selector} is out of range; "
            f"the file has {n_columns} columns (indices 0 to {n_columns - 1})"
        )
    return j


def _split_column(
    names: list[str] | None, data: list[_Row], chosen: set[int]
) -> tuple[int | None, Array | None]:
    """A ``split`` column of train/test values (not chosen as data) and the mask it gives."""
    if names is None:
        return None, None
    for j in reversed(range(len(names))):
        if names[j].lower() != SPLIT_COLUMN or j in chosen:
            continue
        values = [cells[j].lower() for _, cells in data]
        if all(value in ("train", "test") for value in values):
            return j, np.array([value == "train" for value in values], dtype=bool)
    return None, None


def _first_bad_cell(
    file: str, data: list[_Row], features: list[int], label: int, names: list[str] | None
) -> DataError:
    """The error for the first bad feature or label cell in reading order."""
    for line, cells in data:
        for j in features:
            where, cell = _where(file, line, _column_label(names, j)), cells[j]
            if not cell:
                return DataError(f"{where}: the cell is empty; every feature needs a number")
            try:
                value = float(cell)
            except ValueError:
                return DataError(f"{where}: {cell!r} is not a number")
            if not math.isfinite(value):
                return DataError(f"{where}: {cell!r} is not a finite number")
        if not cells[label]:
            return DataError(
                f"{_where(file, line, _column_label(names, label))}: the label cell is empty"
            )
    return DataError(f"{file}: bad data")  # unreachable when called after a failed fast path


def _numeric_class_name(cell: str) -> str | None:
    """``"1"``, ``"1.0"`` and ``"+1"`` all name class ``"1"``; None for a non-number."""
    try:
        return str(int(cell))
    except ValueError:
        pass
    try:
        value = float(cell)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return str(int(value)) if value.is_integer() else repr(value)


def _labels_to_classes(
    cells: list[str], lines: list[int], column: str | int, file: str, class_names: list[str] | None
) -> tuple[Array, list[str]]:
    """Class indices and names for the label cells (sorted order unless names are given)."""
    if class_names is not None:
        index = {name: k for k, name in enumerate(class_names)}
        y = np.empty(len(cells), dtype=np.int64)
        for i, cell in enumerate(cells):
            k = index.get(cell)
            if k is None:
                k = index.get(_numeric_class_name(cell) or cell)
            if k is None:
                raise DataError(
                    f"{_where(file, lines[i], column)}: unknown label {cell!r}; "
                    f"the classes are: {', '.join(class_names)}"
                )
            y[i] = k
        return y, list(class_names)

    numeric = [_numeric_class_name(cell) for cell in cells]
    if all(name is not None for name in numeric):
        # Numbers sort by value, so labels 2, 10 give classes "2", "10" in that order.
        keys, by_key = numeric, lambda name: float(name)
    else:
        keys, by_key = cells, None
    names = sorted(set(keys), key=by_key)
    if len(names) < 2:
        raise DataError(
            f"{file} lines {lines[0]}-{lines[-1]}, {_where(None, None, column)}: every label is "
            f"{names[0]!r}; a classifier needs at least 2 classes"
        )
    index = {name: k for k, name in enumerate(names)}
    y = np.fromiter((index[key] for key in keys), dtype=np.int64, count=len(keys))
    return y, names


def read_csv(
    path: str | os.PathLike,
    features: Sequence[str | int] | None = None,
    label: str | int | None = None,
    header: bool | None = None,
    class_names: Sequence[str] | None = None,
) -> Dataset:
    """Read a comma-separated file of points into a :class:`Dataset`.

    Columns are chosen by header name or 0-based index; by default the last column is the label
    and all others are features. ``header=None`` detects a header (see ``looks_like_header``),
    and naming a column implies one. Labels may be numbers or text; classes are in sorted order
    (numbers by value) unless ``class_names`` fixes the order. A header column ``split`` of
    train/test values that is not chosen as data sets ``train_mask``, as ``write_csv`` writes it.
    Blank rows are skipped. Any problem raises :class:`DataError` naming file, line and column.
    """
    file = Path(path).name or os.fspath(path)
    wanted_classes = _class_names_argument(class_names)
    rows = read_rows(path, file)
    if not rows:
        raise DataError(f"{file}: the file is empty; there are no data rows")
    if all(len(cells) == 1 for _, cells in rows):
        raise DataError(
            f"{_where(file, rows[0][0])}: only one column; a dataset needs feature columns and "
            "a label column, separated by commas"
        )
    if isinstance(features, (str, int, np.integer)):
        features = [features]
    selectors = [*(features or []), *([] if label is None else [label])]
    if header is None:
        header = any(isinstance(s, str) for s in selectors) or looks_like_header(rows)

    header_line, names = (rows[0][0], rows[0][1]) if header else (None, None)
    data = rows[1:] if header else rows
    if not data:
        raise DataError(f"{_where(file, header_line)}: a header row but no data rows below it")
    n_columns = len(names) if names is not None else len(data[0][1])
    for line, cells in data:
        if len(cells) != n_columns:
            raise DataError(
                f"{_where(file, line)}: {len(cells)} columns, but "
                f"{'the header' if names else f'line {data[0][0]}'} has {n_columns}"
            )

    def resolve(selector: object) -> int:
        return _resolve_column(selector, names, n_columns, file, header_line)

    feature_idx = [resolve(s) for s in features] if features is not None else None
    label_idx = resolve(label) if label is not None else None
    split_idx, mask = _split_column(names, data, {*(feature_idx or []), label_idx})
    usable = [j for j in range(n_columns) if j != split_idx]
    if label_idx is None:
        label_idx = usable[-1]
    if feature_idx is None:
        feature_idx = [j for j in usable if j != label_idx]
    if not feature_idx:
        raise DataError(f"{file}: no feature columns; choose at least one")
    if len(set(feature_idx)) != len(feature_idx):
        twice = next(j for j in feature_idx if feature_idx.count(j) > 1)
        raise DataError(
            f"{_where(file, header_line, _column_label(names, twice))}: chosen twice as a feature"
        )
    if label_idx in feature_idx:
        raise DataError(
            f"{_where(file, header_line, _column_label(names, label_idx))}: the label column "
            "is also chosen as a feature; choose another label or leave it out of the features"
        )

    try:  # the fast path; on any failure, look again cell by cell for a precise message
        X = np.array([[float(cells[j]) for j in feature_idx] for _, cells in data])
        ok = bool(np.isfinite(X).all()) and all(cells[label_idx] for _, cells in data)
    except ValueError:
        ok = False
    if not ok:
        raise _first_bad_cell(file, data, feature_idx, label_idx, names)

    y, classes = _labels_to_classes(
        [cells[label_idx] for _, cells in data],
        [line for line, _ in data],
        _column_label(names, label_idx),
        file,
        wanted_classes,
    )
    if mask is not None and not mask.any():
        raise DataError(
            f"{_where(file, header_line, SPLIT_COLUMN)}: every row is 'test'; "
            "at least one must be 'train'"
        )
    feature_names = [
        names[j] if names and names[j] else f"x{k + 1}" for k, j in enumerate(feature_idx)
    ]
    return Dataset(X=X, y=y, class_names=classes, feature_names=feature_names, train_mask=mask)


def _class_names_argument(class_names: Sequence[str] | None) -> list[str] | None:
    if class_names is None:
        return None
    if isinstance(class_names, str):
        raise DataError("class_names must be a list of names, not one string")
    names = list(class_names)
    _check_names(names, "class_names")
    if len(names) < 2 or len(set(names)) != len(names) or not all(names):
        raise DataError(f"class_names must be at least 2 unique non-empty names, got {names}")
    return names


def write_csv(path: str | os.PathLike, dataset: Dataset, include_split: bool = False) -> None:
    """Write the dataset as CSV: feature columns, ``label`` (class names), optionally ``split``.

    Floats are written with ``repr``, so ``read_csv`` gets every bit back. Reading back without
    ``class_names`` gives classes in sorted order; pass ``dataset.class_names`` to keep another
    order or classes that have no points. The write is atomic: a crash leaves the old file or
    the new one, never half of one. Raises ``OSError`` if the file cannot be written.
    """
    path = Path(path)
    header = [*dataset.feature_names, LABEL_COLUMN, *([SPLIT_COLUMN] if include_split else [])]
    labels = [dataset.class_names[k] for k in dataset.y.tolist()]
    splits = ["train" if m else "test" for m in dataset.train_mask.tolist()]
    try:  # keep the mode of a file we replace; a new file gets the usual rw-r--r--
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o644
    with tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        newline="",
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".tmp",
        delete=False,
    ) as tmp:
        try:
            writer = csv.writer(tmp, lineterminator="\n")
            writer.writerow(header)
            for point, name, part in zip(dataset.X.tolist(), labels, splits, strict=True):
                # .tolist() gives Python floats, whose repr is the shortest exact round-trip.
                writer.writerow([*map(repr, point), name, *([part] if include_split else [])])
            tmp.flush()
            os.fsync(tmp.fileno())
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    try:
        os.chmod(tmp.name, mode)
        os.replace(tmp.name, path)
    except BaseException:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)
        raise
