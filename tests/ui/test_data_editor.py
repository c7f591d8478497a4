"""The data editor driven through the plot with qtbot mouse and key events."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QInputDialog

from mlpstudio.core import Network, Trainer, TrainSettings, datasets, scaling
from mlpstudio.core.datasets import Dataset
from mlpstudio.core.editing import PointSet
from mlpstudio.ui.views.data_plot import DataPlot
from mlpstudio.ui.views.editor import DataEditor, Tool
from mlpstudio.ui.worker import WorkerThread

LEFT, RIGHT, MIDDLE = (
    Qt.MouseButton.LeftButton,
    Qt.MouseButton.RightButton,
    Qt.MouseButton.MiddleButton,
)
NONE = Qt.KeyboardModifier.NoModifier
SHIFT, CTRL, ALT = (
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.AltModifier,
)


@pytest.fixture
def plot(qtbot):
    w = DataPlot()
    qtbot.addWidget(w)
    w.resize(500, 500)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def editor(plot):
    return DataEditor(plot)


def view_box(plot: DataPlot) -> pg.ViewBox:
    return plot.plot_widget.getPlotItem().getViewBox()


def pixel(plot: DataPlot, x: float, y: float) -> QPoint:
    """The viewport pixel showing data coordinates (x, y)."""
    return plot.plot_widget.mapFromScene(view_box(plot).mapViewToScene(QPointF(x, y)))


def data_at(plot: DataPlot, pos: QPoint) -> tuple[float, float]:
    """The data coordinates of a viewport pixel, as the editor maps them."""
    p = view_box(plot).mapSceneToView(plot.plot_widget.mapToScene(pos))
    return p.x(), p.y()


def click(qtbot, plot: DataPlot, x: float, y: float, button=LEFT, mods=NONE) -> QPoint:
    pos = pixel(plot, x, y)
    qtbot.mouseClick(plot.plot_widget.viewport(), button, mods, pos)
    return pos


def drag(qtbot, plot: DataPlot, path: list[tuple[float, float]], button=LEFT, mods=NONE) -> None:
    vp = plot.plot_widget.viewport()
    points = [pixel(plot, x, y) for x, y in path]
    qtbot.mousePress(vp, button, mods, points[0])
    for p in points[1:]:
        qtbot.mouseMove(vp, p)
    qtbot.mouseRelease(vp, button, mods, points[-1])


def key(qtbot, plot: DataPlot, k, mods=NONE) -> None:
    qtbot.keyClick(plot.plot_widget, k, mods)


def shown_points(plot: DataPlot) -> np.ndarray:
    items = [
        i
        for i in plot.plot_widget.getPlotItem().items
        if isinstance(i, pg.ScatterPlotItem) and i.opts["symbol"] == "o"
    ]
    item = max(items, key=lambda s: len(s.data))
    x, y = item.getData()
    return np.column_stack([x, y])


def snapshot(ds: Dataset) -> tuple:
    return (ds.X.tobytes(), ds.y.tobytes(), ds.train_mask.tobytes(), tuple(ds.class_names))


# ---- adding, choosing classes, deleting ------------------------------------------------------


def test_a_click_adds_a_point_at_the_clicked_data_coordinates(qtbot, plot, editor):
    with qtbot.waitSignal(editor.datasetEdited, timeout=1000) as blocker:
        pos = click(qtbot, plot, 0.3, -0.2)
    ds = blocker.args[0]
    assert ds.n_points == 1 and ds.y.tolist() == [0] and ds.train_mask.tolist() == [True]
    # exactly the data coordinates of the pixel clicked, within a pixel of the target
    assert ds.X[0].tolist() == pytest.approx(list(data_at(plot, pos)), abs=1e-12)
    sx, sy = view_box(plot).viewPixelSize()
    assert abs(ds.X[0, 0] - 0.3) <= sx and abs(ds.X[0, 1] + 0.2) <= sy
    assert np.array_equal(shown_points(plot), ds.X)  # the plot shows it where it was clicked
    (x0, x1), (y0, y1) = plot.view_range()  # the square (-1, 1)² stays in view, aspect kept
    assert (x0, x1) == pytest.approx((-1.0, 1.0), abs=0.1) and y0 <= -0.99 and y1 >= 0.99


def test_points_land_in_data_coordinates_whatever_the_zoom(qtbot, plot, editor):
    view_box(plot).setRange(xRange=(100, 300), yRange=(-100, 100), padding=0)
    pos = click(qtbot, plot, 250.0, 25.0)
    assert editor.points.X[0].tolist() == pytest.approx(list(data_at(plot, pos)), abs=1e-9)
    sx, sy = view_box(plot).viewPixelSize()
    assert abs(editor.points.X[0, 0] - 250.0) <= sx and abs(editor.points.X[0, 1] - 25.0) <= sy


def test_number_keys_choose_the_class_of_new_points(qtbot, plot, editor):
    editor.add_class()
    key(qtbot, plot, Qt.Key.Key_1)
    click(qtbot, plot, -0.5, 0.5)
    key(qtbot, plot, Qt.Key.Key_3)
    assert editor.current_class == 2
    click(qtbot, plot, 0.5, 0.5)
    key(qtbot, plot, Qt.Key.Key_2)
    click(qtbot, plot, 0.0, -0.5)
    key(qtbot, plot, Qt.Key.Key_7)  # there is no class 7: nothing changes
    assert editor.current_class == 1
    assert editor.points.y.tolist() == [0, 2, 1]
    assert editor.toolbar().class_buttons[1].isChecked()


def test_the_class_palette_buttons_choose_the_class(qtbot, plot, editor):
    bar = editor.toolbar()
    qtbot.mouseClick(bar.class_buttons[1], LEFT)
    click(qtbot, plot, 0.1, 0.1)
    assert editor.points.y.tolist() == [1]
    assert [b.text() for b in bar.class_buttons] == ["0", "1"]
    assert "key 2" in bar.class_buttons[1].toolTip()


def test_right_click_and_ctrl_click_delete_the_nearest_point(qtbot, plot, editor):
    for x in (-0.6, 0.0, 0.6):
        click(qtbot, plot, x, 0.0)
    kept = editor.points.X.copy()
    click(qtbot, plot, 0.01, 0.01, RIGHT)
    assert np.array_equal(editor.points.X, kept[[0, 2]])
    click(qtbot, plot, -0.59, 0.0, LEFT, CTRL)
    assert np.array_equal(editor.points.X, kept[[2]])
    click(qtbot, plot, -0.9, -0.9, RIGHT)  # nothing near: nothing deleted, no point added
    assert np.array_equal(editor.points.X, kept[[2]])


def test_hidden_test_points_are_not_deleted(qtbot, plot, editor):
    editor.load(Dataset(X=[[0.0, 0.0], [0.5, 0.5]], y=[0, 1], train_mask=np.array([False, True])))
    plot.set_show_test(False)
    click(qtbot, plot, 0.0, 0.0, RIGHT)
    assert editor.points.n_points == 2
    plot.set_show_test(True)
    click(qtbot, plot, 0.0, 0.0, RIGHT)
    assert editor.points.X.tolist() == [[0.5, 0.5]]


# ---- dragging --------------------------------------------------------------------------------


def test_dragging_a_point_moves_it_in_one_undo_step(qtbot, plot, editor):
    click(qtbot, plot, -0.5, 0.0)
    click(qtbot, plot, 0.5, 0.0)
    before = snapshot(editor.dataset())
    start = editor.points.X[0].copy()
    drag(qtbot, plot, [tuple(start), (-0.3, 0.2), (-0.1, 0.4), (0.0, 0.5)])
    end = editor.points.X[0]
    assert end == pytest.approx([0.0, 0.5], abs=0.02)
    assert editor.points.X[1].tolist() == pytest.approx([0.5, 0.0], abs=0.01)
    assert editor.points.n_points == 2 and editor.points.undo_depth == 3
    key(qtbot, plot, Qt.Key.Key_Z, CTRL)
    assert snapshot(editor.dataset()) == before


def test_an_edit_drag_does_not_pan_the_view_but_the_middle_button_does(qtbot, plot, editor):
    before = plot.view_range()
    drag(qtbot, plot, [(-0.5, -0.5), (0.0, 0.0), (0.5, 0.5)])
    assert plot.view_range() == before
    assert editor.points.n_points == 1  # the press added a point and the drag placed it
    assert editor.points.X[0] == pytest.approx([0.5, 0.5], abs=0.01)
    assert editor.points.undo_depth == 1
    editor.set_tool(Tool.SELECT)
    drag(qtbot, plot, [(0.0, 0.0), (0.3, 0.3), (0.5, 0.5)])
    assert plot.view_range() != before  # the Select tool pans like a plain plot
    assert editor.points.n_points == 1


def test_the_select_tool_adds_nothing_and_clicks_select_a_point(qtbot, plot, editor):
    editor.load(Dataset(X=[[-1.0, -1.0], [0.1, 0.2], [1.0, 1.0]], y=[0, 1, 0]))
    editor.set_tool(Tool.SELECT)
    with qtbot.waitSignal(plot.pointClicked, timeout=1000) as blocker:
        click(qtbot, plot, 0.1, 0.2)
    assert blocker.args == [1]
    assert editor.selection().tolist() == [1]
    assert editor.points.n_points == 3


def test_shift_drag_sprays_points_in_the_brush_in_one_step(qtbot, plot, editor):
    editor.brush_px = 40
    editor.density = 4
    key(qtbot, plot, Qt.Key.Key_2)
    path = [(-0.5, 0.0), (-0.25, 0.0), (0.0, 0.0), (0.25, 0.0)]
    drag(qtbot, plot, path, LEFT, SHIFT)
    X = editor.points.X
    assert len(X) == 4 * len(path) and set(editor.points.y.tolist()) == {1}
    sx, sy = view_box(plot).viewPixelSize()
    radius = 20 * max(sx, sy)
    assert np.all(np.abs(X[:, 1]) <= radius + 2 * sy)
    assert X[:, 0].min() >= -0.5 - radius - 2 * sx and X[:, 0].max() <= 0.25 + radius + 2 * sx
    assert editor.points.undo_depth == 1
    editor.undo()
    assert editor.points.n_points == 0


def test_the_spray_tool_sprays_without_a_modifier(qtbot, plot, editor):
    editor.set_tool(Tool.SPRAY)
    editor.density = 5
    drag(qtbot, plot, [(0.0, 0.0), (0.1, 0.1)])
    assert editor.points.n_points == 10


def test_the_erase_tool_deletes_the_points_under_the_brush(qtbot, plot, editor):
    editor.load(Dataset(X=[[-0.5, 0.0], [-0.48, 0.02], [0.5, 0.0], [0.0, 0.8]], y=[0, 0, 1, 1]))
    editor.set_tool(Tool.ERASE)
    editor.brush_px = 30
    drag(qtbot, plot, [(-0.5, 0.0), (0.0, 0.0), (0.5, 0.0)])
    assert editor.points.X.tolist() == [[0.0, 0.8]]
    assert editor.points.undo_depth == 1


# ---- the box selection -----------------------------------------------------------------------


def grid() -> Dataset:
    xs = np.linspace(-0.8, 0.8, 5)
    X = np.array([[x, y] for x in xs for y in xs])
    return Dataset(X=X, y=np.arange(25) % 2)


def test_a_box_selects_then_delete_key_deletes(qtbot, plot, editor):
    editor.load(grid())
    editor.set_tool(Tool.BOX)
    with qtbot.waitSignal(editor.selectionChanged, timeout=1000):
        drag(qtbot, plot, [(-0.9, -0.9), (0.0, 0.0), (0.1, 0.1)])
    inside = [i for i, (x, y) in enumerate(grid().X) if x <= 0.1 and y <= 0.1]
    assert editor.selection().tolist() == inside
    assert editor.toolbar().selection_label.text() == f"{len(inside)} selected:"
    key(qtbot, plot, Qt.Key.Key_Delete)
    assert editor.points.n_points == 25 - len(inside)
    assert editor.selection().tolist() == []
    key(qtbot, plot, Qt.Key.Key_Z, CTRL)
    assert snapshot(editor.dataset()) == snapshot(grid())


def test_alt_drag_selects_and_the_buttons_relabel_and_mark(qtbot, plot, editor):
    editor.load(grid())
    drag(qtbot, plot, [(0.3, 0.3), (0.9, 0.9)], LEFT, ALT)
    sel = editor.selection()
    assert len(sel) == 4 and editor.points.n_points == 25  # the drag added nothing
    bar = editor.toolbar()
    key(qtbot, plot, Qt.Key.Key_2)
    qtbot.mouseClick(bar.relabel_button, LEFT)
    assert set(editor.points.y[sel].tolist()) == {1}
    qtbot.mouseClick(bar.test_button, LEFT)
    assert not editor.points.train_mask[sel].any() and editor.points.train_mask.sum() == 21
    qtbot.mouseClick(bar.train_button, LEFT)
    assert editor.points.train_mask.all()
    key(qtbot, plot, Qt.Key.Key_Escape)
    assert not bar.delete_button.isEnabled()


# ---- undo and redo ---------------------------------------------------------------------------


def test_ctrl_z_and_ctrl_shift_z_restore_every_state_exactly(qtbot, plot, editor):
    states = [snapshot(editor.dataset())]
    editor.add_class()
    states.append(snapshot(editor.dataset()))
    for k, (x, y) in enumerate([(-0.5, 0.5), (0.5, 0.5), (0.0, -0.5), (0.2, 0.1)]):
        key(qtbot, plot, [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3][k % 3])
        click(qtbot, plot, x, y)
        states.append(snapshot(editor.dataset()))
    drag(qtbot, plot, [(-0.5, 0.5), (-0.6, 0.7)])
    states.append(snapshot(editor.dataset()))
    click(qtbot, plot, 0.5, 0.5, RIGHT)
    states.append(snapshot(editor.dataset()))
    drag(qtbot, plot, [(0.6, -0.6), (0.7, -0.7)], LEFT, SHIFT)
    states.append(snapshot(editor.dataset()))
    editor.resplit(0.5)
    states.append(snapshot(editor.dataset()))
    assert len({s for s in states}) == len(states)  # every edit changed something
    for expected in reversed(states[:-1]):
        key(qtbot, plot, Qt.Key.Key_Z, CTRL)
        assert snapshot(editor.dataset()) == expected
    for expected in states[1:]:
        key(qtbot, plot, Qt.Key.Key_Z, CTRL | SHIFT)
        assert snapshot(editor.dataset()) == expected
    assert np.array_equal(shown_points(plot), editor.points.X)


def test_edits_between_begin_step_and_end_step_are_one_undo_step(qtbot, plot, editor):
    seen: list[Dataset] = []
    editor.datasetEdited.connect(seen.append)
    editor.begin_step("script")
    i = editor.add_point(0.0, 0.0)
    editor.move_point(i, 0.5, 0.5)
    editor.add_points([[0.1, 0.1], [0.2, 0.2]])
    editor.delete_points([1])
    assert not editor.actions()["undo"].isEnabled()  # no undo in the middle of a step
    editor.end_step()
    assert [d.n_points for d in seen] == [1, 1, 3, 2]  # each edit was announced
    assert editor.dataset().X.tolist() == [[0.5, 0.5], [0.2, 0.2]]
    assert editor.actions()["undo"].text() == "Undo script"
    key(qtbot, plot, Qt.Key.Key_Z, CTRL)
    assert editor.dataset().n_points == 0 and not editor.actions()["undo"].isEnabled()


def test_undo_and_redo_buttons_follow_the_history(qtbot, plot, editor):
    bar = editor.toolbar()
    assert not bar.undo_button.isEnabled() and not bar.redo_button.isEnabled()
    click(qtbot, plot, 0.0, 0.0)
    assert bar.undo_button.isEnabled() and "add point" in bar.undo_button.toolTip()
    qtbot.mouseClick(bar.undo_button, LEFT)
    assert editor.points.n_points == 0 and bar.redo_button.isEnabled()
    qtbot.mouseClick(bar.redo_button, LEFT)
    assert editor.points.n_points == 1
    assert editor.actions()["undo"].isEnabled()


def test_every_edit_emits_a_fresh_dataset(qtbot, plot, editor):
    seen: list[Dataset] = []
    editor.datasetEdited.connect(seen.append)
    click(qtbot, plot, 0.0, 0.0)
    click(qtbot, plot, 0.5, 0.0)
    editor.undo()
    editor.redo()
    assert len(seen) == 4
    assert len({id(d) for d in seen}) == 4
    assert [d.n_points for d in seen] == [1, 2, 1, 2]


def test_undoing_a_replacement_says_the_whole_data_changed(qtbot, plot, editor):
    click(qtbot, plot, 0.0, 0.0)
    drawn = snapshot(editor.dataset())
    edited: list[Dataset] = []
    replaced: list[Dataset] = []
    editor.datasetEdited.connect(edited.append)
    editor.dataReplaced.connect(replaced.append)
    far = Dataset(X=[[100.0, 100.0], [120.0, 90.0]], y=[0, 1])
    editor.load(far, undoable=True)  # the owner's own change: nothing emitted
    assert edited == replaced == []
    assert plot.view_range()[0][0] > 90  # the plot fitted the new points
    key(qtbot, plot, Qt.Key.Key_Z, CTRL)
    assert edited == [] and snapshot(replaced[-1]) == drawn
    assert plot.view_range()[0][0] < 1  # and fitted the drawn point again
    key(qtbot, plot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert replaced[-1].X.tolist() == far.X.tolist() and edited == []


def test_clear_and_its_undo(qtbot, plot, editor):
    editor.load(grid())
    qtbot.mouseClick(editor.toolbar().clear_button, LEFT)
    assert editor.points.n_points == 0 and editor.points.class_names == ["0", "1"]
    editor.undo()
    assert snapshot(editor.dataset()) == snapshot(grid())


def test_resplit_uses_the_ratio_and_a_new_seed_each_time(qtbot, plot, editor):
    editor.load(grid())
    bar = editor.toolbar()
    bar.ratio.setValue(40)
    qtbot.mouseClick(bar.resplit_button, LEFT)
    first = editor.points.train_mask.copy()
    assert (~first).sum() == 10
    assert np.array_equal(first, datasets.split(grid(), 0.4, 0).train_mask)
    qtbot.mouseClick(bar.resplit_button, LEFT)
    assert (~editor.points.train_mask).sum() == 10
    assert not np.array_equal(editor.points.train_mask, first)
    assert "10 test" in bar.count_label.text()


# ---- classes ---------------------------------------------------------------------------------


def test_add_rename_and_remove_classes_with_the_toolbar(qtbot, plot, editor, monkeypatch):
    bar = editor.toolbar()
    counts: list[int] = []
    editor.classesChanged.connect(counts.append)
    qtbot.mouseClick(bar.add_class_button, LEFT)
    assert editor.points.class_names == ["0", "1", "2"] and editor.current_class == 2
    assert len(bar.class_buttons) == 3 and bar.class_buttons[2].isChecked()
    click(qtbot, plot, 0.0, 0.0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("circles", True))
    qtbot.mouseClick(bar.rename_class_button, LEFT)
    assert editor.points.class_names[2] == "circles"
    assert bar.class_buttons[2].text() == "circles"
    qtbot.mouseClick(bar.remove_class_button, LEFT)
    assert editor.points.class_names == ["0", "1"] and editor.points.n_points == 0
    assert counts == [3, 2]
    assert not bar.remove_class_button.isEnabled()  # two classes is the minimum
    editor.undo()  # the class comes back with its point
    assert editor.points.class_names == ["0", "1", "circles"]
    assert editor.points.y.tolist() == [2]
    assert counts == [3, 2, 3]


def test_at_most_eight_classes(qtbot, plot, editor):
    messages: list[str] = []
    editor.message.connect(messages.append)
    for _ in range(6):
        editor.add_class()
    assert editor.points.n_classes == 8
    assert not editor.toolbar().add_class_button.isEnabled()
    editor.add_class()
    assert editor.points.n_classes == 8 and "at most 8" in messages[-1]
    key(qtbot, plot, Qt.Key.Key_8)
    assert editor.current_class == 7


def test_a_refused_class_change_is_taken_back(qtbot, plot, editor):
    asked: list[tuple[int, int]] = []

    def refuse(old: int, new: int) -> bool:
        asked.append((old, new))
        return False

    editor.confirm_class_change = refuse
    edited: list[Dataset] = []
    editor.datasetEdited.connect(edited.append)
    editor.add_class()
    assert asked == [(2, 3)] and editor.points.n_classes == 2
    assert not editor.points.can_undo and not editor.points.can_redo and edited == []
    editor.confirm_class_change = lambda old, new: True
    editor.add_class()
    editor.confirm_class_change = refuse
    editor.undo()  # undoing the new class would reset the network too: asked, refused
    assert editor.points.n_classes == 3 and editor.points.can_undo


def test_data_with_other_than_two_features_turns_editing_off(qtbot, plot, editor):
    messages: list[str] = []
    editor.message.connect(messages.append)
    editor.load(Dataset(X=np.zeros((3, 4)), y=[0, 1, 0]))
    assert not editor.enabled and not editor.toolbar().isEnabled()
    assert "4" in messages[-1]
    click(qtbot, plot, 0.0, 0.0)
    key(qtbot, plot, Qt.Key.Key_Z, CTRL)
    editor.add_class()
    assert editor.points.n_points == 0 and editor.points.n_classes == 2
    editor.load(grid())
    assert editor.enabled and editor.toolbar().isEnabled()
    click(qtbot, plot, 0.05, 0.05)
    assert editor.points.n_points == 26


# ---- coordinates shown differently from those stored ----------------------------------------


def test_a_standardised_view_stores_the_raw_coordinates(qtbot, plot):
    raw = Dataset(X=[[100.0, 5.0], [300.0, 9.0]], y=[0, 1])
    X, mean, std = scaling.standardise(raw.X)
    editor = DataEditor(plot, PointSet(raw), drive_plot=False)
    editor.set_transform(mean, std)
    shown = raw.copy()
    shown.X = X
    plot.set_dataset(shown, fit=False)
    view_box(plot).setRange(xRange=(-2, 2), yRange=(-2, 2), padding=0)  # (-1, -1) well inside
    pos = click(qtbot, plot, 0.5, -0.5)
    u, v = data_at(plot, pos)
    assert editor.points.X[2] == pytest.approx([u * std[0] + mean[0], v * std[1] + mean[1]])
    click(qtbot, plot, X[0, 0], X[0, 1], RIGHT)  # the shown point (-1, -1) is the raw (100, 5)
    assert editor.points.X[:, 0].tolist()[0] == 300.0


# ---- editing while a network trains ---------------------------------------------------------


def test_editing_while_the_worker_trains_reaches_the_trainer(qtbot, plot):
    ds = datasets.split(datasets.generate("blobs", points=60, classes=3, seed=1), 0.2, 0)
    # The owner draws the data, as the main window does, and the editor does not redraw the plot
    # after each edit: while the worker trains flat out it holds the GIL, so every Qt call of a
    # redraw waits for the worker's switch interval, and the redraws alone took seconds (tens of
    # seconds on a busy machine). Drawing is tested above; this test is about the data.
    plot.set_dataset(ds, fit=True)
    editor = DataEditor(plot, PointSet(ds), drive_plot=False)
    net = Network([2, 6, 3], ["tanh", "sigmoid"], seed=0)
    trainer = Trainer(
        net, ds.X_train, ds.y_train, ds.X_test, ds.y_test, TrainSettings(learning_rate=1.0),
        n_classes=3,
    )  # fmt: skip
    thread = WorkerThread()
    worker = thread.worker
    worker.load(trainer)
    sent: list[Dataset] = []

    def to_worker(d: Dataset) -> None:
        sent.append(d)
        worker.set_data(d.X_train, d.y_train, d.X_test, d.y_test)

    editor.datasetEdited.connect(to_worker)
    epochs: list[int] = []
    worker.snapshotReady.connect(lambda snap, rate: epochs.append(snap.epoch))
    tokens: list[int] = []
    worker.synced.connect(tokens.append)
    try:
        worker.play()
        qtbot.waitUntil(lambda: bool(epochs) and epochs[-1] > 0, timeout=10_000)
        key(qtbot, plot, Qt.Key.Key_3)
        for x in np.linspace(-0.8, 0.8, 6):
            click(qtbot, plot, x, 0.9)
        drag(qtbot, plot, [(-0.5, -0.9), (0.0, -0.9), (0.5, -0.9)], LEFT, SHIFT)
        click(qtbot, plot, -0.8, 0.9, RIGHT)
        editor.undo()
        worker.sync(1)
        qtbot.waitUntil(lambda: tokens == [1], timeout=10_000)
        after_edits = epochs[-1]
        qtbot.waitUntil(lambda: epochs[-1] > after_edits + 5, timeout=10_000)
        worker.pause()
        worker.sync(2)
        qtbot.waitUntil(lambda: tokens == [1, 2], timeout=10_000)
        # the worker is idle now: its trainer holds exactly the edited points
        final = editor.dataset()
        assert sent[-1] is final and final.n_points == ds.n_points + 6 + 9
        assert np.array_equal(trainer.X, final.X_train)
        assert np.array_equal(trainer.y, final.y_train)
        assert np.array_equal(trainer.X_test, final.X_test)
        assert np.isfinite(trainer.evaluate()[0])
    finally:
        thread.stop()
