"""The back-propagation inspector: engine numbers, one gd step on Apply, gradient check, quiz."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mlpstudio.core import datasets
from mlpstudio.core.network import Network
from mlpstudio.core.training import Trainer, TrainSettings
from mlpstudio.ui.views.inspector import Inspector
from mlpstudio.ui.views.inspector.formula import to_html, to_unicode

XOR = datasets.generate("xor")


@pytest.fixture
def net():
    return Network([2, 2, 1], "sigmoid", seed=3)


@pytest.fixture
def inspector(qtbot, net):
    w = Inspector()
    qtbot.addWidget(w)
    X, Y = np.array([[1.0, 0.0]]), net.encode(np.array([1]))
    w.set_problem(net, X, Y, 0.5, "point 3: x = (1, 0), class 1")
    return w


def _walk_to(w: Inspector, kind: str, layer: int) -> None:
    while not (w.current_stage().kind == kind and w.current_stage().layer == layer):
        w.next_stage()


def test_stage_values_equal_the_engines_pass(inspector, net):
    X, Y = np.array([[1.0, 0.0]]), net.encode(np.array([1]))
    fw = net.forward(X)
    bw = net.backward(fw, Y)
    seen = set()
    while True:
        s = inspector.current_stage()
        i = s.layer - 2
        if s.kind == "z":
            np.testing.assert_array_equal(s.values, fw.z[i])
        elif s.kind == "a":
            np.testing.assert_array_equal(s.values, fw.a[i + 1])
        elif s.kind == "delta":
            np.testing.assert_array_equal(s.values, bw.delta[i])
        elif s.kind == "grad":
            np.testing.assert_array_equal(s.values[0], bw.grad_W[i])
            np.testing.assert_array_equal(s.bias[0], bw.grad_b[i])
        seen.add(s.kind)
        if inspector.stage_index() == len(inspector.stepper().stages) - 1:
            break
        inspector.next_stage()
    assert seen == {"z", "a", "delta", "grad", "update", "cost"}
    # and the table shows them: the δ^(2) row of the δ stage
    while inspector.current_stage().kind != "delta" or inspector.current_stage().layer != 2:
        inspector.prev_stage()
    table = inspector.values_table
    assert table.rowCount() == 2
    assert table.item(0, 0).toolTip() == repr(float(bw.delta[0][0, 0]))


def test_arrow_keys_and_buttons_move_through_the_stages(qtbot, inspector):
    assert inspector.stage_index() == 0
    qtbot.keyClick(inspector, Qt.Key.Key_Right)
    qtbot.keyClick(inspector, Qt.Key.Key_Right)
    assert inspector.stage_index() == 2
    qtbot.keyClick(inspector, Qt.Key.Key_Left)
    assert inspector.stage_index() == 1
    qtbot.mouseClick(inspector.next_button, Qt.MouseButton.LeftButton)
    assert inspector.stage_index() == 2
    qtbot.keyClick(inspector.stage_list, Qt.Key.Key_Right)  # a child view passes them on
    assert inspector.stage_index() == 3
    qtbot.keyClick(inspector, Qt.Key.Key_End)
    assert inspector.current_stage().kind == "cost"
    assert not inspector.next_button.isEnabled()
    inspector.next_stage()  # nothing past the end
    assert inspector.current_stage().kind == "cost"


@pytest.mark.parametrize("batch", [False, True])
def test_stepping_to_the_end_and_applying_is_one_trainer_gd_step(qtbot, net, batch):
    X, y = (XOR.X, XOR.y) if batch else (XOR.X[1:2], XOR.y[1:2])
    w = Inspector()
    qtbot.addWidget(w)
    w.set_problem(net, X, net.encode(y), 0.8, "problem")
    while w.next_button.isEnabled():
        w.next_stage()
    expected = net.copy()
    Trainer(expected, X, y, settings=TrainSettings(optimizer="gd", learning_rate=0.8)).step()
    with qtbot.waitSignal(w.appliedUpdate) as blocker:
        qtbot.mouseClick(w.apply_button, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(blocker.args[0], expected.params)
    # the inspector now steps from the new weights; the caller's network is untouched
    assert w.stage_index() == 0
    np.testing.assert_array_equal(w.stepper().net.params, expected.params)
    assert not np.array_equal(net.params, expected.params)


def test_highlight_for_a_delta_stage(qtbot, inspector):
    _walk_to(inspector, "a", 3)
    with qtbot.waitSignal(inspector.highlightRequested) as blocker:
        inspector.next_stage()  # the output δ^(3)
    assert blocker.args == [[(1, 0)], []]
    with qtbot.waitSignal(inspector.highlightRequested) as blocker:
        inspector.next_stage()  # δ^(2) comes back along the weights of layer 3
    assert blocker.args == [[(0, 0), (0, 1), (1, 0)], [(1, 0, 0), (1, 0, 1)]]
    with qtbot.waitSignal(inspector.focusHighlightRequested) as blocker:
        inspector.set_focus_unit(0, 1)
    assert blocker.args == [[(0, 1), (1, 0)], [(1, 0, 1)]]


def _click_cell(qtbot, inspector, table, row, col):
    inspector.resize(900, 600)
    inspector.show()
    qtbot.waitExposed(inspector)
    pos = table.visualItemRect(table.item(row, col)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_the_formula_is_typeset_with_the_engines_numbers(qtbot, inspector, net):
    _walk_to(inspector, "delta", 2)
    inspector.set_focus_unit(0, 1)
    text = inspector.shown_formula_text()
    bw = net.backward(net.forward(np.array([[1.0, 0.0]])), net.encode(np.array([1])))
    assert text.startswith("δ_2^(2) = (Σ_k δ_k^(3) w_k2^(3)) g'(z_2^(2)) = ")
    assert text.endswith(f"= {float(bw.delta[0][0, 1]):.4g}")
    html = inspector.formula_label.text()
    assert "<sub>" in html and "<sup>(2)</sup>" in html and "_{" not in html
    assert "<i>g</i>′(" in html  # the notation's g' is typeset as a prime
    # clicking a row of the table shows that unit's formula
    _click_cell(qtbot, inspector, inspector.values_table, 0, 0)
    assert inspector.shown_formula_text().startswith("δ_1^(2)")
    _walk_to(inspector, "grad", 3)
    inspector.set_focus_edge(1, 0, 1)
    assert inspector.shown_formula_text().startswith("∂E_x/∂w_12^(3) = δ_1^(3) a_2^(2) = ")
    inspector.set_focus_unit(1, 0)
    assert inspector.shown_formula_text().startswith("∂E_x/∂b_1^(3) = δ_1^(3) = ")


def test_a_batch_shows_per_point_columns_and_a_point_choice(qtbot, net):
    w = Inspector()
    qtbot.addWidget(w)
    w.set_problem(net, XOR.X, net.encode(XOR.y), 0.5, "the whole batch")
    assert w.values_table.columnCount() == 4
    w.set_point(2)
    assert "point 3 of 4" in w.details_label.text()
    assert w.shown_formula_text().startswith("z_1^(2) = Σ_k w_1k^(2) x_k + b_1^(2) = ")
    kinds = [s.kind for s in w.stepper().stages]
    assert "mean" in kinds
    w.set_stage(kinds.index("mean"))
    assert w.shown_formula_text().startswith("∂E/∂w_11^(2) = (1/n) Σ_x ∂E_x/∂w_11^(2) = (")


def test_gradient_check_table_lists_every_parameter_worst_first(qtbot, inspector, net):
    inspector.tabs.setCurrentIndex(1)  # showing the tab runs the check
    table = inspector.check_table
    assert table.rowCount() == net.n_params
    rel = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index(
        "Relative error"
    )
    errors = [float(table.item(r, rel).toolTip().split(":")[0]) for r in range(table.rowCount())]
    assert errors == sorted(errors, reverse=True)
    names = {table.item(r, 0).text() for r in range(table.rowCount())}
    assert "w₁₂⁽³⁾" in names and "b₁⁽²⁾" in names
    assert "ok" in inspector.verdict_label.text()


def test_quiz_accepts_the_right_answer_and_rejects_a_wrong_one(inspector):
    inspector.tabs.setCurrentIndex(2)
    items = inspector.stepper().quiz_items()
    pos = next(n for n, q in enumerate(items) if q.prompt == "δ_{1}^{(2)}")
    inspector.set_question(pos)
    q = inspector.quiz_question()
    assert "Compute" in inspector.question_label.text()
    assert inspector.worked_label.text() == ""  # the value is hidden until answered
    assert not inspector.submit_answer(f"{q.truth + 0.5:.4f}")
    assert "Not quite" in inspector.feedback_label.text()
    assert inspector.worked_label.text() == ""
    assert inspector.submit_answer(f"{q.truth:.4f}".replace("-", "−"))
    assert "Right" in inspector.feedback_label.text()
    assert "<sub>" in inspector.worked_label.text()
    inspector.next_question()
    assert inspector.quiz_question() == items[pos + 1]
    assert inspector.feedback_label.text() == ""


def test_the_bias_exercise_confirms_delta(inspector):
    inspector.tabs.setCurrentIndex(2)
    assert inspector.bias_combo.count() == 3
    inspector.bias_combo.setCurrentIndex(2)
    ex = inspector.run_bias_exercise()
    assert ex.agrees
    assert ex.delta == inspector.stepper().bw.delta[1][0, 0]
    assert "they agree" in inspector.bias_label.text()
    inspector.proof_button.setChecked(True)
    assert not inspector.proof_label.isHidden()


def test_set_problem_keeps_the_stage_for_another_point(qtbot, inspector, net):
    _walk_to(inspector, "delta", 2)
    index = inspector.stage_index()
    inspector.set_problem(net, np.array([[0.0, 1.0]]), net.encode(np.array([1])), 0.5, "p2")
    assert inspector.stage_index() == index
    other = Network([2, 3, 3, 1], seed=1)
    inspector.set_problem(other, np.array([[0.0, 1.0]]), np.array([[1.0]]), 0.5, "p2")
    assert inspector.stage_index() == 0


def test_empty_and_presenter(qtbot):
    w = Inspector()
    qtbot.addWidget(w)
    assert w.shown_formula_text() == ""
    w.next_stage()  # nothing to do, nothing breaks
    assert not w.apply_button.isEnabled()
    w.set_presenter(True)
    w.set_presenter(False)


def test_markup_typesetting():
    assert to_unicode("w_{12}^{(3)}") == "w₁₂⁽³⁾"
    assert to_unicode("a_{c}") == "a_c"  # no subscript c in Unicode: keep the plain spelling
    html = to_html("δ_{1}^{(2)} = a < b")
    assert html == "<i>δ</i><sub>1</sub><sup>(2)</sup> = <i>a</i> &lt; <i>b</i>"
    assert "<i>" not in to_html("tanh(0.5)")


def test_gradient_check_explains_step_units(qtbot):
    w = Inspector()
    qtbot.addWidget(w)
    net = Network([2, 1], "step", seed=1)  # b = 0, so z = 0 exactly at the point (0, 0)
    w.set_problem(net, XOR.X, net.encode(XOR.y), 0.1, "the whole batch")
    gc = w.run_gradient_check()
    assert gc.verdict == "wrong"
    assert "step units" in w.verdict_label.text()
    w.set_theme("dark")
    assert "#F85149" in w.verdict_label.text()
