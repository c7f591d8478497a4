"""What the diagram shows about a network on chosen points: values, saturation, gradient norms.

Everything here reads the engine's forward and backward passes; nothing redoes their arithmetic.
:func:`inspect` runs both passes on one point or a batch and keeps, per unit, the value the diagram
displays (the point's own value, or the mean over the batch). :func:`unit_formulas` and
:func:`edge_formulas` write the lecture's formulas with those numbers substituted, e.g.
``δ = (Σ_k δ_k w_kj) g'(z) = (0.12·0.8 − 0.05·1.1)·0.21 = 0.0086``.

Layers are addressed by list index as in :class:`~mlpstudio.core.network.Network`: ``layer = i``
is lecture layer ``i + 2`` (0 = the first layer after the inputs) and ``-1`` is the input layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import activations as act_table
from . import boundary, notation
from .network import Backward, Forward, Network
from .numformat import num

Array = np.ndarray

# |g'(z)| below this blocks δ: sigmoid beyond |z| ≈ 4.6, tanh beyond |z| ≈ 3, ReLU at z ≤ 0.
SATURATION_EPS = 1e-2
# A unit is called saturated when it is blocked on at least this fraction of the points.
SATURATED_FRACTION = 0.9


@dataclass
class Inspection:
    """The forward (and, with targets, backward) pass on the selected point(s).

    Per-unit arrays hold the value of the one point, or the mean over the points of a batch
    (``n_points > 1``): ``a[0]`` is the input ``x``; ``z``, ``g_prime``, ``delta`` have one
    array per non-input layer. ``grad_W``/``grad_b`` are the engine's mean gradients.
    """

    n_points: int
    z: list[Array]
    a: list[Array]
    g_prime: list[Array]
    y: Array | None
    delta: list[Array] | None
    grad_W: list[Array] | None
    grad_b: list[Array] | None
    cost: float | None
    forward: Forward
    backward: Backward | None
    # The point(s) as given (their mean for a batch): ``a[0]`` differs once the network has
    # derived input features.
    x: Array | None = None

    @property
    def is_batch(self) -> bool:
        return self.n_points > 1

    @property
    def has_targets(self) -> bool:
        return self.backward is not None


def g_prime(net: Network, fw: Forward) -> list[Array]:
    """``g'(z)`` of every non-input layer for every point (softmax: its Jacobian's diagonal)."""
    return [act_table.derivative(name, z) for name, z in zip(net.activations, fw.z, strict=True)]


def targets(Y: Array, m: int, n_out: int, dtype=np.float64) -> Array:
    """``Y`` as ``(m, n_out)`` (a flat row is fine for one point or one output), or a ValueError
    in words, before the engine divides by a batch of no points or a reshape fails inside it."""
    if m == 0:
        raise ValueError("there are no points")
    Y = np.asarray(Y, dtype=dtype)
    if Y.shape == (m, n_out) or (Y.ndim == 1 and Y.size == m * n_out and 1 in (m, n_out)):
        return Y.reshape(m, n_out)
    raise ValueError(
        f"the targets have shape {Y.shape}, but {m} point(s) of a network with {n_out} "
        f"output(s) need shape ({m}, {n_out})"
    )


def inspect(net: Network, X: Array, Y: Array | None = None) -> Inspection:
    """Forward (and backward when ``Y`` is given) on ``X``; per-unit values as the diagram shows.

    A ValueError in words when there are no points (a mean over none is nothing to show) or
    when ``Y`` does not hold one target row per point for the outputs.
    """
    fw = net.forward(X)
    n = len(fw.a[0])
    if n == 0:
        raise ValueError("there are no points to inspect")
    if Y is not None:
        Y = targets(Y, n, net.n_outputs, net.dtype)
    bw = net.backward(fw, Y) if Y is not None else None
    with np.errstate(all="ignore"):
        gp = g_prime(net, fw)
    mean = (lambda v: v.mean(axis=0)) if n > 1 else (lambda v: v[0].copy())
    y = None if Y is None else mean(Y)
    return Inspection(
        n_points=n,
        z=[mean(z) for z in fw.z],
        a=[mean(a) for a in fw.a],
        g_prime=[mean(v) for v in gp],
        y=y,
        delta=[mean(d) for d in bw.delta] if bw else None,
        grad_W=[g.copy() for g in bw.grad_W] if bw else None,
        grad_b=[g.copy() for g in bw.grad_b] if bw else None,
        cost=bw.cost if bw else None,
        forward=fw,
        backward=bw,
        x=mean(net.as_points(X)),
    )


def layer_gradient_norms(insp: Inspection) -> Array:
    """``‖(∂E/∂W^(l), ∂E/∂b^(l))‖`` per non-input layer (Frobenius); empty without targets."""
    if insp.grad_W is None or insp.grad_b is None:
        return np.zeros(0)
    return np.array(
        [
            np.sqrt(np.sum(gW * gW) + np.sum(gb * gb))
            for gW, gb in zip(insp.grad_W, insp.grad_b, strict=True)
        ]
    )


def blocks_delta(net: Network, layer: int) -> bool:
    """Whether ``g'`` of this layer multiplies δ (not on a cross-entropy output: it cancels)."""
    last = len(net.activations) - 1
    return not (layer == last and net.loss == "cross_entropy")


def saturation(net: Network, gp: list[Array], eps: float = SATURATION_EPS) -> list[Array]:
    """Per unit, the fraction of points where ``|g'(z)| < eps`` (δ cannot pass back through).

    Step units are always saturated (``g' = 0``). On a cross-entropy output ``g'`` cancels out of
    ``δ = a − y``, so those units are never counted as saturated.
    """
    out = []
    for i, v in enumerate(gp):
        if not blocks_delta(net, i):
            out.append(np.zeros(v.shape[1]))
        elif not act_table.get(net.activations[i]).trainable:
            out.append(np.ones(v.shape[1]))
        else:
            out.append(np.mean(np.abs(v) < eps, axis=0))
    return out


def saturated_units(fractions: list[Array], threshold: float = SATURATED_FRACTION) -> list[Array]:
    """Boolean mask per layer: blocked on at least ``threshold`` of the points."""
    return [f >= threshold for f in fractions]


@dataclass
class Plane:
    """Every unit's activation over an ``n × n`` grid of the input plane, and its saturation there.

    ``maps[i]`` has shape ``(n_l, n, n)`` (row 0 at ``ylim[0]``, as :func:`boundary.unit_maps`);
    ``saturation[i]`` is the fraction of grid points where the unit blocks δ; ``inputs`` holds
    the input units' maps ``(n_1, n, n)`` when they are derived features (else None: x₁ and x₂
    are the plane's own axes).
    """

    maps: list[Array]
    saturation: list[Array]
    inputs: Array | None = None


def map_ranges(maps: list[Array]) -> list[tuple[Array, Array]]:
    """Per layer, each unit's smallest and largest finite value over its map (NaN for a map
    with none: a diverged unit), without numpy's all-NaN warnings."""
    out = []
    for m in maps:
        flat = m.reshape(len(m), -1)
        ok = np.isfinite(flat)
        has = ok.any(axis=1)
        lo = np.where(has, np.where(ok, flat, np.inf).min(axis=1, initial=np.inf), np.nan)
        hi = np.where(has, np.where(ok, flat, -np.inf).max(axis=1, initial=-np.inf), np.nan)
        out.append((lo.astype(np.float64), hi.astype(np.float64)))
    return out


def plane(net: Network, xlim: tuple[float, float], ylim: tuple[float, float], n: int = 20) -> Plane:
    """One float32 forward pass over the grid gives both the unit maps and their saturation."""
    if net.n_inputs != 2:
        raise ValueError("unit maps need a network with exactly 2 inputs")
    small = net if net.dtype == np.float32 else net.astype(np.float32)
    with np.errstate(all="ignore"):
        fw = small.forward(boundary.grid(xlim, ylim, n, n))
        gp = g_prime(small, fw)
    maps = [a.T.reshape(a.shape[1], n, n) for a in fw.a[1:]]
    inputs = None if net.features is None else fw.a[0].T.reshape(net.sizes[0], n, n)
    return Plane(maps=maps, saturation=saturation(net, gp), inputs=inputs)


# ---- formulas with numbers -------------------------------------------------------------------
# Tooltips use notation's unit-local forms (the unit's own z, a, δ bare) in plain text.

_DIGITS = 4  # digits of the values at the end of a tooltip's formula


def _text(markup: str) -> str:
    return notation.plain(markup)


def unit_title(net: Network, layer: int, j: int) -> str:
    """``hidden unit 2 of layer 3 (tanh)`` or ``input x_1`` for list layer ``layer``."""
    if layer < 0:
        return f"input {_text(notation.input_name(net.features, j))}"
    role = "output" if layer == len(net.activations) - 1 else "hidden"
    return f"{role} unit {j + 1} of layer {layer + 2} ({net.activations[layer]})"


def unit_formulas(
    net: Network,
    insp: Inspection,
    layer: int,
    j: int,
    saturation_fraction: float | None = None,
    saturation_over: str = "the plane",
) -> list[str]:
    """Lines describing unit ``j`` of list layer ``layer`` (-1 = inputs) with numbers substituted.

    For a single point each line is the lecture's formula, the numbers, and the engine's result.
    For a batch the values are means over the points; the formulas hold per point, so the
    numbers are not substituted into them.
    """
    lines = [unit_title(net, layer, j)]
    if layer < 0:
        x = insp.a[0][j]
        what = f"mean over {insp.n_points} points" if insp.is_batch else "the selected point"
        lines.append(
            f"a = {_text(notation.input_name(net.features, j))} = {num(x, _DIGITS)}  ({what})"
        )
        return lines
    name = net.activations[layer]
    z, a, gp = insp.z[layer][j], insp.a[layer + 1][j], insp.g_prime[layer][j]
    last = len(net.activations) - 1
    output = layer == last
    # softmax has no elementwise g': its own-unit slope is ∂a_j/∂z_j
    own_z, own_a = ("z_{j}", "a_{j}") if name == "softmax" else ("z", "a")
    z_rule = _text(notation.z_rule(local=True))
    a_rule = _text(notation.unit_activation_rule(name))
    delta_rule = _text(notation.delta_rule(net.loss, name, output, local=True))
    if insp.is_batch:
        gp_rule = _text(notation.derivative_rule(name))
        gp_name = _text(notation.g_prime_lhs(name, own_z, own_a))
        lines.append(f"means over {insp.n_points} points (the formulas hold per point):")
        lines.append(f"{z_rule};  mean z = {num(z, _DIGITS)}")
        lines.append(f"{a_rule};  mean a = {num(a, _DIGITS)}")
        lines.append(f"{gp_rule};  mean {gp_name} = {num(gp, _DIGITS)}")
        if insp.delta is not None:
            lines.append(f"{delta_rule};  mean δ = {num(insp.delta[layer][j], _DIGITS)}")
            gb = num(insp.grad_b[layer][j], _DIGITS)
            lines.append(f"{_bias_gradient_lhs()} = mean δ = {gb}")
    else:
        W, b = net.weights[layer], net.biases[layer]
        numbers = notation.z_numbers(W[j], insp.a[layer], b[j])
        lines.append(f"{z_rule} = {_text(numbers)} = {num(z, _DIGITS)}")
        lines.append(f"{a_rule} = {num(a, _DIGITS)}")
        lines.append(_text(notation.g_prime_worked(name, own_z, own_a, z, a, gp, _DIGITS)))
        if insp.delta is not None:
            d = num(insp.delta[layer][j], _DIGITS)
            numbers = _delta_numbers(net, insp, layer, j)
            lines.append(f"{delta_rule} = {numbers} = {d}" if numbers else f"{delta_rule} = {d}")
            lines.append(
                f"{_text(notation.bias_gradient(None, 'j', None))} = "
                f"{num(insp.grad_b[layer][j], _DIGITS)}"
            )
    if output and insp.delta is not None:
        note = notation.output_delta_note(net.loss, name)
        if note:
            lines.append(_text(note))
    if insp.delta is None:
        lines.append("δ: select a point with its target to see the error signal")
    if output and insp.y is not None:
        lines.append(f"target y = {num(insp.y[j], _DIGITS)}")
    if saturation_fraction is not None:
        line = saturation_line(net, layer, saturation_fraction, saturation_over)
        if line:
            lines.append(line)
    return lines


def _bias_gradient_lhs() -> str:
    return _text(notation.dE(notation.b_name(None, "j"), None))


def saturation_line(net: Network, layer: int, fraction: float, over: str = "the plane") -> str:
    """Why a unit passes (almost) no δ back, or ``""`` when it is not saturated."""
    if layer < 0 or not blocks_delta(net, layer):
        return ""
    if not act_table.get(net.activations[layer]).trainable:
        step = _text(notation.derivative_rule("step"))
        return f"step unit: {step} everywhere, so δ is always 0 here"
    if fraction >= SATURATED_FRACTION:
        return (
            f"saturated: |{_text(notation.g_prime_of('z'))}| < {num(SATURATION_EPS)} on "
            f"{fraction:.0%} of {over}, so little δ gets through"
        )
    return ""


def _delta_numbers(net: Network, insp: Inspection, layer: int, j: int) -> str:
    """The δ formula of unit j with the point's numbers (single point only)."""
    gp = insp.g_prime[layer][j]
    if layer < len(net.activations) - 1:
        W = net.weights[layer + 1]
        return _text(notation.hidden_delta_numbers(insp.delta[layer + 1], W[:, j], gp))
    return _text(
        notation.output_delta_numbers(net.loss, net.output_activation, insp.a[-1], insp.y, j, gp)
    )


def edge_formulas(
    net: Network,
    insp: Inspection | None,
    layer: int,
    j: int,
    k: int,
    update: Array | None = None,
    frozen: bool = False,
) -> list[str]:
    """Lines describing ``w_jk`` of list layer ``layer``: value, ``δ_j a_k``, last update."""
    idx = net.param_index("w", layer, j, k)
    src = (
        _text(notation.input_name(net.features, k))
        if layer == 0
        else f"unit {k + 1} of layer {layer + 1}"
    )
    lines = [f"{notation.param_text(net, idx)}: from {src} to unit {j + 1} of layer {layer + 2}"]
    lines.append(f"w = {num(net.weights[layer][j, k], _DIGITS)}")
    dj, ak = _text(notation.delta_name(None, "j")), _text(notation.a_name(None, "k"))
    if insp is not None and insp.delta is not None:
        d, a = insp.delta[layer][j], insp.a[layer][k]
        g = num(insp.grad_W[layer][j, k], _DIGITS)
        mean = "mean " if insp.is_batch else ""
        lines.append(f"{mean}{dj} = {num(d, _DIGITS)},  {mean}{ak} = {num(a, _DIGITS)}")
        lhs = _text(notation.dE(notation.w_name(None, "j", "k"), None))
        product = _text(notation.weight_gradient_product(None, "j", "k"))
        if insp.is_batch:
            lines.append(
                f"{lhs} = mean over {insp.n_points} points of {product} = {g}"
                "  (not the product of the means)"
            )
        else:
            lines.append(f"{lhs} = {product} = {notation.product_numbers(d, a)} = {g}")
    elif insp is not None:
        mean = "mean " if insp.is_batch else ""
        lines.append(f"{mean}{ak} = {num(insp.a[layer][k], _DIGITS)}")
    if update is not None:
        lines.append(f"last update Δw = {num(update[idx], _DIGITS)}")
    if frozen:
        lines.append("frozen: training does not change it")
    return lines


def bias_formulas(
    net: Network,
    insp: Inspection | None,
    layer: int,
    j: int,
    update: Array | None = None,
    frozen: bool = False,
) -> list[str]:
    """Lines describing ``b_j`` of list layer ``layer``: value, ``∂E/∂b_j = δ_j``, last update."""
    idx = net.param_index("b", layer, j)
    lines = [f"{notation.param_text(net, idx)}: bias of unit {j + 1} of layer {layer + 2}"]
    lines.append(f"b = {num(net.biases[layer][j], _DIGITS)}")
    if insp is not None and insp.grad_b is not None:
        dj = _text(notation.delta_name(None, "j"))
        how = f"mean over {insp.n_points} points of {dj}" if insp.is_batch else dj
        lines.append(f"{_bias_gradient_lhs()} = {how} = {num(insp.grad_b[layer][j], _DIGITS)}")
    if update is not None:
        lines.append(f"last update Δb = {num(update[idx], _DIGITS)}")
    if frozen:
        lines.append("frozen: training does not change it")
    return lines


def output_cost_line(net: Network, insp: Inspection) -> str | None:
    """``E_x = … :  E = …`` for the selection, or ``None`` without targets."""
    if insp.cost is None:
        return None
    what = f"mean over {insp.n_points} points" if insp.is_batch else "this point"
    rule = _text(notation.error_rule(net.loss, net.output_activation))
    return f"{rule}:  E = {num(insp.cost, _DIGITS)} ({what})"


def split_params(net: Network, flat: Array) -> tuple[list[Array], list[Array]]:
    """A flat parameter-shaped array (an update, a frozen mask) as per-layer ``W`` and ``b``."""
    flat = np.asarray(flat)
    if flat.shape != (net.n_params,):
        raise ValueError(f"expected {net.n_params} values, got shape {flat.shape}")
    return net._views(flat)
