"""The training worker: the Qt face of :class:`mlpstudio.core.trainloop.TrainingLoop`.

The UI sends commands through the methods of :class:`Commands` (play, pause, step, …) and
receives the loop's snapshots as Qt signals, delivered queued to the UI's bound methods. Two
workers share that face: :class:`TrainingWorker` runs the loop on a QThread of the app's process
(:class:`WorkerThread`); ``worker_process.ProcessWorker`` runs it in a process of its own.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal

from mlpstudio.core import Trainer
from mlpstudio.core.trainloop import TrainingLoop

# What the loop publishes, as the name of the signal that carries it.
SIGNALS = {
    "snapshot": "snapshotReady",
    "finished": "finished",
    "failed": "failed",
    "synced": "synced",
}


class Commands(QObject):
    """The worker's signals and commands; a subclass says how a command reaches the loop."""

    snapshotReady = Signal(object, float)  # (Snapshot, epochs per second)
    finished = Signal(str, str)  # (stop reason, message) when training stops by itself
    failed = Signal(str)  # a command the trainer refused (e.g. an absurd setting)
    synced = Signal(int)  # answers sync(token) once every earlier command has run

    def _post(self, name: str, *args: object) -> None:
        raise NotImplementedError

    def _publish(self, kind: str, args: tuple) -> None:
        """Emit what the loop published as the matching signal."""
        getattr(self, SIGNALS[kind]).emit(*args)

    def load(self, trainer: Trainer) -> None:
        """Hand a new trainer to the worker; from now on only the worker touches it."""
        self._post("load", trainer)

    def play(self) -> None:
        self._post("play")

    def pause(self) -> None:
        self._post("pause")

    def step(self, unit: str) -> None:
        """One point, one batch or one epoch, then publish exactly that state."""
        self._post("step", unit)

    def reset(self) -> None:
        """Back to the same initial weights, epoch 0."""
        self._post("reset")

    def reinitialise(self, seed: int) -> None:
        """New initial weights from ``seed``, epoch 0."""
        self._post("reinitialise", seed)

    def update_settings(self, **changes: object) -> None:
        """Change training settings; they apply from the next step, without a reset."""
        self._post("update_settings", changes)

    def set_speed(self, epochs_per_second: float | None) -> None:
        self._post("set_speed", epochs_per_second)

    def set_param(self, index: int, value: float) -> None:
        """Edit one weight or bias of the live network (paused or running)."""
        self._post("set_param", index, value)

    def set_params(self, params: np.ndarray) -> None:
        """Replace every weight and bias (copied here, on the UI thread)."""
        self._post("set_params", np.array(params, copy=True))

    def set_frozen(self, index: int, frozen: bool) -> None:
        self._post("set_frozen", index, frozen)

    def set_data(self, X: np.ndarray, y: np.ndarray, X_test=None, y_test=None) -> None:
        """New training/test points (copied here); the network keeps its weights."""
        copies = [None if a is None else np.array(a, copy=True) for a in (X, y, X_test, y_test)]
        self._post("set_data", *copies)

    def run_epochs(self, epochs: int) -> None:
        """Train ``epochs`` epochs at once (scripts and screenshots), then publish."""
        self._post("run_epochs", epochs)

    def sync(self, token: int) -> None:
        """Publish the current state and answer ``synced(token)`` after earlier commands."""
        self._post("sync", token)


class TrainingWorker(Commands):
    """The loop on a thread of this process; every command may be called from the UI thread."""

    def __init__(self) -> None:
        super().__init__()
        # Signals emitted from the worker thread reach the UI's objects queued.
        self._loop = TrainingLoop(self._publish)

    def _post(self, name: str, *args: object) -> None:
        self._loop.post(name, *args)

    @property
    def _trainer(self) -> Trainer | None:
        """The live trainer (tests read it after a sync; the UI never does)."""
        return self._loop.trainer

    @property
    def running(self) -> bool:
        return self._loop.running

    def run(self) -> None:
        """The worker thread's body (see :meth:`TrainingLoop.run`)."""
        self._loop.run()

    def quit(self) -> None:
        """Stop the loop; the thread's event loop then returns."""
        self._loop.quit()


class WorkerThread:
    """A worker and its QThread, started together and stopped cleanly on close."""

    def __init__(self) -> None:
        self.thread = QThread()
        self.thread.setObjectName("training")
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.thread.start()

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Ask the loop to end and wait for the thread; True when it has finished."""
        self.worker.quit()
        self.thread.quit()
        return self.thread.wait(timeout_ms)
