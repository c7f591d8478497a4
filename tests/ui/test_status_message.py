"""The status bar's message: whole in its text and tooltip, ending in "…" when the bar is narrow."""

from __future__ import annotations

from PySide6.QtCore import Qt

LONG = "Target reached: cost 0.009992 ≤ 0.01. " + "Press R to start over, or change a setting. " * 3


def test_a_long_message_in_presenter_mode_ends_in_an_ellipsis_not_mid_number(window, qtbot):
    window.resize(1024, 700)
    qtbot.keyClick(window, Qt.Key.Key_F11)  # presenter mode: large letters, less room
    qtbot.waitUntil(lambda: window.status.message.width() > 0)
    window.session.say(LONG)
    label = window.status.message
    qtbot.waitUntil(lambda: label.shown() != label.text())
    assert label.text() == LONG and label.toolTip() == LONG
    assert label.shown().endswith("…")
    assert LONG.startswith(label.shown()[:-1])
    assert label.fontMetrics().horizontalAdvance(label.shown()) <= label.contentsRect().width()


def test_a_short_message_is_shown_whole(window, qtbot):
    window.session.say("Paused.")
    assert window.status.message.shown() == "Paused."
