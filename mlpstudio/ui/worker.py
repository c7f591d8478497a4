"""The training worker: owns the trainer on a QThread and publishes snapshots to the UI.

The UI never touches the live network. It sends commands (play, pause, step, reset, edit a
weight, change a setting, new data, a new trainer) through a lock-guarded queue that the worker
loop drains between chunks of about 5 ms of training; a ``threading.Event`` wakes it when idle.
The worker publishes copied, read-only snapshots at most ~30 times a second while running, and
always after a single step, a pause, a reset or an edit, so the UI shows exactly that state.
Signals are emitted from the worker thread and delivered queued to the UI's bound methods.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import ClassVar

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal

from mlpstudio.core import Trainer, TrainingError
from mlpstudio.core.training import Snapshot, snapshot

CHUNK_SECONDS = 0.005
PUBLISH_INTERVAL = 1.0 / 33.0


class TrainingWorker(QObject):
    """Runs in its own thread; every public method may be called from the UI thread."""

    snapshotReady = Signal(object, float)  # (Snapshot, epochs per second)
    finished = Signal(str, str)  # (stop reason, message) when training stops by itself
    failed = Signal(str)  # a command the trainer refused (e.g. an absurd setting)
    synced = Signal(int)  # answers sync(token) once every earlier command has run

    def __init__(self) -> None:
        super().__init__()
        self._commands: deque[tuple[str, tuple]] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._quit = False
        self._trainer: Trainer | None = None
        self._running = False
        self._speed: float | None = None  # epochs per second; None = as fast as possible
        self._next_epoch_due = 0.0
        self._history_sent = 0
        self._history_version = 0
        self._next_publish = 0.0
        self._rate_epoch = 0
        self._rate_time = time.perf_counter()
        self._rate = 0.0

    # ---- commands from the UI thread -------------------------------------------------------
    # Each public command posts its name and arguments; the worker thread runs the handler
    # of the same name from ``_HANDLERS`` between chunks of training.

    def _post(self, name: str, *args: object) -> None:
        with self._lock:
            self._commands.append((name, args))
        self._wake.set()

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

    def quit(self) -> None:
        """Stop the loop; the thread's event loop then returns."""
        self._quit = True
        self._wake.set()

    # ---- the handlers, in the worker thread ---------------------------------------------------

    def _do_load(self, trainer: Trainer) -> None:
        self._trainer = trainer
        self._running = False
        self._history_sent = 0
        self._publish(force=True)

    def _do_play(self, t: Trainer) -> None:
        self._running = True
        t.stopped = None
        self._next_epoch_due = time.perf_counter()
        self._rate_time, self._rate_epoch = time.perf_counter(), t.epoch

    def _do_pause(self) -> None:
        self._running = False
        self._publish(force=True)

    def _do_step(self, t: Trainer, unit: str) -> None:
        self._running = False
        t.step(unit)
        self._publish(force=True)
        if t.stopped == "diverged":
            self.finished.emit("diverged", t.message)

    def _do_reset(self, t: Trainer) -> None:
        self._running = False
        t.reset()
        self._history_sent = 0
        self._publish(force=True)

    def _do_reinitialise(self, t: Trainer, seed: int) -> None:
        self._running = False
        t.net.initialise(seed)
        t.restart()
        self._history_sent = 0
        self._publish(force=True)

    def _do_update_settings(self, t: Trainer, changes: dict) -> None:
        try:
            t.update_settings(**changes)
        except TrainingError as e:
            self.failed.emit(str(e))

    def _do_set_speed(self, speed: float | None) -> None:
        self._speed = speed
        self._next_epoch_due = time.perf_counter()

    def _do_set_param(self, t: Trainer, index: int, value: float) -> None:
        if 0 <= index < t.net.n_params:
            t.net.params[index] = value
            self._publish(force=True, metrics=t.evaluate())

    def _do_set_params(self, t: Trainer, params: np.ndarray) -> None:
        t.net.set_params(params)
        self._publish(force=True, metrics=t.evaluate())

    def _do_set_frozen(self, t: Trainer, index: int, frozen: bool) -> None:
        t.set_frozen(index, frozen)

    def _do_set_data(self, t: Trainer, X, y, X_test, y_test) -> None:
        try:
            t.set_data(X, y, X_test, y_test)
        except (TrainingError, ValueError) as e:
            self._running = False
            self.failed.emit(str(e))
            return
        self._publish(force=True, metrics=t.evaluate())

    def _do_run_epochs(self, t: Trainer, epochs: int) -> None:
        self._running = False
        t.run(epochs=epochs)
        self._publish(force=True)
        if t.stopped is not None:
            self.finished.emit(t.stopped, t.message)

    def _do_sync(self, token: int) -> None:
        self._publish(force=True)
        self.synced.emit(token)

    # name → (handler, whether it needs a trainer: without one such a command is dropped)
    _HANDLERS: ClassVar[dict[str, tuple[Callable[..., None], bool]]] = {
        "load": (_do_load, False),
        "play": (_do_play, True),
        "pause": (_do_pause, False),
        "step": (_do_step, True),
        "reset": (_do_reset, True),
        "reinitialise": (_do_reinitialise, True),
        "update_settings": (_do_update_settings, True),
        "set_speed": (_do_set_speed, False),
        "set_param": (_do_set_param, True),
        "set_params": (_do_set_params, True),
        "set_frozen": (_do_set_frozen, True),
        "set_data": (_do_set_data, True),
        "run_epochs": (_do_run_epochs, True),
        "sync": (_do_sync, False),
    }

    # ---- the loop, in the worker thread -----------------------------------------------------

    def run(self) -> None:
        """The worker loop: drain commands, train a chunk, publish, repeat until ``quit``."""
        while not self._quit:
            self._drain()
            if self._running and self._trainer is not None:
                self._train_chunk()
            else:
                self._wake.wait(0.1)
                self._wake.clear()
        self._drain()

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._commands:
                    return
                name, args = self._commands.popleft()
            handler, needs_trainer = self._HANDLERS[name]
            if needs_trainer and self._trainer is None:
                continue
            try:
                if needs_trainer:
                    handler(self, self._trainer, *args)
                else:
                    handler(self, *args)
            except Exception as e:  # a bad command must never kill the training thread
                self._running = False
                self.failed.emit(f"{type(e).__name__}: {e}")

    def _train_chunk(self) -> None:
        t = self._trainer
        assert t is not None
        start = time.perf_counter()
        if self._speed is None:
            t.run(seconds=CHUNK_SECONDS)
        else:
            wait = self._next_epoch_due - start
            if wait > 0:
                # Slow motion: sleep until the next epoch is due, but wake for any command.
                self._wake.wait(min(wait, 0.05))
                self._wake.clear()
                return
            t.run(epochs=1)
            self._next_epoch_due = max(self._next_epoch_due + 1.0 / self._speed, start - 0.1)
        if t.stopped is not None:
            self._running = False
            self._publish(force=True)
            self.finished.emit(t.stopped, t.message)
        else:
            self._publish()

    def _publish(
        self, force: bool = False, metrics: tuple[float, float, float, float] | None = None
    ) -> None:
        now = time.perf_counter()
        if not force and now < self._next_publish:
            return
        # On a schedule, not "interval since the last one": checks fall between ~5 ms chunks,
        # so measuring from the last publish would drift below the target rate.
        self._next_publish = max(self._next_publish + PUBLISH_INTERVAL, now)
        t = self._trainer
        if t is None:
            return
        if now - self._rate_time >= 0.5:
            self._rate = (t.epoch - self._rate_epoch) / (now - self._rate_time)
            self._rate_time, self._rate_epoch = now, t.epoch
        if t.history_version != self._history_version:
            self._history_version = t.history_version
            self._history_sent = 0  # rows were dropped: send the whole (thinned) history
        start = min(self._history_sent, len(t.history))
        snap: Snapshot = snapshot(t, start, metrics)
        self._history_sent = len(t.history)
        self.snapshotReady.emit(snap, self._rate if self._running else 0.0)

    @property
    def running(self) -> bool:
        return self._running


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
