"""Project files on disk: refuse, limit and parse on the way in; save atomically on the way out.

- **Loading never executes anything and trusts nothing.** Only a regular file is opened (a named
  pipe or a device would block the app forever); a file over :data:`MAX_FILE_BYTES` is refused
  from its size before it is read; the text is parsed by :mod:`json` (nothing is unpickled or
  evaluated), deep nesting stops the parser cleanly, and numbers that overflow a float
  (``1e999``) are kept as their text, to be reported, not turned into inf. ``validate.py`` then
  checks everything. Every problem raises :class:`ProjectError` starting with the file's name.
- **Saving is atomic.** The text is written to a temporary file in the same folder, flushed and
  fsynced, then moved over the old file; an error on the way leaves the old file untouched. A
  save killed half-way leaves its temporary file: the next save or load of the same file
  removes it (``tempfiles.py`` says exactly which files and when).
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from ..csvio import NotARegularFileError, open_regular
from . import tempfiles, validate
from .checks import InvalidError, literal, short
from .encode import to_json
from .model import Project, ProjectError
from .schema import MAX_FILE_BYTES, MAX_INT_DIGITS

_LIMIT_MB = MAX_FILE_BYTES // 1_000_000

# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def _parse_float(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else literal(text)


def _parse_int(text: str) -> int | float:
    # int() of a huge digit string is slow (quadratic) and Python refuses over 4300 digits.
    return int(text) if len(text) <= MAX_INT_DIGITS else literal(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise InvalidError("", f"the key {short(key)} appears twice in one object")
            seen.add(key)
    return out


def _parse(text: str) -> Any:
    try:
        return json.loads(
            text,
            parse_float=_parse_float,
            parse_int=_parse_int,
            parse_constant=literal,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise InvalidError(
            "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise InvalidError(
            "", "not a project file: lists or objects are nested far too deeply"
        ) from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidError(
            "", f"not a project file: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line})"
        ) from None


def from_json(text: str | bytes, source: str = "<string>") -> Project:
    """Parse and validate project text; ``source`` names it in messages (usually the path)."""
    try:
        if isinstance(text, (bytes, bytearray)):
            text = _decode(bytes(text))
        if len(text) > MAX_FILE_BYTES:
            raise InvalidError("", f"larger than the {_LIMIT_MB} MB allowed")
        if not text.strip():
            raise InvalidError("", "the file is empty")
        return validate.project(_parse(text))
    except InvalidError as exc:
        raise ProjectError(f"{source}: {exc}") from None


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def load(path: str | os.PathLike) -> Project:
    """Read and validate the project file at ``path``; any problem raises :class:`ProjectError`."""
    source = os.fspath(path)
    try:
        with open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise ProjectError(
                    f"{source}: the file is {size / 1e6:,.0f} MB; project files are limited "
                    f"to {_LIMIT_MB} MB"
                )
            # Read one byte past the limit: a file that grew since fstat is still refused.
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ProjectError(f"{source}: file not found") from None
    except NotARegularFileError as exc:
        raise ProjectError(f"{source}: is {exc.kind}, not a project file") from None
    except OSError as exc:
        raise ProjectError(f"{source}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ProjectError(f"{source}: larger than the {_LIMIT_MB} MB allowed")
    # The file is there and readable: the right moment to sweep what killed saves of it left.
    tempfiles.remove_stale(path)
    return from_json(data, source)


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------


def save(project: Project, path: str | os.PathLike) -> None:
    """Write the project to ``path`` atomically; on any error the old file stays as it was.

    Raises :class:`ProjectError` if the project cannot be represented (before the disk is
    touched) and ``OSError`` if the file cannot be written. After a successful save, temporary
    files that earlier, interrupted saves of the same file left are removed (``tempfiles``).
    """
    data = to_json(project).encode("utf-8")
    tempfiles.write_atomic(path, data)
