"""The inspector under random use and in class: empty or ill-fitting problems, stale focus, the
quiz's Check in every state, an honest gradient check, and a quiz that hides its answer."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mlpstudio.core import datasets
from mlpstudio.core.network import Network
from mlpstudio.ui.views.diagram import NetworkView
from mlpstudio.ui.views.inspector import Inspector

XOR = datasets.generate("xor")


@pytest.fixture
def net():
    return Network([2, 2, 1], "sigmoid", seed=3)


@pytest.fixture
def inspector(qtbot, net):
    w = Inspector()
    qtbot.addWidget(w)
    w.resize(800, 500)
    w.set_problem(net, np.array([[1.0, 0.0]]), net.encode(np.array([1])), 0.5, "point 3")
    return w


def _ask(w: Inspector, prompt: str) -> None:
    items = w.stepper().quiz_items()
    w.set_question(next(n for n, q in enumerate(items) if q.prompt == prompt))


# ---- 6 and 10: problems that cannot be stepped -------------------------------------------------


@pytest.mark.parametrize(
    ("X", "Y", "words"),
    [
        (np.zeros((0, 2)), np.zeros((0, 1)), "no points"),
        (np.zeros((1, 2)), np.zeros((1, 3)), "targets"),
        (np.zeros((4, 2)), np.zeros((3, 1)), "targets"),
        (np.zeros((2, 5)), np.zeros((2, 1)), "features"),
    ],
    ids=["no-points", "wide-targets", "fewer-targets", "wide-points"],
)
def test_a_problem_that_cannot_be_stepped_says_why(qtbot, inspector, net, X, Y, words):
    inspector.set_problem(net, X, Y, 0.5, "odd")
    assert inspector.stepper() is None
    assert words in inspector.problem_label.text()
    assert not inspector.apply_button.isEnabled()
    inspector.apply_step()  # nothing to apply, nothing breaks
    inspector.tabs.setCurrentIndex(1)
    assert inspector.run_gradient_check() is None
    inspector.tabs.setCurrentIndex(2)
    assert not inspector.submit_answer("0.5")
    inspector.set_problem(net, XOR.X, net.encode(XOR.y), 0.5, "batch")  # and back to work
    assert inspector.stepper().n_points == 4


def test_apply_after_a_refused_problem_steps_the_last_good_one(qtbot, inspector, net):
    applied = []
    inspector.appliedUpdate.connect(applied.append)
    other = Network([2, 5, 1], "sigmoid", seed=0)
    inspector.set_problem(other, np.zeros((0, 2)), np.zeros((0, 1)), 0.5, "empty")
    inspector.set_problem(net, np.array([[1.0, 0.0]]), net.encode(np.array([1])), 0.5, "p")
    inspector.apply_step()
    assert len(applied) == 1 and applied[0].shape == (net.n_params,)


# ---- 7: focus on units and weights that do not exist ------------------------------------------


def test_focus_out_of_range_falls_back_to_a_real_item(qtbot, inspector):
    for stage in range(len(inspector.stepper().stages)):
        inspector.set_stage(stage)
        inspector.set_focus_unit(7, 9)
        inspector.set_focus_unit(0, -4)
        inspector.set_focus_edge(5, 9, 9)
        inspector.set_focus_edge(0, 1, 99)
        assert inspector.focus_item() in inspector.current_stage().items()
        assert inspector.shown_formula_text()
    inspector.clear()
    inspector.set_focus_unit(3, 3)
    inspector.set_focus_edge(3, 3, 3)
    inspector.set_point(5)


# ---- 8: the quiz's Check in every state --------------------------------------------------------


def test_check_with_nothing_or_nonsense_asks_for_a_number(qtbot, inspector):
    inspector.tabs.setCurrentIndex(2)
    qtbot.mouseClick(inspector.answer_button, Qt.MouseButton.LeftButton)
    assert "Type a number" in inspector.feedback_label.text()
    inspector.answer_edit.setText("abc")
    qtbot.keyClick(inspector.answer_edit, Qt.Key.Key_Return)
    assert "not a number" in inspector.feedback_label.text()
    assert inspector.worked_label.text() == ""


def test_check_twice_after_a_change_and_after_clearing(qtbot, inspector, net):
    inspector.tabs.setCurrentIndex(2)
    q = inspector.quiz_question()
    inspector.answer_edit.setText(f"{q.truth:.6f}")
    qtbot.mouseClick(inspector.answer_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(inspector.answer_button, Qt.MouseButton.LeftButton)
    assert "Right" in inspector.feedback_label.text()
    other = Network([2, 3, 3, 2], "tanh", seed=1)
    inspector.set_problem(other, XOR.X, other.encode(XOR.y), 0.1, "batch")
    qtbot.mouseClick(inspector.answer_button, Qt.MouseButton.LeftButton)
    inspector.answer_edit.setText("0")
    qtbot.keyClick(inspector.answer_edit, Qt.Key.Key_Return)
    inspector.clear()
    qtbot.mouseClick(inspector.answer_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(inspector.reveal_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(inspector.next_question_button, Qt.MouseButton.LeftButton)
    assert not inspector.submit_answer("1")
    assert inspector.quiz_question() is None


def test_random_use_of_the_inspector_never_raises(qtbot, net):
    w = Inspector()
    qtbot.addWidget(w)
    w.show()
    rng = random.Random(3)
    nets = [net, Network([2, 3, 3, 2], "tanh", seed=1), Network([3, 1], "step", seed=2)]
    for it in range(600):
        op = rng.randrange(10)
        if op == 0:
            n = rng.choice(nets)
            m = rng.choice([0, 1, 1, 3])
            X = np.random.default_rng(it).normal(size=(m, n.n_inputs))
            Y = np.zeros((m, rng.choice([n.n_outputs, n.n_outputs, 4])))
            if rng.random() < 0.2:
                n = n.copy()
                n.params[:] = np.nan
            w.set_problem(n, X, Y, 0.5, "p")
        elif op == 1:
            w.clear()
        elif op == 2:
            w.quiz.answer_edit.setText(rng.choice(["", "abc", "0.5", "1e400", "nan", "−1"]))
            w.quiz.answer_button.click()
        elif op == 3:
            w.next_question()
        elif op == 4:
            w.tabs.setCurrentIndex(rng.randrange(3))
        elif op == 5:
            w.apply_step()
        elif op == 6:
            w.reveal_answer()
        elif op == 7:
            w.next_stage()
            w.set_point(rng.randrange(-1, 4))
        elif op == 8:
            w.set_focus_edge(rng.randrange(-1, 4), rng.randrange(4), rng.randrange(4))
        elif op == 9:
            w.run_bias_exercise()
            w.set_presenter(rng.random() < 0.5)


# ---- 5: an honest gradient check --------------------------------------------------------------


def test_the_check_shows_the_real_differences(qtbot, inspector, net):
    inspector.tabs.setCurrentIndex(1)
    table = inspector.check_table
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    diff_col, rel_col = header.index("Difference"), header.index("Relative error")
    gc = inspector.run_gradient_check()
    diffs = [float(table.item(r, diff_col).toolTip()) for r in range(table.rowCount())]
    rels = [float(table.item(r, rel_col).toolTip().split(":")[0]) for r in range(table.rowCount())]
    nonzero = np.flatnonzero(gc.analytic)
    assert len(nonzero) >= 5
    # Back-propagation and central differences differ by round-off, and the table says by how
    # much: about 1e-12 to 1e-9, not 0.
    shown = sorted(d for d in diffs if d > 0)
    assert len(shown) >= len(nonzero) - 1
    assert all(1e-14 < d < 1e-8 for d in shown)
    assert any(
        table.item(r, diff_col).text().startswith(("1", "2", "3", "4", "5", "6", "7", "8", "9"))
        for r in range(table.rowCount())
    )
    assert max(rels) > 0
    assert "ok" in inspector.verdict_label.text()


# ---- 4: the quiz hides its answer from the diagram ---------------------------------------------


def test_the_quiz_asks_the_diagram_to_hide_its_answer(qtbot, inspector):
    asked = []
    inspector.quizAsked.connect(asked.append)
    inspector.show()
    qtbot.waitExposed(inspector)
    inspector.tabs.setCurrentIndex(2)
    _ask(inspector, "δ_{1}^{(2)}")
    assert asked[-1] == [("unit", 0, 0, "delta"), ("bias", 0, 0, "gradient")]
    assert inspector.quiz_asked() == asked[-1]
    q = inspector.quiz_question()
    assert inspector.submit_answer(f"{q.truth:.6f}")
    assert asked[-1] == []  # answered: the diagram may show it again
    _ask(inspector, "z_{1}^{(3)}")
    assert asked[-1] == [("unit", 1, 0, "z")]
    inspector.tabs.setCurrentIndex(0)  # stepping through: nothing hidden
    assert asked[-1] == []
    inspector.tabs.setCurrentIndex(2)
    assert asked[-1] == [("unit", 1, 0, "z")]
    inspector.hide()
    assert asked[-1] == []


def test_wired_to_the_diagram_the_asked_value_is_not_printed(qtbot, inspector, net):
    """How the app is to wire them (through the session): the asked value shows as "?"."""
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    X, Y = np.array([[1.0, 0.0]]), net.encode(np.array([1]))
    view.set_network(net)
    view.set_selection(X, Y)
    inspector.quizAsked.connect(view.set_hidden_values)
    inspector.show()
    inspector.tabs.setCurrentIndex(2)
    for prompt, layer, j, symbol in [("a_{2}^{(2)}", 0, 1, "a"), ("δ_{1}^{(3)}", 1, 0, "δ")]:
        _ask(inspector, prompt)
        q = inspector.quiz_question()
        text = view.value_label(layer, j)
        assert f"{symbol} ?" in text, text
        assert f"{symbol} {view_num(q.truth)}" not in text
        inspector.reveal_answer()
        assert f"{symbol} {view_num(q.truth)}" in view.value_label(layer, j)


def view_num(v: float) -> str:
    from mlpstudio.core.numformat import num

    return num(v)
