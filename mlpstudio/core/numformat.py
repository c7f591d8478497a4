"""How formulas print numbers: significant digits, a true minus sign, long sums cut short.

The formula texts themselves are spelt in :mod:`~mlpstudio.core.notation`; this is only their
numerals, shared by the diagram's tooltips (3 digits) and the stepper's worked formulas (4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def num(v: float, digits: int = 3) -> str:
    """A number as formulas print it: ``digits`` significant digits, a true minus sign."""
    v = float(v)
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else ("∞" if v > 0 else "−∞")
    if v == 0:
        return "0"
    s = f"{v:.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s.replace("-", "−")


def factor(v: float, digits: int = 3) -> str:
    """A number as a factor of a product: bracketed when negative, so ``0.5·(−0.3)`` reads."""
    s = num(v, digits)
    return f"({s})" if s.startswith("−") else s


def more(total: int, shown: int) -> str:
    """``… (n more)``: what stands for the terms a long sum leaves out."""
    return f"… ({total - shown} more)"


def product_sum(
    terms: Sequence[tuple[float, float]],
    constant: float | None = None,
    digits: int = 3,
    max_terms: int = 5,
) -> str:
    """``0.12·0.8 − 0.05·1.1 + 0.1``: a sum of products with signs folded into the operators.

    A term whose first factor is negative is written ``− |f|·g``. More than ``max_terms``
    terms are cut to the first ``max_terms − 1`` and ``+ … (n more)``; the result stays exact.
    """
    shown = terms if len(terms) <= max_terms else terms[: max_terms - 1]
    parts: list[str] = []
    for f, g in shown:
        text = f"{num(abs(f), digits)}·{factor(g, digits)}"
        if parts:
            parts.append((" − " if f < 0 else " + ") + text)
        else:
            parts.append(("−" if f < 0 else "") + text)
    if len(shown) < len(terms):
        parts.append(" + " + more(len(terms), len(shown)))
    if constant is not None:
        c = num(abs(constant), digits)
        parts.append(((" − " if constant < 0 else " + ") + c) if parts else num(constant, digits))
    return "".join(parts) if parts else "0"


def value_sum(
    values: Sequence[float], total: int | None = None, digits: int = 3, max_terms: int = 5
) -> str:
    """``0.1 + 0.2 − 0.05``: a plain sum; ``values`` may be the first of ``total`` terms."""
    total = len(values) if total is None else total
    shown = list(values if total <= max_terms else values[: max_terms - 1])
    parts = [num(shown[0], digits)] if shown else ["0"]
    parts += [f"{'−' if v < 0 else '+'} {num(abs(v), digits)}" for v in shown[1:]]
    if len(shown) < total:
        parts.append("+ " + more(total, len(shown)))
    return " ".join(parts)
