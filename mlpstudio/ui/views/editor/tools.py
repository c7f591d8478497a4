"""The editor's tools: mouse gestures on the data plot turned into edits.

In the editing tools (the neutral Select tool leaves the plot as it was: pan, zoom, click to
follow a point):

- Add: left click adds a point of the current class where the click is, in data coordinates;
  keep the button down to place it. Left-drag an existing point to move it.
- Spray (or Shift+drag in Add): many random points of the current class in a brush.
- Erase: deletes every point under the brush. Right click (or Ctrl+click) deletes the nearest
  point in any editing tool.
- Box (or Alt+drag in Add): selects the points in a rectangle, for Delete, relabel, train/test.

The middle button pans and the wheel zooms in every tool; a whole drag is one undo step.
:class:`MouseTools` watches the plot's viewport and makes the edits through the
:class:`~.editor.DataEditor`, which checks, records and announces them.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsRectItem

from ....core.editing import spray_points
from ... import palette
from .geometry import PlotGeometry

if TYPE_CHECKING:
    from .editor import DataEditor

DRAG_THRESHOLD_PX = 3.0  # less movement than this between press and release is a click


class Tool(str, enum.Enum):
    SELECT = "select"
    ADD = "add"
    SPRAY = "spray"
    ERASE = "erase"
    BOX = "box"


TOOL_TEXT = {
    Tool.SELECT: ("Select", "Pan, zoom and click a point to follow it (no editing)"),
    Tool.ADD: (
        "Add",
        "Click to add a point of the current class; drag a point to move it.\n"
        "Shift+drag sprays, Alt+drag selects a box, right click deletes the nearest point",
    ),
    Tool.SPRAY: ("Spray", "Drag to spray points of the current class with the brush"),
    Tool.ERASE: ("Erase", "Drag to delete the points under the brush"),
    Tool.BOX: ("Box", "Drag a box to select points, then Delete, relabel or mark train/test"),
}


class _Drag:
    """What the left button is doing between press and release."""

    def __init__(self, kind: str, scene: QPointF, index: int = -1) -> None:
        self.kind = kind  # "move", "spray", "erase", "box"
        self.start = scene
        self.index = index
        self.grab = np.zeros(2)  # point minus mouse, in shown coordinates, for "move"
        self.moved = False
        self.clicked_point = -1  # a press on a point that turns out to be a click selects it


class MouseTools(QObject):
    """The mouse on the plot's viewport, read by the editor's current tool.

    Draws the gestures' feedback on the plot: the box being dragged and the brush's circle.
    """

    def __init__(self, editor: DataEditor, geometry: PlotGeometry, seed: int = 0) -> None:
        super().__init__(editor)
        self.editor = editor
        self.geo = geometry
        self._rng = np.random.default_rng(seed)
        self._drag: _Drag | None = None
        self._held = False  # a press was taken by the editor: its moves and release are too

        vb = geometry.view_box
        self._box = QGraphicsRectItem()
        self._box.setZValue(40)
        self._box.hide()
        vb.addItem(self._box, ignoreBounds=True)
        self._brush = QGraphicsEllipseItem()
        self._brush.setZValue(40)
        self._brush.hide()
        vb.addItem(self._brush, ignoreBounds=True)
        self._style_overlays()
        geometry.widget.viewport().installEventFilter(self)

    def tool_changed(self, tool: Tool) -> None:
        self._brush.hide()
        self.geo.widget.viewport().setCursor(
            Qt.CursorShape.ArrowCursor if tool == Tool.SELECT else Qt.CursorShape.CrossCursor
        )

    def finish(self) -> None:
        """End a drag (the tool changed, the data was replaced): its edits become one step."""
        drag, self._drag = self._drag, None
        self._box.hide()
        if drag is not None:
            self.editor.end_step()

    def set_theme(self, name: str) -> None:
        fg = QColor(palette.theme(name)["foreground"])
        for item in (self._box, self._brush):
            pen = item.pen()
            pen.setColor(fg)
            item.setPen(pen)

    # ---- events ----------------------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not self.editor.enabled:
            return False
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self._held = self._press(event)
            return self._held
        if kind == QEvent.Type.MouseMove:
            return self._move(event)
        if kind == QEvent.Type.MouseButtonRelease:
            return self._release(event)
        if kind == QEvent.Type.Leave:
            self._brush.hide()
        return False

    def _press(self, event: QMouseEvent) -> bool:
        """Start what the press means in the current tool; True when the editor takes it."""
        ed, geo = self.editor, self.geo
        tool = ed.tool
        if tool == Tool.SELECT:
            return False
        button, mods = event.button(), event.modifiers()
        if button == Qt.MouseButton.MiddleButton:
            return False  # the view box pans with the middle button in every tool
        scene = geo.scene_of(event)
        if self._drag is not None:
            return True  # a second button during a drag does nothing
        if not geo.on_plot_area(scene):
            return False
        geo.widget.setFocus(Qt.FocusReason.MouseFocusReason)  # the editor's keys work now
        u, v = geo.scene_to_shown(scene)
        x, y = geo.to_stored(u, v)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if button == Qt.MouseButton.RightButton or (button == Qt.MouseButton.LeftButton and ctrl):
            ed.delete_nearest(x, y)
            return True
        if button != Qt.MouseButton.LeftButton:
            return True
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if tool == Tool.BOX or (tool == Tool.ADD and alt):
            self._drag = _Drag("box", scene)
            self._show_box(scene, scene)
        elif tool == Tool.SPRAY or (tool == Tool.ADD and shift):
            self._drag = _Drag("spray", scene)
            ed.begin_step("spray")
            self._spray(u, v)
        elif tool == Tool.ERASE:
            self._drag = _Drag("erase", scene)
            ed.begin_step("erase")
            self._erase(u, v)
        else:
            i = geo.nearest(ed.points, x, y)
            if i >= 0:
                self._drag = _Drag("move", scene, i)
                self._drag.clicked_point = i
                self._drag.grab = geo.to_shown(ed.points.X[i]) - (u, v)
                ed.begin_step("move point")
            else:
                # The new point follows the mouse until release: adding and placing it is one
                # step, and a release is not a click on it.
                ed.begin_step("add point")
                self._drag = _Drag("move", scene)
                self._drag.index = ed.add_point(x, y)
                self._drag.moved = True
        return True

    def _move(self, event: QMouseEvent) -> bool:
        scene = self.geo.scene_of(event)
        self._update_brush(scene, event.modifiers())
        drag = self._drag
        if drag is None:
            return self._held
        u, v = self.geo.scene_to_shown(scene)
        d = scene - drag.start
        if abs(d.x()) + abs(d.y()) >= DRAG_THRESHOLD_PX:
            drag.moved = True
        if drag.kind == "box":
            self._show_box(drag.start, scene)
        elif drag.kind == "spray":
            self._spray(u, v)
        elif drag.kind == "erase":
            self._erase(u, v)
        elif drag.kind == "move" and drag.index >= 0 and drag.moved:
            su, sv = np.array([u, v]) + drag.grab
            self.editor.move_point(drag.index, *self.geo.to_stored(su, sv))
        return True

    def _release(self, event: QMouseEvent) -> bool:
        drag, held = self._drag, self._held
        if drag is None:
            self._held = False
            return held
        if event.button() != Qt.MouseButton.LeftButton:
            return True
        self._held = False
        if drag.kind == "box":
            self._select_box(drag.start, self.geo.scene_of(event))
        self.finish()
        if drag.kind == "move" and not drag.moved and drag.clicked_point >= 0:
            self.geo.plot.pointClicked.emit(drag.clicked_point)  # a click on a point selects it
        return True

    # ---- the gestures ----------------------------------------------------------------------

    def _spray(self, u: float, v: float) -> None:
        r = self.editor.brush_px / 2.0
        sx, sy = self.geo.shown_pixel()
        shown = spray_points(self._rng, (u, v), (r * sx, r * sy), self.editor.density)
        self.editor.add_points(shown * self.geo.std + self.geo.mean)

    def _erase(self, u: float, v: float) -> None:
        points, geo = self.editor.points, self.geo
        x, y = geo.to_stored(u, v)
        px, py = geo.stored_pixel()
        r = self.editor.brush_px / 2.0
        rows = geo.visible_rows(points, points.indices_in_ellipse(x, y, r * px, r * py))
        if len(rows):
            self.editor.delete_points(rows)

    def _select_box(self, a: QPointF, b: QPointF) -> None:
        points, geo = self.editor.points, self.geo
        rows = points.indices_in_box(*geo.scene_to_stored(a), *geo.scene_to_stored(b))
        self.editor.set_selection(geo.visible_rows(points, rows))

    # ---- feedback on the plot --------------------------------------------------------------

    def _style_overlays(self) -> None:
        fg = QColor(palette.theme("light")["foreground"])
        pen = pg.mkPen(fg, width=1, style=Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self._box.setPen(pen)
        fill = QColor(palette.theme("light")["accent"])
        fill.setAlpha(40)
        self._box.setBrush(pg.mkBrush(fill))
        brush_pen = pg.mkPen(fg, width=1)
        brush_pen.setCosmetic(True)
        self._brush.setPen(brush_pen)

    def _show_box(self, a: QPointF, b: QPointF) -> None:
        (u0, v0), (u1, v1) = self.geo.scene_to_shown(a), self.geo.scene_to_shown(b)
        self._box.setRect(QRectF(min(u0, u1), min(v0, v1), abs(u1 - u0), abs(v1 - v0)))
        self._box.show()

    def _update_brush(self, scene: QPointF, mods: Qt.KeyboardModifier) -> None:
        tool = self.editor.tool
        spraying = tool == Tool.ADD and bool(mods & Qt.KeyboardModifier.ShiftModifier)
        brushed = tool in (Tool.SPRAY, Tool.ERASE) or spraying
        if not brushed or not self.geo.on_plot_area(scene):
            self._brush.hide()
            return
        u, v = self.geo.scene_to_shown(scene)
        sx, sy = self.geo.shown_pixel()
        rx, ry = self.editor.brush_px / 2.0 * sx, self.editor.brush_px / 2.0 * sy
        self._brush.setRect(QRectF(u - rx, v - ry, 2 * rx, 2 * ry))
        self._brush.show()
