"""The plain widgets inside the network view: the canvas, the inline editor, the status line.

They hold no state of the diagram: the canvas and the editor hand every event to their owner,
the :class:`~.view.NetworkView`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsView, QLabel, QLineEdit, QWidget

if TYPE_CHECKING:
    from .view import NetworkView


class Canvas(QGraphicsView):
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


class Editor(QLineEdit):
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


class ElidedLabel(QLabel):
    """A one-line label that ends in … when it does not fit (the tooltip has the whole text)."""

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        text = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )
        p.drawText(self.contentsRect(), int(self.alignment()), text)
        p.end()
