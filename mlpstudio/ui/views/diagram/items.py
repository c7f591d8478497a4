"""The graphics items of the diagram's units: unit discs, bias squares, text boxes, gradient bars.

Items are built once per network shape and updated in place. They only draw what they are given
(values, scales, colours); the numbers come from the engine through ``core.diagnostics`` and the
places from :mod:`.layout`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from ....core.numformat import num
from .style import Style, draw_lock, draw_warning


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
        # An input unit's name: x₁, or its derived feature's (x₁x₂, sin x₁).
        self.label = f"x{_sub(j + 1)}" if kind == "input" else ""
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
            font = QFont(st.font)
            # Longer names (sin x₁) get a smaller font so they stay inside the unit.
            fit = 2.6 * r / max(2, len(self.label))
            font.setPixelSize(int(max(8, min(r * 0.8, 18 * st.factor, fit))))
            p.setFont(font)
            box = QRectF(-r, -r, 2 * r, 2 * r)
            if img is not None:  # a feature's map behind the name: a halo keeps it readable
                p.setPen(c["background"])
                for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                    p.drawText(box.translated(dx, dy), Qt.AlignmentFlag.AlignCenter, self.label)
            p.setPen(c["foreground"])
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.label)
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
        self.frozen = self.highlighted = self.hovered = self.selected = False
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
        if self.highlighted or self.hovered or self.selected:
            col = QColor(c["accent"])
            if not (self.highlighted or self.selected):
                col.setAlpha(160)
            pen = QPen(col, 2.0)
            if self.selected and not self.highlighted:
                pen.setStyle(Qt.PenStyle.DashLine)  # as a selected unit: being edited
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(-full / 2 - 2, -full / 2 - 2, full + 4, full + 4))


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
