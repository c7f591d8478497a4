"""The data editor: draw, move, spray, erase and relabel points on the data plot, with undo.

:class:`DataEditor` watches the mouse on a :class:`~mlpstudio.ui.data_plot.DataPlot` and turns
gestures into edits of a :class:`~mlpstudio.core.editing.PointSet` (the engine's editable
dataset, where undo and redo live). After every change it emits ``datasetEdited`` with a fresh
:class:`~mlpstudio.core.datasets.Dataset` (``dataReplaced`` when an undo or redo swaps the whole
data, such as an import, back or forth); the owner shows it and hands it to the worker.
:class:`EditorToolbar` is the small strip of tools, class palette and buttons that drives it.

The mouse, in the editing tools (the neutral Select tool leaves the plot as it was: pan, zoom,
click to follow a point):

- Add: left click adds a point of the current class where the click is, in data coordinates;
  keep the button down to place it. Left-drag an existing point to move it.
- Spray (or Shift+drag in Add): many random points of the current class in a brush.
- Erase: deletes every point under the brush. Right click (or Ctrl+click) deletes the nearest
  point in any editing tool.
- Box (or Alt+drag in Add): selects the points in a rectangle, for Delete, relabel, train/test.

The middle button pans and the wheel zooms in every tool; a whole drag is one undo step.

The plot may show the points in other coordinates than the ones stored (standardised):
:meth:`DataEditor.set_transform` says how, and the editor stores what the person meant.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QGraphicsEllipseItem,
    QGraphicsRectItem,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLayout,
    QLayoutItem,
    QSpinBox,
    QToolButton,
    QWidget,
)

from ...core import editing
from ...core.datasets import Dataset
from ...core.editing import EditError, PointSet
from .. import palette
from .data_plot import CLICK_RADIUS_PX, DataPlot

DRAG_THRESHOLD_PX = 3.0  # less movement than this between press and release is a click
DEFAULT_BRUSH_PX = 30
DEFAULT_DENSITY = 3


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
        self.grab = np.zeros(2)  # point minus mouse, in display coordinates, for "move"
        self.moved = False
        self.clicked_point = -1  # a press on a point that turns out to be a click selects it


class DataEditor(QObject):
    """Edits a :class:`PointSet` through the mouse on ``plot`` and through actions and keys.

    ``drive_plot`` makes the editor show each new dataset on the plot itself (no transform);
    an owner that draws the data itself (the main window, which may standardise it) passes
    False and calls ``plot.set_dataset(..., fit=False)`` on ``datasetEdited`` (and treats
    ``dataReplaced`` like newly loaded data). ``confirm_class_change`` may veto a change of the
    class count (which resets the network) before anything is emitted.
    """

    datasetEdited = Signal(object)  # Dataset: the points after an edit, an undo or a redo
    dataReplaced = Signal(object)  # Dataset: an undo/redo swapped the whole data (an import)
    classesChanged = Signal(int)  # the class count changed (the network's outputs follow)
    currentClassChanged = Signal(int)
    toolChanged = Signal(str)
    selectionChanged = Signal(object)  # np.ndarray of the selected rows
    stateChanged = Signal()  # anything the toolbar shows may have changed
    message = Signal(str)  # why an edit was refused

    def __init__(
        self,
        plot: DataPlot,
        points: PointSet | None = None,
        parent: QObject | None = None,
        drive_plot: bool = True,
        seed: int = 0,
    ) -> None:
        super().__init__(parent if parent is not None else plot)
        self.plot = plot
        self.points = points if points is not None else PointSet()
        self.drive_plot = drive_plot
        self._brush_px = DEFAULT_BRUSH_PX
        self._density = DEFAULT_DENSITY
        self._test_ratio = 0.2
        self.split_seed = seed
        #: Called as ``confirm_class_change(old_count, new_count)`` before a change of the class
        #: count is kept (it resets the network); returning False takes the change back.
        self.confirm_class_change: Callable[[int, int], bool] | None = None
        self._rng = np.random.default_rng(seed)
        self._tool = Tool.ADD
        self._class = 0
        self._selection = np.zeros(0, dtype=np.int64)
        self._drag: _Drag | None = None
        self._mean = np.zeros(2)
        self._std = np.ones(2)
        self._toolbar: EditorToolbar | None = None
        self._theme = "light"
        self._enabled = True  # False while the data has other than 2 features
        self._held = False  # a press was taken by the editor: its moves and release are too

        self._pw = plot.plot_widget
        self._vb = self._pw.getPlotItem().getViewBox()
        self._selected_item = pg.ScatterPlotItem(pxMode=True, symbol="o")
        self._selected_item.setZValue(13)
        self._vb.addItem(self._selected_item, ignoreBounds=True)
        self._box = QGraphicsRectItem()
        self._box.setZValue(40)
        self._box.hide()
        self._vb.addItem(self._box, ignoreBounds=True)
        self._brush = QGraphicsEllipseItem()
        self._brush.setZValue(40)
        self._brush.hide()
        self._vb.addItem(self._brush, ignoreBounds=True)
        self._style_overlays()

        self._build_actions()
        self._pw.viewport().installEventFilter(self)
        self._pw.installEventFilter(self)  # keys go to the view, the mouse to its viewport
        plot.pointClicked.connect(self._point_clicked)
        if drive_plot:
            plot.set_dataset(self.points.dataset(), fit=True)

    # ---- public API ------------------------------------------------------------------------

    @property
    def tool(self) -> Tool:
        return self._tool

    def set_tool(self, tool: Tool | str) -> None:
        tool = Tool(tool)
        self._finish_drag()
        if tool == self._tool:
            return
        self._tool = tool
        self._brush.hide()
        self._pw.viewport().setCursor(
            Qt.CursorShape.ArrowCursor if tool == Tool.SELECT else Qt.CursorShape.CrossCursor
        )
        self.toolChanged.emit(tool.value)
        self.stateChanged.emit()

    @property
    def brush_px(self) -> int:
        """The brush diameter in screen pixels (spray and erase)."""
        return self._brush_px

    @brush_px.setter
    def brush_px(self, value: int) -> None:
        self._brush_px = max(1, int(value))
        self.stateChanged.emit()

    @property
    def density(self) -> int:
        """How many points a spray adds at each step of the mouse."""
        return self._density

    @density.setter
    def density(self, value: int) -> None:
        self._density = max(1, int(value))
        self.stateChanged.emit()

    @property
    def test_ratio(self) -> float:
        """The share of test points a re-split makes."""
        return self._test_ratio

    @test_ratio.setter
    def test_ratio(self, value: float) -> None:
        self._test_ratio = float(value)
        self.stateChanged.emit()

    @property
    def current_class(self) -> int:
        return self._class

    def set_current_class(self, k: int) -> None:
        if not 0 <= k < self.points.n_classes or k == self._class:
            return
        self._class = k
        self.currentClassChanged.emit(k)
        self.stateChanged.emit()

    def selection(self) -> np.ndarray:
        """The selected rows (a box, or the point last clicked)."""
        return self._selection.copy()

    def set_selection(self, indices: object) -> None:
        idx = np.unique(np.asarray(indices, dtype=np.int64).reshape(-1))
        self._selection = idx[(idx >= 0) & (idx < self.points.n_points)]
        self._update_selection_item()
        self.selectionChanged.emit(self._selection.copy())
        self.stateChanged.emit()

    def dataset(self) -> Dataset:
        return self.points.dataset()

    def load(self, dataset: Dataset, undoable: bool = False) -> None:
        """Take ``dataset`` from the owner (generated, opened, imported). No ``datasetEdited``.

        ``undoable`` makes it one step that Ctrl+Z takes back (an import or a regeneration);
        otherwise the history starts over (a new or opened project).
        """
        self._finish_drag()
        if dataset.n_features != 2:
            # A model's data with other than 2 features cannot be drawn: editing is off.
            self._enabled = False
            self.points.reset(PointSet.empty())
            self.message.emit(f"The editor draws 2 features; this data has {dataset.n_features}")
        else:
            self._enabled = True
            if undoable:
                self.points.replace(dataset)
            else:
                self.points.reset(dataset)
        self._class = min(self._class, self.points.n_classes - 1)
        self._selection = np.zeros(0, dtype=np.int64)
        self._update_selection_item()
        if self.drive_plot:
            self.plot.set_dataset(self.points.dataset(), fit=True)
        self._sync_actions()
        self.stateChanged.emit()

    def set_transform(self, mean: object = None, std: object = None) -> None:
        """The plot shows ``(X - mean) / std`` (standardised); None for the stored points."""
        self._mean = np.zeros(2) if mean is None else np.asarray(mean, dtype=np.float64)
        self._std = np.ones(2) if std is None else np.asarray(std, dtype=np.float64)
        self._update_selection_item()

    def toolbar(self) -> EditorToolbar:
        """The editor's strip of tools and buttons (made once)."""
        if self._toolbar is None:
            self._toolbar = EditorToolbar(self)
        return self._toolbar

    def actions(self) -> dict[str, QAction]:
        """Undo, redo, delete, escape and the class keys, by name (for menus and shortcuts)."""
        return dict(self._actions)

    def install_shortcuts(self, widget: QWidget, names: tuple[str, ...] = ("undo", "redo")) -> None:
        """Give the named actions their keys anywhere in ``widget``'s window (the main window).

        Without this the keys work while the plot has keyboard focus (a click on it gives it).
        """
        for name in names:
            action = self._actions[name]
            action.setShortcuts(self._keys[name])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            widget.addAction(action)

    # ---- edits -----------------------------------------------------------------------------

    def add_point(self, x: float, y: float) -> int:
        """Add a point of the current class at stored coordinates ``(x, y)``; its row or -1."""
        idx = self._edit(lambda: self.points.add_points([[x, y]], self._class))
        return int(idx[0]) if idx is not None else -1

    def delete_nearest(self, x: float, y: float, max_px: float = CLICK_RADIUS_PX) -> int:
        """Delete the shown point nearest to stored ``(x, y)`` within ``max_px`` pixels."""
        i = self._nearest(x, y, max_px)
        if i >= 0:
            self._edit(lambda: self.points.delete([i]))
        return i

    def delete_selected(self) -> None:
        if len(self._selection):
            sel = self._selection
            self._edit(lambda: self.points.delete(sel))

    def relabel_selected(self, k: int | None = None) -> None:
        k = self._class if k is None else k
        if len(self._selection):
            sel = self._selection
            self._edit(lambda: self.points.relabel(sel, k))

    def mark_selected(self, train: bool) -> None:
        if len(self._selection):
            sel = self._selection
            self._edit(lambda: self.points.set_train(sel, train))

    def resplit(self, test_ratio: float | None = None) -> None:
        """A new random train/test split with ``test_ratio`` (a new seed each time)."""
        ratio = self.test_ratio if test_ratio is None else test_ratio
        seed = self.split_seed
        self.split_seed += 1
        self._edit(lambda: self.points.resplit(ratio, seed))

    def clear(self) -> None:
        self._edit(self.points.clear)

    def add_class(self, name: str | None = None) -> int:
        k = self._edit(lambda: self.points.add_class(name))
        if k is not None:
            self.set_current_class(k)
            return k
        return -1

    def rename_class(self, k: int, name: str) -> None:
        self._edit(lambda: self.points.rename_class(k, name))

    def remove_class(self, k: int | None = None) -> None:
        """Remove class ``k`` (the current one by default) and delete its points."""
        k = self._class if k is None else k
        self._edit(lambda: self.points.remove_class(k))

    def undo(self) -> None:
        self._finish_drag()
        self._step(self.points.undo, self.points.redo)

    def redo(self) -> None:
        self._finish_drag()
        self._step(self.points.redo, self.points.undo)

    def _edit(self, fn: Callable[[], object]) -> object:
        """Make one edit; say why if it is refused; emit what changed. Returns fn's result."""
        if not self._enabled:
            return None
        before_n, before_v, before_points = (
            self.points.n_classes,
            self.points.version,
            self.points.n_points,
        )
        try:
            result = fn()
        except EditError as e:
            self.message.emit(str(e))
            return None
        if self.points.version == before_v:
            return result
        if self.points.in_group:
            self._changed(before_n, before_points)
            return result
        if not self._class_change_ok(before_n):
            self.points.undo()
            self.points.discard_redo()
            return None
        self._changed(before_n, before_points)
        return result

    def _step(self, go: Callable[[], bool], back: Callable[[], bool]) -> None:
        if not self._enabled:
            return
        before_n, before_points = self.points.n_classes, self.points.n_points
        if not go():
            return
        if not self._class_change_ok(before_n):
            back()
            return
        self._changed(before_n, before_points)

    def _class_change_ok(self, before_n: int) -> bool:
        after = self.points.n_classes
        ask = self.confirm_class_change
        return after == before_n or ask is None or bool(ask(before_n, after))

    def _changed(self, before_n: int, before_points: int) -> None:
        ps = self.points
        self._class = min(self._class, ps.n_classes - 1)
        if ps.n_points != before_points:
            self._selection = np.zeros(0, dtype=np.int64)
        ds = ps.dataset()
        if self.drive_plot:
            self.plot.set_dataset(ds, fit=ps.replaced_all)
        self._update_selection_item()
        self._sync_actions()
        if ps.replaced_all:
            self.dataReplaced.emit(ds)
        else:
            self.datasetEdited.emit(ds)
        if ps.n_classes != before_n:
            self.classesChanged.emit(ps.n_classes)
        self.stateChanged.emit()

    # ---- coordinates -----------------------------------------------------------------------

    def _to_stored(self, u: float, v: float) -> tuple[float, float]:
        return float(u * self._std[0] + self._mean[0]), float(v * self._std[1] + self._mean[1])

    def _to_shown(self, X: np.ndarray) -> np.ndarray:
        return (X - self._mean) / self._std

    def _scene_to_shown(self, scene: QPointF) -> tuple[float, float]:
        p = self._vb.mapSceneToView(scene)
        return float(p.x()), float(p.y())

    def _pixel(self) -> tuple[float, float]:
        """The size of a screen pixel in stored units, per axis."""
        sx, sy = self._vb.viewPixelSize()
        return abs(sx) * float(self._std[0]), abs(sy) * float(self._std[1])

    def _visible(self) -> np.ndarray | None:
        return None if self.plot.shows_test() else np.asarray(self.points.train_mask)

    def _nearest(self, x: float, y: float, max_px: float = CLICK_RADIUS_PX) -> int:
        return self.points.nearest(x, y, max_px, scale=self._pixel(), among=self._visible())

    # ---- mouse -----------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        """False while the owner's data cannot be edited (not 2 features): nothing is taken."""
        return self._enabled

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not self._enabled:
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            return obj is self._pw and self._key(event)
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            return self._press(event)
        if kind == QEvent.Type.MouseMove:
            return self._move(event)
        if kind == QEvent.Type.MouseButtonRelease:
            return self._release(event)
        if kind == QEvent.Type.Leave:
            self._brush.hide()
        return False

    def _scene(self, event: QMouseEvent) -> QPointF:
        return self._pw.mapToScene(event.position().toPoint())

    def _on_plot_area(self, scene: QPointF) -> bool:
        return self._vb.sceneBoundingRect().contains(scene) and not self.plot.legend_contains(scene)

    def _press(self, event: QMouseEvent) -> bool:
        self._held = self._take_press(event)
        return self._held

    def _take_press(self, event: QMouseEvent) -> bool:
        if self._tool == Tool.SELECT:
            return False
        button, mods = event.button(), event.modifiers()
        if button == Qt.MouseButton.MiddleButton:
            return False  # the view box pans with the middle button in every tool
        scene = self._scene(event)
        if self._drag is not None:
            return True  # a second button during a drag does nothing
        if not self._on_plot_area(scene):
            return False
        self._pw.setFocus(Qt.FocusReason.MouseFocusReason)
        u, v = self._scene_to_shown(scene)
        x, y = self._to_stored(u, v)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if button == Qt.MouseButton.RightButton or (button == Qt.MouseButton.LeftButton and ctrl):
            self.delete_nearest(x, y)
            return True
        if button != Qt.MouseButton.LeftButton:
            return True
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if self._tool == Tool.BOX or (self._tool == Tool.ADD and alt):
            self._drag = _Drag("box", scene)
            self._show_box(scene, scene)
        elif self._tool == Tool.SPRAY or (self._tool == Tool.ADD and shift):
            self._drag = _Drag("spray", scene)
            self.points.begin("spray")
            self._spray(u, v)
        elif self._tool == Tool.ERASE:
            self._drag = _Drag("erase", scene)
            self.points.begin("erase")
            self._erase(u, v)
        else:
            i = self._nearest(x, y)
            if i >= 0:
                self._drag = _Drag("move", scene, i)
                self._drag.clicked_point = i
                self._drag.grab = self._to_shown(self.points.X[i]) - (u, v)
                self.points.begin("move point")
            else:
                self.points.begin("add point")
                self._drag = _Drag("move", scene)
                j = self.add_point(x, y)
                self._drag.index = j
                self._drag.moved = True  # a new point: a release is not a click on it
        return True

    def _move(self, event: QMouseEvent) -> bool:
        scene = self._scene(event)
        self._update_brush(scene, event.modifiers())
        drag = self._drag
        if drag is None:
            return self._held
        u, v = self._scene_to_shown(scene)
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
            i = drag.index
            self._edit(lambda: self.points.move([i], [self._to_stored(su, sv)]))
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
            self._select_box(drag.start, self._scene(event))
        self._finish_drag()
        if drag.kind == "move" and not drag.moved and drag.clicked_point >= 0:
            self.plot.pointClicked.emit(drag.clicked_point)  # a click on a point selects it
        return True

    def _finish_drag(self) -> None:
        """End a drag: its edits become one undo step."""
        drag, self._drag = self._drag, None
        self._box.hide()
        if drag is None or not self.points.in_group:
            return
        self.points.end()
        self._sync_actions()
        self.stateChanged.emit()

    def _spray(self, u: float, v: float) -> None:
        r = self.brush_px / 2.0
        sx, sy = self._vb.viewPixelSize()
        shown = editing.spray_points(self._rng, (u, v), (r * abs(sx), r * abs(sy)), self.density)
        stored = shown * self._std + self._mean
        self._edit(lambda: self.points.add_points(stored, self._class))

    def _erase(self, u: float, v: float) -> None:
        x, y = self._to_stored(u, v)
        px, py = self._pixel()
        r = self.brush_px / 2.0
        rows = self.points.indices_in_ellipse(x, y, r * px, r * py)
        visible = self._visible()
        if visible is not None:
            rows = rows[visible[rows]]
        if len(rows):
            self._edit(lambda: self.points.delete(rows))

    def _select_box(self, a: QPointF, b: QPointF) -> None:
        x0, y0 = self._to_stored(*self._scene_to_shown(a))
        x1, y1 = self._to_stored(*self._scene_to_shown(b))
        rows = self.points.indices_in_box(x0, y0, x1, y1)
        visible = self._visible()
        if visible is not None:
            rows = rows[visible[rows]]
        self.set_selection(rows)

    def _point_clicked(self, index: int) -> None:
        # The Select tool's click (and a click on a point in Add) selects that one point.
        self.set_selection([] if index < 0 else [index])

    # ---- overlays --------------------------------------------------------------------------

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

    def set_theme(self, name: str) -> None:
        self._theme = name
        c = palette.theme(name)
        for item in (self._box, self._brush):
            pen = item.pen()
            pen.setColor(QColor(c["foreground"]))
            item.setPen(pen)
        self._update_selection_item()

    def _show_box(self, a: QPointF, b: QPointF) -> None:
        (u0, v0), (u1, v1) = self._scene_to_shown(a), self._scene_to_shown(b)
        self._box.setRect(QRectF(min(u0, u1), min(v0, v1), abs(u1 - u0), abs(v1 - v0)))
        self._box.show()

    def _update_brush(self, scene: QPointF, mods: Qt.KeyboardModifier) -> None:
        spraying = self._tool == Tool.ADD and bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if not (self._tool in (Tool.SPRAY, Tool.ERASE) or spraying) or not self._on_plot_area(
            scene
        ):
            self._brush.hide()
            return
        u, v = self._scene_to_shown(scene)
        sx, sy = self._vb.viewPixelSize()
        rx, ry = self.brush_px / 2.0 * abs(sx), self.brush_px / 2.0 * abs(sy)
        self._brush.setRect(QRectF(u - rx, v - ry, 2 * rx, 2 * ry))
        self._brush.show()

    def _update_selection_item(self, *_: object) -> None:
        sel = self._selection
        if not len(sel):
            self._selected_item.setData([])
            return
        X = self._to_shown(self.points.X[sel])
        pen = pg.mkPen(palette.theme(self._theme)["accent"], width=2.5)
        self._selected_item.setData(x=X[:, 0], y=X[:, 1], size=18, brush=pg.mkBrush(None), pen=pen)

    # ---- actions and keys ------------------------------------------------------------------

    def _build_actions(self) -> None:
        """Actions for menus. Their keys work through :meth:`_key` while the plot has focus;
        :meth:`install_shortcuts` makes chosen ones window-wide."""
        self._actions: dict[str, QAction] = {}
        self._keys: dict[str, list[QKeySequence]] = {}

        def action(name: str, text: str, keys: list, slot: Callable, tip: str) -> None:
            act = QAction(text, self)
            act.setToolTip(tip)
            act.triggered.connect(slot)
            self._actions[name] = act
            self._keys[name] = [QKeySequence(k) for k in keys]

        action("undo", "Undo", [QKeySequence.StandardKey.Undo], self.undo, "Undo (Ctrl+Z)")
        redo_keys = ["Ctrl+Shift+Z", QKeySequence.StandardKey.Redo]
        action("redo", "Redo", redo_keys, self.redo, "Redo (Ctrl+Shift+Z)")
        action(
            "delete",
            "Delete selected points",
            [Qt.Key.Key_Delete, Qt.Key.Key_Backspace],
            self.delete_selected,
            "Delete the selected points (Delete)",
        )
        action(
            "deselect", "Select none", [Qt.Key.Key_Escape], lambda: self.set_selection([]), "Esc"
        )
        for k in range(palette.MAX_CLASSES):
            action(
                f"class_{k + 1}",
                f"Class {k + 1}",
                [str(k + 1)],
                lambda _=False, k=k: self.set_current_class(k),
                f"Draw class {k + 1} (key {k + 1})",
            )
        self._sync_actions()

    def _key(self, event: QKeyEvent) -> bool:
        """The editor's keys while the plot has focus; True when one was used."""
        key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
        elif event.matches(QKeySequence.StandardKey.Redo) or (
            key == Qt.Key.Key_Z and mods == ctrl_shift
        ):
            self.redo()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods:
            if not len(self._selection):
                return False
            self.delete_selected()
        elif key == Qt.Key.Key_Escape and not mods and len(self._selection):
            self.set_selection([])
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_8 and not mods:
            self.set_current_class(int(key) - int(Qt.Key.Key_1))
        else:
            return False
        return True

    def _sync_actions(self) -> None:
        ps = self.points
        undo, redo = self._actions["undo"], self._actions["redo"]
        undo.setEnabled(ps.can_undo)
        redo.setEnabled(ps.can_redo)
        undo.setText(f"Undo {ps.undo_text()}" if ps.can_undo else "Undo")
        redo.setText(f"Redo {ps.redo_text()}" if ps.can_redo else "Redo")


# --------------------------------------------------------------------------------------------
# The toolbar
# --------------------------------------------------------------------------------------------


def _swatch(color: QColor, size: int = 12) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(0, 0, 0, 120))
    painter.setBrush(color)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pix)


def _button(text: str, tip: str, checkable: bool = False) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    b.setCheckable(checkable)
    b.setAutoRaise(True)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the plot
    return b


class _FlowLayout(QLayout):
    """Lays its items out in rows, wrapping to the width it gets (Qt's "flow layout" example).

    The toolbar's groups wrap onto more rows in a narrow pane instead of making it wide.
    """

    def __init__(self, parent: QWidget | None = None, hspace: int = 10, vspace: int = 1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._hspace, self._vspace = hspace, vspace

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, place: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and row_height > 0:
                x, y, row_height = area.x(), y + row_height + self._vspace, 0
            if place:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._hspace
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + m.bottom()


def _group(*widgets: QWidget) -> tuple[QWidget, QHBoxLayout]:
    """Widgets side by side that wrap as one piece."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(2)
    for w in widgets:
        row.addWidget(w)
    return box, row


class EditorToolbar(QWidget):
    """Tools, brush, class palette, selection and split buttons, undo/redo for a DataEditor.

    Its groups flow onto as many rows as the width needs.
    """

    def __init__(self, editor: DataEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.setObjectName("data-editor-toolbar")
        flow = _FlowLayout(self)
        flow.setContentsMargins(4, 2, 4, 2)

        # The tools.
        self.tool_buttons: dict[Tool, QToolButton] = {}
        self._tools = QButtonGroup(self)
        self._tools.setExclusive(True)
        for tool, (text, tip) in TOOL_TEXT.items():
            b = _button(text, tip, checkable=True)
            b.clicked.connect(lambda _=False, t=tool: editor.set_tool(t))
            self._tools.addButton(b)
            self.tool_buttons[tool] = b
        flow.addWidget(_group(*self.tool_buttons.values())[0])

        # The history.
        self.undo_button = _button("Undo", "Undo (Ctrl+Z)")
        self.undo_button.clicked.connect(editor.undo)
        self.redo_button = _button("Redo", "Redo (Ctrl+Shift+Z)")
        self.redo_button.clicked.connect(editor.redo)
        self.clear_button = _button("Clear", "Delete every point (the classes stay)")
        self.clear_button.clicked.connect(editor.clear)
        flow.addWidget(_group(self.undo_button, self.redo_button, self.clear_button)[0])

        # The class palette and class edits.
        self._classes = QButtonGroup(self)
        self._classes.setExclusive(True)
        self.class_buttons: list[QToolButton] = []
        classes_label = QLabel("Class")
        classes_label.setToolTip("The class of new points: click one or press its key, 1 to 8")
        self.add_class_button = _button("+", "Add a class (at most 8)")
        self.add_class_button.clicked.connect(lambda: editor.add_class())
        self.rename_class_button = _button("Rename…", "Rename the current class")
        self.rename_class_button.clicked.connect(self.rename_current)
        self.remove_class_button = _button(
            "Remove", "Remove the current class and delete its points"
        )
        self.remove_class_button.clicked.connect(lambda: editor.remove_class())
        self._class_box, self._class_row = _group(classes_label)
        flow.addWidget(self._class_box)
        flow.addWidget(
            _group(self.add_class_button, self.rename_class_button, self.remove_class_button)[0]
        )

        # The brush.
        self.brush = QSpinBox()
        self.brush.setRange(4, 300)
        self.brush.setPrefix("brush ")
        self.brush.setSuffix(" px")
        self.brush.setValue(editor.brush_px)
        self.brush.setToolTip("Brush diameter for spray and erase")
        self.brush.valueChanged.connect(self._brush_changed)
        self.density = QSpinBox()
        self.density.setRange(1, 50)
        self.density.setPrefix("density ")
        self.density.setValue(editor.density)
        self.density.setToolTip("Points sprayed at each step of the mouse")
        self.density.valueChanged.connect(self._density_changed)
        flow.addWidget(_group(self.brush, self.density)[0])

        # What to do with the selection.
        self.selection_label = QLabel()
        self.delete_button = _button("Delete", "Delete the selected points (Delete)")
        self.delete_button.clicked.connect(editor.delete_selected)
        self.relabel_button = _button("To class", "Give the selected points the current class")
        self.relabel_button.clicked.connect(lambda: editor.relabel_selected())
        self.train_button = _button("Train", "Mark the selected points as training points")
        self.train_button.clicked.connect(lambda: editor.mark_selected(True))
        self.test_button = _button("Test", "Mark the selected points as test points")
        self.test_button.clicked.connect(lambda: editor.mark_selected(False))
        flow.addWidget(
            _group(
                self.selection_label,
                self.delete_button,
                self.relabel_button,
                self.train_button,
                self.test_button,
            )[0]
        )

        # The train/test split and the counts.
        self.ratio = QDoubleSpinBox()
        self.ratio.setRange(0.0, 90.0)
        self.ratio.setDecimals(0)
        self.ratio.setSuffix(" % test")
        self.ratio.setValue(editor.test_ratio * 100)
        self.ratio.setToolTip("Share of the points held out for testing when re-splitting")
        self.ratio.valueChanged.connect(self._ratio_changed)
        self.resplit_button = _button("Re-split", "Choose new random test points with the ratio")
        self.resplit_button.clicked.connect(lambda: editor.resplit())
        flow.addWidget(_group(self.ratio, self.resplit_button)[0])
        self.count_label = QLabel()
        self.count_label.setToolTip("Points: all, for training, for testing")
        flow.addWidget(self.count_label)

        editor.stateChanged.connect(self.refresh)
        self._names: list[str] = []
        self.refresh()

    def _brush_changed(self, value: int) -> None:
        self.editor.brush_px = int(value)

    def _density_changed(self, value: int) -> None:
        self.editor.density = int(value)

    def _ratio_changed(self, value: float) -> None:
        self.editor.test_ratio = float(value) / 100.0

    def rename_current(self) -> None:
        k = self.editor.current_class
        old = self.editor.points.class_names[k]
        name, ok = QInputDialog.getText(
            self, "Rename class", f"New name for class {k + 1}:", text=old
        )
        if ok:
            self.editor.rename_class(k, name)

    def _rebuild_classes(self, names: list[str]) -> None:
        for b in self.class_buttons:
            self._classes.removeButton(b)
            self._class_row.removeWidget(b)
            b.deleteLater()
        self.class_buttons = []
        for k, name in enumerate(names):
            short = name if len(name) <= 12 else name[:11] + "…"
            b = _button(short, f"Draw class {name!r} (key {k + 1})", True)
            b.setIcon(_swatch(palette.class_color(k)))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.clicked.connect(lambda _=False, k=k: self.editor.set_current_class(k))
            self._classes.addButton(b)
            self._class_row.addWidget(b)
            self.class_buttons.append(b)
        self._names = list(names)
        self._class_box.updateGeometry()

    def refresh(self) -> None:
        ed, ps = self.editor, self.editor.points
        self.setEnabled(ed.enabled)
        self.tool_buttons[ed.tool].setChecked(True)
        for spin, value in (
            (self.brush, ed.brush_px),
            (self.density, ed.density),
            (self.ratio, round(ed.test_ratio * 100)),
        ):
            if spin.value() != value:
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)
        names = ps.class_names
        if names != self._names:
            self._rebuild_classes(names)
        for k, b in enumerate(self.class_buttons):
            b.setChecked(k == ed.current_class)
        self.add_class_button.setEnabled(ps.n_classes < editing.MAX_CLASSES)
        self.remove_class_button.setEnabled(ps.n_classes > editing.MIN_CLASSES)
        self.undo_button.setEnabled(ps.can_undo)
        self.redo_button.setEnabled(ps.can_redo)
        self.undo_button.setToolTip(f"Undo {ps.undo_text()} (Ctrl+Z)".replace("  ", " "))
        self.redo_button.setToolTip(f"Redo {ps.redo_text()} (Ctrl+Shift+Z)".replace("  ", " "))
        self.clear_button.setEnabled(ps.n_points > 0)
        n_sel = len(ed.selection())
        self.selection_label.setText(f"{n_sel} selected:" if n_sel else "Selection:")
        for b in (self.delete_button, self.relabel_button, self.train_button, self.test_button):
            b.setEnabled(n_sel > 0)
        n_train = int(np.count_nonzero(ps.train_mask))
        self.count_label.setText(
            f"{ps.n_points} points · {n_train} train · {ps.n_points - n_train} test"
        )
