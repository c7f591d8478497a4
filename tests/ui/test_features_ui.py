"""Derived inputs in the app: the Network panel's input toggles, the diagram's input units
(named by their feature, with a map each) and everything that must keep the inputs: set-up
lines, project files and lesson 2's third variant.

Driven through the real window as a user would (clicks on the tool buttons and the diagram,
the menu actions); dialogs are answered by monkeypatching, never shown.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QToolButton

from mlpstudio.core import boundary, datasets, lessons
from mlpstudio.core import features as core_features
from mlpstudio.core import project as core_project
from mlpstudio.core.network import Network
from mlpstudio.core.training import TrainSettings

# Each test drives a real window: the long part of the suite, skipped by `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

LEFT = Qt.MouseButton.LeftButton
PRODUCT = ("x1", "x2", "x1*x2")
NAMES = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁x₂",
    "sin(x1)": "sin x₁",
    "sin(x2)": "sin x₂",
}


def button(window, key: str) -> QToolButton:
    b = window.network_panel.findChild(QToolButton, f"input-{key}")
    assert b is not None, key
    return b


def toggle(window, qtbot, key: str) -> None:
    """Click the Inputs button of ``key`` and let the window rebuild what follows."""
    qtbot.mouseClick(button(window, key), LEFT)
    assert window.settle()


def checked(window) -> tuple[str, ...]:
    return tuple(k for k in core_features.KEYS if button(window, k).isChecked())


def input_units(window) -> list:
    view = window.network_view
    view.flush()  # the maps pending for this event-loop turn
    return [u for u in view.unit_items() if u.layer == -1]


def worker_net(window) -> Network:
    """The network the worker trains (read after settle(), when the worker is idle)."""
    return window.training.worker._trainer.net


def click_unit(window, qtbot, layer: int, j: int) -> None:
    view = window.network_view
    pos = view.scene_to_viewport(view.item_center(("unit", layer, j)))
    qtbot.mouseClick(view.canvas.viewport(), LEFT, pos=pos)


def answer(monkeypatch, reply) -> list:
    """Answer the unsaved-work question with ``reply``; the list records every time it is asked."""
    asked: list = []

    def question(*args, **kwargs):
        asked.append(args)
        return reply

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


# ---- the Inputs toggles ----------------------------------------------------------------------


def test_the_panel_offers_every_feature_with_x1_and_x2_on(window):
    assert checked(window) == ("x1", "x2")
    for key in core_features.KEYS:
        b = button(window, key)
        assert b.isEnabled() and b.isCheckable()
        assert b.text() == NAMES[key]
    assert window.session.net.features is None


def test_toggling_an_input_rebuilds_the_network_with_that_unit(window, qtbot):
    toggle(window, qtbot, "x1*x2")
    s = window.session
    assert s.net.features == PRODUCT and s.net.sizes == [3, 4, 1]
    assert s.network_spec.features == PRODUCT
    assert checked(window) == PRODUCT
    assert worker_net(window).features == PRODUCT  # the worker trains the new network
    units = input_units(window)
    assert [u.label for u in units] == ["x₁", "x₂", "x₁x₂"]
    assert all(u.image is not None for u in units)  # each input unit draws its feature's map
    window.training.train_for(5)
    assert s.snapshot.epoch == 5 and np.isfinite(s.net.params).all()

    toggle(window, qtbot, "sin(x2)")
    assert s.net.features == ("x1", "x2", "x1*x2", "sin(x2)") and s.net.sizes[0] == 4
    assert [u.label for u in input_units(window)] == ["x₁", "x₂", "x₁x₂", "sin x₂"]

    toggle(window, qtbot, "x1*x2")
    toggle(window, qtbot, "sin(x2)")
    assert s.net.features is None and s.net.sizes == [2, 4, 1]
    units = input_units(window)
    assert [u.label for u in units] == ["x₁", "x₂"]
    assert all(u.image is None for u in units)  # x₁ and x₂ are the plane's own axes


def test_the_features_alone_without_the_point(window, qtbot):
    toggle(window, qtbot, "x1^2")
    toggle(window, qtbot, "x2^2")
    toggle(window, qtbot, "x1")
    toggle(window, qtbot, "x2")
    s = window.session
    assert s.net.features == ("x1^2", "x2^2") and s.net.sizes == [2, 4, 1]
    assert checked(window) == ("x1^2", "x2^2")
    units = input_units(window)
    assert [u.label for u in units] == ["x₁²", "x₂²"]
    assert all(u.image is not None for u in units)
    X = s.dataset.X[:5]
    np.testing.assert_array_equal(s.net.forward(X).a[0], X**2)


def test_turning_the_last_input_off_is_refused(window, qtbot):
    toggle(window, qtbot, "x1")
    s = window.session
    assert s.net.features == ("x2",) and s.net.sizes == [1, 4, 1]
    assert [u.label for u in input_units(window)] == ["x₂"]
    params = s.net.params.copy()
    toggle(window, qtbot, "x2")  # the last one: stays on
    assert button(window, "x2").isChecked()
    assert checked(window) == ("x2",)
    assert s.net.features == ("x2",) and s.net.sizes == [1, 4, 1]
    assert np.array_equal(s.net.params, params)  # nothing was rebuilt


def test_a_toggle_asks_before_throwing_trained_work_away(window, qtbot, monkeypatch):
    window.training.train_for(20)
    s = window.session
    assert s.modified
    params = s.net.params.copy()
    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    toggle(window, qtbot, "x1*x2")
    assert len(asked) == 1
    assert s.net.features is None and s.net.sizes == [2, 4, 1]
    assert np.array_equal(s.net.params, params)  # the trained weights are kept
    assert worker_net(window).features is None
    assert checked(window) == ("x1", "x2")  # the panel shows the network kept
    assert [u.label for u in input_units(window)] == ["x₁", "x₂"]

    asked = answer(monkeypatch, QMessageBox.StandardButton.Discard)
    toggle(window, qtbot, "x1*x2")
    assert len(asked) == 1
    assert s.net.features == PRODUCT and s.net.sizes == [3, 4, 1]
    assert s.snapshot.epoch == 0 and s.history.epoch == [0]
    assert worker_net(window).features == PRODUCT


def test_untrained_work_is_rebuilt_without_a_question(window, qtbot, monkeypatch):
    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    toggle(window, qtbot, "x2^2")
    assert asked == [] and window.session.net.features == ("x1", "x2", "x2^2")


def test_a_cancelled_toggle_keeps_the_epoch_count(window, qtbot, monkeypatch):
    window.training.train_for(20)
    s = window.session
    answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    toggle(window, qtbot, "x1*x2")
    assert s.snapshot.epoch == 20
    window.training.train_for(2)
    assert s.history.epoch[-3:] == [20, 21, 22]


def test_the_inputs_are_offered_for_two_dimensional_points_only(qtbot):
    """The app holds 2-D points only (a file with other data is refused, see below); the panel
    itself switches the toggles off for other data."""
    from mlpstudio.ui.views.panels import NetworkPanel

    panel = NetworkPanel()
    qtbot.addWidget(panel)
    panel.show()
    changes: list = []
    panel.specChanged.connect(lambda: changes.append(panel.spec()))
    qtbot.mouseClick(panel.findChild(QToolButton, "input-x1*x2"), LEFT)
    assert len(changes) == 1 and changes[0].features == PRODUCT
    panel.set_point_inputs(4)
    assert all(not panel.findChild(QToolButton, f"input-{k}").isEnabled() for k in NAMES)
    assert "two inputs" in panel.inputs.toolTip()
    qtbot.mouseClick(panel.findChild(QToolButton, "input-sin(x1)"), LEFT)
    assert len(changes) == 1  # a disabled toggle does nothing
    panel.set_point_inputs(2)
    assert all(panel.findChild(QToolButton, f"input-{k}").isEnabled() for k in NAMES)
    qtbot.mouseClick(panel.findChild(QToolButton, "input-sin(x1)"), LEFT)
    assert changes[-1].features == ("x1", "x2", "x1*x2", "sin(x1)")


def three_feature_project(path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    ds = datasets.Dataset(X, (X[:, 0] > 0).astype(int))
    p = core_project.Project(Network([3, 4, 1], seed=1), ds, TrainSettings())
    core_project.save(p, path)


def test_a_file_with_three_inputs_is_refused_and_the_inputs_stay(
    window, qtbot, tmp_path, monkeypatch
):
    toggle(window, qtbot, "x1*x2")
    s = window.session
    params = s.net.params.copy()
    path = tmp_path / "three.json"
    three_feature_project(path)
    shown: list = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.acts["open"].trigger()
    assert window.settle()
    assert len(shown) == 1 and "the data has 3 features" in shown[0]
    assert s.net.features == PRODUCT and np.array_equal(s.net.params, params)
    assert all(button(window, k).isEnabled() for k in core_features.KEYS)
    assert checked(window) == PRODUCT
    assert [u.label for u in input_units(window)] == ["x₁", "x₂", "x₁x₂"]


# ---- the diagram and the data plot -----------------------------------------------------------


def test_the_selected_points_features_are_the_input_units_values(window, qtbot):
    toggle(window, qtbot, "x1*x2")
    toggle(window, qtbot, "sin(x1)")
    s = window.session
    s.select_point(3)
    assert window.settle()
    x = s.dataset.X[3]
    view = window.network_view
    values = [view.shown_values(-1, j)["a"] for j in range(4)]
    np.testing.assert_allclose(values, [x[0], x[1], x[0] * x[1], np.sin(x[0])], rtol=1e-12)


def test_clicking_a_derived_input_unit_shows_its_map(window, qtbot):
    toggle(window, qtbot, "x1*x2")
    s, plot = window.session, window.data_plot
    assert plot.boundary_rgb() is not None  # the network's regions
    click_unit(window, qtbot, -1, 2)
    assert window.settle()
    assert s.unit_shown == (-1, 2)
    assert window.network_view.selected_unit() == (-1, 2)
    assert plot.boundary_rgb() is None  # the map of x₁x₂ instead
    xlim, ylim, n = plot.unit_grid()
    assert boundary.input_maps(s.net, xlim, ylim, n).shape == (3, n, n)


def test_going_back_to_the_output_shows_the_regions_again_with_features(window, qtbot):
    toggle(window, qtbot, "x1*x2")
    s, plot = window.session, window.data_plot
    click_unit(window, qtbot, 0, 1)
    assert window.settle()
    assert s.unit_shown == (0, 1) and plot.boundary_rgb() is None
    qtbot.mouseClick(window.network_view.canvas.viewport(), LEFT, pos=QPoint(4, 200))
    assert window.settle()
    assert window.network_view.selected_unit() is None
    assert s.unit_shown is None
    assert plot.boundary_rgb() is not None


def test_a_hidden_units_map_with_features_and_back(window, qtbot):
    """What works today: a hidden unit's map, and back to the regions without features."""
    toggle(window, qtbot, "x1*x2")
    s, plot = window.session, window.data_plot
    click_unit(window, qtbot, 0, 1)
    assert window.settle()
    assert s.unit_shown == (0, 1) and plot.boundary_rgb() is None
    toggle(window, qtbot, "x1*x2")  # a new network: its units are not the old ones
    assert s.unit_shown is None and plot.boundary_rgb() is not None


def test_other_inputs_of_the_same_shape_relabel_the_diagram(window, qtbot):
    line = window.setup.setup_text().replace(" opt=", " inputs=x1^2,x2^2 opt=")
    assert window.session.net.sizes == [2, 4, 1]
    QGuiApplication.clipboard().setText(line)
    window.acts["paste_setup"].trigger()
    assert window.settle()
    s = window.session
    assert s.net.features == ("x1^2", "x2^2") and s.net.sizes == [2, 4, 1]
    units = input_units(window)
    assert [u.label for u in units] == ["x₁²", "x₂²"]
    assert all(u.image is not None for u in units)


# ---- set-up lines, files, lessons ------------------------------------------------------------


def test_copy_and_paste_set_up_keep_the_inputs(window, qtbot):
    toggle(window, qtbot, "x1*x2")
    toggle(window, qtbot, "sin(x1)")
    s = window.session
    keys = ("x1", "x2", "x1*x2", "sin(x1)")
    params = s.net.params.copy()
    window.acts["copy_setup"].trigger()
    text = QGuiApplication.clipboard().text()
    assert " inputs=x1,x2,x1*x2,sin(x1) " in text
    window.files.new_project(ask=False)
    assert window.settle()
    assert s.net.features is None and checked(window) == ("x1", "x2")
    window.acts["paste_setup"].trigger()
    assert window.settle()
    assert s.net.features == keys and s.net.sizes == [4, 4, 1]
    assert s.net.params.tobytes() == params.tobytes()  # the same initial weights
    assert checked(window) == keys
    assert [u.label for u in input_units(window)] == ["x₁", "x₂", "x₁x₂", "sin x₁"]
    assert worker_net(window).features == keys


def save_as(window, monkeypatch, path) -> bool:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    return window.files.save_as()


def test_saving_and_reopening_keeps_the_inputs(window, qtbot, tmp_path, monkeypatch):
    toggle(window, qtbot, "x1*x2")
    window.training.train_for(15)
    s = window.session
    params = s.net.params.copy()
    path = tmp_path / "product.json"
    assert save_as(window, monkeypatch, path)
    assert json.loads(path.read_text(encoding="utf-8"))["network"]["features"] == list(PRODUCT)
    window.files.new_project(ask=False)
    assert window.settle()
    assert s.net.features is None
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.acts["open"].trigger()
    assert window.settle()
    assert s.net.features == PRODUCT and s.net.sizes == [3, 4, 1]
    assert np.array_equal(s.net.params, params)
    assert s.snapshot.epoch == 15
    assert checked(window) == PRODUCT
    assert [u.label for u in input_units(window)] == ["x₁", "x₂", "x₁x₂"]
    assert worker_net(window).features == PRODUCT
    window.training.train_for(3)  # trains on from there
    assert s.snapshot.epoch == 18


def test_a_standardised_network_with_features_saves_and_opens(window, qtbot, tmp_path, monkeypatch):
    window.data_panel.standardise.click()
    assert window.settle()
    assert window.session.standardise
    toggle(window, qtbot, "x1*x2")
    s = window.session
    scaling = s.scaling
    assert len(scaling["mean"]) == 2  # fitted on the points' two coordinates
    reports: list = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: reports.append(a[2]))
    path = tmp_path / "std.json"
    assert save_as(window, monkeypatch, path), reports
    block = json.loads(path.read_text(encoding="utf-8"))["network"]
    assert block["features"] == list(PRODUCT) and block["standardisation"] == scaling
    params = s.net.params.copy()
    window.files.new_project(ask=False)
    assert window.settle()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.acts["open"].trigger()
    assert window.settle()
    assert reports == []
    assert s.net.features == PRODUCT and np.array_equal(s.net.params, params)
    assert s.standardise and s.scaling == scaling


def test_lesson_2_product_variant_opens_with_three_inputs_and_solves_xor(window, qtbot):
    panel = window.lesson_panel
    qtbot.mouseClick(panel.lesson_buttons[1], LEFT)  # lesson 2, its first variant
    assert window.settle()
    s = window.session
    assert s.net.sizes == [2, 1] and s.net.features is None
    variants = [panel.variants.itemAt(i).widget() for i in range(panel.variants.count())]
    assert [v.text() for v in variants][-1] == "sigmoid + input x₁x₂"
    qtbot.mouseClick(variants[-1], LEFT)
    assert window.settle()
    assert s.net.sizes == [3, 1] and s.net.features == PRODUCT
    assert checked(window) == PRODUCT
    units = input_units(window)
    assert [u.label for u in units] == ["x₁", "x₂", "x₁x₂"]
    assert all(u.image is not None for u in units)
    assert not window.teaching.check_lesson().passed  # not before training
    window.training.train_for(3000)
    result = window.teaching.check_lesson()
    assert result.passed and result.accuracy == 1.0
    np.testing.assert_array_equal(s.net.predict(lessons.TRUTH_TABLE), lessons.XOR_TABLE)
