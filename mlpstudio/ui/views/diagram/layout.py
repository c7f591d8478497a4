"""The diagram's layout geometry: where every unit, bias, edge, label and bar sits.

Pure Python and numpy, no Qt: it is tested without a display. Layers are columns ``c`` (0 = the
inputs, ``L - 1`` = the output layer); weight layer ``i`` joins column ``i`` to column ``i + 1``
and its edge ``e = j * n_in + k`` runs from unit k of column ``i`` to unit j of column ``i + 1``
(the order of ``W.ravel()``). Text sizes come from a :class:`Metrics` object: the Qt style
measures its fonts, tests pass a fixed-width stand-in.

Labels are placed greedily in a fixed order (headers, unit numbers, padlocks, bias numbers, edge
numbers), each kind only where it fits without touching what was placed before; a layer's
numbers are written for all of its units (or edges, or biases) or for none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

MIN_WIDTH, MIN_HEIGHT = 120, 100  # the canvas never lays out smaller than this
MAX_EDGE_LABELS = 24  # a layer pair with more edges never gets numbers on its edges
# The widest numbers each label must hold (the diagram writes a true minus sign).
UNIT_LABEL = "δ −0.000123"
COMPACT_LABEL = "a −0.123 δ −0.000123"
INPUT_LABEL = "x −0.0123"
EDGE_LABEL = "−0.0012"
BAR_LABEL = "−0.00012"
# Where along an edge its number, or a frozen weight's padlock, may go (first free spot wins).
EDGE_LABEL_T = (0.5, 0.35, 0.65, 0.25, 0.75, 0.42, 0.58, 0.18, 0.82)
LOCK_T = (0.5, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2)

Point = tuple[float, float]


class Metrics(Protocol):
    """Font measures the layout needs (``Style`` provides them from Qt's font metrics)."""

    @property
    def factor(self) -> float: ...  # how much bigger everything is in presenter mode

    @property
    def line_height(self) -> float: ...

    @property
    def small_line_height(self) -> float: ...

    def text_width(self, text: str, small: bool = False) -> float: ...

    def elide(self, text: str, width: float, small: bool = False) -> str: ...


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


def free(rects: list[Rect], obstacles: list[Rect]) -> bool:
    """No two of ``rects`` overlap and none touches an obstacle (vectorised: used on resize)."""
    if not rects:
        return True
    r = np.array([[q.left, q.top, q.right, q.bottom] for q in rects])
    if len(r) > 1:
        order = np.lexsort((r[:, 0], r[:, 1]))
        a, b = r[order[:-1]], r[order[1:]]
        if np.any(
            (a[:, 0] < b[:, 2]) & (b[:, 0] < a[:, 2]) & (a[:, 1] < b[:, 3]) & (b[:, 1] < a[:, 3])
        ):
            return False
    if not obstacles:
        return True
    o = np.array([[q.left, q.top, q.right, q.bottom] for q in obstacles])
    hit = (
        (r[:, None, 0] < o[None, :, 2])
        & (o[None, :, 0] < r[:, None, 2])
        & (r[:, None, 1] < o[None, :, 3])
        & (o[None, :, 1] < r[:, None, 3])
    )
    return not hit.any()


@dataclass
class Header:
    """The title of one column: ``layer c`` and its activation, centred at ``pos``."""

    pos: Point
    lines: list[str]
    rect: Rect


@dataclass
class UnitLabels:
    """Where the numbers of one column's units go (``mode`` ``none``: nowhere)."""

    mode: str  # "full" (z, a, δ on lines), "compact" (a and δ on one line) or "none"
    n_lines: int  # lines a full label has in this column (4 on the output: y too)
    align: str = "left"  # "left": the spot is the text's left end; "center": its middle
    width: float = 0.0  # the room reserved (longer text is elided)
    spots: list[Point] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)


@dataclass
class Bar:
    """The gradient-norm bar of one weight layer, under its edges."""

    pos: Point
    width: float
    show_text: bool


@dataclass
class Layout:
    """Everything's place for one network shape and canvas size (see the module docstring)."""

    width: float
    height: float
    sizes: list[int]
    xs: np.ndarray  # column centres
    ys: list[np.ndarray]  # unit centres per column
    r: list[float]  # unit radius per column
    gauge: list[float]  # width of the a-bar per column
    ring: list[float]  # widest δ ring per column
    bias_size: list[float]  # per column (column 0 has no biases)
    spacing: list[float]  # distance between unit centres per column
    gap: float  # distance between columns
    header_h: float
    footer_h: float
    wmin: float  # thinnest and thickest edge
    wmax: float
    biases: list[list[Point]] = field(default_factory=list)  # per weight layer i
    bias_frozen: list[list[bool]] = field(default_factory=list)
    headers: list[Header] = field(default_factory=list)
    unit_labels: list[UnitLabels] = field(default_factory=list)
    lock_t: list[dict[int, float]] = field(default_factory=list)  # frozen edge → where
    lock_rects: list[Rect] = field(default_factory=list)
    bias_labels: list[list[Point] | None] = field(default_factory=list)
    edge_label_t: list[list[float] | None] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    edge_label_size: tuple[float, float] = (0.0, 0.0)
    lock_size: float = 0.0

    @property
    def bounds(self) -> Rect:
        return Rect(0.0, 0.0, self.width, self.height)

    @property
    def band(self) -> Rect:
        """Between the headers and the gradient bars: where units and their numbers go."""
        h = self.height - self.header_h - self.footer_h
        return Rect.xywh(0.0, self.header_h, self.width, h)

    def unit_center(self, c: int, j: int) -> Point:
        return (float(self.xs[c]), float(self.ys[c][j]))

    def unit_footprint(self, c: int, j: int) -> Rect:
        """What unit j of column c covers: its disc, the δ ring and the a-bar at its right."""
        x, y = self.unit_center(c, j)
        o = self.r[c] + self.ring[c] + 1
        gauge_x = self.r[c] + self.ring[c] + 2  # the a-bar's left edge, beside the ring
        return Rect.xywh(x - o, y - o, o + gauge_x + self.gauge[c] + 1, 2 * o)

    def bias_footprint(self, i: int, j: int) -> Rect:
        """The bias square of unit j of weight layer i, and its padlock at the left if frozen."""
        x, y = self.biases[i][j]
        size = self.bias_size[i + 1]
        s = size / 2 + 2
        lock = size if self.bias_frozen[i][j] else 0.0
        return Rect.xywh(x - s - lock, y - s, 2 * s + lock, 2 * s)

    def edge_ends(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Unit centres ``(n_in, 2)`` of column i and ``(n_out, 2)`` of column i + 1."""
        src = np.column_stack([np.full(self.sizes[i], self.xs[i]), self.ys[i]])
        dst = np.column_stack([np.full(self.sizes[i + 1], self.xs[i + 1]), self.ys[i + 1]])
        return src, dst

    def edge_line(self, i: int, e: int) -> tuple[Point, Point]:
        """Edge ``e = j * n_in + k`` of weight layer i: from unit k to unit j."""
        j, k = divmod(e, self.sizes[i])
        return self.unit_center(i, k), self.unit_center(i + 1, j)

    def edge_point(self, i: int, e: int, t: float) -> Point:
        """The point a fraction ``t`` along edge ``e`` of weight layer i."""
        (x1, y1), (x2, y2) = self.edge_line(i, e)
        return (x1 + t * (x2 - x1), y1 + t * (y2 - y1))

    def edge_label_spots(self, i: int) -> list[Point] | None:
        ts = self.edge_label_t[i]
        return None if ts is None else [self.edge_point(i, e, t) for e, t in enumerate(ts)]


def compute(
    sizes: Sequence[int],
    activations: Sequence[str],
    width: float,
    height: float,
    metrics: Metrics,
    numbers: bool = True,
    frozen_W: Sequence[np.ndarray] | None = None,
    frozen_b: Sequence[np.ndarray] | None = None,
) -> Layout:
    """The layout of a network of ``sizes`` on a ``width × height`` canvas.

    ``numbers``: write values beside units, biases and edges where there is room.
    ``frozen_W``/``frozen_b``: per weight layer, which weights and biases are frozen (their
    padlocks take room).
    """
    sizes = [int(n) for n in sizes]
    lay = _geometry(sizes, width, height, metrics, numbers)
    n_layers = len(sizes) - 1
    if frozen_W is None:
        frozen_W = [np.zeros((sizes[i + 1], sizes[i]), bool) for i in range(n_layers)]
    if frozen_b is None:
        frozen_b = [np.zeros(n, bool) for n in sizes[1:]]
    obstacles = [lay.unit_footprint(c, j) for c in range(len(sizes)) for j in range(sizes[c])]
    for i in range(n_layers):
        c = i + 1
        d = lay.r[c] + lay.ring[c] + lay.bias_size[c] / 2 + 1
        lay.biases.append([(lay.xs[c] - 0.87 * d, y - 0.5 * d) for y in lay.ys[c].tolist()])
        lay.bias_frozen.append([bool(f) for f in np.asarray(frozen_b[i]).ravel()])
        obstacles += [lay.bias_footprint(i, j) for j in range(sizes[c])]
    _headers(lay, activations, metrics, obstacles)
    label_rects = _unit_labels(lay, metrics, numbers, obstacles)
    obstacles += label_rects
    slh = metrics.small_line_height
    lay.edge_label_size = (metrics.text_width(EDGE_LABEL, True) + 6, slh + 4)
    lay.lock_size = max(6.0, min(11.0, 4 + lay.wmax)) * metrics.factor + 2
    _locks(lay, frozen_W, label_rects)
    obstacles += lay.lock_rects
    _bias_labels(lay, numbers, obstacles)
    _edge_labels(lay, numbers, obstacles)
    _bars(lay, metrics)
    return lay


def _geometry(sizes: list[int], width: float, height: float, m: Metrics, numbers: bool) -> Layout:
    """Columns, unit centres and sizes: units as big as the room allows, up to a cap."""
    f = m.factor
    W, H = max(width, MIN_WIDTH), max(height, MIN_HEIGHT)
    L = len(sizes)
    lh, slh = m.line_height, m.small_line_height
    header_h = 2 * slh + 6
    footer_h = slh + 8
    top, bottom = header_h + 4, H - footer_h - 4
    band = max(bottom - top, 20.0)
    r_cap = 26 * f
    label_w = m.text_width(UNIT_LABEL) + 6
    spacing = [min(band / n, 150 * f) for n in sizes]

    def radii(gap: float) -> list[float]:
        return [max(2.0, min(0.36 * s, 0.16 * gap, r_cap)) for s in spacing]

    def gauge(r: float) -> float:
        return max(2.0, min(r * 0.22, 5 * f))

    def ring(r: float) -> float:
        return max(1.5, min(r * 0.28, 6 * f))

    # The output's numbers sit at its right: keep room for them inside the canvas.
    reserve = label_w + 6 if numbers and spacing[-1] >= lh + 3 else 0.0
    gap0 = (W - 2 * (14 + r_cap) - reserve) / (L - 1)
    r = radii(max(gap0, 10.0))
    left = 12 + r[0]
    right = 10 + r[-1] + ring(r[-1]) + 2 + gauge(r[-1]) + 4 + reserve
    xs = np.linspace(left, max(left + 10 * (L - 1), W - right), L)
    gap = float(xs[1] - xs[0])
    r = radii(gap)
    cy = (top + bottom) / 2
    ys = [cy + (np.arange(n) - (n - 1) / 2) * s for n, s in zip(sizes, spacing, strict=True)]
    wmax = max(1.5, min(6.0, 0.22 * min(spacing[1:] + spacing[:1]))) * f
    return Layout(
        width=W,
        height=H,
        sizes=sizes,
        xs=xs,
        ys=ys,
        r=r,
        gauge=[gauge(x) for x in r],
        ring=[ring(x) for x in r],
        bias_size=[max(5.0, min(x * 0.5, 11 * f)) for x in r],
        spacing=spacing,
        gap=gap,
        header_h=header_h,
        footer_h=footer_h,
        wmin=0.5 * f,
        wmax=wmax,
    )


def _headers(lay: Layout, activations: Sequence[str], m: Metrics, obstacles: list[Rect]) -> None:
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
        x = float(lay.xs[c]) if c else max(float(lay.xs[0]), w / 2 + 2)
        pos = (x, lay.header_h / 2 + 2)
        rect = Rect.around(pos, w, slh * len(lines))
        lay.headers.append(Header(pos, lines, rect))
        obstacles.append(rect)


def _unit_labels(lay: Layout, m: Metrics, numbers: bool, obstacles: list[Rect]) -> list[Rect]:
    """z, a, δ on lines ("full") or a and δ on one line ("compact"), right of the units or below
    them, whichever fits first without touching anything; else none. Returns the rects used."""
    lh = m.line_height
    L = len(lay.sizes)
    band = lay.band
    label_w = m.text_width(UNIT_LABEL) + 6
    compact_w = m.text_width(COMPACT_LABEL) + 6
    input_w = m.text_width(INPUT_LABEL) + 6
    label_rects: list[Rect] = []
    candidates = [("right", "full"), ("below", "full"), ("right", "compact"), ("below", "compact")]
    for c in range(L):
        s = lay.spacing[c]
        n_full = 1 if c == 0 else (4 if c == L - 1 and s >= 4 * lh + 4 else 3)
        o = lay.r[c] + lay.ring[c] + 1
        chosen = UnitLabels("none", n_full)
        for side, mode in candidates if numbers and s >= lh + 3 else []:
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


def _locks(lay: Layout, frozen_W: Sequence[np.ndarray], label_rects: list[Rect]) -> None:
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


def _bias_labels(lay: Layout, numbers: bool, obstacles: list[Rect]) -> None:
    """Left of (or above) each bias square, for a whole layer or none of it."""
    ew, eh = lay.edge_label_size
    for i, row in enumerate(lay.biases):
        spots: list[Point] | None = [] if numbers else None
        rects: list[Rect] = []
        for j, (x, y) in enumerate(row if spots is not None else []):
            hr = lay.bias_footprint(i, j)
            left = (hr.left - 2 - ew / 2, y)
            above = (x, hr.top - 1 - eh / 2)
            for pt in (left, above):
                rect = Rect.around(pt, ew, eh)
                if not any(rect.intersects(o) for o in obstacles + rects if o != hr):
                    spots.append(pt)
                    rects.append(rect)
                    break
            else:
                spots = None
                break
        if spots is not None:
            obstacles += rects
        lay.bias_labels.append(spots)


def _edge_labels(lay: Layout, numbers: bool, obstacles: list[Rect]) -> None:
    """Only where every edge of a layer pair gets a free spot."""
    ew, eh = lay.edge_label_size
    for i in range(len(lay.sizes) - 1):
        n_edges = lay.sizes[i] * lay.sizes[i + 1]
        placed: list[float] | None = None
        if numbers and n_edges <= MAX_EDGE_LABELS:
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


def _bars(lay: Layout, m: Metrics) -> None:
    """Gradient norm bars under the edges of each layer; their number only if there is room."""
    f = m.factor
    show_text = lay.gap >= 70 * f
    text_w = m.text_width(BAR_LABEL, True) + 6 if show_text else 0.0
    bar_w = min(lay.gap * 0.4, 50 * f)
    y = lay.height - lay.footer_h / 2 - 2
    for i in range(len(lay.sizes) - 1):
        cx = (lay.xs[i] + lay.xs[i + 1]) / 2
        lay.bars.append(Bar((float(cx - (bar_w + text_w) / 2), y), bar_w, show_text))
