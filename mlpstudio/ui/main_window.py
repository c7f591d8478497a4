"""The main window: builds the widgets, wires them to the training worker, files and shortcuts.

State lives in a few plain objects here (the dataset, the panel specs, a display copy of the
network, the history); the live network belongs to the worker. Snapshots arrive on the UI
thread, are stored, and drawn by a display timer at most ~30 times a second.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mlpstudio.core import (
    History,
    Network,
    Trainer,
    TrainingError,
    TrainSettings,
    datasets,
    lessons,
)
from mlpstudio.core import boundary as core_boundary
from mlpstudio.core.training import Snapshot

from . import theme as ui_theme
from .controllers.files import ProjectFiles
from .controllers.teaching import Teaching
from .views.cost_plot import CostPlot
from .views.data_editor import DataEditor, Tool
from .views.data_plot import DataPlot
from .views.inspector import Inspector
from .views.lesson_panel import LessonPanel
from .views.network_view import NetworkView
from .views.panels import DataPanel, DataSpec, NetworkPanel, NetworkSpec, TrainingPanel
from .worker import WorkerThread

REPAINT_MS = 16  # the display timer; a frame is drawn only when a new snapshot has arrived
SLOW_REDRAW = 0.2  # seconds between boundary/cost/status redraws while training


def app_settings() -> QSettings:
    """Where the window remembers its layout, theme and recent files (an INI file per user)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "MLPStudio", "mlpstudio"
    )


class MainWindow(ProjectFiles, Teaching, QMainWindow):
    """MLP Studio's window. ``restore=False`` ignores the remembered layout (tests, screenshots)."""

    def __init__(self, restore: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("MLP Studio")
        self.setAcceptDrops(True)
        self._settings = app_settings()
        self._theme = str(self._settings.value("theme", "light")) if restore else "light"
        self.project_path: Path | None = None
        self.dirty = False
        self.running = False
        self.raw: datasets.Dataset | None = None  # the data as generated or loaded
        self.dataset: datasets.Dataset | None = None  # what is trained on (maybe standardised)
        self.standardisation: dict | None = None
        self.net: Network | None = None  # display copy; the worker owns the live one
        self.frozen: np.ndarray | None = None
        self.history = History()
        self.snapshot: Snapshot | None = None
        self.rate = 0.0
        self.selected: int | None = None
        self.whole_batch = False
        self.unit_shown: tuple[int, int] | None = None
        self._new_snapshot = False
        self._last_slow_redraw = 0.0
        self._history_reset = False
        self._pending_rows = History()

        self.worker_thread = WorkerThread()
        self.worker = self.worker_thread.worker
        self.worker.snapshotReady.connect(self._on_snapshot)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.synced.connect(self._on_synced)
        self._sync_token = 0
        self._shut_down = False
        self._sized = False
        self._layout_restored = False
        self.presenting = False
        self.lesson: lessons.Lesson | None = None
        self._synced_token = -1

        self._build_widgets()
        self._build_actions()
        self._build_status()
        self._connect()
        self.resize(1400, 900)
        if restore:
            self._restore_layout()
        self.apply_theme(self._theme)

        self._timer = QTimer(self)
        self._timer.setInterval(REPAINT_MS)
        self._timer.timeout.connect(self._repaint)
        self._timer.start()
        self.new_project(ask=False)

    # ---- construction ------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.data_plot = DataPlot()
        self.network_view = NetworkView()
        self.cost_plot = CostPlot()
        self.inspector = Inspector()
        self.lesson_panel = LessonPanel()
        # The editor draws on the data plot; its toolbar sits right above it.
        self.editor = DataEditor(self.data_plot, drive_plot=False)
        self.editor.set_tool(Tool.SELECT)
        self.editor.confirm_class_change = self._confirm_class_change
        plot_box = QWidget()
        column = QVBoxLayout(plot_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.editor.toolbar())
        column.addWidget(self.data_plot, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(plot_box)
        self.splitter.addWidget(self.network_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.setCentralWidget(self.splitter)

        self.data_panel = DataPanel()
        self.network_panel = NetworkPanel()
        self.training_panel = TrainingPanel()
        self.docks: dict[str, QDockWidget] = {}
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        for key, title, widget, area in (
            ("training", "Training", self.training_panel, left),
            ("network", "Network", self.network_panel, left),
            ("data", "Data", self.data_panel, left),
            ("lesson", "Lessons", self.lesson_panel, left),
            ("cost", "Cost", self.cost_plot, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("inspector", "Inspector", self.inspector, Qt.DockWidgetArea.BottomDockWidgetArea),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock-{key}")
            if key == "cost":
                dock.setWidget(widget)
            else:
                scroll = QScrollArea()
                scroll.setWidgetResizable(True)
                scroll.setWidget(widget)
                scroll.setFrameShape(QScrollArea.Shape.NoFrame)
                dock.setWidget(scroll)
            self.addDockWidget(area, dock)
            self.docks[key] = dock
        self.tabifyDockWidget(self.docks["training"], self.docks["network"])
        self.tabifyDockWidget(self.docks["network"], self.docks["data"])
        self.tabifyDockWidget(self.docks["data"], self.docks["lesson"])
        self.tabifyDockWidget(self.docks["cost"], self.docks["inspector"])
        self.docks["training"].raise_()
        self.docks["cost"].raise_()
        self.resizeDocks([self.docks["training"]], [330], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["cost"]], [230], Qt.Orientation.Vertical)

    def _action(self, text: str, slot, shortcut=None, icon=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        key = QKeySequence.StandardKey
        a = self._action
        self.act_new = a("&New", self.new_project, key.New, sp.SP_FileIcon, "A new project")
        self.act_open = a(
            "&Open…",
            self.open_dialog,
            key.Open,
            sp.SP_DialogOpenButton,
            "Open a project (.json) or data (.csv)",
        )
        self.act_save = a("&Save", self.save, key.Save, sp.SP_DialogSaveButton, "Save the project")
        self.act_save_as = a(
            "Save &As…", self.save_as, "Ctrl+Shift+S", None, "Save the project under a new name"
        )
        self.act_export_boundary = a(
            "Export decision boundary…",
            self.export_boundary,
            None,
            None,
            "Save the data plot as PNG or SVG",
        )
        self.act_export_cost = a(
            "Export cost plot…", self.export_cost, None, None, "Save the cost plot as PNG or SVG"
        )
        self.act_import = a(
            "&Import CSV…", self.import_dialog, None, None, "Import points from a CSV file"
        )
        self.act_export_points = a(
            "Export points as CSV…",
            self.export_points,
            None,
            None,
            "Save the points (features, label, train/test) as CSV",
        )
        self.act_quit = a("&Quit", self.close, key.Quit, None, "Close MLP Studio")
        self.act_play = a(
            "&Play / Pause",
            self.toggle_play,
            Qt.Key.Key_Space,
            sp.SP_MediaPlay,
            "Start or pause training (Space)",
        )
        self.act_step = a(
            "&Step",
            self.step,
            Qt.Key.Key_Right,
            sp.SP_MediaSeekForward,
            "Train one step: a point, a batch or an epoch (→)",
        )
        self.act_reset = a(
            "&Reset",
            self.reset,
            Qt.Key.Key_R,
            sp.SP_MediaSkipBackward,
            "Back to the same initial weights (R)",
        )
        self.act_new_seed = a(
            "New &seed",
            self.training_panel.new_seed.click,
            None,
            sp.SP_BrowserReload,
            "New initial weights from the next seed",
        )
        self.act_dark = a("&Dark theme", self._toggle_theme, None, None, "Switch light/dark")
        self.act_dark.setCheckable(True)
        self.act_hard = a(
            "&Hard regions",
            self._toggle_hard,
            None,
            None,
            "Show only the predicted class, not the confidence",
        )
        self.act_hard.setCheckable(True)
        self.act_batch = a(
            "Whole &batch in diagram",
            self._toggle_batch,
            None,
            None,
            "Show the diagram's values averaged over every training point",
        )
        self.act_batch.setCheckable(True)
        self.act_log = a("&Log-scale cost", self._toggle_log, None, None, "Logarithmic cost axis")
        self.act_log.setCheckable(True)
        self.act_about = a("&About MLP Studio", self._about, None, None, "About")
        self.act_back = a(
            "Previous stage",
            self.back,
            Qt.Key.Key_Left,
            None,
            "In the inspector: the previous stage (←)",
        )
        self.act_presenter = a(
            "&Presenter mode",
            self.set_presenter,
            Qt.Key.Key_F11,
            None,
            "Large, high-contrast view for a projector (F11)",
        )
        self.act_presenter.setCheckable(True)
        self.act_start = a("&Start page", self.show_start_page, None, None, "Lessons and examples")

        bar = self.menuBar()
        m = bar.addMenu("&File")
        for act in (self.act_new, self.act_open):
            m.addAction(act)
        self.recent_menu = m.addMenu("Open &Recent")
        for act in (self.act_save, self.act_save_as):
            m.addAction(act)
        m.addSeparator()
        m.addAction(self.act_import)
        m.addAction(self.act_export_points)
        m.addAction(self.act_export_boundary)
        m.addAction(self.act_export_cost)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = bar.addMenu("&Edit")
        for name in ("undo", "redo"):
            m.addAction(self.editor.actions()[name])
        m = bar.addMenu("&Train")
        for act in (self.act_play, self.act_step, self.act_reset, self.act_new_seed):
            m.addAction(act)
        m = bar.addMenu("&Lessons")
        for lesson in lessons.LESSONS:
            act = m.addAction(f"{lesson.number}. {lesson.title}")
            act.setToolTip(lesson.goal or lesson.title)
            act.triggered.connect(lambda _=False, s=lesson.slug: self.open_lesson(s))
        m.addSeparator()
        m.addAction(self.act_start)
        m = bar.addMenu("&View")
        for act in (self.act_presenter, self.act_dark, self.act_hard, self.act_log, self.act_batch):
            m.addAction(act)
        m.addSeparator()
        for dock in self.docks.values():
            m.addAction(dock.toggleViewAction())
        m = bar.addMenu("&Help")
        m.addAction(self.act_about)

        tools = self.addToolBar("Main")
        tools.setObjectName("toolbar-main")
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for act in (self.act_new, self.act_open, self.act_save):
            tools.addAction(act)
        tools.addSeparator()
        for act in (self.act_play, self.act_step, self.act_reset):
            tools.addAction(act)
        self._update_recent_menu()

    def _build_status(self) -> None:
        self.status_labels: dict[str, QLabel] = {}
        bar = self.statusBar()
        for key, tip in (
            ("epoch", "Epochs trained"),
            ("train", "Training cost and accuracy"),
            ("test", "Test cost and accuracy"),
            ("rate", "Epochs per second"),
        ):
            label = QLabel()
            label.setToolTip(tip)
            label.setMinimumWidth(150 if key in ("train", "test") else 90)
            bar.addPermanentWidget(label)
            self.status_labels[key] = label
        hint = QLabel("Space: train · →: step · R: reset")
        hint.setToolTip("Keyboard shortcuts")
        bar.addPermanentWidget(hint)
        self.message = QLabel()
        bar.addWidget(self.message, 1)

    def _connect(self) -> None:
        self.data_panel.specChanged.connect(self._data_spec_changed)
        self.data_panel.showTestChanged.connect(self.data_plot.set_show_test)
        self.data_panel.standardiseChanged.connect(self._standardise_changed)
        self.network_panel.specChanged.connect(self._network_spec_changed)
        self.training_panel.playToggled.connect(self.set_playing)
        self.training_panel.stepRequested.connect(self._step_unit)
        self.training_panel.resetRequested.connect(self.reset)
        self.training_panel.newSeedRequested.connect(self._new_seed)
        self.training_panel.settingsChanged.connect(self._training_settings_changed)
        self.training_panel.speedChanged.connect(self.worker.set_speed)
        self.data_plot.pointClicked.connect(self._point_clicked)
        self.data_plot.viewChanged.connect(self._view_changed)
        self.network_view.weightEdited.connect(self._weight_edited)
        self.network_view.freezeToggled.connect(self._freeze_toggled)
        self.network_view.unitClicked.connect(self._unit_clicked)
        self.editor.datasetEdited.connect(self._data_edited)
        self.editor.dataReplaced.connect(self._data_replaced)
        self.editor.message.connect(self.say)
        self.editor.install_shortcuts(self)
        self.inspector.highlightRequested.connect(self.network_view.highlight)
        self.network_view.hovered.connect(self._diagram_hovered)
        self.inspector.appliedUpdate.connect(self._inspector_applied)
        self.docks["inspector"].visibilityChanged.connect(self._inspector_shown)
        self.lesson_panel.openLesson.connect(self.open_lesson)
        self.lesson_panel.openExample.connect(self.open_example)
        self.lesson_panel.checkRequested.connect(self.check_lesson)
        self.lesson_panel.solutionRequested.connect(self.show_solution)

    # ---- state changes -------------------------------------------------------------------

    def new_project(self, ask: bool = True) -> None:
        """XOR and a 2-4-1 sigmoid network, ready to train."""
        if ask and not self.maybe_save():
            return
        self.set_playing(False)
        self.data_panel.set_spec(DataSpec())
        self.network_panel.set_spec(NetworkSpec())
        self.training_panel.set_settings(TrainSettings(learning_rate=2.0).to_dict())
        self.project_path = None
        self.raw = self._generate(self.data_panel.spec())
        self.data_panel.set_source("")
        self._use_dataset(rebuild=True, editor="reset")
        self._set_dirty(False)
        self.say("Space: train. Click a point to follow it through the network.")

    def _generate(self, spec: DataSpec) -> datasets.Dataset:
        ds = datasets.generate(spec.generator, spec.points, spec.noise, spec.seed, spec.classes)
        return datasets.split(ds, spec.test_ratio, spec.seed)

    def _use_dataset(
        self, rebuild: bool, editor: str | None = None, fit: bool = True, keep_scale: bool = False
    ) -> None:
        """Apply standardisation, show the data, and give it to the network (or rebuild it).

        ``editor`` hands the points to the data editor: ``"reset"`` starts its undo history
        over (new or opened data), ``"undoable"`` makes this one undoable step (regenerated or
        imported data); None when the data came from the editor itself. ``keep_scale`` keeps
        the standardisation in use (an edit must not move the points already drawn).
        """
        raw = self.raw
        assert raw is not None
        mean = std = None
        if self.data_panel.standardise.isChecked():
            if keep_scale and self.standardisation is not None:
                mean, std = (np.asarray(self.standardisation[k]) for k in ("mean", "std"))
            elif raw.n_points:
                mean, std = datasets.standardise(raw.X)[1:]
        if mean is None:
            ds = raw
            self.standardisation = None
        else:
            ds = raw.copy()
            ds.X = datasets.standardise(raw.X, mean, std)[0] if raw.n_points else raw.X
            self.standardisation = {"mean": mean.tolist(), "std": std.tolist()}
        self.dataset = ds
        if editor is not None:
            self.editor.load(raw, undoable=editor == "undoable")
        std = self.standardisation
        self.editor.set_transform(*((std["mean"], std["std"]) if std else (None, None)))
        self.selected = None
        self.data_plot.set_selected(None)
        self.data_plot.set_dataset(ds, fit=fit)
        self.network_view.set_plane(*self.data_plot.view_range())
        net = self.net
        needs_new = (
            rebuild
            or net is None
            or net.n_inputs != ds.n_features
            or self.network_panel.spec().sizes(ds.n_features, ds.n_classes)[-1] != net.n_outputs
        )
        if not len(ds.y_train):
            # After Clear, or with every point marked as test: nothing to train on yet.
            self.set_playing(False)
            self.say("No training points: draw some, or mark some as training points.")
        elif needs_new:
            self._clear_no_points_message()
            self._rebuild_network()
        else:
            self._clear_no_points_message()
            self.worker.set_data(ds.X_train, ds.y_train, ds.X_test, ds.y_test)
            self._refresh_selection()
        self._set_dirty(True)

    def _clear_no_points_message(self) -> None:
        if self.message.text().startswith("No training points"):
            self.say("")

    def _rebuild_network(
        self, net: Network | None = None, history: History | None = None, epoch: int = 0
    ) -> bool:
        """Build a network from the panel (or take ``net``) and hand a trainer to the worker."""
        ds = self.dataset
        assert ds is not None
        spec = self.network_panel.spec()
        was_running = self.running
        self.set_playing(False)
        try:
            if net is None:
                net = Network(
                    spec.sizes(ds.n_features, ds.n_classes),
                    spec.activations(),
                    spec.loss,
                    seed=int(self.training_panel.seed.value()),
                    init=spec.init,
                    dtype=spec.dtype,
                )
            settings = TrainSettings.from_dict(self.training_panel.settings()).validate()
            trainer = Trainer(
                net, ds.X_train, ds.y_train, ds.X_test, ds.y_test, settings, n_classes=ds.n_classes
            )
        except (ValueError, TrainingError) as e:
            self.network_panel.set_outputs(self.net.n_outputs if self.net else 0, [str(e)])
            self.say(f"Cannot build this network: {e}")
            return False
        if history is not None and len(history):
            trainer.history = history.copy()
            trainer.epoch = epoch
        self.net = net.copy()
        self.snapshot = None  # the old network's; the new one's follows from the worker
        self.frozen = np.zeros(net.n_params, dtype=bool)
        self.history = trainer.history.copy()
        self._history_reset = True
        self.unit_shown = None
        self.data_plot.set_unit_map(None)
        self.network_panel.set_outputs(net.n_outputs, net.warnings())
        self.worker.load(trainer)
        self._draw_network()
        self._refresh_selection()
        self.worker.set_speed(self.training_panel.speed_value())
        if was_running:
            self.set_playing(True)
        return True

    def _data_spec_changed(self) -> None:
        try:
            self.raw = self._generate(self.data_panel.spec())
        except ValueError as e:
            self.say(f"Cannot generate: {e}")
            return
        self._use_dataset(rebuild=False, editor="undoable")

    def _data_edited(self, ds: datasets.Dataset) -> None:
        """Points drawn, moved, deleted or relabelled: the worker trains on them from now on."""
        self.raw = ds
        self.data_panel.set_source("Edited by hand")
        self._use_dataset(rebuild=False, fit=False, keep_scale=True)

    def _data_replaced(self, ds: datasets.Dataset) -> None:
        """An undo or redo swapped the whole data (an import or a regeneration)."""
        self.raw = ds
        self._use_dataset(rebuild=False)

    def _confirm_class_change(self, old: int, new: int) -> bool:
        """Ask before a new class count resets the network (its output width follows)."""
        if self.net is None or self.network_panel.spec().sizes(2, new)[-1] == self.net.n_outputs:
            return True
        if self.snapshot is None or self.snapshot.epoch == 0:
            return True  # nothing learnt yet: nothing to lose
        answer = QMessageBox.question(
            self,
            "Reset the network?",
            f"{new} classes need a new output layer, so the network starts over. Continue?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Discard)

    def _standardise_changed(self, on: bool) -> None:
        self._use_dataset(rebuild=False)

    def _network_spec_changed(self) -> None:
        if self._rebuild_network():
            self._set_dirty(True)

    def _training_settings_changed(self, values: dict) -> None:
        try:
            TrainSettings.from_dict(values).validate()
        except TrainingError as e:
            self.say(str(e))
            return
        if (
            self.net is not None
            and values["optimizer"] == "perceptron"
            and not (self.net.perceptron_ok())
        ):
            self.say("The perceptron rule needs no hidden layer and a step output unit.")
            return
        self.worker.update_settings(**values)
        self.cost_plot.set_target(values["target_cost"])
        self._set_dirty(True)

    def _new_seed(self) -> None:
        seed = self.training_panel.seed.value()
        if self.net is not None:
            self.net.initialise(seed)
        self.worker.update_settings(seed=seed)
        self.worker.reinitialise(seed)
        self.set_playing(False)

    # ---- training controls ----------------------------------------------------------------

    def set_playing(self, on: bool) -> None:
        """Start or pause the worker; the UI never trains itself."""
        if on == self.running:
            self.training_panel.set_running(on)
            return
        self.running = on
        self.network_view.set_map_interval(SLOW_REDRAW if on else 0.0)
        self.training_panel.set_running(on)
        sp = QStyle.StandardPixmap
        self.act_play.setIcon(
            self.style().standardIcon(sp.SP_MediaPause if on else sp.SP_MediaPlay)
        )
        if on:
            self.worker.play()
            self.say("Training…")
        else:
            self.worker.pause()

    def toggle_play(self) -> None:
        self.set_playing(not self.running)

    def step(self) -> None:
        """→: the inspector's next stage when it has the focus, else one training step."""
        if self._inspector_has_focus():
            self.inspector.next_stage()
            return
        self._step_unit(self.training_panel.step_unit.currentText())

    def back(self) -> None:
        """←: the inspector's previous stage."""
        if self.docks["inspector"].isVisible():
            self.inspector.prev_stage()

    def _inspector_has_focus(self) -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and self.docks["inspector"].isAncestorOf(focus)

    def _step_unit(self, unit: str) -> None:
        self.set_playing(False)
        self.worker.step(unit)

    def reset(self) -> None:
        self.set_playing(False)
        self.worker.reset()
        self.say("Back to the initial weights.")

    # ---- from the worker --------------------------------------------------------------------

    def _on_snapshot(self, snap: Snapshot, rate: float) -> None:
        """Keep the latest snapshot; the display timer draws it."""
        if self._shut_down or self.net is None or tuple(self.net.sizes) != snap.sizes:
            return  # after closing, or a snapshot of a network that has just been replaced
        if snap.history_start == 0:
            # A new run, a reset or a thinned history: the worker sent every row.
            self.history = snap.history.copy()
            self._history_reset = True
            self._pending_rows = History()
        else:
            # Rows continue where the previous snapshot stopped (the worker counts what it sent).
            self.history.extend(snap.history)
            self._pending_rows.extend(snap.history)
        self.snapshot = snap
        self.rate = rate
        self._new_snapshot = True
        if snap.epoch:
            self.dirty = True

    def _on_finished(self, reason: str, message: str) -> None:
        self.running = False
        self.network_view.set_map_interval(0.0)
        self.training_panel.set_running(False)
        self.act_play.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.say(message[:1].upper() + message[1:] + ".")

    def _on_failed(self, message: str) -> None:
        self.running = False
        self.training_panel.set_running(False)
        self.say(message)

    def _on_synced(self, token: int) -> None:
        self._synced_token = token

    def settle(self, timeout_ms: int = 30_000) -> bool:
        """Wait (running the event loop) until the worker has done every command sent so far,
        then draw its state. For scripts, screenshots and tests; the UI itself never waits."""
        self._sync_token += 1
        token = self._sync_token
        self.worker.sync(token)
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(timeout_ms)
        while self._synced_token < token and timer.isActive():
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        self._repaint()
        QApplication.processEvents()
        return self._synced_token >= token

    def train_for(self, epochs: int) -> None:
        """Train ``epochs`` epochs in the worker and wait for them (screenshots, scripts)."""
        self.set_playing(False)
        self.worker.run_epochs(epochs)
        self.settle(timeout_ms=600_000)

    def select_point(self, index: int | None) -> None:
        """Follow data point ``index`` through the network (None: no selection)."""
        self._point_clicked(-1 if index is None else index)

    # ---- drawing -----------------------------------------------------------------------

    def _repaint(self) -> None:
        """Display timer: draw the latest snapshot if one has arrived.

        While training, the diagram follows every frame but the boundary, the cost curves and
        the status bar only every ``SLOW_REDRAW`` seconds: Qt paints holding the GIL, so every
        millisecond spent painting them is one the training thread waits.
        """
        if not self._new_snapshot or self.snapshot is None or self.net is None:
            return
        self._new_snapshot = False
        snap = self.snapshot
        self.net.set_params(snap.params)
        now = time.perf_counter()
        slow = not self.running or now - self._last_slow_redraw >= SLOW_REDRAW
        if slow:
            self._last_slow_redraw = now
            if self._history_reset:
                self.cost_plot.set_history(self.history)
                self._history_reset = False
            elif len(self._pending_rows):
                self.cost_plot.append(self._pending_rows)
            self._pending_rows = History()
        self._draw_network(snap.update, boundary=slow)
        if not self.running:
            self._update_inspector()
            self.check_lesson()
        if slow:
            self._update_status()
            self._set_title()

    def _draw_network(self, update: np.ndarray | None = None, boundary: bool = True) -> None:
        net = self.net
        if net is None:
            return
        if boundary:
            self.data_plot.set_network(net)
            if self.unit_shown is not None:
                self._show_unit_map()
        self.network_view.set_network(net, update, self.frozen)

    def _update_status(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        tc, ta, vc, va = snap.metrics
        lab = self.status_labels
        lab["epoch"].setText(f"Epoch {snap.epoch:,}")
        lab["train"].setText(f"Train: cost {tc:.3g}, {ta:.0%}")
        if math.isnan(vc):
            lab["test"].setText("Test: none")
        else:
            lab["test"].setText(f"Test: cost {vc:.3g}, {va:.0%}")
        lab["rate"].setText(f"{self.rate:,.0f} epochs/s" if self.running else "paused")

    def say(self, text: str) -> None:
        """A message in the status bar (stays until the next one)."""
        self.message.setText(text)

    # ---- selection, units, edits -------------------------------------------------------

    def _point_clicked(self, index: int) -> None:
        self.selected = index if index >= 0 else None
        self.data_plot.set_selected(self.selected)
        self._refresh_selection()

    def _refresh_selection(self) -> None:
        ds, net = self.dataset, self.net
        if ds is None or net is None:
            return
        if self.whole_batch:
            self.network_view.set_selection(ds.X_train, net.encode(ds.y_train, ds.n_classes))
        elif self.selected is not None and self.selected < ds.n_points:
            i = self.selected
            self.network_view.set_selection(
                ds.X[i : i + 1], net.encode(ds.y[i : i + 1], ds.n_classes)
            )
        else:
            self.network_view.set_selection(None, None)
        self._update_inspector()

    def _toggle_batch(self, on: bool) -> None:
        self.whole_batch = on
        self._refresh_selection()

    def _weight_edited(self, index: int, value: float) -> None:
        if self.net is None or not math.isfinite(value):
            return
        self.net.params[index] = value
        self.worker.set_param(index, value)
        self._draw_network()
        self._set_dirty(True)

    def _freeze_toggled(self, index: int, frozen: bool) -> None:
        if self.frozen is None:
            return
        self.frozen[index] = frozen
        self.worker.set_frozen(index, frozen)
        self._draw_network()

    def _unit_clicked(self, layer: int, unit: int) -> None:
        self.unit_shown = None if layer < 0 else (layer, unit)
        if self.unit_shown is None:
            self.data_plot.set_unit_map(None)
        else:
            self._show_unit_map()

    def _show_unit_map(self) -> None:
        if self.net is None or self.unit_shown is None or self.net.n_inputs != 2:
            return
        layer, unit = self.unit_shown
        if layer >= len(self.net.weights) or unit >= self.net.sizes[layer + 1]:
            self.unit_shown = None
            self.data_plot.set_unit_map(None)
            return
        xlim, ylim, n = self.data_plot.unit_grid()
        values = core_boundary.unit_maps(self.net, xlim, ylim, n)[layer][unit]
        self.data_plot.set_unit_map(values, f"a_{unit + 1}^({layer + 2})")

    def _view_changed(self, xlim: tuple, ylim: tuple) -> None:
        self.network_view.set_plane(xlim, ylim)
        if self.unit_shown is not None:
            self._show_unit_map()

    # ---- view options ----------------------------------------------------------------------

    def apply_theme(self, name: str) -> None:
        """Light or dark, for the whole window and every plot."""
        self._theme = name
        ui_theme.apply(QApplication.instance(), name)
        self.data_plot.set_theme(name)
        self.cost_plot.set_theme(name)
        self.network_view.set_theme(name)
        self.editor.set_theme(name)
        self.act_dark.setChecked(name == "dark")

    def _toggle_theme(self, dark: bool) -> None:
        self.apply_theme("dark" if dark else "light")
        self._settings.setValue("theme", self._theme)

    def _toggle_hard(self, on: bool) -> None:
        self.data_plot.set_hard_regions(on)

    def _toggle_log(self, on: bool) -> None:
        self.cost_plot.set_log(on)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About MLP Studio",
            "MLP Studio: a lab for multilayer perceptrons and back-propagation.\n\n"
            "Space trains, → steps, R resets. Click a point to follow it through the network.",
        )

    # ---- window events -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].toLocalFile().lower().endswith((".json", ".csv")):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            self.open_path(urls[0].toLocalFile())
            event.acceptProposedAction()

    def _restore_layout(self) -> None:
        geometry = self._settings.value("geometry")
        state = self._settings.value("state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self._layout_restored = self.restoreState(state)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            # Start with the focus on the plot, not in a text field, so Space trains at once.
            self.data_plot.plot_widget.setFocus()
            # Dock sizes only take once the window has its size; a restored layout wins.
            self._sized = True
            if not self._layout_restored:
                width = min(340, self.width() // 4)
                self.resizeDocks([self.docks["training"]], [width], Qt.Orientation.Horizontal)
                self.resizeDocks(
                    [self.docks["cost"]], [self.height() // 4], Qt.Orientation.Vertical
                )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.shutdown()
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("state", self.saveState())
        event.accept()

    def shutdown(self) -> None:
        """Stop the display timer and the training thread (safe to call twice)."""
        self._shut_down = True
        self._timer.stop()
        self.worker_thread.stop()
