"""Themes: a switch swaps only the palette (fast), keeps every font, and fonts always propagate."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlpstudio.ui import palette, theme

# Each test drives a real window (or thousands of generated cases): the long part of the
# suite, skipped by `pytest -m "not slow"`.
pytestmark = pytest.mark.slow


@pytest.fixture
def app(qapp):
    """The application, put back as it was after the test (other tests share it)."""
    sheet, pal, font = qapp.styleSheet(), QPalette(qapp.palette()), QFont(qapp.font())
    yield qapp
    qapp.setFont(font)
    qapp.setPalette(pal)
    qapp.setStyleSheet(sheet)


@pytest.fixture
def win(qtbot, app):
    """A small window with the kinds of widgets the app has: a dock, labels, buttons."""
    theme.apply(app, "light")
    w = QMainWindow()
    body = QWidget()
    column = QVBoxLayout(body)
    for text in ("a label", "another"):
        column.addWidget(QLabel(text))
    toggle = QPushButton("numbers")
    toggle.setCheckable(True)
    toggle.setChecked(True)
    column.addWidget(toggle)
    column.addWidget(QPushButton("Play"))
    dock = QDockWidget("Training", w)
    dock.setWidget(QLabel("in a dock"))
    w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    w.setCentralWidget(body)
    w.toggle = toggle
    qtbot.addWidget(w)
    w.resize(400, 300)
    w.show()
    qtbot.waitExposed(w)
    return w


def font_sizes(w: QWidget) -> dict[str, float]:
    return {
        f"{type(c).__name__}:{i}": c.font().pointSizeF()
        for i, c in enumerate(w.findChildren(QWidget))
        if isinstance(c, QLabel | QPushButton | QDockWidget)
    }


def test_toggling_the_theme_keeps_every_font_size(win, app):
    theme.set_base_font(app, 16.0)  # presenter mode, say
    before = font_sizes(win)
    assert set(before.values()) == {16.0}
    for name in ("dark", "light", "dark"):
        theme.apply(app, name)
        assert font_sizes(win) == before


def test_a_new_base_font_reaches_every_widget_at_once(win, app):
    normal = theme.base_font(app)
    theme.set_base_font(app, normal.pointSizeF() * 1.6)
    assert set(font_sizes(win).values()) == {normal.pointSizeF() * 1.6}
    theme.set_base_font(app, None)  # leaving presenter mode: exactly the normal font
    assert app.font() == normal
    assert set(font_sizes(win).values()) == {normal.pointSizeF()}


def test_restoring_the_font_with_app_set_font_also_reaches_the_widgets(win, app):
    """What main_window's presenter code does today: save app.font(), set it back later."""
    saved = app.font()
    theme.set_base_font(app, 18.0)
    app.setFont(saved)
    assert set(font_sizes(win).values()) == {saved.pointSizeF()}


def test_a_theme_switch_sets_no_style_sheet_and_no_style(win, app, monkeypatch):
    """Re-polishing every widget for a new sheet or style is what made a switch take ~2 s."""
    calls = []
    monkeypatch.setattr(QApplication, "setStyleSheet", lambda *a: calls.append("sheet"))
    monkeypatch.setattr(QApplication, "setStyle", lambda *a: calls.append("style"))
    for name in ("dark", "light", "dark"):
        theme.apply(app, name)
    assert calls == []
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(palette.THEMES["dark"]["panel"])


@pytest.mark.parametrize("name", ["light", "dark"])
def test_checked_buttons_follow_the_palette(win, app, name):
    """The one style sheet names palette roles: a checked button takes the theme's accent."""
    theme.apply(app, "dark" if name == "light" else "light")
    theme.apply(app, name)
    image = win.toggle.grab().toImage()
    inside = QColor(image.pixel(4, image.height() // 2))  # left of the caption
    assert inside == QColor(palette.THEMES[name]["accent"])


@pytest.mark.parametrize("name", ["light", "dark"])
def test_text_on_the_accent_is_readable(name):
    """Checked buttons and selections: contrast of at least 4.5:1 (WCAG AA)."""

    def luminance(hex_color: str) -> float:
        c = QColor(hex_color)
        channels = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    pal = theme.palette_for(name)
    hi = pal.color(QPalette.ColorRole.Highlight).name()
    text = pal.color(QPalette.ColorRole.HighlightedText).name()
    a, b = sorted((luminance(hi), luminance(text)))
    assert (b + 0.05) / (a + 0.05) >= 4.5


def test_the_palette_reaches_widgets_deep_inside_docks(win, app):
    """Under an application style sheet Qt tells only the windows of a new palette."""
    from PySide6.QtWidgets import QScrollArea, QTextBrowser

    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    inner = QWidget()
    text = QTextBrowser(inner)
    scroll.setWidget(inner)
    dock = win.findChild(QDockWidget)
    dock.setWidget(scroll)
    for name in ("dark", "light", "dark"):
        theme.apply(app, name)
        c = palette.THEMES[name]
        for w in (scroll, inner, text, text.viewport(), win.toggle):
            assert w.palette().color(QPalette.ColorRole.Base) == QColor(c["background"]), w
            assert w.palette().color(QPalette.ColorRole.Window) == QColor(c["panel"]), w
