"""The plain widgets inside the network view: the canvas, the inline editor, the tool bar.

They hold no state of the diagram: the canvas and the editor hand every event to their owner,
the :class:`~.view.NetworkView`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

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
    """The inline field of one parameter: Enter applies, Escape or clicking elsewhere cancels,
    the wheel over it nudges the value (as over the edge or bias itself)."""

    def __init__(self, parent: QWidget, owner: NetworkView):
        super().__init__(parent)
        self.owner = owner
        self.index: int | None = None
        self.returnPressed.connect(self._commit)
        self.hide()

    def open(self, index: int, value: float, pos: QPoint, title: str) -> None:
        """Show the field for parameter ``index`` above viewport point ``pos``, its value
        selected so that typing replaces it."""
        self.index = index
        self.setToolTip(f"{title}: type a value, Enter to apply, Esc to cancel; wheel: nudge")
        self.setStyleSheet("")
        w = max(96, self.fontMetrics().horizontalAdvance("−0.0000000") + 16)
        self.resize(w, self.sizeHint().height())
        self.move_near(pos)
        self.show()
        self.raise_()
        self.setFocus()
        self.show_value(value)

    def show_value(self, value: float) -> None:
        """Write ``value`` in the field, selected (after a nudge, Enter applies what it shows)."""
        self.setText(repr(round(float(value), 6)))
        self.selectAll()

    def move_near(self, pos: QPoint) -> None:
        """Just above viewport point ``pos`` (below it at the top), inside the viewport."""
        parent = self.parentWidget()
        w, h = self.width(), self.height()
        x = min(max(0, pos.x() - w // 2), max(0, parent.width() - w))
        y = pos.y() - h - 8
        if y < 0:
            y = pos.y() + 10
        self.move(x, min(max(0, y), max(0, parent.height() - h)))

    def _commit(self) -> None:
        text = self.text().strip().replace("−", "-").replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or self.index is None:
            self.setStyleSheet("border: 2px solid #B2182B;")
            return
        index = self.index
        self.owner._escape()  # closed before the edit is told, so Enter applies exactly once
        self.owner._edit(index, value)

    def cancel(self) -> None:
        """Close without applying (the owner's Escape also unselects the edge or bias)."""
        self.index = None
        if self.isVisible():
            had_focus = self.hasFocus()
            self.hide()
            if had_focus:
                self.owner.canvas.setFocus()  # keys go back to the diagram, not elsewhere

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.owner._escape()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event) -> None:
        steps = (event.angleDelta().y() or event.angleDelta().x()) / 120
        if not self.owner._nudge(self.index, steps, event.modifiers()):
            event.ignore()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if event.reason() in (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.TabFocusReason):
            self.owner._escape()


class ElidedLabel(QLabel):
    """A one-line label that ends in … when it does not fit (the tooltip has the whole text)."""

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        text = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )
        p.drawText(self.contentsRect(), int(self.alignment()), text)
        p.end()


class ToolBar(QWidget):
    """Above the canvas: the edge-mode switch, the numbers toggle and the status line."""

    modeClicked = Signal(str)

    def __init__(self, modes, symbols: dict[str, str], tips: dict[str, str], current: str):
        super().__init__()
        bar = QHBoxLayout(self)
        bar.setContentsMargins(6, 3, 6, 3)
        bar.setSpacing(2)
        # The word gives way first on a narrow diagram; the buttons never shrink below their text.
        caption = QLabel("edges")
        caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        caption.setMinimumWidth(0)
        bar.addWidget(caption)
        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        self.mode_buttons: dict[str, QToolButton] = {}
        for mode in modes:
            b = QToolButton()
            b.setObjectName(f"edge_mode_{mode}")
            b.setText(symbols[mode])
            b.setCheckable(True)
            b.setAutoRaise(False)
            b.setToolTip(tips[mode])
            b.setChecked(mode == current)
            b.clicked.connect(lambda _=False, m=mode: self.modeClicked.emit(m))
            b.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            self.mode_group.addButton(b)
            self.mode_buttons[mode] = b
            bar.addWidget(b)
        bar.addSpacing(8)
        self.numbers_button = QToolButton()
        self.numbers_button.setObjectName("numbers")
        self.numbers_button.setText("numbers")
        self.numbers_button.setCheckable(True)
        self.numbers_button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.numbers_button.setChecked(True)
        self.numbers_button.setToolTip(
            "Write the values beside units and edges when there is room (else on hover)"
        )
        bar.addWidget(self.numbers_button)
        bar.addSpacing(10)
        self.status = ElidedLabel()
        self.status.setObjectName("status")
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.status, 1)
