"""Regression on the command line: train, predict, info, inspect, gradcheck and export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from mlpstudio import cli
from mlpstudio.core import project, regression


def run(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def one_line_error(err: str, *words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def sine_project(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sine") / "sine.json"
    code, _, err = run(
        "train", "--dataset", "sine", "--points", "80", "--noise", "0.1",
        "--test-ratio", "0.25", "--epochs", "200", "--out", path, "-q",
    )  # fmt: skip
    assert code == 0, err
    return path


def test_train_on_a_generated_function_uses_the_regression_defaults(sine_project):
    p = project.load(sine_project)
    assert p.task == "regression"
    assert p.network.sizes == [1, 16, 1] and p.network.activations == ["tanh", "linear"]
    assert p.network.loss == "squared_error"
    assert p.standardisation is not None and p.target_standardisation is not None
    assert p.settings.optimizer == "adam" and p.settings.learning_rate == 0.01
    assert p.dataset.generator == {"name": "sine", "points": 80, "noise": 0.1, "seed": 0}
    assert p.epoch == 200


def test_train_json_reports_cost_r2_and_rmse(tmp_path):
    code, out, _ = run(
        "train", "--dataset", "plane", "--points", "60", "--test-ratio", "0.25",
        "--epochs", "50", "--json",
    )  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert result["task"] == "regression" and result["network"].startswith("2-16-1 tanh/linear")
    for key in ("train_cost", "train_r2", "train_rmse", "test_cost", "test_r2", "test_rmse"):
        assert isinstance(result[key], float), key
    assert "train_accuracy" not in result


def test_train_reads_csv_targets_and_prints_the_fit(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(40, 2))
    path = tmp_path / "f.csv"
    rows = "".join(f"{a!r},{b!r},{1000 + 50 * (a - b)!r}\n" for a, b in X.tolist())
    path.write_text("a,b,price\n" + rows)
    out_path = tmp_path / "f.json"
    code, out, err = run(
        "train", "--data", path, "--target", "price", "--epochs", "300", "--out", out_path,
    )  # fmt: skip
    assert code == 0, err
    assert "data:     " in out and "target price" in out
    assert "train:    cost " in out and ", R² " in out and ", RMSE " in out
    p = project.load(out_path)
    assert p.dataset.target_names == ["price"] and p.dataset.feature_names == ["a", "b"]
    assert p.target_standardisation["mean"][0] == pytest.approx(
        np.mean(1000 + 50 * (X[:, 0] - X[:, 1]))
    )
    code, out, _ = run("info", out_path)
    assert "task:     regression" in out and "target price" in out and "R² " in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--dataset", "sine", "--task", "classification"], ["--dataset sine makes real targets"]),
        (["--dataset", "xor", "--task", "regression"], ["--dataset xor makes classes"]),
        (["--dataset", "sine", "--classes", "3"], ["--classes is for classification"]),
        (["--dataset", "sine", "--optimizer", "perceptron"], ["perceptron learns classes"]),
        (["--dataset", "sine", "--loss", "cross_entropy"], ["regression takes the squared error"]),
        (["--dataset", "sine", "--layers", "1,8,2"], ["ends with 2 output units", "1 target"]),
        (["--dataset", "sine", "--layers", "2,8,1"], ["starts with 2 inputs"]),
        (["--dataset", "xor", "--no-standardise"], ["--no-standardise is for regression"]),
        (["--dataset", "sine", "--output-activation", "softmax"], ["softmax"]),
    ],
)
def test_bad_regression_requests_are_one_line_usage_errors(argv, words):
    code, _, err = run("train", *argv, "--epochs", "1")
    assert code == 2
    one_line_error(err, *words)


def test_regression_with_csv_needs_a_target(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a,y\n1,2\n2,3\n")
    code, _, err = run("train", "--data", path, "--task", "regression")
    assert code == 2
    one_line_error(err, "--task regression with --data needs --target")
    code, _, err = run("train", "--data", path, "--target", "z")
    assert code == 1
    one_line_error(err, "f.csv", "column 'z'", "no such column")


def test_predict_writes_values_in_the_targets_units_named_after_them(sine_project, tmp_path):
    points = tmp_path / "points.csv"
    points.write_text("x\n-0.5\n0\n0.5\n")
    code, out, _ = run("predict", sine_project, points)
    assert code == 0
    rows = list(csv.reader(out.splitlines()))
    assert rows[0] == ["x", "y"]
    p = project.load(sine_project)
    expected = p.predict_values(np.array([[-0.5], [0.0], [0.5]]))[:, 0]
    assert [float(r[1]) for r in rows[1:]] == expected.tolist()
    assert float(rows[3][1]) > 0.5 > -0.5 > float(rows[1][1])  # sin 3x, not standardised


def test_info_json_shows_the_task_targets_and_fit(sine_project):
    code, out, _ = run("info", sine_project, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["task"] == "regression"
    assert report["dataset"]["targets"] == ["y"]
    assert report["network"]["targets_standardised"] is True
    assert 0.0 < report["test_rmse"] < 0.5 and report["test_r2"] <= 1.0


def test_inspect_takes_a_target_value_and_standardises_it(sine_project):
    code, out, _ = run("inspect", sine_project, "--point", "0.5", "--target", "1", "--json")
    assert code == 0
    info = json.loads(out)
    p = project.load(sine_project)
    assert info["target_values"] == [1.0]
    assert info["target"] == pytest.approx(p.network_targets([1.0])[0].tolist())
    code, out, _ = run("inspect", sine_project, "--index", "0")
    assert code == 0 and "the dataset's target of this point" in out and "predicted y = " in out
    code, _, err = run("inspect", sine_project, "--point", "0.5", "--label", "1")
    assert code == 2
    one_line_error(err, "--label names a class")


def test_gradcheck_passes_on_a_regression_project(sine_project):
    code, out, _ = run("gradcheck", sine_project, "--json")
    assert code == 0
    assert json.loads(out)["verdict"] == "ok"
    code, out, _ = run("gradcheck", sine_project, "--point", "0.2", "--target", "3", "--initial")
    assert code == 0 and "verdict: ok" in out


def test_export_refuses_a_regression_project_in_one_line(sine_project, tmp_path):
    target = tmp_path / "m.npz"
    code, _, err = run("export", sine_project, "--npz", target, "--python", tmp_path / "m.py")
    assert code == 1
    one_line_error(err, "a regression project cannot be exported yet", "mlpstudio predict")
    assert not target.exists() and not (tmp_path / "m.py").exists()


def test_continuing_a_regression_project_keeps_its_task(sine_project, tmp_path):
    out_path = tmp_path / "more.json"
    code, out, err = run("train", "--project", sine_project, "--epochs", "5", "--out", out_path)
    assert code == 0, err
    assert "R² " in out
    p = project.load(out_path)
    assert p.task == "regression" and p.epoch == 205
    code, _, err = run("train", "--project", sine_project, "--target", "y")
    assert code == 2
    one_line_error(err, "--target cannot be used with --project")


def test_every_regression_generator_trains_from_the_command_line():
    for name in regression.GENERATORS:
        code, out, err = run(
            "train", "--dataset", name, "--points", "20", "--epochs", "2", "--json"
        )
        assert code == 0, (name, err)
        assert json.loads(out)["task"] == "regression"
