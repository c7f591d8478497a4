"""Standardisation: the one rule for scaling a network's inputs, fitted on the training points.

A network may see each feature shifted and scaled, ``(x − mean) / std``, instead of the points as
the user gave them (which stay as they are, in the dataset and on screen). The rule is the same
for the app, ``mlpstudio train``, ``mlpstudio predict`` and scripts:

- ``mean`` and ``std`` are computed from the **training** points only
  (:func:`fit_standardisation`): test points must not leak into what the network learns from,
  so that the test accuracy stays an honest estimate;
- they are stored in the project as ``{"mean": [...], "std": [...]}``
  (:meth:`Standardisation.to_dict`, :meth:`Standardisation.from_dict`);
- every later use (test points, new points to predict, the decision-boundary grid) applies
  those stored numbers (:meth:`Standardisation.apply`, :func:`apply_standardisation`), never
  numbers recomputed from other points.

Regression targets follow the same rule (:func:`fit_target_standardisation`): the network is
trained on ``(t − mean) / std`` of the training targets, and its outputs are turned back into the
targets' own units by :meth:`Standardisation.invert`.

The bounds below are the project file's bounds too (``core/project/schema.py`` uses them), so a
standardisation this module makes can always be saved and loaded again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import overload

import numpy as np

from .datasets import DataError, Dataset
from .regression import RegressionData

Array = np.ndarray

STD_FLOOR = 1e-12  # the smallest spread a file may store: dividing by less only amplifies noise
MAX_ABS_MEAN = 1e12  # a larger offset leaves too few significant digits of x − mean
_MAX_ABS_MEAN_TEXT = "1e12"  # as people write it (f"{1e12:g}" gives "1e+12")


def problem(mean: Array, std: Array) -> tuple[str, int, str] | None:
    """The first value outside the rule as ``("mean" or "std", index, what is wrong)``, or None.

    The project validator reports it at its place in the file, the constructor below with its
    index: one rule, one wording.
    """
    for k, value in enumerate(mean.tolist()):
        if not np.isfinite(value):
            return "mean", k, f"a mean must be a finite number, found {value!r}"
        if abs(value) > MAX_ABS_MEAN:
            return "mean", k, f"a mean must lie within ±{_MAX_ABS_MEAN_TEXT}, found {value!r}"
    for k, value in enumerate(std.tolist()):
        if not np.isfinite(value):
            return "std", k, f"a standard deviation must be a finite number, found {value!r}"
        if value < STD_FLOOR:
            return (
                "std",
                k,
                f"a standard deviation must be above 0 and at least {STD_FLOOR:g}, found {value!r}",
            )
    return None


@dataclass(frozen=True, eq=False)  # eq=False: comparing arrays with == gives arrays, not a bool
class Standardisation:
    """Per-feature ``mean`` and ``std`` (read-only float64 vectors of one length), checked.

    Every mean is finite and within ±:data:`MAX_ABS_MEAN`; every std is finite and at least
    :data:`STD_FLOOR`. Construction raises :class:`DataError` otherwise.
    """

    mean: Array
    std: Array

    def __post_init__(self) -> None:
        mean, std = _vector(self.mean, "mean"), _vector(self.std, "std")
        if mean.shape != std.shape:
            raise DataError(
                f"mean and std must have one value per feature each, got {mean.size} and {std.size}"
            )
        found = problem(mean, std)
        if found is not None:
            which, k, text = found
            raise DataError(f"{which}[{k}]: {text}")
        mean.setflags(write=False)  # shared by every caller that applies it: nobody may edit it
        std.setflags(write=False)
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "std", std)

    @property
    def n_features(self) -> int:
        return int(self.mean.size)

    def apply(self, X: Array) -> Array:
        """``(X − mean) / std`` for points ``X`` of shape (n, features), as a new float64 array.

        (Targets too: a target standardisation's "features" are the targets.)
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise DataError(
                f"points must have shape (n, {self.n_features}) to be standardised, got {X.shape}"
            )
        return (X - self.mean) / self.std

    def invert(self, Z: Array) -> Array:
        """The raw values whose standardised form is ``Z`` (where a click lands; a regression
        network's outputs in the targets' own units)."""
        Z = np.asarray(Z, dtype=np.float64)
        if Z.ndim != 2 or Z.shape[1] != self.n_features:
            raise DataError(f"points must have shape (n, {self.n_features}), got {Z.shape}")
        return Z * self.std + self.mean

    def to_dict(self) -> dict[str, list[float]]:
        """The project's form ``{"mean": [...], "std": [...]}`` (Python floats: exact in JSON)."""
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, d: Mapping) -> Standardisation:
        """Read the project's form back; ``from_dict(s.to_dict())`` equals ``s`` bit for bit."""
        if not isinstance(d, Mapping) or "mean" not in d or "std" not in d:
            raise DataError('a standardisation must be {"mean": [...], "std": [...]}')
        return cls(d["mean"], d["std"])


def _vector(values: object, what: str) -> Array:
    try:
        v = np.array(values, dtype=np.float64)  # a copy: the caller's list or array stays theirs
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what} must hold numbers: {exc}") from None
    if v.ndim != 1 or v.size == 0:
        raise DataError(f"{what} must be a list of one number per feature, got shape {v.shape}")
    return v


def _mean_and_spread(X: Array) -> tuple[Array, Array]:
    """Column means and standard deviations, with std 1 where a column has no real spread."""
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    # Constancy is tested exactly (max == min): a constant column's computed std can be 1e-17
    # rather than 0. A spread below 1e-12 of the column's size is rounding noise, and dividing
    # by it would blow that noise up to ±1; std 1 maps such a column to a constant instead.
    flat = (np.ptp(X, axis=0) == 0) | (std < STD_FLOOR * np.maximum(1.0, np.abs(mean)))
    std[flat] = 1.0
    return mean, std


def fit_standardisation(ds: Dataset | RegressionData) -> Standardisation:
    """The mean and spread of ``ds``'s **training** points (``ds.X_train``), per feature.

    Test points do not count, however far out they lie. A feature without spread on the
    training points gets std 1. Raises :class:`DataError` when there is no training point, or
    when a feature's mean lies beyond ±1e12 (such a column needs rescaling first).
    """
    X = ds.X_train
    if X.shape[0] == 0:
        raise DataError(
            "cannot standardise: there are no training points to take the mean and spread from"
        )
    return _fitted(X, ds.feature_names, "feature")


def fit_target_standardisation(data: RegressionData) -> Standardisation:
    """The mean and spread of the **training** targets of regression ``data``, per target.

    The same rule as :func:`fit_standardisation`, applied to the targets: test targets do not
    count (the test error stays honest), a target without spread on the training points gets
    std 1, and a mean beyond ±1e12 is refused.
    """
    T = data.targets_train
    if T.shape[0] == 0:
        raise DataError(
            "cannot standardise the targets: there are no training points to take the mean and "
            "spread from"
        )
    return _fitted(T, data.target_names, "target")


def _fitted(values: Array, names: list[str], what: str) -> Standardisation:
    mean, std = _mean_and_spread(values)
    found = problem(mean, std)
    if found is not None:
        _, k, text = found
        raise DataError(f"cannot standardise the {what} {names[k]!r}: {text}")
    return Standardisation(mean, std)


@overload
def apply_standardisation(s: Standardisation, data: Dataset) -> Dataset: ...
@overload
def apply_standardisation(s: Standardisation, data: RegressionData) -> RegressionData: ...
@overload
def apply_standardisation(s: Standardisation, data: Array) -> Array: ...
def apply_standardisation(
    s: Standardisation, data: Array | Dataset | RegressionData
) -> Array | Dataset | RegressionData:
    """Points as the network sees them: an array of points, or a dataset (a new one, with its
    labels or targets, names, split and generator copied and its points standardised)."""
    if isinstance(data, (Dataset, RegressionData)):
        out = data.copy()
        out.X = s.apply(data.X)
        return out
    return s.apply(data)


def standardise(
    X: Array, mean: Array | None = None, std: Array | None = None
) -> tuple[Array, Array, Array]:
    """``(X - mean) / std`` per column, with the mean and std used (computed from X if not given).

    The older, array-only form, kept for existing callers. It computes its statistics from
    whatever points it is given; new code fits on the training points with
    :func:`fit_standardisation` and applies with :meth:`Standardisation.apply`. A column without
    spread gets std 1, so it becomes a constant instead of a division by zero.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise DataError(f"X must be a 2-D array (points × features), got shape {X.shape}")
    if (mean is None or std is None) and X.shape[0] == 0:
        raise DataError("cannot compute a mean and std from no points")
    fitted_mean, fitted_std = _mean_and_spread(X) if mean is None or std is None else (None, None)
    mean = np.asarray(fitted_mean if mean is None else mean, dtype=np.float64)
    std = np.array(fitted_std if std is None else std, dtype=np.float64)
    if mean.shape != (X.shape[1],) or std.shape != (X.shape[1],):
        raise DataError(
            f"mean and std must have shape ({X.shape[1]},), got {mean.shape} and {std.shape}"
        )
    std[std == 0] = 1.0
    return (X - mean) / std, mean, std
