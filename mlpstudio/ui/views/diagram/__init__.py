"""The network diagram: the :class:`NetworkView` widget, its layout geometry and its items.

``layout`` (with ``placement`` for the labels and ``rects``) is pure Python (no Qt) and says
where everything goes; ``style``, ``items``, ``edges`` and ``legend`` draw; ``view`` (with the
``values``, ``maps``, ``interaction``, ``tooltips`` and ``access`` mixins) is the widget;
``render`` saves it as an image.

The widget is imported on first use, so ``import mlpstudio.ui.views.diagram.layout`` loads no
Qt at all (its tests and any headless caller need no Qt).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .render import render_png
    from .view import EDGE_MODES, NetworkView
    from .widgets import Canvas

_EXPORTS = {
    "EDGE_MODES": ".view",
    "NetworkView": ".view",
    "Canvas": ".widgets",
    "render_png": ".render",
}

__all__ = ["EDGE_MODES", "Canvas", "NetworkView", "render_png"]


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
