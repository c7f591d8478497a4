"""Activations g, g' and losses E_x, δ^(L) against their closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlpstudio.core import activations, losses
from mlpstudio.core.network import Network

Z = np.array([[-3.0, -0.5, 0.0, 0.5, 3.0]])


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_sigmoid_and_its_derivative():
    a = activations.apply("sigmoid", Z)
    np.testing.assert_allclose(a[0], [_sigmoid(v) for v in Z[0]], rtol=1e-15, atol=1e-16)
    assert activations.apply("sigmoid", np.array([0.0]))[0] == 0.5
    d = activations.derivative("sigmoid", Z)
    np.testing.assert_allclose(d, a * (1 - a), rtol=1e-15)
    assert activations.derivative("sigmoid", np.array([0.0]))[0] == 0.25


def test_tanh_and_its_derivative():
    np.testing.assert_allclose(activations.apply("tanh", Z)[0], [math.tanh(v) for v in Z[0]])
    np.testing.assert_allclose(
        activations.derivative("tanh", Z)[0], [1 - math.tanh(v) ** 2 for v in Z[0]], rtol=1e-14
    )
    assert activations.derivative("tanh", np.array([0.0]))[0] == 1.0


def test_relu_and_its_derivative():
    assert activations.apply("relu", Z)[0].tolist() == [0.0, 0.0, 0.0, 0.5, 3.0]
    assert activations.derivative("relu", Z)[0].tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]


def test_step_is_one_at_zero_and_has_zero_derivative():
    assert activations.apply("step", Z)[0].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert not activations.derivative("step", Z).any()
    assert not activations.get("step").trainable


def test_linear_and_its_derivative():
    assert activations.apply("linear", Z).tolist() == Z.tolist()
    assert activations.derivative("linear", Z).tolist() == [[1.0] * 5]


def test_softmax_rows_sum_to_one_are_shift_invariant_and_do_not_overflow():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 5.0, 2.0]])
    a = activations.apply("softmax", z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)
    e = np.exp(z[0])
    np.testing.assert_allclose(a[0], e / e.sum(), rtol=1e-15)
    np.testing.assert_allclose(a[1], [1 / 3] * 3, rtol=1e-15)
    np.testing.assert_allclose(activations.apply("softmax", z + 100.0), a, rtol=1e-13)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        big = activations.apply("softmax", np.array([[1000.0, -1000.0, 0.0], [1000.0, 1000.0, 0]]))
    assert np.isfinite(big).all()
    np.testing.assert_allclose(big, [[1, 0, 0], [0.5, 0.5, 0]], atol=1e-300)
    assert activations.get("softmax").output_only
    np.testing.assert_allclose(activations.derivative("softmax", z), a * (1 - a))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "linear", "step"])
def test_no_overflow_for_huge_inputs(name):
    z = np.array([[-1000.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = activations.apply(name, z)
        d = activations.derivative(name, z)
    assert np.isfinite(a).all()
    assert np.isfinite(d).all()
    if name == "sigmoid":
        assert a.tolist() == [[0.0, 1.0]]


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "linear"])
def test_derivative_matches_finite_differences(name):
    z = np.linspace(-2.5, 2.5, 11)
    h = 1e-6
    numeric = (activations.apply(name, z + h) - activations.apply(name, z - h)) / (2 * h)
    np.testing.assert_allclose(activations.derivative(name, z), numeric, rtol=1e-7, atol=1e-9)


def test_activation_writes_into_out_and_works_in_float32():
    z = Z.astype(np.float32)
    for name in activations.ACTIVATIONS:
        out = np.empty_like(z)
        res = activations.get(name).g(z, out)
        assert res is out
        assert res.dtype == np.float32


def test_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        activations.get("swish")
    assert "softmax" not in activations.HIDDEN_ACTIVATIONS
    assert set(activations.HIDDEN_ACTIVATIONS) == {"linear", "step", "sigmoid", "tanh", "relu"}


# ---- losses -----------------------------------------------------------------------------------

A = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])
Y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])


def test_squared_error_per_point_is_sum_of_squares():
    e = losses.per_point("squared_error", "sigmoid", A, Y)
    assert e[0] == pytest.approx(0.2**2 + 0.3**2 + 0.1**2, abs=1e-15)
    assert e[1] == pytest.approx(0.6**2 + 0.3**2 + 0.9**2, abs=1e-15)
    assert losses.cost("squared_error", "sigmoid", A, Y) == pytest.approx(e.mean(), abs=1e-15)


def test_cross_entropy_values():
    e = losses.per_point("cross_entropy", "softmax", A, Y)
    np.testing.assert_allclose(e, [-math.log(0.7), -math.log(0.1)], rtol=1e-14)
    # Binary cross-entropy per sigmoid unit.
    a = np.array([[0.8], [0.25]])
    y = np.array([[1.0], [0.0]])
    e = losses.per_point("cross_entropy", "sigmoid", a, y)
    np.testing.assert_allclose(e, [-math.log(0.8), -math.log(0.75)], rtol=1e-14)
    # Saturated outputs stay finite.
    e = losses.per_point("cross_entropy", "sigmoid", np.array([[0.0], [1.0]]), y)
    assert np.isfinite(e).all()
    assert e.min() > 20


def test_cost_of_no_points_is_nan():
    assert math.isnan(losses.cost("squared_error", "sigmoid", np.zeros((0, 1)), np.zeros((0, 1))))


def _output_delta(loss, act, z, Y):
    a = activations.apply(act, z)
    out, tmp = np.empty_like(z), np.empty_like(z)
    return losses.output_delta(loss, act, z, a, Y, out, tmp), a


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "linear", "relu"])
def test_squared_error_delta_is_2_a_minus_y_times_g_prime(act):
    z = np.array([[-1.2, 0.4, 2.0], [0.3, -0.7, 1.1]])
    d, a = _output_delta("squared_error", act, z, Y)
    np.testing.assert_allclose(d, 2 * (a - Y) * activations.derivative(act, z), rtol=1e-14)


@pytest.mark.parametrize("act", ["sigmoid", "softmax"])
def test_cross_entropy_delta_is_a_minus_y(act):
    z = np.array([[-1.2, 0.4, 2.0], [0.3, -0.7, 1.1]])
    d, a = _output_delta("cross_entropy", act, z, Y)
    np.testing.assert_allclose(d, a - Y, rtol=1e-15)


@pytest.mark.parametrize(
    ("loss", "act"),
    [("squared_error", "softmax"), ("cross_entropy", "softmax"), ("cross_entropy", "sigmoid")],
)
def test_output_delta_matches_finite_differences_of_e_x(loss, act):
    z = np.array([[-1.2, 0.4, 2.0], [0.3, -0.7, 1.1]])
    d, _ = _output_delta(loss, act, z, Y)
    h = 1e-6
    numeric = np.empty_like(z)
    for r in range(z.shape[0]):
        for c in range(z.shape[1]):
            zp, zm = z.copy(), z.copy()
            zp[r, c] += h
            zm[r, c] -= h
            ep = losses.per_point(loss, act, activations.apply(act, zp), Y)[r]
            em = losses.per_point(loss, act, activations.apply(act, zm), Y)[r]
            numeric[r, c] = (ep - em) / (2 * h)
    np.testing.assert_allclose(d, numeric, rtol=1e-6, atol=1e-9)
    if act == "softmax" and loss == "squared_error":
        # Not the elementwise 2(a − y) a(1 − a): softmax couples the units.
        a = activations.apply(act, z)
        assert not np.allclose(d, 2 * (a - Y) * a * (1 - a))


@pytest.mark.parametrize(
    ("loss", "act", "n", "message"),
    [
        ("mse", "sigmoid", 1, "unknown loss 'mse'"),
        ("squared_error", "softmax", 1, "at least 2 output units"),
        ("cross_entropy", "relu", 1, "cross_entropy needs a sigmoid or softmax output"),
        ("cross_entropy", "linear", 3, "cross_entropy needs a sigmoid or softmax output"),
        ("squared_error", "wiggle", 1, "unknown activation"),
    ],
)
def test_bad_pairings(loss, act, n, message):
    with pytest.raises(ValueError, match=message):
        losses.check_pairing(loss, act, n)


def test_good_pairings():
    for act in ("linear", "sigmoid", "tanh", "relu", "step"):
        losses.check_pairing("squared_error", act, 1)
    losses.check_pairing("squared_error", "softmax", 2)
    losses.check_pairing("cross_entropy", "sigmoid", 1)
    losses.check_pairing("cross_entropy", "softmax", 3)


def test_cross_entropy_stays_exact_when_the_outputs_saturate():
    """From z, not from clipped outputs: a confidently wrong unit costs what it really costs."""
    z = np.array([[40.0], [-30.0], [0.5]])
    a = 1.0 / (1.0 + np.exp(-z))
    Y = np.array([[0.0], [1.0], [1.0]])
    exact = np.array([40.0 + np.log1p(np.exp(-40.0)), 30.0 + np.log1p(np.exp(-30.0))])
    got = losses.per_point("cross_entropy", "sigmoid", a, Y, z)
    np.testing.assert_allclose(got[:2], exact, rtol=1e-14)
    np.testing.assert_allclose(got[2], -np.log(a[2, 0]), rtol=1e-12)
    clipped = losses.per_point("cross_entropy", "sigmoid", a, Y)
    assert clipped[0] < 28.0 < got[0]  # the old clipped value stops at -ln(1e-12)

    zs = np.array([[50.0, 0.0, -50.0], [1.0, 2.0, 3.0]])
    ex = np.exp(zs - zs.max(axis=1, keepdims=True))
    soft = ex / ex.sum(axis=1, keepdims=True)
    Ys = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    got = losses.per_point("cross_entropy", "softmax", soft, Ys, zs)
    np.testing.assert_allclose(got[0], 100.0 + np.log1p(np.exp(-50.0) + np.exp(-100.0)), rtol=1e-14)
    np.testing.assert_allclose(got[1], -np.log(soft[1, 1]), rtol=1e-12)


def test_a_saturated_network_reports_its_true_cost():
    net = Network([2, 1], ["sigmoid"], "cross_entropy", seed=0)
    net.weights[0][:] = [[30.0, 0.0]]
    net.biases[0][:] = [0.0]
    X = np.array([[1.0, 0.0]])
    Y = np.array([[0.0]])
    assert abs(net.cost(X, Y) - (30.0 + np.log1p(np.exp(-30.0)))) < 1e-12
