"""The main window: composes the session, the controllers and the views, and wires them.

It holds no training or file logic: commands live in the controllers (``controllers/``), state in
the session (``session.py``), and each view follows the session (``followers.py``). What is left
here is the window itself: docks, menus, the toolbar, presenter mode, themes and window events.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from mlpstudio.core import project as core_project

from . import followers
from . import theme as ui_theme
from .actions import build_actions
from .controllers.autosave import AutosaveController
from .controllers.files import FilesController
from .controllers.setup import SetupController
from .controllers.teaching import TeachingController
from .controllers.training import TrainingController
from .keys import ClassroomKeys
from .session import Session
from .views.cost_plot import CostPlot
from .views.data_plot import DataPlot
from .views.diagram import NetworkView
from .views.editor import DataEditor, Tool
from .views.inspector import Inspector
from .views.lesson_panel import LessonPanel
from .views.panels import DataPanel, NetworkPanel, TrainingPanel
from .views.status_bar import StatusBar

SHORT_SCREEN = 780  # below this window height the bottom docks shrink for the plot
MIN_DOCK_PX = 180  # with its title and tabs, the cost plot keeps 120 px of its own


def app_settings() -> QSettings:
    """Where the window remembers its layout, theme and recent files (an INI file per user)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "MLPStudio", "mlpstudio"
    )


class MainWindow(QMainWindow):
    """MLP Studio's window. ``restore=False`` ignores the remembered layout (tests, screenshots)."""

    def __init__(self, restore: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("MLP Studio")
        self.setAcceptDrops(True)
        self.settings = app_settings()
        self.theme = str(self.settings.value("theme", "light")) if restore else "light"
        self.presenting = False
        self._lesson_shown: tuple | None = None
        self._sized = False
        self._layout_restored = False

        self.session = Session()
        self.training = TrainingController(self.session, self)
        self.files = FilesController(self.session, self, self.settings, self.training.pause)
        self.setup = SetupController(self.session, self.files.confirm_discard, self)
        self.teaching = TeachingController(self.session, self.files, self.training, self)
        # Tests and screenshots (restore=False) leave the user's autosave folder alone.
        self.autosave: AutosaveController | None = None
        if restore:
            self.autosave = AutosaveController(
                self.session, self.files.current_project, parent=self
            )
            self.autosave.failed.connect(self.session.say)

        self._build_views()
        self._build_docks()
        self.status = StatusBar(self.session)
        self.setStatusBar(self.status)
        self.acts = build_actions(self)
        self._follow()
        self.resize(1400, 900)
        if restore:
            self._restore_layout()
        self.apply_theme(self.theme)
        self.files.new_project(ask=False)

    # ---- composition ---------------------------------------------------------------------

    def _build_views(self) -> None:
        self.data_plot = DataPlot()
        self.network_view = NetworkView()
        self.cost_plot = CostPlot()
        self.inspector = Inspector()
        self.lesson_panel = LessonPanel()
        self.data_panel = DataPanel()
        self.network_panel = NetworkPanel()
        self.training_panel = TrainingPanel()
        # The editor draws on the data plot; its toolbar sits right above it.
        self.editor = DataEditor(self.data_plot, self.session.points, drive_plot=False)
        self.editor.set_tool(Tool.SELECT)
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

    def _build_docks(self) -> None:
        self.docks: dict[str, QDockWidget] = {}
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        for key, title, widget, area in (
            ("training", "Training", self.training_panel, left),
            ("network", "Network", self.network_panel, left),
            ("data", "Data", self.data_panel, left),
            ("lesson", "Lessons", self.lesson_panel, left),
            ("cost", "Cost", self.cost_plot, bottom),
            ("inspector", "Inspector", self.inspector, bottom),
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
                # A click on a panel's button must leave the keys with the window (Space, →).
                scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
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

    def _follow(self) -> None:
        s, setup, training, teaching = self.session, self.setup, self.training, self.teaching
        followers.follow_data_panel(s, self.data_panel, setup)
        followers.follow_network_panel(s, self.network_panel, setup)
        followers.follow_training_panel(s, self.training_panel, setup, training)
        followers.follow_data_plot(s, self.data_plot)
        followers.follow_diagram(s, self.network_view, training)
        followers.follow_cost_plot(s, self.cost_plot)
        followers.follow_editor(s, self.editor, setup)
        followers.follow_lesson_panel(s, self.lesson_panel, teaching)
        followers.follow_status(s, self.status)
        inspector_dock = self.docks["inspector"]
        refresh_inspector = followers.follow_inspector(
            s, self.inspector, teaching, self.inspector_showing
        )
        inspector_dock.visibilityChanged.connect(self._inspector_shown)
        inspector_dock.visibilityChanged.connect(lambda on: refresh_inspector() if on else None)
        s.fileChanged.connect(lambda: self.setWindowTitle(s.title))
        s.lessonChanged.connect(self._lesson_changed)
        self.files.recentChanged.connect(self.acts.update_recent)
        self.editor.install_shortcuts(self)
        self.keys = ClassroomKeys(
            self,
            {
                Qt.Key.Key_Space: self.training.toggle_play,
                Qt.Key.Key_Right: self.step,
                Qt.Key.Key_Left: self.back,
                Qt.Key.Key_R: self.training.reset,
            },
        )

    # ---- window-level views -------------------------------------------------------------------

    def _lesson_changed(self) -> None:
        """A newly opened lesson brings its text to the front (not a new verdict of its check,
        and not in presenter mode, which shows the plots alone)."""
        s = self.session
        opened = (s.lesson.slug, s.lesson_variant) if s.lesson is not None else None
        if opened is not None and opened != self._lesson_shown and not self.presenting:
            self.docks["lesson"].show()
            self.docks["lesson"].raise_()
        self._lesson_shown = opened

    def _inspector_shown(self, visible: bool) -> None:
        if visible:
            # The formulas need room: give the bottom area more height while it is shown.
            dock = self.docks["inspector"]
            if not dock.isFloating() and dock.height() < 420 and self.height() > 700:
                self.resizeDocks([dock], [min(460, self.height() // 2)], Qt.Orientation.Vertical)

    def inspector_showing(self) -> bool:
        """True when the inspector is on screen (a dock tab behind another is moved away,
        not hidden, so ``isVisible`` would say yes)."""
        return self.inspector.isVisible() and not self.inspector.visibleRegion().isEmpty()

    def step(self) -> None:
        """→: the inspector's next stage while the inspector shows, else one training step."""
        if self.inspector_showing():
            self.inspector.next_stage()
        else:
            self.training.step()

    def back(self) -> None:
        """←: the inspector's previous stage."""
        if self.inspector_showing():
            self.inspector.prev_stage()

    def show_start_page(self) -> None:
        self.lesson_panel.show_start()
        self.docks["lesson"].show()
        self.docks["lesson"].raise_()

    def show_panel(self, key: str) -> None:
        self.docks[key].show()
        self.docks[key].raise_()

    def set_presenter(self, on: bool) -> None:
        """Projector mode: big fonts, thick lines, only the plot, the diagram and the cost."""
        app = QApplication.instance()
        if on == self.presenting:
            return
        self.presenting = on
        self.acts["presenter"].setChecked(on)
        if on:
            self._normal_state = self.saveState()
            for key, dock in self.docks.items():
                dock.setVisible(key == "cost")
            ui_theme.set_base_font(app, max(16.0, ui_theme.base_font().pointSizeF() * 1.6))
        else:
            ui_theme.set_base_font(app, None)  # exactly the normal font again
            self.restoreState(self._normal_state)
        for widget in (self.data_plot, self.network_view, self.cost_plot, self.inspector):
            widget.set_presenter(on)
        # The point editor's strip is for drawing, not for showing: on a projector the plot
        # needs its rows.
        self.editor.toolbar().setVisible(not on)

    def apply_theme(self, name: str) -> None:
        """Light or dark, for the whole window and every plot."""
        self.theme = name
        ui_theme.apply(QApplication.instance(), name, self)
        for view in (self.data_plot, self.cost_plot, self.network_view, self.editor):
            view.set_theme(name)
        self.acts["dark"].setChecked(name == "dark")

    def toggle_theme(self, dark: bool) -> None:
        self.apply_theme("dark" if dark else "light")
        self.settings.setValue("theme", self.theme)

    # ---- window events -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].toLocalFile().lower().endswith((".json", ".csv")):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            self.files.open_path(urls[0].toLocalFile())
            event.acceptProposedAction()

    def _restore_layout(self) -> None:
        geometry = self.settings.value("geometry")
        state = self.settings.value("state")
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
            QTimer.singleShot(0, self._hide_stray_tab_bars)

    def _hide_stray_tab_bars(self) -> None:
        """Hide the copy of a dock tab bar that Qt (6.11) leaves where the docks were laid out
        before the window had its size: at 1024×700 it shows through above the panels' tabs.

        A bar is stray only when another bar with the same tabs sits right under the current
        dock of its group, so the working bar is never the one hidden."""
        bars = self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
        shown = [d for d in self.docks.values() if d.geometry().bottom() >= 0]

        def in_place(bar: QTabBar) -> bool:
            titles = {bar.tabText(i) for i in range(bar.count())}
            return any(
                d.windowTitle() in titles and abs(bar.geometry().top() - d.geometry().bottom()) <= 3
                for d in shown
            )

        placed = [b for b in bars if b.isVisible() and in_place(b)]
        for bar in bars:
            tabs = [bar.tabText(i) for i in range(bar.count())]
            twin = any(
                b is not bar and [b.tabText(i) for i in range(b.count())] == tabs for b in placed
            )
            if bar.isVisible() and twin and bar not in placed:
                bar.hide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._sized:
            QTimer.singleShot(0, self._hide_stray_tab_bars)
        if event.oldSize().height() != event.size().height() and self.height() < SHORT_SCREEN:
            # On a projector (1024×700, 1280×720) the data plot needs its 300 px of height:
            # the bottom docks give it up rather than squeeze the plot.
            for key in ("cost", "inspector"):
                dock = self.docks[key]
                if dock.isVisible() and not dock.isFloating() and dock.height() > MIN_DOCK_PX:
                    height = max(MIN_DOCK_PX, self.height() // 5)
                    self.resizeDocks([dock], [height], Qt.Orientation.Vertical)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.shutdown()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.saveState())
        event.accept()

    def shutdown(self) -> None:
        """Stop the display timer and the training thread (safe to call twice)."""
        self.training.shutdown()
        if self.autosave is not None:
            self.autosave.shutdown()

    def offer_restore(self) -> None:
        """After a crash or a kill: offer the work the last run autosaved."""
        a = self.autosave
        info = a.pending_info() if a is not None else None
        if a is None or info is None:
            return
        answer = QMessageBox.question(
            self,
            "Restore unsaved work?",
            f"MLP Studio closed without saving ({a.describe()}). Restore that work?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            a.discard()
            return
        try:
            proj = a.restore()
        except core_project.ProjectError:
            return  # reported through ``failed`` and moved aside
        name = info.source.name if info.source else "the restored work"
        try:
            self.files.apply_project(proj, name, info.source)
        except ValueError as e:  # the autosave stays pending
            self.files.report("Cannot restore", str(e))
            return
        a.finish_restore()

    def settle(self, timeout_ms: int = 30_000) -> bool:
        """Wait until the worker has done every command so far and show its state (scripts)."""
        return self.training.settle(timeout_ms)
