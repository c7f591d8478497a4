"""Run one command: parse, call it, and turn every failure into one line and an exit status.

Statuses: 0 success; 1 a file or data that cannot be used, or a failed check; 2 a usage error;
130 interrupted. With ``--quiet`` the commands print into a :class:`~.common.Discard` stream, so
no command has to remember the flag; errors are printed here, on the real stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from mlpstudio.core import datasets, project
from mlpstudio.core.training import TrainingError

from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CheckFailedError,
    Discard,
    UsageError,
    one_line,
)
from .parser import build_parser
from .points import join_negative_values

Command = Callable[[argparse.Namespace, TextIO, TextIO], int]


def main(
    argv: Sequence[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run a command with ``argv`` (default: the process arguments); return the exit status.

    ``stdout`` and ``stderr`` (default: the process's) receive everything the command and
    argparse print, so a caller (a test, a script) can capture them without touching ``sys``.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if stdout is None and stderr is None:
        return _main(argv)
    with (
        contextlib.redirect_stdout(stdout or sys.stdout),
        contextlib.redirect_stderr(stderr or sys.stderr),
    ):
        return _main(argv)


def _main(argv: list[str]) -> int:
    _tolerant_streams()
    parser = build_parser()
    try:
        args = parser.parse_args(join_negative_values(argv))
    except SystemExit as exc:  # --help, --version and usage errors end here
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    prog = f"mlpstudio {args.command}"
    func: Command = args.func
    out, err = (Discard(), Discard()) if args.quiet else (sys.stdout, sys.stderr)
    try:
        return func(args, out, err)
    except UsageError as exc:
        print(f"{prog}: error: {_one_line(exc)} (see '{prog} --help')", file=sys.stderr)
        return EXIT_USAGE
    except (
        project.ProjectError,
        datasets.DataError,
        TrainingError,
        CheckFailedError,
        ValueError,
        OSError,
    ) as exc:
        if isinstance(exc, BrokenPipeError):
            return _broken_pipe()
        print(f"{prog}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except MemoryError:
        print(f"{prog}: error: not enough memory", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    else:
        text = str(exc) or type(exc).__name__
    return one_line(text)


def _tolerant_streams() -> None:
    # The notation (δ, Σ, ≤) cannot be encoded on some consoles and pipes (e.g. cp1252): show
    # an escape there rather than fail with UnicodeEncodeError in the middle of a report.
    # On UTF-8, a file name that was not UTF-8 in the shell (Python keeps its bytes as lone
    # surrogates, 'caf\udce9.json') is written back as those bytes, as `ls` shows it.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        errors = "surrogateescape" if encoding == "utf8" else "backslashreplace"
        if getattr(stream, "errors", errors) == "strict" or encoding != "utf8":
            with contextlib.suppress(ValueError, OSError, AttributeError):
                stream.reconfigure(errors=errors)


def _broken_pipe() -> int:
    # The reader (e.g. `| head`) went away: stop quietly, and keep Python from complaining
    # about the unflushed stdout at exit.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_FAILED
