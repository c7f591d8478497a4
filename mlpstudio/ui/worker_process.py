"""The training worker in a process of its own, so training never holds the window's GIL.

Under one interpreter lock, a training thread that runs Python between its numpy calls makes the
UI thread wait for the lock again and again while it paints: the window stalled for up to a
second in long runs. Here the loop (:func:`mlpstudio.core.trainloop.serve`) runs in a child
process started with ``spawn`` (no Qt, no inherited threads), commands go to it over a pipe, and
its snapshots come back over the same pipe, read on the UI thread when a ``QSocketNotifier`` says
they are there (a few KB each, at most ~30 a second).
"""

from __future__ import annotations

import contextlib
import multiprocessing

from PySide6.QtCore import QSocketNotifier

from mlpstudio.core import trainloop

from .worker import Commands


class ProcessWorker(Commands):
    """The worker's commands and signals, with the loop in a child process."""

    def __init__(self) -> None:
        super().__init__()
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=trainloop.serve, args=(child,), name="mlpstudio-training", daemon=True
        )
        self.process.start()
        child.close()  # the child's end lives in the child now
        self._closed = False
        self._running = False  # as the child last said
        self._notifier = QSocketNotifier(self._conn.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._receive)

    def _post(self, name: str, *args: object) -> None:
        if self._closed:
            return
        try:
            self._conn.send((name, args))
        except (BrokenPipeError, OSError):
            self._lost()

    def _receive(self) -> None:
        """Everything the child has sent so far, as signals (on the UI thread)."""
        try:
            while not self._closed and self._conn.poll():
                kind, args, self._running = self._conn.recv()
                self._publish(kind, args)
        except (EOFError, OSError):
            self._lost()

    @property
    def running(self) -> bool:
        """Whether the loop was training on when it last published."""
        return self._running

    def _lost(self) -> None:
        if not self._closed:
            self._closed = True
            self._notifier.setEnabled(False)
            self.failed.emit("the training process has stopped: save your work and restart")

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Ask the child to end and wait for it (killed if it does not); True when it is gone."""
        if not self._closed:
            self._notifier.setEnabled(False)
            with contextlib.suppress(BrokenPipeError, OSError):
                self._conn.send(("quit", ()))
            self._closed = True
        self.process.join(timeout_s)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout_s)
        self._conn.close()
        return not self.process.is_alive()


class WorkerProcess:
    """:class:`ProcessWorker` with the interface of ``worker.WorkerThread``."""

    def __init__(self) -> None:
        self.worker = ProcessWorker()

    def stop(self, timeout_ms: int = 5000) -> bool:
        return self.worker.stop(timeout_ms / 1000)
