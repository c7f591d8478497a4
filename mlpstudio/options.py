"""The desktop app's own command-line options (``mlpstudio [FILE] [--theme dark] ...``), Qt-free.

The app parses them in :mod:`mlpstudio.ui.app`; :mod:`mlpstudio.__main__` parses them first, so
that a bad option gets its one-line error without importing Qt, and the command line's top-level
help lists them (:func:`options_text`) without importing anything of the UI.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

EXIT_USAGE = 2
MAX_TRAIN_EPOCHS = 10_000_000  # as the app's "Max epochs" box and `mlpstudio train --epochs`
MAX_STAGES = 10_000  # the inspector's stages of one point are a few per layer


class OptionsParser(argparse.ArgumentParser):
    """argparse with one-line errors: ``mlpstudio: error: ...`` and exit status 2.

    The whole usage of the app would bury the one thing that went wrong; the line points at the
    help instead.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        msg = f"expected WIDTHxHEIGHT such as 1400x900, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise argparse.ArgumentTypeError("the size must be between 320x240 and 8000x8000")
    return w, h


def _bounded(high: int) -> Callable[[str], int]:
    """An argparse type for a count from 0 to ``high``: a huge number would freeze the app."""

    def count(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not 0 <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between 0 and {high:,}, got {value}")
        return value

    return count


def parser() -> argparse.ArgumentParser:
    """The parser of the app's options (``prog`` is ``mlpstudio``)."""
    p = OptionsParser(
        prog="mlpstudio",
        description="MLP Studio: a lab for multilayer perceptrons and back-propagation. "
        "Without a subcommand it opens the app; headless subcommands: "
        "train, predict, inspect, gradcheck, info (mlpstudio COMMAND --help).",
    )
    p.add_argument("file", nargs="?", help="a project (.json) or data (.csv) to open")
    p.add_argument("--screenshot", metavar="PNG", help="render the window to this PNG and exit")
    p.add_argument(
        "--train-epochs",
        type=_bounded(MAX_TRAIN_EPOCHS),
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
        "--setup",
        metavar="TEXT",
        help="recreate a run from a set-up line (Edit → Copy set-up), e.g. "
        "'mlpstudio 1 data=spirals …'",
    )
    p.add_argument(
        "--show",
        choices=("training", "network", "data", "lesson", "cost", "inspector"),
        help="bring this panel to the front",
    )
    p.add_argument(
        "--stage",
        type=_bounded(MAX_STAGES),
        default=0,
        metavar="N",
        help="step the inspector N stages forward",
    )
    return p


def options_text(heading: str = "the desktop app takes") -> str:
    """The app's arguments under ``heading``, one per line with their help, as a help section."""
    p = parser()
    formatter = p._get_formatter()
    formatter.start_section(heading)
    formatter.add_arguments([a for a in p._actions if not isinstance(a, argparse._HelpAction)])
    formatter.end_section()
    return formatter.format_help().strip("\n")
