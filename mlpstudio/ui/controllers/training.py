"""The training controller: owns the worker thread and keeps it in step with the session.

Play, pause, step, reset and edits to weights are its commands. It hands the worker a new trainer
whenever the session gets a new network, new points whenever the data changes, and every setting
(speed included) the moment it changes, so the panels act from the first second. Snapshots from
the worker are kept as they arrive and given to the session once per display frame, so however
fast training runs, the views repaint at most at the screen's rate.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

from mlpstudio.core import History, Trainer, TrainingError
from mlpstudio.core.training import Snapshot

from ..session import Session
from ..worker import WorkerThread
from ..worker_process import WorkerProcess

FRAME_MS = 16  # the display timer; a frame is drawn only when a new snapshot has arrived
# Where the trainer runs: "process" (the app's default: no contention for the window's GIL) or
# "thread" (starts at once; the tests' default, which read the live trainer).
WORKER_ENV = "MLPSTUDIO_TRAINING"


def worker_kind(kind: str | None = None) -> str:
    """``kind``, else ``$MLPSTUDIO_TRAINING``, else "process"."""
    kind = kind or os.environ.get(WORKER_ENV) or "process"
    if kind not in ("process", "thread"):
        raise ValueError(f"{WORKER_ENV} must be 'process' or 'thread', not {kind!r}")
    return kind


class TrainingController(QObject):
    """The only bridge between the session and the training worker."""

    def __init__(
        self, session: Session, parent: QObject | None = None, worker: str | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.worker_kind = worker_kind(worker)
        self.thread = WorkerProcess() if self.worker_kind == "process" else WorkerThread()
        self.worker = self.thread.worker
        self.worker.snapshotReady.connect(self._on_snapshot)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.synced.connect(self._on_synced)
        session.architectureChanged.connect(self._load_trainer)
        session.dataChanged.connect(self._send_data)
        session.settingsChanged.connect(self._send_settings)
        self._latest: tuple[Snapshot, float] | None = None
        self._rows = History()
        self._rows_replaced = False
        self._trained_on: object = None  # the dataset the worker's trainer has
        self._sync_token = 0
        self._synced_token = -1
        self._shut_down = False
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.frame)
        self._timer.start()

    # ---- following the session -------------------------------------------------------------

    def _load_trainer(self) -> None:
        s = self.session
        self.pause()
        if not s.can_train():
            return
        ds = s.dataset
        try:
            trainer = Trainer(
                s.net.copy(),
                ds.X_train,
                ds.y_train,
                ds.X_test,
                ds.y_test,
                s.settings,
                n_classes=ds.n_classes,
            )
        except (TrainingError, ValueError) as e:
            s.say(f"Cannot train this network: {e}")
            return
        if len(s.history):
            trainer.history = s.history.copy()
            trainer.epoch = s.start_epoch
        self._latest, self._rows, self._rows_replaced = None, History(), False
        self._trained_on = ds
        self.worker.load(trainer)
        self.worker.set_speed(s.speed)

    def _send_data(self) -> None:
        s = self.session
        if not s.can_train():
            # After Clear, or with every point marked as test: nothing to train on yet.
            self.pause()
            return
        if self._trained_on is None:
            self._load_trainer()  # the first training points after an empty start
            return
        if self._trained_on is s.dataset:
            return  # the trainer was just built with these very points
        ds = s.dataset
        self._trained_on = ds
        self.worker.set_data(ds.X_train, ds.y_train, ds.X_test, ds.y_test)

    def _send_settings(self) -> None:
        s = self.session
        self.worker.update_settings(**s.settings.to_dict())
        self.worker.set_speed(s.speed)

    # ---- commands ---------------------------------------------------------------------------

    def set_playing(self, on: bool) -> None:
        """Start or pause the worker; the UI thread never trains."""
        s = self.session
        if on and not s.can_train():
            s.say(s.build_error or "Nothing to train on: draw or load some training points.")
            on = False
        if on == s.running:
            s.runningChanged.emit()  # a button that toggled itself shows the truth again
            return
        s.set_running(on)
        if on:
            s.mark_modified()
            self.worker.play()
            s.say("Training…")
        else:
            self.worker.pause()
            s.say("Paused.")

    def pause(self) -> None:
        if self.session.running:
            self.set_playing(False)

    def toggle_play(self) -> None:
        self.set_playing(not self.session.running)

    def step(self, unit: str | None = None) -> None:
        """One point, one batch or one epoch (the session's step unit by default)."""
        s = self.session
        self.pause()
        if not s.can_train():
            s.say(s.build_error or "Nothing to train on: draw or load some training points.")
            return
        s.mark_modified()
        unit = unit or s.step_unit
        self.worker.step(unit)
        s.say(f"One step: {'an' if unit == 'epoch' else 'a'} {unit}.")  # what is true now

    def reset(self) -> None:
        self.pause()
        self.worker.reset()
        self.session.say("Back to the initial weights.")

    def new_seed(self, seed: int | None = None) -> None:
        """New initial weights from ``seed`` (default: the next one), epoch 0."""
        s = self.session
        self.pause()
        seed = (s.settings.seed + 1) % 2**31 if seed is None else int(seed) % 2**31
        s.update_settings(seed=seed)
        if s.net is not None:
            s.net.initialise(s.settings.seed)
        s.mark_modified()
        self.worker.reinitialise(s.settings.seed)

    def set_param(self, index: int, value: float) -> None:
        if self.session.set_param(index, value):
            self.worker.set_param(index, value)

    def set_params(self, params) -> None:
        self.session.set_params(params)
        self.worker.set_params(params)

    def set_frozen(self, index: int, frozen: bool) -> None:
        self.session.set_frozen(index, frozen)
        self.worker.set_frozen(index, frozen)

    def train_for(self, epochs: int) -> None:
        """Train ``epochs`` epochs in the worker and wait for them (screenshots, scripts)."""
        self.pause()
        self.session.mark_modified()
        self.worker.run_epochs(epochs)
        self.session.say(f"Trained {epochs:,} epochs.")
        self.settle(timeout_ms=600_000)

    def settle(self, timeout_ms: int = 30_000) -> bool:
        """Wait (running the event loop) until the worker has done every command sent so far,
        then show its state. For scripts, screenshots and tests; the UI itself never waits."""
        self._sync_token += 1
        token = self._sync_token
        self.worker.sync(token)
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(timeout_ms)
        while self._synced_token < token and timer.isActive():
            loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        self.frame()
        QApplication.processEvents()
        return self._synced_token >= token

    def shutdown(self) -> None:
        """Stop the display timer and the training thread (safe to call twice)."""
        self._shut_down = True
        self._timer.stop()
        self.thread.stop()

    # ---- from the worker ---------------------------------------------------------------------

    def _on_snapshot(self, snap: Snapshot, rate: float) -> None:
        """Keep the latest snapshot and gather its history rows; the frame timer shows them."""
        net = self.session.net
        if self._shut_down or net is None or tuple(net.sizes) != tuple(snap.sizes):
            return  # after closing, or a snapshot of a network that has just been replaced
        if snap.history_start == 0:
            self._rows, self._rows_replaced = snap.history.copy(), True
        else:
            self._rows.extend(snap.history)
        self._latest = (snap, rate)

    def frame(self) -> None:
        """Give the session the latest snapshot, if one has arrived since the last frame."""
        if self._latest is None:
            return
        snap, rate = self._latest
        rows, replaced = self._rows, self._rows_replaced
        self._latest, self._rows, self._rows_replaced = None, History(), False
        self.session.apply_snapshot(snap, rate, rows, replaced)

    def _on_finished(self, reason: str, message: str) -> None:
        self.frame()
        self.session.set_running(False)
        self.session.say(message[:1].upper() + message[1:] + ".")

    def _on_failed(self, message: str) -> None:
        self.session.set_running(False)
        self.session.say(message)

    def _on_synced(self, token: int) -> None:
        self._synced_token = token
