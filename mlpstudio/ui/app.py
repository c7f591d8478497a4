"""Start the desktop app, or render its window to a PNG without a display (``--screenshot``).

``mlpstudio [file.json|file.csv] [--theme dark]`` opens the window;
``mlpstudio --screenshot out.png [project.json] [--train-epochs N] [--size 1400x900]`` trains
N epochs when asked, draws the window offscreen and saves it, for documentation and tests.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        msg = f"expected WIDTHxHEIGHT such as 1400x900, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise argparse.ArgumentTypeError("the size must be between 320x240 and 8000x8000")
    return w, h


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mlpstudio",
        description="MLP Studio: a lab for multilayer perceptrons and back-propagation. "
        "Without a subcommand it opens the app; headless subcommands: "
        "train, predict, inspect, gradcheck, info (mlpstudio COMMAND --help).",
    )
    p.add_argument("file", nargs="?", help="a project (.json) or data (.csv) to open")
    p.add_argument("--screenshot", metavar="PNG", help="render the window to this PNG and exit")
    p.add_argument(
        "--train-epochs",
        type=int,
        default=0,
        metavar="N",
        help="with --screenshot: train N epochs first",
    )
    p.add_argument(
        "--size",
        type=_size,
        default=(1400, 900),
        metavar="WxH",
        help="window size (default 1400x900)",
    )
    p.add_argument("--theme", choices=("light", "dark"), help="colour theme")
    p.add_argument(
        "--select",
        type=int,
        metavar="I",
        help="select data point I (followed through the diagram and the inspector)",
    )
    p.add_argument("--lesson", metavar="SLUG", help="open a built-in lesson, e.g. xor-by-hand")
    p.add_argument("--presenter", action="store_true", help="start in presenter mode (F11)")
    p.add_argument(
        "--show",
        choices=("training", "network", "data", "lesson", "cost", "inspector"),
        help="bring this panel to the front",
    )
    p.add_argument(
        "--stage", type=int, default=0, metavar="N", help="step the inspector N stages forward"
    )
    return p


def _headless() -> bool:
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(argv: list[str] | None = None) -> int:
    """Run the app (or take a screenshot); return the exit status."""
    args = parser().parse_args(argv)
    if args.train_epochs < 0:
        print("mlpstudio: error: --train-epochs must be ≥ 0", file=sys.stderr)
        return 2
    if _headless() and not os.environ.get("QT_QPA_PLATFORM"):
        if not args.screenshot:
            print(
                "mlpstudio: error: no display to open the window on (DISPLAY is not set); "
                "use --screenshot to render offscreen, or a subcommand (mlpstudio --help)",
                file=sys.stderr,
            )
            return 1
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Keep numeric work on one thread: BLAS threads only spin on matrices this small.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("MLP Studio")
    app.setOrganizationName("MLPStudio")
    window = MainWindow(restore=not args.screenshot)
    if args.theme:
        window.apply_theme(args.theme)
    window.resize(*args.size)
    if args.file:
        path = Path(args.file)
        if not path.exists():
            print(f"mlpstudio: error: {path}: no such file", file=sys.stderr)
            if args.screenshot:
                window.shutdown()
                return 1
        elif not window.open_path(path) and args.screenshot:
            window.shutdown()
            return 1
    if args.lesson:
        try:
            window.open_lesson(args.lesson)
        except KeyError as e:
            print(f"mlpstudio: error: {e.args[0]}", file=sys.stderr)
            window.shutdown()
            return 2
    window.show()
    if args.screenshot and args.train_epochs:
        window.train_for(args.train_epochs)
    if args.select is not None:
        window.select_point(args.select)
    if args.show:
        window.docks[args.show].show()
        window.docks[args.show].raise_()
    for _ in range(args.stage):
        window.inspector.next_stage()
    if args.presenter:
        window.set_presenter(True)
    if args.screenshot:
        return screenshot(window, args.screenshot)
    return app.exec()


def screenshot(window, path: str) -> int:
    """Draw the window's current state and save it as a PNG, then close it."""
    window.settle()
    ok = window.grab().save(path)
    window.dirty = False
    window.shutdown()
    if not ok:
        print(f"mlpstudio: error: could not write {path}", file=sys.stderr)
        return 1
    print(path)
    return 0
