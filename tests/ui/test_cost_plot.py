"""CostPlot: growing buffers, target line, log scale with zeros, hover readout, export."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF

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
    qtbot.waitUntil(lambda: plot._cost.readout.full != "", timeout=1000)
    text = plot._cost.readout.full
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


# ---- numbers a student can read -------------------------------------------------------------


def tick_texts(w: CostPlot, name: str = "left") -> list[str]:
    """The tick labels the axis would draw for the current range."""
    axis = w._cost.plot.getAxis(name)
    lo, hi = axis.range
    out = []
    for spacing, values in axis.tickValues(lo, hi, axis.height() or 100):
        out += axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
    return out


def diverging_history(n: int = 107) -> History:
    """As lesson 7's η too large: 0.72 growing ×~9 per epoch to ~1e305, then inf."""
    h = History()
    for e in range(n):
        cost = 0.72 * 10.0 ** (305 * e / (n - 1)) if e < n - 1 else math.inf
        h.append(e, (cost, 0.5, math.nan, math.nan))
    return h


def test_short_plot_shows_plain_numbers_and_a_caption_that_fits(plot, qtbot):
    plot.resize(700, 150)  # the cost dock at 1024×700
    plot.set_history(make_history(300))
    for name in ("left", "bottom"):
        axis = plot._cost.plot.getAxis(name)
        assert axis.autoSIPrefixScale == 1.0 and "x0.0" not in axis.labelString()
    texts = tick_texts(plot)
    assert texts and all("e" not in t for t in texts)  # 0.2, 0.4 … not 200 (x0.001)
    caption = plot._cost.caption
    inside = plot._cost.widget.sceneRect()
    assert inside.contains(caption.sceneBoundingRect())  # the whole caption is on screen
    assert caption.text() == caption.full  # and none of it is cut


def test_caption_says_the_cost_is_without_the_l2_term(plot):
    text = plot._cost.caption.full
    assert "cost" in text and "without the L2 term" in text
    assert "accuracy" in plot._acc.caption.full


def test_after_a_divergence_the_range_stays_sane(plot, qtbot):
    plot.set_history(diverging_history())
    plot.grab()  # a paint: any lazy auto-range has happened
    vb = plot._cost.plot.getViewBox()
    _, (y0, y1) = vb.viewRange()
    assert y0 <= 0.0 and 0.72 < y1 <= 0.72 * 100 * 1.2  # the start is readable, not a flat 0
    assert all("e+" not in t for t in tick_texts(plot))
    _, y = plot._cost.train.getData()
    assert np.isfinite(y).all() and y.max() < 1e6  # drawn at a ceiling, leaving the chart
    assert "∞" in plot._cost.off_chart.full
    np.testing.assert_array_equal(plot.data()["train_cost"], diverging_history().train_cost)
    plot.set_log(True)  # every finite cost fits: the explosion is a straight line
    plot.grab()
    (_, _), (ly0, ly1) = vb.viewRange()
    assert ly0 < math.log10(0.72) and 300 < ly1 < 310
    _, y = plot._cost.train.getData()
    assert np.isfinite(y).all()  # inf is drawn above the top, not dropped
    texts = tick_texts(plot)
    assert 2 <= len(texts) <= 12 and all(t.startswith("10") or t == "1" for t in texts)
    assert "∞" in plot._cost.off_chart.full  # the last cost, inf, is still off the chart
    finite = _rows(diverging_history(), 0, 106)  # as the trainer keeps it: no inf row
    plot.set_history(finite)
    assert plot._cost.off_chart.full == ""  # on the log scale everything fits
    plot.set_log(False)
    highest = f"{max(finite.train_cost):.3g}"
    assert f"up to {highest}" in plot._cost.off_chart.full  # the linear scale says how far


def test_a_new_history_restarts_the_x_range(plot, qtbot):
    plot.set_history(make_history(5000))
    vb = plot._cost.plot.getViewBox()
    vb.scaleBy((0.3, 0.5))  # the student zoomed into the old run
    vb.translateBy(x=1500)
    plot.set_history(make_history(30))  # New, open or reset
    (x0, x1), _ = vb.viewRange()
    assert x0 == pytest.approx(0.0, abs=1e-9) and 29 <= x1 <= 35
    plot.append(make_history(70, start=30))  # and it follows the new run as it grows
    assert vb.viewRange()[0][1] >= 99


def test_cost_range_starts_at_zero_and_holds_the_curve(plot):
    h = make_history(200)
    plot.set_history(h)
    (_, _), (y0, y1) = plot._cost.plot.getViewBox().viewRange()
    assert y0 <= 0.0 and y1 >= max(h.test_cost)


def test_legend_and_readout_stay_off_the_curves(plot, qtbot):
    plot.set_history(make_history(200))
    vb = plot._cost.plot.getViewBox()
    scene_pos = vb.mapViewToScene(QPointF(5.0, plot.data()["train_cost"][5]))
    plot._cost.widget.scene().sigMouseMoved.emit(scene_pos)  # as the mouse does, without it
    assert plot._cost.readout.full.startswith("epoch 5: train cost ")
    data = vb.sceneBoundingRect()
    assert not data.intersects(plot._cost.readout.sceneBoundingRect())
    assert not data.intersects(plot._cost.legend.sceneBoundingRect())
    train, test = plot._cost.marks
    assert train.isVisible() and train.pos().x() == 5
    assert train.pos().y() == pytest.approx(plot.data()["train_cost"][5])
    assert test.pos().y() == pytest.approx(plot.data()["test_cost"][5])
    plot.set_log(True)  # on a log scale the dots sit at log10 of the cost, on the curve
    plot._cost.widget.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(5.0, -0.5)))
    assert train.pos().y() == pytest.approx(np.log10(plot.data()["train_cost"][5]))
    plot._cost.widget.scene().sigMouseMoved.emit(vb.sceneBoundingRect().topLeft() - QPointF(5, 5))
    assert plot._cost.readout.full == "" and not train.isVisible()


def test_a_short_plot_gives_the_epoch_title_line_to_the_data(plot, qtbot):
    axis = plot._cost.plot.getAxis("bottom")
    plot.resize(700, 130)
    qtbot.waitUntil(lambda: not axis.label.isVisible(), timeout=1000)
    plot.resize(700, 300)
    qtbot.waitUntil(lambda: axis.label.isVisible(), timeout=1000)
    assert axis.labelText == "epoch"
    plot.set_presenter(True)  # restyling keeps the choice
    assert axis.label.isVisible()
    plot.resize(700, 130)
    qtbot.waitUntil(lambda: not axis.label.isVisible(), timeout=1000)
    plot.set_theme("dark")
    assert not axis.label.isVisible()


@pytest.mark.parametrize("presenter", [False, True])
def test_everything_fits_in_a_short_dock(plot, qtbot, presenter):
    """At 1024×700 the cost dock leaves the plot ~110 px: the x axis must still be on screen."""
    plot.set_presenter(presenter)
    plot.resize(1000, 115)
    panel = plot._cost
    item = panel.plot.getAxis("bottom")
    qtbot.waitUntil(lambda: not item.label.isVisible(), timeout=1000)  # the resize arrived
    plot.set_history(make_history(300))
    plot.grab()
    shown = panel.widget.mapToScene(panel.widget.viewport().rect()).boundingRect()
    axis = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))  # without grid lines
    assert axis.bottom() <= shown.bottom() + 1  # the tick numbers are not cut off
    assert panel.legend.sceneBoundingRect().height() <= panel.plot.getViewBox().height() + 1
    assert [label.text for _, label in panel.legend.items] == ["training", "test"]
