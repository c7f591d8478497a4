"""The diagram's layout geometry: where every unit, bias, edge, label and bar sits.

Pure Python and numpy, no Qt: it is tested without a display. Layers are columns ``c`` (0 = the
inputs, ``L - 1`` = the output layer); weight layer ``i`` joins column ``i`` to column ``i + 1``
and its edge ``e = j * n_in + k`` runs from unit k of column ``i`` to unit j of column ``i + 1``
(the order of ``W.ravel()``). Text sizes come from a :class:`Metrics` object: the Qt style
measures its fonts, tests pass a fixed-width stand-in.

Labels are placed in a fixed order (headers, unit numbers, padlocks, bias and weight numbers;
see :mod:`.placement`), each only where it touches nothing placed before; a layer's numbers are
written for all of its units (or edges, or biases) or for none. A small network (at most
:data:`MAX_EDGE_LABELS` weights) must show every weight and bias: when they do not all fit, the
units' values give up room (compact, then only on hover) until they do.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from . import placement
from .placement import EDGE_LABEL, UNIT_LABEL
from .rects import Point, Rect, free

__all__ = ["MAX_EDGE_LABELS", "Layout", "Metrics", "Point", "Rect", "compute", "free"]

MIN_WIDTH, MIN_HEIGHT = 120, 100  # the canvas never lays out smaller than this
MAX_EDGE_LABELS = 32  # a network with more weights writes their numbers on hover only
BAR_LABEL = "−0.00012"


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
    all_numbers: bool = False  # every weight and bias has its number written

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
    n_layers = len(sizes) - 1
    if frozen_W is None:
        frozen_W = [np.zeros((sizes[i + 1], sizes[i]), bool) for i in range(n_layers)]
    if frozen_b is None:
        frozen_b = [np.zeros(n, bool) for n in sizes[1:]]
    small = numbers and n_weights(sizes) <= MAX_EDGE_LABELS
    args = (sizes, activations, width, height, metrics, numbers, frozen_W, frozen_b)
    first = None
    for plan in PLANS if small else PLANS[:1]:
        lay = _place(*args, small, *plan)
        if lay.all_numbers or not small:
            return lay
        first = first or lay
    return first


def n_weights(sizes: Sequence[int]) -> int:
    """How many weights (edges) a network of ``sizes`` has."""
    return sum(a * b for a, b in itertools.pairwise(sizes))


# How a small network's layout makes room for every weight and bias, tried in turn: the units'
# values first and the numbers around them; the numbers first and the units' values where room
# is left (compact, or on hover); then smaller units. (numbers_first, unit radius scale)
PLANS = ((False, 1.0), (True, 1.0), (True, 0.75), (True, 0.55), (True, 0.4), (True, 0.28))


def _place(
    sizes: list[int],
    activations: Sequence[str],
    width: float,
    height: float,
    metrics: Metrics,
    numbers: bool,
    frozen_W: Sequence[np.ndarray],
    frozen_b: Sequence[np.ndarray],
    small: bool,
    numbers_first: bool,
    shrink: float,
) -> Layout:
    """One layout: units as :func:`_geometry` places them (radius × ``shrink``), then the labels,
    the weights' and biases' numbers before or after the units' values."""
    # Numbers first: the output's values get no room kept at the right (the weights need it).
    lay = _geometry(sizes, width, height, metrics, numbers and not numbers_first, shrink)
    obstacles = [lay.unit_footprint(c, j) for c in range(len(sizes)) for j in range(sizes[c])]
    for i in range(len(sizes) - 1):
        c = i + 1
        d = lay.r[c] + lay.ring[c] + lay.bias_size[c] / 2 + 1
        lay.biases.append([(lay.xs[c] - 0.87 * d, y - 0.5 * d) for y in lay.ys[c].tolist()])
        lay.bias_frozen.append([bool(f) for f in np.asarray(frozen_b[i]).ravel()])
        obstacles += [lay.bias_footprint(i, j) for j in range(sizes[c])]
    placement.headers(lay, activations, metrics, obstacles)
    lay.edge_label_size = (metrics.text_width(EDGE_LABEL, True) + 6, metrics.small_line_height + 4)
    lay.lock_size = max(6.0, min(11.0, 4 + lay.wmax)) * metrics.factor + 2
    if numbers_first:
        placement.locks(lay, frozen_W, [])
        obstacles += lay.lock_rects
        lay.all_numbers = placement.numbers(lay, obstacles)
        placement.unit_labels(lay, metrics, numbers, obstacles)
    else:
        label_rects = placement.unit_labels(lay, metrics, numbers, obstacles)
        obstacles += label_rects
        placement.locks(lay, frozen_W, label_rects)
        obstacles += lay.lock_rects
        lay.all_numbers = small and placement.numbers(lay, obstacles)
    if not lay.all_numbers:
        placement.bias_labels(lay, numbers, obstacles)
        placement.edge_labels(lay, numbers, obstacles, MAX_EDGE_LABELS if small else 0)
    _bars(lay, metrics)
    return lay


def _geometry(
    sizes: list[int], width: float, height: float, m: Metrics, numbers: bool, shrink: float = 1.0
) -> Layout:
    """Columns, unit centres and sizes: units as big as the room allows, up to a cap (all
    radii × ``shrink``: smaller units leave their edges longer stretches for numbers)."""
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
        return [max(2.0, shrink * min(0.36 * s, 0.16 * gap, r_cap)) for s in spacing]

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
