"""Gradient check: back-propagation against central differences, parameter by parameter.

``∂E/∂θ_i ≈ (E(θ + h e_i) − E(θ − h e_i)) / 2h``. The relative error
``|g_bp − g_num| / max(|g_bp| + |g_num|, tiny)`` is about 1e-7 or smaller when backprop is right.

Every number is kept as measured (a check that shows 0 where the two differ by 1e-11 teaches
that they are equal, which they are not). Only the verdict forgives: a difference below what
central differences can resolve (the round-off of the cost divided by ``h``) is noise, so it
never makes a parameter "suspect", however large the relative error of two tiny numbers is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import notation
from .network import Network

Array = np.ndarray

GOOD = 1e-6  # below this relative error the gradients agree
SUSPECT = 1e-3  # above this something is wrong
# The cost is computed from activations and targets of order 1, so its round-off is a few eps
# in absolute terms however small the cost is; the central difference divides it by 2h, and
# this many times that is still noise, not a wrong gradient (about 2e-9 for h = 1e-6).
NOISE_FACTOR = 10.0


def noise_floor(cost: float, h: float) -> float:
    """The smallest difference between two slopes that central differences can resolve."""
    return NOISE_FACTOR * float(np.finfo(np.float64).eps) * max(abs(cost), 1.0) / h


def relative_errors(analytic: Array, numeric: Array) -> Array:
    """``|a − n| / (|a| + |n|)`` elementwise, 0 where both are exactly 0 (nothing to compare)."""
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-300)
    with np.errstate(invalid="ignore"):
        rel = np.abs(analytic - numeric) / scale
    return np.where(np.isnan(rel), np.inf, rel)  # NaN on either side: as far off as can be


def verdict_of(relative_error: float, difference: float = np.inf, noise: float = 0.0) -> str:
    """``ok``, ``suspect`` or ``wrong`` for one comparison; a difference within ``noise`` is ok."""
    if relative_error < GOOD or difference < noise:
        return "ok"
    return "suspect" if relative_error < SUSPECT else "wrong"


@dataclass
class GradCheck:
    """Per-parameter results, in ``net.params`` order; ``names`` as :func:`notation.param_text`.

    ``relative_error`` and ``difference`` are the measured values, never rounded to 0; ``noise``
    is the difference below which the central difference cannot tell (see :func:`noise_floor`).
    ``max_error``, ``worst`` and the verdict leave out the parameters whose large relative error
    is only that noise (two tiny slopes), but keep every other measured error as it is.
    """

    names: list[str]
    analytic: Array
    numeric: Array
    relative_error: Array
    noise: float = 0.0

    @property
    def difference(self) -> Array:
        """``|g_bp − g_num|`` per parameter."""
        return np.abs(self.analytic - self.numeric)

    @property
    def within_noise(self) -> Array:
        """Per parameter: the difference is below what central differences resolve."""
        with np.errstate(invalid="ignore"):
            return self.difference < self.noise

    @property
    def noise_only(self) -> Array:
        """Per parameter: a relative error too large to pass that is all round-off."""
        return self.within_noise & (self.relative_error >= GOOD)

    def _counted(self) -> Array:
        """Relative errors, with the large ones that are only noise left out (as 0)."""
        return np.where(self.noise_only, 0.0, self.relative_error)

    @property
    def worst(self) -> int:
        """Index of the parameter whose disagreement counts most (see :meth:`order`)."""
        return int(self.order()[0]) if len(self.relative_error) else 0

    @property
    def max_error(self) -> float:
        """The largest relative error, leaving out large ones that are only noise."""
        return float(self._counted().max()) if len(self.relative_error) else 0.0

    def verdicts(self) -> list[str]:
        """``ok``/``suspect``/``wrong`` per parameter."""
        return [
            verdict_of(r, d, self.noise)
            for r, d in zip(self.relative_error.tolist(), self.difference.tolist(), strict=True)
        ]

    @property
    def verdict(self) -> str:
        """``ok``, ``suspect`` or ``wrong`` from :attr:`max_error`."""
        return verdict_of(self.max_error)

    def order(self) -> Array:
        """Parameter indices, worst first (as :attr:`max_error` counts; noise-only ones last)."""
        return np.lexsort((-self.relative_error, self.noise_only, -self._counted()))


def central_difference(net: Network, X: Array, Y: Array, index: int, h: float = 1e-6) -> float:
    """``(E(θ + h e_i) − E(θ − h e_i)) / 2h`` for parameter ``index``; θ is left as it was."""
    theta = net.params
    keep = theta[index]
    theta[index] = keep + h
    plus = net.cost(X, Y)
    theta[index] = keep - h
    minus = net.cost(X, Y)
    theta[index] = keep
    return (plus - minus) / (2.0 * h)


def check(net: Network, X: Array, Y: Array, h: float = 1e-6) -> GradCheck:
    """Compare ``net.gradient`` with central differences of ``net.cost`` on ``(X, Y)``."""
    if net.dtype != np.float64:
        net = net.astype(np.float64)
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    analytic = net.gradient(X, Y).copy()
    # One parameter at a time is what central differences are.
    numeric = np.array([central_difference(net, X, Y, i, h) for i in range(net.n_params)])
    names = [notation.param_text(net, i) for i in range(net.n_params)]
    noise = noise_floor(net.cost(X, Y), h)
    return GradCheck(names, analytic, numeric, relative_errors(analytic, numeric), noise)
