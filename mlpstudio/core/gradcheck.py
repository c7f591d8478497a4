"""Gradient check: back-propagation against central differences, parameter by parameter.

``∂E/∂θ_i ≈ (E(θ + h e_i) − E(θ − h e_i)) / 2h``. The relative error
``|g_bp − g_num| / max(|g_bp| + |g_num|, tiny)`` is about 1e-7 or smaller when backprop is right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import notation
from .network import Network

Array = np.ndarray

GOOD = 1e-6  # below this relative error the gradients agree
SUSPECT = 1e-3  # above this something is wrong


@dataclass
class GradCheck:
    """Per-parameter results, in ``net.params`` order; ``names`` as :func:`notation.param_text`."""

    names: list[str]
    analytic: Array
    numeric: Array
    relative_error: Array

    @property
    def worst(self) -> int:
        """Index of the parameter with the largest relative error."""
        return int(np.argmax(self.relative_error))

    @property
    def max_error(self) -> float:
        return float(self.relative_error.max()) if len(self.relative_error) else 0.0

    @property
    def verdict(self) -> str:
        """``ok``, ``suspect`` or ``wrong`` from the worst relative error."""
        e = self.max_error
        return "ok" if e < GOOD else ("suspect" if e < SUSPECT else "wrong")

    def order(self) -> Array:
        """Parameter indices, worst first."""
        return np.argsort(-self.relative_error, kind="stable")


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
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-300)
    diff = np.abs(analytic - numeric)
    rel = diff / scale
    # A central difference cannot resolve slopes below the round-off of the cost itself,
    # about eps·|E|/h: a disagreement smaller than that is noise, not a wrong gradient.
    floor = 100.0 * np.finfo(np.float64).eps * max(abs(net.cost(X, Y)), 1e-12) / h
    rel[diff < floor] = 0.0
    names = [notation.param_text(net, i) for i in range(net.n_params)]
    return GradCheck(names, analytic, numeric, rel)
