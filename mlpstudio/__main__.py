"""``mlpstudio``: with a subcommand it works headless (see :mod:`mlpstudio.cli`), else the app.

The app is imported lazily, only when it is asked for, so the headless commands never import Qt:
they start fast and run on servers without display libraries. The app's options are checked
here first (:mod:`mlpstudio.options` needs no Qt), so a mistyped option is one line on stderr
even where Qt is missing.
"""

from __future__ import annotations

import os
import sys

COMMANDS = ("train", "predict", "inspect", "gradcheck", "info", "export")
# Options of the command line itself, before any command: `mlpstudio -q train ...`.
CLI_FLAGS = ("-h", "--help", "--version", "-q", "--quiet")


def _wants_cli(argv: list[str]) -> bool:
    if not argv:
        return False
    first = argv[0]
    if first in COMMANDS or first in CLI_FLAGS:
        return True
    # A bare word that names no file is a mistyped command, not a file to open: let the
    # command line say so instead of starting the app on a missing file.
    is_file = first.endswith((".json", ".csv")) or os.path.exists(first)
    return not first.startswith("-") and not is_file


def main(argv: list[str] | None = None) -> int:
    """Run ``mlpstudio`` with ``argv`` (default: the process arguments); return the exit status."""
    if argv is None:
        argv = sys.argv[1:]
    argv = list(argv)
    if _wants_cli(argv):
        from mlpstudio import cli

        return cli.main(argv)
    from mlpstudio import options

    try:
        options.parser().parse_args(argv)
    except SystemExit as exc:  # a bad option (one line, status 2), or the app's --help
        return exc.code if isinstance(exc.code, int) else options.EXIT_USAGE
    try:
        from mlpstudio.ui.app import run
    except ImportError as exc:
        print(
            f"mlpstudio: error: the desktop app cannot start ({exc}); "
            "the headless commands still work (mlpstudio --help)",
            file=sys.stderr,
        )
        return 1
    return int(run(argv) or 0)


if __name__ == "__main__":
    sys.exit(main())
