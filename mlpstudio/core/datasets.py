"""Datasets: the points a network learns from.

A :class:`Dataset` is a matrix ``X`` of points (one per row), their class indices ``y``, the names
that go with them, and a mask saying which points are for training. This module makes datasets
(from arrays, or the lecture's logic truth tables and the classic 2-D toy problems, each
reproducible from a seed) and splits them into training and test points.

Two neighbours finish the data path: :mod:`.csvio` reads and writes CSV files, and
:mod:`.scaling` holds the one standardisation rule (fitted on the training points).

Every problem with the data raises :class:`DataError`, whose message says what is wrong and where
(file, line, column), so the app can show it as it is and keep running.
"""

from __future__ import annotations

import copy as _copy
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, TypeVar

import numpy as np

if TYPE_CHECKING:
    from .regression import RegressionData

Array = np.ndarray
Generator = Callable[[int, float, int, int], tuple[Array, Array]]

MAX_POINTS = 1_000_000
MAX_TEST_RATIO = 0.9


class DataError(ValueError):
    """Bad data or a bad data request; the message names file, line and column where relevant."""


# --------------------------------------------------------------------------------------------
# The dataset
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)  # eq=False: comparing numpy arrays with == gives arrays, not a bool
class Dataset:
    """Points ``X`` (n, d) float64, class indices ``y`` (n,) int64 and their names.

    Empty ``class_names`` become ``"0", "1", ...`` (up to the largest label), empty
    ``feature_names`` become ``"x1", "x2", ...`` and a missing ``train_mask`` marks every point
    for training. After construction every field holds its documented type. ``task`` tells it
    from :class:`~.regression.RegressionData`, whose points have real targets instead.
    """

    task: ClassVar[str] = "classification"

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
# Split
# --------------------------------------------------------------------------------------------


D = TypeVar("D", "Dataset", "RegressionData")


def split(dataset: D, test_ratio: float, seed: int) -> D:
    """A copy whose ``train_mask`` holds out ``round(n · test_ratio)`` random points for testing.

    ``dataset`` is a :class:`Dataset` or a :class:`~.regression.RegressionData`. The test
    points are the first of a permutation from ``default_rng(seed)``, so a split is
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
