"""The diagram's look: colours, fonts and sizes shared by every item, and small painted marks.

:class:`Style` is changed in place by the theme and presenter mode, so every item follows at
once; it also measures text for the layout (it is the layout's ``Metrics``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from ... import palette


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


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` toward ``b`` (an opaque stand-in for ``b`` at alpha ``t``)."""
    return QColor(
        round(a.red() + t * (b.red() - a.red())),
        round(a.green() + t * (b.green() - a.green())),
        round(a.blue() + t * (b.blue() - a.blue())),
    )


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
