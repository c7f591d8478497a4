"""UI test set-up: settings in a temporary folder, no modal dialogs, and a ready main window."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory, monkeypatch):
    """Settings and autosaves in temporary folders, never the user's."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    yield


@pytest.fixture(autouse=True)
def _no_modal_dialogs(monkeypatch):
    """Answer "Discard" to every question and swallow message boxes (tests may override)."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    for name in ("critical", "warning", "information", "about"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Ok)


@pytest.fixture
def window(qtbot):
    """The main window at 1280×800 with its worker running and idle; closed cleanly after."""
    from mlpstudio.ui.main_window import MainWindow

    w = MainWindow(restore=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    assert w.settle()
    yield w
    w.session.mark_modified(False)
    w.shutdown()


@pytest.fixture
def view(qtbot):
    """A network diagram on its own, 700×500, shown (a test module may define its own)."""
    from mlpstudio.ui.views.diagram import NetworkView

    v = NetworkView()
    qtbot.addWidget(v)
    v.resize(700, 500)
    v.show()
    qtbot.waitExposed(v)
    return v
