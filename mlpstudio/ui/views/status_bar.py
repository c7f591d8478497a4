"""The status bar: the message of the moment, the epoch, training and test cost, and the speed.

It reads the session and nothing else; it never shows a number that is not true now.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar

from ..session import Session

KEYS_HINT = "Space: train · →: step · R: reset"


def rate_words(running: bool, rate: float) -> str:
    """The speed reached, in words; never a negative or a stale number."""
    if not running:
        return "paused"
    if not math.isfinite(rate) or rate <= 0:
        return "starting…"  # the first half second: nothing measured yet
    return f"about {rate:,.0f} epochs/s" if rate >= 10 else f"about {rate:.1f} epochs/s"


class _Sentence(QLabel):
    """A label that keeps its whole text but draws what does not fit as "…", so a long message
    in a narrow bar (presenter mode at 1024 px) is never cut in the middle of a number."""

    def shown(self) -> str:
        """What the label draws: its text, ending in "…" where the room runs out."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setPen(self.palette().color(self.foregroundRole()))
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        p.drawText(self.contentsRect(), int(align), self.shown())


class StatusBar(QStatusBar):
    """Labels for the message, epoch, train and test cost/accuracy, and epochs per second."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.labels: dict[str, QLabel] = {}
        for key, tip in (
            ("epoch", "Epochs trained"),
            ("train", "Training cost and accuracy"),
            ("test", "Test cost and accuracy"),
            ("rate", "Epochs per second"),
        ):
            label = QLabel()
            label.setToolTip(tip)
            self.addPermanentWidget(label)
            self.labels[key] = label
        self.hint = QLabel(KEYS_HINT)
        self.hint.setToolTip("Keyboard shortcuts")
        self.addPermanentWidget(self.hint)
        # The message takes the room that is left and never widens the window: at a
        # projector's 1024 px the numbers on the right matter more than a long sentence.
        self.message = _Sentence()
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.addWidget(self.message, 1)
        session.messageChanged.connect(self._say)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setToolTip(text)  # the whole sentence, should the bar be too narrow

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.hint.setVisible(self.width() >= 1200)  # the keys are in the menus and README too

    def refresh(self) -> None:
        """Show the session's epoch, costs and rate (called at most a few times a second)."""
        s = self.session
        snap = s.snapshot
        lab = self.labels
        if snap is None:
            for label in lab.values():
                label.setText("")
            return
        tc, ta, vc, va = snap.metrics
        lab["epoch"].setText(f"Epoch {snap.epoch:,}")
        lab["train"].setText(f"Train: cost {tc:.3g}, {ta:.0%}")
        if math.isnan(vc):
            lab["test"].setText("Test: none")
        else:
            lab["test"].setText(f"Test: cost {vc:.3g}, {va:.0%}")
        lab["rate"].setText(rate_words(s.running, s.rate))
