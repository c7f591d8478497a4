"""The session under odd states: no points, a network that cannot follow the data."""

from __future__ import annotations

import numpy as np

from mlpstudio.core import datasets
from mlpstudio.core.specs import NetworkSpec


def test_a_network_that_cannot_follow_new_classes_raises_nothing(window, monkeypatch):
    s = window.session
    three = datasets.split(datasets.generate("blobs", 60, 0.1, 0, 3), 0.2, 0)

    def refuse(*args, **kwargs):
        raise ValueError("no network today")

    monkeypatch.setattr(NetworkSpec, "build", refuse)
    s.set_data(three)
    assert "no network today" in window.status.message.text()
    assert not s.network_fits() and not s.can_train()
    s.select_point(0)
    s.set_whole_batch(True)
    window.acts["step"].trigger()
    window.acts["play"].trigger()
    assert window.settle()
    assert not s.running
    assert s.selection_batch() is None


def test_clear_then_whole_batch_and_inspector_raise_nothing(window, qtbot):
    window.editor.toolbar().clear_button.click()
    s = window.session
    assert s.raw.n_points == 0
    window.acts["batch"].trigger()
    window.docks["inspector"].show()
    window.docks["inspector"].raise_()
    window.acts["play"].trigger()
    window.acts["step"].trigger()
    assert window.settle()
    assert not s.running and s.selection_batch() is None
    window.editor.add_point(0.5, 0.5)
    window.editor.add_point(-0.5, -0.5)
    assert window.settle()
    assert np.isfinite(s.net.params).all()


def test_new_seed_and_regenerate_at_the_largest_seed_wrap_to_zero(window, qtbot):
    """The largest seed plus one overflowed Qt's spin boxes; it comes back to 0."""
    panel = window.training_panel
    panel.seed.setValue(2**31 - 1)
    assert window.settle()
    assert window.session.settings.seed == 2**31 - 1
    window.acts["new_seed"].trigger()
    assert window.settle()
    assert window.session.settings.seed == 0 and panel.seed.value() == 0
    panel.seed.setValue(2**31 - 1)
    panel.new_seed.click()
    assert window.settle()
    assert window.session.settings.seed == 0
    data = window.data_panel
    data.seed.setValue(2**31 - 1)
    data.regenerate.click()
    assert window.settle()
    assert data.seed.value() == 0 and window.session.data_spec.seed == 0


def test_a_floating_inspector_and_presenter_mode_give_no_qt_warning(window, qtbot):
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    seen: list[str] = []

    def handler(kind, context, text):
        if kind != QtMsgType.QtDebugMsg and not text.startswith("This plugin does not support"):
            seen.append(text)

    old = qInstallMessageHandler(handler)
    try:
        dock = window.docks["inspector"]
        dock.setFloating(True)
        dock.show()
        window.acts["presenter"].trigger()
        window.acts["presenter"].trigger()
        window.resize(1024, 700)
        qtbot.wait(20)
    finally:
        qInstallMessageHandler(old)
    assert seen == []


def test_unit_maps_of_a_huge_network_warn_about_nothing():
    import warnings

    from mlpstudio.core import Network
    from mlpstudio.core import boundary as core_boundary

    net = Network([2, 3, 1], ["linear", "linear"], seed=0)
    net.params[:] = 1e30
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        maps = core_boundary.unit_maps(net, (-1e10, 1e10), (-1e10, 1e10), 8)
    assert maps[0].shape == (3, 8, 8)


def test_the_session_owns_the_points_and_their_undo_stack(window, qtbot):
    from PySide6.QtCore import Qt

    s = window.session
    assert window.editor.points is s.points
    n = s.raw.n_points
    window.editor.add_point(0.1, 0.1)
    assert s.points.can_undo and s.raw.n_points == n + 1
    plot = window.data_plot.plot_widget
    plot.setFocus()
    qtbot.keyClick(plot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert s.raw.n_points == n and s.points.can_redo


def test_the_optimiser_table_decides_which_network_a_rule_can_train(window):
    s = window.session
    window.training_panel.optimizer.setCurrentText("perceptron")  # 2-4-1 sigmoid: refused
    assert s.settings.optimizer == "gd"
    assert "perceptron rule needs" in window.status.message.text()
    assert window.training_panel.optimizer.currentText() == "gd"  # the panel shows the truth

    window.teaching.open_lesson("one-neuron")
    assert window.settle()
    if s.settings.optimizer == "perceptron":  # a new hidden layer: back to gradient descent
        window.network_panel.add_layer.click()
        assert window.settle()
        assert s.settings.optimizer == "gd" and "gradient descent" in window.status.message.text()
        assert s.net.sizes[1:-1] and s.can_train()
