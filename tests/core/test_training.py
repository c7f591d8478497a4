"""The trainer: learning, determinism, optimisers, batches and steps, stop rules, settings,
L2, frozen parameters, the perceptron rule, divergence, history, snapshots and the boundary."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlpstudio.core import (
    History,
    Network,
    Trainer,
    TrainingError,
    TrainSettings,
    boundary,
    snapshot,
)

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0])
AND_Y = np.array([0, 0, 0, 1])
OR_Y = np.array([0, 1, 1, 1])


def _blobs(n: int = 40, seed: int = 0):
    """Two separable clouds: class 1 around (1, 1), class 0 around (−1, −1)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = rng.normal(scale=0.5, size=(n, 2)) + np.where(y[:, None] == 1, 1.0, -1.0)
    return X, y


def _three_classes(n: int = 60, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
    return rng.normal(scale=0.6, size=(n, 2)) + centres[y], y


def _trainer(net, X, y, **settings) -> Trainer:
    return Trainer(net, X, y, settings=TrainSettings(**settings))


# ---- learning XOR --------------------------------------------------------------------------


@pytest.mark.parametrize(("sizes", "seed"), [([2, 2, 1], 1), ([2, 4, 1], 0)])
def test_xor_is_learned_by_gradient_descent(sizes, seed):
    net = Network(sizes, ["sigmoid", "sigmoid"], seed=seed)
    t = _trainer(net, XOR_X, XOR_Y, optimizer="gd", learning_rate=2.0, target_cost=0.01,
                 max_epochs=5000)  # fmt: skip
    assert t.history.train_accuracy[0] < 1.0
    assert t.run() == "target"
    assert t.history.train_cost[-1] <= 0.01
    assert t.history.train_accuracy[-1] == 1.0
    assert np.array_equal(net.predict(XOR_X), XOR_Y)
    assert t.epoch < 5000
    assert "target reached" in t.message


def test_one_sigmoid_unit_cannot_learn_xor():
    net = Network([2, 1], ["sigmoid"], seed=0)
    t = _trainer(net, XOR_X, XOR_Y, optimizer="gd", learning_rate=2.0, max_epochs=2000)
    assert t.run() == "max_epochs"
    assert max(t.history.train_accuracy) <= 0.75


# ---- determinism ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"optimizer": "sgd", "batch_size": 2, "learning_rate": 0.5},
        {"optimizer": "momentum", "batch_size": 3, "learning_rate": 0.1, "momentum": 0.8},
        {"optimizer": "adam", "batch_size": 5, "learning_rate": 0.01},
    ],
    ids=lambda s: s["optimizer"],
)
def test_reruns_with_the_same_seed_are_bit_identical(settings):
    X, y = _blobs(23)
    runs = []
    for _ in range(2):
        net = Network([2, 5, 1], ["tanh", "sigmoid"], seed=3)
        t = _trainer(net, X, y, seed=11, **settings)
        t.run(epochs=15)
        runs.append((net.params.copy(), t.history.copy()))
    (p1, h1), (p2, h2) = runs
    assert p1.tobytes() == p2.tobytes()
    for name, column in h1.columns().items():
        np.testing.assert_array_equal(column, h2.columns()[name])
    # another shuffling seed gives another run
    net = Network([2, 5, 1], ["tanh", "sigmoid"], seed=3)
    _trainer(net, X, y, seed=12, **settings).run(epochs=15)
    assert not np.array_equal(net.params, p1)


def test_trainer_reset_gives_the_same_run_again():
    X, y = _blobs(20)
    net = Network([2, 4, 1], seed=0)
    t = _trainer(net, X, y, optimizer="sgd", batch_size=3, learning_rate=0.5, seed=4)
    t.run(epochs=10)
    first = net.params.copy()
    t.reset()
    assert t.epoch == 0
    assert len(t.history) == 1
    assert net.params.tobytes() == net.initial_params.tobytes()
    t.run(epochs=10)
    assert net.params.tobytes() == first.tobytes()


# ---- optimisers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("optimizer", "lr"), [("gd", 1.0), ("sgd", 0.5), ("momentum", 0.1), ("adam", 0.05)]
)
def test_every_optimiser_reduces_the_cost(optimizer, lr):
    X, y = _three_classes()
    net = Network([2, 6, 3], ["tanh", "softmax"], loss="cross_entropy", seed=0)
    t = _trainer(net, X, y, optimizer=optimizer, learning_rate=lr, batch_size=8)
    t.run(epochs=30)
    assert t.history.train_cost[-1] < 0.5 * t.history.train_cost[0]
    assert t.history.train_accuracy[-1] >= 0.9


def test_gd_step_is_minus_lr_times_the_mean_gradient_of_all_points():
    X, y = _blobs(10)
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=0.3, batch_size=2)
    assert t.batch_size == 10  # gd ignores batch_size
    expected = net.params - 0.3 * net.gradient(X, net.encode(y))
    info = t.step(unit="batch")
    assert sorted(info.indices.tolist()) == list(range(10))
    assert info.epoch_done
    np.testing.assert_allclose(net.params, expected, rtol=0, atol=1e-14)
    assert t.epoch == 1
    assert t.position == 0


def _expect_gd_step(t: Trainer, lr: float) -> None:
    """One gd step moves the weights by exactly −η times the mean gradient at the current ones."""
    net = t.net
    expected = net.params - lr * net.gradient(t.X, t.Y)
    t.step(unit="batch")
    np.testing.assert_allclose(net.params, expected, rtol=0, atol=1e-14)


def test_gd_steps_stay_exact_when_the_forward_pass_is_reused():
    # The evaluation that ends a gd epoch is the next step's forward pass: reusing it must give
    # the same update as computing it again, also after edits between steps.
    X, y = _blobs(12)
    net = Network([2, 4, 1], ["tanh", "sigmoid"], seed=0)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=0.7)
    for _ in range(3):
        _expect_gd_step(t, 0.7)
    net.weights[0][1, 1] += 0.5  # a weight edited between epochs
    _expect_gd_step(t, 0.7)
    net.reset()
    _expect_gd_step(t, 0.7)
    t.evaluate()  # an extra evaluation changes nothing
    _expect_gd_step(t, 0.7)
    X2, y2 = _blobs(12, seed=5)  # new points, same count
    t.set_data(X2, y2)
    _expect_gd_step(t, 0.7)
    t.step(unit="point")  # a single point, then the rest of the epoch
    t.step(unit="epoch")
    _expect_gd_step(t, 0.7)
    t.update_settings(optimizer="sgd", batch_size=12)  # shuffled copies of the points...
    t.step(unit="epoch")
    t.update_settings(optimizer="gd")  # ...then gd again on that shuffled order
    _expect_gd_step(t, 0.7)
    _expect_gd_step(t, 0.7)
    t.restart()
    _expect_gd_step(t, 0.7)


def test_sgd_batch_of_one_updates_from_one_point():
    X, y = _blobs(6)
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    t = _trainer(net, X, y, optimizer="sgd", learning_rate=0.3, batch_size=1, seed=2)
    assert t.batch_size == 1
    Y = net.encode(y)
    seen = []
    for step in range(6):
        before = net.params.copy()
        info = t.step(unit="batch")
        assert len(info.indices) == 1
        i = int(info.indices[0])
        seen.append(i)
        expected = before - 0.3 * _gradient_at(net, before, X[i : i + 1], Y[i : i + 1])
        np.testing.assert_allclose(net.params, expected, rtol=0, atol=1e-14)
        assert info.epoch_done == (step == 5)
    assert sorted(seen) == list(range(6))  # one epoch visits every point once
    assert t.epoch == 1


def _gradient_at(net: Network, params: np.ndarray, X, Y) -> np.ndarray:
    other = net.copy()
    other.set_params(params)
    return other.gradient(X, Y)


def test_momentum_accumulates_velocity():
    X, y = _blobs(8)
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    Y = net.encode(y)
    t = _trainer(net, X, y, optimizer="momentum", learning_rate=0.2, momentum=0.5, batch_size=8)
    p0 = net.params.copy()
    t.step("batch")
    v1 = -0.2 * _gradient_at(net, p0, X, Y)
    np.testing.assert_allclose(net.params - p0, v1, rtol=1e-10, atol=1e-14)
    p1 = net.params.copy()
    t.step("batch")
    v2 = 0.5 * v1 - 0.2 * _gradient_at(net, p1, X, Y)
    np.testing.assert_allclose(net.params - p1, v2, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(t.update, v2, rtol=1e-10, atol=1e-14)


def test_adam_first_step_moves_every_parameter_by_about_the_learning_rate():
    X, y = _blobs(8)
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    g = net.gradient(X, net.encode(y))
    p0 = net.params.copy()
    t = _trainer(net, X, y, optimizer="adam", learning_rate=0.01, batch_size=8)
    t.step("batch")
    # m̂ = g, v̂ = g², so Δθ = −η g / (|g| + ε) ≈ −η sign(g)
    np.testing.assert_allclose(net.params - p0, -0.01 * g / (np.abs(g) + 1e-8), rtol=1e-9)
    assert np.abs(net.params - p0).max() == pytest.approx(0.01, rel=1e-6)


# ---- batches, steps and epochs ----------------------------------------------------------------


def test_mini_batches_cover_the_epoch_with_a_short_last_batch():
    X, y = _blobs(10)
    net = Network([2, 3, 1], seed=0)
    t = _trainer(net, X, y, optimizer="sgd", batch_size=3, learning_rate=0.1)
    sizes, seen = [], []
    for _ in range(4):
        info = t.step(unit="batch")
        sizes.append(len(info.indices))
        seen += info.indices.tolist()
        assert info.epoch_done == (len(seen) == 10)
    assert sizes == [3, 3, 3, 1]
    assert sorted(seen) == list(range(10))
    assert t.epoch == 1
    assert len(t.history) == 2
    # batch_size larger than the data: the whole set
    t.update_settings(batch_size=50)
    assert t.batch_size == 10


def test_step_units_advance_position_and_epoch():
    X, y = _blobs(10)
    net = Network([2, 3, 1], seed=0)
    t = _trainer(net, X, y, optimizer="sgd", batch_size=4, learning_rate=0.1)
    assert (t.epoch, t.position, len(t.history)) == (0, 0, 1)
    info = t.step(unit="point")
    assert (t.epoch, t.position, len(info.indices), info.unit) == (0, 1, 1, "point")
    t.step(unit="batch")
    assert (t.epoch, t.position) == (0, 5)
    assert len(t.history) == 1  # no row until an epoch ends
    info = t.step(unit="epoch")  # the rest of this epoch
    assert (t.epoch, t.position, len(t.history)) == (1, 0, 2)
    assert len(info.indices) == 5
    assert info.epoch_done
    info = t.step(unit="epoch")  # a whole epoch
    assert (t.epoch, t.position, len(t.history)) == (2, 0, 3)
    assert sorted(info.indices.tolist()) == list(range(10))
    assert t.history.epoch == [0, 1, 2]
    with pytest.raises(TrainingError, match="unknown step unit"):
        t.step(unit="minute")


def test_points_then_epoch_rows_are_the_same_as_epochs():
    X, y = _blobs(6)
    a = Network([2, 3, 1], seed=0)
    b = Network([2, 3, 1], seed=0)
    ta = _trainer(a, X, y, optimizer="sgd", batch_size=1, learning_rate=0.1, seed=5)
    tb = _trainer(b, X, y, optimizer="sgd", batch_size=1, learning_rate=0.1, seed=5)
    for _ in range(6):
        ta.step(unit="point")
    tb.step(unit="epoch")
    assert a.params.tobytes() == b.params.tobytes()
    assert ta.history.train_cost == tb.history.train_cost


def test_history_starts_at_epoch_zero_with_the_untrained_state():
    X, y = _blobs(10)
    net = Network([2, 3, 1], seed=0)
    cost0 = net.cost(X, net.encode(y))
    t = _trainer(net, X, y, optimizer="gd", learning_rate=1.0)
    assert t.history.epoch == [0]
    assert t.history.train_cost[0] == pytest.approx(cost0, rel=1e-14)
    assert math.isnan(t.history.test_cost[0])
    t.run(epochs=3)
    assert t.history.epoch == [0, 1, 2, 3]
    assert t.history.train_cost[3] == pytest.approx(net.cost(X, net.encode(y)), rel=1e-14)


def test_test_set_metrics():
    X, y = _blobs(20)
    Xt, yt = _blobs(8, seed=1)
    net = Network([2, 3, 1], seed=0)
    t = Trainer(net, X, y, Xt, yt, settings=TrainSettings(optimizer="gd", learning_rate=1.0))
    t.run(epochs=50)
    _, train_acc, test_cost, test_acc = t.evaluate()
    assert test_cost == pytest.approx(net.cost(Xt, net.encode(yt)), rel=1e-14)
    assert test_acc == np.mean(net.predict(Xt) == yt)
    assert t.history.test_cost[-1] == test_cost
    assert train_acc == 1.0


def test_bad_data_raises():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(TrainingError, match="no training points"):
        Trainer(net, np.zeros((0, 2)), [])
    with pytest.raises(TrainingError, match="3 points but 2 labels"):
        Trainer(net, np.zeros((3, 2)), [0, 1])


# ---- stop rules -------------------------------------------------------------------------------


def test_max_epochs_stop():
    X, y = _blobs(10)
    net = Network([2, 3, 1], seed=0)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=0.1, max_epochs=7)
    assert t.run() == "max_epochs"
    assert t.epoch == 7
    assert len(t.history) == 8
    assert "7 epochs" in t.message
    assert t.run() == "max_epochs"  # already there: nothing more happens
    assert t.epoch == 7


def test_run_for_some_epochs_returns_none():
    X, y = _blobs(10)
    net = Network([2, 3, 1], seed=0)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=0.1)
    assert t.run(epochs=5) is None
    assert t.epoch == 5
    assert t.run(epochs=3) is None
    assert t.epoch == 8
    assert t.stopped is None
    assert t.run(seconds=0.0) is None  # at least one epoch, then time is up
    assert t.epoch == 9


def test_target_stop_fires_on_the_first_epoch_at_or_below_target():
    X, y = _blobs(20)
    net = Network([2, 3, 1], seed=0)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=2.0, target_cost=0.05)
    assert t.run(epochs=10_000) == "target"
    assert t.history.train_cost[-1] <= 0.05
    assert all(c > 0.05 for c in t.history.train_cost[:-1])


# ---- changing settings --------------------------------------------------------------------------


def test_update_settings_changes_the_learning_rate_without_resetting():
    X, y = _blobs(10)
    net = Network([2, 3, 1], seed=0)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=1.0)
    t.run(epochs=5)
    params = net.params.copy()
    t.update_settings(learning_rate=0.05)
    assert t.settings.learning_rate == 0.05
    assert net.params.tobytes() == params.tobytes()
    assert t.epoch == 5
    assert len(t.history) == 6
    expected = params - 0.05 * net.gradient(X, net.encode(y))
    t.step("batch")
    np.testing.assert_allclose(net.params, expected, rtol=0, atol=1e-14)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"learning_rate": float("nan")}, "learning_rate must be a finite number"),
        ({"learning_rate": -0.1}, "learning_rate must be between 1e-05 and 100, got -0.1"),
        ({"learning_rate": 0.0}, "learning_rate must be between 1e-05 and 100"),
        ({"learning_rate": 1000.0}, "learning_rate must be between 1e-05 and 100, got 1000"),
        ({"momentum": 1.0}, "momentum must be between 0 and 0.99, got 1"),
        ({"momentum": -0.5}, "momentum must be between 0 and 0.99"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
        ({"l2": float("inf")}, "l2 must be a finite number"),
        ({"target_cost": -1.0}, "target_cost"),
        ({"max_epochs": -3}, "max_epochs"),
    ],
)
def test_absurd_settings_raise_and_change_nothing(change, message):
    X, y = _blobs(10)
    net = Network([2, 3, 1], seed=0)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=0.5)
    with pytest.raises(TrainingError, match=message):
        t.update_settings(**change)
    assert t.settings == TrainSettings(optimizer="gd", learning_rate=0.5)
    with pytest.raises(TrainingError, match=message):
        TrainSettings(**change).validate()


def test_switching_optimizer_mid_training():
    X, y = _blobs(10)
    net = Network([2, 3, 1], seed=0)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=0.5)
    t.run(epochs=3)
    params = net.params.copy()
    t.update_settings(optimizer="adam", learning_rate=0.01)
    assert net.params.tobytes() == params.tobytes()
    t.run(epochs=3)
    assert t.epoch == 6
    assert t.history.train_cost[-1] < t.history.train_cost[0]


def test_settings_round_trip_through_a_dict():
    s = TrainSettings(optimizer="adam", learning_rate=0.01, l2=0.1, max_epochs=9)
    assert TrainSettings.from_dict({**s.to_dict(), "unknown_key": 1}) == s


# ---- L2 and frozen parameters -------------------------------------------------------------------


def test_l2_adds_lambda_w_to_weight_gradients_but_not_to_biases():
    X, y = _blobs(10)
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0, init="uniform")
    lam, lr = 0.3, 0.5
    g = net.gradient(X, net.encode(y))
    penalty = np.zeros(net.n_params)
    penalty[: net.n_weights] = lam * net.params[: net.n_weights]
    assert not penalty[net.n_weights :].any()
    before = net.params.copy()
    expected = before - lr * (g + penalty)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=lr, l2=lam)
    t.step("batch")
    np.testing.assert_allclose(net.params, expected, rtol=0, atol=1e-14)
    # a bias moves by the plain gradient only, a weight also shrinks by η λ w
    b, w = net.param_index("b", 0, 0), net.param_index("w", 0, 0, 0)
    assert net.params[b] - before[b] == pytest.approx(-lr * g[b], abs=1e-14)
    assert net.params[w] - before[w] == pytest.approx(-lr * (g[w] + lam * before[w]), abs=1e-14)
    assert abs(lam * before[w]) > 1e-3


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_frozen_parameters_do_not_change(optimizer):
    X, y = _blobs(12)
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    t = _trainer(net, X, y, optimizer=optimizer, learning_rate=0.1, batch_size=4)
    frozen = [net.param_index("w", 0, 1, 0), net.param_index("b", 1, 0)]
    for i in frozen:
        t.set_frozen(i)
    before = net.params.copy()
    t.run(epochs=10)
    assert np.array_equal(net.params[frozen], before[frozen])
    assert (t.update[frozen] == 0).all()
    free = np.ones(net.n_params, bool)
    free[frozen] = False
    assert (net.params[free] != before[free]).all()
    # unfreezing lets it move again
    t.set_frozen(frozen[0], False)
    t.run(epochs=2)
    assert net.params[frozen[0]] != before[frozen[0]]
    assert net.params[frozen[1]] == before[frozen[1]]


# ---- the perceptron rule -------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.1, 1.0])
@pytest.mark.parametrize(("name", "y"), [("and", AND_Y), ("or", OR_Y)])
def test_perceptron_learns_and_and_or(name, y, lr):
    net = Network([2, 1], ["step"], seed=0)
    t = _trainer(net, XOR_X, y, optimizer="perceptron", learning_rate=lr, target_cost=0.0,
                 max_epochs=1000)  # fmt: skip
    assert t.batch_size == 1
    assert t.run() == "target"
    assert t.history.train_accuracy[-1] == 1.0
    assert np.array_equal(net.predict(XOR_X), y)


def test_perceptron_learns_not():
    net = Network([1, 1], ["step"], seed=0)
    t = _trainer(net, np.array([[0.0], [1.0]]), [1, 0], optimizer="perceptron",
                 learning_rate=0.1, target_cost=0.0, max_epochs=1000)  # fmt: skip
    assert t.run() == "target"
    assert np.array_equal(net.predict(np.array([[0.0], [1.0]])), [1, 0])


def test_perceptron_never_solves_xor():
    net = Network([2, 1], ["step"], seed=0)
    t = _trainer(net, XOR_X, XOR_Y, optimizer="perceptron", learning_rate=1.0, target_cost=0.0,
                 max_epochs=1000)  # fmt: skip
    assert t.run() == "max_epochs"
    assert max(t.history.train_accuracy) < 1.0


def test_perceptron_rule_update_is_eta_times_error_times_x():
    net = Network([2, 1], ["step"], seed=0)
    net.weights[0][:] = [[0.5, 0.5]]
    net.biases[0][:] = [0.1]
    # One point (1, 1) labelled 0: a = step(1.1) = 1, error −1.
    t = _trainer(net, np.array([[1.0, 1.0]]), [0], optimizer="perceptron", learning_rate=0.25)
    t.step("point")
    np.testing.assert_allclose(net.weights[0], [[0.25, 0.25]])
    np.testing.assert_allclose(net.biases[0], [-0.15])
    np.testing.assert_allclose(t.update, [-0.25, -0.25, -0.25])


def test_perceptron_needs_a_single_step_layer():
    X, y = _blobs(6)
    with pytest.raises(TrainingError, match="perceptron rule needs"):
        _trainer(Network([2, 2, 1], ["sigmoid", "step"]), X, y, optimizer="perceptron")
    with pytest.raises(TrainingError, match="perceptron rule needs"):
        _trainer(Network([2, 1], ["sigmoid"]), X, y, optimizer="perceptron")
    t = _trainer(Network([2, 2, 1]), X, y, optimizer="gd")
    with pytest.raises(TrainingError, match="perceptron rule needs"):
        t.update_settings(optimizer="perceptron")
    assert t.settings.optimizer == "gd"


def test_backprop_cannot_train_a_step_network():
    net = Network([2, 1], ["step"], seed=0)
    before = net.params.copy()
    _trainer(net, XOR_X, AND_Y, optimizer="gd", learning_rate=1.0).run(epochs=20)
    assert np.array_equal(net.params, before)


# ---- divergence ----------------------------------------------------------------------------------


def test_divergence_stops_and_keeps_the_last_good_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    net = Network([2, 8, 1], ["linear", "linear"], seed=0)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=100.0, max_epochs=1000)
    good = []
    reason = None
    while reason is None:
        good.append(net.params.copy())
        reason = t.run(epochs=1)
    assert reason == "diverged"
    assert t.stopped == "diverged"
    assert np.isfinite(net.params).all()
    # the weights of the last epoch whose cost was finite
    assert net.params.tobytes() == good[-1].tobytes()
    assert t.epoch == t.history.epoch[-1] == len(good) - 1
    assert all(math.isfinite(c) for c in t.history.train_cost)
    assert "learning rate" in t.message
    assert f"epoch {t.epoch}" in t.message
    # a smaller learning rate from the initial weights trains without diverging
    t.reset()
    t.update_settings(learning_rate=0.01)
    assert t.run(epochs=5) is None
    assert t.epoch == 5


def test_divergence_within_an_epoch_of_mini_batches():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)) * 10
    y = (X[:, 0] > 0).astype(int)
    net = Network([2, 8, 1], ["linear", "linear"], seed=0)
    t = _trainer(net, X, y, optimizer="sgd", batch_size=1, learning_rate=100.0)
    start = net.params.copy()
    for _ in range(40):
        t.step("point")
        if t.stopped:
            break
    assert t.stopped == "diverged"
    assert net.params.tobytes() == start.tobytes()
    assert t.epoch == 0
    assert t.position == 0
    # the rolled-back update is not shown as inf/NaN in the diagram
    assert not t.update.any()
    assert np.isfinite(snapshot(t).update).all()


# ---- history and snapshots -----------------------------------------------------------------------


def _history(n: int) -> History:
    h = History()
    for e in range(n):
        h.append(e, (1.0 / (e + 1), e / n, float("nan"), float("nan")))
    return h


def test_history_thin_keeps_at_most_max_rows_with_first_and_last():
    h = _history(25_001)
    thin = h.thin(1000)
    assert len(thin) <= 1000
    assert len(thin) >= 990
    assert thin.epoch[0] == 0
    assert thin.epoch[-1] == 25_000
    assert thin.epoch == sorted(set(thin.epoch))
    i = thin.epoch.index(thin.epoch[10])
    assert thin.train_cost[i] == h.train_cost[thin.epoch[10]]  # rows stay aligned
    small = _history(50)
    copy = small.thin(1000)
    assert copy.epoch == small.epoch
    copy.epoch.append(99)
    assert len(small) == 50


def test_history_truncate_and_copy():
    h = _history(10)
    assert h.copy(7).epoch == [7, 8, 9]
    h.truncate(4)
    assert h.epoch == [0, 1, 2, 3, 4]
    assert len(h.train_cost) == len(h.test_accuracy) == 5


def test_snapshot_is_read_only_and_independent_of_later_training():
    X, y = _blobs(10)
    net = Network([2, 3, 1], seed=0)
    t = _trainer(net, X, y, optimizer="gd", learning_rate=1.0)
    t.run(epochs=4)
    s = snapshot(t)
    assert s.epoch == 4
    assert s.params.tobytes() == net.params.tobytes()
    assert not s.params.flags.writeable
    assert not s.update.flags.writeable
    with pytest.raises(ValueError):
        s.params[0] = 1.0
    assert not np.shares_memory(s.params, net.params)
    assert s.metrics[0] == t.history.train_cost[-1]
    kept = s.params.copy()
    t.run(epochs=4)
    assert s.params.tobytes() == kept.tobytes()
    assert len(s.history) == 5
    assert s.history.epoch == [0, 1, 2, 3, 4]
    # only the rows since history_start
    s2 = snapshot(t, history_start=5)
    assert s2.history.epoch == [5, 6, 7, 8]
    assert s2.history_start == 5
    # a network rebuilt from a snapshot computes what the trained one did
    again = s2.network()
    np.testing.assert_array_equal(again.predict_proba(X), net.predict_proba(X))
    s3 = snapshot(t, metrics=(1.0, 2.0, 3.0, 4.0))
    assert s3.metrics == (1.0, 2.0, 3.0, 4.0)


# ---- the boundary grid ---------------------------------------------------------------------------


def test_boundary_outputs_equal_predict_proba_on_the_grid():
    net = Network([2, 16, 16, 3], ["tanh", "tanh", "softmax"], seed=0)
    out = boundary.outputs(net, (-2.0, 2.0), (-1.0, 3.0), nx=30, ny=20)
    assert out.shape == (20, 30, 3)
    assert out.dtype == np.float32
    xs = np.linspace(-2.0, 2.0, 30)
    ys = np.linspace(-1.0, 3.0, 20)
    pts = np.array([[x, yv] for yv in ys for x in xs])
    expected = net.predict_proba(pts).reshape(20, 30, 3)
    np.testing.assert_allclose(out, expected, atol=2e-6)
    # row r is y = ys[r], column c is x = xs[c]
    np.testing.assert_allclose(out[7, 3], net.predict_proba([[xs[3], ys[7]]])[0], atol=2e-6)
    assert net.dtype == np.float64  # the live network is untouched
    with pytest.raises(ValueError, match="2 inputs"):
        boundary.outputs(Network([3, 1]), (0, 1), (0, 1))


def test_boundary_unit_maps_have_one_map_per_unit():
    net = Network([2, 5, 4, 1], ["tanh", "relu", "sigmoid"], seed=0)
    maps = boundary.unit_maps(net, (-1.0, 1.0), (-2.0, 2.0), n=12)
    assert [m.shape for m in maps] == [(5, 12, 12), (4, 12, 12), (1, 12, 12)]
    xs = np.linspace(-1.0, 1.0, 12)
    ys = np.linspace(-2.0, 2.0, 12)
    fw = net.forward([[xs[4], ys[9]]])
    for layer, m in enumerate(maps):
        np.testing.assert_allclose(m[:, 9, 4], fw.a[layer + 1][0], atol=2e-6)


def test_boundary_grid_is_row_major():
    g = boundary.grid((0.0, 1.0), (10.0, 12.0), nx=3, ny=2)
    assert g.shape == (6, 2)
    np.testing.assert_allclose(g, [[0, 10], [0.5, 10], [1, 10], [0, 12], [0.5, 12], [1, 12]])


@pytest.mark.parametrize(
    ("sizes", "acts"),
    [
        ([2, 4, 1], ["tanh", "sigmoid"]),
        ([2, 4, 1], ["tanh", "tanh"]),
        ([2, 4, 3], ["tanh", "softmax"]),
        ([2, 4, 3], ["tanh", "relu"]),
        ([2, 4, 3], ["tanh", "linear"]),
    ],
)
def test_boundary_probabilities_rows_sum_to_one(sizes, acts):
    net = Network(sizes, acts, seed=0)
    out = boundary.outputs(net, (-3, 3), (-3, 3), nx=15, ny=10)
    p = boundary.probabilities(net, out)
    assert p.shape == (10, 15, max(sizes[-1], 2))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-6)
    assert (p >= 0).all()
    if sizes[-1] == 1:
        # the class-1 confidence is above one half exactly where the prediction is 1
        pred = net.classify(out.reshape(-1, 1)).reshape(10, 15)
        assert np.array_equal(p[..., 1] >= 0.5, pred == 1)


def test_history_is_thinned_past_its_limit_and_says_so():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    t = Trainer(Network([2, 2, 1], seed=0), X, np.array([0, 1, 1, 0]))
    t.history_limit = 10
    version = t.history_version
    t.run(epochs=11)
    assert len(t.history) <= 10
    assert t.history.epoch[0] == 0 and t.history.epoch[-1] == 11
    assert t.history_version == version + 1
    t.run(epochs=50)
    assert len(t.history) <= 10 and t.history.epoch[-1] == 61
    assert t.history.epoch == sorted(t.history.epoch)
