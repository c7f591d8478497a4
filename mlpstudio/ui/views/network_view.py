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
"""

from __future__ import annotations

import html
import math
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QPainter
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...core import activations
from ...core import diagnostics as dg
from ...core.network import Network
from .. import palette
from .network_items import (
    BiasItem,
    EdgeBundleItem,
    EdgeRecord,
    GradientBarItem,
    LegendWidgetPainter,
    Style,
    TextBoxItem,
    UnitItem,
    disc_images,
    nice_ceil,
    ramp_lut,
)

EDGE_MODES = ("weight", "gradient", "update")
MODE_SYMBOLS = {"weight": "w", "gradient": "∂E/∂w", "update": "Δw"}
MODE_TIPS = {
    "weight": "Edges show the weights w_jk (colour = sign, thickness = |w|)",
    "gradient": "Edges show the gradients ∂E/∂w_jk = δ_j a_k for the selection",
    "update": "Edges show the last update Δw_jk applied by training",
}
MAP_STRENGTH = 0.85  # hidden maps use the data plot's diverging colours, a little stronger
MAP_GRID = 20  # the unit maps are MAP_GRID × MAP_GRID samples of the plane
MAX_EDGE_LABELS = 24  # a layer pair with more edges never gets numbers on its edges
WHEEL_STEP = 0.05  # one wheel notch over a weight or bias; Shift × 10, Ctrl ÷ 10
BOUNDED = {"sigmoid": (0.0, 1.0), "step": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def _free(rects: list[QRectF], obstacles: list[QRectF]) -> bool:
    """No two of ``rects`` overlap and none touches an obstacle (vectorised: used on resize)."""
    if not rects:
        return True
    r = np.array([[q.left(), q.top(), q.right(), q.bottom()] for q in rects])
    if len(r) > 1:
        order = np.lexsort((r[:, 0], r[:, 1]))
        a, b = r[order[:-1]], r[order[1:]]
        if np.any(
            (a[:, 0] < b[:, 2]) & (b[:, 0] < a[:, 2]) & (a[:, 1] < b[:, 3]) & (b[:, 1] < a[:, 3])
        ):
            return False
    if not obstacles:
        return True
    o = np.array([[q.left(), q.top(), q.right(), q.bottom()] for q in obstacles])
    hit = (
        (r[:, None, 0] < o[None, :, 2])
        & (o[None, :, 0] < r[:, None, 2])
        & (r[:, None, 1] < o[None, :, 3])
        & (o[None, :, 1] < r[:, None, 3])
    )
    return not hit.any()


def render_png(widget: QWidget, path: str | Path) -> Path:
    """Save a screenshot of ``widget`` (a :class:`NetworkView` draws its pending maps first)."""
    flush = getattr(widget, "flush", None)
    if callable(flush):
        flush()
    path = Path(path)
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


class _Canvas(QGraphicsView):
    """The view: pixels are scene units (no zoom), so text stays crisp; events go to the owner."""

    def __init__(self, owner: NetworkView):
        super().__init__()
        self.owner = owner
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setMouseTracking(True)
        self.setMinimumSize(120, 100)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.owner._relayout()

    def viewportEvent(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            self.owner._show_tooltip(event.pos(), event.globalPos())
            return True
        return super().viewportEvent(event)

    def mouseMoveEvent(self, event) -> None:
        self.owner._hover(self.mapToScene(event.position().toPoint()))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        self.owner._hover(None)
        super().leaveEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.owner._click(self.mapToScene(event.position().toPoint()))
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.owner._double_click(event.position().toPoint())
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() or event.angleDelta().x()
        mods = event.modifiers()
        if not self.owner._wheel(self.mapToScene(event.position().toPoint()), steps / 120, mods):
            event.ignore()

    def contextMenuEvent(self, event) -> None:
        self.owner.context_menu(event.pos(), event.globalPos())


class _Editor(QLineEdit):
    """The inline editor of one parameter: Enter applies, Escape or leaving cancels."""

    def __init__(self, parent: QWidget, owner: NetworkView):
        super().__init__(parent)
        self.owner = owner
        self.index: int | None = None
        self.returnPressed.connect(self._commit)
        self.hide()

    def open(self, index: int, value: float, pos: QPoint, title: str) -> None:
        self.index = index
        self.setText(repr(round(float(value), 6)))
        self.setToolTip(f"{title}: type a value, Enter to apply, Esc to cancel")
        self.setStyleSheet("")
        w = max(96, self.fontMetrics().horizontalAdvance("−0.0000000") + 16)
        self.resize(w, self.sizeHint().height())
        parent = self.parentWidget()
        x = min(max(0, pos.x() - w // 2), max(0, parent.width() - w))
        y = min(max(0, pos.y() - self.height() - 6), max(0, parent.height() - self.height()))
        self.move(x, y)
        self.show()
        self.raise_()
        self.setFocus()
        self.selectAll()

    def _commit(self) -> None:
        text = self.text().strip().replace("−", "-").replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or self.index is None:
            self.setStyleSheet("border: 2px solid #B2182B;")
            return
        index, self.index = self.index, None
        self.hide()
        self.owner._edit(index, value)

    def cancel(self) -> None:
        self.index = None
        self.hide()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if event.reason() in (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.TabFocusReason):
            self.cancel()


class _ElidedLabel(QLabel):
    """A one-line label that ends in … when it does not fit (the tooltip has the whole text)."""

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        text = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )
        p.drawText(self.contentsRect(), int(self.alignment()), text)
        p.end()


class _Legend(QWidget):
    """Colour = sign, thickness = |value| on the current scale, and the unit marks."""

    def __init__(self, owner: NetworkView):
        super().__init__()
        self.owner = owner
        self.painter = LegendWidgetPainter(owner._style)
        self._rows = 2

    def _args(self) -> tuple:
        o = self.owner
        batch = bool(o._insp is not None and o._insp.is_batch)
        return (MODE_SYMBOLS[o._mode], o._scale, o._wmin, o._wmax, o._delta_scale, batch)

    def refresh(self) -> None:
        """Repaint, and take as many rows as the chips need at this width."""
        rows = len(self.painter.rows(max(self.width(), 50), *self._args()))
        height = int(rows * self.painter.row_height() + 6)
        if height != self.height():
            self.setFixedHeight(height)
        self.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.refresh()

    def paintEvent(self, event) -> None:
        o = self.owner
        p = QPainter(self)
        p.fillRect(self.rect(), o._style.colors["panel"])
        p.setPen(o._style.colors["grid"])
        p.drawLine(0, 0, self.width(), 0)
        self.painter.paint(p, QRectF(self.rect()), *self._args())
        p.end()


class NetworkView(QWidget):
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
        self._label_mode: list[str] = []
        self._label_lines: list[int] = []
        self._edge_label_t: list[list[float] | None] = []
        self._bias_labels_on: list[bool] = []
        self._lock_rects: list[QRectF] = []
        self._bias_labels: list[list[TextBoxItem]] = []
        # items, built per network shape
        self._units: list[list[UnitItem]] = []
        self._biases: list[list[BiasItem]] = []
        self._bundles: list[EdgeBundleItem] = []
        self._value_labels: list[list[TextBoxItem]] = []
        self._edge_labels: list[list[TextBoxItem]] = []
        self._headers: list[TextBoxItem] = []
        self._bars: list[GradientBarItem] = []

        self._scene = QGraphicsScene(self)
        self._scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._canvas = _Canvas(self)
        self._canvas.setScene(self._scene)
        self._editor = _Editor(self._canvas.viewport(), self)
        self._legend = _Legend(self)
        self._maps_timer = QTimer(self)
        self._maps_timer.setSingleShot(True)
        self._maps_timer.setInterval(0)
        self._maps_timer.timeout.connect(self._refresh_maps)
        self._map_interval = 0.0
        self._maps_done = 0.0

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 3, 6, 3)
        bar.setSpacing(2)
        bar.addWidget(QLabel("edges"))
        self._mode_group = QButtonGroup(self)
        self._mode_group.setExclusive(True)
        self._mode_buttons: dict[str, QToolButton] = {}
        for mode in EDGE_MODES:
            b = QToolButton()
            b.setText(MODE_SYMBOLS[mode])
            b.setCheckable(True)
            b.setAutoRaise(False)
            b.setToolTip(MODE_TIPS[mode])
            b.setChecked(mode == self._mode)
            b.clicked.connect(lambda _=False, m=mode: self.set_edge_mode(m))
            self._mode_group.addButton(b)
            self._mode_buttons[mode] = b
            bar.addWidget(b)
        bar.addSpacing(8)
        self._numbers_button = QToolButton()
        self._numbers_button.setText("numbers")
        self._numbers_button.setCheckable(True)
        self._numbers_button.setChecked(True)
        self._numbers_button.setToolTip(
            "Write the values beside units and edges when there is room"
        )
        self._numbers_button.toggled.connect(self._set_numbers)
        bar.addWidget(self._numbers_button)
        bar.addSpacing(10)
        self._status = _ElidedLabel()
        self._status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self._status, 1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(bar)
        lay.addWidget(self._canvas, 1)
        lay.addWidget(self._legend)
        self.set_theme("light")
        self._update_status()

    def sizeHint(self) -> QSize:
        return QSize(480, 460)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 220)

    # ---- public API --------------------------------------------------------------------------

    def set_network(
        self, net: Network, update: np.ndarray | None = None, frozen: np.ndarray | None = None
    ) -> None:
        """New weights (copied). Items are rebuilt only when sizes or activations change."""
        key = (tuple(net.sizes), tuple(net.activations))
        rebuild = self._net is None or key != self._key
        if rebuild or net.loss != self._net.loss or net.dtype != self._net.dtype:
            self._net = net.copy()
            self._key = key
        else:
            np.copyto(self._net.params, net.params)
        n = self._net.n_params
        self._update = None if update is None else np.array(update, dtype=np.float64).reshape(n)
        relayout = False
        if frozen is not None:
            frozen = np.array(frozen, dtype=bool).reshape(n)
            relayout = self._frozen is None or not np.array_equal(frozen, self._frozen)
            self._frozen = frozen
        elif self._frozen is None or len(self._frozen) != n:
            self._frozen = np.zeros(n, dtype=bool)
        if rebuild:
            self._rebuild()
        elif relayout:
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
        """One point ``X (1, n_1)`` with its target row, or the whole batch; ``None`` clears."""
        if X is None:
            self._X = self._Y = None
        else:
            self._X = np.array(X, dtype=np.float64, ndmin=2)
            self._Y = None if Y is None else np.array(Y, dtype=np.float64, ndmin=2)
            if self._Y is not None and self._Y.shape[0] != self._X.shape[0]:
                self._Y = self._Y.reshape(self._X.shape[0], -1)
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
        """Mark units ``(i, j)`` (``i = -1``: inputs) and edges ``(i, j, k)``; empty lists clear."""
        self._hl_units = {(int(i), int(j)) for i, j in units}
        self._hl_edges = {(int(i), int(j), int(k)) for i, j, k in edges}
        for c, col in enumerate(self._units):
            for u in col:
                u.highlighted = (c - 1, u.j) in self._hl_units
                u.update()
        for b in self._bundles:
            b.highlight[:] = False
            for i, j, k in self._hl_edges:
                if i == b.layer and 0 <= j < b.n_out and 0 <= k < b.n_in:
                    b.highlight[j * b.n_in + k] = True
            b.update()

    def selected_unit(self) -> tuple[int, int] | None:
        """The unit whose map the data plot shows, or ``None`` (the network output)."""
        return self._selected_unit

    def flush(self) -> None:
        """Draw the pending unit maps now (normally done once per event-loop turn)."""
        if self._maps_dirty:
            self._maps_timer.stop()
            self._refresh_maps()

    # ---- for tests ---------------------------------------------------------------------------

    def unit_items(self) -> list[UnitItem]:
        """One item per unit, inputs first, layer by layer."""
        return [u for col in self._units for u in col]

    def edge_items(self) -> list[EdgeRecord]:
        """One record per weight, in the order of ``net.params``."""
        return [EdgeRecord(b, e) for b in self._bundles for e in range(b.n_edges)]

    def bias_items(self) -> list[BiasItem]:
        """One item per bias, in the order of ``net.params``."""
        return [b for row in self._biases for b in row]

    def shown_values(self, layer: int, j: int) -> dict:
        """``{'z', 'a', 'delta'}`` displayed at unit ``(layer, j)``; NaN where nothing is shown."""
        u = self._units[layer + 1][j]
        return {"z": float(u.z), "a": float(u.a), "delta": float(u.delta)}

    def value_label(self, layer: int, j: int) -> str:
        """The text written beside unit ``(layer, j)`` (empty when the layer is too crowded)."""
        return self._value_labels[layer + 1][j].text()

    def visible_labels(self) -> list[TextBoxItem]:
        """Every text item currently drawn (headers, unit and edge numbers)."""
        items = [*self._headers, *(t for col in self._value_labels for t in col)]
        items += [t for row in self._edge_labels for t in row]
        items += [t for row in self._bias_labels for t in row]
        return [t for t in items if t.isVisible() and t.lines]

    def scene_to_viewport(self, p: QPointF) -> QPoint:
        return self._canvas.mapFromScene(p)

    @property
    def canvas(self) -> QGraphicsView:
        return self._canvas

    @property
    def editor(self) -> QLineEdit:
        return self._editor

    # ---- building and layout ---------------------------------------------------------------

    def _rebuild(self) -> None:
        """New items for a new network shape."""
        self._editor.cancel()
        self._scene.clear()
        self._hovered = self._tip = None
        net = self._net
        st = self._style
        sizes = net.sizes
        last = len(sizes) - 2
        if self._X is not None and self._X.shape[1] != net.n_inputs:
            self._X = self._Y = None
        if self._Y is not None and self._Y.shape[1] != net.n_outputs:
            self._Y = None
        if self._selected_unit is not None:
            i, j = self._selected_unit
            if i > last or j >= sizes[i + 1]:
                self._selected_unit = None
                self.unitClicked.emit(-1, -1)
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
                u = UnitItem(st, c - 1, j, kind, color)
                u.selected = self._selected_unit == (c - 1, j)
                self._scene.addItem(u)
                col.append(u)
                t = TextBoxItem(st)
                self._scene.addItem(t)
                labels.append(t)
            self._units.append(col)
            self._value_labels.append(labels)
        self._bias_labels = []
        for i, n in enumerate(sizes[1:]):
            row, labels = [], []
            for j in range(n):
                b = BiasItem(st, i, j, net.param_index("b", i, j))
                self._scene.addItem(b)
                row.append(b)
                t = TextBoxItem(st, small=True, z=15)
                t.align = Qt.AlignmentFlag.AlignHCenter
                self._scene.addItem(t)
                labels.append(t)
            self._biases.append(row)
            self._bias_labels.append(labels)
        self._bundles, self._edge_labels, self._bars = [], [], []
        for i in range(len(sizes) - 1):
            b = EdgeBundleItem(st, i, sizes[i + 1], sizes[i], net.param_index("w", i, 0, 0))
            self._scene.addItem(b)
            self._bundles.append(b)
            labels = []
            if b.n_edges <= MAX_EDGE_LABELS:
                for _ in range(b.n_edges):
                    t = TextBoxItem(st, small=True, z=15)
                    t.align = Qt.AlignmentFlag.AlignHCenter
                    self._scene.addItem(t)
                    labels.append(t)
            self._edge_labels.append(labels)
            bar = GradientBarItem(st, i)
            self._scene.addItem(bar)
            self._bars.append(bar)
        self._headers = []
        for _ in sizes:
            h = TextBoxItem(st, small=True, boxed=False)
            h.align = Qt.AlignmentFlag.AlignHCenter
            self._scene.addItem(h)
            self._headers.append(h)
        self.highlight(list(self._hl_units), list(self._hl_edges))
        self._relayout()

    def _geometry(self) -> dict:
        """Where everything goes for the current viewport size (pure layout, no values)."""
        st = self._style
        f = st.factor
        vp = self._canvas.viewport()
        W, H = max(vp.width(), 120), max(vp.height(), 100)
        sizes = self._net.sizes
        L = len(sizes)
        lh, slh = st.line_height, st.small_line_height
        header_h = 2 * slh + 6
        footer_h = slh + 8
        top, bottom = header_h + 4, H - footer_h - 4
        band = max(bottom - top, 20.0)
        r_cap = 26 * f
        label_w = st.text_width("δ −0.000123") + 6
        compact_w = st.text_width("a −0.123 δ −0.000123") + 6
        spacing = [min(band / n, 150 * f) for n in sizes]

        def radii(gap: float) -> list[float]:
            return [max(2.0, min(0.36 * s, 0.16 * gap, r_cap)) for s in spacing]

        def gauge(r: float) -> float:
            return max(2.0, min(r * 0.22, 5 * f))

        def ring(r: float) -> float:
            return max(1.5, min(r * 0.28, 6 * f))

        out_numbers = self._numbers and spacing[-1] >= lh + 3
        reserve = label_w + 6 if out_numbers else 0.0
        gap0 = (W - 2 * (14 + r_cap) - reserve) / (L - 1)
        r = radii(max(gap0, 10.0))
        left = 12 + r[0]
        right = 10 + r[-1] + ring(r[-1]) + 2 + gauge(r[-1]) + 4 + reserve
        xs = np.linspace(left, max(left + 10 * (L - 1), W - right), L)
        gap = float(xs[1] - xs[0])
        r = radii(gap)
        cy = (top + bottom) / 2
        ys = [cy + (np.arange(n) - (n - 1) / 2) * s for n, s in zip(sizes, spacing, strict=True)]
        wmax = max(1.5, min(6.0, 0.22 * min(spacing[1:] + spacing[:1]))) * f
        return {
            "W": W,
            "H": H,
            "xs": xs,
            "ys": ys,
            "r": r,
            "gauge": [gauge(x) for x in r],
            "ring": [ring(x) for x in r],
            "bias": [max(5.0, min(x * 0.5, 11 * f)) for x in r],
            "spacing": spacing,
            "gap": gap,
            "header_h": header_h,
            "footer_h": footer_h,
            "label_w": label_w,
            "input_w": st.text_width("x −0.0123") + 6,
            "compact_w": compact_w,
            "wmin": 0.5 * f,
            "wmax": wmax,
        }

    def _relayout(self) -> None:
        """Place every item for the current size; values are not touched."""
        if self._net is None:
            return
        g = self._geometry()
        st = self._style
        self._scene.setSceneRect(0, 0, g["W"], g["H"])
        sizes = self._net.sizes
        L = len(sizes)
        xs, ys, r = g["xs"], g["ys"], g["r"]
        self._wmin, self._wmax = g["wmin"], g["wmax"]
        obstacles: list[QRectF] = []
        for c in range(L):
            for j, u in enumerate(self._units[c]):
                u.set_geometry(QPointF(xs[c], ys[c][j]), r[c], g["gauge"][c], g["ring"][c])
                obstacles.append(u.footprint())
            if c == 0:
                continue
            d = r[c] + g["ring"][c] + g["bias"][c] / 2 + 1
            frozen_b = dg.split_params(self._net, self._frozen)[1][c - 1]
            for j, b in enumerate(self._biases[c - 1]):
                b.frozen = bool(frozen_b[j])
                b.set_geometry(QPointF(xs[c] - 0.87 * d, ys[c][j] - 0.5 * d), g["bias"][c])
                obstacles.append(b.footprint())
        for i, b in enumerate(self._bundles):
            src = np.column_stack([np.full(sizes[i], xs[i]), ys[i]])
            dst = np.column_stack([np.full(sizes[i + 1], xs[i + 1]), ys[i + 1]])
            b.set_geometry(src, dst)
        # Headers.
        for c, h in enumerate(self._headers):
            width = g["gap"] - 8
            if c == 0:
                width = min(width, 2 * xs[0] - 4 + g["gap"] / 2)
            last = c == L - 1
            title = f"layer {c + 1}" + (" (L)" if last and c > 0 else "")
            kind = "input" if c == 0 else self._net.activations[c - 1]
            h.set_text([st.elide(title, width, True), st.elide(kind, width, True)])
            h.setPos(xs[c], g["header_h"] / 2 + 2)
            obstacles.append(h.mapRectToScene(h.boundingRect()))
        # Unit numbers: z, a, δ on lines ("full") or a and δ on one line ("compact"), right of
        # the units or below them, whichever fits first without touching anything; else none.
        lh = st.line_height
        band = QRectF(0, g["header_h"], g["W"], g["H"] - g["header_h"] - g["footer_h"])
        self._label_mode, self._label_lines = [], []
        label_rects: list[QRectF] = []
        for c in range(L):
            s = g["spacing"][c]
            n_full = 1 if c == 0 else (4 if c == L - 1 and s >= 4 * lh + 4 else 3)
            o = r[c] + g["ring"][c] + 1
            choice, rects, spots = "none", [], []
            candidates = [("right", "full"), ("below", "full"), ("right", "compact")]
            candidates += [("below", "compact")]
            for side, mode in candidates if self._numbers and s >= lh + 3 else []:
                n_lines = n_full if mode == "full" else 1
                width = g["compact_w"] if mode == "compact" else g["label_w"]
                if c == 0:
                    width = g["input_w"]
                h = n_lines * lh + 4
                rects, spots = [], []
                for y in ys[c]:
                    if side == "right":
                        x0 = xs[c] + o + 1 + g["gauge"][c] + 6
                        spots.append(QPointF(x0, y))
                        rects.append(QRectF(x0 - 2, y - h / 2, width, h))
                    else:
                        x0 = max(band.left() + 2, xs[c] - width / 2)
                        spots.append(QPointF(x0 + width / 2, y + o + 2 + h / 2))
                        rects.append(QRectF(x0, y + o + 2, width, h))
                if all(band.contains(q) for q in rects) and _free(rects, obstacles + label_rects):
                    choice = f"{mode}-{side}"
                    break
            mode = choice.split("-")[0]
            self._label_mode.append(mode)
            self._label_lines.append(n_full)
            align = Qt.AlignmentFlag.AlignLeft
            if choice.endswith("below"):
                align = Qt.AlignmentFlag.AlignHCenter
            for j, t in enumerate(self._value_labels[c]):
                t.setVisible(mode != "none")
                if mode != "none":
                    t.set_align(align, rects[j].width())
                    t.setPos(spots[j])
            if mode != "none":
                label_rects += rects
        obstacles += label_rects
        slh = st.small_line_height
        ew, eh = st.text_width("−0.0012", True) + 6, slh + 4
        # The padlocks of frozen weights sit at the middle of their edges.
        lock = max(6.0, min(11.0, 4 + g["wmax"])) * st.factor + 2
        frozen_W = dg.split_params(self._net, self._frozen)[0]
        self._lock_rects = []
        for b, fW in zip(self._bundles, frozen_W, strict=True):
            b.lock_t = {}
            for e in np.flatnonzero(fW.ravel()).tolist():
                line = b.line(e)
                for t in (0.5, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2):
                    pt = line.pointAt(t)
                    rect = QRectF(pt.x() - lock / 2, pt.y() - lock / 2, lock, lock)
                    if not any(rect.intersects(o) for o in label_rects):
                        break
                b.lock_t[e] = t
                self._lock_rects.append(rect)
        obstacles += self._lock_rects
        # Bias numbers: left of (or above) each bias square, for a whole layer or none of it.
        self._bias_labels_on = []
        for i, row in enumerate(self._biases):
            spots: list[QPointF] | None = [] if self._numbers else None
            rects: list[QRectF] = []
            for b in row if spots is not None else []:
                hr = b.footprint()
                left = QPointF(hr.left() - 2 - ew / 2, b.pos().y())
                above = QPointF(b.pos().x(), hr.top() - 1 - eh / 2)
                for pt in (left, above):
                    rect = QRectF(pt.x() - ew / 2, pt.y() - eh / 2, ew, eh)
                    if not any(rect.intersects(o) for o in obstacles + rects if o != hr):
                        spots.append(pt)
                        rects.append(rect)
                        break
                else:
                    spots = None
                    break
            if spots is not None:
                obstacles += rects
            self._bias_labels_on.append(spots is not None)
            for j, t in enumerate(self._bias_labels[i]):
                t.setVisible(spots is not None)
                if spots is not None:
                    t.setPos(spots[j])
        # Edge numbers: only where every edge of a layer pair gets a free spot.
        self._edge_label_t = []
        for i, b in enumerate(self._bundles):
            labels = self._edge_labels[i]
            placed: list[float] | None = None
            if labels and self._numbers:
                placed, rects = [], []
                for e in range(b.n_edges):
                    line = b.line(e)
                    for t in (0.5, 0.35, 0.65, 0.25, 0.75, 0.42, 0.58, 0.18, 0.82):
                        pt = line.pointAt(t)
                        rect = QRectF(pt.x() - ew / 2, pt.y() - eh / 2, ew, eh)
                        if not any(rect.intersects(o) for o in obstacles) and not any(
                            rect.intersects(o) for o in rects
                        ):
                            placed.append(t)
                            rects.append(rect)
                            break
                    else:
                        placed = None
                        break
                if placed is not None:
                    obstacles += rects
            self._edge_label_t.append(placed)
            for e, t in enumerate(labels):
                t.setVisible(placed is not None)
                if placed is not None:
                    t.setPos(b.line(e).pointAt(placed[e]))
        # Gradient norm bars under the edges of each layer.
        show_text = g["gap"] >= 70 * st.factor
        text_w = st.text_width("−0.00012", True) + 6 if show_text else 0.0
        bar_w = min(g["gap"] * 0.4, 50 * st.factor)
        for i, bar in enumerate(self._bars):
            cx = (xs[i] + xs[i + 1]) / 2
            bar.set_geometry(
                QPointF(cx - (bar_w + text_w) / 2, g["H"] - g["footer_h"] / 2 - 2), bar_w, show_text
            )
        self._editor.cancel()
        self._update_values()
        if self._plane is not None:
            self._render_maps()  # the discs are drawn at the units' new size

    # ---- values ----------------------------------------------------------------------------

    def _weights_changed(self) -> None:
        self._inspect()
        self._update_values()
        self._schedule_maps()

    def _inspect(self) -> None:
        """The engine's forward/backward pass on the selection (nothing recomputed here)."""
        net, X, Y = self._net, self._X, self._Y
        self._insp = None
        if net is None or X is None:
            return
        if X.shape[1] != net.n_inputs:
            return
        if Y is not None and Y.shape[1] != net.n_outputs:
            Y = None
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
        self._legend.refresh()
        self._update_status()
        self._refresh_tooltip()

    def _unit_range(self, c: int, j: int) -> tuple[float, float]:
        """The range of unit j of column c that its a-bar (and an output's map) spans."""
        net = self._net
        if c == 0:
            if net.n_inputs == 2:
                return self._xlim if j == 0 else self._ylim
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
            x = insp.a[0]
            marker = (
                (x[0] - self._xlim[0]) / ((self._xlim[1] - self._xlim[0]) or 1.0),
                (x[1] - self._ylim[0]) / ((self._ylim[1] - self._ylim[0]) or 1.0),
            )
        sat = self._saturation
        for c, col in enumerate(self._units):
            mode = self._label_mode[c] if c < len(self._label_mode) else "none"
            for j, u in enumerate(col):
                if insp is None:
                    u.z = u.a = u.delta = math.nan
                    u.gauge = u.ring = None
                else:
                    u.a = float(insp.a[c][j])
                    lo, hi = self._unit_range(c, j)
                    u.gauge = (u.a - lo) / (hi - lo) if math.isfinite(u.a) else None
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
        n = dg.num
        if c == 0:
            return [f"x{j + 1} {n(u.a)}"] if mode == "compact" else [f"x {n(u.a)}"]
        d = "δ —" if math.isnan(u.delta) else f"δ {n(u.delta)}"
        if mode == "compact":
            return [f"a {n(u.a)} {d}"]
        lines = [f"z {n(u.z)}", f"a {n(u.a)}", d]
        if self._label_lines[c] >= 4 and self._insp.y is not None:
            lines.append(f"y {n(self._insp.y[j])}")
        return lines

    def _update_bias_labels(self, bs: list[np.ndarray] | None) -> None:
        for i, labels in enumerate(self._bias_labels):
            show = bs is not None and i < len(self._bias_labels_on) and self._bias_labels_on[i]
            for j, t in enumerate(labels):
                if not show:
                    t.set_text([])
                    continue
                v = float(bs[i][j])
                t.set_text([dg.num(v, 2)], self._style.sign(v))

    def _update_edge_labels(self, Ws: list[np.ndarray] | None) -> None:
        for i, labels in enumerate(self._edge_labels):
            placed = self._edge_label_t[i] if i < len(self._edge_label_t) else None
            show = Ws is not None and placed is not None
            for e, t in enumerate(labels):
                if not show:
                    t.set_text([])
                    continue
                v = float(Ws[i].ravel()[e])
                t.set_text([dg.num(v, 2)], self._style.sign(v))

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
        elif insp is None:
            text = "click a point in the data plot (or choose the whole batch) to see z, a and δ"
        elif insp.is_batch:
            text = f"whole batch ({insp.n_points} points): means of z, a, δ"
            if insp.cost is not None:
                text += f";  E = {dg.num(insp.cost, 3)}"
        else:
            x = ", ".join(dg.num(v) for v in insp.a[0])
            text = f"point ({x})"
            if insp.y is not None:
                text += f" → y ({', '.join(dg.num(v) for v in insp.y)})"
                text += f";  E_x = {dg.num(insp.cost, 3)}"
        warn = net.warnings() if net is not None else []
        self._status.setText(text)
        self._status.setToolTip("\n".join([text, *warn]))

    # ---- unit maps ----------------------------------------------------------------------------

    def set_map_interval(self, seconds: float) -> None:
        """Recompute the unit maps at most every ``seconds`` (the owner slows them in training)."""
        self._map_interval = max(0.0, float(seconds))

    def _schedule_maps(self) -> None:
        self._maps_dirty = True
        if not self._maps_timer.isActive():
            wait = self._map_interval - (time.perf_counter() - self._maps_done)
            self._maps_timer.setInterval(max(0, int(wait * 1000)))
            self._maps_timer.start()

    def _refresh_maps(self) -> None:
        """One float32 forward pass over the plane for every unit's map and its saturation."""
        self._maps_dirty = False
        self._maps_done = time.perf_counter()
        net = self._net
        if net is None:
            return
        if net.n_inputs == 2:
            self._plane = dg.plane(net, self._xlim, self._ylim, MAP_GRID)
            with np.errstate(invalid="ignore"):
                self._map_range = [
                    (
                        np.nanmin(m.reshape(len(m), -1), axis=1),
                        np.nanmax(m.reshape(len(m), -1), axis=1),
                    )
                    for m in self._plane.maps
                ]
            self._saturation = self._plane.saturation
            self._saturation_over = "the plane"
        else:
            self._plane = None
            self._map_range = None
            insp = self._insp
            if insp is not None and insp.is_batch:
                with np.errstate(all="ignore"):
                    self._saturation = dg.saturation(net, dg.g_prime(net, insp.forward))
                self._saturation_over = "the selected points"
            else:
                self._saturation = None
        self._render_maps()
        self._update_units()

    def map_levels(self, layer: int, j: int) -> tuple[float, float]:
        """The levels of unit ``(layer, j)``'s map: the activation's range (sigmoid ``(0, 1)``,
        tanh ``(-1, 1)``), else ``±max|a|`` over the plane, so 0 (or 0.5) sits at the neutral
        middle of the diverging colours, as in the data plot's unit map."""
        lo, hi = self._layer_levels(layer)
        return float(lo[j]), float(hi[j])

    def _layer_levels(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        n = self._net.sizes[layer + 1]
        name = self._net.activations[layer]
        if name in BOUNDED:
            lo, hi = BOUNDED[name]
            return np.full(n, lo), np.full(n, hi)
        if self._map_range is None:
            return np.full(n, -1.0), np.full(n, 1.0)
        mins, maxs = self._map_range[layer]
        m = np.maximum(np.abs(mins), np.abs(maxs))
        m = np.where(m > 1e-12, m, 1.0)
        return -m, m

    def _render_maps(self) -> None:
        plane, c = self._plane, self._style.colors
        hidden_lut = palette.diverging_lut(self._style.theme, strength=MAP_STRENGTH)
        last = len(self._units) - 1
        for col_i, col in enumerate(self._units[1:], start=1):
            if plane is None:
                for u in col:
                    u.set_image(None)
                continue
            maps = plane.maps[col_i - 1]
            d = max(2, math.ceil(2 * col[0].r))
            if col_i < last:
                lo, hi = self._layer_levels(col_i - 1)
                for u, img in zip(col, disc_images(maps, lo, hi, hidden_lut, d), strict=True):
                    u.set_image(img)
                continue
            for j, u in enumerate(col):
                lo, hi = self._unit_range(col_i, j)
                if len(col) == 1:
                    # Class 0 below the threshold, class 1 above, the background at it.
                    thr = self._net.threshold()
                    m = max(thr - lo, hi - thr)
                    lo, hi = thr - m, thr + m
                    bg = c["map_lo"]
                    lut = np.concatenate(
                        [
                            ramp_lut(palette.class_color(0), bg, 128),
                            ramp_lut(bg, palette.class_color(1), 128),
                        ]
                    )
                else:
                    lut = ramp_lut(c["map_lo"], palette.class_color(j))
                u.set_image(disc_images(maps[j : j + 1], lo, hi, lut, d)[0])

    # ---- style ---------------------------------------------------------------------------------

    def _restyle(self) -> None:
        c = self._style.colors
        self._canvas.setBackgroundBrush(QBrush(c["background"]))
        self._legend.setStyleSheet("")
        for t in self._all_text():
            lines, color = t.lines, t.color
            t.lines = []
            t.set_text(lines, color)
        for b in self._bundles:
            b._regroup()
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

    # ---- interaction -------------------------------------------------------------------------

    def hit_at(self, p: QPointF) -> tuple | None:
        """What is under the scene point: ``("bias", i, j)``, ``("unit", i, j)`` (``i = -1``:
        inputs), ``("edge", i, j, k)`` or ``None``."""
        if self._net is None:
            return None
        for row in self._biases:
            for b in row:
                if b.hit_rect().contains(p):
                    return ("bias", b.layer, b.j)
        # A number written on an edge or beside a bias stands for it (double-click it to edit).
        for i, labels in enumerate(self._edge_labels):
            for e, t in enumerate(labels):
                if t.isVisible() and t.lines and t.mapRectToScene(t.boundingRect()).contains(p):
                    n_in = self._bundles[i].n_in
                    return ("edge", i, e // n_in, e % n_in)
        for i, labels in enumerate(self._bias_labels):
            for j, t in enumerate(labels):
                if t.isVisible() and t.lines and t.mapRectToScene(t.boundingRect()).contains(p):
                    return ("bias", i, j)
        for col in self._units:
            for u in col:
                if u.contains_point(p):
                    return ("unit", u.layer, u.j)
        best, best_d = None, math.inf
        tol = 3.0 * self._style.factor
        for b in self._bundles:
            if not b.boundingRect().contains(p):
                continue
            e, d = b.nearest(p.x(), p.y(), tol)
            if e is not None and d < best_d:
                best, best_d = ("edge", b.layer, e // b.n_in, e % b.n_in), d
        return best

    def param_of(self, hit: tuple | None) -> int | None:
        """Index in ``net.params`` of the edge or bias ``hit`` (``None`` for units)."""
        if hit is None or hit[0] == "unit":
            return None
        if hit[0] == "bias":
            return self._net.param_index("b", hit[1], hit[2])
        return self._net.param_index("w", hit[1], hit[2], hit[3])

    def item_center(self, hit: tuple) -> QPointF:
        """A scene point that hits ``hit`` (for tests and for placing the editor)."""
        if hit[0] == "bias":
            return self._biases[hit[1]][hit[2]].pos()
        if hit[0] == "unit":
            return self._units[hit[1] + 1][hit[2]].pos()
        b = self._bundles[hit[1]]
        e = hit[2] * b.n_in + hit[3]
        line = b.line(e)
        # A spot on this edge that no unit, bias or crossing edge covers.
        for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.45, 0.55, 0.35, 0.65):
            pt = line.pointAt(t)
            if self.hit_at(pt) == hit:
                return pt
        return line.pointAt(0.5)

    def _hover(self, p: QPointF | None) -> None:
        hit = self.hit_at(p) if p is not None else None
        if hit == self._hovered:
            return
        self._set_hover(self._hovered, False)
        self._hovered = hit
        self._set_hover(hit, True)
        self.hovered.emit(hit)
        editable = hit is not None and (hit[0] != "unit" or hit[1] >= 0)
        self._canvas.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor if editable else Qt.CursorShape.ArrowCursor
        )

    def _set_hover(self, hit: tuple | None, on: bool) -> None:
        if hit is None:
            return
        if hit[0] == "unit":
            u = self._units[hit[1] + 1][hit[2]]
            u.hovered = on
            u.update()
        elif hit[0] == "bias":
            b = self._biases[hit[1]][hit[2]]
            b.hovered = on
            b.update()
        else:
            b = self._bundles[hit[1]]
            b.hover = hit[2] * b.n_in + hit[3] if on else None
            b.update()

    def _click(self, p: QPointF) -> None:
        hit = self.hit_at(p)
        if hit is not None and hit[0] == "unit" and hit[1] >= 0:
            self._select_unit(None if self._selected_unit == hit[1:] else hit[1:])
        elif hit is None and self._selected_unit is not None:
            self._select_unit(None)

    def _select_unit(self, unit: tuple[int, int] | None) -> None:
        if self._selected_unit is not None:
            i, j = self._selected_unit
            u = self._units[i + 1][j]
            u.selected = False
            u.update()
        self._selected_unit = unit
        if unit is not None:
            u = self._units[unit[0] + 1][unit[1]]
            u.selected = True
            u.update()
        self.unitClicked.emit(*(unit if unit is not None else (-1, -1)))

    def _double_click(self, vp: QPoint) -> None:
        hit = self.hit_at(self._canvas.mapToScene(vp))
        self.open_editor(hit, vp)

    def open_editor(self, hit: tuple | None, vp: QPoint | None = None) -> bool:
        """Open the inline editor on an edge or bias (``hit`` as from :meth:`hit_at`)."""
        index = self.param_of(hit)
        if index is None:
            return False
        if vp is None:
            vp = self._canvas.mapFromScene(self.item_center(hit))
        self._editor.open(index, float(self._net.params[index]), vp, self._net.param_name(index))
        return True

    def _wheel(self, p: QPointF, steps: float, mods) -> bool:
        index = self.param_of(self.hit_at(p))
        if index is None or not steps:
            return False
        step = WHEEL_STEP
        if mods & Qt.KeyboardModifier.ShiftModifier:
            step *= 10
        if mods & Qt.KeyboardModifier.ControlModifier:
            step /= 10
        value = round(float(self._net.params[index]) + steps * step, 10)
        self._edit(index, value)
        return True

    def _edit(self, index: int, value: float) -> None:
        """Apply an edit to our copy at once (the diagram answers immediately), then tell."""
        self._net.params[index] = value
        self._weights_changed()
        self.weightEdited.emit(int(index), float(value))

    def set_frozen(self, index: int, frozen: bool) -> None:
        """Freeze or free one parameter (as the context menu does) and emit ``freezeToggled``."""
        self._frozen[index] = bool(frozen)
        self._relayout()
        self.freezeToggled.emit(int(index), bool(frozen))

    def context_menu(self, vp: QPoint, global_pos: QPoint | None = None) -> QMenu | None:
        """The menu for what is under viewport point ``vp``; shown without blocking."""
        hit = self.hit_at(self._canvas.mapToScene(vp))
        if hit is None:
            return None
        menu = QMenu(self)
        if hit[0] == "unit":
            if hit[1] < 0:
                return None
            on = self._selected_unit == hit[1:]
            act = menu.addAction("Show the network output" if on else "Show this unit's map")
            act.triggered.connect(lambda: self._select_unit(None if on else hit[1:]))
        else:
            index = self.param_of(hit)
            name = self._net.param_name(index)
            menu.addSection(name)
            edit = menu.addAction("Edit value…")
            edit.triggered.connect(lambda: self.open_editor(hit, vp))
            freeze = menu.addAction("Frozen (not trained)")
            freeze.setCheckable(True)
            freeze.setChecked(bool(self._frozen[index]))
            freeze.setObjectName("freeze")
            freeze.toggled.connect(lambda on: self.set_frozen(index, on))
            zero = menu.addAction("Set to 0")
            zero.triggered.connect(lambda: self._edit(index, 0.0))
        self._menu = menu
        menu.popup(global_pos if global_pos is not None else self._canvas.mapToGlobal(vp))
        return menu

    # ---- tooltips ------------------------------------------------------------------------------

    def tooltip_lines(self, hit: tuple | None) -> list[str]:
        """The tooltip of a unit, edge or bias, with the engine's numbers."""
        net, insp = self._net, self._insp
        if hit is None or net is None:
            return []
        if hit[0] == "unit":
            i, j = hit[1], hit[2]
            if insp is None:
                lines = [dg.unit_title(net, i, j)]
                if i >= 0:
                    act = activations.get(net.activations[i])
                    lines += [act.formula, act.derivative]
                lines.append("select a point to see z, a and δ")
                if i >= 0 and self._saturation is not None:
                    sat = float(self._saturation[i][j])
                    line = dg.saturation_line(net, i, sat, self._saturation_over)
                    if line:
                        lines.append(line)
            else:
                sat = None
                if i >= 0 and self._saturation is not None:
                    sat = float(self._saturation[i][j])
                lines = dg.unit_formulas(net, insp, i, j, sat, self._saturation_over)
            if i >= 0:
                lines.append("click: show this unit's map in the data plot")
            return lines
        update = self._update
        index = self.param_of(hit)
        frozen = bool(self._frozen[index])
        if hit[0] == "bias":
            lines = dg.bias_formulas(net, insp, hit[1], hit[2], update, frozen)
        else:
            lines = dg.edge_formulas(net, insp, hit[1], hit[2], hit[3], update, frozen)
        lines.append("double-click or wheel: edit (Shift ×10) · right-click: freeze")
        return lines

    def _tooltip_html(self, lines: list[str]) -> str:
        if not lines:
            return ""
        body = "<br>".join(html.escape(s) for s in lines[1:])
        return f"<p style='white-space:pre'><b>{html.escape(lines[0])}</b><br>{body}</p>"

    def _show_tooltip(self, vp: QPoint, global_pos: QPoint) -> None:
        hit = self.hit_at(self._canvas.mapToScene(vp))
        lines = self.tooltip_lines(hit)
        self._tip = hit if lines else None
        self._tip_pos = global_pos
        if lines:
            QToolTip.showText(global_pos, self._tooltip_html(lines), self._canvas.viewport())
        else:
            QToolTip.hideText()

    def _refresh_tooltip(self) -> None:
        """Keep an open tooltip's numbers live while training runs."""
        if self._tip is None or self._tip_pos is None or not QToolTip.isVisible():
            return
        lines = self.tooltip_lines(self._tip)
        if lines:
            QToolTip.showText(self._tip_pos, self._tooltip_html(lines), self._canvas.viewport())


__all__ = ["EDGE_MODES", "NetworkView", "render_png"]
