"""The diagram in a classroom: lesson 3 by hand with single clicks, every number of a small
network in sight, nothing stale after a new network, and the quiz's answer kept out of sight.

Driven with the mouse and keyboard on the canvas (qtbot), read back from what the diagram shows.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from mlpstudio.core.network import Network
from mlpstudio.core.numformat import num
from mlpstudio.ui.views.diagram import NetworkView


def lesson3() -> Network:
    """The network of lesson 3: a 2-2-1 of step units, every weight and bias 0."""
    net = Network([2, 2, 1], "step", seed=0)
    net.params[:] = 0.0
    return net


def follow_edits(view: NetworkView, net: Network) -> list[tuple[int, float]]:
    """What the app does with an edit: apply it to the network and send the network back."""
    edits: list[tuple[int, float]] = []

    def apply(index: int, value: float) -> None:
        edits.append((index, value))
        net.params[index] = value
        view.set_network(net)

    view.weightEdited.connect(apply)
    return edits


def at(view: NetworkView, hit: tuple) -> QPoint:
    """A viewport point over ``hit``."""
    return view.scene_to_viewport(view.item_center(hit))


def click(qtbot, view: NetworkView, pos: QPoint) -> None:
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def wheel_at(widget, pos: QPoint, notches: float) -> None:
    ev = QWheelEvent(
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        QPoint(),
        QPoint(0, int(120 * notches)),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, ev)


def settle() -> None:
    """Let a resize run its course: the legend takes its rows, then the canvas the rest."""
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def type_value(qtbot, view: NetworkView, text: str) -> None:
    view.editor.selectAll()
    qtbot.keyClicks(view.editor, text)


# ---- 1. lesson 3 by hand: a single click, a field, Enter ---------------------------------------


@pytest.mark.parametrize(
    "hit", [("edge", 0, 1, 0), ("edge", 1, 0, 1), ("bias", 0, 1), ("bias", 1, 0)]
)
def test_a_single_click_opens_the_field_and_enter_applies_once(view, qtbot, hit):
    net = lesson3()
    view.set_network(net)
    edits = follow_edits(view, net)
    click(qtbot, view, at(view, hit))
    assert view.selected_param() == hit
    assert view.editor.isVisible()
    assert float(view.editor.text()) == 0.0
    type_value(qtbot, view, "-1.5")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    index = view.param_of(hit)
    assert edits == [(index, -1.5)]
    assert net.params[index] == -1.5
    assert not view.editor.isVisible()
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)  # the field is closed: nothing more
    assert len(edits) == 1


def test_escape_cancels_and_a_click_elsewhere_closes_the_field(view, qtbot):
    net = lesson3()
    view.set_network(net)
    edits = follow_edits(view, net)
    click(qtbot, view, at(view, ("edge", 0, 0, 0)))
    type_value(qtbot, view, "3")
    qtbot.keyClick(view.editor, Qt.Key.Key_Escape)
    assert not view.editor.isVisible() and edits == []
    assert view.selected_param() is None
    click(qtbot, view, at(view, ("bias", 0, 0)))
    assert view.selected_param() == ("bias", 0, 0) and view.editor.isVisible()
    click(qtbot, view, QPoint(3, 3))  # empty canvas
    assert not view.editor.isVisible() and view.selected_param() is None and edits == []


def test_the_wheel_nudges_the_selected_weight_over_it_and_over_its_field(view, qtbot):
    net = lesson3()
    view.set_network(net)
    edits = follow_edits(view, net)
    hit = ("edge", 0, 1, 1)
    index = view.param_of(hit)
    click(qtbot, view, at(view, hit))
    wheel_at(view.canvas.viewport(), at(view, hit), 2)
    assert net.params[index] == pytest.approx(0.1)
    field = view.editor
    wheel_at(field, QPoint(field.width() // 2, field.height() // 2), 1)
    assert net.params[index] == pytest.approx(0.15)
    assert float(field.text().replace("−", "-")) == pytest.approx(0.15)  # the field follows
    qtbot.keyClick(field, Qt.Key.Key_Return)  # Enter applies what the field shows: no jump
    assert net.params[index] == pytest.approx(0.15)
    assert [i for i, _ in edits] == [index] * 3  # two nudges, then Enter


def test_lesson_3_solved_by_hand_in_the_app(window, qtbot):
    """The lesson's gestures in the main window: click, type, Enter; the lesson's check passes."""
    assert window.teaching.open_lesson("xor-by-hand")
    view = window.network_view
    net = window.session.net
    # OR, NAND, AND of the two: the values "Show a solution" would set, typed by hand.
    values = {
        ("edge", 0, 0, 0): 1, ("edge", 0, 0, 1): 1, ("bias", 0, 0): -0.5,
        ("edge", 0, 1, 0): -1, ("edge", 0, 1, 1): -1, ("bias", 0, 1): 1.5,
        ("edge", 1, 0, 0): 1, ("edge", 1, 0, 1): 1, ("bias", 1, 0): -1.5,
    }  # fmt: skip
    window.activateWindow()
    for hit, value in values.items():
        click(qtbot, view, at(view, hit))
        assert view.editor.isVisible(), hit
        field = QApplication.focusWidget()  # the keyboard goes to the field: just type
        assert field is view.editor, hit
        qtbot.keyClicks(field, str(value))
        qtbot.keyClick(field, Qt.Key.Key_Return)
    net = window.session.net
    for hit, value in values.items():
        assert net.params[view.param_of(hit)] == value, hit
    assert window.teaching.check_lesson().passed


# ---- 2. every number of a small network in sight -----------------------------------------------


SMALL = {
    "2-2-1": ([2, 2, 1], ["sigmoid", "sigmoid"]),
    "2-4-1": ([2, 4, 1], ["tanh", "sigmoid"]),
    "2-2-2-1": ([2, 2, 2, 1], ["tanh", "tanh", "sigmoid"]),
}
SIZES = [(300, 300), (380, 340), (480, 420), (640, 480), (900, 700)]


def _rect(item):
    return item.mapRectToScene(item.boundingRect())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("shape", SMALL)
@pytest.mark.parametrize("selected", [False, True], ids=["no-point", "point"])
def test_every_weight_and_bias_of_a_small_network_is_written(view, qtbot, shape, size, selected):
    sizes, acts = SMALL[shape]
    net = Network(sizes, acts, seed=1)
    view.resize(*size)
    view.set_network(net)
    if selected:
        view.set_selection(np.array([[0.3, -0.2]]), np.array([[1.0]]))
    settle()
    for i, W in enumerate(net.weights):
        for j, k in itertools.product(*map(range, W.shape)):
            label = view.edge_label(i, j, k)
            assert label is not None, ("w", i, j, k)
            assert label.text() == num(W[j, k], 2)
    for i, b in enumerate(net.biases):
        for j in range(len(b)):
            label = view.bias_label(i, j)
            assert label is not None, ("b", i, j)
            assert label.text() == num(b[j], 2)
    labels = view.visible_labels()
    rects = [_rect(t) for t in labels]
    for a, b in itertools.combinations(range(len(rects)), 2):
        assert not rects[a].intersects(rects[b]), (labels[a].text(), labels[b].text())
    scene = view.canvas.scene().sceneRect()
    units = view.unit_items()
    for t, r in zip(labels, rects, strict=True):
        assert scene.contains(r), t.text()
        if t.boxed:
            assert not any(r.intersects(u.footprint()) for u in units), t.text()
            assert not any(r.intersects(b.hit_rect()) for b in view.bias_items()), t.text()


@pytest.mark.parametrize("size", [(480, 420), (900, 700)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_larger_network_shows_its_numbers_on_hover(view, qtbot, size):
    net = Network([2, 8, 8, 3], ["tanh", "tanh", "sigmoid"], seed=0)
    view.resize(*size)
    view.set_network(net)
    view.set_selection(np.array([[0.3, -0.2]]), net.encode(np.array([1]), 3))
    settle()
    assert all(view.edge_label(i, 0, 0) is None for i in range(3))  # too many to write
    vp = view.canvas.viewport()
    for hit, value in [
        (("edge", 1, 3, 5), net.weights[1][3, 5]),
        (("edge", 0, 7, 1), net.weights[0][7, 1]),
        (("bias", 1, 2), net.biases[1][2]),
    ]:
        qtbot.mouseMove(vp, QPoint(3, 3))
        qtbot.mouseMove(vp, at(view, hit))
        written = view.bias_label(*hit[1:]) if hit[0] == "bias" else None
        if written is not None:  # in sight already: no second copy under the mouse
            assert written.text() == num(value, 2) and view.hover_text() == ""
            continue
        assert view.hover_text() == num(value, 2), hit
        label = view.hover_label()
        assert label.isVisible() and view.canvas.scene().sceneRect().contains(_rect(label))
    qtbot.mouseMove(vp, QPoint(3, 3))
    assert view.hover_text() == ""
    # A unit whose numbers are not written gets them on hover too.
    hidden = [u for u in view.unit_items() if u.layer >= 0 and not view.value_label(u.layer, u.j)]
    if hidden:
        u = hidden[0]
        qtbot.mouseMove(vp, at(view, ("unit", u.layer, u.j)))
        assert f"a {num(view.shown_values(u.layer, u.j)['a'])}" in view.hover_text()


# ---- 3. never stale ----------------------------------------------------------------------------


def _marks(view: NetworkView) -> dict:
    units, edges, biases = view.unit_items(), view.edge_items(), view.bias_items()
    return {
        "highlighted units": [u for u in units if u.highlighted],
        "hovered units": [u for u in units if u.hovered],
        "selected units": [u for u in units if u.selected],
        "highlighted edges": [e for e in edges if e.highlighted],
        "hovered edges": [e for e in edges if e.bundle.hover is not None],
        "selected edges": [e for e in edges if e.bundle.selected is not None],
        "marked biases": [b for b in biases if b.highlighted or b.hovered or b.selected],
    }


def test_a_network_of_other_sizes_starts_clean(view, qtbot):
    big = Network([2, 4, 4, 1], "sigmoid", seed=0)
    view.set_network(big)
    view.set_selection(np.array([[0.5, 0.5]]), np.array([[1.0]]))
    clicks, hovers = [], []
    view.unitClicked.connect(lambda i, j: clicks.append((i, j)))
    view.hovered.connect(hovers.append)
    vp = view.canvas.viewport()
    click(qtbot, view, at(view, ("unit", 1, 3)))  # its map in the data plot
    view.highlight([(1, 3), (0, 2)], [(1, 3, 2), (2, 0, 3)])
    click(qtbot, view, at(view, ("edge", 2, 0, 3)))  # the field open on w_14^(4)
    qtbot.mouseMove(vp, at(view, ("bias", 1, 2)))
    assert clicks == [(1, 3)] and view.editor.isVisible() and hovers[-1] == ("bias", 1, 2)
    view.set_network(Network([2, 2, 1], "sigmoid", seed=0))  # New, or another lesson
    assert not any(_marks(view).values()), _marks(view)
    assert view.selected_unit() is None and view.selected_param() is None
    assert not view.editor.isVisible()
    assert clicks[-1] == (-1, -1)  # the data plot goes back to the network's output
    assert hovers[-1] is None  # nothing is under the mouse any more
    assert view.hover_text() == ""


def test_new_weights_of_the_same_shape_keep_the_marks(view, qtbot):
    net = Network([2, 3, 1], "sigmoid", seed=0)
    view.set_network(net)
    click(qtbot, view, at(view, ("unit", 0, 1)))
    view.highlight([(0, 2)], [(1, 0, 2)])
    net.params += 0.1  # a training snapshot
    view.set_network(net)
    assert view.selected_unit() == (0, 1)
    assert [u.highlighted for u in view.unit_items()] == [False, False, False, False, True, False]
    assert [e.highlighted for e in view.edge_items()][-1]


def test_highlight_of_nothing_clears_every_mark(view):
    net = Network([2, 3, 2], "sigmoid", seed=0)
    view.set_network(net)
    view.highlight([(-1, 0), (0, 1), (1, 1)], [(0, 2, 1), (1, 1, 0)])
    assert any(u.highlighted for u in view.unit_items())
    view.highlight([], [])
    marks = _marks(view)
    assert not marks["highlighted units"] and not marks["highlighted edges"]
    assert not marks["marked biases"]


# ---- 4. the quiz's answer is not in plain sight ------------------------------------------------


def test_hidden_values_are_written_as_a_question_mark(view, qtbot):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    view.resize(900, 700)
    view.set_network(net)
    view.set_selection(np.array([[1.0, 0.0]]), np.array([[1.0]]))
    delta = view.shown_values(0, 1)["delta"]
    assert f"δ {num(delta)}" in view.value_label(0, 1)
    view.set_hidden_values([("unit", 0, 1, "delta"), ("bias", 0, 1, "gradient")])
    assert "δ ?" in view.value_label(0, 1) and num(delta) not in view.value_label(0, 1)
    assert f"z {num(view.shown_values(0, 1)['z'])}" in view.value_label(0, 1)  # the rest stays
    view.set_edge_mode("gradient")
    assert view.bias_label(0, 1).text() == "?"
    assert view.bias_label(0, 0).text() != "?"
    # Nor on hover, nor in the tooltip.
    vp = view.canvas.viewport()
    qtbot.mouseMove(vp, at(view, ("bias", 0, 1)))
    assert view.hover_text() in ("", "?")
    assert not any(num(delta, 4) in line for line in view.tooltip_lines(("unit", 0, 1)))
    view.set_hidden_values([])
    assert f"δ {num(delta)}" in view.value_label(0, 1)
    assert view.bias_label(0, 1).text() == num(delta, 2)
