"""The command line uses the app's data path and notation: a copy of any of them fails here.

One CSV reader (core/csvio), one rule for a network's sizes (core/specs.NetworkSpec), one
standardisation (core/scaling, fitted on the training points), the project file's bounds
(core/project/schema) and the formula texts of core/notation. Each is checked twice: by what
the commands do (spies on the core functions) and by what the cli's source may not contain.
"""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlpstudio import __main__ as entry
from mlpstudio import cli, resources_path
from mlpstudio.core import csvio, losses, project, scaling, specs, training
from mlpstudio.core import notation as nt
from mlpstudio.core.activations import OUTPUT_ACTIVATIONS
from mlpstudio.core.network import Network
from mlpstudio.core.project import schema

CLI = Path(cli.__file__).parent
ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = entry.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def spy(monkeypatch, owner, name: str) -> list:
    """Record the arguments of every call of ``owner.name`` (which still runs)."""
    calls: list = []
    real = getattr(owner, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the bad setting was not refused before training")

    monkeypatch.setattr(training.Trainer, "run", refuse)


@pytest.fixture
def scaled(capsys, tmp_path) -> Path:
    """A trained project whose inputs are standardised, with test points held out."""
    path = tmp_path / "scaled.json"
    code, _, err = run(
        capsys, "train", "--dataset", "moons", "--points", "60", "--noise", "0.2",
        "--test-ratio", "0.5", "--standardise", "--epochs", "5", "--out", path,
    )  # fmt: skip
    assert code == 0, err
    return path


# ---- standardisation ---------------------------------------------------------------------


def test_train_fits_the_standardisation_on_the_training_points_only(capsys, scaled, tmp_path):
    p = project.load(scaled)
    fitted = scaling.fit_standardisation(p.dataset).to_dict()
    assert p.standardisation == fitted  # bit for bit, as the app would store it
    assert not np.allclose(fitted["mean"], p.dataset.X.mean(axis=0))  # test points left out


def test_a_new_split_of_a_project_refits_the_standardisation(capsys, scaled, tmp_path):
    out = tmp_path / "resplit.json"
    code, _, err = run(
        capsys, "train", "--project", scaled, "--test-ratio", "0.2", "--seed", "7",
        "--epochs", "1", "--out", out,
    )  # fmt: skip
    assert code == 0, err
    before, after = project.load(scaled), project.load(out)
    assert after.standardisation == scaling.fit_standardisation(after.dataset).to_dict()
    assert after.standardisation != before.standardisation  # the old one knew other points
    assert "fitted again on the new training points" in err


def test_train_asks_the_scaling_rule(capsys, monkeypatch, tmp_path):
    calls = spy(monkeypatch, scaling, "fit_standardisation")
    code, _, _ = run(
        capsys, "train", "--dataset", "moons", "--test-ratio", "0.3", "--standardise",
        "--epochs", "0", "--out", tmp_path / "p.json",
    )  # fmt: skip
    assert code == 0 and len(calls) == 1
    (ds,) = calls[0]
    assert ds.n_points == 200 and (~ds.train_mask).sum() == 60  # fitted after the split


@pytest.mark.parametrize(
    "argv",
    [
        ["predict", "P", "POINTS"],
        ["inspect", "P", "--point", "0.5,0.2"],
        ["gradcheck", "P"],
        ["info", "P"],
    ],
)
def test_every_command_applies_the_stored_standardisation(capsys, monkeypatch, scaled, argv):
    points = scaled.parent / "points.csv"
    points.write_text("x1,x2\n0.5,0.2\n-1,2\n")
    calls = spy(monkeypatch, scaling.Standardisation, "apply")
    argv = [{"P": scaled, "POINTS": points}.get(a, a) for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    assert calls, "the command did not go through the project's standardisation"


def test_inspect_shows_the_input_the_network_sees(capsys, scaled):
    p = project.load(scaled)
    code, out, _ = run(capsys, "inspect", scaled, "--point", "0.5,0.2", "--json")
    info = json.loads(out)
    assert code == 0 and info["point"] == [0.5, 0.2]
    assert info["layers"][0]["a"] == p.network_input(np.array([0.5, 0.2]))[0].tolist()


# ---- CSV ---------------------------------------------------------------------------------


def test_predict_reads_through_csvio(capsys, monkeypatch, tmp_path):
    xor = resources_path.example("xor-2-2-1")
    points = tmp_path / "points.csv"
    points.write_text("x2,x1\n1,0\n")
    rows = spy(monkeypatch, csvio, "read_rows")
    header = spy(monkeypatch, csvio, "looks_like_header")
    code, out, _ = run(capsys, "predict", xor, points)
    assert code == 0 and rows and header
    assert out.splitlines()[1].startswith("0.0,1.0,")  # matched by the header's names


def test_predict_reads_stdin_through_csvio(capsys, monkeypatch):
    xor = resources_path.example("xor-2-2-1")
    calls = spy(monkeypatch, csvio, "parse_rows")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\ufeffx2,x1\n1,0\n"))  # a spreadsheet's BOM
    code, out, _ = run(capsys, "predict", xor, "-")
    assert code == 0 and calls
    assert out.splitlines()[1].startswith("0.0,1.0,")


def test_a_headerless_file_with_a_text_column_is_not_taken_for_a_header(capsys, tmp_path):
    # The first row of "0,1,cat" has a word, but so has the row below it: data, not a header.
    xor = resources_path.example("xor-2-2-1")
    points = tmp_path / "points.csv"
    points.write_text("0,1,cat\n1,1,dog\n")
    code, out, _ = run(capsys, "predict", xor, points, "--features", "0,1")
    assert code == 0 and len(out.splitlines()) == 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_predict_refuses_a_named_pipe_at_once(tmp_path):
    fifo = tmp_path / "points.csv"
    os.mkfifo(fifo)
    xor = str(resources_path.example("xor-2-2-1"))
    # In a process of its own: a reader that opened the pipe would wait for a writer forever.
    done = subprocess.run(
        [sys.executable, "-m", "mlpstudio", "predict", xor, str(fifo)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "named pipe" in lines[0], done.stderr


# ---- sizes from the data -----------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--dataset", "xor"],
        ["--dataset", "spirals", "--classes", "3", "--loss", "cross_entropy"],
        ["--dataset", "blobs", "--classes", "4", "--activation", "tanh,relu"],
        ["--dataset", "moons", "--loss", "cross_entropy", "--output-activation", "softmax"],
        ["--dataset", "xor", "--layers", "2,3,2"],
        ["--dataset", "and", "--optimizer", "perceptron"],
    ],
)
def test_train_sizes_the_network_by_the_apps_rule(capsys, monkeypatch, tmp_path, argv):
    calls = spy(monkeypatch, specs.NetworkSpec, "build")
    out_file = tmp_path / "p.json"
    code, _, err = run(capsys, "train", *argv, "--epochs", "0", "--seed", "3", "--out", out_file)
    assert code == 0, err
    assert len(calls) == 1
    spec, n_inputs, n_classes, seed = calls[0]
    p = project.load(out_file)
    assert (n_inputs, n_classes, seed) == (p.dataset.n_features, p.dataset.n_classes, 3)
    assert p.network.sizes == spec.sizes(n_inputs, n_classes)
    # What the app would build from the same spec is the same network, bit for bit.
    assert np.array_equal(p.network.params, spec.build(n_inputs, n_classes, seed).params)


def test_layers_are_checked_against_the_spec(capsys, monkeypatch):
    # Were the rule ever changed (say, two outputs for two classes), --layers would follow it.
    monkeypatch.setattr(specs.NetworkSpec, "sizes", lambda self, d, c: [d, 4, 2])
    code, _, err = run(capsys, "train", "--dataset", "xor", "--layers", "2,4,1")
    assert code == 2 and "--layers ends with 1 output unit" in err


# ---- limits from the schema --------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--points", "100000"], "--points"),
        (["--lr", "1000"], "--lr"),
        (["--seed", str(2**31)], "--seed"),
    ],
)
def test_what_the_file_would_refuse_is_refused_before_any_work(
    capsys, monkeypatch, no_training, tmp_path, argv, flag
):
    def no_data(*args, **kwargs):
        raise AssertionError("data was generated before the flag was checked")

    monkeypatch.setattr("mlpstudio.core.datasets.generate", no_data)
    out_file = tmp_path / "p.json"
    code, out, err = run(capsys, "train", "--dataset", "moons", *argv, "--out", out_file)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mlpstudio train: error: {flag} ")
    assert list(tmp_path.iterdir()) == []  # nothing written


def _just_above(low: float, high: float) -> str:
    return str(high + 1) if isinstance(high, int) else repr(high * 1.5 if high else 1.0)


def _schema_flags():
    from mlpstudio.cli import limits

    return [(flag, bounds) for flag, _, bounds in limits.count_bounds() + limits.number_bounds()]


@pytest.mark.parametrize(("flag", "bounds"), _schema_flags())
def test_every_bound_is_the_schemas(capsys, no_training, flag, bounds):
    code, _, err = run(capsys, "train", "--dataset", "moons", flag, _just_above(*bounds))
    assert code == 2 and f"{flag} must be" in err


def test_the_bounds_follow_the_schema(capsys, monkeypatch, no_training):
    monkeypatch.setattr(schema, "GENERATOR_POINTS", (4, 100))
    monkeypatch.setitem(schema.TRAINING_NUMBERS, "learning_rate", (1e-5, 2.0))
    code, _, err = run(capsys, "train", "--dataset", "moons", "--points", "101")
    assert code == 2 and "--points must be at most 100, got 101" in err
    code, _, err = run(capsys, "train", "--dataset", "moons", "--lr", "3")
    assert code == 2 and "--lr must be between 1e-05 and 2, got 3" in err


def test_whatever_train_accepts_it_saves(capsys, tmp_path):
    out_file = tmp_path / "edge.json"
    high = {name: hi for name, (_, hi) in schema.TRAINING_NUMBERS.items()}
    code, _, err = run(
        capsys, "train", "--dataset", "moons", "--epochs", "0", "--out", out_file,
        "--points", schema.GENERATOR_POINTS[1], "--noise", schema.GENERATOR_NOISE[1],
        "--test-ratio", schema.GENERATOR_TEST_RATIO[1], "--seed", schema.SEED_MAX,
        "--lr", high["learning_rate"], "--momentum", high["momentum"], "--l2", high["l2"],
        "--target-cost", high["target_cost"], "--batch-size", schema.COUNT_MAX,
    )  # fmt: skip
    assert code == 0, err
    p = project.load(out_file)
    assert p.dataset.n_points == schema.GENERATOR_POINTS[1] and p.network.seed == schema.SEED_MAX


def test_the_built_project_is_checked_before_training(capsys, monkeypatch, no_training, tmp_path):
    def refuse(p):
        raise project.ProjectError("cannot save: training.l2: expected a number from 0 to 1")

    monkeypatch.setattr(project, "check", refuse)
    code, _, err = run(capsys, "train", "--dataset", "xor", "--out", tmp_path / "p.json")
    assert code == 2 and "error: --l2: training.l2: expected a number" in err
    assert list(tmp_path.iterdir()) == []


def test_a_name_too_long_to_save_fails_before_training(capsys, no_training, tmp_path):
    name = "n" * (schema.MAX_NAME_CHARS + 1)
    code, _, err = run(capsys, "train", "--dataset", "xor", "--name", name)
    assert code == 2 and "--name: the name is longer than" in err


# ---- notation ----------------------------------------------------------------------------


def _pairings():
    for loss in losses.LOSSES:
        for act in OUTPUT_ACTIVATIONS:
            try:
                losses.check_pairing(loss, act, 3)
            except ValueError:
                continue
            yield loss, act


@pytest.mark.parametrize(("loss", "activation"), list(_pairings()))
def test_inspect_prints_the_notations_formulas(capsys, tmp_path, loss, activation):
    path = tmp_path / "p.json"
    project.save(project.Project(Network([2, 2, 3], ["step", activation], loss, seed=1)), path)
    code, out, err = run(capsys, "inspect", path, "--point", "0.5,-1", "--label", "1")
    assert code == 0, err
    output_delta = nt.plain(f"{nt.delta_name(3, 'j')} = {nt.output_delta(loss, activation, 3)}")
    hidden_delta = nt.plain(f"{nt.delta_name(2, 'j')} = {nt.hidden_delta(2, 'j')}")
    for text in (
        nt.plain(nt.z_rule()),
        nt.plain(nt.a_rule()),
        nt.plain(nt.error_rule(loss, activation)),
        nt.plain(nt.delta_definition()),
        f"Layer 3: {output_delta}",
        nt.plain(nt.output_delta_note(loss, activation)),
        f"Layer 2: {hidden_delta}",
        nt.plain(nt.derivative_rule("step")),
        nt.plain(nt.weight_gradient()),
        nt.plain(nt.bias_gradient()),
        f"{nt.plain(nt.z_name(2, 1))} = ",
        f"{nt.plain(nt.a_name(1, 0))} = 0.5",
        f"{nt.plain(nt.delta_name(3, 2))} = ",
    ):
        assert text in out, text


# ---- the source: no copy of the data path --------------------------------------------------


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            yield node, f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")


def _copies(tree: ast.AST) -> list[str]:
    found = []
    for node, name in _calls(tree):
        if name == "Network":
            found.append(f"{node.lineno}: Network(...): build through specs.NetworkSpec")
        if name in ("standardise", "std"):
            found.append(f"{node.lineno}: {name}(...): standardise through core.scaling")
        if name in ("reader", "DictReader", "is_number"):
            found.append(f"{node.lineno}: {name}(...): read CSV through core.csvio")
        reads = getattr(node.func, "id", "") == "open" and not any(
            isinstance(a, ast.Constant) and "w" in str(a.value) for a in node.args[1:]
        )
        if reads:
            found.append(f"{node.lineno}: open() to read: read files through core")
    for node in ast.walk(tree):
        divides = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
        if divides and "std" in ast.unparse(node.right):
            found.append(f"{node.lineno}: (x − mean) / std: apply through Project.network_input")
    return found


def test_the_cli_has_no_copy_of_the_data_path():
    found = []
    for path in sorted(CLI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"cli/{path.name}:{line}" for line in _copies(tree)]
    assert not found, "\n".join(found)


def test_the_source_guard_sees_a_copy():
    copy = (
        "net = Network([2, 4, 1])\n"
        "_, mean, std = datasets.standardise(X)\n"
        "Z = (X - mean) / std\n"
        "rows = list(csv.reader(open(path)))\n"
    )
    found = " ".join(_copies(ast.parse(copy)))
    for word in ("Network", "standardise(", "/ std", "reader", "open()"):
        assert word in found, word
