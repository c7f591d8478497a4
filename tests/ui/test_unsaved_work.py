"""The one rule for unsaved work: what marks the session modified, and which actions ask.

Every action that would throw work away asks exactly once through one question; no other action
asks; opening a file leaves the session unmodified.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from mlpstudio.core import Trainer, lessons
from mlpstudio.core import project as core_project

# Each test drives a real window (or thousands of generated cases): the long part of the
# suite, skipped by `pytest -m "not slow"`.
pytestmark = pytest.mark.slow


@pytest.fixture
def asked(monkeypatch):
    """Record every question and answer Cancel (so the work is kept)."""
    questions: list[str] = []

    def cancel(*args, **kwargs):
        questions.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", cancel)
    return questions


def trained(window):
    window.training.train_for(10)
    assert window.session.modified
    return window.session.net.params.copy()


def test_a_new_window_and_an_opened_file_are_unmodified(window, tmp_path):
    assert not window.session.modified
    window.training.train_for(5)
    path = tmp_path / "p.json"
    assert window.files.save_to(path)
    assert not window.session.modified
    assert window.files.new_project()
    assert window.files.open_path(path)
    assert window.settle()
    assert not window.session.modified
    assert window.windowTitle().startswith("p.json —")
    window.teaching.open_lesson("xor-by-hand")
    assert window.settle()
    assert not window.session.modified


@pytest.mark.parametrize(
    "effort",
    ["train", "step", "edit weight", "settings", "points", "new seed"],
)
def test_work_that_took_effort_marks_the_session_modified(window, qtbot, effort):
    assert not window.session.modified
    if effort == "train":
        window.training.train_for(3)
    elif effort == "step":
        window.acts["step"].trigger()
    elif effort == "edit weight":
        window.network_view.weightEdited.emit(0, 0.25)
    elif effort == "settings":
        window.training_panel.learning_rate.setValue(0.75)
    elif effort == "points":
        window.editor.add_point(0.1, 0.2)
    elif effort == "new seed":
        window.training_panel.new_seed.click()
    assert window.settle()
    assert window.session.modified
    assert window.windowTitle().startswith("Untitled * —")


def test_new_asks_once_and_cancel_keeps_the_work(window, asked):
    params = trained(window)
    window.acts["new"].trigger()
    assert asked == ["Save the current project first?"]
    assert window.settle()
    assert (window.session.net.params == params).all()
    assert window.session.epoch == 10


def test_open_asks_once_and_cancel_keeps_the_work(window, asked, tmp_path, monkeypatch):
    path = tmp_path / "other.json"
    core_project.save(window.files.current_project(), path)
    params = trained(window)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.acts["open"].trigger()
    assert asked == ["Save the current project first?"]
    assert (window.session.net.params == params).all()
    assert window.session.path is None


def test_switching_lesson_asks_once(window, asked):
    params = trained(window)
    lesson_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Lessons")
    lesson_menu.actions()[0].trigger()
    assert asked == ["Save the current project first?"]
    assert window.session.lesson is None
    assert (window.session.net.params == params).all()


def test_changing_the_dataset_asks_once_and_cancel_puts_the_panel_back(window, asked):
    trained(window)
    before = window.session.raw.X.copy()
    window.data_panel.noise.setValue(30)
    assert asked == ["Save the current project first?"]
    assert np.array_equal(window.session.raw.X, before)
    assert window.data_panel.noise.value() == 10  # the panel shows the data kept


def test_clear_asks_once(window, asked):
    trained(window)
    n = window.session.raw.n_points
    window.editor.toolbar().clear_button.click()
    assert asked == ["Save the current project first?"]
    assert window.session.raw.n_points == n


def test_changing_the_architecture_asks_once_and_cancel_puts_the_panel_back(window, asked):
    params = trained(window)
    window.network_panel.add_layer.click()
    assert asked == ["Save the current project first?"]
    assert window.session.net.sizes == [2, 4, 1]
    assert (window.session.net.params == params).all()
    assert len(window.network_panel.spec().hidden) == 1


def test_other_actions_never_ask(window, asked, qtbot):
    trained(window)
    window.acts["reset"].trigger()
    window.acts["step"].trigger()
    window.training_panel.speed.setValue(2)
    window.training_panel.learning_rate.setValue(0.5)
    window.session.select_point(3)
    window.acts["batch"].trigger()
    window.acts["hard"].trigger()
    window.acts["log"].trigger()
    window.acts["dark"].trigger()
    window.acts["dark"].trigger()
    window.editor.add_point(0.3, 0.3)
    assert window.settle()
    assert asked == []


def test_discard_goes_ahead(window, monkeypatch):
    trained(window)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    window.acts["new"].trigger()
    assert window.settle()
    assert window.session.epoch == 0
    assert not window.session.modified


def test_save_from_the_question_saves_then_goes_ahead(window, monkeypatch, tmp_path):
    trained(window)
    path = tmp_path / "kept.json"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    assert window.teaching.open_lesson(lessons.LESSONS[0].slug)
    assert core_project.load(path).epoch == 10
    assert window.session.lesson is lessons.LESSONS[0]


def test_settings_act_from_the_first_second(window, qtbot):
    """Speed and learning rate reach the worker before any project or lesson is opened."""
    window.training_panel.speed.setValue(0)  # 1 epoch per second
    window.training_panel.learning_rate.setValue(0.125)
    assert window.settle()
    assert window.session.speed == 1
    window.training.set_playing(True)
    qtbot.waitUntil(lambda: window.session.epoch >= 1, timeout=10_000)
    window.training.set_playing(False)
    assert window.settle()
    epochs = window.session.epoch
    assert epochs <= 10  # slow motion (1 epoch/s): a handful, not thousands
    s = window.session
    ds = s.dataset
    net = s.network_spec.build(ds.n_features, ds.n_classes, seed=0)
    expected = Trainer(net, ds.X_train, ds.y_train, ds.X_test, ds.y_test, s.settings)
    expected.run(epochs=epochs)
    assert s.settings.learning_rate == 0.125
    assert (s.net.params == expected.net.params).all()


def test_keys_act_on_the_window(window, qtbot):
    qtbot.keyClick(window.data_plot.plot_widget, Qt.Key.Key_Right)
    assert window.settle()
    assert window.session.epoch == 1


def test_a_shipped_example_opens_as_a_copy_and_save_asks_for_a_name(window, monkeypatch):
    from mlpstudio.resources_path import example

    path = example("xor-2-2-1")
    before = path.read_bytes()
    assert window.files.open_path(path)
    assert window.session.path is None
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(1) or ("", ""))
    window.training.train_for(3)
    window.acts["save"].trigger()
    assert asked == [1]
    assert path.read_bytes() == before


def test_what_was_chosen_stays_chosen_through_save_and_reopen(window, tmp_path):
    """One output unit or two, the split, standardisation, speed and the view switches."""
    window.network_panel.single_output.setChecked(False)
    window.data_panel.test_ratio.setValue(30)
    window.data_panel.standardise.setChecked(True)
    window.data_panel.show_test.setChecked(False)
    window.training_panel.speed.setValue(3)  # 10 epochs/s
    window.training_panel.step_unit.setCurrentText("point")
    for name in ("hard", "log", "batch"):
        window.acts[name].trigger()
    assert window.settle()
    s = window.session
    mask, scaling, outputs = s.raw.train_mask.copy(), s.scaling, s.net.n_outputs
    path = tmp_path / "chosen.json"
    assert window.files.save_to(path)

    window.files.new_project(ask=False)
    assert window.settle()
    assert s.speed is None and not s.hard_regions and s.step_unit == "epoch"
    assert window.files.open_path(path)
    assert window.settle()
    assert s.net.n_outputs == outputs == 2
    assert np.array_equal(s.raw.train_mask, mask) and s.scaling == scaling
    assert s.speed == 10 and window.training_panel.speed_label.text() == "about 10 epochs/s"
    assert s.step_unit == "point" and window.training_panel.step_unit.currentText() == "point"
    assert not s.show_test and not window.data_panel.show_test.isChecked()
    assert s.hard_regions and window.acts["hard"].isChecked()
    assert s.log_cost and window.acts["log"].isChecked()
    assert s.whole_batch and window.acts["batch"].isChecked()
    assert window.data_panel.standardise.isChecked()
