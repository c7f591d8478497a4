"""Project files on disk: refuse, limit and parse on the way in; save atomically on the way out.

- **Loading never executes anything and trusts nothing.** Only a regular file is opened (a named
  pipe or a device would block the app forever); a file over :data:`MAX_FILE_BYTES` is refused
  from its size before it is read; the text is parsed by :mod:`json` (nothing is unpickled or
  evaluated), deep nesting stops the parser cleanly, and numbers that overflow a float
  (``1e999``) are kept as their text, to be reported, not turned into inf. The value of an
  unknown key is passed over, never built (the file is refused for the key), so a huge one costs
  a scan, not memory. ``validate.py`` then checks everything. Every problem raises
  :class:`ProjectError` starting with the file's name.
- **Saving is atomic.** The text is written to a temporary file in the same folder, flushed and
  fsynced, then moved over the old file; an error on the way leaves the old file untouched. A
  save killed half-way leaves its temporary file: the next save or load of the same file
  removes it (``tempfiles.py`` says exactly which files and when).
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from typing import Any

from ..csvio import NotARegularFileError, open_regular
from . import schema, tempfiles, validate
from .checks import InvalidError, literal, short
from .encode import to_json
from .migrate import LEGACY_KEYS
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


_DECODER = json.JSONDecoder(
    parse_float=_parse_float,
    parse_int=_parse_int,
    parse_constant=literal,
    object_pairs_hook=_unique_keys,
)
_WS = re.compile(r"[ \t\n\r]*")
_QUOTE_OR_BRACKET = re.compile(r'["\[\]{}]')
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # after the opening quote
_OPENS = {"]": "[", "}": "{"}
# The keys the skim reads at each object of the schema: the schema's and the older versions'.
_READ_KEYS: dict[str, frozenset[str]] = {
    path: frozenset(keys + LEGACY_KEYS.get(path, ())) for path, keys in schema.OBJECTS
}
SKIPPED = None  # what stands for a value the skim did not read: only its key is ever looked at


def _parse(text: str) -> tuple[Any, int]:
    """The document, and how many values under unknown keys were skipped unread.

    A document that is an object is *skimmed*: the objects of the schema are walked key by key,
    known values parsed, and an unknown key's value passed over by matching its brackets and
    strings, never built: ``validate`` refuses the file for that key, whatever it holds, so the
    49 million zeros of a hostile file cost a scan, not a 400 MB list. Anything else is parsed
    whole. Either way the hooks above apply to every value that is read.
    """
    try:
        start = _WS.match(text).end()
        if text.startswith("{", start):
            skipped = [0]
            doc, end = _skim_object(text, start, "", skipped)
            end = _WS.match(text, end).end()
            if end != len(text):
                raise json.JSONDecodeError("Extra data", text, end)
            return doc, skipped[0]
        return _DECODER.decode(text), 0
    except json.JSONDecodeError as exc:
        raise InvalidError(
            "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise InvalidError(
            "", "not a project file: lists or objects are nested far too deeply"
        ) from None


def _skim_object(text: str, idx: int, path: str, skipped: list[int]) -> tuple[dict, int]:
    """The object starting at ``text[idx] == "{"`` of the schema object at ``path``, and the
    index after it; the same errors as :func:`json.loads` for what it reads."""
    read = _READ_KEYS[path]
    pairs: list[tuple[str, Any]] = []
    idx = _WS.match(text, idx + 1).end()
    if text.startswith("}", idx):
        return {}, idx + 1
    while True:
        if not text.startswith('"', idx):
            raise json.JSONDecodeError(
                "Expecting property name enclosed in double quotes", text, idx
            )
        key, idx = json.decoder.scanstring(text, idx + 1)
        idx = _WS.match(text, idx).end()
        if not text.startswith(":", idx):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, idx)
        idx = _WS.match(text, idx + 1).end()
        inner = f"{path}.{key}" if path else key
        if key not in read:
            value, idx = SKIPPED, _skip_value(text, idx)
            skipped[0] += 1
        elif inner in _READ_KEYS and text.startswith("{", idx):
            value, idx = _skim_object(text, idx, inner, skipped)
        else:
            value, idx = _DECODER.raw_decode(text, idx)
        pairs.append((key, value))
        idx = _WS.match(text, idx).end()
        if text.startswith("}", idx):
            return _unique_keys(pairs), idx + 1
        if not text.startswith(",", idx):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, idx)
        idx = _WS.match(text, idx + 1).end()


def _skip_value(text: str, idx: int) -> int:
    """The index after the JSON value at ``idx``, found without building it: a list or object
    by matching brackets (skipping over strings), a string by its closing quote."""
    if not text.startswith(("[", "{", '"'), idx):
        return _DECODER.raw_decode(text, idx)[1]  # a number, true, false or null: small
    depth_limit = sys.getrecursionlimit()  # as deep as json.loads would go
    opened: list[str] = []
    pos = idx
    while True:
        found = _QUOTE_OR_BRACKET.search(text, pos)
        if found is None:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, len(text))
        char, pos = found.group(), found.end()
        if char == '"':
            rest = _STRING_REST.match(text, pos)
            if rest is None:
                raise json.JSONDecodeError("Unterminated string starting at", text, pos - 1)
            pos = rest.end()
        elif char in "[{":
            opened.append(char)
            if len(opened) > depth_limit:
                raise RecursionError
        elif not opened or opened.pop() != _OPENS[char]:
            raise json.JSONDecodeError("Expecting value", text, pos - 1)
        if not opened:
            return pos


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
        doc, skipped = _parse(text)
        if skipped:
            # Refused for a skipped key (or for its format or version, checked first): validate
            # reads no value under an unknown key. Should it ever accept, parse everything.
            validate.project(doc)
            doc = _DECODER.decode(text)
        return validate.project(doc)
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
            # One byte past the size asked for: a file that grew since fstat is read on, up to
            # one byte past the limit, and then refused. (Not f.read(limit + 1) at once: that
            # allocates the whole limit for every file.)
            data = f.read(min(size, MAX_FILE_BYTES) + 1)
            if len(data) > size:
                data += f.read(MAX_FILE_BYTES + 1 - len(data))
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
    # Decoded here so the bytes can go before the parse: holding both would double the peak.
    try:
        text = _decode(data)
    except InvalidError as exc:
        raise ProjectError(f"{source}: {exc}") from None
    del data
    return from_json(text, source)


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
