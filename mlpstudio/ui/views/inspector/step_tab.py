"""The "Step through" tab: one training step, stage by stage, with the worked formula of an item.

← / → walk the stages (forward ``z``, ``a``; output ``δ``; earlier ``δ``; gradients; batch
average; update; new cost). Each stage asks the diagram to highlight its units and edges and shows
the worked formula, numbers substituted, for a chosen unit or weight. The tab does no arithmetic:
stages, formulas and names come from the stepper and the notation.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mlpstudio.core import notation as nt
from mlpstudio.core.stepper import BackpropStepper, Stage
from mlpstudio.core.worked import Formula, num

from .common import FONT_PX, formula_html, label, math_html
from .formula import to_unicode
from .values_table import fill_values, make_table


class _ArrowKeys(QObject):
    """Routes ← / → from child views (which would move their cursor) to stage navigation."""

    def __init__(self, tab: StepTab) -> None:
        super().__init__(tab)
        self._tab = tab

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and self._tab.navigate(event):
            return True
        return super().eventFilter(obj, event)


class StepTab(QWidget):
    """The stages of one step, the values of the current one and the formula of one item."""

    highlightRequested = Signal(list, list)  # (units, edges) of the current stage, as in Stage
    focusHighlightRequested = Signal(list, list)  # (units, edges) the shown formula reads

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stepper: BackpropStepper | None = None
        self._index = 0
        self._point = 0
        self._unit_focus: dict[int, int] = {}
        self._edge_focus: dict[int, tuple[int, int | None]] = {}
        self._font_px = FONT_PX
        self._build()

    def _build(self) -> None:
        arrows = _ArrowKeys(self)
        self.problem_label = label()
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
        self.stage_list.installEventFilter(arrows)

        self.title_label = label()
        self.description_label = label()
        self.formula_label = label()
        self.formula_label.setObjectName("inspectorFormula")
        self.formula_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.details_label = label()
        self.item_combo = QComboBox()
        self.item_combo.setToolTip("Whose formula to show (or click a row of the table)")
        self.item_combo.currentIndexChanged.connect(self._on_item_combo)
        self.point_spin = QSpinBox()
        self.point_spin.setPrefix("point ")
        self.point_spin.setToolTip("Which point of the batch the formula is worked on")
        self.point_spin.valueChanged.connect(lambda value: self.set_point(value - 1))
        focus_row = QHBoxLayout()
        focus_row.addWidget(QLabel("Formula for"))
        focus_row.addWidget(self.item_combo, 1)
        focus_row.addWidget(self.point_spin)

        self.values_table = make_table()
        self.values_table.cellClicked.connect(self._on_table_row)
        self.values_table.installEventFilter(arrows)

        self.apply_button = QPushButton("Apply step")
        self.apply_button.setToolTip(
            f"Write {nt.plain(nt.update_rules())} into the network: one gradient-descent step "
            "on this point (or batch)"
        )

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

        lay = QVBoxLayout(self)
        lay.addWidget(self.problem_label)
        lay.addLayout(nav)
        lay.addWidget(split, 1)
        lay.addWidget(self.apply_button)

    # ---- the problem -----------------------------------------------------------------------

    def show_problem(self, st: BackpropStepper, what: str, stage: int | None = None) -> None:
        """Show the stages of ``st``; ``what`` says what the points are (e.g. ``point 3: …``).

        The current stage (or ``stage``) and the chosen items stay, for another point of the
        same network; :meth:`forget` first to start afresh.
        """
        self._stepper = st
        if stage is not None:
            self._index = stage
        self._index = min(self._index, len(st.stages) - 1)
        self._point = min(self._point, st.n_points - 1)
        for w in (self.prev_button, self.next_button, self.apply_button):
            w.setEnabled(True)
        self.problem_label.setText(
            f"<b>{html.escape(what)}</b> — η = {num(st.learning_rate)}, "
            f"{st.n_points} point{'s' if st.n_points > 1 else ''}, E = {num(st.cost_before)}"
        )
        self.stage_list.blockSignals(True)
        self.stage_list.clear()
        for s in st.stages:
            self.stage_list.addItem(f"{s.index + 1}. {to_unicode(s.short_title)}")
        self.stage_list.blockSignals(False)
        self.point_spin.blockSignals(True)
        self.point_spin.setRange(1, st.n_points)
        self.point_spin.setValue(self._point + 1)
        self.point_spin.setVisible(st.n_points > 1)
        self.point_spin.blockSignals(False)
        self._show_stage()

    def forget(self) -> None:
        """Back to the first stage, and forget which unit or weight each stage showed."""
        self._index = 0
        self._unit_focus.clear()
        self._edge_focus.clear()

    def show_empty(self, message: str = "") -> None:
        """No problem: say how to get one (or ``message``, why there is none)."""
        self._stepper = None
        self.problem_label.setText(
            html.escape(message)
            or "Select a point in the data plot (or the whole batch) to step through one "
            "training step of back-propagation."
        )
        for w in (self.prev_button, self.next_button, self.apply_button):
            w.setEnabled(False)
        self.stage_list.clear()
        for lab in (self.title_label, self.description_label, self.formula_label):
            lab.setText("")
        self.details_label.setText("")
        self.item_combo.clear()
        self.values_table.clear()
        self.values_table.setRowCount(0)
        self.values_table.setColumnCount(0)
        self.position_label.setText("")

    def set_font_px(self, px: int) -> None:
        """The formulas' size in pixels (presenter mode makes them larger)."""
        self._font_px = px
        self._show_stage()

    # ---- navigation ------------------------------------------------------------------------

    def stage_index(self) -> int:
        return self._index

    def point(self) -> int:
        """The point of the batch (0-based) the per-point formulas are worked on."""
        return self._point

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

    def navigate(self, event: QKeyEvent) -> bool:
        """← / → (and Home / End) move through the stages; returns whether it was one."""
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier or self._stepper is None:
            return False
        moves = {
            Qt.Key.Key_Right: self.next_stage,
            Qt.Key.Key_Left: self.prev_stage,
            Qt.Key.Key_Home: lambda: self.set_stage(0),
            Qt.Key.Key_End: lambda: self.set_stage(len(self._stepper.stages) - 1),
        }
        move = moves.get(event.key())
        if move is None:
            return False
        move()
        return True

    # ---- focus ---------------------------------------------------------------------------

    def set_focus_unit(self, layer: int, j: int) -> None:
        """Show the formula of unit ``j`` of list layer ``layer`` (its bias on gradient and
        update stages: the bias's gradient is the unit's δ)."""
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
        return "" if self._stepper is None else self.shown_formula().text()

    def _focus_on(self, j: int, k: int | None) -> None:
        s = self.current_stage()
        if s.per_edge:
            self._edge_focus[s.list_index] = (j, k)
        else:
            self._unit_focus[s.list_index] = j
        self._refocus()

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
        self.title_label.setText(math_html(s.title, self._font_px - 2))
        self.description_label.setText(s.description)
        self.item_combo.blockSignals(True)
        self.item_combo.clear()
        for j, k in s.items():
            self.item_combo.addItem(to_unicode(s.item_name(j, k)))
        self.item_combo.blockSignals(False)
        self.point_spin.setEnabled(s.kind in ("z", "a", "delta", "grad"))
        fill_values(self.values_table, st, s)
        self._show_formula()
        self._select_focus_row()
        self.highlightRequested.emit(list(s.units), list(s.edges))

    def _show_formula(self) -> None:
        s = self.current_stage()
        j, k = self.focus_item()
        f = s.formula(j, k, self._point)
        self.formula_label.setText(formula_html(f, self._font_px))
        extra = [math_html(d, self._font_px - 4) for d in f.details]
        if f.note:
            extra.append(f"<span style='color: gray'>{f.note}</span>")
        self.details_label.setText("<br>".join(extra))
        self.details_label.setVisible(bool(extra))
        self.item_combo.blockSignals(True)
        self.item_combo.setCurrentIndex(s.items().index((j, k)))
        self.item_combo.blockSignals(False)
        units, edges = s.involved(j, k)
        self.focusHighlightRequested.emit(units, edges)

    def _select_focus_row(self) -> None:
        s = self.current_stage()
        if s.kind == "cost":
            self.values_table.clearSelection()
            return
        self.values_table.blockSignals(True)
        self.values_table.selectRow(s.items().index(self.focus_item()))
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
