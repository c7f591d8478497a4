"""A wide bundle draws its strongest lines only; every edge stays there to hover or edit."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF

from mlpstudio.core.network import Network
from mlpstudio.ui.views.diagram.edges import MAX_DRAWN, EdgeBundleItem
from mlpstudio.ui.views.diagram.style import Style


def _bundle(n_out: int, n_in: int, values: np.ndarray, frozen=None) -> EdgeBundleItem:
    b = EdgeBundleItem(Style(), 0, n_out, n_in, 0)
    src = np.column_stack([np.zeros(n_in), np.arange(n_in, dtype=float)])
    dst = np.column_stack([np.full(n_out, 100.0), np.arange(n_out, dtype=float)])
    b.set_geometry(src, dst)
    if frozen is None:
        frozen = np.zeros(n_out * n_in, dtype=bool)
    b.set_values(values, frozen, float(np.abs(values).max()), 0.6, 5.0)
    return b


def _drawn_lines(b: EdgeBundleItem) -> int:
    return sum(len(lines) for _, lines in b._groups)


def test_a_64_by_64_bundle_draws_its_strongest_edges_and_the_frozen_ones(qapp):
    rng = np.random.default_rng(0)
    values = rng.normal(size=(64, 64))
    frozen = np.zeros(64 * 64, dtype=bool)
    weakest = int(np.argmin(np.abs(values)))
    frozen[weakest] = True
    b = _bundle(64, 64, values, frozen)
    assert b.drawn == _drawn_lines(b) == MAX_DRAWN + 1
    kept = {(ln.x1(), ln.y1(), ln.x2(), ln.y2()) for _, lines in b._groups for ln in lines}
    strongest = np.argsort(-np.abs(values).ravel())[:MAX_DRAWN]
    for e in [*strongest.tolist(), weakest]:
        line = b._lines[e]
        assert (line.x1(), line.y1(), line.x2(), line.y2()) in kept


def test_an_edge_not_drawn_keeps_its_value_and_pen(qapp):
    values = np.ones((64, 64))
    values[10, 20] = 1e-9  # the weakest: not drawn
    b = _bundle(64, 64, values)
    e = 10 * 64 + 20
    line = b._lines[e]
    drawn = {id(ln) for _, lines in b._groups for ln in lines}
    assert id(line) not in drawn
    assert b.values[e] == 1e-9
    assert b.pen(e).widthF() == float(b.level_width(b.level[e]))


def test_a_32_by_32_bundle_is_drawn_whole(qapp):
    net = Network([32, 32], seed=0)
    b = _bundle(32, 32, net.weights[0])
    assert b.drawn == _drawn_lines(b) == 32 * 32
    assert isinstance(b._lines[0].pointAt(0.5), QPointF)
