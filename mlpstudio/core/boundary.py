"""The input plane on a grid: what the network (or any one unit) outputs at each grid point.

The app draws the decision boundary and the diagram's per-unit maps from these arrays. They are
only drawn, so they are computed in float32 (several times faster for tanh/exp) in one batched
forward pass.
"""

from __future__ import annotations

import numpy as np

from .network import Network

Array = np.ndarray


def grid(xlim: tuple[float, float], ylim: tuple[float, float], nx: int, ny: int) -> Array:
    """Grid points, shape ``(ny * nx, 2)``, row-major: row ``r`` is ``y = ylim[0] + ...``."""
    xs = np.linspace(xlim[0], xlim[1], nx, dtype=np.float32)
    ys = np.linspace(ylim[0], ylim[1], ny, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def _as_float32(net: Network) -> Network:
    return net if net.dtype == np.float32 else net.astype(np.float32)


def outputs(
    net: Network, xlim: tuple[float, float], ylim: tuple[float, float], nx: int = 100, ny: int = 100
) -> Array:
    """``a^(L)`` over the grid, shape ``(ny, nx, n_L)`` (needs a network with 2 inputs)."""
    if net.n_inputs != 2:
        raise ValueError("the plane view needs a network with exactly 2 inputs")
    out = _as_float32(net).predict_proba(grid(xlim, ylim, nx, ny))
    return out.reshape(ny, nx, net.n_outputs)


def unit_maps(
    net: Network, xlim: tuple[float, float], ylim: tuple[float, float], n: int = 24
) -> list[Array]:
    """``a`` of every unit of every non-input layer over an ``n × n`` grid.

    Returns one array per layer ``l = 2..L`` of shape ``(n_l, n, n)``: ``maps[i][j]`` is unit j's
    activation over the plane (row 0 at ``ylim[0]``).
    """
    if net.n_inputs != 2:
        raise ValueError("unit maps need a network with exactly 2 inputs")
    # A diverging network's large weights may overflow float32 to inf (and inf − inf to NaN):
    # the maps then show those values as they are, without a warning per repaint.
    with np.errstate(all="ignore"):
        fw = _as_float32(net).forward(grid(xlim, ylim, n, n))
    return [a.T.reshape(a.shape[1], n, n) for a in fw.a[1:]]


def input_maps(
    net: Network, xlim: tuple[float, float], ylim: tuple[float, float], n: int = 24
) -> Array:
    """``a^(1)`` over an ``n × n`` grid, shape ``(n_1, n, n)``: each input unit's value (its
    derived feature, or x₁ and x₂ themselves) over the plane, row 0 at ``ylim[0]``."""
    if net.n_inputs != 2:
        raise ValueError("input maps need a network with exactly 2 inputs")
    with np.errstate(all="ignore"):
        a1 = _as_float32(net).input_layer(grid(xlim, ylim, n, n))
    return a1.T.reshape(net.sizes[0], n, n)


def probabilities(net: Network, out: Array) -> Array:
    """Turn outputs ``(..., n_L)`` into class confidences ``(..., K)`` summing to 1.

    One output unit gives two classes (its value against the threshold, rescaled to [0, 1]);
    K units are normalised after clipping to be non-negative.
    """
    if out.shape[-1] == 1:
        v = out[..., 0]
        p1 = (v + 1.0) / 2.0 if net.output_activation == "tanh" else v
        p1 = np.clip(p1, 0.0, 1.0)
        return np.stack([1.0 - p1, p1], axis=-1)
    p = np.clip(out, 0.0, None)
    s = p.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(s > 0, p / s, 1.0 / out.shape[-1])
    return p
