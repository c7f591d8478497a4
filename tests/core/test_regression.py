"""Regression in the engine: function data, the CSV reader's targets, target standardisation,
the trainer with every optimiser, R², gradients, the project file and the approximation API."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from mlpstudio.core import (
    approximation,
    csvio,
    datasets,
    export,
    gradcheck,
    losses,
    project,
    regression,
    scaling,
)
from mlpstudio.core.network import Network
from mlpstudio.core.project import Project, ProjectError
from mlpstudio.core.training import Trainer, TrainingError, TrainSettings

ROOT = Path(__file__).resolve().parents[2]


def sine(points: int = 200, noise: float = 0.1, seed: int = 0) -> regression.RegressionData:
    return datasets.split(regression.generate("sine", points, noise, seed), 0.25, seed)


# ---- data -------------------------------------------------------------------------------------


def test_generator_names_do_not_collide_with_the_classification_ones():
    assert not set(regression.GENERATORS) & set(datasets.GENERATORS)
    assert set(regression.DESCRIPTIONS) == set(regression.GENERATORS)
    assert "sin 3x" in regression.DESCRIPTIONS["sine"]


@pytest.mark.parametrize("name", regression.GENERATORS)
def test_every_generator_is_reproducible_and_samples_its_function(name):
    a = regression.generate(name, 50, 0.0, 3)
    b = regression.generate(**a.generator)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.targets, b.targets)
    assert a.X.shape == (50, regression.n_inputs(name)) and a.targets.shape == (50, 1)
    assert np.all(np.abs(a.X) <= 1.0)
    assert np.array_equal(a.targets[:, 0], regression.target(name, a.X))
    assert a.generator == {"name": name, "points": 50, "noise": 0.0, "seed": 3}
    assert a.task == "regression" and a.target_names == ["y"]


def test_the_functions_are_the_documented_ones():
    x = np.array([[-0.75], [-0.25], [0.0], [0.25], [0.9]])
    assert np.allclose(regression.target("sine", x), np.sin(3 * x[:, 0]))
    assert np.allclose(regression.target("abs", x), np.abs(x[:, 0]))
    assert regression.target("step", x).tolist() == [0, 0, 1, 1, 1]
    assert regression.target("square", x).tolist() == [1, -1, 1, 1, -1]
    assert np.allclose(regression.target("sawtooth", x), [-0.5, 0.5, -1.0, -0.5, 0.8])
    assert np.allclose(regression.target("poly", x), 4 * x[:, 0] ** 3 - 3 * x[:, 0])
    assert regression.target("plane", np.array([[1.0, 1.0], [0.5, -0.5]])).tolist() == [1, 0]
    g = regression.target("gauss", np.array([[-0.5, -0.5], [0.5, 0.5], [0.0, 0.0]]))
    assert g[0] > 0.99 and g[1] < -0.99 and abs(g[2]) < 1e-12


def test_noise_is_the_standard_deviation_added_to_y():
    clean = regression.generate("poly", 5000, 0.0, 1)
    noisy = regression.generate("poly", 5000, 0.2, 1)
    assert np.array_equal(clean.X, noisy.X)
    assert np.std(noisy.targets - clean.targets) == pytest.approx(0.2, rel=0.05)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"name": "spirals"}, "unknown regression generator"),
        ({"name": "sine", "noise": 2.0}, "noise must be between 0 and 1"),
        ({"name": "sine", "points": 0}, "points must be between"),
        ({"name": "sine", "seed": -1}, "seed must be 0 or more"),
    ],
)
def test_bad_generator_requests_are_refused(kwargs, words):
    with pytest.raises(datasets.DataError, match=words):
        regression.generate(**kwargs)


def test_regression_data_checks_its_shapes_and_values():
    with pytest.raises(datasets.DataError, match="3 points but 2 rows of targets"):
        regression.from_arrays(np.zeros((3, 1)), [1.0, 2.0])
    with pytest.raises(datasets.DataError, match=r"targets\[1, 0\] is nan"):
        regression.from_arrays(np.zeros((2, 1)), [1.0, math.nan])
    with pytest.raises(datasets.DataError, match="unique"):
        regression.from_arrays(np.zeros((2, 1)), np.zeros((2, 2)), target_names=["a", "a"])
    data = regression.from_arrays([[1.0], [2.0]], [[1.0, 2.0], [3.0, 4.0]])
    assert data.target_names == ["y1", "y2"] and data.feature_names == ["x1"]
    split = datasets.split(data, 0.5, 0)
    assert isinstance(split, regression.RegressionData)
    assert split.targets_train.shape == (1, 2) and split.targets_test.shape == (1, 2)


def test_the_csv_reader_reads_target_columns_as_real_numbers(tmp_path):
    path = tmp_path / "houses.csv"
    path.write_text("rooms,age,price,split\n3,10,1.5e5,train\n2,40,0.9e5,test\n4,5,2.5e5,train\n")
    data = csvio.read_csv(path, targets="price")
    assert isinstance(data, regression.RegressionData)
    assert data.feature_names == ["rooms", "age"] and data.target_names == ["price"]
    assert data.targets[:, 0].tolist() == [1.5e5, 0.9e5, 2.5e5]
    assert data.train_mask.tolist() == [True, False, True]
    both = csvio.read_csv(path, features=["rooms"], targets=["price", "age"])
    assert both.targets.shape == (3, 2) and both.target_names == ["price", "age"]


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("a,y\n1,2\n2,x\n", {"targets": "y"}, "t.csv line 3, column 'y': 'x' is not a number"),
        ("a,y\n1,\n2,3\n", {"targets": "y"}, "column 'y': the cell is empty; every target"),
        ("a,y\n1,2\n", {"targets": "z"}, "column 'z': no such column"),
        ("a,y\n1,2\n", {"targets": "y", "features": ["y"]}, "also chosen as a feature"),
        ("a,y\n1,2\n", {"targets": "y", "label": "a"}, "label column or class names"),
    ],
)  # fmt: skip
def test_bad_target_cells_are_named_by_line_and_column(tmp_path, text, kwargs, message):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(datasets.DataError) as info:
        csvio.read_csv(path, **kwargs)
    assert message in str(info.value)


def test_targets_are_standardised_by_the_one_rule_on_training_targets_only():
    data = regression.from_arrays([[0.0], [1.0], [2.0], [3.0]], [1.0, 3.0, 5.0, 1000.0])
    data.train_mask = np.array([True, True, True, False])
    s = scaling.fit_target_standardisation(data)
    assert s.mean.tolist() == [3.0]
    assert s.std[0] == pytest.approx(np.std([1.0, 3.0, 5.0]))
    assert np.allclose(s.invert(s.apply(data.targets)), data.targets)
    flat = regression.from_arrays([[0.0], [1.0]], [7.0, 7.0])
    assert scaling.fit_target_standardisation(flat).std.tolist() == [1.0]


# ---- losses and metrics -----------------------------------------------------------------------


def test_regression_pairs_with_the_squared_error_and_any_output_but_softmax():
    losses.check_pairing("squared_error", "linear", 1, "regression")
    losses.check_pairing("squared_error", "tanh", 3, "regression")
    with pytest.raises(ValueError, match="regression takes the squared error"):
        losses.check_pairing("cross_entropy", "sigmoid", 1, "regression")
    with pytest.raises(ValueError, match="softmax outputs always sum to 1"):
        losses.check_pairing("squared_error", "softmax", 2, "regression")
    with pytest.raises(ValueError, match="unknown task"):
        losses.check_pairing("squared_error", "linear", 1, "ranking")


def test_r_squared_and_rmse():
    Y = np.array([[1.0], [2.0], [3.0], [4.0]])
    assert losses.r_squared(Y, Y) == 1.0
    assert losses.r_squared(np.full_like(Y, 2.5), Y) == 0.0
    a = Y + np.array([[0.5], [-0.5], [0.5], [-0.5]])
    assert losses.r_squared(a, Y) == pytest.approx(1 - 1.0 / 5.0)
    assert losses.rmse(a, Y).tolist() == [0.5]
    # The same on standardised targets: both sums scale by std².
    assert losses.r_squared((a - 2.5) / 1.1, (Y - 2.5) / 1.1) == pytest.approx(0.8)
    assert math.isnan(losses.r_squared(Y[:1], Y[:1]))
    assert math.isnan(losses.r_squared(Y, np.ones_like(Y)))


# ---- training ---------------------------------------------------------------------------------


def _project(data: regression.RegressionData, optimizer: str, lr: float) -> Project:
    return approximation.regression_project(data, [8], settings=TrainSettings(optimizer, lr))


@pytest.mark.parametrize(
    ("optimizer", "lr"), [("gd", 0.1), ("sgd", 0.05), ("momentum", 0.02), ("adam", 0.01)]
)
def test_every_optimiser_trains_a_regression_network(optimizer, lr):
    p = _project(sine(120), optimizer, lr)
    trainer = p.trainer()
    first = trainer.history.train_cost[0]
    trainer.run(epochs=150)
    h = trainer.history
    assert h.train_cost[-1] < 0.5 * first
    assert h.train_accuracy[-1] > 0.5  # R², not an accuracy
    assert h.train_accuracy[-1] == pytest.approx(
        losses.r_squared(p.network.predict_proba(trainer.X), trainer.Y)
    )
    assert not math.isnan(h.test_accuracy[-1]) and len(h.epoch) == 151


def test_the_perceptron_rule_refuses_regression_clearly():
    p = _project(sine(20), "perceptron", 1.0)
    with pytest.raises(TrainingError, match="the perceptron rule learns classes"):
        p.trainer()


def test_a_regression_trainer_refuses_targets_of_the_wrong_shape():
    net = Network([1, 4, 2], ["tanh", "linear"])
    with pytest.raises(TrainingError, match=r"one column per output unit \(2\)"):
        Trainer(net, np.zeros((3, 1)), np.zeros(3), task="regression")
    with pytest.raises(TrainingError, match="regression takes the squared error"):
        Trainer(
            Network([1, 2, 1], ["tanh", "sigmoid"], "cross_entropy"),
            np.zeros((3, 1)),
            np.zeros(3),
            task="regression",
        )


@pytest.mark.parametrize("out", ["linear", "tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("m", [1, 3])
def test_regression_gradients_pass_the_gradient_check(out, m):
    rng = np.random.default_rng(m)
    net = Network([2, 5, 4, m], ["tanh", "sigmoid", out], seed=m)
    X, T = rng.normal(size=(7, 2)), rng.normal(size=(7, m))
    result = gradcheck.check(net, X, T)
    assert result.verdict == "ok", (result.max_error, result.names[result.worst])


def test_noisy_sine_is_fitted_to_the_noise_level():
    """The issue's acceptance figure: 1-16-1 tanh on sin 3x + N(0, 0.1²) reaches a test RMSE
    close to the noise (below 1.3 × 0.1); adam at 0.01, 1,000 epochs, seeded."""
    noise = 0.1
    data = sine(200, noise, 0)
    _, result = approximation.fit(data, [16], epochs=1000)
    assert result.test_rmse < 1.3 * noise
    assert result.test_r2 > 0.95


# ---- the project file -------------------------------------------------------------------------


def _trained() -> Project:
    p, _ = approximation.fit(sine(40), [4], epochs=5)
    p.name = "sine"
    return p


def test_a_regression_project_saves_and_loads_bit_for_bit(tmp_path):
    p = _trained()
    text = project.to_json(p)
    doc = json.loads(text)
    assert doc["task"] == "regression"
    assert list(doc["dataset"]) == [
        "feature_names", "target_names", "points", "targets", "split", "generator"
    ]  # fmt: skip
    assert set(doc["network"]["target_standardisation"]) == {"mean", "std"}
    again = project.from_json(text)
    assert project.to_json(again) == text
    assert again.task == "regression" and again.target_standardisation == p.target_standardisation
    assert np.array_equal(again.dataset.targets, p.dataset.targets)
    assert np.array_equal(again.predict_values(p.dataset.X), p.predict_values(p.dataset.X))
    assert again.history.train_accuracy == p.history.train_accuracy


def test_classification_files_are_unchanged_and_say_no_task():
    path = ROOT / "resources" / "examples" / "xor-2-2-1.json"
    p = project.load(path)
    assert p.task == "classification" and p.target_standardisation is None
    text = project.to_json(p)
    assert '"task"' not in text and "target" not in text.replace("target_cost", "")
    assert project.to_json(project.from_json(text)) == text


def _refusal(doc: dict) -> str:
    with pytest.raises(ProjectError) as info:
        project.from_json(json.dumps(doc), "p.json")
    message = str(info.value)
    assert len(message.splitlines()) == 1
    return message


def _doc() -> dict:
    return json.loads(project.to_json(_trained()))


def _set(doc: dict, path: str, value: object) -> dict:
    *parents, last = path.split(".")
    block = doc
    for key in parents:
        block = block[key]
    if value is _DROP:
        del block[last]
    else:
        block[last] = value
    return doc


_DROP = object()
STD_ZERO = "network.target_standardisation.std[0]: a standard deviation must be above 0"
MEAN_TWO = "network.target_standardisation.mean: expected 1 value, found 2"


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("task", "ranking", "task: expected one of classification, regression, found"),
        ("task", 3, "task: expected a string, found 3"),
        ("dataset.targets", _DROP, "dataset.targets: missing"),
        ("dataset.targets", [[1.0]], "dataset.targets: expected 40 rows of 1 value"),
        ("dataset.labels", [0] * 40, "dataset.labels: only a classification project has labels"),
        ("dataset.class_names", ["a", "b"], "dataset.class_names: only a classification"),
        ("dataset.target_names", ["y", "z"], "dataset.target_names: expected 1 name"),
        ("dataset.generator", {"name": "xor"}, 'dataset.generator.name: "xor" makes labelled'),
        ("dataset.generator", {"name": "sine", "classes": 2}, "dataset.generator.classes: a"),
        ("network.target_standardisation", {"mean": [0.0], "std": [0.0]}, STD_ZERO),
        ("network.target_standardisation", {"mean": [0.0, 1.0], "std": [1.0]}, MEAN_TWO),
        ("network.loss", "cross_entropy", "network.loss: regression takes the squared error"),
        ("training.optimizer", "perceptron", "training.optimizer: the perceptron rule learns"),
    ],
)
def test_bad_regression_values_are_refused_in_one_line_naming_where(path, value, expected):
    message = _refusal(_set(_doc(), path, value))
    assert message.startswith(f"p.json: {expected}"), message


def test_regression_keys_in_a_classification_file_are_refused():
    doc = json.loads((ROOT / "resources" / "examples" / "xor-2-2-1.json").read_text())
    doc["dataset"]["targets"] = [[0.0]] * 4
    assert _refusal(doc).startswith(
        "p.json: dataset.targets: only a regression project has targets, and this one's task "
        'is "classification"'
    )
    del doc["dataset"]["targets"]
    doc["network"]["target_standardisation"] = {"mean": [0.0], "std": [1.0]}
    assert _refusal(doc).startswith(
        "p.json: network.target_standardisation: only a regression project standardises targets"
    )
    del doc["network"]["target_standardisation"]
    doc["dataset"]["generator"] = {"name": "sine"}
    assert _refusal(doc).startswith('p.json: dataset.generator.name: "sine" makes real targets')


def test_a_softmax_regression_output_is_refused_at_the_activation():
    data = regression.from_arrays([[0.0], [1.0]], [[1.0, 2.0], [3.0, 4.0]])
    p = Project(Network([1, 3, 2], ["tanh", "linear"]), data, task="regression")
    doc = json.loads(project.to_json(p))
    doc["network"]["activations"][-1] = "softmax"
    assert _refusal(doc).startswith(
        "p.json: network.activations[1]: softmax outputs always sum to 1, so they cannot fit"
    )


def test_check_refuses_a_project_whose_data_is_of_the_other_task():
    with pytest.raises(ProjectError, match="a classification project cannot hold regression data"):
        Project(Network([1, 2, 1]), sine(10))


def test_export_refuses_a_regression_project_in_one_line(tmp_path):
    p = _trained()
    for make in (export.to_npz, export.to_python):
        with pytest.raises(export.ExportError, match="a regression project cannot be exported yet"):
            make(p)
    with pytest.raises(export.ExportError, match="cannot be exported yet"):
        export.write_npz(p, tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


# ---- the approximation API --------------------------------------------------------------------


def test_hidden_contributions_add_up_to_the_curve_in_target_units():
    p, _ = approximation.fit(sine(60), [6], epochs=30)
    x = np.linspace(-1, 1, 101)
    c = approximation.hidden_contributions(p.network, x, p.scaling, p.target_scaling)
    assert c.units.shape == (101, 6) and c.a.shape == (101, 6) and c.weights.shape == (6,)
    assert np.allclose(c.units.sum(axis=1) + c.offset, c.curve)
    assert np.allclose(c.curve, p.predict_values(x.reshape(-1, 1))[:, 0])
    assert np.all(np.abs(c.a) <= 1.0)  # tanh units


def test_hidden_contributions_refuse_networks_they_cannot_split():
    with pytest.raises(ValueError, match="need a 1-N-1 network"):
        approximation.hidden_contributions(Network([1, 3, 3, 1]), np.zeros(4))
    with pytest.raises(ValueError, match="only for a linear output, not sigmoid"):
        approximation.hidden_contributions(Network([1, 3, 1]), np.zeros(4))


def test_compare_depths_fits_one_layer_against_two_with_the_same_units():
    data = datasets.split(regression.generate("step", 80, 0.0, 0), 0.25, 0)
    rows = approximation.compare_depths(data, units=(2, 4), epochs=20)
    assert [r.units for r in rows] == [2, 4]
    assert rows[1].one_layer.hidden == (4,) and rows[1].two_layers.hidden == (2, 2)
    assert rows[1].one_layer.parameters == 13 and rows[1].two_layers.parameters == 13
    for row in rows:
        for fit in (row.one_layer, row.two_layers):
            assert fit.test_rmse > 0 and fit.train_r2 <= 1 and fit.seconds >= 0
    with pytest.raises(ValueError, match="even numbers from 2"):
        approximation.compare_depths(data, units=(3,), epochs=1)


def test_the_documented_regression_project_and_python_example_work():
    import re

    text = (ROOT / "docs" / "file-format.md").read_text("utf-8")
    section = text[text.index("## Regression projects") : text.index("## `view`")]
    [block] = re.findall(r"```json\n(.*?)```", section, re.DOTALL)
    p = project.from_json(block, "docs/file-format.md")
    assert p.task == "regression" and p.dataset.generator["name"] == "sine"
    assert project.to_json(p) == block
    [code] = [b for b in re.findall(r"```python\n(.*?)```", text, re.DOTALL) if "regression" in b]
    scope: dict = {}
    exec(compile(code, "file-format.md", "exec"), scope)  # our own documentation
    assert scope["values"].shape == (1, 1)
    assert abs(scope["values"][0, 0] - math.sin(1.5)) < 0.2
