"""The status bar: the message of the moment, the epoch, training and test cost, and the speed.

It reads the session and nothing else; it never shows a number that is not true now.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QLabel, QStatusBar

from ..session import Session

KEYS_HINT = "Space: train · →: step · R: reset"


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
            label.setMinimumWidth(150 if key in ("train", "test") else 90)
            self.addPermanentWidget(label)
            self.labels[key] = label
        hint = QLabel(KEYS_HINT)
        hint.setToolTip("Keyboard shortcuts")
        self.addPermanentWidget(hint)
        self.message = QLabel()
        self.addWidget(self.message, 1)
        session.messageChanged.connect(self.message.setText)

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
        lab["rate"].setText(f"{max(s.rate, 0.0):,.0f} epochs/s" if s.running else "paused")
