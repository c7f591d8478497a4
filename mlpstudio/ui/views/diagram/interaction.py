"""What the mouse does on the diagram: hover, click, edit, freeze and the context menu.

:class:`InteractionMixin` is the part of :class:`~.view.NetworkView` that finds what is under a
point (:meth:`~InteractionMixin.hit_at`) and turns gestures into the view's signals. One click
on an edge or a bias selects it and opens a small field for its value (Enter applies, Escape
cancels); the wheel over it, or over the field, nudges it. An edit is applied to the view's copy
of the network at once (the diagram answers immediately) and then emitted; the main window
applies it to the live network.

A hit is ``("unit", i, j)`` (``i = -1``: inputs), ``("edge", i, j, k)`` or ``("bias", i, j)``
with list-index layers; :meth:`~InteractionMixin._valid` says whether this network has it, so a
hit kept from an older network is never used to index the new one's items.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QMenu

from .tooltips import TooltipMixin

if TYPE_CHECKING:
    from ....core.network import Network

WHEEL_STEP = 0.05  # one wheel notch over a weight or bias; Shift × 10, Ctrl ÷ 10


class InteractionMixin(TooltipMixin):
    """Mouse and keyboard on the diagram, for :class:`~.view.NetworkView`."""

    _net: Network | None

    # ---- what is where -------------------------------------------------------------------

    def _valid(self, hit: tuple | None) -> bool:
        """Whether this network has the unit, edge or bias ``hit``."""
        if self._net is None or not hit:
            return False
        sizes = self._net.sizes
        try:
            if hit[0] == "unit" and len(hit) == 3:
                return -1 <= hit[1] < len(sizes) - 1 and 0 <= hit[2] < sizes[hit[1] + 1]
            if hit[0] == "bias" and len(hit) == 3:
                return 0 <= hit[1] < len(sizes) - 1 and 0 <= hit[2] < sizes[hit[1] + 1]
            if hit[0] == "edge" and len(hit) == 4:
                i, j, k = hit[1:]
                return 0 <= i < len(sizes) - 1 and 0 <= j < sizes[i + 1] and 0 <= k < sizes[i]
        except TypeError:
            return False
        return False

    def hit_at(self, p: QPointF) -> tuple | None:
        """What is under the scene point: ``("bias", i, j)``, ``("unit", i, j)`` (``i = -1``:
        inputs), ``("edge", i, j, k)`` or ``None``."""
        if self._net is None:
            return None
        for row in self._biases:
            for b in row:
                if b.hit_rect().contains(p):
                    return ("bias", b.layer, b.j)
        # A number written on an edge or beside a bias stands for it (click it to edit).
        for i, labels in enumerate(self._edge_labels):
            for e, t in enumerate(labels):
                if t.isVisible() and t.lines and t.mapRectToScene(t.boundingRect()).contains(p):
                    n_in = self._bundles[i].n_in
                    return ("edge", i, e // n_in, e % n_in)
        for i, labels in enumerate(self._bias_labels):
            for j, t in enumerate(labels):
                if t.isVisible() and t.lines and t.mapRectToScene(t.boundingRect()).contains(p):
                    return ("bias", i, j)
        for col in self._units:
            for u in col:
                if u.contains_point(p):
                    return ("unit", u.layer, u.j)
        best, best_d = None, math.inf
        tol = 3.0 * self._style.factor
        for b in self._bundles:
            if not b.boundingRect().contains(p):
                continue
            e, d = b.nearest(p.x(), p.y(), tol)
            if e is not None and d < best_d:
                best, best_d = ("edge", b.layer, e // b.n_in, e % b.n_in), d
        return best

    def param_of(self, hit: tuple | None) -> int | None:
        """Index in ``net.params`` of the edge or bias ``hit`` (``None`` for units and for what
        this network does not have)."""
        if not self._valid(hit) or hit[0] == "unit":
            return None
        if hit[0] == "bias":
            return self._net.param_index("b", hit[1], hit[2])
        return self._net.param_index("w", hit[1], hit[2], hit[3])

    def item_center(self, hit: tuple) -> QPointF:
        """A scene point that hits ``hit`` (for tests and for placing the editor)."""
        if not self._valid(hit):
            return QPointF(-1e6, -1e6)  # nowhere on the canvas
        if hit[0] == "bias":
            return self._biases[hit[1]][hit[2]].pos()
        if hit[0] == "unit":
            return self._units[hit[1] + 1][hit[2]].pos()
        b = self._bundles[hit[1]]
        e = hit[2] * b.n_in + hit[3]
        line = b.line(e)
        # A spot on this edge that no unit, bias, written number or crossing edge covers.
        for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.45, 0.55, 0.35, 0.65, 0.25, 0.75):
            pt = line.pointAt(t)
            if self.hit_at(pt) == hit:
                return pt
        return line.pointAt(0.5)

    # ---- hover ---------------------------------------------------------------------------

    def _hover(self, p: QPointF | None) -> None:
        self._hover_pos = p
        hit = self.hit_at(p) if p is not None else None
        if hit != self._hovered:
            if self._valid(self._hovered):
                self._set_hover(self._hovered, False)
            self._hovered = hit
            self._set_hover(hit, True)
            self.hovered.emit(hit)
            editable = hit is not None and (hit[0] != "unit" or hit[1] >= 0)
            self._canvas.viewport().setCursor(
                Qt.CursorShape.PointingHandCursor if editable else Qt.CursorShape.ArrowCursor
            )
        self._show_hover_label()

    def _set_hover(self, hit: tuple | None, on: bool) -> None:
        if hit is None:
            return
        if hit[0] == "unit":
            u = self._units[hit[1] + 1][hit[2]]
            u.hovered = on
            u.update()
        elif hit[0] == "bias":
            b = self._biases[hit[1]][hit[2]]
            b.hovered = on
            b.update()
        else:
            b = self._bundles[hit[1]]
            b.hover = hit[2] * b.n_in + hit[3] if on else None
            b.update()

    def _show_hover_label(self) -> None:
        """The number of what the mouse points at, just above it, when none is written."""
        label, hit, p = self._hover_label, self._hovered, self._hover_pos
        if label is None:
            return
        text = self.hover_lines(hit) if p is not None and self._valid(hit) else []
        label.set_text(text)
        label.setVisible(bool(text))
        if not text:
            return
        rect = label.boundingRect()
        scene = self._scene.sceneRect()
        lift = 12 * self._style.factor + rect.height() / 2
        x = min(max(p.x(), scene.left() - rect.left() + 1), scene.right() - rect.right() - 1)
        y = p.y() - lift if p.y() - lift + rect.top() >= scene.top() else p.y() + lift
        label.setPos(QPointF(x, y))

    # ---- click, select, edit -------------------------------------------------------------

    def _click(self, p: QPointF) -> None:
        hit = self.hit_at(p)
        if hit is not None and hit[0] in ("edge", "bias"):
            self._select_param(hit)
            self.open_editor(hit)
            return
        self._escape()
        if hit is not None and hit[0] == "unit" and self._has_map(hit[1]):
            self._select_unit(None if self._selected_unit == hit[1:] else hit[1:])
        elif hit is None and self._selected_unit is not None:
            self._select_unit(None)

    def _has_map(self, layer: int) -> bool:
        """A unit of this layer has a map of its own to show on the data plot: every unit after
        the inputs, and input units that are derived features (x₁ and x₂ are the plot's axes)."""
        return layer >= 0 or (self._net is not None and self._net.features is not None)

    def _select_unit(self, unit: tuple[int, int] | None) -> None:
        if self._selected_unit is not None and self._valid(("unit", *self._selected_unit)):
            i, j = self._selected_unit
            u = self._units[i + 1][j]
            u.selected = False
            u.update()
        self._selected_unit = unit if self._valid(("unit", *(unit or ()))) else None
        if self._selected_unit is not None:
            u = self._units[unit[0] + 1][unit[1]]
            u.selected = True
            u.update()
        self.unitClicked.emit(*(self._selected_unit or (-1, -1)))

    def _select_param(self, hit: tuple | None) -> None:
        """Mark the edge or bias being edited (``None``: none)."""
        old = self._selected_param
        if self._valid(old):
            self._mark_param(old, False)
        self._selected_param = hit if self._valid(hit) and hit[0] != "unit" else None
        if self._selected_param is not None:
            self._mark_param(self._selected_param, True)

    def _mark_param(self, hit: tuple, on: bool) -> None:
        if hit[0] == "bias":
            b = self._biases[hit[1]][hit[2]]
            b.selected = on
            b.update()
        else:
            b = self._bundles[hit[1]]
            b.selected = hit[2] * b.n_in + hit[3] if on else None
            b.update()

    def _escape(self) -> None:
        """Close the field without applying it, and select no edge or bias."""
        self._editor.cancel()
        self._select_param(None)

    def _double_click(self, vp: QPoint) -> None:
        hit = self.hit_at(self._canvas.mapToScene(vp))
        if self.param_of(hit) is not None:
            self._select_param(hit)
            self.open_editor(hit, vp)

    def open_editor(self, hit: tuple | None, vp: QPoint | None = None) -> bool:
        """Open the inline editor on an edge or bias (``hit`` as from :meth:`hit_at`)."""
        index = self.param_of(hit)
        if index is None:
            return False
        if vp is None:
            vp = self._canvas.mapFromScene(self.item_center(hit))
        self._editor.open(index, float(self._net.params[index]), vp, self._net.param_name(index))
        return True

    def _place_editor(self) -> None:
        """Keep an open field beside its edge or bias after a relayout (or close it)."""
        index = self._editor.index
        if index is None or not self._editor.isVisible():
            return
        hit = self._selected_param
        if self.param_of(hit) != index:
            self._escape()
            return
        self._editor.move_near(self._canvas.mapFromScene(self.item_center(hit)))

    def _wheel(self, p: QPointF, steps: float, mods) -> bool:
        return self._nudge(self.param_of(self.hit_at(p)), steps, mods)

    def _nudge(self, index: int | None, steps: float, mods) -> bool:
        """Move parameter ``index`` by ``steps`` wheel notches (Shift × 10, Ctrl ÷ 10)."""
        if index is None or not steps or not 0 <= index < self._net.n_params:
            return False
        step = WHEEL_STEP
        if mods & Qt.KeyboardModifier.ShiftModifier:
            step *= 10
        if mods & Qt.KeyboardModifier.ControlModifier:
            step /= 10
        value = float(self._net.params[index]) + steps * step
        if not math.isfinite(value):
            return True  # a diverged weight stays as it is: the wheel cannot fix it
        self._edit(index, round(value, 10))
        return True

    def _edit(self, index: int, value: float) -> None:
        """Apply an edit to our copy at once (the diagram answers immediately), then tell."""
        if self._net is None or not 0 <= index < self._net.n_params:
            return
        self._net.params[index] = value
        self._weights_changed()
        if self._editor.isVisible() and self._editor.index == index:
            self._editor.show_value(value)  # a nudge while typing: Enter applies what it shows
        self.weightEdited.emit(int(index), float(value))

    def set_frozen(self, index: int, frozen: bool) -> None:
        """Freeze or free one parameter (as the context menu does) and emit ``freezeToggled``."""
        if self._frozen is None or not 0 <= index < len(self._frozen):
            return
        self._frozen[index] = bool(frozen)
        self._relayout()
        self.freezeToggled.emit(int(index), bool(frozen))

    def context_menu(self, vp: QPoint, global_pos: QPoint | None = None) -> QMenu | None:
        """The menu for what is under viewport point ``vp``; shown without blocking."""
        hit = self.hit_at(self._canvas.mapToScene(vp))
        if hit is None:
            return None
        menu = QMenu(self)
        if hit[0] == "unit":
            if not self._has_map(hit[1]):
                return None
            on = self._selected_unit == hit[1:]
            act = menu.addAction("Show the network output" if on else "Show this unit's map")
            act.triggered.connect(lambda: self._select_unit(None if on else hit[1:]))
        else:
            index = self.param_of(hit)
            name = self._net.param_name(index)
            menu.addSection(name)
            edit = menu.addAction("Edit value…")
            edit.triggered.connect(lambda: self._select_param(hit) or self.open_editor(hit, vp))
            freeze = menu.addAction("Frozen (not trained)")
            freeze.setCheckable(True)
            freeze.setChecked(bool(self._frozen[index]))
            freeze.setObjectName("freeze")
            freeze.toggled.connect(lambda on: self.set_frozen(index, on))
            zero = menu.addAction("Set to 0")
            zero.triggered.connect(lambda: self._edit(index, 0.0))
        self._menu = menu
        menu.popup(global_pos if global_pos is not None else self._canvas.mapToGlobal(vp))
        return menu
