"""One training step of back-propagation, taken apart into the lecture's stages.

:class:`BackpropStepper` runs the engine's forward and backward pass **once** on a point (or a
batch) and lays the results out as an ordered list of :class:`Stage` records, the way the lecture
walks through them: ``z`` then ``a`` for each layer, the output ``δ^(L)``, each earlier ``δ^(l)``,
the gradients ``δ_j a_k`` (per point, then their batch average), the update and the cost after
it. Every number is the engine's: the stepper assembles and labels. The worked formula of any
item is in :mod:`~mlpstudio.core.worked`, the quiz on it in :mod:`~mlpstudio.core.quiz`, and
every text in :mod:`~mlpstudio.core.notation` markup.

Layers: a Stage's ``layer`` is the lecture's number ``l`` (2..L). Units and edges for the diagram
use list indices as :class:`~mlpstudio.core.network.Network` does: unit ``(i, j)`` is unit j of
layer ``i + 2`` (``i = -1`` is the input layer) and edge ``(i, j, k)`` is ``weights[i][j, k]``.
All of ``j``, ``k`` in the API are 0-based; the markup shows them 1-based as the lecture does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import diagnostics, gradcheck, losses, optimizers, worked
from . import notation as nt
from .network import Backward, Forward, Network
from .quiz import BiasCheck, QuizItem, bias_exercise
from .worked import Formula, num

Array = np.ndarray

KINDS = ("z", "a", "delta", "grad", "mean", "update", "cost")
# Per-point gradients are kept for this many points of a batch (one engine pass each); the others
# are computed when a formula asks for them. The batch average is always over every point.
MAX_PER_POINT = 256


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

    @property
    def short_title(self) -> str:
        """The stage's name in a list, in markup: ``forward z^{(2)}``, ``backward δ^{(3)}``…"""
        l = self.layer
        w = nt.w_name(l, None, None)
        return {
            "z": f"forward {nt.z_name(l, None)}",
            "a": f"forward {nt.a_name(l, None)}",
            "delta": f"backward {nt.delta_name(l, None)}",
            "grad": f"gradients {nt.dE(w)}",
            "mean": f"batch mean {nt.dE(w, None)}",
            "update": f"update {w}, {nt.b_name(l, None)}",
            "cost": f"new cost {nt.error_name(None)}",
        }[self.kind]

    def item_name(self, j: int, k: int | None = None) -> str:
        """Markup name of an item: the unit's value, the weight ``w_jk`` or the bias ``b_j``."""
        l = self.layer
        if self.per_edge:
            return nt.b_name(l, j) if k is None else nt.w_name(l, j, k)
        if self.kind == "cost":
            return nt.error_name(None)
        return {"z": nt.z_name, "a": nt.a_name, "delta": nt.delta_name}[self.kind](l, j)

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
        self.X = self.net.as_points(X).copy()
        if not len(self.X):
            raise ValueError("there are no points to step on")
        Y = diagnostics.targets(Y, len(self.X), self.net.n_outputs, self.net.dtype)
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
            add(
                "z",
                i,
                f"Forward, layer {l}: {nt.z_vector_rule(l)}",
                fw.z[i],
                unit_list(i - 1) + unit_list(i),
                edge_list(i),
                description="Each unit sums its weighted inputs and adds its bias.",
            )
            add(
                "a",
                i,
                f"Forward, layer {l}: {nt.a_rule(l, None)}",
                fw.a[i + 1],
                unit_list(i),
                [],
                description=f"Each unit applies its activation g ({net.activations[i]}).",
            )
        add(
            "delta",
            n - 1,
            f"Backward: output error {nt.delta_definition(L, None)}",
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
                f"Backward: {nt.delta_name(l, None)} from {nt.delta_name(l + 1, None)}",
                bw.delta[i],
                unit_list(i) + unit_list(i + 1),
                edge_list(i + 1),
                description="Each δ is sent back along the weights it came through, "
                f"then scaled by {nt.plain(nt.g_prime_of('z'))} of the unit.",
            )
        for i in range(n):
            l = i + 2
            add(
                "grad",
                i,
                f"Gradients, layer {l}: {nt.weight_gradient(l)}",
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
                    f"Batch average, layer {l}: {nt.mean_gradient_rule()}",
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
                f"Update, layer {l}: {nt.update_rules()}",
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
            f"New cost: {nt.error_name(None)} after the step",
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

    def formula(self, stage: Stage, j: int, k: int | None = None, point: int = 0) -> Formula:
        """See :meth:`Stage.formula`."""
        return worked.formula(self, stage, j, k, point)
