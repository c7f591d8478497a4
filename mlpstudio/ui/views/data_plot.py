"""The input plane: the dataset's points over the network's decision regions.

Everything drawn here is asked of the engine: the regions come from ``core.boundary`` evaluated
on a grid that follows the visible range, the misclassified marks from ``net.predict``. The
widget only turns numbers into colours. Following the design, the regions are one row-major
``ImageItem`` (uint8 RGB with explicit levels, or float32 with a lookup table for a unit's map),
the points one ``ScatterPlotItem``, so redrawing at the snapshot rate stays cheap.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from pyqtgraph import exporters
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QVBoxLayout, QWidget

from ...core import boundary
from .. import palette

if TYPE_CHECKING:
    from ...core.datasets import Dataset
    from ...core.network import Network

GRID_N = 150  # cells along the longer side of the view: finer than this is invisible
UNIT_N = 120  # a unit map is evaluated for every unit at once, so it is a little coarser
CLICK_RADIUS_PX = 8.0
DEBOUNCE_MS = 50
REGION_STRENGTH = 0.5  # how far region tints go from the background toward the class colour
UNIT_STRENGTH = 0.7  # the same for a unit's map: points must stay visible on its extremes
MARGIN = 0.10  # around the data when auto-ranging

_SIZES = {False: {"point": 8, "font": 9, "label": 10, "pen": 1.5}}
_SIZES[True] = {"point": 14, "font": 15, "label": 16, "pen": 2.5}


class _Sample(ItemSample):
    """A legend swatch that does not hide anything when clicked (pyqtgraph's default does)."""

    def mouseClickEvent(self, event) -> None:
        event.accept()


def _rgb(hex_color: str) -> np.ndarray:
    return np.asarray(QColor(hex_color).getRgbF()[:3], dtype=np.float32)


def export_plot_item(item: QGraphicsItem, path: str, background: str) -> None:
    """Write a plot item as PNG or SVG, chosen by the extension of ``path``.

    PNG goes through pyqtgraph's ``ImageExporter``, at least 1200 px wide so an export from a
    small window is still print-worthy. SVG goes through ``SVGExporter`` when it can: pyqtgraph
    0.14 cannot parse the closing ``Z`` that recent Qt writes into SVG paths (pyqtgraph issue
    #3485), so on that error the scene is painted straight into a ``QSvgGenerator`` instead.
    """
    ext = os.path.splitext(path)[1].lower()
    if ext == ".png":
        exporter = exporters.ImageExporter(item)
        if int(exporter.parameters()["width"]) < 1200:
            exporter.parameters()["width"] = 1200
        exporter.export(path)
    elif ext == ".svg":
        try:
            exporters.SVGExporter(item).export(path)
        except ValueError:
            _paint_svg(item, path, background)
    else:
        raise ValueError(f"can export .png or .svg, not {ext or 'a file without extension'}")


def _paint_svg(item: QGraphicsItem, path: str, background: str) -> None:
    source = item.sceneBoundingRect()
    target = QRectF(0, 0, source.width(), source.height())
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(QSize(round(source.width()), round(source.height())))
    generator.setViewBox(target)
    # Axes replay cached QPictures, which scale with the device resolution: match the screen's.
    generator.setResolution(round(QGuiApplication.primaryScreen().logicalDotsPerInchX()))
    generator.setTitle("MLP Studio")
    # Export mode makes scatter plots draw vector symbols instead of cached pixmaps.
    items = exporters.SVGExporter(item)
    painter = QPainter(generator)
    items.setExportMode(True, {"antialias": True, "background": QColor(background)})
    try:
        # The view, not the scene, paints pyqtgraph's background, so paint it here.
        painter.fillRect(target, QColor(background))
        item.scene().render(painter, target, source)
    finally:
        items.setExportMode(False)
        painter.end()


class DataPlot(QWidget):
    """The dataset's points, the decision regions (or one unit's map) and a legend."""

    pointClicked = Signal(int)
    viewChanged = Signal(tuple, tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ds: Dataset | None = None
        self._net: Network | None = None  # a copy: exact, for the misclassified marks
        self._net32: Network | None = None  # a float32 copy, for the grid
        self._pred: np.ndarray | None = None
        self._wrong_rows: np.ndarray | None = None  # dataset rows marked misclassified
        self._shown = np.zeros(0, dtype=np.int64)  # dataset rows currently in the scatter
        self._unit_values: np.ndarray | None = None
        self._unit_levels: tuple[float, float] | None = None
        self._rgb: np.ndarray | None = None
        self._show_test = True
        self._hard = False
        self._selected: int | None = None
        self._theme = "light"
        self._presenter = False
        self._feature_names = ("", "")

        self._pw = pg.PlotWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pw)

        plot = self._pw.getPlotItem()
        plot.setAspectLocked(True, 1.0)
        # The grid is coarser than the screen: filter it when scaling rather than show blocks.
        self._pw.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        plot.setMenuEnabled(False)
        self._vb = plot.getViewBox()
        # Ranges are set explicitly: auto-range would chase the image, which follows the view.
        self._vb.disableAutoRange()
        self._vb.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)

        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setZValue(-10)
        plot.addItem(self._image, ignoreBounds=True)
        self._points = pg.ScatterPlotItem(pxMode=True, symbol="o")
        self._points.setZValue(10)
        plot.addItem(self._points)
        self._wrong = pg.ScatterPlotItem(pxMode=True, symbol="x")
        self._wrong.setZValue(11)
        plot.addItem(self._wrong, ignoreBounds=True)
        self._ring = pg.ScatterPlotItem(pxMode=True, symbol="o")
        self._ring.setZValue(12)
        plot.addItem(self._ring, ignoreBounds=True)

        # Parented to the view box (not added to it), so they stay put in pixels when panning.
        self._label = pg.TextItem(anchor=(0, 0))
        self._label.setParentItem(self._vb)
        self._label.setZValue(20)
        self._label.hide()
        self._legend: pg.LegendItem | None = None

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_view_settled)
        self._vb.sigRangeChanged.connect(self._schedule)
        self._pw.scene().sigMouseClicked.connect(self._on_click)

        self._apply_style()

    # ---- public API ----------------------------------------------------------------------

    @property
    def plot_widget(self) -> pg.PlotWidget:
        """The inner plot, for tools (such as the data editor) that draw on it."""
        return self._pw

    def set_dataset(self, ds: Dataset | None, fit: bool = True) -> None:
        """Show ``ds`` (or nothing); the selection is cleared, as its row may be gone.

        With ``fit`` the view is fitted to the points with a margin; an editor adding points
        one by one passes ``fit=False`` so the view holds still under the mouse.
        """
        self._ds = ds
        self._selected = None
        self._feature_names = ("", "") if ds is None else tuple(ds.feature_names[:2])
        self._set_axis_labels()
        self._predict()
        self._update_points()
        self._rebuild_legend()
        if fit and ds is not None and len(ds.X):
            self._fit(ds.X)

    def set_network(self, net: Network | None) -> None:
        """Draw ``net``'s decision regions over the current view and mark misclassified points.

        The network is copied, so the owner may keep training it; zoom and pan re-evaluate
        the copy over the new view.
        """
        had = self._net is not None
        if net is not None and net.n_inputs != 2:
            net = None  # the plane can only show two-input networks
        self._net = None if net is None else net.copy()
        self._net32 = None if net is None else net.astype(np.float32)
        self._predict()
        self._update_wrong(force=False)  # the points themselves do not depend on the network
        self._render()
        if had != (net is not None):
            self._rebuild_legend()

    def set_unit_map(
        self,
        values: np.ndarray | None,
        label: str = "",
        levels: tuple[float, float] | None = None,
    ) -> None:
        """Show one unit's activation map over the current view instead of the regions.

        ``values`` is ``(ny, nx)`` with row 0 at the bottom (as ``core.boundary.unit_maps``
        gives it for :meth:`unit_grid`). The diverging colours are centred on ``levels``' middle;
        without ``levels``, values within [0, 1] centre on 0.5 (a sigmoid's z = 0) and others
        on 0. ``None`` goes back to the network's regions.
        """
        if values is None:
            self._unit_values = None
            self._label.hide()
        else:
            self._unit_values = np.asarray(values, dtype=np.float32)
            if self._unit_values.ndim != 2:
                raise ValueError(f"a unit map is a 2D array, got shape {self._unit_values.shape}")
            self._unit_levels = levels
            self._label.setText(label)
            self._label.setVisible(bool(label))
        self._render()

    def unit_grid(self) -> tuple[tuple[float, float], tuple[float, float], int]:
        """``(xlim, ylim, n)`` to evaluate a unit map on: an ``n × n`` grid of cell centres.

        The limits are half a cell inside the view, so the map's cells tile the view exactly.
        """
        (x0, x1), (y0, y1) = self.view_range()
        dx, dy = (x1 - x0) / UNIT_N, (y1 - y0) / UNIT_N
        return (x0 + dx / 2, x1 - dx / 2), (y0 + dy / 2, y1 - dy / 2), UNIT_N

    def set_show_test(self, on: bool) -> None:
        self._show_test = bool(on)
        self._update_points()
        self._rebuild_legend()

    def set_hard_regions(self, on: bool) -> None:
        """Paint only the predicted class's colour, without fading where confidence is low."""
        self._hard = bool(on)
        self._render()

    def set_selected(self, index: int | None) -> None:
        """Ring the point at dataset row ``index`` (``None`` for no selection)."""
        self._selected = index
        self._update_ring()

    def set_theme(self, name: str) -> None:
        self._theme = name if name in palette.THEMES else "light"
        self._apply_style()
        self._update_points()
        self._rebuild_legend()
        self._render()

    def set_presenter(self, on: bool) -> None:
        """Bigger points, fonts and lines, for a projector."""
        self._presenter = bool(on)
        self._apply_style()
        self._update_points()
        self._rebuild_legend()

    def shows_test(self) -> bool:
        """Whether test points are drawn (the data editor acts only on points one can see)."""
        return self._show_test

    def legend_contains(self, scene_pos: QPointF) -> bool:
        """Whether ``scene_pos`` is on the legend (the data editor leaves clicks there alone)."""
        legend = self._legend
        return legend is not None and legend.sceneBoundingRect().contains(scene_pos)

    def view_range(self) -> tuple[tuple[float, float], tuple[float, float]]:
        (x0, x1), (y0, y1) = self._vb.viewRange()
        return (float(x0), float(x1)), (float(y0), float(y1))

    def export(self, path: str) -> None:
        """Write the plot as PNG or SVG, chosen by the extension of ``path``."""
        export_plot_item(self._pw.getPlotItem(), path, self._colors()["background"])

    def boundary_rgb(self) -> np.ndarray | None:
        """The regions image, ``(ny, nx, 3)`` uint8 with row 0 at the bottom, or ``None``."""
        return self._rgb

    # ---- drawing -------------------------------------------------------------------------

    def _colors(self) -> dict[str, str]:
        return palette.theme(self._theme)

    def _sizes(self) -> dict[str, float]:
        return _SIZES[self._presenter]

    def _apply_style(self) -> None:
        c, s = self._colors(), self._sizes()
        self._pw.setBackground(c["background"])
        plot = self._pw.getPlotItem()
        font = QFont()
        font.setPointSize(int(s["font"]))
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(c["muted"]))
            axis.setTextPen(pg.mkPen(c["foreground"]))
            axis.setTickFont(font)
        self._set_axis_labels()
        label_bg = QColor(c["background"])
        label_bg.setAlpha(210)
        self._label.fill = pg.mkBrush(label_bg)
        self._label.setColor(c["foreground"])
        label_font = QFont()
        label_font.setPointSize(int(s["label"]))
        self._label.setFont(label_font)

    def _set_axis_labels(self) -> None:
        plot = self._pw.getPlotItem()
        names = self._feature_names
        style = {"color": self._colors()["foreground"], "font-size": f"{self._sizes()['label']}pt"}
        plot.setLabel("bottom", names[0] or None, **style)
        plot.setLabel("left", names[1] or None, **style)

    def _fit(self, X: np.ndarray) -> None:
        lo, hi = X.min(axis=0), X.max(axis=0)
        span = hi - lo
        # A single point or a line of points still gets a sensible square around it.
        pad = np.where(span > 0, span * MARGIN, 1.0)
        self._vb.setRange(
            xRange=(lo[0] - pad[0], hi[0] + pad[0]),
            yRange=(lo[1] - pad[1], hi[1] + pad[1]),
            padding=0,
        )

    def _visible_rows(self) -> np.ndarray:
        ds = self._ds
        if ds is None:
            return np.zeros(0, dtype=np.int64)
        mask = np.ones(len(ds.X), dtype=bool) if self._show_test else ds.train_mask
        return np.flatnonzero(mask)

    def _predict(self) -> None:
        ds, net = self._ds, self._net
        if ds is None or net is None or not len(ds.X):
            self._pred = None
            return
        with np.errstate(all="ignore"):
            self._pred = net.predict(ds.X)

    def _update_points(self) -> None:
        ds = self._ds
        rows = self._visible_rows()
        self._shown = rows
        if ds is None or not len(rows):
            self._points.setData([])
            self._wrong.setData([])
            self._update_ring()
            return
        c, s = self._colors(), self._sizes()
        outline = QColor(c["foreground"])
        outline.setAlpha(170)
        n_colors = int(ds.y.max()) + 1 if len(ds.y) else 1
        fill_pen = pg.mkPen(outline, width=1)
        fills = [pg.mkBrush(palette.class_color(k)) for k in range(n_colors)]
        rings = [pg.mkPen(palette.class_color(k), width=s["pen"]) for k in range(n_colors)]
        no_brush = pg.mkBrush(None)
        y, train = ds.y[rows], ds.train_mask[rows]
        brushes = [fills[k] if t else no_brush for k, t in zip(y, train, strict=True)]
        pens = [fill_pen if t else rings[k] for k, t in zip(y, train, strict=True)]
        X = ds.X[rows]
        self._points.setData(
            x=X[:, 0], y=X[:, 1], brush=brushes, pen=pens, size=s["point"], data=rows
        )
        self._update_wrong()
        self._update_ring()

    def _update_wrong(self, force: bool = True) -> None:
        ds, pred = self._ds, self._pred
        if ds is None or pred is None:
            self._wrong_rows = None
            self._wrong.setData([])
            return
        rows = self._shown[pred[self._shown] != ds.y[self._shown]]
        # Snapshots arrive many times a second and mostly leave the same points wrong: a
        # scatter's setData costs per point, comparing the rows does not.
        if not force and self._wrong_rows is not None and np.array_equal(rows, self._wrong_rows):
            return
        self._wrong_rows = rows
        c, s = self._colors(), self._sizes()
        self._wrong.setData(
            x=ds.X[rows, 0],
            y=ds.X[rows, 1],
            size=s["point"] + 2,
            brush=pg.mkBrush(c["foreground"]),
            pen=pg.mkPen(c["background"], width=1),
            data=rows,
        )

    def _update_ring(self) -> None:
        ds, i = self._ds, self._selected
        if ds is None or i is None or not 0 <= i < len(ds.X):
            self._ring.setData([])
            return
        c, s = self._colors(), self._sizes()
        self._ring.setData(
            x=[ds.X[i, 0]],
            y=[ds.X[i, 1]],
            size=s["point"] + 10,
            brush=pg.mkBrush(None),
            pen=pg.mkPen(c["foreground"], width=s["pen"] + 1),
        )

    def _grid_shape(self, w: float, h: float) -> tuple[int, int]:
        longest = max(w, h)
        # Square cells in data units; with the aspect locked, square on screen too.
        nx = max(2, round(GRID_N * w / longest))
        ny = max(2, round(GRID_N * h / longest))
        return nx, ny

    def _render(self) -> None:
        """Redraw the image: the unit map if one is set, else the network's regions."""
        (x0, x1), (y0, y1) = self.view_range()
        rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        if self._unit_values is not None:
            self._rgb = None
            self._draw_unit_map(rect)
            return
        net = self._net32
        if net is None:
            self._rgb = None
            self._image.clear()
            return
        nx, ny = self._grid_shape(x1 - x0, y1 - y0)
        dx, dy = (x1 - x0) / nx, (y1 - y0) / ny
        # Grid points are cell centres, so the image's cells tile the view exactly.
        with np.errstate(all="ignore"):
            out = boundary.outputs(
                net, (x0 + dx / 2, x1 - dx / 2), (y0 + dy / 2, y1 - dy / 2), nx, ny
            )
            p = boundary.probabilities(net, out)
        self._rgb = self._blend(p)
        self._image.setLookupTable(None, update=False)
        self._image.setImage(self._rgb, levels=(0, 255), autoLevels=False)
        self._image.setRect(rect)

    def _blend(self, p: np.ndarray) -> np.ndarray:
        """Class confidences ``(ny, nx, K)`` → uint8 RGB: tints fading to the background."""
        K = p.shape[-1]
        tints = palette.region_rgb(K, self._theme, REGION_STRENGTH)
        bg = _rgb(self._colors()["background"])
        finite = np.isfinite(p).all(axis=-1)
        p = np.where(finite[..., None], p, 1.0 / K).astype(np.float32)
        if self._hard:
            rgb = tints[p.argmax(axis=-1)]
        else:
            # Confidence 0 when every class is equally likely, 1 when one class is certain.
            conf = np.clip((p.max(axis=-1) - 1.0 / K) / (1.0 - 1.0 / K), 0.0, 1.0)
            rgb = bg + conf[..., None] * (p @ tints - bg)
        return np.round(np.clip(rgb, 0.0, 1.0) * 255).astype(np.uint8)

    def _draw_unit_map(self, rect: QRectF) -> None:
        v = self._unit_values
        levels = self._unit_levels
        if levels is None:
            finite = v[np.isfinite(v)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
            if lo >= 0.0 and hi <= 1.0:
                levels = (0.0, 1.0)
            else:
                m = max(abs(lo), abs(hi), 1e-12)
                levels = (-m, m)
        lut = palette.diverging_lut(self._theme, strength=UNIT_STRENGTH)
        self._image.setLookupTable(lut, update=False)
        self._image.setImage(v, levels=levels, autoLevels=False)
        self._image.setRect(rect)

    def _rebuild_legend(self) -> None:
        if self._legend is not None:
            self._legend.setParentItem(None)
            if self._legend.scene() is not None:
                self._legend.scene().removeItem(self._legend)
            self._legend = None
        ds = self._ds
        if ds is None:
            return
        c, s = self._colors(), self._sizes()
        bg = QColor(c["background"])
        bg.setAlpha(215)
        legend = pg.LegendItem(
            brush=pg.mkBrush(bg),
            pen=pg.mkPen(c["grid"]),
            labelTextColor=c["foreground"],
            labelTextSize=f"{s['font']}pt",
            sampleType=_Sample,
            verSpacing=-4,
        )
        legend.setParentItem(self._vb)
        legend.setZValue(30)
        size = s["point"]
        muted = pg.mkBrush(c["muted"])

        def swatch(**opts: object) -> pg.ScatterPlotItem:
            return pg.ScatterPlotItem(symbol=opts.pop("symbol", "o"), size=size, **opts)

        n_classes = max(len(ds.class_names), int(ds.y.max()) + 1 if len(ds.y) else 0)
        for k in range(n_classes):
            name = ds.class_names[k] if k < len(ds.class_names) else f"class {k}"
            brush = pg.mkBrush(palette.class_color(k))
            legend.addItem(swatch(brush=brush, pen=pg.mkPen(None)), name)
        has_test = bool((~ds.train_mask).any())
        if has_test and self._show_test:
            legend.addItem(swatch(brush=muted, pen=pg.mkPen(None)), "training")
            legend.addItem(
                swatch(brush=pg.mkBrush(None), pen=pg.mkPen(c["muted"], width=2)), "test"
            )
        if self._net is not None:
            cross = swatch(
                symbol="x", brush=pg.mkBrush(c["foreground"]), pen=pg.mkPen(c["background"])
            )
            legend.addItem(cross, "misclassified")
        if legend.layout.rowCount() > 7:
            legend.setColumnCount(2)
        self._legend = legend
        self._place_legend()

    def _place_legend(self) -> None:
        """Put the legend in the corner of the view that hides the fewest points."""
        legend = self._legend
        if legend is None:
            return
        ds = self._ds
        vb_rect = self._vb.boundingRect()
        W, H = vb_rect.width(), vb_rect.height()
        lw, lh = legend.boundingRect().width(), legend.boundingRect().height()
        corners = [(1, 0), (0, 0), (1, 1), (0, 1)]  # (right?, bottom?) in pixel terms
        best = corners[0]
        if ds is not None and len(self._shown) and W > 0 and H > 0:
            (x0, x1), (y0, y1) = self.view_range()
            X = ds.X[self._shown]
            px = (X[:, 0] - x0) / (x1 - x0) * W
            py = (y1 - X[:, 1]) / (y1 - y0) * H
            counts = []
            for right, bottom in corners:
                left_px = W - lw - 10 if right else 10
                top_px = H - lh - 10 if bottom else 10
                inside = (
                    (px >= left_px - 4)
                    & (px <= left_px + lw + 4)
                    & (py >= top_px - 4)
                    & (py <= top_px + lh + 4)
                )
                counts.append(int(inside.sum()))
            best = corners[int(np.argmin(counts))]
        right, bottom = best
        legend.anchor(
            itemPos=(right, bottom),
            parentPos=(right, bottom),
            offset=(-10 if right else 10, -10 if bottom else 10),
        )
        # The unit-map label takes a top corner the legend does not use.
        label_right = 1 if best == (0, 0) else 0
        self._label.setAnchor((label_right, 0))
        self._label.setPos(W - 10 if label_right else 10, 10)

    # ---- events --------------------------------------------------------------------------

    def _schedule(self, *_: object) -> None:
        # Restarting the single-shot timer means a zoom drag evaluates once, when it settles.
        self._timer.start()

    def _on_view_settled(self) -> None:
        if self._unit_values is None:
            self._render()
        self._place_legend()
        xlim, ylim = self.view_range()
        self.viewChanged.emit(xlim, ylim)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._schedule()

    def _on_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        pos = ev.scenePos()
        if not self._vb.sceneBoundingRect().contains(pos):
            return
        legend = self._legend
        if legend is not None and legend.sceneBoundingRect().contains(pos):
            return
        self.pointClicked.emit(self._nearest(pos))

    def _nearest(self, scene_pos: QPointF) -> int:
        """The dataset row of the shown point nearest to ``scene_pos`` within the radius, or -1."""
        ds = self._ds
        if ds is None or not len(self._shown):
            return -1
        p = self._vb.mapSceneToView(scene_pos)
        sx, sy = self._vb.viewPixelSize()
        if sx <= 0 or sy <= 0:
            return -1
        X = ds.X[self._shown]
        d2 = ((X[:, 0] - p.x()) / sx) ** 2 + ((X[:, 1] - p.y()) / sy) ** 2
        i = int(np.argmin(d2))
        return int(self._shown[i]) if d2[i] <= CLICK_RADIUS_PX**2 else -1
