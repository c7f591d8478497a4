"""Light and dark themes for the whole application: Qt's Fusion style, a palette and a style sheet.

The style sheets live in ``resources/style``; colours come from ``palette.THEMES`` so the plots
and the widgets agree.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from mlpstudio.resources_path import resources

from .palette import theme as theme_colors


def _qss(name: str) -> str:
    try:
        return (resources() / "style" / f"{name}.qss").read_text(encoding="utf-8")
    except OSError:
        return ""


def apply(app: QApplication | None, name: str) -> None:
    """Switch ``app`` to the ``light`` or ``dark`` theme."""
    if app is None:
        return
    c = theme_colors(name)
    app.setStyle("Fusion")
    pal = QPalette()
    role = QPalette.ColorRole
    pal.setColor(role.Window, QColor(c["panel"]))
    pal.setColor(role.WindowText, QColor(c["foreground"]))
    pal.setColor(role.Base, QColor(c["background"]))
    pal.setColor(role.AlternateBase, QColor(c["panel"]))
    pal.setColor(role.Text, QColor(c["foreground"]))
    pal.setColor(role.Button, QColor(c["panel"]))
    pal.setColor(role.ButtonText, QColor(c["foreground"]))
    pal.setColor(role.ToolTipBase, QColor(c["background"]))
    pal.setColor(role.ToolTipText, QColor(c["foreground"]))
    pal.setColor(role.Highlight, QColor(c["accent"]))
    pal.setColor(role.HighlightedText, QColor("#FFFFFF"))
    pal.setColor(role.PlaceholderText, QColor(c["muted"]))
    pal.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(c["muted"]))
    pal.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(c["muted"]))
    pal.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor(c["muted"]))
    app.setPalette(pal)
    app.setStyleSheet(_qss(name))


def set_base_font(app: QApplication, point_size: float) -> None:
    """A readable default font size for every widget."""
    font = QFont(app.font())
    font.setPointSizeF(point_size)
    app.setFont(font)
