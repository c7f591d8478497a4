"""The start page and the lesson panel: pick a lesson or an example; read it, check it, solve it.

The lessons themselves (texts, projects, checks) live in ``mlpstudio.core.lessons``; this widget
only shows them and asks the main window to open, check or solve one.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mlpstudio.core import lessons
from mlpstudio.resources_path import examples


class LessonPanel(QWidget):
    """Two pages: the start page (lessons and examples) and the open lesson."""

    openLesson = Signal(str, str)  # (slug, variant label or "")
    openExample = Signal(str)  # example project name
    solutionRequested = Signal()
    checkRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson: lessons.Lesson | None = None
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
        title = QLabel("<h2>Welcome to MLP Studio</h2>")
        intro = QLabel(
            "Press <b>Space</b> to train the network on XOR, <b>→</b> to step, <b>R</b> to "
            "reset. Click a point to follow it through the network. Or start a lesson:"
        )
        intro.setWordWrap(True)
        box.addWidget(title)
        box.addWidget(intro)
        self.lesson_buttons: list[QPushButton] = []
        for lesson in lessons.LESSONS:
            button = QPushButton(f"{lesson.number}. {lesson.title}")
            button.setToolTip(lesson.goal or lesson.title)
            button.setStyleSheet("text-align: left; padding: 6px 10px;")
            button.clicked.connect(lambda _=False, s=lesson.slug: self.openLesson.emit(s, ""))
            box.addWidget(button)
            self.lesson_buttons.append(button)
        names = examples()
        if names:
            box.addWidget(QLabel("<b>Examples</b>"))
            row = QHBoxLayout()
            for name in names:
                button = QPushButton(name)
                button.setToolTip(f"Open the example project {name}")
                button.clicked.connect(lambda _=False, n=name: self.openExample.emit(n))
                row.addWidget(button)
            row.addStretch(1)
            box.addLayout(row)
        box.addStretch(1)
        return page

    def _lesson_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        top = QHBoxLayout()
        self.back = QPushButton("← All lessons")
        self.back.setToolTip("Back to the list of lessons")
        self.back.clicked.connect(self.show_start)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        top.addWidget(self.back)
        top.addWidget(self.title, 1)
        box.addLayout(top)
        self.variants = QHBoxLayout()
        box.addLayout(self.variants)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        box.addWidget(self.text, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        box.addWidget(self.status)
        buttons = QHBoxLayout()
        self.check = QPushButton("Check")
        self.check.setToolTip("Check the network against the lesson's goal")
        self.check.clicked.connect(self.checkRequested)
        self.solution = QPushButton("Show a solution")
        self.solution.setToolTip("Set weights that solve this lesson")
        self.solution.clicked.connect(self.solutionRequested)
        buttons.addWidget(self.check)
        buttons.addWidget(self.solution)
        buttons.addStretch(1)
        box.addLayout(buttons)
        return page

    # ---- state ---------------------------------------------------------------------------------

    def show_start(self) -> None:
        self.lesson = None
        self.pages.setCurrentIndex(0)

    def show_lesson(self, lesson: lessons.Lesson, variant: str = "") -> None:
        """Show a lesson's text, its variants (e.g. AND/OR/NOT) and its buttons."""
        self.lesson = lesson
        self.title.setText(f"<b>Lesson {lesson.number}: {lesson.title}</b>")
        while self.variants.count():
            item = self.variants.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        if len(lesson.variants) > 1:
            for label, _ in lesson.variants:
                button = QPushButton(label)
                button.setCheckable(True)
                button.setChecked(
                    label == variant or (not variant and label == lesson.variants[0][0])
                )
                button.setToolTip(f"Open the {label} part of this lesson")
                button.clicked.connect(
                    lambda _=False, s=lesson.slug, v=label: self.openLesson.emit(s, v)
                )
                self.variants.addWidget(button)
            self.variants.addStretch(1)
        # The texts are wrapped at a fixed width; let the panel wrap them to its own width.
        paragraphs = [" ".join(p.split()) for p in lesson.text.split("\n\n") if p.strip()]
        if lesson.goal:
            paragraphs.append(f"<b>Goal:</b> {html.escape(lesson.goal)}")
        body = "".join(
            f"<p>{p if p.startswith('<b>Goal') else html.escape(p)}</p>" for p in paragraphs
        )
        self.text.setHtml(body)
        self.check.setVisible(lesson.check is not None)
        self.solution.setVisible(lesson.solution is not None)
        self.status.setText("")
        self.pages.setCurrentIndex(1)

    def show_check(self, result: lessons.LessonCheck) -> None:
        """Say whether the lesson's goal holds, and which points are wrong."""
        colour = "#1a7f37" if result.passed else "#B2182B"
        mark = "✔" if result.passed else "✘"
        lines = [f"<span style='color:{colour}'><b>{mark} {result.message}</b></span>"]
        lines += [f"&nbsp;&nbsp;{w}" for w in result.wrong]
        self.status.setText("<br>".join(lines))
