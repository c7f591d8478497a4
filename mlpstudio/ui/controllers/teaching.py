"""The teaching controller: lessons, example projects, lesson checks and the inspector's step.

The lessons' texts, projects and checks live in :mod:`mlpstudio.core.lessons`, the step-through
arithmetic in :mod:`mlpstudio.core.stepper`; this only moves them into the session.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from mlpstudio.core import lessons
from mlpstudio.core import notation as nt
from mlpstudio.core import project as core_project
from mlpstudio.resources_path import example

from ..session import Session
from .files import FilesController
from .training import TrainingController


class TeachingController(QObject):
    """Lesson and example commands, and the lesson's verdict kept up to date."""

    def __init__(
        self,
        session: Session,
        files: FilesController,
        training: TrainingController,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.files = files
        self.training = training
        self.window = parent
        session.weightsChanged.connect(self._weights_changed)
        session.runningChanged.connect(self._weights_changed)

    def open_lesson(self, slug: str, variant: str = "") -> bool:
        """Open a built-in lesson (a project plus a text)."""
        if not self.files.confirm_discard():
            return False
        try:
            lesson = lessons.get(slug)
            proj = lessons.load_lesson(slug, variant or None)
            self.files.apply_project(
                proj, f"Lesson {lesson.number}", None, lesson=lesson, variant=variant
            )
        except (core_project.ProjectError, KeyError, ValueError) as e:
            self.files.report("Cannot open lesson", str(e))
            return False
        self.session.set_speed(lesson.speed)
        self.check_lesson()
        return True

    def open_example(self, name: str) -> bool:
        """Open a shipped example project (saving it asks for a new name)."""
        if not self.files.confirm_discard():
            return False
        try:
            self.files.apply_project(core_project.load(example(name)), name, None)
        except (core_project.ProjectError, ValueError) as e:
            self.files.report("Cannot open example", str(e))
            return False
        return True

    def check_lesson(self) -> lessons.LessonCheck | None:
        """Run the open lesson's check on the current weights; the lesson panel shows it."""
        s = self.session
        lesson = s.lesson
        if lesson is None or lesson.check is None or not s.network_fits() or not s.dataset.n_points:
            return None
        result = lesson.check(s.net.copy(), s.dataset)
        s.set_lesson_check(result)
        return result

    def show_solution(self) -> None:
        """Set weights that solve the open lesson (lesson 3: XOR from AND, OR and NOT)."""
        s = self.session
        if s.lesson is None or s.lesson.solution is None or s.net is None:
            return
        self.training.pause()
        solved = s.net.copy()
        s.lesson.solution(solved)
        self.training.set_params(solved.params)
        self.check_lesson()

    def apply_inspector_step(self, params: np.ndarray) -> None:
        """The inspector's Apply: the lecture's plain gradient-descent update."""
        self.training.set_params(params)
        self.session.say(f"Applied the inspector's step: {nt.plain(nt.update_rule())}.")

    def _weights_changed(self) -> None:
        if self.session.lesson is not None and not self.session.running:
            self.check_lesson()
