"""The values the diagram shows: the engine's z, a, δ and gradients pushed into the items.

:class:`ValuesMixin` is the part of :class:`~.view.NetworkView` that asks ``core.diagnostics``
for the forward and backward pass on the selection and writes the numbers into the items it
already has (it creates and moves nothing). No arithmetic of the network is done here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ....core import diagnostics as dg
from ....core import notation as nt
from ....core.numformat import num
from .maps import BOUNDED
from .style import nice_ceil

if TYPE_CHECKING:
    from ....core.network import Network
    from .items import UnitItem
    from .layout import Layout

_W = nt.plain(nt.w_name(None, None, None))  # a weight, w
# What the edges show, as the edge-mode buttons and the legend name it.
MODE_SYMBOLS = {"weight": _W, "gradient": nt.plain(nt.dE(_W, None)), "update": f"Δ{_W}"}
_E, _E_X = nt.plain(nt.error_name(None)), nt.plain(nt.error_name())  # the cost E, the error E_x


class ValuesMixin:
    """Values into items, for :class:`~.view.NetworkView` (its state lives on the view)."""

    _net: Network | None
    _insp: dg.Inspection | None
    _layout: Layout | None

    def _weights_changed(self) -> None:
        self._inspect()
        self._update_values()
        self._schedule_maps()

    def _inspect(self) -> None:
        """The engine's forward/backward pass on the selection (nothing recomputed here).

        What cannot be shown is said in :attr:`_selection_note` instead: no points, points of
        another width, targets that do not fit the outputs (then a and z, but no δ).
        """
        net, X, Y = self._net, self._X, self._Y
        self._insp = None
        self._selection_note = ""
        if net is None or X is None:
            return
        if X.ndim != 2 or len(X) == 0:
            self._selection_note = "the selection has no points"
            return
        if X.shape[1] != net.n_inputs:
            self._selection_note = (
                f"the selected points have {X.shape[1]} features; this network takes {net.n_inputs}"
            )
            return
        if Y is not None:
            try:
                Y = dg.targets(Y, len(X), net.n_outputs)
            except ValueError:
                Y = None
                self._selection_note = "the targets do not fit the outputs: no δ"
        with np.errstate(all="ignore"):
            self._insp = dg.inspect(net, X, Y)

    def _mode_values(self) -> tuple[list[np.ndarray] | None, list[np.ndarray] | None]:
        net, insp = self._net, self._insp
        if self._mode == "weight":
            return list(net.weights), list(net.biases)
        if self._mode == "gradient":
            if insp is None or insp.grad_W is None:
                return None, None
            return insp.grad_W, insp.grad_b
        if self._update is None:
            return None, None
        return dg.split_params(net, self._update)

    def _update_values(self) -> None:
        """Push the current values into the items (no item is created or moved)."""
        net = self._net
        if net is None or not self._units:
            self._update_status()
            return
        Ws, bs = self._mode_values()
        fW, fb = dg.split_params(net, self._frozen)
        self._scale = None
        if Ws is not None:
            m = max(
                max((float(np.max(np.abs(w), initial=0.0)) for w in Ws), default=0.0),
                max((float(np.max(np.abs(b), initial=0.0)) for b in bs), default=0.0),
            )
            self._scale = nice_ceil(m) if m > 0 else 1.0
        scale = self._scale or 1.0
        for i, bundle in enumerate(self._bundles):
            bundle.set_values(None if Ws is None else Ws[i], fW[i], scale, self._wmin, self._wmax)
        for i, row in enumerate(self._biases):
            for j, b in enumerate(row):
                b.frozen = bool(fb[i][j])
                if bs is None:
                    b.value, b.fraction = math.nan, None
                else:
                    b.value = float(bs[i][j])
                    b.fraction = abs(b.value) / scale if math.isfinite(b.value) else 1.0
                b.update()
        self._update_units()
        self._update_edge_labels(Ws)
        self._update_bias_labels(bs)
        self._update_bars()
        batch = bool(self._insp is not None and self._insp.is_batch)
        self._legend.set_scales(
            MODE_SYMBOLS[self._mode], self._scale, self._wmin, self._wmax, self._delta_scale, batch
        )
        self._update_status()
        self._refresh_tooltip()
        self._show_hover_label()

    def _unit_range(self, c: int, j: int) -> tuple[float, float]:
        """The range of unit j of column c that its a-bar (and an output's map) spans."""
        net = self._net
        if c == 0:
            if net.n_inputs == 2 and net.features is None:
                return self._xlim if j == 0 else self._ylim
            plane = self._plane
            if plane is not None and plane.inputs is not None:
                v = plane.inputs[j]
                lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
                if math.isfinite(lo) and math.isfinite(hi) and hi - lo > 1e-9:
                    return lo, hi
            x = 1.0 if self._insp is None else float(np.max(np.abs(self._insp.a[0]), initial=1.0))
            return -x, x
        name = net.activations[c - 1]
        if name in BOUNDED:
            return BOUNDED[name]
        if self._map_range is not None:
            lo, hi = self._map_range[c - 1][0][j], self._map_range[c - 1][1][j]
        elif self._insp is not None:
            v = float(np.max(np.abs(self._insp.a[c]), initial=0.0))
            lo, hi = -v, v
        else:
            lo, hi = -1.0, 1.0
        if name == "relu":
            lo = 0.0
        if not (math.isfinite(lo) and math.isfinite(hi) and hi - lo > 1e-9):
            lo, hi = (lo, lo + 1.0) if math.isfinite(lo) else (-1.0, 1.0)
        return float(lo), float(hi)

    def _update_units(self) -> None:
        insp = self._insp
        deltas = insp.delta if insp is not None else None
        self._delta_scale = None
        if deltas is not None:
            m = max(float(np.max(np.abs(d), initial=0.0)) for d in deltas)
            self._delta_scale = nice_ceil(m) if m > 0 else 1.0
        marker = None
        if insp is not None and not insp.is_batch and self._net.n_inputs == 2:
            x = insp.a[0] if insp.x is None else insp.x
            marker = (
                (x[0] - self._xlim[0]) / ((self._xlim[1] - self._xlim[0]) or 1.0),
                (x[1] - self._ylim[0]) / ((self._ylim[1] - self._ylim[0]) or 1.0),
            )
        sat = self._saturation
        for c, col in enumerate(self._units):
            mode = self._layout.unit_labels[c].mode if self._layout is not None else "none"
            for j, u in enumerate(col):
                if insp is None:
                    u.z = u.a = u.delta = math.nan
                    u.gauge = u.ring = None
                else:
                    u.a = float(insp.a[c][j])
                    lo, hi = self._unit_range(c, j)
                    # A plane of no width (or a constant unit) has no range to span.
                    ok = math.isfinite(u.a) and hi > lo
                    u.gauge = (u.a - lo) / (hi - lo) if ok else None
                    if c == 0:
                        u.z = u.delta = math.nan
                        u.ring = None
                    else:
                        u.z = float(insp.z[c - 1][j])
                        if deltas is None:
                            u.delta, u.ring = math.nan, None
                        else:
                            u.delta = float(deltas[c - 1][j])
                            u.ring = abs(u.delta) / self._delta_scale
                u.marker = marker if c > 0 else None
                u.saturated = bool(
                    c > 0 and sat is not None and sat[c - 1][j] >= dg.SATURATED_FRACTION
                )
                u.update()
                self._value_labels[c][j].set_text(self._unit_text(c, j, u, mode))

    def _unit_text(self, c: int, j: int, u: UnitItem, mode: str) -> list[str]:
        if mode == "none" or self._insp is None:
            return []
        hidden = self._hidden

        def n(what: str, v: float) -> str:
            # "?" where the quiz asks for this very value
            return "?" if ("unit", c - 1, j, what) in hidden else num(v)

        if c == 0:
            return [f"x{j + 1} {n('a', u.a)}"] if mode == "compact" else [f"x {n('a', u.a)}"]
        d = "δ —" if math.isnan(u.delta) else f"δ {n('delta', u.delta)}"
        if mode == "compact":
            return [f"a {n('a', u.a)} {d}"]
        lines = [f"z {n('z', u.z)}", f"a {n('a', u.a)}", d]
        if self._layout.unit_labels[c].n_lines >= 4 and self._insp.y is not None:
            lines.append(f"y {num(self._insp.y[j])}")
        return lines

    def _param_text(self, hit: tuple, v: float) -> list[str]:
        """The number written on an edge or beside a bias: 2 digits, or ``?`` if the quiz asks."""
        if (*hit, self._mode) in self._hidden:
            return ["?"]
        return [num(v, 2)]

    def _update_bias_labels(self, bs: list[np.ndarray] | None) -> None:
        for i, labels in enumerate(self._bias_labels):
            show = bs is not None and self._layout.bias_labels[i] is not None
            for j, t in enumerate(labels):
                if not show:
                    t.set_text([])
                    continue
                v = float(bs[i][j])
                t.set_text(self._param_text(("bias", i, j), v), self._style.sign(v))

    def _update_edge_labels(self, Ws: list[np.ndarray] | None) -> None:
        for i, labels in enumerate(self._edge_labels):
            show = Ws is not None and self._layout.edge_label_t[i] is not None
            n_in = self._net.sizes[i]
            for e, t in enumerate(labels):
                if not show:
                    t.set_text([])
                    continue
                v = float(Ws[i].ravel()[e])
                t.set_text(
                    self._param_text(("edge", i, e // n_in, e % n_in), v), self._style.sign(v)
                )

    def hover_lines(self, hit: tuple | None) -> list[str]:
        """What the hover label writes for ``hit``: its number when none is written for it."""
        if hit is None:
            return []
        if hit[0] == "unit":
            i, j = hit[1], hit[2]
            if self._insp is None or self._value_labels[i + 1][j].lines:
                return []
            u = self._units[i + 1][j]
            return self._unit_text(i + 1, j, u, "compact")
        written = self.edge_label(*hit[1:]) if hit[0] == "edge" else self.bias_label(*hit[1:])
        if written is not None:
            return []
        Ws, bs = self._mode_values()
        if Ws is None:
            return []
        v = float(bs[hit[1]][hit[2]] if hit[0] == "bias" else Ws[hit[1]][hit[2], hit[3]])
        return self._param_text(hit, v) if math.isfinite(v) else [num(v)]

    def _update_bars(self) -> None:
        norms = dg.layer_gradient_norms(self._insp) if self._insp is not None else np.zeros(0)
        top = float(np.max(norms)) if norms.size else 0.0
        for i, bar in enumerate(self._bars):
            if norms.size:
                v = float(norms[i])
                bar.norm = v
                if not math.isfinite(v) or v > 1e2:
                    bar.state = "exploding"
                elif top > 0 and v < 1e-3 * top:
                    bar.state = "vanishing"
                else:
                    bar.state = "normal"
            else:
                bar.norm, bar.state = None, "normal"
            bar.setToolTip("")
            bar.update()

    def _update_status(self) -> None:
        insp, net = self._insp, self._net
        if net is None:
            text = "no network"
        elif insp is None and self._selection_note:
            text = f"{self._selection_note}: nothing to show"
        elif insp is None:
            text = "click a point in the data plot (or choose the whole batch) to see z, a and δ"
        elif insp.is_batch:
            text = f"whole batch ({insp.n_points} points): means of z, a, δ"
            if self._selection_note:
                text += f";  {self._selection_note}"
            elif insp.cost is not None:
                text += f";  {_E} = {num(insp.cost, 3)}"
        else:
            x = ", ".join(num(v) for v in insp.a[0])
            text = f"point ({x})"
            if self._selection_note:
                text += f";  {self._selection_note}"
            elif insp.y is not None:
                text += f" → y ({', '.join(num(v) for v in insp.y)})"
                text += f";  {_E_X} = {num(insp.cost, 3)}"
        warn = net.warnings() if net is not None else []
        self._status.setText(text)
        self._status.setToolTip("\n".join([text, *warn]))
