"""The key of a plot: its legend (and a few notes) in a strip beside or under the data.

A legend floating over the view box hides points wherever it goes (all four corners of the AND
truth table are data), and it must be redrawn with every pan. The key lives instead in the plot
item's own grid layout, right of the view box or under the x axis, so it never covers the data,
stays still while the view moves, and is part of the plot item when it is exported.
"""

from __future__ import annotations

import math
from typing import Literal

import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLinearLayout,
    QSizePolicy,
)

Side = Literal["right", "bottom"]

# Cells of pyqtgraph's PlotItem grid: the view box is (2, 1), the right axis (2, 2), the bottom
# axis (3, 1). Row 4 and column 3 are free.
_CELLS: dict[str, tuple[int, int]] = {"right": (2, 3), "bottom": (4, 1)}
SAMPLE_PX = 20  # pyqtgraph's legend swatches are 20 × 20
GAP_PX = 10  # between the data area and the key
ENTRY_GAP_PX = 14  # between entries of a key that runs in rows


def tighten(label: pg.LabelItem) -> None:
    """Drop the 4 px margin Qt keeps around a text item's text: lines sit 8 px closer."""
    document = label.item.document()
    if document.documentMargin() != 1:
        document.setDocumentMargin(1)
        label.updateMin()


class StillSample(ItemSample):
    """A legend swatch that hides nothing when clicked (pyqtgraph's default hides its curve)."""

    def mouseClickEvent(self, event) -> None:
        event.accept()


class KeyLegend(pg.LegendItem):
    """A ``LegendItem`` laid out by its parent: no frame, no dragging, no anchoring."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(offset=None, frame=False, **kwargs)
        # pyqtgraph keeps legends at screen size over a zooming view; in a layout that only
        # made exports draw the key smaller than everything around it.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, False)
        # No frame, so no margin inside one: 9 px above and below made a one-row key taller
        # than a short cost plot's data area.
        self.layout.setContentsMargins(0, 2, 0, 2)

    def updateSize(self) -> None:
        # pyqtgraph sizes the legend by moving it to (0, 0); here the parent's layout places it.
        self.updateGeometry()

    def hoverEvent(self, ev) -> None:
        pass  # pyqtgraph offers a drag here; the key does not move

    def mouseDragEvent(self, ev) -> None:
        ev.ignore()


class PlotKey(pg.GraphicsWidget):
    """A legend and optional notes in a strip of ``plot``'s layout, on the ``right`` or ``bottom``.

    On the right the entries stack in one column; at the bottom they run in rows as wide as the
    plot. :meth:`best_side` picks the side that costs the data the least room.
    """

    def __init__(self, plot: pg.PlotItem, one_row: bool = False, **legend_opts: object) -> None:
        super().__init__()
        self.plot = plot
        # All entries side by side even on the right: for a short, wide plot (the cost curves),
        # where a column of entries would be taller than the data area and push the axis out.
        self.one_row = one_row
        self.legend = KeyLegend(**legend_opts)
        self.notes: list[pg.LabelItem] = []
        self._box = QGraphicsLinearLayout(Qt.Orientation.Vertical)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(4)
        self._box.addItem(self.legend)
        self.setLayout(self._box)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.side: Side | None = None
        grid = plot.layout
        grid.setColumnStretchFactor(3, 0)
        grid.setRowStretchFactor(4, 0)
        self.set_side("right")

    # ---- content -----------------------------------------------------------------------------

    def add_note(self, note: pg.LabelItem) -> None:
        """Show ``note`` (a label, e.g. the hover readout) after the legend entries."""
        self.notes.append(note)
        note.setParentItem(self)
        self.show_note(note, True)

    def show_note(self, note: pg.LabelItem, on: bool) -> None:
        """Show or hide one of the notes; a hidden note takes no room."""
        placed = any(self._box.itemAt(i) is note for i in range(self._box.count()))
        if on and not placed:
            self._box.addItem(note)
            self._box.setAlignment(note, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        elif not on and placed:
            self._box.removeItem(note)
        note.setVisible(on)
        self.updateGeometry()
        self._activate()

    def relayout(self) -> None:
        """Re-flow the entries for the current side (call after adding or removing entries)."""
        n = len(self.legend.items)
        for _, label in self.legend.items:
            tighten(label)
        if self.one_row:
            columns = max(n, 1)
        elif self.side == "right" or not n:
            columns = 1
        else:
            columns = self._bottom_columns(n)
        # pyqtgraph's setColumnCount skips the re-flow when the count is unchanged.
        self.legend.columnCount = -1
        self.legend.setColumnCount(columns)
        # In a row, a little more room after each label than between a swatch and its label.
        gap = ENTRY_GAP_PX if self.side == "bottom" or self.one_row else 0
        for col in range(1, 2 * columns, 2):
            self.legend.layout.setColumnSpacing(col, gap)
        self.legend.updateGeometry()
        self.updateGeometry()
        self._activate()

    # ---- placement ---------------------------------------------------------------------------

    def set_side(self, side: Side) -> None:
        """Move the key to the ``right`` of the data or ``bottom`` (under the x axis)."""
        if side == self.side:
            return
        grid = self.plot.layout
        if self.side is not None:
            grid.removeItem(self)
        self.side = side
        self._box.setOrientation(
            Qt.Orientation.Vertical if side == "right" else Qt.Orientation.Horizontal
        )
        if side == "right":
            self.setContentsMargins(GAP_PX, 0, 4, 0)
            align = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        else:
            self.setContentsMargins(0, 2, 0, 4)
            align = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter
        self.setParentItem(self.plot)
        grid.addItem(self, *_CELLS[side])
        grid.setAlignment(self, align)
        self.relayout()

    def _activate(self) -> None:
        # Lay out now rather than at the next event-loop turn, so the view box has its final
        # size (and the aspect lock its final range) before anyone reads or draws them.
        self._box.activate()
        self.legend.layout.activate()
        self.plot.layout.activate()

    def best_side(self, data_aspect: float | None) -> Side:
        """The side that leaves the data the most room.

        ``data_aspect`` is the width / height of the data's range when its aspect is locked
        (points keep their shape, so a strip where the plot has room to spare costs nothing);
        ``None`` means the view stretches to fill, and the key goes right.
        """
        if data_aspect is None or not data_aspect > 0 or not math.isfinite(data_aspect):
            return "right"
        w, h = self._data_room()
        if w <= 0 or h <= 0:
            return self.side or "right"
        rw = self._size_on("right")[0]
        bh = self._size_on("bottom", width=w)[1]
        # Pixels per data unit with the key on each side (the aspect lock scales both axes alike).
        right = min((w - rw) / data_aspect, h)
        bottom = min(w / data_aspect, h - bh)
        return "right" if right >= bottom else "bottom"

    def contains(self, scene_pos: QPointF) -> bool:
        """Whether ``scene_pos`` is on the key."""
        return self.isVisible() and self.sceneBoundingRect().contains(scene_pos)

    # ---- sizes -------------------------------------------------------------------------------

    def _entries(self) -> list[tuple[float, float]]:
        """Width and height of each legend entry (swatch, spacing and label)."""
        spacing = self.legend.layout.horizontalSpacing()
        out = []
        for _, label in self.legend.items:
            hint = label.effectiveSizeHint(Qt.SizeHint.PreferredSize)
            out.append((SAMPLE_PX + spacing + hint.width() + 3, max(SAMPLE_PX, hint.height())))
        return out

    def _notes_size(self) -> tuple[float, float]:
        sizes = [
            n.effectiveSizeHint(Qt.SizeHint.PreferredSize) for n in self.notes if n.isVisible()
        ]
        return max((s.width() for s in sizes), default=0.0), sum(s.height() for s in sizes)

    def _size_on(self, side: Side, width: float = 0.0) -> tuple[float, float]:
        entries = self._entries()
        nw, nh = self._notes_size()
        if side == "right":
            w = max([e[0] for e in entries] + [nw])
            h = sum(e[1] for e in entries) + nh
            return w + GAP_PX + 4, h
        columns = self._bottom_columns(len(entries), width)
        rows = math.ceil(len(entries) / columns) if entries else 0
        h = max([e[1] for e in entries] + [0.0]) * rows
        return width, max(h, nh) + 6

    def _bottom_columns(self, n: int, width: float | None = None) -> int:
        """As many columns as fit in ``width`` (the data's width when not given)."""
        if width is None:
            width = self._data_room()[0]
        entries = self._entries()
        widest = max((e[0] for e in entries), default=1.0)
        fit = int(max(width, widest) // (widest + self.legend.layout.horizontalSpacing()))
        return max(1, min(n, fit))

    def _data_room(self) -> tuple[float, float]:
        """The plot item's size less its axes: the room the data and the key share."""
        plot = self.plot
        w, h = plot.width(), plot.height()
        for name in ("left", "right"):
            axis = plot.getAxis(name)
            if axis.isVisible():
                w -= axis.width()
        for name in ("top", "bottom"):
            axis = plot.getAxis(name)
            if axis.isVisible():
                h -= axis.height()
        return w, h
