"""The edges of the diagram: every weight between two layers as one item, and a handle on one.

All the edges between two layers are one :class:`EdgeBundleItem` that paints its lines grouped by
pen, so a 2-32-32-32-4 network (about 2200 edges) updates and repaints in a few milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from .style import Style, draw_lock, mix

# Edge widths are bucketed into this many levels, each one pen, so painting is a few drawLines.
LEVELS = 6
# A bundle draws at most this many lines, the largest |value| first: 64 × 64 = 4,096 thin lines
# read as a grey mat and cost ~10 ms a paint, several times a second while training. The others
# are still there to hover, click and edit; a 32 × 32 bundle is drawn whole.
MAX_DRAWN = 1024


class EdgeBundleItem(QGraphicsItem):
    """Every weight between two layers, painted as a few grouped ``drawLines`` calls.

    Edge ``e = j * n_in + k`` is ``w_jk`` (the order of ``W.ravel()`` and of ``params``). Lines run
    from the centre of source unit k to the centre of target unit j; the units hide the ends.
    """

    def __init__(self, style: Style, layer: int, n_out: int, n_in: int, first_index: int):
        super().__init__()
        self.style = style
        self.layer, self.n_out, self.n_in = layer, n_out, n_in
        self.first_index = first_index
        n = n_out * n_in
        self.x1 = self.y1 = self.x2 = self.y2 = np.zeros(n)
        self.values: np.ndarray | None = None
        self.frozen = np.zeros(n, dtype=bool)
        self.highlight = np.zeros(n, dtype=bool)
        self.hover: int | None = None
        self.selected: int | None = None  # the edge whose value is being typed
        self.lock_t: dict[int, float] = {}  # where along a frozen edge its padlock sits
        self.width = np.ones(n)
        self.level = np.zeros(n, dtype=np.int64)
        self.wmin, self.wmax = 0.6, 5.0
        self._lines: list[QLineF] = []
        self._groups: list[tuple[QPen, list[QLineF]]] = []
        self._group_of = np.zeros(n, dtype=np.intp)  # edge → its group in _groups
        self.drawn = n  # lines painted: every edge, or the MAX_DRAWN strongest
        self._rect = QRectF()
        self.setZValue(0)

    @property
    def n_edges(self) -> int:
        return self.n_out * self.n_in

    def set_geometry(self, src: np.ndarray, dst: np.ndarray) -> None:
        """Unit centres ``src (n_in, 2)`` and ``dst (n_out, 2)``."""
        self.prepareGeometryChange()
        self.x1 = np.tile(src[:, 0], self.n_out)
        self.y1 = np.tile(src[:, 1], self.n_out)
        self.x2 = np.repeat(dst[:, 0], self.n_in)
        self.y2 = np.repeat(dst[:, 1], self.n_in)
        self._lines = [
            QLineF(a, b, c, d)
            for a, b, c, d in zip(
                self.x1.tolist(), self.y1.tolist(), self.x2.tolist(), self.y2.tolist(), strict=True
            )
        ]
        pad = self.wmax + 2
        xs = np.concatenate([self.x1, self.x2])
        ys = np.concatenate([self.y1, self.y2])
        self._rect = QRectF(
            xs.min() - pad,
            ys.min() - pad,
            xs.max() - xs.min() + 2 * pad,
            ys.max() - ys.min() + 2 * pad,
        )
        self.regroup()

    def set_values(
        self, values: np.ndarray | None, frozen: np.ndarray, scale: float, wmin: float, wmax: float
    ) -> None:
        """``values (n_out, n_in)`` in the current edge mode (None: no data, thin grey lines)."""
        if wmax != self.wmax:
            self.prepareGeometryChange()
        self.wmin, self.wmax = wmin, wmax
        self.frozen = np.asarray(frozen, dtype=bool).ravel().copy()
        if values is None:
            self.values = None
            self.level = np.zeros(self.n_edges, dtype=np.int64)
        else:
            self.values = np.asarray(values, dtype=np.float64).ravel().copy()
            t = np.nan_to_num(np.abs(self.values) / scale, nan=0.0, posinf=1.0)
            self.level = np.clip(np.ceil(np.minimum(t, 1.0) * LEVELS), 0, LEVELS).astype(np.int64)
        self.width = self.level_width(self.level)
        self.regroup()

    def level_width(self, level):
        return self.wmin + (self.wmax - self.wmin) * np.asarray(level) / LEVELS

    def level_strength(self, level: int) -> float:
        """How far an edge's colour goes from the background toward its sign colour."""
        lo, hi = (0.3, 1.0) if self.n_edges <= 200 else (0.16, 0.85)
        return lo + (hi - lo) * level / LEVELS

    def regroup(self) -> None:
        """Group the lines by pen (width level, sign, frozen) so paint is a few drawLines.

        Colours are opaque tints of the background, not alpha: blending thousands of thin lines
        is many times slower than drawing them opaque. Stronger levels are drawn last, on top.
        """
        groups: list[tuple[QPen, list[QLineF]]] = []
        if not self._lines:
            self._groups = groups
            return
        group_of = np.empty(self.n_edges, dtype=np.intp)
        c = self.style.colors
        if self.values is None:
            sign = np.zeros(self.n_edges, dtype=np.int64)
        else:
            sign = np.where(self.values >= 0, 1, 2)
        key = (self.level * 3 + sign) * 2 + self.frozen
        drawn = None
        if self.values is not None and self.n_edges > MAX_DRAWN:
            strength = np.nan_to_num(np.abs(self.values), nan=0.0, posinf=np.inf)
            drawn = np.zeros(self.n_edges, dtype=bool)
            drawn[np.argpartition(-strength, MAX_DRAWN - 1)[:MAX_DRAWN]] = True
            drawn |= self.frozen  # a padlock never floats over a line that is not there
        self.drawn = self.n_edges if drawn is None else int(drawn.sum())
        order = np.argsort(key, kind="stable")
        cuts = np.flatnonzero(np.diff(key[order])) + 1
        lines = self._lines
        for chunk in np.split(order, cuts):
            k0 = int(key[chunk[0]])
            frozen = bool(k0 % 2)
            level, s = divmod(k0 // 2, 3)
            if s == 0:
                col = mix(c["background"], c["muted"], 0.55)
            else:
                col = mix(
                    c["background"],
                    c["positive"] if s == 1 else c["negative"],
                    self.level_strength(level),
                )
            pen = QPen(col, float(self.level_width(level)))
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if frozen:
                pen.setStyle(Qt.PenStyle.DashLine)
            group_of[chunk] = len(groups)
            shown = chunk if drawn is None else chunk[drawn[chunk]]
            groups.append((pen, [lines[i] for i in shown.tolist()]))
        self._groups, self._group_of = groups, group_of
        self.update()

    def pen(self, e: int) -> QPen:
        """The pen edge ``e`` is drawn with (colour = sign, width = level, dashed = frozen)."""
        return QPen(self._groups[int(self._group_of[e])][0])

    @property
    def lock_size(self) -> float:
        return max(6.0, min(11.0, 4 + self.wmax)) * self.style.factor

    def lock_rect(self, e: int) -> QRectF | None:
        """Where the padlock of frozen edge ``e`` is drawn, with a pixel of margin (else None)."""
        if not self.frozen[e]:
            return None
        s = self.lock_size + 2
        pt = self._lines[e].pointAt(self.lock_t.get(e, 0.5))
        return QRectF(pt.x() - s / 2, pt.y() - s / 2, s, s)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, option, widget=None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self.n_edges <= 200)
        for pen, lines in self._groups:
            p.setPen(pen)
            p.drawLines(lines)
        c = self.style.colors
        marks = np.flatnonzero(self.highlight).tolist()
        if self.hover is not None:
            marks.append(self.hover)
        for e in marks:
            col = QColor(c["accent"])
            if not self.highlight[e]:
                col.setAlpha(170)
            p.setPen(QPen(col, float(self.width[e]) + 2.5))
            p.drawLine(self._lines[e])
        if self.selected is not None and self.selected < len(self._lines):
            pen = QPen(c["accent"], float(self.width[self.selected]) + 3.0)
            pen.setStyle(Qt.PenStyle.DashLine)  # as a selected unit's ring: being edited
            p.setPen(pen)
            p.drawLine(self._lines[self.selected])
        if self.frozen.any():
            size = self.lock_size
            for e in np.flatnonzero(self.frozen).tolist():
                line = self._lines[e]
                draw_lock(p, line.pointAt(self.lock_t.get(e, 0.5)), size, c["foreground"])

    def nearest(self, x: float, y: float, tol: float) -> tuple[int | None, float]:
        """The edge closest to ``(x, y)`` within ``tol`` pixels, and its distance."""
        if not self.n_edges:
            return None, math.inf
        dx, dy = self.x2 - self.x1, self.y2 - self.y1
        L2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.clip(((x - self.x1) * dx + (y - self.y1) * dy) / L2, 0.0, 1.0)
        t = np.nan_to_num(t)
        px, py = self.x1 + t * dx - x, self.y1 + t * dy - y
        d = np.sqrt(px * px + py * py)
        tol_e = np.maximum(tol, self.width / 2 + 1.5)
        d_ok = np.where(d <= tol_e, d, np.inf)
        e = int(np.argmin(d_ok))
        if not math.isfinite(d_ok[e]):
            return None, math.inf
        return e, float(d_ok[e])

    def line(self, e: int) -> QLineF:
        return QLineF(self._lines[e])


@dataclass
class EdgeRecord:
    """A lightweight handle on one weight drawn in a bundle (what ``edge_items()`` returns)."""

    bundle: EdgeBundleItem
    e: int

    @property
    def layer(self) -> int:
        return self.bundle.layer

    @property
    def j(self) -> int:
        return self.e // self.bundle.n_in

    @property
    def k(self) -> int:
        return self.e % self.bundle.n_in

    @property
    def index(self) -> int:
        """Index of ``w_jk`` in ``net.params``."""
        return self.bundle.first_index + self.e

    @property
    def value(self) -> float:
        """The value shown (weight, gradient or update, by the edge mode); NaN without data."""
        v = self.bundle.values
        return math.nan if v is None else float(v[self.e])

    @property
    def width(self) -> float:
        return float(self.bundle.width[self.e])

    @property
    def frozen(self) -> bool:
        return bool(self.bundle.frozen[self.e])

    @property
    def highlighted(self) -> bool:
        return bool(self.bundle.highlight[self.e])

    @property
    def pen(self) -> QPen:
        """The pen the edge is drawn with."""
        return self.bundle.pen(self.e)

    def lock_rect(self) -> QRectF | None:
        """Where its padlock is drawn when it is frozen (scene coordinates), else ``None``."""
        return self.bundle.lock_rect(self.e)

    def line(self) -> QLineF:
        """The segment in scene coordinates (centre of unit k to centre of unit j)."""
        return self.bundle.line(self.e)

    def midpoint(self) -> QPointF:
        return self.line().pointAt(0.5)
