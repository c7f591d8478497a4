"""The network: shapes, parameter views, seeds, initialisation, validation, targets, and one
training step of the lecture's 2-2-1 network checked against numbers computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlpstudio.core import Network, Trainer, TrainSettings

SIZES = [
    [2, 1],
    [2, 4, 1],
    [2, 8, 8, 3],
    [2, *([256] * 8), 1],
]


def _acts(sizes: list[int]) -> list[str]:
    # softmax needs ≥ 2 outputs; tanh hidden keeps the deep network's activations away from 0/1.
    out = "softmax" if sizes[-1] > 1 else "sigmoid"
    return ["tanh"] * (len(sizes) - 2) + [out]


# ---- shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: f"{len(s) - 2}hidden")
def test_shapes_of_parameters_forward_and_backward(sizes):
    net = Network(sizes, _acts(sizes), seed=1)
    m = 5
    assert net.n_layers == len(sizes)
    assert [W.shape for W in net.weights] == [
        (sizes[i + 1], sizes[i]) for i in range(len(sizes) - 1)
    ]
    assert [b.shape for b in net.biases] == [(n,) for n in sizes[1:]]
    n_params = sum(sizes[i + 1] * sizes[i] + sizes[i + 1] for i in range(len(sizes) - 1))
    assert net.n_params == n_params == net.params.shape[0]

    X = np.random.default_rng(0).normal(size=(m, sizes[0]))
    fw = net.forward(X)
    assert len(fw.z) == len(sizes) - 1
    assert len(fw.a) == len(sizes)
    assert fw.a[0].shape == (m, sizes[0])
    assert [z.shape for z in fw.z] == [(m, n) for n in sizes[1:]]
    assert [a.shape for a in fw.a[1:]] == [(m, n) for n in sizes[1:]]
    assert fw.output.shape == (m, sizes[-1])

    Y = net.encode(np.arange(m) % max(sizes[-1], 2))
    bw = net.backward(fw, Y)
    assert [d.shape for d in bw.delta] == [(m, n) for n in sizes[1:]]
    assert [g.shape for g in bw.grad_W] == [W.shape for W in net.weights]
    assert [g.shape for g in bw.grad_b] == [b.shape for b in net.biases]
    assert np.isfinite(bw.cost)
    assert net.gradient(X, Y).shape == (net.n_params,)


def test_forward_accepts_one_point_and_rejects_wrong_width():
    net = Network([3, 2, 1], seed=0)
    assert net.forward([0.1, 0.2, 0.3]).output.shape == (1, 1)
    with pytest.raises(ValueError, match="3 features"):
        net.forward(np.zeros((4, 2)))


def test_backward_rejects_targets_of_the_wrong_shape():
    net = Network([2, 3, 2], ["sigmoid", "softmax"], seed=0)
    fw = net.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="targets must have shape"):
        net.backward(fw, np.zeros((4, 3)))


# ---- parameters are views into one flat buffer ------------------------------------------------


def test_weights_and_biases_are_views_into_params():
    net = Network([2, 3, 2], ["sigmoid", "softmax"], seed=0)
    for W in net.weights:
        assert np.shares_memory(W, net.params)
    for b in net.biases:
        assert np.shares_memory(b, net.params)
    X = np.array([[0.3, -0.7]])
    before = net.predict_proba(X).copy()

    net.weights[0][1, 0] = 0.5
    assert net.params[net.param_index("w", 0, 1, 0)] == 0.5
    net.biases[1][0] = -1.25
    assert net.params[net.param_index("b", 1, 0)] == -1.25
    assert not np.allclose(net.predict_proba(X), before)

    net.params[:] = 0.0
    assert all(not W.any() for W in net.weights)
    assert all(not b.any() for b in net.biases)


def test_param_index_and_param_name_agree_with_the_views():
    net = Network([2, 3, 4, 2], ["tanh", "relu", "softmax"], seed=3)
    i = net.param_index("w", 1, 0, 2)
    assert net.params[i] == net.weights[1][0, 2]
    assert net.param_name(i) == "w_1,3^(3)"
    i = net.param_index("b", 2, 1)
    assert net.params[i] == net.biases[2][1]
    assert net.param_name(i) == "b_2^(4)"
    # Every index round-trips: write a marker through params, find it in the named view.
    for idx in range(net.n_params):
        name = net.param_name(idx)
        kind, rest = name[0], name[2:]
        units, layer = rest.split("^")
        layer_i = int(layer.strip("()")) - 2
        if kind == "w":
            j, k = (int(v) - 1 for v in units.split(","))
            assert net.param_index("w", layer_i, j, k) == idx
        else:
            assert net.param_index("b", layer_i, int(units) - 1) == idx
    assert len({net.param_name(i) for i in range(net.n_params)}) == net.n_params
    with pytest.raises(IndexError):
        net.param_name(net.n_params)


def test_set_params_checks_length():
    net = Network([2, 2, 1], seed=0)
    flat = np.arange(net.n_params, dtype=float)
    net.set_params(flat)
    assert np.array_equal(net.params, flat)
    assert net.weights[0][0, 1] == 1.0
    with pytest.raises(ValueError, match="expected 9 parameters"):
        net.set_params(np.zeros(8))


# ---- seeds, reset, initialisation --------------------------------------------------------------


def test_same_seed_gives_bit_identical_weights_and_other_seeds_differ():
    a = Network([2, 8, 8, 3], ["tanh", "tanh", "softmax"], seed=42)
    b = Network([2, 8, 8, 3], ["tanh", "tanh", "softmax"], seed=42)
    c = Network([2, 8, 8, 3], ["tanh", "tanh", "softmax"], seed=43)
    assert a.params.tobytes() == b.params.tobytes()
    assert not np.array_equal(a.params, c.params)
    # initialise(seed) redraws from that seed.
    c.initialise(42)
    assert c.params.tobytes() == a.params.tobytes()
    assert c.seed == 42


def test_reset_restores_the_initial_weights_exactly_after_training():
    net = Network([2, 4, 1], seed=7)
    initial = net.params.copy()
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    t = Trainer(net, X, [0, 1, 1, 0], settings=TrainSettings(optimizer="gd", learning_rate=2.0))
    t.run(epochs=20)
    assert not np.array_equal(net.params, initial)
    net.reset()
    assert net.params.tobytes() == initial.tobytes()
    # still views after the reset
    assert np.shares_memory(net.weights[0], net.params)


def test_uniform_init_lies_within_half():
    net = Network([50, 40, 30], init="uniform", seed=0)
    for W, b in zip(net.weights, net.biases, strict=True):
        assert np.abs(W).max() <= 0.5
        assert np.abs(b).max() <= 0.5
        assert np.abs(W).max() > 0.45  # really spread over the range
        assert b.any()


def test_xavier_init_lies_within_its_limit_with_zero_biases():
    net = Network([50, 40, 30], init="xavier", seed=0)
    for W, b in zip(net.weights, net.biases, strict=True):
        fan_out, fan_in = W.shape
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        assert np.abs(W).max() <= limit
        assert np.abs(W).max() > 0.9 * limit
        assert not b.any()


def test_he_init_has_the_right_spread_and_zero_biases():
    net = Network([200, 300, 10], init="he", seed=0)
    W = net.weights[0]
    assert W.std() == pytest.approx(math.sqrt(2.0 / 200), rel=0.03)
    assert abs(W.mean()) < 0.01
    assert not any(b.any() for b in net.biases)
    # normal, not uniform: some draws beyond 2 standard deviations
    assert (np.abs(W) > 2 * math.sqrt(2.0 / 200)).any()


# ---- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": [2]}, "at least 2 layers"),
        ({"sizes": "2-4-1"}, "at least 2 layers"),
        ({"sizes": [2, 0, 1]}, r"sizes\[1\] must be between 1"),
        ({"sizes": [2, 2.5, 1]}, r"sizes\[1\] must be an integer"),
        ({"sizes": [2, True]}, r"sizes\[1\] must be an integer"),
        ({"sizes": [2, 99999]}, r"sizes\[1\] must be between 1"),
        ({"sizes": [2, 3, 1], "activations": ["sigmoid"]}, "expected 2 activations"),
        ({"sizes": [2, 3, 1], "activations": ["wiggle", "sigmoid"]}, "unknown activation 'wiggle'"),
        (
            {"sizes": [2, 3, 2], "activations": ["softmax", "softmax"]},
            "softmax is allowed on the output layer only",
        ),
        ({"sizes": [2, 1], "activations": ["softmax"]}, "softmax needs at least 2 output units"),
        (
            {"sizes": [2, 1], "activations": ["linear"], "loss": "cross_entropy"},
            "cross_entropy needs a sigmoid or softmax output, not 'linear'",
        ),
        (
            {"sizes": [2, 3, 1], "activations": ["tanh", "tanh"], "loss": "cross_entropy"},
            "cross_entropy needs a sigmoid or softmax output, not 'tanh'",
        ),
        ({"sizes": [2, 1], "loss": "hinge"}, "unknown loss 'hinge'"),
        ({"sizes": [2, 1], "init": "glorot"}, "unknown initialisation 'glorot'"),
        ({"sizes": [2, 1], "dtype": np.int32}, "dtype must be float32 or float64"),
    ],
)
def test_invalid_networks_raise_clear_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Network(**kwargs)


def test_allowed_pairings_construct():
    Network([2, 3, 1], ["relu", "sigmoid"], loss="cross_entropy")
    Network([2, 3, 3], ["tanh", "softmax"], loss="cross_entropy")
    Network([2, 3, 3], ["linear", "softmax"], loss="squared_error")
    net = Network([2, 3, 1], "tanh")
    assert net.activations == ["tanh", "tanh"]
    assert Network([2, 3, 1]).activations == ["sigmoid", "sigmoid"]


# ---- targets and predictions ------------------------------------------------------------------


def test_encode_one_hot_for_k_outputs():
    net = Network([2, 3], ["softmax"])
    Y = net.encode(np.array([2, 0, 1, 2]))
    assert Y.dtype == np.float64
    assert np.array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])


def test_encode_one_column_for_one_sigmoid_output_and_plus_minus_one_for_tanh():
    sig = Network([2, 1], ["sigmoid"])
    assert np.array_equal(sig.encode([0, 1, 1, 0]), [[0], [1], [1], [0]])
    tanh = Network([2, 1], ["tanh"])
    assert np.array_equal(tanh.encode([0, 1, 1, 0]), [[-1], [1], [1], [-1]])
    assert Network([2, 1], ["sigmoid"], dtype=np.float32).encode([1]).dtype == np.float32


def test_encode_errors():
    net = Network([2, 3], ["softmax"])
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.2"):
        net.encode([0, 3])
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.2"):
        net.encode([-1, 0])
    with pytest.raises(ValueError, match="3 output units need 3 classes, the data has 2"):
        net.encode([0, 1], n_classes=2)
    one = Network([2, 1])
    with pytest.raises(ValueError, match="one output unit can separate 2 classes, not 3"):
        one.encode([0, 1, 2], n_classes=3)
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.1"):
        one.encode([0, 2])


def test_classify_argmax_and_thresholds():
    k3 = Network([2, 3], ["softmax"])
    out = np.array([[0.2, 0.7, 0.1], [0.5, 0.1, 0.4], [0.1, 0.2, 0.7]])
    assert np.array_equal(k3.classify(out), [1, 0, 2])
    sig = Network([2, 1], ["sigmoid"])
    assert sig.threshold() == 0.5
    assert np.array_equal(sig.classify(np.array([[0.49], [0.5], [0.9]])), [0, 1, 1])
    tanh = Network([2, 1], ["tanh"])
    assert tanh.threshold() == 0.0
    assert np.array_equal(tanh.classify(np.array([[-0.1], [0.0], [0.3]])), [0, 1, 1])


def test_predict_and_predict_proba():
    net = Network([2, 1], ["sigmoid"])
    net.weights[0][:] = [[1.0, -1.0]]
    net.biases[0][:] = [0.0]
    X = np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    p = net.predict_proba(X)
    expected = [1 / (1 + math.exp(-2)), 1 / (1 + math.exp(2)), 0.5]
    np.testing.assert_allclose(p[:, 0], expected, rtol=1e-14)
    assert np.array_equal(net.predict(X), [1, 0, 1])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_predict_proba_in_blocks_equals_one_forward_pass(dtype):
    from mlpstudio.core import network

    net = Network([2, 8, 3], ["tanh", "softmax"], seed=0, dtype=dtype)
    m = 2 * network.BLOCK_ELEMENTS // 8 + 17  # two full blocks and a short one
    X = np.random.default_rng(0).normal(size=(m, 2))
    out = net.predict_proba(X)
    assert out.shape == (m, 3)
    assert out.dtype == dtype
    np.testing.assert_allclose(
        out, net.forward(X).output, rtol=0, atol=1e-6 if dtype == np.float32 else 1e-14
    )
    assert np.array_equal(net.predict(X), net.forward(X).output.argmax(axis=1))


def test_cost_is_the_mean_squared_error():
    net = Network([2, 1], ["linear"])
    net.weights[0][:] = [[1.0, 0.0]]
    net.biases[0][:] = [0.0]
    X = np.array([[1.0, 5.0], [3.0, 5.0]])
    Y = np.array([[0.0], [1.0]])
    # errors 1 and 2: E = (1 + 4) / 2
    assert net.cost(X, Y) == 2.5


# ---- copies, dtypes, warnings -----------------------------------------------------------------


def test_copy_is_independent():
    net = Network([2, 3, 1], seed=0)
    other = net.copy()
    assert np.array_equal(other.params, net.params)
    other.weights[0][0, 0] += 1.0
    other.activations[0] = "tanh"
    other.sizes[0] = 99
    assert net.weights[0][0, 0] != other.weights[0][0, 0]
    assert net.activations[0] == "sigmoid"
    assert net.sizes[0] == 2
    assert np.shares_memory(other.weights[0], other.params)
    assert not np.shares_memory(other.params, net.params)
    other.reset()
    assert np.array_equal(other.params, net.params)
    net.params[:] = 0
    other.reset()
    assert other.params.any()


def test_astype_float32_gives_close_outputs():
    net = Network([2, 16, 16, 3], ["tanh", "tanh", "softmax"], seed=0)
    f32 = net.astype(np.float32)
    assert f32.dtype == np.float32
    assert f32.params.dtype == np.float32
    assert np.shares_memory(f32.weights[0], f32.params)
    assert net.dtype == np.float64
    X = np.random.default_rng(1).normal(size=(50, 2))
    out32 = f32.predict_proba(X)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, net.predict_proba(X), atol=1e-5)


def test_float32_networks_train():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    net = Network([2, 4, 1], ["tanh", "sigmoid"], seed=0, dtype=np.float32)
    t = Trainer(net, X, y, settings=TrainSettings(optimizer="gd", learning_rate=1.0))
    t.run(epochs=100)
    assert net.params.dtype == np.float32
    assert t.history.train_cost[-1] < 0.5 * t.history.train_cost[0]
    assert t.history.train_accuracy[-1] >= 0.95


def test_warnings_mention_step_units_and_perceptron():
    assert Network([2, 3, 1]).warnings() == []
    single = Network([2, 1], ["step"])
    assert single.perceptron_ok()
    (msg,) = single.warnings()
    assert "step" in msg
    assert "layer 2" in msg
    assert "perceptron" in msg
    hidden = Network([2, 3, 1], ["step", "sigmoid"])
    assert not hidden.perceptron_ok()
    (msg,) = hidden.warnings()
    assert "layer 2" in msg
    assert "perceptron" not in msg
    assert hidden.untrainable_layers() == [2]
    assert not Network([2, 1], ["sigmoid"]).perceptron_ok()


def test_describe():
    assert Network([2, 4, 1]).describe() == "2-4-1 sigmoid/sigmoid, squared_error"


# ---- the hand-computed step (the lecture's 2-2-1 sigmoid network) ------------------------------

W2 = [[0.15, -0.20], [0.25, 0.30]]  # w_jk^(2)
B2 = [0.35, -0.10]
W3 = [[0.40, -0.45]]  # w_1j^(3)
B3 = [0.60]
ETA = 0.7


def _sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _by_hand(x: list[float], y: float) -> dict:
    """Forward, δ and gradients of E_x = (a − y)² for one point, with plain floats."""
    z2 = [W2[j][0] * x[0] + W2[j][1] * x[1] + B2[j] for j in range(2)]
    a2 = [_sig(v) for v in z2]
    z3 = W3[0][0] * a2[0] + W3[0][1] * a2[1] + B3[0]
    a3 = _sig(z3)
    d3 = 2.0 * (a3 - y) * a3 * (1.0 - a3)
    d2 = [d3 * W3[0][j] * a2[j] * (1.0 - a2[j]) for j in range(2)]
    return {
        "z2": z2,
        "a2": a2,
        "z3": z3,
        "a3": a3,
        "d3": d3,
        "d2": d2,
        "gW3": [d3 * a2[0], d3 * a2[1]],
        "gb3": d3,
        "gW2": [[d2[j] * x[k] for k in range(2)] for j in range(2)],
        "gb2": d2,
        "E": (a3 - y) ** 2,
    }


def _lecture_net() -> Network:
    net = Network([2, 2, 1], ["sigmoid", "sigmoid"], seed=123)
    net.weights[0][...] = W2
    net.biases[0][...] = B2
    net.weights[1][...] = W3
    net.biases[1][...] = B3
    return net


TOL = 1e-12


def test_one_point_forward_backward_and_gd_step_match_the_hand_computation():
    x, y = [0.05, 0.9], 1.0
    h = _by_hand(x, y)
    net = _lecture_net()

    fw = net.forward(np.array([x]))
    np.testing.assert_allclose(fw.z[0][0], h["z2"], rtol=0, atol=TOL)
    np.testing.assert_allclose(fw.a[1][0], h["a2"], rtol=0, atol=TOL)
    np.testing.assert_allclose(fw.z[1][0], [h["z3"]], rtol=0, atol=TOL)
    np.testing.assert_allclose(fw.a[2][0], [h["a3"]], rtol=0, atol=TOL)

    bw = net.backward(fw, np.array([[y]]))
    np.testing.assert_allclose(bw.delta[1][0], [h["d3"]], rtol=0, atol=TOL)
    np.testing.assert_allclose(bw.delta[0][0], h["d2"], rtol=0, atol=TOL)
    np.testing.assert_allclose(bw.grad_W[1], [h["gW3"]], rtol=0, atol=TOL)
    np.testing.assert_allclose(bw.grad_b[1], [h["gb3"]], rtol=0, atol=TOL)
    np.testing.assert_allclose(bw.grad_W[0], h["gW2"], rtol=0, atol=TOL)
    np.testing.assert_allclose(bw.grad_b[0], h["gb2"], rtol=0, atol=TOL)
    assert bw.cost == pytest.approx(h["E"], abs=TOL)
    # backward does not touch the network
    assert np.array_equal(net.weights[0], W2)

    # One gradient-descent step by the trainer: w ← w − η ∂E/∂w.
    t = Trainer(net, np.array([x]), [1], settings=TrainSettings(optimizer="gd", learning_rate=ETA))
    t.step(unit="batch")
    new_W2 = [[W2[j][k] - ETA * h["gW2"][j][k] for k in range(2)] for j in range(2)]
    new_B2 = [B2[j] - ETA * h["gb2"][j] for j in range(2)]
    new_W3 = [[W3[0][j] - ETA * h["gW3"][j] for j in range(2)]]
    new_B3 = [B3[0] - ETA * h["gb3"]]
    np.testing.assert_allclose(net.weights[0], new_W2, rtol=0, atol=TOL)
    np.testing.assert_allclose(net.biases[0], new_B2, rtol=0, atol=TOL)
    np.testing.assert_allclose(net.weights[1], new_W3, rtol=0, atol=TOL)
    np.testing.assert_allclose(net.biases[1], new_B3, rtol=0, atol=TOL)
    assert t.epoch == 1
    # The update shown in the diagram is the change of every parameter.
    np.testing.assert_allclose(t.update[net.param_index("b", 1, 0)], -ETA * h["gb3"], atol=TOL)
    # The step went downhill.
    assert _sig_cost_after(net, x, y) < h["E"]


def _sig_cost_after(net: Network, x: list[float], y: float) -> float:
    return float(((net.predict_proba(np.array([x])) - y) ** 2).sum())


def test_two_point_batch_gradients_are_means_while_delta_stays_per_point():
    points = [([0.05, 0.9], 1.0), ([0.8, -0.3], 0.0)]
    hs = [_by_hand(x, y) for x, y in points]
    net = _lecture_net()
    X = np.array([p[0] for p in points])
    Y = np.array([[p[1]] for p in points])
    fw = net.forward(X)
    bw = net.backward(fw, Y)

    for r, h in enumerate(hs):
        np.testing.assert_allclose(bw.delta[1][r], [h["d3"]], rtol=0, atol=TOL)
        np.testing.assert_allclose(bw.delta[0][r], h["d2"], rtol=0, atol=TOL)

    def mean(key: str) -> np.ndarray:
        return np.mean([np.array(h[key], float) for h in hs], axis=0)

    np.testing.assert_allclose(bw.grad_W[1][0], mean("gW3"), rtol=0, atol=TOL)
    np.testing.assert_allclose(bw.grad_b[1][0], mean("gb3"), rtol=0, atol=TOL)
    np.testing.assert_allclose(bw.grad_W[0], mean("gW2"), rtol=0, atol=TOL)
    np.testing.assert_allclose(bw.grad_b[0], mean("gb2"), rtol=0, atol=TOL)
    assert bw.cost == pytest.approx((hs[0]["E"] + hs[1]["E"]) / 2, abs=TOL)
    # not the sum: the sum would be twice as large
    assert abs(bw.grad_b[1][0] - (hs[0]["gb3"] + hs[1]["gb3"])) > 1e-3

    # The flat gradient is the same numbers in params order.
    g = net.gradient(X, Y)
    assert g[net.param_index("w", 0, 1, 0)] == pytest.approx(mean("gW2")[1][0], abs=TOL)
    assert g[net.param_index("b", 1, 0)] == pytest.approx(mean("gb3"), abs=TOL)

    # A gd step on both points uses the mean.
    t = Trainer(net, X, [1, 0], settings=TrainSettings(optimizer="gd", learning_rate=ETA))
    info = t.step(unit="batch")
    assert sorted(info.indices.tolist()) == [0, 1]
    np.testing.assert_allclose(
        net.weights[1][0], np.array(W3[0]) - ETA * mean("gW3"), rtol=0, atol=TOL
    )
    np.testing.assert_allclose(net.weights[0], np.array(W2) - ETA * mean("gW2"), rtol=0, atol=TOL)
