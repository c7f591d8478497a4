"""The main window driven through its real widgets, with the worker thread running."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from mlpstudio.ui.main_window import MainWindow

# Each test drives a real window (or thousands of generated cases): the long part of the
# suite, skipped by `pytest -m "not slow"`.
pytestmark = pytest.mark.slow


def trainer(w: MainWindow):
    """The worker's trainer, read after settle() (the worker is idle then)."""
    return w.training.worker._trainer


def test_opens_with_xor_and_a_2_4_1_sigmoid_network(window):
    assert window.session.net.sizes == [2, 4, 1]
    assert window.session.net.activations == ["sigmoid", "sigmoid"]
    assert window.session.dataset.generator["name"].startswith("xor")
    assert window.session.snapshot.epoch == 0
    assert "Space" in window.status.message.text()


def test_a_step_of_one_epoch_advances_exactly_one(window):
    window.training_panel.step_unit.setCurrentText("epoch")
    window.step()
    assert window.settle()
    assert window.session.snapshot.epoch == 1
    assert window.session.history.epoch == [0, 1]
    window.training_panel.step.click()
    assert window.settle()
    assert window.session.snapshot.epoch == 2


def test_step_of_one_point_moves_within_the_epoch(window):
    window.training_panel.optimizer.setCurrentText("sgd")
    window.training_panel.step_unit.setCurrentText("point")
    before = window.session.net.params.copy()
    window.step()
    assert window.settle()
    assert window.session.snapshot.epoch == 0
    assert window.session.snapshot.position == 1
    assert not np.array_equal(window.session.net.params, before)


def test_play_then_pause(window, qtbot):
    window.acts["play"].trigger()
    assert window.session.running
    qtbot.waitUntil(lambda: window.session.snapshot.epoch > 20, timeout=20_000)
    window.acts["play"].trigger()
    assert not window.session.running
    assert window.settle()
    stopped_at = window.session.snapshot.epoch
    assert window.settle()
    assert window.session.snapshot.epoch == stopped_at
    assert window.training_panel.play.text() == "Play"


def test_reset_restores_the_initial_weights_exactly(window):
    initial = window.session.net.initial_params.copy()
    window.training.train_for(50)
    assert not np.array_equal(window.session.net.params, initial)
    window.acts["reset"].trigger()
    assert window.settle()
    assert np.array_equal(window.session.net.params, initial)
    assert window.session.snapshot.epoch == 0
    assert window.cost_plot.data()["epoch"].tolist() == [0]


def test_new_seed_draws_other_weights(window):
    initial = window.session.net.initial_params.copy()
    window.training_panel.new_seed.click()
    assert window.settle()
    assert window.training_panel.seed.value() == 1
    assert not np.array_equal(window.session.net.params, initial)
    assert np.array_equal(window.session.net.params, trainer(window).net.initial_params)


def test_learning_rate_change_while_training_applies_without_reset(window, qtbot):
    window.training.set_playing(True)
    qtbot.waitUntil(lambda: window.session.snapshot.epoch > 5, timeout=20_000)
    window.training_panel.learning_rate.setValue(0.125)
    window.training.set_playing(False)
    assert window.settle()
    t = trainer(window)
    assert t.settings.learning_rate == 0.125
    assert t.epoch > 5  # not reset


def test_boundary_changes_as_the_network_learns(window):
    before = window.data_plot.boundary_rgb().copy()
    window.training.train_for(300)
    after = window.data_plot.boundary_rgb()
    assert before.shape == after.shape
    assert np.abs(after.astype(int) - before.astype(int)).mean() > 1.0
    assert window.session.snapshot.metrics[0] < window.session.history.train_cost[0]


def test_target_cost_stops_training_and_says_so(window, qtbot):
    window.training_panel.use_target.setChecked(True)
    window.training_panel.target.setValue(0.2)
    window.training.set_playing(True)
    qtbot.waitUntil(lambda: not window.session.running, timeout=30_000)
    assert "target reached" in window.status.message.text().lower()
    assert window.session.snapshot.metrics[0] <= 0.2


def test_divergence_stops_with_a_plain_message_and_keeps_good_weights(window, qtbot):
    window.network_panel._rows[0].activation.setCurrentText("relu")
    window.network_panel.output_activation.setCurrentText("linear")
    window.training_panel.learning_rate.setValue(100.0)
    window.training.set_playing(True)
    qtbot.waitUntil(lambda: not window.session.running, timeout=30_000)
    assert "learning rate" in window.status.message.text()
    assert np.isfinite(window.session.net.params).all()


def test_changing_the_shape_rebuilds_network_and_diagram(window):
    window.network_panel.add_layer.click()
    assert window.settle()
    assert window.session.net.sizes == [2, 4, 4, 1]
    assert window.session.snapshot.sizes == (2, 4, 4, 1)
    window.network_panel._rows[1].width.setValue(6)
    window.network_panel.single_output.setChecked(False)
    assert window.settle()
    assert window.session.net.sizes == [2, 4, 6, 2]


def test_more_classes_widen_the_output(window):
    window.data_panel.generator.setCurrentText("blobs")
    window.data_panel.classes.setValue(4)
    assert window.settle()
    assert window.session.dataset.n_classes == 4
    assert window.session.net.sizes[-1] == 4


def test_save_and_open_round_trip_through_the_dialogs(window, tmp_path, monkeypatch, qtbot):
    window.training.train_for(25)
    path = tmp_path / "run.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    assert window.files.save_as()
    assert path.exists() and not window.session.modified
    saved = window.session.net.params.copy()
    doc = json.loads(path.read_text())
    assert doc["format"] == "mlpstudio-project"

    window.acts["reset"].trigger()
    assert window.settle()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    window.acts["open"].trigger()
    assert window.settle()
    assert np.array_equal(window.session.net.params, saved)
    assert window.session.snapshot.epoch == 25
    assert window.session.path == path
    assert str(path.resolve()) in window.files.recent_files()


def test_a_bad_file_shows_the_error_and_keeps_everything(window, tmp_path, monkeypatch):
    window.training.train_for(10)
    params = window.session.net.params.copy()
    points = window.session.dataset.X.copy()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mlpstudio-project", "version": 1, "network": {"sizes": [2')
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert not window.files.open_path(bad)
    assert len(shown) == 1 and "bad.json" in shown[0]
    assert window.settle()
    assert np.array_equal(window.session.net.params, params)
    assert np.array_equal(window.session.dataset.X, points)
    assert window.session.snapshot.epoch == 10


def test_open_a_csv(window, tmp_path, monkeypatch):
    csv = tmp_path / "pts.csv"
    csv.write_text("a,b,label\n0,0,no\n1,1,no\n0,1,yes\n1,0,yes\n0.1,0.9,yes\n0.9,0.1,yes\n")
    import mlpstudio.ui.controllers.files as project_files
    from mlpstudio.ui.views.csv_dialog import CsvImportDialog

    def accept_defaults(parent, path, test_ratio, seed, standardise):
        dialog = CsvImportDialog(path, parent, test_ratio, seed, standardise)
        assert dialog.try_accept(), dialog.error_text()
        return dialog.result_dataset(), dialog.standardise()

    monkeypatch.setattr(project_files, "import_csv", accept_defaults)
    assert window.files.open_path(csv)
    assert window.settle()
    assert window.session.raw.n_points == 6
    assert window.session.raw.class_names == ["no", "yes"]
    # The import is one undoable step in the editor.
    window.editor.undo()
    assert window.settle()
    assert window.session.raw.n_points == 200


def test_unsaved_work_prompts_and_cancel_keeps_the_window(window, monkeypatch):
    window.training.train_for(5)
    assert window.session.modified
    asked = []

    def cancel(*a, **k):
        asked.append(True)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", cancel)
    window.files.new_project()
    assert asked
    assert window.session.snapshot.epoch == 5


def test_export_plots(window, tmp_path, monkeypatch):
    png = tmp_path / "b.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(png), ""))
    window.acts["export_boundary"].trigger()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "c.svg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(svg), ""))
    window.acts["export_cost"].trigger()
    assert "<svg" in svg.read_text()


def test_closing_while_training_stops_the_thread(qtbot):
    w = MainWindow(restore=False)
    qtbot.addWidget(w)
    w.show()
    w.training.set_playing(True)
    qtbot.waitUntil(
        lambda: w.session.snapshot is not None and w.session.snapshot.epoch > 3, timeout=20_000
    )
    w.session.mark_modified(False)
    w.close()
    assert w.training.thread.thread.isFinished()


def test_layout_and_theme_are_remembered(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.acts["dark"].trigger()
    w.docks["cost"].hide()
    w.session.mark_modified(False)
    w.close()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert w2.acts["dark"].isChecked()
    assert w2.docks["cost"].isHidden()
    w2.session.mark_modified(False)
    w2.close()


def test_screenshot_command_writes_a_png(tmp_path, qtbot):
    from mlpstudio.ui.app import run

    out = tmp_path / "shot.png"
    assert run(["--screenshot", str(out), "--train-epochs", "20", "--size", "900x600"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_lessons_menu_lists_every_lesson(window):
    from mlpstudio.core import lessons

    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Lessons")
    titles = [a.text() for a in menu.actions() if a.text()]
    for lesson in lessons.LESSONS:
        assert f"{lesson.number}. {lesson.title}" in titles


def test_lesson_3_xor_by_hand_check_and_solution(window):
    assert window.teaching.open_lesson("xor-by-hand")
    assert window.session.net.sizes == [2, 2, 1]
    assert window.session.net.activations == ["step", "step"]
    assert not window.teaching.check_lesson().passed
    window.lesson_panel.solution.click()
    assert window.settle()
    result = window.teaching.check_lesson()
    assert result.passed
    assert "✔" in window.lesson_panel.status.text()
    # The worker got the solved weights too.
    assert np.array_equal(trainer(window).net.params, window.session.net.params)


def test_lesson_4_is_learned_by_training(window):
    assert window.teaching.open_lesson("xor-learned")
    window.training.train_for(3000)
    assert window.teaching.check_lesson().passed


def test_start_page_opens_an_example(window):
    window.show_start_page()
    assert window.lesson_panel.pages.currentIndex() == 0
    assert window.teaching.open_example("spiral-3class")
    assert window.settle()
    assert window.session.net.sizes[-1] == 3
    assert window.session.path is None
    assert window.session.snapshot.epoch > 0


def test_inspector_follows_the_selected_point_and_applies_a_step(window):
    window.docks["inspector"].show()
    window.docks["inspector"].raise_()
    window.session.select_point(2)
    assert window.settle()
    stepper = window.inspector.stepper()
    assert stepper is not None
    fw = window.session.net.forward(window.session.dataset.X[2:3])
    assert np.array_equal(stepper.stages[1].values, fw.a[1])
    window.inspector.apply_step()
    assert window.settle()
    assert np.array_equal(trainer(window).net.params, stepper.new_params)
    assert np.array_equal(window.session.net.params, stepper.new_params)


def test_right_arrow_steps_the_inspector_whenever_it_shows(window, qtbot):
    window.docks["inspector"].show()
    window.docks["inspector"].raise_()
    window.session.select_point(0)
    assert window.settle()
    plot = window.data_plot.plot_widget
    plot.setFocus()  # not in the inspector: it only has to be showing
    start = window.inspector.stage_index()
    qtbot.keyClick(plot, Qt.Key.Key_Right)
    assert window.inspector.stage_index() == start + 1
    qtbot.keyClick(plot, Qt.Key.Key_Left)
    assert window.inspector.stage_index() == start
    assert window.session.epoch == 0  # → stepped the inspector, not the training


def test_presenter_mode_hides_panels_and_restores_them(window):
    font = QApplication.font().pointSizeF()
    window.acts["presenter"].trigger()
    assert window.presenting
    assert QApplication.font().pointSizeF() >= 16
    assert window.editor.toolbar().isHidden()
    assert window.docks["training"].isHidden()
    assert not window.docks["cost"].isHidden()
    assert not window.data_plot.isHidden() and not window.network_view.isHidden()
    window.step()  # the keys keep working
    assert window.settle()
    assert window.session.snapshot.epoch == 1
    window.acts["presenter"].trigger()
    assert not window.presenting
    assert not window.docks["training"].isHidden()
    assert not window.editor.toolbar().isHidden()
    assert QApplication.font().pointSizeF() == font  # exactly the normal fonts again
    window.acts["dark"].trigger()
    window.acts["dark"].trigger()
    assert QApplication.font().pointSizeF() == font  # and the theme leaves them alone


def test_whole_batch_selection_feeds_the_diagram(window):
    window.acts["batch"].trigger()
    assert window.session.whole_batch
    values = window.network_view.shown_values(0, 0)
    fw = window.session.net.forward(window.session.dataset.X_train)
    assert values["a"] == pytest.approx(float(fw.a[1][:, 0].mean()), rel=1e-6)


def test_python_app_py_launches_the_app(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "app.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "app.py", "--screenshot", str(out), "--size", "800x600"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_thinned_history_replaces_the_cost_curves(window):
    trainer(window).history_limit = 20  # the worker is idle after settle()
    window.training.train_for(60)
    assert window.session.snapshot.epoch == 60
    assert 10 <= len(window.session.history) <= 20
    assert window.session.history.epoch[-1] == 60
    assert window.cost_plot.data()["epoch"].tolist() == window.session.history.epoch


def test_keyboard_space_right_and_r(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    plot = window.data_plot.plot_widget
    assert QApplication.focusWidget() is plot  # Space trains straight after start-up
    qtbot.keyClick(plot, Qt.Key.Key_Space)
    assert window.session.running
    qtbot.keyClick(plot, Qt.Key.Key_Space)
    assert not window.session.running
    qtbot.keyClick(plot, Qt.Key.Key_R)
    assert window.settle()
    assert window.session.snapshot.epoch == 0
    window.training_panel.step_unit.setCurrentText("epoch")
    plot.setFocus()
    qtbot.keyClick(plot, Qt.Key.Key_Right)
    assert window.settle()
    assert window.session.snapshot.epoch == 1
    # Typing in a field does not start training.
    window.training_panel.learning_rate.setFocus()
    qtbot.keyClick(window.training_panel.learning_rate, Qt.Key.Key_Space)
    assert not window.session.running


def test_the_inspector_formula_follows_the_unit_under_the_mouse(window):
    window.docks["inspector"].show()
    window.docks["inspector"].raise_()
    window.session.select_point(0)
    assert window.settle()
    window.inspector.set_stage(0)  # z of layer 2
    assert window.inspector.focus_item() == (0, None)
    window.network_view.hovered.emit(("unit", 0, 2))
    assert window.inspector.focus_item() == (2, None)
    window.network_view.hovered.emit(None)  # moving off keeps the last one
    assert window.inspector.focus_item() == (2, None)
