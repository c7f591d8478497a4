"""The argument parser of ``mlpstudio``: the top level, and one sub-parser per command module.

Each command module adds its own options (``add_arguments``); this module adds what they share
(``--quiet``) and wires each to its ``run``. The top-level help also lists the desktop app's
options, read from :mod:`mlpstudio.options`, which needs no Qt.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from mlpstudio import __version__, options

from . import export_cmd, gradcheck, info, inspect_cmd, predict, train
from .common import EXIT_USAGE, one_line

_COMMAND_MODULES = (train, predict, inspect_cmd, gradcheck, info, export_cmd)
COMMANDS = tuple(module.NAME for module in _COMMAND_MODULES)

_TOP_USAGE = """\
mlpstudio [FILE.json|FILE.csv]      start the desktop app (opening a project or data)
       mlpstudio COMMAND [options]         work headless (no display needed)"""

_EXAMPLES = """\
Run 'mlpstudio COMMAND --help' for the options of a command. Examples:
  mlpstudio train --dataset xor --layers 2,2,1 --lr 2 --target-cost 0.01 --out xor.json
  mlpstudio info xor.json
  mlpstudio inspect xor.json --point 1,0 --label 1
  mlpstudio predict xor.json points.csv --out predictions.csv
  mlpstudio gradcheck xor.json
  mlpstudio export xor.json --onnx xor.onnx --python predict.py --npz xor.npz"""

_QUIET_HELP = "print nothing but errors (files asked for are still written)"


class CliParser(argparse.ArgumentParser):
    """argparse with one-line errors: ``mlpstudio train: error: ...`` and exit status 2."""

    def error(self, message: str) -> NoReturn:
        # argparse quotes stray arguments as they are ("unrecognized arguments: a<newline>b").
        message = one_line(message)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command; its help also describes the app's options."""
    parser = CliParser(
        prog="mlpstudio",
        usage=_TOP_USAGE,
        description="MLP Studio: a desktop lab for multilayer perceptrons and backpropagation.",
        epilog=options.options_text("the desktop app takes") + "\n\n" + _EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mlpstudio {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help=_QUIET_HELP)
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", prog="mlpstudio"
    )
    for module in _COMMAND_MODULES:
        command = module.add_arguments(sub)
        # SUPPRESS: a command's parser then leaves `mlpstudio -q COMMAND` quiet instead of
        # resetting the flag to its default.
        command.add_argument(
            "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=_QUIET_HELP
        )
        command.set_defaults(func=module.run)
    return parser
