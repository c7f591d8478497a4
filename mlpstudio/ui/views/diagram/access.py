"""What the network view shows, read back: its items, the texts it writes, its widgets.

:class:`ReadMixin` is the read-only side of :class:`~.view.NetworkView` that tests, the main
window and a screenshot use; nothing here changes the diagram.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QGraphicsView, QLineEdit

from .edges import EdgeRecord
from .items import BiasItem, GradientBarItem, TextBoxItem, UnitItem


class ReadMixin:
    """Accessors of :class:`~.view.NetworkView` (its state lives on the view)."""

    def unit_items(self) -> list[UnitItem]:
        """One item per unit, inputs first, layer by layer."""
        return [u for col in self._units for u in col]

    def edge_items(self) -> list[EdgeRecord]:
        """One record per weight, in the order of ``net.params``."""
        return [EdgeRecord(b, e) for b in self._bundles for e in range(b.n_edges)]

    def bias_items(self) -> list[BiasItem]:
        """One item per bias, in the order of ``net.params``."""
        return [b for row in self._biases for b in row]

    def gradient_bars(self) -> list[GradientBarItem]:
        """One ‖∂E/∂W‖ bar per weight layer."""
        return list(self._bars)

    def shown_values(self, layer: int, j: int) -> dict:
        """``{'z', 'a', 'delta'}`` displayed at unit ``(layer, j)``; NaN where nothing is shown."""
        if not self._valid(("unit", layer, j)):
            return {"z": math.nan, "a": math.nan, "delta": math.nan}
        u = self._units[layer + 1][j]
        return {"z": float(u.z), "a": float(u.a), "delta": float(u.delta)}

    def value_label(self, layer: int, j: int) -> str:
        """The text written beside unit ``(layer, j)`` (empty when the layer is too crowded)."""
        if not self._valid(("unit", layer, j)):
            return ""
        t = self._value_labels[layer + 1][j]
        return t.text() if t.isVisible() else ""

    def edge_label(self, i: int, j: int, k: int) -> TextBoxItem | None:
        """The number written on edge ``(i, j, k)``, or ``None`` when none is drawn there."""
        if not self._valid(("edge", i, j, k)):
            return None
        labels = self._edge_labels[i]
        e = j * self._net.sizes[i] + k
        if not (0 <= e < len(labels)) or not (labels[e].isVisible() and labels[e].lines):
            return None
        return labels[e]

    def bias_label(self, i: int, j: int) -> TextBoxItem | None:
        """The number written beside bias ``b_j`` of layer ``i``, or ``None`` when none is."""
        if not self._valid(("bias", i, j)):
            return None
        t = self._bias_labels[i][j]
        return t if t.isVisible() and t.lines else None

    def hover_label(self) -> TextBoxItem | None:
        """The number shown where the mouse points (for what has none written)."""
        return self._hover_label

    def hover_text(self) -> str:
        """The text of :meth:`hover_label` when it is shown, else ``""``."""
        t = self._hover_label
        return t.text() if t is not None and t.isVisible() else ""

    def visible_labels(self) -> list[TextBoxItem]:
        """Every text item currently drawn (headers, unit and edge numbers)."""
        return [t for t in self._all_text() if t.isVisible() and t.lines]

    def status_text(self) -> str:
        """The line above the diagram: what is selected, or what to do."""
        return self._status.text()

    def scene_to_viewport(self, p: QPointF) -> QPoint:
        return self._canvas.mapFromScene(p)

    @property
    def canvas(self) -> QGraphicsView:
        return self._canvas

    @property
    def editor(self) -> QLineEdit:
        return self._editor
