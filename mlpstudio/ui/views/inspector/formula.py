"""Typesetting the notation's markup: HTML for rich-text labels, Unicode for table cells.

The markup (see :mod:`mlpstudio.core.notation`) has two constructs, ``_{…}`` (subscript) and
``^{…}`` (superscript), never nested. Qt's rich text renders ``<sub>``/``<sup>``; cells of a
table or a list cannot, so they get Unicode sub/superscript characters where those exist.
Single-letter variables are set in italics and the notation's ``'`` becomes a prime ``′``, as in
the lecture's slides.
"""

from __future__ import annotations

import html
import re

# Families tried in order; DejaVu Serif ships with most Linux systems and reads well large.
MATH_FONTS = ("STIX Two Text", "Cambria", "Latin Modern Roman", "DejaVu Serif", "Times New Roman")
MATH_CSS = ", ".join(f"'{f}'" for f in MATH_FONTS) + ", serif"

_PIECES = re.compile(r"([_^])\{([^{}]*)\}")
# A lone letter (not part of a word such as "tanh" or "max") is a variable: italic.
_VARIABLE = re.compile(r"(?<![A-Za-zα-ωΑ-Ω])[A-Za-zδησθ](?![A-Za-zα-ω])")

_SUB = str.maketrans("0123456789+−=()aehijklmnoprstuvx,", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ,")
_SUP = str.maketrans("0123456789+−=()nilL", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱˡᴸ")
_SUB_OK = set("0123456789+−=()aehijklmnoprstuvx,")
_SUP_OK = set("0123456789+−=()nilL")


def _prime(text: str) -> str:
    # The notation spells g' with an apostrophe (plain text, the CLI); typeset it as a prime.
    return text.replace("'", "′")


def _italic(text: str) -> str:
    """Escape ``text`` for HTML and set its lone variables in italics."""
    out, pos = [], 0
    for m in _VARIABLE.finditer(text):
        out.append(html.escape(text[pos : m.start()], quote=False))
        out.append(f"<i>{html.escape(m.group(0), quote=False)}</i>")
        pos = m.end()
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def to_html(markup: str, italic: bool = True) -> str:
    """Rich text for a QLabel: sub/superscripts as ``<sub>``/``<sup>``, variables in italics."""
    fmt = _italic if italic else (lambda t: html.escape(t, quote=False))
    markup = _prime(markup)
    out, pos = [], 0
    for m in _PIECES.finditer(markup):
        out.append(fmt(markup[pos : m.start()]))
        tag = "sub" if m.group(1) == "_" else "sup"
        out.append(f"<{tag}>{fmt(m.group(2))}</{tag}>")
        pos = m.end()
    out.append(fmt(markup[pos:]))
    return "".join(out)


def to_unicode(markup: str) -> str:
    """Plain characters for a table cell: ``w_{12}^{(3)}`` → ``w₁₂⁽³⁾``.

    A piece with a character that has no Unicode sub/superscript form keeps the lecture's
    plain spelling (``_k`` stays ``ₖ`` but ``_c`` becomes ``_c``), so nothing is lost.
    """

    def piece(m: re.Match) -> str:
        body = m.group(2)
        if m.group(1) == "_":
            return body.translate(_SUB) if set(body) <= _SUB_OK else f"_{body}"
        return body.translate(_SUP) if set(body) <= _SUP_OK else f"^{body}"

    return _PIECES.sub(piece, _prime(markup))
