"""The session under odd states: no points, a network that cannot follow the data."""

from __future__ import annotations

import numpy as np

from mlpstudio.core import datasets
from mlpstudio.core.specs import NetworkSpec


def test_a_network_that_cannot_follow_new_classes_raises_nothing(window, monkeypatch):
    s = window.session
    three = datasets.split(datasets.generate("blobs", 60, 0.1, 0, 3), 0.2, 0)

    def refuse(*args, **kwargs):
        raise ValueError("no network today")

    monkeypatch.setattr(NetworkSpec, "build", refuse)
    s.set_data(three)
    assert "no network today" in window.status.message.text()
    assert not s.network_fits() and not s.can_train()
    s.select_point(0)
    s.set_whole_batch(True)
    window.acts["step"].trigger()
    window.acts["play"].trigger()
    assert window.settle()
    assert not s.running
    assert s.selection_batch() is None


def test_clear_then_whole_batch_and_inspector_raise_nothing(window, qtbot):
    window.editor.toolbar().clear_button.click()
    s = window.session
    assert s.raw.n_points == 0
    window.acts["batch"].trigger()
    window.docks["inspector"].show()
    window.docks["inspector"].raise_()
    window.acts["play"].trigger()
    window.acts["step"].trigger()
    assert window.settle()
    assert not s.running and s.selection_batch() is None
    window.editor.add_point(0.5, 0.5)
    window.editor.add_point(-0.5, -0.5)
    assert window.settle()
    assert np.isfinite(s.net.params).all()
