"""Where the data plot shows the editor's points: shown ↔ stored coordinates, pixels, hit tests.

The plot may show the points in other coordinates than the ones stored (standardised:
``shown = (stored - mean) / std``). The editor works in stored coordinates, so that an edit keeps
what the person meant; this is the one place that converts, and measures brushes and click
distances in screen pixels.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QMouseEvent

from ....core.editing import PointSet
from ..data_plot import CLICK_RADIUS_PX, DataPlot


class PlotGeometry:
    """Coordinates and distances on ``plot``, for points stored in a :class:`PointSet`."""

    def __init__(self, plot: DataPlot) -> None:
        self.plot = plot
        self.widget = plot.plot_widget
        self.view_box = self.widget.getPlotItem().getViewBox()
        self.mean = np.zeros(2)
        self.std = np.ones(2)

    def set_transform(self, mean: object = None, std: object = None) -> None:
        """The plot shows ``(X - mean) / std``; None for the stored points as they are."""
        self.mean = np.zeros(2) if mean is None else np.asarray(mean, dtype=np.float64)
        self.std = np.ones(2) if std is None else np.asarray(std, dtype=np.float64)

    # ---- coordinates -----------------------------------------------------------------------

    def to_stored(self, u: float, v: float) -> tuple[float, float]:
        return float(u * self.std[0] + self.mean[0]), float(v * self.std[1] + self.mean[1])

    def to_shown(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.std

    def scene_of(self, event: QMouseEvent) -> QPointF:
        """The scene position of a mouse event on the plot's viewport."""
        return self.widget.mapToScene(event.position().toPoint())

    def scene_to_shown(self, scene: QPointF) -> tuple[float, float]:
        p = self.view_box.mapSceneToView(scene)
        return float(p.x()), float(p.y())

    def scene_to_stored(self, scene: QPointF) -> tuple[float, float]:
        return self.to_stored(*self.scene_to_shown(scene))

    def on_plot_area(self, scene: QPointF) -> bool:
        """Inside the axes and not on the legend (which keeps its own clicks)."""
        inside = self.view_box.sceneBoundingRect().contains(scene)
        return inside and not self.plot.legend_contains(scene)

    # ---- pixels ----------------------------------------------------------------------------

    def shown_pixel(self) -> tuple[float, float]:
        """The size of a screen pixel in shown units, per axis."""
        sx, sy = self.view_box.viewPixelSize()
        return abs(sx), abs(sy)

    def stored_pixel(self) -> tuple[float, float]:
        """The size of a screen pixel in stored units, per axis."""
        sx, sy = self.shown_pixel()
        return sx * float(self.std[0]), sy * float(self.std[1])

    # ---- hit tests -------------------------------------------------------------------------

    def visible(self, points: PointSet) -> np.ndarray | None:
        """Which points the plot shows (a mask), or None for all: hidden points are not edited."""
        return None if self.plot.shows_test() else np.asarray(points.train_mask)

    def visible_rows(self, points: PointSet, rows: np.ndarray) -> np.ndarray:
        visible = self.visible(points)
        return rows if visible is None else rows[visible[rows]]

    def nearest(self, points: PointSet, x: float, y: float, max_px: float = CLICK_RADIUS_PX) -> int:
        """The shown point nearest to stored ``(x, y)`` within ``max_px`` pixels, or -1."""
        scale = self.stored_pixel()
        return points.nearest(x, y, max_px, scale=scale, among=self.visible(points))
