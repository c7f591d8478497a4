"""Rectangles in scene pixels for the diagram's layout: overlap tests, one and many at a time.

Pure Python and numpy, no Qt (the layout and its tests use it without a display).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Point = tuple[float, float]


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in scene pixels (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def xywh(cls, x: float, y: float, w: float, h: float) -> Rect:
        return cls(x, y, x + w, y + h)

    @classmethod
    def around(cls, p: Point, w: float, h: float) -> Rect:
        """The ``w × h`` rectangle centred on ``p``."""
        return cls.xywh(p[0] - w / 2, p[1] - h / 2, w, h)

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def center(self) -> Point:
        return ((self.left + self.right) / 2, (self.top + self.bottom) / 2)

    def intersects(self, o: Rect) -> bool:
        """Whether the two share some area (touching edges do not count)."""
        return (
            self.left < o.right
            and o.left < self.right
            and self.top < o.bottom
            and (o.top < self.bottom)
        )

    def contains(self, o: Rect) -> bool:
        return (
            self.left <= o.left
            and o.right <= self.right
            and self.top <= o.top
            and o.bottom <= self.bottom
        )

    def contains_point(self, p: Point) -> bool:
        return self.left <= p[0] <= self.right and self.top <= p[1] <= self.bottom


def as_array(rects: list[Rect]) -> np.ndarray:
    """``(n, 4)`` rows of left, top, right, bottom."""
    return np.array([[q.left, q.top, q.right, q.bottom] for q in rects], dtype=float).reshape(-1, 4)


def touching(rects: np.ndarray, obstacles: np.ndarray) -> np.ndarray:
    """Per row of ``rects`` (``(n, 4)``), whether it shares area with any of ``obstacles``."""
    if not len(rects) or not len(obstacles):
        return np.zeros(len(rects), dtype=bool)
    r, o = rects[:, None, :], obstacles[None, :, :]
    hit = (r[..., 0] < o[..., 2]) & (o[..., 0] < r[..., 2])
    hit &= (r[..., 1] < o[..., 3]) & (o[..., 1] < r[..., 3])
    return hit.any(axis=1)


def free(rects: list[Rect], obstacles: list[Rect]) -> bool:
    """No two of ``rects`` overlap and none touches an obstacle (vectorised: used on resize)."""
    if not rects:
        return True
    r = as_array(rects)
    if len(r) > 1:
        order = np.lexsort((r[:, 0], r[:, 1]))
        a, b = r[order[:-1]], r[order[1:]]
        if np.any(
            (a[:, 0] < b[:, 2]) & (b[:, 0] < a[:, 2]) & (a[:, 1] < b[:, 3]) & (b[:, 1] < a[:, 3])
        ):
            return False
    return not touching(r, as_array(obstacles)).any()
