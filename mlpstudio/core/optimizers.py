"""Optimisers: a table of name → class, each turning a batch into an update ``Δθ``.

Every entry writes ``Δθ`` of the flat parameter vector into a preallocated buffer (kept, so the
diagram can show the last update) and the trainer adds it to the parameters in one call. An
entry says, as class attributes, what it needs from the trainer:

- ``batch_rule``: ``"all"`` (the whole training set per update), ``"batch"`` (mini-batches of the
  settings' ``batch_size``) or ``"point"`` (one point at a time);
- ``needs_gradient``: whether the trainer runs back-propagation before the update;
- ``check(net)``: the reason a network cannot be trained this way, or ``None``.

The learning rate and the other hyper-parameters are plain attributes, read at every step, so
they can change mid-training (:meth:`Optimizer.configure`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

import numpy as np

from . import notation

if TYPE_CHECKING:
    from .network import Network

Array = np.ndarray

BATCH_RULES = ("all", "batch", "point")


class Hyper(Protocol):
    """What an optimiser reads from the training settings (``TrainSettings`` has both)."""

    learning_rate: float
    momentum: float


@dataclass
class _Hyper:
    learning_rate: float
    momentum: float = 0.9


class Optimizer:
    """The common interface of every table entry; subclasses set the class attributes."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    batch_rule: ClassVar[str] = "batch"
    needs_gradient: ClassVar[bool] = True

    def __init__(self, n_params: int, dtype: np.dtype, learning_rate: float) -> None:
        self.learning_rate = learning_rate

    @classmethod
    def create(cls, n_params: int, dtype: np.dtype, settings: Hyper) -> Optimizer:
        """A fresh optimiser for ``n_params`` parameters of ``dtype``, set up from ``settings``."""
        opt = cls(n_params, dtype, settings.learning_rate)
        opt.configure(settings)
        return opt

    @classmethod
    def check(cls, net: Network) -> str | None:
        """Why ``net`` cannot be trained by this optimiser (``None``: it can)."""
        return None

    @classmethod
    def points_per_update(cls, n_points: int, batch_size: int) -> int:
        """How many of ``n_points`` training points one update takes."""
        if cls.batch_rule == "all":
            return n_points
        if cls.batch_rule == "point":
            return 1
        return min(batch_size, n_points)

    def configure(self, settings: Hyper) -> None:
        """Take new hyper-parameters between steps; the running state is kept."""
        self.learning_rate = settings.learning_rate

    def update(self, net: Network, X: Array, Y: Array, grads: Array | None, out: Array) -> Array:
        """Write ``Δθ`` for the batch ``X``, ``Y`` into ``out`` (and return it).

        ``grads`` is the mean gradient of the batch when ``needs_gradient``, else ``None``.
        """
        return self.compute(grads, out)

    def compute(self, grads: Array, out: Array) -> Array:
        """Write ``Δθ`` from the mean gradient ``grads`` into ``out`` (and return it)."""
        raise NotImplementedError(f"{type(self).__name__} does not work from a gradient")

    def reset(self) -> None:
        """Forget any running state (nothing to forget here)."""


class GradientDescent(Optimizer):
    """``Δθ = −η ∇E`` on the whole training set per step (the lecture's algorithm)."""

    name = "gd"
    description = "gradient descent on the whole training set per step (the lecture's algorithm)"
    batch_rule = "all"

    def compute(self, grads: Array, out: Array) -> Array:
        return np.multiply(grads, -self.learning_rate, out=out)


class StochasticGradientDescent(GradientDescent):
    """``Δθ = −η ∇E`` on one mini-batch."""

    name = "sgd"
    description = "stochastic gradient descent on mini-batches (batch size 1: online learning)"
    batch_rule = "batch"


class Momentum(Optimizer):
    """``v ← μ v − η ∇E``, ``Δθ = v``."""

    name = "momentum"
    description = "mini-batch gradient descent with momentum: " + notation.plain(
        notation.momentum_rule()
    )

    def __init__(
        self, n_params: int, dtype: np.dtype, learning_rate: float, momentum: float = 0.9
    ) -> None:
        super().__init__(n_params, dtype, learning_rate)
        self.momentum = momentum
        self.v = np.zeros(n_params, dtype=dtype)
        self._tmp = np.empty(n_params, dtype=dtype)

    def configure(self, settings: Hyper) -> None:
        super().configure(settings)
        self.momentum = settings.momentum

    def compute(self, grads: Array, out: Array) -> Array:
        self.v *= self.momentum
        np.multiply(grads, -self.learning_rate, out=self._tmp)
        self.v += self._tmp
        np.copyto(out, self.v)
        return out

    def reset(self) -> None:
        self.v.fill(0.0)


class Adam(Optimizer):
    """Adam (Kingma & Ba): bias-corrected running means ``m``, ``v`` of ``∇E`` and ``(∇E)²``."""

    name = "adam"
    description = "Adam: per-parameter steps from running means of the gradient and its square"

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


class PerceptronRule(Optimizer):
    """Rosenblatt's rule, point by point: ``w ← w + η (y − a) x``, ``b ← b + η (y − a)``.

    Not gradient-based: a step unit has ``g' = 0``, so it corrects the weights by the error of
    the thresholded output instead. It needs one layer of step units.
    """

    name = "perceptron"
    description = "the classic perceptron rule for one layer of step units: " + notation.plain(
        notation.perceptron_rule()
    )
    batch_rule = "point"
    needs_gradient = False

    @classmethod
    def check(cls, net: Network) -> str | None:
        if net.perceptron_ok():
            return None
        return "the perceptron rule needs a network with no hidden layer and a step output"

    def update(self, net: Network, X: Array, Y: Array, grads: Array | None, out: Array) -> Array:
        W, b = net.weights[0], net.biases[0]
        (dW,), (db,) = net._views(out)
        out.fill(0.0)
        eta = self.learning_rate
        for i, (x, t) in enumerate(zip(X, Y, strict=True)):
            # The rule is online: a later point of the batch sees the earlier corrections. The
            # first uses W and b themselves, so one point gives exactly the classic in-place step.
            z = W @ x + b if i == 0 else (W + dW) @ x + (b + db)
            a = (z >= 0.0).astype(W.dtype)
            err = t - a
            dW += eta * np.outer(err, x)
            db += eta * err
        return out


TABLE: dict[str, type[Optimizer]] = {
    cls.name: cls
    for cls in (GradientDescent, StochasticGradientDescent, Momentum, Adam, PerceptronRule)
}
OPTIMIZERS = tuple(TABLE)
DESCRIPTIONS = {name: cls.description for name, cls in TABLE.items()}


def get(name: str) -> type[Optimizer]:
    """The class of the optimiser called ``name``; a ``ValueError`` lists the known names."""
    try:
        return TABLE[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r} (known: {', '.join(OPTIMIZERS)})") from None


def make(
    name: str, n_params: int, dtype: np.dtype, learning_rate: float, momentum: float = 0.9
) -> Optimizer:
    """Build the optimiser called ``name`` for ``n_params`` parameters of ``dtype``."""
    return get(name).create(n_params, dtype, _Hyper(learning_rate, momentum))
