"""The diagram's legend: colour = sign, thickness = |value| on the current scale, the unit marks.

The chips flow into as many rows as the width needs; the painter is separate from the widget so
the chips can be measured without painting.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ....core import notation as nt
from ....core.numformat import num
from .style import Style, draw_lock, draw_warning


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
        sat = f"{nt.plain(nt.g_prime_of('z'))} ≈ 0: saturated, dead or step"

        def sat_chip(p, x, y):
            draw_warning(p, QPointF(x + 5.5, y), 11, st)
            text(p, x + 14, y, sat)

        chips.append((14 + tw(sat) + 4, sat_chip))
        norm = f"‖{nt.plain(nt.dE('W', None))}‖ per layer (log scale)"

        def norm_chip(p, x, y):
            p.setPen(QPen(c["muted"], 0.8))
            p.setBrush(c["accent"])
            p.drawRect(QRectF(x, y - 3, 18, 6))
            text(p, x + 22, y, norm)

        chips.append((22 + tw(norm) + 4, norm_chip))
        return chips

    def rows(self, width: float, *args, max_rows: int | None = None) -> list[list]:
        """The chips flowed into rows of ``width``; at most ``max_rows`` (the rest left out)."""
        rows: list[list[tuple[float, object]]] = [[]]
        used = 8.0
        for chip in self._chips(*args):
            if rows[-1] and used + chip[0] > width - 6:
                if max_rows is not None and len(rows) >= max_rows:
                    break
                rows.append([])
                used = 8.0
            rows[-1].append(chip)
            used += chip[0] + 10
        return rows

    def paint(self, p: QPainter, rect: QRectF, *args, max_rows: int | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setFont(self.style.small_font)
        rh = self.row_height()
        for i, row in enumerate(self.rows(rect.width(), *args, max_rows=max_rows)):
            y = rect.top() + 3 + rh * (i + 0.5)
            x = rect.left() + 8
            for w, draw in row:
                if x + w > rect.right():
                    break
                draw(p, x, y)
                x += w + 10


def _fmt_scale(v: float) -> str:
    return num(v, 2)


class Legend(QWidget):
    """The legend under the diagram; it takes as many rows as its chips need at its width, or
    at most :meth:`set_max_rows` on a short diagram (the network needs the room more)."""

    def __init__(self, style: Style):
        super().__init__()
        self.style = style
        self.painter = LegendWidgetPainter(style)
        self._args: tuple = ("w", None, 0.5, 5.0, None, False)
        self._max_rows: int | None = None
        # All of it in words, for when a short diagram shows only the first row of chips.
        g, dEdW = nt.plain(nt.g_prime_of("z")), nt.plain(nt.dE("W", None))
        self.setToolTip(
            "Edges: colour = sign (blue +, red −), thickness = size on the scale shown; "
            "dashed with a padlock = frozen.\n"
            f"Units: ring = δ, bar at the right = a, small square = the bias; ⚠ = {g} ≈ 0.\n"
            f"Under the edges: ‖{dEdW}‖ per layer, on a log scale."
        )

    def set_max_rows(self, rows: int | None) -> None:
        """Show at most ``rows`` rows of chips (``None``: all of them)."""
        if rows != self._max_rows:
            self._max_rows = rows
            self.refresh()

    def shown_chips(self) -> int:
        """How many chips are drawn at the current width and row limit."""
        rows = self.painter.rows(max(self.width(), 50), *self._args, max_rows=self._max_rows)
        return sum(len(r) for r in rows)

    def set_scales(
        self,
        mode_symbol: str,
        scale: float | None,
        wmin: float,
        wmax: float,
        delta_scale: float | None,
        batch: bool,
    ) -> None:
        """What the edges show, their scale and widths, and the δ scale (``None``: no values)."""
        self._args = (mode_symbol, scale, wmin, wmax, delta_scale, batch)
        self.refresh()

    def refresh(self) -> None:
        """Repaint, and take as many rows as the chips need at this width."""
        rows = self.painter.rows(max(self.width(), 50), *self._args, max_rows=self._max_rows)
        height = int(len(rows) * self.painter.row_height() + 6)
        if height != self.height():
            self.setFixedHeight(height)
        self.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.refresh()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.style.colors["panel"])
        p.setPen(self.style.colors["grid"])
        p.drawLine(0, 0, self.width(), 0)
        self.painter.paint(p, QRectF(self.rect()), *self._args, max_rows=self._max_rows)
        p.end()
