"""The worked formulas of a back-propagation step: the lecture's formula, its numbers, the result.

:func:`formula` writes one :class:`Formula` for an item of a
:class:`~mlpstudio.core.stepper.Stage` (a unit, a weight or a bias) on one point of the batch.
The texts come from :mod:`~mlpstudio.core.notation`; the numbers are the stepper's, which are the
engine's. Only small intermediate numbers are recomputed for display (``2 (a − y)``, a product
of two factors): the result at the end of a formula is always the engine's value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import notation as nt
from .numformat import num as _num

if TYPE_CHECKING:
    from .stepper import BackpropStepper, Stage

# Sums with more terms are cut to the first few and "+ … (n more)"; the result stays exact.
MAX_TERMS = 6
DIGITS = 4  # significant digits of the numbers in formulas


def num(v: float) -> str:
    """A number as worked formulas print it (4 significant digits, a true minus sign)."""
    return _num(v, DIGITS)


@dataclass(frozen=True)
class Formula:
    """One worked formula: ``lhs relation symbolic = numeric = result``, all in markup.

    ``inputs`` are the named quantities substituted into ``numeric`` (what a student needs to
    compute the result by hand); ``details`` are supporting lines (e.g. ``g'`` worked out);
    ``note`` is a short remark (which point of a batch, why a value is 0).
    """

    lhs: str
    symbolic: str
    numeric: str
    result: float
    relation: str = "="
    inputs: tuple[tuple[str, float], ...] = ()
    details: tuple[str, ...] = ()
    note: str = ""

    @property
    def statement(self) -> str:
        """The formula without numbers, e.g. ``z_{1}^{(2)} = Σ_{k} w_{1k}^{(2)} x_{k} + …``."""
        return f"{self.lhs} {self.relation} {self.symbolic}"

    def markup(self) -> str:
        """The whole worked line: the symbolic form, the numbers, and the engine's result."""
        parts = [self.statement]
        result = num(self.result)
        if self.numeric and self.numeric not in (self.symbolic, result):
            parts.append(self.numeric)
        parts.append(result)
        return " = ".join(parts)

    def text(self) -> str:
        """:meth:`markup` in plain text, e.g. ``δ_1^(2) = (Σ_k δ_k^(3) w_k1^(3)) g'(z_1^(2))…``."""
        return nt.plain(self.markup())


def formula(st: BackpropStepper, stage: Stage, j: int, k: int | None, point: int) -> Formula:
    """See :meth:`~mlpstudio.core.stepper.Stage.formula`."""
    if not 0 <= point < st.n_points:
        raise IndexError(f"point {point} of a batch of {st.n_points}")
    note = f"point {point + 1} of {st.n_points}" if st.n_points > 1 else ""
    i = stage.list_index
    if stage.kind == "z":
        return _z(st, i, j, point, note)
    if stage.kind == "a":
        return _a(st, i, j, point, note)
    if stage.kind == "delta":
        if i == len(st.net.weights) - 1:
            return _output_delta(st, i, j, point, note)
        return _hidden_delta(st, i, j, point, note)
    if stage.kind == "grad":
        return _gradient(st, i, j, k, point, note)
    if stage.kind == "mean":
        return _mean(st, i, j, k)
    if stage.kind == "update":
        return _update(st, i, j, k)
    if stage.kind == "cost":
        return _cost(st)
    raise ValueError(stage.kind)


def _z(st: BackpropStepper, i: int, j: int, p: int, note: str) -> Formula:
    l = i + 2
    W, b = st.net.weights[i], st.net.biases[i]
    a_prev = st.fw.a[i][p]
    n_in = len(a_prev)
    inputs = []
    for k in range(n_in):
        a_k = nt.unit_name(l - 1, k, st.net.features)
        inputs += [(nt.w_name(l, j, k), float(W[j, k])), (a_k, float(a_prev[k]))]
    inputs.append((nt.b_name(l, j), float(b[j])))
    details = ()
    if n_in <= 4:
        terms = " + ".join(
            f"{nt.w_name(l, j, k)} {nt.unit_name(l - 1, k, st.net.features)}" for k in range(n_in)
        )
        details = (f"{nt.z_name(l, j)} = {terms} + {nt.b_name(l, j)}",)
    return Formula(
        lhs=nt.z_name(l, j),
        symbolic=nt.z_sum(l, j),
        numeric=nt.z_numbers(W[j], a_prev, b[j], DIGITS, MAX_TERMS),
        result=float(st.fw.z[i][p, j]),
        inputs=tuple(inputs),
        details=details,
        note=note,
    )


def _a(st: BackpropStepper, i: int, j: int, p: int, note: str) -> Formula:
    l = i + 2
    name = st.net.activations[i]
    z = float(st.fw.z[i][p, j])
    zn = nt.z_name(l, j)
    inputs: tuple[tuple[str, float], ...] = ((zn, z),)
    if name == "softmax":
        zs = st.fw.z[i][p]
        symbolic = nt.softmax(l, j)
        numeric = nt.softmax_numbers(zs, j, DIGITS, MAX_TERMS)
        inputs = tuple((nt.z_name(l, c), float(zs[c])) for c in range(len(zs)))
    else:
        symbolic, numeric = nt.g_of(zn), nt.g_numbers(name, z, DIGITS)
    return Formula(
        lhs=nt.a_name(l, j),
        symbolic=symbolic,
        numeric=numeric,
        result=float(st.fw.a[i + 1][p, j]),
        inputs=inputs,
        details=(f"g = {name}: {nt.activation_rule(name)}",),
        note=note,
    )


def _g_prime_line(
    st: BackpropStepper, i: int, j: int, p: int, a_layer: int | None
) -> tuple[str, tuple[tuple[str, float], ...]]:
    """``g'(z_j^(l)) = a (1 − a) = 0.6·(1 − 0.6) = 0.24`` and the values it reads.

    ``a_layer`` is how ``a_j`` is named: the layer, or ``None`` for the output's ``a_j``.
    """
    l = i + 2
    name = st.net.activations[i]
    z, a = float(st.fw.z[i][p, j]), float(st.fw.a[i + 1][p, j])
    zn, an = nt.z_name(l, j), nt.a_name(a_layer, j)
    line = nt.g_prime_worked(name, zn, an, z, a, float(st.g_prime[i][p, j]), DIGITS)
    reads = {"sigmoid": ((an, a),), "softmax": ((an, a),), "tanh": ((an, a),), "relu": ((zn, z),)}
    return line, reads.get(name, ())


def _output_delta(st: BackpropStepper, i: int, j: int, p: int, note: str) -> Formula:
    l = i + 2
    net = st.net
    a, y = st.fw.a[-1][p], st.Y[p]
    gp = float(st.g_prime[i][p, j])
    numeric = nt.output_delta_numbers(
        net.loss, net.output_activation, a, y, j, gp, DIGITS, MAX_TERMS
    )
    # The lecture writes the output activations a_j for a_j^(L); so do the inputs.
    if net.loss != "cross_entropy" and net.output_activation == "softmax":
        inputs = [(nt.a_name(None, c), float(a[c])) for c in range(len(a))]
        inputs += [(nt.y_name(c), float(y[c])) for c in range(len(a))]
    else:
        inputs = [(nt.a_name(None, j), float(a[j])), (nt.y_name(j), float(y[j]))]
    details = tuple(filter(None, [nt.output_delta_note(net.loss, net.output_activation)]))
    if not details:
        gp_line, gp_inputs = _g_prime_line(st, i, j, p, None)
        details = (gp_line,)
        inputs += [q for q in gp_inputs if q not in inputs]
    return Formula(
        lhs=nt.delta_name(l, j),
        symbolic=nt.output_delta(net.loss, net.output_activation, l, j),
        numeric=numeric,
        result=float(st.bw.delta[i][p, j]),
        inputs=tuple(inputs),
        details=details,
        note=note,
    )


def _hidden_delta(st: BackpropStepper, i: int, j: int, p: int, note: str) -> Formula:
    l = i + 2
    nxt = st.bw.delta[i + 1][p]
    W = st.net.weights[i + 1]
    inputs = []
    for k in range(len(nxt)):
        inputs += [
            (nt.delta_name(l + 1, k), float(nxt[k])),
            (nt.w_name(l + 1, k, j), float(W[k, j])),
        ]
    gp_line, gp_inputs = _g_prime_line(st, i, j, p, l)
    gp = float(st.g_prime[i][p, j])
    return Formula(
        lhs=nt.delta_name(l, j),
        symbolic=nt.hidden_delta(l, j),
        numeric=nt.hidden_delta_numbers(nxt, W[:, j], gp, DIGITS, MAX_TERMS),
        result=float(st.bw.delta[i][p, j]),
        inputs=(*inputs, *gp_inputs),
        details=(gp_line,),
        note=note,
    )


def _gradient(st: BackpropStepper, i: int, j: int, k: int | None, p: int, note: str) -> Formula:
    l = i + 2
    d = float(st.bw.delta[i][p, j])
    dn = nt.delta_name(l, j)
    grad_W, grad_b = st.point_gradient(p)
    if k is None:
        return Formula(
            lhs=nt.dE(nt.b_name(l, j)),
            symbolic=dn,
            numeric=num(d),
            result=float(grad_b[i][j]),
            inputs=((dn, d),),
            details=(nt.bias_reason(l, j),),
            note=note,
        )
    a = float(st.fw.a[i][p, k])
    return Formula(
        lhs=nt.dE(nt.w_name(l, j, k)),
        symbolic=nt.weight_gradient_product(l, j, k),
        numeric=nt.product_numbers(d, a, DIGITS),
        result=float(grad_W[i][j, k]),
        inputs=((dn, d), (nt.a_name(l - 1, k), a)),
        note=note,
    )


def _mean(st: BackpropStepper, i: int, j: int, k: int | None) -> Formula:
    l = i + 2
    m = st.n_points
    first = [st.point_gradient(q) for q in range(min(m, MAX_TERMS))]
    if k is None:
        name, mean = nt.b_name(l, j), st.bw.grad_b[i][j]
        values = [float(gb[i][j]) for _, gb in first]
    else:
        name, mean = nt.w_name(l, j, k), st.bw.grad_W[i][j, k]
        values = [float(gW[i][j, k]) for gW, _ in first]
    return Formula(
        lhs=nt.dE(name, None),
        symbolic=nt.mean_gradient(name),
        numeric=nt.mean_numbers(values, m, DIGITS, MAX_TERMS),
        result=float(mean),
        inputs=tuple((nt.dE(name, f"x{q + 1}"), v) for q, v in enumerate(values)),
        note=f"n = {m} points",
    )


def _update(st: BackpropStepper, i: int, j: int, k: int | None) -> Formula:
    l = i + 2
    eta = st.learning_rate
    if k is None:
        name = nt.b_name(l, j)
        old, g, new = st.net.biases[i][j], st.bw.grad_b[i][j], st.new_net.biases[i][j]
    else:
        name = nt.w_name(l, j, k)
        old, g = st.net.weights[i][j, k], st.bw.grad_W[i][j, k]
        new = st.new_net.weights[i][j, k]
    return Formula(
        lhs=name,
        relation="←",
        symbolic=nt.update_step(name),
        numeric=nt.update_numbers(old, eta, g, DIGITS),
        result=float(new),
        inputs=((name, float(old)), ("η", eta), (nt.dE(name, None), float(g))),
    )


def _cost(st: BackpropStepper) -> Formula:
    net = st.net
    change = st.cost_after - st.cost_before
    trend = "down" if change < 0 else ("up" if change > 0 else "unchanged")
    details = (
        f"before the step E = {num(st.cost_before)}; after it, {trend} by {num(abs(change))}",
    )
    if st.n_points > 1:
        values = [float(v) for v in st.cost_points_after[:MAX_TERMS]]
        return Formula(
            lhs=nt.error_name(None),
            symbolic=nt.cost_mean_sum(),
            numeric=nt.mean_numbers(values, st.n_points, DIGITS, MAX_TERMS),
            result=st.cost_after,
            inputs=tuple((nt.error_name(f"x{q + 1}"), v) for q, v in enumerate(values)),
            details=details,
            note=f"n = {st.n_points} points, with the new weights",
        )
    a, y = st.new_fw.output[0], st.Y[0]
    inputs = [(nt.a_name(None, c), float(a[c])) for c in range(len(a))]
    inputs += [(nt.y_name(c), float(y[c])) for c in range(len(a))]
    return Formula(
        lhs=nt.error_name(),
        symbolic=nt.error_sum(net.loss, net.output_activation),
        numeric=nt.error_numbers(net.loss, net.output_activation, a, y, DIGITS, MAX_TERMS),
        result=st.cost_after,
        inputs=tuple(inputs),
        details=details,
        note="with the new weights",
    )
