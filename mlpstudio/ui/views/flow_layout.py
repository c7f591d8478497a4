"""A layout that puts its items in rows, wrapping to the width it gets (Qt's "flow layout").

The editor's toolbar and the lesson panel's buttons use it, so a narrow pane gets more rows
instead of a horizontal scroll bar; an item wider than the row is narrowed to it.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Items side by side while they fit, then on the next row; none wider than the row."""

    def __init__(
        self, parent: QWidget | None = None, spacing: int = 6, row_spacing: int | None = None
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self._row_gap = spacing if row_spacing is None else row_spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, place: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height, gap = area.x(), area.y(), 0, self.spacing()
        for item in self._items:
            if item.isEmpty():
                continue
            w = min(item.sizeHint().width(), max(1, area.width()))
            if x + w > area.right() + 1 and x > area.x():
                x, y, row_height = area.x(), y + row_height + self._row_gap, 0
            h = item.heightForWidth(w) if item.hasHeightForWidth() else item.sizeHint().height()
            if place:
                item.setGeometry(QRect(QPoint(x, y), QSize(w, h)))
            x += w + gap
            row_height = max(row_height, h)
        return y + row_height - rect.y() + m.bottom()
