"""File → Export model: ONNX, Python script and weights from the window, as `mlpstudio export`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox


@pytest.fixture
def no_boxes(monkeypatch):
    """Record error boxes instead of showing them."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a[2]))
    return shown


def _dialog_returns(monkeypatch, path: Path) -> list[str]:
    """The save dialog answers ``path``; returns the folders it was opened in."""
    started: list[str] = []

    def answer(parent, title, start, file_filter):
        started.append(start)
        return str(path), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return started


def _menu_action(window, text: str):
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    model = next(a.menu() for a in file_menu.actions() if a.text() == "Export &model")
    return next(a for a in model.actions() if a.text().startswith(text))


def test_the_python_script_exported_from_the_menu_predicts_as_the_app(
    qtbot, window, monkeypatch, tmp_path, no_boxes
):
    window.training.train_for(30)
    qtbot.waitUntil(lambda: window.session.epoch >= 30)
    target = tmp_path / "predict.py"
    started = _dialog_returns(monkeypatch, target)
    _menu_action(window, "Python script").trigger()
    assert target.exists() and not no_boxes
    spec = importlib.util.spec_from_file_location("exported", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X = window.session.raw.X
    net = window.session.net
    expected = net.predict_proba(window.files.current_project().network_input(X))
    np.testing.assert_allclose(module.predict_proba(X), expected, rtol=0, atol=1e-12)
    assert "predict.py" in window.session.message
    # The next export starts in the folder of this one.
    _menu_action(window, "Weights").trigger()
    assert Path(started[-1]).parent == tmp_path


def test_weights_export_holds_each_layers_W_and_b(qtbot, window, monkeypatch, tmp_path):
    target = tmp_path / "weights.npz"
    _dialog_returns(monkeypatch, target)
    _menu_action(window, "Weights").trigger()
    with np.load(target, allow_pickle=False) as f:
        for i, (W, b) in enumerate(
            zip(window.session.net.weights, window.session.net.biases, strict=True)
        ):
            np.testing.assert_array_equal(f[f"W{i + 2}"], W)
            np.testing.assert_array_equal(f[f"b{i + 2}"], b)


def test_a_name_completed_with_the_suffix_never_replaces_a_file_unasked(
    qtbot, window, monkeypatch, tmp_path, no_boxes
):
    existing = tmp_path / "model.npz"
    existing.write_bytes(b"keep me")
    _dialog_returns(monkeypatch, tmp_path / "model")  # typed without .npz: the dialog saw no file
    _menu_action(window, "Weights").trigger()
    assert existing.read_bytes() == b"keep me"
    assert no_boxes and "exists" in no_boxes[0]


def test_a_file_chosen_in_the_dialog_is_replaced(qtbot, window, monkeypatch, tmp_path, no_boxes):
    existing = tmp_path / "model.npz"
    existing.write_bytes(b"old")
    _dialog_returns(monkeypatch, existing)  # the dialog itself asked before returning it
    _menu_action(window, "Weights").trigger()
    assert existing.read_bytes() != b"old" and not no_boxes


def test_onnx_export_without_the_onnx_package_says_how_to_get_it(
    qtbot, window, monkeypatch, tmp_path, no_boxes
):
    import builtins

    real_import = builtins.__import__

    def no_onnx(name, *args, **kwargs):
        if name == "onnx" or name.startswith("onnx."):
            raise ImportError("No module named 'onnx'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_onnx)
    target = tmp_path / "model.onnx"
    _dialog_returns(monkeypatch, target)
    _menu_action(window, "ONNX model").trigger()
    assert not target.exists()
    assert no_boxes and "mlpstudio[onnx]" in no_boxes[0]
