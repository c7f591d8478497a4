"""The back-propagation stepper: its stages are the engine's numbers, and applying is a step."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from mlpstudio.core import datasets
from mlpstudio.core.network import Network
from mlpstudio.core.notation import param_label, plain
from mlpstudio.core.quiz import bias_exercise, check, parse_answer, revealed_by
from mlpstudio.core.stepper import BackpropStepper
from mlpstudio.core.training import Trainer, TrainSettings
from mlpstudio.core.worked import Formula

XOR = datasets.generate("xor")


@pytest.fixture
def net():
    return Network([2, 2, 1], "sigmoid", seed=3)


def _one_point(net):
    return np.array([[1.0, 0.0]]), net.encode(np.array([1]))


def _trainer_step(net, X, y, lr):
    trained = net.copy()
    trainer = Trainer(trained, X, y, settings=TrainSettings(optimizer="gd", learning_rate=lr))
    trainer.step("batch")
    return trained


def test_stages_follow_the_lecture_for_one_point(net):
    st = BackpropStepper(net, *_one_point(net), 0.5)
    assert [(s.kind, s.layer) for s in st.stages] == [
        ("z", 2),
        ("a", 2),
        ("z", 3),
        ("a", 3),
        ("delta", 3),
        ("delta", 2),
        ("grad", 2),
        ("grad", 3),
        ("update", 2),
        ("update", 3),
        ("cost", 3),
    ]
    assert [s.index for s in st.stages] == list(range(len(st)))


def test_a_batch_adds_the_average_stages(net):
    st = BackpropStepper(net, XOR.X, net.encode(XOR.y), 0.5)
    kinds = [s.kind for s in st.stages]
    assert kinds.count("mean") == 2
    assert kinds.index("mean") > max(i for i, k in enumerate(kinds) if k == "grad")


@pytest.mark.parametrize("batch", [False, True])
def test_stage_values_are_the_engines_pass(net, batch):
    X, Y = (XOR.X, net.encode(XOR.y)) if batch else _one_point(net)
    st = BackpropStepper(net, X, Y, 0.5)
    fw = net.forward(X)
    bw = net.backward(fw, Y)
    for i in range(2):
        l = i + 2
        np.testing.assert_array_equal(st.stage("z", l).values, fw.z[i])
        np.testing.assert_array_equal(st.stage("a", l).values, fw.a[i + 1])
        np.testing.assert_array_equal(st.stage("delta", l).values, bw.delta[i])
        grad = st.stage("grad", l)
        for p in range(len(X)):  # each point's gradient is the engine's pass on that point
            one = net.backward(net.forward(X[p : p + 1]), Y[p : p + 1])
            np.testing.assert_array_equal(grad.values[p], one.grad_W[i])
            np.testing.assert_array_equal(grad.bias[p], one.grad_b[i])
        if batch:
            np.testing.assert_array_equal(st.stage("mean", l).values, bw.grad_W[i])
            np.testing.assert_array_equal(st.stage("mean", l).bias, bw.grad_b[i])
        else:
            np.testing.assert_array_equal(grad.values[0], bw.grad_W[i])
    assert st.cost_before == bw.cost


@pytest.mark.parametrize(
    ("sizes", "acts", "loss", "batch"),
    [
        ([2, 2, 1], "sigmoid", "squared_error", False),
        ([2, 2, 1], "sigmoid", "squared_error", True),
        ([2, 3, 4, 3], ["tanh", "relu", "softmax"], "cross_entropy", True),
        ([2, 3, 3], ["tanh", "softmax"], "squared_error", True),
        ([2, 4, 1], ["relu", "linear"], "squared_error", True),
    ],
)
def test_applying_the_step_equals_one_trainer_gd_step(sizes, acts, loss, batch):
    net = Network(sizes, acts, loss=loss, seed=5)
    ds = datasets.generate("blobs", points=12, seed=2, classes=3) if sizes[-1] == 3 else XOR
    X, y = (ds.X, ds.y) if batch else (ds.X[2:3], ds.y[2:3])
    before = net.params.copy()
    st = BackpropStepper(net, X, net.encode(y, ds.n_classes), 0.7)
    np.testing.assert_array_equal(net.params, before)  # the caller's network is untouched
    expected = _trainer_step(net, X, y, 0.7)
    applied = net.copy()
    st.apply(applied)
    np.testing.assert_array_equal(applied.params, expected.params)
    # the update stages hold the same new weights, and the cost stage the engine's new cost
    for i in range(len(net.weights)):
        upd = st.stage("update", i + 2)
        np.testing.assert_array_equal(upd.values, expected.weights[i])
        np.testing.assert_array_equal(upd.bias, expected.biases[i])
        np.testing.assert_array_equal(upd.previous, net.weights[i])
    assert st.stage("cost", 0).values[0] == expected.cost(X, net.encode(y, ds.n_classes))


def test_every_formula_ends_in_the_stage_value(net):
    st = BackpropStepper(net, XOR.X, net.encode(XOR.y), 0.5)
    for s in st.stages:
        for j, k in s.items():
            for p in range(st.n_points):
                f = s.formula(j, k, p)
                if s.kind in ("z", "a", "delta"):
                    assert f.result == s.values[p, j]
                elif s.kind == "grad":
                    truth = s.bias[p, j] if k is None else s.values[p, j, k]
                    assert f.result == truth
                elif s.kind in ("mean", "update"):
                    assert f.result == (s.bias[j] if k is None else s.values[j, k])
                else:
                    assert f.result == s.values[0]


def _evaluate(numeric: str) -> float:
    """The substituted numbers of a formula, evaluated: checks they were the right numbers."""
    text = plain(numeric).replace("·", "*").replace("−", "-").replace("^", "**")
    text = text.replace("²", "**2")
    text = re.sub(r"step\(([^)]*)\)", r"(1.0 if \1 >= 0 else 0.0)", text)
    names = {"e": math.e, "exp": math.exp, "tanh": math.tanh, "max": max, "ln": math.log}
    return eval(text, names)


@pytest.mark.parametrize(
    ("sizes", "acts", "loss"),
    [
        ([2, 3, 1], "sigmoid", "squared_error"),
        ([2, 3, 1], "tanh", "squared_error"),
        ([2, 3, 1], ["relu", "linear"], "squared_error"),
        ([2, 3, 2], ["tanh", "sigmoid"], "cross_entropy"),
        ([2, 3, 3], ["tanh", "softmax"], "cross_entropy"),
        ([2, 3, 3], ["sigmoid", "softmax"], "squared_error"),
    ],
)
def test_substituted_numbers_give_the_result(sizes, acts, loss):
    net = Network(sizes, acts, loss=loss, seed=2)
    Y = net.encode(np.array([1]), max(sizes[-1], 2))
    st = BackpropStepper(net, np.array([[0.7, -0.4]]), Y, 0.3)
    for s in st.stages:
        for j, k in s.items():
            f = s.formula(j, k)
            got = _evaluate(f.numeric)
            # 4 significant digits per number: agreement to about 1e-3 relative
            assert got == pytest.approx(f.result, rel=5e-3, abs=5e-4), f.text()


def test_formula_text_reads_like_the_lecture(net):
    st = BackpropStepper(net, *_one_point(net), 0.5)
    f = st.stage("delta", 2).formula(0)
    assert isinstance(f, Formula)
    text = f.text()
    assert text.startswith("δ_1^(2) = (Σ_k δ_k^(3) w_k1^(3)) g'(z_1^(2)) = (")
    assert text.endswith(f"= {text.rsplit('= ', 1)[1]}")
    assert "g'(z_{1}^{(2)}) = a_{1}^{(2)} (1 − a_{1}^{(2)})" in f.details[0]
    z = st.stage("z", 2).formula(1).text()
    assert z.startswith("z_2^(2) = Σ_k w_2k^(2) x_k + b_2^(2) = ")
    out = st.stage("delta", 3).formula(0).text()
    # the lecture writes the output's a_1^(3) as a_1 in δ^(L) and E_x
    assert out.startswith("δ_1^(3) = 2 (a_1 − y_1) g'(z_1^(3)) = 2·(")
    upd = st.stage("update", 3).formula(0, 1).text()
    assert upd.startswith("w_12^(3) ← w_12^(3) − η ∂E/∂w_12^(3) = ")
    bias = st.stage("grad", 2).formula(1, None).text()
    assert bias.startswith("∂E_x/∂b_2^(2) = δ_2^(2) = ")
    assert bias.count("=") == 2  # no repeated number


def test_names_use_the_lecture_notation(net):
    names = [plain(param_label(net, i)) for i in range(net.n_params)]
    assert names[:4] == ["w_11^(2)", "w_12^(2)", "w_21^(2)", "w_22^(2)"]
    assert names[-3:] == ["b_1^(2)", "b_2^(2)", "b_1^(3)"]
    big = Network([12, 11, 1], seed=0)
    assert plain(param_label(big, 11 * 12 - 1)) == "w_11,12^(2)"


def test_units_and_edges_for_highlighting(net):
    st = BackpropStepper(net, *_one_point(net), 0.5)
    d2 = st.stage("delta", 2)
    assert d2.units == [(0, 0), (0, 1), (1, 0)]
    assert d2.edges == [(1, 0, 0), (1, 0, 1)]
    assert d2.involved(1) == ([(0, 1), (1, 0)], [(1, 0, 1)])
    z2 = st.stage("z", 2)
    assert z2.units == [(-1, 0), (-1, 1), (0, 0), (0, 1)]
    assert z2.edges == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)]
    assert z2.involved(0) == ([(-1, 0), (-1, 1), (0, 0)], [(0, 0, 0), (0, 0, 1)])
    g3 = st.stage("grad", 3)
    assert g3.involved(0, 1) == ([(0, 1), (1, 0)], [(1, 0, 1)])
    assert g3.involved(0, None) == ([(1, 0)], [])
    assert st.stage("delta", 3).units == [(1, 0)]
    assert st.stage("delta", 3).edges == []


def test_quiz_items_cover_every_value_and_check_has_a_tolerance(net):
    st = BackpropStepper(net, *_one_point(net), 0.5)
    items = st.quiz_items()
    assert len(items) == sum(len(s.items()) for s in st.stages)
    assert [it.stage for it in items] == sorted(it.stage for it in items)
    d = next(it for it in items if plain(it.prompt) == "δ_1^(2)")
    assert d.truth == st.stage("delta", 2).values[0, 0]
    assert check(d.truth * 1.004, d.truth)
    assert check(f"{d.truth:.3f}".replace("-", "−"), d.truth)
    assert not check(d.truth + 0.1, d.truth)
    assert not check("abc", d.truth)
    assert check(0.0005, 0.0)  # the absolute tolerance near zero
    assert parse_answer("−0,25") == -0.25
    assert parse_answer(" 1.5e-3 ") == 0.0015
    assert parse_answer("") is None


def test_the_bias_exercise_confirms_delta_numerically():
    net = Network([2, 3, 2, 1], ["tanh", "sigmoid", "sigmoid"], seed=4)
    X, Y = np.array([[0.3, -0.8]]), np.array([[1.0]])
    bw = net.backward(net.forward(X), Y)
    for i, b in enumerate(net.biases):
        for j in range(len(b)):
            ex = bias_exercise(net, X, Y, i, j)
            assert ex.delta == bw.delta[i][0, j]
            assert ex.agrees and ex.relative_error < 1e-6
            assert ex.numeric == pytest.approx(ex.delta, rel=1e-6, abs=1e-9)
            assert plain(ex.name) == f"b_{j + 1}^({i + 2})"
    batch = bias_exercise(net, XOR.X, net.encode(XOR.y), 1, 0)
    assert batch.n_points == 4 and batch.agrees


def test_step_units_show_a_zero_delta_honestly():
    net = Network([2, 2, 1], "step", seed=0)
    st = BackpropStepper(net, *_one_point(net), 0.5)
    f = st.stage("delta", 2).formula(0)
    assert f.result == 0.0
    assert "flat" in f.details[0]
    assert st.stage("a", 2).formula(0).numeric.startswith("step(")


def test_gradient_check_lists_every_parameter(net):
    st = BackpropStepper(net, XOR.X, net.encode(XOR.y), 0.5)
    gc = st.gradient_check()
    assert len(gc.names) == net.n_params
    assert gc.verdict == "ok"


def test_bad_learning_rate_is_refused(net):
    with pytest.raises(ValueError, match="learning_rate"):
        BackpropStepper(net, *_one_point(net), float("nan"))


def test_a_large_batch_keeps_some_per_point_gradients_and_averages_all(monkeypatch):
    from mlpstudio.core import stepper as stepper_module

    monkeypatch.setattr(stepper_module, "MAX_PER_POINT", 3)
    net = Network([2, 3, 1], "sigmoid", seed=1)
    ds = datasets.generate("xor-clusters", points=10, seed=1)
    st = BackpropStepper(net, ds.X, net.encode(ds.y), 0.5)
    grad = st.stage("grad", 2)
    assert grad.values.shape == (3, 3, 2) and grad.bias.shape == (3, 3)
    one = net.backward(net.forward(ds.X[7:8]), net.encode(ds.y[7:8]))
    assert grad.formula(1, 0, point=7).result == one.grad_W[0][1, 0]
    assert grad.formula(1, None, point=7).result == one.grad_b[0][1]
    mean = st.stage("mean", 2).formula(0, 1)
    assert mean.result == net.backward(net.forward(ds.X), net.encode(ds.y)).grad_W[0][0, 1]
    assert "(5 more)" in mean.numeric and mean.numeric.endswith("/ 10")


@pytest.mark.parametrize(
    ("X", "Y", "words"),
    [
        (np.zeros((0, 2)), np.zeros((0, 1)), "no points"),
        (np.zeros((1, 2)), np.zeros((1, 3)), r"shape \(1, 1\)"),
        (np.zeros((4, 2)), np.zeros((3, 1)), r"shape \(4, 1\)"),
        (np.zeros((2, 2)), np.zeros((1, 2)), r"shape \(2, 1\)"),
    ],
)
def test_points_and_targets_that_do_not_fit_are_refused_in_words(net, X, Y, words):
    with pytest.raises(ValueError, match=words):
        BackpropStepper(net, X, Y, 0.5)


def test_targets_as_a_flat_row_are_accepted(net):
    st = BackpropStepper(net, XOR.X, XOR.y.astype(float), 0.5)
    assert st.Y.shape == (4, 1)
    three = Network([2, 2, 3], "sigmoid", seed=0)
    assert BackpropStepper(three, XOR.X[:1], np.array([0.0, 1.0, 0.0]), 0.5).Y.shape == (1, 3)


def test_the_bias_exercise_keeps_tiny_differences(net):
    ex = bias_exercise(net, np.array([[1.0, 0.0]]), net.encode(np.array([1])), 0, 0)
    assert 0 < ex.relative_error < 1e-6 and ex.agrees


def test_what_a_diagram_prints_that_gives_an_answer_away():
    assert revealed_by("z", 0, 1, None, 1) == [("unit", 0, 1, "z")]
    assert revealed_by("a", 1, 0, None, 1) == [("unit", 1, 0, "a")]
    assert revealed_by("delta", 0, 1, None, 1) == [
        ("unit", 0, 1, "delta"),
        ("bias", 0, 1, "gradient"),
    ]
    assert revealed_by("grad", 1, 0, 2, 1) == [("edge", 1, 0, 2, "gradient")]
    assert revealed_by("grad", 1, 0, None, 1) == [
        ("bias", 1, 0, "gradient"),
        ("unit", 1, 0, "delta"),
    ]
    # A batch's diagram prints means: one point's values are not in sight, the mean gradient is.
    assert revealed_by("z", 0, 1, None, 4) == []
    assert revealed_by("delta", 0, 1, None, 4) == []
    assert revealed_by("grad", 0, 1, 0, 4) == []
    assert revealed_by("mean", 0, 1, 0, 4) == [("edge", 0, 1, 0, "gradient")]
    assert revealed_by("mean", 0, 1, None, 4) == [
        ("bias", 0, 1, "gradient"),
        ("unit", 0, 1, "delta"),
    ]
    # The diagram shows the weights before the step and no cost after it.
    assert revealed_by("update", 0, 1, 0, 1) == [] and revealed_by("cost", 1, 0, None, 1) == []
