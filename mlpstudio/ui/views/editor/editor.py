"""The data editor: draw, move, spray, erase and relabel points on the data plot, with undo.

:class:`DataEditor` edits a :class:`~mlpstudio.core.editing.PointSet` (the engine's editable
dataset, where undo and redo live) through the mouse on a
:class:`~mlpstudio.ui.views.data_plot.DataPlot` (:mod:`.tools`), keys and actions (:mod:`.keys`)
and its toolbar (:mod:`.toolbar`). After every change it emits ``datasetEdited`` with a fresh
:class:`~mlpstudio.core.datasets.Dataset` (``dataReplaced`` when an undo or redo swaps the whole
data, such as an import, back or forth); the owner shows it and hands it to the worker.

The plot may show the points in other coordinates than the ones stored (standardised):
:meth:`DataEditor.set_transform` says how, and the editor stores what the person meant.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from ....core.datasets import Dataset
from ....core.editing import EditError, PointSet
from ... import palette
from ..data_plot import CLICK_RADIUS_PX, DataPlot
from .geometry import PlotGeometry
from .keys import EditorActions
from .toolbar import EditorToolbar
from .tools import MouseTools, Tool

DEFAULT_BRUSH_PX = 30
DEFAULT_DENSITY = 3


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
        #: Called before Clear throws every point away; returning False keeps them.
        self.confirm_clear: Callable[[], bool] | None = None
        self._tool = Tool.ADD
        self._class = 0
        self._selection = np.zeros(0, dtype=np.int64)
        self._toolbar: EditorToolbar | None = None
        self._theme = "light"
        self._enabled = True  # False while the data has other than 2 features

        self._geo = PlotGeometry(plot)
        self._selected_item = pg.ScatterPlotItem(pxMode=True, symbol="o")
        self._selected_item.setZValue(13)
        self._geo.view_box.addItem(self._selected_item, ignoreBounds=True)
        self._tools = MouseTools(self, self._geo, seed)
        self._actions = EditorActions(self, self._geo.widget)
        plot.pointClicked.connect(self._point_clicked)
        if drive_plot:
            plot.set_dataset(self.points.dataset(), fit=True)

    # ---- state -----------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        """False while the owner's data cannot be edited (not 2 features): nothing is taken."""
        return self._enabled

    @property
    def tool(self) -> Tool:
        return self._tool

    def set_tool(self, tool: Tool | str) -> None:
        tool = Tool(tool)
        self._tools.finish()
        if tool == self._tool:
            return
        self._tool = tool
        self._tools.tool_changed(tool)
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
        self._tools.finish()
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
        self._actions.sync()
        self.stateChanged.emit()

    def set_transform(self, mean: object = None, std: object = None) -> None:
        """The plot shows ``(X - mean) / std`` (standardised); None for the stored points."""
        self._geo.set_transform(mean, std)
        self._update_selection_item()

    def toolbar(self) -> EditorToolbar:
        """The editor's strip of tools and buttons (made once)."""
        if self._toolbar is None:
            self._toolbar = EditorToolbar(self)
        return self._toolbar

    def actions(self) -> dict[str, QAction]:
        """Undo, redo, delete, escape and the class keys, by name (for menus and shortcuts)."""
        return self._actions.as_dict()

    def install_shortcuts(self, widget: QWidget, names: tuple[str, ...] = ("undo", "redo")) -> None:
        """Give the named actions their keys anywhere in ``widget``'s window (the main window).

        Without this the keys work while the plot has keyboard focus (a click on it gives it).
        """
        self._actions.install(widget, names)

    def set_theme(self, name: str) -> None:
        self._theme = name
        self._tools.set_theme(name)
        self._update_selection_item()

    # ---- edits (in stored coordinates) -----------------------------------------------------

    def add_point(self, x: float, y: float) -> int:
        """Add a point of the current class at stored coordinates ``(x, y)``; its row or -1."""
        idx = self.add_points([[x, y]])
        return int(idx[0]) if len(idx) else -1

    def add_points(self, X: object) -> np.ndarray:
        """Add points of the current class at stored coordinates ``X``; their rows."""
        idx = self._edit(lambda: self.points.add_points(X, self._class))
        return np.zeros(0, dtype=np.int64) if idx is None else idx

    def move_point(self, i: int, x: float, y: float) -> None:
        """Put point ``i`` at stored coordinates ``(x, y)``."""
        self._edit(lambda: self.points.move([i], [[x, y]]))

    def delete_points(self, rows: object) -> None:
        self._edit(lambda: self.points.delete(rows))

    def delete_nearest(self, x: float, y: float, max_px: float = CLICK_RADIUS_PX) -> int:
        """Delete the shown point nearest to stored ``(x, y)`` within ``max_px`` pixels."""
        i = self._geo.nearest(self.points, x, y, max_px)
        if i >= 0:
            self.delete_points([i])
        return i

    def delete_selected(self) -> None:
        if len(self._selection):
            self.delete_points(self._selection)

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
        if self.confirm_clear is not None and not self.confirm_clear():
            return
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

    def begin_step(self, label: str) -> None:
        """Gather the edits until :meth:`end_step` into one undo step (a drag, a spray stroke)."""
        self.points.begin(label)

    def end_step(self) -> None:
        if not self.points.in_group:
            return
        self.points.end()
        self._actions.sync()
        self.stateChanged.emit()

    def undo(self) -> None:
        self._tools.finish()
        self._step(self.points.undo, self.points.redo)

    def redo(self) -> None:
        self._tools.finish()
        self._step(self.points.redo, self.points.undo)

    # ---- making, checking and announcing a change ------------------------------------------

    def _edit(self, fn: Callable[[], object]) -> object:
        """Make one edit; say why if it is refused; emit what changed. Returns fn's result."""
        if not self._enabled:
            return None
        ps = self.points
        before_n, before_v, before_points = ps.n_classes, ps.version, ps.n_points
        try:
            result = fn()
        except EditError as e:
            self.message.emit(str(e))
            return None
        if ps.version == before_v:
            return result
        # Inside a drag the class count cannot change; outside, a change may be refused.
        if not ps.in_group and not self._class_change_ok(before_n):
            ps.undo()
            ps.discard_redo()
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
            self._selection = np.zeros(0, dtype=np.int64)  # the rows moved
        ds = ps.dataset()
        if self.drive_plot:
            self.plot.set_dataset(ds, fit=ps.replaced_all)
        self._update_selection_item()
        self._actions.sync()
        if ps.replaced_all:
            self.dataReplaced.emit(ds)
        else:
            self.datasetEdited.emit(ds)
        if ps.n_classes != before_n:
            self.classesChanged.emit(ps.n_classes)
        self.stateChanged.emit()

    # ---- the selection on the plot ---------------------------------------------------------

    def _point_clicked(self, index: int) -> None:
        # The Select tool's click (and a click on a point in Add) selects that one point.
        self.set_selection([] if index < 0 else [index])

    def _update_selection_item(self) -> None:
        sel = self._selection
        if not len(sel):
            self._selected_item.setData([])
            return
        X = self._geo.to_shown(self.points.X[sel])
        pen = pg.mkPen(palette.theme(self._theme)["accent"], width=2.5)
        self._selected_item.setData(x=X[:, 0], y=X[:, 1], size=18, brush=pg.mkBrush(None), pen=pen)
