"""A monkey for MLP Studio's main window: seeded random user actions, and everything that broke.

The monkey acts the way a person would, only faster and without taste: it triggers menu actions
(every one but Quit, the lessons and recent files included), clicks the buttons and check boxes it
can see, changes spin boxes, sliders and combo boxes, types into fields, presses the teacher's keys
on whatever has the focus, clicks, drags and scrolls on the data plot and the diagram, switches
dock and inspector tabs, starts and stops training, pastes set-up lines, resizes the window and
answers every dialog at random (but validly). It never blocks: message boxes, file dialogs, the
input dialog, ``QDialog.exec`` (the CSV import dialog) and ``QMenu.exec`` are replaced for the
duration of the run.

It records, with the action that was running and the ones before it:

- every Python exception raised in a Qt slot, event handler or timer: PySide 6.11 hands an
  exception in a slot to ``sys.excepthook``, and re-raises one from a virtual override (an event
  handler) or from a callback inside a nested event loop in the Python frame that called into Qt,
  so both the hook and a ``try`` around every call into Qt are needed;
- every Qt warning (``qInstallMessageHandler``), every Python warning and unraisable exception;
- the gaps of a 10 ms heartbeat timer while the monkey is idle (the event loop is stalled when a
  gap is long), kept apart from the time the monkey's own calls take;
- RSS memory at the start and the end, and the threads still running once the window is closed.

It imports nothing of ``mlpstudio``: it drives any window with ``acts`` (name → QAction, with a
``quit``), ``docks``, ``data_plot.plot_widget``, ``network_view``, ``session.running``,
``training.thread.thread`` (the worker's QThread) and ``settle()``, so the test and the long run
in ``benchmarks/monkey.py`` share this one implementation.

Use::

    with Monkey(window, random.Random(seed), workdir, files=[...]) as monkey:
        monkey.run(actions=150)         # or seconds=600
        report = monkey.close_window()  # closes the window, checks the threads
    assert report.ok(max_stall_ms=250), report.failure_message()
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import re
import sys
import threading
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QObject,
    QPoint,
    QPointF,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGraphicsView,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSpinBox,
    QTabBar,
    QTabWidget,
    QWidget,
)

# Harmless noise: the offscreen platform says what it cannot do ("This plugin does not support
# propagateSizeHints()", "raise()", "grabbing the keyboard" when a popup menu opens), and QTest
# says when a widget ignores a key the monkey pressed (a widget's right, not a bug).
IGNORED_QT_MESSAGES = (
    "This plugin does not support ",
    "Keyboard event not accepted by receiving widget",
)
HEARTBEAT_MS = 10
LAST_ACTIONS = 20
SETTLE_TIMEOUT_MS = 15_000  # a worker that has not answered by then is reported as hung

Key = Qt.Key
Mod = Qt.KeyboardModifier
Button = Qt.MouseButton
SB = QMessageBox.StandardButton

# The keys a person (or a teacher) presses, with their modifiers.
KEYS: tuple[tuple[Key, Mod, str], ...] = (
    (Key.Key_Space, Mod.NoModifier, "Space"),
    (Key.Key_Right, Mod.NoModifier, "→"),
    (Key.Key_Left, Mod.NoModifier, "←"),
    (Key.Key_R, Mod.NoModifier, "R"),
    (Key.Key_Z, Mod.ControlModifier, "Ctrl+Z"),
    (Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier, "Ctrl+Shift+Z"),
    (Key.Key_Delete, Mod.NoModifier, "Delete"),
    (Key.Key_Escape, Mod.NoModifier, "Escape"),
    (Key.Key_F11, Mod.NoModifier, "F11"),
    # Not the teacher's keys, but how a person moves the focus and confirms.
    (Key.Key_Tab, Mod.NoModifier, "Tab"),
    (Key.Key_Backtab, Mod.ShiftModifier, "Shift+Tab"),
    (Key.Key_Return, Mod.NoModifier, "Enter"),
    (Key.Key_Up, Mod.NoModifier, "↑"),
    (Key.Key_Down, Mod.NoModifier, "↓"),
    *((Key(Key.Key_1.value + d), Mod.NoModifier, str(d + 1)) for d in range(8)),
)
# Answers a person may give, for the buttons a question offers.
ANSWERS = (SB.Save, SB.Discard, SB.Cancel, SB.Yes, SB.No, SB.Ok)
NAMES = ("", "A", "setosa", "class ✓ ünïcode", "  spaced  ", "x" * 60, "1", "<b>html</b>")
SETUP_JUNK = ("", "hello", "mlpstudio --setup", "2-4-1", "--data xor --net 2-0-1", "\x00\n\t")
NUMBERS = ("0", "-1", "1e9", "nan", "inf", "99999", "0.0000001", "", "abc", "-0")


# ---- what the run found ----------------------------------------------------------------------


@dataclass
class Incident:
    """One thing that went wrong (or was said), and the action that was running then."""

    kind: str  # "exception", "qt-warning", "python-warning", "message-box", "hang", "thread"
    key: str  # what makes two incidents the same: type and innermost app frame, or the text
    text: str  # the traceback or the full message
    action_index: int  # index into the report's actions (-1: before the first action)


@dataclass
class MonkeyReport:
    """What one run did and found; :meth:`failure_message` explains it for a replay."""

    seed: int
    actions: list[str] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    idle_gaps_ms: list[float] = field(default_factory=list)  # heartbeat gaps, monkey idle
    idle_training_gaps_ms: list[float] = field(default_factory=list)  # the same, while training
    action_ms: list[float] = field(default_factory=list)  # each action's own call, by index
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    stalls: list[Stall] = field(default_factory=list)  # idle gaps over 100 ms, in detail
    rss_trend: list[tuple[int, float]] = field(default_factory=list)  # (steps done, MB)
    threads_left: list[str] = field(default_factory=list)
    os_threads_start: list[str] = field(default_factory=list)
    os_threads_end: list[str] = field(default_factory=list)
    seconds: float = 0.0
    steps: int = 0  # the monkey's own steps (``actions`` adds the watches' Play and closing)
    closed: bool = False

    def of_kind(self, *kinds: str) -> list[Incident]:
        return [i for i in self.incidents if i.kind in kinds]

    @property
    def exceptions(self) -> list[Incident]:
        return self.of_kind("exception")

    @property
    def qt_warnings(self) -> list[Incident]:
        return self.of_kind("qt-warning")

    @property
    def python_warnings(self) -> list[Incident]:
        return self.of_kind("python-warning")

    @property
    def hangs(self) -> list[Incident]:
        return self.of_kind("hang")

    @property
    def max_idle_gap_ms(self) -> float:
        return max(self.idle_gaps_ms, default=0.0)

    @property
    def memory_growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_start_mb

    def stall_gaps(self, over_ms: float) -> list[float]:
        return [g for g in self.idle_gaps_ms if g > over_ms]

    def distinct(self, *kinds: str) -> list[tuple[Incident, int]]:
        """The first incident of each key among ``kinds``, with how often the key came up."""
        counts = Counter(i.key for i in self.of_kind(*kinds))
        first: dict[str, Incident] = {}
        for i in self.of_kind(*kinds):
            first.setdefault(i.key, i)
        return [(i, counts[k]) for k, i in first.items()]

    def problems(self, max_stall_ms: float = 250.0, max_growth_mb: float = 100.0) -> list[str]:
        """One line per broken rule; empty when the run was clean."""
        out = []
        for kind in ("exception", "qt-warning", "hang", "thread"):
            found = self.of_kind(kind)
            if found:
                out.append(f"{len(found)} {kind}(s), {len(self.distinct(kind))} distinct")
        stalls = self.stall_gaps(max_stall_ms)
        if stalls:
            worst = ", ".join(f"{g:.0f}" for g in sorted(stalls, reverse=True)[:5])
            out.append(f"{len(stalls)} event-loop stall(s) over {max_stall_ms:.0f} ms: {worst} ms")
        if self.memory_growth_mb > max_growth_mb:
            out.append(
                f"RSS grew {self.memory_growth_mb:.0f} MB "
                f"({self.rss_start_mb:.0f} → {self.rss_end_mb:.0f} MB)"
            )
        if self.threads_left:
            out.append(f"threads left after closing: {', '.join(self.threads_left)}")
        return out

    def ok(self, max_stall_ms: float = 250.0, max_growth_mb: float = 100.0) -> bool:
        return not self.problems(max_stall_ms, max_growth_mb)

    def last_actions(self, before: int | None = None, n: int = LAST_ACTIONS) -> list[str]:
        """The ``n`` actions up to and including index ``before`` (default: the run's end)."""
        end = len(self.actions) if before is None else before + 1
        return [f"{i:5d}  {a}" for i, a in enumerate(self.actions) if end - n <= i < end]

    def replay_hint(self) -> str:
        return f"replay: python benchmarks/monkey.py --seed {self.seed} --actions {self.steps}"

    def failure_message(self, max_stall_ms: float = 250.0, max_growth_mb: float = 100.0) -> str:
        """The broken rules, each distinct incident with the actions that led to it, the seed."""
        lines = [f"monkey seed {self.seed}, {len(self.actions)} actions: FAILED"]
        lines += [f"  - {p}" for p in self.problems(max_stall_ms, max_growth_mb)]
        for kind in ("exception", "qt-warning", "hang", "thread"):
            for incident, count in self.distinct(kind):
                lines.append("")
                lines.append(
                    f"== {kind} ×{count} at action {incident.action_index}: {incident.key}"
                )
                lines.append(incident.text.rstrip())
                lines.append(f"-- the last {LAST_ACTIONS} actions before it:")
                lines += self.last_actions(incident.action_index)
        for stall in self.stalls:
            if stall.ms > max_stall_ms:
                lines.append("")
                lines.append(self.describe_stall(stall))
                lines.append(f"-- the last {LAST_ACTIONS} actions before it:")
                lines += self.last_actions(stall.action_index)
        if not any(self.of_kind("exception", "qt-warning")):
            lines.append("")
            lines.append(f"-- the last {LAST_ACTIONS} actions of the run:")
            lines += self.last_actions()
        lines.append(self.replay_hint())
        return "\n".join(lines)

    @staticmethod
    def describe_stall(stall: Stall) -> str:
        """A long gap, the CPU the UI thread and the process used in it, and the stacks."""
        state = "training" if stall.training else "not training"
        head = (
            f"== stall of {stall.ms:.0f} ms after action {stall.action_index} ({state}): "
            f"UI thread CPU {stall.main_cpu_ms:.0f} ms, process CPU {stall.process_cpu_ms:.0f} "
            f"ms, load average {stall.load:.2f}"
        )
        return f"{head}\n{stall.stacks}".rstrip()

    def memory_trend(self) -> str:
        """RSS at a few points of the run, to tell a leak (steady growth) from a warm-up."""
        trend = self.rss_trend
        if not trend:
            return "no samples"
        picks = sorted({0, len(trend) // 4, len(trend) // 2, 3 * len(trend) // 4, len(trend) - 1})
        return ", ".join(f"{trend[i][1]:.0f} MB @{trend[i][0]}" for i in picks)

    def summary(self) -> str:
        """The counts and figures of the run, one per line (the benchmark prints it)."""
        idle, training = self.idle_gaps_ms, self.idle_training_gaps_ms
        lines = [
            f"seed {self.seed}: {self.steps} steps ({len(self.actions)} actions with the watches' "
            f"Play and closing) in {self.seconds:.0f} s",
            f"  exceptions: {len(self.exceptions)} ({len(self.distinct('exception'))} distinct)",
            f"  Qt warnings: {len(self.qt_warnings)} ({len(self.distinct('qt-warning'))} distinct)",
            f"  Python warnings: {len(self.python_warnings)} "
            f"({len(self.distinct('python-warning'))} distinct)",
            f"  message boxes shown: {len(self.of_kind('message-box'))} "
            f"({len(self.distinct('message-box'))} distinct)",
            f"  worker hangs (settle timed out): {len(self.hangs)}",
            f"  heartbeat gaps, monkey idle: {histogram(idle)}",
            f"  heartbeat gaps, monkey idle, training: {histogram(training)}",
            f"  the monkey's own calls: {histogram(self.action_ms)}",
            f"  stalls over 100 ms while idle: "
            f"{', '.join(f'{x.ms:.0f}' for x in self.stalls) or 'none'}",
            f"  RSS: {self.rss_start_mb:.1f} MB at start, {self.rss_end_mb:.1f} MB at end "
            f"({self.memory_growth_mb:+.1f} MB); over the run (MB @steps): {self.memory_trend()}",
            f"  threads left after closing: {', '.join(self.threads_left) or 'none'}"
            + ("" if self.closed else " (window not closed)"),
        ]
        return "\n".join(lines)

    def slowest_actions(self, n: int = 5) -> list[str]:
        order = sorted(range(len(self.action_ms)), key=lambda i: -self.action_ms[i])[:n]
        return [f"{self.action_ms[i]:8.0f} ms  {i:5d}  {self.actions[i]}" for i in order]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100.0 * (len(ordered) - 1))))
    return ordered[rank]


def histogram(values: Sequence[float]) -> str:
    """``n``, p50, p95, p99 and max of durations in milliseconds, as one line."""
    if not values:
        return "n=0"
    p = ", ".join(f"p{q} {percentile(values, q):.0f}" for q in (50, 95, 99))
    return f"n={len(values)}, {p}, max {max(values):.0f} ms"


def rss_mb() -> float:
    """Resident memory of this process in MB (/proc on Linux, else the peak from ``resource``)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


def os_threads() -> list[str]:
    """``name#tid`` of every OS thread of this process (Qt names a QThread by its objectName)."""
    out = []
    with contextlib.suppress(OSError):
        for tid in sorted(os.listdir("/proc/self/task"), key=int):
            with contextlib.suppress(OSError):
                name = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
                out.append(f"{name}#{tid}")
    return out


def _thread_alive(t: threading.Thread) -> bool:
    # A thread started outside Python (a QThread) shows as a _DummyThread that says it is alive
    # forever; /proc knows whether its OS thread still exists.
    if isinstance(t, threading._DummyThread) and t.native_id is not None:
        return Path(f"/proc/self/task/{t.native_id}").exists()
    return t.is_alive()


def _innermost(tb: traceback.StackSummary) -> str:
    """``file:line in function`` of the deepest frame in the app (else in anything but here)."""
    frames = [f for f in tb if "mlpstudio" in f.filename] or [
        f for f in tb if not f.filename.endswith("monkey.py")
    ]
    if not frames:
        frames = list(tb)
    if not frames:
        return "?"
    f = frames[-1]
    name = f.filename
    cut = name.find("mlpstudio/")
    return f"{name[cut:] if cut >= 0 else name}:{f.lineno} in {f.name}()"


# ---- describing widgets and actions ----------------------------------------------------------


def _plain(text: str, limit: int = 40) -> str:
    text = " ".join(text.replace("&", "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(w: QWidget) -> str:
    """The dock a widget sits in, or the part of the window."""
    p: QWidget | None = w
    while p is not None:
        if isinstance(p, QDockWidget):
            return p.windowTitle()
        if isinstance(p, QMainWindow):
            return "window"
        p = p.parentWidget()
    return "?"


def describe(w: QWidget) -> str:
    """``[dock] Class 'label'``: enough to find the widget again by eye."""
    label = ""
    parent = w.parentWidget()
    if parent is not None and isinstance(parent.layout(), QFormLayout):
        buddy = parent.layout().labelForField(w)
        if buddy is not None and hasattr(buddy, "text"):
            label = buddy.text()
    if not label and isinstance(w, QAbstractButton):
        label = w.text()
        action = getattr(w, "defaultAction", lambda: None)()
        if not label and action is not None:
            label = action.text()
    label = label or w.accessibleName() or w.toolTip().split("\n")[0] or w.objectName()
    return f"[{_where(w)}] {type(w).__name__} {_plain(label)!r}"


def _on_screen(w: QWidget) -> bool:
    """Visible, enabled and not covered (a dock tab behind another is moved away, not hidden)."""
    return w.isVisible() and w.isEnabled() and not w.visibleRegion().isEmpty()


# ---- the heartbeat ---------------------------------------------------------------------------


@dataclass
class Stall:
    """One long heartbeat gap while the monkey was idle, and what the process did meanwhile.

    ``main_cpu_ms`` is the UI thread's own CPU time in the gap, ``process_cpu_ms`` that of every
    thread: a gap with little CPU was spent waiting (for the GIL, a lock, or for a core taken by
    another process on a shared machine), a gap with as much CPU as wall time was the UI thread's
    own work. ``stacks`` are the Python stacks of every thread sampled during the gap.
    """

    ms: float
    main_cpu_ms: float
    process_cpu_ms: float
    training: bool
    action_index: int
    load: float  # the machine's 1-minute load average when the gap ended
    stacks: str


class Heartbeat(QObject):
    """A 10 ms timer on the UI thread; its gaps while ``idle`` measure event-loop stalls.

    A gap counts only when it started and ended within one idle phase, so the monkey's own
    synchronous calls (which block the loop by design) are never mistaken for a stall. A gap cut
    short by the end of an idle phase is counted up to that moment. A watchdog thread samples the
    Python stacks of every thread while a gap grows past ``SAMPLE_AFTER_MS``, so a long gap says
    where the UI thread was.
    """

    SAMPLE_AFTER_MS = 120.0
    LONG_GAP_MS = 100.0
    MAX_SAMPLES = 4

    def __init__(
        self,
        training: Callable[[], bool],
        action_index: Callable[[], int],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.training = training
        self.action_index = action_index
        self.gaps: list[float] = []
        self.training_gaps: list[float] = []
        self.stalls: list[Stall] = []
        self.idle = False
        self._phase = 0
        self._last_phase = 0
        self._last = self._clocks()
        self._samples: list[str] = []
        self._main_id = threading.get_ident()
        self._quit = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(HEARTBEAT_MS)
        self._timer.timeout.connect(self._tick)

    @staticmethod
    def _clocks() -> tuple[float, float, float]:
        """Wall time, this (UI) thread's CPU time, the process's CPU time."""
        return time.perf_counter(), time.thread_time(), time.process_time()

    def start(self) -> None:
        self._last = self._clocks()
        self._timer.start()
        self._quit.clear()
        self._watchdog = threading.Thread(target=self._watch, name="monkey-watchdog", daemon=True)
        self._watchdog.start()

    def stop(self) -> None:
        self._timer.stop()
        self._quit.set()
        if self._watchdog is not None:
            self._watchdog.join(2.0)
            self._watchdog = None

    def _record(self, now: tuple[float, float, float]) -> None:
        gap = (now[0] - self._last[0]) * 1000.0
        training = self.training()
        self.gaps.append(gap)
        if training:
            self.training_gaps.append(gap)
        if gap > self.LONG_GAP_MS:
            self.stalls.append(
                Stall(
                    ms=gap,
                    main_cpu_ms=(now[1] - self._last[1]) * 1000.0,
                    process_cpu_ms=(now[2] - self._last[2]) * 1000.0,
                    training=training,
                    action_index=self.action_index(),
                    load=os.getloadavg()[0] if hasattr(os, "getloadavg") else -1.0,
                    stacks="\n".join(self._samples),
                )
            )

    def _tick(self) -> None:
        now = self._clocks()
        if self.idle and self._phase == self._last_phase:
            self._record(now)
        self._last, self._last_phase = now, self._phase
        self._samples = []

    def set_idle(self, on: bool) -> None:
        if self.idle and not on and self._phase == self._last_phase:
            self._record(self._clocks())
        self.idle = on
        self._phase += 1
        self._samples = []

    def _watch(self) -> None:
        """The watchdog: while an idle gap grows, sample every thread's stack now and then."""
        while not self._quit.wait(0.03):
            if not self.idle or len(self._samples) >= self.MAX_SAMPLES:
                continue
            late_ms = (time.perf_counter() - self._last[0]) * 1000.0
            if late_ms < self.SAMPLE_AFTER_MS * (1 + len(self._samples)):
                continue
            self._samples.append(self._sample(late_ms))

    def _sample(self, late_ms: float) -> str:
        names = {t.ident: t.name for t in threading.enumerate()}
        lines = [f"-- stacks {late_ms:.0f} ms into the gap:"]
        for ident, frame in sys._current_frames().items():
            if ident == threading.get_ident():
                continue
            name = "UI thread" if ident == self._main_id else names.get(ident, f"thread {ident}")
            stack = traceback.format_stack(frame, limit=14)
            lines.append(f"{name}:")
            lines.append("".join(stack).rstrip())
        return "\n".join(lines)


# ---- the monkey ------------------------------------------------------------------------------

Plan = tuple[str, Callable[[], object]]


class Monkey:
    """Seeded random user actions on ``window``; use it as a context manager (see the module).

    ``workdir`` receives the files it saves and the broken files it opens; ``files`` are more
    files it may open or import (example projects, CSV datasets). ``settle_every`` actions it
    waits for the worker (``window.settle()``); every ``watch_every`` actions it sits idle for
    ``watch_ms`` (half of the time after starting training) while the heartbeat measures stalls.
    ``log``, when given, receives each action before it runs (flushed: a native crash keeps it).
    """

    def __init__(
        self,
        window: Any,
        rng: random.Random,
        workdir: str | Path,
        *,
        seed: int = 0,
        files: Sequence[str | Path] = (),
        settle_every: int = 10,
        watch_every: int = 8,
        watch_ms: tuple[int, int] = (150, 400),
        dwell_ms: tuple[int, int] = (0, 30),
        log: Any = None,
    ) -> None:
        self.window = window
        self.rng = rng
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.files = [Path(f) for f in files]
        self.settle_every = settle_every
        self.watch_every = watch_every
        self.watch_ms = watch_ms
        self.dwell_ms = dwell_ms
        self.log = log
        self.report = MonkeyReport(seed=seed)
        self.heartbeat = Heartbeat(self._training, lambda: self._index)
        self.closing = False
        self._index = -1
        self._stack = contextlib.ExitStack()
        self._saved: list[str] = []
        self._baseline_threads = {t.ident for t in threading.enumerate()}
        self._make_broken_files()

    # ---- set-up and tear-down --------------------------------------------------------------

    def __enter__(self) -> Monkey:
        self._stack.__enter__()
        self._patch_dialogs()
        self._hook_errors()
        self._keep_app_look()
        self.heartbeat.start()
        self._stack.callback(self.heartbeat.stop)
        gc.collect()
        self.report.rss_start_mb = rss_mb()
        self.report.os_threads_start = os_threads()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.__exit__(*exc)

    def _patch(self, owner: type, name: str, value: object) -> None:
        """Replace a class attribute for the run, as pytest's monkeypatch does."""
        missing = object()
        old = owner.__dict__.get(name, missing)
        setattr(owner, name, value)
        if old is missing:
            self._stack.callback(delattr, owner, name)
        else:
            self._stack.callback(setattr, owner, name, old)

    def _patch_dialogs(self) -> None:
        self._patch(QMessageBox, "question", staticmethod(self._question))
        for name in ("critical", "warning", "information", "about"):
            self._patch(QMessageBox, name, staticmethod(self._message(name)))
        self._patch(QFileDialog, "getOpenFileName", staticmethod(self._open_name))
        self._patch(QFileDialog, "getSaveFileName", staticmethod(self._save_name))
        self._patch(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
        self._patch(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
        self._patch(QInputDialog, "getText", staticmethod(self._get_text))
        self._patch(QDialog, "exec", self._dialog_exec_method())
        self._patch(QMenu, "exec", self._menu_exec_method())

    def _hook_errors(self) -> None:
        old_hook, old_thread_hook, old_unraisable = (
            sys.excepthook,
            threading.excepthook,
            sys.unraisablehook,
        )
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        sys.unraisablehook = self._unraisablehook
        self._stack.callback(setattr, sys, "excepthook", old_hook)
        self._stack.callback(setattr, threading, "excepthook", old_thread_hook)
        self._stack.callback(setattr, sys, "unraisablehook", old_unraisable)

        previous = qInstallMessageHandler(self._qt_message)
        self._stack.callback(qInstallMessageHandler, previous)

        catcher = warnings.catch_warnings()
        self._stack.enter_context(catcher)
        warnings.simplefilter("always")
        warnings.showwarning = self._showwarning

    def _keep_app_look(self) -> None:
        """Presenter mode and the dark theme change the whole application: put it back after."""
        app = QApplication.instance()
        style, palette, sheet, font = (
            app.style().name(),
            app.palette(),
            app.styleSheet(),
            app.font(),
        )
        clipboard = QGuiApplication.clipboard().text()

        def restore() -> None:
            app.setStyle(style)
            app.setPalette(palette)
            app.setStyleSheet(sheet)
            app.setFont(font)
            QGuiApplication.clipboard().setText(clipboard)

        self._stack.callback(restore)

    def _make_broken_files(self) -> None:
        """Files a person might open by mistake: each must give a message, never a crash."""
        d = self.workdir
        (d / "truncated.json").write_text('{"format": "mlpstudio-project", "version": 1, "net')
        (d / "empty-object.json").write_text("{}")
        (d / "not-json.json").write_text("\x00\x01binary\xff")
        (d / "empty.csv").write_text("")
        (d / "header-only.csv").write_text("x1,x2,label\n")
        (d / "ragged.csv").write_text("x1,x2,label\n1,2,a\n3\n4,5,b,extra\nnan,inf,c\n")
        (d / "one-class.csv").write_text("a,b,c\n" + "".join(f"{i},{-i},z\n" for i in range(30)))
        (d / "many-classes.csv").write_text("".join(f"{i},{i * i},c{i}\n" for i in range(40)))
        (d / "three-features.csv").write_text(
            "a,b,c,label\n" + "".join(f"{i},{i % 3},{i % 5},{i % 2}\n" for i in range(50))
        )

    # ---- recording ------------------------------------------------------------------------

    def _add(self, kind: str, key: str, text: str) -> None:
        self.report.incidents.append(Incident(kind, key, text, self._index))

    def _exception(self, exc: BaseException) -> None:
        tb = traceback.extract_tb(exc.__traceback__)
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        message = str(exc).split("\n")[0]
        self._add("exception", f"{type(exc).__name__} at {_innermost(tb)}: {message}", text)

    def _excepthook(self, kind: type, value: BaseException, tb: Any) -> None:
        if value.__traceback__ is None:
            value = value.with_traceback(tb)
        self._exception(value)

    def _thread_excepthook(self, args: Any) -> None:
        if args.exc_value is not None:
            self._exception(args.exc_value)

    def _unraisablehook(self, args: Any) -> None:
        if args.exc_value is not None:
            self._exception(args.exc_value)

    def _qt_message(self, mode: QtMsgType, context: Any, message: str) -> None:
        if mode in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
            return
        if any(ignored in message for ignored in IGNORED_QT_MESSAGES):
            return
        where = ""
        if context is not None and getattr(context, "file", None):
            where = f" ({context.file}:{context.line}, {context.function})"
        # Qt gives no Python stack; the one at hand (if any) says which call made Qt complain.
        stack = "".join(traceback.format_stack(limit=12)[:-1])
        self._add("qt-warning", f"{mode.name}: {message}", f"{message}{where}\n{stack}")

    def _showwarning(
        self, message: Any, category: type, filename: str, lineno: int, file=None, line=None
    ) -> None:
        short = filename[filename.find("mlpstudio/") :] if "mlpstudio/" in filename else filename
        key = f"{category.__name__} at {short}:{lineno}: {message}"
        text = warnings.formatwarning(message, category, filename, lineno, line)
        stack = "".join(traceback.format_stack(limit=14)[:-1])
        thread = threading.current_thread().name
        self._add("python-warning", key, f"{text}in thread {thread!r}:\n{stack}")

    def _guard(self, call: Callable[[], object]) -> object:
        """Run a call into Qt; an exception from a handler inside it is recorded, not raised."""
        try:
            return call()
        except Exception as e:
            self._exception(e)
            return None

    def _training(self) -> bool:
        return bool(getattr(self.window.session, "running", False))

    # ---- the dialogs, answered at random ------------------------------------------------------

    def _question(self, *args: Any, **kwargs: Any) -> SB:
        buttons = kwargs.get("buttons", args[3] if len(args) > 3 else SB.Yes | SB.No)
        offered = [b for b in ANSWERS if b in buttons] or [SB.Ok]
        if self.closing:  # the run is over: the window must close
            return SB.Discard if SB.Discard in offered else offered[-1]
        return self.rng.choice(offered)

    def _message(self, name: str) -> Callable[..., SB]:
        def answer(*args: Any, **kwargs: Any) -> SB:
            title = str(args[1]) if len(args) > 1 else ""
            text = str(args[2]) if len(args) > 2 else ""
            self._add("message-box", f"{name}: {title}", f"{title}: {text}")
            return SB.Ok

        return answer

    def _open_name(self, *args: Any, **kwargs: Any) -> tuple[str, str]:
        choices = [
            *self._saved,
            *self.files,
            *sorted(self.workdir.glob("*.json")),
            *sorted(self.workdir.glob("*.csv")),
            self.workdir / "does-not-exist.json",
            self.workdir,  # a folder
        ]
        if self.rng.random() < 0.15:
            return "", ""
        return str(self.rng.choice(choices)), ""

    def _save_name(self, *args: Any, **kwargs: Any) -> tuple[str, str]:
        filt = str(kwargs.get("filter", args[3] if len(args) > 3 else ""))
        roll = self.rng.random()
        if roll < 0.15:
            return "", ""
        if roll < 0.20:
            return str(self.workdir / "no-such-folder" / "file.json"), ""
        if roll < 0.23:
            return str(self.workdir), ""  # a folder
        if "PNG" in filt:
            ext = self.rng.choice([".png", ".svg", "", ".PNG"])
        elif "CSV" in filt:
            ext = self.rng.choice([".csv", ""])
        else:
            ext = self.rng.choice([".json", ""])
        path = str(self.workdir / f"saved{self.rng.randrange(4)}{ext}")
        self._saved.append(path if ext else path + (".json" if "project" in filt else ""))
        self._saved = self._saved[-12:]
        return path, ""

    def _get_text(self, *args: Any, **kwargs: Any) -> tuple[str, bool]:
        if self.rng.random() < 0.2:
            return "", False
        return self.rng.choice(NAMES), True

    def _dialog_exec_method(self) -> Callable[[QDialog], int]:
        monkey = self

        def exec_(dialog: QDialog) -> QDialog.DialogCode:
            return monkey._answer_dialog(dialog)

        return exec_

    def _answer_dialog(self, dialog: QDialog) -> QDialog.DialogCode:
        """The CSV import dialog: random columns and options, then Import (or Cancel)."""
        rng = self.rng
        if not hasattr(dialog, "try_accept") or rng.random() < 0.15:
            return QDialog.DialogCode.Rejected
        steps = []
        header = getattr(dialog, "header", None)
        if header is not None and header.isEnabled() and rng.random() < 0.2:
            steps.append(header.toggle)
        for name in ("feature_x", "feature_y", "label"):
            combo = getattr(dialog, name, None)
            if combo is not None and combo.count() and rng.random() < 0.3:
                index = rng.randrange(combo.count())
                steps.append(lambda c=combo, i=index: c.setCurrentIndex(i))
        for name in ("standardise_box", "keep_split"):
            box = getattr(dialog, name, None)
            if box is not None and rng.random() < 0.3:
                steps.append(box.toggle)
        ratio = getattr(dialog, "test_ratio", None)
        if isinstance(ratio, QSpinBox) and rng.random() < 0.3:
            value = rng.choice([ratio.minimum(), ratio.maximum(), rng.randint(0, ratio.maximum())])
            steps.append(lambda: ratio.setValue(value))
        for step in steps:
            self._guard(step)
        accepted = self._guard(dialog.try_accept)
        return QDialog.DialogCode.Accepted if accepted else QDialog.DialogCode.Rejected

    def _menu_exec_method(self) -> Callable[..., QAction | None]:
        monkey = self

        def exec_(menu: Any, *args: Any, **kwargs: Any) -> QAction | None:
            actions = menu if isinstance(menu, list) else menu.actions()
            leaves = [a for a in actions if a.isEnabled() and not a.isSeparator() and not a.menu()]
            if not leaves or monkey.rng.random() < 0.3:
                return None
            action = monkey.rng.choice(leaves)
            action.trigger()
            return action

        return exec_

    # ---- finding what a person can reach ---------------------------------------------------

    def _widgets(self, kind: type) -> list[QWidget]:
        w = self.window
        # Floating docks are windows of their own but still children of the main window.
        return [x for x in w.findChildren(kind) if _on_screen(x)]

    def _menu_actions(self) -> list[QAction]:
        quit_action = self.window.acts.get("quit")
        seen: list[QAction] = []

        def walk(actions: list[QAction]) -> None:
            for a in actions:
                if a.menu() is not None:
                    walk(a.menu().actions())
                elif not a.isSeparator() and a not in seen:
                    seen.append(a)

        walk(self.window.menuBar().actions())
        for a in self.window.acts.values():
            if a not in seen:
                seen.append(a)
        return [a for a in seen if a is not quit_action and a.isEnabled()]

    def _viewport(self, which: str) -> QWidget:
        if which == "plot":
            return self.window.data_plot.plot_widget.viewport()
        view = self.window.network_view.findChild(QGraphicsView)
        return view.viewport()

    def _point_in(self, w: QWidget) -> QPoint:
        return QPoint(self.rng.randrange(max(1, w.width())), self.rng.randrange(max(1, w.height())))

    def _target_in(self, which: str, vp: QWidget) -> tuple[QPoint, str]:
        """Where to put the mouse: half of the time on something (a data point, a unit, a
        weight's edge or label), since a random spot would almost never hit one."""
        if self.rng.random() < 0.5:
            spot = self._data_point(vp) if which == "plot" else self._diagram_item(vp)
            if spot is not None:
                return spot
        p = self._point_in(vp)
        return p, f"({p.x()},{p.y()})"

    def _data_point(self, vp: QWidget) -> tuple[QPoint, str] | None:
        """A point of the data plot's scatter items, in viewport pixels."""
        view = self.window.data_plot.plot_widget
        plot = view.getPlotItem()
        found = []
        for item in plot.items:
            get = getattr(item, "getData", None)
            data = get() if get is not None else None
            if data is not None and data[0] is not None and len(data[0]):
                found.append(data)
        if not found:
            return None
        x, y = self.rng.choice(found)
        k = self.rng.randrange(len(x))
        p = view.mapFromScene(plot.vb.mapViewToScene(QPointF(float(x[k]), float(y[k]))))
        if not vp.rect().contains(p):
            return None
        return p, f"({p.x()},{p.y()}) on a point"

    def _diagram_item(self, vp: QWidget) -> tuple[QPoint, str] | None:
        """The centre of a visible item of the diagram (a unit, a bias, a label, an edge)."""
        view = self.window.network_view.findChild(QGraphicsView)
        items = [i for i in view.scene().items() if i.isVisible()] if view is not None else []
        if not items:
            return None
        item = self.rng.choice(items)
        p = view.mapFromScene(item.sceneBoundingRect().center())
        if not vp.rect().contains(p):
            return None
        return p, f"({p.x()},{p.y()}) on a {type(item).__name__}"

    # ---- the plans: each picks its target and values now, acts later ------------------------

    def _plan_menu(self) -> Plan | None:
        actions = self._menu_actions()
        if not actions:
            return None
        a = self.rng.choice(actions)
        state = f" (now {'on' if not a.isChecked() else 'off'})" if a.isCheckable() else ""
        return f"menu {_plain(a.text())!r}{state}", a.trigger

    def _plan_lesson(self) -> Plan | None:
        lessons = [a for a in self._menu_actions() if _plain(a.text())[:1].isdigit()]
        if not lessons:
            return None
        a = self.rng.choice(lessons)
        return f"lesson {_plain(a.text())!r}", a.trigger

    def _plan_button(self) -> Plan | None:
        quit_action = self.window.acts.get("quit")
        buttons = [
            b
            for b in self._widgets(QAbstractButton)
            if getattr(b, "defaultAction", lambda: None)() is not quit_action
        ]
        if not buttons:
            return None
        b = self.rng.choice(buttons)
        # A check box is clicked on its box; any other button anywhere inside.
        checky = b.isCheckable() and not hasattr(b, "defaultAction")
        x = min(8, b.width() // 2) if checky else self.rng.randrange(2, max(3, b.width() - 2))
        pos = QPoint(x, b.height() // 2)
        return f"click {describe(b)}", lambda: QTest.mouseClick(
            b, Button.LeftButton, Mod.NoModifier, pos
        )

    def _spin_value(self, spin: QAbstractSpinBox) -> float:
        lo, hi = spin.minimum(), spin.maximum()
        roll = self.rng.random()
        if roll < 0.15:
            return lo
        if roll < 0.30:
            return hi
        if roll < 0.55:
            return spin.value() + self.rng.choice([-1, 1]) * spin.singleStep()
        if isinstance(spin, QSpinBox):
            return self.rng.randint(lo, hi)
        # Rates and noise live on a log scale; a uniform draw would almost never be small.
        if lo > 0 and hi / lo > 100:
            return lo * (hi / lo) ** self.rng.random()
        return self.rng.uniform(lo, hi)

    def _plan_spin(self) -> Plan | None:
        spins = [
            s for s in self._widgets(QAbstractSpinBox) if isinstance(s, (QSpinBox, QDoubleSpinBox))
        ]
        if not spins:
            return None
        s = self.rng.choice(spins)
        value = self._spin_value(s)
        if isinstance(s, QSpinBox):
            value = round(value)
        if self.rng.random() < 0.3:
            # Typed, as a person would: select all, the digits, Enter.
            text = s.textFromValue(value) if self.rng.random() < 0.8 else self.rng.choice(NUMBERS)

            def typed() -> None:
                s.setFocus()
                QTest.keyClick(s, Key.Key_A, Mod.ControlModifier)
                QTest.keyClicks(s, text)
                QTest.keyClick(s, Key.Key_Return)

            return f"type {text!r} into {describe(s)}", typed
        return f"set {describe(s)} = {value!r}", lambda: s.setValue(value)

    def _plan_combo(self) -> Plan | None:
        combos = [c for c in self._widgets(QComboBox) if c.count()]
        if not combos:
            return None
        c = self.rng.choice(combos)
        i = self.rng.randrange(c.count())
        return f"choose {c.itemText(i)!r} in {describe(c)}", lambda: c.setCurrentIndex(i)

    def _plan_slider(self) -> Plan | None:
        sliders = self._widgets(QAbstractSlider)
        if not sliders:
            return None
        s = self.rng.choice(sliders)
        value = self.rng.choice(
            [s.minimum(), s.maximum(), self.rng.randint(s.minimum(), s.maximum())]
        )
        return f"slide {describe(s)} to {value}", lambda: s.setValue(value)

    def _plan_type(self) -> Plan | None:
        edits = [e for e in self._widgets(QLineEdit) if not e.isReadOnly()]
        # Spin boxes and combo boxes own line edits of their own: those are typed elsewhere.
        edits = [
            e for e in edits if not isinstance(e.parentWidget(), (QAbstractSpinBox, QComboBox))
        ]
        if not edits:
            return None
        e = self.rng.choice(edits)
        text = self.rng.choice([*NUMBERS, f"{self.rng.uniform(-5, 5):.3f}", "0.5"])
        enter = self.rng.random() < 0.8

        def typed() -> None:
            e.setFocus()
            QTest.keyClick(e, Key.Key_A, Mod.ControlModifier)
            QTest.keyClicks(e, text)
            QTest.keyClick(e, Key.Key_Return if enter else Key.Key_Escape)

        return f"type {text!r} + {'Enter' if enter else 'Esc'} into {describe(e)}", typed

    def _plan_key(self) -> Plan | None:
        key, mods, name = self.rng.choice(KEYS)
        target = QApplication.focusWidget() or self.window
        return f"key {name} on {describe(target)}", lambda: QTest.keyClick(target, key, mods)

    def _plan_mouse(self, which: str) -> Plan | None:
        vp = self._viewport(which)
        if not _on_screen(vp):
            return None
        rng = self.rng
        p, spot = self._target_in(which, vp)
        mods = rng.choice([Mod.NoModifier] * 4 + [Mod.ShiftModifier, Mod.ControlModifier])
        gesture = rng.choice(
            ["click", "click", "double", "right", "drag", "drag", "wheel", "hover"]
        )
        held = {Mod.ShiftModifier: " with Shift", Mod.ControlModifier: " with Ctrl"}.get(mods, "")
        where = f"{which} at {spot}{held}"
        if gesture == "click":
            return f"click {where}", lambda: QTest.mouseClick(vp, Button.LeftButton, mods, p)
        if gesture == "double":
            return f"double-click {where}", lambda: QTest.mouseDClick(
                vp, Button.LeftButton, mods, p
            )
        if gesture == "right":
            return f"right-click {where}", lambda: self._right_click(vp, p)
        if gesture == "wheel":
            steps = rng.choice([-3, -1, 1, 2, 5])
            return f"wheel {steps:+d} {where}", lambda: self._wheel(vp, p, steps, mods)
        if gesture == "hover":
            path = [self._point_in(vp) for _ in range(rng.randint(1, 4))]
            return f"hover {where} +{len(path)}", lambda: self._move(vp, [p, *path], None, mods)
        end = self._point_in(vp)
        button = rng.choice([Button.LeftButton] * 3 + [Button.RightButton])
        label = "drag" if button == Button.LeftButton else "right-drag"
        return f"{label} {where} → ({end.x()},{end.y()})", lambda: self._drag(
            vp, p, end, button, mods
        )

    def _plan_tab(self) -> Plan | None:
        bars = [b for b in self._widgets(QTabBar) if b.count() > 1]
        tabs = [t for t in self._widgets(QTabWidget) if t.count() > 1]
        targets: list[QWidget] = [*bars, *tabs]
        if not targets:
            return None
        t = self.rng.choice(targets)
        i = self.rng.randrange(t.count())
        name = t.tabText(i)
        return f"tab {_plain(name)!r} of {describe(t)}", lambda: t.setCurrentIndex(i)

    def _plan_training(self) -> Plan | None:
        play = self.window.acts.get("play")
        if play is None:
            return None
        now = "off" if self._training() else "on"
        return f"training {now} (Play/Pause)", play.trigger

    def _plan_new(self) -> Plan | None:
        new = self.window.acts.get("new")
        return ("New", new.trigger) if new is not None else None

    def _plan_resize(self) -> Plan | None:
        w, h = self.rng.randint(1024, 1920), self.rng.randint(700, 1080)
        return f"resize window to {w}x{h}", lambda: self.window.resize(w, h)

    def _plan_paste(self) -> Plan | None:
        acts = self.window.acts
        if "paste_setup" not in acts:
            return None
        roll = self.rng.random()
        if roll < 0.4 and "copy_setup" in acts:
            label, text = "its own set-up", None
        elif roll < 0.8 and "copy_setup" in acts:
            label, text = "a mutated set-up", "mutate"
        else:
            text = self.rng.choice(SETUP_JUNK)
            label = repr(text)

        def paste() -> None:
            clip = QGuiApplication.clipboard()
            if text is None:
                acts["copy_setup"].trigger()
            elif text == "mutate":
                acts["copy_setup"].trigger()
                clip.setText(self._mutate(clip.text()))
            else:
                clip.setText(text)
            acts["paste_setup"].trigger()

        return f"paste {label}", paste

    def _mutate(self, line: str) -> str:
        """One number of a set-up line replaced by an extreme or broken one."""
        numbers = list(re.finditer(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", line))
        if not numbers:
            return line + " " + self.rng.choice(NUMBERS)
        m = self.rng.choice(numbers)
        new = self.rng.choice(["0", "-1", "1e9", "nan", "99", "0.0", "64", "3"])
        return line[: m.start()] + new + line[m.end() :]

    def _plan_popup(self) -> Plan | None:
        """An open popup menu (the diagram's context menu): choose an entry or close it."""
        popup = QApplication.activePopupWidget()
        if popup is None:
            return None
        entries = [a for a in popup.actions() if a.isEnabled() and not a.isSeparator()]
        if isinstance(popup, QMenu) and entries and self.rng.random() < 0.6:
            a = self.rng.choice(entries)

            def choose() -> None:
                popup.close()
                a.trigger()

            return f"popup: choose {_plain(a.text())!r}", choose
        return "popup: Escape", lambda: QTest.keyClick(popup, Key.Key_Escape)

    # ---- gestures -----------------------------------------------------------------------------

    def _send_mouse(
        self,
        vp: QWidget,
        kind: QMouseEvent.Type,
        p: QPoint,
        button: Button,
        buttons: Any,
        mods: Any,
    ) -> None:
        local = QPointF(p)
        event = QMouseEvent(kind, local, QPointF(vp.mapToGlobal(p)), button, buttons, mods)
        QApplication.sendEvent(vp, event)

    def _move(self, vp: QWidget, path: list[QPoint], held: Button | None, mods: Any) -> None:
        buttons = held if held is not None else Button.NoButton
        for q in path:
            self._send_mouse(vp, QMouseEvent.Type.MouseMove, q, Button.NoButton, buttons, mods)

    def _drag(self, vp: QWidget, a: QPoint, b: QPoint, button: Button, mods: Any) -> None:
        steps = self.rng.randint(2, 8)
        path = [
            QPoint(a.x() + (b.x() - a.x()) * i // steps, a.y() + (b.y() - a.y()) * i // steps)
            for i in range(1, steps + 1)
        ]
        QTest.mousePress(vp, button, mods, a)
        try:
            self._move(vp, path, button, mods)
        finally:
            QTest.mouseRelease(vp, button, mods, b)

    def _wheel(self, vp: QWidget, p: QPoint, steps: int, mods: Any) -> None:
        event = QWheelEvent(
            QPointF(p),
            QPointF(vp.mapToGlobal(p)),
            QPoint(0, 0),
            QPoint(0, 120 * steps),
            Button.NoButton,
            mods,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(vp, event)

    def _right_click(self, vp: QWidget, p: QPoint) -> None:
        # QTest sends the button only; the window system would follow it with a context menu.
        QTest.mouseClick(vp, Button.RightButton, Mod.NoModifier, p)
        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, p, vp.mapToGlobal(p))
        QApplication.sendEvent(vp, event)

    # ---- the run ----------------------------------------------------------------------------

    def _choose(self) -> Plan:
        if QApplication.activePopupWidget() is not None:
            plan = self._plan_popup()
            if plan is not None:
                return plan
        table: list[tuple[float, Callable[[], Plan | None]]] = [
            (12, self._plan_menu),
            (14, self._plan_button),
            (8, self._plan_spin),
            (6, self._plan_combo),
            (3, self._plan_slider),
            (3, self._plan_type),
            (12, self._plan_key),
            (10, lambda: self._plan_mouse("plot")),
            (10, lambda: self._plan_mouse("diagram")),
            (4, self._plan_tab),
            (6, self._plan_training),
            (2, self._plan_lesson),
            (1, self._plan_new),
            (2, self._plan_resize),
            (1.5, self._plan_paste),
        ]
        weights = [w for w, _ in table]
        for _ in range(20):
            (_, planner) = self.rng.choices(table, weights)[0]
            plan = planner()
            if plan is not None:
                return plan
        return "wait", lambda: None

    def _do(self, description: str, call: Callable[[], object]) -> None:
        """Record an action, run it (timed, guarded), then let the event loop breathe."""
        self._index = len(self.report.actions)
        self.report.actions.append(description)
        if self.log is not None:
            print(f"{self._index:5d}  {description}", file=self.log, flush=True)
        start = time.perf_counter()
        self._guard(call)
        self.report.action_ms.append((time.perf_counter() - start) * 1000.0)

    def _wait(self, ms: int) -> None:
        self._guard(lambda: QTest.qWait(ms))

    def _settle(self) -> None:
        ok = self._guard(lambda: self.window.settle(SETTLE_TIMEOUT_MS))
        if ok is False:
            self._add(
                "hang",
                "the worker did not answer settle()",
                f"window.settle({SETTLE_TIMEOUT_MS}) timed out: the worker thread is stuck or "
                "its commands never ran",
            )

    def _watch(self) -> None:
        """Sit idle (often with training on) while the heartbeat measures the event loop."""
        if not self._training() and self.rng.random() < 0.5:
            plan = self._plan_training()
            if plan is not None:
                self._do("watch: " + plan[0], plan[1])
        self._wait(100)  # what the last action queued (repaints, maps) runs first
        self.heartbeat.set_idle(True)
        try:
            self._wait(self.rng.randint(*self.watch_ms))
        finally:
            self.heartbeat.set_idle(False)

    def run(self, actions: int | None = None, seconds: float | None = None) -> MonkeyReport:
        """Perform ``actions`` actions, or act for ``seconds``; returns the report so far."""
        if actions is None and seconds is None:
            raise ValueError("give a number of actions or of seconds")
        start = time.perf_counter()
        done = 0
        while True:
            if actions is not None and done >= actions:
                break
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
            description, call = self._choose()
            self._do(description, call)
            self._wait(self.rng.randint(*self.dwell_ms))
            done += 1
            self.report.steps += 1
            if self.settle_every and done % self.settle_every == 0:
                self._settle()
                self.report.rss_trend.append((done, rss_mb()))
            if self.watch_every and done % self.watch_every == 0:
                self._watch()
        self._settle()
        self._watch()
        self.report.seconds += time.perf_counter() - start
        gc.collect()
        self.report.rss_end_mb = rss_mb()
        self.report.idle_gaps_ms = list(self.heartbeat.gaps)
        self.report.idle_training_gaps_ms = list(self.heartbeat.training_gaps)
        self.report.stalls = list(self.heartbeat.stalls)
        return self.report

    def close_window(self) -> MonkeyReport:
        """Close the window as a person would (discarding work) and find threads left running."""
        self.closing = True
        self.heartbeat.stop()  # its watchdog thread is the monkey's, not the app's
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        self._index = len(self.report.actions)
        self.report.actions.append("close the window (discard)")
        closed = self._guard(self.window.close)
        self._wait(50)
        self.report.closed = bool(closed)
        if not closed:
            self._add("thread", "the window refused to close", "window.close() returned False")
        qthread = getattr(getattr(self.window.training, "thread", None), "thread", None)
        if qthread is not None and qthread.isRunning():
            qthread.wait(5000)
            if qthread.isRunning():
                self.report.threads_left.append(f"QThread {qthread.objectName()!r}")
        for t in threading.enumerate():
            if t is threading.main_thread() or t.ident in self._baseline_threads:
                continue
            if _thread_alive(t):
                self.report.threads_left.append(f"Python thread {t.name!r}")
        worker_name = qthread.objectName() if qthread is not None else ""
        for name in os_threads():
            if worker_name and name.startswith(f"{worker_name}#"):
                self.report.threads_left.append(f"OS thread {name}")
        self.report.os_threads_end = os_threads()
        for left in self.report.threads_left:
            self._add("thread", f"left running: {left}", left)
        return self.report


def monkey_run(
    window: Any,
    seed: int,
    workdir: str | Path,
    actions: int | None = None,
    seconds: float | None = None,
    **options: Any,
) -> MonkeyReport:
    """Run a seeded monkey on ``window``, close the window, and return the report."""
    with Monkey(window, random.Random(seed), workdir, seed=seed, **options) as monkey:
        monkey.run(actions=actions, seconds=seconds)
        return monkey.close_window()
