"""Optimisers: turn the mean gradient into an update ``Δθ`` of the flat parameter vector.

Each writes ``Δθ`` into a preallocated buffer (kept, so the diagram can show the last update)
and the trainer adds it to the parameters in one call. The learning rate and the other
hyper-parameters are plain attributes, read at every step, so they can change mid-training.
The perceptron rule is not gradient-based and lives in ``training.py``.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

OPTIMIZERS = ("gd", "sgd", "momentum", "adam", "perceptron")
DESCRIPTIONS = {
    "gd": "gradient descent on the whole training set per step (the lecture's algorithm)",
    "sgd": "stochastic gradient descent on mini-batches (batch size 1: online learning)",
    "momentum": "mini-batch gradient descent with momentum: v ← μv − η∇E, θ ← θ + v",
    "adam": "Adam: per-parameter steps from running means of the gradient and its square",
    "perceptron": "the classic perceptron rule for one layer of step units: w ← w + η(y − a)x",
}


class GradientDescent:
    """``Δθ = −η ∇E`` (used for both whole-set and mini-batch descent)."""

    def __init__(self, n_params: int, dtype: np.dtype, learning_rate: float) -> None:
        self.learning_rate = learning_rate

    def compute(self, grads: Array, out: Array) -> Array:
        return np.multiply(grads, -self.learning_rate, out=out)

    def reset(self) -> None:
        """Forget any running state (nothing to forget here)."""


class Momentum(GradientDescent):
    """``v ← μ v − η ∇E``, ``Δθ = v``."""

    def __init__(
        self, n_params: int, dtype: np.dtype, learning_rate: float, momentum: float = 0.9
    ) -> None:
        super().__init__(n_params, dtype, learning_rate)
        self.momentum = momentum
        self.v = np.zeros(n_params, dtype=dtype)
        self._tmp = np.empty(n_params, dtype=dtype)

    def compute(self, grads: Array, out: Array) -> Array:
        self.v *= self.momentum
        np.multiply(grads, -self.learning_rate, out=self._tmp)
        self.v += self._tmp
        np.copyto(out, self.v)
        return out

    def reset(self) -> None:
        self.v.fill(0.0)


class Adam(GradientDescent):
    """Adam (Kingma & Ba): bias-corrected running means ``m``, ``v`` of ``∇E`` and ``(∇E)²``."""

    def __init__(
        self,
        n_params: int,
        dtype: np.dtype,
        learning_rate: float,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        super().__init__(n_params, dtype, learning_rate)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self._tmp = np.empty(n_params, dtype=dtype)
        self.t = 0

    def compute(self, grads: Array, out: Array) -> Array:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self.m *= b1
        self.m += (1.0 - b1) * grads
        np.square(grads, out=self._tmp)
        self._tmp *= 1.0 - b2
        self.v *= b2
        self.v += self._tmp
        # Fold both bias corrections into the step size and ε (as the paper's section 2 does).
        step = self.learning_rate * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        np.sqrt(self.v, out=self._tmp)
        self._tmp += self.eps * np.sqrt(1.0 - b2**self.t)
        np.divide(self.m, self._tmp, out=out)
        out *= -step
        return out

    def reset(self) -> None:
        self.m.fill(0.0)
        self.v.fill(0.0)
        self.t = 0


def make(
    name: str, n_params: int, dtype: np.dtype, learning_rate: float, momentum: float = 0.9
) -> GradientDescent:
    """Build the optimiser called ``name`` (the perceptron rule is handled by the trainer)."""
    if name in ("gd", "sgd", "perceptron"):
        return GradientDescent(n_params, dtype, learning_rate)
    if name == "momentum":
        return Momentum(n_params, dtype, learning_rate, momentum)
    if name == "adam":
        return Adam(n_params, dtype, learning_rate)
    raise ValueError(f"unknown optimizer {name!r} (known: {', '.join(OPTIMIZERS)})")
