"""Questions on a back-propagation step: what to ask, how to check a typed answer, the exercise.

:class:`QuizItem` is a value of a stepper's stage the student can be asked to compute;
:func:`check` compares a typed answer with it; :func:`revealed_by` says which numbers a diagram
of the network prints that would give the answer away (a quiz hides them while it asks).
:func:`bias_exercise` is the lecture's exercise
``∂E_x/∂b_j^(l) = δ_j^(l)``, confirmed numerically: back-propagation's δ beside the central
difference of the cost in the bias.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import gradcheck, notation
from .network import Network

Array = np.ndarray


@dataclass(frozen=True)
class QuizItem:
    """A value the student can be asked to compute: ``stage``'s item ``(j, k)`` on ``point``."""

    stage: int
    j: int
    k: int | None
    point: int
    truth: float
    prompt: str  # markup of the quantity, e.g. ``δ_{1}^{(2)}``


@dataclass(frozen=True)
class BiasCheck:
    """The lecture's exercise ``∂E_x/∂b_j^(l) = δ_j^(l)`` confirmed numerically on one bias."""

    name: str  # markup, e.g. ``b_{1}^{(2)}``
    layer: int  # lecture number
    j: int
    delta: float  # δ_j^(l) from back-propagation (the batch mean for several points)
    numeric: float  # (E(b + h) − E(b − h)) / 2h
    relative_error: float
    h: float
    n_points: int
    noise: float = 0.0  # a difference below this is round-off (see gradcheck.noise_floor)

    @property
    def agrees(self) -> bool:
        """Within round-off, or a relative error short of "suspect"."""
        difference = abs(self.delta - self.numeric)
        return gradcheck.verdict_of(self.relative_error, difference, self.noise) != "wrong"

    @property
    def delta_label(self) -> str:
        """Markup of the δ it confirms, e.g. ``δ_{1}^{(2)}``."""
        return notation.delta_name(self.layer, self.j)

    @property
    def gradient_label(self) -> str:
        """Markup of the slope measured: ``∂E_{x}/∂b`` for one point, ``∂E/∂b`` for a batch."""
        return notation.dE(self.name, "x" if self.n_points == 1 else None)


# What a diagram prints, addressed as the diagram and Stage.units do (list-index layers):
# ("unit", i, j, "z" | "a" | "delta") for a unit's value, ("edge", i, j, k, mode) for the number
# on weight w_jk and ("bias", i, j, mode) for the one beside b_j, mode being what edges show
# ("weight", "gradient" or "update").
Shown = tuple


def revealed_by(kind: str, layer_index: int, j: int, k: int | None, n_points: int) -> list[Shown]:
    """The printed values equal to the answer of a question on stage ``kind``'s item ``(j, k)``.

    A diagram of one point prints that point's ``z``, ``a`` and ``δ`` on the units and, in its
    gradient mode, ``∂E/∂w`` on the edges and ``∂E/∂b = δ`` beside the biases; for a batch it
    prints means. So a question on one point's ``δ_j`` is answered by the unit's δ and by its
    bias's gradient, a batch-mean ``∂E/∂b_j`` by the unit's mean δ, and a question on one of
    several points by nothing printed. The update and the new cost are never printed (the
    diagram shows the weights before the step).
    """
    i, one = layer_index, n_points == 1
    if kind in ("z", "a"):
        return [("unit", i, j, kind)] if one else []
    if kind == "delta":
        return [("unit", i, j, "delta"), ("bias", i, j, "gradient")] if one else []
    if kind == "mean" or (kind == "grad" and one):
        if k is None:
            return [("bias", i, j, "gradient"), ("unit", i, j, "delta")]
        return [("edge", i, j, k, "gradient")]
    return []


def check(answer: float | str, truth: float, rel_tol: float = 1e-2, abs_tol: float = 1e-3) -> bool:
    """Whether a typed answer is the true value within ``rel_tol`` (relative) or ``abs_tol``."""
    value = parse_answer(answer) if isinstance(answer, str) else float(answer)
    if value is None or not math.isfinite(value):
        return False
    return abs(value - truth) <= max(abs_tol, rel_tol * abs(truth))


def parse_answer(text: str) -> float | None:
    """A number typed by a person: accepts ``−`` (true minus), a decimal comma and spaces."""
    t = text.strip().replace("−", "-").replace("–", "-").replace(" ", "")
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return None


def bias_exercise(
    net: Network, X: Array, Y: Array, layer_index: int, j: int, h: float = 1e-6
) -> BiasCheck:
    """``δ_j^(l)`` from the engine's backward pass beside the central difference of the cost in
    ``b_j^(l)`` (``layer_index`` is the list index ``l − 2``), on a float64 copy of ``net``."""
    probe = net.astype(np.float64)
    X = probe.as_points(X)
    fw = probe.forward(X)
    bw = probe.backward(fw, Y)
    Y = np.asarray(Y, dtype=np.float64).reshape(fw.output.shape)
    delta = float(bw.delta[layer_index][0, j]) if len(X) == 1 else float(bw.grad_b[layer_index][j])
    numeric = gradcheck.central_difference(probe, X, Y, probe.param_index("b", layer_index, j), h)
    return BiasCheck(
        name=notation.b_name(layer_index + 2, j),
        layer=layer_index + 2,
        j=j,
        delta=delta,
        numeric=numeric,
        relative_error=float(gradcheck.relative_errors(delta, numeric)),
        h=h,
        n_points=len(X),
        noise=gradcheck.noise_floor(float(bw.cost), h),
    )
