"""Light and dark themes for the whole application: Qt's Fusion style, a palette, one style sheet.

Switching the theme swaps the palette. The style sheet (``resources/style/app.qss``) names
palette roles instead of colours, so it is set once: setting a new sheet re-polished every
widget of the window, which made a theme switch take ~2 s. Only the few kinds of widget whose
rules name colours are polished again (``PALETTE_STYLED``).

Under an application style sheet, ``QApplication.setPalette`` and ``setFont`` reach the windows
but no widget inside them (Qt's documented caveat). Re-setting the sheet used to make up for it
at every theme switch, which is also why presenter mode's bigger font appeared only at the next
theme switch, and why leaving presenter mode kept it until then: toggling the theme "changed the
font size". Here both changes are taken to every widget directly (a few ms), the font's whoever
sets it, and :func:`base_font` / :func:`set_base_font` restore the normal font exactly.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QDockWidget, QPushButton, QWidget

from mlpstudio.resources_path import resources

from .palette import theme as theme_colors

STYLE_SHEET = "app.qss"
# The widgets whose style-sheet rules name palette colours or a font weight (see app.qss). Qt
# resolves those when it polishes a widget, so after a palette or font change these few are
# polished again.
PALETTE_STYLED: tuple[type[QWidget], ...] = (QPushButton, QDockWidget)

_normal_font: QFont | None = None  # the application's font before any presenter scaling


def style_sheet() -> str:
    """The application's style sheet (the same for both themes), or "" if it cannot be read."""
    try:
        return (resources() / "style" / STYLE_SHEET).read_text(encoding="utf-8")
    except OSError:
        return ""


def palette_for(name: str) -> QPalette:
    """The ``light`` or ``dark`` palette: every role Fusion and the style sheet use."""
    c = theme_colors(name)
    color = {key: QColor(value) for key, value in c.items()}
    # Built from the button and window colours, so Fusion's bevels (light, mid, dark, shadow)
    # are shades of this theme, not of the system's.
    pal = QPalette(color["panel"], color["panel"])
    role = QPalette.ColorRole
    for r, key in (
        (role.Window, "panel"),
        (role.WindowText, "foreground"),
        (role.Base, "background"),
        (role.AlternateBase, "title"),
        (role.Text, "foreground"),
        (role.Button, "panel"),
        (role.ButtonText, "foreground"),
        (role.ToolTipBase, "background"),
        (role.ToolTipText, "foreground"),
        (role.Highlight, "accent"),
        (role.HighlightedText, "on_accent"),
        (role.PlaceholderText, "muted"),
        (role.Link, "accent"),
        (role.LinkVisited, "accent"),
        (role.Mid, "grid"),
    ):
        pal.setColor(r, color[key])
    for r in (role.Text, role.ButtonText, role.WindowText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, color["muted"])
    return pal


def apply(app: QApplication | None, name: str, window: QWidget | None = None) -> None:
    """Switch ``app`` to the ``light`` or ``dark`` theme (fast: only the palette changes).

    ``window``: one more window to reach even before it is shown (the main window applies its
    theme while it is being built)."""
    if app is None:
        return
    if not app.property("mlpstudio_fusion"):
        # Once: a new style re-polishes every widget too. (Under a style sheet app.style() is
        # Qt's style-sheet wrapper, whose name is "", so the name cannot tell.)
        app.setStyle("Fusion")
        app.setProperty("mlpstudio_fusion", True)
    _remember_normal_font(app)
    _FontWatch.install(app)
    sheet = style_sheet()
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
    app.setPalette(palette_for(name))
    _reach_every_widget(app, QEvent.Type.ApplicationPaletteChange, window)
    _repolish_styled(app, window)


def base_font(app: QApplication | None = None) -> QFont:
    """The normal (not presenter) font: the application's font before any scaling."""
    app = app or QApplication.instance()
    _remember_normal_font(app)
    return QFont(_normal_font)


def set_base_font(app: QApplication, point_size: float | None = None) -> None:
    """Set every widget's font to ``point_size`` (``None``: back to :func:`base_font` exactly)."""
    _remember_normal_font(app)
    _FontWatch.install(app)
    font = QFont(_normal_font)
    if point_size is not None:
        font.setPointSizeF(point_size)
    app.setFont(font)


def _reach_every_widget(
    app: QApplication, kind: QEvent.Type, window: QWidget | None = None
) -> None:
    """Tell every widget that the application's palette or font changed.

    Under an application style sheet Qt tells only the windows, and a widget inside keeps
    what it had: the dark palette stopped at the dock frames, presenter fonts at the window.
    A widget that gets the event takes the application's value unless it set its own.
    """
    event = QEvent(kind)
    for widget in _shown_widgets(app, window):
        QApplication.sendEvent(widget, event)


def _shown_widgets(app: QApplication, window: QWidget | None = None) -> list[QWidget]:
    """The widgets of the windows on screen. Not ``allWidgets()``: that also holds widgets of
    closed windows and widgets waiting for ``deleteLater``, and an event sent to one of those
    while it is being torn down crashes Qt. A hidden window gets the change when it is shown
    (Qt sends its widgets the application's palette and font on polish)."""
    roots = [w for w in app.topLevelWidgets() if w.isVisible()]
    if window is not None and window not in roots:
        roots.append(window)
    shown: list[QWidget] = []
    for root in roots:
        shown.append(root)
        shown.extend(root.findChildren(QWidget))
    return shown


def _repolish_styled(app: QApplication, window: QWidget | None = None) -> None:
    """Polish again the widgets whose style-sheet rules Qt resolved against the old palette or
    font (a checked button's colours, a dock title's bold font)."""
    for widget in _shown_widgets(app, window):
        if isinstance(widget, PALETTE_STYLED):
            style = widget.style()
            style.unpolish(widget)
            style.polish(widget)


def _remember_normal_font(app: QApplication) -> None:
    global _normal_font
    if _normal_font is None:
        _normal_font = QFont(app.font())


class _FontWatch(QObject):
    """Takes every change of the application's font, whoever makes it, to every widget."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        app.fontChanged.connect(self._spread)

    def _spread(self, _font: QFont) -> None:
        _reach_every_widget(self._app, QEvent.Type.ApplicationFontChange)
        _repolish_styled(self._app)

    @classmethod
    def install(cls, app: QApplication) -> None:
        if app.findChild(cls) is None:
            cls(app)
