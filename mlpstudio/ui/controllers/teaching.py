"""The main window's teaching tools: the inspector, the lessons and presenter mode.

A mixin of :class:`~mlpstudio.ui.main_window.MainWindow`; the lessons' texts, projects and
checks live in :mod:`mlpstudio.core.lessons`, the step-through arithmetic in
:mod:`mlpstudio.core.stepper`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from mlpstudio.core import lessons
from mlpstudio.core import project as core_project
from mlpstudio.resources_path import example

from .. import theme as ui_theme


class Teaching:
    """Inspector feeding, lessons, examples and presenter mode, for the main window."""

    def _inspector_shown(self, visible: bool) -> None:
        if visible:
            # The formulas need room: give the bottom area more height while it is shown.
            dock = self.docks["inspector"]
            if dock.height() < 420 and self.height() > 700:
                self.resizeDocks([dock], [min(460, self.height() // 2)], Qt.Orientation.Vertical)
            self._update_inspector()

    def _update_inspector(self) -> None:
        """Give the inspector the selected point (or the batch) and the current weights."""
        ds, net = self.dataset, self.net
        if ds is None or net is None or not self.docks["inspector"].isVisible():
            return
        if self.whole_batch:
            X, y, label = ds.X_train, ds.y_train, "the whole training batch"
        elif self.selected is not None and self.selected < ds.n_points:
            i = self.selected
            X, y = ds.X[i : i + 1], ds.y[i : i + 1]
            coords = ", ".join(f"{v:.3g}" for v in X[0])
            label = f"point {i}: x = ({coords}), class {ds.class_names[y[0]]}"
        else:
            self.inspector.clear()
            return
        lr = self.training_panel.learning_rate.value()
        self.inspector.set_problem(net, X, net.encode(y, ds.n_classes), lr, label)

    def _diagram_hovered(self, hit: tuple | None) -> None:
        """The inspector's formula follows the unit or edge under the mouse in the diagram."""
        if hit is None or not self.docks["inspector"].isVisible():
            return
        if hit[0] == "edge":
            self.inspector.set_focus_edge(*hit[1:])
        elif hit[1] >= 0:
            self.inspector.set_focus_unit(hit[1], hit[2])

    def _inspector_applied(self, params: np.ndarray) -> None:
        if self.net is None:
            return
        self.net.set_params(params)
        self.worker.set_params(params)
        self._draw_network()
        self._set_dirty(True)
        self.say("Applied the inspector's step: w ← w − η ∂E/∂w.")

    def open_lesson(self, slug: str, variant: str = "") -> bool:
        """Open a built-in lesson (a project plus a text) and show its panel."""
        if not self.maybe_save():
            return False
        lesson = lessons.get(slug)
        try:
            proj = lessons.load_lesson(slug, variant or None)
        except (core_project.ProjectError, KeyError, ValueError) as e:
            QMessageBox.critical(self, "Cannot open lesson", str(e))
            return False
        self._apply_project(proj, f"Lesson {lesson.number}")
        self.project_path = None
        self.lesson = lesson
        self._set_dirty(False)
        self.lesson_panel.show_lesson(lesson, variant)
        self.docks["lesson"].show()
        self.docks["lesson"].raise_()
        self.check_lesson()
        return True

    def open_example(self, name: str) -> bool:
        """Open a shipped example project (saving it asks for a new name)."""
        if not self.maybe_save():
            return False
        try:
            proj = core_project.load(example(name))
        except core_project.ProjectError as e:
            QMessageBox.critical(self, "Cannot open example", str(e))
            return False
        self._apply_project(proj, name)
        self.project_path = None
        self.lesson = None
        self._set_dirty(False)
        return True

    def check_lesson(self) -> lessons.LessonCheck | None:
        """Run the open lesson's check on the current weights and show the verdict."""
        lesson = self.lesson
        if lesson is None or lesson.check is None or self.net is None or self.dataset is None:
            return None
        result = lesson.check(self.net.copy(), self.dataset)
        self.lesson_panel.show_check(result)
        return result

    def show_solution(self) -> None:
        """Set weights that solve the open lesson (lesson 3: XOR from AND, OR and NOT)."""
        lesson = self.lesson
        if lesson is None or lesson.solution is None or self.net is None:
            return
        self.set_playing(False)
        solved = self.net.copy()
        lesson.solution(solved)
        self.net.set_params(solved.params)
        self.worker.set_params(solved.params)
        self._draw_network()
        self.check_lesson()

    def show_start_page(self) -> None:
        self.lesson_panel.show_start()
        self.docks["lesson"].show()
        self.docks["lesson"].raise_()

    def set_presenter(self, on: bool) -> None:
        """Projector mode: big fonts, thick lines, only the plot, the diagram and the cost."""
        app = QApplication.instance()
        if on == self.presenting:
            return
        self.presenting = on
        self.act_presenter.setChecked(on)
        if on:
            self._normal_state = self.saveState()
            self._normal_font = app.font()
            for key, dock in self.docks.items():
                dock.setVisible(key == "cost")
            ui_theme.set_base_font(app, max(16.0, self._normal_font.pointSizeF() * 1.6))
        else:
            app.setFont(self._normal_font)
            self.restoreState(self._normal_state)
        for widget in (self.data_plot, self.network_view, self.cost_plot, self.inspector):
            widget.set_presenter(on)
