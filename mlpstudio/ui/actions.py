"""The window's commands as actions: one shortcut each, in the menus and the toolbar.

Each action calls a controller command (or a window-level view toggle); none holds logic.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QStyle

from mlpstudio.core import lessons

if TYPE_CHECKING:
    from .main_window import MainWindow

ABOUT = (
    "MLP Studio: a lab for multilayer perceptrons and back-propagation.\n\n"
    "Space trains, → steps, R resets. Click a point to follow it through the network."
)


class Actions(dict):
    """The window's actions by name, and the recent-files menu they keep up to date."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.recent_menu: QMenu | None = None

    def add(
        self,
        name: str,
        text: str,
        slot: Callable,
        shortcut: object = None,
        icon: QStyle.StandardPixmap | None = None,
        tip: str = "",
        checkable: bool = False,
    ) -> QAction:
        w = self.window
        action = QAction(text, w)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon is not None:
            action.setIcon(w.style().standardIcon(icon))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        w.addAction(action)
        self[name] = action
        return action

    def update_recent(self) -> None:
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        files = self.window.files.recent_files()
        for f in files:
            act = menu.addAction(Path(f).name)
            act.setToolTip(f)
            act.triggered.connect(lambda _=False, f=f: self.window.files.open_path(f))
        menu.setEnabled(bool(files))

    def show_display(self) -> None:
        """The View menu's switches show the session's, without triggering anything."""
        s = self.window.session
        for name, on in (("hard", s.hard_regions), ("log", s.log_cost), ("batch", s.whole_batch)):
            action = self[name]
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)

    def show_running(self) -> None:
        running = self.window.session.running
        sp = QStyle.StandardPixmap
        icon = sp.SP_MediaPause if running else sp.SP_MediaPlay
        self["play"].setIcon(self.window.style().standardIcon(icon))


def build_actions(w: MainWindow) -> Actions:
    """Create every action, the menu bar and the toolbar of window ``w``."""
    sp = QStyle.StandardPixmap
    key = QKeySequence.StandardKey
    files, training, s = w.files, w.training, w.session
    acts = Actions(w)
    a = acts.add
    a("new", "&New", lambda: files.new_project(), key.New, sp.SP_FileIcon, "A new project")
    a(
        "open",
        "&Open…",
        files.open_dialog,
        key.Open,
        sp.SP_DialogOpenButton,
        "Open a project (.json) or data (.csv)",
    )
    a("save", "&Save", files.save, key.Save, sp.SP_DialogSaveButton, "Save the project")
    a("save_as", "Save &As…", files.save_as, "Ctrl+Shift+S", None, "Save under a new name")
    a(
        "export_boundary",
        "Export decision boundary…",
        lambda: files.export_plot("Export decision boundary", w.data_plot.export),
        tip="Save the data plot as PNG or SVG",
    )
    a(
        "export_cost",
        "Export cost plot…",
        lambda: files.export_plot("Export cost plot", w.cost_plot.export),
        tip="Save the cost plot as PNG or SVG",
    )
    for kind, label, tip in (
        ("onnx", "ONNX model…", "The network with its standardisation, for onnxruntime and others"),
        ("python", "Python script…", "One file with the weights inline, needing numpy only"),
        ("npz", "Weights as NumPy arrays (.npz)…", "W and b of every layer, as the lecture writes"),
    ):
        a(f"export_{kind}", label, lambda _=False, k=kind: files.export_model(k), tip=tip)
    a("import", "&Import CSV…", files.import_dialog, tip="Import points from a CSV file")
    a(
        "export_points",
        "Export points as CSV…",
        files.export_points,
        tip="Save the points (features, label, train/test) as CSV",
    )
    a("quit", "&Quit", w.close, key.Quit, None, "Close MLP Studio")
    a(
        "play",
        "&Play / Pause",
        training.toggle_play,
        Qt.Key.Key_Space,
        sp.SP_MediaPlay,
        "Start or pause training (Space)",
    )
    a(
        "step",
        "&Step",
        w.step,
        Qt.Key.Key_Right,
        sp.SP_MediaSeekForward,
        "Train one step: a point, a batch or an epoch (→)",
    )
    a(
        "reset",
        "&Reset",
        training.reset,
        Qt.Key.Key_R,
        sp.SP_MediaSkipBackward,
        "Back to the same initial weights (R)",
    )
    a(
        "new_seed",
        "New &seed",
        lambda: training.new_seed(),
        None,
        sp.SP_BrowserReload,
        "New initial weights from the next seed",
    )
    a("dark", "&Dark theme", w.toggle_theme, tip="Switch light/dark", checkable=True)
    a(
        "hard",
        "&Hard regions",
        s.set_hard_regions,
        tip="Show only the predicted class, not the confidence",
        checkable=True,
    )
    a(
        "batch",
        "Whole &batch in diagram",
        s.set_whole_batch,
        tip="Show the diagram's values averaged over every training point",
        checkable=True,
    )
    a("log", "&Log-scale cost", s.set_log_cost, tip="Logarithmic cost axis", checkable=True)
    a("about", "&About MLP Studio", lambda: QMessageBox.about(w, "About MLP Studio", ABOUT))
    a(
        "back",
        "Previous stage",
        w.back,
        Qt.Key.Key_Left,
        None,
        "In the inspector: the previous stage (←)",
    )
    a(
        "presenter",
        "&Presenter mode",
        w.set_presenter,
        Qt.Key.Key_F11,
        None,
        "Large, high-contrast view for a projector (F11)",
        checkable=True,
    )
    a("start", "&Start page", w.show_start_page, tip="Lessons and examples")
    a(
        "copy_setup",
        "&Copy set-up",
        w.setup.copy_setup,
        "Ctrl+Shift+C",
        tip="Copy the data generator, network and settings as one line, to share a run",
    )
    a(
        "paste_setup",
        "&Paste set-up",
        w.setup.paste_setup,
        "Ctrl+Shift+V",
        tip="Recreate a run from a set-up line on the clipboard",
    )
    s.runningChanged.connect(acts.show_running)
    s.selectionChanged.connect(lambda: acts["batch"].setChecked(s.whole_batch))
    s.displayChanged.connect(acts.show_display)

    bar = w.menuBar()
    m = bar.addMenu("&File")
    for name in ("new", "open"):
        m.addAction(acts[name])
    acts.recent_menu = m.addMenu("Open &Recent")
    for name in ("save", "save_as", None, "import", "export_points", "export_boundary"):
        if name is None:
            m.addSeparator()
        else:
            m.addAction(acts[name])
    m.addAction(acts["export_cost"])
    model = m.addMenu("Export &model")
    for kind in ("onnx", "python", "npz"):
        model.addAction(acts[f"export_{kind}"])
    m.addSeparator()
    m.addAction(acts["quit"])
    m = bar.addMenu("&Edit")
    for name in ("undo", "redo"):
        m.addAction(w.editor.actions()[name])
    m.addSeparator()
    m.addAction(acts["copy_setup"])
    m.addAction(acts["paste_setup"])
    m = bar.addMenu("&Train")
    for name in ("play", "step", "reset", "new_seed"):
        m.addAction(acts[name])
    m = bar.addMenu("&Lessons")
    for lesson in lessons.LESSONS:
        act = m.addAction(f"{lesson.number}. {lesson.title}")
        act.setToolTip(lesson.goal or lesson.title)
        act.triggered.connect(lambda _=False, slug=lesson.slug: w.teaching.open_lesson(slug))
    m.addSeparator()
    m.addAction(acts["start"])
    m = bar.addMenu("&View")
    for name in ("presenter", "dark", "hard", "log", "batch"):
        m.addAction(acts[name])
    m.addSeparator()
    for dock in w.docks.values():
        m.addAction(dock.toggleViewAction())
    m = bar.addMenu("&Help")
    m.addAction(acts["about"])

    tools = w.addToolBar("Main")
    tools.setObjectName("toolbar-main")
    tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in ("new", "open", "save", None, "play", "step", "reset"):
        if name is None:
            tools.addSeparator()
        else:
            tools.addAction(acts[name])
    acts.update_recent()
    return acts
