"""The units' maps: each unit's activation over the input plane, drawn as a small round image.

:func:`disc_images` turns a layer's maps into images in one vectorised pass; :class:`MapsMixin`
is the part of the network view that asks the engine for the maps (one float32 forward pass
over the plane, at most every ``set_map_interval`` seconds) and hands the images to the units.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QColor, QImage

from ....core import diagnostics as dg
from ... import palette

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer

    from ....core.network import Network
    from .items import UnitItem
    from .style import Style

MAP_STRENGTH = 0.85  # hidden maps use the data plot's diverging colours, a little stronger
MAP_GRID = 20  # the unit maps are MAP_GRID × MAP_GRID samples of the plane
# Activations whose values have a fixed range: the maps and a-bars span exactly that.
BOUNDED = {"sigmoid": (0.0, 1.0), "step": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def ramp_lut(c0: QColor, c1: QColor, n: int = 256) -> np.ndarray:
    """A lookup table ``(n, 3)`` uint8 from ``c0`` to ``c1``."""
    a = np.array(c0.getRgb()[:3], dtype=np.float64)
    b = np.array(c1.getRgb()[:3], dtype=np.float64)
    t = np.linspace(0.0, 1.0, n)[:, None]
    return np.round(a + t * (b - a)).astype(np.uint8)


def disc_images(values: np.ndarray, lo, hi, lut: np.ndarray, d: int) -> list[QImage]:
    """Heatmaps ``(n_units, n, n)`` (row 0 at the bottom of the plane) → round ``d × d`` images.

    Values are resampled bilinearly to ``d × d`` and coloured through ``lut`` between the
    explicit levels ``lo``/``hi`` (one per unit or shared; never auto-levels); outside the circle
    the image is transparent, with an anti-aliased rim. One vectorised pass for a whole layer,
    so a repaint only blits the images.
    """
    u, n = values.shape[0], values.shape[-1]
    c = np.clip((np.arange(d) + 0.5) / d * n - 0.5, 0.0, n - 1.0)
    i0 = np.floor(c).astype(np.intp)
    i1 = np.minimum(i0 + 1, n - 1)
    f = (c - i0)[None, :, None]
    v = values[:, ::-1, :]  # image rows run top-down, the plane bottom-up
    with np.errstate(invalid="ignore", over="ignore"):  # a diverged unit may hold inf
        rows = v[:, i0, :] * (1.0 - f) + v[:, i1, :] * f
        fx = f[:, :, 0][:, None, :]
        v = rows[:, :, i0] * (1.0 - fx) + rows[:, :, i1] * fx
    lo = np.asarray(lo, dtype=np.float64).reshape(-1, 1, 1)
    hi = np.asarray(hi, dtype=np.float64).reshape(-1, 1, 1)
    span = np.where(hi > lo, hi - lo, 1.0)
    with np.errstate(invalid="ignore"):
        t = np.nan_to_num((v - lo) / span, nan=0.5, posinf=1.0, neginf=0.0)
    idx = np.rint(np.clip(t, 0.0, 1.0) * (len(lut) - 1)).astype(np.intp)
    yy, xx = np.mgrid[0:d, 0:d] + 0.5
    alpha = np.clip(d / 2 - np.hypot(xx - d / 2, yy - d / 2) + 0.5, 0.0, 1.0)
    rgba = np.empty((u, d, d, 4), dtype=np.uint8)
    rgba[..., :3] = np.rint(lut[idx] * alpha[None, :, :, None])  # premultiplied by alpha
    rgba[..., 3] = np.rint(alpha * 255)[None]
    fmt = QImage.Format.Format_RGBA8888_Premultiplied
    # copy(): a QImage must not point into the numpy buffer
    return [QImage(img.data, d, d, 4 * d, fmt).copy() for img in rgba]


class MapsMixin:
    """The unit maps of :class:`~.view.NetworkView` (its state lives on the view)."""

    _net: Network | None
    _style: Style
    _units: list[list[UnitItem]]
    _plane: dg.Plane | None
    _map_range: list[tuple[np.ndarray, np.ndarray]] | None
    _maps_timer: QTimer

    def set_map_interval(self, seconds: float) -> None:
        """Recompute the unit maps at most every ``seconds`` (the owner slows them in training)."""
        self._map_interval = max(0.0, float(seconds))

    def _schedule_maps(self) -> None:
        self._maps_dirty = True
        if not self._maps_timer.isActive():
            wait = self._map_interval - (time.perf_counter() - self._maps_done)
            self._maps_timer.setInterval(max(0, int(wait * 1000)))
            self._maps_timer.start()

    def _refresh_maps(self) -> None:
        """One float32 forward pass over the plane for every unit's map and its saturation."""
        self._maps_dirty = False
        self._maps_done = time.perf_counter()
        net = self._net
        if net is None:
            return
        if net.n_inputs == 2:
            self._plane = dg.plane(net, self._xlim, self._ylim, MAP_GRID)
            # Finite values only: a diverged unit's map is all NaN (numpy's nanmin would warn).
            self._map_range = dg.map_ranges(self._plane.maps)
            self._saturation = self._plane.saturation
            self._saturation_over = "the plane"
        else:
            self._plane = None
            self._map_range = None
            insp = self._insp
            if insp is not None and insp.is_batch:
                with np.errstate(all="ignore"):
                    self._saturation = dg.saturation(net, dg.g_prime(net, insp.forward))
                self._saturation_over = "the selected points"
            else:
                self._saturation = None
        self._render_maps()
        self._update_units()

    def map_levels(self, layer: int, j: int) -> tuple[float, float]:
        """The levels of unit ``(layer, j)``'s map: the activation's range (sigmoid ``(0, 1)``,
        tanh ``(-1, 1)``), else ``±max|a|`` over the plane, so 0 (or 0.5) sits at the neutral
        middle of the diverging colours, as in the data plot's unit map."""
        lo, hi = self._layer_levels(layer)
        return float(lo[j]), float(hi[j])

    def _input_levels(self) -> tuple[np.ndarray, np.ndarray]:
        """±max|value| of each derived input over the plane: 0 at the neutral middle colour."""
        inputs = self._plane.inputs
        flat = np.abs(inputs.reshape(len(inputs), -1))
        with np.errstate(invalid="ignore"):
            m = np.where(np.isfinite(flat), flat, 0.0).max(axis=1)
        m = np.where(m > 1e-12, m, 1.0)
        return -m, m

    def _layer_levels(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        n = self._net.sizes[layer + 1]
        name = self._net.activations[layer]
        if name in BOUNDED:
            lo, hi = BOUNDED[name]
            return np.full(n, lo), np.full(n, hi)
        if self._map_range is None:
            return np.full(n, -1.0), np.full(n, 1.0)
        mins, maxs = self._map_range[layer]
        m = np.maximum(np.abs(mins), np.abs(maxs))
        m = np.where(m > 1e-12, m, 1.0)
        return -m, m

    def _render_maps(self) -> None:
        plane, c = self._plane, self._style.colors
        hidden_lut = palette.diverging_lut(self._style.theme, strength=MAP_STRENGTH)
        last = len(self._units) - 1
        inputs = None if plane is None else plane.inputs
        if self._units:
            # Derived input features show their maps (x₁ and x₂ are the plane's own axes).
            col = self._units[0]
            if inputs is None:
                for u in col:
                    u.set_image(None)
            else:
                lo, hi = self._input_levels()
                d = max(2, math.ceil(2 * col[0].r))
                for u, img in zip(col, disc_images(inputs, lo, hi, hidden_lut, d), strict=True):
                    u.set_image(img)
        for col_i, col in enumerate(self._units[1:], start=1):
            if plane is None:
                for u in col:
                    u.set_image(None)
                continue
            maps = plane.maps[col_i - 1]
            d = max(2, math.ceil(2 * col[0].r))
            if col_i < last:
                lo, hi = self._layer_levels(col_i - 1)
                for u, img in zip(col, disc_images(maps, lo, hi, hidden_lut, d), strict=True):
                    u.set_image(img)
                continue
            for j, u in enumerate(col):
                lo, hi = self._unit_range(col_i, j)
                if len(col) == 1:
                    # Class 0 below the threshold, class 1 above, the background at it.
                    thr = self._net.threshold()
                    m = max(thr - lo, hi - thr)
                    lo, hi = thr - m, thr + m
                    bg = c["map_lo"]
                    lut = np.concatenate(
                        [
                            ramp_lut(palette.class_color(0), bg, 128),
                            ramp_lut(bg, palette.class_color(1), 128),
                        ]
                    )
                else:
                    lut = ramp_lut(c["map_lo"], palette.class_color(j))
                u.set_image(disc_images(maps[j : j + 1], lo, hi, lut, d)[0])
