"""The input plane: the dataset's points over the network's decision regions.

Everything drawn here is asked of the engine: the regions come from ``core.boundary`` evaluated
on a grid that follows the visible range (``plot/regions.py``), the misclassified marks from
``net.predict``. The widget only turns numbers into colours. Following the design, the regions
are one row-major ``ImageItem``, the points one ``ScatterPlotItem``, and the legend sits in a
strip beside or under the data (``plot/key.py``), so it never hides a point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

from .. import palette
from .plot.export import export_plot_item
from .plot.key import PlotKey, StillSample
from .plot.regions import (
    GRID_N,
    MOVING_MACS,
    REGION_STRENGTH,
    UNIT_N,
    UNIT_STRENGTH,
    RegionImage,
    macs,
    moving_grid_n,
)

if TYPE_CHECKING:
    from ...core.datasets import Dataset
    from ...core.network import Network

__all__ = [
    "CLICK_RADIUS_PX",
    "GRID_N",
    "REGION_STRENGTH",
    "UNIT_N",
    "UNIT_STRENGTH",
    "DataPlot",
    "export_plot_item",
]

CLICK_RADIUS_PX = 8.0
DEBOUNCE_MS = 50
MARGIN = 0.10  # around the data when auto-ranging

_SIZES = {False: {"point": 8, "font": 9, "label": 10, "pen": 1.5}}
_SIZES[True] = {"point": 14, "font": 15, "label": 16, "pen": 2.5}


class DataPlot(QWidget):
    """The dataset's points, the decision regions (or one unit's map) and a legend."""

    pointClicked = Signal(int)
    viewChanged = Signal(tuple, tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ds: Dataset | None = None
        self._net: Network | None = None  # a copy: exact, for the misclassified marks
        self._net32: Network | None = None  # a float32 copy, for the grid
        self.coarse = False  # the regions were last drawn on the coarser grid of training
        self._pred: np.ndarray | None = None
        self._wrong_rows: np.ndarray | None = None  # dataset rows marked misclassified
        self._shown = np.zeros(0, dtype=np.int64)  # dataset rows currently in the scatter
        self._unit_values: np.ndarray | None = None
        self._unit_levels: tuple[float, float] | None = None
        self._show_test = True
        self._hard = False
        self._selected: int | None = None
        self._theme = "light"
        self._presenter = False
        self._feature_names = ("", "")
        self._data_aspect: float | None = None  # width / height of the fitted data range
        self._legend_key: tuple | None = None  # what the legend shows, to skip rebuilding it
        self._room = (0.0, 0.0)  # the plot's size when the key's side was last chosen

        self._pw = pg.PlotWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pw)

        plot = self._pw.getPlotItem()
        plot.setAspectLocked(True, 1.0)
        # The grid is coarser than the screen: filter it when scaling rather than show blocks.
        self._pw.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        plot.setMenuEnabled(False)
        # Room above and right of the axes, so the end ticks' numbers are not cut in half.
        plot.layout.setContentsMargins(2, 8, 8, 2)
        for name in ("left", "bottom", "top", "right"):
            # Data near ±0.5 read as "500 (x0.001)" with SI prefixes: show the numbers. (The
            # hidden top and right axes too: each pan re-rendered their empty labels, ~1 ms.)
            plot.getAxis(name).enableAutoSIPrefix(False)
        self._vb = plot.getViewBox()
        # Ranges are set explicitly: auto-range would chase the image, which follows the view.
        self._vb.disableAutoRange()
        self._vb.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)

        self._regions = RegionImage(plot)
        self._points = pg.ScatterPlotItem(pxMode=True, symbol="o")
        self._points.setZValue(10)
        plot.addItem(self._points)
        self._wrong = pg.ScatterPlotItem(pxMode=True, symbol="x")
        self._wrong.setZValue(11)
        plot.addItem(self._wrong, ignoreBounds=True)
        self._ring = pg.ScatterPlotItem(pxMode=True, symbol="o")
        self._ring.setZValue(12)
        plot.addItem(self._ring, ignoreBounds=True)

        self._key = PlotKey(plot, sampleType=StillSample, verSpacing=0)
        # The name of the unit whose map is shown: in the key, so it never covers the map.
        self._label = pg.LabelItem("", justify="left")
        self._key.add_note(self._label)
        self._key.show_note(self._label, False)

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

    @property
    def legend(self) -> pg.LegendItem:
        """The legend (in the key beside or under the data, never over it)."""
        return self._key.legend

    def legend_side(self) -> str:
        """Where the key is: ``"right"`` of the data or at the ``"bottom"``, under the x axis."""
        return self._key.side or "right"

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
            self._choose_side(force=True)

    def set_network(self, net: Network | None, coarse: bool = False) -> None:
        """Draw ``net``'s decision regions over the current view and mark misclassified points.

        The network is copied, so the owner may keep training it; zoom and pan re-evaluate
        the copy over the new view. ``coarse`` (while training) evaluates a coarser grid; the
        owner draws again without it when training stops (:attr:`coarse` says it is due).
        """
        self.coarse = coarse
        if net is not None and net.n_inputs != 2:
            net = None  # the plane can only show two-input networks
        self._net = None if net is None else net.copy()
        self._net32 = None if net is None else net.astype(np.float32)
        self._predict()
        self._update_wrong(force=False)  # the points themselves do not depend on the network
        # The legend first: a new entry may resize the data area, and the regions follow it.
        self._rebuild_legend()  # only does work when "misclassified" comes or goes
        self._render()

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
            self._key.show_note(self._label, False)
        else:
            self._unit_values = np.asarray(values, dtype=np.float32)
            if self._unit_values.ndim != 2:
                raise ValueError(f"a unit map is a 2D array, got shape {self._unit_values.shape}")
            self._unit_levels = levels
            self._label.setText(label, **self._label_style())
            self._key.show_note(self._label, bool(label))
        self._render()

    def unit_grid(self) -> tuple[tuple[float, float], tuple[float, float], int]:
        """``(xlim, ylim, n)`` to evaluate a unit map on: an ``n × n`` grid of cell centres.

        The limits are half a cell inside the view, so the map's cells tile the view exactly.
        """
        (x0, x1), (y0, y1) = self.view_range()
        dx, dy = (x1 - x0) / UNIT_N, (y1 - y0) / UNIT_N
        return (x0 + dx / 2, x1 - dx / 2), (y0 + dy / 2, y1 - dy / 2), UNIT_N

    def set_show_test(self, on: bool) -> None:
        """Draw the test points too (hollow), or only the training points."""
        if bool(on) == self._show_test:
            return  # the session repeats this on every display change, e.g. after each pan
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
        """Colours of the ``light`` or ``dark`` theme."""
        name = name if name in palette.THEMES else "light"
        if name == self._theme:
            return
        self._theme = name
        self._restyle()
        self._render()

    def set_presenter(self, on: bool) -> None:
        """Bigger points, fonts and lines, for a projector."""
        if bool(on) == self._presenter:
            return
        self._presenter = bool(on)
        self._restyle()

    def shows_test(self) -> bool:
        """Whether test points are drawn (the data editor acts only on points one can see)."""
        return self._show_test

    def legend_contains(self, scene_pos: QPointF) -> bool:
        """Whether ``scene_pos`` is on the legend (the data editor leaves clicks there alone)."""
        return self._key.contains(scene_pos)

    def view_range(self) -> tuple[tuple[float, float], tuple[float, float]]:
        (x0, x1), (y0, y1) = self._vb.viewRange()
        return (float(x0), float(x1)), (float(y0), float(y1))

    def export(self, path: str) -> None:
        """Write the plot (its legend included) as PNG or SVG, chosen by ``path``'s extension."""
        export_plot_item(self._pw.getPlotItem(), path, self._colors()["background"])

    def boundary_rgb(self) -> np.ndarray | None:
        """The regions image, ``(ny, nx, 3)`` uint8 with row 0 at the bottom, or ``None``."""
        return self._regions.rgb

    # ---- drawing -------------------------------------------------------------------------

    def _colors(self) -> dict[str, str]:
        return palette.theme(self._theme)

    def _sizes(self) -> dict[str, float]:
        return _SIZES[self._presenter]

    def _label_style(self) -> dict[str, str]:
        return {"color": self._colors()["foreground"], "size": f"{self._sizes()['label']}pt"}

    def _restyle(self) -> None:
        self._apply_style()
        self._update_points()
        self._rebuild_legend()

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
            # Two tick levels, not pyqtgraph's three: fewer, readable numbers, and each pan
            # lays out a third fewer of them.
            axis.setStyle(maxTickLevel=1)
        self._set_axis_labels()
        if self._label.text:
            self._label.setText(self._label.text, **self._label_style())

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
        width, height = span + 2 * pad
        self._data_aspect = float(width / height) if height > 0 else None
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
        # While a big network trains on many points, marking the misclassified ones would cost
        # a forward pass over all of them per frame (~0.1 s for 8 layers of 64 units and 5,000
        # points): the marks then wait for training to stop, when the plot is drawn in full.
        kept = self._pred is not None and len(self._pred) == len(ds.X)
        if self.coarse and kept and len(ds.X) * macs(net) > 4 * MOVING_MACS:
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
            self._wrong_rows = None
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
            if self._wrong_rows is not None or force:
                self._wrong.setData([])
            self._wrong_rows = None
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

    def _render(self) -> None:
        """Redraw the image: the unit map if one is set, else the network's regions."""
        (x0, x1), (y0, y1) = self.view_range()
        rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        if self._unit_values is not None:
            self._regions.show_unit_map(self._unit_values, rect, self._theme, self._unit_levels)
        elif self._net32 is None:
            self._regions.clear()
        else:
            n = moving_grid_n(self._net) if self.coarse else GRID_N
            self._regions.show_regions(self._net32, rect, self._theme, self._hard, n)

    def _legend_entries(self) -> tuple[tuple[str, ...], bool, bool]:
        ds = self._ds
        if ds is None:
            return (), False, False
        n_classes = max(len(ds.class_names), int(ds.y.max()) + 1 if len(ds.y) else 0)
        # Classes go by their names, as in the editor and the lesson checks; a label beyond the
        # names gets its number, counted from 0 like the default names "0", "1", ...
        names = tuple(
            ds.class_names[k] if k < len(ds.class_names) else str(k) for k in range(n_classes)
        )
        has_test = bool((~ds.train_mask).any()) and self._show_test
        return names, has_test, self._net is not None

    def _rebuild_legend(self) -> None:
        """Fill the legend, unless it already shows exactly this (rebuilding costs ~30 ms)."""
        entries = self._legend_entries()
        key = (entries, self._theme, self._presenter, self._ds is None)
        if key == self._legend_key:
            return
        self._legend_key = key
        legend = self._key.legend
        legend.clear()
        if self._ds is None:
            self._key.relayout()
            return
        names, has_test, has_net = entries
        c, s = self._colors(), self._sizes()
        legend.opts["labelTextColor"] = c["foreground"]
        legend.opts["labelTextSize"] = f"{s['font']}pt"
        size = s["point"]
        muted = pg.mkBrush(c["muted"])

        def swatch(**opts: object) -> pg.ScatterPlotItem:
            return pg.ScatterPlotItem(symbol=opts.pop("symbol", "o"), size=size, **opts)

        for k, name in enumerate(names):
            brush = pg.mkBrush(palette.class_color(k))
            legend.addItem(swatch(brush=brush, pen=pg.mkPen(None)), name)
        if has_test:
            legend.addItem(swatch(brush=muted, pen=pg.mkPen(None)), "training")
            legend.addItem(
                swatch(brush=pg.mkBrush(None), pen=pg.mkPen(c["muted"], width=2)), "test"
            )
        if has_net:
            cross = swatch(
                symbol="x", brush=pg.mkBrush(c["foreground"]), pen=pg.mkPen(c["background"])
            )
            legend.addItem(cross, "misclassified")
        self._key.relayout()
        self._choose_side(force=True)

    def _choose_side(self, force: bool = False) -> None:
        """Put the key where it costs the data the least room (only when the size changed)."""
        plot = self._pw.getPlotItem()
        room = (plot.width(), plot.height())
        if not force and room == self._room:
            return
        self._room = room
        self._key.set_side(self._key.best_side(self._data_aspect))

    # ---- events --------------------------------------------------------------------------

    def _schedule(self, *_: object) -> None:
        # Restarting the single-shot timer means a zoom drag evaluates once, when it settles.
        self._timer.start()

    def _on_view_settled(self) -> None:
        self._choose_side()
        if self._unit_values is None:
            self._render()
        xlim, ylim = self.view_range()
        self.viewChanged.emit(xlim, ylim)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._schedule()

    def _on_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        pos = ev.scenePos()
        if not self._vb.sceneBoundingRect().contains(pos) or self._key.contains(pos):
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
