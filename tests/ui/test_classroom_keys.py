"""Space, → and R reach the app after any click, dialog or lesson switch; typed fields keep them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

# Each test drives a real window (or thousands of generated cases): the long part of the
# suite, skipped by `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

LEFT = Qt.MouseButton.LeftButton


def focus_then_space(window, qtbot, widget) -> bool:
    """Give ``widget`` the focus as a click would, press Space there; did training start?"""
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.keyClick(QApplication.focusWidget() or widget, Qt.Key.Key_Space)
    running = window.session.running
    window.training.set_playing(False)
    assert window.settle()
    return running


@pytest.mark.parametrize(
    "where",
    ["play button", "speed slider", "step-unit box", "diagram", "cost plot", "lesson text"],
)
def test_space_trains_whatever_was_clicked(window, qtbot, where):
    panel = window.training_panel
    widget = {
        "play button": panel.reset,
        "speed slider": panel.speed,
        "step-unit box": panel.step_unit,
        "diagram": window.network_view,
        "cost plot": window.cost_plot,
        "lesson text": window.lesson_panel,
    }[where]
    if where == "lesson text":
        window.show_start_page()
    assert focus_then_space(window, qtbot, widget)


def test_arrows_on_a_slider_step_the_training_not_the_slider(window, qtbot):
    slider = window.training_panel.speed
    before = slider.value()
    slider.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert window.settle()
    assert window.session.epoch == 1
    assert slider.value() == before
    qtbot.keyClick(slider, Qt.Key.Key_R)
    assert window.settle()
    assert window.session.epoch == 0


def test_keys_work_after_switching_lessons_and_closing_a_dialog(window, qtbot, monkeypatch):
    lessons_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Lessons")
    lessons_menu.actions()[1].trigger()
    assert window.settle()
    assert window.session.lesson is not None
    window.acts["about"].trigger()  # a dialog (answered by the fixture) comes and goes
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, Qt.Key.Key_Right)
    assert window.settle()
    assert window.session.epoch >= 1


def test_a_field_being_typed_in_keeps_its_keys(window, qtbot):
    box = window.training_panel.learning_rate
    box.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.keyClick(box, Qt.Key.Key_Space)
    qtbot.keyClick(box, Qt.Key.Key_R)
    qtbot.keyClick(box, Qt.Key.Key_Right)
    assert window.settle()
    assert not window.session.running
    assert window.session.epoch == 0


def test_undo_and_redo_have_one_shortcut_each_and_work_from_the_keyboard(window, qtbot):
    keys: dict[str, list[str]] = {}
    for action in window.findChildren(type(window.acts["play"])):
        for seq in action.shortcuts():
            keys.setdefault(seq.toString(), []).append(action.text())
    assert all(len(names) == 1 for names in keys.values()), keys
    n = window.session.raw.n_points
    window.editor.add_point(0.2, 0.2)
    assert window.session.raw.n_points == n + 1
    plot = window.data_plot.plot_widget
    plot.setFocus()
    qtbot.keyClick(plot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.raw.n_points == n
    redo = QKeySequence(QKeySequence.StandardKey.Redo)[0]
    qtbot.keyClick(plot, redo.key(), redo.keyboardModifiers())
    assert window.session.raw.n_points == n + 1


def test_the_about_box_is_a_dialog_that_returns_the_keys(window, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda *a, **k: shown.append(a[1]))
    window.acts["about"].trigger()
    assert shown == ["About MLP Studio"]
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.session.running
    window.training.set_playing(False)
