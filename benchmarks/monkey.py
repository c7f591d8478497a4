"""The long monkey run: seeded random user actions on the real window, and what they broke.

Run from the repository root::

    python benchmarks/monkey.py                      # 10 minutes, seed 0
    python benchmarks/monkey.py --seed 7 --minutes 3
    python benchmarks/monkey.py --seed 7 --actions 150 --log actions.txt
    python benchmarks/monkey.py --seeds 1 2 3 --minutes 1

It builds the main window (offscreen when there is no display), with its settings, autosaves and
every file it saves in a temporary folder, lets the monkey of ``tests/ui/monkey.py`` act on it,
closes it, and prints: actions done, exceptions with their tracebacks (each distinct one once,
with the actions that led to it), Qt and Python warnings, the message boxes the app showed, the
heartbeat gaps while the monkey sat idle (p50/p95/p99/max), the slowest actions, memory at start
and end, and the threads left after closing. The exit status is 1 when the run found a problem
(an exception, a Qt warning, a stall over ``--stall-ms``, a hang, a thread left, memory growth
over ``--growth-mb``). ``--log`` writes each action before it runs, so even a native crash (which
faulthandler reports on stderr) can be replayed. This is a script, never a timed test.
"""

from __future__ import annotations

import os

# One BLAS/OpenMP thread before numpy is imported (see DESIGN.md), and offscreen without a display.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import faulthandler  # noqa: E402
import importlib.util  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_harness() -> ModuleType:
    """``tests/ui/monkey.py`` by its path (``tests`` is not a package, and this file is also
    called ``monkey``)."""
    spec = importlib.util.spec_from_file_location("mlpstudio_monkey", ROOT / "tests/ui/monkey.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def isolate(folder: Path) -> None:
    """Settings and autosaves in ``folder``, never the user's (as the UI tests do)."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "ini"))
    os.environ["XDG_DATA_HOME"] = str(folder / "data")


def example_files() -> list[Path]:
    from mlpstudio.resources_path import resources

    root = Path(str(resources()))
    return sorted((root / "examples").glob("*.json")) + sorted((root / "datasets").glob("*.csv"))


def print_incidents(report, kind: str, title: str, traceback_lines: int | None = None) -> None:
    found = report.distinct(kind)
    if not found:
        return
    print(f"\n---- {title}: {len(found)} distinct ----")
    for incident, count in found:
        print(f"\n== ×{count}, first at action {incident.action_index}: {incident.key}")
        text = incident.text.rstrip().splitlines()
        if traceback_lines is not None:
            text = text[:traceback_lines]
        print("\n".join(text))
        if kind in ("exception", "qt-warning", "python-warning", "hang"):
            print("-- the actions before it:")
            print("\n".join(report.last_actions(incident.action_index)))


def run_one(harness: ModuleType, seed: int, args: argparse.Namespace, folder: Path):
    """Build a window, let the monkey act on it, close it; the report."""
    from mlpstudio.ui.main_window import MainWindow

    window = MainWindow(restore=False)
    window.resize(1280, 800)
    window.show()
    window.settle()
    log = open(args.log, "a", encoding="utf-8") if args.log else None  # noqa: SIM115
    try:
        if log is not None:
            print(f"# seed {seed}", file=log, flush=True)
        workdir = folder / f"seed-{seed}"
        with harness.Monkey(
            window,
            random.Random(seed),
            workdir,
            seed=seed,
            files=example_files(),
            log=log,
        ) as monkey:
            seconds = None if args.actions else args.minutes * 60.0
            monkey.run(actions=args.actions, seconds=seconds)
            report = monkey.close_window()
    finally:
        if log is not None:
            log.close()
        window.shutdown()
        window.deleteLater()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
    parser.add_argument("--seeds", type=int, nargs="+", help="several runs, one per seed")
    parser.add_argument("--actions", type=int, help="stop after this many actions")
    parser.add_argument("--minutes", type=float, default=10.0, help="or after this long")
    parser.add_argument("--stall-ms", type=float, default=250.0, help="the longest stall allowed")
    parser.add_argument(
        "--detail-ms", type=float, default=150.0, help="print the stacks of stalls over this"
    )
    parser.add_argument("--growth-mb", type=float, default=100.0, help="the most RSS may grow")
    parser.add_argument("--log", help="append each action to this file before it runs")
    parser.add_argument(
        "--tracebacks", type=int, default=None, help="print at most this many lines of each"
    )
    args = parser.parse_args(argv)

    faulthandler.enable()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 (kept alive)
    harness = load_harness()
    failed = False
    with tempfile.TemporaryDirectory(prefix="mlpstudio-monkey-") as tmp:
        folder = Path(tmp)
        isolate(folder)
        for seed in args.seeds or [args.seed]:
            report = run_one(harness, seed, args, folder)
            print(f"\n======== {report.summary()}")
            print("  slowest actions (ms, index, action):")
            for line in report.slowest_actions():
                print(f"    {line}")
            print_incidents(report, "exception", "exceptions", args.tracebacks)
            print_incidents(report, "qt-warning", "Qt warnings", args.tracebacks)
            print_incidents(report, "python-warning", "Python warnings", args.tracebacks)
            print_incidents(report, "hang", "worker hangs", args.tracebacks)
            print_incidents(report, "message-box", "message boxes the app showed", 3)
            long = [s for s in report.stalls if s.ms > args.detail_ms]
            if long:
                print(f"\n---- stalls over {args.detail_ms:.0f} ms while idle: {len(long)} ----")
            for stall in long:
                print(f"\n{report.describe_stall(stall)}")
                print("-- the actions before it:")
                print("\n".join(report.last_actions(stall.action_index)))
            problems = report.problems(args.stall_ms, args.growth_mb)
            print(f"\n---- verdict for seed {seed}: {'; '.join(problems) or 'clean'}")
            print(report.replay_hint())
            failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
