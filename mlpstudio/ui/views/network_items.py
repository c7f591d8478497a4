"""The graphics items of the network diagram: units, biases, bundles of edges, labels, bars.

Items are built once per network shape and updated in place. They only draw what they are given
(values, scales, colours); the numbers come from the engine through ``core.diagnostics``.
All the edges between two layers are one :class:`EdgeBundleItem` that paints its lines grouped by
pen, so a 2-32-32-32-4 network (about 2200 edges) updates and repaints in a few milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem

from ...core.diagnostics import num
from .. import palette

# Edge widths are bucketed into this many levels, each one pen, so painting is a few drawLines.
LEVELS = 6


@dataclass
class Style:
    """Colours, fonts and sizes shared by every item (changed in place by theme/presenter)."""

    theme: str = "light"
    presenter: bool = False
    colors: dict[str, QColor] = field(default_factory=dict)
    font: QFont = field(default_factory=QFont)
    small_font: QFont = field(default_factory=QFont)

    def __post_init__(self) -> None:
        self.apply(self.theme, self.presenter)

    def apply(self, theme: str, presenter: bool) -> None:
        self.theme = theme if theme in palette.THEMES else "light"
        self.presenter = presenter
        t = palette.theme(self.theme)
        c = {k: QColor(v) for k, v in t.items()}
        dark = self.theme == "dark"
        pos, neg = QColor(palette.POSITIVE_HEX), QColor(palette.NEGATIVE_HEX)
        if dark:
            # The print-friendly sign colours are too dark on a dark background.
            pos, neg = QColor("#6FA8DC"), QColor("#E06666")
        c["positive"], c["negative"] = pos, neg
        c["warn"] = QColor("#F2B705")
        c["warn_text"] = QColor("#3A2E00")
        c["label_bg"] = QColor(t["background"])
        c["label_bg"].setAlpha(225)
        c["map_lo"] = QColor("#2A2C31" if dark else "#F3F5F7")
        c["gauge"] = QColor("#AEB6C0" if dark else "#57606A")
        self.colors = c
        self.font = QFont()
        self.font.setPixelSize(16 if presenter else 11)
        self.small_font = QFont()
        self.small_font.setPixelSize(14 if presenter else 10)
        self._fm = QFontMetricsF(self.font)
        self._sfm = QFontMetricsF(self.small_font)

    @property
    def factor(self) -> float:
        """How much bigger everything is in presenter mode."""
        return 1.45 if self.presenter else 1.0

    @property
    def line_height(self) -> float:
        return self._fm.height()

    @property
    def small_line_height(self) -> float:
        return self._sfm.height()

    def text_width(self, text: str, small: bool = False) -> float:
        return (self._sfm if small else self._fm).horizontalAdvance(text)

    def elide(self, text: str, width: float, small: bool = False) -> str:
        fm = self._sfm if small else self._fm
        return fm.elidedText(text, Qt.TextElideMode.ElideRight, max(0.0, width))

    def sign(self, value: float) -> QColor:
        """The sign colour (shared: copy it before changing it)."""
        return self.colors["positive" if value >= 0 else "negative"]


def nice_ceil(v: float) -> float:
    """The smallest of 1, 2, 5 × 10^k not below ``v`` (a legend scale that does not flicker)."""
    if not math.isfinite(v) or v <= 0:
        return 1.0
    e = math.floor(math.log10(v))
    for m in (1.0, 2.0, 5.0, 10.0):
        s = m * 10.0**e
        if s >= v * (1 - 1e-12):
            return s
    return 10.0 ** (e + 1)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` toward ``b`` (an opaque stand-in for ``b`` at alpha ``t``)."""
    return QColor(
        round(a.red() + t * (b.red() - a.red())),
        round(a.green() + t * (b.green() - a.green())),
        round(a.blue() + t * (b.blue() - a.blue())),
    )


def ramp_lut(c0: QColor, c1: QColor, n: int = 256) -> np.ndarray:
    """A lookup table ``(n, 3)`` uint8 from ``c0`` to ``c1``."""
    a = np.array(c0.getRgb()[:3], dtype=np.float64)
    b = np.array(c1.getRgb()[:3], dtype=np.float64)
    t = np.linspace(0.0, 1.0, n)[:, None]
    return np.round(a + t * (b - a)).astype(np.uint8)


def disc_images(values: np.ndarray, lo, hi, lut: np.ndarray, d: int) -> list[QImage]:
    """Heatmaps ``(n_units, n, n)`` (row 0 at the bottom of the plane) → round ``d × d`` images.

    Values are resampled bilinearly to ``d × d`` and coloured through ``lut`` between the
    explicit levels ``lo``/``hi`` (one per unit or shared; never auto-levels); outside the circle
    the image is transparent, with an anti-aliased rim. One vectorised pass for a whole layer,
    so a repaint only blits the images.
    """
    u, n = values.shape[0], values.shape[-1]
    c = np.clip((np.arange(d) + 0.5) / d * n - 0.5, 0.0, n - 1.0)
    i0 = np.floor(c).astype(np.intp)
    i1 = np.minimum(i0 + 1, n - 1)
    f = (c - i0)[None, :, None]
    v = values[:, ::-1, :]  # image rows run top-down, the plane bottom-up
    with np.errstate(invalid="ignore", over="ignore"):  # a diverged unit may hold inf
        rows = v[:, i0, :] * (1.0 - f) + v[:, i1, :] * f
        fx = f[:, :, 0][:, None, :]
        v = rows[:, :, i0] * (1.0 - fx) + rows[:, :, i1] * fx
    lo = np.asarray(lo, dtype=np.float64).reshape(-1, 1, 1)
    hi = np.asarray(hi, dtype=np.float64).reshape(-1, 1, 1)
    span = np.where(hi > lo, hi - lo, 1.0)
    with np.errstate(invalid="ignore"):
        t = np.nan_to_num((v - lo) / span, nan=0.5, posinf=1.0, neginf=0.0)
    idx = np.rint(np.clip(t, 0.0, 1.0) * (len(lut) - 1)).astype(np.intp)
    yy, xx = np.mgrid[0:d, 0:d] + 0.5
    alpha = np.clip(d / 2 - np.hypot(xx - d / 2, yy - d / 2) + 0.5, 0.0, 1.0)
    rgba = np.empty((u, d, d, 4), dtype=np.uint8)
    rgba[..., :3] = np.rint(lut[idx] * alpha[None, :, :, None])  # premultiplied by alpha
    rgba[..., 3] = np.rint(alpha * 255)[None]
    fmt = QImage.Format.Format_RGBA8888_Premultiplied
    # copy(): a QImage must not point into the numpy buffer
    return [QImage(img.data, d, d, 4 * d, fmt).copy() for img in rgba]


def draw_lock(p: QPainter, center: QPointF, size: float, color: QColor) -> None:
    """A small padlock: the mark of a frozen (not trained) parameter."""
    s = max(5.0, size)
    body = QRectF(center.x() - s / 2, center.y() - s * 0.1, s, s * 0.6)
    p.save()
    p.setPen(QPen(color, max(1.0, s / 6)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(center.x() - s * 0.3, center.y() - s * 0.5, s * 0.6, s * 0.8), 0, 180 * 16)
    p.setBrush(color)
    p.drawRect(body)
    p.restore()


def draw_warning(p: QPainter, center: QPointF, size: float, style: Style) -> None:
    """An amber triangle with '!': the unit's g'(z) is near zero almost everywhere."""
    s = max(6.0, size)
    tri = QPolygonF(
        [
            QPointF(center.x(), center.y() - s * 0.55),
            QPointF(center.x() + s * 0.55, center.y() + s * 0.45),
            QPointF(center.x() - s * 0.55, center.y() + s * 0.45),
        ]
    )
    p.save()
    p.setPen(QPen(style.colors["warn_text"], 0.8))
    p.setBrush(style.colors["warn"])
    p.drawPolygon(tri)
    if s >= 9:
        p.setPen(QPen(style.colors["warn_text"], max(1.2, s / 9)))
        p.drawLine(
            QPointF(center.x(), center.y() - s * 0.2), QPointF(center.x(), center.y() + s * 0.12)
        )
        p.drawPoint(QPointF(center.x(), center.y() + s * 0.3))
    p.restore()


class UnitItem(QGraphicsItem):
    """One unit: its map over the plane inside, a ring for δ, a bar for a, marks for state.

    ``layer`` is the list index of :class:`Network` layers (0 = first layer after the inputs);
    inputs have ``layer = -1``.
    """

    def __init__(self, style: Style, layer: int, j: int, kind: str, color: QColor | None = None):
        super().__init__()
        self.style = style
        self.layer, self.j, self.kind = layer, j, kind
        self.class_color = color
        self.r = 10.0
        self.gauge_w = 3.0
        self.ring_max = 3.0
        self.z = self.a = self.delta = math.nan
        self.gauge: float | None = None  # a, as a fraction of the unit's range
        self.ring: float | None = None  # |δ| as a fraction of the δ scale
        self.saturated = False
        self.selected = self.highlighted = self.hovered = False
        self.marker: tuple[float, float] | None = None  # the point in the map, fractions 0..1
        self.image: QImage | None = None
        self.setZValue(10)
        self.setAcceptHoverEvents(False)

    # -- geometry --

    def set_geometry(self, pos: QPointF, r: float, gauge_w: float, ring_max: float) -> None:
        if r != self.r or gauge_w != self.gauge_w or ring_max != self.ring_max:
            self.prepareGeometryChange()
            self.r, self.gauge_w, self.ring_max = r, gauge_w, ring_max
        self.setPos(pos)

    def outer_radius(self) -> float:
        return self.r + self.ring_max + 4

    @property
    def gauge_x(self) -> float:
        """Left edge of the a-bar, beside the δ ring."""
        return self.r + self.ring_max + 2

    def boundingRect(self) -> QRectF:
        o = self.outer_radius() + 2
        right = self.gauge_x + self.gauge_w + 2
        return QRectF(-o, -o, o + max(o, right), 2 * o)

    def footprint(self) -> QRectF:
        """The scene rectangle the unit covers (for placing labels around it)."""
        o = self.r + self.ring_max + 1
        p = self.pos()
        return QRectF(p.x() - o, p.y() - o, o + self.gauge_x + self.gauge_w + 1, 2 * o)

    def contains_point(self, p: QPointF) -> bool:
        d = p - self.pos()
        return d.x() * d.x() + d.y() * d.y() <= (self.r + 2) ** 2

    # -- content --

    def set_image(self, image: QImage | None) -> None:
        """The unit's map, already round (see :func:`disc_images`)."""
        self.image = image
        self.update()

    def paint(self, p: QPainter, option, widget=None) -> None:
        st, c, r = self.style, self.style.colors, self.r
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.selected or self.highlighted or self.hovered:
            halo = QColor(c["accent"])
            if self.hovered and not (self.selected or self.highlighted):
                halo.setAlpha(120)
            pen = QPen(halo, 2.5 * st.factor)
            if self.selected and not self.highlighted:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            h = r + self.ring_max + 2.5
            p.drawEllipse(QPointF(0, 0), h, h)
        img = self.image
        p.setPen(Qt.PenStyle.NoPen)
        if img is not None:
            d = img.width()
            if d == math.ceil(2 * r):
                p.drawImage(QPointF(-d / 2, -d / 2), img)
            else:  # resized since the map was drawn: the next map refresh fixes it
                p.drawImage(QRectF(-r, -r, 2 * r, 2 * r), img)
        else:
            p.setBrush(c["panel"])
            p.drawEllipse(QPointF(0, 0), r, r)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if self.kind == "output" and self.class_color is not None:
            p.setPen(QPen(self.class_color, max(1.5, min(3.0, r / 5)) * st.factor))
            p.drawEllipse(QPointF(0, 0), r, r)
        elif img is None or r >= 6:  # a tiny map needs no outline (and thousands cost time)
            p.setPen(QPen(c["muted"], 1.0))
            p.drawEllipse(QPointF(0, 0), r, r)
        if self.ring is not None and math.isfinite(self.delta):
            w = 1.0 + (self.ring_max - 1.0) * min(1.0, self.ring)
            col = st.sign(self.delta)
            p.setPen(QPen(col, w))
            rr = r + 1.0 + w / 2
            p.drawEllipse(QPointF(0, 0), rr, rr)
        if self.marker is not None and r >= 9:
            u, v = self.marker
            mx, my = -r + 2 * r * u, r - 2 * r * v
            if (mx * mx + my * my) <= r * r:
                p.setPen(QPen(c["background"], 2.2))
                p.drawEllipse(QPointF(mx, my), 2.2, 2.2)
                p.setPen(QPen(c["accent"], 1.2))
                p.drawEllipse(QPointF(mx, my), 2.2, 2.2)
        if self.kind == "input" and r >= 7:
            p.setPen(c["foreground"])
            font = QFont(st.font)
            font.setPixelSize(int(max(8, min(r * 0.8, 18 * st.factor))))
            p.setFont(font)
            p.drawText(
                QRectF(-r, -r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, f"x{_sub(self.j + 1)}"
            )
        if self.gauge is not None:
            gx, gw = self.gauge_x, self.gauge_w
            if r >= 6:
                p.setPen(QPen(c["muted"], 0.8))
                p.setBrush(c["background"])
                p.drawRect(QRectF(gx, -r, gw, 2 * r))
            g = min(1.0, max(0.0, self.gauge))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(c["gauge"])
            p.drawRect(QRectF(gx, r - 2 * r * g, gw, 2 * r * g))
        if self.saturated:
            s = max(6.0, min(r * 0.7, 13.0 * st.factor))
            draw_warning(p, QPointF(r * 0.78, -r * 0.78), s, st)


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


class BiasItem(QGraphicsItem):
    """The bias of one unit: a small square, colour = sign, size = magnitude on the edge scale."""

    def __init__(self, style: Style, layer: int, j: int, index: int):
        super().__init__()
        self.style = style
        self.layer, self.j, self.index = layer, j, index
        self.size = 8.0
        self.value = 0.0
        self.fraction: float | None = None  # |value| / scale, None when there is no value
        self.frozen = self.highlighted = self.hovered = False
        self.setZValue(12)

    def set_geometry(self, pos: QPointF, size: float) -> None:
        if size != self.size:
            self.prepareGeometryChange()
            self.size = size
        self.setPos(pos)

    def boundingRect(self) -> QRectF:
        s = self.size / 2 + 3
        return QRectF(-s - self.size, -s, 2 * s + self.size, 2 * s)

    def hit_rect(self) -> QRectF:
        s = self.size / 2 + 2
        p = self.pos()
        return QRectF(p.x() - s, p.y() - s, 2 * s, 2 * s)

    def footprint(self) -> QRectF:
        return self.hit_rect().adjusted(-self.size if self.frozen else 0, 0, 0, 0)

    def paint(self, p: QPainter, option, widget=None) -> None:
        st, c = self.style, self.style.colors
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        full = self.size
        if self.fraction is None:
            side, fill = full * 0.6, QColor(c["muted"])
        else:
            side = full * (0.45 + 0.55 * min(1.0, self.fraction))
            fill = st.sign(self.value)
        if full >= 7:
            p.setPen(QPen(c["muted"], 0.8, Qt.PenStyle.DotLine))
            p.setBrush(c["background"])
            p.drawRect(QRectF(-full / 2, -full / 2, full, full))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawRect(QRectF(-side / 2, -side / 2, side, side))
        if self.frozen:
            pen = QPen(c["foreground"], 1.2, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(-full / 2 - 1, -full / 2 - 1, full + 2, full + 2))
            draw_lock(p, QPointF(-full, 0), full * 0.8, c["foreground"])
        if self.highlighted or self.hovered:
            col = QColor(c["accent"])
            if not self.highlighted:
                col.setAlpha(160)
            p.setPen(QPen(col, 2.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(-full / 2 - 2, -full / 2 - 2, full + 4, full + 4))


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
        self.lock_t: dict[int, float] = {}  # where along a frozen edge its padlock sits
        self.width = np.ones(n)
        self.level = np.zeros(n, dtype=np.int64)
        self.wmin, self.wmax = 0.6, 5.0
        self._lines: list[QLineF] = []
        self._groups: list[tuple[QPen, list[QLineF]]] = []
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
        self._regroup()

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
        self._regroup()

    def level_width(self, level):
        return self.wmin + (self.wmax - self.wmin) * np.asarray(level) / LEVELS

    def level_strength(self, level: int) -> float:
        """How far an edge's colour goes from the background toward its sign colour."""
        lo, hi = (0.3, 1.0) if self.n_edges <= 200 else (0.16, 0.85)
        return lo + (hi - lo) * level / LEVELS

    def _regroup(self) -> None:
        """Group the lines by pen (width level, sign, frozen) so paint is a few drawLines.

        Colours are opaque tints of the background, not alpha: blending thousands of thin lines
        is many times slower than drawing them opaque. Stronger levels are drawn last, on top.
        """
        groups: list[tuple[QPen, list[QLineF]]] = []
        if not self._lines:
            self._groups = groups
            return
        c = self.style.colors
        if self.values is None:
            sign = np.zeros(self.n_edges, dtype=np.int64)
        else:
            sign = np.where(self.values >= 0, 1, 2)
        key = (self.level * 3 + sign) * 2 + self.frozen
        order = np.argsort(key, kind="stable")
        cuts = np.flatnonzero(np.diff(key[order])) + 1
        lines = self._lines
        for chunk in np.split(order, cuts):
            k0 = int(key[chunk[0]])
            frozen = bool(k0 % 2)
            level, s = divmod(k0 // 2, 3)
            if s == 0:
                col = _mix(c["background"], c["muted"], 0.55)
            else:
                col = _mix(
                    c["background"],
                    c["positive"] if s == 1 else c["negative"],
                    self.level_strength(level),
                )
            pen = QPen(col, float(self.level_width(level)))
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if frozen:
                pen.setStyle(Qt.PenStyle.DashLine)
            groups.append((pen, [lines[i] for i in chunk.tolist()]))
        self._groups = groups
        self.update()

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
        if self.frozen.any():
            size = max(6.0, min(11.0, 4 + self.wmax)) * self.style.factor
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

    def line(self) -> QLineF:
        """The segment in scene coordinates (centre of unit k to centre of unit j)."""
        return self.bundle.line(self.e)

    def midpoint(self) -> QPointF:
        return self.line().pointAt(0.5)


class TextBoxItem(QGraphicsItem):
    """A few lines of text on a translucent box; empty text draws nothing."""

    def __init__(self, style: Style, small: bool = False, boxed: bool = True, z: float = 20):
        super().__init__()
        self.style = style
        self.small, self.boxed = small, boxed
        self.lines: list[str] = []
        self.color: QColor | None = None
        self.align = Qt.AlignmentFlag.AlignLeft
        self.max_width: float | None = None
        self._rect = QRectF()
        self.setZValue(z)

    def set_text(self, lines: list[str], color: QColor | None = None) -> None:
        st = self.style
        if self.max_width is not None:
            # The layout reserved this much room: a longer number is cut, never spills over.
            lines = [st.elide(s, self.max_width - 4, self.small) for s in lines]
        if lines == self.lines and color == self.color:
            return
        self.prepareGeometryChange()
        self.lines, self.color = list(lines), color
        lh = st.small_line_height if self.small else st.line_height
        w = max((st.text_width(s, self.small) for s in self.lines), default=0.0)
        pad = 2.0 if self.boxed else 0.0
        h = lh * len(self.lines)
        if self.align & Qt.AlignmentFlag.AlignHCenter:
            self._rect = QRectF(-w / 2 - pad, -h / 2 - pad, w + 2 * pad, h + 2 * pad)
        else:
            self._rect = QRectF(-pad, -h / 2 - pad, w + 2 * pad, h + 2 * pad)
        self.update()

    def set_align(self, align: Qt.AlignmentFlag, max_width: float | None = None) -> None:
        """Left: the position is the left end of the text; HCenter: its middle. ``max_width``
        is the room the layout reserved (longer lines are elided)."""
        if align != self.align or max_width != self.max_width:
            self.align, self.max_width = align, max_width
            lines, self.lines = self.lines, []
            self.set_text(lines, self.color)

    def text(self) -> str:
        return "\n".join(self.lines)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, option, widget=None) -> None:
        if not self.lines:
            return
        st = self.style
        if self.boxed:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(st.colors["label_bg"])
            p.drawRoundedRect(self._rect, 3, 3)
        p.setFont(st.small_font if self.small else st.font)
        p.setPen(self.color or st.colors["foreground"])
        lh = st.small_line_height if self.small else st.line_height
        pad = 2.0 if self.boxed else 0.0
        top = self._rect.top() + pad
        flags = self.align | Qt.AlignmentFlag.AlignVCenter
        for i, s in enumerate(self.lines):
            r = QRectF(self._rect.left() + pad, top + i * lh, self._rect.width() - 2 * pad, lh)
            p.drawText(r, flags, s)


class GradientBarItem(QGraphicsItem):
    """‖∂E/∂W‖ of one layer as a bar on a log scale (1e−6 … 1e2) with its number."""

    LOG_LO, LOG_HI = -6.0, 2.0

    def __init__(self, style: Style, layer: int):
        super().__init__()
        self.style = style
        self.layer = layer
        self.norm: float | None = None
        self.state = "normal"  # "vanishing" | "exploding"
        self.bar_w, self.show_text = 40.0, True
        self.setZValue(5)

    def set_geometry(self, pos: QPointF, bar_w: float, show_text: bool) -> None:
        self.prepareGeometryChange()
        self.bar_w, self.show_text = bar_w, show_text
        self.setPos(pos)

    def text(self) -> str:
        return "—" if self.norm is None else num(self.norm, 2)

    def boundingRect(self) -> QRectF:
        h = self.style.small_line_height
        w = self.bar_w + (self.style.text_width("−0.00012", True) + 6 if self.show_text else 0)
        return QRectF(-2, -h / 2 - 2, w + 4, h + 4)

    def paint(self, p: QPainter, option, widget=None) -> None:
        st, c = self.style, self.style.colors
        bh = 6.0 * st.factor
        p.setPen(QPen(c["muted"], 0.8))
        p.setBrush(c["panel"])
        p.drawRect(QRectF(0, -bh / 2, self.bar_w, bh))
        if self.norm is not None and self.norm > 0 and math.isfinite(self.norm):
            f = (math.log10(self.norm) - self.LOG_LO) / (self.LOG_HI - self.LOG_LO)
            f = min(1.0, max(0.02, f))
            col = {"vanishing": c["warn"], "exploding": c["negative"]}.get(self.state, c["accent"])
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(col)
            p.drawRect(QRectF(0, -bh / 2, self.bar_w * f, bh))
        if self.show_text:
            p.setFont(st.small_font)
            p.setPen(c["negative"] if self.state == "exploding" else c["foreground"])
            h = st.small_line_height
            p.drawText(
                QRectF(self.bar_w + 4, -h / 2, 200, h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.text(),
            )


class LegendWidgetPainter:
    """Draws the legend as chips flowed into rows (used by the legend widget)."""

    def __init__(self, style: Style):
        self.style = style

    def row_height(self) -> float:
        return max(self.style.small_line_height + 4, 16 * self.style.factor)

    def _chips(
        self,
        mode_symbol: str,
        scale: float | None,
        wmin: float,
        wmax: float,
        delta_scale: float | None,
        batch: bool,
    ) -> list[tuple[float, object]]:
        """``(width, draw(p, x, y))`` per chip; ``y`` is the middle of the row."""
        st, c = self.style, self.style.colors
        seg = 16 * st.factor

        def tw(s: str) -> float:
            return st.text_width(s, True)

        lh = st.small_line_height

        def text(p: QPainter, x: float, y: float, s: str, col: QColor | None = None) -> float:
            p.setPen(col or c["foreground"])
            p.drawText(QRectF(x, y - lh / 2, tw(s) + 2, lh), Qt.AlignmentFlag.AlignVCenter, s)
            return x + tw(s) + 3

        def line(p: QPainter, x: float, y: float, col: QColor, w: float, dash=False) -> float:
            pen = QPen(col, w)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if dash:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(x, y), QPointF(x + seg, y))
            return x + seg + 3

        chips: list[tuple[float, object]] = []

        def signs(p, x, y):
            x = line(p, x, y, c["positive"], 3)
            x = text(p, x, y, "+")
            x = line(p, x, y, c["negative"], 3)
            text(p, x, y, "−")

        chips.append((2 * seg + tw("+") + tw("−") + 12, signs))
        head = f"thickness |{mode_symbol}|:"
        if scale is None:
            msg = "no values yet (select a point, or train)"

            def empty(p, x, y):
                text(p, text(p, x, y, head), y, msg, c["muted"])

            chips.append((tw(head) + tw(msg) + 8, empty))
        else:
            steps = [(f, _fmt_scale(scale * f)) for f in (0.25, 0.5, 1.0)]
            width = tw(head) + 4 + sum(seg + 3 + tw(s) + 6 for _, s in steps)

            def thick(p, x, y):
                x = text(p, x, y, head)
                for f, s in steps:
                    x = line(p, x, y, c["foreground"], wmin + (wmax - wmin) * f)
                    x = text(p, x, y, s) + 3

            chips.append((width, thick))

        def frozen(p, x, y):
            x = line(p, x, y, c["foreground"], 1.5, dash=True)
            draw_lock(p, QPointF(x + 4, y), 8, c["foreground"])
            text(p, x + 11, y, "frozen")

        chips.append((seg + 3 + 11 + tw("frozen") + 4, frozen))
        ring = "ring: δ" + (" (mean)" if batch else "")
        if delta_scale is not None:
            ring += f" up to {_fmt_scale(delta_scale)}"

        def ring_chip(p, x, y):
            p.setPen(QPen(c["positive"], 2.5))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QPointF(x + 5.5, y), 5.5, 5.5)
            text(p, x + 15, y, ring)

        chips.append((15 + tw(ring) + 4, ring_chip))

        def bar_chip(p, x, y):
            p.setPen(QPen(c["muted"], 0.8))
            p.setBrush(c["background"])
            p.drawRect(QRectF(x, y - 6, 4, 12))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(c["gauge"])
            p.drawRect(QRectF(x, y, 4, 6))
            text(p, x + 8, y, "bar: a")

        chips.append((8 + tw("bar: a") + 4, bar_chip))

        def bias_chip(p, x, y):
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(c["positive"])
            p.drawRect(QRectF(x, y - 4, 8, 8))
            text(p, x + 11, y, "bias")

        chips.append((11 + tw("bias") + 4, bias_chip))
        sat = "g'(z) ≈ 0: saturated, dead or step"

        def sat_chip(p, x, y):
            draw_warning(p, QPointF(x + 5.5, y), 11, st)
            text(p, x + 14, y, sat)

        chips.append((14 + tw(sat) + 4, sat_chip))
        norm = "‖∂E/∂W‖ per layer (log scale)"

        def norm_chip(p, x, y):
            p.setPen(QPen(c["muted"], 0.8))
            p.setBrush(c["accent"])
            p.drawRect(QRectF(x, y - 3, 18, 6))
            text(p, x + 22, y, norm)

        chips.append((22 + tw(norm) + 4, norm_chip))
        return chips

    def rows(self, width: float, *args) -> list[list[tuple[float, object]]]:
        rows: list[list[tuple[float, object]]] = [[]]
        used = 8.0
        for chip in self._chips(*args):
            if rows[-1] and used + chip[0] > width - 6:
                rows.append([])
                used = 8.0
            rows[-1].append(chip)
            used += chip[0] + 10
        return rows

    def paint(self, p: QPainter, rect: QRectF, *args) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(self.style.small_font)
        rh = self.row_height()
        for i, row in enumerate(self.rows(rect.width(), *args)):
            y = rect.top() + 3 + rh * (i + 0.5)
            x = rect.left() + 8
            for w, draw in row:
                if x + w > rect.right():
                    break
                draw(p, x, y)
                x += w + 10


def _fmt_scale(v: float) -> str:
    return num(v, 2)
