"""Checks of single values in a parsed project document, each naming the place it looks at.

Every check takes a value from :func:`json.loads` and the dotted path where it sits
(``network.weights[0][1]``), returns the value in the type the engine wants, and otherwise raises
:class:`InvalidError` whose message is ``path: what was expected, what was found``. The blocks in
``validate.py`` are written with these, so every message has the same shape.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np

from .schema import COUNTER_MAX, MAX_NAME_CHARS, SEED_MAX

Array = np.ndarray


class InvalidError(Exception):
    """A problem at a place in the document; the loader adds the file name in front."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)


class Literal(float):
    """A number the parser could not keep (NaN, Infinity, 1e999), with its text for messages."""

    text = ""


def literal(text: str) -> Literal:
    try:
        value = Literal(float(text))
    except (ValueError, OverflowError):
        value = Literal(math.inf)
    value.text = text if len(text) <= 24 else f"{text[:20]}… ({len(text)} characters)"
    return value


# ---- how messages show places and values -----------------------------------------------------


def short(value: str, limit: int = 40) -> str:
    """A string as JSON text, cut after ``limit`` characters so a message stays one line.

    Whatever the file holds, the message is printable: json escapes control characters, and
    :func:`visible` the rest (DEL, line separators, lone surrogates, which no UTF-8 stream can
    write).
    """
    if len(value) <= limit:
        return visible(json.dumps(value, ensure_ascii=False))
    cut = visible(json.dumps(value[:limit], ensure_ascii=False))
    return cut[:-1] + f'…" ({len(value):,} characters)'


def visible(text: str) -> str:
    """``text`` with every non-printable character (see ``str.isprintable``) as an escape."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(c: str) -> str:
    code = ord(c)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


_PLURALS = {"matrix": "matrices", "class": "classes"}


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {_PLURALS.get(word, word + 's')}"


def found(value: Any) -> str:
    """How a message shows what the file holds."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Literal):
        return value.text
    if isinstance(value, int):
        text = repr(value)  # at most 300 digits: longer integers arrive as a Literal
        return text if len(text) <= 24 else f"{text[:20]}… ({len(text)} digits)"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return f"the text {short(value)}"
    if isinstance(value, list):
        return f"a list of {plural(len(value), 'item')}"
    return "an object"


def at(where: str, key: str) -> str:
    """The path of ``key`` inside the object at ``where`` (the top level is ``""``)."""
    return f"{where}.{key}" if where else key


# ---- objects and keys -----------------------------------------------------------------------


def object_(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise InvalidError(where, f"expected an object {{...}}, found {found(value)}")
    return value


def require(obj: dict, key: str, where: str) -> Any:
    if key not in obj:
        raise InvalidError(at(where, key), "missing (this key is required)")
    return obj[key]


def known_keys(obj: dict, allowed: tuple[str, ...], where: str) -> None:
    """Refuse the first key of ``obj`` that is not in ``allowed``, naming it and its place.

    Only the keys are looked at: a huge value under an unknown key is refused without being
    read, let alone converted.
    """
    for key in obj:
        if key not in allowed:
            what = f"the keys of {where}" if where else "the top-level keys"
            place = key_place(where, key)
            raise InvalidError(place, f"unknown key ({what} are: {', '.join(allowed)})")


def key_place(where: str, key: Any) -> str:
    """The place of a key in a message: ``network.colour``, or ``network["a b"]`` for a key
    that would blur the place (empty, or holding spaces, dots, brackets, colons, quotes or
    unprintable characters); a long key is cut after 40 characters."""
    name = str(key)  # always a string in a parsed file; maybe not in a project to save
    cut = name if len(name) <= 40 else f"{name[:40]}…"
    if cut and not _BLURS_A_PLACE.search(cut) and cut.isprintable():
        return at(where, cut)
    quoted = short(name) if len(name) <= 40 else short(name[:40])[:-1] + '…"'
    return f"{where}[{quoted}]"


_BLURS_A_PLACE = re.compile(r'[\s.\[\]:"]')


# ---- numbers --------------------------------------------------------------------------------


def integer(value: Any, where: str, lo: int | None = None, hi: int | None = None) -> int:
    """An integer (not a bool, not 2.0) in ``lo .. hi``; messages speak of 2^31 and 2^63."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidError(where, f"expected an integer, found {found(value)}")
    wide = hi is None or hi >= SEED_MAX  # then only the lower bound is worth naming
    if lo is not None and value < lo and wide:
        raise InvalidError(where, f"expected an integer of at least {lo}, found {found(value)}")
    if hi is not None and value > hi and hi in (SEED_MAX, COUNTER_MAX):
        power = 31 if hi == SEED_MAX else 63
        raise InvalidError(where, f"expected an integer below 2^{power}, found {found(value)}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise InvalidError(
            where, f"expected an integer between {lo} and {hi}, found {found(value)}"
        )
    return value


def number(value: Any, where: str, lo: float | None = None, hi: float | None = None) -> float:
    """A finite number (an integer is fine) in ``lo .. hi``, as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidError(where, f"expected a number, found {found(value)}")
    if isinstance(value, Literal) and not math.isfinite(value):
        raise InvalidError(where, not_finite(value))
    x = float(value)
    if lo is not None and hi is not None and not lo <= x <= hi:
        raise InvalidError(where, f"expected a number from {lo:g} to {hi:g}, found {found(value)}")
    return x


def not_finite(value: Literal) -> str:
    return (
        f"{value.text} is not a finite number "
        "(NaN, Infinity and numbers beyond ±1.8e308 are not allowed)"
    )


# ---- texts and lists ------------------------------------------------------------------------


def text(value: Any, where: str, limit: int = MAX_NAME_CHARS) -> str:
    """A string of at most ``limit`` characters that UTF-8 can write.

    JSON may spell half of a surrogate pair (``"\\ud800"``); Python keeps it as a lone
    surrogate, which no UTF-8 file or terminal can hold, so saving or printing it later would
    fail far from its cause. It is refused here, by place.
    """
    if not isinstance(value, str):
        raise InvalidError(where, f"expected a string, found {found(value)}")
    if len(value) > limit:
        raise InvalidError(where, f"{short(value)} is longer than the {limit:,} characters allowed")
    bad = _SURROGATE.search(value)
    if bad is not None:
        raise InvalidError(
            where,
            f"{short(value)} holds a lone surrogate ({_escape(bad.group())} at character "
            f"{bad.start() + 1}): half of a UTF-16 pair, which is not text",
        )
    return value


_SURROGATE = re.compile("[\\ud800-\\udfff]")


def has_surrogate(value: str) -> bool:
    """True if ``value`` holds a lone surrogate, which UTF-8 cannot encode."""
    return _SURROGATE.search(value) is not None


def list_(value: Any, where: str, n: int | None = None, what: str = "value") -> list:
    if not isinstance(value, list):
        wanted = f"a list of {plural(n, what)}" if n is not None else "a list"
        raise InvalidError(where, f"expected {wanted}, found {found(value)}")
    if n is not None and len(value) != n:
        raise InvalidError(where, f"expected {plural(n, what)}, found {len(value):,}")
    return value


def names(value: Any, where: str, n: int | None, what: str) -> list[str]:
    """Unique strings, ``n`` of them when ``n`` is given."""
    out = [text(v, f"{where}[{i}]") for i, v in enumerate(list_(value, where, n, what))]
    seen: dict[str, int] = {}
    for i, name in enumerate(out):
        if name in seen:
            raise InvalidError(f"{where}[{i}]", f"{short(name)} is already {where}[{seen[name]}]")
        seen[name] = i
    return out


# ---- arrays ---------------------------------------------------------------------------------


def row(value: Any, where: str, n: int) -> None:
    """Check one list of ``n`` finite numbers (fast for the common case of plain floats)."""
    if type(value) is not list or len(value) != n:
        list_(value, where, n)  # raises with the right message
    for k, x in enumerate(value):
        t = type(x)
        if t is not float and t is not int:
            number(x, f"{where}[{k}]")


def matrix(value: Any, where: str, rows: int | None, cols: int, what: str = "") -> Array:
    """A list of ``rows`` lists of ``cols`` finite numbers, as a float64 array."""
    if not isinstance(value, list) or (rows is not None and len(value) != rows):
        want = f"{plural(rows, 'row')} of " if rows is not None else "rows of "
        got = plural(len(value), "row") if isinstance(value, list) else found(value)
        raise InvalidError(where, f"expected {want}{plural(cols, 'value')}{what}, found {got}")
    for i, r in enumerate(value):
        row(r, f"{where}[{i}]", cols)
    return np.array(value, dtype=np.float64).reshape(len(value), cols)


def vector(value: Any, where: str, n: int) -> Array:
    """A list of ``n`` finite numbers, as a float64 array."""
    row(value, where, n)
    return np.array(value, dtype=np.float64).reshape(n)
