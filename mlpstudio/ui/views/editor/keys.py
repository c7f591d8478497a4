"""The editor's actions (undo, redo, delete, select none, the class keys) and its keys.

The actions are for menus. Their keys work while the plot has keyboard focus (a click on it
gives it), read here from the plot's key presses; :meth:`EditorActions.install` makes chosen
ones work anywhere in a window instead (the main window does so for undo and redo).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget

from ... import palette

if TYPE_CHECKING:
    from .editor import DataEditor


class EditorActions(QObject):
    """The actions of ``editor`` by name, and its keys on ``widget`` (the plot's view)."""

    def __init__(self, editor: DataEditor, widget: QWidget) -> None:
        super().__init__(editor)
        self.editor = editor
        self.widget = widget
        self._actions: dict[str, QAction] = {}
        self._keys: dict[str, list[QKeySequence]] = {}

        self._add("undo", "Undo", [QKeySequence.StandardKey.Undo], editor.undo, "Undo (Ctrl+Z)")
        redo_keys = ["Ctrl+Shift+Z", QKeySequence.StandardKey.Redo]
        self._add("redo", "Redo", redo_keys, editor.redo, "Redo (Ctrl+Shift+Z)")
        self._add(
            "delete",
            "Delete selected points",
            [Qt.Key.Key_Delete, Qt.Key.Key_Backspace],
            editor.delete_selected,
            "Delete the selected points (Delete)",
        )
        self._add(
            "deselect", "Select none", [Qt.Key.Key_Escape], lambda: editor.set_selection([]), "Esc"
        )
        for k in range(palette.MAX_CLASSES):
            self._add(
                f"class_{k + 1}",
                f"Class {k + 1}",
                [str(k + 1)],
                lambda _=False, k=k: editor.set_current_class(k),
                f"Draw class {k + 1} (key {k + 1})",
            )
        self.sync()
        widget.installEventFilter(self)  # keys go to the view, the mouse to its viewport

    def _add(self, name: str, text: str, keys: list, slot: Callable, tip: str) -> None:
        act = QAction(text, self)
        act.setToolTip(tip)
        act.triggered.connect(slot)
        self._actions[name] = act
        # One binding once: Ctrl+Shift+Z twice in one action is an "ambiguous shortcut".
        unique: list[QKeySequence] = []
        for k in keys:
            standard = isinstance(k, QKeySequence.StandardKey)
            for seq in (QKeySequence.keyBindings(k) if standard else []) or [QKeySequence(k)]:
                if seq not in unique:
                    unique.append(seq)
        self._keys[name] = unique

    def as_dict(self) -> dict[str, QAction]:
        return dict(self._actions)

    def install(self, window: QWidget, names: tuple[str, ...]) -> None:
        """Give the named actions their keys anywhere in ``window``."""
        for name in names:
            action = self._actions[name]
            action.setShortcuts(self._keys[name])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)

    def sync(self) -> None:
        """Enable undo and redo, and name what they would do, from the editor's history."""
        ps = self.editor.points
        undo, redo = self._actions["undo"], self._actions["redo"]
        undo.setEnabled(ps.can_undo)
        redo.setEnabled(ps.can_redo)
        undo.setText(f"Undo {ps.undo_text()}" if ps.can_undo else "Undo")
        redo.setText(f"Redo {ps.redo_text()}" if ps.can_redo else "Redo")

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or obj is not self.widget:
            return False
        return self.editor.enabled and self._key(event)

    def _key(self, event: QKeyEvent) -> bool:
        """The editor's keys while the plot has focus; True when one was used."""
        ed = self.editor
        key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        has_selection = len(ed.selection()) > 0
        if event.matches(QKeySequence.StandardKey.Undo):
            ed.undo()
        elif event.matches(QKeySequence.StandardKey.Redo) or (
            key == Qt.Key.Key_Z and mods == ctrl_shift
        ):
            ed.redo()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods:
            if not has_selection:
                return False  # the key goes on to whoever else wants it
            ed.delete_selected()
        elif key == Qt.Key.Key_Escape and not mods and has_selection:
            ed.set_selection([])
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_8 and not mods:
            ed.set_current_class(int(key) - int(Qt.Key.Key_1))
        else:
            return False
        return True
