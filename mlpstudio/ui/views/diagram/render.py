"""Save the diagram (or any widget) as a PNG image, e.g. for a handout or a bug report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget


def render_png(widget: QWidget, path: str | Path) -> Path:
    """Save a screenshot of ``widget`` (a :class:`NetworkView` draws its pending maps first)."""
    flush = getattr(widget, "flush", None)
    if callable(flush):
        flush()
    path = Path(path)
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path
