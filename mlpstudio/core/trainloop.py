"""The training loop that drives a :class:`Trainer` for the app, with no Qt in it.

The app's UI never touches the live network. It posts commands (play, pause, step, reset, edit a
weight, change a setting, new data, a new trainer) to a :class:`TrainingLoop`, which drains them
between chunks of about 5 ms of training; a ``threading.Event`` wakes it when idle. The loop
publishes copied, read-only snapshots at most ~30 times a second while running, and always after
a single step, a pause, a reset or an edit, so the UI shows exactly that state. What it publishes
goes to one ``emit(kind, args)`` callback: ``("snapshot", (Snapshot, rate))``,
``("finished", (reason, message))``, ``("failed", (message,))`` or ``("synced", (token,))``.

The same loop runs on a thread of the app's process (``ui/worker.py``) or in a process of its
own (:func:`serve`, used by ``ui/worker_process.py``), where training never competes with the
window for Python's global interpreter lock.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from .training import Snapshot, Trainer, TrainingError, snapshot

CHUNK_SECONDS = 0.005
PUBLISH_INTERVAL = 1.0 / 33.0

Emit = Callable[[str, tuple], None]


class TrainingLoop:
    """Commands in (:meth:`post`, from any thread), snapshots out (``emit``, from :meth:`run`)."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self._commands: deque[tuple[str, tuple]] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._quit = False
        self.trainer: Trainer | None = None
        self.running = False
        self._speed: float | None = None  # epochs per second; None = as fast as possible
        self._next_epoch_due = 0.0
        self._history_sent = 0
        self._history_version = 0
        self._next_publish = 0.0
        self._rate_epoch = 0
        self._rate_time = time.perf_counter()
        self._rate = 0.0

    # ---- from other threads ----------------------------------------------------------------

    def post(self, name: str, *args: object) -> None:
        """Queue the command ``name`` (a key of ``_HANDLERS``); it runs between chunks."""
        with self._lock:
            self._commands.append((name, args))
        self._wake.set()

    def quit(self) -> None:
        """End :meth:`run` after the chunk in progress."""
        self._quit = True
        self._wake.set()

    # ---- the handlers, in the loop's thread ---------------------------------------------------

    def _do_load(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self.running = False
        self._history_sent = 0
        self._publish(force=True)

    def _do_play(self, t: Trainer) -> None:
        self.running = True
        t.stopped = None
        self._next_epoch_due = time.perf_counter()
        self._rate_time, self._rate_epoch = time.perf_counter(), t.epoch

    def _do_pause(self) -> None:
        self.running = False
        self._publish(force=True)

    def _do_step(self, t: Trainer, unit: str) -> None:
        self.running = False
        t.step(unit)
        self._publish(force=True)
        if t.stopped == "diverged":
            self.emit("finished", ("diverged", t.message))

    def _do_reset(self, t: Trainer) -> None:
        self.running = False
        t.reset()
        self._history_sent = 0
        self._publish(force=True)

    def _do_reinitialise(self, t: Trainer, seed: int) -> None:
        self.running = False
        t.net.initialise(seed)
        t.restart()
        self._history_sent = 0
        self._publish(force=True)

    def _do_update_settings(self, t: Trainer, changes: dict) -> None:
        try:
            t.update_settings(**changes)
        except TrainingError as e:
            self.emit("failed", (str(e),))

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
            self.running = False
            self.emit("failed", (str(e),))
            return
        self._publish(force=True, metrics=t.evaluate())

    def _do_run_epochs(self, t: Trainer, epochs: int) -> None:
        self.running = False
        t.run(epochs=epochs)
        self._publish(force=True)
        if t.stopped is not None:
            self.emit("finished", (t.stopped, t.message))

    def _do_sync(self, token: int) -> None:
        self._publish(force=True)
        self.emit("synced", (token,))

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
    COMMANDS: ClassVar[tuple[str, ...]] = tuple(_HANDLERS)

    # ---- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        """Drain commands, train a chunk, publish, repeat until :meth:`quit`."""
        while not self._quit:
            self._drain()
            if self.running and self.trainer is not None:
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
            entry = self._HANDLERS.get(name)
            if entry is None:
                continue
            handler, needs_trainer = entry
            if needs_trainer and self.trainer is None:
                continue
            try:
                if needs_trainer:
                    handler(self, self.trainer, *args)
                else:
                    handler(self, *args)
            except Exception as e:  # a bad command must never end the training loop
                self.running = False
                self.emit("failed", (f"{type(e).__name__}: {e}",))

    def _train_chunk(self) -> None:
        t = self.trainer
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
            self.running = False
            self._publish(force=True)
            self.emit("finished", (t.stopped, t.message))
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
        t = self.trainer
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
        self.emit("snapshot", (snap, self._rate if self.running else 0.0))


def serve(conn: Any) -> None:
    """The body of a training process: commands arrive on ``conn`` (a multiprocessing
    connection) as ``(name, args)``; what the loop publishes goes back as
    ``(kind, args, running)``, ``running`` being whether the loop trains on after it.

    A thread of this process only receives (and so wakes the loop at once); ``("quit", ())`` or
    a closed connection (the app has gone) ends the process.
    """
    send_lock = threading.Lock()

    def emit(kind: str, args: tuple) -> None:
        with send_lock:
            try:
                conn.send((kind, args, loop.running))
            except (BrokenPipeError, EOFError, OSError):
                loop.quit()  # nobody is listening any more

    loop = TrainingLoop(emit)

    def receive() -> None:
        while True:
            try:
                name, args = conn.recv()
            except (EOFError, OSError):
                break
            if name == "quit":
                break
            loop.post(name, *args)
        loop.quit()

    threading.Thread(target=receive, name="commands", daemon=True).start()
    loop.run()
