"""The picture under the data plot's points: the decision regions, or one unit's map.

Both are one row-major ``ImageItem`` placed on the visible range: the regions as uint8 RGB with
explicit levels, a unit's map as float32 with a diverging lookup table. The numbers come from
``core.boundary``; this module only turns them into colours.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from ....core import boundary
from ... import palette

if TYPE_CHECKING:
    from ....core.network import Network

GRID_N = 150  # cells along the longer side of the view: finer than this is invisible
# While training: the picture changes several times a second, and the grid forward pass is the
# frame's dearest part (2.25x fewer cells); the full grid is drawn when training stops.
GRID_N_MOVING = 100
# ... and fewer still for a big network, so that one frame's forward pass stays near this many
# multiply-adds (a few ms): 8 layers of 64 units cost ~100x a 2-16-16-1 per grid point.
MOVING_MACS = 4e6
GRID_N_MOVING_MIN = 24


def macs(net: Network) -> int:
    """Multiply-adds of one point's forward pass (the weights' count)."""
    return sum(a * b for a, b in itertools.pairwise(net.sizes))


def moving_grid_n(net: Network) -> int:
    """Cells along the longer side while training: :data:`GRID_N_MOVING` for small networks,
    down to :data:`GRID_N_MOVING_MIN` for the largest the panels allow."""
    n = int((MOVING_MACS / max(1, macs(net))) ** 0.5)
    return max(GRID_N_MOVING_MIN, min(GRID_N_MOVING, n))


UNIT_N = 120  # a unit map is evaluated for every unit at once, so it is a little coarser
REGION_STRENGTH = 0.5  # how far region tints go from the background toward the class colour
UNIT_STRENGTH = 0.7  # the same for a unit's map: points must stay visible on its extremes


def grid_shape(w: float, h: float, n: int = GRID_N) -> tuple[int, int]:
    """``(nx, ny)`` cells for a ``w × h`` view: ``n`` along the longer side, square cells."""
    longest = max(w, h)
    # Square cells in data units; with the aspect locked, square on screen too.
    return max(2, round(n * w / longest)), max(2, round(n * h / longest))


def blend(p: np.ndarray, theme: str, hard: bool = False) -> np.ndarray:
    """Class confidences ``(ny, nx, K)`` → uint8 RGB: tints fading to the background.

    ``hard`` paints every cell in its predicted class's tint, however unsure the network is.
    """
    ny, nx, K = p.shape
    q = p.reshape(-1, K).astype(np.float32, copy=False)
    if not np.isfinite(q).all():  # a whole-array test first: rows are checked only if needed
        q = np.where(np.isfinite(q).all(axis=1)[:, None], q, np.float32(1.0 / K))
    tints = palette.region_rgb(K, theme, REGION_STRENGTH)
    if hard:
        rgb = tints[q.argmax(axis=1)]
    else:
        bg = np.asarray(QColor(palette.theme(theme)["background"]).getRgbF()[:3], np.float32)
        # Column by column: numpy's max along a short last axis is ~10x slower than this.
        top = q[:, 0].copy()
        for k in range(1, K):
            np.maximum(top, q[:, k], out=top)
        # Confidence 0 when every class is equally likely, 1 when one class is certain.
        conf = (top - np.float32(1.0 / K)) * np.float32(K / (K - 1.0))
        np.clip(conf, 0.0, 1.0, out=conf)
        rgb = q @ tints
        rgb -= bg
        rgb *= conf[:, None]
        rgb += bg
    np.clip(rgb, 0.0, 1.0, out=rgb)
    rgb *= 255.0
    return np.rint(rgb, out=rgb).astype(np.uint8).reshape(ny, nx, 3)


def unit_levels(v: np.ndarray, levels: tuple[float, float] | None) -> tuple[float, float]:
    """Levels to centre a unit map's diverging colours on.

    Given ``levels`` win; values within [0, 1] centre on 0.5 (a sigmoid's z = 0), others on 0.
    """
    if levels is not None:
        return levels
    finite = v[np.isfinite(v)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    if lo >= 0.0 and hi <= 1.0:
        return (0.0, 1.0)
    m = max(abs(lo), abs(hi), 1e-12)
    return (-m, m)


class RegionImage:
    """The one ``ImageItem`` behind the points, showing regions or a unit's map."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.item = pg.ImageItem(axisOrder="row-major")
        self.item.setZValue(-10)
        plot.addItem(self.item, ignoreBounds=True)
        self.rgb: np.ndarray | None = None  # the regions last drawn, row 0 at the bottom

    def clear(self) -> None:
        self.rgb = None
        self.item.clear()

    def show_regions(
        self, net: Network, rect: QRectF, theme: str, hard: bool, n: int = GRID_N
    ) -> None:
        """Evaluate ``net`` on a grid of cell centres over ``rect`` (``n`` cells along its
        longer side) and paint its regions."""
        x0, y0, w, h = rect.x(), rect.y(), rect.width(), rect.height()
        nx, ny = grid_shape(w, h, n)
        dx, dy = w / nx, h / ny
        # Grid points are cell centres, so the image's cells tile the view exactly.
        with np.errstate(all="ignore"):
            out = boundary.outputs(
                net, (x0 + dx / 2, x0 + w - dx / 2), (y0 + dy / 2, y0 + h - dy / 2), nx, ny
            )
            p = boundary.probabilities(net, out)
        self.rgb = blend(p, theme, hard)
        self.item.setLookupTable(None, update=False)
        self.item.setImage(self.rgb, levels=(0, 255), autoLevels=False)
        self.item.setRect(rect)

    def show_unit_map(
        self, values: np.ndarray, rect: QRectF, theme: str, levels: tuple[float, float] | None
    ) -> None:
        """Paint a unit's map ``values`` ``(ny, nx)`` (row 0 at the bottom) over ``rect``."""
        self.rgb = None
        lut = palette.diverging_lut(theme, strength=UNIT_STRENGTH)
        self.item.setLookupTable(lut, update=False)
        self.item.setImage(values, levels=unit_levels(values, levels), autoLevels=False)
        self.item.setRect(rect)
