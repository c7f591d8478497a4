"""Cost and accuracy per epoch, for the training set (solid) and the test set (dashed).

Training may run for millions of epochs and publish thousands of rows per snapshot, so the rows
live in numpy buffers that grow by doubling, and each curve is one ``PlotDataItem`` with peak
downsampling and clip-to-view: a redraw costs about as much as the plot has pixels.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QCheckBox, QTabWidget, QVBoxLayout, QWidget

from ...core.training import History
from .. import palette
from .data_plot import export_plot_item

COLUMNS = ("epoch", "train_cost", "test_cost", "train_accuracy", "test_accuracy")
TEST_HEX = palette.CLASS_HEX[1]  # orange beside the accent blue: apart in hue and lightness

# Thin solid pens and major grid lines only: dashes, wide pens and minor grid levels made one
# repaint of a long curve cost 25–35 ms, time the training thread then waited for.
_SIZES = {False: {"font": 9, "label": 10, "pen": 1.0}, True: {"font": 15, "label": 16, "pen": 3.0}}


class _Panel:
    """One tab: a plot with a training curve, a test curve and a hover readout."""

    def __init__(self, y_label: str, legend_offset: tuple[int, int]) -> None:
        self.widget = pg.PlotWidget()
        self.plot = self.widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        # Epochs start at 0; a fresh run with one row would otherwise centre a range on it.
        self.plot.setLimits(xMin=0, minXRange=10)
        self.y_label = y_label
        self.train = pg.PlotDataItem(name="training", connect="finite")
        self.test = pg.PlotDataItem(name="test", connect="finite")
        # The plot item applies its own downsampling and clipping to the curves it holds.
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        for curve in (self.train, self.test):
            self.plot.addItem(curve)
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        self.legend = self.plot.addLegend(offset=legend_offset)
        self.legend.addItem(self.train, "training")
        self.legend.addItem(self.test, "test")
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        self.cursor.hide()
        self.plot.addItem(self.cursor, ignoreBounds=True)
        # Parented to the view box so the readout stays in the top-left corner in pixels.
        self.readout = pg.TextItem(anchor=(0, 0))
        self.readout.setParentItem(self.plot.getViewBox())
        self.readout.setPos(8, 4)
        self.readout.hide()


class CostPlot(QWidget):
    """Tabs "Cost" and "Accuracy" of a run's history, with an optional target cost."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._n = 0
        self._has_test = False  # any finite test cost among the rows
        self._stale: set[int] = set()  # tabs whose curves have not been given the latest rows
        self._buf = {name: np.empty(0, dtype=np.float64) for name in COLUMNS}
        self._target: float | None = None
        self._log = False
        self._theme = "light"
        self._presenter = False

        # Cost ends low and accuracy high: each legend takes the right-hand corner its curve leaves.
        self._cost = _Panel("cost", legend_offset=(-10, 10))
        self._acc = _Panel("accuracy (%)", legend_offset=(-10, -10))
        self._acc.plot.setYRange(0, 100, padding=0.02)
        self._acc.plot.enableAutoRange(axis="y", enable=False)
        self._acc.plot.setMouseEnabled(x=True, y=False)
        self._panels = (self._cost, self._acc)

        self._target_line = pg.InfiniteLine(angle=0, movable=False)
        self._target_line.hide()
        self._cost.plot.addItem(self._target_line, ignoreBounds=True)

        self._tabs = QTabWidget()
        self._tabs.setDocumentMode(True)
        self._tabs.addTab(self._cost.widget, "Cost")
        self._tabs.addTab(self._acc.widget, "Accuracy")
        self._log_box = QCheckBox("log scale")
        self._log_box.setToolTip("Show the cost on a logarithmic scale")
        self._log_box.toggled.connect(self.set_log)
        self._tabs.setCornerWidget(self._log_box, Qt.Corner.TopRightCorner)
        self._tabs.currentChanged.connect(self._on_tab)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._tabs)

        for panel in self._panels:
            panel.widget.scene().sigMouseMoved.connect(partial(self._on_hover, panel))
        self._apply_style()

    # ---- data ----------------------------------------------------------------------------

    def set_history(self, h: History) -> None:
        """Show exactly the rows of ``h``, dropping whatever was shown."""
        self._n = 0
        self._has_test = False
        self._add(h)

    def append(self, rows: History) -> None:
        """Add the rows that arrived since the last call (any number of them)."""
        self._add(rows)

    def clear(self) -> None:
        self._n = 0
        self._has_test = False
        self._refresh()

    def data(self) -> dict[str, np.ndarray]:
        """Copies of the shown columns, as in :class:`History` (accuracy as a fraction)."""
        out = {name: self._buf[name][: self._n].copy() for name in COLUMNS}
        out["epoch"] = out["epoch"].astype(np.int64)
        return out

    def _add(self, rows: History) -> None:
        m = len(rows)
        if m:
            self._reserve(self._n + m)
            for name in COLUMNS:
                self._buf[name][self._n : self._n + m] = getattr(rows, name)
            if not self._has_test:
                self._has_test = bool(
                    np.isfinite(self._buf["test_cost"][self._n : self._n + m]).any()
                )
            self._n += m
        self._refresh()

    def _reserve(self, size: int) -> None:
        cap = len(self._buf["epoch"])
        if size <= cap:
            return
        # Doubling keeps the copying amortised O(1) per row, however the rows arrive.
        new_cap = max(size, 2 * cap, 1024)
        for name in COLUMNS:
            grown = np.empty(new_cap, dtype=np.float64)
            grown[: self._n] = self._buf[name][: self._n]
            self._buf[name] = grown

    def _refresh(self) -> None:
        # Handing a curve a million rows costs milliseconds: only the visible tab gets them
        # now, the hidden one when it is shown.
        self._stale = {0, 1}
        self._refresh_panel(self._tabs.currentIndex())
        has_test = self._has_test
        for panel in self._panels:
            # Without a test set there is no test curve, so its legend entry would mislead.
            panel.test.setVisible(has_test)
            names = [label.text for _, label in panel.legend.items]
            if has_test and "test" not in names:
                panel.legend.addItem(panel.test, "test")
            elif not has_test and "test" in names:
                panel.legend.removeItem(panel.test)

    def _refresh_panel(self, index: int) -> None:
        if index not in self._stale:
            return
        self._stale.discard(index)
        n, b = self._n, self._buf
        x = b["epoch"][:n]
        if index == 0:
            self._cost.train.setData(x, b["train_cost"][:n])
            self._cost.test.setData(x, b["test_cost"][:n])
        else:
            self._acc.train.setData(x, b["train_accuracy"][:n] * 100.0)
            self._acc.test.setData(x, b["test_accuracy"][:n] * 100.0)

    # ---- settings ------------------------------------------------------------------------

    def set_target(self, cost: float | None) -> None:
        """Draw the target cost as a dashed horizontal line (``None`` hides it)."""
        if cost is not None and not math.isfinite(cost):
            cost = None
        self._target = cost
        self._place_target()

    def set_log(self, on: bool) -> None:
        """Log-scale y for the cost; zeros and NaN are simply not drawn."""
        self._log = bool(on)
        if self._log_box.isChecked() != self._log:
            self._log_box.setChecked(self._log)  # re-enters once, then returns above
            return
        # pyqtgraph maps log10 of zeros to NaN, which connect="finite" leaves undrawn.
        self._cost.plot.setLogMode(x=False, y=self._log)
        self._place_target()
        self._cost.plot.enableAutoRange(axis="y")

    def set_theme(self, name: str) -> None:
        self._theme = name if name in palette.THEMES else "light"
        self._apply_style()

    def set_presenter(self, on: bool) -> None:
        """Bigger fonts and thicker lines, for a projector."""
        self._presenter = bool(on)
        self._apply_style()

    def export(self, path: str) -> None:
        """Write the visible tab as PNG or SVG, chosen by the extension of ``path``."""
        panel = self._panels[self._tabs.currentIndex()]
        # The hover marks belong to the mouse, not to the figure.
        panel.cursor.hide()
        panel.readout.hide()
        export_plot_item(panel.plot, path, palette.theme(self._theme)["background"])

    # ---- drawing -------------------------------------------------------------------------

    def _place_target(self) -> None:
        t = self._target
        if t is None or (self._log and t <= 0):
            self._target_line.hide()
            return
        # An InfiniteLine does not follow the plot's log mode: give it log10 coordinates.
        self._target_line.setPos(math.log10(t) if self._log else t)
        self._target_line.show()

    def _apply_style(self) -> None:
        c = palette.theme(self._theme)
        s = _SIZES[self._presenter]
        font = QFont()
        font.setPointSize(int(s["font"]))
        train_pen = pg.mkPen(c["accent"], width=s["pen"])
        test_pen = pg.mkPen(TEST_HEX, width=s["pen"])
        for panel in self._panels:
            panel.widget.setBackground(c["background"])
            for name in ("left", "bottom"):
                axis = panel.plot.getAxis(name)
                axis.setPen(pg.mkPen(c["muted"]))
                axis.setTextPen(pg.mkPen(c["foreground"]))
                axis.setTickFont(font)
                axis.setStyle(maxTickLevel=0)
            style = {"color": c["foreground"], "font-size": f"{s['label']}pt"}
            panel.plot.setLabel("bottom", "epoch", **style)
            panel.plot.setLabel("left", panel.y_label, **style)
            panel.train.setPen(train_pen)
            panel.test.setPen(test_pen)
            bg = QColor(c["background"])
            bg.setAlpha(215)
            panel.legend.setBrush(pg.mkBrush(bg))
            panel.legend.setPen(pg.mkPen(c["grid"]))
            panel.legend.setLabelTextColor(c["foreground"])
            panel.legend.setLabelTextSize(f"{s['font']}pt")
            for _, label in panel.legend.items:
                label.setText(label.text)  # pyqtgraph stores new label styles; this applies them
            panel.cursor.setPen(pg.mkPen(c["muted"], width=1, style=Qt.PenStyle.DotLine))
            panel.readout.fill = pg.mkBrush(bg)
            panel.readout.setColor(c["foreground"])
            readout_font = QFont()
            readout_font.setPointSize(int(s["font"]))
            panel.readout.setFont(readout_font)
        self._target_line.setPen(
            pg.mkPen(c["muted"], width=max(1.0, s["pen"] - 0.5), style=Qt.PenStyle.DashLine)
        )

    # ---- events --------------------------------------------------------------------------

    def _on_tab(self, index: int) -> None:
        # The log scale applies to the cost only; accuracy is always 0–100 %.
        self._log_box.setEnabled(index == 0)
        self._refresh_panel(index)

    def _on_hover(self, panel: _Panel, scene_pos: QPointF) -> None:
        vb = panel.plot.getViewBox()
        n = self._n
        if not n or not vb.sceneBoundingRect().contains(scene_pos):
            panel.cursor.hide()
            panel.readout.hide()
            return
        x = vb.mapSceneToView(scene_pos).x()
        i = self._nearest(x)
        epoch = self._buf["epoch"][i]
        panel.cursor.setPos(epoch)
        panel.cursor.show()
        panel.readout.setText(self._readout_text(i, accuracy=panel is self._acc))
        panel.readout.show()

    def _nearest(self, x: float) -> int:
        """The row whose epoch is nearest to ``x`` (epochs are stored in increasing order)."""
        epochs = self._buf["epoch"][: self._n]
        i = int(np.searchsorted(epochs, x))
        if i >= self._n:
            return self._n - 1
        if i > 0 and x - epochs[i - 1] < epochs[i] - x:
            return i - 1
        return i

    def _readout_text(self, i: int, accuracy: bool = False) -> str:
        """The hover text for row ``i``: ``epoch N: train cost …, test cost …``."""
        b = self._buf
        parts = [f"epoch {int(b['epoch'][i])}:"]
        if accuracy:
            parts.append(f"train accuracy {b['train_accuracy'][i] * 100:.1f} %")
            test = b["test_accuracy"][i]
            if not math.isnan(test):
                parts[-1] += ","
                parts.append(f"test accuracy {test * 100:.1f} %")
        else:
            parts.append(f"train cost {b['train_cost'][i]:.4g}")
            test = b["test_cost"][i]
            if not math.isnan(test):
                parts[-1] += ","
                parts.append(f"test cost {test:.4g}")
        return " ".join(parts)
