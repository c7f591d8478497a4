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
from . import boundary, losses
from .network import Backward, Forward, Network

Array = np.ndarray

# |g'(z)| below this blocks δ: sigmoid beyond |z| ≈ 4.6, tanh beyond |z| ≈ 3, ReLU at z ≤ 0.
SATURATION_EPS = 1e-2
# A unit is called saturated when it is blocked on at least this fraction of the points.
SATURATED_FRACTION = 0.9
# Sums with more terms than this are shortened in formulas ("+ … 28 more terms").
MAX_TERMS = 4


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

    @property
    def is_batch(self) -> bool:
        return self.n_points > 1

    @property
    def has_targets(self) -> bool:
        return self.backward is not None


def g_prime(net: Network, fw: Forward) -> list[Array]:
    """``g'(z)`` of every non-input layer for every point (softmax: its Jacobian's diagonal)."""
    return [act_table.derivative(name, z) for name, z in zip(net.activations, fw.z, strict=True)]


def inspect(net: Network, X: Array, Y: Array | None = None) -> Inspection:
    """Forward (and backward when ``Y`` is given) on ``X``; per-unit values as the diagram shows."""
    fw = net.forward(X)
    n = len(fw.a[0])
    bw = net.backward(fw, Y) if Y is not None else None
    with np.errstate(all="ignore"):
        gp = g_prime(net, fw)
    mean = (lambda v: v.mean(axis=0)) if n > 1 else (lambda v: v[0].copy())
    y = None
    if Y is not None:
        Y = np.asarray(Y, dtype=net.dtype).reshape(fw.output.shape)
        y = mean(Y)
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
    ``saturation[i]`` is the fraction of grid points where the unit blocks δ.
    """

    maps: list[Array]
    saturation: list[Array]


def plane(net: Network, xlim: tuple[float, float], ylim: tuple[float, float], n: int = 20) -> Plane:
    """One float32 forward pass over the grid gives both the unit maps and their saturation."""
    if net.n_inputs != 2:
        raise ValueError("unit maps need a network with exactly 2 inputs")
    small = net if net.dtype == np.float32 else net.astype(np.float32)
    with np.errstate(all="ignore"):
        fw = small.forward(boundary.grid(xlim, ylim, n, n))
        gp = g_prime(small, fw)
    maps = [a.T.reshape(a.shape[1], n, n) for a in fw.a[1:]]
    return Plane(maps=maps, saturation=saturation(net, gp))


# ---- formulas with numbers -------------------------------------------------------------------


def num(v: float, digits: int = 3) -> str:
    """A number as the diagram prints it: ``digits`` significant digits, a true minus sign."""
    v = float(v)
    if not np.isfinite(v):
        return "nan" if np.isnan(v) else ("∞" if v > 0 else "−∞")
    if v == 0:
        return "0"
    s = f"{v:.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s.replace("-", "−")


def _factor(v: float) -> str:
    s = num(v)
    return f"({s})" if s.startswith("−") else s


def product_sum(terms: list[tuple[float, float]], constant: float | None = None) -> str:
    """``0.12·0.8 − 0.05·1.1 + 0.1``: a sum of products with signs folded into the operators.

    A term whose first factor is negative is written ``− |f|·g``; more than :data:`MAX_TERMS`
    terms are shortened to the first ones and ``+ … (n more)``.
    """
    parts: list[str] = []
    shown = terms[:MAX_TERMS]
    for f, g in shown:
        neg = f < 0
        text = f"{num(abs(f))}·{_factor(g)}"
        if not parts:
            parts.append(("−" if neg else "") + text)
        else:
            parts.append((" − " if neg else " + ") + text)
    if len(terms) > MAX_TERMS:
        parts.append(f" + … ({len(terms) - MAX_TERMS} more)")
    if constant is not None:
        c = num(abs(constant))
        parts.append((" − " if constant < 0 else " + ") + c if parts else num(constant))
    return "".join(parts) if parts else "0"


def unit_title(net: Network, layer: int, j: int) -> str:
    """``hidden unit 2 of layer 3 (tanh)`` or ``input x_1`` for list layer ``layer``."""
    if layer < 0:
        return f"input x_{j + 1}"
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
        lines.append(f"a = x_{j + 1} = {num(x, 4)}  ({what})")
        return lines
    act = act_table.get(net.activations[layer])
    z, a, gp = insp.z[layer][j], insp.a[layer + 1][j], insp.g_prime[layer][j]
    last = len(net.activations) - 1
    if insp.is_batch:
        lines.append(f"means over {insp.n_points} points (the formulas hold per point):")
        lines.append(f"z = Σ_k w_jk a_k + b_j;  mean z = {num(z, 4)}")
        lines.append(f"{_a_formula(act)};  mean a = {num(a, 4)}")
        gp_name = "∂a_j/∂z_j" if act.g_prime is None else "g'(z)"
        lines.append(f"{act.derivative};  mean {gp_name} = {num(gp, 4)}")
        if insp.delta is not None:
            d = insp.delta[layer][j]
            rule = _delta_rule(net, layer)
            lines.append(f"δ = {rule};  mean δ = {num(d, 4)}")
            lines.append(f"∂E/∂b_j = mean δ = {num(insp.grad_b[layer][j], 4)}")
    else:
        W, b = net.weights[layer], net.biases[layer]
        a_prev = insp.a[layer]
        terms = [(float(W[j, k]), float(a_prev[k])) for k in range(len(a_prev))]
        lines.append(f"z = Σ_k w_jk a_k + b_j = {product_sum(terms, float(b[j]))} = {num(z, 4)}")
        lines.append(f"{_a_formula(act)} = {num(a, 4)}")
        lines.append(f"{_derivative_with_numbers(act, z, a)} = {num(gp, 4)}")
        if insp.delta is not None:
            d = insp.delta[layer][j]
            lines.append(_delta_with_numbers(net, insp, layer, j) + f" = {num(d, 4)}")
            lines.append(f"∂E/∂b_j = δ_j = {num(insp.grad_b[layer][j], 4)}")
    if insp.delta is None:
        lines.append("δ: select a point with its target to see the error signal")
    if layer == last and insp.y is not None:
        lines.append(f"target y = {num(insp.y[j], 4)}")
    if saturation_fraction is not None:
        line = saturation_line(net, layer, saturation_fraction, saturation_over)
        if line:
            lines.append(line)
    return lines


def saturation_line(net: Network, layer: int, fraction: float, over: str = "the plane") -> str:
    """Why a unit passes (almost) no δ back, or ``""`` when it is not saturated."""
    if layer < 0 or not blocks_delta(net, layer):
        return ""
    if not act_table.get(net.activations[layer]).trainable:
        return "step unit: g'(z) = 0 everywhere, so δ is always 0 here"
    if fraction >= SATURATED_FRACTION:
        return (
            f"saturated: |g'(z)| < {num(SATURATION_EPS)} on {fraction:.0%} of {over}, "
            "so little δ gets through"
        )
    return ""


def _a_formula(act: act_table.Activation) -> str:
    """``a = 1 / (1 + e^(−z))``; softmax already names its output ``a_j``."""
    if act.formula.startswith("g(z) = "):
        return "a = " + act.formula.removeprefix("g(z) = ")
    return act.formula


def _derivative_with_numbers(act: act_table.Activation, z: float, a: float) -> str:
    name = act.name
    if name == "sigmoid":
        return f"g'(z) = a (1 − a) = {_factor(a)}·(1 − {_factor(a)})"
    if name == "tanh":
        return f"g'(z) = 1 − a² = 1 − {_factor(a)}²"
    if name == "relu":
        return f"g'(z) = 1 if z > 0 else 0;  z = {num(z)}, so g'(z)"
    if name == "softmax":
        return f"∂a_j/∂z_j = a (1 − a) = {_factor(a)}·(1 − {_factor(a)})"
    return act.derivative


def _delta_rule(net: Network, layer: int) -> str:
    if layer < len(net.activations) - 1:
        return "(Σ_k δ_k w_kj) g'(z)"
    if net.loss == "cross_entropy":
        return "a − y"
    if net.output_activation == "softmax":
        return "a_j (e_j − Σ_c e_c a_c), e = 2 (a − y)"
    return "2 (a − y) g'(z)"


def _delta_with_numbers(net: Network, insp: Inspection, layer: int, j: int) -> str:
    """The δ formula of unit j with the point's numbers (single point only)."""
    rule = _delta_rule(net, layer)
    if layer < len(net.activations) - 1:
        nxt = insp.delta[layer + 1]
        W = net.weights[layer + 1]
        terms = [(float(nxt[k]), float(W[k, j])) for k in range(len(nxt))]
        return f"δ = {rule} = ({product_sum(terms)})·{_factor(insp.g_prime[layer][j])}"
    a, y = insp.a[-1][j], insp.y[j]
    if net.loss == "cross_entropy":
        return f"δ = {rule} = {num(a)} − {_factor(y)}"
    if net.output_activation == "softmax":
        return f"δ = {rule}"
    return f"δ = {rule} = 2·({num(a)} − {_factor(y)})·{_factor(insp.g_prime[layer][j])}"


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
    src = f"x_{k + 1}" if layer == 0 else f"unit {k + 1} of layer {layer + 1}"
    lines = [f"{net.param_name(idx)}: from {src} to unit {j + 1} of layer {layer + 2}"]
    lines.append(f"w = {num(net.weights[layer][j, k], 4)}")
    if insp is not None and insp.delta is not None:
        d, a = insp.delta[layer][j], insp.a[layer][k]
        g = insp.grad_W[layer][j, k]
        mean = "mean " if insp.is_batch else ""
        lines.append(f"{mean}δ_j = {num(d, 4)},  {mean}a_k = {num(a, 4)}")
        if insp.is_batch:
            lines.append(
                f"∂E/∂w_jk = mean over {insp.n_points} points of δ_j a_k = {num(g, 4)}"
                "  (not the product of the means)"
            )
        else:
            lines.append(f"∂E/∂w_jk = δ_j a_k = {_factor(d)}·{_factor(a)} = {num(g, 4)}")
    elif insp is not None:
        mean = "mean " if insp.is_batch else ""
        lines.append(f"{mean}a_k = {num(insp.a[layer][k], 4)}")
    if update is not None:
        lines.append(f"last update Δw = {num(update[idx], 4)}")
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
    lines = [f"{net.param_name(idx)}: bias of unit {j + 1} of layer {layer + 2}"]
    lines.append(f"b = {num(net.biases[layer][j], 4)}")
    if insp is not None and insp.grad_b is not None:
        how = f"mean over {insp.n_points} points of δ_j" if insp.is_batch else "δ_j"
        lines.append(f"∂E/∂b_j = {how} = {num(insp.grad_b[layer][j], 4)}")
    if update is not None:
        lines.append(f"last update Δb = {num(update[idx], 4)}")
    if frozen:
        lines.append("frozen: training does not change it")
    return lines


def output_cost_line(net: Network, insp: Inspection) -> str | None:
    """``E = …`` for the selection, or ``None`` without targets."""
    if insp.cost is None:
        return None
    what = f"mean over {insp.n_points} points" if insp.is_batch else "this point"
    return f"{losses.FORMULAS[net.loss]}:  E = {num(insp.cost, 4)} ({what})"


def split_params(net: Network, flat: Array) -> tuple[list[Array], list[Array]]:
    """A flat parameter-shaped array (an update, a frozen mask) as per-layer ``W`` and ``b``."""
    flat = np.asarray(flat)
    if flat.shape != (net.n_params,):
        raise ValueError(f"expected {net.n_params} values, got shape {flat.shape}")
    return net._views(flat)
