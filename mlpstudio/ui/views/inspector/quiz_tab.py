"""The "Quiz me" tab: compute a value of the step by hand, then see it worked; and the exercise.

A question asks for one value of the stepper's stages (a ``z``, an ``a``, a ``δ``, a gradient,
an update) with the numbers it needs; a typed answer is checked within 1 % and, once right or
revealed, the worked formula is shown. Below it, the lecture's exercise ``∂E_x/∂b_j^(l) =
δ_j^(l)``: proven by the chain rule and confirmed numerically on any bias.

While a question is open, :attr:`QuizTab.askedChanged` lists the numbers a diagram would print
that give its answer away (:func:`~mlpstudio.core.quiz.revealed_by`), so the diagram can hide
them: a quiz never asks for what is in plain sight.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mlpstudio.core import notation as nt
from mlpstudio.core.quiz import BiasCheck, QuizItem, check, parse_answer, revealed_by
from mlpstudio.core.stepper import BackpropStepper
from mlpstudio.core.worked import Formula, num

from .common import FONT_PX, colours, formula_html, label, math_html
from .formula import to_unicode


class QuizTab(QWidget):
    """Questions on the current step, and the bias exercise."""

    askedChanged = Signal(list)  # what a diagram must not print now (see revealed_by)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stepper: BackpropStepper | None = None
        self._items: list[QuizItem] = []
        self._pos = 0
        self._open = False  # the current question is asked, not yet answered or revealed
        self._asked: list = []
        self._font_px = FONT_PX
        self._theme = "light"
        inner = QWidget()
        lay = QVBoxLayout(inner)
        self._build_questions(lay)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        lay.addWidget(line)
        self._build_exercise(lay)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _build_questions(self, lay: QVBoxLayout) -> None:
        self.question_label = label()
        self.given_label = label()
        self.answer_edit = QLineEdit()
        self.answer_edit.setPlaceholderText("your answer, e.g. 0.0649")
        self.answer_edit.returnPressed.connect(self._on_check_answer)
        self.answer_button = QPushButton("Check")
        self.answer_button.clicked.connect(self._on_check_answer)
        self.reveal_button = QPushButton("Show answer")
        self.reveal_button.clicked.connect(self.reveal_answer)
        self.next_question_button = QPushButton("Next question")
        self.next_question_button.clicked.connect(self.next_question)
        row = QHBoxLayout()
        row.addWidget(self.answer_edit, 1)
        for w in (self.answer_button, self.reveal_button, self.next_question_button):
            row.addWidget(w)
        self.feedback_label = label()
        self.worked_label = label()
        lay.addWidget(self.question_label)
        lay.addWidget(self.given_label)
        lay.addLayout(row)
        lay.addWidget(self.feedback_label)
        lay.addWidget(self.worked_label)

    def _build_exercise(self, lay: QVBoxLayout) -> None:
        title = label("<b>Exercise (from the lecture)</b>")
        self.exercise_label = label(
            "Show that for any bias in the network "
            + math_html(nt.bias_gradient(), self._font_px)
            + ". Pick a bias and confirm it numerically: the app nudges the bias by ±<i>h</i>, "
            "recomputes the error, and compares the slope with δ."
        )
        self.bias_combo = QComboBox()
        self.bias_button = QPushButton("Confirm numerically")
        self.bias_button.clicked.connect(self.run_bias_exercise)
        self.proof_button = QPushButton("Show the proof")
        self.proof_button.setCheckable(True)
        self.proof_button.toggled.connect(self._on_proof)
        row = QHBoxLayout()
        row.addWidget(self.bias_combo, 1)
        row.addWidget(self.bias_button)
        row.addWidget(self.proof_button)
        self.bias_label = label()
        self.proof_label = label(math_html(nt.bias_proof(), 16))
        self.proof_label.setVisible(False)
        for w in (title, self.exercise_label):
            lay.addWidget(w)
        lay.addLayout(row)
        lay.addWidget(self.bias_label)
        lay.addWidget(self.proof_label)

    # ---- the problem -----------------------------------------------------------------------

    def set_stepper(self, st: BackpropStepper | None, point: int = 0, after: int = -1) -> None:
        """Questions on ``st`` for ``point`` of its batch, starting after stage ``after`` (what
        the step-through has shown); ``None`` empties the tab."""
        self._stepper = st
        self.bias_combo.clear()
        self.bias_label.setText("")
        self.bias_button.setEnabled(st is not None)
        if st is None:
            self._items = []
            for lab in (self.question_label, self.given_label):
                lab.setText("")
            self._show_question()
            return
        for i, b in enumerate(st.net.biases):
            for j in range(len(b)):
                self.bias_combo.addItem(to_unicode(nt.b_name(i + 2, j)), (i, j))
        self._items = st.quiz_items(min(max(point, 0), st.n_points - 1))
        first = min(after + 1, len(st.stages) - 1)
        self._pos = next((n for n, q in enumerate(self._items) if q.stage >= first), 0)
        self._show_question()

    def set_font_px(self, px: int) -> None:
        self._font_px = px
        self._render_question()

    def set_theme(self, name: str) -> None:
        self._theme = name

    # ---- questions -------------------------------------------------------------------------

    def quiz_question(self) -> QuizItem | None:
        return self._items[self._pos % len(self._items)] if self._items else None

    def set_question(self, pos: int) -> None:
        """Ask question ``pos`` of :meth:`BackpropStepper.quiz_items` (tests, a teacher's pick)."""
        if self._items:
            self._pos = pos % len(self._items)
            self._show_question()

    def next_question(self) -> None:
        self.set_question(self._pos + 1)

    def asked(self) -> list:
        """The printed values that would answer the open question (``[]`` when none is open)."""
        q, st = self.quiz_question(), self._stepper
        if not self._open or q is None or st is None or not 0 <= q.stage < len(st.stages):
            return []
        s = st.stages[q.stage]
        return revealed_by(s.kind, s.list_index, q.j, q.k, st.n_points)

    def _set_open(self, on: bool) -> None:
        self._open = on
        asked = self.asked()
        if asked != self._asked:
            self._asked = asked
            self.askedChanged.emit(list(asked))

    def _question_formula(self) -> Formula | None:
        """The worked formula of the current question (``None`` when there is none)."""
        q, st = self.quiz_question(), self._stepper
        if q is None or st is None or not 0 <= q.stage < len(st.stages):
            return None
        return st.stages[q.stage].formula(q.j, q.k, q.point)

    def _show_question(self) -> None:
        """Ask the current question afresh: an empty answer, no feedback, the value hidden."""
        self.answer_edit.clear()
        self.feedback_label.setText("")
        self.worked_label.setText("")
        self._set_open(self._render_question())

    def _render_question(self) -> bool:
        """Write the question and what is given (at the current font size); False if none."""
        q, f = self.quiz_question(), self._question_formula()
        for w in (self.answer_edit, self.answer_button, self.reveal_button):
            w.setEnabled(f is not None)
        self.next_question_button.setEnabled(len(self._items) > 1)
        if q is None or f is None:
            return False
        stage = self._stepper.stages[q.stage]
        px = self._font_px
        where = f" ({f.note})" if f.note else ""
        self.question_label.setText(
            f"<span style='font-size: {px - 4}px'>Question {self._pos + 1} of "
            f"{len(self._items)} — {stage.description}{where}</span><br>"
            f"Compute&nbsp; {math_html(f.statement, px + 2)}"
        )
        given = ", &nbsp;".join(f"{math_html(n, px - 4)} = {num(v)}" for n, v in f.inputs)
        self.given_label.setText(f"Given: {given}" if given else "")
        return True

    def submit_answer(self, text: str) -> bool:
        """Check a typed answer to the current question; shows feedback and, if right, the work.

        An empty field or something that is not a number is not judged: it asks for a number.
        """
        q, f = self.quiz_question(), self._question_formula()
        if q is None or f is None:
            return False
        self.answer_edit.setText(text)
        px = self._font_px - 2
        wrong = colours(self._theme)["wrong"]
        if parse_answer(text) is None:
            typed = html.escape(text.strip())
            why = f"“{typed}” is not a number" if typed else "Type a number first"
            self.feedback_label.setText(
                f"<span style='color: {wrong}; font-size: {px}px'><b>{why}.</b></span> "
                "A decimal comma and a true minus sign are fine, e.g. −0,25."
            )
            return False
        ok = check(text, q.truth)
        if ok:
            self.feedback_label.setText(
                f"<span style='color: {colours(self._theme)['ok']}; font-size: {px}px'>"
                f"<b>Right.</b></span> {math_html(f.lhs, px)} = {num(q.truth)}"
            )
            self._reveal(f)
        else:
            self.feedback_label.setText(
                f"<span style='color: {wrong}; font-size: {px}px'>"
                f"<b>Not quite.</b></span> {html.escape(text.strip())} is not within 1% of the "
                "value. Try again, or show the answer."
            )
        return ok

    def reveal_answer(self) -> None:
        f = self._question_formula()
        if f is not None:
            self._reveal(f)

    def _reveal(self, f: Formula) -> None:
        details = "".join(f"<br>{math_html(d, self._font_px - 4)}" for d in f.details)
        self.worked_label.setText(formula_html(f, self._font_px) + details)
        self._set_open(False)  # answered: the diagram may print it again

    def _on_check_answer(self) -> None:
        self.submit_answer(self.answer_edit.text())

    # ---- the exercise ----------------------------------------------------------------------

    def run_bias_exercise(self) -> BiasCheck | None:
        """Compare δ_j^(l) with the central difference of the cost in the chosen bias."""
        st = self._stepper
        data = self.bias_combo.currentData()
        if st is None or data is None:
            return None
        ex = st.bias_check(*data)
        px = self._font_px - 2
        how = "" if ex.n_points == 1 else f" (mean over {ex.n_points} points)"
        colour = colours(self._theme)["ok" if ex.agrees else "wrong"]
        verdict = "they agree" if ex.agrees else "they differ"
        self.bias_label.setText(
            f"Back-propagation: {math_html(ex.delta_label, px)} = {num(ex.delta)}{how}<br>"
            f"Numerically: {math_html(ex.gradient_label, px)} ≈ "
            f"{math_html(nt.central_difference('b'), px)} = {num(ex.numeric)} "
            f"(<i>h</i> = {ex.h:g})<br>"
            f"<span style='color: {colour}'><b>relative error {ex.relative_error:.1e}: "
            f"{verdict}</b></span>"
        )
        return ex

    def _on_proof(self, on: bool) -> None:
        self.proof_label.setVisible(on)
        self.proof_button.setText("Hide the proof" if on else "Show the proof")
