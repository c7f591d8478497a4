"""The network diagram: layers as columns, weights as edges, and the error signal δ flowing back.

The main window feeds it networks (from training snapshots), the range of the input plane and the
selected point (or the whole batch). The widget runs the engine's forward and backward pass on the
selection (through ``core.diagnostics``) and draws what the engine computed: ``z``, ``a`` and
``δ`` at every unit, and at every edge the weight, the gradient ``∂E/∂w_jk = δ_j a_k`` or the last
update. Each unit shows its activation over the input plane as a small map. The user edits a
weight or a bias by double-clicking it (or with the scroll wheel over it) and freezes it from its
context menu; the widget emits signals and the main window applies them to the live network.

Addressing: a layer is its list index ``i`` in :class:`Network` (``weights[i]``, lecture layer
``i + 2``; 0 = the first layer after the inputs, ``len(sizes) - 2`` = the output layer); the input
layer is ``-1``. Units are ``(i, j)``, edges ``(i, j, k)`` for ``w_jk`` of ``weights[i]``.

This file builds the items and places them from :mod:`.layout`; the values, the unit maps and
the mouse live in the mixins of :mod:`.values`, :mod:`.maps` and :mod:`.interaction`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QGraphicsScene,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from ....core import diagnostics as dg
from ....core import notation as nt
from ....core.network import Network
from ... import palette
from ..inspector.formula import to_unicode
from . import layout
from .access import ReadMixin
from .edges import EdgeBundleItem
from .interaction import InteractionMixin
from .items import BiasItem, GradientBarItem, TextBoxItem, UnitItem
from .legend import Legend
from .maps import MapsMixin
from .style import Style
from .values import MODE_SYMBOLS, ValuesMixin
from .widgets import Canvas, Editor, ToolBar

EDGE_MODES = ("weight", "gradient", "update")
_W, _W_JK = MODE_SYMBOLS["weight"], nt.plain(nt.w_name(None, "j", "k"))
_DE_DW_JK = nt.plain(nt.weight_gradient(None, "j", "k", x=None))  # ∂E/∂w_jk = δ_j a_k
MODE_TIPS = {
    "weight": f"Edges show the weights {_W_JK} (colour = sign, thickness = |{_W}|)",
    "gradient": f"Edges show the gradients {_DE_DW_JK} for the selection",
    "update": f"Edges show the last update Δ{_W_JK} applied by training",
}
ALIGN = {"left": Qt.AlignmentFlag.AlignLeft, "center": Qt.AlignmentFlag.AlignHCenter}
SHORT, MEDIUM = 420, 560  # view heights below which the legend keeps 1 row, then 2


class NetworkView(ReadMixin, InteractionMixin, ValuesMixin, MapsMixin, QWidget):
    """The network diagram (see the module docstring for how layers, units and edges are named)."""

    weightEdited = Signal(int, float)  # (index into net.params, new value)
    freezeToggled = Signal(int, bool)  # (param index, frozen?)
    unitClicked = Signal(int, int)  # (layer i, unit j); (-1, -1) = back to the network output
    hovered = Signal(object)  # what is under the mouse: ("unit", i, j), ("edge", i, j, k),
    # ("bias", i, j) with list-index layers (-1: inputs), or None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._style = Style()
        self._net: Network | None = None
        self._key: tuple | None = None
        self._update: np.ndarray | None = None
        self._frozen: np.ndarray | None = None
        self._X: np.ndarray | None = None
        self._Y: np.ndarray | None = None
        self._insp: dg.Inspection | None = None
        self._plane: dg.Plane | None = None
        self._map_range: list[tuple[np.ndarray, np.ndarray]] | None = None
        self._xlim, self._ylim = (-1.5, 1.5), (-1.5, 1.5)
        self._mode = "weight"
        self._numbers = True
        self._selected_unit: tuple[int, int] | None = None
        self._selected_param: tuple | None = None  # ("edge", i, j, k) or ("bias", i, j)
        self._hidden: set[tuple] = set()  # values not to print (what the quiz asks)
        self._selection_note = ""  # why the selection shows no values, when it does not
        self._hover_pos: QPointF | None = None
        self._hl_units: set[tuple[int, int]] = set()
        self._hl_edges: set[tuple[int, int, int]] = set()
        self._hovered: tuple | None = None
        self._tip: tuple | None = None
        self._tip_pos: QPoint | None = None
        self._menu: QMenu | None = None
        self._scale: float | None = None
        self._delta_scale: float | None = None
        self._wmin, self._wmax = 0.5, 5.0
        self._saturation: list[np.ndarray] | None = None
        self._saturation_over = "the plane"
        self._maps_dirty = False
        self._layout: layout.Layout | None = None
        self._layout_key: tuple | None = None
        # items, built per network shape
        self._units: list[list[UnitItem]] = []
        self._biases: list[list[BiasItem]] = []
        self._bundles: list[EdgeBundleItem] = []
        self._value_labels: list[list[TextBoxItem]] = []
        self._edge_labels: list[list[TextBoxItem]] = []
        self._bias_labels: list[list[TextBoxItem]] = []
        self._headers: list[TextBoxItem] = []
        self._bars: list[GradientBarItem] = []
        self._hover_label: TextBoxItem | None = None

        self._scene = QGraphicsScene(self)
        self._scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._canvas = Canvas(self)
        self._canvas.setScene(self._scene)
        self._editor = Editor(self._canvas.viewport(), self)
        self._legend = Legend(self._style)
        self._maps_timer = QTimer(self)
        self._maps_timer.setSingleShot(True)
        self._maps_timer.setInterval(0)
        self._maps_timer.timeout.connect(self._refresh_maps)
        self._map_interval = 0.0
        self._maps_done = 0.0

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        bar = ToolBar(EDGE_MODES, MODE_SYMBOLS, MODE_TIPS, self._mode)
        bar.modeClicked.connect(self.set_edge_mode)
        bar.numbers_button.toggled.connect(self._set_numbers)
        self._mode_buttons, self._numbers_button = bar.mode_buttons, bar.numbers_button
        self._status = bar.status
        lay.addWidget(bar)
        lay.addWidget(self._canvas, 1)
        lay.addWidget(self._legend)
        self.set_theme("light")
        self._update_status()

    def resizeEvent(self, event) -> None:
        # A short diagram keeps one row of the legend (its tooltip has all of it): the network
        # and its numbers need the height more.
        h = event.size().height()
        self._legend.set_max_rows(1 if h < SHORT else (2 if h < MEDIUM else None))
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(480, 460)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 220)

    # ---- public API --------------------------------------------------------------------------

    def set_network(
        self, net: Network, update: np.ndarray | None = None, frozen: np.ndarray | None = None
    ) -> None:
        """New weights (copied). Items are rebuilt only when sizes or activations change; then
        every mark of the old network goes (highlights, selections, the field, the hover)."""
        key = (tuple(net.sizes), tuple(net.activations), net.features)
        rebuild = self._net is None or key != self._key
        if rebuild or net.loss != self._net.loss or net.dtype != self._net.dtype:
            self._net = net.copy()
            self._key = key
        else:
            np.copyto(self._net.params, net.params)
        n = self._net.n_params
        # A snapshot of the network before New may still arrive: arrays of another length are
        # not this network's, so they are left out rather than reshaped into nonsense.
        self._update = None
        if update is not None and np.size(update) == n:
            self._update = np.array(update, dtype=np.float64).reshape(n)
        relayout = False
        if frozen is not None and np.size(frozen) == n:
            frozen = np.array(frozen, dtype=bool).reshape(n)
            relayout = self._frozen is None or not np.array_equal(frozen, self._frozen)
            self._frozen = frozen
        elif self._frozen is None or len(self._frozen) != n:
            self._frozen = np.zeros(n, dtype=bool)
        if rebuild:
            unit, hovered = self._selected_unit, self._hovered
            self._rebuild()
            self._weights_changed()
            # Told last: a listener may call back into the view, which is whole again by now.
            if unit is not None:
                self.unitClicked.emit(-1, -1)
            if hovered is not None:
                self.hovered.emit(None)
            return
        if relayout:
            self._relayout()  # padlocks moved: labels must make room for them
        self._weights_changed()

    def set_plane(self, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
        """The range of the input plane the unit maps cover."""
        xlim, ylim = (float(xlim[0]), float(xlim[1])), (float(ylim[0]), float(ylim[1]))
        if (xlim, ylim) == (self._xlim, self._ylim):
            return
        self._xlim, self._ylim = xlim, ylim
        self._update_values()
        self._schedule_maps()

    def set_selection(self, X: np.ndarray | None, Y: np.ndarray | None) -> None:
        """One point ``X (1, n_1)`` with its target row, or the whole batch; ``None`` clears.

        No points, points of another width or targets that do not fit the outputs show a plain
        message (and no δ without fitting targets), never an error.
        """
        if X is None:
            self._X = self._Y = None
        else:
            self._X = np.array(X, dtype=np.float64, ndmin=2)
            self._Y = None if Y is None else np.array(Y, dtype=np.float64)
        self._inspect()
        self._update_values()

    def set_edge_mode(self, mode: str) -> None:
        """What the edges show: ``weight``, ``gradient`` (∂E/∂w for the selection) or ``update``."""
        if mode not in EDGE_MODES:
            raise ValueError(f"unknown edge mode {mode!r} (known: {', '.join(EDGE_MODES)})")
        self._mode = mode
        button = self._mode_buttons[mode]
        if not button.isChecked():
            button.setChecked(True)
        self._update_values()

    def edge_mode(self) -> str:
        return self._mode

    def set_theme(self, name: str) -> None:
        """``light`` or ``dark``."""
        self._style.apply(name, self._style.presenter)
        self._restyle()

    def set_presenter(self, on: bool) -> None:
        """Large fonts and thick lines for a room."""
        self._style.apply(self._style.theme, bool(on))
        self._restyle()

    def highlight(self, units: list[tuple[int, int]], edges: list[tuple[int, int, int]]) -> None:
        """Mark units ``(i, j)`` (``i = -1``: inputs) and edges ``(i, j, k)``; empty lists clear
        every mark. Units and edges this network does not have are left out."""
        self._hl_units = {(int(i), int(j)) for i, j in units}
        self._hl_edges = {(int(i), int(j), int(k)) for i, j, k in edges}
        self._show_highlights()

    def _show_highlights(self) -> None:
        for c, col in enumerate(self._units):
            for u in col:
                u.highlighted = (c - 1, u.j) in self._hl_units
                u.update()
        for row in self._biases:
            for b in row:
                b.highlighted = False
                b.update()
        for b in self._bundles:
            b.highlight[:] = False
            for i, j, k in self._hl_edges:
                if i == b.layer and 0 <= j < b.n_out and 0 <= k < b.n_in:
                    b.highlight[j * b.n_in + k] = True
            b.update()

    def set_hidden_values(self, targets: list[tuple]) -> None:
        """Print ``?`` instead of these values (what the quiz is asking; see
        :func:`mlpstudio.core.quiz.revealed_by` for the form); ``[]`` shows them all again."""
        hidden = {tuple(t) for t in targets or []}
        if hidden != self._hidden:
            self._hidden = hidden
            self._update_values()

    def hidden_values(self) -> set[tuple]:
        return set(self._hidden)

    def selected_unit(self) -> tuple[int, int] | None:
        """The unit whose map the data plot shows, or ``None`` (the network output)."""
        return self._selected_unit

    def selected_param(self) -> tuple | None:
        """The edge ``("edge", i, j, k)`` or bias ``("bias", i, j)`` clicked for editing."""
        return self._selected_param

    def flush(self) -> None:
        """Draw the pending unit maps now (normally done once per event-loop turn)."""
        if self._maps_dirty:
            self._maps_timer.stop()
            self._refresh_maps()

    # ---- building and layout ---------------------------------------------------------------

    def _rebuild(self) -> None:
        """New items for a new network shape."""
        # Nothing of the old network stays marked: its indices mean other units now.
        self._editor.cancel()
        self._scene.clear()  # deletes every item, the hover label too
        self._hover_label = None
        self._hovered = self._tip = self._hover_pos = None
        self._selected_unit = self._selected_param = None
        self._hl_units, self._hl_edges = set(), set()
        # The quiz's hidden values stay: it asks again about the new network, and it only says
        # so when its question changes.
        self._canvas.viewport().unsetCursor()
        net = self._net
        st = self._style
        sizes = net.sizes
        if self._X is not None and self._X.shape[1] != net.n_inputs:
            self._X = self._Y = None
        self._insp = None  # recomputed for the new network once the items exist
        self._plane = None
        self._map_range = None
        self._saturation = None
        self._units, self._biases, self._value_labels = [], [], []
        for c, n in enumerate(sizes):
            kind = "input" if c == 0 else ("output" if c == len(sizes) - 1 else "hidden")
            col, labels = [], []
            for j in range(n):
                color = None
                if kind == "output":
                    color = palette.class_color(1 if n == 1 else j)
                unit = UnitItem(st, c - 1, j, kind, color)
                if kind == "input":
                    unit.label = to_unicode(nt.input_name(net.features, j))
                col.append(unit)
                labels.append(TextBoxItem(st))
            self._units.append(col)
            self._value_labels.append(labels)
        self._bias_labels = []
        for i, n in enumerate(sizes[1:]):
            self._biases.append([BiasItem(st, i, j, net.param_index("b", i, j)) for j in range(n)])
            self._bias_labels.append([self._centred_label() for _ in range(n)])
        self._bundles, self._edge_labels, self._bars = [], [], []
        for i in range(len(sizes) - 1):
            b = EdgeBundleItem(st, i, sizes[i + 1], sizes[i], net.param_index("w", i, 0, 0))
            self._bundles.append(b)
            n_labels = b.n_edges if net.n_weights <= layout.MAX_EDGE_LABELS else 0
            self._edge_labels.append([self._centred_label() for _ in range(n_labels)])
            self._bars.append(GradientBarItem(st, i))
        self._headers = []
        for _ in sizes:
            h = TextBoxItem(st, small=True, boxed=False)
            h.align = Qt.AlignmentFlag.AlignHCenter
            self._headers.append(h)
        for item in (
            *self._bundles,
            *self._bars,
            *(u for col in self._units for u in col),
            *(b for row in self._biases for b in row),
            *self._all_text(),
        ):
            self._scene.addItem(item)
        self._hover_label = TextBoxItem(st, small=True, z=40)
        self._hover_label.align = Qt.AlignmentFlag.AlignHCenter
        self._hover_label.hide()
        self._scene.addItem(self._hover_label)
        self._relayout()

    def _centred_label(self) -> TextBoxItem:
        """A small number written on an edge or beside a bias, centred on its spot."""
        t = TextBoxItem(self._style, small=True, z=15)
        t.align = Qt.AlignmentFlag.AlignHCenter
        return t

    def _relayout(self) -> None:
        """Place every item for the current size (see :mod:`.layout`); values are not touched."""
        if self._net is None:
            return
        vp = self._canvas.viewport()
        net = self._net
        # A small network's layout searches for room for every number (a few ms): the same
        # shape on the same canvas (a new theme, a legend that kept its size) reuses it.
        key = (self._key, vp.width(), vp.height(), self._style.presenter, self._numbers)
        key += (self._frozen.tobytes(),)
        if key != self._layout_key or self._layout is None:
            frozen_W, frozen_b = dg.split_params(net, self._frozen)
            self._layout = layout.compute(
                net.sizes,
                net.activations,
                vp.width(),
                vp.height(),
                self._style,
                numbers=self._numbers,
                frozen_W=frozen_W,
                frozen_b=frozen_b,
            )
            self._layout_key = key
        g = self._layout
        self._scene.setSceneRect(0, 0, g.width, g.height)
        self._wmin, self._wmax = g.wmin, g.wmax
        for c, col in enumerate(self._units):
            for j, u in enumerate(col):
                u.set_geometry(QPointF(*g.unit_center(c, j)), g.r[c], g.gauge[c], g.ring[c])
        for i, row in enumerate(self._biases):
            for j, b in enumerate(row):
                b.frozen = g.bias_frozen[i][j]
                b.set_geometry(QPointF(*g.biases[i][j]), g.bias_size[i + 1])
        for i, b in enumerate(self._bundles):
            b.set_geometry(*g.edge_ends(i))
            b.lock_t = g.lock_t[i]
        for h, header in zip(self._headers, g.headers, strict=True):
            h.set_text(header.lines)
            h.setPos(QPointF(*header.pos))
        for labels, place in zip(self._value_labels, g.unit_labels, strict=True):
            for j, t in enumerate(labels):
                t.setVisible(place.mode != "none")
                if place.mode != "none":
                    t.set_align(ALIGN[place.align], place.width)
                    t.setPos(QPointF(*place.spots[j]))
        for labels, spots in zip(self._bias_labels, g.bias_labels, strict=True):
            self._place(labels, spots)
        for i, labels in enumerate(self._edge_labels):
            self._place(labels, g.edge_label_spots(i) if labels else None)
        for bar, place in zip(self._bars, g.bars, strict=True):
            bar.set_geometry(QPointF(*place.pos), place.width, place.show_text)
        self._place_editor()  # an open field follows its weight (the legend may have grown)
        self._update_values()
        if self._plane is not None:
            self._render_maps()  # the discs are drawn at the units' new size

    @staticmethod
    def _place(labels: list[TextBoxItem], spots: list[tuple[float, float]] | None) -> None:
        """Show ``labels`` at ``spots``, or hide them all when there is no room (``None``)."""
        for j, t in enumerate(labels):
            t.setVisible(spots is not None)
            if spots is not None:
                t.setPos(QPointF(*spots[j]))

    # ---- style ---------------------------------------------------------------------------------

    def _restyle(self) -> None:
        c = self._style.colors
        self._canvas.setBackgroundBrush(QBrush(c["background"]))
        self._legend.setStyleSheet("")
        for t in [*self._all_text(), *([self._hover_label] if self._hover_label else [])]:
            lines, color = t.lines, t.color
            t.lines = []
            t.set_text(lines, color)
        for b in self._bundles:
            b.regroup()
        if self._net is not None:
            self._relayout()
            if self._plane is not None:
                self._render_maps()
        self._scene.update()
        self._legend.refresh()

    def _all_text(self) -> list[TextBoxItem]:
        return [
            *self._headers,
            *(t for col in self._value_labels for t in col),
            *(t for row in self._edge_labels for t in row),
            *(t for row in self._bias_labels for t in row),
        ]

    def _set_numbers(self, on: bool) -> None:
        self._numbers = bool(on)
        self._relayout()
