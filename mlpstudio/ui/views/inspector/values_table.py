"""The step-through tab's table: a stage's numbers, one row per item, one column per point."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from mlpstudio.core import notation as nt
from mlpstudio.core.stepper import BackpropStepper, Stage
from mlpstudio.core.worked import num

from ... import palette
from .formula import to_unicode

MAX_POINT_COLUMNS = 12  # a batch's per-point columns beyond this are left out of the table


def make_table() -> QTableWidget:
    """A read-only table whose rows are chosen one at a time."""
    t = QTableWidget()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return t


def _rows(st: BackpropStepper, s: Stage, cols: int) -> tuple[list[str], list]:
    """Column headers and ``(markup name, values)`` rows for stage ``s``."""
    m = st.n_points
    point_headers = ["value"] if m == 1 else [f"x{p + 1}" for p in range(cols)]
    rows: list[tuple[str, list[float]]] = []
    if s.kind in ("z", "a", "delta"):
        for j in range(s.values.shape[1]):
            rows.append((s.item_name(j), list(s.values[:cols, j])))
        return point_headers, rows
    if s.kind == "grad":
        for j, k in s.items():
            v = s.bias[:cols, j] if k is None else s.values[:cols, j, k]
            rows.append((nt.dE(s.item_name(j, k)), list(v)))
        return point_headers, rows
    gradient = to_unicode(nt.dE("θ", None))
    if s.kind == "mean":
        for j, k in s.items():
            rows.append((s.item_name(j, k), [s.bias[j] if k is None else s.values[j, k]]))
        return [f"{gradient} (mean)"], rows
    if s.kind == "update":
        gW, gb = st.bw.grad_W[s.list_index], st.bw.grad_b[s.list_index]
        for j, k in s.items():
            if k is None:
                vals = [s.previous_bias[j], gb[j], s.bias[j]]
            else:
                vals = [s.previous[j, k], gW[j, k], s.values[j, k]]
            rows.append((s.item_name(j, k), vals))
        return ["before", gradient, "after"], rows
    headers = ["E"] + ([] if m == 1 else point_headers)
    before = [st.cost_before] + ([] if m == 1 else list(st.cost_points_before[:cols]))
    after = [st.cost_after] + ([] if m == 1 else list(st.cost_points_after[:cols]))
    return headers, [("before the step", before), ("after the step", after)]


def fill_values(t: QTableWidget, st: BackpropStepper, s: Stage) -> None:
    """Show stage ``s``: each cell the value to 4 digits, its tooltip the full float."""
    t.clear()
    m = st.n_points
    cols = min(m, MAX_POINT_COLUMNS)
    headers, rows = _rows(st, s, cols)
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
