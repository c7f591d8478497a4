"""DataPlot: points, decision regions in the right orientation, clicks, zoom, unit maps, export."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage

from mlpstudio.core import boundary, datasets, lessons
from mlpstudio.core.datasets import Dataset
from mlpstudio.core.network import Network
from mlpstudio.ui import palette
from mlpstudio.ui.views.data_plot import GRID_N, REGION_STRENGTH, DataPlot


def make_dataset(n: int = 40, classes: int = 2, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    y = np.arange(n) % classes
    mask = np.ones(n, dtype=bool)
    mask[::4] = False  # every fourth point is a test point
    return Dataset(
        X=X,
        y=y,
        class_names=[f"c{k}" for k in range(classes)],
        feature_names=["width", "height"],
        train_mask=mask,
    )


def step_net(wx: float, wy: float) -> Network:
    """One sigmoid unit: output ≈ 1 where ``wx x + wy y > 0``, so class 1 lies on that side."""
    net = Network([2, 1], activations=["sigmoid"])
    net.weights[0][...] = [[wx, wy]]
    net.biases[0][...] = 0.0
    return net


def tints(k: int, theme: str = "light") -> np.ndarray:
    return np.round(palette.region_rgb(k, theme, REGION_STRENGTH) * 255).astype(int)


@pytest.fixture
def plot(qtbot):
    w = DataPlot()
    qtbot.addWidget(w)
    w.resize(500, 500)
    w.show()
    qtbot.waitExposed(w)
    return w


def scatters(w: DataPlot) -> list[pg.ScatterPlotItem]:
    return [i for i in w.plot_widget.getPlotItem().items if isinstance(i, pg.ScatterPlotItem)]


def points_item(w: DataPlot) -> pg.ScatterPlotItem:
    # The points and the selection ring are both circles; the ring holds at most one.
    return max((s for s in scatters(w) if s.opts["symbol"] == "o"), key=lambda s: len(s.data))


def wrong_item(w: DataPlot) -> pg.ScatterPlotItem:
    (item,) = [s for s in scatters(w) if s.opts["symbol"] == "x"]
    return item


def to_viewport(w: DataPlot, x: float, y: float):
    vb = w.plot_widget.getPlotItem().getViewBox()
    return w.plot_widget.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def column_at(w: DataPlot, x: float) -> int:
    (x0, x1), _ = w.view_range()
    return int((x - x0) / (x1 - x0) * w.boundary_rgb().shape[1])


def screen_rgb(w: DataPlot, x: float, y: float) -> np.ndarray:
    """The colour drawn on screen at data coordinates (x, y)."""
    image = w.plot_widget.viewport().grab().toImage()
    p = to_viewport(w, x, y)
    c = QColor(image.pixel(p.x(), p.y()))
    return np.array([c.red(), c.green(), c.blue()])


# ---- points -------------------------------------------------------------------------------


def test_one_scatter_with_every_point_train_filled_test_hollow(plot):
    ds = make_dataset(40, classes=3)
    plot.set_dataset(ds)
    item = points_item(plot)
    assert len(item.data) == 40
    np.testing.assert_allclose(item.data["x"], ds.X[:, 0])
    for row, brush, pen in zip(
        item.data["data"], item.data["brush"], item.data["pen"], strict=True
    ):
        colour = palette.class_color(int(ds.y[row]))
        if ds.train_mask[row]:
            assert brush.style() != Qt.BrushStyle.NoBrush
            assert brush.color() == colour
        else:
            assert brush.style() == Qt.BrushStyle.NoBrush
            assert pen.color() == colour


def test_hiding_test_points_leaves_the_training_points(plot):
    ds = make_dataset(40)
    plot.set_dataset(ds)
    plot.set_show_test(False)
    item = points_item(plot)
    assert len(item.data) == int(ds.train_mask.sum())
    assert ds.train_mask[item.data["data"].astype(int)].all()
    plot.set_show_test(True)
    assert len(points_item(plot).data) == 40


def test_view_fits_the_data_with_a_margin(plot):
    ds = make_dataset(30)
    plot.set_dataset(ds)
    (x0, x1), (y0, y1) = plot.view_range()
    lo, hi = ds.X.min(axis=0), ds.X.max(axis=0)
    span = hi - lo
    assert x0 <= lo[0] - 0.09 * span[0] and x1 >= hi[0] + 0.09 * span[0]
    assert y0 <= lo[1] - 0.09 * span[1] and y1 >= hi[1] + 0.09 * span[1]
    axis = plot.plot_widget.getPlotItem().getAxis("bottom")
    assert "width" in axis.labelText


def test_set_dataset_without_fit_keeps_the_view(plot):
    plot.set_dataset(make_dataset(30))
    before = plot.view_range()
    ds = make_dataset(30)
    ds.X *= 5  # far outside the view
    plot.set_dataset(ds, fit=False)
    assert plot.view_range() == before
    plot.set_dataset(ds)
    assert plot.view_range()[0][1] > 4


def test_selected_point_gets_a_ring(plot):
    ds = make_dataset(10)
    plot.set_dataset(ds)
    ring = [s for s in scatters(plot) if s.opts["symbol"] == "o" and s is not points_item(plot)]
    assert len(ring) == 1
    plot.set_selected(3)
    assert len(ring[0].data) == 1
    assert ring[0].data["x"][0] == pytest.approx(ds.X[3, 0])
    plot.set_selected(None)
    assert len(ring[0].data) == 0


# ---- the decision regions -----------------------------------------------------------------


def test_boundary_image_has_the_grid_shape_of_the_view(plot):
    plot.set_dataset(make_dataset())
    plot.set_network(Network([2, 3, 2], activations=["tanh", "softmax"], seed=1))
    rgb = plot.boundary_rgb()
    (x0, x1), (y0, y1) = plot.view_range()
    assert rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3
    assert max(rgb.shape[:2]) == GRID_N
    assert rgb.shape[1] / rgb.shape[0] == pytest.approx((x1 - x0) / (y1 - y0), rel=0.03)


@pytest.mark.parametrize("hard", [False, True])
def test_regions_follow_x_class_1_on_the_right(plot, hard):
    plot.set_dataset(make_dataset())
    plot.set_hard_regions(hard)
    plot.set_network(step_net(50.0, 0.0))
    rgb = plot.boundary_rgb().astype(int)
    t = tints(2)
    # Row-major: columns run along x, so the right column is class 1 and the left class 0.
    assert np.abs(rgb[:, -1] - t[1]).max() <= 1
    assert np.abs(rgb[:, 0] - t[0]).max() <= 1
    # And on screen, where the image is placed in data coordinates.
    qtbot_wait_paint(plot)
    assert np.abs(screen_rgb(plot, 1.05, 0.0) - t[1]).max() <= 3
    assert np.abs(screen_rgb(plot, -1.05, 0.0) - t[0]).max() <= 3


def test_regions_follow_y_row_0_is_the_bottom(plot):
    plot.set_dataset(make_dataset())
    plot.set_network(step_net(0.0, 50.0))
    rgb = plot.boundary_rgb().astype(int)
    t = tints(2)
    assert np.abs(rgb[-1] - t[1]).max() <= 1  # top rows: y > 0, class 1
    assert np.abs(rgb[0] - t[0]).max() <= 1
    qtbot_wait_paint(plot)
    assert np.abs(screen_rgb(plot, 0.0, 1.05) - t[1]).max() <= 3
    assert np.abs(screen_rgb(plot, 0.0, -1.05) - t[0]).max() <= 3


def qtbot_wait_paint(plot: DataPlot) -> None:
    plot.plot_widget.viewport().repaint()


def test_hard_regions_use_only_pure_class_tints(plot):
    plot.set_dataset(make_dataset(classes=3))
    plot.set_network(Network([2, 6, 3], activations=["tanh", "softmax"], seed=3))
    soft = plot.boundary_rgb()
    plot.set_hard_regions(True)
    hard = plot.boundary_rgb()
    allowed = {tuple(c) for c in tints(3)}
    colours = {tuple(c) for c in hard.reshape(-1, 3).astype(int)}
    assert colours <= allowed
    assert len({tuple(c) for c in soft.reshape(-1, 3)}) > len(colours)  # blending makes shades


def test_soft_regions_fade_to_the_background_at_the_boundary(plot):
    plot.set_dataset(make_dataset())
    plot.set_network(step_net(50.0, 0.0))
    rgb = plot.boundary_rgb().astype(int)
    middle = rgb[:, column_at(plot, 0.0)]
    assert middle.min() >= 230  # nearly white where the classes are equally likely


def test_misclassified_markers_match_wrong_predictions(plot):
    ds = make_dataset(60, classes=2)
    net = step_net(50.0, 0.0)  # a vertical line: about half the alternating labels are wrong
    plot.set_dataset(ds)
    plot.set_network(net)
    wrong = np.flatnonzero(net.predict(ds.X) != ds.y)
    assert 0 < len(wrong) < len(ds.X)
    item = wrong_item(plot)
    assert sorted(item.data["data"]) == list(wrong)
    plot.set_show_test(False)
    shown = wrong[ds.train_mask[wrong]]
    assert sorted(wrong_item(plot).data["data"]) == list(shown)
    plot.set_network(None)
    assert len(wrong_item(plot).data) == 0
    assert plot.boundary_rgb() is None


def test_network_is_copied_so_later_training_does_not_change_the_picture(plot):
    plot.set_dataset(make_dataset())
    net = step_net(50.0, 0.0)
    plot.set_network(net)
    before = plot.boundary_rgb().copy()
    net.weights[0][...] = [[-50.0, 0.0]]
    plot.set_hard_regions(False)  # re-evaluates the stored network
    np.testing.assert_array_equal(plot.boundary_rgb(), before)


def test_a_network_without_two_inputs_draws_no_regions(plot):
    plot.set_dataset(make_dataset())
    plot.set_network(Network([3, 2], activations=["sigmoid"]))
    assert plot.boundary_rgb() is None


def test_dark_theme_blends_toward_the_dark_background(plot):
    plot.set_dataset(make_dataset())
    plot.set_network(step_net(50.0, 0.0))
    plot.set_theme("dark")
    rgb = plot.boundary_rgb().astype(int)
    t = tints(2, "dark")
    assert np.abs(rgb[:, -1] - t[1]).max() <= 1
    assert rgb[:, column_at(plot, 0.0)].max() < 80  # the boundary fades to the dark background


# ---- interaction --------------------------------------------------------------------------


def test_clicking_a_point_emits_its_index(plot, qtbot):
    ds = make_dataset(20)
    plot.set_dataset(ds)
    k = 7
    with qtbot.waitSignal(plot.pointClicked, timeout=1000) as blocker:
        qtbot.mouseClick(
            plot.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=to_viewport(plot, *ds.X[k])
        )
    assert blocker.args == [k]


def test_clicking_empty_space_emits_minus_one(plot, qtbot):
    ds = Dataset(X=np.array([[-1.0, -1.0], [1.0, 1.0]]), y=np.array([0, 1]))
    plot.set_dataset(ds)
    with qtbot.waitSignal(plot.pointClicked, timeout=1000) as blocker:
        qtbot.mouseClick(
            plot.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=to_viewport(plot, 0, 0)
        )
    assert blocker.args == [-1]


def test_zoom_reevaluates_the_grid_after_the_debounce(plot, qtbot):
    plot.set_dataset(make_dataset())
    plot.set_network(step_net(50.0, 0.0))
    assert np.abs(plot.boundary_rgb()[:, 0].astype(int) - tints(2)[0]).max() <= 1
    views = []
    plot.viewChanged.connect(lambda xlim, ylim: views.append((xlim, ylim)))
    vb = plot.plot_widget.getPlotItem().getViewBox()
    # Once first: the y axis grows to fit "-0.15", the view box narrows by a pixel and the
    # aspect lock moves the range again. That is a layout change of its own, not the drag's.
    vb.setRange(xRange=(0.3, 0.7), yRange=(-0.2, 0.2), padding=0)
    plot.plot_widget.grab()
    qtbot.waitUntil(lambda: len(views) >= 1, timeout=1000)
    qtbot.waitUntil(lambda: not plot._timer.isActive(), timeout=1000)
    views.clear()
    for right in (0.9, 0.8, 0.7):  # a drag: several range changes in a row
        vb.setRange(xRange=(0.3, right), yRange=(-0.2, 0.2), padding=0)
    qtbot.waitUntil(lambda: len(views) >= 1, timeout=1000)
    qtbot.wait(3 * 50)
    assert len(views) == 1  # debounced: one re-evaluation for the whole drag
    xlim, _ = views[0]
    assert xlim == plot.view_range()[0]
    # Now the whole grid lies at x > 0: every cell is class 1's tint.
    assert np.abs(plot.boundary_rgb().astype(int) - tints(2)[1]).max() <= 1


# ---- unit maps ----------------------------------------------------------------------------


def test_unit_map_replaces_the_regions_and_none_restores_them(plot):
    plot.set_dataset(make_dataset())
    net = Network([2, 4, 1], activations=["tanh", "sigmoid"], seed=2)
    plot.set_network(net)
    regions = plot.boundary_rgb().copy()
    xlim, ylim, n = plot.unit_grid()
    maps = boundary.unit_maps(net, xlim, ylim, n)
    plot.set_unit_map(maps[0][1], "unit 2 of layer 2")
    assert plot.boundary_rgb() is None
    item = next(i for i in plot.plot_widget.getPlotItem().items if isinstance(i, pg.ImageItem))
    np.testing.assert_array_equal(item.image, maps[0][1])
    assert item.levels is not None and item.lut is not None  # explicit levels, a lookup table
    plot.set_network(net)  # snapshots keep coming: the unit map stays
    assert plot.boundary_rgb() is None
    plot.set_unit_map(None)
    np.testing.assert_array_equal(plot.boundary_rgb(), regions)


def test_unit_grid_is_cell_centres_inside_the_view(plot):
    plot.set_dataset(make_dataset())
    (x0, x1), (y0, y1) = plot.view_range()
    xlim, ylim, n = plot.unit_grid()
    assert n >= 50
    assert xlim[0] == pytest.approx(x0 + (x1 - x0) / n / 2)
    assert ylim[1] == pytest.approx(y1 - (y1 - y0) / n / 2)


def test_unit_map_levels_are_explicit(plot):
    plot.set_dataset(make_dataset())
    item = next(i for i in plot.plot_widget.getPlotItem().items if isinstance(i, pg.ImageItem))
    plot.set_unit_map(np.full((4, 4), 0.3, dtype=np.float32))
    assert tuple(item.levels) == (0.0, 1.0)  # a sigmoid-like map centres on 0.5
    plot.set_unit_map(np.array([[-2.0, 1.0], [0.0, 0.5]]))
    assert tuple(item.levels) == (-2.0, 2.0)  # otherwise centred on 0
    with pytest.raises(ValueError):
        plot.set_unit_map(np.zeros(5))


# ---- look and export ----------------------------------------------------------------------


def test_presenter_mode_makes_points_bigger(plot):
    plot.set_dataset(make_dataset())
    small = points_item(plot).opts["size"]
    plot.set_presenter(True)
    big = points_item(plot).opts["size"]
    assert big > small


def test_export_png_and_svg(plot, tmp_path):
    plot.set_dataset(make_dataset())
    plot.set_network(step_net(50.0, 0.0))
    png, svg = tmp_path / "plane.png", tmp_path / "plane.svg"
    plot.export(str(png))
    plot.export(str(svg))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text()
    assert "<svg" in text and len(text) > 1000
    with pytest.raises(ValueError):
        plot.export(str(tmp_path / "plane.jpg"))


# ---- the legend beside the data -------------------------------------------------------------


def lesson_and() -> Dataset:
    return lessons.load_lesson("one-neuron").dataset


def named(name: str) -> Dataset:
    if name == "and":
        return lesson_and()
    if name == "xor":
        return datasets.generate("xor", points=4)
    return datasets.generate(name, points=200, noise=0.05, seed=1)


def point_discs(w: DataPlot) -> list[QRectF]:
    """Each shown point's disc (its symbol's square) in scene coordinates."""
    vb = w.plot_widget.getPlotItem().getViewBox()
    item = points_item(w)
    r = item.opts["size"] / 2 + 1
    out = []
    for x, y in zip(item.data["x"], item.data["y"], strict=True):
        c = vb.mapViewToScene(QPointF(x, y))
        out.append(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))
    return out


@pytest.mark.parametrize("size", [(500, 500), (720, 380), (380, 720)])
@pytest.mark.parametrize("name", ["xor", "and", "spirals", "xor-clusters"])
def test_legend_never_covers_a_point(plot, name, size):
    plot.resize(*size)
    plot.set_dataset(named(name))
    plot.set_network(Network([2, 3, 1], activations=["tanh", "sigmoid"], seed=1))
    legend = plot.legend.sceneBoundingRect()
    vb = plot.plot_widget.getPlotItem().getViewBox().sceneBoundingRect()
    assert legend.width() > 20 and legend.height() > 10  # it is there, with its entries
    assert [label.text for _, label in plot.legend.items][-1] == "misclassified"
    for disc in point_discs(plot):
        assert vb.contains(disc.center())  # every point is in view ...
        assert not legend.intersects(disc)  # ... and none is under the legend


def test_legend_goes_where_the_data_leaves_room(plot):
    plot.resize(800, 360)  # wide: a column beside the data costs it nothing
    plot.set_dataset(named("spirals"))
    assert plot.legend_side() == "right"
    plot.resize(360, 800)  # tall: a strip under the data does
    plot.set_dataset(named("spirals"))
    assert plot.legend_side() == "bottom"
    legend = plot.legend.sceneBoundingRect()
    axis = plot.plot_widget.getPlotItem().getAxis("bottom").sceneBoundingRect()
    assert legend.top() >= axis.bottom() - 1


@pytest.mark.parametrize("size", [(500, 500), (380, 720)])
def test_exported_png_shows_every_point_and_the_legend(plot, tmp_path, size):
    """Each AND corner is drawn in its class colour at its place in the file, legend included."""
    plot.resize(*size)
    ds = lesson_and()
    plot.set_dataset(ds)
    path = tmp_path / "and.png"
    plot.export(str(path))
    image = QImage(str(path))
    item = plot.plot_widget.getPlotItem()
    source = item.sceneBoundingRect()
    scale = image.width() / source.width()
    assert source.contains(plot.legend.sceneBoundingRect())  # the legend is in the export
    vb = item.getViewBox()
    for (x, y), k in zip(ds.X, ds.y, strict=True):
        p = (vb.mapViewToScene(QPointF(x, y)) - source.topLeft()) * scale
        c = QColor(image.pixel(round(p.x()), round(p.y())))
        want = palette.class_color(int(k))
        assert max(abs(c.red() - want.red()), abs(c.green() - want.green())) <= 40, (x, y)
        assert abs(c.blue() - want.blue()) <= 40, (x, y)


def test_clicks_on_the_legend_select_nothing(plot, qtbot):
    plot.set_dataset(named("xor-clusters"))
    centre = plot.legend.sceneBoundingRect().center()
    assert plot.legend_contains(centre)
    with qtbot.assertNotEmitted(plot.pointClicked):
        qtbot.mouseClick(
            plot.plot_widget.viewport(),
            Qt.MouseButton.LeftButton,
            pos=plot.plot_widget.mapFromScene(centre),
        )


def test_axes_show_plain_numbers_without_si_prefixes(plot):
    ds = make_dataset(40)
    ds.X *= 0.5  # ticks at ±0.4 once read "-400 (x0.001)"
    plot.set_dataset(ds)
    for name in ("left", "bottom"):
        axis = plot.plot_widget.getPlotItem().getAxis(name)
        assert "x0.001" not in axis.labelString() and axis.autoSIPrefixScale == 1.0


# ---- work while the view moves --------------------------------------------------------------


def test_repeated_display_settings_and_pans_do_not_rebuild_the_legend(plot, qtbot, monkeypatch):
    """The session re-sends "show test points" after every pan: that must cost nothing."""
    plot.set_dataset(make_dataset(200))
    plot.set_network(step_net(50.0, 0.0))
    added, scattered = [], []
    monkeypatch.setattr(pg.LegendItem, "addItem", lambda *a, **k: added.append(a))
    real = pg.ScatterPlotItem.setData
    monkeypatch.setattr(
        pg.ScatterPlotItem, "setData", lambda s, *a, **k: (scattered.append(s), real(s, *a, **k))
    )
    views = []
    plot.viewChanged.connect(lambda *v: views.append(v))
    vb = plot.plot_widget.getPlotItem().getViewBox()
    for k in range(3):
        vb.translateBy(x=0.05)
        plot.set_show_test(True)  # unchanged
        plot.set_theme("light")  # unchanged
        qtbot.waitUntil(lambda n=k: len(views) > n, timeout=2000)
    plot.set_network(step_net(40.0, 0.0))  # a new snapshot: same entries in the legend
    assert added == []
    assert scattered == []  # the points and the misclassified marks did not change either


# ---- while training: a budget per frame ------------------------------------------------------


def test_the_training_grid_shrinks_with_the_networks_cost():
    from mlpstudio.ui.views.plot.regions import GRID_N_MOVING, GRID_N_MOVING_MIN, moving_grid_n

    small = Network([2, 16, 16, 1], "tanh", seed=0)
    medium = Network([2, 64, 64, 1], "tanh", seed=0)
    largest = Network([2, *[64] * 8, 1], "tanh", seed=0)
    assert moving_grid_n(small) == GRID_N_MOVING
    assert GRID_N_MOVING_MIN < moving_grid_n(medium) < GRID_N_MOVING
    assert moving_grid_n(largest) == GRID_N_MOVING_MIN


def test_a_big_network_training_on_many_points_marks_errors_when_it_stops(plot):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (3000, 2))
    ds = Dataset(X, (X[:, 0] > 0).astype(np.int64))
    plot.set_dataset(ds)
    big = Network([2, *[64] * 8, 1], "tanh", seed=0)
    plot.set_network(big)  # paused: every point checked
    before = len(wrong_item(plot).data)
    flipped = big.copy()
    flipped.weights[-1] *= -1  # the opposite answer everywhere
    flipped.biases[-1] *= -1
    plot.set_network(flipped, coarse=True)  # a frame while training: the marks wait
    assert len(wrong_item(plot).data) == before
    plot.set_network(flipped)  # training stopped: drawn in full
    expected = np.count_nonzero(flipped.predict(X) != ds.y)
    assert len(wrong_item(plot).data) == expected != before
