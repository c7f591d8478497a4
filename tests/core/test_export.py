"""Exported models give the engine's outputs and classes: ONNX, the NumPy script, the arrays.

Tolerances (``net.predict_proba`` against the export, on the same points):

- float64 networks: within 1e-6 absolute, as the issue asks. Measured on 2,000 points per case:
  at most 7e-15 for the ONNX model run by onnxruntime, and 0 for the script (it does the
  engine's own numpy operations).
- float32 networks: within 1e-5 × max(1, the largest |a^(L)| of the batch). Measured: at most
  3.1e-6 for outputs within [−1, 1] and 7.7e-8 of the scale for large linear outputs, from the
  order in which onnxruntime's float32 Gemm sums (a difference relative to the sizes of the
  terms, so an output near 0 that cancels large terms differs by more than its own 1e-5); 0
  for the script.

The classes must be exactly the engine's (none differed in the measurement). Points for
float32 networks are float32 numbers, so the ONNX model (whose input is float32) and the engine
see the same points.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from mlpstudio.core import activations, export, lessons
from mlpstudio.core.datasets import from_arrays
from mlpstudio.core.export import npz, onnx_model, python_script
from mlpstudio.core.network import Network
from mlpstudio.core.project import Project, load
from mlpstudio.resources_path import example, resources

ATOL64 = 1e-6
SCALED32 = 1e-5  # float32: absolute, times max(1, the largest |output|)
ALL_FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
SOME_FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2")
HIDDEN = activations.HIDDEN_ACTIVATIONS
OUTPUTS = activations.OUTPUT_ACTIVATIONS


# ---- projects and points ---------------------------------------------------------------------


def make_project(
    hidden: tuple[str, ...],
    output: str,
    n_outputs: int,
    dtype: str = "float64",
    standardised: bool = False,
    features: tuple[str, ...] | None = None,
    seed: int = 0,
) -> Project:
    """A random network (weights large enough to use every activation's range)."""
    n_in = len(features) if features else 2
    sizes = [n_in, *(4 + i for i in range(len(hidden))), n_outputs]
    net = Network(sizes, [*hidden, output], seed=seed, dtype=dtype, features=features)
    rng = np.random.default_rng(seed)
    net.set_params(rng.normal(0.0, 1.5, net.n_params))
    scaling = None
    if standardised:
        scaling = {"mean": rng.normal(0, 3, 2).tolist(), "std": rng.uniform(0.5, 4, 2).tolist()}
    return Project(net, standardisation=scaling, name="random")


def points(project: Project, n: int = 256, seed: int = 1) -> np.ndarray:
    """Points around the data's scale, as float32 numbers for a float32 network."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 2.0, (n, project.network.n_inputs))
    if project.scaling is not None:
        X = X * project.scaling.std + project.scaling.mean
    return X.astype(project.network.dtype).astype(np.float64)


def engine(project: Project, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(all="ignore"):
        a = project.network.predict_proba(project.network_input(X))
    return a, project.network.classify(a)


def assert_close(project: Project, got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape and got.dtype == want.dtype
    if project.network.dtype == np.float64:
        np.testing.assert_allclose(got, want, rtol=0, atol=ATOL64)
    else:
        scale = max(1.0, float(np.abs(want).max(initial=0.0)))
        np.testing.assert_allclose(got, want, rtol=0, atol=SCALED32 * scale)


# ---- running the exports ---------------------------------------------------------------------


def run_onnx(project: Project, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    session = ort.InferenceSession(export.to_onnx(project), providers=["CPUExecutionProvider"])
    a, c = session.run(None, {"points": X.astype(project.network.dtype)})
    return a, c


def import_script(project: Project, folder: Path, name: str = "predict") -> types.ModuleType:
    path = folder / f"{name}.py"
    export.write_python(project, path, overwrite=True)
    spec = importlib.util.spec_from_file_location(f"exported_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases() -> list[tuple]:
    """Every output activation with one and K outputs, hidden layers of every activation, both
    float types, with and without standardisation and derived features."""
    out = []
    pairs = itertools.cycle(zip(HIDDEN, HIDDEN[1:] + HIDDEN[:1], strict=True))
    for output, k, dtype, standardised, features in itertools.product(
        OUTPUTS, (1, 3), ("float64", "float32"), (False, True), (None, SOME_FEATURES)
    ):
        if output == "softmax" and k == 1:
            continue
        out.append((next(pairs), output, k, dtype, standardised, features))
    return out


CASES = cases()


def case_id(case: tuple) -> str:
    hidden, output, k, dtype, standardised, features = case
    parts = ["-".join(hidden), f"{output}x{k}", dtype[5:]]
    parts += ["std"] if standardised else []
    parts += ["features"] if features else []
    return "/".join(parts)


# ---- ONNX ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_onnx_gives_the_engines_outputs_and_classes(case):
    p = make_project(*case, seed=len(case_id(case)))
    X = points(p)
    a, c = run_onnx(p, X)
    want_a, want_c = engine(p, X)
    assert_close(p, a, want_a)
    assert c.dtype == np.int64 and c.shape == (len(X),)
    np.testing.assert_array_equal(c, want_c)


@pytest.mark.parametrize("name", list(activations.ACTIVATIONS))
def test_every_activation_of_the_engine_has_a_form_in_every_export(name):
    assert name in onnx_model.ACTIVATIONS and name in python_script.ACTIVATIONS


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_onnx_with_every_feature_and_every_layer(dtype):
    p = make_project(HIDDEN, "softmax", 4, dtype, standardised=True, features=ALL_FEATURES)
    X = points(p, 200)
    a, c = run_onnx(p, X)
    want_a, want_c = engine(p, X)
    assert_close(p, a, want_a)
    np.testing.assert_array_equal(c, want_c)


def test_onnx_model_is_named_typed_and_stated():
    onnx = pytest.importorskip("onnx")
    p = make_project(("tanh",), "sigmoid", 1, "float32", standardised=True)
    p.dataset = from_arrays([[0.0, 1.0], [2.0, 3.0]], [0, 1], ["no", "yes"], ["petal", "sepal"])
    model = onnx.load_from_string(export.to_onnx(p))
    onnx.checker.check_model(model, full_check=True)
    assert [(o.domain, o.version) for o in model.opset_import] == [("", export.OPSET)]
    assert export.OPSET == 17
    graph = model.graph
    assert [i.name for i in graph.input] == ["points"]
    assert [o.name for o in graph.output] == ["outputs", "class"]
    f32, i64 = onnx.TensorProto.FLOAT, onnx.TensorProto.INT64
    assert [o.type.tensor_type.elem_type for o in graph.output] == [f32, i64]
    dims = [d.dim_param or d.dim_value for d in graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["N", 2]
    props = {m.key: m.value for m in model.metadata_props}
    assert props["class_names"] == '["no", "yes"]'
    assert props["feature_names"] == '["petal", "sepal"]'
    assert {n.op_type for n in graph.node} >= {"Gemm", "Tanh", "Sub", "Div", "Cast"}


def test_a_step_unit_fires_at_zero_in_onnx_and_in_the_script(tmp_path):
    p = make_project(("step",), "step", 1)
    p.network.params[...] = 0.0  # z = 0 exactly everywhere: the lecture's step gives 1
    X = points(p, 8)
    a, c = run_onnx(p, X)
    assert (a == 1).all() and (c == 1).all()
    script = import_script(p, tmp_path)
    assert (script.predict_proba(X) == 1).all() and (script.predict(X) == 1).all()


def test_a_missing_onnx_package_is_refused_with_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now raises ImportError
    p = make_project(("sigmoid",), "sigmoid", 1)
    message = 'ONNX export needs the onnx package: pip install "mlpstudio[onnx]"'
    with pytest.raises(export.ExportError) as info:
        export.write_onnx(p, tmp_path / "m.onnx")
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("to", [export.to_onnx, export.to_python])
def test_an_activation_an_export_cannot_express_is_refused_by_layer_and_name(to):
    if to is export.to_onnx:
        pytest.importorskip("onnx")
    p = make_project(("tanh", "relu"), "sigmoid", 1)
    p.network.activations[1] = "swish"  # not in the engine: stands for one an export lacks
    with pytest.raises(export.ExportError, match=r"^layer 3: the activation 'swish' cannot be"):
        to(p)


@pytest.mark.parametrize("to", [export.to_onnx, export.to_python, export.to_npz])
def test_weights_that_are_not_finite_are_refused(to):
    if to is export.to_onnx:
        pytest.importorskip("onnx")
    p = make_project(("tanh",), "sigmoid", 1)
    p.network.biases[1][0] = np.nan
    with pytest.raises(export.ExportError, match=r"^layer 3: the biases hold a value that is not"):
        to(p)


# ---- the lessons and the examples ----------------------------------------------------------


def shipped_projects() -> list[tuple[str, Project]]:
    out = []
    for lesson in lessons.LESSONS:
        for file in lesson.files:
            p = load(resources().joinpath("lessons", file))
            out.append((file, p))
            if lesson.solution is not None:
                solved = load(resources().joinpath("lessons", file))
                lesson.solution(solved.network)
                out.append((f"{file} solved", solved))
    out += [(name, load(example(name))) for name in ("xor-2-2-1", "spiral-3class")]
    return out


SHIPPED = shipped_projects()


def shipped_points(p: Project) -> np.ndarray:
    X = points(p, 100)
    if p.dataset is not None:
        X = np.vstack([p.dataset.X, X])
    return X


@pytest.mark.parametrize(("name", "p"), SHIPPED, ids=[n for n, _ in SHIPPED])
def test_every_lesson_and_example_exports_exactly(name, p, tmp_path):
    X = shipped_points(p)
    want_a, want_c = engine(p, X)
    script = import_script(p, tmp_path)
    assert_close(p, script.predict_proba(X), want_a)
    np.testing.assert_array_equal(script.predict(X), want_c)
    a, c = run_onnx(p, X)
    assert_close(p, a, want_a)
    np.testing.assert_array_equal(c, want_c)


# ---- the Python script -----------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_the_script_gives_the_engines_outputs_and_classes(case, tmp_path):
    p = make_project(*case, seed=len(case_id(case)))
    X = points(p)
    script = import_script(p, tmp_path)
    want_a, want_c = engine(p, X)
    assert_close(p, script.predict_proba(X), want_a)
    np.testing.assert_array_equal(script.predict(X), want_c)
    np.testing.assert_array_equal(script.predict(X[0]), want_c[:1])  # one point as a row


def test_the_script_holds_the_weights_exactly_and_compiles():
    p = make_project(("relu", "tanh"), "softmax", 3, "float32", True, ALL_FEATURES)
    p.name = 'quotes " and \\ back\nslash """ and \x1b'
    source = export.to_python(p, "my model.py")
    compile(source, "my model.py", "exec")
    namespace: dict = {}
    exec(compile(source, "predict.py", "exec"), namespace)  # our own generated text
    for i, (W, b) in enumerate(zip(p.network.weights, p.network.biases, strict=True)):
        assert namespace[f"W{i + 2}"].dtype == np.float32
        assert namespace[f"W{i + 2}"].tobytes() == W.tobytes()
        assert namespace[f"b{i + 2}"].tobytes() == b.tobytes()
    assert namespace["MEAN"].tobytes() == p.scaling.mean.tobytes()
    assert namespace["STD"].tobytes() == p.scaling.std.tobytes()
    # The name as one printable line, quotes and backslashes kept, inside the docstring.
    assert namespace["__doc__"].startswith(
        'Predict with "quotes " and \\ back slash """ and \\x1b"'
    )
    assert "z^(3) = W^(3) a^(2) + b^(3)" in source  # the lecture's forward pass, written out


def test_the_script_passes_ruff_with_its_default_rules(tmp_path):
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    p = make_project(("step", "sigmoid"), "softmax", 3, "float64", True, ALL_FEATURES)
    path = tmp_path / "predict.py"
    export.write_python(p, path)
    for command in (["check", "--isolated"], ["format", "--isolated", "--check"]):
        done = subprocess.run(
            [ruff, *command, str(path)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_script_on_the_command_line_writes_what_mlpstudio_predict_writes(tmp_path):
    from mlpstudio import cli

    # Standardised (no derived inputs: the project file cannot hold both yet, see the report).
    p = make_project(("tanh", "relu"), "softmax", 3, standardised=True)
    p.dataset = from_arrays(points(p, 6), [0, 1, 2, 0, 1, 2], ["a", "b", "c"], ["u", "v"])
    project_path = tmp_path / "p.json"
    from mlpstudio.core.project import save

    save(p, project_path)
    X = points(p, 40, seed=5)
    csv_path = tmp_path / "points.csv"
    csv_path.write_text("v,u\n" + "".join(f"{x[1]!r},{x[0]!r}\n" for x in X.tolist()))
    export.write_python(p, tmp_path / "predict.py")
    env = {**os.environ, "PYTHONPATH": ""}  # numpy only: nothing of MLP Studio on the path
    done = subprocess.run(
        [sys.executable, "-I", str(tmp_path / "predict.py"), str(csv_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    import io

    want = io.StringIO()
    assert cli.main(["predict", str(project_path), str(csv_path)], stdout=want) == 0
    got_rows = [r.split(",") for r in done.stdout.splitlines()]
    want_rows = [r.split(",") for r in want.getvalue().splitlines()]
    assert got_rows[0] == want_rows[0] == ["u", "v", "a1", "a2", "a3", "class"]
    assert [r[-1] for r in got_rows] == [r[-1] for r in want_rows]
    got = np.array([[float(v) for v in r[:-1]] for r in got_rows[1:]])
    np.testing.assert_allclose(got, [[float(v) for v in r[:-1]] for r in want_rows[1:]], atol=1e-6)


def test_the_script_says_what_is_wrong_with_a_csv_in_one_line(tmp_path):
    p = make_project(("tanh",), "sigmoid", 1)
    script = tmp_path / "predict.py"
    export.write_python(p, script)
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,abc\n")
    done = subprocess.run(
        [sys.executable, str(script), str(bad)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"predict.py: error: {bad} line 2: 'abc' is not a finite number"
    ]


# ---- the arrays ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_npz_holds_every_layer_bit_for_bit_with_the_lectures_names(tmp_path, dtype):
    p = make_project(("tanh", "step"), "softmax", 3, dtype, True, SOME_FEATURES)
    path = tmp_path / "w.npz"
    export.write_npz(p, path)
    with np.load(path, allow_pickle=False) as f:
        arrays = {key: f[key] for key in f.files}
    net = p.network
    assert set(arrays) == {
        *(f"{s}{l}" for s in "Wb" for l in (2, 3, 4)),
        *("sizes", "activations", "class_names", "mean", "std", "features"),
    }
    for i, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        l = i + 2
        assert arrays[f"W{l}"].shape == (net.sizes[i + 1], net.sizes[i])
        assert arrays[f"W{l}"].dtype == W.dtype and arrays[f"W{l}"].tobytes() == W.tobytes()
        assert arrays[f"b{l}"].shape == (net.sizes[i + 1],)
        assert arrays[f"b{l}"].tobytes() == b.tobytes()
    assert arrays["sizes"].tolist() == net.sizes
    assert arrays["activations"].tolist() == net.activations
    assert arrays["features"].tolist() == list(SOME_FEATURES)
    assert arrays["class_names"].tolist() == ["0", "1", "2"]
    assert arrays["mean"].tobytes() == p.scaling.mean.tobytes()


def test_the_npz_leaves_out_what_the_project_does_not_have(tmp_path):
    p = make_project(("sigmoid",), "sigmoid", 1)
    with np.load(npz.io.BytesIO(export.to_npz(p)), allow_pickle=False) as f:
        assert sorted(f.files) == ["W2", "W3", "activations", "b2", "b3", "class_names", "sizes"]


# ---- writing files ---------------------------------------------------------------------------


WRITERS = [export.write_npz, export.write_python, export.write_onnx]


@pytest.mark.parametrize("write", WRITERS, ids=lambda w: w.__name__)
def test_an_existing_file_is_replaced_only_when_asked(write, tmp_path):
    if write is export.write_onnx:
        pytest.importorskip("onnx")
    p = make_project(("tanh",), "sigmoid", 1)
    path = tmp_path / "model.out"
    path.write_bytes(b"keep me")
    with pytest.raises(export.ExportError, match=r"model\.out: the file exists and was not"):
        write(p, path)
    assert path.read_bytes() == b"keep me"
    write(p, path, overwrite=True)
    assert path.read_bytes() != b"keep me"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["model.out"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    p = make_project(("tanh",), "sigmoid", 1)
    path = tmp_path / "w.npz"
    path.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        export.write_npz(p, path, overwrite=True)
    assert path.read_bytes() == b"old"
    assert [f.name for f in tmp_path.iterdir()] == ["w.npz"]


def test_a_new_file_is_written_whole(tmp_path):
    p = make_project(("tanh",), "sigmoid", 1)
    export.write_python(p, tmp_path / "new.py")
    assert (tmp_path / "new.py").read_text(encoding="utf-8") == export.to_python(p, "new.py")
    assert sorted(f.name for f in tmp_path.iterdir()) == ["new.py"]


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path, monkeypatch):
    p = make_project(("tanh",), "sigmoid", 1)
    path = tmp_path / "w.npz"
    real_fsync = os.fsync

    def fsync_and_race(fd):
        real_fsync(fd)
        if not path.exists():  # another program takes the name between the check and the rename
            path.write_bytes(b"theirs")

    monkeypatch.setattr(os, "fsync", fsync_and_race)
    with pytest.raises(export.ExportError, match="the file exists and was not replaced"):
        export.write_npz(p, path)
    assert path.read_bytes() == b"theirs"
    assert [f.name for f in tmp_path.iterdir()] == ["w.npz"]


# ---- the documentation's worked example ------------------------------------------------------


def test_the_worked_example_of_the_documentation_runs(tmp_path, monkeypatch, capsys):
    from mlpstudio import cli

    root = Path(__file__).resolve().parents[2]
    text = (root / "docs" / "file-format.md").read_text("utf-8")
    section = text[text.index("### A worked example") :]
    shell = re.search(r"```\n\$ (mlpstudio export .*?)\n(.*?)\$ ", section, re.DOTALL)
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert shell is not None and len(blocks) == 3
    shutil.copy(example("xor-2-2-1"), tmp_path / "xor-2-2-1.json")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "predict", raising=False)
    assert cli.main(shell.group(1).split()[1:]) == 0
    assert capsys.readouterr().out == shell.group(2)
    for block in blocks:
        if "onnxruntime" in block and importlib.util.find_spec("onnxruntime") is None:
            continue
        exec(compile(block, "file-format.md", "exec"), {})  # our own documentation
        printed = capsys.readouterr().out.splitlines()
        comments = [line.split("# ")[-1] for line in block.splitlines() if "print(" in line]
        assert printed == comments
    monkeypatch.delitem(sys.modules, "predict", raising=False)
