"""CostPlot: growing buffers, target line, log scale with zeros, hover readout, export."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF

from mlpstudio.core.training import History
from mlpstudio.ui.views.cost_plot import CostPlot


def make_history(n: int, start: int = 0, test: bool = True, seed: int = 0) -> History:
    rng = np.random.default_rng(seed)
    h = History()
    for e in range(start, start + n):
        cost = 1.0 / (1 + e) + 0.01 * rng.random()
        t_cost = cost * 1.1 if test else math.nan
        t_acc = 0.5 if test else math.nan
        h.append(e, (cost, min(1.0, e / max(n, 1)), t_cost, t_acc))
    return h


@pytest.fixture
def plot(qtbot):
    w = CostPlot()
    qtbot.addWidget(w)
    w.resize(600, 400)
    w.show()
    qtbot.waitExposed(w)
    return w


def target_line(w: CostPlot) -> pg.InfiniteLine:
    (line,) = [i for i in w._cost.plot.items if isinstance(i, pg.InfiniteLine) and i.angle == 0]
    return line


def test_append_in_chunks_equals_set_history(plot, qtbot):
    h = make_history(12_345)
    other = CostPlot()
    qtbot.addWidget(other)
    other.set_history(h)
    start = 0
    for size in (1, 7, 1000, 5000, 6337):  # sizes that force the buffers to grow several times
        plot.append(_rows(h, start, start + size))
        start += size
    assert start == len(h)
    a, b = plot.data(), other.data()
    assert set(a) == {"epoch", "train_cost", "test_cost", "train_accuracy", "test_accuracy"}
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    np.testing.assert_array_equal(a["epoch"], np.arange(len(h)))
    np.testing.assert_array_equal(a["train_cost"], h.train_cost)


def _rows(h: History, start: int, stop: int) -> History:
    return History(**{k: v[start:stop] for k, v in h.columns().items()})


def test_curves_show_cost_and_accuracy_in_percent(plot):
    h = make_history(50)
    plot.set_history(h)
    _, y = plot._cost.train.getData()
    np.testing.assert_array_equal(y, h.train_cost)
    plot._tabs.setCurrentIndex(1)  # a hidden tab's curves catch up when it is shown
    _, y = plot._acc.train.getData()
    np.testing.assert_allclose(y, np.asarray(h.train_accuracy) * 100)
    assert plot._cost.train.opts["clipToView"] and plot._cost.train.opts["autoDownsample"]


def test_set_history_replaces_and_clear_empties(plot):
    plot.set_history(make_history(100))
    plot.set_history(make_history(10, start=5))
    assert list(plot.data()["epoch"]) == list(range(5, 15))
    plot.clear()
    assert all(len(v) == 0 for v in plot.data().values())


def test_without_a_test_set_the_test_curve_is_not_drawn(plot):
    plot.set_history(make_history(30, test=False))
    assert np.isnan(plot.data()["test_cost"]).all()
    assert not plot._cost.test.isVisible()
    labels = [label.text for _, label in plot._cost.legend.items]
    assert labels == ["training"]
    plot.set_history(make_history(30, test=True))
    assert plot._cost.test.isVisible()
    assert [label.text for _, label in plot._cost.legend.items] == ["training", "test"]


def test_target_line_visibility(plot):
    line = target_line(plot)
    assert not line.isVisible()
    plot.set_target(0.05)
    assert line.isVisible() and line.value() == pytest.approx(0.05)
    plot.set_log(True)
    assert line.value() == pytest.approx(math.log10(0.05))  # the axis shows log10 coordinates
    plot.set_target(None)
    assert not line.isVisible()


@pytest.mark.filterwarnings("error")
def test_log_scale_with_zeros_and_nan_does_not_break(plot):
    h = make_history(20, test=False)
    h.train_cost[3] = 0.0
    h.train_cost[4] = 0.0
    plot.set_history(h)
    plot.set_target(0.0)
    plot.set_log(True)
    assert plot._log_box.isChecked()
    plot.append(make_history(5, start=20))
    plot.grab()  # paints the log-scaled curves
    (x0, x1), (y0, y1) = plot._cost.plot.getViewBox().viewRange()
    assert all(map(math.isfinite, (x0, x1, y0, y1)))
    assert not target_line(plot).isVisible()  # log 0 has no place on the axis
    plot._log_box.setChecked(False)  # the checkbox and set_log are one setting
    assert plot._cost.plot.getAxis("left").logMode is False


def test_hover_readout_names_the_nearest_epoch(plot, qtbot):
    plot.set_history(make_history(200))
    vb = plot._cost.plot.getViewBox()
    qtbot.waitUntil(lambda: vb.viewRange()[0][1] >= 199, timeout=1000)  # auto-range settled
    qtbot.wait(20)
    scene_pos = vb.mapViewToScene(QPointF(42.0, plot.data()["train_cost"][42]))
    qtbot.mouseMove(plot._cost.widget.viewport(), plot._cost.widget.mapFromScene(scene_pos))
    qtbot.waitUntil(lambda: plot._cost.readout.isVisible(), timeout=1000)
    text = plot._cost.readout.toPlainText()
    assert text.startswith("epoch 42: train cost ")
    assert "test cost" in text


def test_export_png_and_svg_of_the_visible_tab(plot, tmp_path):
    plot.set_history(make_history(100))
    plot.export(str(tmp_path / "cost.png"))
    plot._tabs.setCurrentIndex(1)
    plot.export(str(tmp_path / "accuracy.svg"))
    assert (tmp_path / "cost.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "accuracy.svg").read_text()
    assert "<svg" in svg and "accuracy" in svg
    with pytest.raises(ValueError):
        plot.export(str(tmp_path / "cost.pdf"))


def test_theme_and_presenter_apply(plot):
    plot.set_history(make_history(10))
    plot.set_theme("dark")
    plot.set_presenter(True)
    assert plot._cost.train.opts["pen"].widthF() > 2
    assert plot._cost.widget.backgroundBrush().color().name().lower() == "#1e1f22"
    plot.grab()
