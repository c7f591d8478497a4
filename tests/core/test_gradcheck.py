"""Back-propagation agrees with central differences for every allowed activation/loss pairing."""

from __future__ import annotations

import numpy as np
import pytest

from mlpstudio.core import Network, gradcheck

HIDDEN = ("linear", "sigmoid", "tanh", "relu")


def _cases():
    for hidden in HIDDEN:
        for out in ("linear", "sigmoid", "tanh", "relu"):
            for k in (1, 3):
                yield hidden, out, "squared_error", k
        yield hidden, "softmax", "squared_error", 3
        yield hidden, "sigmoid", "cross_entropy", 1
        yield hidden, "sigmoid", "cross_entropy", 3
        yield hidden, "softmax", "cross_entropy", 3


CASES = list(_cases())


def _data(k: int, seed: int = 0, m: int = 6):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, 2))
    labels = np.arange(m) % max(k, 2)
    return X, labels


@pytest.mark.parametrize(
    ("hidden", "out", "loss", "k"), CASES, ids=["-".join(map(str, c)) for c in CASES]
)
def test_backprop_matches_central_differences(hidden, out, loss, k):
    net = Network([2, 3, 4, k], [hidden, hidden, out], loss=loss, seed=5, init="uniform")
    X, labels = _data(k)
    Y = net.encode(labels)
    if out == "relu":
        # Keep the output units alive (z > 0) so the check is not on an all-zero gradient.
        net.biases[-1][:] = 1.0
    res = gradcheck.check(net, X, Y)
    assert res.verdict == "ok", (res.max_error, res.names[res.worst])
    assert res.max_error < 1e-6
    assert len(res.names) == net.n_params
    # The check is not vacuous: the gradient is not all zeros.
    assert np.abs(res.analytic).max() > 1e-4
    np.testing.assert_allclose(res.analytic, res.numeric, rtol=1e-5, atol=1e-8)


def test_check_leaves_the_parameters_unchanged():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=1)
    before = net.params.copy()
    X, labels = _data(1)
    gradcheck.check(net, X, net.encode(labels))
    assert net.params.tobytes() == before.tobytes()


def test_float32_network_is_checked_in_float64():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=1, dtype=np.float32)
    X, labels = _data(1)
    res = gradcheck.check(net, X, net.encode(labels))
    assert res.verdict == "ok"
    assert res.analytic.dtype == np.float64


def test_names_list_every_parameter_in_params_order():
    net = Network([2, 2, 1], ["sigmoid", "sigmoid"], seed=0)
    X, labels = _data(1)
    res = gradcheck.check(net, X, net.encode(labels))
    assert res.names == [
        "w_11^(2)",
        "w_12^(2)",
        "w_21^(2)",
        "w_22^(2)",
        "w_11^(3)",
        "w_12^(3)",
        "b_1^(2)",
        "b_2^(2)",
        "b_1^(3)",
    ]


def test_a_wrong_gradient_is_caught_and_ranked_worst(monkeypatch):
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=2)
    X, labels = _data(1)
    Y = net.encode(labels)
    true_gradient = net.gradient
    bad = net.param_index("w", 1, 0, 2)
    worse = net.param_index("b", 0, 1)

    def wrong(X, Y):
        g = true_gradient(X, Y).copy()
        g[bad] += 0.05
        g[worse] *= -3.0
        return g

    monkeypatch.setattr(net, "gradient", wrong)
    res = gradcheck.check(net, X, Y)
    assert res.verdict == "wrong"
    assert res.max_error > 1e-3
    order = res.order()
    assert sorted(order.tolist()) == list(range(net.n_params))
    assert set(order[:2].tolist()) == {bad, worse}
    assert res.worst == order[0]
    # worst first: the errors along order() never increase
    assert np.all(np.diff(res.relative_error[order]) <= 0)
    # the parameters that were not perturbed still agree
    rest = np.delete(res.relative_error, [bad, worse])
    assert rest.max() < 1e-6


def test_a_slightly_off_gradient_is_suspect(monkeypatch):
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=2)
    X, labels = _data(1)
    Y = net.encode(labels)
    true_gradient = net.gradient
    monkeypatch.setattr(net, "gradient", lambda X, Y: true_gradient(X, Y) * (1 + 1e-4))
    assert gradcheck.check(net, X, Y).verdict == "suspect"


def test_zero_gradients_count_as_agreeing():
    # A step network: backprop and differences both give 0 everywhere.
    net = Network([2, 1], ["step"], seed=0)
    X = np.array([[0.3, 0.4], [-2.0, 1.0]])
    res = gradcheck.check(net, X, net.encode([1, 0]))
    assert not res.analytic.any()
    assert res.verdict == "ok"
    assert res.max_error == 0.0


def test_the_measured_differences_are_kept_not_rounded_to_zero():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=1)
    X, labels = _data(1)
    res = gradcheck.check(net, X, net.encode(labels))
    # float64 central differences with h = 1e-6 agree with back-propagation to about 1e-10:
    # the check reports those differences as they are.
    assert np.all(res.difference > 0)
    assert 1e-13 < np.median(res.difference) < 1e-8
    assert np.all(res.relative_error > 0) and res.max_error > 0
    assert res.max_error == res.relative_error.max() < gradcheck.GOOD
    assert res.verdict == "ok"


def test_a_difference_within_round_off_keeps_its_number_but_not_the_blame(monkeypatch):
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=2)
    X, labels = np.array([[0.5, 0.0]]), np.array([1])  # x_2 = 0: ∂E/∂w_k2^(2) is exactly 0
    Y = net.encode(labels)
    tiny = net.param_index("w", 0, 1, 1)
    true_gradient = net.gradient

    def off_by_round_off(X, Y):
        g = true_gradient(X, Y).copy()
        g[tiny] += 1e-13  # two tiny slopes: a 100% relative error, all of it round-off
        return g

    monkeypatch.setattr(net, "gradient", off_by_round_off)
    res = gradcheck.check(net, X, Y)
    assert res.relative_error[tiny] == pytest.approx(1.0)  # shown as it is
    assert res.within_noise[tiny] and res.difference[tiny] < res.noise
    assert res.verdict == "ok" and res.verdicts()[tiny] == "ok"
    assert res.max_error < gradcheck.GOOD and res.worst != tiny
    assert res.order()[-1] == tiny  # listed last: it does not count


def test_noise_floor_and_relative_errors():
    # Round-off of a cost made of numbers of order 1: about eps, however small the cost.
    assert gradcheck.noise_floor(0.01, 1e-6) == pytest.approx(10 * 2.22e-16 / 1e-6, rel=1e-2)
    assert gradcheck.noise_floor(50.0, 1e-6) == pytest.approx(50 * gradcheck.noise_floor(0, 1e-6))
    rel = gradcheck.relative_errors(np.array([1.0, 0.0, np.nan]), np.array([1.0 + 1e-12, 0.0, 1.0]))
    assert rel[0] == pytest.approx(5e-13, rel=1e-3) and rel[1] == 0.0 and rel[2] == np.inf
