"""The inspector itself: one problem, three tabs, and the signals the main window connects.

The inspector owns the problem (a copy of the network, the selected point or batch, its targets
and η) and the :class:`~mlpstudio.core.stepper.BackpropStepper` computed from it, hands that to
each tab, and applies a step when asked. Its public methods and widget attributes are the ones
the main window, the teaching controller and the tests use; they forward to the tabs.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from mlpstudio.core import gradcheck
from mlpstudio.core.network import Network
from mlpstudio.core.quiz import BiasCheck, QuizItem
from mlpstudio.core.stepper import BackpropStepper, Stage
from mlpstudio.core.worked import Formula

from .check_tab import CheckTab
from .common import FONT_PX, PRESENTER_FONT_PX
from .quiz_tab import QuizTab
from .step_tab import StepTab

# The tabs' widgets stay reachable as the inspector's own attributes (inspector.values_table…),
# as they were before the tabs became classes of their own.
_STEP_WIDGETS = (
    "problem_label",
    "prev_button",
    "next_button",
    "position_label",
    "stage_list",
    "title_label",
    "description_label",
    "formula_label",
    "details_label",
    "item_combo",
    "point_spin",
    "values_table",
    "apply_button",
)
_CHECK_WIDGETS = ("verdict_label", "check_button", "check_table")
_QUIZ_WIDGETS = (
    "question_label",
    "given_label",
    "answer_edit",
    "answer_button",
    "reveal_button",
    "next_question_button",
    "feedback_label",
    "worked_label",
    "exercise_label",
    "bias_combo",
    "bias_button",
    "proof_button",
    "bias_label",
    "proof_label",
)


class Inspector(QWidget):
    """Step-through back-propagation, gradient check and quiz for one point or batch."""

    highlightRequested = Signal(list, list)  # (units, edges) of the current stage, as in Stage
    focusHighlightRequested = Signal(list, list)  # (units, edges) the shown formula reads
    appliedUpdate = Signal(object)  # np.ndarray: the new flat params after "Apply step"
    # What the diagram must not print while the quiz asks for it (see core.quiz.revealed_by):
    # ("unit", i, j, "z"|"a"|"delta"), ("edge", i, j, k, mode), ("bias", i, j, mode); [] = all.
    quizAsked = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._stepper: BackpropStepper | None = None
        self._net: Network | None = None
        self._X = self._Y = None
        self._lr = 0.0
        self._problem_label = ""
        self._asked: list = []

        self.step = StepTab()
        self.check = CheckTab()
        self.quiz = QuizTab()
        for tab, names in (
            (self.step, _STEP_WIDGETS),
            (self.check, _CHECK_WIDGETS),
            (self.quiz, _QUIZ_WIDGETS),
        ):
            for name in names:
                setattr(self, name, getattr(tab, name))
        self.step.highlightRequested.connect(self.highlightRequested)
        self.step.focusHighlightRequested.connect(self.focusHighlightRequested)
        self.step.apply_button.clicked.connect(self.apply_step)
        self.quiz.askedChanged.connect(self._update_asked)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.step, "Step through")
        self.tabs.addTab(self.check, "Gradient check")
        self.tabs.addTab(self.quiz, "Quiz me")
        self.tabs.currentChanged.connect(self._on_tab)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.tabs)
        self.clear()

    # ---- the problem -----------------------------------------------------------------------

    def set_problem(
        self, net: Network, X: np.ndarray, Y: np.ndarray, learning_rate: float, label: str
    ) -> None:
        """Step through one training step of a copy of ``net`` on ``X`` with targets ``Y``.

        ``Y`` are targets as the outputs expect them (``net.encode(labels)``); ``label`` says
        what ``X`` is, e.g. ``"point 3: x = (1, 0), class 1"`` or ``"the whole batch"``. The
        current stage is kept when the stages are the same kinds as before (another point).
        """
        old = self._stepper
        net = net.copy()
        try:
            stepper = BackpropStepper(net, X, Y, float(learning_rate))
        except ValueError as e:
            # No points, targets that do not fit the outputs, points of another width: the
            # caller should not send them, but a plain message beats a traceback in class.
            self.clear(f"Nothing to step through: {e}.")
            return
        # Only a problem that could be stepped replaces the old one (Apply needs all of them).
        self._net, self._stepper = net, stepper
        self._X, self._Y = stepper.X.copy(), stepper.Y.copy()
        self._lr = stepper.learning_rate
        self._problem_label = label
        same = old is not None and [(s.kind, s.layer) for s in old.stages] == [
            (s.kind, s.layer) for s in self._stepper.stages
        ]
        if not same:
            self.step.forget()
        self._show_problem()

    def clear(self, message: str = "") -> None:
        """Forget the problem and show what to do to get one (or ``message``: why there is
        none)."""
        self._stepper = self._net = None
        self._X = self._Y = None
        self.step.show_empty(message)
        self.check.set_stepper(None)
        self.quiz.set_stepper(None)

    def stepper(self) -> BackpropStepper | None:
        return self._stepper

    def _show_problem(self, stage: int | None = None) -> None:
        st = self._stepper
        if st is None:
            return
        self.step.show_problem(st, self._problem_label, stage)
        self.check.set_stepper(st)
        self.quiz.set_stepper(st, self.step.point(), self.step.stage_index())
        self._update_asked(force=True)
        if self.tabs.currentWidget() is self.check:
            self.check.run()

    def apply_step(self) -> None:
        """Write the stepped update into the network, emit its parameters, and start over."""
        if self._stepper is None or self._net is None:
            return
        new = self._stepper.new_params.copy()
        self._stepper.apply(self._net)
        self.appliedUpdate.emit(new)
        self._stepper = BackpropStepper(self._net, self._X, self._Y, self._lr)
        self._show_problem(stage=0)

    def quiz_asked(self) -> list:
        """What the diagram must not print now: the open question's answer while the quiz is
        on screen, else nothing (as last emitted by :attr:`quizAsked`)."""
        return list(self._asked)

    def _update_asked(self, force: bool = False) -> None:
        """Emit :attr:`quizAsked` when it changed (``force``: with every new problem too, so a
        listener that forgot it, e.g. after a new network, hears it again)."""
        on_screen = self.isVisible() and self.tabs.currentWidget() is self.quiz
        asked = self.quiz.asked() if on_screen else []
        if asked != self._asked or force:
            self._asked = asked
            self.quizAsked.emit(list(asked))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._update_asked()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._update_asked()

    def _on_tab(self, index: int) -> None:
        self._update_asked()
        page = self.tabs.widget(index)
        if page is self.check and self.check.stale and self._stepper is not None:
            self.check.run()
        if page is self.quiz and self._stepper is not None:
            self.quiz.answer_edit.setFocus()

    # ---- the step-through ------------------------------------------------------------------

    def stage_index(self) -> int:
        return self.step.stage_index()

    def current_stage(self) -> Stage:
        return self.step.current_stage()

    def set_stage(self, index: int) -> None:
        self.step.set_stage(index)

    def next_stage(self) -> None:
        self.step.next_stage()

    def prev_stage(self) -> None:
        self.step.prev_stage()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.step.navigate(event):
            super().keyPressEvent(event)

    def set_focus_unit(self, layer: int, j: int) -> None:
        """Show the formula of unit ``j`` of list layer ``layer`` (as in ``Stage.units``)."""
        self.step.set_focus_unit(layer, j)

    def set_focus_edge(self, layer: int, j: int, k: int) -> None:
        """Show the formula of weight ``w_jk`` of list layer ``layer`` on gradient/update stages."""
        self.step.set_focus_edge(layer, j, k)

    def set_point(self, point: int) -> None:
        """Which point of a batch (0-based) the per-point formulas are worked on."""
        self.step.set_point(point)

    def focus_item(self) -> tuple[int, int | None]:
        """The ``(j, k)`` whose formula is shown on the current stage."""
        return self.step.focus_item()

    def shown_formula(self) -> Formula:
        return self.step.shown_formula()

    def shown_formula_text(self) -> str:
        """Plain text of the displayed worked formula (e.g. ``δ_1^(2) = … = 0.0649``)."""
        return self.step.shown_formula_text()

    # ---- the gradient check and the quiz -------------------------------------------------

    def run_gradient_check(self) -> gradcheck.GradCheck | None:
        """Fill the gradient-check table: every parameter, worst first, and the verdict."""
        return self.check.run()

    def quiz_question(self) -> QuizItem | None:
        return self.quiz.quiz_question()

    def set_question(self, pos: int) -> None:
        """Ask question ``pos`` of :meth:`BackpropStepper.quiz_items` (tests, a teacher's pick)."""
        self.quiz.set_question(pos)

    def next_question(self) -> None:
        self.quiz.next_question()

    def submit_answer(self, text: str) -> bool:
        """Check a typed answer to the current question; shows feedback and, if right, the work."""
        return self.quiz.submit_answer(text)

    def reveal_answer(self) -> None:
        self.quiz.reveal_answer()

    def run_bias_exercise(self) -> BiasCheck | None:
        """Compare δ_j^(l) with the central difference of the cost in the chosen bias."""
        return self.quiz.run_bias_exercise()

    # ---- looks ---------------------------------------------------------------------------

    def set_presenter(self, on: bool) -> None:
        """Larger formulas and text for a lecture hall."""
        px = PRESENTER_FONT_PX if on else FONT_PX
        font = QFont(self.font())
        font.setPointSizeF(15.0 if on else QFont().pointSizeF())
        self.setFont(font)
        for tab in (self.step, self.check, self.quiz):
            tab.set_font_px(px)

    def set_theme(self, name: str) -> None:
        """``light`` or ``dark``: the verdict and feedback colours follow."""
        self.check.set_theme(name)
        self.quiz.set_theme(name)
