"""The headless command line: ``mlpstudio train | predict | inspect | gradcheck | info``.

Everything here is a thin layer over :mod:`mlpstudio.core`; nothing imports Qt or
:mod:`mlpstudio.ui`, so the commands start fast and run on servers without display libraries.
One module per command (``train``, ``predict``, ``inspect_cmd``, ``gradcheck``, ``info``), the
parser in :mod:`.parser`, the run and its error handling in :mod:`.runner`, what they share in
:mod:`.common`; ``train``'s project is built in :mod:`.build` (its network in
:mod:`.architecture`, the bounds of its flags, the file's own, in :mod:`.limits`).

A bad argument or file gives one line on stderr (``mlpstudio train: error: ...``) and a non-zero
status, never a traceback: 2 for a usage error, 1 for a file or data that cannot be used (and
for a failed gradient check).
"""

from __future__ import annotations

from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CheckFailedError,
    UsageError,
)
from .parser import COMMANDS, build_parser
from .points import join_negative_values
from .runner import main

__all__ = [
    "COMMANDS",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "CheckFailedError",
    "UsageError",
    "build_parser",
    "join_negative_values",
    "main",
]
