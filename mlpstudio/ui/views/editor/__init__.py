"""The point editor drawn on the data plot, split by what each part does.

- :mod:`.editor`: :class:`DataEditor`, which edits the points and announces every change;
- :mod:`.tools`: the tools (:class:`Tool`), mouse gestures on the plot turned into edits;
- :mod:`.keys`: the editor's actions and keys;
- :mod:`.toolbar`: :class:`EditorToolbar`, the strip of buttons that drives the editor
  (laid out by :mod:`.flow_layout`);
- :mod:`.geometry`: coordinates shown on the plot and stored in the points, pixels, hit tests.

The point set itself, and its undo, are the engine's: :mod:`mlpstudio.core.editing`.
"""

from .editor import DataEditor
from .toolbar import EditorToolbar
from .tools import TOOL_TEXT, Tool

__all__ = ["TOOL_TEXT", "DataEditor", "EditorToolbar", "Tool"]
