"""The app while it trains: training speed under the UI, repaints, and UI-thread responsiveness.

Run from the repository root:  python benchmarks/bench_app.py [--seconds 10] [--profile 5]

Builds the real window (offscreen when there is no display), sets up a 2-16-16-1 tanh network
with a sigmoid output on 2-class spirals, trains "as fast as possible" and reports:

(a) epochs per second in the app's worker against the same training headless (``Trainer.run``
    in this process, same network, data and settings), and their ratio;
(b) repaints per second actually drawn (``MainWindow._repaint`` calls that found a new snapshot);
(c) how long an event posted to the UI thread every ~50 ms waits before it runs (median, p95).

Then it breaks the UI thread's time down by component (snapshot delivery, boundary, diagram,
cost plot, the pyqtgraph views' and the diagram's paint), with per-thread CPU from /proc on
Linux, first while training, then for frames drawn one by one with the worker idle (the UI's own
cost, no thread contending for the GIL). ``--profile N`` adds N seconds of training under
cProfile on the UI thread; ``--bare`` prints the figures without the timing wrappers.

The wrappers are installed on the classes before the window is built (PySide only sees Python
overrides of Qt virtuals that exist by then) and on the live objects after. Training figures
read the worker's trainer epoch directly. This is a script, never a timed test.
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
import threading  # noqa: E402
import time  # noqa: E402
from collections import deque  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyqtgraph as pg  # noqa: E402
import PySide6  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mlpstudio.core import Network, Trainer, TrainSettings  # noqa: E402
from mlpstudio.core import boundary as core_boundary  # noqa: E402
from mlpstudio.core import diagnostics as core_diagnostics  # noqa: E402
from mlpstudio.ui.main_window import REPAINT_MS, MainWindow  # noqa: E402
from mlpstudio.ui.views.diagram import Canvas as _Canvas  # noqa: E402
from mlpstudio.ui.views.diagram import NetworkView  # noqa: E402
from mlpstudio.ui.views.panels import DataSpec, NetworkSpec  # noqa: E402

TARGET_RATIO = 0.70
TARGET_REPAINTS = 30.0
TARGET_P95_MS = 30.0
PROBE_INTERVAL = (0.040, 0.060)  # jittered, so probes do not lock onto the 30 ms repaint timer
WARMUP_SECONDS = 1.0
IDLE_SECONDS = 2.0


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
ROWS = (
    ("repaint", "MainWindow._repaint (drew a snapshot)", 0),
    ("cost_append", "cost_plot.append", 1),
    ("cost_set", "cost_plot.set_history", 1),
    ("dp_set", "data_plot.set_network", 1),
    ("dp_predict", "_predict (every point, float64)", 2),
    ("dp_wrong", "_update_wrong (x marks)", 2),
    ("dp_render", "_render (boundary image)", 2),
    ("grid", "boundary.outputs (grid forward)", 3),
    ("blend", "_blend (RGB)", 3),
    ("set_image", "ImageItem.setImage", 3),
    ("nv_set", "network_view.set_network", 1),
    ("nv_inspect", "_inspect (selected point)", 2),
    ("nv_values", "_update_values (items)", 2),
    ("status", "_update_status", 1),
    ("title", "_set_title", 1),
    ("maps", "NetworkView._refresh_maps (0 ms timer)", 0),
    ("plane", "diagnostics.plane (20x20 forward)", 1),
    ("render_maps", "_render_maps (disc images)", 1),
    ("units", "_update_units", 1),
    ("snapshot", "MainWindow._on_snapshot (queued signal)", 0),
    ("paint_data", "Qt paint: data plot view", 0),
    ("paint_cost", "Qt paint: cost plot view", 0),
    ("paint_net", "Qt paint: network view canvas", 0),
    ("frame", "whole frame (idle frames only): all of the above and C++ widgets' paint", 0),
)
TOP_LEVEL = ("repaint", "maps", "snapshot", "paint_data", "paint_cost", "paint_net")
M: dict[str, Meter] = {key: Meter() for key, _, _ in ROWS}
REPAINT_TICKS: list[float] = []  # start times of every _repaint call (drawing or not)
VIEWS: dict[int, str] = {}  # id of a pyqtgraph view -> its meter key


def patch_classes(full: bool = True) -> None:
    """Slots connected while the window is built, and Qt virtuals, are wrapped on the class.

    Without ``full`` only what the figures need: the repaint and snapshot counts.
    """
    original_repaint = MainWindow._repaint

    def _repaint(self) -> None:
        t0 = time.perf_counter()
        REPAINT_TICKS.append(t0)
        drew = self._new_snapshot and self.snapshot is not None and self.net is not None
        original_repaint(self)
        if drew:
            M["repaint"].add(t0)

    MainWindow._repaint = _repaint
    MainWindow._on_snapshot = M["snapshot"].wrap(MainWindow._on_snapshot)
    if not full:
        return
    NetworkView._refresh_maps = M["maps"].wrap(NetworkView._refresh_maps)

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
    canvas_event = _Canvas.viewportEvent

    def viewportEvent(self, e: QEvent) -> bool:
        if e.type() != paint:
            return canvas_event(self, e)
        t0 = time.perf_counter()
        try:
            return canvas_event(self, e)
        finally:
            M["paint_net"].add(t0)

    _Canvas.viewportEvent = viewportEvent


def patch_instances(w: MainWindow) -> None:
    """Methods looked up through ``self.`` at call time can be wrapped on the live objects."""

    def on(obj: object, attr: str, key: str) -> None:
        setattr(obj, attr, M[key].wrap(getattr(obj, attr)))

    on(w.cost_plot, "append", "cost_append")
    on(w.cost_plot, "set_history", "cost_set")
    on(w.data_plot, "set_network", "dp_set")
    on(w.data_plot, "_predict", "dp_predict")
    on(w.data_plot, "_update_wrong", "dp_wrong")
    on(w.data_plot, "_render", "dp_render")
    on(w.data_plot, "_blend", "blend")
    on(w.data_plot._image, "setImage", "set_image")
    on(w.network_view, "set_network", "nv_set")
    on(w.network_view, "_inspect", "nv_inspect")
    on(w.network_view, "_update_values", "nv_values")
    on(w.network_view, "_render_maps", "render_maps")
    on(w.network_view, "_update_units", "units")
    on(w, "_update_status", "status")
    on(w, "_set_title", "title")
    # The modules' functions are looked up at call time too.
    core_boundary.outputs = M["grid"].wrap(core_boundary.outputs)
    core_diagnostics.plane = M["plane"].wrap(core_diagnostics.plane)
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


def probe(receiver: ProbeReceiver, seconds: float) -> tuple[list[float], float, float]:
    """Delays (s) of the probes during ``seconds`` of event loop, and the window's times."""
    prober = Prober(receiver)
    receiver.delays.clear()
    t0 = time.perf_counter()
    prober.start()
    run_loop(seconds)
    prober.stop.set()
    prober.join()
    t1 = time.perf_counter()
    QApplication.processEvents()  # the last probe, posted before the poster stopped
    return [d for _, d in receiver.delays], t0, t1


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
        name = {main: "UI thread", PROBE_TID[0]: "probe"}.get(tid) or (
            "worker" if comm == "training" else comm
        )
        shares[name] = shares.get(name, 0.0) + used / wall
    return shares


# ---- the scenario -------------------------------------------------------------------------------


def build_window(args: argparse.Namespace) -> MainWindow:
    """The window with the benchmark's data, network and settings, shown and settled."""
    w = MainWindow(restore=False)
    w.resize(1400, 900)
    w.show()
    settings = TrainSettings(optimizer="gd", learning_rate=args.lr).to_dict()
    w.training_panel.set_settings(settings)
    w.training_panel.settingsChanged.emit(w.training_panel.settings())
    w.data_panel.set_spec(
        DataSpec(generator="spirals", points=args.points, noise=0.1, classes=2, seed=0)
    )
    w.data_panel.specChanged.emit()
    w.network_panel.set_spec(
        NetworkSpec(
            hidden=[(16, "tanh"), (16, "tanh")],
            output_activation="sigmoid",
            loss="squared_error",
            single_output=True,
            dtype=args.dtype,
        )
    )
    w.network_panel.specChanged.emit()
    w.training_panel.speed.setValue(w.training_panel.speed.maximum())  # as fast as possible
    if args.select is not None:
        w.select_point(args.select)
    if not w.settle():
        raise SystemExit("the worker did not answer")
    assert w.net is not None and w.dataset is not None
    if w.net.sizes != [2, 16, 16, 1] or w.training_panel.speed_value() is not None:
        raise SystemExit(f"unexpected set-up: sizes {w.net.sizes}")
    return w


def headless_trainer(w: MainWindow, net: Network) -> Trainer:
    """A trainer like the one the window hands its worker: same data, settings and weights."""
    ds = w.dataset
    settings = TrainSettings.from_dict(w.training_panel.settings()).validate()
    return Trainer(
        net.copy(), ds.X_train, ds.y_train, ds.X_test, ds.y_test, settings, n_classes=ds.n_classes
    )


def headless(trainer: Trainer, seconds: float) -> tuple[int, float]:
    """Train on the UI thread with the event loop stopped: ``Trainer.run(seconds=...)``."""
    e0, t0 = trainer.epoch, time.perf_counter()
    trainer.run(seconds=seconds)
    return trainer.epoch - e0, time.perf_counter() - t0


def live_trainer(w: MainWindow) -> Trainer:
    t = w.worker._trainer  # reading an int another thread writes is safe under the GIL
    assert t is not None
    return t


def train_in_app(w: MainWindow, receiver: ProbeReceiver, seconds: float) -> dict:
    w.set_playing(True)
    run_loop(WARMUP_SECONDS)
    trainer = live_trainer(w)
    cpu0 = thread_cpu()
    e0 = trainer.epoch
    delays, t0, t1 = probe(receiver, seconds)
    e1 = trainer.epoch
    cpu1 = thread_cpu()
    still_running, own_rate = w.running, w.rate
    w.set_playing(False)
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
        "history_rows": len(w.history),
    }


def profiled_run(w: MainWindow, seconds: float, top: int) -> str:
    """Train ``seconds`` with cProfile on the UI thread; the top functions by own time."""
    w.set_playing(True)
    run_loop(WARMUP_SECONDS)
    prof = cProfile.Profile()
    prof.enable()
    run_loop(seconds)
    prof.disable()
    w.set_playing(False)
    w.settle()
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
    frame = M["frame"].between(t0, t1)
    if frames and frame:
        rest = sum(frame) * 1e3 / frames - total
        rows.append(("rest: C++ widgets' paint, event loop", "", "", "", "", f"{rest:.1f}"))
    return table(rows)


def idle_frames(w: MainWindow, frames: int, epochs: int) -> tuple[float, float]:
    """Frames drawn while the worker is idle: the UI's own costs, no other thread on the GIL.

    Each frame: the worker trains ``epochs`` and publishes; once the snapshot has arrived the
    frame is drawn by hand and timed as a whole: ``_repaint`` and the events it causes (the unit
    maps' 0 ms timer, and the paint of every widget it marked dirty, C++ widgets included).
    """
    w.set_playing(False)
    w.settle()
    w._timer.stop()  # the frames are drawn here, not by the display timer
    t0 = time.perf_counter()
    for _ in range(frames):
        target = w.snapshot.epoch + epochs
        w.worker.run_epochs(epochs)
        while w.snapshot.epoch < target:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        start = time.perf_counter()
        w._repaint()
        for _ in range(3):  # a paint may schedule another (a plot's auto-range)
            QApplication.processEvents()
        M["frame"].add(start)
    t1 = time.perf_counter()
    w._timer.start()
    return t0, t1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=10.0, help="training time of each run")
    p.add_argument("--points", type=int, default=1000, help="spiral points (20%% held out)")
    p.add_argument("--lr", type=float, default=0.5, help="gd learning rate")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument("--select", type=int, default=None, help="follow data point I in the diagram")
    p.add_argument("--frames", type=int, default=30, help="frames drawn with the worker idle")
    p.add_argument(
        "--profile", type=float, default=0.0, metavar="S", help="then S s under cProfile"
    )
    p.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    p.add_argument(
        "--bare", action="store_true", help="figures only: no per-component timing wrappers"
    )
    args = p.parse_args()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    patch_classes(full=not args.bare)
    w = build_window(args)
    initial = w.net.copy()
    if not args.bare:
        patch_instances(w)
    receiver = ProbeReceiver()

    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, PySide6 {PySide6.__version__}"
        f", pyqtgraph {pg.__version__}, Qt platform {app.platformName()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
        f"GIL switch interval {sys.getswitchinterval() * 1e3:g} ms"
    )
    ds = w.dataset
    print(
        f"Network {w.net.describe()}, {args.dtype}; {len(ds.X_train)} training + "
        f"{len(ds.X_test)} test spiral points; gd, learning rate {args.lr}; "
        f"window {w.width()}x{w.height()}, repaint timer {REPAINT_MS} ms; "
        f"{args.seconds:g} s per run"
    )

    idle, _, _ = probe(receiver, IDLE_SECONDS)
    # Headless before and after the app's run, half the time each: drift hits both alike.
    trainer = headless_trainer(w, initial)
    ep_a, sec_a = headless(trainer, args.seconds / 2)
    run = train_in_app(w, receiver, args.seconds)
    ep_b, sec_b = headless(trainer, args.seconds / 2)

    rate_headless = (ep_a + ep_b) / (sec_a + sec_b)
    rate_app = run["epochs"] / run["wall"]
    ratio = rate_app / rate_headless
    t0, t1, wall = run["t0"], run["t1"], run["wall"]
    repaints = len(M["repaint"].between(t0, t1)) / wall
    ticks = sum(t0 <= s < t1 for s in REPAINT_TICKS) / wall
    snaps = len(M["snapshot"].between(t0, t1)) / wall
    delays = [d * 1e3 for d in run["delays"]]
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
                    "(b) repaints drawn per s",
                    f"{repaints:.1f}",
                    f">= {TARGET_REPAINTS:g}",
                    verdict(repaints >= TARGET_REPAINTS),
                    f"snapshots received {snaps:.1f}/s; repaint-timer ticks {ticks:.1f}/s "
                    f"(a {REPAINT_MS} ms timer: at most {1000 / REPAINT_MS:.1f})",
                ),
                (
                    "(c) posted-event delay, median",
                    f"{p50:.2f} ms",
                    "",
                    "",
                    f"idle (not training): {pct(idle_ms, 50):.2f} ms",
                ),
                (
                    "    posted-event delay, p95",
                    f"{p95:.2f} ms",
                    f"< {TARGET_P95_MS:g} ms",
                    verdict(p95 < TARGET_P95_MS),
                    f"idle: {pct(idle_ms, 95):.2f} ms",
                ),
                (
                    "    posted-event delay, max",
                    f"{max(delays):.2f} ms",
                    "",
                    "",
                    f"{len(delays)} probes, one every 40-60 ms",
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
    if args.bare:
        w.dirty = False
        w.shutdown()
        return 0
    print(f"\nThe UI thread while the app trains ({wall:.1f} s)\n")
    print(breakdown(t0, t1))

    if args.frames > 0:
        f0, f1 = idle_frames(w, args.frames, 100)
        print(
            f"\nOne frame with the worker idle (no GIL contention): {args.frames} x "
            f"(train 100 epochs, draw), history {len(w.history):,} rows\n"
        )
        print(breakdown(f0, f1, frames=args.frames))
        frame_ms = statistics.fmean(M["frame"].between(f0, f1)) * 1e3
        print(
            f"\nAt 30 frames/s such frames take {frame_ms * 30 / 10:.0f}% of the UI thread; "
            f"it can draw at most {1000 / frame_ms:.0f} frames/s even with training paused."
        )

    if args.profile > 0:
        print(f"\ncProfile of the UI thread over {args.profile:g} s of training\n")
        print(profiled_run(w, args.profile, args.top))

    w.dirty = False
    w.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
