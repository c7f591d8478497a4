"""The optimiser table: every entry keeps the common interface, unknown names are refused
clearly, and the perceptron rule is one entry: it learns AND, not XOR, and refuses hidden layers."""

from __future__ import annotations

import numpy as np
import pytest

from mlpstudio.core import Network, Trainer, TrainingError, TrainSettings, optimizers

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
AND_Y = np.array([0, 0, 0, 1])
XOR_Y = np.array([0, 1, 1, 0])


def _net_for(cls: type[optimizers.Optimizer]) -> Network:
    """A small network the optimiser can train."""
    if cls.needs_gradient:
        return Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    return Network([2, 1], ["step"], seed=0)


# ---- the table --------------------------------------------------------------------------------


def test_the_table_is_the_source_of_the_public_names():
    assert optimizers.OPTIMIZERS == ("gd", "sgd", "momentum", "adam", "perceptron")
    assert tuple(optimizers.TABLE) == optimizers.OPTIMIZERS
    assert set(optimizers.DESCRIPTIONS) == set(optimizers.OPTIMIZERS)
    assert all(text and "\n" not in text for text in optimizers.DESCRIPTIONS.values())


@pytest.mark.parametrize("name", optimizers.OPTIMIZERS)
def test_every_entry_satisfies_the_interface(name):
    cls = optimizers.get(name)
    assert issubclass(cls, optimizers.Optimizer)
    assert cls.name == name
    assert cls.batch_rule in optimizers.BATCH_RULES
    assert isinstance(cls.needs_gradient, bool)
    net = _net_for(cls)
    assert cls.check(net) is None
    settings = TrainSettings(optimizer=name, learning_rate=0.1, momentum=0.5)
    opt = cls.create(net.n_params, net.dtype, settings)
    assert opt.learning_rate == 0.1
    points = opt.points_per_update(10, 4)
    assert points == {"all": 10, "batch": 4, "point": 1}[cls.batch_rule]
    assert opt.points_per_update(3, 50) <= 3

    X, Y = XOR_X[:points], net.encode(AND_Y)[:points]
    grads = net.gradient(X, Y) if cls.needs_gradient else None
    out = np.full(net.n_params, np.nan, dtype=net.dtype)
    before = net.params.copy()
    assert opt.update(net, X, Y, grads, out) is out
    assert np.isfinite(out).all()
    assert net.params.tobytes() == before.tobytes()  # Δθ only: the trainer applies it
    opt.configure(TrainSettings(optimizer=name, learning_rate=0.2))
    assert opt.learning_rate == 0.2
    opt.reset()


@pytest.mark.parametrize("name", ["gd", "sgd", "momentum", "adam"])
def test_after_reset_a_gradient_optimiser_repeats_its_first_step(name):
    opt = optimizers.make(name, 3, np.dtype(np.float64), 0.1, momentum=0.5)
    g = np.array([0.5, -2.0, 1e-3])
    first = opt.compute(g, np.empty(3)).copy()
    opt.compute(g, np.empty(3))
    opt.reset()
    assert opt.compute(g, np.empty(3)).tobytes() == first.tobytes()


def test_make_passes_momentum_and_configure_changes_it():
    opt = optimizers.make("momentum", 2, np.dtype(np.float64), 0.1, momentum=0.3)
    assert opt.momentum == 0.3
    opt.configure(TrainSettings(learning_rate=0.1, momentum=0.6))
    assert opt.momentum == 0.6


@pytest.mark.parametrize("name", ["lbfgs", "", "GD", None])
def test_unknown_names_list_the_known_ones(name):
    with pytest.raises(ValueError, match="unknown optimizer") as err:
        optimizers.get(name)
    for known in optimizers.OPTIMIZERS:
        assert known in str(err.value)
    with pytest.raises(ValueError, match="known: gd, sgd, momentum, adam, perceptron"):
        optimizers.make(name, 3, np.dtype(np.float64), 0.1)


def test_the_trainer_refuses_an_unknown_name_with_the_known_ones():
    with pytest.raises(TrainingError, match=r"unknown optimizer 'lbfgs' \(known: gd, sgd"):
        Trainer(Network([2, 1]), XOR_X, AND_Y, settings=TrainSettings(optimizer="lbfgs"))


# ---- the perceptron rule as a table entry --------------------------------------------------------


def _perceptron(y: np.ndarray, **settings) -> Trainer:
    net = Network([2, 1], ["step"], seed=0)
    s = TrainSettings(optimizer="perceptron", target_cost=0.0, max_epochs=1000, **settings)
    return Trainer(net, XOR_X, y, settings=s)


def test_perceptron_rule_is_an_online_rule_without_a_gradient():
    cls = optimizers.get("perceptron")
    assert cls is optimizers.PerceptronRule
    assert cls.batch_rule == "point"
    assert not cls.needs_gradient


def test_perceptron_rule_reaches_full_accuracy_on_and():
    t = _perceptron(AND_Y, learning_rate=0.1)
    assert t.run() == "target"
    assert t.history.train_accuracy[-1] == 1.0


def test_perceptron_rule_never_reaches_full_accuracy_on_xor():
    t = _perceptron(XOR_Y, learning_rate=1.0)
    assert t.run() == "max_epochs"
    assert max(t.history.train_accuracy) < 1.0


def test_perceptron_refuses_a_hidden_layer_with_the_usual_message():
    message = "the perceptron rule needs a network with no hidden layer and a step output"
    hidden = Network([2, 2, 1], ["sigmoid", "step"])
    assert optimizers.get("perceptron").check(hidden) == message
    with pytest.raises(TrainingError) as err:
        Trainer(hidden, XOR_X, AND_Y, settings=TrainSettings(optimizer="perceptron"))
    assert str(err.value) == message


def test_perceptron_update_of_one_point_is_eta_times_error_times_x():
    net = Network([2, 1], ["step"], seed=0)
    net.weights[0][:] = [[0.5, 0.5]]
    net.biases[0][:] = [0.1]
    opt = optimizers.make("perceptron", net.n_params, net.dtype, 0.25)
    out = opt.update(net, np.array([[1.0, 2.0]]), np.array([[0.0]]), None, np.empty(3))
    np.testing.assert_array_equal(out, [-0.25, -0.5, -0.25])  # a = 1, y − a = −1


def test_perceptron_points_of_one_batch_see_the_earlier_corrections():
    # Online, as Rosenblatt's rule is: the second point is judged by the corrected weights.
    net = Network([1, 1], ["step"], seed=0)
    net.weights[0][:] = [[1.0]]
    net.biases[0][:] = [0.0]
    opt = optimizers.make("perceptron", net.n_params, net.dtype, 1.0)
    X, Y = np.array([[1.0], [1.0]]), np.array([[0.0], [0.0]])
    out = opt.update(net, X, Y, None, np.empty(2))
    # point 1: a = step(1) = 1, Δ = (−1, −1); point 2: a = step(0 − 1) = 0, no change
    np.testing.assert_array_equal(out, [-1.0, -1.0])
