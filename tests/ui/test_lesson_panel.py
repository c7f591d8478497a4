"""LessonPanel: fits a narrow dock, marks the current lesson, leaves the keyboard to the app."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from mlpstudio.core import lessons
from mlpstudio.core.network import Network
from mlpstudio.ui import palette
from mlpstudio.ui.views.lesson_panel import LessonPanel


@pytest.fixture
def docked(qtbot):
    """The panel in a QScrollArea as the main window docks it, plus a field that has the focus."""
    host = QWidget()
    column = QVBoxLayout(host)
    field = QLineEdit()  # stands for the app's own focus (the data plot in the window)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    panel = LessonPanel()
    scroll.setWidget(panel)
    column.addWidget(field)
    column.addWidget(scroll, 1)
    qtbot.addWidget(host)
    host.resize(300, 760)
    host.show()
    qtbot.waitExposed(host)
    field.setFocus()
    return host, scroll, panel, field


def settle(scroll: QScrollArea) -> None:
    """Let the layouts run (no waiting: just the pending layout requests)."""
    for _ in range(3):
        QApplication.processEvents()


def no_horizontal_scrolling(scroll: QScrollArea) -> bool:
    return scroll.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize("width", [260, 300, 340])
@pytest.mark.parametrize("point_size", [9, 12])
def test_no_horizontal_scroll_bar_in_a_narrow_dock(docked, width, point_size):
    host, scroll, panel, _ = docked
    font = QFont(panel.font())
    font.setPointSize(point_size)
    panel.setFont(font)
    host.resize(width + 20, 760)
    scroll.setFixedWidth(width)
    settle(scroll)
    assert no_horizontal_scrolling(scroll), "start page"
    for lesson in lessons.LESSONS:
        panel.show_lesson(lesson, lesson.variants[-1][0] if lesson.variants else "")
        settle(scroll)
        assert no_horizontal_scrolling(scroll), lesson.slug
        assert panel.width() <= scroll.viewport().width()
        buttons = [panel.variants.itemAt(i).widget() for i in range(panel.variants.count())]
        for b in buttons:  # every variant button is inside the panel, none cut off
            right = b.mapTo(panel, b.rect().topRight()).x()
            assert right <= panel.width(), (lesson.slug, b.text())
        if len(buttons) > 3:  # many variants: they wrap onto several rows
            assert len({b.y() for b in buttons}) > 1


def test_long_captions_wrap_inside_their_buttons(docked):
    _, scroll, panel, _ = docked
    scroll.setFixedWidth(260)
    panel.show_lesson(lessons.get("one-hidden-layer"))
    settle(scroll)
    button = panel.variants.itemAt(4).widget()  # "checkerboard, two hidden layers"
    label = button.findChild(type(panel.title))
    assert button.width() <= panel.width()
    assert label.geometry().right() <= button.width()  # the caption is inside its button


def test_set_current_marks_one_lesson_and_none_clears(docked):
    _, _, panel, _ = docked
    panel.set_current("xor-learned")
    checked = [b.text() for b in panel.lesson_buttons if b.isChecked()]
    assert checked == ["4. XOR learned"]
    assert panel.current() == "xor-learned"
    panel.set_current(None)
    assert not any(b.isChecked() for b in panel.lesson_buttons)
    panel.show_lesson(lessons.get("k-way"))  # showing a lesson marks it too
    assert [b.isChecked() for b in panel.lesson_buttons].count(True) == 1
    assert panel.lesson_buttons[4].isChecked()


def test_a_click_asks_for_a_lesson_and_does_not_mark_it_itself(docked, qtbot):
    """If the switch is refused (unsaved work kept), the old lesson stays marked."""
    _, _, panel, _ = docked
    panel.set_current("one-neuron")
    with qtbot.waitSignal(panel.openLesson, timeout=1000) as blocker:
        qtbot.mouseClick(panel.lesson_buttons[2], Qt.MouseButton.LeftButton)
    assert blocker.args == ["xor-by-hand", ""]
    assert panel.lesson_buttons[0].isChecked() and not panel.lesson_buttons[2].isChecked()


def focus_in(panel: LessonPanel) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is panel or panel.isAncestorOf(focus))


@pytest.mark.parametrize("scroll_takes_focus", [True, False])
def test_clicking_lessons_and_variants_leaves_the_focus_with_the_app(
    docked, qtbot, scroll_takes_focus
):
    _, scroll, panel, field = docked
    if not scroll_takes_focus:
        # A dock's scroll area that takes no focus either leaves it where it was.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    assert field.hasFocus()
    qtbot.mouseClick(panel.lesson_buttons[0], Qt.MouseButton.LeftButton)
    assert not focus_in(panel)
    panel.show_lesson(lessons.get("one-neuron"), "AND")
    variant = panel.variants.itemAt(1).widget()
    with qtbot.waitSignal(panel.openLesson, timeout=1000) as blocker:
        qtbot.mouseClick(variant, Qt.MouseButton.LeftButton)
    assert blocker.args == ["one-neuron", "OR"]
    for widget in (panel.back, panel.check, panel.text, panel.text.viewport()):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        assert not focus_in(panel), widget
    assert field.hasFocus() or scroll_takes_focus
    # Nothing in the panel can take the focus from the keyboard either.
    focusable = [
        w for w in panel.findChildren(QWidget) if w.focusPolicy() != Qt.FocusPolicy.NoFocus
    ]
    assert focusable == []


def test_check_lines_show_class_names_as_the_legend_does(docked):
    """The panel shows the classes by the names the data plot's legend uses, escaped."""
    _, _, panel, _ = docked
    panel.show_lesson(lessons.get("k-way"))
    net = Network([2, 3], activations=["sigmoid"], seed=0)
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, -1.0]])
    y = net.predict(X)
    y[0] = (y[0] + 1) % 3  # one point wrong
    names = ["<small", "mid & co", "large"]
    result = lessons.classify_all(net, X, y, names)
    panel.show_check(result)
    text = panel.status.text()
    assert "&lt;small" in text or "&amp;" in text  # escaped: a name is text, not markup
    shown = panel.status.grab()  # renders without swallowing "<small" as a tag
    assert not shown.isNull()
    plain = panel.status.text().replace("&lt;", "<").replace("&amp;", "&")
    wrong_line = result.wrong[0]
    assert wrong_line in plain


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_check_colours_are_the_themes(docked, theme_name):
    _, _, panel, _ = docked
    pal = QPalette(panel.palette())
    pal.setColor(QPalette.ColorRole.Window, QColor(palette.THEMES[theme_name]["panel"]))
    panel.setPalette(pal)
    panel.show_lesson(lessons.get("xor-by-hand"))
    panel.show_check(lessons.LessonCheck(True, "All right."))
    assert palette.THEMES[theme_name]["ok"].lower() in panel.status.text().lower()
    panel.show_check(lessons.LessonCheck(False, "Not yet."))
    assert palette.THEMES[theme_name]["warning"].lower() in panel.status.text().lower()
