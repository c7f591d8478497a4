"""The dock tab bars: one bar per group of tabbed panels, none left over where the docks were.

Qt 6.11 can leave a copy of a dock group's tab bar where the docks were laid out before the
window had its size (seen with the app's own start-up, not in every process); at 1024×700 it
showed through above the panels' tabs. The tests put such a copy in place and check that the
window hides it and never the bar that works.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QTabBar


def _bars(window) -> list[QTabBar]:
    return window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)


def _visible_groups(window) -> list[tuple[str, ...]]:
    return [tuple(b.tabText(i) for i in range(b.count())) for b in _bars(window) if b.isVisible()]


def _stray_copy(window, titles: tuple[str, ...]) -> QTabBar:
    stray = QTabBar(window)
    for title in titles:
        stray.addTab(title)
    stray.setGeometry(QRect(0, 454, 640, 26))  # where a 640×480 window had its bottom docks
    stray.show()
    return stray


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_each_group_of_docks_shows_one_tab_bar(qtbot, window, size):
    stray = _stray_copy(window, ("Cost", "Inspector"))
    window.resize(*size)

    def one_bar_each() -> None:
        groups = _visible_groups(window)
        assert sorted(groups) == sorted(set(groups)), groups  # no group twice
        assert ("Training", "Network", "Data", "Lessons") in groups
        assert ("Cost", "Inspector") in groups

    qtbot.waitUntil(one_bar_each)
    assert not stray.isVisible()


def test_the_tab_bar_left_is_the_one_that_switches_panels(qtbot, window):
    stray = _stray_copy(window, ("Cost", "Inspector"))
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: not stray.isVisible())
    bar = next(
        b for b in _bars(window) if b.isVisible() and b.count() == 2 and b.tabText(1) == "Inspector"
    )
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    qtbot.waitUntil(window.inspector_showing)
