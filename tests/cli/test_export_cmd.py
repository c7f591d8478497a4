"""``mlpstudio export``: writes the files asked for, refuses to overwrite, errors in one line."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from mlpstudio import __main__ as entry
from mlpstudio import resources_path
from mlpstudio.core import project


def run(capsys, *argv: object) -> tuple[int, str, str]:
    """Run ``mlpstudio argv...`` in-process; return (status, stdout, stderr)."""
    code = entry.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, status: int, *words: str) -> None:
    assert code == status
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("mlpstudio export: error: "), lines[0]
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def spiral(tmp_path) -> Path:
    path = tmp_path / "spiral.json"
    shutil.copy(resources_path.example("spiral-3class"), path)
    return path


def test_export_writes_every_file_asked_for(capsys, spiral, tmp_path):
    pytest.importorskip("onnx")
    files = {flag: tmp_path / name for flag, name in [("--onnx", "m.onnx"), ("--npz", "w.npz")]}
    files["--python"] = tmp_path / "predict.py"
    argv = [x for flag, path in files.items() for x in (flag, path)]
    code, out, err = run(capsys, "export", spiral, *argv)
    assert code == 0 and err == ""
    assert out.splitlines() == [
        f"wrote {files['--onnx']}: ONNX model, opset 17, float64",
        f"wrote {files['--python']}: Python script (needs numpy only), float64",
        f"wrote {files['--npz']}: weights as NumPy arrays, float64",
    ]
    p = project.load(spiral)
    with np.load(files["--npz"], allow_pickle=False) as f:
        assert f["W2"].tobytes() == p.network.weights[0].tobytes()
    source = files["--python"].read_text(encoding="utf-8")
    compile(source, "predict.py", "exec")
    assert "python predict.py points.csv" in source
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(str(files["--onnx"]), providers=["CPUExecutionProvider"])
    a, c = session.run(None, {"points": p.dataset.X})
    want = p.network.predict_proba(p.network_input(p.dataset.X))
    np.testing.assert_allclose(a, want, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(c, p.network.classify(want))


def test_quiet_export_prints_nothing_and_writes(capsys, spiral, tmp_path):
    code, out, err = run(capsys, "export", "-q", spiral, "--npz", tmp_path / "w.npz")
    assert (code, out, err) == (0, "", "")
    assert (tmp_path / "w.npz").is_file()


def test_nothing_to_export_is_a_usage_error(capsys, spiral):
    code, _, err = run(capsys, "export", spiral)
    assert_one_line_error(code, err, 2, "give --onnx FILE, --python FILE or --npz FILE")


def test_two_formats_in_one_file_are_refused(capsys, spiral, tmp_path):
    code, _, err = run(
        capsys, "export", spiral, "--npz", tmp_path / "x", "--python", tmp_path / "." / "x"
    )
    assert_one_line_error(code, err, 2, "--python and --npz name the same file")
    assert list(tmp_path.iterdir()) == [spiral]


def test_an_existing_file_is_kept_unless_forced(capsys, spiral, tmp_path):
    target = tmp_path / "predict.py"
    target.write_text("mine")
    new = tmp_path / "w.npz"
    code, out, err = run(capsys, "export", spiral, "--npz", new, "--python", target)
    assert_one_line_error(code, err, 1, f"{target} already exists: use --force to replace it")
    assert out == "" and target.read_text() == "mine" and not new.exists()
    code, out, err = run(capsys, "export", spiral, "--python", target, "--force")
    assert code == 0 and err == ""
    assert target.read_text(encoding="utf-8").startswith('"""Predict with "Three spirals"')


def test_a_missing_onnx_package_writes_nothing_and_says_how_to_install_it(
    capsys, spiral, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` raises ImportError
    code, out, err = run(
        capsys, "export", spiral, "--npz", tmp_path / "w.npz", "--onnx", tmp_path / "m.onnx"
    )
    assert_one_line_error(
        code, err, 1, 'ONNX export needs the onnx package: pip install "mlpstudio[onnx]"'
    )
    assert out == "" and sorted(p.name for p in tmp_path.iterdir()) == ["spiral.json"]


def test_a_project_that_cannot_be_read_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "export", tmp_path / "nope.json", "--npz", tmp_path / "w.npz")
    assert_one_line_error(code, err, 1, "nope.json: file not found")


def test_a_folder_in_the_way_is_one_line(capsys, spiral, tmp_path):
    folder = tmp_path / "w.npz"
    folder.mkdir()
    code, _, err = run(capsys, "export", spiral, "--npz", folder, "--force")
    assert_one_line_error(code, err, 1, str(folder))


def test_export_is_listed_in_the_help(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "export" in out and "mlpstudio export xor.json --onnx xor.onnx" in out
    code, out, _ = run(capsys, "export", "--help")
    assert code == 0 and "--force" in out and "--npz FILE.npz" in out
