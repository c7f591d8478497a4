"""Derived input features (x₁², x₂², x₁x₂, sin x₁, sin x₂): the engine, the file and the notation.

A network with ``features`` reads 2-D points and computes its input layer ``a^(1)`` from them.
These tests pin down the exact values of that layer, that back-propagation stays right through
it, that the trainer, specs, project file and set-up line keep the features, and that every
refusal says what is wrong in one line.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlpstudio.core import boundary, datasets, gradcheck, lessons, network, setup_text
from mlpstudio.core import diagnostics as dg
from mlpstudio.core import features as core_features
from mlpstudio.core import notation as nt
from mlpstudio.core import project as core_project
from mlpstudio.core.network import Network
from mlpstudio.core.project import Project, ProjectError
from mlpstudio.core.project.checks import InvalidError
from mlpstudio.core.project.validate import input_features
from mlpstudio.core.specs import DataSpec, NetworkSpec
from mlpstudio.core.training import Trainer, TrainingError, TrainSettings
from mlpstudio.resources_path import resources

PRODUCT = ("x1", "x2", "x1*x2")
EVERY = core_features.KEYS

# The formula of every key on the columns x1, x2 (the lecture's definitions, written out again).
FORMULAS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def by_formula(X: np.ndarray, keys) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        return np.column_stack([FORMULAS[k](X[:, 0], X[:, 1]) for k in keys])


def points(n: int = 50, seed: int = 0, scale: float = 1.5) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, scale, size=(n, 2))


# ---- the features module ---------------------------------------------------------------------


def test_the_keys_in_the_apps_order():
    assert core_features.KEYS == ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
    assert core_features.IDENTITY == ("x1", "x2")
    assert core_features.N_COORDINATES == 2


def test_check_orders_the_keys_and_refuses_unknown_repeated_or_none():
    assert core_features.check(["x1*x2", "x2", "x1"]) == PRODUCT
    assert core_features.check(("sin(x2)", "x1^2")) == ("x1^2", "sin(x2)")
    assert core_features.check("x1*x2, x1") == ("x1", "x1*x2")  # a string is parsed
    with pytest.raises(ValueError, match=r"unknown input feature 'x3' \(known: x1, x2, x1\^2"):
        core_features.check(["x1", "x3"])
    with pytest.raises(ValueError, match="unknown input feature 3"):
        core_features.check(["x1", 3])
    with pytest.raises(ValueError, match="'x2' is listed twice"):
        core_features.check(["x2", "x1", "x2"])
    with pytest.raises(ValueError, match="at least one input feature is needed"):
        core_features.check([])


def test_parse_text_and_normalise():
    assert core_features.parse("x1,x2,x1*x2") == PRODUCT
    # spaces and an empty part are allowed
    assert core_features.parse(" x1*x2 ,x2, x1 ,") == PRODUCT
    assert core_features.parse("sin(x1)") == ("sin(x1)",)
    with pytest.raises(ValueError, match="at least one"):
        core_features.parse(" , ")
    with pytest.raises(ValueError, match="unknown input feature 'x1 x2'"):
        core_features.parse("x1 x2")
    # None stands for the point itself: no keys, or exactly x1 and x2 in any order.
    assert core_features.normalise(None) is None
    assert core_features.normalise(["x2", "x1"]) is None
    assert core_features.normalise(["x1"]) == ("x1",)
    assert core_features.normalise(["x2", "x1", "x1*x2"]) == PRODUCT
    assert core_features.text(None) == "x1,x2"
    assert core_features.text(PRODUCT) == "x1,x2,x1*x2"
    for keys in (PRODUCT, ("x2^2",), EVERY):
        assert core_features.parse(core_features.text(keys)) == keys


def test_expand_is_the_formulas_column_by_column():
    X = np.array([[2.0, 3.0], [-1.5, 0.5], [0.0, -4.0]])
    out = core_features.expand(X, EVERY)
    assert out.shape == (3, 7) and out.dtype == np.float64
    expected = [
        [2.0, 3.0, 4.0, 9.0, 6.0, math.sin(2.0), math.sin(3.0)],
        [-1.5, 0.5, 2.25, 0.25, -0.75, math.sin(-1.5), math.sin(0.5)],
        [0.0, -4.0, 0.0, 16.0, -0.0, 0.0, math.sin(-4.0)],
    ]
    np.testing.assert_array_equal(out, expected)
    # The columns follow the keys as given, and a buffer may be passed in.
    buf = np.full((3, 2), np.nan)
    assert core_features.expand(X, ("x1*x2", "x1"), out=buf) is buf
    np.testing.assert_array_equal(buf, [[6.0, 2.0], [-0.75, -1.5], [-0.0, 0.0]])
    # float32 in, float32 out; huge values overflow to inf without a warning.
    X32 = np.array([[3e30, 1.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out32 = core_features.expand(X32, ("x1", "x1^2", "x1*x2"))
    assert out32.dtype == np.float32
    assert out32[0, 0] == np.float32(3e30) and np.isinf(out32[0, 1]) and out32[0, 2] > 1e30


@pytest.mark.parametrize("shape", [(4,), (4, 1), (4, 3), (2, 2, 2)])
def test_expand_needs_points_of_two_coordinates(shape):
    with pytest.raises(ValueError, match=r"derived features need points of shape \(n, 2\)"):
        core_features.expand(np.zeros(shape), PRODUCT)


# ---- the network -----------------------------------------------------------------------------


def test_a_network_with_features_reads_points_and_sizes_its_input_layer():
    net = Network([3, 4, 1], seed=1, features=["x1*x2", "x1", "x2"])
    assert net.features == PRODUCT  # checked and in KEYS order
    assert net.n_inputs == 2 and net.sizes[0] == 3
    assert net.weights[0].shape == (4, 3)
    assert "inputs x1,x2,x1*x2" in net.describe()
    plain = Network([2, 4, 1], seed=1, features=["x2", "x1"])
    assert plain.features is None and plain.n_inputs == 2
    assert "inputs" not in plain.describe()
    single = Network([1, 1], seed=0, features=["x2^2"])
    assert single.features == ("x2^2",) and single.n_inputs == 2


def test_a_network_refuses_features_that_do_not_fit():
    with pytest.raises(
        ValueError, match=r"3 input features need 3 input units, got sizes\[0\] = 2"
    ):
        Network([2, 1], features=PRODUCT)
    # x1, x2 is the point itself: then the input units are the point's coordinates
    net = Network([3, 1], features=("x1", "x2"))
    assert net.features is None and net.n_inputs == 3
    with pytest.raises(ValueError, match="unknown input feature 'cos'"):
        Network([2, 1], features=("x1", "cos"))
    with pytest.raises(ValueError, match="listed twice"):
        Network([2, 1], features=("x1", "x1"))


def test_forward_computes_the_feature_matrix_as_a1():
    net = Network([7, 3, 2], ["tanh", "sigmoid"], seed=2, features=EVERY)
    X = np.array([[2.0, 3.0], [-1.5, 0.5]])
    fw = net.forward(X)
    np.testing.assert_array_equal(
        fw.a[0],
        [
            [2.0, 3.0, 4.0, 9.0, 6.0, math.sin(2.0), math.sin(3.0)],
            [-1.5, 0.5, 2.25, 0.25, -0.75, math.sin(-1.5), math.sin(0.5)],
        ],
    )
    # The rest of the pass is a plain network's on those inputs.
    plain = Network([7, 3, 2], ["tanh", "sigmoid"], seed=2)
    plain.set_params(net.params)
    ref = plain.forward(fw.a[0])
    for a, b in zip(fw.a, ref.a, strict=True):
        np.testing.assert_array_equal(a, b)
    # One point as a flat row, and float32.
    np.testing.assert_array_equal(net.forward([2.0, 3.0]).a[0], fw.a[0][:1])
    small = net.astype(np.float32)
    a1 = small.forward(X).a[0]
    assert a1.dtype == np.float32
    np.testing.assert_array_equal(a1, core_features.expand(X.astype(np.float32), EVERY))


def test_the_network_refuses_its_feature_matrix_in_place_of_points():
    net = Network([3, 2, 1], seed=0, features=PRODUCT)
    with pytest.raises(ValueError, match=r"expected points with 2 features, got shape \(4, 3\)"):
        net.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="expected points with 2 features"):
        net.predict(np.zeros((4, 3)))
    assert net.as_points([[1, 2]]).shape == (1, 2)
    np.testing.assert_array_equal(net.input_layer(np.array([[1.0, 2.0]])), [[1.0, 2.0, 2.0]])
    plain = Network([2, 1], seed=0)
    X = np.array([[1.0, 2.0]])
    assert plain.input_layer(X) is X  # no features: the points themselves


@pytest.mark.parametrize("key", [k for k in EVERY if k not in core_features.IDENTITY])
def test_backpropagation_agrees_with_central_differences_through_each_feature(key):
    features = core_features.check(("x1", "x2", key))
    net = Network([3, 4, 2], ["tanh", "sigmoid"], seed=5, features=features)
    X = points(12, seed=1)
    Y = net.encode(np.arange(12) % 2, 2).astype(np.float64)
    result = gradcheck.check(net, X, Y)
    assert result.verdict == "ok", (key, result.max_error)
    # the derived unit's weights get a gradient of their own (they do learn)
    column = features.index(key)
    assert np.any(net.gradient(X, Y)[[net.param_index("w", 0, j, column) for j in range(4)]] != 0)


@pytest.mark.parametrize("features", [(core_features.KEYS[4],), ("x1^2", "x2^2"), EVERY])
def test_gradcheck_with_features_only_and_cross_entropy(features):
    net = Network(
        [len(features), 3, 3], ["relu", "softmax"], "cross_entropy", seed=3, features=features
    )
    X = points(9, seed=2)
    Y = net.encode(np.arange(9) % 3, 3)
    assert gradcheck.check(net, X, Y).verdict == "ok"


@pytest.mark.parametrize(("sizes", "n"), [([3, 16, 1], 12_345), ([3, 1], 40_001)])
def test_predictions_in_blocks_equal_those_of_small_batches(sizes, n):
    net = Network(sizes, seed=4, features=PRODUCT)
    rows = max(256, network.BLOCK_ELEMENTS // max(sizes[1:]))
    assert n > rows  # several blocks, the last one shorter
    X = points(n, seed=3)
    big = net.predict_proba(X)
    assert big.shape == (n, 1)
    small = np.concatenate([net.predict_proba(X[i : i + 100]) for i in range(0, n, 100)])
    np.testing.assert_allclose(big, small, rtol=1e-12, atol=0)
    # The same as a plain network reading the feature matrix.
    plain = Network(sizes, seed=4)
    plain.set_params(net.params)
    expanded = core_features.expand(X, PRODUCT)
    np.testing.assert_allclose(big, plain.predict_proba(expanded), rtol=1e-12)
    np.testing.assert_array_equal(net.predict(X), net.classify(big))


def test_copy_and_astype_keep_the_features():
    net = Network([3, 2, 1], seed=0, features=PRODUCT)
    other = net.copy()
    assert other.features == PRODUCT and other.n_inputs == 2
    other.params[:] = 0.0
    assert np.any(net.params != 0.0)  # independent parameters
    small = net.astype("float32")
    assert small.features == PRODUCT and small.dtype == np.float32
    X = points(5)
    np.testing.assert_allclose(small.predict_proba(X), net.predict_proba(X), rtol=1e-5)


# ---- the trainer -----------------------------------------------------------------------------


def test_xor_clusters_with_the_product_need_no_hidden_layer():
    ds = datasets.generate("xor-clusters", points=200, noise=0.1, seed=0)
    settings = TrainSettings(learning_rate=2.0)
    product = Trainer(Network([3, 1], seed=0, features=PRODUCT), ds.X, ds.y, settings=settings)
    product.run(epochs=500)
    assert product.history.train_accuracy[-1] == 1.0
    # without the product one line cannot separate XOR
    plain = Trainer(Network([2, 1], seed=0), ds.X, ds.y, settings=TrainSettings(learning_rate=2.0))
    plain.run(epochs=500)
    assert plain.history.train_accuracy[-1] < 0.8


def test_the_trainer_expands_once_and_trains_as_on_the_feature_matrix():
    ds = datasets.split(datasets.generate("circles", points=120, noise=0.1, seed=2), 0.25, 2)
    keys = ("x1^2", "x2^2", "sin(x1)")
    settings = TrainSettings(optimizer="adam", learning_rate=0.05, batch_size=16, seed=3)
    net = Network([3, 5, 1], ["tanh", "sigmoid"], seed=7, features=keys)
    trainer = Trainer(net, ds.X_train, ds.y_train, ds.X_test, ds.y_test, settings=settings)
    np.testing.assert_array_equal(trainer.X, core_features.expand(ds.X_train, keys))
    np.testing.assert_array_equal(trainer.X_test, core_features.expand(ds.X_test, keys))
    trainer.run(epochs=20)
    plain = Network([3, 5, 1], ["tanh", "sigmoid"], seed=7)
    ref = Trainer(
        plain,
        core_features.expand(ds.X_train, keys),
        ds.y_train,
        core_features.expand(ds.X_test, keys),
        ds.y_test,
        settings=TrainSettings(optimizer="adam", learning_rate=0.05, batch_size=16, seed=3),
    )
    ref.run(epochs=20)
    assert net.params.tobytes() == plain.params.tobytes()
    assert trainer.history.test_accuracy == ref.history.test_accuracy
    # set_data takes points again (not a feature matrix)
    with pytest.raises(ValueError, match="expected points with 2 features"):
        trainer.set_data(core_features.expand(ds.X_train, keys), ds.y_train)


def test_a_nan_is_named_by_the_point_and_its_own_column():
    net = Network([2, 1], seed=0, features=("x2", "x1*x2"))
    X = points(6)
    y = np.arange(6) % 2
    bad = X.copy()
    bad[4, 1] = np.nan  # x2 of point 4: column 0 and 1 of the feature matrix
    with pytest.raises(TrainingError) as err:
        Trainer(net, bad, y)
    message = str(err.value)
    assert message == (
        "the training points hold nan (point 4, feature 1): the data must be finite numbers"
    )
    # inf in x1 becomes nan in x1*x2 when x2 = 0: the point's own value is named
    bad = X.copy()
    bad[2] = [np.inf, 0.0]
    with pytest.raises(TrainingError, match=r"hold inf \(point 2, feature 0\)"):
        Trainer(net, bad, y)
    trainer = Trainer(net, X, y)
    bad = X.copy()
    bad[3, 0] = -np.inf
    with pytest.raises(TrainingError, match=r"the test points hold -inf \(point 3, feature 0\)"):
        trainer.set_data(X, y, bad, y)
    np.testing.assert_array_equal(trainer.X, core_features.expand(X, ("x2", "x1*x2")))  # kept


# ---- the spec --------------------------------------------------------------------------------


def test_the_spec_sizes_and_builds_with_features():
    spec = NetworkSpec(hidden=[(5, "tanh")], features=PRODUCT)
    assert spec.sizes(2, 2) == [3, 5, 1]
    assert spec.sizes(2, 4) == [3, 5, 4]
    net = spec.build(2, 2, seed=3)
    assert net.features == PRODUCT and net.sizes == [3, 5, 1]
    assert NetworkSpec.of(net) == spec
    assert NetworkSpec.of(net).features == PRODUCT
    with pytest.raises(
        ValueError, match="derived input features need data with 2 inputs, this data"
    ):
        spec.sizes(4, 3)
    with pytest.raises(ValueError, match="need data with 2 inputs"):
        spec.build(1, 2, seed=0)
    # x1, x2 is the point itself: any data
    assert NetworkSpec(features=("x1", "x2")).sizes(4, 3) == [4, 4, 3]
    assert NetworkSpec.of(Network([4, 3], seed=0)).features is None


# ---- the project file ------------------------------------------------------------------------


def product_project(**kwargs) -> Project:
    ds = datasets.split(datasets.generate("xor-clusters", points=60, noise=0.2, seed=4), 0.25, 4)
    net = Network([4, 3, 1], ["tanh", "sigmoid"], seed=6, features=("x1", "x2", "x1*x2", "sin(x2)"))
    p = Project(net, ds, TrainSettings(learning_rate=0.7, seed=2), **kwargs)
    trainer = p.trainer()
    trainer.run(epochs=7)
    p.record(trainer)
    return p


def test_a_project_with_features_round_trips_bit_identically(tmp_path):
    p = product_project()
    text = core_project.to_json(p)
    block = json.loads(text)["network"]
    assert block["features"] == ["x1", "x2", "x1*x2", "sin(x2)"]
    assert block["sizes"][0] == 4
    path = tmp_path / "p.json"
    core_project.save(p, path)
    again = core_project.load(path)
    assert again.network.features == p.network.features
    assert again.network.params.tobytes() == p.network.params.tobytes()
    assert again.network.initial_params.tobytes() == p.network.initial_params.tobytes()
    assert core_project.to_json(again) == text
    X = p.dataset.X
    np.testing.assert_array_equal(again.network.predict_proba(X), p.network.predict_proba(X))
    # it trains on from there, on the points
    trainer = again.trainer()
    trainer.run(epochs=2)
    assert trainer.epoch == 9


def test_a_model_only_project_keeps_its_features():
    p = Project(Network([3, 1], seed=1, features=PRODUCT))
    again = core_project.from_json(core_project.to_json(p))
    assert again.network.features == PRODUCT and again.dataset is None
    assert again.feature_names == ["x1", "x2"]


def test_features_are_written_only_when_set_and_old_files_load_as_before():
    plain = Project(Network([2, 3, 1], seed=1), datasets.generate("xor"))
    doc = json.loads(core_project.to_json(plain))
    assert "features" not in doc["network"]
    assert core_project.from_json(json.dumps(doc)).network.features is None
    # a file written before derived features: no key, and the 2-D points are the inputs
    old = core_project.load(resources().joinpath("lessons", "02-xor-problem-sigmoid.json"))
    assert old.network.features is None and old.network.sizes == [2, 1]
    # features: null is the same as leaving it out
    doc["network"]["features"] = None
    assert core_project.from_json(json.dumps(doc)).network.features is None
    # x1, x2 listed explicitly is the point itself
    doc["network"]["features"] = ["x1", "x2"]
    loaded = core_project.from_json(json.dumps(doc))
    assert loaded.network.features is None
    assert "features" not in json.loads(core_project.to_json(loaded))["network"]


def test_a_standardised_project_with_features_saves_and_loads():
    p = product_project(standardisation={"mean": [0.1, -0.2], "std": [1.5, 0.5]})
    text = core_project.to_json(p)
    again = core_project.from_json(text)
    assert again.standardisation == {"mean": [0.1, -0.2], "std": [1.5, 0.5]}
    assert again.network.features == p.network.features


def test_a_standardisation_has_one_value_per_coordinate_of_the_point():
    doc = json.loads(core_project.to_json(product_project()))
    doc["network"]["standardisation"] = {"mean": [0.1, -0.2], "std": [1.5, 0.5]}
    loaded = core_project.from_json(json.dumps(doc), "f.json")
    assert loaded.standardisation == {"mean": [0.1, -0.2], "std": [1.5, 0.5]}
    np.testing.assert_allclose(loaded.network_input([1.6, 0.3]), [[1.0, 1.0]])
    doc["network"]["standardisation"] = {"mean": [0.0] * 4, "std": [1.0] * 4}
    with pytest.raises(ProjectError) as err:
        core_project.from_json(json.dumps(doc), "f.json")
    assert str(err.value) == "f.json: network.standardisation.mean: expected 2 values, found 4"


def product_doc() -> dict:
    net = Network([3, 1], "sigmoid", seed=1, features=PRODUCT)
    return json.loads(core_project.to_json(Project(net, datasets.generate("xor"))))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            ["x1", "x2", "x3"],
            'network.features[2]: unknown input feature "x3" (known: x1, x2, x1^2, x2^2, '
            "x1*x2, sin(x1), sin(x2))",
        ),
        (["x1", "x1", "x2"], "network.features: the input feature 'x1' is listed twice"),
        (
            ["x2", "x1", "x1*x2"],
            "network.features: list the features in this order: x1, x2, x1*x2",
        ),
        (["x1", "x2"], "network.features: 2 features, but network.sizes[0] is 3 input units"),
        (
            ["x1", "x2", "x1^2", "x1*x2"],
            "network.features: 4 features, but network.sizes[0] is 3 input units",
        ),
        ([], "network.features: at least one input feature is needed"),
        ("x1,x2,x1*x2", 'network.features: expected a list, found the text "x1,x2,x1*x2"'),
        ({"x1": 1}, "network.features: expected a list, found an object"),
        (3, "network.features: expected a list, found 3"),
        ([None, "x2", "x1*x2"], "network.features[0]: expected a feature name, found null"),
        (["x1", "x2", ["x1*x2"]], "network.features[2]: expected a feature name, found a list"),
    ],
)
def test_wrong_features_are_refused_by_name(value, message):
    doc = product_doc()
    doc["network"]["features"] = value
    with pytest.raises(ProjectError) as err:
        core_project.from_json(json.dumps(doc), "f.json")
    assert str(err.value).startswith(f"f.json: {message}"), str(err.value)
    assert "\n" not in str(err.value)


def test_the_features_check_itself():
    assert input_features(["x1", "x2", "x1*x2"], 3) == PRODUCT
    assert input_features(["x1", "x2"], 2) is None
    with pytest.raises(InvalidError, match=r"network.features\[1\]: unknown input feature"):
        input_features(["x1", "X2"], 2)


# ---- the set-up line -------------------------------------------------------------------------


def a_setup(features) -> setup_text.Setup:
    return setup_text.Setup(
        DataSpec("xor-clusters", 120, 0.1, 2, 3, 0.2),
        NetworkSpec([(4, "tanh")], "sigmoid", "squared_error", True, "xavier", "float64", features),
        TrainSettings("gd", 0.5, 32, 0.9, 0.0, None, None, 1),
    )


def test_a_set_up_with_inputs_round_trips():
    setup = a_setup(("x1", "x2", "x1*x2", "sin(x1)"))
    text = setup_text.to_text(setup)
    assert " inputs=x1,x2,x1*x2,sin(x1) " in text
    back = setup_text.from_text(text)
    assert back == setup and back.network.features == ("x1", "x2", "x1*x2", "sin(x1)")
    net = back.network.build(2, 2, seed=1)
    assert net.sizes == [4, 4, 1] and net.features == back.network.features


def test_an_old_set_up_line_without_inputs_still_reads():
    setup = a_setup(None)
    text = setup_text.to_text(setup)
    assert "inputs=" not in text
    old = (
        "mlpstudio 1 data=moons points=120 noise=0.1 classes=2 data-seed=3 test=0.2 std=no "
        "hidden=6:tanh out=sigmoid loss=squared_error single=yes init=xavier dtype=float64 "
        "opt=gd lr=1 batch=32 momentum=0.9 l2=0 target=none max=none seed=5"
    )
    assert setup_text.from_text(old).network.features is None
    assert setup_text.from_text(text) == setup
    # x1,x2 written by hand is the point itself, and is not written back
    spelled = text.replace(" opt=", " inputs=x2,x1 opt=")
    assert setup_text.from_text(spelled) == setup


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ("x1,x9", "inputs: unknown input feature 'x9'"),
        ("x1,x1", "inputs: the input feature 'x1' is listed twice"),
        ("", "inputs: at least one input feature is needed"),
    ],
)
def test_a_wrong_inputs_word_is_named(inputs, message):
    text = setup_text.to_text(a_setup(None)).replace(" opt=", f" inputs={inputs} opt=")
    with pytest.raises(setup_text.SetupError, match=message):
        setup_text.from_text(text)
    twice = setup_text.to_text(a_setup(PRODUCT)).replace(" opt=", " inputs=x1 opt=")
    with pytest.raises(setup_text.SetupError, match="inputs is given twice"):
        setup_text.from_text(twice)


# ---- notation --------------------------------------------------------------------------------


def test_every_feature_has_a_name_in_the_lectures_notation():
    names = {k: nt.feature_name(k) for k in EVERY}
    assert names == {
        "x1": "x_{1}",
        "x2": "x_{2}",
        "x1^2": "x_{1}^{2}",
        "x2^2": "x_{2}^{2}",
        "x1*x2": "x_{1}x_{2}",
        "sin(x1)": "sin x_{1}",
        "sin(x2)": "sin x_{2}",
    }
    assert nt.plain(nt.feature_name("x1*x2")) == "x_1x_2"
    assert nt.plain(nt.feature_name("x2^2")) == "x_2^2"
    with pytest.raises(KeyError):
        nt.feature_name("cos(x1)")


def test_input_and_unit_names_follow_the_features():
    assert [nt.input_name(None, k) for k in range(3)] == ["x_{1}", "x_{2}", "x_{3}"]
    assert [nt.input_name(PRODUCT, k) for k in range(3)] == ["x_{1}", "x_{2}", "x_{1}x_{2}"]
    assert nt.input_name(("x2^2",), 0) == "x_{2}^{2}"
    assert nt.unit_name(1, 2, PRODUCT) == "x_{1}x_{2}"
    assert nt.unit_name(1, 2) == "x_{3}"
    assert nt.unit_name(2, 0, PRODUCT) == "a_{1}^{(2)}"  # only the input layer is renamed
    assert nt.unit_name(1, "j", PRODUCT) == "x_{j}"


# ---- diagnostics and the plane ---------------------------------------------------------------


def test_inspection_keeps_the_point_beside_its_features():
    net = Network([3, 2, 1], seed=0, features=PRODUCT)
    insp = dg.inspect(net, np.array([[2.0, 3.0]]), np.array([[1.0]]))
    np.testing.assert_array_equal(insp.x, [2.0, 3.0])
    np.testing.assert_array_equal(insp.a[0], [2.0, 3.0, 6.0])
    assert insp.grad_W[0].shape == (2, 3)
    batch = dg.inspect(net, np.array([[2.0, 3.0], [0.0, -1.0]]))
    np.testing.assert_array_equal(batch.x, [1.0, 1.0])
    np.testing.assert_array_equal(batch.a[0], [1.0, 1.0, 3.0])  # the mean of x1*x2, not 1*1
    assert dg.unit_title(net, -1, 2) == "input x_1x_2"
    lines = dg.unit_formulas(net, insp, -1, 2)
    assert lines[0] == "input x_1x_2"
    assert lines[1].startswith("a = x_1x_2 = 6") and "the selected point" in lines[1]
    plain = Network([2, 2, 1], seed=0)
    insp = dg.inspect(plain, np.array([[2.0, 3.0]]))
    np.testing.assert_array_equal(insp.x, insp.a[0])
    assert dg.unit_title(plain, -1, 1) == "input x_2"


def test_input_maps_are_the_features_over_the_grid():
    keys = ("x1", "x1^2", "x1*x2", "sin(x2)")
    net = Network([4, 3, 1], seed=0, features=keys)
    xlim, ylim, n = (-1.0, 2.0), (-3.0, 1.0), 7
    maps = boundary.input_maps(net, xlim, ylim, n)
    assert maps.shape == (4, n, n) and maps.dtype == np.float32
    xs = np.linspace(*xlim, n, dtype=np.float32)
    ys = np.linspace(*ylim, n, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)  # row r is y = ys[r]: row 0 at ylim[0]
    for c, key in enumerate(keys):
        np.testing.assert_array_equal(maps[c], FORMULAS[key](gx, gy), err_msg=key)
    assert maps[2][0, 0] == np.float32(-1.0) * np.float32(-3.0)
    # the diagram's plane carries the same maps, and every unit's map over the plane
    plane = dg.plane(net, xlim, ylim, n)
    np.testing.assert_array_equal(plane.inputs, maps)
    assert [m.shape for m in plane.maps] == [(3, n, n), (1, n, n)]
    unit = boundary.unit_maps(net, xlim, ylim, n)
    np.testing.assert_allclose(plane.maps[0], unit[0], rtol=1e-6)
    grid = boundary.grid(xlim, ylim, n, n)
    ref = net.astype(np.float32).forward(grid).a[1]
    np.testing.assert_allclose(unit[0][1], ref[:, 1].reshape(n, n), rtol=1e-6)


def test_without_features_the_inputs_are_the_plane_itself():
    net = Network([2, 3, 1], seed=0)
    maps = boundary.input_maps(net, (-1.0, 1.0), (0.0, 2.0), 5)
    assert maps.shape == (2, 5, 5)
    np.testing.assert_array_equal(maps[0][0], np.linspace(-1, 1, 5, dtype=np.float32))
    np.testing.assert_array_equal(maps[1][:, 0], np.linspace(0, 2, 5, dtype=np.float32))
    assert dg.plane(net, (-1.0, 1.0), (0.0, 2.0), 5).inputs is None
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        boundary.input_maps(Network([3, 1], seed=0), (-1.0, 1.0), (-1.0, 1.0), 5)


# ---- lesson 2's third variant ----------------------------------------------------------------


def test_lesson_2_with_the_product_input_solves_xor():
    lesson = lessons.get(2)
    labels = [label for label, _ in lesson.variants]
    assert labels[-1] == "sigmoid + input x₁x₂"
    assert lesson.variants[-1][1] == "02-xor-problem-product.json"
    shipped = json.loads(
        resources().joinpath("lessons", "02-xor-problem-product.json").read_text(encoding="utf-8")
    )
    assert shipped["network"]["features"] == ["x1", "x2", "x1*x2"]
    assert shipped["network"]["sizes"] == [3, 1]
    proj = lessons.load_lesson(2, "sigmoid + input x₁x₂")
    assert proj.network.features == PRODUCT and proj.network.sizes == [3, 1]
    assert not lesson.check(proj.network, proj.dataset).passed  # not before training
    trainer = proj.trainer()
    trainer.run(epochs=proj.settings.max_epochs)
    assert trainer.stopped == "target"
    assert trainer.history.train_accuracy[-1] == 1.0
    found = lesson.check(proj.network, proj.dataset)
    assert found.passed and found.accuracy == 1.0
    np.testing.assert_array_equal(proj.network.predict(lessons.TRUTH_TABLE), lessons.XOR_TABLE)


# ---- properties ------------------------------------------------------------------------------

PROPERTY = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)
KEY_SETS = st.sets(st.sampled_from(EVERY), min_size=1).map(core_features.check)


@PROPERTY
@given(
    keys=KEY_SETS,
    X=st.one_of(
        hnp.arrays(
            np.float64,
            st.tuples(st.integers(0, 20), st.just(2)),
            elements=st.floats(-1e200, 1e200, allow_nan=False),
        ),
        hnp.arrays(
            np.float32,
            st.tuples(st.integers(0, 20), st.just(2)),
            elements=st.floats(-(2.0**100), 2.0**100, allow_nan=False, width=32),
        ),
    ),
)
def test_expand_equals_the_formulas_for_any_keys_and_points(keys, X):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow is shown as inf, never warned about
        out = core_features.expand(X, keys)
    assert out.shape == (len(X), len(keys)) and out.dtype == X.dtype
    for c, key in enumerate(keys):
        with np.errstate(over="ignore"):
            expected = FORMULAS[key](X[:, 0], X[:, 1])
        np.testing.assert_array_equal(out[:, c], expected, err_msg=key)
    if len(X):
        net = Network([len(keys), 1], seed=0, features=keys, dtype=X.dtype)
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(net.forward(X).a[0], out)


JUNK_ITEMS = st.one_of(
    st.sampled_from(EVERY),
    st.sampled_from(["X1", "x1 ", "x3", "", "x1,x2", "sin(x3)", "x1**2", "\ud800", "x₁"]),
    st.text(max_size=8),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.none(),
    st.booleans(),
    st.lists(st.sampled_from(EVERY), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)
JUNK = st.one_of(
    KEY_SETS.map(list),  # valid names in order: accepted when the count fits
    st.lists(st.sampled_from(EVERY), unique=True, min_size=1),  # any order
    st.lists(st.sampled_from(EVERY), max_size=8),
    st.lists(JUNK_ITEMS, max_size=8),
    JUNK_ITEMS,
    st.text(max_size=20),
)


@st.composite
def features_cases(draw) -> tuple[int, object]:
    """A value for ``network.features`` and the input units of the network it sits in (often
    as many as the value lists, so that the names themselves are what is checked)."""
    value = draw(JUNK)
    if isinstance(value, list) and 1 <= len(value) <= 8 and draw(st.booleans()):
        return len(value), value
    return draw(st.integers(1, 8)), value


def _doc_with(n_units: int, value) -> dict:
    doc = product_doc()
    block = doc["network"]
    block["sizes"] = [n_units, 1]
    block["weights"] = [[[0.25] * n_units]]
    for key in ("initial_weights", "initial_biases"):
        del block[key]
    block["features"] = value
    return doc


def _acceptable(value, n_units: int) -> bool:
    """The rule written out: known names, each once, in KEYS order, one per input unit."""
    if value is None:
        return n_units == 2  # the point itself
    if not isinstance(value, list) or not value:
        return False
    if not all(isinstance(k, str) and k in EVERY for k in value):
        return False
    return len(set(value)) == len(value) == n_units and value == sorted(value, key=EVERY.index)


@PROPERTY
@given(case=features_cases())
def test_any_features_value_is_accepted_by_the_rule_or_refused_in_one_line(case):
    n_units, value = case
    text = json.dumps(_doc_with(n_units, value))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            p = core_project.from_json(text, "junk.json")
        except (ProjectError, InvalidError) as exc:
            message = str(exc)
            assert message.startswith("junk.json: "), message
            assert "\n" not in message and "\r" not in message
            assert message.isprintable(), ascii(message)
            message.encode("utf-8")
            assert not _acceptable(value, n_units), message
            return
    assert _acceptable(value, n_units), value
    assert p.network.features == core_features.normalise(value)
    assert p.network.sizes[0] == n_units and p.network.n_inputs == 2
    again = core_project.to_json(p)
    assert core_project.to_json(core_project.from_json(again)) == again
