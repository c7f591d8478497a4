"""Where the diagram's words and numbers go: headers, unit values, padlocks, biases and weights.

Pure Python and numpy, no Qt. Each function places one kind of label on a :class:`~.layout.
Layout` whose units and biases are already placed, only where it touches nothing placed before
(``obstacles``), and for a whole layer or none of it.

The numbers of a small network (every weight and bias) are placed together by a short search
(:func:`numbers`): each label may sit at several spots along its edge or around its bias
square, and the search finds spots for all of them where none overlaps another, or says there
are none. Greedy placement, first free spot wins, gives up on layouts that have room.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .rects import Point, Rect, as_array, free, touching

if TYPE_CHECKING:
    from .layout import Layout, Metrics

# The widest numbers each label must hold (the diagram writes a true minus sign).
UNIT_LABEL = "δ −0.000123"
COMPACT_LABEL = "a −0.123 δ −0.000123"
INPUT_LABEL = "x −0.0123"
EDGE_LABEL = "−0.0012"
# Where along an edge a number may go, best first: the middle reads best; nearer an end, crossing
# edges are further apart.
EDGE_LABEL_T = tuple(0.5 + d for a in np.arange(0.0, 0.41, 0.04) for d in dict.fromkeys((-a, a)))
LOCK_T = (0.5, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2)
SEARCH_BUDGET = 2_000  # spots tried before the search gives up (a few ms)
# Where and how a column's unit values may be written, richest first (else on hover only).
UNIT_PLACES = (("right", "full"), ("below", "full"), ("right", "compact"), ("below", "compact"))


def headers(lay: Layout, activations: Sequence[str], m: Metrics, obstacles: list[Rect]) -> None:
    """``layer l`` and its activation over each column."""
    from .layout import Header

    L = len(lay.sizes)
    slh = m.small_line_height
    for c in range(L):
        width = lay.gap - 8
        if c == 0:
            # Centred over the inputs, or nudged right to stay inside the canvas (then the
            # width cap keeps it clear of the next header).
            width = min(width, lay.xs[0] + lay.gap / 2 + 2)
        title = f"layer {c + 1}" + (" (L)" if c == L - 1 and c > 0 else "")
        kind = "input" if c == 0 else activations[c - 1]
        lines = [m.elide(title, width, True), m.elide(kind, width, True)]
        w = max(m.text_width(s, True) for s in lines)
        # Over its column, nudged inward at either end to stay inside the canvas.
        x = min(max(float(lay.xs[c]), w / 2 + 2), lay.width - w / 2 - 2)
        pos = (x, lay.header_h / 2 + 2)
        rect = Rect.around(pos, w, slh * len(lines))
        lay.headers.append(Header(pos, lines, rect))
        obstacles.append(rect)


def unit_labels(lay: Layout, m: Metrics, numbers: bool, obstacles: list[Rect]) -> list[Rect]:
    """z, a, δ on lines ("full") or a and δ on one line ("compact"), right of the units or below
    them, whichever fits first without touching anything; else none (then they show on hover).
    Returns the rects used."""
    from .layout import UnitLabels

    lh = m.line_height
    L = len(lay.sizes)
    band = lay.band
    label_w = m.text_width(UNIT_LABEL) + 6
    compact_w = m.text_width(COMPACT_LABEL) + 6
    input_w = m.text_width(INPUT_LABEL) + 6
    label_rects: list[Rect] = []
    for c in range(L):
        s = lay.spacing[c]
        n_full = 1 if c == 0 else (4 if c == L - 1 and s >= 4 * lh + 4 else 3)
        o = lay.r[c] + lay.ring[c] + 1
        chosen = UnitLabels("none", n_full)
        for side, mode in UNIT_PLACES if numbers and s >= lh + 3 else ():
            n_lines = n_full if mode == "full" else 1
            width = input_w if c == 0 else (compact_w if mode == "compact" else label_w)
            h = n_lines * lh + 4
            spots: list[Point] = []
            rects: list[Rect] = []
            for y in lay.ys[c].tolist():
                if side == "right":
                    x0 = lay.xs[c] + o + 1 + lay.gauge[c] + 6
                    spots.append((x0, y))
                    rects.append(Rect.xywh(x0 - 2, y - h / 2, width, h))
                else:
                    x0 = max(band.left + 2, lay.xs[c] - width / 2)
                    spots.append((x0 + width / 2, y + o + 2 + h / 2))
                    rects.append(Rect.xywh(x0, y + o + 2, width, h))
            if all(band.contains(q) for q in rects) and free(rects, obstacles + label_rects):
                align = "left" if side == "right" else "center"
                chosen = UnitLabels(mode, n_full, align, width, spots, rects)
                label_rects += rects
                break
        lay.unit_labels.append(chosen)
    return label_rects


def locks(lay: Layout, frozen_W: Sequence[np.ndarray], label_rects: list[Rect]) -> None:
    """The padlocks of frozen weights sit on their edges, off the unit numbers if they can."""
    lock = lay.lock_size
    for i, fW in enumerate(frozen_W):
        where: dict[int, float] = {}
        for e in np.flatnonzero(np.asarray(fW).ravel()).tolist():
            for t in LOCK_T:
                rect = Rect.around(lay.edge_point(i, e, t), lock, lock)
                if not any(rect.intersects(o) for o in label_rects):
                    break
            where[e] = t
            lay.lock_rects.append(rect)
        lay.lock_t.append(where)


def _bias_spots(lay: Layout, i: int, j: int) -> list[Point]:
    """Where the number of bias ``b_j`` of layer ``i`` may go, best first: left of its square,
    above it, and the corners between (all touching the square, so it reads as its number)."""
    ew, eh = lay.edge_label_size
    x, y = lay.biases[i][j]
    hr = lay.bias_footprint(i, j)
    left, top = hr.left - 2 - ew / 2, hr.top - 1 - eh / 2
    return [
        (left, y),
        (x, top),
        (left, top + eh / 3),
        (hr.right - ew / 2, top),
        (left, y + eh / 3),
        (x - ew / 4, top),
        (hr.right + ew / 2 - 2, top),  # above the unit, its left end over the square
        (hr.left - ew / 2 + 2, top),
    ]


def bias_labels(lay: Layout, numbers: bool, obstacles: list[Rect]) -> None:
    """The first free spot beside each bias square, for a whole layer or none of it."""
    ew, eh = lay.edge_label_size
    for i, row in enumerate(lay.biases):
        spots: list[Point] | None = [] if numbers else None
        rects: list[Rect] = []
        for j in range(len(row) if spots is not None else 0):
            for pt in _bias_spots(lay, i, j)[:2]:
                rect = Rect.around(pt, ew, eh)
                if not any(rect.intersects(o) for o in obstacles + rects):
                    spots.append(pt)
                    rects.append(rect)
                    break
            else:
                spots = None
                break
        if spots is not None:
            obstacles += rects
        lay.bias_labels.append(spots)


def numbers(lay: Layout, obstacles: list[Rect], budget: int = SEARCH_BUDGET) -> bool:
    """A spot for the number of every bias and every weight, clear of ``obstacles`` and of one
    another; writes them into ``lay`` (and their rects into ``obstacles``) and returns True, or
    leaves both as they are and returns False when there is none (or none found in ``budget``
    steps).

    A backtracking search over the candidate spots: the label with the fewest spots left goes
    next, and a choice that leaves some label no spot at all is undone at once. Which spots
    exclude which is one vectorised overlap test, kept as bit sets.
    """
    ew, eh = lay.edge_label_size
    items: list[tuple[str, int, int]] = []
    values: list[object] = []  # per candidate: a spot (bias) or a fraction t (edge)
    owner: list[int] = []  # per candidate: its item
    rects: list[Rect] = []
    for i, row in enumerate(lay.biases):
        for j in range(len(row)):
            items.append(("b", i, j))
            for p in _bias_spots(lay, i, j):
                values.append(p)
                owner.append(len(items) - 1)
                rects.append(Rect.around(p, ew, eh))
    for i in range(len(lay.sizes) - 1):
        for e in range(lay.sizes[i] * lay.sizes[i + 1]):
            items.append(("w", i, e))
            for t in EDGE_LABEL_T:
                values.append(t)
                owner.append(len(items) - 1)
                rects.append(Rect.around(lay.edge_point(i, e, t), ew, eh))
    # A number on a crossing reads as either edge's: spots clear of every other edge go first.
    mine = [(items[n][1], items[n][2]) if items[n][0] == "w" else None for n in owner]
    crossed = _crosses_other_edges(lay, as_array(rects), mine)
    order = sorted(range(len(rects)), key=lambda c: (owner[c], crossed[c]))
    values, owner, rects = ([x[c] for c in order] for x in (values, owner, rects))
    R = as_array(rects)
    b = lay.bounds
    ok = ~touching(R, as_array(obstacles))
    ok &= (R[:, 0] >= b.left) & (R[:, 1] >= b.top) & (R[:, 2] <= b.right) & (R[:, 3] <= b.bottom)
    # Bit sets: the usable spots of each item, and the spots each spot rules out.
    spots = [0] * len(items)
    for c in np.flatnonzero(ok).tolist():
        spots[owner[c]] |= 1 << c
    if not all(spots):
        return False
    clash = (R[:, None, 0] < R[None, :, 2]) & (R[None, :, 0] < R[:, None, 2])
    clash &= (R[:, None, 1] < R[None, :, 3]) & (R[None, :, 1] < R[:, None, 3])
    clash &= ok[None, :]
    packed = np.packbits(clash, axis=1, bitorder="little")
    excludes = [int.from_bytes(row.tobytes(), "little") for row in packed]
    chosen: list[int | None] = [None] * len(items)
    steps = 0

    def search(banned: int) -> bool:
        nonlocal steps
        left = [n for n, c in enumerate(chosen) if c is None]
        if not left:
            return True
        n = min(left, key=lambda k: (spots[k] & ~banned).bit_count())
        free_spots = spots[n] & ~banned
        while free_spots:
            c = (free_spots & -free_spots).bit_length() - 1  # the best spot first (lowest bit)
            free_spots &= free_spots - 1
            steps += 1
            if steps > budget:
                return False
            now = banned | excludes[c] | spots[n]
            chosen[n] = c
            if all(spots[k] & ~now for k in left if k != n) and search(now):
                return True
            chosen[n] = None
        return False

    if not search(0):
        return False
    lay.bias_labels = [[None] * len(row) for row in lay.biases]
    lay.edge_label_t = [
        [0.5] * (lay.sizes[i] * lay.sizes[i + 1]) for i in range(len(lay.sizes) - 1)
    ]
    for (kind, i, k), c in zip(items, chosen, strict=True):
        (lay.bias_labels if kind == "b" else lay.edge_label_t)[i][k] = values[c]
        obstacles.append(rects[c])
    return True


def _crosses_other_edges(lay: Layout, R: np.ndarray, mine: list) -> np.ndarray:
    """Per rect (``(n, 4)``), whether an edge other than ``mine[n]`` (``(i, e)`` or None)
    passes through it: a vectorised Liang–Barsky clip of every edge against every rect."""
    segs, ids = [], {}
    for i in range(len(lay.sizes) - 1):
        for e in range(lay.sizes[i] * lay.sizes[i + 1]):
            (x0, y0), (x1, y1) = lay.edge_line(i, e)
            ids[(i, e)] = len(segs)
            segs.append((x0, y0, x1 - x0, y1 - y0))
    if not segs or not len(R):
        return np.zeros(len(R), dtype=bool)
    S = np.array(segs)[None, :, :]  # (1, m, 4): x0, y0, dx, dy
    r = R[:, None, :] + np.array([1.0, 1.0, -1.0, -1.0])  # a pixel in: grazing is not crossing
    t0, t1 = np.zeros((len(R), len(segs))), np.ones((len(R), len(segs)))
    sides = (
        (-S[..., 2], S[..., 0] - r[..., 0]),
        (S[..., 2], r[..., 2] - S[..., 0]),
        (-S[..., 3], S[..., 1] - r[..., 1]),
        (S[..., 3], r[..., 3] - S[..., 1]),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in sides:
            p, q = np.broadcast_to(p, t0.shape), np.broadcast_to(q, t0.shape)
            ratio = q / p
            t0 = np.where(p < 0, np.maximum(t0, ratio), t0)
            t1 = np.where(p > 0, np.minimum(t1, ratio), t1)
            t0 = np.where((p == 0) & (q < 0), 2.0, t0)  # parallel and outside
    hit = t0 <= t1
    rows = [n for n, m in enumerate(mine) if m in ids]
    hit[rows, [ids[mine[n]] for n in rows]] = False  # its own edge runs through it, of course
    return hit.any(axis=1)


def edge_labels(lay: Layout, numbers: bool, obstacles: list[Rect], limit: int) -> None:
    """Greedy: the first free spot along each edge, for layer pairs of at most ``limit`` edges
    where every edge gets one (the search of :func:`numbers` is for small networks)."""
    ew, eh = lay.edge_label_size
    for i in range(len(lay.sizes) - 1):
        n_edges = lay.sizes[i] * lay.sizes[i + 1]
        placed: list[float] | None = None
        if numbers and n_edges <= limit:
            placed, rects = [], []
            for e in range(n_edges):
                for t in EDGE_LABEL_T:
                    rect = Rect.around(lay.edge_point(i, e, t), ew, eh)
                    if not any(rect.intersects(o) for o in obstacles) and not any(
                        rect.intersects(o) for o in rects
                    ):
                        placed.append(t)
                        rects.append(rect)
                        break
                else:
                    placed = None
                    break
            if placed is not None:
                obstacles += rects
        lay.edge_label_t.append(placed)
