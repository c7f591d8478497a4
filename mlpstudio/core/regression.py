"""Regression data: points with real-valued targets, and the generators of function data.

A :class:`RegressionData` is the regression counterpart of :class:`~.datasets.Dataset`: points
``X`` (n, d), real targets ``targets`` (n, m), their names, a training mask and the generator's
record. It is a class of its own rather than a mode of ``Dataset`` so that classification code
keeps its one meaning of ``y`` (class indices) and cannot be handed targets by mistake; the
shared parts of the data path take either (``datasets.split``, ``scaling.fit_standardisation``).
Both carry ``task``, so code that must tell them apart asks that.

The generators make the data of the universal approximation experiment: 1-D functions on
``x ∈ [−1, 1]`` (continuous ones for one hidden layer, discontinuous ones for the "two layers"
slide) and the TensorFlow Playground's two 2-D regression sets. Each is reproducible from its
seed; ``noise`` is the standard deviation of Gaussian noise added to the target, not to ``x``.
"""

from __future__ import annotations

import copy as _copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from .datasets import MAX_POINTS, DataError, _check_names, _integer, _real

Array = np.ndarray
Function = Callable[[Array], Array]  # points (n, d) → targets (n,)

TASK = "regression"


@dataclass(eq=False)  # eq=False: comparing numpy arrays with == gives arrays, not a bool
class RegressionData:
    """Points ``X`` (n, d) and real targets ``targets`` (n, m), both float64 and finite.

    Empty ``feature_names`` become ``"x1", "x2", ...``, empty ``target_names`` ``"y"`` for one
    target and ``"y1", "y2", ...`` for several; a missing ``train_mask`` marks every point for
    training. After construction every field holds its documented type.
    """

    task: ClassVar[str] = TASK

    X: Array
    targets: Array
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    train_mask: Array | None = None
    generator: dict | None = None

    def __post_init__(self) -> None:
        X = _finite_matrix(self.X, "X")
        T = _finite_matrix(self.targets, "targets")
        n, d = X.shape
        if T.shape[0] != n:
            raise DataError(f"{n} points but {T.shape[0]} rows of targets")
        m = T.shape[1]
        features = list(self.feature_names) or [f"x{j + 1}" for j in range(d)]
        _check_names(features, "feature_names")
        if len(features) != d:
            raise DataError(f"{len(features)} feature names for {d} feature columns")
        targets = list(self.target_names) or (["y"] if m == 1 else [f"y{c + 1}" for c in range(m)])
        _check_names(targets, "target_names")
        if len(targets) != m:
            raise DataError(f"{len(targets)} target names for {m} target columns")
        if len(set(targets)) != m:
            raise DataError(f"target_names must be unique, got {targets}")
        mask = np.ones(n, dtype=bool) if self.train_mask is None else np.asarray(self.train_mask)
        if mask.dtype != np.bool_ or mask.shape != (n,):
            raise DataError(
                f"train_mask must be a boolean array of shape ({n},), got {mask.dtype} {mask.shape}"
            )
        if self.generator is not None and not isinstance(self.generator, dict):
            raise DataError(
                f"generator must be a dict or None, got {type(self.generator).__name__}"
            )
        self.X, self.targets = X, T
        self.feature_names, self.target_names, self.train_mask = features, targets, mask

    @property
    def n_points(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_targets(self) -> int:
        return int(self.targets.shape[1])

    @property
    def X_train(self) -> Array:
        return self.X[self.train_mask]

    @property
    def X_test(self) -> Array:
        return self.X[~self.train_mask]

    @property
    def targets_train(self) -> Array:
        return self.targets[self.train_mask]

    @property
    def targets_test(self) -> Array:
        return self.targets[~self.train_mask]

    def copy(self) -> RegressionData:
        """A deep copy: nothing in it shares memory with this data."""
        return RegressionData(
            X=self.X.copy(),
            targets=self.targets.copy(),
            feature_names=list(self.feature_names),
            target_names=list(self.target_names),
            train_mask=self.train_mask.copy(),
            generator=_copy.deepcopy(self.generator),
        )


def _finite_matrix(values: object, what: str) -> Array:
    """``values`` as a float64 (rows, columns ≥ 1) array of finite numbers; one column may be
    given as a flat list."""
    try:
        A = np.array(values, dtype=np.float64)  # a copy: the caller's array stays theirs
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what} must hold numbers: {exc}") from None
    if A.ndim == 1:
        A = A.reshape(-1, 1)
    if A.ndim != 2 or A.shape[1] < 1:
        raise DataError(f"{what} must be a 2-D array (points × columns), got shape {A.shape}")
    bad = np.argwhere(~np.isfinite(A))
    if bad.size:
        i, j = (int(v) for v in bad[0])
        raise DataError(f"{what}[{i}, {j}] is {A[i, j]}: every value must be a finite number")
    return A


def from_arrays(
    X: object,
    targets: object,
    feature_names: Sequence[str] | None = None,
    target_names: Sequence[str] | None = None,
) -> RegressionData:
    """Validated regression data owning copies of ``X`` and ``targets`` (a flat ``targets`` is
    one target column)."""
    return RegressionData(
        X=X,
        targets=targets,
        feature_names=list(feature_names or []),
        target_names=list(target_names or []),
    )


# --------------------------------------------------------------------------------------------
# Generators: name → the function they sample. 1-D ones draw x uniformly from [−1, 1]; 2-D ones
# draw (x1, x2) uniformly from [−1, 1]². The names differ from the classification generators'
# (datasets.GENERATORS), so one --dataset option and one generator record serve both.
# --------------------------------------------------------------------------------------------


def _sine(X: Array) -> Array:
    return np.sin(3.0 * X[:, 0])


def _abs(X: Array) -> Array:
    return np.abs(X[:, 0])


def _step(X: Array) -> Array:
    # The lecture's threshold: 1 from x = 0 on, else 0.
    return (X[:, 0] >= 0.0).astype(np.float64)


def _square(X: Array) -> Array:
    # Two periods on [−1, 1]: +1 on [−1, −0.5) and [0, 0.5), −1 on the others.
    return np.where(np.floor(2.0 * X[:, 0]) % 2 == 0, 1.0, -1.0)


def _sawtooth(X: Array) -> Array:
    # Two teeth rising from −1 to 1, with a jump at x = 0.
    x = X[:, 0]
    return 2.0 * (x - np.floor(x)) - 1.0


def _poly(X: Array) -> Array:
    # The Chebyshev polynomial T3: three turns between −1 and 1 on [−1, 1].
    x = X[:, 0]
    return 4.0 * x**3 - 3.0 * x


_BUMPS = ((-0.5, 0.15, 1.0), (0.1, 0.1, -0.7), (0.6, 0.2, 0.5))  # (centre, width, height)


def _bumps(X: Array) -> Array:
    x = X[:, 0]
    return sum(h * np.exp(-(((x - c) / w) ** 2)) for c, w, h in _BUMPS)


def _plane(X: Array) -> Array:
    # The Playground's "plane": its label (x + y) / 10 on [−6, 6]², here on [−1, 1]².
    return (X[:, 0] + X[:, 1]) / 2.0


_GAUSS_CENTRES = ((-0.5, -0.5, 1.0), (0.5, 0.5, -1.0))  # (x1, x2, sign)
_GAUSS_WIDTH = 0.35


def _gauss(X: Array) -> Array:
    # Two Gaussians of opposite signs, as the Playground's "multi Gaussian" in miniature.
    out = np.zeros(len(X))
    for c1, c2, sign in _GAUSS_CENTRES:
        r2 = (X[:, 0] - c1) ** 2 + (X[:, 1] - c2) ** 2
        out += sign * np.exp(-r2 / (2.0 * _GAUSS_WIDTH**2))
    return out


FUNCTIONS: dict[str, tuple[int, Function]] = {  # name → (inputs, function)
    "sine": (1, _sine),
    "abs": (1, _abs),
    "step": (1, _step),
    "square": (1, _square),
    "sawtooth": (1, _sawtooth),
    "poly": (1, _poly),
    "bumps": (1, _bumps),
    "plane": (2, _plane),
    "gauss": (2, _gauss),
}
GENERATORS = tuple(FUNCTIONS)

DESCRIPTIONS: dict[str, str] = {
    "sine": "y = sin 3x on [−1, 1]: one and a half waves. Smooth: one hidden layer fits it.",
    "abs": "y = |x| on [−1, 1]: continuous, with a kink at 0.",
    "step": "y = 0 for x < 0, 1 from 0 on: one jump. Discontinuous.",
    "square": "A square wave on [−1, 1]: ±1, jumping every 0.5. Discontinuous.",
    "sawtooth": "A sawtooth on [−1, 1]: two ramps from −1 to 1, a jump at 0.",
    "poly": "y = 4x³ − 3x (the Chebyshev polynomial T₃) on [−1, 1].",
    "bumps": "Three Gaussian bumps on [−1, 1], one of them negative.",
    "plane": "A plane over the square: y = (x1 + x2) / 2 (TensorFlow Playground's).",
    "gauss": "Two Gaussians of opposite signs over the square (after TensorFlow Playground).",
}


def n_inputs(name: str) -> int:
    """How many inputs the named generator's points have (1 or 2)."""
    return FUNCTIONS[name][0]


def target(name: str, X: Array) -> Array:
    """The noiseless target of the named generator at points ``X`` (n, inputs), shape (n,)."""
    return FUNCTIONS[name][1](np.asarray(X, dtype=np.float64))


def generate(name: str, points: int = 200, noise: float = 0.0, seed: int = 0) -> RegressionData:
    """Make the named function data; ``generate(**data.generator)`` makes it again, bit for bit.

    ``noise`` is the standard deviation of the Gaussian noise added to every target (0 to 1).
    """
    if not isinstance(name, str) or name not in FUNCTIONS:
        raise DataError(
            f"unknown regression generator {name!r}; the generators are: {', '.join(GENERATORS)}"
        )
    points = _integer(points, "points")
    if not 1 <= points <= MAX_POINTS:
        raise DataError(f"points must be between 1 and {MAX_POINTS:,}, got {points}")
    noise = _real(noise, "noise")
    if not 0.0 <= noise <= 1.0:  # also false for NaN
        raise DataError(f"noise must be between 0 and 1, got {noise}")
    seed = _integer(seed, "seed")
    if seed < 0:
        raise DataError(f"seed must be 0 or more, got {seed}")
    d, function = FUNCTIONS[name]
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(points, d))
    y = function(X)
    if noise > 0:  # no draw at noise 0, so noiseless data does not depend on the noise stream
        y = y + rng.normal(0.0, noise, size=points)
    return RegressionData(
        X=X,
        targets=y.reshape(-1, 1),
        feature_names=["x"] if d == 1 else ["x1", "x2"],
        target_names=["y"],
        generator={"name": name, "points": points, "noise": noise, "seed": seed},
    )
