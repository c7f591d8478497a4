"""Pieces of the cost plot's pyqtgraph scene: its axes, its view box and its hover dots."""

from __future__ import annotations

import math
from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem

Bounds = Callable[[], "tuple[tuple[float, float] | None, tuple[float, float] | None]"]


class EpochAxis(pg.AxisItem):
    """Epochs as whole numbers with thousands separators ("250,000", not "250000" or "2.5e+05")."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing * scale < 1:
            return super().tickStrings(values, scale, spacing)
        return [f"{v * scale:,.0f}" for v in values]


class CostAxis(pg.AxisItem):
    """On a log scale, a tick per decade ("10⁻²"), with 2 and 5 only when few decades show.

    pyqtgraph adds every 2…9 of a decade whenever fewer than three levels fit, and in a plot
    60 px tall their labels print over each other.
    """

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        first, last = math.floor(minVal), math.ceil(maxVal)
        # Decades apart by a round step (1, 2, 5, 10, 20, …) that leaves ~30 px per label.
        wanted = (last - first) / max(2, size // 30)
        step = next(n * 10**k for k in range(4) for n in (1, 2, 5) if n * 10**k >= wanted)
        first = math.ceil(minVal / step) * step
        decades = [float(v) for v in range(first, last + 1, step) if minVal <= v <= maxVal]
        ticks = [(float(step), decades)]
        if len(decades) < 2:
            fives = [v + math.log10(m) for v in range(first, last) for m in (2, 5)]
            ticks.append((None, [v for v in fives if minVal < v < maxVal]))
        return ticks


class FollowingViewBox(pg.ViewBox):
    """A view box whose auto-range asks its owner for the range instead of the curves' data.

    pyqtgraph's machinery stays as it is (a drag or wheel stops following, the "A" button
    resumes); only what "fit" means changes: from epoch 0, and sane costs only.
    """

    def __init__(self, bounds: Bounds) -> None:
        super().__init__(enableMenu=False, defaultPadding=0.0)
        # The bounds come padded as each axis needs: pyqtgraph's ~10 % of the range in a short
        # plot was 30 decades on a log scale after a divergence.
        self._bounds = bounds

    def childrenBounds(self, frac=None, orthoRange=(None, None), items=None):
        x, y = self._bounds()
        return [None if x is None else list(x), None if y is None else list(y)]


class Dot(QGraphicsEllipseItem):
    """A marker of fixed size on screen, wherever the view is zoomed."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(20)
        self.hide()

    def restyle(self, size: float, fill: str, edge: str) -> None:
        self.setRect(-size / 2, -size / 2, size, size)
        self.setBrush(QColor(fill))
        self.setPen(pg.mkPen(edge, width=1))
