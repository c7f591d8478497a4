"""Derived input features on the command line: ``train --inputs``, and what info, inspect,
predict and gradcheck make of a project whose network reads x₁², x₁x₂, sin x₁ and the like.

Every command runs in-process through :func:`mlpstudio.cli.main` with its own output streams;
a refusal is one line on stderr and a non-zero status, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from mlpstudio import cli
from mlpstudio.core import features as core_features
from mlpstudio.core import project

PRODUCT = ["x1", "x2", "x1*x2"]


def run(*argv: object) -> tuple[int, str, str]:
    """``mlpstudio argv...`` in-process; (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(code: int, err: str, status: int, *words: str) -> str:
    assert code == status, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and ": error: " in lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def train_product(path: Path, *extra: object) -> dict:
    """XOR clusters, one sigmoid unit reading x1, x2 and x1*x2; the run's JSON summary."""
    code, out, err = run(
        "train", "--dataset", "xor-clusters", "--points", "120", "--noise", "0.1",
        "--inputs", "x1,x2,x1*x2", "--layers", "3,1", "--lr", "2", "--epochs", "400",
        "--json", "--out", path, *extra,
    )  # fmt: skip
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def product(tmp_path) -> Path:
    path = tmp_path / "product.json"
    train_product(path)
    return path


@pytest.fixture
def four_columns(tmp_path) -> Path:
    """An iris-like CSV: four numeric features and a text label."""
    rng = np.random.default_rng(0)
    path = tmp_path / "flowers.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["petal", "sepal", "width", "height", "species"])
        for i in range(60):
            c = i % 3
            w.writerow([*(c + rng.normal(size=4)), ["setosa", "versicolor", "virginica"][c]])
    return path


# ---- train -----------------------------------------------------------------------------------


def test_train_with_the_product_separates_xor_without_a_hidden_layer(tmp_path):
    path = tmp_path / "p.json"
    result = train_product(path)
    assert result["train_accuracy"] == 1.0
    assert result["network"] == "3-1 sigmoid, squared_error, inputs x1,x2,x1*x2"
    assert result["parameters"] == 4
    p = project.load(path)
    assert p.network.features == tuple(PRODUCT) and p.network.sizes == [3, 1]
    assert p.dataset.n_features == 2  # the file keeps the points, not the features
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["network"]["features"] == PRODUCT
    # the same run without the product cannot do it
    code, out, err = run(
        "train", "--dataset", "xor-clusters", "--points", "120", "--noise", "0.1",
        "--layers", "2,1", "--lr", "2", "--epochs", "400", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["train_accuracy"] < 0.8


def test_inputs_in_any_order_and_the_default_hidden_layer(tmp_path):
    path = tmp_path / "c.json"
    code, _, err = run(
        "train", "--dataset", "circles", "--inputs", " x2^2, x1^2 ,sin(x1)", "--epochs", "3",
        "--json", "--out", path,
    )  # fmt: skip
    assert code == 0, err
    p = project.load(path)
    assert p.network.features == ("x1^2", "x2^2", "sin(x1)")
    assert p.network.sizes == [3, 4, 1]  # one input unit per feature, then the default layer
    # x1,x2 is the point itself: a plain network, no features written
    plain = tmp_path / "plain.json"
    code, _, err = run(
        "train", "--dataset", "circles", "--inputs", "x2,x1", "--epochs", "1", "-q", "--out", plain
    )
    assert code == 0, err
    assert project.load(plain).network.features is None
    assert "features" not in json.loads(plain.read_text(encoding="utf-8"))["network"]


def test_inputs_from_two_columns_of_a_csv(four_columns, tmp_path):
    path = tmp_path / "two.json"
    code, _, err = run(
        "train", "--data", four_columns, "--features", "petal,height", "--label", "species",
        "--inputs", "x1,x2,x1*x2", "--epochs", "2", "-q", "--out", path,
    )  # fmt: skip
    assert code == 0, err
    p = project.load(path)
    assert p.network.sizes[0] == 3 and p.network.sizes[-1] == 3
    assert p.dataset.feature_names == ["petal", "height"]


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ("x1,x9", ["--inputs: unknown input feature 'x9'", "(known: x1, x2, x1^2"]),
        ("x1,cos(x1)", ["--inputs: unknown input feature 'cos(x1)'"]),
        ("x1,x2,x1", ["--inputs: the input feature 'x1' is listed twice"]),
        (",", ["--inputs: at least one input feature is needed"]),
    ],
)
def test_an_unknown_or_repeated_key_is_one_line(inputs, words, tmp_path):
    out_file = tmp_path / "never.json"
    code, out, err = run(
        "train", "--dataset", "xor", "--inputs", inputs, "--epochs", "1", "--out", out_file
    )
    assert_one_line_error(code, err, cli.EXIT_USAGE, "mlpstudio train: error:", *words)
    assert out == "" and not out_file.exists()


def test_inputs_need_data_with_two_inputs(four_columns):
    code, _, err = run(
        "train", "--data", four_columns, "--label", "species", "--inputs", "x1,x2,x1*x2",
        "--epochs", "1",
    )  # fmt: skip
    assert_one_line_error(
        code,
        err,
        cli.EXIT_USAGE,
        "--inputs: derived features need data with 2 inputs, the data has 4",
    )
    # x1,x2 alone asks for nothing derived: the four columns are the inputs as usual
    code, _, err = run(
        "train", "--data", four_columns, "--label", "species", "--inputs", "x1,x2",
        "--epochs", "1", "-q",
    )  # fmt: skip
    assert code == 0, err


def test_layers_must_start_with_the_number_of_features():
    code, _, err = run("train", "--dataset", "xor", "--inputs", "x1,x2,x1*x2", "--layers", "2,1")
    assert_one_line_error(
        code, err, cli.EXIT_USAGE, "--layers starts with 2 inputs but the data has 3 features"
    )


def test_inputs_cannot_change_a_saved_project(product):
    before = product.read_bytes()
    for inputs in ("x1,x2", "x1,x2,x1^2"):
        code, _, err = run("train", "--project", product, "--inputs", inputs, "--epochs", "1")
        assert_one_line_error(code, err, cli.EXIT_USAGE, "--inputs cannot be used with --project")
    assert product.read_bytes() == before
    # without --inputs the project trains on with its own features
    code, out, err = run("train", "--project", product, "--epochs", "5", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["network"].endswith("inputs x1,x2,x1*x2") and result["epochs"] == 405


def test_standardised_inputs_with_three_features_train_and_save(tmp_path):
    path = tmp_path / "s.json"
    result = train_product(path, "--standardise")
    assert result["saved"] == str(path)
    p = project.load(path)
    assert len(p.standardisation["mean"]) == 2 and p.network.sizes[0] == 3
    assert p.network.features == tuple(PRODUCT)
    code, out, err = run("info", path)
    assert code == 0, err
    assert "inputs standardised" in out and "inputs:   x_1, x_2, x_1x_2" in out
    code, out, err = run("inspect", path, "--point", "0.5,-0.4", "--json")
    assert code == 0, err
    info = json.loads(out)
    u = p.network_input([0.5, -0.4])[0]
    np.testing.assert_allclose(info["input"], u, rtol=1e-15)
    np.testing.assert_allclose(info["layers"][0]["a"], [u[0], u[1], u[0] * u[1]], rtol=1e-15)


# ---- info ------------------------------------------------------------------------------------


def test_info_names_the_input_units(product, tmp_path):
    code, out, err = run("info", product)
    assert code == 0, err
    lines = out.splitlines()
    assert "inputs:   x_1, x_2, x_1x_2 (derived from the point's x_1, x_2)" in lines
    assert any(line.startswith("network:  3-1,") for line in lines)
    assert "features x1, x2" in out  # the dataset's own columns
    code, out, err = run("info", product, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["network"]["features"] == PRODUCT
    assert report["network"]["sizes"] == [3, 1]
    assert report["dataset"]["features"] == ["x1", "x2"]
    assert report["train_accuracy"] == 1.0
    # a plain network has no inputs line, and null features
    plain = tmp_path / "plain.json"
    assert run("train", "--dataset", "xor", "--epochs", "1", "-q", "--out", plain)[0] == 0
    code, out, _ = run("info", plain)
    assert "inputs:" not in out
    assert json.loads(run("info", plain, "--json")[1])["network"]["features"] is None


def test_info_on_a_circle_of_squares(tmp_path):
    path = tmp_path / "sq.json"
    code, _, err = run(
        "train", "--dataset", "circles", "--inputs", "x1^2,x2^2,sin(x2)", "--layers", "3,1",
        "--epochs", "1", "-q", "--out", path,
    )  # fmt: skip
    assert code == 0, err
    out = run("info", path)[1]
    assert "inputs:   x_1^2, x_2^2, sin x_2 (derived from the point's x_1, x_2)" in out


# ---- inspect ---------------------------------------------------------------------------------


def test_inspect_names_input_units_by_feature(product):
    code, out, err = run("inspect", product, "--point", "0.5,-0.4", "--label", "1")
    assert code == 0, err
    lines = [line.strip() for line in out.splitlines()]
    assert "x_1 = 0.5" in lines
    assert "x_2 = -0.4" in lines
    assert "x_1x_2 = -0.2" in lines
    assert "inputs x1,x2,x1*x2" in lines[0]
    code, out, err = run("inspect", product, "--point", "0,0.7")
    assert code == 0, err
    assert "x_1x_2 = 0" in [line.strip() for line in out.splitlines()]


def test_inspect_json_has_the_point_the_input_and_the_features(product):
    code, out, err = run("inspect", product, "--point", "0.5,-0.4", "--label", "1", "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["features"] == PRODUCT
    assert info["point"] == [0.5, -0.4]
    assert info["input"] == [0.5, -0.4]  # not standardised: the point as it is
    assert info["standardised"] is False
    a1 = info["layers"][0]["a"]
    assert a1 == [0.5, -0.4, 0.5 * -0.4]
    p = project.load(product)
    net = p.network
    expected = net.forward(np.array([[0.5, -0.4]]))
    assert info["output"] == expected.output[0].tolist()
    assert info["layers"][1]["z"] == expected.z[0][0].tolist()
    bw = net.backward(expected, np.array([[1.0]]))
    assert np.array_equal(info["layers"][1]["grad_weights"], bw.grad_W[0])
    assert len(info["layers"][1]["grad_weights"][0]) == 3  # one per input unit


def test_inspect_computes_the_features_from_the_standardised_point(tmp_path):
    path = tmp_path / "sq.json"
    code, _, err = run(
        "train", "--dataset", "circles", "--inputs", "x1^2,x2^2", "--layers", "2,1",
        "--standardise", "--epochs", "3", "-q", "--out", path,
    )  # fmt: skip
    assert code == 0, err
    p = project.load(path)
    code, out, err = run("inspect", path, "--index", "3", "--json")
    assert code == 0, err
    info = json.loads(out)
    x = p.dataset.X[3]
    scaled = p.network_input(x)[0]
    assert info["point"] == x.tolist()
    np.testing.assert_allclose(info["input"], scaled, rtol=1e-15)
    np.testing.assert_allclose(info["layers"][0]["a"], scaled**2, rtol=1e-15)
    assert info["features"] == ["x1^2", "x2^2"] and info["standardised"] is True


def test_inspect_wants_the_point_not_its_features(product):
    code, _, err = run("inspect", product, "--point", "0.5,-0.4,-0.2")
    assert_one_line_error(
        code, err, cli.EXIT_USAGE, "--point has 3 values but the network has 2 inputs"
    )


# ---- predict and gradcheck -------------------------------------------------------------------


def test_predict_reads_points_and_applies_the_features(product, tmp_path):
    points = tmp_path / "points.csv"
    X = np.array([[0.5, -0.5], [-0.6, -0.7], [0.8, 0.9], [-0.7, 0.6]])
    points.write_text("x1,x2\n" + "".join(f"{a},{b}\n" for a, b in X), encoding="utf-8")
    code, out, err = run("predict", product, points)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["x1", "x2", "a1", "class"]
    net = project.load(product).network
    expected = net.predict_proba(X)[:, 0]
    assert [float(r[2]) for r in rows[1:]] == expected.tolist()
    # XOR: class 1 where the signs differ
    assert [int(r[3]) for r in rows[1:]] == [1, 0, 0, 1]
    # three columns are not the network's two coordinates
    three = tmp_path / "three.csv"
    three.write_text("0.5,-0.5,-0.25\n", encoding="utf-8")
    code, _, err = run("predict", product, three)
    assert_one_line_error(code, err, cli.EXIT_FAILED, "3 columns, but the network takes 2")


def test_gradcheck_agrees_on_a_project_with_features(product):
    code, out, err = run("gradcheck", product)
    assert code == 0, err
    assert "verdict: ok" in out
    code, out, err = run("gradcheck", product, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["verdict"] == "ok" and result["points"] == 120
    assert [r["name"] for r in result["parameters"]] == [
        "w_11^(2)",
        "w_12^(2)",
        "w_13^(2)",
        "b_1^(2)",
    ]
    # the third weight (on x1*x2) is the one that separates XOR: its gradient is compared too
    w13 = result["parameters"][2]
    assert math.isfinite(w13["analytic"]) and w13["relative_error"] < 1e-6
    code, out, err = run("gradcheck", product, "--point", "0.3,-0.2", "--label", "1", "--json")
    assert code == 0, err
    assert json.loads(out)["verdict"] == "ok"


@pytest.mark.parametrize("key", [k for k in core_features.KEYS if k not in ("x1", "x2")])
def test_every_feature_trains_and_checks_from_the_command_line(key, tmp_path):
    path = tmp_path / "k.json"
    code, _, err = run(
        "train", "--dataset", "moons", "--points", "40", "--inputs", f"x1,{key}",
        "--layers", "2,3,1", "--activation", "tanh", "--epochs", "2", "-q", "--out", path,
    )  # fmt: skip
    assert code == 0, err
    assert project.load(path).network.features == ("x1", key)
    code, out, err = run("gradcheck", path, "--json")
    assert code == 0, err
    assert json.loads(out)["verdict"] == "ok"
