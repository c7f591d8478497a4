"""What every command shares: errors and exit statuses, run ceilings, value parsers, numbers.

A command raises :class:`UsageError` (status 2) or :class:`CheckFailedError` (status 1); the runner
turns either into one line on stderr, so no command prints its own errors.
"""

from __future__ import annotations

import argparse
import io
import json
import math
from collections.abc import Sequence

from mlpstudio.core import datasets

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

# Every count has a ceiling, so a typo such as --epochs 10000000000 is refused at once instead
# of running until it is killed. What a project stores (seeds, points, settings) is bounded by
# the file's schema instead: see limits.py.
MAX_EPOCHS = 10_000_000  # epochs of one run of `train`
MAX_POINTS = datasets.MAX_POINTS  # points `gradcheck` may use


def one_line(text: str) -> str:
    """``text`` as one printable line: runs of whitespace (line breaks too) become one space,
    and other unprintable characters escapes (``\\x1b``, ``\\udcff``), so a file name or a
    value quoted in a message can neither break it nor send the terminal control sequences."""
    text = " ".join(text.split())
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class UsageError(Exception):
    """Arguments that do not fit together or do not fit the data (exit status 2)."""


class CheckFailedError(Exception):
    """The command ran but its answer is a failure, e.g. a wrong gradient (exit status 1)."""


class Discard(io.TextIOBase):
    """A stream that swallows everything: what ``--quiet`` gives the commands to print to."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)


# --------------------------------------------------------------------------------------------
# Argument values
# --------------------------------------------------------------------------------------------


def count(text: str) -> int:
    """argparse type of a count: a whole number, also written ``1e6``; bounds are checked later.

    Checking the bounds in the command (:func:`check_count`) gives the same message whatever the
    spelling, and ``1e20`` is then refused as too large rather than as "not an integer".
    """
    cleaned = text.strip()
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if math.isinf(value):  # also a number of thousands of digits, which int() refuses
        raise argparse.ArgumentTypeError(f"{text!r} is far too large")
    if not value.is_integer():
        raise argparse.ArgumentTypeError(f"expected a whole number such as 1000, got {text!r}")
    return int(value)


def check_count(value: int | None, flag: str, low: int, high: int) -> None:
    """Refuse a count outside ``low..high`` with a message naming the flag (None: not given)."""
    if value is None:
        return
    if value < low:
        raise UsageError(f"{flag} must be {low} or more, got {value}")
    if value > high:
        raise UsageError(f"{flag} must be at most {high:,}, got {value:,}")


def items(text: str, flag: str) -> list[str]:
    """The items of a comma-separated list, none of them empty."""
    parts = [item.strip() for item in text.split(",")]
    if not text.strip() or any(not item for item in parts):
        raise UsageError(f"{flag}: expected a comma-separated list, got {text!r}")
    return parts


def int_list(text: str, flag: str) -> list[int]:
    try:
        return [int(item) for item in items(text, flag)]
    except ValueError:
        raise UsageError(f"{flag}: expected integers separated by commas, got {text!r}") from None


def float_list(text: str, flag: str) -> list[float]:
    try:
        values = [float(item) for item in items(text, flag)]
    except ValueError:
        raise UsageError(f"{flag}: expected numbers separated by commas, got {text!r}") from None
    if not all(math.isfinite(v) for v in values):
        raise UsageError(f"{flag}: every value must be a finite number, got {text!r}")
    return values


# --------------------------------------------------------------------------------------------
# Numbers and tables for people
# --------------------------------------------------------------------------------------------


def fmt(x: float, digits: int = 6) -> str:
    """A number for people: ``digits`` significant digits, no ``-0``."""
    if isinstance(x, float) and math.isnan(x):
        return "n/a"
    text = f"{x:.{digits}g}"
    return "0" if text == "-0" else text


def vec(values: Sequence[float], digits: int = 6) -> str:
    return "(" + ", ".join(fmt(float(v), digits) for v in values) + ")"


def pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"


def finite(x: float) -> float | None:
    """``x``, or None where JSON has no number for it (NaN, infinity)."""
    return float(x) if math.isfinite(x) else None


def to_json(value: object) -> str:
    """``value`` as strict JSON on one line: NaN and infinities (a diverged network's values,
    an overflowing gradient check) become null, as JSON has no number for them."""
    return json.dumps(_finite_only(value), allow_nan=False)


def _finite_only(value: object) -> object:
    if isinstance(value, float):
        return finite(value)
    if isinstance(value, dict):
        return {k: _finite_only(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_only(v) for v in value]
    return value


def table(rows: list[list[str]], indent: str = "  ", numbers: bool = True) -> list[str]:
    """Rows of cells as aligned text: the first column to the left, the others to the right."""
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [
            cell.rjust(w) if c and numbers else cell.ljust(w)
            for c, (cell, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines
