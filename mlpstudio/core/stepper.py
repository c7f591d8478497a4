"""One training step of back-propagation, taken apart into the lecture's stages.

:class:`BackpropStepper` runs the engine's forward and backward pass **once** on a point (or a
batch) and lays the results out as an ordered list of :class:`Stage` records, the way the lecture
walks through them: ``z`` then ``a`` for each layer, the output ``δ^(L)``, each earlier ``δ^(l)``,
the gradients ``δ_j a_k`` (per point, then their batch average), the update
``w ← w − η ∂E/∂w`` and the cost after it. Every number is the engine's: the stepper assembles
and labels, and only the worked formulas recompute small intermediate numbers for display
(``2 (a − y)``, a product of two factors) — the result at the end of a formula is always the
engine's value.

Formulas are written in a tiny markup: ``_{…}`` is a subscript, ``^{…}`` a superscript (no
nesting), everything else is literal text, e.g. ``δ_{1}^{(2)}``. :func:`plain` turns it into the
lecture's plain-text spelling ``δ_1^(2)``; the UI turns it into HTML or Unicode.

Layers: a Stage's ``layer`` is the lecture's number ``l`` (2..L). Units and edges for the diagram
use list indices as :class:`~mlpstudio.core.network.Network` does: unit ``(i, j)`` is unit j of
layer ``i + 2`` (``i = -1`` is the input layer) and edge ``(i, j, k)`` is ``weights[i][j, k]``.
All of ``j``, ``k`` in the API are 0-based; the markup shows them 1-based as the lecture does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from . import activations as act_table
from . import diagnostics, gradcheck, losses, optimizers
from .network import Backward, Forward, Network

Array = np.ndarray

KINDS = ("z", "a", "delta", "grad", "mean", "update", "cost")
# Sums with more terms are cut to the first few and "+ … (n more)"; the result stays exact.
MAX_TERMS = 6
DIGITS = 4  # significant digits of the numbers in formulas
# Per-point gradients are kept for this many points of a batch (one engine pass each); the others
# are computed when a formula asks for them. The batch average is always over every point.
MAX_PER_POINT = 256

_MARKUP = re.compile(r"([_^])\{([^{}]*)\}")


def plain(markup: str) -> str:
    """The lecture's plain-text spelling of a markup string: ``δ_{1}^{(2)}`` → ``δ_1^(2)``."""
    return _MARKUP.sub(r"\1\2", markup)


def num(v: float) -> str:
    """A number as formulas print it (4 significant digits, a true minus sign)."""
    return diagnostics.num(v, DIGITS)


def _factor(v: float) -> str:
    # A negative factor in a product is bracketed so "0.5·(−0.3)" cannot be misread.
    s = num(v)
    return f"({s})" if s.startswith("−") else s


def _idx(*ix: int) -> str:
    """1-based subscript indices: ``12`` for (0, 1), ``10,2`` once an index has two digits."""
    parts = [str(i + 1) for i in ix]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


# ---- names in the lecture's notation (markup) ----------------------------------------------


def w_name(layer: int, j: int, k: int) -> str:
    """``w_{jk}^{(l)}``: ``layer`` is the lecture number, j and k are 0-based."""
    return f"w_{{{_idx(j, k)}}}^{{({layer})}}"


def b_name(layer: int, j: int) -> str:
    return f"b_{{{_idx(j)}}}^{{({layer})}}"


def z_name(layer: int, j: int) -> str:
    return f"z_{{{_idx(j)}}}^{{({layer})}}"


def a_name(layer: int, j: int) -> str:
    """``a_j^(l)``; the input layer's activations are the point itself, ``x_k``."""
    return f"x_{{{_idx(j)}}}" if layer == 1 else f"a_{{{_idx(j)}}}^{{({layer})}}"


def delta_name(layer: int, j: int) -> str:
    return f"δ_{{{_idx(j)}}}^{{({layer})}}"


def param_label(net: Network, index: int) -> str:
    """Markup name of ``net.params[index]``, e.g. ``w_{12}^{(3)}`` or ``b_{1}^{(2)}``."""
    pos = 0
    for i in range(len(net.sizes) - 1):
        r, c = net.sizes[i + 1], net.sizes[i]
        if index < pos + r * c:
            j, k = divmod(index - pos, c)
            return w_name(i + 2, j, k)
        pos += r * c
    for i, n in enumerate(net.sizes[1:]):
        if index < pos + n:
            return b_name(i + 2, index - pos)
        pos += n
    raise IndexError(index)


def _sum_of_products(terms: list[tuple[float, float]], constant: float | None = None) -> str:
    """``0.5·1 + (−0.3)·0 + 0.1``: each term as written in the symbolic formula."""
    shown = terms if len(terms) <= MAX_TERMS else terms[: MAX_TERMS - 1]
    parts = [f"{_factor(f)}·{_factor(g)}" for f, g in shown]
    if len(shown) < len(terms):
        parts.append(f"… ({len(terms) - len(shown)} more)")
    if constant is not None:
        parts.append(_factor(constant))
    return " + ".join(parts) if parts else "0"


def _sum(values: list[float], total: int | None = None) -> str:
    """``0.1 + 0.2 − 0.05``: a plain sum with each sign folded into its operator.

    ``values`` may be the first terms of ``total``; the rest are counted, not written.
    """
    total = len(values) if total is None else total
    shown = values if total <= MAX_TERMS else values[: MAX_TERMS - 1]
    parts = [num(shown[0])] if shown else ["0"]
    for v in shown[1:]:
        parts.append(f"{'−' if v < 0 else '+'} {num(abs(v))}")
    if len(shown) < total:
        parts.append(f"+ … ({total - len(shown)} more)")
    return " ".join(parts)


# ---- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """One worked formula: ``lhs relation symbolic = numeric = result``, all in markup.

    ``inputs`` are the named quantities substituted into ``numeric`` (what a student needs to
    compute the result by hand); ``details`` are supporting lines (e.g. ``g′`` worked out);
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
        """:meth:`markup` in plain text, e.g. ``δ_1^(2) = (Σ_k δ_k^(3) w_k1^(3)) g′(z_1^(2))…``."""
        return plain(self.markup())


@dataclass(eq=False)
class Stage:
    """One stage of the step; see the module docstring for units, edges and layer numbers.

    ``values`` by kind: ``z``/``a``/``delta`` ``(m, n_l)`` per point; ``grad`` ``(m', n_l,
    n_{l-1})`` per point with ``bias`` ``(m', n_l)``, for the first ``m' = min(m,
    MAX_PER_POINT)`` points (``BackpropStepper.point_gradient`` gives any point); ``mean`` the
    batch-mean ``∂E/∂W`` with
    ``bias`` ``∂E/∂b``; ``update`` the new ``W`` and ``b`` (``bias``), ``previous`` and
    ``previous_bias`` the old ones; ``cost`` ``[E after]`` with ``previous`` ``[E before]``.
    """

    index: int
    kind: str
    layer: int
    title: str
    values: Array
    units: list[tuple[int, int]]
    edges: list[tuple[int, int, int]]
    bias: Array | None = None
    previous: Array | None = None
    previous_bias: Array | None = None
    description: str = ""
    _stepper: BackpropStepper | None = field(default=None, repr=False)

    @property
    def list_index(self) -> int:
        """The stage's layer as a list index (``weights[i]``, ``z[i]``)."""
        return self.layer - 2

    @property
    def per_edge(self) -> bool:
        """Gradient and update stages are about weights (and biases), not units."""
        return self.kind in ("grad", "mean", "update")

    def items(self) -> list[tuple[int, int | None]]:
        """What :meth:`formula` accepts: ``(j, None)`` per unit (or bias), ``(j, k)`` per weight."""
        if self.kind == "cost":
            return [(0, None)]
        n_units = self.values.shape[-2] if self.per_edge else self.values.shape[-1]
        out: list[tuple[int, int | None]] = []
        if self.per_edge:
            n_in = self.values.shape[-1]
            out += [(j, k) for j in range(n_units) for k in range(n_in)]
        out += [(j, None) for j in range(n_units)]
        return out

    def formula(self, j: int, k: int | None = None, point: int = 0) -> Formula:
        """The worked formula for unit ``j`` (or weight ``w_jk``; ``k=None`` is the bias ``b_j``
        on gradient and update stages) on point ``point`` of the batch."""
        assert self._stepper is not None
        return self._stepper.formula(self, j, k, point)

    def involved(self, j: int, k: int | None = None) -> tuple[list, list]:
        """Units and edges the formula of ``(j, k)`` reads, for highlighting one item."""
        i = self.list_index
        if self.kind == "cost":
            return list(self.units), []
        if self.per_edge:
            if k is None:
                return [(i, j)], []
            return [(i - 1, k), (i, j)], [(i, j, k)]
        n_prev = self._stepper.net.sizes[i] if self._stepper else 0
        if self.kind == "z":
            return [*((i - 1, kk) for kk in range(n_prev)), (i, j)], [
                (i, j, kk) for kk in range(n_prev)
            ]
        if self.kind == "delta" and self._stepper and i < len(self._stepper.net.weights) - 1:
            n_next = self._stepper.net.sizes[i + 2]
            return [(i, j), *((i + 1, kk) for kk in range(n_next))], [
                (i + 1, kk, j) for kk in range(n_next)
            ]
        return [(i, j)], []


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

    @property
    def agrees(self) -> bool:
        return self.relative_error < gradcheck.SUSPECT


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


def _relative_error(a: float, b: float) -> float:
    # As gradcheck: both below round-off count as agreeing rather than as a 100% error.
    if max(abs(a), abs(b)) < 1e-10:
        return 0.0
    return abs(a - b) / max(abs(a) + abs(b), 1e-12)


def bias_exercise(
    net: Network, X: Array, Y: Array, layer_index: int, j: int, h: float = 1e-6
) -> BiasCheck:
    """``δ_j^(l)`` from the engine's backward pass beside the central difference of the cost in
    ``b_j^(l)`` (``layer_index`` is the list index ``l − 2``), on a float64 copy of ``net``."""
    probe = net.astype(np.float64)
    X = probe._as_input(X)
    fw = probe.forward(X)
    bw = probe.backward(fw, Y)
    Y = np.asarray(Y, dtype=np.float64).reshape(fw.output.shape)
    delta = float(bw.delta[layer_index][0, j]) if len(X) == 1 else float(bw.grad_b[layer_index][j])
    numeric = gradcheck.central_difference(probe, X, Y, probe.param_index("b", layer_index, j), h)
    return BiasCheck(
        name=b_name(layer_index + 2, j),
        layer=layer_index + 2,
        j=j,
        delta=delta,
        numeric=numeric,
        relative_error=_relative_error(delta, numeric),
        h=h,
        n_points=len(X),
    )


# ---- the stepper -------------------------------------------------------------------------------


class BackpropStepper:
    """The lecture's training step on ``(X, Y)``, computed once by the engine, as stages.

    ``net`` is copied: the stepper never changes the caller's network. ``Y`` are targets as the
    network's outputs expect them (``net.encode(labels)``). :meth:`apply` writes the stepped
    update into a network; it equals one :class:`~mlpstudio.core.training.Trainer` step with
    optimizer ``gd`` on the same batch (no L2 term: the lecture's step).
    """

    def __init__(self, net: Network, X: Array, Y: Array, learning_rate: float) -> None:
        if not (isinstance(learning_rate, (int, float)) and math.isfinite(learning_rate)):
            raise ValueError(f"learning_rate must be a finite number, got {learning_rate!r}")
        self.net = net.copy()
        self.learning_rate = float(learning_rate)
        self.X = self.net._as_input(X).copy()
        with np.errstate(all="ignore"):
            self.fw: Forward = self.net.forward(self.X)
            self.bw: Backward = self.net.backward(self.fw, Y)
            self.g_prime = diagnostics.g_prime(self.net, self.fw)
        self.Y = np.asarray(Y, dtype=self.net.dtype).reshape(self.fw.output.shape)
        self.n_points = len(self.X)
        self.cost_before = self.bw.cost
        self.cost_points_before = losses.per_point(
            self.net.loss, self.net.output_activation, self.fw.output, self.Y
        )

        self.point_grad_W, self.point_grad_b = self._per_point_gradients()
        # The flat gradient in ``params`` order, then the engine's own gd optimiser makes Δθ:
        # the same calls a Trainer makes, so applying gives bit-identical weights.
        self.grads = np.concatenate([g.ravel() for g in (*self.bw.grad_W, *self.bw.grad_b)])
        gd = optimizers.make("gd", self.net.n_params, self.net.dtype, self.learning_rate)
        self.update = gd.compute(self.grads, np.empty_like(self.grads))
        self.new_params = self.net.params + self.update
        self.new_net = self.net.copy()
        self.new_net.set_params(self.new_params)
        with np.errstate(all="ignore"):
            self.new_fw = self.new_net.forward(self.X)
            self.cost_points_after = losses.per_point(
                self.net.loss, self.net.output_activation, self.new_fw.output, self.Y
            )
            self.cost_after = losses.cost(
                self.net.loss, self.net.output_activation, self.new_fw.output, self.Y
            )
        self.stages = self._build_stages()

    # ---- building ----------------------------------------------------------------------------

    def _per_point_gradients(self) -> tuple[list[Array], list[Array]]:
        """``∂E_x/∂W`` and ``∂E_x/∂b`` of the first points, each from the engine's backward pass.

        At most :data:`MAX_PER_POINT` points: a million-point batch would need a million passes.
        """
        net, m = self.net, min(self.n_points, MAX_PER_POINT)
        self._extra_point_grads: dict[int, tuple[list[Array], list[Array]]] = {}
        if self.n_points == 1:
            return [g[None].copy() for g in self.bw.grad_W], [
                g[None].copy() for g in self.bw.grad_b
            ]
        gW = [np.empty((m, *W.shape), net.dtype) for W in net.weights]
        gb = [np.empty((m, len(b)), net.dtype) for b in net.biases]
        with np.errstate(all="ignore"):
            for p in range(m):
                one = net.backward(net.forward(self.X[p : p + 1]), self.Y[p : p + 1])
                for i in range(len(gW)):
                    gW[i][p] = one.grad_W[i]
                    gb[i][p] = one.grad_b[i]
        return gW, gb

    def point_gradient(self, p: int) -> tuple[list[Array], list[Array]]:
        """``∂E_x/∂W`` and ``∂E_x/∂b`` (per layer) of point ``p``, from the engine."""
        if p < len(self.point_grad_W[0]):
            return [g[p] for g in self.point_grad_W], [g[p] for g in self.point_grad_b]
        if p not in self._extra_point_grads:
            with np.errstate(all="ignore"):
                one = self.net.backward(self.net.forward(self.X[p : p + 1]), self.Y[p : p + 1])
            self._extra_point_grads[p] = (
                [g.copy() for g in one.grad_W],
                [g.copy() for g in one.grad_b],
            )
        return self._extra_point_grads[p]

    def _build_stages(self) -> list[Stage]:
        net, fw, bw = self.net, self.fw, self.bw
        n = len(net.weights)
        L = n + 1
        stages: list[Stage] = []

        def add(kind: str, i: int, title: str, values: Array, units, edges, **kw) -> None:
            stages.append(
                Stage(len(stages), kind, i + 2, title, values, units, edges, _stepper=self, **kw)
            )

        def unit_list(i: int) -> list[tuple[int, int]]:
            return [(i, j) for j in range(net.sizes[i + 1])]

        def edge_list(i: int) -> list[tuple[int, int, int]]:
            rows, cols = net.weights[i].shape
            return [(i, j, k) for j in range(rows) for k in range(cols)]

        for i in range(n):
            l = i + 2
            prev = "x" if i == 0 else f"a^{{({l - 1})}}"
            add(
                "z",
                i,
                f"Forward, layer {l}: z^{{({l})}} = W^{{({l})}} {prev} + b^{{({l})}}",
                fw.z[i],
                unit_list(i - 1) + unit_list(i),
                edge_list(i),
                description="Each unit sums its weighted inputs and adds its bias.",
            )
            add(
                "a",
                i,
                f"Forward, layer {l}: a^{{({l})}} = g(z^{{({l})}})",
                fw.a[i + 1],
                unit_list(i),
                [],
                description=f"Each unit applies its activation g ({net.activations[i]}).",
            )
        add(
            "delta",
            n - 1,
            f"Backward: output error δ^{{({L})}} = ∂E_{{x}}/∂z^{{({L})}}",
            bw.delta[n - 1],
            unit_list(n - 1),
            [],
            description="How much the error on this point changes with each output unit's z.",
        )
        for i in range(n - 2, -1, -1):
            l = i + 2
            add(
                "delta",
                i,
                f"Backward: δ^{{({l})}} from δ^{{({l + 1})}}",
                bw.delta[i],
                unit_list(i) + unit_list(i + 1),
                edge_list(i + 1),
                description="Each δ is sent back along the weights it came through, "
                "then scaled by g′(z) of the unit.",
            )
        for i in range(n):
            l = i + 2
            add(
                "grad",
                i,
                f"Gradients, layer {l}: ∂E_{{x}}/∂w_{{jk}}^{{({l})}} = δ_{{j}}^{{({l})}} "
                f"a_{{k}}^{{({l - 1})}}",
                self.point_grad_W[i],
                unit_list(i - 1) + unit_list(i),
                edge_list(i),
                bias=self.point_grad_b[i],
                description="A weight's gradient is the δ at its end times the activation at "
                "its start; a bias's gradient is its unit's δ.",
            )
        if self.n_points > 1:
            for i in range(n):
                l = i + 2
                add(
                    "mean",
                    i,
                    f"Batch average, layer {l}: ∂E/∂w = (1/n) Σ_{{x}} ∂E_{{x}}/∂w",
                    bw.grad_W[i],
                    unit_list(i - 1) + unit_list(i),
                    edge_list(i),
                    bias=bw.grad_b[i],
                    description=f"The per-point gradients averaged over the {self.n_points} "
                    "points of the batch.",
                )
        new_W, new_b = self.new_net.weights, self.new_net.biases
        for i in range(n):
            l = i + 2
            add(
                "update",
                i,
                f"Update, layer {l}: w ← w − η ∂E/∂w,  b ← b − η ∂E/∂b",
                new_W[i],
                unit_list(i - 1) + unit_list(i),
                edge_list(i),
                bias=new_b[i],
                previous=net.weights[i],
                previous_bias=net.biases[i],
                description=f"Every parameter takes a step of size η = {num(self.learning_rate)} "
                "against its gradient.",
            )
        add(
            "cost",
            n - 1,
            "New cost: E after the step",
            np.array([self.cost_after]),
            unit_list(n - 1),
            [],
            previous=np.array([self.cost_before]),
            description="The forward pass again with the new weights.",
        )
        return stages

    # ---- queries ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.stages)

    def stage(self, kind: str, layer: int) -> Stage:
        """The stage of ``kind`` on lecture layer ``layer`` (``cost``: any layer)."""
        for s in self.stages:
            if s.kind == kind and (kind == "cost" or s.layer == layer):
                return s
        raise KeyError(f"no {kind} stage on layer {layer}")

    def apply(self, net: Network) -> None:
        """Write the stepped parameters into ``net`` (same structure as the stepped network)."""
        net.set_params(self.new_params)

    def quiz_items(self, point: int = 0) -> list[QuizItem]:
        """Every value the student can be asked for, in stage order (``point`` of a batch)."""
        out = []
        for s in self.stages:
            for j, k in s.items():
                f = s.formula(j, k, point)
                out.append(QuizItem(s.index, j, k, point, f.result, f.lhs))
        return out

    def bias_check(self, layer_index: int, j: int, h: float = 1e-6) -> BiasCheck:
        """:func:`bias_exercise` on this stepper's network and data (before the update)."""
        return bias_exercise(self.net, self.X, self.Y, layer_index, j, h)

    def gradient_check(self) -> gradcheck.GradCheck:
        """Back-propagation against central differences for every parameter, on this data."""
        return gradcheck.check(self.net, self.X, self.Y)

    # ---- formulas ----------------------------------------------------------------------------

    def formula(self, stage: Stage, j: int, k: int | None = None, point: int = 0) -> Formula:
        """See :meth:`Stage.formula`."""
        if not 0 <= point < self.n_points:
            raise IndexError(f"point {point} of a batch of {self.n_points}")
        note = f"point {point + 1} of {self.n_points}" if self.n_points > 1 else ""
        i, l = stage.list_index, stage.layer
        if stage.kind == "z":
            return self._z_formula(i, j, point, note)
        if stage.kind == "a":
            return self._a_formula(i, j, point, note)
        if stage.kind == "delta":
            if i == len(self.net.weights) - 1:
                return self._output_delta_formula(i, j, point, note)
            return self._hidden_delta_formula(i, j, point, note)
        if stage.kind == "grad":
            return self._grad_formula(i, j, k, point, note)
        if stage.kind == "mean":
            return self._mean_formula(i, j, k)
        if stage.kind == "update":
            return self._update_formula(i, j, k)
        if stage.kind == "cost":
            return self._cost_formula(l)
        raise ValueError(stage.kind)

    def _z_formula(self, i: int, j: int, p: int, note: str) -> Formula:
        l = i + 2
        W, b = self.net.weights[i], self.net.biases[i]
        a_prev = self.fw.a[i][p]
        src = "x_{k}" if i == 0 else f"a_{{k}}^{{({l - 1})}}"
        terms = [(float(W[j, k]), float(a_prev[k])) for k in range(len(a_prev))]
        inputs = []
        for k in range(len(a_prev)):
            inputs += [(w_name(l, j, k), float(W[j, k])), (a_name(l - 1, k), float(a_prev[k]))]
        inputs.append((b_name(l, j), float(b[j])))
        details = ()
        if len(a_prev) <= 4:
            expanded = " + ".join(
                f"{w_name(l, j, k)} {a_name(l - 1, k)}" for k in range(len(a_prev))
            )
            details = (f"{z_name(l, j)} = {expanded} + {b_name(l, j)}",)
        return Formula(
            lhs=z_name(l, j),
            symbolic=f"Σ_{{k}} w_{{{_idx(j)}k}}^{{({l})}} {src} + {b_name(l, j)}",
            numeric=_sum_of_products(terms, float(b[j])),
            result=float(self.fw.z[i][p, j]),
            inputs=tuple(inputs),
            details=details,
            note=note,
        )

    def _a_formula(self, i: int, j: int, p: int, note: str) -> Formula:
        l = i + 2
        name = self.net.activations[i]
        z = float(self.fw.z[i][p, j])
        zn = z_name(l, j)
        act = act_table.get(name)
        numeric = {
            "sigmoid": f"1 / (1 + e^{{{num(-z)}}})",
            "tanh": f"tanh({num(z)})",
            "relu": f"max(0, {num(z)})",
            "step": f"step({num(z)})",
            "linear": num(z),
        }.get(name, "")
        inputs: tuple[tuple[str, float], ...] = ((zn, z),)
        symbolic = f"g({zn})"
        if name == "softmax":
            symbolic = f"exp({zn}) / Σ_{{c}} exp(z_{{c}}^{{({l})}})"
            zs = self.fw.z[i][p]
            inputs = tuple((z_name(l, c), float(zs[c])) for c in range(len(zs)))
            numeric = f"e^{{{num(z)}}} / ({_sum_exp(zs)})"
        why = {
            "step": "step: 1 if z ≥ 0, else 0",
            "sigmoid": "g = σ, the sigmoid: g(z) = 1 / (1 + e^{−z})",
            "relu": "g = ReLU: g(z) = max(0, z)",
            "linear": "g is linear: g(z) = z",
        }.get(name, f"g = {name}: {act.formula}")
        return Formula(
            lhs=a_name(l, j),
            symbolic=symbolic,
            numeric=numeric,
            result=float(self.fw.a[i + 1][p, j]),
            inputs=inputs,
            details=(why,),
            note=note,
        )

    def _g_prime_line(self, i: int, j: int, p: int) -> tuple[str, tuple[tuple[str, float], ...]]:
        """``g′(z_j^(l)) = a (1 − a) = 0.6·(1 − 0.6) = 0.24``: the derivative worked out."""
        l = i + 2
        name = self.net.activations[i]
        z = float(self.fw.z[i][p, j])
        a = float(self.fw.a[i + 1][p, j])
        gp = float(self.g_prime[i][p, j])
        an, lhs = a_name(l, j), f"g′({z_name(l, j)})"
        if name in ("sigmoid", "softmax"):
            line = f"{lhs} = {an} (1 − {an}) = {_factor(a)}·(1 − {_factor(a)})"
            return f"{line} = {num(gp)}", ((an, a),)
        if name == "tanh":
            return f"{lhs} = 1 − ({an})^{{2}} = 1 − {_factor(a)}^{{2}} = {num(gp)}", ((an, a),)
        if name == "relu":
            cmp = ">" if z > 0 else "≤"
            return f"{lhs} = {num(gp)} since {z_name(l, j)} = {num(z)} {cmp} 0", (
                (z_name(l, j), z),
            )
        if name == "step":
            return f"{lhs} = 0: the step is flat, so no error signal gets through", ()
        return f"{lhs} = 1 (linear)", ()

    def _output_delta_formula(self, i: int, j: int, p: int, note: str) -> Formula:
        l = i + 2
        net = self.net
        a = self.fw.a[-1][p]
        y = self.Y[p]
        an, yn = a_name(l, j), f"y_{{{_idx(j)}}}"
        result = float(self.bw.delta[i][p, j])
        if net.loss == "cross_entropy":
            return Formula(
                lhs=delta_name(l, j),
                symbolic=f"{an} − {yn}",
                numeric=f"{num(a[j])} − {_factor(y[j])}",
                result=result,
                inputs=((an, float(a[j])), (yn, float(y[j]))),
                details=("with cross-entropy the ln cancels g′: δ = a − y",),
                note=note,
            )
        if net.output_activation == "softmax":
            e = 2.0 * (a - y)  # display only: the e_c the formula names
            terms = [(float(e[c]), float(a[c])) for c in range(len(a))]
            inputs = [(a_name(l, c), float(a[c])) for c in range(len(a))]
            inputs += [(f"y_{{{_idx(c)}}}", float(y[c])) for c in range(len(a))]
            return Formula(
                lhs=delta_name(l, j),
                symbolic=f"{an} (e_{{{_idx(j)}}} − Σ_{{c}} e_{{c}} a_{{c}}^{{({l})}})",
                numeric=f"{_factor(a[j])}·({_factor(e[j])} − ({_sum_of_products(terms)}))",
                result=result,
                inputs=tuple(inputs),
                details=("softmax couples the outputs: e_{c} = 2 (a_{c} − y_{c})",),
                note=note,
            )
        gp_line, gp_inputs = self._g_prime_line(i, j, p)
        gp = float(self.g_prime[i][p, j])
        return Formula(
            lhs=delta_name(l, j),
            symbolic=f"2 ({an} − {yn}) g′({z_name(l, j)})",
            numeric=f"2·({num(a[j])} − {_factor(y[j])})·{_factor(gp)}",
            result=result,
            inputs=((an, float(a[j])), (yn, float(y[j])), *gp_inputs),
            details=(gp_line,),
            note=note,
        )

    def _hidden_delta_formula(self, i: int, j: int, p: int, note: str) -> Formula:
        l = i + 2
        nxt = self.bw.delta[i + 1][p]
        W = self.net.weights[i + 1]
        terms = [(float(nxt[k]), float(W[k, j])) for k in range(len(nxt))]
        inputs = []
        for k in range(len(nxt)):
            inputs += [(delta_name(l + 1, k), float(nxt[k])), (w_name(l + 1, k, j), float(W[k, j]))]
        gp_line, gp_inputs = self._g_prime_line(i, j, p)
        gp = float(self.g_prime[i][p, j])
        return Formula(
            lhs=delta_name(l, j),
            symbolic=f"(Σ_{{k}} δ_{{k}}^{{({l + 1})}} w_{{k{_idx(j)}}}^{{({l + 1})}}) "
            f"g′({z_name(l, j)})",
            numeric=f"({_sum_of_products(terms)})·{_factor(gp)}",
            result=float(self.bw.delta[i][p, j]),
            inputs=(*inputs, *gp_inputs),
            details=(gp_line,),
            note=note,
        )

    def _grad_formula(self, i: int, j: int, k: int | None, p: int, note: str) -> Formula:
        l = i + 2
        d = float(self.bw.delta[i][p, j])
        dn = delta_name(l, j)
        if k is None:
            return Formula(
                lhs=f"∂E_{{x}}/∂{b_name(l, j)}",
                symbolic=dn,
                numeric=num(d),
                result=float(self.point_gradient(p)[1][i][j]),
                inputs=((dn, d),),
                details=(f"since ∂{z_name(l, j)}/∂{b_name(l, j)} = 1",),
                note=note,
            )
        a = float(self.fw.a[i][p, k])
        an = a_name(l - 1, k)
        return Formula(
            lhs=f"∂E_{{x}}/∂{w_name(l, j, k)}",
            symbolic=f"{dn} {an}",
            numeric=f"{_factor(d)}·{_factor(a)}",
            result=float(self.point_gradient(p)[0][i][j, k]),
            inputs=((dn, d), (an, a)),
            note=note,
        )

    def _mean_formula(self, i: int, j: int, k: int | None) -> Formula:
        l = i + 2
        m = self.n_points
        first = [self.point_gradient(q) for q in range(min(m, MAX_TERMS))]
        if k is None:
            name, mean = b_name(l, j), self.bw.grad_b[i][j]
            values = [float(gb[i][j]) for _, gb in first]
        else:
            name, mean = w_name(l, j, k), self.bw.grad_W[i][j, k]
            values = [float(gW[i][j, k]) for gW, _ in first]
        inputs = tuple((f"∂E_{{x{q + 1}}}/∂{name}", v) for q, v in enumerate(values))
        return Formula(
            lhs=f"∂E/∂{name}",
            symbolic=f"(1/n) Σ_{{x}} ∂E_{{x}}/∂{name}",
            numeric=f"({_sum(values, m)}) / {m}",
            result=float(mean),
            inputs=inputs,
            note=f"n = {m} points",
        )

    def _update_formula(self, i: int, j: int, k: int | None) -> Formula:
        l = i + 2
        eta = self.learning_rate
        if k is None:
            name = b_name(l, j)
            old, g, new = self.net.biases[i][j], self.bw.grad_b[i][j], self.new_net.biases[i][j]
        else:
            name = w_name(l, j, k)
            old, g = self.net.weights[i][j, k], self.bw.grad_W[i][j, k]
            new = self.new_net.weights[i][j, k]
        return Formula(
            lhs=name,
            relation="←",
            symbolic=f"{name} − η ∂E/∂{name}",
            numeric=f"{num(old)} − {num(eta)}·{_factor(g)}",
            result=float(new),
            inputs=((name, float(old)), ("η", eta), (f"∂E/∂{name}", float(g))),
        )

    def _cost_formula(self, L: int) -> Formula:
        net = self.net
        change = self.cost_after - self.cost_before
        trend = "down" if change < 0 else ("up" if change > 0 else "unchanged")
        details = (
            f"before the step E = {num(self.cost_before)}; after it, {trend} by {num(abs(change))}",
        )
        if self.n_points > 1:
            values = [float(v) for v in self.cost_points_after[:MAX_TERMS]]
            return Formula(
                lhs="E",
                symbolic="(1/n) Σ_{x} E_{x}",
                numeric=f"({_sum(values, self.n_points)}) / {self.n_points}",
                result=self.cost_after,
                inputs=tuple((f"E_{{x{q + 1}}}", v) for q, v in enumerate(values)),
                details=details,
                note=f"n = {self.n_points} points, with the new weights",
            )
        a, y = self.new_fw.output[0], self.Y[0]
        inputs = [(a_name(L, c), float(a[c])) for c in range(len(a))]
        inputs += [(f"y_{{{_idx(c)}}}", float(y[c])) for c in range(len(a))]
        if net.loss == "squared_error":
            symbolic = f"Σ_{{c}} (a_{{c}}^{{({L})}} − y_{{c}})^{{2}}"
            numeric = " + ".join(
                f"({num(a[c])} − {_factor(y[c])})^{{2}}" for c in range(min(len(a), MAX_TERMS))
            )
        elif net.output_activation == "softmax":
            symbolic = f"−Σ_{{c}} y_{{c}} ln a_{{c}}^{{({L})}}"
            numeric = (
                "−("
                + " + ".join(f"{num(y[c])}·ln({num(a[c])})" for c in range(min(len(a), MAX_TERMS)))
                + ")"
            )
        else:
            symbolic = (
                f"−Σ_{{c}} (y_{{c}} ln a_{{c}}^{{({L})}} + (1 − y_{{c}}) ln(1 − a_{{c}}^{{({L})}}))"
            )
            numeric = (
                "−("
                + " + ".join(
                    f"{num(y[c])}·ln({num(a[c])}) + {num(1 - y[c])}·ln(1 − {num(a[c])})"
                    for c in range(min(len(a), MAX_TERMS))
                )
                + ")"
            )
        return Formula(
            lhs="E_{x}",
            symbolic=symbolic,
            numeric=numeric,
            result=self.cost_after,
            inputs=tuple(inputs),
            details=details,
            note="with the new weights",
        )


def _sum_exp(zs: Array) -> str:
    shown = [f"e^{{{num(float(z))}}}" for z in zs[:MAX_TERMS]]
    if len(zs) > MAX_TERMS:
        shown.append(f"… ({len(zs) - MAX_TERMS} more)")
    return " + ".join(shown)
