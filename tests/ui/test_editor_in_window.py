"""The data editor inside the main window: edits reach the worker while it trains."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from mlpstudio.core import csvio
from mlpstudio.ui.main_window import MainWindow
from mlpstudio.ui.views.csv_dialog import CsvImportDialog

# Each test drives a real window (or thousands of generated cases): the long part of the
# suite, skipped by `pytest -m "not slow"`.
pytestmark = pytest.mark.slow


IRIS = Path(__file__).resolve().parents[2] / "resources" / "datasets" / "iris.csv"
LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def window(window):
    window.editor.set_tool("add")  # whichever tool the window starts with
    return window


def pixel(w: MainWindow, x: float, y: float):
    vb = w.data_plot.plot_widget.getPlotItem().getViewBox()
    return w.data_plot.plot_widget.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def data_at(w: MainWindow, pos) -> tuple[float, float]:
    vb = w.data_plot.plot_widget.getPlotItem().getViewBox()
    p = vb.mapSceneToView(w.data_plot.plot_widget.mapToScene(pos))
    return p.x(), p.y()


def click(qtbot, w: MainWindow, x: float, y: float, button=LEFT, mods=NONE):
    pos = pixel(w, x, y)
    qtbot.mouseClick(w.data_plot.plot_widget.viewport(), button, mods, pos)
    return pos


def drag(qtbot, w: MainWindow, path, mods=NONE) -> None:
    vp = w.data_plot.plot_widget.viewport()
    pts = [pixel(w, x, y) for x, y in path]
    qtbot.mousePress(vp, LEFT, mods, pts[0])
    for p in pts[1:]:
        qtbot.mouseMove(vp, p)
    qtbot.mouseRelease(vp, LEFT, mods, pts[-1])


def key(qtbot, w: MainWindow, k, mods=NONE) -> None:
    qtbot.keyClick(w.data_plot.plot_widget, k, mods)


def trainer(w: MainWindow):
    return w.training.worker._trainer


def test_editing_while_training_reaches_the_worker(window, qtbot):
    start = window.session.raw.n_points
    window.training.set_playing(True)
    qtbot.waitUntil(
        lambda: window.session.snapshot is not None and window.session.snapshot.epoch > 0
    )
    key(qtbot, window, Qt.Key.Key_2)
    for x, y in [(-0.05, 0.05), (0.05, -0.05), (0.0, 0.0)]:
        click(qtbot, window, x, y)
    drag(qtbot, window, [(-0.1, 0.1), (0.0, 0.1), (0.1, 0.1)], SHIFT)  # spray
    click(qtbot, window, 0.0, 0.0, RIGHT)  # delete the nearest
    drag(qtbot, window, [(0.05, -0.05), (0.2, -0.2)])  # move one
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    key(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.session.running
    epoch = window.session.snapshot.epoch
    qtbot.waitUntil(lambda: window.session.snapshot.epoch > epoch + 20, timeout=20_000)
    window.training.set_playing(False)
    assert window.settle()
    assert window.session.raw is window.editor.dataset()
    assert window.session.raw.n_points > start and window.session.raw.generator is None
    t = trainer(window)
    assert np.array_equal(t.X, window.session.dataset.X_train)
    assert np.array_equal(t.y, window.session.dataset.y_train)
    assert np.array_equal(t.X_test, window.session.dataset.X_test)
    assert np.isfinite(window.session.snapshot.metrics[0])  # the costs are of the new points
    assert window.data_plot.boundary_rgb() is not None
    assert "Edited" in window.data_panel.source.text()


def test_points_land_where_clicked_when_standardised(window, qtbot):
    window.data_panel.standardise.setChecked(True)
    assert window.settle()
    pos = click(qtbot, window, 0.3, -0.2)
    u, v = data_at(window, pos)
    assert window.session.dataset.X[-1] == pytest.approx([u, v])  # shown where the click was
    mean = np.asarray(window.session.scaling["mean"])
    std = np.asarray(window.session.scaling["std"])
    assert window.session.raw.X[-1] == pytest.approx([u * std[0] + mean[0], v * std[1] + mean[1]])


def test_a_new_class_asks_before_resetting_a_trained_network(window, qtbot, monkeypatch):
    """A third class widens the output layer: a new architecture, so the one question asks."""
    window.training.train_for(20)
    asked: list[str] = []

    def cancel(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", cancel)
    bar = window.editor.toolbar()
    qtbot.mouseClick(bar.add_class_button, LEFT)
    assert asked == ["Save the current project first?"]
    assert window.session.raw.n_classes == 2 and window.session.net.n_outputs == 1
    assert window.session.snapshot.epoch == 20
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    qtbot.mouseClick(bar.add_class_button, LEFT)
    assert window.session.raw.n_classes == 3 and window.session.net.n_outputs == 3
    click(qtbot, window, 0.0, 0.0)
    assert window.settle()
    assert trainer(window).n_classes == 3 and 2 in trainer(window).y
    assert window.session.snapshot.epoch == 0  # a new network
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert window.session.raw.n_classes == 2 and window.session.net.n_outputs == 1


def test_dropping_a_csv_opens_the_import_dialog_and_undo_restores(window, qtbot, monkeypatch):
    seen = []

    def accept(self):
        seen.append(self.path)
        self.feature_x.setCurrentIndex(2)  # petal length
        self.feature_y.setCurrentIndex(3)  # petal width
        self.standardise_box.setChecked(True)
        return QDialog.DialogCode.Accepted if self.try_accept() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(CsvImportDialog, "exec", accept)
    before = window.session.raw
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(IRIS))])
    drop = QDropEvent(
        QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(drop)
    assert seen == [IRIS]
    assert window.session.raw.n_points == 150 and window.session.raw.feature_names == [
        "petal_length",
        "petal_width",
    ]
    assert window.data_panel.standardise.isChecked() and window.session.scaling is not None
    assert window.editor.points.n_points == 150 and window.session.net.n_outputs == 3
    window.editor.undo()
    assert np.array_equal(window.session.raw.X, before.X)
    assert window.session.raw.class_names == before.class_names
    assert window.settle()
    assert np.array_equal(trainer(window).y, window.session.dataset.y_train)


def test_a_cancelled_import_keeps_everything(window, monkeypatch, tmp_path):
    monkeypatch.setattr(CsvImportDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    before = window.session.raw
    assert not window.files.open_path(IRIS)
    assert window.session.raw is before


def test_export_points(window, qtbot, tmp_path, monkeypatch):
    click(qtbot, window, 0.0, 0.0)
    target = tmp_path / "mine.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.acts["export_points"].trigger()
    back = csvio.read_csv(target, class_names=window.session.raw.class_names)
    assert np.array_equal(back.X, window.session.raw.X)
    assert np.array_equal(back.train_mask, window.session.raw.train_mask)
