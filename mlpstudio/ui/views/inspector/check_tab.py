"""The "Gradient check" tab: back-propagation against central differences, worst first.

Every weight and bias of the stepper's network: the gradient from back-propagation, the numerical
one and their relative error, with a verdict and, when the numbers say so, why a poor verdict may
still be no bug (step units, tiny gradients).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlpstudio.core import gradcheck
from mlpstudio.core import notation as nt
from mlpstudio.core.network import Network
from mlpstudio.core.stepper import BackpropStepper
from mlpstudio.core.worked import num

from .common import FONT_PX, colours, label, math_html
from .formula import to_html, to_unicode

VERDICT_TEXT = {
    "ok": "ok: back-propagation agrees with the numerical gradient everywhere",
    "suspect": "suspect: some gradients differ more than round-off explains",
    "wrong": "wrong: back-propagation and the numerical gradient disagree",
}


COLUMNS = ["Parameter", "Back-propagation", "Numerical", "Difference", "Relative error"]


def exponent(v: float) -> str:
    """A small positive number as the table shows it, e.g. ``3.2e−11`` (never rounded to 0;
    only an exact 0 is written ``0``)."""
    return "0" if v == 0 else f"{v:.1e}".replace("e-", "e−")


class CheckTab(QWidget):
    """The gradient check of the current problem; it runs when asked (:meth:`run`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stepper: BackpropStepper | None = None
        self._stale = True
        self._theme = "light"
        self._font_px = FONT_PX
        self.verdict_label = label()
        self.check_button = QPushButton("Check again")
        self.check_button.setToolTip("Recompute the numerical gradient by central differences")
        self.check_button.clicked.connect(self.run)
        top = QHBoxLayout()
        top.addWidget(self.verdict_label, 1)
        top.addWidget(self.check_button)
        explain = label(
            "For every weight and bias: the gradient from back-propagation, the numerical one "
            f"{math_html(nt.central_difference(), 14)} with <i>h</i> = 10<sup>−6</sup>, and "
            f"their relative error {math_html(nt.relative_error(), 14)}, "
            "worst first. Below 10<sup>−6</sup> they agree; so do two slopes closer than the "
            "round-off of the cost divided by <i>h</i> lets central differences tell apart."
        )
        self.check_table = QTableWidget(0, len(COLUMNS))
        self.check_table.setHorizontalHeaderLabels(COLUMNS)
        self.check_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.check_table.verticalHeader().setVisible(False)
        self.check_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(explain)
        lay.addWidget(self.check_table, 1)

    @property
    def stale(self) -> bool:
        """Whether the table is not (yet) the check of the current problem."""
        return self._stale

    def set_stepper(self, st: BackpropStepper | None) -> None:
        """A new problem: the table is stale until :meth:`run`; ``None`` empties it."""
        self._stepper = st
        self._stale = True
        if st is None:
            self.check_table.setRowCount(0)
            self.verdict_label.setText("")

    def set_font_px(self, px: int) -> None:
        self._font_px = px

    def set_theme(self, name: str) -> None:
        """``light`` or ``dark``: a shown check is redrawn in the theme's verdict colours."""
        self._theme = name
        if self._stepper is not None and not self._stale:
            self.run()

    def run(self) -> gradcheck.GradCheck | None:
        """Fill the table: every parameter, worst relative error first, and the verdict."""
        st = self._stepper
        if st is None:
            return None
        with np.errstate(all="ignore"):
            gc = st.gradient_check()
        palette = colours(self._theme)
        difference = gc.difference
        verdicts = gc.verdicts()
        columns = (gc.analytic, gc.numeric, difference, gc.relative_error)
        t = self.check_table
        t.setRowCount(len(gc.names))
        for r, idx in enumerate(int(i) for i in gc.order()):
            cells = [
                to_unicode(nt.param_label(st.net, idx)),
                num(gc.analytic[idx]),
                num(gc.numeric[idx]),
                exponent(difference[idx]),
                exponent(gc.relative_error[idx]),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                    item.setToolTip(repr(float(columns[c - 1][idx])))
                if c == len(cells) - 1:
                    item.setForeground(QColor(palette[verdicts[idx]]))
                    if gc.within_noise[idx] and gc.relative_error[idx] >= gradcheck.GOOD:
                        item.setToolTip(
                            f"{item.toolTip()}: the difference is below the round-off of "
                            f"central differences ({exponent(gc.noise)}), so it counts as agreeing"
                        )
                t.setItem(r, c, item)
        self.verdict_label.setText(
            f"<span style='color: {palette[gc.verdict]}; font-size: {self._font_px - 4}px'><b>"
            f"{VERDICT_TEXT[gc.verdict]}</b></span><br>worst relative error "
            f"{exponent(gc.relative_error[gc.worst])} "
            f"({to_html(nt.param_label(st.net, gc.worst))}{_noise_note(gc, gc.worst)}), "
            f"{st.net.n_params} parameters{_verdict_hint(st.net, gc)}"
        )
        self._stale = False
        return gc


def _noise_note(gc: gradcheck.GradCheck, idx: int) -> str:
    """``, within round-off`` when parameter ``idx``'s error is only the central difference's."""
    if gc.within_noise[idx] and gc.relative_error[idx] >= gradcheck.GOOD:
        return ", within round-off"
    return ""


def _verdict_hint(net: Network, gc: gradcheck.GradCheck) -> str:
    """Why a check that is not "ok" may still be no bug, when the numbers say so."""
    if gc.verdict == "ok":
        return ""
    if net.untrainable_layers():
        return (
            f"<br>This network has step units: {to_html(nt.G_PRIME)} = 0 wherever it exists, but "
            "where some z is exactly 0 the step jumps, and the numerical slope across the jump "
            "is huge. The gradient does not exist there; back-propagation is not at fault."
        )
    size = max(abs(gc.analytic[gc.worst]), abs(gc.numeric[gc.worst]))
    if gc.verdict == "suspect" and size < 1e-4:
        return (
            f"<br>The worst error is on a gradient of size {size:.0e}, where central "
            "differences lose digits to round-off: most likely fine."
        )
    return ""
