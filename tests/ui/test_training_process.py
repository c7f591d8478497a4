"""The app's default: training in a process of its own, driven from the window as a user does."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.slow  # a process starts for each window


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("MLPSTUDIO_TRAINING", "process")
    from mlpstudio.ui.main_window import MainWindow

    w = MainWindow(restore=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    assert w.settle()
    yield w
    w.session.mark_modified(False)
    w.shutdown()


def test_the_trainer_runs_in_another_process(window):
    assert window.training.worker_kind == "process"
    assert window.training.thread.worker.process.is_alive()


def test_space_trains_and_pauses_and_the_window_shows_the_trained_weights(window, qtbot):
    start = window.session.net.params.copy()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.session.epoch >= 30, timeout=20_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.settle()
    assert not window.session.running
    paused_at = window.session.epoch
    assert not np.array_equal(window.session.net.params, start)
    qtbot.wait(150)  # a paused process must not train on
    assert window.settle() and window.session.epoch == paused_at


def test_a_step_and_an_edit_reach_the_process_and_come_back(window):
    window.acts["step"].trigger()  # Train → Step: one epoch
    assert window.settle()
    assert window.session.epoch == 1
    window.training.set_param(0, 0.5)
    assert window.settle()
    assert window.session.snapshot.params[0] == 0.5
    window.training.train_for(20)
    assert window.session.epoch == 21


def test_closing_the_window_ends_the_process(qtbot, monkeypatch):
    monkeypatch.setenv("MLPSTUDIO_TRAINING", "process")
    from mlpstudio.ui.main_window import MainWindow

    w = MainWindow(restore=False)
    qtbot.addWidget(w)
    w.show()
    assert w.settle()
    process = w.training.thread.worker.process
    w.session.mark_modified(False)
    w.close()
    assert not process.is_alive()
