"""The diagram under random use: empty selections, stale indices after New, NaN networks, targets
of the wrong width, and a few hundred random gestures, none of which may raise or warn."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from mlpstudio.core.network import Network
from mlpstudio.ui.views.diagram import NetworkView


@pytest.fixture
def view(qtbot):
    v = NetworkView()
    qtbot.addWidget(v)
    v.resize(640, 480)
    v.show()
    qtbot.waitExposed(v)
    return v


def at(view: NetworkView, hit: tuple) -> QPoint:
    return view.scene_to_viewport(view.item_center(hit))


def xor():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([[0.0], [1.0], [1.0], [0.0]])


# ---- 6. a batch of no points ------------------------------------------------------------------


def test_an_empty_selection_shows_a_plain_message(view):
    net = Network([2, 3, 1], "sigmoid", seed=0)
    X, Y = xor()
    view.set_network(net)
    view.set_selection(X, Y)
    view.set_selection(X[:0], Y[:0])
    assert "no points" in view.status_text()
    assert np.isnan(view.shown_values(0, 0)["a"])
    assert all(bar.norm is None for bar in view.gradient_bars())
    view.set_edge_mode("gradient")
    view.set_network(Network([3, 2, 1], "sigmoid", seed=0))  # a 3-input net: batch saturation
    view.set_selection(np.zeros((0, 3)), np.zeros((0, 1)))
    view.flush()
    assert "no points" in view.status_text()


# ---- 7. indices that no longer exist -----------------------------------------------------------


def test_new_network_while_a_follower_reselects_does_not_index_old_items(view, qtbot):
    """The app answers unitClicked by sending the selection again, inside set_network."""
    X, Y = xor()
    view.unitClicked.connect(lambda i, j: view.set_selection(X[:1], Y[:1]))
    view.hovered.connect(lambda hit: view.highlight([(5, 5)], [(4, 4, 4)]))
    view.set_network(Network([2, 5, 5, 5, 1], "tanh", seed=0))
    view.set_selection(X[:1], Y[:1])
    vp = view.canvas.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=at(view, ("unit", 2, 4)))
    qtbot.mouseMove(vp, at(view, ("unit", 2, 4)))
    view.set_network(Network([2, 2, 1], "sigmoid", seed=0))
    assert view.selected_unit() is None
    assert len(view.unit_items()) == 5


def test_out_of_range_marks_are_ignored(view):
    net = Network([2, 2, 1], "sigmoid", seed=0)
    view.set_network(net)
    view.highlight([(5, 0), (0, 9), (-3, 0), (-1, -1)], [(7, 0, 0), (0, 9, 9), (1, 0, -1)])
    assert not any(u.highlighted for u in view.unit_items())
    assert not any(e.highlighted for e in view.edge_items())
    assert view.tooltip_lines(("edge", 4, 0, 0)) == []
    assert view.tooltip_lines(("unit", 3, 7)) == []
    assert not view.open_editor(("bias", 5, 5))
    view.set_hidden_values([("unit", 9, 9, "a"), ("edge", 9, 0, 0, "weight")])


def test_stale_update_and_frozen_arrays_are_not_fatal(view):
    big = Network([2, 4, 1], "sigmoid", seed=0)
    small = Network([2, 1], "sigmoid", seed=0)
    view.set_network(big, np.zeros(big.n_params), np.zeros(big.n_params, bool))
    view.set_edge_mode("update")
    # A snapshot of the old network arriving after New: its arrays have the old length.
    view.set_network(small, np.zeros(big.n_params), np.zeros(big.n_params, bool))
    assert len(view.edge_items()) == 2
    assert not any(e.frozen for e in view.edge_items())


def test_events_after_a_smaller_network_use_the_new_items(view, qtbot):
    view.set_network(Network([2, 6, 6, 2], "tanh", seed=0))
    vp = view.canvas.viewport()
    pos = at(view, ("unit", 1, 5))
    qtbot.mouseMove(vp, pos)
    view.set_network(Network([2, 1], "sigmoid", seed=0))
    for p in (pos, QPoint(vp.width() // 2, vp.height() // 2), QPoint(5, 5)):
        qtbot.mouseMove(vp, p)
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=p)
        qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=p)
        QApplication.sendEvent(vp, QHelpEvent(QEvent.Type.ToolTip, p, vp.mapToGlobal(p)))


# ---- 9. NaN, inf and constant maps -------------------------------------------------------------


@pytest.mark.parametrize("fill", [np.nan, np.inf, 0.0, "half"], ids=["nan", "inf", "zero", "half"])
@pytest.mark.parametrize("acts", ["sigmoid", "relu", "tanh", "step", "linear"])
def test_broken_or_constant_networks_draw_without_warnings(view, qtbot, fill, acts):
    net = Network([2, 3, 2], acts, seed=0)
    X, _ = xor()
    if fill == "half":
        net.params[: net.n_params // 2] = np.nan
    else:
        net.params[:] = fill
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.set_network(net)
        view.set_selection(X[:1], np.array([[1.0, 0.0]]))
        view.flush()
        view.set_selection(X, np.eye(2)[[0, 1, 1, 0]])
        view.set_edge_mode("gradient")
        view.flush()
        for u in view.unit_items():
            view.tooltip_lines(("unit", u.layer, u.j))
        view.set_plane((0.0, 0.0), (1.0, 1.0))  # a plane of no width: constant maps
        view.flush()
        view.set_edge_mode("weight")


def test_three_inputs_with_nan_points_draw_without_warnings(view):
    net = Network([3, 2, 1], "relu", seed=0)
    X = np.array([[np.nan, 0.0, 1.0], [np.inf, 1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.set_network(net)
        view.set_selection(X, np.array([[1.0], [0.0]]))
        view.flush()


# ---- 10. targets of another width --------------------------------------------------------------


def test_targets_that_do_not_fit_the_outputs_are_left_out(view):
    net = Network([2, 3, 1], "sigmoid", seed=0)
    X, _ = xor()
    view.set_network(net)
    for Y in (np.zeros((1, 3)), np.zeros((3, 1)), np.zeros((4, 2)), np.zeros(7), np.zeros((0, 1))):
        view.set_selection(X[:1] if len(Y) == 1 else X, Y)
        a = net.forward(X[:1] if len(Y) == 1 else X).a[1].mean(axis=0)
        assert view.shown_values(0, 0)["a"] == pytest.approx(a[0])
        assert np.isnan(view.shown_values(0, 0)["delta"])  # no δ without fitting targets
    view.set_selection(X[:1], np.ones((1, 1)))  # and a fitting one is used again
    assert not np.isnan(view.shown_values(0, 0)["delta"])


# ---- five minutes of random use -----------------------------------------------------------------


def test_random_gestures_never_raise(view, qtbot):
    rng = random.Random(7)
    nets = [
        Network([2, 2, 1], "step", seed=0),
        Network([2, 4, 4, 3], "tanh", seed=1),
        Network([3, 5, 2], "relu", seed=2),
        Network([2, 1], "sigmoid", seed=3),
    ]
    vp = view.canvas.viewport()
    view.weightEdited.connect(lambda i, v: None)
    view.unitClicked.connect(lambda i, j: None)
    for _ in range(400):
        net = rng.choice(nets)
        op = rng.randrange(10)
        p = QPoint(rng.randrange(vp.width()), rng.randrange(vp.height()))
        if op == 0:
            view.set_network(net)
        elif op == 1:
            m = rng.choice([0, 1, 4])
            n_in = view.unit_items() and sum(1 for u in view.unit_items() if u.layer < 0)
            view.set_selection(np.ones((m, n_in or 2)), np.ones((m, rng.choice([1, 2, 3]))))
        elif op == 2:
            qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=p)
        elif op == 3:
            qtbot.mouseMove(vp, p)
        elif op == 4:
            ev = QWheelEvent(
                QPointF(p),
                QPointF(vp.mapToGlobal(p)),
                QPoint(),
                QPoint(0, rng.choice([-240, 120])),
                Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.NoModifier,
                Qt.ScrollPhase.NoScrollPhase,
                False,
            )
            QApplication.sendEvent(vp, ev)
        elif op == 5:
            view.highlight(
                [(rng.randrange(-1, 4), rng.randrange(6))],
                [(rng.randrange(4), rng.randrange(6), rng.randrange(6))],
            )
        elif op == 6:
            view.set_edge_mode(rng.choice(["weight", "gradient", "update"]))
        elif op == 7 and view.editor.isVisible():
            qtbot.keyClicks(view.editor, rng.choice(["1", "x", "-", "2.5"]))
            qtbot.keyClick(view.editor, rng.choice([Qt.Key.Key_Return, Qt.Key.Key_Escape]))
        elif op == 8:
            view.resize(rng.randrange(250, 900), rng.randrange(250, 700))
        elif op == 9:
            qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=p)
        if rng.random() < 0.1:
            view.flush()
