"""The network diagram: items per shape, values from the engine, editing, freezing, layout.

Driven as a user would (mouse events on the canvas, the tool buttons) and read back from what it
shows (items, labels, tooltips, the status line, signals), never from its private state.
"""

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolButton, QToolTip

from mlpstudio.core import boundary
from mlpstudio.core import diagnostics as dg
from mlpstudio.core.network import Network
from mlpstudio.core.numformat import num
from mlpstudio.core.training import Trainer, TrainSettings, snapshot
from mlpstudio.ui.views.diagram import render_png

SHAPES = [
    ([2, 2, 1], "sigmoid"),
    ([2, 8, 8, 3], ["tanh", "tanh", "sigmoid"]),
    ([2, 32, 32, 32, 4], ["relu", "relu", "relu", "sigmoid"]),
    ([3, 5, 2], "sigmoid"),
    ([2, 1], "sigmoid"),
]


def xor():
    X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    return X, y


def vp_point(view, scene_pt: QPointF) -> QPoint:
    return view.scene_to_viewport(scene_pt)


def mode_button(view, mode: str) -> QToolButton:
    """The tool button that switches the edges to ``mode``."""
    return view.findChild(QToolButton, f"edge_mode_{mode}")


def wheel(view, scene_pt: QPointF, notches: float, mods=Qt.KeyboardModifier.NoModifier):
    pos = QPointF(vp_point(view, scene_pt))
    vp = view.canvas.viewport()
    ev = QWheelEvent(
        pos,
        QPointF(vp.mapToGlobal(pos.toPoint())),
        QPoint(),
        QPoint(0, int(120 * notches)),
        Qt.MouseButton.NoButton,
        mods,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(vp, ev)


# ---- structure ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("sizes", "acts"), SHAPES)
def test_item_counts_per_shape(view, sizes, acts):
    net = Network(sizes, acts, seed=0)
    view.set_network(net)
    assert len(view.unit_items()) == sum(sizes)
    assert len(view.edge_items()) == net.n_weights
    assert len(view.bias_items()) == sum(sizes[1:])
    # Edges and biases are in the order of net.params.
    assert [e.index for e in view.edge_items()] == list(range(net.n_weights))
    assert [b.index for b in view.bias_items()] == list(range(net.n_weights, net.n_params))
    for rec in view.edge_items()[:50]:
        assert rec.value == net.weights[rec.layer][rec.j, rec.k]


def test_rebuilds_only_when_the_shape_changes(view):
    net = Network([2, 4, 1], "sigmoid", seed=0)
    view.set_network(net)
    first = view.unit_items()[3]
    bundle = view.edge_items()[0].bundle
    net.params += 0.1
    view.set_network(net, update=np.full(net.n_params, 0.01))
    assert view.unit_items()[3] is first
    assert view.edge_items()[0].bundle is bundle
    assert view.edge_items()[0].value == pytest.approx(net.weights[0][0, 0])
    view.set_network(Network([2, 4, 1], ["tanh", "sigmoid"], seed=0))
    assert view.unit_items()[3] is not first
    view.set_network(Network([2, 3, 3, 2], "sigmoid", seed=0))
    assert len(view.unit_items()) == 10
    assert len(view.edge_items()) == 6 + 9 + 6
    assert len(view.bias_items()) == 8


def test_keeps_a_copy_of_the_network(view):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    X, y = xor()
    view.set_network(net)
    view.set_selection(X[:1], net.encode(y[:1]))
    before = view.shown_values(1, 0)
    net.params += 1.0  # the caller's live arrays change: the widget shows what it was given
    assert view.shown_values(1, 0) == before
    assert view.edge_items()[0].value != net.weights[0][0, 0]


# ---- values from the engine --------------------------------------------------------------------


def test_shown_values_are_the_engines_a_and_delta_for_a_point(view):
    net = Network([2, 3, 2], ["tanh", "sigmoid"], seed=3)
    X = np.array([[0.4, -0.7]])
    Y = net.encode(np.array([1]))
    view.set_network(net)
    view.set_selection(X, Y)
    fw = net.forward(X)
    bw = net.backward(fw, Y)
    for i in range(2):
        for j in range(net.sizes[i + 1]):
            shown = view.shown_values(i, j)
            assert shown["z"] == fw.z[i][0, j]
            assert shown["a"] == fw.a[i + 1][0, j]
            assert shown["delta"] == bw.delta[i][0, j]
    assert view.shown_values(-1, 1)["a"] == X[0, 1]
    assert math.isnan(view.shown_values(-1, 1)["delta"])
    # The numbers written beside the units are those values.
    assert f"δ {num(bw.delta[0][0, 0])}" in view.value_label(0, 0)
    assert f"a {num(fw.a[2][0, 1])}" in view.value_label(1, 1)


def test_whole_batch_shows_means_and_engine_gradients(view):
    net = Network([2, 3, 1], "sigmoid", seed=1)
    X, y = xor()
    Y = net.encode(y)
    view.set_network(net)
    view.set_selection(X, Y)
    fw = net.forward(X)
    bw = net.backward(fw, Y)
    assert view.shown_values(0, 2)["delta"] == pytest.approx(bw.delta[0][:, 2].mean())
    assert view.shown_values(1, 0)["a"] == pytest.approx(fw.a[2][:, 0].mean())
    view.set_edge_mode("gradient")
    for rec in view.edge_items():
        assert rec.value == pytest.approx(bw.grad_W[rec.layer][rec.j, rec.k])
    for b in view.bias_items():
        assert b.value == pytest.approx(bw.grad_b[b.layer][b.j])
    assert "whole batch (4 points)" in view.status_text()


def test_values_follow_new_weights_and_clear_with_the_selection(view):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    X, y = xor()
    view.set_network(net)
    view.set_selection(X[2:3], net.encode(y[2:3]))
    net.weights[1][0, 0] = 3.0
    view.set_network(net)
    fw = net.forward(X[2:3])
    assert view.shown_values(1, 0)["a"] == fw.a[2][0, 0]
    view.set_selection(None, None)
    assert all(math.isnan(v) for v in view.shown_values(0, 0).values())
    assert view.value_label(0, 0) == ""


def test_edge_modes_and_the_switch(view, qtbot):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    X, y = xor()
    update = np.linspace(-0.1, 0.1, net.n_params)
    view.set_network(net, update=update)
    assert mode_button(view, "update").text() == "Δw"
    qtbot.mouseClick(mode_button(view, "update"), Qt.MouseButton.LeftButton)
    assert view.edge_mode() == "update"
    for rec in view.edge_items():
        assert rec.value == pytest.approx(update[rec.index])
    assert view.bias_items()[-1].value == pytest.approx(update[-1])
    qtbot.mouseClick(mode_button(view, "gradient"), Qt.MouseButton.LeftButton)
    assert all(math.isnan(r.value) for r in view.edge_items())  # no selection, no gradient
    view.set_selection(X[:1], net.encode(y[:1]))
    g = net.gradient(X[:1], net.encode(y[:1]))
    assert [r.value for r in view.edge_items()] == pytest.approx(g[: net.n_weights].tolist())
    view.set_edge_mode("weight")
    assert mode_button(view, "weight").isChecked()
    assert not mode_button(view, "gradient").isChecked()
    with pytest.raises(ValueError, match="unknown edge mode"):
        view.set_edge_mode("speed")


def test_thickness_follows_magnitude_on_the_legend_scale(view):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    net.weights[0][...] = [[0.1, -2.0], [1.0, 0.0]]
    view.set_network(net)
    recs = view.edge_items()
    assert recs[1].width > recs[2].width > recs[0].width >= recs[3].width
    # The scale is 2 (the largest |w|, rounded up to 1, 2 or 5 × 10^k): |w| = 1 is half-way.
    thinnest, thickest = recs[3].width, recs[1].width
    assert recs[2].width - thinnest == pytest.approx(0.5 * (thickest - thinnest))
    # Blue for positive weights, red for negative ones.
    blue = {r.k: r.pen.color().blue() > r.pen.color().red() for r in recs[:2]}
    assert blue == {0: True, 1: False}


# ---- tooltips and formulas ---------------------------------------------------------------------


def test_unit_and_edge_tooltips_carry_the_formulas_and_numbers(view, qtbot):
    net = Network([2, 2, 2], "sigmoid", seed=0)
    X = np.array([[0.2, 0.7]])
    Y = net.encode(np.array([1]))
    view.set_network(net, update=np.full(net.n_params, 0.003))
    view.set_selection(X, Y)
    fw = net.forward(X)
    bw = net.backward(fw, Y)
    lines = view.tooltip_lines(("unit", 0, 1))
    delta = next(s for s in lines if s.startswith("δ = (Σ_k δ_k w_kj) g'(z) = ("))
    assert delta.endswith(num(bw.delta[0][0, 1], 4))
    assert any(s.startswith("g'(z) = a (1 − a)") for s in lines)
    edge = view.tooltip_lines(("edge", 1, 0, 1))
    assert any(s.startswith("∂E/∂w_jk = δ_j a_k") for s in edge)
    assert "last update Δw = 0.003" in edge
    bias = view.tooltip_lines(("bias", 1, 1))
    assert bias[0].startswith("b_2^(3)")
    # A real tooltip event over a unit shows it.
    pt = vp_point(view, view.item_center(("unit", 0, 1)))
    vp = view.canvas.viewport()
    QApplication.sendEvent(vp, QHelpEvent(QHelpEvent.Type.ToolTip, pt, vp.mapToGlobal(pt)))
    assert QToolTip.isVisible()
    assert dg.unit_title(net, 0, 1) in QToolTip.text()
    assert "δ = (Σ_k δ_k w_kj) g&#x27;(z)" in QToolTip.text()
    QToolTip.hideText()


# ---- editing ----------------------------------------------------------------------------------


def _follow_edits(view, net):
    """What the main window does: apply the edit to the network and send it back."""
    edits = []

    def apply(index, value):
        edits.append((index, value))
        net.params[index] = value
        view.set_network(net)

    view.weightEdited.connect(apply)
    return edits


def test_double_click_edits_a_weight_and_the_boundary_changes(view, qtbot):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    view.set_plane((-2, 2), (-2, 2))
    view.set_network(net)
    view.flush()
    edits = _follow_edits(view, net)
    before_out = boundary.outputs(net, (-2, 2), (-2, 2), 20, 20)
    before_map = view.unit_items()[2].image.copy()
    hit = ("edge", 0, 1, 0)
    pt = vp_point(view, view.item_center(hit))
    assert view.hit_at(view.canvas.mapToScene(pt)) == hit
    qtbot.mouseDClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=pt)
    assert view.editor.isVisible()
    view.editor.clear()
    qtbot.keyClicks(view.editor, "-1.75")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    index = net.param_index("w", 0, 1, 0)
    assert edits == [(index, -1.75)]
    assert net.weights[0][1, 0] == -1.75
    assert not view.editor.isVisible()
    assert view.edge_items()[index].value == -1.75
    assert not np.allclose(boundary.outputs(net, (-2, 2), (-2, 2), 20, 20), before_out)
    view.flush()
    assert view.unit_items()[3].image != before_map or view.unit_items()[2].image != before_map


def test_double_click_edits_the_output_bias(view, qtbot):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    view.set_network(net)
    edits = _follow_edits(view, net)
    pt = vp_point(view, view.item_center(("bias", 1, 0)))
    qtbot.mouseDClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=pt)
    view.editor.setText("−0.5")  # a true minus sign, as the diagram writes it
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    assert edits == [(net.param_index("b", 1, 0), -0.5)]
    assert net.biases[1][0] == -0.5
    assert view.bias_items()[-1].value == -0.5


def test_double_click_on_a_written_number_edits_its_weight(view, qtbot):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    view.set_network(net)
    edits = _follow_edits(view, net)
    label = view.edge_label(1, 0, 1)
    assert label is not None and label.text() == num(net.weights[1][0, 1], 2)
    pt = vp_point(view, label.mapRectToScene(label.boundingRect()).center())
    qtbot.mouseDClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=pt)
    view.editor.setText("2")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    assert edits == [(net.param_index("w", 1, 0, 1), 2.0)]


def test_editor_escape_cancels_and_nonsense_is_refused(view, qtbot):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    view.set_network(net)
    edits = _follow_edits(view, net)
    assert view.open_editor(("edge", 1, 0, 1))
    view.editor.setText("abc")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    assert view.editor.isVisible() and edits == []
    qtbot.keyClick(view.editor, Qt.Key.Key_Escape)
    assert not view.editor.isVisible() and edits == []
    assert not view.open_editor(("unit", 0, 0))


def test_wheel_nudges_weights_and_biases(view):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    view.set_network(net)
    edits = _follow_edits(view, net)
    w0 = float(net.weights[1][0, 1])
    wheel(view, view.item_center(("edge", 1, 0, 1)), 1)
    assert net.weights[1][0, 1] == pytest.approx(w0 + 0.05)
    wheel(view, view.item_center(("edge", 1, 0, 1)), -1, Qt.KeyboardModifier.ShiftModifier)
    assert net.weights[1][0, 1] == pytest.approx(w0 + 0.05 - 0.5)
    b0 = float(net.biases[0][1])
    wheel(view, view.item_center(("bias", 0, 1)), 2)
    assert net.biases[0][1] == pytest.approx(b0 + 0.1)
    assert len(edits) == 3
    wheel(view, QPointF(3, 3), 1)  # over nothing: no edit
    assert len(edits) == 3


# ---- freezing ---------------------------------------------------------------------------------


def test_freeze_from_the_menu_and_training_leaves_the_weight_alone(view):
    X, y = xor()
    net = Network([2, 3, 1], "sigmoid", seed=2)
    trainer = Trainer(net, X, y, settings=TrainSettings(learning_rate=2.0))
    view.set_network(net, trainer.update, trainer.frozen)
    view.freezeToggled.connect(trainer.set_frozen)
    toggles = []
    view.freezeToggled.connect(lambda i, f: toggles.append((i, f)))
    hit = ("edge", 0, 2, 1)
    index = net.param_index("w", 0, 2, 1)
    menu = view.context_menu(vp_point(view, view.item_center(hit)))
    freeze = next(a for a in menu.actions() if a.objectName() == "freeze")
    assert not freeze.isChecked()
    freeze.trigger()
    menu.close()
    assert toggles == [(index, True)]
    assert view.edge_items()[index].frozen
    bias_hit = ("bias", 1, 0)
    menu = view.context_menu(vp_point(view, view.item_center(bias_hit)))
    next(a for a in menu.actions() if a.objectName() == "freeze").trigger()
    menu.close()
    b_index = net.param_index("b", 1, 0)
    assert toggles[-1] == (b_index, True)
    w_before, b_before = float(net.params[index]), float(net.params[b_index])
    others = net.params.copy()
    trainer.run(epochs=50)
    snap = snapshot(trainer)
    view.set_network(snap.network(), snap.update, trainer.frozen)
    assert net.params[index] == w_before and net.params[b_index] == b_before
    assert snap.update[index] == 0.0
    changed = np.flatnonzero(net.params != others)
    assert len(changed) == net.n_params - 2
    rec = view.edge_items()[index]
    assert rec.frozen and rec.value == w_before
    assert view.bias_items()[-1].frozen
    assert rec.pen.style() == Qt.PenStyle.DashLine
    assert view.edge_items()[0].pen.style() == Qt.PenStyle.SolidLine
    # Unfreezing works the same way.
    menu = view.context_menu(vp_point(view, view.item_center(hit)))
    next(a for a in menu.actions() if a.objectName() == "freeze").trigger()
    menu.close()
    assert toggles[-1] == (index, False) and not trainer.frozen[index]


# ---- units: click, maps, diagnostics -----------------------------------------------------------


def test_clicking_a_unit_asks_for_its_map(view, qtbot):
    net = Network([2, 3, 1], "sigmoid", seed=0)
    view.set_network(net)
    clicks = []
    view.unitClicked.connect(lambda i, j: clicks.append((i, j)))
    vp = view.canvas.viewport()

    def click(i, j):
        pos = vp_point(view, view.item_center(("unit", i, j)))
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=pos)

    click(0, 1)
    assert clicks == [(0, 1)] and view.selected_unit() == (0, 1)
    click(1, 0)
    assert clicks[-1] == (1, 0) and view.unit_items()[5].selected
    click(1, 0)
    assert clicks[-1] == (-1, -1) and view.selected_unit() is None
    click(-1, 0)
    assert len(clicks) == 3  # inputs have no map of their own
    click(0, 2)
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=QPoint(4, 200))  # empty space
    assert clicks[-2:] == [(0, 2), (-1, -1)]


def test_unit_maps_are_the_engines_and_are_computed_once_per_turn(view, qtbot, monkeypatch):
    net = Network([2, 3, 2], ["tanh", "sigmoid"], seed=0)
    planes = []
    real = dg.plane

    def plane(*args, **kwargs):
        planes.append(real(*args, **kwargs))
        return planes[-1]

    monkeypatch.setattr(dg, "plane", plane)
    view.set_plane((-1, 1), (-2, 2))
    for _ in range(5):
        net.params += 0.01
        view.set_network(net)
    assert planes == []  # nothing is computed before the event loop turns
    qtbot.waitUntil(lambda: len(planes) == 1)
    view.flush()  # nothing left pending
    assert len(planes) == 1
    maps = boundary.unit_maps(net, (-1, 1), (-2, 2), n=20)
    np.testing.assert_allclose(planes[0].maps[0], maps[0], rtol=1e-6)
    units = view.unit_items()
    assert all(u.image is not None and u.image.width() == math.ceil(2 * u.r) for u in units[2:])
    assert units[0].image is None  # inputs draw their name, not a map
    assert view.map_levels(0, 1) == (-1.0, 1.0)


def test_saturated_units_are_marked(view):
    net = Network([2, 2, 2, 1], ["step", "sigmoid", "sigmoid"], seed=0)
    net.weights[1][...] = 0.0
    net.biases[1][...] = [30.0, 0.0]  # unit 1 of layer 3 is stuck at a = 1
    view.set_network(net)
    view.flush()
    flags = [u.saturated for u in view.unit_items()]
    assert flags == [False, False, True, True, True, False, False]
    lines = view.tooltip_lines(("unit", 0, 0))
    assert any("step unit" in s for s in lines)


def test_gradient_bars_show_the_engines_layer_norms(view):
    net = Network([2, 4, 4, 1], "sigmoid", seed=0)
    X, y = xor()
    view.set_network(net)
    assert all(b.norm is None for b in view.gradient_bars())
    view.set_selection(X, net.encode(y))
    bw = net.backward(net.forward(X), net.encode(y))
    for i, bar in enumerate(view.gradient_bars()):
        expected = np.sqrt((bw.grad_W[i] ** 2).sum() + (bw.grad_b[i] ** 2).sum())
        assert bar.norm == pytest.approx(expected)
        assert bar.text() == num(bar.norm, 2)


def test_highlight_marks_and_clears(view):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    view.set_network(net)
    view.highlight([(-1, 0), (1, 0)], [(0, 1, 1)])
    units = view.unit_items()
    assert [u.highlighted for u in units] == [True, False, False, False, True]
    assert [r.highlighted for r in view.edge_items()] == [False, False, False, True, False, False]
    view.highlight([], [])
    assert not any(u.highlighted for u in units)
    assert not any(r.highlighted for r in view.edge_items())


# ---- layout -----------------------------------------------------------------------------------


def _rect(item):
    return item.mapRectToScene(item.boundingRect())


DEEP = ([2] + [32] * 6 + [4], ["tanh"] * 6 + ["sigmoid"])  # 8 layers, 32 units wide


@pytest.mark.parametrize(("sizes", "acts"), [*SHAPES[:3], DEEP])
@pytest.mark.parametrize("size", [(700, 500), (420, 320), (440, 600), (1300, 850)])
def test_labels_never_overlap_and_fit(view, qtbot, sizes, acts, size):
    net = Network(sizes, acts, seed=0)
    view.resize(*size)
    view.set_network(net, frozen=np.arange(net.n_params) % 7 == 0)
    view.set_selection(np.array([[0.3, -0.2]]), net.encode(np.array([1]), max(2, sizes[-1])))
    qtbot.waitUntil(lambda: view.canvas.viewport().width() > 0)
    labels = view.visible_labels()
    rects = [_rect(t) for t in labels]
    for a in range(len(rects)):
        for b in range(a + 1, len(rects)):
            assert not rects[a].intersects(rects[b]), (labels[a].text(), labels[b].text())
    scene = view.canvas.scene().sceneRect()
    units = view.unit_items()
    for t, r in zip(labels, rects, strict=True):
        assert scene.contains(r), t.text()
        if not t.boxed:  # a layer's header, above the units
            continue
        for u in units:
            assert not r.intersects(u.footprint()), (t.text(), u.layer, u.j)
    for u in units:
        assert scene.contains(u.footprint())
    locks = [rec.lock_rect() for rec in view.edge_items() if rec.frozen]
    assert len(locks) == np.count_nonzero(np.arange(net.n_weights) % 7 == 0)
    for lock in locks:  # padlocks of frozen weights stay readable too
        assert not any(lock.intersects(r) for r in rects)
    if sizes == [2, 2, 1] and size != (420, 320):
        assert all(view.value_label(i, j) for i in (-1, 0, 1) for j in range(sizes[i + 1]))


def test_resize_theme_and_presenter_relayout_in_place(view, qtbot):
    net = Network([2, 8, 8, 3], ["tanh", "tanh", "sigmoid"], seed=0)
    view.set_network(net)
    items = view.unit_items()
    x_before = items[-1].pos().x()
    view.resize(1000, 700)
    qtbot.waitUntil(lambda: items[-1].pos().x() != x_before)
    header = view.visible_labels()[0]
    assert not header.boxed
    height = header.boundingRect().height()
    view.set_theme("dark")
    view.set_presenter(True)
    assert view.unit_items() == items
    assert header.boundingRect().height() > height  # bigger text for the room
    view.set_presenter(False)
    view.set_theme("light")


def test_render_png(view, tmp_path):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    X, y = xor()
    view.set_network(net)
    view.set_selection(X[:1], net.encode(y[:1]))
    path = render_png(view, tmp_path / "net.png")
    assert path.stat().st_size > 1000


def test_selection_with_other_inputs_is_dropped_on_rebuild(view):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    view.set_network(net)
    view.set_selection(np.array([[0.1, 0.2]]), np.array([[1.0]]))
    view.set_network(Network([3, 2, 1], "sigmoid", seed=0))
    assert view.status_text().startswith("click a point")
    assert math.isnan(view.shown_values(0, 0)["a"])


def test_three_inputs_have_no_maps_and_saturation_comes_from_the_batch(view):
    net = Network([3, 4, 2], ["relu", "sigmoid"], seed=0)
    net.biases[0][...] = [-50.0, 0.0, 0.0, 0.0]  # unit 1 is a dead ReLU on every point
    X = np.random.default_rng(0).normal(size=(20, 3))
    view.set_network(net)
    view.set_selection(X, net.encode(np.arange(20) % 2))
    view.flush()
    units = view.unit_items()
    assert all(u.image is None for u in units)
    assert [u.saturated for u in units[3:7]] == [True, False, False, False]
    lines = view.tooltip_lines(("unit", 0, 0))
    assert any("of the selected points" in s for s in lines)


# ---- mouse and tool bar ------------------------------------------------------------------------


def test_hovering_emits_what_is_under_the_mouse(view, qtbot):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    view.set_network(net)
    seen = []
    view.hovered.connect(seen.append)
    vp = view.canvas.viewport()
    for hit in [("unit", 0, 1), ("edge", 1, 0, 1), ("bias", 0, 0), ("unit", -1, 0)]:
        # From empty space each time: a move to where the cursor already is sends no event.
        qtbot.mouseMove(vp, QPoint(3, 3))
        qtbot.mouseMove(vp, vp_point(view, view.item_center(hit)))
        assert seen and seen[-1] == hit
    qtbot.mouseMove(vp, QPoint(3, 3))  # empty space
    assert seen[-1] is None


def test_the_numbers_button_hides_and_shows_the_numbers(view, qtbot):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    X, y = xor()
    view.set_network(net)
    view.set_selection(X[:1], net.encode(y[:1]))
    assert view.value_label(0, 0).startswith("z ")
    assert view.edge_label(1, 0, 1) is not None
    button = view.findChild(QToolButton, "numbers")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert view.value_label(0, 0) == ""
    assert view.edge_label(1, 0, 1) is None
    assert all(not t.boxed for t in view.visible_labels())  # only the headers are left
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert view.value_label(0, 0).startswith("z ")
