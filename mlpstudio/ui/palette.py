"""One set of class colours and theme colours, shared by the boundary, points, diagram, legend.

The class colours are Okabe & Ito's colour-blind-safe palette (8 colours), reordered so the
first two (the two classes of XOR) contrast strongly in hue and lightness.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

# Okabe-Ito: blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black.
CLASS_HEX = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
MAX_CLASSES = len(CLASS_HEX)

# Signs of weights and of δ: blue positive, red negative (also colour-blind safe).
POSITIVE_HEX = "#2166AC"
NEGATIVE_HEX = "#B2182B"

# "on_accent" is text on the accent colour (a checked button, a selection): white on the light
# theme's dark blue, near-black on the dark theme's light blue (white on it reads poorly).
# "title" is the band behind dock titles. "ok" marks a passed check, "warning" a failed one or a
# cost gone off the chart (each readable on its theme's background).
THEMES = {
    "light": {
        "background": "#FFFFFF",
        "panel": "#F5F6F8",
        "foreground": "#1F2328",
        "muted": "#6E7781",
        "grid": "#D0D7DE",
        "accent": "#0969DA",
        "on_accent": "#FFFFFF",
        "title": "#E8EBEF",
        "ok": "#1A7F37",
        "warning": "#B2182B",
    },
    "dark": {
        "background": "#1E1F22",
        "panel": "#2B2D30",
        "foreground": "#E6E6E6",
        "muted": "#9DA5B0",
        "grid": "#44474D",
        "accent": "#4C9AFF",
        "on_accent": "#1E1F22",
        "title": "#35373B",
        "ok": "#4AC26B",
        "warning": "#FF7B72",
    },
}


def class_color(i: int) -> QColor:
    """The colour of class ``i`` (cycling past 8)."""
    return QColor(CLASS_HEX[i % MAX_CLASSES])


def class_rgb(n: int) -> np.ndarray:
    """The first ``n`` class colours as a float array ``(n, 3)`` in 0..1 (for blending)."""
    rgb = [QColor(CLASS_HEX[i % MAX_CLASSES]).getRgbF()[:3] for i in range(n)]
    return np.asarray(rgb, dtype=np.float32)


def sign_color(value: float) -> QColor:
    """Blue for positive, red for negative values."""
    return QColor(POSITIVE_HEX if value >= 0 else NEGATIVE_HEX)


def theme(name: str) -> dict[str, str]:
    """Colours of the ``light`` or ``dark`` theme."""
    return THEMES.get(name, THEMES["light"])


def region_rgb(n: int, name: str, strength: float = 0.5) -> np.ndarray:
    """Class colours mixed toward the ``name`` theme's background, ``(n, 3)`` float in 0..1.

    Regions of the plane are painted with these tints rather than the full class colours, so
    points drawn in the full colours stay visible on top of their own class's region.
    """
    bg = np.asarray(QColor(theme(name)["background"]).getRgbF()[:3], dtype=np.float32)
    return bg + np.float32(strength) * (class_rgb(n) - bg)


def diverging_lut(name: str, n: int = 256, strength: float = 1.0) -> np.ndarray:
    """A lookup table ``(n, 3)`` uint8: negative red, zero the theme background, positive blue.

    The ends match :func:`sign_color` (``strength`` < 1 stops short of them, so points drawn on
    top stay visible), and a unit's activation map reads like the signs of weights.
    """
    neg = np.asarray(QColor(NEGATIVE_HEX).getRgbF()[:3])
    mid = np.asarray(QColor(theme(name)["background"]).getRgbF()[:3])
    pos = np.asarray(QColor(POSITIVE_HEX).getRgbF()[:3])
    t = np.linspace(-1.0, 1.0, n)[:, None] * strength
    rgb = np.where(t < 0, mid + (-t) * (neg - mid), mid + t * (pos - mid))
    return np.round(rgb * 255).astype(np.uint8)
