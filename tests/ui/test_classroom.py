"""The classroom: a set-up shared in one line, speed in words, a window that fits a projector."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from mlpstudio.core import setup_text

# Each test drives a real window (or thousands of generated cases): the long part of the
# suite, skipped by `pytest -m "not slow"`.
pytestmark = pytest.mark.slow


def test_copy_then_paste_set_up_recreates_the_same_run(window, qtbot):
    window.data_panel.generator.setCurrentText("spirals")
    window.network_panel.add_layer.click()
    window.training_panel.learning_rate.setValue(0.3)
    assert window.settle()
    s = window.session
    X, params = s.raw.X.copy(), s.net.params.copy()
    window.acts["copy_setup"].trigger()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("mlpstudio 1 ") and "data=spirals" in text and "lr=0.3" in text
    window.files.new_project(ask=False)
    assert window.settle()
    assert s.data_spec.generator != "spirals"
    window.acts["paste_setup"].trigger()
    assert window.settle()
    assert np.array_equal(s.raw.X, X)
    assert s.net.params.tobytes() == params.tobytes()
    assert s.settings.learning_rate == 0.3
    assert window.training_panel.learning_rate.value() == 0.3  # the panels follow


def test_pasting_text_that_is_no_set_up_changes_nothing(window):
    QGuiApplication.clipboard().setText("hello class")
    params = window.session.net.params.copy()
    window.acts["paste_setup"].trigger()
    assert "Not a set-up" in window.status.message.text()
    assert np.array_equal(window.session.net.params, params)


def test_the_setup_option_starts_the_app_on_that_run(tmp_path, qtbot):
    from mlpstudio.ui.app import run

    line = setup_text.to_text(
        setup_text.from_text(
            "mlpstudio 1 data=moons points=120 noise=0.1 classes=2 data-seed=3 test=0.2 std=no "
            "hidden=6:tanh out=sigmoid loss=squared_error single=yes init=xavier dtype=float64 "
            "opt=gd lr=1 batch=32 momentum=0.9 l2=0 target=none max=none seed=5"
        )
    )
    out = tmp_path / "shot.png"
    assert run(["--screenshot", str(out), "--size", "1024x700", "--setup", line]) == 0
    assert out.stat().st_size > 10_000
    assert run(["--screenshot", str(out), "--setup", "mlpstudio 1 data=oops"]) == 2


def test_a_lesson_opens_at_a_speed_to_watch_and_says_so(window):
    window.teaching.open_lesson("xor-by-hand")
    assert window.settle()
    assert window.session.speed == 30
    assert window.training_panel.speed_label.text() == "about 30 epochs/s"


def test_the_status_bar_says_paused_or_the_rate_reached(window, qtbot):
    rate = window.status.labels["rate"]
    assert rate.text() == "paused"
    window.training.set_playing(True)
    qtbot.waitUntil(lambda: "epochs/s" in rate.text() or "starting" in rate.text())
    window.training.set_playing(False)
    assert window.settle()
    qtbot.waitUntil(lambda: rate.text() == "paused")
    assert "Paused" in window.status.message.text()


@pytest.mark.parametrize("size", [(1024, 700), (1280, 720)])
def test_everything_fits_a_projector(window, qtbot, size):
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().width() == size[0])
    assert window.width() == size[0] and window.height() <= size[1]
    plot = window.data_plot
    qtbot.waitUntil(lambda: plot.height() >= 300)
    assert plot.width() >= 300
    for view in (window.network_view, window.cost_plot):
        assert view.width() >= 120 and view.height() >= 120


def test_the_message_never_keeps_saying_epoch_0_after_training(window, qtbot):
    window.teaching.open_lesson("xor-learned")
    assert window.settle()
    assert "epoch 0" in window.status.message.text()
    qtbot.keyClick(window.data_plot.plot_widget, Qt.Key.Key_Right)
    assert window.settle()
    assert "epoch 0" not in window.status.message.text()
    assert window.status.labels["epoch"].text() == "Epoch 1"


def test_presenter_mode_keeps_the_panels_away_while_a_lesson_trains(window, qtbot):
    window.teaching.open_lesson("xor-learned")
    assert window.settle()
    window.acts["presenter"].trigger()
    window.training.train_for(5)
    qtbot.keyClick(window.data_plot.plot_widget, Qt.Key.Key_Right)
    assert window.settle()
    assert window.docks["lesson"].isHidden()
    window.acts["presenter"].trigger()
    assert not window.docks["lesson"].isHidden()


def test_a_screenshot_of_a_bad_file_prints_the_error_and_exits(tmp_path):
    """Headless, no one can close an error box: the error goes to stderr, status 1, no hang."""
    import subprocess
    import sys
    from pathlib import Path

    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mlpstudio-project", "version": 1, "network": 3}')
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "mlpstudio", "--screenshot", str(tmp_path / "o.png"), str(bad)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 1
    assert "mlpstudio: error: cannot open file: bad.json" in done.stderr
    assert not (tmp_path / "o.png").exists()


def test_the_inspector_apply_button_is_reachable_at_1024x700(window, qtbot):
    window.resize(1024, 700)
    window.docks["inspector"].show()
    window.docks["inspector"].raise_()
    window.session.select_point(0)
    assert window.settle()
    button = next(
        b
        for b in window.inspector.findChildren(type(window.training_panel.reset))
        if b.text() == "Apply step"
    )
    scroll = window.docks["inspector"].widget()
    scroll.ensureWidgetVisible(button)  # the dock scrolls to it, as a wheel turn would
    qtbot.waitUntil(lambda: not button.visibleRegion().isEmpty())
    top_left = button.mapTo(window, button.rect().topLeft())
    assert top_left.x() >= 0 and top_left.x() + button.width() <= window.width()
    assert top_left.y() >= 0 and top_left.y() + button.height() <= window.height()
    params = window.session.net.params.copy()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.settle()
    assert not (window.session.net.params == params).all()


def test_closing_a_panel_gives_its_room_back_and_the_view_menu_restores_it(window, qtbot):
    plot_width = window.data_plot.width()
    window.docks["training"].close()
    window.docks["network"].close()
    window.docks["data"].close()
    window.docks["lesson"].close()
    qtbot.waitUntil(lambda: window.data_plot.width() > plot_width)
    wide = window.data_plot.width()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    toggle = next(a for a in view_menu.actions() if a.text() == "Training")
    toggle.trigger()
    qtbot.waitUntil(lambda: window.docks["training"].isVisible())
    qtbot.waitUntil(lambda: window.data_plot.width() < wide)
    assert window.data_plot.width() >= 300


@pytest.mark.parametrize("number", range(1, 8))
def test_every_lesson_runs_from_the_keyboard_at_1024x700(window, qtbot, number):
    """Open the lesson from its menu, then Space, Space, →, R on the plot: what a teacher does."""
    window.resize(1024, 700)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Lessons")
    menu.actions()[number - 1].trigger()
    assert window.settle()
    s = window.session
    assert s.lesson is not None and s.lesson.number == number
    assert window.lesson_panel.current() == s.lesson.slug
    plot = window.data_plot.plot_widget
    plot.setFocus()
    if s.can_train():
        qtbot.keyClick(plot, Qt.Key.Key_Space)
        assert s.running
        qtbot.waitUntil(lambda: s.epoch >= 1, timeout=10_000)
        qtbot.keyClick(plot, Qt.Key.Key_Space)
        assert window.settle() and not s.running
    start = s.epoch
    qtbot.keyClick(plot, Qt.Key.Key_Right)
    assert window.settle()
    assert s.epoch == start + 1 or s.step_unit != "epoch" or not s.can_train()
    qtbot.keyClick(plot, Qt.Key.Key_R)
    assert window.settle()
    assert s.epoch == 0
    assert window.data_plot.height() >= 300
