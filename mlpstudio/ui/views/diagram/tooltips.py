"""The diagram's tooltips: the lecture's formulas with the engine's numbers, kept live.

:class:`TooltipMixin` is the part of :class:`~.view.NetworkView` that writes the tooltip of a
unit, an edge or a bias (from ``core.diagnostics``) and refreshes an open one while training
runs. A tooltip about a value the quiz is asking for keeps its numbers to itself.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QToolTip

from ....core import activations
from ....core import diagnostics as dg

if TYPE_CHECKING:
    from ....core.network import Network

HINT_PARAM = "click: type its value (Enter applies, Esc cancels) · wheel: nudge (Shift ×10)"
HINT_FREEZE = "right-click: freeze"


class TooltipMixin:
    """Tooltips of :class:`~.view.NetworkView` (its state lives on the view)."""

    _net: Network | None
    _insp: dg.Inspection | None
    _hidden: set[tuple]

    def _asked_about(self, hit: tuple) -> bool:
        """Whether the quiz hides a value of the unit, edge or bias ``hit`` (or of its unit)."""
        return any(t[1:3] == hit[1:3] for t in self._hidden if len(t) >= 3)

    def tooltip_lines(self, hit: tuple | None) -> list[str]:
        """The tooltip of a unit, edge or bias, with the engine's numbers."""
        net, insp = self._net, self._insp
        if not self._valid(hit):
            return []
        if self._asked_about(hit):
            title = (
                dg.unit_title(net, hit[1], hit[2])
                if hit[0] == "unit"
                else (net.param_name(self.param_of(hit)))
            )
            return [title, "its numbers are hidden while the quiz asks for one of them"]
        if hit[0] == "unit":
            i, j = hit[1], hit[2]
            sat = None
            if i >= 0 and self._saturation is not None:
                sat = float(self._saturation[i][j])
            if insp is None:
                lines = [dg.unit_title(net, i, j)]
                if i >= 0:
                    act = activations.get(net.activations[i])
                    lines += [act.formula, act.derivative]
                lines.append("select a point to see z, a and δ")
                if sat is not None:
                    line = dg.saturation_line(net, i, sat, self._saturation_over)
                    if line:
                        lines.append(line)
            else:
                lines = dg.unit_formulas(net, insp, i, j, sat, self._saturation_over)
            if i >= 0:
                lines.append("click: show this unit's map in the data plot")
            return lines
        index = self.param_of(hit)
        frozen = bool(self._frozen[index])
        if hit[0] == "bias":
            lines = dg.bias_formulas(net, insp, hit[1], hit[2], self._update, frozen)
        else:
            lines = dg.edge_formulas(net, insp, hit[1], hit[2], hit[3], self._update, frozen)
        lines += [HINT_PARAM, HINT_FREEZE]
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
