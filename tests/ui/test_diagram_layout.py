"""The diagram's layout geometry, without Qt: units inside the canvas and apart, every edge between
the right units, every label inside its bounds and clear of the units and of the other labels."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlpstudio.ui.views.diagram import layout
from mlpstudio.ui.views.diagram.layout import Rect

ROOT = Path(__file__).resolve().parents[2]

SHAPES = {
    "2-2-1": ([2, 2, 1], ["sigmoid", "sigmoid"]),
    "2-4-1": ([2, 4, 1], ["tanh", "sigmoid"]),
    "2-8-8-3": ([2, 8, 8, 3], ["tanh", "tanh", "softmax"]),
}
CANVASES = [(700, 460), (420, 300), (1300, 800)]


class FixedWidth:
    """A stand-in for the Qt font metrics: every character is as wide as the next."""

    def __init__(self, presenter: bool = False) -> None:
        self.factor = 1.45 if presenter else 1.0
        self.char, self.small_char = 7.0 * self.factor, 6.0 * self.factor
        self.line_height, self.small_line_height = 15.0 * self.factor, 13.0 * self.factor

    def text_width(self, text: str, small: bool = False) -> float:
        return len(text) * (self.small_char if small else self.char)

    def elide(self, text: str, width: float, small: bool = False) -> str:
        fits = int(width // (self.small_char if small else self.char))
        return text if len(text) <= fits else text[: max(0, fits - 1)] + "…"


def _layout(shape: str, size: tuple[int, int], presenter: bool = False, **kwargs):
    sizes, acts = SHAPES[shape]
    return layout.compute(sizes, acts, *size, FixedWidth(presenter), **kwargs)


def _units(lay: layout.Layout) -> list[tuple[int, int]]:
    return [(c, j) for c, n in enumerate(lay.sizes) for j in range(n)]


def _label_rects(lay: layout.Layout) -> dict[str, list[Rect]]:
    """Every label the layout placed, by kind."""
    ew, eh = lay.edge_label_size
    rects = {"header": [h.rect for h in lay.headers], "unit": [], "bias": [], "edge": []}
    for place in lay.unit_labels:
        rects["unit"] += place.rects
    for spots in lay.bias_labels:
        rects["bias"] += [Rect.around(p, ew, eh) for p in spots or []]
    for i in range(len(lay.sizes) - 1):
        rects["edge"] += [Rect.around(p, ew, eh) for p in lay.edge_label_spots(i) or []]
    return rects


CASES = [
    pytest.param(shape, size, presenter, id=f"{shape}-{size[0]}x{size[1]}{'-big' * presenter}")
    for shape in SHAPES
    for size in CANVASES
    for presenter in (False, True)
]


@pytest.mark.parametrize(("shape", "size", "presenter"), CASES)
def test_units_sit_inside_the_canvas_without_overlapping(shape, size, presenter):
    lay = _layout(shape, size, presenter)
    assert (lay.width, lay.height) == size
    band = lay.band
    foot = {u: lay.unit_footprint(*u) for u in _units(lay)}
    for (c, j), rect in foot.items():
        assert band.contains(rect), (c, j)
        x, y = lay.unit_center(c, j)
        assert rect.contains_point((x, y))
        assert lay.r[c] > 0
    for a, b in itertools.combinations(foot, 2):
        assert not foot[a].intersects(foot[b]), (a, b)
    # Columns run left to right (inputs first), units top to bottom.
    assert np.all(np.diff(lay.xs) > 0)
    assert all(np.all(np.diff(ys) > 0) for ys in lay.ys)


@pytest.mark.parametrize(("shape", "size", "presenter"), CASES)
def test_biases_sit_beside_their_unit_inside_the_canvas(shape, size, presenter):
    lay = _layout(shape, size, presenter)
    for i, row in enumerate(lay.biases):
        assert len(row) == lay.sizes[i + 1]
        for j, (x, y) in enumerate(row):
            rect = lay.bias_footprint(i, j)
            assert lay.bounds.contains(rect)
            c = i + 1
            ux, uy = lay.unit_center(c, j)
            assert x < ux and y < uy  # up and to the left of its unit...
            assert np.hypot(x - ux, y - uy) > lay.r[c] + lay.ring[c]  # ...past its δ ring
            square = Rect.around((x, y), lay.bias_size[c], lay.bias_size[c])
            near = (
                min(max(ux, square.left), square.right),
                min(max(uy, square.top), square.bottom),
            )
            assert np.hypot(near[0] - ux, near[1] - uy) >= lay.r[c]  # off the unit's map
            others = [lay.unit_footprint(*u) for u in _units(lay) if u != (c, j)]
            assert not any(rect.intersects(u) for u in others)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_edge_joins_the_right_units(shape):
    lay = _layout(shape, (700, 460))
    for i in range(len(lay.sizes) - 1):
        n_in, n_out = lay.sizes[i], lay.sizes[i + 1]
        src, dst = lay.edge_ends(i)
        assert src.shape == (n_in, 2) and dst.shape == (n_out, 2)
        for e in range(n_in * n_out):
            j, k = divmod(e, n_in)  # edge e is w_jk: the order of W.ravel()
            start, end = lay.edge_line(i, e)
            assert start == lay.unit_center(i, k)
            assert end == lay.unit_center(i + 1, j)
            assert tuple(src[k]) == start and tuple(dst[j]) == end
            assert lay.edge_point(i, e, 0.0) == start
            assert lay.edge_point(i, e, 1.0) == pytest.approx(end)


@pytest.mark.parametrize(("shape", "size", "presenter"), CASES)
def test_labels_stay_inside_their_bounds_and_clear_of_each_other(shape, size, presenter):
    lay = _layout(shape, size, presenter)
    rects = _label_rects(lay)
    for h in lay.headers:
        assert lay.bounds.contains(h.rect), h.lines
        assert h.rect.bottom <= lay.band.top + 4  # above the units
    for r in rects["unit"]:
        assert lay.band.contains(r)
    for r in rects["bias"] + rects["edge"]:
        assert lay.bounds.contains(r)
    units = [lay.unit_footprint(*u) for u in _units(lay)]
    biases = [lay.bias_footprint(i, j) for i, row in enumerate(lay.biases) for j in range(len(row))]
    placed = [r for kind in ("unit", "bias", "edge") for r in rects[kind]]
    for r in placed:
        assert not any(r.intersects(u) for u in units)
    for r in rects["unit"] + rects["edge"]:
        assert not any(r.intersects(b) for b in biases)
    everything = rects["header"] + placed
    for a, b in itertools.combinations(range(len(everything)), 2):
        assert not everything[a].intersects(everything[b]), (everything[a], everything[b])
    for bar in lay.bars:
        x, y = bar.pos
        assert x >= 0 and x + bar.width <= lay.width and lay.band.bottom <= y <= lay.height


def test_a_roomy_small_network_gets_every_number():
    lay = _layout("2-2-1", (700, 460))
    assert [p.mode for p in lay.unit_labels] == ["full", "full", "full"]
    assert lay.unit_labels[-1].n_lines == 4  # the output also shows its target y
    assert all(spots is not None for spots in lay.bias_labels)
    assert all(ts is not None for ts in lay.edge_label_t)
    assert [h.lines for h in lay.headers] == [
        ["layer 1", "input"],
        ["layer 2", "sigmoid"],
        ["layer 3 (L)", "sigmoid"],
    ]


def test_numbers_off_places_no_number_and_wide_layers_get_none_on_edges():
    quiet = _layout("2-2-1", (700, 460), numbers=False)
    assert all(p.mode == "none" for p in quiet.unit_labels)
    assert quiet.bias_labels == [None, None]
    assert quiet.edge_label_t == [None, None]
    wide = layout.compute([2, 32, 1], ["tanh", "sigmoid"], 1300, 800, FixedWidth())
    assert wide.edge_label_t[0] is None  # 64 edges: more than MAX_EDGE_LABELS


def test_frozen_weights_get_padlocks_on_their_edges_clear_of_unit_numbers():
    sizes, acts = SHAPES["2-4-1"]
    frozen_W = [np.zeros((4, 2), bool), np.ones((1, 4), bool)]
    frozen_W[0][1, 0] = True
    frozen_b = [np.array([False, True, False, False]), np.array([False])]
    lay = layout.compute(sizes, acts, 700, 460, FixedWidth(), frozen_W=frozen_W, frozen_b=frozen_b)
    assert sorted(lay.lock_t[0]) == [1 * 2 + 0] and sorted(lay.lock_t[1]) == [0, 1, 2, 3]
    assert len(lay.lock_rects) == 5
    labels = _label_rects(lay)["unit"]
    for r in lay.lock_rects:
        assert not any(r.intersects(q) for q in labels)
    edges = [(i, e) for i in (0, 1) for e in sorted(lay.lock_t[i])]
    for (layer, e), rect in zip(edges, lay.lock_rects, strict=True):
        assert rect.center == pytest.approx(lay.edge_point(layer, e, lay.lock_t[layer][e]))
    # A frozen bias's padlock sits at its left: its footprint is wider.
    assert lay.bias_footprint(0, 1).width > lay.bias_footprint(0, 0).width


def test_a_tiny_canvas_is_laid_out_at_the_minimum_size():
    lay = _layout("2-8-8-3", (10, 10))
    assert (lay.width, lay.height) == (layout.MIN_WIDTH, layout.MIN_HEIGHT)
    assert all(r >= 2.0 for r in lay.r)


def test_rect_geometry():
    a = Rect.xywh(0, 0, 10, 10)
    assert a.intersects(Rect.xywh(5, 5, 10, 10))
    assert not a.intersects(Rect.xywh(10, 0, 5, 5))  # touching is not overlapping
    assert a.contains(Rect.xywh(0, 0, 10, 10)) and not a.contains(Rect.xywh(1, 1, 10, 1))
    assert Rect.around((5, 5), 4, 2) == Rect(3, 4, 7, 6)
    assert layout.free([Rect.xywh(0, 0, 2, 2), Rect.xywh(2, 0, 2, 2)], [])
    assert not layout.free([Rect.xywh(0, 0, 2, 2), Rect.xywh(1, 1, 2, 2)], [])
    assert not layout.free([Rect.xywh(0, 0, 2, 2)], [Rect.xywh(1, 1, 5, 5)])


def test_the_layout_loads_no_qt():
    code = (
        "import sys\n"
        "import mlpstudio.ui.views.diagram.layout\n"
        "print(','.join(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


SMALL = {
    "2-2-1": [2, 2, 1],
    "2-4-1": [2, 4, 1],
    "2-2-2-1": [2, 2, 2, 1],
}


@pytest.mark.parametrize("size", [(300, 250), (380, 290), (480, 355), (900, 650)])
@pytest.mark.parametrize("sizes", SMALL.values(), ids=SMALL.keys())
def test_a_small_network_gets_every_weight_and_bias_written(sizes, size):
    lay = layout.compute(sizes, ["tanh"] * (len(sizes) - 1), *size, FixedWidth())
    assert lay.all_numbers
    assert all(spots is not None and None not in spots for spots in lay.bias_labels)
    assert all(ts is not None for ts in lay.edge_label_t)
    rects = _label_rects(lay)
    units = [lay.unit_footprint(*u) for u in _units(lay)]
    biases = [lay.bias_footprint(i, j) for i, row in enumerate(lay.biases) for j in range(len(row))]
    numbers = rects["bias"] + rects["edge"]
    assert len(numbers) == sum(sizes[1:]) + sum(a * b for a, b in itertools.pairwise(sizes))
    for r in numbers:
        assert lay.bounds.contains(r)
        assert not any(r.intersects(q) for q in units + biases + rects["header"] + rects["unit"])
    for a, b in itertools.combinations(numbers, 2):
        assert not a.intersects(b)


def test_a_number_sits_clear_of_the_edges_it_does_not_belong_to():
    """The crossing diagonals of a 2-2-1 do not share a number between them."""
    from mlpstudio.ui.views.diagram import placement
    from mlpstudio.ui.views.diagram.rects import as_array

    lay = layout.compute([2, 2, 1], ["step", "step"], 700, 460, FixedWidth())
    ew, eh = lay.edge_label_size
    for i, ts in enumerate(lay.edge_label_t):
        for e, t in enumerate(ts):
            rect = Rect.around(lay.edge_point(i, e, t), ew, eh)
            assert not placement._crosses_other_edges(lay, as_array([rect]), [(i, e)])[0], (i, e)
