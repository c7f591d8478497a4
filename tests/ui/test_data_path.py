"""One data path: a project trained in the app gives the app's classes from the command line,
and standardisation comes from the training points only, in the app as everywhere else."""

from __future__ import annotations

import csv

import numpy as np

from mlpstudio import cli
from mlpstudio.core import csvio


def test_the_app_standardises_from_training_points_only(window):
    window.data_panel.standardise.setChecked(True)
    assert window.settle()
    s = window.session
    raw = s.raw
    mean = raw.X_train.mean(axis=0)
    assert np.allclose(s.scaling["mean"], mean)
    assert not np.allclose(s.scaling["mean"], raw.X.mean(axis=0))
    assert np.allclose(s.dataset.X_train.mean(axis=0), 0.0, atol=1e-12)


def test_a_project_trained_in_the_app_predicts_the_same_classes_from_the_command_line(
    window, tmp_path
):
    window.data_panel.generator.setCurrentText("spirals")
    window.data_panel.standardise.setChecked(True)
    window.training.train_for(200)
    s = window.session
    app_classes = s.net.predict(s.dataset.X)
    project = tmp_path / "spirals.json"
    assert window.files.save_to(project)
    points = tmp_path / "points.csv"
    csvio.write_csv(points, s.raw)
    out = tmp_path / "predictions.csv"
    assert cli.main(["predict", str(project), str(points), "--out", str(out), "-q"]) == 0
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    names = s.raw.class_names
    assert [names.index(r["class"]) for r in rows] == app_classes.tolist()
    assert len(set(app_classes.tolist())) > 1  # a test that could fail: several classes
