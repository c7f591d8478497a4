"""The back-propagation inspector: one training step, stage by stage, with the lecture's formulas.

Three tabs share one problem (a copy of the network, the selected point or batch, its targets
and η), all computed by :class:`~mlpstudio.core.stepper.BackpropStepper`:

- **Step through**: ← / → walk the stages (forward ``z``, ``a``; output ``δ``; earlier ``δ``;
  gradients; batch average; update; new cost). Each stage asks the diagram to highlight its units
  and edges and shows the worked formula, numbers substituted, for a chosen unit or weight.
  *Apply step* writes the update and emits the new parameters.
- **Gradient check**: back-propagation against central differences, every parameter, worst first.
- **Quiz me**: asks for a value, checks the typed answer, then shows the worked formula; and the
  lecture's exercise ``∂E_x/∂b_j^(l) = δ_j^(l)``, confirmed numerically on any bias.

The widget does no network arithmetic: every number comes from the stepper (the engine).
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mlpstudio.core import gradcheck
from mlpstudio.core.network import Network
from mlpstudio.core.stepper import (
    BackpropStepper,
    BiasCheck,
    Formula,
    QuizItem,
    Stage,
    b_name,
    check,
    num,
    param_label,
    w_name,
)

from .. import palette
from .formula import MATH_CSS, to_html, to_unicode

MAX_POINT_COLUMNS = 12  # a batch's per-point columns beyond this are left out of the table
# Verdict colours per theme, dark ones lighter so they keep their contrast on a dark panel.
VERDICT_COLOURS = {
    "light": {"ok": "#1A7F37", "suspect": "#9A6700", "wrong": "#CF222E"},
    "dark": {"ok": "#3FB950", "suspect": "#D29922", "wrong": "#F85149"},
}
VERDICT_TEXT = {
    "ok": "ok: back-propagation agrees with the numerical gradient everywhere",
    "suspect": "suspect: some gradients differ more than round-off explains",
    "wrong": "wrong: back-propagation and the numerical gradient disagree",
}
PROOF = (
    "z_{j}^{(l)} = Σ_{k} w_{jk}^{(l)} a_{k}^{(l−1)} + b_{j}^{(l)}, "
    "so ∂z_{j}^{(l)}/∂b_{j}^{(l)} = 1, and b_{j}^{(l)} reaches E_{x} only through z_{j}^{(l)}. "
    "By the chain rule: "
    "∂E_{x}/∂b_{j}^{(l)} = ∂E_{x}/∂z_{j}^{(l)} · ∂z_{j}^{(l)}/∂b_{j}^{(l)} = δ_{j}^{(l)} · 1"
    " = δ_{j}^{(l)}."
)


def _label(text: str = "", rich: bool = True, wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    lab.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    lab.setWordWrap(wrap)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def _math(markup: str, size: int) -> str:
    return f'<span style="font-family: {MATH_CSS}; font-size: {size}px">{to_html(markup)}</span>'


class _ArrowKeys(QObject):
    """Routes ← / → from child views (which would move their cursor) to stage navigation."""

    def __init__(self, inspector: Inspector) -> None:
        super().__init__(inspector)
        self._inspector = inspector

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and self._inspector._navigate(event):
            return True
        return super().eventFilter(obj, event)


class Inspector(QWidget):
    """Step-through back-propagation, gradient check and quiz for one point or batch."""

    highlightRequested = Signal(list, list)  # (units, edges) of the current stage, as in Stage
    focusHighlightRequested = Signal(list, list)  # (units, edges) the shown formula reads
    appliedUpdate = Signal(object)  # np.ndarray: the new flat params after "Apply step"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._stepper: BackpropStepper | None = None
        self._net: Network | None = None
        self._X = self._Y = None
        self._lr = 0.0
        self._problem_label = ""
        self._index = 0
        self._point = 0
        self._unit_focus: dict[int, int] = {}
        self._edge_focus: dict[int, tuple[int, int | None]] = {}
        self._gradcheck_stale = True
        self._last_check: gradcheck.GradCheck | None = None
        self._quiz_items: list[QuizItem] = []
        self._quiz_pos = 0
        self._font_px = 20
        self._theme = "light"
        self._arrows = _ArrowKeys(self)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_step_tab(), "Step through")
        self.tabs.addTab(self._build_check_tab(), "Gradient check")
        self.tabs.addTab(self._build_quiz_tab(), "Quiz me")
        self.tabs.currentChanged.connect(self._on_tab)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.tabs)
        self._show_empty()

    # ---- building ------------------------------------------------------------------------

    def _build_step_tab(self) -> QWidget:
        page = QWidget()
        self.problem_label = _label()
        self.prev_button = QPushButton("← Back")
        self.prev_button.setToolTip("The previous stage (←)")
        self.prev_button.clicked.connect(self.prev_stage)
        self.next_button = QPushButton("Next →")
        self.next_button.setToolTip("The next stage (→)")
        self.next_button.clicked.connect(self.next_stage)
        self.position_label = QLabel()
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.position_label, 1, Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.next_button)

        self.stage_list = QListWidget()
        self.stage_list.setToolTip("The stages of one training step; click one to go there")
        self.stage_list.currentRowChanged.connect(self._on_stage_row)
        self.stage_list.installEventFilter(self._arrows)

        self.title_label = _label()
        self.description_label = _label()
        self.formula_label = _label()
        self.formula_label.setObjectName("inspectorFormula")
        self.formula_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.details_label = _label()
        self.item_combo = QComboBox()
        self.item_combo.setToolTip("Whose formula to show (or click a row of the table)")
        self.item_combo.currentIndexChanged.connect(self._on_item_combo)
        self.point_spin = QSpinBox()
        self.point_spin.setPrefix("point ")
        self.point_spin.setToolTip("Which point of the batch the formula is worked on")
        self.point_spin.valueChanged.connect(self._on_point)
        focus_row = QHBoxLayout()
        focus_row.addWidget(QLabel("Formula for"))
        focus_row.addWidget(self.item_combo, 1)
        focus_row.addWidget(self.point_spin)

        self.values_table = QTableWidget()
        self.values_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.values_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.values_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.values_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.values_table.cellClicked.connect(self._on_table_row)
        self.values_table.installEventFilter(self._arrows)

        self.apply_button = QPushButton("Apply step")
        self.apply_button.setToolTip(
            "Write w ← w − η ∂E/∂w and b ← b − η ∂E/∂b into the network: one gradient-descent "
            "step on this point (or batch)"
        )
        self.apply_button.clicked.connect(self.apply_step)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.title_label)
        rl.addWidget(self.description_label)
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        fl = QVBoxLayout(frame)
        fl.addWidget(self.formula_label)
        fl.addWidget(self.details_label)
        rl.addWidget(frame)
        rl.addLayout(focus_row)
        rl.addWidget(self.values_table, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.stage_list)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([170, 480])

        lay = QVBoxLayout(page)
        lay.addWidget(self.problem_label)
        lay.addLayout(nav)
        lay.addWidget(split, 1)
        lay.addWidget(self.apply_button)
        return page

    def _build_check_tab(self) -> QWidget:
        page = QWidget()
        self.verdict_label = _label()
        self.check_button = QPushButton("Check again")
        self.check_button.setToolTip("Recompute the numerical gradient by central differences")
        self.check_button.clicked.connect(self.run_gradient_check)
        top = QHBoxLayout()
        top.addWidget(self.verdict_label, 1)
        top.addWidget(self.check_button)
        explain = _label(
            "For every weight and bias: the gradient from back-propagation, the numerical one "
            f"{_math('(E(θ + h) − E(θ − h)) / 2h', 14)} with <i>h</i> = 10<sup>−6</sup>, and "
            f"their relative error {_math('|g_{bp} − g_{num}| / (|g_{bp}| + |g_{num}|)', 14)}, "
            "worst first. Below 10<sup>−6</sup> they agree."
        )
        self.check_table = QTableWidget(0, 4)
        self.check_table.setHorizontalHeaderLabels(
            ["Parameter", "Back-propagation", "Numerical", "Relative error"]
        )
        self.check_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.check_table.verticalHeader().setVisible(False)
        self.check_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay = QVBoxLayout(page)
        lay.addLayout(top)
        lay.addWidget(explain)
        lay.addWidget(self.check_table, 1)
        return page

    def _build_quiz_tab(self) -> QWidget:
        page = QWidget()
        self.question_label = _label()
        self.given_label = _label()
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
        row.addWidget(self.answer_button)
        row.addWidget(self.reveal_button)
        row.addWidget(self.next_question_button)
        self.feedback_label = _label()
        self.worked_label = _label()

        ex_title = _label("<b>Exercise (from the lecture)</b>")
        self.exercise_label = _label(
            "Show that for any bias in the network "
            + _math("∂E_{x}/∂b_{j}^{(l)} = δ_{j}^{(l)}", self._font_px)
            + ". Pick a bias and confirm it numerically: the app nudges the bias by ±<i>h</i>, "
            "recomputes the error, and compares the slope with δ."
        )
        self.bias_combo = QComboBox()
        self.bias_button = QPushButton("Confirm numerically")
        self.bias_button.clicked.connect(self.run_bias_exercise)
        self.proof_button = QPushButton("Show the proof")
        self.proof_button.setCheckable(True)
        self.proof_button.toggled.connect(self._on_proof)
        brow = QHBoxLayout()
        brow.addWidget(self.bias_combo, 1)
        brow.addWidget(self.bias_button)
        brow.addWidget(self.proof_button)
        self.bias_label = _label()
        self.proof_label = _label(_math(PROOF, 16))
        self.proof_label.setVisible(False)

        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.addWidget(self.question_label)
        lay.addWidget(self.given_label)
        lay.addLayout(row)
        lay.addWidget(self.feedback_label)
        lay.addWidget(self.worked_label)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        lay.addWidget(line)
        lay.addWidget(ex_title)
        lay.addWidget(self.exercise_label)
        lay.addLayout(brow)
        lay.addWidget(self.bias_label)
        lay.addWidget(self.proof_label)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        return page

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
        self._net = net.copy()
        self._X = np.array(X, copy=True)
        self._Y = np.array(Y, copy=True)
        self._lr = float(learning_rate)
        self._problem_label = label
        self._stepper = BackpropStepper(self._net, self._X, self._Y, self._lr)
        same = old is not None and [(s.kind, s.layer) for s in old.stages] == [
            (s.kind, s.layer) for s in self._stepper.stages
        ]
        if not same:
            self._index = 0
            self._unit_focus.clear()
            self._edge_focus.clear()
        self._point = min(self._point, self._stepper.n_points - 1)
        self._after_new_stepper()

    def clear(self) -> None:
        """Forget the problem and show what to do to get one."""
        self._stepper = self._net = None
        self._show_empty()

    def stepper(self) -> BackpropStepper | None:
        return self._stepper

    def _after_new_stepper(self) -> None:
        st = self._stepper
        assert st is not None
        self._gradcheck_stale = True
        for w in (self.prev_button, self.next_button, self.apply_button, self.bias_button):
            w.setEnabled(True)
        self.problem_label.setText(
            f"<b>{html.escape(self._problem_label)}</b> — η = {num(self._lr)}, "
            f"{st.n_points} point{'s' if st.n_points > 1 else ''}, E = {num(st.cost_before)}"
        )
        self.stage_list.blockSignals(True)
        self.stage_list.clear()
        for s in st.stages:
            self.stage_list.addItem(f"{s.index + 1}. {to_unicode(_short_title(s))}")
        self.stage_list.blockSignals(False)
        self.point_spin.blockSignals(True)
        self.point_spin.setRange(1, st.n_points)
        self.point_spin.setValue(self._point + 1)
        self.point_spin.setVisible(st.n_points > 1)
        self.point_spin.blockSignals(False)
        self.bias_combo.clear()
        net = st.net
        for i, b in enumerate(net.biases):
            for j in range(len(b)):
                self.bias_combo.addItem(to_unicode(b_name(i + 2, j)), (i, j))
        self.bias_label.setText("")
        self._index = min(self._index, len(st.stages) - 1)
        self._reset_quiz()
        self._show_stage()
        if self.tabs.currentIndex() == 1:
            self.run_gradient_check()

    def _show_empty(self) -> None:
        self.problem_label.setText(
            "Select a point in the data plot (or the whole batch) to step through one training "
            "step of back-propagation."
        )
        for w in (self.prev_button, self.next_button, self.apply_button, self.bias_button):
            w.setEnabled(False)
        self.stage_list.clear()
        self.title_label.setText("")
        self.description_label.setText("")
        self.formula_label.setText("")
        self.details_label.setText("")
        self.item_combo.clear()
        self.values_table.clear()
        self.values_table.setRowCount(0)
        self.values_table.setColumnCount(0)
        self.position_label.setText("")
        self.check_table.setRowCount(0)
        self.verdict_label.setText("")
        self.question_label.setText("")
        self.given_label.setText("")
        self.feedback_label.setText("")
        self.worked_label.setText("")
        self.bias_combo.clear()
        self.bias_label.setText("")

    # ---- navigation ------------------------------------------------------------------------

    def stage_index(self) -> int:
        return self._index

    def current_stage(self) -> Stage:
        if self._stepper is None:
            raise RuntimeError("no problem set: call set_problem first")
        return self._stepper.stages[self._index]

    def set_stage(self, index: int) -> None:
        if self._stepper is None:
            return
        index = max(0, min(index, len(self._stepper.stages) - 1))
        if index != self._index:
            self._index = index
            self._show_stage()

    def next_stage(self) -> None:
        self.set_stage(self._index + 1)

    def prev_stage(self) -> None:
        self.set_stage(self._index - 1)

    def _navigate(self, event: QKeyEvent) -> bool:
        """← / → (and Home / End) move through the stages; returns whether it was one."""
        key = event.key()
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        moves = {
            Qt.Key.Key_Right: self.next_stage,
            Qt.Key.Key_Left: self.prev_stage,
            Qt.Key.Key_Home: lambda: self.set_stage(0),
            Qt.Key.Key_End: lambda: self.set_stage(len(self._stepper.stages) - 1),
        }
        if key in moves and self._stepper is not None:
            moves[key]()
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._navigate(event):
            super().keyPressEvent(event)

    # ---- focus ---------------------------------------------------------------------------

    def set_focus_unit(self, layer: int, j: int) -> None:
        """Show the formula of unit ``j`` of list layer ``layer`` (as in ``Stage.units``).

        On gradient and update stages of that layer, the unit's bias is shown (its gradient is
        the unit's δ).
        """
        self._unit_focus[layer] = j
        self._edge_focus[layer] = (j, None)
        self._refocus()

    def set_focus_edge(self, layer: int, j: int, k: int) -> None:
        """Show the formula of weight ``w_jk`` of list layer ``layer`` on gradient/update stages."""
        self._edge_focus[layer] = (j, k)
        self._refocus()

    def set_point(self, point: int) -> None:
        """Which point of a batch (0-based) the per-point formulas are worked on."""
        if self._stepper is not None:
            self._point = max(0, min(point, self._stepper.n_points - 1))
            self.point_spin.blockSignals(True)
            self.point_spin.setValue(self._point + 1)
            self.point_spin.blockSignals(False)
            self._show_stage()

    def focus_item(self) -> tuple[int, int | None]:
        """The ``(j, k)`` whose formula is shown on the current stage."""
        s = self.current_stage()
        items = s.items()
        i = s.list_index
        if s.kind == "cost":
            want: tuple[int, int | None] = (0, None)
        elif s.per_edge:
            want = self._edge_focus.get(i, items[0])
        else:
            want = (self._unit_focus.get(i, 0), None)
        return want if want in items else items[0]

    def shown_formula(self) -> Formula:
        j, k = self.focus_item()
        return self.current_stage().formula(j, k, self._point)

    def shown_formula_text(self) -> str:
        """Plain text of the displayed worked formula (e.g. ``δ_1^(2) = … = 0.0649``)."""
        if self._stepper is None:
            return ""
        return self.shown_formula().text()

    def _refocus(self) -> None:
        if self._stepper is None:
            return
        self._show_formula()
        self._select_focus_row()

    # ---- showing a stage -------------------------------------------------------------------

    def _show_stage(self) -> None:
        st = self._stepper
        if st is None:
            return
        s = st.stages[self._index]
        self.stage_list.blockSignals(True)
        self.stage_list.setCurrentRow(self._index)
        self.stage_list.blockSignals(False)
        self.position_label.setText(f"stage {self._index + 1} of {len(st.stages)}")
        self.prev_button.setEnabled(self._index > 0)
        self.next_button.setEnabled(self._index < len(st.stages) - 1)
        self.title_label.setText(_math(s.title, self._font_px - 2))
        self.description_label.setText(s.description)
        self.item_combo.blockSignals(True)
        self.item_combo.clear()
        for j, k in s.items():
            self.item_combo.addItem(to_unicode(_item_name(s, j, k)))
        self.item_combo.blockSignals(False)
        self.point_spin.setEnabled(s.kind in ("z", "a", "delta", "grad"))
        self._fill_values(s)
        self._show_formula()
        self._select_focus_row()
        self.highlightRequested.emit(list(s.units), list(s.edges))

    def _show_formula(self) -> None:
        s = self.current_stage()
        j, k = self.focus_item()
        f = s.formula(j, k, self._point)
        self.formula_label.setText(self._formula_html(f))
        extra = [_math(d, self._font_px - 4) for d in f.details]
        if f.note:
            extra.append(f"<span style='color: gray'>{f.note}</span>")
        self.details_label.setText("<br>".join(extra))
        self.details_label.setVisible(bool(extra))
        pos = s.items().index((j, k))
        self.item_combo.blockSignals(True)
        self.item_combo.setCurrentIndex(pos)
        self.item_combo.blockSignals(False)
        units, edges = s.involved(j, k)
        self.focusHighlightRequested.emit(units, edges)

    def _formula_html(self, f: Formula, size: int | None = None) -> str:
        """The worked formula as aligned lines: ``lhs = symbolic`` / ``= numbers`` / ``= value``."""
        px = size or self._font_px
        cell = f'style="font-family: {MATH_CSS}; font-size: {px}px; padding: 2px 4px"'
        rows = [(to_html(f.lhs), f"{f.relation} {to_html(f.symbolic)}")]
        result = num(f.result)
        if f.numeric and f.numeric not in (f.symbolic, result):
            rows.append(("", f"= {to_html(f.numeric)}"))
        rows.append(("", f"= <b>{result}</b>"))
        body = "".join(
            f"<tr><td align='right' {cell}>{a}</td><td {cell}>{b}</td></tr>" for a, b in rows
        )
        return f"<table cellspacing='0'>{body}</table>"

    def _fill_values(self, s: Stage) -> None:
        """The stage's numbers: one row per unit (or weight and bias), one column per point."""
        st = self._stepper
        assert st is not None
        t = self.values_table
        t.clear()
        m = st.n_points
        cols = min(m, MAX_POINT_COLUMNS)
        point_headers = ["value"] if m == 1 else [f"x{p + 1}" for p in range(cols)]
        rows: list[tuple[str, list[float]]] = []
        if s.kind in ("z", "a", "delta"):
            name = {"z": "z", "a": "a", "delta": "δ"}[s.kind]
            headers = point_headers
            for j in range(s.values.shape[1]):
                rows.append((f"{name}_{{{j + 1}}}^{{({s.layer})}}", list(s.values[:cols, j])))
        elif s.kind == "grad":
            headers = point_headers
            for j, k in s.items():
                v = s.bias[:cols, j] if k is None else s.values[:cols, j, k]
                rows.append((f"∂E_{{x}}/∂{_item_name(s, j, k)}", list(v)))
        elif s.kind == "mean":
            headers = ["∂E/∂θ (mean)"]
            for j, k in s.items():
                rows.append((_item_name(s, j, k), [s.bias[j] if k is None else s.values[j, k]]))
        elif s.kind == "update":
            headers = ["before", "∂E/∂θ", "after"]
            gW, gb = st.bw.grad_W[s.list_index], st.bw.grad_b[s.list_index]
            for j, k in s.items():
                if k is None:
                    vals = [s.previous_bias[j], gb[j], s.bias[j]]
                else:
                    vals = [s.previous[j, k], gW[j, k], s.values[j, k]]
                rows.append((_item_name(s, j, k), vals))
        else:
            headers = ["E"] + ([] if m == 1 else point_headers)
            before = [st.cost_before] + ([] if m == 1 else list(st.cost_points_before[:cols]))
            after = [st.cost_after] + ([] if m == 1 else list(st.cost_points_after[:cols]))
            rows = [("before the step", before), ("after the step", after)]
        if m > cols and s.kind in ("z", "a", "delta", "grad"):
            headers = [*headers, f"… {m - cols} more"]
        t.setColumnCount(len(headers))
        t.setRowCount(len(rows))
        t.setHorizontalHeaderLabels(headers)
        t.setVerticalHeaderLabels([to_unicode(name) for name, _ in rows])
        signed = s.kind in ("delta", "grad", "mean")
        for r, (_, vals) in enumerate(rows):
            for c, v in enumerate(vals):
                item = QTableWidgetItem(num(v))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(repr(float(v)))
                if signed and v != 0:
                    item.setForeground(palette.sign_color(float(v)))
                t.setItem(r, c, item)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def _select_focus_row(self) -> None:
        s = self.current_stage()
        if s.kind == "cost":
            self.values_table.clearSelection()
            return
        row = s.items().index(self.focus_item())
        self.values_table.blockSignals(True)
        self.values_table.selectRow(row)
        self.values_table.blockSignals(False)

    # ---- slots ---------------------------------------------------------------------------

    def _on_stage_row(self, row: int) -> None:
        if row >= 0:
            self.set_stage(row)

    def _on_item_combo(self, pos: int) -> None:
        items = self.current_stage().items() if self._stepper is not None else []
        if 0 <= pos < len(items):
            self._focus_on(*items[pos])

    def _on_table_row(self, row: int, _col: int) -> None:
        s = self.current_stage()
        if s.kind != "cost":
            self._focus_on(*s.items()[row])

    def _focus_on(self, j: int, k: int | None) -> None:
        s = self.current_stage()
        if s.per_edge:
            self._edge_focus[s.list_index] = (j, k)
        else:
            self._unit_focus[s.list_index] = j
        self._refocus()

    def _on_point(self, value: int) -> None:
        self.set_point(value - 1)

    def apply_step(self) -> None:
        """Write the stepped update into the network, emit its parameters, and start over."""
        if self._stepper is None or self._net is None:
            return
        new = self._stepper.new_params.copy()
        self._stepper.apply(self._net)
        self.appliedUpdate.emit(new)
        self._stepper = BackpropStepper(self._net, self._X, self._Y, self._lr)
        self._index = 0
        self._after_new_stepper()

    # ---- gradient check ------------------------------------------------------------------

    def _on_tab(self, index: int) -> None:
        if index == 1 and self._gradcheck_stale and self._stepper is not None:
            self.run_gradient_check()
        if index == 2 and self._stepper is not None:
            self.answer_edit.setFocus()

    def run_gradient_check(self) -> gradcheck.GradCheck | None:
        """Fill the table: every parameter, worst relative error first, and the verdict."""
        st = self._stepper
        if st is None:
            return None
        with np.errstate(all="ignore"):
            gc = st.gradient_check()
        order = gc.order()
        t = self.check_table
        t.setRowCount(len(order))
        for r, idx in enumerate(order):
            idx = int(idx)
            cells = [
                to_unicode(param_label(st.net, idx)),
                num(gc.analytic[idx]),
                num(gc.numeric[idx]),
                f"{gc.relative_error[idx]:.1e}",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                    item.setToolTip(
                        repr(float((gc.analytic, gc.numeric, gc.relative_error)[c - 1][idx]))
                    )
                if c == 3:
                    e = gc.relative_error[idx]
                    v = (
                        "ok"
                        if e < gradcheck.GOOD
                        else "suspect"
                        if e < gradcheck.SUSPECT
                        else "wrong"
                    )
                    item.setForeground(QColor(self._colours[v]))
                t.setItem(r, c, item)
        colour = self._colours[gc.verdict]
        self.verdict_label.setText(
            f"<span style='color: {colour}; font-size: {self._font_px - 4}px'><b>"
            f"{VERDICT_TEXT[gc.verdict]}</b></span><br>worst relative error "
            f"{gc.max_error:.1e} ({to_html(param_label(st.net, gc.worst))}), "
            f"{st.net.n_params} parameters{_verdict_hint(st.net, gc)}"
        )
        self._gradcheck_stale = False
        self._last_check = gc
        return gc

    # ---- quiz ----------------------------------------------------------------------------

    def _reset_quiz(self) -> None:
        st = self._stepper
        assert st is not None
        self._quiz_items = st.quiz_items(self._point)
        # The first question is the value right after what the step-through has shown.
        first = min(self._index + 1, len(st.stages) - 1)
        self._quiz_pos = next((n for n, q in enumerate(self._quiz_items) if q.stage >= first), 0)
        self._show_question()

    def quiz_question(self) -> QuizItem | None:
        if not self._quiz_items:
            return None
        return self._quiz_items[self._quiz_pos]

    def set_question(self, pos: int) -> None:
        """Ask question ``pos`` of :meth:`BackpropStepper.quiz_items` (tests, a teacher's pick)."""
        if self._quiz_items:
            self._quiz_pos = pos % len(self._quiz_items)
            self._show_question()

    def next_question(self) -> None:
        self.set_question(self._quiz_pos + 1)

    def _question_formula(self) -> Formula:
        q = self.quiz_question()
        assert q is not None and self._stepper is not None
        return self._stepper.stages[q.stage].formula(q.j, q.k, q.point)

    def _show_question(self) -> None:
        q = self.quiz_question()
        self.answer_edit.clear()
        self.feedback_label.setText("")
        self.worked_label.setText("")
        if q is None:
            return
        f = self._question_formula()
        stage = self._stepper.stages[q.stage]
        px = self._font_px
        where = f" ({f.note})" if f.note else ""
        self.question_label.setText(
            f"<span style='font-size: {px - 4}px'>Question {self._quiz_pos + 1} of "
            f"{len(self._quiz_items)} — {stage.description}{where}</span><br>"
            f"Compute&nbsp; {_math(f.statement, px + 2)}"
        )
        given = ", &nbsp;".join(f"{_math(n, px - 4)} = {num(v)}" for n, v in f.inputs)
        self.given_label.setText(f"Given: {given}" if given else "")

    def submit_answer(self, text: str) -> bool:
        """Check a typed answer to the current question; shows feedback and, if right, the work."""
        q = self.quiz_question()
        if q is None:
            return False
        self.answer_edit.setText(text)
        ok = check(text, q.truth)
        f = self._question_formula()
        if ok:
            self.feedback_label.setText(
                f"<span style='color: {self._colours['ok']}; font-size: {self._font_px - 2}px'>"
                f"<b>Right.</b></span> {_math(f.lhs, self._font_px - 2)} = {num(q.truth)}"
            )
            self._reveal(f)
        else:
            self.feedback_label.setText(
                f"<span style='color: {self._colours['wrong']}; font-size: {self._font_px - 2}px'>"
                f"<b>Not quite.</b></span> {text.strip() or 'nothing'} is not within 1% of the "
                "value. Try again, or show the answer."
            )
        return ok

    def reveal_answer(self) -> None:
        if self.quiz_question() is not None:
            self._reveal(self._question_formula())

    def _reveal(self, f: Formula) -> None:
        details = "".join(f"<br>{_math(d, self._font_px - 4)}" for d in f.details)
        self.worked_label.setText(self._formula_html(f) + details)

    def _on_check_answer(self) -> None:
        self.submit_answer(self.answer_edit.text())

    def run_bias_exercise(self) -> BiasCheck | None:
        """Compare δ_j^(l) with the central difference of the cost in the chosen bias."""
        st = self._stepper
        data = self.bias_combo.currentData()
        if st is None or data is None:
            return None
        i, j = data
        ex = st.bias_check(i, j)
        px = self._font_px - 2
        l = ex.layer
        delta = f"δ_{{{j + 1}}}^{{({l})}}"
        lhs = "∂E_{x}/∂" if ex.n_points == 1 else "∂E/∂"
        how = "" if ex.n_points == 1 else f" (mean over {ex.n_points} points)"
        colour = self._colours["ok" if ex.agrees else "wrong"]
        verdict = "they agree" if ex.agrees else "they differ"
        self.bias_label.setText(
            f"Back-propagation: {_math(delta, px)} = {num(ex.delta)}{how}<br>"
            f"Numerically: {_math(lhs + ex.name, px)} ≈ "
            f"{_math('(E(b + h) − E(b − h)) / 2h', px)} = {num(ex.numeric)} "
            f"(<i>h</i> = {ex.h:g})<br>"
            f"<span style='color: {colour}'><b>relative error {ex.relative_error:.1e}: "
            f"{verdict}</b></span>"
        )
        return ex

    def _on_proof(self, on: bool) -> None:
        self.proof_label.setVisible(on)
        self.proof_button.setText("Hide the proof" if on else "Show the proof")

    # ---- looks ---------------------------------------------------------------------------

    def set_presenter(self, on: bool) -> None:
        """Larger formulas and text for a lecture hall."""
        self._font_px = 30 if on else 20
        font = QFont(self.font())
        font.setPointSizeF(15.0 if on else QFont().pointSizeF())
        self.setFont(font)
        if self._stepper is not None:
            self._show_stage()
            self._show_question()

    def set_theme(self, name: str) -> None:
        """``light`` or ``dark``: the verdict and feedback colours follow."""
        self._theme = name if name in VERDICT_COLOURS else "light"
        if self._stepper is not None and not self._gradcheck_stale:
            self.run_gradient_check()

    @property
    def _colours(self) -> dict[str, str]:
        return VERDICT_COLOURS[self._theme]


def _verdict_hint(net: Network, gc: gradcheck.GradCheck) -> str:
    """Why a check that is not "ok" may still be no bug, when the numbers say so."""
    if gc.verdict == "ok":
        return ""
    if net.untrainable_layers():
        return (
            "<br>This network has step units: g′ = 0 wherever it exists, but where some z is "
            "exactly 0 the step jumps, and the numerical slope across the jump is huge. The "
            "gradient does not exist there; back-propagation is not at fault."
        )
    size = max(abs(gc.analytic[gc.worst]), abs(gc.numeric[gc.worst]))
    if gc.verdict == "suspect" and size < 1e-4:
        return (
            f"<br>The worst error is on a gradient of size {size:.0e}, where central "
            "differences lose digits to round-off: most likely fine."
        )
    return ""


def _item_name(s: Stage, j: int, k: int | None) -> str:
    """Markup name of an item of a stage: the unit's value, or the weight/bias."""
    l = s.layer
    if s.per_edge:
        return b_name(l, j) if k is None else w_name(l, j, k)
    sym = {"z": "z", "a": "a", "delta": "δ"}.get(s.kind, "E")
    return f"{sym}_{{{j + 1}}}^{{({l})}}" if s.kind != "cost" else "E"


def _short_title(s: Stage) -> str:
    """A stage's short name for the list: ``z^{(2)}``, ``δ^{(3)}``, ``update ^{(2)}``…"""
    l = f"^{{({s.layer})}}"
    return {
        "z": f"forward z{l}",
        "a": f"forward a{l}",
        "delta": f"backward δ{l}",
        "grad": f"gradients ∂E_{{x}}/∂w{l}",
        "mean": f"batch mean ∂E/∂w{l}",
        "update": f"update w{l}, b{l}",
        "cost": "new cost E",
    }[s.kind]
