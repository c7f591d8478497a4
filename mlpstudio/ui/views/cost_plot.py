"""Cost and accuracy per epoch, for the training set (solid) and the test set.

Training may run for millions of epochs and publish thousands of rows per snapshot, so the rows
live in numpy buffers that grow by doubling. The curves are not handed every row: the whole run
is drawn from the min and max of each bucket of rows (``plot/decimate.py``, built as rows
arrive), a zoomed view from the rows it shows, so a redraw costs the same at 1,000 rows and at
200,000. Each curve is one ``PlotDataItem`` with peak downsampling and clip-to-view on top.

What a student reads here: a caption above the data saying what is plotted (the mean of E_x over
the points, without the L2 term, which is what ``core.training`` reports), plain tick numbers
(no "x0.001" prefixes), a range that stays sane after a divergence (``plot/cost_scale.py``), the
legend beside the data, and the epoch and costs under the mouse at the top right.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QCheckBox, QTabWidget, QVBoxLayout, QWidget

from ...core.training import History
from .. import palette
from .plot.cost_parts import Bounds, CostAxis, Dot, EpochAxis, FollowingViewBox
from .plot.cost_scale import CostScale
from .plot.decimate import Envelope, window
from .plot.export import export_plot_item
from .plot.header import PlotHeader
from .plot.key import PlotKey, StillSample

COLUMNS = ("epoch", "train_cost", "test_cost", "train_accuracy", "test_accuracy")
TEST_HEX = palette.CLASS_HEX[1]  # orange beside the accent blue: apart in hue and lightness
# The trainer reports the data cost alone; the L2 penalty only enters the gradient.
COST_CAPTION = "cost: mean Eₓ over the points (without the L2 term)"
ACCURACY_CAPTION = "accuracy (%): points whose largest output is their class"

# Thin solid pens and major grid lines only: dashes, wide pens and minor grid levels made one
# repaint of a long curve cost 25–35 ms, time the training thread then waited for.
_SIZES = {False: {"font": 9, "label": 10, "pen": 1.0}, True: {"font": 15, "label": 16, "pen": 3.0}}
# Below this height (px) a plot drops its "epoch" axis title: in a ~110 px dock that line is a
# fifth of the room, and the tick numbers and the hover readout ("epoch 42: …") say it anyway.
X_TITLE_MIN_HEIGHT = 145


class _Panel:
    """One tab: a caption and readout row above a plot of a training and a test curve."""

    def __init__(self, caption: str, bounds: Bounds) -> None:
        self.widget = pg.GraphicsLayoutWidget()
        self.widget.ci.layout.setContentsMargins(2, 2, 8, 2)
        self.widget.ci.layout.setVerticalSpacing(0)
        self.header = PlotHeader(caption, n_right=2)
        self.caption = self.header.caption
        self.off_chart, self.readout = self.header.right
        self.widget.addItem(self.header, row=0, col=0)
        self.plot = pg.PlotItem(
            viewBox=FollowingViewBox(bounds),
            axisItems={"bottom": EpochAxis("bottom"), "left": CostAxis("left")},
            enableMenu=False,
        )
        self.widget.addItem(self.plot, row=1, col=0)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        for name in ("left", "bottom", "top", "right"):
            # "cost (x0.001)" was cut to "cost (x0.00…" in a short plot: plain numbers instead.
            self.plot.getAxis(name).enableAutoSIPrefix(False)
        # Epochs start at 0; a fresh run with one row would otherwise centre a range on it.
        self.plot.setLimits(xMin=0, minXRange=10)
        self.train = pg.PlotDataItem(name="training", connect="finite")
        self.test = pg.PlotDataItem(name="test", connect="finite")
        # The plot item applies its own downsampling and clipping to the curves it holds.
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        for curve in (self.train, self.test):
            self.plot.addItem(curve)
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        self.key = PlotKey(self.plot, one_row=True, sampleType=StillSample)
        self.legend = self.key.legend
        self.legend.addItem(self.train, "training")
        self.legend.addItem(self.test, "test")
        self.key.relayout()
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        self.cursor.hide()
        self.plot.addItem(self.cursor, ignoreBounds=True)
        # Dots on the curves at the hovered epoch. Plain ellipses moved with setPos: a scatter's
        # setData on every mouse move cost ~2 ms.
        self.marks = [Dot(), Dot()]
        for dot in self.marks:
            self.plot.addItem(dot, ignoreBounds=True)
        # What the curves were last given: the envelope of the whole run, or the rows of one
        # zoomed x window (kept, so a pan hands over new rows only when the window moved).
        self.envelope = Envelope(2)
        self.drawn_window: tuple[float, float] | None = None

    def hide_hover(self) -> None:
        self.cursor.hide()
        for dot in self.marks:
            dot.hide()
        if self.readout.full:
            self.header.set_text(self.readout, "")


class CostPlot(QWidget):
    """Tabs "Cost" and "Accuracy" of a run's history, with an optional target cost."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._n = 0
        self._has_test = False  # any finite test cost among the rows
        self._stale: set[int] = set()  # tabs whose curves have not been given the latest rows
        self._buf = {name: np.empty(0, dtype=np.float64) for name in COLUMNS}
        # The costs as drawn: off-chart values held at the scale's ceiling.
        self._shown = {name: np.empty(0, dtype=np.float64) for name in ("train_cost", "test_cost")}
        self._scale = CostScale()
        self._target: float | None = None
        self._log = False
        self._theme = "light"
        self._presenter = False

        self._cost = _Panel(COST_CAPTION, self._cost_bounds)
        self._acc = _Panel(ACCURACY_CAPTION, self._accuracy_bounds)
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

        for index, panel in enumerate(self._panels):
            panel.widget.scene().sigMouseMoved.connect(partial(self._on_hover, panel))
            panel.widget.installEventFilter(self)
            panel.plot.getViewBox().sigXRangeChanged.connect(partial(self._on_x_range, index))
        self._apply_style()

    # ---- data ----------------------------------------------------------------------------

    def set_history(self, h: History) -> None:
        """Show exactly the rows of ``h``, dropping whatever was shown, in a fresh range."""
        self._forget()
        self._add(h)

    def append(self, rows: History) -> None:
        """Add the rows that arrived since the last call (any number of them)."""
        self._add(rows)

    def clear(self) -> None:
        self._forget()
        self._refresh()

    def data(self) -> dict[str, np.ndarray]:
        """Copies of the shown columns, as in :class:`History` (accuracy as a fraction)."""
        out = {name: self._buf[name][: self._n].copy() for name in COLUMNS}
        out["epoch"] = out["epoch"].astype(np.int64)
        return out

    def _forget(self) -> None:
        self._n = 0
        self._has_test = False
        self._scale.reset()
        for panel in self._panels:
            panel.envelope.reset()
            panel.hide_hover()
            # A new run starts at epoch 0 whatever the old one was zoomed to.
            panel.plot.enableAutoRange()

    def _add(self, rows: History) -> None:
        m = len(rows)
        if m:
            n = self._n
            self._reserve(n + m)
            for name in COLUMNS:
                self._buf[name][n : n + m] = getattr(rows, name)
            new = slice(n, n + m)
            if not self._has_test:
                self._has_test = bool(np.isfinite(self._buf["test_cost"][new]).any())
            moved = self._scale.add(self._buf["train_cost"][new], self._buf["test_cost"][new])
            self._n += m
            self._clip(slice(0, self._n) if moved else new)  # a new ceiling re-clips every row
        self._refresh()

    def _clip(self, rows: slice) -> None:
        for name, shown in self._shown.items():
            self._scale.clip(self._buf[name][rows], shown[rows], self._log)
        if rows.start == 0:
            self._cost.envelope.reset()  # drawn rows changed: their buckets are rebuilt

    def _reserve(self, size: int) -> None:
        cap = len(self._buf["epoch"])
        if size <= cap:
            return
        # Doubling keeps the copying amortised O(1) per row, however the rows arrive.
        new_cap = max(size, 2 * cap, 1024)
        for store in (self._buf, self._shown):
            for name in store:
                grown = np.empty(new_cap, dtype=np.float64)
                grown[: self._n] = store[name][: self._n]
                store[name] = grown

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
                panel.key.relayout()
            elif not has_test and "test" in names:
                panel.legend.removeItem(panel.test)
                panel.key.relayout()
        self._show_off_chart()

    def _refresh_panel(self, index: int) -> None:
        if index not in self._stale:
            return
        self._stale.discard(index)
        n, b, panel = self._n, self._buf, self._panels[index]
        x = b["epoch"][:n]
        if index == 0:
            ys = [self._shown["train_cost"][:n], self._shown["test_cost"][:n]]
        else:
            ys = [b["train_accuracy"][:n], b["test_accuracy"][:n]]
        # The buckets follow every row, zoomed or not, so un-zooming costs no catching up.
        panel.envelope.update(x, ys)
        panel.drawn_window = self._zoom_window(panel)
        if panel.drawn_window is None:
            px, pys = panel.envelope.points(x, ys)
        else:
            px, pys = window(x, ys, *panel.drawn_window)
        if index == 1:
            pys = [y * 100.0 for y in pys]
        panel.train.setData(px, pys[0])
        panel.test.setData(px, pys[1])
        # pyqtgraph fits the range lazily, at the next paint; the bounds cost nothing to ask,
        # so fit now and let anyone reading the range (or mapping the mouse) see the new one.
        vb = panel.plot.getViewBox()
        vb.updateAutoRange()
        # The view's transform too: set inside the paint, it marked every item dirty again and
        # each redraw was painted twice.
        vb.updateMatrix()

    def _zoom_window(self, panel: _Panel) -> tuple[float, float] | None:
        """The x range shown when it leaves out part of the run; ``None`` when the whole run
        is in view (or the view follows it)."""
        vb = panel.plot.getViewBox()
        if not self._n or vb.autoRangeEnabled()[0]:
            return None
        lo, hi = vb.viewRange()[0]
        epochs = self._buf["epoch"]
        if lo <= epochs[0] and hi >= epochs[self._n - 1]:
            return None
        return float(lo), float(hi)

    def _on_x_range(self, index: int, *_: object) -> None:
        # A zoom or a pan: the curves get the rows of the new window (or the whole run's
        # envelope again). Following the run, the range moves with every redraw: nothing to do.
        panel = self._panels[index]
        if self._zoom_window(panel) == panel.drawn_window:
            return
        self._stale.add(index)
        if self._tabs.currentIndex() == index:
            self._refresh_panel(index)

    def _x_bounds(self) -> tuple[float, float] | None:
        if not self._n:
            return None
        return 0.0, max(float(self._buf["epoch"][self._n - 1]) * 1.02, 10.0)

    def _cost_bounds(self):
        return self._x_bounds(), self._scale.y_range(self._log)

    def _accuracy_bounds(self):
        return self._x_bounds(), (0.0, 100.0)

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
        self._clip(slice(0, self._n))  # the two scales hold off-chart costs at different heights
        self._stale.add(0)
        self._cost.plot.setLogMode(x=False, y=self._log)
        if self._tabs.currentIndex() == 0:
            self._refresh_panel(0)
        self._place_target()
        self._cost.plot.enableAutoRange(axis="y")
        self._cost.plot.getViewBox().updateAutoRange()
        self._show_off_chart()

    def set_theme(self, name: str) -> None:
        """Colours of the ``light`` or ``dark`` theme."""
        name = name if name in palette.THEMES else "light"
        if name != self._theme:
            self._theme = name
            self._apply_style()

    def set_presenter(self, on: bool) -> None:
        """Bigger fonts and thicker lines, for a projector."""
        if bool(on) != self._presenter:
            self._presenter = bool(on)
            self._apply_style()

    def export(self, path: str) -> None:
        """Write the visible tab (caption and legend included) as PNG or SVG, by extension."""
        panel = self._panels[self._tabs.currentIndex()]
        # The hover marks belong to the mouse, not to the figure.
        panel.hide_hover()
        export_plot_item(panel.widget.ci, path, palette.theme(self._theme)["background"])

    # ---- drawing -------------------------------------------------------------------------

    def _place_target(self) -> None:
        t = self._target
        if t is None or (self._log and t <= 0):
            self._target_line.hide()
            return
        # An InfiniteLine does not follow the plot's log mode: give it log10 coordinates.
        self._target_line.setPos(math.log10(t) if self._log else t)
        self._target_line.show()

    def _show_off_chart(self) -> None:
        """Say how far the cost went when it left the chart (after a divergence)."""
        # On the log scale every finite cost fits; only inf is still off the chart.
        off = (math.inf if self._scale.has_inf else None) if self._log else self._scale.off
        text = ""
        if off is not None:
            value = "∞" if math.isinf(off) else f"{off:.3g}"
            text = f"↑ off the chart: cost up to {value}"
        self._cost.header.set_text(self._cost.off_chart, text)

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
            label_style = {"color": c["foreground"], "font-size": f"{s['label']}pt"}
            panel.plot.setLabel("bottom", "epoch", **label_style)
            panel.header.set_style(font, QColor(c["foreground"]))
            panel.header.set_text(panel.off_chart, panel.off_chart.full, QColor(c["warning"]))
            panel.train.setPen(train_pen)
            panel.test.setPen(test_pen)
            panel.legend.setLabelTextColor(c["foreground"])
            panel.legend.setLabelTextSize(f"{s['font']}pt")
            for _, label in panel.legend.items:
                label.setText(label.text)  # pyqtgraph stores new label styles; this applies them
            panel.key.relayout()
            panel.cursor.setPen(pg.mkPen(c["muted"], width=1, style=Qt.PenStyle.DotLine))
            for dot, color in zip(panel.marks, (c["accent"], TEST_HEX), strict=True):
                dot.restyle(6 + 2 * s["pen"], color, c["background"])
        self._fit_titles()  # setLabel showed the x titles again
        self._target_line.setPen(
            pg.mkPen(c["muted"], width=max(1.0, s["pen"] - 0.5), style=Qt.PenStyle.DashLine)
        )

    # ---- events --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Before a plot's own resize handling, which fits its layout to the new size: a title
        # hidden after that would leave the layout as tall as it was, the x axis cut off.
        if event.type() == QEvent.Type.Resize:
            for panel in self._panels:
                if panel.widget is watched:
                    self._fit_title(panel, event.size().height())
        return False

    def _fit_titles(self) -> None:
        for panel in self._panels:
            self._fit_title(panel, panel.widget.height())

    @staticmethod
    def _fit_title(panel: _Panel, height: int) -> None:
        tall = height >= X_TITLE_MIN_HEIGHT
        if panel.plot.getAxis("bottom").label.isVisible() != tall:
            panel.plot.showLabel("bottom", tall)

    def _on_tab(self, index: int) -> None:
        # The log scale applies to the cost only; accuracy is always 0–100 %.
        self._log_box.setEnabled(index == 0)
        self._refresh_panel(index)

    def _on_hover(self, panel: _Panel, scene_pos: QPointF) -> None:
        vb = panel.plot.getViewBox()
        if not self._n or not vb.sceneBoundingRect().contains(scene_pos):
            panel.hide_hover()
            return
        i = self._nearest(vb.mapSceneToView(scene_pos).x())
        epoch = self._buf["epoch"][i]
        accuracy = panel is self._acc
        if accuracy:
            ys = [self._buf["train_accuracy"][i] * 100.0, self._buf["test_accuracy"][i] * 100.0]
        else:
            ys = [self._shown["train_cost"][i], self._shown["test_cost"][i]]
        log = self._log and not accuracy
        for dot, y in zip(panel.marks, ys, strict=True):
            # The dots are placed in view coordinates, which are log10 ones on a log scale.
            y = math.log10(y) if log and y > 0 else (math.nan if log else y)
            dot.setVisible(math.isfinite(y))
            dot.setPos(float(epoch), y if math.isfinite(y) else 0.0)
        panel.cursor.setPos(epoch)
        panel.cursor.show()
        panel.header.set_text(panel.readout, self._readout_text(i, accuracy))

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
        parts = [f"epoch {int(b['epoch'][i]):,}:"]
        if accuracy:
            parts.append(f"train accuracy {b['train_accuracy'][i] * 100:.1f} %")
            test = b["test_accuracy"][i]
            if not math.isnan(test):
                parts[-1] += ","
                parts.append(f"test accuracy {test * 100:.1f} %")
        else:
            parts.append(f"train cost {_number(b['train_cost'][i])}")
            test = b["test_cost"][i]
            if not math.isnan(test):
                parts[-1] += ","
                parts.append(f"test cost {_number(test)}")
        return " ".join(parts)


def _number(v: float) -> str:
    return "∞" if math.isinf(v) else f"{v:.4g}"
