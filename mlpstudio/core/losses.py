"""Losses: the per-point error ``E_x``, and the output error signal ``δ^(L) = ∂E_x/∂z^(L)``.

``squared_error`` is the lecture's ``E_x = Σ_c (a_c − y_c)²``, so
``δ_j^(L) = 2 (a_j − y_j) g'(z_j)``.
``cross_entropy`` pairs with sigmoid outputs (``−Σ_c y_c ln a_c + (1 − y_c) ln(1 − a_c)``) or
a softmax output (``−Σ_c y_c ln a_c``); for both, ``δ^(L) = a − y``. The reported cost is the
mean of ``E_x`` over the points used.

The task decides what pairs: a classifier's targets are one-hot or 0/1 (±1 for tanh), a
regression network's are real numbers (standardised), so regression takes the squared error and
any output but softmax (the lecture's linear unit by default). A regression fit is measured by
:func:`r_squared` and :func:`rmse` besides its cost.
"""

from __future__ import annotations

import numpy as np

from . import activations, notation

Array = np.ndarray

LOSSES = ("squared_error", "cross_entropy")
TASKS = ("classification", "regression")
# Plain text of each loss for tooltips; spelt in notation.
FORMULAS = {loss: notation.plain(notation.loss_rule(loss)) for loss in LOSSES}

# Keep ln() finite when an output saturates to exactly 0 or 1.
_EPS = 1e-12


def check_pairing(
    loss: str, output_activation: str, n_outputs: int, task: str = "classification"
) -> None:
    """Raise ``ValueError`` for a loss/output pairing that makes no sense for ``task``."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r} (known: {', '.join(TASKS)})")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r} (known: {', '.join(LOSSES)})")
    activations.get(output_activation)
    if task == "regression":
        if loss != "squared_error":
            raise ValueError(
                f"regression takes the squared error, not {loss}: its targets are real numbers, "
                "not classes"
            )
        if output_activation == "softmax":
            raise ValueError(
                "softmax outputs always sum to 1, so they cannot fit real-valued targets: use "
                "a linear output for regression"
            )
    if output_activation == "softmax" and n_outputs < 2:
        raise ValueError("softmax needs at least 2 output units (with 1 unit it is always 1)")
    if loss == "cross_entropy" and output_activation not in ("sigmoid", "softmax"):
        raise ValueError(
            f"cross_entropy needs a sigmoid or softmax output, not {output_activation!r}: "
            "ln a is undefined outside (0, 1)"
        )


def per_point(
    loss: str, output_activation: str, a: Array, Y: Array, z: Array | None = None
) -> Array:
    """``E_x`` for every point (one value per row).

    For cross-entropy, pass the output layer's ``z`` too: ``ln a`` computed from ``z`` stays
    exact when a unit saturates (``a`` rounds to 0 or 1 long before ``z`` is large), where the
    clipped ``ln a`` would report a cost that has stopped growing.
    """
    if loss == "squared_error":
        d = a - Y
        return np.einsum("ij,ij->i", d, d)
    if z is not None:
        return _cross_entropy_from_z(output_activation, z, Y)
    p = np.clip(a, _EPS, 1.0 - _EPS)
    if output_activation == "softmax":
        return -np.einsum("ij,ij->i", Y, np.log(p))
    return -(np.einsum("ij,ij->i", Y, np.log(p)) + np.einsum("ij,ij->i", 1.0 - Y, np.log1p(-p)))


def _cross_entropy_from_z(output_activation: str, z: Array, Y: Array) -> Array:
    if output_activation == "softmax":
        # −Σ_c y_c ln a_c with ln a_c = z_c − ln Σ_k exp z_k (log-sum-exp, shifted by the max).
        m = z.max(axis=1, keepdims=True)
        lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
        return lse * Y.sum(axis=1) - np.einsum("ij,ij->i", Y, z)
    # Sigmoid: −ln σ(z) = ln(1 + e^(−z)) and −ln(1 − σ(z)) = ln(1 + e^z), both via logaddexp.
    return np.einsum("ij,ij->i", Y, np.logaddexp(0.0, -z)) + np.einsum(
        "ij,ij->i", 1.0 - Y, np.logaddexp(0.0, z)
    )


def cost(loss: str, output_activation: str, a: Array, Y: Array, z: Array | None = None) -> float:
    """Mean ``E_x`` over the rows of ``a`` (``z``: the output layer's, for exact cross-entropy)."""
    if len(a) == 0:
        return float("nan")
    return float(per_point(loss, output_activation, a, Y, z).mean())


def output_delta(
    loss: str, output_activation: str, z: Array, a: Array, Y: Array, out: Array, tmp: Array
) -> Array:
    """Write ``δ^(L)`` for every point into ``out`` (``tmp`` is scratch of the same shape)."""
    np.subtract(a, Y, out=out)
    if loss == "cross_entropy":
        # The ln in E_x cancels g' of sigmoid/softmax: δ = a − y.
        return out
    out *= 2.0
    act = activations.get(output_activation)
    if act.g_prime is None:
        # softmax: δ_i = Σ_j (∂E/∂a_j) a_j (1[i=j] − a_i) = a_i (e_i − Σ_j e_j a_j).
        np.multiply(out, a, out=tmp)
        s = tmp.sum(axis=1, keepdims=True)
        out -= s
        out *= a
        return out
    act.g_prime(z, a, tmp)
    out *= tmp
    return out


def r_squared(a: Array, Y: Array) -> float:
    """The coefficient of determination ``R² = 1 − Σ (a − y)² / Σ (y − ȳ)²`` of outputs ``a``
    against targets ``Y`` (rows: points), averaged over the target columns.

    1 is a perfect fit, 0 no better than always answering the mean ``ȳ`` of these targets, and
    below 0 worse than that. It is the same whether computed on standardised or raw targets
    (both sums scale by std²), so the trainer computes it on what it trains on. NaN when there
    are fewer than 2 points or a target has no spread among them (the ratio is undefined).
    """
    if len(a) < 2:
        return float("nan")
    d = a - Y
    residual = np.einsum("ij,ij->j", d, d)
    centred = Y - Y.mean(axis=0)
    total = np.einsum("ij,ij->j", centred, centred)
    if not np.all(total > 0):
        return float("nan")
    return float(np.mean(1.0 - residual / total))


def rmse(a: Array, Y: Array) -> Array:
    """The root-mean-square error of every target column, ``√(mean_x (a_c − y_c)²)``."""
    if len(a) == 0:
        return np.full(a.shape[1], np.nan)
    d = a - Y
    return np.sqrt(np.einsum("ij,ij->j", d, d) / len(a))
