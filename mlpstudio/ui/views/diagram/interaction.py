"""What the mouse does on the diagram: hover, click, edit, freeze, context menu and tooltips.

:class:`InteractionMixin` is the part of :class:`~.view.NetworkView` that finds what is under a
point (:meth:`~InteractionMixin.hit_at`) and turns gestures into the view's signals. An edit is
applied to the view's copy of the network at once (the diagram answers immediately) and then
emitted; the main window applies it to the live network.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QMenu, QToolTip

from ....core import activations
from ....core import diagnostics as dg

if TYPE_CHECKING:
    from ....core.network import Network

WHEEL_STEP = 0.05  # one wheel notch over a weight or bias; Shift × 10, Ctrl ÷ 10


class InteractionMixin:
    """Mouse and keyboard on the diagram, for :class:`~.view.NetworkView`."""

    _net: Network | None

    def hit_at(self, p: QPointF) -> tuple | None:
        """What is under the scene point: ``("bias", i, j)``, ``("unit", i, j)`` (``i = -1``:
        inputs), ``("edge", i, j, k)`` or ``None``."""
        if self._net is None:
            return None
        for row in self._biases:
            for b in row:
                if b.hit_rect().contains(p):
                    return ("bias", b.layer, b.j)
        # A number written on an edge or beside a bias stands for it (double-click it to edit).
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
        """Index in ``net.params`` of the edge or bias ``hit`` (``None`` for units)."""
        if hit is None or hit[0] == "unit":
            return None
        if hit[0] == "bias":
            return self._net.param_index("b", hit[1], hit[2])
        return self._net.param_index("w", hit[1], hit[2], hit[3])

    def item_center(self, hit: tuple) -> QPointF:
        """A scene point that hits ``hit`` (for tests and for placing the editor)."""
        if hit[0] == "bias":
            return self._biases[hit[1]][hit[2]].pos()
        if hit[0] == "unit":
            return self._units[hit[1] + 1][hit[2]].pos()
        b = self._bundles[hit[1]]
        e = hit[2] * b.n_in + hit[3]
        line = b.line(e)
        # A spot on this edge that no unit, bias or crossing edge covers.
        for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.45, 0.55, 0.35, 0.65):
            pt = line.pointAt(t)
            if self.hit_at(pt) == hit:
                return pt
        return line.pointAt(0.5)

    def _hover(self, p: QPointF | None) -> None:
        hit = self.hit_at(p) if p is not None else None
        if hit == self._hovered:
            return
        self._set_hover(self._hovered, False)
        self._hovered = hit
        self._set_hover(hit, True)
        self.hovered.emit(hit)
        editable = hit is not None and (hit[0] != "unit" or hit[1] >= 0)
        self._canvas.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor if editable else Qt.CursorShape.ArrowCursor
        )

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

    def _click(self, p: QPointF) -> None:
        hit = self.hit_at(p)
        if hit is not None and hit[0] == "unit" and hit[1] >= 0:
            self._select_unit(None if self._selected_unit == hit[1:] else hit[1:])
        elif hit is None and self._selected_unit is not None:
            self._select_unit(None)

    def _select_unit(self, unit: tuple[int, int] | None) -> None:
        if self._selected_unit is not None:
            i, j = self._selected_unit
            u = self._units[i + 1][j]
            u.selected = False
            u.update()
        self._selected_unit = unit
        if unit is not None:
            u = self._units[unit[0] + 1][unit[1]]
            u.selected = True
            u.update()
        self.unitClicked.emit(*(unit if unit is not None else (-1, -1)))

    def _double_click(self, vp: QPoint) -> None:
        hit = self.hit_at(self._canvas.mapToScene(vp))
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

    def _wheel(self, p: QPointF, steps: float, mods) -> bool:
        index = self.param_of(self.hit_at(p))
        if index is None or not steps:
            return False
        step = WHEEL_STEP
        if mods & Qt.KeyboardModifier.ShiftModifier:
            step *= 10
        if mods & Qt.KeyboardModifier.ControlModifier:
            step /= 10
        value = round(float(self._net.params[index]) + steps * step, 10)
        self._edit(index, value)
        return True

    def _edit(self, index: int, value: float) -> None:
        """Apply an edit to our copy at once (the diagram answers immediately), then tell."""
        self._net.params[index] = value
        self._weights_changed()
        self.weightEdited.emit(int(index), float(value))

    def set_frozen(self, index: int, frozen: bool) -> None:
        """Freeze or free one parameter (as the context menu does) and emit ``freezeToggled``."""
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
            if hit[1] < 0:
                return None
            on = self._selected_unit == hit[1:]
            act = menu.addAction("Show the network output" if on else "Show this unit's map")
            act.triggered.connect(lambda: self._select_unit(None if on else hit[1:]))
        else:
            index = self.param_of(hit)
            name = self._net.param_name(index)
            menu.addSection(name)
            edit = menu.addAction("Edit value…")
            edit.triggered.connect(lambda: self.open_editor(hit, vp))
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

    # ---- tooltips ------------------------------------------------------------------------------

    def tooltip_lines(self, hit: tuple | None) -> list[str]:
        """The tooltip of a unit, edge or bias, with the engine's numbers."""
        net, insp = self._net, self._insp
        if hit is None or net is None:
            return []
        if hit[0] == "unit":
            i, j = hit[1], hit[2]
            if insp is None:
                lines = [dg.unit_title(net, i, j)]
                if i >= 0:
                    act = activations.get(net.activations[i])
                    lines += [act.formula, act.derivative]
                lines.append("select a point to see z, a and δ")
                if i >= 0 and self._saturation is not None:
                    sat = float(self._saturation[i][j])
                    line = dg.saturation_line(net, i, sat, self._saturation_over)
                    if line:
                        lines.append(line)
            else:
                sat = None
                if i >= 0 and self._saturation is not None:
                    sat = float(self._saturation[i][j])
                lines = dg.unit_formulas(net, insp, i, j, sat, self._saturation_over)
            if i >= 0:
                lines.append("click: show this unit's map in the data plot")
            return lines
        update = self._update
        index = self.param_of(hit)
        frozen = bool(self._frozen[index])
        if hit[0] == "bias":
            lines = dg.bias_formulas(net, insp, hit[1], hit[2], update, frozen)
        else:
            lines = dg.edge_formulas(net, insp, hit[1], hit[2], hit[3], update, frozen)
        lines.append("double-click or wheel: edit (Shift ×10) · right-click: freeze")
        return lines

    def _tooltip_html(self, lines: list[str]) -> str:
        if not lines:
            return ""
        body = "<br>".join(html.escape(s) for s in lines[1:])
        return f"<p style='white-space:pre'><b>{html.escape(lines[0])}</b><br>{body}</p>"

    def _show_tooltip(self, vp: QPoint, global_pos: QPoint) -> None:
        hit = self.hit_at(self._canvas.mapToScene(vp))
        lines = self.tooltip_lines(hit)
        self._tip = hit if lines else None
        self._tip_pos = global_pos
        if lines:
            QToolTip.showText(global_pos, self._tooltip_html(lines), self._canvas.viewport())
        else:
            QToolTip.hideText()

    def _refresh_tooltip(self) -> None:
        """Keep an open tooltip's numbers live while training runs."""
        if self._tip is None or self._tip_pos is None or not QToolTip.isVisible():
            return
        lines = self.tooltip_lines(self._tip)
        if lines:
            QToolTip.showText(self._tip_pos, self._tooltip_html(lines), self._canvas.viewport())
