"""The start page and the lesson panel: pick a lesson or an example; read it, check it, solve it.

The lessons themselves (texts, projects, checks) live in ``mlpstudio.core.lessons``; this widget
only shows them and asks the main window to open, check or solve one.

It sits in a narrow dock (260–340 px), so everything in it wraps: texts, button captions (a
``QPushButton`` never wraps its own), and rows of buttons. No button takes the keyboard focus:
a teacher clicks a lesson, then presses Space to train, and Space must reach the app.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mlpstudio.core import lessons
from mlpstudio.resources_path import examples

from .. import palette
from .flow_layout import FlowLayout

PAD_X, PAD_Y = 10, 5  # around a button's caption


class WrapButton(QPushButton):
    """A push button whose caption wraps to the button's width.

    Checkable buttons here show a state set from outside (the current lesson, the open
    variant): a click asks for a change, it does not make it, so a refused change (unsaved
    work kept) leaves the right button marked.
    """

    def __init__(self, text: str, tip: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip(tip)
        self._label = QLabel(text, self)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setWordWrap(True)
        self._label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box = QHBoxLayout(self)
        box.setContentsMargins(PAD_X, PAD_Y, PAD_X, PAD_Y)
        box.addWidget(self._label)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.toggled.connect(self._follow_check)

    def text(self) -> str:  # the caption lives in the label, not in QPushButton's text
        return self._label.text()

    def nextCheckState(self) -> None:
        pass  # the owner sets the checked state (see the class docstring)

    def sizeHint(self) -> QSize:
        # One line when there is room: a wrapped QLabel's own hint guesses a narrower shape.
        width = self.fontMetrics().horizontalAdvance(self.text()) + 2 * PAD_X + 4
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        words = self.text().split() or [""]
        widest = max(self.fontMetrics().horizontalAdvance(w) for w in words) + 2 * PAD_X + 4
        return QSize(widest, self.heightForWidth(widest))

    def heightForWidth(self, width: int) -> int:
        return self._label.heightForWidth(max(1, width - 2 * PAD_X)) + 2 * PAD_Y

    def hasHeightForWidth(self) -> bool:
        return True

    def _follow_check(self, on: bool) -> None:
        # The caption is a child label: give it the checked button's text colour.
        role = QPalette.ColorRole.HighlightedText if on else QPalette.ColorRole.ButtonText
        self._label.setForegroundRole(role)


def _wrapping_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class LessonPanel(QWidget):
    """Two pages: the start page (lessons and examples) and the open lesson."""

    openLesson = Signal(str, str)  # (slug, variant label or "")
    openExample = Signal(str)  # example project name
    solutionRequested = Signal()
    checkRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson: lessons.Lesson | None = None
        self._current: str | None = None
        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.pages)
        self.pages.addWidget(self._start_page())
        self.pages.addWidget(self._lesson_page())

    # ---- pages -------------------------------------------------------------------------------

    def _start_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(_wrapping_label("<h2>Welcome to MLP Studio</h2>"))
        box.addWidget(
            _wrapping_label(
                "Press <b>Space</b> to train the network on XOR, <b>→</b> to step, <b>R</b> to "
                "reset. Click a point to follow it through the network. Or start a lesson:"
            )
        )
        self.lesson_buttons: list[WrapButton] = []
        for lesson in lessons.LESSONS:
            button = WrapButton(f"{lesson.number}. {lesson.title}", lesson.goal or lesson.title)
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, s=lesson.slug: self.openLesson.emit(s, ""))
            box.addWidget(button)
            self.lesson_buttons.append(button)
        names = examples()
        if names:
            box.addWidget(_wrapping_label("<b>Examples</b>"))
            row = FlowLayout()
            for name in names:
                button = WrapButton(name, f"Open the example project {name}")
                button.clicked.connect(lambda _=False, n=name: self.openExample.emit(n))
                row.addWidget(button)
            box.addLayout(row)
        box.addStretch(1)
        return page

    def _lesson_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.back = WrapButton("← All lessons", "Back to the list of lessons")
        self.back.clicked.connect(self.show_start)
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addStretch(1)
        box.addLayout(top)
        self.title = _wrapping_label()
        box.addWidget(self.title)
        self.variants = FlowLayout()
        box.addLayout(self.variants)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        # Reading needs no keyboard: the wheel scrolls it, and Space stays the app's.
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.text.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box.addWidget(self.text, 1)
        self.status = _wrapping_label()
        box.addWidget(self.status)
        buttons = FlowLayout()
        self.check = WrapButton("Check", "Check the network against the lesson's goal")
        self.check.clicked.connect(self.checkRequested)
        self.solution = WrapButton("Show a solution", "Set weights that solve this lesson")
        self.solution.clicked.connect(self.solutionRequested)
        buttons.addWidget(self.check)
        buttons.addWidget(self.solution)
        box.addLayout(buttons)
        return page

    # ---- state ---------------------------------------------------------------------------------

    def set_current(self, slug: str | None) -> None:
        """Mark the lesson ``slug`` as the open one in the list (``None``: no lesson is open)."""
        self._current = slug
        for lesson, button in zip(lessons.LESSONS, self.lesson_buttons, strict=True):
            button.setChecked(lesson.slug == slug)

    def current(self) -> str | None:
        """The slug of the lesson marked as open, or ``None``."""
        return self._current

    def show_start(self) -> None:
        self.lesson = None
        self.pages.setCurrentIndex(0)

    def show_lesson(self, lesson: lessons.Lesson, variant: str = "") -> None:
        """Show a lesson's text, its variants (e.g. AND/OR/NOT) and its buttons."""
        self.lesson = lesson
        self.set_current(lesson.slug)
        self.title.setText(f"<h3>Lesson {lesson.number}: {html.escape(lesson.title)}</h3>")
        while self.variants.count():
            item = self.variants.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        if len(lesson.variants) > 1:
            for label, _ in lesson.variants:
                button = WrapButton(label, f"Open the {label} part of this lesson")
                button.setCheckable(True)
                button.setChecked(
                    label == variant or (not variant and label == lesson.variants[0][0])
                )
                button.clicked.connect(
                    lambda _=False, s=lesson.slug, v=label: self.openLesson.emit(s, v)
                )
                self.variants.addWidget(button)
        # The texts are wrapped at a fixed width; let the panel wrap them to its own width.
        paragraphs = [" ".join(p.split()) for p in lesson.text.split("\n\n") if p.strip()]
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        if lesson.goal:
            body += f"<p><b>Goal:</b> {html.escape(lesson.goal)}</p>"
        self.text.setHtml(body)
        self.check.setVisible(lesson.check is not None)
        self.solution.setVisible(lesson.solution is not None)
        self.status.setText("")
        self.pages.setCurrentIndex(1)

    def show_check(self, result: lessons.LessonCheck) -> None:
        """Say whether the lesson's goal holds, and which points are wrong.

        The lines come from ``core.lessons`` with the classes by name, as the data plot's legend
        and the editor show them; they are shown as they are (escaped, so a class named "<5"
        reads "<5").
        """
        # The theme's green or red: on a dark panel the light theme's ones are hard to read.
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        colours = palette.THEMES["dark" if dark else "light"]
        colour = colours["ok"] if result.passed else colours["warning"]
        mark = "✔" if result.passed else "✘"
        message = html.escape(result.message)
        lines = [f"<span style='color:{colour}'><b>{mark} {message}</b></span>"]
        lines += [f"&nbsp;&nbsp;{html.escape(w)}" for w in result.wrong]
        self.status.setText("<br>".join(lines))
