"""A one-line header above a plot: what the y axis shows on the left, live readings on the right.

A rotated y-axis label has only the plot's height, ~60 px in a short cost dock, so "cost (x0.001)"
was cut to "cost (x0.00…". Written across the top, the same words get the plot's whole width.
The right-hand texts (the hover readout, a warning) keep their full width; the caption gives way
first and is elided, never pushing the plot wider than its window.

The texts are plain ``QGraphicsSimpleTextItem``s placed by hand: the readout changes with every
mouse move, and pyqtgraph's ``LabelItem`` re-lays out its parents on each change (~2 ms).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QSizePolicy

PAD_PX = 4.0


class HeaderText(QGraphicsSimpleTextItem):
    """One text of the header; ``full_text()`` is the whole text even when it is elided."""

    def __init__(self, text: str, parent: PlotHeader) -> None:
        super().__init__(parent)
        self.full = text
        self.own_color: QColor | None = None  # a colour of its own (e.g. a warning's red)
        self.setText(text)

    def full_text(self) -> str:
        return self.full


class PlotHeader(pg.GraphicsWidget):
    """A caption on the left and any number of texts packed to the right, on one line."""

    def __init__(self, caption: str, n_right: int) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._font = QFont()
        self.caption = HeaderText(caption, self)
        self.right = [HeaderText("", self) for _ in range(n_right)]
        self._line = 0.0
        self.set_style(QFont(), QColor("black"))

    def set_style(self, font: QFont, color: QColor) -> None:
        """The font of every text, and the colour of those not given their own."""
        self._font = QFont(font)
        for item in (self.caption, *self.right):
            item.setFont(self._font)
            item.setBrush(item.own_color or color)
        line = QFontMetricsF(self._font).height() + PAD_PX
        if line != self._line:
            self._line = line
            self.updateGeometry()
        self._place()

    def set_text(self, item: HeaderText, text: str, color: QColor | None = None) -> None:
        """Set one text (``color``: its own colour from now on) and re-pack the line."""
        if color is not None:
            item.own_color = QColor(color)
            item.setBrush(item.own_color)
        if text == item.full:
            return
        item.full = text
        self._place()

    def sizeHint(self, which: Qt.SizeHint, constraint: QSizeF = QSizeF()) -> QSizeF:  # noqa: B008
        # Asked for during construction, before the first style: no height yet.
        line = getattr(self, "_line", 0.0)
        if which == Qt.SizeHint.MaximumSize:
            return QSizeF(1e6, line)  # as wide as the plot, however wide
        return QSizeF(0.0, line)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._place()

    def _place(self) -> None:
        metrics = QFontMetricsF(self._font)
        x = self.size().width() - PAD_PX
        for item in reversed(self.right):
            if not item.full:
                item.hide()
                continue
            item.setText(item.full)
            x -= metrics.horizontalAdvance(item.full) + 2 * PAD_PX
            item.setPos(max(x, 0.0), PAD_PX / 2)
            item.show()
        # The caption takes what is left, cut short with "…" if it must be.
        room = max(0.0, x - 2 * PAD_PX)
        caption = self.caption.full
        self.caption.setText(metrics.elidedText(caption, Qt.TextElideMode.ElideRight, room))
        self.caption.setPos(PAD_PX, PAD_PX / 2)
