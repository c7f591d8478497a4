"""Diagnostics for the diagram: values from the engine, saturation, gradient norms, formulas."""

import numpy as np
import pytest

from mlpstudio.core import diagnostics as dg
from mlpstudio.core.boundary import unit_maps
from mlpstudio.core.network import Network
from mlpstudio.core.numformat import product_sum


@pytest.fixture
def net():
    return Network([2, 3, 2], activations=["tanh", "sigmoid"], seed=1)


def test_inspect_one_point_is_the_engine_pass(net):
    X = np.array([[0.5, -1.0]])
    Y = net.encode(np.array([1]))
    insp = dg.inspect(net, X, Y)
    fw = net.forward(X)
    bw = net.backward(fw, Y)
    assert insp.n_points == 1 and not insp.is_batch
    np.testing.assert_array_equal(insp.a[0], X[0])
    for i in range(2):
        np.testing.assert_array_equal(insp.z[i], fw.z[i][0])
        np.testing.assert_array_equal(insp.a[i + 1], fw.a[i + 1][0])
        np.testing.assert_array_equal(insp.delta[i], bw.delta[i][0])
        np.testing.assert_array_equal(insp.grad_W[i], bw.grad_W[i])
    assert insp.cost == pytest.approx(bw.cost)
    np.testing.assert_array_equal(insp.y, Y[0])


def test_inspect_batch_gives_means_and_engine_gradients(net):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 2))
    Y = net.encode(rng.integers(0, 2, 7))
    insp = dg.inspect(net, X, Y)
    fw = net.forward(X)
    bw = net.backward(fw, Y)
    assert insp.is_batch and insp.n_points == 7
    np.testing.assert_allclose(insp.delta[0], bw.delta[0].mean(axis=0))
    np.testing.assert_allclose(insp.a[2], fw.a[2].mean(axis=0))
    np.testing.assert_allclose(insp.grad_b[1], bw.grad_b[1])


def test_inspect_without_targets_has_no_delta(net):
    insp = dg.inspect(net, np.zeros((1, 2)))
    assert insp.delta is None and insp.grad_W is None and not insp.has_targets
    assert dg.layer_gradient_norms(insp).size == 0


def test_gradient_norms_per_layer(net):
    X = np.array([[0.3, 0.2]])
    Y = net.encode(np.array([0]))
    insp = dg.inspect(net, X, Y)
    norms = dg.layer_gradient_norms(insp)
    flat = net.gradient(X, Y)
    W, b = net._views(flat)
    expected = [np.sqrt((W[i] ** 2).sum() + (b[i] ** 2).sum()) for i in range(2)]
    np.testing.assert_allclose(norms, expected)


def test_saturation_step_relu_sigmoid():
    net = Network([2, 2, 2, 1], activations=["step", "relu", "sigmoid"], seed=0)
    net.weights[1][...] = [[1.0, 0.0], [0.0, 0.0]]
    net.biases[1][...] = [0.0, -1.0]  # unit 2 of the relu layer is dead everywhere
    net.weights[2][...] = 0.0
    net.biases[2][...] = 50.0  # the output sigmoid is saturated everywhere
    p = dg.plane(net, (-1, 1), (-1, 1), n=10)
    assert p.maps[0].shape == (2, 10, 10)
    np.testing.assert_array_equal(p.saturation[0], [1.0, 1.0])  # step units always
    assert p.saturation[1][1] == 1.0
    assert p.saturation[2][0] == 1.0
    marked = dg.saturated_units(p.saturation)
    assert marked[1][1] and marked[2][0]


def test_cross_entropy_output_never_saturated():
    net = Network([2, 1], activations=["sigmoid"], loss="cross_entropy", seed=0)
    net.biases[0][...] = 50.0
    p = dg.plane(net, (-1, 1), (-1, 1), n=5)
    assert p.saturation[0][0] == 0.0


def test_plane_maps_match_boundary(net):
    p = dg.plane(net, (-2, 2), (-1, 3), n=12)
    for got, want in zip(p.maps, unit_maps(net, (-2, 2), (-1, 3), n=12), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_num_and_product_sum():
    assert dg.num(-0.00861234) == "−0.00861"
    assert dg.num(0) == "0"
    assert dg.num(1.5e-7) == "1.5e−7"
    assert product_sum([(0.12, 0.8), (-0.05, 1.1)]) == "0.12·0.8 − 0.05·1.1"
    assert product_sum([(0.5, -2.0)], 0.1) == "0.5·(−2) + 0.1"
    long = product_sum([(1.0, 1.0)] * 10)
    assert "6 more" in long


def test_hidden_delta_formula_has_the_numbers_and_the_engine_value():
    net = Network([2, 2, 2], activations=["sigmoid", "sigmoid"], seed=0)
    net.weights[1][...] = [[0.8, 0.3], [1.1, -0.4]]
    X, Y = np.array([[0.2, 0.7]]), net.encode(np.array([1]))
    insp = dg.inspect(net, X, Y)
    lines = dg.unit_formulas(net, insp, 0, 0)
    delta_line = next(s for s in lines if s.startswith("δ ="))
    d_next = insp.delta[1]
    assert "(Σ_k δ_k w_kj) g'(z)" in delta_line
    assert dg.num(abs(d_next[0])) + "·0.8" in delta_line
    assert dg.num(abs(d_next[1])) + "·1.1" in delta_line
    assert delta_line.endswith("= " + dg.num(insp.delta[0][0], 4))
    z_line = next(s for s in lines if s.startswith("z ="))
    assert z_line.endswith(dg.num(insp.z[0][0], 4))


def test_output_and_edge_and_bias_formulas(net):
    X, Y = np.array([[0.2, 0.7]]), net.encode(np.array([0]))
    insp = dg.inspect(net, X, Y)
    out = dg.unit_formulas(net, insp, 1, 0)
    assert any(s.startswith("δ = 2 (a − y) g'(z) = 2·(") for s in out)
    assert any(s.startswith("target y = 1") for s in out)
    update = np.full(net.n_params, 0.25)
    edge = dg.edge_formulas(net, insp, 1, 0, 2, update=update, frozen=True)
    assert edge[0].startswith("w_13^(3)")
    assert any(
        "∂E/∂w_jk = δ_j a_k" in s and s.endswith(dg.num(insp.grad_W[1][0, 2], 4)) for s in edge
    )
    assert "last update Δw = 0.25" in edge
    assert any("frozen" in s for s in edge)
    bias = dg.bias_formulas(net, insp, 0, 1)
    assert bias[0].startswith("b_2^(2)")
    batch = dg.inspect(net, np.array([[0.2, 0.7], [1.0, -1.0]]), net.encode(np.array([0, 1])))
    lines = dg.edge_formulas(net, batch, 0, 0, 0)
    assert any("mean over 2 points" in s for s in lines)
    assert any("means over 2 points" in s for s in dg.unit_formulas(net, batch, 0, 0))
    assert dg.output_cost_line(net, batch).endswith("(mean over 2 points)")


def test_saturation_line_and_softmax_and_relu_wording():
    net = Network([2, 2, 2], activations=["relu", "softmax"], seed=0)
    assert dg.saturation_line(net, 0, 0.95).startswith("saturated: |g'(z)| < 0.01 on 95%")
    assert dg.saturation_line(net, 0, 0.5) == ""
    step = Network([2, 1, 1], activations=["step", "sigmoid"], seed=0)
    assert dg.saturation_line(step, 0, 0.0).startswith("step unit")
    insp = dg.inspect(net, np.array([[0.3, -0.4]]), net.encode(np.array([1])))
    out = dg.unit_formulas(net, insp, 1, 0)
    assert any(s.startswith("a_j = exp(z_j) / Σ_c exp(z_c) = ") for s in out)
    assert any(s.startswith("∂a_j/∂z_j = a_j (1 − a_j) = ") for s in out)
    assert any(s.startswith("softmax couples the outputs: e_c = 2 (a_c − y_c)") for s in out)
    delta = next(s for s in out if s.startswith("δ = a (e − Σ_c e_c a_c) = "))
    assert delta.endswith(dg.num(insp.delta[1][0], 4))
    hidden = dg.unit_formulas(net, insp, 0, 0)
    z = insp.z[0][0]
    cmp = ">" if z > 0 else "≤"
    assert any(
        s == f"g'(z) = {dg.num(insp.g_prime[0][0], 4)} since z = {dg.num(z, 4)} {cmp} 0"
        for s in hidden
    )


def test_inspect_refuses_no_points_and_ill_fitting_targets_in_words(net):
    with pytest.raises(ValueError, match="no points"):
        dg.inspect(net, np.zeros((0, 2)), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="targets"):
        dg.inspect(net, np.zeros((1, 2)), np.zeros((1, 3)))


def test_map_ranges_skip_nan_and_inf_without_warnings():
    import warnings

    maps = [np.array([[[np.nan, 1.0], [-2.0, np.inf]], [[np.nan, np.nan], [np.nan, np.nan]]])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ((lo, hi),) = dg.map_ranges(maps)
    np.testing.assert_array_equal(lo, [-2.0, np.nan])
    np.testing.assert_array_equal(hi, [1.0, np.nan])
