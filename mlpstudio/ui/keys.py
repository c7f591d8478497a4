"""The teacher's keys: Space, →, ← and R act on the app wherever the keyboard focus is.

A button, a slider, the lesson text or a plot would otherwise swallow them (Space presses a
focused button, arrows move a slider or scroll a text), so after one click a lesson stops
answering its keys. This filter sees every key press meant for the main window first and runs
the app's command, unless the focus is in a field being typed in, which keeps its keys.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


def is_typing_field(widget: QWidget | None) -> bool:
    """True for a widget the user types text into (it keeps Space and the arrows)."""
    if widget is None:
        return False
    if isinstance(widget, (QLineEdit, QAbstractSpinBox)):
        return True
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return not widget.isReadOnly()
    return isinstance(widget, QComboBox) and widget.isEditable()


class ClassroomKeys(QObject):
    """An application event filter giving ``keys`` (key → command) to ``window``."""

    def __init__(self, window: QWidget, keys: dict[Qt.Key, Callable[[], None]]) -> None:
        super().__init__(window)
        self.window = window
        self.keys = keys
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        assert isinstance(event, QKeyEvent)
        command = self.keys.get(Qt.Key(event.key()))
        if command is None or event.modifiers() not in PLAIN:
            return False
        if not isinstance(obj, QWidget) or obj.window() is not self.window:
            return False  # another window: a dialog, a menu, a combo box's list
        if is_typing_field(QApplication.focusWidget()):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # ours: no shortcut of a focused widget may take it
            return True
        if not event.isAutoRepeat() or event.key() != Qt.Key.Key_Space:
            command()
        return True
