"""Start the desktop app, or render its window to a PNG without a display (``--screenshot``).

``mlpstudio [file.json|file.csv] [--theme dark]`` opens the window;
``mlpstudio --screenshot out.png [project.json] [--train-epochs N] [--size 1400x900]`` trains
N epochs when asked, draws the window offscreen and saves it, for documentation and tests.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mlpstudio.options import parser


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

    from mlpstudio.core import lessons, setup_text

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("MLP Studio")
    app.setOrganizationName("MLPStudio")
    window = MainWindow(restore=not args.screenshot)
    if args.theme:
        window.apply_theme(args.theme)
    window.resize(*args.size)
    if args.screenshot:
        window.files.headless = True  # no one is there to close an error box: print it
    if args.file:
        path = Path(args.file)
        if not path.exists():
            print(f"mlpstudio: error: {path}: no such file", file=sys.stderr)
            if args.screenshot:
                window.shutdown()
                return 1
        elif not window.files.open_path(path) and args.screenshot:
            window.shutdown()
            return 1
    if args.lesson:
        try:
            lessons.get(args.lesson)
        except KeyError as e:
            print(f"mlpstudio: error: {e.args[0]}", file=sys.stderr)
            window.shutdown()
            return 2
        window.teaching.open_lesson(args.lesson)
    if args.setup:
        try:
            setup_text.from_text(args.setup)
        except setup_text.SetupError as e:
            print(f"mlpstudio: error: --setup: {e}", file=sys.stderr)
            window.shutdown()
            return 2
        window.setup.apply_setup(args.setup, ask=False)
    window.show()
    if not args.screenshot and not (args.file or args.lesson or args.setup):
        window.offer_restore()
    if args.screenshot and args.train_epochs:
        window.training.train_for(args.train_epochs)
    if args.select is not None:
        window.session.select_point(args.select)
    if args.show:
        window.show_panel(args.show)
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
    window.session.mark_modified(False)
    window.shutdown()
    window.hide()  # a rendered window must not linger on screen (or in-process callers)
    if not ok:
        print(f"mlpstudio: error: could not write {path}", file=sys.stderr)
        return 1
    print(path)
    return 0
