"""A long run draws a bounded number of points with its visible shape kept (``plot/decimate``).

The cost curves are handed the min and max of each bucket of rows instead of every row, so a
redraw costs the same at 200,000 rows as at 2,000. What must hold: the points handed over stay
bounded, every column of the plot keeps its lowest and highest value, the last row is drawn
exactly, a zoomed view shows its rows themselves, and re-clipped costs rebuild the buckets.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlpstudio.core.training import History
from mlpstudio.ui.views.cost_plot import CostPlot
from mlpstudio.ui.views.plot.decimate import BUCKETS, Envelope, window

ROWS = 200_000


def long_history(n: int = ROWS, seed: int = 1) -> History:
    rng = np.random.default_rng(seed)
    e = np.arange(n)
    cost = 1.0 / (1 + e / 100) + 0.05 * rng.random(n)  # noisy: every bucket has a spread
    cost[n // 3] = 0.9  # one spike, which a plain every-k-th-row thinning would miss
    acc = np.clip(e / n + 0.1 * rng.random(n), 0, 1)
    return History(
        epoch=e,
        train_cost=cost,
        train_accuracy=acc,
        test_cost=cost * 1.1,
        test_accuracy=acc * 0.9,
    )


def rows(h: History, start: int, stop: int) -> History:
    return History(**{k: v[start:stop] for k, v in h.columns().items()})


@pytest.fixture
def plot(qtbot):
    w = CostPlot()
    qtbot.addWidget(w)
    w.resize(600, 400)
    w.show()
    qtbot.waitExposed(w)
    return w


def handed(curve) -> tuple[np.ndarray, np.ndarray]:
    """What the plot gave the curve (before pyqtgraph's own clipping and downsampling)."""
    return np.asarray(curve.xData), np.asarray(curve.yData)


def assert_shape_kept(x, y, raw_x, raw_y, k: int) -> None:
    """Per column of ``4k`` rows (aligned with the buckets): the same min and max, NaN-free."""
    assert len(x) <= 4 * BUCKETS + k
    assert x[-1] == raw_x[-1] and y[-1] == raw_y[-1]  # the last row, exactly
    assert np.all(np.diff(x) >= 0)
    assert np.nanmin(y) == np.nanmin(raw_y) and np.nanmax(y) == np.nanmax(raw_y)
    width = 4 * k
    for start in range(0, len(raw_x) - width, width * 7):  # a sample of the columns
        lo, hi = raw_x[start], raw_x[start + width]
        inside = (x >= lo) & (x < hi)
        raw = raw_y[start : start + width]
        assert y[inside].min() == raw.min() and y[inside].max() == raw.max(), start


@pytest.mark.parametrize("how", ["appended", "set"])
def test_a_long_run_hands_over_a_bounded_envelope(plot, how):
    h = long_history()
    if how == "set":
        plot.set_history(h)
    else:
        for start in range(0, ROWS, 7_919):  # snapshots of uneven sizes, as training sends
            plot.append(rows(h, start, min(start + 7_919, ROWS)))
    k = plot._cost.envelope.k
    assert k > 1
    for curve, column in ((plot._cost.train, "train_cost"), (plot._cost.test, "test_cost")):
        x, y = handed(curve)
        assert_shape_kept(x, y, np.asarray(h.epoch, float), np.asarray(getattr(h, column)), k)
    x, y = handed(plot._cost.train)
    near = np.abs(x - ROWS // 3) <= 4 * k
    assert y[near].max() == 0.9  # the one-row spike is still drawn

    plot._tabs.setCurrentIndex(1)
    x, y = handed(plot._acc.train)
    raw = np.asarray(h.train_accuracy) * 100
    assert_shape_kept(x, y, np.asarray(h.epoch, float), raw, plot._acc.envelope.k)
    # The hover readout still reads the rows themselves.
    assert plot.data()["train_cost"].shape == (ROWS,)


def test_a_zoomed_view_shows_its_rows_and_the_whole_run_comes_back(plot, qtbot):
    h = long_history()
    plot.set_history(h)
    vb = plot._cost.plot.getViewBox()
    vb.setXRange(50_000, 51_000, padding=0)
    x, y = handed(plot._cost.train)
    lo, hi = vb.viewRange()[0]
    first = int(np.searchsorted(h.epoch, lo)) - 1
    np.testing.assert_array_equal(x, h.epoch[first : first + len(x)])
    np.testing.assert_array_equal(y, h.train_cost[first : first + len(x)])
    assert x[0] <= lo and x[-1] >= hi  # the curve runs to both edges

    vb.enableAutoRange()  # the "A" button: follow the whole run again (fitted at a paint)
    qtbot.waitUntil(lambda: handed(plot._cost.train)[0][-1] == h.epoch[-1])
    x, _ = handed(plot._cost.train)
    assert len(x) <= 4 * BUCKETS + plot._cost.envelope.k and x[-1] == h.epoch[-1]


def test_new_rows_while_zoomed_keep_the_zoomed_rows(plot):
    h = long_history(20_000)
    plot.set_history(rows(h, 0, 10_000))
    plot._cost.plot.getViewBox().setXRange(100, 200, padding=0)
    plot.append(rows(h, 10_000, 20_000))
    x, _ = handed(plot._cost.train)
    assert x[0] <= 100 and 200 <= x[-1] < 300


def test_a_new_ceiling_rebuilds_the_buckets(plot):
    h = long_history(50_000)
    plot.set_history(h)
    before = np.nanmax(handed(plot._cost.train)[1])
    spike = History(
        epoch=[50_000],
        train_cost=[1e6],  # a divergence: the scale moves, every row is clipped anew
        train_accuracy=[0.5],
        test_cost=[math.nan],
        test_accuracy=[math.nan],
    )
    plot.append(spike)
    x, y = handed(plot._cost.train)
    shown = plot._shown["train_cost"][: plot._n]
    assert np.nanmax(y) == np.nanmax(shown) and np.nanmin(y) == np.nanmin(shown)
    assert x[-1] == 50_000 and before <= np.nanmax(y)


def test_envelope_built_in_pieces_equals_built_at_once():
    rng = np.random.default_rng(3)
    x = np.arange(100_000, dtype=float)
    y = rng.random(100_000)
    y[rng.random(100_000) < 0.01] = np.nan
    whole, pieces = Envelope(1, buckets=64), Envelope(1, buckets=64)
    whole.update(x, [y])
    for stop in range(1, 100_001, 997):
        pieces.update(x[:stop], [y[:stop]])
    pieces.update(x, [y])
    a, b = whole.points(x, [y]), pieces.points(x, [y])
    if whole.k == pieces.k:
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1][0], b[1][0])
    for env in (whole, pieces):
        px, (py,) = env.points(x, [y])
        assert len(px) <= 4 * 64 + env.k and px[-1] == x[-1] and py[-1] == y[-1]
        assert np.nanmax(py) == np.nanmax(y) and np.nanmin(py) == np.nanmin(y)


def test_window_thins_a_wide_zoom_and_keeps_its_extremes():
    x = np.arange(300_000, dtype=float)
    y = np.sin(x / 50.0)
    px, (py,) = window(x, [y], 1000.5, 250_000.5, buckets=500)
    assert len(px) <= 2 * 500 + 1000 and px[0] <= 1000.5 and px[-1] >= 250_000.5
    assert py.max() == y[999:250_002].max() and py.min() == y[999:250_002].min()
