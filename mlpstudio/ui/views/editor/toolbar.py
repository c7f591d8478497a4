"""The editor's toolbar: tools, history, class palette, brush, selection and split buttons.

:class:`EditorToolbar` only drives a :class:`~.editor.DataEditor` through its public methods and
shows its state again on every ``stateChanged``; it holds no state of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QSpinBox,
    QToolButton,
    QWidget,
)

from ....core.editing import MAX_CLASSES, MIN_CLASSES
from ... import palette
from ..flow_layout import FlowLayout
from .tools import TOOL_TEXT, Tool

if TYPE_CHECKING:
    from .editor import DataEditor


def _swatch(color: QColor, size: int = 12) -> QIcon:
    """A round patch of a class's colour, for its button."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(0, 0, 0, 120))
    painter.setBrush(color)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pix)


def _button(text: str, tip: str, checkable: bool = False) -> QToolButton:
    """A flat tool button that never takes the keyboard focus."""
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    b.setCheckable(checkable)
    b.setAutoRaise(True)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the plot
    return b


def _group(*widgets: QWidget) -> tuple[QWidget, QHBoxLayout]:
    """Widgets side by side that wrap as one piece."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(2)
    for w in widgets:
        row.addWidget(w)
    return box, row


class EditorToolbar(QWidget):
    """Tools, brush, class palette, selection and split buttons, undo/redo for a DataEditor.

    Its groups flow onto as many rows as the width needs.
    """

    def __init__(self, editor: DataEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.setObjectName("data-editor-toolbar")
        flow = FlowLayout(self, spacing=10, row_spacing=1)
        flow.setContentsMargins(4, 2, 4, 2)

        # The tools.
        self.tool_buttons: dict[Tool, QToolButton] = {}
        self._tools = QButtonGroup(self)
        self._tools.setExclusive(True)
        for tool, (text, tip) in TOOL_TEXT.items():
            b = _button(text, tip, checkable=True)
            b.clicked.connect(lambda _=False, t=tool: editor.set_tool(t))
            self._tools.addButton(b)
            self.tool_buttons[tool] = b
        flow.addWidget(_group(*self.tool_buttons.values())[0])

        # The history.
        self.undo_button = _button("Undo", "Undo (Ctrl+Z)")
        self.undo_button.clicked.connect(editor.undo)
        self.redo_button = _button("Redo", "Redo (Ctrl+Shift+Z)")
        self.redo_button.clicked.connect(editor.redo)
        self.clear_button = _button("Clear", "Delete every point (the classes stay)")
        self.clear_button.clicked.connect(editor.clear)
        flow.addWidget(_group(self.undo_button, self.redo_button, self.clear_button)[0])

        # The class palette and class edits.
        self._classes = QButtonGroup(self)
        self._classes.setExclusive(True)
        self.class_buttons: list[QToolButton] = []
        classes_label = QLabel("Class")
        classes_label.setToolTip("The class of new points: click one or press its key, 1 to 8")
        self.add_class_button = _button("+", "Add a class (at most 8)")
        self.add_class_button.clicked.connect(lambda: editor.add_class())
        self.rename_class_button = _button("Rename…", "Rename the current class")
        self.rename_class_button.clicked.connect(self.rename_current)
        self.remove_class_button = _button(
            "Remove", "Remove the current class and delete its points"
        )
        self.remove_class_button.clicked.connect(lambda: editor.remove_class())
        self._class_box, self._class_row = _group(classes_label)
        flow.addWidget(self._class_box)
        flow.addWidget(
            _group(self.add_class_button, self.rename_class_button, self.remove_class_button)[0]
        )

        # The brush.
        self.brush = QSpinBox()
        self.brush.setRange(4, 300)
        self.brush.setPrefix("brush ")
        self.brush.setSuffix(" px")
        self.brush.setValue(editor.brush_px)
        self.brush.setToolTip("Brush diameter for spray and erase")
        self.brush.valueChanged.connect(self._brush_changed)
        self.density = QSpinBox()
        self.density.setRange(1, 50)
        self.density.setPrefix("density ")
        self.density.setValue(editor.density)
        self.density.setToolTip("Points sprayed at each step of the mouse")
        self.density.valueChanged.connect(self._density_changed)
        flow.addWidget(_group(self.brush, self.density)[0])

        # What to do with the selection.
        self.selection_label = QLabel()
        self.delete_button = _button("Delete", "Delete the selected points (Delete)")
        self.delete_button.clicked.connect(editor.delete_selected)
        self.relabel_button = _button("To class", "Give the selected points the current class")
        self.relabel_button.clicked.connect(lambda: editor.relabel_selected())
        self.train_button = _button("Train", "Mark the selected points as training points")
        self.train_button.clicked.connect(lambda: editor.mark_selected(True))
        self.test_button = _button("Test", "Mark the selected points as test points")
        self.test_button.clicked.connect(lambda: editor.mark_selected(False))
        flow.addWidget(
            _group(
                self.selection_label,
                self.delete_button,
                self.relabel_button,
                self.train_button,
                self.test_button,
            )[0]
        )

        # The train/test split and the counts.
        self.ratio = QDoubleSpinBox()
        self.ratio.setRange(0.0, 90.0)
        self.ratio.setDecimals(0)
        self.ratio.setSuffix(" % test")
        self.ratio.setValue(editor.test_ratio * 100)
        self.ratio.setToolTip("Share of the points held out for testing when re-splitting")
        self.ratio.valueChanged.connect(self._ratio_changed)
        self.resplit_button = _button("Re-split", "Choose new random test points with the ratio")
        self.resplit_button.clicked.connect(lambda: editor.resplit())
        flow.addWidget(_group(self.ratio, self.resplit_button)[0])
        self.count_label = QLabel()
        self.count_label.setToolTip("Points: all, for training, for testing")
        flow.addWidget(self.count_label)

        editor.stateChanged.connect(self.refresh)
        self._names: list[str] = []
        self.refresh()

    def _brush_changed(self, value: int) -> None:
        self.editor.brush_px = int(value)

    def _density_changed(self, value: int) -> None:
        self.editor.density = int(value)

    def _ratio_changed(self, value: float) -> None:
        self.editor.test_ratio = float(value) / 100.0

    def rename_current(self) -> None:
        k = self.editor.current_class
        old = self.editor.points.class_names[k]
        name, ok = QInputDialog.getText(
            self, "Rename class", f"New name for class {k + 1}:", text=old
        )
        if ok:
            self.editor.rename_class(k, name)

    def _rebuild_classes(self, names: list[str]) -> None:
        for b in self.class_buttons:
            self._classes.removeButton(b)
            self._class_row.removeWidget(b)
            b.deleteLater()
        self.class_buttons = []
        for k, name in enumerate(names):
            short = name if len(name) <= 12 else name[:11] + "…"
            b = _button(short, f"Draw class {name!r} (key {k + 1})", True)
            b.setIcon(_swatch(palette.class_color(k)))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.clicked.connect(lambda _=False, k=k: self.editor.set_current_class(k))
            self._classes.addButton(b)
            self._class_row.addWidget(b)
            self.class_buttons.append(b)
        self._names = list(names)
        self._class_box.updateGeometry()

    def refresh(self) -> None:
        ed, ps = self.editor, self.editor.points
        self.setEnabled(ed.enabled)
        self.tool_buttons[ed.tool].setChecked(True)
        for spin, value in (
            (self.brush, ed.brush_px),
            (self.density, ed.density),
            (self.ratio, round(ed.test_ratio * 100)),
        ):
            if spin.value() != value:
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)
        names = ps.class_names
        if names != self._names:
            self._rebuild_classes(names)
        for k, b in enumerate(self.class_buttons):
            b.setChecked(k == ed.current_class)
        self.add_class_button.setEnabled(ps.n_classes < MAX_CLASSES)
        self.remove_class_button.setEnabled(ps.n_classes > MIN_CLASSES)
        self.undo_button.setEnabled(ps.can_undo)
        self.redo_button.setEnabled(ps.can_redo)
        self.undo_button.setToolTip(f"Undo {ps.undo_text()} (Ctrl+Z)".replace("  ", " "))
        self.redo_button.setToolTip(f"Redo {ps.redo_text()} (Ctrl+Shift+Z)".replace("  ", " "))
        self.clear_button.setEnabled(ps.n_points > 0)
        n_sel = len(ed.selection())
        self.selection_label.setText(f"{n_sel} selected:" if n_sel else "Selection:")
        for b in (self.delete_button, self.relabel_button, self.train_button, self.test_button):
            b.setEnabled(n_sel > 0)
        n_train = int(np.count_nonzero(ps.train_mask))
        self.count_label.setText(
            f"{ps.n_points} points · {n_train} train · {ps.n_points - n_train} test"
        )
