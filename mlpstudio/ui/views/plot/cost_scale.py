"""The y range of the cost plot: sane and finite, even after a divergence.

A learning rate too large drives the cost from 0.7 to 1e305 in a hundred epochs, then to inf.
Scaled to that, the whole useful curve is a flat line at 0 under ticks like 2e+278. Instead the
linear range is set by the costs within ``SANE_FACTOR`` times the run's first cost; larger ones
(and inf) are drawn at a ceiling above the top, so the curve visibly leaves the chart, and the
plot says how far it went. On the log scale every finite cost fits (the explosion is a straight
line there, which is the lesson); only inf is drawn above the top.
"""

from __future__ import annotations

import math
import sys

import numpy as np

SANE_FACTOR = 100.0  # on the linear scale, costs beyond this many times the first one are off it
LOG_CEILING = sys.float_info.max  # where inf is drawn on the log scale: log10 ≈ 308, finite
MIN_DECADES = 2.0  # the log scale shows at least this many decades (fewer crowd the ticks)
HEADROOM = 0.06  # above the highest cost (and around a log range), so the curve clears the edge


class CostScale:
    """Running bounds of the costs shown, updated row by row (never a pass over all rows)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.ref: float | None = None  # the first finite positive training cost
        self.top = -math.inf  # largest sane cost
        self.top_finite = -math.inf  # largest finite cost (the log scale's top)
        self.low = math.inf  # smallest positive cost (for the log scale)
        self.has_zero = False
        self.has_inf = False
        self.off: float | None = None  # largest cost beyond the sane limit (may be inf)

    @property
    def limit(self) -> float:
        """Costs above this are off the chart."""
        return math.inf if self.ref is None else SANE_FACTOR * self.ref

    def ceiling(self, log: bool = False) -> float:
        """Where off-chart costs are drawn: above the top of any range this scale gives."""
        if log:
            return LOG_CEILING
        return math.inf if self.ref is None else 2.0 * self.limit

    def add(self, train: np.ndarray, test: np.ndarray) -> bool:
        """Take new rows into account; ``True`` if the ceiling moved (shown rows need clipping)."""
        moved = False
        if self.ref is None:
            good = train[np.isfinite(train) & (train > 0)]
            if good.size:
                self.ref = float(good[0])
                moved = True
        for column in (train, test):
            v = column[~np.isnan(column)]
            if not v.size:
                continue
            finite = v[np.isfinite(v)]
            self.has_inf = self.has_inf or finite.size < v.size
            if finite.size:
                self.top_finite = max(self.top_finite, float(finite.max()))
                positive = finite[finite > 0]
                if positive.size:
                    self.low = min(self.low, float(positive.min()))
            sane = v[v <= self.limit]
            if sane.size:
                self.top = max(self.top, float(sane.max()))
                self.has_zero = self.has_zero or bool((sane <= 0).any())
            wild = v[v > self.limit]
            if wild.size:
                self.off = max(self.off or -math.inf, float(wild.max()))
        return moved

    def clip(self, values: np.ndarray, out: np.ndarray, log: bool = False) -> None:
        """Write ``values`` into ``out`` with every cost above the ceiling at the ceiling."""
        np.minimum(values, self.ceiling(log), out=out)

    def y_range(self, log: bool) -> tuple[float, float] | None:
        """The y range in view coordinates (log10 ones when ``log``), or ``None`` if no data."""
        if not math.isfinite(self.top):
            return None
        if log:
            if not math.isfinite(self.low):
                return None
            lo, hi = math.log10(self.low), math.log10(max(self.top_finite, self.low))
            if hi - lo < MIN_DECADES:  # centre a few decades on the data
                mid = (lo + hi) / 2
                lo, hi = mid - MIN_DECADES / 2, mid + MIN_DECADES / 2
            pad = HEADROOM * (hi - lo)
            # pyqtgraph keeps a log view under 10^308 by sliding it down, not by cutting it.
            return lo - pad, min(hi + pad, math.log10(LOG_CEILING) - 0.1)
        # Costs are never negative: from 0, so a halved cost looks halved.
        hi = self.top if self.top > 0 else 1.0
        return 0.0, hi * (1.0 + HEADROOM)
