"""What a long curve draws: the min and max of each bucket of rows, so a redraw costs the same
whatever the length of the run.

A run keeps up to 200,000 history rows (millions of epochs), but a plot is a thousand or two
pixels wide. :class:`Envelope` keeps, for a growing series, the min and max of every complete
bucket of ``k`` rows, built as rows arrive (each row is reduced once; when the buckets pass
``2 * buckets`` neighbours merge and ``k`` doubles, so the work stays amortised O(1) a row). The
curve draws each bucket as a vertical stroke from its min to its max at its first row's x, then
the rows after the last complete bucket as they are: the visible shape (every pixel column's
lowest and highest value) is kept, the last point is always exact, and a redraw hands the plot at
most ``4 * buckets`` points plus one bucket of rows. A zoomed view draws the rows it shows
instead (:func:`window`), thinned the same way when they are many.

NaN (a run without a test set) is skipped inside a bucket and kept where a whole bucket is NaN, so
``connect="finite"`` still leaves gaps where there is nothing to draw.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BUCKETS = 2048  # complete buckets kept at least: more than any plot's pixel columns


class Envelope:
    """Min and max per bucket of rows of one x column and its y series, built incrementally."""

    def __init__(self, n_series: int, buckets: int = BUCKETS) -> None:
        self.n_series = n_series
        self.buckets = buckets
        self.reset()

    def reset(self) -> None:
        """Forget every bucket (new rows, or old rows that changed: re-clipped costs)."""
        self.k = 1  # rows per bucket
        self.done = 0  # rows reduced into complete buckets
        self.x = np.empty(0)
        self.lo = [np.empty(0) for _ in range(self.n_series)]
        self.hi = [np.empty(0) for _ in range(self.n_series)]

    def update(self, x: np.ndarray, ys: Sequence[np.ndarray]) -> None:
        """Reduce the complete buckets among the rows ``x[self.done:]`` (x and ys: every row)."""
        n = len(x)
        if n - self.done >= 2 * self.buckets * self.k:
            # A long history at once (a file, a replaced history): start at a bucket size that
            # gives the wanted count directly instead of doubling through every level.
            while n // self.k > 2 * self.buckets:
                self.k *= 2
            self.reset_keep_k()
        # The last row always stays out of the buckets: the curve ends on it, exactly.
        count = max(n - 1 - self.done, 0) // self.k
        if count:
            stop = self.done + count * self.k
            self.x = np.concatenate((self.x, x[self.done : stop : self.k]))
            for i, y in enumerate(ys):
                block = y[self.done : stop].reshape(count, self.k)
                self.lo[i] = np.concatenate((self.lo[i], np.fmin.reduce(block, axis=1)))
                self.hi[i] = np.concatenate((self.hi[i], np.fmax.reduce(block, axis=1)))
            self.done = stop
        if len(self.x) > 2 * self.buckets:
            self._merge()

    def reset_keep_k(self) -> None:
        k = self.k
        self.reset()
        self.k = k

    def _merge(self) -> None:
        """Pairs of neighbouring buckets become one; an odd last bucket goes back to the rows."""
        pairs = len(self.x) // 2
        if len(self.x) % 2:
            self.done -= self.k
        self.x = self.x[: 2 * pairs : 2].copy()
        for i in range(self.n_series):
            self.lo[i] = np.fmin(self.lo[i][: 2 * pairs : 2], self.lo[i][1 : 2 * pairs : 2])
            self.hi[i] = np.fmax(self.hi[i][: 2 * pairs : 2], self.hi[i][1 : 2 * pairs : 2])
        self.k *= 2

    def points(self, x: np.ndarray, ys: Sequence[np.ndarray]) -> tuple[np.ndarray, list]:
        """What to draw for the whole run: a stroke per bucket, then the remaining rows (or all
        the rows, while there are no more of them than strokes would be)."""
        if len(x) <= 4 * self.buckets:
            return x, list(ys)
        tail = slice(self.done, len(x))
        px = np.concatenate((np.repeat(self.x, 2), x[tail]))
        pys = []
        for i, y in enumerate(ys):
            strokes = np.empty(2 * len(self.x))
            strokes[0::2], strokes[1::2] = self.lo[i], self.hi[i]
            pys.append(np.concatenate((strokes, y[tail])))
        return px, pys


def window(
    x: np.ndarray, ys: Sequence[np.ndarray], lo: float, hi: float, buckets: int = BUCKETS
) -> tuple[np.ndarray, list]:
    """What to draw of the rows with ``lo <= x <= hi`` (and one row on each side, so the curve
    runs to the edges): the rows themselves, or per-bucket strokes when there are many."""
    n = len(x)
    start = max(int(np.searchsorted(x, lo, side="left")) - 1, 0)
    stop = min(int(np.searchsorted(x, hi, side="right")) + 1, n)
    rows = stop - start
    if rows <= 2 * buckets:
        return x[start:stop], [y[start:stop] for y in ys]
    k = -(-rows // buckets)  # ceil
    count = (rows - 1) // k  # the last row is drawn as it is
    cut = start + count * k
    px = np.concatenate((np.repeat(x[start:cut:k], 2), x[cut:stop]))
    pys = []
    for y in ys:
        block = y[start:cut].reshape(count, k)
        strokes = np.empty(2 * count)
        strokes[0::2], strokes[1::2] = np.fmin.reduce(block, axis=1), np.fmax.reduce(block, axis=1)
        pys.append(np.concatenate((strokes, y[cut:stop])))
    return px, pys
