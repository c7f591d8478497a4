"""The command line: every subcommand's output and exit status, errors as one line, no Qt."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlpstudio import __main__ as entry
from mlpstudio import cli, resources_path
from mlpstudio.core import project
from mlpstudio.core.network import Network

ROOT = Path(__file__).resolve().parents[2]
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``mlpstudio argv...`` in-process; return (status, stdout, stderr)."""
    code = entry.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, status: int, *words: str) -> None:
    assert code == status
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert ": error: " in lines[0]
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def xor(tmp_path) -> Path:
    path = tmp_path / "xor.json"
    shutil.copy(resources_path.example("xor-2-2-1"), path)
    return path


@pytest.fixture
def iris_like(tmp_path) -> Path:
    """A CSV with a header, named features, a text label and an unused column."""
    rng = np.random.default_rng(0)
    path = tmp_path / "flowers.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["petal", "sepal", "id", "species"])
        for i in range(90):
            c = i % 3
            petal, sepal = 10.0 * c + rng.normal(), 100.0 + 20.0 * c + rng.normal()
            w.writerow([petal, sepal, i, ["setosa", "versicolor", "virginica"][c]])
    return path


# ---- train -------------------------------------------------------------------------------


def test_train_from_a_generator_prints_json_and_saves(capsys, tmp_path):
    out_file = tmp_path / "p.json"
    code, out, err = run(
        capsys,
        "train", "--dataset", "xor", "--layers", "2,2,1", "--lr", "2", "--seed", "1",
        "--epochs", "5000", "--target-cost", "0.01", "--json", "--out", out_file,
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["stopped"] == "target"
    assert result["train_cost"] <= 0.01 and result["train_accuracy"] == 1.0
    assert 0 < result["epochs"] < 5000 and result["epochs_run"] == result["epochs"]
    assert "test_cost" not in result and "test_accuracy" not in result
    assert result["saved"] == str(out_file)
    p = project.load(out_file)
    assert p.epoch == result["epochs"]
    assert p.dataset.n_points == 4  # --dataset xor alone is the lecture's 4 points
    assert p.network.sizes == [2, 2, 1] and p.settings.learning_rate == 2.0
    assert p.settings.target_cost == 0.01
    assert len(p.history) == p.epoch + 1
    assert err == ""  # no progress bar when stderr is not a terminal


def test_train_prints_a_human_summary_without_json(capsys):
    code, out, _ = run(
        capsys, "train", "--dataset", "moons", "--epochs", "20", "--test-ratio", "0.25"
    )
    assert code == 0
    assert "network:  2-4-1 sigmoid/sigmoid, squared_error (17 parameters)" in out
    assert "data:     moons: 200 points (150 train, 50 test), 2 classes" in out
    assert "stopped:  max_epochs after 20 epochs" in out
    assert "train:    cost" in out and "test:     cost" in out
    assert "saved" not in out  # --out defaults to no save


def test_train_with_a_test_set_reports_its_metrics(capsys):
    code, out, _ = run(
        capsys, "train", "--dataset", "circles", "--points", "100", "--test-ratio", "0.2",
        "--epochs", "3", "--json",
    )  # fmt: skip
    result = json.loads(out)
    assert code == 0 and result["stopped"] == "max_epochs" and result["epochs"] == 3
    assert {
        "epochs",
        "stopped",
        "train_cost",
        "train_accuracy",
        "test_cost",
        "test_accuracy",
    } <= set(result)
    assert (result["train_points"], result["test_points"]) == (80, 20)


def test_epochs_0_saves_the_untrained_network(capsys, tmp_path):
    out_file = tmp_path / "untrained.json"
    code, out, _ = run(
        capsys,
        "train",
        "--dataset",
        "xor",
        "--epochs",
        "0",
        "--seed",
        "4",
        "--out",
        out_file,
        "--json",
    )
    assert code == 0 and json.loads(out)["epochs"] == 0
    p = project.load(out_file)
    assert p.epoch == 0 and np.array_equal(p.network.params, p.network.initial_params)
    assert np.array_equal(p.network.params, Network([2, 4, 1], seed=4).params)


def test_default_layers_follow_the_data(capsys, tmp_path):
    out_file = tmp_path / "s.json"
    code, _, _ = run(
        capsys, "train", "--dataset", "spirals", "--classes", "3", "--loss", "cross_entropy",
        "--epochs", "1", "--out", out_file, "-q",
    )  # fmt: skip
    net = project.load(out_file).network
    assert code == 0
    assert net.sizes == [2, 4, 3] and net.activations == ["sigmoid", "softmax"]
    code, _, _ = run(
        capsys, "train", "--dataset", "blobs", "--classes", "4", "--activation", "tanh,relu",
        "--epochs", "1", "--out", out_file,
    )  # fmt: skip
    net = project.load(out_file).network
    assert net.sizes == [2, 4, 4, 4] and net.activations == ["tanh", "relu", "sigmoid"]


def test_activation_lists_and_output_activation(capsys, tmp_path):
    out_file = tmp_path / "a.json"
    code, _, err = run(
        capsys, "train", "--dataset", "xor-plane", "--layers", "2,8,6,1", "--activation",
        "tanh,relu", "--output-activation", "sigmoid", "--loss", "cross_entropy",
        "--optimizer", "momentum", "--batch-size", "10", "--momentum", "0.8", "--l2", "0.001",
        "--init", "he", "--dtype", "float32", "--epochs", "2", "--out", out_file,
    )  # fmt: skip
    assert code == 0, err
    p = project.load(out_file)
    assert p.network.activations == ["tanh", "relu", "sigmoid"]
    assert p.network.init == "he" and p.network.dtype == np.float32
    s = p.settings
    assert (s.optimizer, s.batch_size, s.momentum, s.l2) == ("momentum", 10, 0.8, 0.001)


def test_train_from_csv_with_named_columns_and_standardisation(capsys, tmp_path, iris_like):
    out_file = tmp_path / "flowers.json"
    code, out, err = run(
        capsys, "train", "--data", iris_like, "--features", "petal,sepal", "--label", "species",
        "--standardise", "--loss", "cross_entropy", "--optimizer", "adam", "--lr", "0.05",
        "--epochs", "200", "--out", out_file, "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["train_accuracy"] > 0.95
    p = project.load(out_file)
    assert p.dataset.feature_names == ["petal", "sepal"]
    assert p.dataset.class_names == ["setosa", "versicolor", "virginica"]
    assert p.network.sizes == [2, 4, 3]
    mean = np.asarray(p.standardisation["mean"])
    assert np.allclose(mean, p.dataset.X.mean(axis=0))

    # predict applies the same standardisation, matching columns by name (in another order)
    points = tmp_path / "new.csv"
    points.write_text("sepal,petal\n100.2,0.1\n139.5,20.3\n")
    code, out, err = run(capsys, "predict", out_file, points)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["petal", "sepal", "a1", "a2", "a3", "class"]
    assert [r[-1] for r in rows[1:]] == ["setosa", "virginica"]
    assert rows[1][:2] == ["0.1", "100.2"]


def test_continue_a_project_with_overrides(capsys, xor):
    before = project.load(xor)
    code, out, err = run(
        capsys, "train", "--project", xor, "--epochs", "7", "--lr", "1.5", "--target-cost", "none",
        "--json", "--out", xor,
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["epochs"] == before.epoch + 7 and result["epochs_run"] == 7
    after = project.load(xor)
    assert after.epoch == before.epoch + 7
    assert after.settings.learning_rate == 1.5 and after.settings.target_cost is None
    assert after.history.epoch[-1] == after.epoch
    assert np.array_equal(after.network.initial_params, before.network.initial_params)
    assert after.name == before.name
    # the stored target (reached already) stops a continued run after one epoch
    code, out, _ = run(
        capsys, "train", "--project", ROOT / "resources/examples/xor-2-2-1.json", "--json"
    )
    assert json.loads(out)["stopped"] == "target" and json.loads(out)["epochs_run"] == 1


def test_reset_starts_a_project_over_from_its_initial_weights(capsys, xor):
    before = project.load(xor)
    code, out, _ = run(
        capsys, "train", "--project", xor, "--reset", "--epochs", "0", "--json", "--out", xor
    )
    assert code == 0 and json.loads(out)["epochs"] == 0
    after = project.load(xor)
    assert after.epoch == 0 and len(after.history) == 1
    assert np.array_equal(after.network.params, before.network.initial_params)


def test_a_diverging_run_reports_diverged_and_keeps_finite_weights(capsys, tmp_path):
    out_file = tmp_path / "d.json"
    code, out, err = run(
        capsys, "train", "--dataset", "linear", "--output-activation", "linear",
        "--activation", "linear", "--lr", "100", "--epochs", "50", "--json", "--out", out_file,
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["stopped"] == "diverged" and "learning rate" in result["message"]
    assert np.isfinite(project.load(out_file).network.params).all()


def test_the_perceptron_rule_learns_and(capsys):
    code, out, err = run(
        capsys,
        "train",
        "--dataset",
        "and",
        "--optimizer",
        "perceptron",
        "--lr",
        "1",
        "--epochs",
        "50",
        "--json",
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["network"] == "2-1 step, squared_error" and result["train_accuracy"] == 1.0
    assert "warning" not in err


def test_step_units_under_backprop_get_a_warning(capsys):
    code, _, err = run(capsys, "train", "--dataset", "xor", "--activation", "step", "--epochs", "1")
    assert code == 0
    assert "warning: layer 2 uses step units" in err


def test_a_progress_bar_on_a_terminal(capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    code = entry.main(["train", "--dataset", "xor", "--epochs", "30", "--json"])
    assert code == 0
    shown = term.getvalue()
    assert shown.startswith("\r[") and "epoch 30/30" in shown and shown.endswith("\n")
    assert json.loads(capsys.readouterr().out)["epochs"] == 30  # stdout stays clean JSON


def test_ctrl_c_keeps_what_was_learnt(capsys, monkeypatch, tmp_path):
    from mlpstudio.core import training

    real_run = training.Trainer.run
    calls = []

    def interrupted_run(self, epochs=None, seconds=None):
        calls.append(epochs)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return real_run(self, epochs=3)

    monkeypatch.setattr(training.Trainer, "run", interrupted_run)
    out_file = tmp_path / "i.json"
    code, out, _ = run(
        capsys, "train", "--dataset", "xor", "--epochs", "100", "--json", "--out", out_file
    )
    assert code == 130
    assert json.loads(out)["stopped"] == "interrupted"
    assert project.load(out_file).epoch == 3


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["train"], ["exactly one of --dataset"]),
        (["train", "--dataset", "xor", "--data", "x.csv"], ["exactly one of"]),
        (["train", "--dataset", "nope"], ["invalid choice: 'nope'"]),
        (
            ["train", "--dataset", "xor", "--layers", "3,4,1"],
            ["--layers starts with 3 inputs but the data has 2 features"],
        ),
        (
            ["train", "--dataset", "xor", "--layers", "2,4,3"],
            ["ends with 3 output units but the data has 2 classes"],
        ),
        (["train", "--dataset", "xor", "--layers", "2,four,1"], ["--layers: expected integers"]),
        (
            ["train", "--dataset", "xor", "--activation", "sigmoyd"],
            ["unknown hidden activation 'sigmoyd'"],
        ),
        (
            ["train", "--dataset", "xor", "--layers", "2,3,3,1", "--activation", "tanh,relu,relu"],
            ["3 activations but --layers has 2 hidden"],
        ),
        (
            ["train", "--dataset", "xor", "--output-activation", "softplus"],
            ["unknown activation 'softplus'"],
        ),
        (
            ["train", "--dataset", "xor", "--loss", "cross_entropy", "--output-activation", "tanh"],
            ["cross_entropy needs a sigmoid or softmax"],
        ),
        (["train", "--dataset", "xor", "--lr", "-1"], ["--lr must be between"]),
        (["train", "--dataset", "xor", "--lr", "fast"], ["--lr: invalid float value"]),
        (["train", "--dataset", "xor", "--epochs", "-1"], ["--epochs must be 0 or more"]),
        (["train", "--data", "x.csv", "--seed", "-2"], ["--seed must be 0 or more"]),
        (["train", "--dataset", "xor", "--noise", "3"], ["noise must be between 0 and 1"]),
        (["train", "--dataset", "xor", "--test-ratio", "0.99"], ["--test-ratio"]),
        (["train", "--dataset", "spirals", "--classes", "12"], ["classes"]),
        (["train", "--dataset", "xor", "--label", "c"], ["--label is for --data"]),
        (
            ["train", "--dataset", "xor", "--optimizer", "perceptron", "--layers", "2,3,1"],
            ["perceptron trains one layer of step units"],
        ),
        (["train", "--dataset", "xor", "--out", "/no/such/folder/p.json"], ["--out: the folder"]),
        (["inspect", "P"], ["choose one point"]),
        (
            ["inspect", "P", "--point", "1,2,3"],
            ["--point has 3 values but the network has 2 inputs"],
        ),
        (["inspect", "P", "--point", "1,x"], ["--point: expected numbers"]),
        (
            ["inspect", "P", "--point", "0,1", "--label", "cat"],
            ["--label: 'cat' is neither a class name"],
        ),
        (["inspect", "P", "--index", "9"], ["--index must be between 0 and 3"]),
        (["gradcheck", "P", "--h", "0"], ["--h must be a small positive number"]),
        (["predict", "P", "x.csv", "--features", "a"], ["--features names 1 columns"]),
        (["trian"], ["invalid choice: 'trian'"]),
        (["info"], ["the following arguments are required: PROJECT.json"]),
    ],
)
def test_usage_errors_are_one_line_with_status_2(capsys, xor, tmp_path, argv, words):
    argv = [str(xor) if a == "P" else a for a in argv]
    if "x.csv" in argv:
        (tmp_path / "x.csv").write_text("1,2\n")
        argv[argv.index("x.csv")] = str(tmp_path / "x.csv")
    code, out, err = run(capsys, *argv)
    assert_one_line_error(code, err, 2, *words)
    assert out == ""
    assert "--help" in err  # points at the help


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["info", "MISSING"], ["mlpstudio info: error:", "missing.json: file not found"]),
        (["info", "BAD"], ["mlpstudio info: error:", "bad.json: not valid JSON"]),
        (["info", "SHAPE"], ["network.weights[1]: expected 1 row of 2 values, found 2 rows"]),
        (
            ["predict", "P", "MISSING_CSV"],
            ["mlpstudio predict: error:", "none.csv: file not found"],
        ),
        (["predict", "P", "TEXT_CSV"], ["text.csv line 2, column 'x2': 'high' is not a number"]),
        (["predict", "P", "WIDE_CSV"], ["wide.csv: 3 columns, but the network takes 2 features"]),
        (["train", "--data", "MISSING_CSV"], ["none.csv: file not found"]),
        (["train", "--project", "MODEL"], ["has no dataset to train on"]),
        (["gradcheck", "MODEL"], ["holds no data"]),
    ],
)
def test_bad_files_are_one_line_with_status_1(capsys, xor, tmp_path, argv, words):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mlpstudio-project", "version": 1,')
    shape = json.loads(xor.read_text())
    shape["network"]["weights"][1].append([0.0, 0.0])
    (tmp_path / "shape.json").write_text(json.dumps(shape))
    model = {k: shape[k] for k in ("format", "version")}
    model["network"] = json.loads(xor.read_text())["network"]
    (tmp_path / "model.json").write_text(json.dumps(model))
    (tmp_path / "text.csv").write_text("x1,x2\n0,high\n")
    (tmp_path / "wide.csv").write_text("1,2,3\n4,5,6\n")
    files = {
        "P": xor,
        "MISSING": tmp_path / "missing.json",
        "BAD": bad,
        "SHAPE": tmp_path / "shape.json",
        "MODEL": tmp_path / "model.json",
        "MISSING_CSV": tmp_path / "none.csv",
        "TEXT_CSV": tmp_path / "text.csv",
        "WIDE_CSV": tmp_path / "wide.csv",
    }
    argv = [str(files.get(a, a)) for a in argv]
    code, out, err = run(capsys, *argv)
    if "gradcheck" in argv:
        assert_one_line_error(code, err, 2, *words)  # a usage problem: give --point
    else:
        assert_one_line_error(code, err, 1, *words)
    assert out == ""


# ---- predict -----------------------------------------------------------------------------


def test_predict_writes_outputs_and_classes(capsys, xor, tmp_path):
    points = tmp_path / "points.csv"
    points.write_text("0,0\n0,1\n1,0\n1,1\n")  # no header: columns in order
    code, out, err = run(capsys, "predict", xor, points)
    assert code == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["x1", "x2", "a1", "class"]
    assert [r[3] for r in rows[1:]] == ["0", "1", "1", "0"]
    net = project.load(xor).network
    a = net.predict_proba(np.array([[0.0, 1.0]]))[0, 0]
    assert float(rows[2][2]) == a  # full precision


def test_predict_to_a_file_with_chosen_columns(capsys, xor, tmp_path):
    points = tmp_path / "points.csv"
    points.write_text("id,u,v,label\n7,1,1,0\n8,1,0,1\n")
    out_file = tmp_path / "pred.csv"
    code, out, err = run(capsys, "predict", xor, points, "--features", "u,v", "--out", out_file)
    assert code == 0 and out == ""
    assert "wrote 2 predictions" in err
    rows = list(csv.reader(out_file.open()))
    assert rows[0] == ["u", "v", "a1", "class"]
    assert [r[-1] for r in rows[1:]] == ["0", "1"]


def test_predict_reads_stdin(capsys, xor, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("x2,x1\n1,0\n"))
    code, out, _ = run(capsys, "predict", xor, "-")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[1][:2] == ["0.0", "1.0"] and rows[1][-1] == "1"


# ---- inspect -----------------------------------------------------------------------------


def test_inspect_shows_the_lecture_notation(capsys, xor):
    code, out, err = run(capsys, "inspect", xor, "--point", "1,0", "--label", "0")
    assert code == 0, err
    for text in (
        "point    x = (1, 0)",
        "target   class '0': given with --label",
        "Layer 1 (input)",
        "x_1 = 1",  # the notation's a^(1) = x
        "Layer 2 (sigmoid)",
        "z_1^(2) = ",
        "a_2^(2) = ",
        "Layer 3 (sigmoid, output)",
        "E_x = Σ_c (a_c − y_c)² = ",
        "Layer 3: δ_j^(3) = 2 (a_j − y_j) g'(z_j^(3))",
        "δ_1^(3) = ",
        "Layer 2: δ_j^(2) = (Σ_k δ_k^(3) w_kj^(3)) g'(z_j^(2))",
        "∂E_x/∂w_jk^(l) = δ_j^(l) a_k^(l−1)",
        "k=1",
        "bias",
    ):
        assert text in out, text


def test_inspect_json_matches_the_engine(capsys, xor):
    code, out, _ = run(capsys, "inspect", xor, "--point", "-1,0.5", "--label", "1", "--json")
    assert code == 0
    info = json.loads(out)
    net = project.load(xor).network
    fw = net.forward(np.array([[-1.0, 0.5]]))
    bw = net.backward(fw, np.array([[1.0]]))
    assert info["point"] == [-1.0, 0.5] and info["target"] == [1.0]
    assert info["target_from"] == "label"
    assert info["output"] == fw.output[0].tolist()
    assert info["cost"] == bw.cost
    for i, layer in enumerate(info["layers"][1:]):
        assert layer["layer"] == i + 2
        assert layer["z"] == fw.z[i][0].tolist()
        assert layer["delta"] == bw.delta[i][0].tolist()
        # the gradient of one point is δ_j a_k
        a_prev = np.array(info["layers"][i]["a"])
        assert np.allclose(
            layer["grad_weights"], np.outer(layer["delta"], a_prev), rtol=0, atol=1e-15
        )
        assert layer["grad_biases"] == layer["delta"]


def test_inspect_targets_default_to_the_dataset_label_or_the_prediction(capsys, xor):
    code, out, _ = run(capsys, "inspect", xor, "--index", "3", "--json")
    info = json.loads(out)
    assert info["target_from"] == "dataset" and info["target_class"] == 0
    assert info["point"] == [1.0, 1.0]
    code, out, _ = run(capsys, "inspect", xor, "--point", "0,1")
    assert code == 0
    assert "the network's own prediction" in out and "target   class '1'" in out


# ---- gradcheck ---------------------------------------------------------------------------


def test_gradcheck_agrees_on_the_examples(capsys, xor):
    code, out, _ = run(capsys, "gradcheck", xor)
    assert code == 0
    assert "on 4 training points" in out and "verdict: ok" in out
    assert "worst relative error:" in out and "(9 parameters, all shown)" in out
    spiral = resources_path.example("spiral-3class")
    code, out, _ = run(capsys, "gradcheck", spiral, "--max-points", "20", "--json")
    report = json.loads(out)
    assert code == 0 and report["points"] == 20 and report["verdict"] in ("ok", "suspect")
    assert len(report["parameters"]) == 371 and report["max_error"] < 1e-3


def test_gradcheck_on_the_initial_weights(capsys, xor):
    code, out, _ = run(capsys, "gradcheck", xor, "--initial", "--json")
    assert code == 0
    report = json.loads(out)
    p = project.load(xor)
    p.network.reset()
    expected = p.network.gradient(p.dataset.X, p.network.encode(p.dataset.y))
    assert [row["analytic"] for row in report["parameters"]] == expected.tolist()
    assert report["verdict"] == "ok"


def test_gradcheck_fails_with_status_1_when_backprop_is_wrong(capsys, xor, monkeypatch):
    real = Network.gradient
    monkeypatch.setattr(Network, "gradient", lambda self, X, Y: 1.5 * real(self, X, Y))
    code, out, _ = run(capsys, "gradcheck", xor, "--point", "1,1", "--label", "0", "--top", "3")
    assert code == 1
    assert "on 1 point" in out and "verdict: wrong" in out and "the 3 worst shown" in out


# ---- info --------------------------------------------------------------------------------


def test_info_summarises_a_project(capsys, xor):
    code, out, _ = run(capsys, "info", xor)
    assert code == 0
    for text in (
        "(XOR solved by 2-2-1)",
        "network:  2-2-1, activations sigmoid/sigmoid, loss squared_error",
        "9 parameters, float64",
        "dataset:  4 points (4 train, 0 test), features x1, x2",
        "2 classes (0: 2, 1: 2)",
        "generated by xor",
        "training: gd, learning rate 2,",
        "train:    cost",
        "accuracy 100.0%",
    ):
        assert text in out, text
    code, out, _ = run(capsys, "info", xor, "--json")
    info = json.loads(out)
    assert info["network"]["sizes"] == [2, 2, 1] and info["train_accuracy"] == 1.0
    assert info["dataset"]["class_counts"] == [2, 2]
    assert info["training"]["epoch"] == project.load(xor).epoch


def test_info_on_a_model_without_data(capsys, tmp_path):
    path = tmp_path / "model.json"
    project.save(project.Project(Network([3, 2], ["softmax"], "cross_entropy")), path)
    code, out, _ = run(capsys, "info", path)
    assert code == 0 and "dataset:  none (a model without data)" in out


# ---- entry point, help, and no Qt ----------------------------------------------------------


@pytest.mark.parametrize("command", [*cli.COMMANDS, None])
def test_every_command_has_help(capsys, command):
    code, out, _ = run(capsys, *([command] if command else []), "--help")
    assert code == 0
    assert out.startswith("usage: mlpstudio")
    if command is None:
        assert all(c in out for c in cli.COMMANDS)


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip().startswith("mlpstudio ")


def test_the_entry_point_sends_files_and_no_arguments_to_the_app(monkeypatch):
    calls = []
    fake = type(sys)("mlpstudio.ui.app")
    fake.run = lambda argv: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "mlpstudio.ui.app", fake)
    assert entry.main([]) == 0
    assert entry.main(["lesson.json", "--theme", "dark"]) == 0
    assert entry.main(["--screenshot", "x.png"]) == 0
    assert calls == [[], ["lesson.json", "--theme", "dark"], ["--screenshot", "x.png"]]


def test_negative_point_values_need_no_equals_sign():
    assert cli.join_negative_values(["--point", "-1,0.5", "--label", "1"]) == [
        "--point=-1,0.5",
        "--label",
        "1",
    ]
    assert cli.join_negative_values(["--point", "--json"]) == ["--point", "--json"]


def python(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, **kwargs
    )


def test_python_m_mlpstudio_info_imports_no_qt():
    example = str(resources_path.example("xor-2-2-1"))
    done = python("-X", "importtime", "-m", "mlpstudio", "info", example)
    assert done.returncode == 0, done.stderr
    assert "network:  2-2-1" in done.stdout
    imported = [line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    assert "mlpstudio.cli" in imported  # the import log is real
    assert not [m for m in imported if m.split(".")[0] in QT_MODULES]


def test_every_headless_command_imports_no_qt(tmp_path):
    example = str(resources_path.example("xor-2-2-1"))
    points = tmp_path / "p.csv"
    points.write_text("0,1\n")
    code = (
        "import sys\n"
        "from mlpstudio.__main__ import main\n"
        f"runs = [['info', {example!r}], ['inspect', {example!r}, '--point', '0,1'],\n"
        f"        ['gradcheck', {example!r}], ['predict', {example!r}, {str(points)!r}],\n"
        "        ['train', '--dataset', 'xor', '--epochs', '2'], ['--help'], ['train', '--help']]\n"
        "codes = []\n"
        "for argv in runs:\n"
        "    try:\n"
        "        codes.append(main(argv))\n"
        "    except SystemExit as exc:\n"
        "        codes.append(exc.code)\n"
        f"bad = [m for m in {QT_MODULES!r} if m in sys.modules]\n"
        "print('RESULT', codes, bad, file=sys.stderr)\n"
    )
    done = python("-c", code)
    assert "RESULT [0, 0, 0, 0, 0, 0, 0] []" in done.stderr, done.stderr


def test_exit_statuses_and_one_line_errors_in_a_real_process(tmp_path):
    done = python("-m", "mlpstudio", "train", "--dataset", "xor", "--layers", "3,1")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert done.stderr.startswith("mlpstudio train: error: --layers starts with 3 inputs")
    done = python("-m", "mlpstudio", "info", str(tmp_path / "none.json"))
    assert done.returncode == 1 and done.stderr.startswith("mlpstudio info: error:")
    done = python("-m", "mlpstudio", "--help")
    assert done.returncode == 0 and "train" in done.stdout
