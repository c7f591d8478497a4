"""What the inspector's tabs share: text labels, typeset formulas and the verdict colours."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from mlpstudio.core.worked import Formula, num

from .formula import MATH_CSS, to_html

# Verdict colours per theme, dark ones lighter so they keep their contrast on a dark panel.
VERDICT_COLOURS = {
    "light": {"ok": "#1A7F37", "suspect": "#9A6700", "wrong": "#CF222E"},
    "dark": {"ok": "#3FB950", "suspect": "#D29922", "wrong": "#F85149"},
}
FONT_PX = 20  # formula size; presenter mode makes it larger
PRESENTER_FONT_PX = 30


def colours(theme: str) -> dict[str, str]:
    """The verdict colours of ``theme`` (``light`` for an unknown one)."""
    return VERDICT_COLOURS.get(theme, VERDICT_COLOURS["light"])


def label(text: str = "", rich: bool = True, wrap: bool = True) -> QLabel:
    """A selectable label for text or rich text."""
    lab = QLabel(text)
    lab.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    lab.setWordWrap(wrap)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def math_html(markup: str, size: int) -> str:
    """Notation markup typeset in the math font at ``size`` pixels."""
    return f'<span style="font-family: {MATH_CSS}; font-size: {size}px">{to_html(markup)}</span>'


def formula_html(f: Formula, size: int) -> str:
    """A worked formula as aligned lines: ``lhs = symbolic`` / ``= numbers`` / ``= value``."""
    cell = f'style="font-family: {MATH_CSS}; font-size: {size}px; padding: 2px 4px"'
    rows = [(to_html(f.lhs), f"{f.relation} {to_html(f.symbolic)}")]
    result = num(f.result)
    if f.numeric and f.numeric not in (f.symbolic, result):
        rows.append(("", f"= {to_html(f.numeric)}"))
    rows.append(("", f"= <b>{result}</b>"))
    body = "".join(
        f"<tr><td align='right' {cell}>{a}</td><td {cell}>{b}</td></tr>" for a, b in rows
    )
    return f"<table cellspacing='0'>{body}</table>"
