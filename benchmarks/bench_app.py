"""The app while it trains: training speed under the UI, repaints, and UI-thread responsiveness.

Run from the repository root:  python benchmarks/bench_app.py [--seconds 10] [--profile 5]
A check that it works, in a few seconds:  python benchmarks/bench_app.py --quick

Builds the real window (offscreen when there is no display) with every view of its default
layout open (data plot, diagram, cost plot, status bar), sets up a 2-16-16-1 tanh network with a
sigmoid output on 2-class spirals through the panels, trains "as fast as possible" and reports:

(a) epochs per second in the app's worker against the same training headless (``Trainer.run``
    in this process, same network, data and settings), and their ratio;
(b) repaints per second: ``TrainingController.frame`` calls (the 16 ms display timer) that
    found a new snapshot and handed it to ``Session.apply_snapshot``;
(c) how long an event posted to the UI thread every 40-60 ms waits before it runs (p50, p95,
    max).

Then it breaks the UI thread's time down by component (snapshot delivery, the session's signals and
the views that follow them: the diagram, the boundary, cost curves and status bar through the
followers' 5 Hz ``Throttle``, which lets one heavy draw into each frame, the unit maps, and the
paint of the pyqtgraph views and the diagram), with per-thread CPU from /proc on Linux: first while
training, then for frames drawn one by one with the worker idle (the UI's own cost of a full,
unthrottled frame, with no thread contending for the GIL). ``--bare`` prints the figures without the
timing wrappers; ``--profile N`` adds N seconds of training under cProfile on the UI thread (with
``--bare``, a profile without the wrappers' frames; ``--profile-out FILE`` keeps the raw stats).

The wrappers go on the classes before the window is built where Qt holds a bound method from
then on (timer and signal slots, Qt virtuals, which PySide only sees if they exist by then) and
on the live objects after, where the app looks the method up at call time. Training figures read
the worker's trainer epoch directly. This is a script, never a timed test.
"""

from __future__ import annotations

import os

# One BLAS/OpenMP thread before numpy is imported (see DESIGN.md), and offscreen without a display.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import cProfile  # noqa: E402
import functools  # noqa: E402
import io  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import deque  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyqtgraph as pg  # noqa: E402
import PySide6  # noqa: E402
from PySide6.QtCore import (  # noqa: E402
    QCoreApplication,
    QEvent,
    QEventLoop,
    QObject,
    QSettings,
    QTimer,
)
from PySide6.QtWidgets import QApplication  # noqa: E402

from mlpstudio.core import Network, Trainer, TrainSettings  # noqa: E402
from mlpstudio.core import boundary as core_boundary  # noqa: E402
from mlpstudio.core import diagnostics as core_diagnostics  # noqa: E402
from mlpstudio.core.project.schema import GENERATOR_POINTS  # noqa: E402
from mlpstudio.core.specs import MAX_HIDDEN_LAYERS, MAX_WIDTH, DataSpec, NetworkSpec  # noqa: E402
from mlpstudio.core.trainloop import PUBLISH_INTERVAL  # noqa: E402
from mlpstudio.ui import followers  # noqa: E402
from mlpstudio.ui.actions import Actions  # noqa: E402
from mlpstudio.ui.controllers.training import FRAME_MS, TrainingController  # noqa: E402
from mlpstudio.ui.main_window import MainWindow  # noqa: E402
from mlpstudio.ui.views.diagram.legend import Legend  # noqa: E402
from mlpstudio.ui.views.diagram.view import NetworkView  # noqa: E402
from mlpstudio.ui.views.diagram.widgets import Canvas  # noqa: E402
from mlpstudio.ui.views.plot import regions as plot_regions  # noqa: E402

# The targets (a) and (c); (b) is the display rate the snapshots allow.
TARGET_RATIO = 0.80
TARGET_REPAINTS = 30.0
TARGET_P95_MS = 20.0
PROBE_INTERVAL = (0.040, 0.060)  # jittered, so probes do not lock onto the 16 ms frame timer


# ---- timing wrappers ----------------------------------------------------------------------------


class Meter:
    """Start times and durations of every call of one wrapped function (UI thread only)."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, float]] = []

    def wrap(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.calls.append((t0, time.perf_counter() - t0))

        return timed

    def add(self, t0: float) -> None:
        self.calls.append((t0, time.perf_counter() - t0))

    def between(self, t0: float, t1: float) -> list[float]:
        return [d for s, d in self.calls if t0 <= s < t1]


# The UI thread's work, in the order the breakdown prints it: (key, label, depth in the call tree).
# A function called from two places (``_update_units``) is shown once, under its main caller.
ROWS = (
    ("frame", "TrainingController.frame (applied a snapshot)", 0),
    ("apply", "Session.apply_snapshot (signals to the followers)", 1),
    ("thr_diagram", "Throttle: diagram draw (and its unit maps while training)", 2),
    ("nv_set", "NetworkView.set_network", 3),
    ("nv_inspect", "_inspect (selected point)", 4),
    ("nv_values", "_update_values (items)", 4),
    ("thr_data", "Throttle: data plot draw_network", 2),
    ("dp_set", "DataPlot.set_network", 3),
    ("dp_predict", "_predict (every point)", 4),
    ("dp_wrong", "_update_wrong (x marks)", 4),
    ("dp_render", "_render (regions image)", 4),
    ("grid", "boundary.outputs (grid forward)", 5),
    ("blend", "plot.regions.blend (RGB)", 5),
    ("set_image", "ImageItem.setImage", 5),
    ("thr_cost", "Throttle: cost plot draw", 2),
    ("cost_append", "CostPlot.append", 3),
    ("cost_set", "CostPlot.set_history", 3),
    ("cost_panel", "_refresh_panel (curves' setData)", 4),
    ("thr_status", "Throttle: StatusBar.refresh", 2),
    ("acts_running", "Actions.show_running (toolbar's Play icon)", 2),
    ("panel_running", "TrainingPanel.set_running (Play button)", 2),
    ("maps", "NetworkView._refresh_maps (maps timer)", 0),
    ("plane", "diagnostics.plane (20x20 forward)", 1),
    ("render_maps", "_render_maps (disc images)", 1),
    ("units", "_update_units (also from _update_values)", 1),
    ("snapshot", "TrainingController._on_snapshot (queued signal)", 0),
    ("paint_data", "Qt paint: data plot view", 0),
    ("paint_cost", "Qt paint: cost plot view", 0),
    ("paint_net", "Qt paint: diagram canvas", 0),
    ("paint_legend", "Qt paint: diagram legend", 0),
    ("whole", "whole frame (idle frames only): all of the above and C++ widgets' paint", 0),
)
TOP_LEVEL = ("frame", "maps", "snapshot", "paint_data", "paint_cost", "paint_net", "paint_legend")
M: dict[str, Meter] = {key: Meter() for key, _, _ in ROWS}
FRAME_TICKS: list[float] = []  # start times of every frame() call (applying a snapshot or not)
THROTTLE_CALLS: dict[str, list[float]] = {}  # throttle key -> times it was asked to draw
VIEWS: dict[int, str] = {}  # id of a pyqtgraph view -> its meter key
# The followers' throttled draws, by the qualified name of the function each throttle runs.
THROTTLED = {
    "follow_data_plot.<locals>.draw_network": "thr_data",
    "follow_cost_plot.<locals>.draw": "thr_cost",
    "follow_diagram.<locals>.draw": "thr_diagram",
    "StatusBar.refresh": "thr_status",
}


def patch_classes(full: bool = True) -> None:
    """Slots Qt binds while the window is built, and Qt virtuals, are wrapped on the class.

    Without ``full`` only what the figures need: the frame and snapshot counts.
    """
    original_frame = TrainingController.frame

    def frame(self) -> None:
        t0 = time.perf_counter()
        FRAME_TICKS.append(t0)
        drew = self._latest is not None  # frame() hands over a snapshot only if one is new
        original_frame(self)
        if drew:
            M["frame"].add(t0)

    TrainingController.frame = frame
    TrainingController._on_snapshot = M["snapshot"].wrap(TrainingController._on_snapshot)
    if not full:
        return
    NetworkView._refresh_maps = M["maps"].wrap(NetworkView._refresh_maps)
    Actions.show_running = M["acts_running"].wrap(Actions.show_running)
    Legend.paintEvent = M["paint_legend"].wrap(Legend.paintEvent)

    # A throttle keeps the draw function it was built with: wrap it as it is handed over.
    throttle_init = followers.Throttle.__init__
    throttle_call = followers.Throttle.__call__

    def init(self, session, draw, *args, **kwargs) -> None:
        key = THROTTLED.get(getattr(draw, "__qualname__", ""))
        if key is not None:
            draw = M[key].wrap(draw)
        self.bench_key = key
        throttle_init(self, session, draw, *args, **kwargs)

    def call(self) -> None:
        if self.bench_key is not None:
            THROTTLE_CALLS.setdefault(self.bench_key, []).append(time.perf_counter())
        throttle_call(self)

    followers.Throttle.__init__ = init
    followers.Throttle.__call__ = call

    # The window's own event() is NOT wrapped: a Python override would hold the GIL through
    # all of Qt's painting, which the app does not do for its plain C++ widgets.
    view_paint = pg.GraphicsView.paintEvent

    def paintEvent(self, ev) -> None:
        t0 = time.perf_counter()
        try:
            view_paint(self, ev)
        finally:
            key = VIEWS.get(id(self))
            if key is not None:
                M[key].add(t0)

    pg.GraphicsView.paintEvent = paintEvent

    paint = QEvent.Type.Paint
    canvas_event = Canvas.viewportEvent

    def viewportEvent(self, e: QEvent) -> bool:
        if e.type() != paint:
            return canvas_event(self, e)
        t0 = time.perf_counter()
        try:
            return canvas_event(self, e)
        finally:
            M["paint_net"].add(t0)

    Canvas.viewportEvent = viewportEvent


def patch_instances(w: MainWindow) -> None:
    """Methods looked up through ``self.`` at call time can be wrapped on the live objects."""

    def on(obj: object, attr: str, key: str) -> None:
        setattr(obj, attr, M[key].wrap(getattr(obj, attr)))

    on(w.session, "apply_snapshot", "apply")
    on(w.cost_plot, "append", "cost_append")
    on(w.cost_plot, "set_history", "cost_set")
    on(w.cost_plot, "_refresh_panel", "cost_panel")
    on(w.data_plot, "set_network", "dp_set")
    on(w.data_plot, "_predict", "dp_predict")
    on(w.data_plot, "_update_wrong", "dp_wrong")
    on(w.data_plot, "_render", "dp_render")
    on(w.data_plot._regions.item, "setImage", "set_image")
    on(w.network_view, "set_network", "nv_set")
    on(w.network_view, "_inspect", "nv_inspect")
    on(w.network_view, "_update_values", "nv_values")
    on(w.network_view, "_render_maps", "render_maps")
    on(w.network_view, "_update_units", "units")
    on(w.training_panel, "set_running", "panel_running")
    # The modules' functions are looked up at call time too.
    core_boundary.outputs = M["grid"].wrap(core_boundary.outputs)
    core_diagnostics.plane = M["plane"].wrap(core_diagnostics.plane)
    plot_regions.blend = M["blend"].wrap(plot_regions.blend)
    VIEWS[id(w.data_plot.plot_widget)] = "paint_data"
    for panel in w.cost_plot._panels:
        VIEWS[id(panel.widget)] = "paint_cost"


# ---- the latency probe --------------------------------------------------------------------------


PROBE_EVENT = QEvent.Type(QEvent.registerEventType())
PROBE_TID = [-1]


class ProbeReceiver(QObject):
    """Lives on the UI thread; records how long each probe event waited in its queue."""

    def __init__(self) -> None:
        super().__init__()
        self.posted: deque[float] = deque()
        self.delays: list[tuple[float, float]] = []  # (posted at, delay)

    def event(self, e: QEvent) -> bool:
        if e.type() == PROBE_EVENT:
            now = time.perf_counter()
            t = self.posted.popleft()  # one poster, one receiver: delivered in order
            self.delays.append((t, now - t))
            return True
        return super().event(e)


class Prober(threading.Thread):
    """Posts a probe event to the UI thread every 40-60 ms from a plain Python thread."""

    def __init__(self, receiver: ProbeReceiver) -> None:
        super().__init__(name="probe", daemon=True)
        self.receiver = receiver
        self.stop = threading.Event()

    def run(self) -> None:
        PROBE_TID[0] = threading.get_native_id()
        rng = random.Random(0)
        while not self.stop.wait(rng.uniform(*PROBE_INTERVAL)):
            self.receiver.posted.append(time.perf_counter())
            QCoreApplication.postEvent(self.receiver, QEvent(PROBE_EVENT))


def run_loop(seconds: float) -> None:
    """Run the UI thread's event loop for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def probe(
    receiver: ProbeReceiver, seconds: float
) -> tuple[list[tuple[float, float]], float, float]:
    """``(posted at, delay)`` (s) of the probes during ``seconds`` of event loop, and the
    window's times."""
    prober = Prober(receiver)
    receiver.delays.clear()
    t0 = time.perf_counter()
    prober.start()
    run_loop(seconds)
    prober.stop.set()
    prober.join()
    t1 = time.perf_counter()
    QApplication.processEvents()  # the last probe, posted before the poster stopped
    return list(receiver.delays), t0, t1


# ---- per-thread CPU (Linux) ---------------------------------------------------------------------


def thread_cpu() -> dict[int, tuple[str, float]]:
    """``{tid: (name, cpu seconds)}`` for this process's threads, from /proc (empty elsewhere)."""
    out: dict[int, tuple[str, float]] = {}
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return out
    tick = os.sysconf("SC_CLK_TCK")
    for task in tasks.iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        out[int(task.name)] = (comm, (int(fields[11]) + int(fields[12])) / tick)
    return out


def cpu_shares(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], wall: float
) -> dict[str, float]:
    main = threading.main_thread().native_id
    shares: dict[str, float] = {}
    for tid, (comm, cpu) in after.items():
        used = cpu - before.get(tid, (comm, 0.0))[1]
        # The worker's QThread is named "training" (its objectName becomes the OS name).
        name = {main: "UI thread", PROBE_TID[0]: "probe"}.get(tid) or (
            "worker" if comm == "training" else comm
        )
        shares[name] = shares.get(name, 0.0) + used / wall
    return shares


# ---- the scenario -------------------------------------------------------------------------------


def build_window(args: argparse.Namespace) -> MainWindow:
    """The window with the benchmark's data, network and settings, set through its panels."""
    w = MainWindow(restore=False)
    w.resize(1400, 900)
    w.show()
    s = w.session

    def as_if_discarded() -> None:
        # Each change below would ask "Save the current project first?" once the previous one
        # has marked the session modified; a benchmark has nothing to save.
        s.mark_modified(False)

    tp = w.training_panel
    tp.set_settings(TrainSettings(optimizer="gd", learning_rate=args.lr).to_dict())
    tp.settingsChanged.emit(tp.settings())
    as_if_discarded()
    w.data_panel.set_spec(
        DataSpec(generator="spirals", points=args.points, noise=0.1, classes=2, seed=0)
    )
    w.data_panel.specChanged.emit()
    as_if_discarded()
    w.network_panel.set_spec(
        NetworkSpec(
            hidden=[(n, "tanh") for n in args.hidden],
            output_activation="sigmoid",
            loss="squared_error",
            single_output=True,
            dtype=args.dtype,
        )
    )
    w.network_panel.specChanged.emit()
    tp.speed.setValue(tp.speed.maximum())  # as fast as possible (already the default)
    if args.select is not None:
        s.select_point(args.select)
    if not w.settle():
        raise SystemExit("the worker did not answer")
    if s.net is None or s.net.sizes != [2, *args.hidden, 1] or s.speed is not None:
        raise SystemExit(f"unexpected set-up: {s.net and s.net.describe()}, speed {s.speed}")
    if s.settings.optimizer != "gd" or s.settings.learning_rate != args.lr:
        raise SystemExit(f"unexpected settings: {s.settings}")
    return w


def headless_trainer(w: MainWindow, net: Network) -> Trainer:
    """A trainer like the one the controller hands its worker: same data, settings, weights."""
    s = w.session
    ds = s.dataset
    return Trainer(
        net.copy(), ds.X_train, ds.y_train, ds.X_test, ds.y_test, s.settings, n_classes=ds.n_classes
    )


def headless(trainer: Trainer, seconds: float) -> tuple[int, float]:
    """Train on the UI thread with the event loop stopped: ``Trainer.run(seconds=...)``."""
    e0, t0 = trainer.epoch, time.perf_counter()
    trainer.run(seconds=seconds)
    return trainer.epoch - e0, time.perf_counter() - t0


def epoch_now(w: MainWindow) -> int:
    """The worker's epoch: read off the live trainer on a training thread (an int another
    thread writes is safe to read under the GIL); from the latest snapshot (at most ~30 ms old)
    when the trainer is in its own process."""
    if w.training.worker_kind == "thread":
        t = w.training.worker._trainer
        assert t is not None
        return t.epoch
    w.training.frame()
    return w.session.epoch


def train_in_app(w: MainWindow, receiver: ProbeReceiver, seconds: float, warmup: float) -> dict:
    s = w.session
    w.training.set_playing(True)
    run_loop(warmup)
    cpu0 = thread_cpu()
    e0 = epoch_now(w)
    delays, t0, t1 = probe(receiver, seconds)
    e1 = epoch_now(w)
    cpu1 = thread_cpu()
    still_running, own_rate = s.running, s.rate
    w.training.set_playing(False)
    w.settle()
    wall = t1 - t0
    return {
        "epochs": e1 - e0,
        "wall": wall,
        "t0": t0,
        "t1": t1,
        "delays": delays,
        "cpu": cpu_shares(cpu0, cpu1, wall),
        "worker_rate": own_rate,
        "still_running": still_running,
        "history_rows": len(s.history),
    }


def profiled_run(
    w: MainWindow, seconds: float, top: int, warmup: float, out_path: str | None = None
) -> str:
    """Train ``seconds`` with cProfile on the UI thread; the top functions by own and by
    cumulative time (and the raw stats in ``out_path``, for pstats or snakeviz)."""
    w.training.set_playing(True)
    run_loop(warmup)
    prof = cProfile.Profile()
    prof.enable()
    run_loop(seconds)
    prof.disable()
    w.training.set_playing(False)
    w.settle()
    if out_path:
        prof.dump_stats(out_path)
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# ---- report -------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return float(np.percentile(np.asarray(values), q))


def verdict(ok: bool) -> str:
    return "pass" if ok else "MISS"


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * wd for wd in widths))
    return "\n".join(lines)


def breakdown(t0: float, t1: float, frames: int | None = None) -> str:
    """Each component's calls in ``[t0, t1)``; per second of wall time, or per frame."""
    wall = t1 - t0
    edge = min(2.0, wall / 4)
    per = "ms per frame" if frames else "ms per s"
    head = ["UI-thread work", "calls/s", "mean ms", "p95 ms", "max ms", per]
    if not frames:
        head.append("mean ms, first/last 2 s")
    rows = [tuple(head)]
    total = 0.0
    for key, label, depth in ROWS:
        d = [x * 1e3 for x in M[key].between(t0, t1)]
        if not d:
            continue
        share = sum(d) / (frames or wall)
        if key in TOP_LEVEL:
            total += share
        row = [
            "  " * depth + label,
            f"{len(d) / wall:.1f}",
            f"{statistics.fmean(d):.2f}",
            f"{pct(d, 95):.2f}",
            f"{max(d):.2f}",
            f"{share:.1f}",
        ]
        if not frames:
            first = [x * 1e3 for s, x in M[key].calls if t0 <= s < t0 + edge]
            last = [x * 1e3 for s, x in M[key].calls if t1 - edge <= s < t1]
            row.append(
                f"{statistics.fmean(first):.2f} / {statistics.fmean(last):.2f}"
                if first and last
                else ""
            )
        rows.append(tuple(row))
    rows.append(("sum of the top-level rows", "", "", "", "", f"{total:.1f}", "")[: len(head)])
    whole = M["whole"].between(t0, t1)
    if frames and whole:
        rest = sum(whole) * 1e3 / frames - total
        rows.append(("rest: C++ widgets' paint, event loop", "", "", "", "", f"{rest:.1f}"))
    return table(rows)


def throttles(t0: float, t1: float) -> str:
    """How often each throttled draw was asked for and how often it drew, per second."""
    wall = t1 - t0
    parts = []
    for name, key in THROTTLED.items():
        asked = sum(t0 <= s < t1 for s in THROTTLE_CALLS.get(key, []))
        drew = len(M[key].between(t0, t1))
        parts.append(f"{name.split('.')[0]}: asked {asked / wall:.1f}/s, drew {drew / wall:.1f}/s")
    return "; ".join(parts)


def heavy_frames(t0: float, t1: float, probes: list[tuple[float, float]]) -> str:
    """Frames in which a throttled draw ran against the others, and the late probes they explain.

    The throttles let one heavy draw (boundary, cost curves, diagram with its unit maps) into
    a frame; the others are light. Before that they started their periods on the same frame.
    """
    keys = ("thr_data", "thr_cost", "thr_diagram")
    heavy = [s for key in keys for s, _ in M[key].calls if t0 <= s < t1]
    light: list[float] = []
    loaded: list[float] = []
    for s, d in M["frame"].calls:
        if t0 <= s < t1:
            (loaded if any(s <= h <= s + d for h in heavy) else light).append(d * 1e3)
    late = [(t, d) for t, d in probes if d * 1e3 >= TARGET_P95_MS]
    # A frame that started up to 50 ms before the probe was posted may still be painting.
    explained = sum(any(t - 0.05 <= h <= t + d for h in heavy) for t, d in late)
    if not light or not loaded:
        return "Frames: too few to tell frames with a throttled draw from the others."
    return (
        f"Frames with a throttled draw: {len(loaded) / (t1 - t0):.1f}/s, "
        f"mean {statistics.fmean(loaded):.1f} ms (p95 {pct(loaded, 95):.1f}); the others "
        f"{statistics.fmean(light):.1f} ms (p95 {pct(light, 95):.1f}), not counting paints. "
        f"Probes that waited >= {TARGET_P95_MS:g} ms: {len(late)} of {len(probes)}, "
        f"{explained} of them across (or up to 50 ms after) a throttled draw."
    )


def idle_frames(w: MainWindow, frames: int, epochs: int) -> tuple[float, float]:
    """Frames drawn while the worker is idle: the UI's own costs, no other thread on the GIL.

    Each frame: the worker trains ``epochs`` and publishes; once the snapshot has arrived the
    frame is drawn by hand and timed as a whole: ``TrainingController.frame`` and the events it
    causes (the unit maps' timer, and the paint of every widget it marked dirty, C++ widgets
    included). Paused, the followers' throttles draw every frame: this is a full frame.
    """
    tc = w.training
    tc.set_playing(False)
    w.settle()
    tc._timer.stop()  # the frames are drawn here, not by the display timer
    t0 = time.perf_counter()
    for _ in range(frames):
        target = w.session.epoch + epochs
        tc.worker.run_epochs(epochs)
        while tc._latest is None or tc._latest[0].epoch < target:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        start = time.perf_counter()
        tc.frame()
        for _ in range(3):  # a paint may schedule another (a plot's auto-range)
            QApplication.processEvents()
        M["whole"].add(start)
    t1 = time.perf_counter()
    tc._timer.start()
    return t0, t1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=10.0, help="training time of each run")
    p.add_argument(
        "--quick", action="store_true", help="a few seconds in all: 2 s runs, 5 idle frames"
    )
    p.add_argument("--points", type=int, default=1000, help="spiral points (20%% held out)")
    p.add_argument("--lr", type=float, default=0.5, help="gd learning rate")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument("--select", type=int, default=None, help="follow data point I in the diagram")
    p.add_argument("--frames", type=int, default=30, help="frames drawn with the worker idle")
    p.add_argument(
        "--profile", type=float, default=0.0, metavar="S", help="then S s under cProfile"
    )
    p.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    p.add_argument("--profile-out", metavar="FILE", help="save --profile's raw stats to FILE")
    p.add_argument(
        "--bare", action="store_true", help="figures only: no per-component timing wrappers"
    )
    p.add_argument(
        "--worker",
        choices=("process", "thread"),
        default="process",
        help="where the app trains: its own process (the app's default) or a thread",
    )
    p.add_argument(
        "--hidden",
        default="16,16",
        help="hidden widths, tanh units (default 16,16)",
    )
    p.add_argument(
        "--largest",
        action="store_true",
        help="the largest network and data the panels allow: "
        f"{MAX_HIDDEN_LAYERS} hidden layers of {MAX_WIDTH} units, {GENERATOR_POINTS[1]:,} points",
    )
    args = p.parse_args()
    args.hidden = [int(n) for n in args.hidden.split(",") if n]
    if args.largest:
        args.hidden, args.points = [MAX_WIDTH] * MAX_HIDDEN_LAYERS, GENERATOR_POINTS[1]
    os.environ["MLPSTUDIO_TRAINING"] = args.worker
    warmup, idle_seconds = 1.0, 2.0
    if args.quick:
        args.seconds, args.frames = min(args.seconds, 2.0), min(args.frames, 5)
        warmup, idle_seconds = 0.5, 0.5

    # The window reads and writes the user's settings file: keep this run's in a scratch folder.
    scratch = tempfile.TemporaryDirectory(prefix="bench_app-")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch.name)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    patch_classes(full=not args.bare)
    w = build_window(args)
    s = w.session
    initial = s.net.copy()
    if not args.bare:
        patch_instances(w)
    receiver = ProbeReceiver()

    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, PySide6 {PySide6.__version__}"
        f", pyqtgraph {pg.__version__}, Qt platform {app.platformName()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
        f"GIL switch interval {sys.getswitchinterval() * 1e3:g} ms"
    )
    ds = s.dataset
    print(
        f"Network {s.net.describe()}, {args.dtype}; {len(ds.X_train)} training + "
        f"{len(ds.X_test)} test spiral points; gd, learning rate {args.lr}; "
        f"window {w.width()}x{w.height()}, frame timer {FRAME_MS} ms, snapshots every "
        f"{PUBLISH_INTERVAL * 1e3:.1f} ms, throttled redraws every "
        f"{followers.SLOW_REDRAW * 1e3:g} ms; {args.seconds:g} s per run"
    )

    idle = [d for _, d in probe(receiver, idle_seconds)[0]]
    # Headless before and after the app's run, half the time each: drift hits both alike.
    trainer = headless_trainer(w, initial)
    ep_a, sec_a = headless(trainer, args.seconds / 2)
    run = train_in_app(w, receiver, args.seconds, warmup)
    ep_b, sec_b = headless(trainer, args.seconds / 2)

    rate_headless = (ep_a + ep_b) / (sec_a + sec_b)
    rate_app = run["epochs"] / run["wall"]
    ratio = rate_app / rate_headless
    t0, t1, wall = run["t0"], run["t1"], run["wall"]
    repaints = len(M["frame"].between(t0, t1)) / wall
    ticks = sum(t0 <= t < t1 for t in FRAME_TICKS) / wall
    snaps = len(M["snapshot"].between(t0, t1)) / wall
    delays = [d * 1e3 for _, d in run["delays"]]
    idle_ms = [d * 1e3 for d in idle]
    p50, p95 = pct(delays, 50), pct(delays, 95)

    print()
    print(
        table(
            [
                ("figure", "measured", "target", "", "notes"),
                (
                    "(a) epochs/s headless (Trainer.run)",
                    f"{rate_headless:,.0f}",
                    "",
                    "",
                    f"first/second half {ep_a / sec_a:,.0f} / {ep_b / sec_b:,.0f}",
                ),
                (
                    "    epochs/s in the app (worker)",
                    f"{rate_app:,.0f}",
                    "",
                    "",
                    f"the app's own figure at the end: {run['worker_rate']:,.0f}",
                ),
                (
                    "    app / headless",
                    f"{ratio:.0%}",
                    f">= {TARGET_RATIO:.0%}",
                    verdict(ratio >= TARGET_RATIO),
                    "",
                ),
                (
                    "(b) repaints (frames that applied a snapshot) per s",
                    f"{repaints:.1f}",
                    f">= {TARGET_REPAINTS:g}",
                    verdict(repaints >= TARGET_REPAINTS),
                    f"snapshots received {snaps:.1f}/s; frame-timer ticks {ticks:.1f}/s "
                    f"(a {FRAME_MS} ms timer: at most {1000 / FRAME_MS:.1f})",
                ),
                (
                    "(c) posted-event delay, p50",
                    f"{p50:.2f} ms",
                    "",
                    "",
                    f"paused: {pct(idle_ms, 50):.2f} ms",
                ),
                (
                    "    posted-event delay, p95",
                    f"{p95:.2f} ms",
                    f"< {TARGET_P95_MS:g} ms",
                    verdict(p95 < TARGET_P95_MS),
                    f"paused: {pct(idle_ms, 95):.2f} ms",
                ),
                (
                    "    posted-event delay, max",
                    f"{max(delays, default=float('nan')):.2f} ms",
                    "",
                    "",
                    f"{len(delays)} probes, one every 40-60 ms; "
                    f"paused max {max(idle_ms, default=float('nan')):.2f} ms",
                ),
            ]
        )
    )
    if not run["still_running"]:
        print("\nWARNING: training stopped by itself during the run: the figures are not valid.")

    print(
        "\nCPU while training in the app (share of one core): "
        + ", ".join(f"{k} {v:.0%}" for k, v in sorted(run["cpu"].items()))
        + f"; history rows at the end: {run['history_rows']:,}"
    )
    if not args.bare:
        print(f"\nThe UI thread while the app trains ({wall:.1f} s)\n")
        print(breakdown(t0, t1))
        print(f"\nThrottled redraws: {throttles(t0, t1)}")
        print(heavy_frames(t0, t1, run["delays"]))

        if args.frames > 0:
            f0, f1 = idle_frames(w, args.frames, 100)
            print(
                f"\nOne frame with the worker idle (no GIL contention, nothing throttled): "
                f"{args.frames} x (train 100 epochs, draw), history {len(s.history):,} rows\n"
            )
            print(breakdown(f0, f1, frames=args.frames))
            frame_ms = statistics.fmean(M["whole"].between(f0, f1)) * 1e3
            print(
                f"\nA full frame takes {frame_ms:.1f} ms: the UI could draw at most "
                f"{1000 / frame_ms:.0f} such frames/s even with training paused."
            )

    if args.profile > 0:
        print(f"\ncProfile of the UI thread over {args.profile:g} s of training\n")
        print(profiled_run(w, args.profile, args.top, warmup, args.profile_out))

    s.mark_modified(False)
    w.shutdown()
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
